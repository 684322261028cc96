use std::collections::HashSet;

use jiff::Timestamp;
use ulid::Ulid;

use super::{Title, Todo, TodoId, TodoRef};

/// Ids stay below 2^53 so that every JSON reader, JavaScript included, reads them exactly.
const MAX_ID: u64 = (1 << 53) - 1;

/// The todos, in the order they were added, and the next id to hand out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TodoList {
    next_id: TodoId,
    todos: Vec<Todo>,
}

/// A stored list that breaks a rule no list made by these functions can break.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidList {
    #[error("two todos share the id {0}")]
    DuplicateId(TodoId),
    #[error("two todos share the ULID {0}")]
    DuplicateUlid(Ulid),
    #[error("the id {0} is out of range (1 to {MAX_ID})")]
    IdOutOfRange(u64),
}

/// The references `complete` could not match; nothing was completed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no todo with id {}", list_refs(.0))]
pub struct UnknownTodos(pub Vec<TodoRef>);

fn list_refs(refs: &[TodoRef]) -> String {
    let names: Vec<String> = refs.iter().map(ToString::to_string).collect();
    names.join(", ")
}

impl Default for TodoList {
    fn default() -> Self {
        Self {
            next_id: TodoId(1),
            todos: Vec::new(),
        }
    }
}

impl TodoList {
    /// Rebuilds a stored list, checking what a hand edit could have broken.
    /// A `next_id` at or below an existing id is raised, so ids are never reused.
    pub fn from_parts(next_id: u64, todos: Vec<Todo>) -> Result<Self, InvalidList> {
        let mut ids = HashSet::with_capacity(todos.len());
        let mut ulids = HashSet::with_capacity(todos.len());
        let mut highest = 0;
        for todo in &todos {
            let id = todo.id.0;
            if id == 0 || id > MAX_ID {
                return Err(InvalidList::IdOutOfRange(id));
            }
            if !ids.insert(id) {
                return Err(InvalidList::DuplicateId(todo.id));
            }
            if !ulids.insert(todo.ulid) {
                return Err(InvalidList::DuplicateUlid(todo.ulid));
            }
            highest = highest.max(id);
        }
        if next_id > MAX_ID {
            return Err(InvalidList::IdOutOfRange(next_id));
        }
        Ok(Self {
            next_id: TodoId(next_id.max(highest + 1)),
            todos,
        })
    }

    /// The id the next added todo will get.
    pub fn next_id(&self) -> TodoId {
        self.next_id
    }

    /// Every todo, oldest first.
    pub fn todos(&self) -> &[Todo] {
        &self.todos
    }

    pub fn add(
        &mut self,
        title: Title,
        description: String,
        ulid: Ulid,
        created_at: Timestamp,
    ) -> &Todo {
        let id = self.next_id;
        self.next_id = TodoId(id.0 + 1);
        self.todos.push(Todo {
            id,
            ulid,
            title,
            description,
            created_at,
        });
        &self.todos[self.todos.len() - 1]
    }

    /// The `count` most recently added todos, newest first.
    pub fn recent(&self, count: usize) -> impl Iterator<Item = &Todo> {
        self.todos.iter().rev().take(count)
    }

    /// Todos whose title or description contains `text`, ignoring case, newest first.
    pub fn find(&self, text: &str) -> impl Iterator<Item = &Todo> {
        let needle = text.to_lowercase();
        self.todos.iter().rev().filter(move |t| t.mentions(&needle))
    }

    /// Removes the named todos, all or none: if any reference matches nothing,
    /// the list is left as it was. Returns the removed todos in the order named.
    pub fn complete(&mut self, refs: &[TodoRef]) -> Result<Vec<Todo>, UnknownTodos> {
        let mut positions = Vec::with_capacity(refs.len());
        let mut unknown = Vec::new();
        for r in refs {
            match self.todos.iter().position(|t| r.matches(t)) {
                Some(p) if !positions.contains(&p) => positions.push(p),
                Some(_) => {}
                None => unknown.push(*r),
            }
        }
        if !unknown.is_empty() {
            return Err(UnknownTodos(unknown));
        }
        let done = positions.iter().map(|&p| self.todos[p].clone()).collect();
        let mut index = 0;
        self.todos.retain(|_| {
            let keep = !positions.contains(&index);
            index += 1;
            keep
        });
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list_of(titles: &[&str]) -> TodoList {
        let mut list = TodoList::default();
        for (n, title) in titles.iter().enumerate() {
            list.add(
                Title::new(title).unwrap(),
                format!("about {title}"),
                Ulid::from_parts(1, n as u128),
                Timestamp::UNIX_EPOCH,
            );
        }
        list
    }

    fn titles<'a>(todos: impl Iterator<Item = &'a Todo>) -> Vec<&'a str> {
        todos.map(|t| t.title.as_str()).collect()
    }

    #[test]
    fn add_hands_out_increasing_ids() {
        let mut list = list_of(&["a", "b"]);
        let todo = list.add(
            Title::new("c").unwrap(),
            String::new(),
            Ulid::nil(),
            Timestamp::UNIX_EPOCH,
        );
        assert_eq!(todo.id, TodoId(3));
        assert_eq!(list.next_id(), TodoId(4));
    }

    #[test]
    fn recent_is_newest_first_and_bounded() {
        let list = list_of(&["a", "b", "c"]);
        assert_eq!(titles(list.recent(2)), ["c", "b"]);
        assert_eq!(titles(list.recent(10)), ["c", "b", "a"]);
    }

    #[test]
    fn find_ignores_case_across_unicode() {
        let list = list_of(&["Купить МОЛОКО", "Straße fegen", "Call Bob"]);
        assert_eq!(titles(list.find("молоко")), ["Купить МОЛОКО"]);
        assert_eq!(titles(list.find("STRASSE")).len(), 0);
        assert_eq!(titles(list.find("straße")), ["Straße fegen"]);
        assert_eq!(
            titles(list.find("ABOUT")),
            ["Call Bob", "Straße fegen", "Купить МОЛОКО"]
        );
    }

    #[test]
    fn complete_removes_and_never_reuses_ids() {
        let mut list = list_of(&["a", "b", "c"]);
        let done = list.complete(&[TodoRef::Id(TodoId(3))]).unwrap();
        assert_eq!(titles(done.iter()), ["c"]);
        assert_eq!(list.next_id(), TodoId(4));
    }

    #[test]
    fn complete_is_all_or_nothing() {
        let mut list = list_of(&["a", "b"]);
        let before = list.clone();
        let err = list
            .complete(&[TodoRef::Id(TodoId(1)), TodoRef::Id(TodoId(9))])
            .unwrap_err();
        assert_eq!(err, UnknownTodos(vec![TodoRef::Id(TodoId(9))]));
        assert_eq!(list, before);
    }

    #[test]
    fn complete_accepts_ulids_and_repeats() {
        let mut list = list_of(&["a", "b"]);
        let ulid = list.todos()[0].ulid;
        let done = list
            .complete(&[TodoRef::Ulid(ulid), TodoRef::Id(TodoId(1))])
            .unwrap();
        assert_eq!(titles(done.iter()), ["a"]);
        assert_eq!(titles(list.recent(5)), ["b"]);
    }

    #[test]
    fn from_parts_raises_a_stale_next_id() {
        let todos = list_of(&["a", "b"]).todos().to_vec();
        assert_eq!(TodoList::from_parts(1, todos).unwrap().next_id(), TodoId(3));
    }

    #[test]
    fn from_parts_rejects_duplicates_and_bad_ids() {
        let mut todos = list_of(&["a", "b"]).todos().to_vec();
        todos[1].id = TodoId(1);
        assert_eq!(
            TodoList::from_parts(3, todos.clone()),
            Err(InvalidList::DuplicateId(TodoId(1)))
        );
        todos[1].id = TodoId(2);
        todos[1].ulid = todos[0].ulid;
        assert!(matches!(
            TodoList::from_parts(3, todos.clone()),
            Err(InvalidList::DuplicateUlid(_))
        ));
        todos[1].ulid = Ulid::nil();
        todos[1].id = TodoId(0);
        assert_eq!(
            TodoList::from_parts(3, todos),
            Err(InvalidList::IdOutOfRange(0))
        );
        assert_eq!(
            TodoList::from_parts(1 << 60, Vec::new()),
            Err(InvalidList::IdOutOfRange(1 << 60))
        );
    }
}
