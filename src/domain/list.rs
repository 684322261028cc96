use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use ulid::Ulid;

use super::{Needle, Title, Todo, TodoId, TodoRef};

/// Ids stay below 2^53 so that every JSON reader, JavaScript included, reads them exactly.
const MAX_ID: u64 = (1 << 53) - 1;
/// The next id of a list that has handed out `MAX_ID`: still exact in JSON.
const EXHAUSTED: u64 = MAX_ID + 1;

/// A todo as a store holds it: its number and identity at hand, the rest
/// read only when asked for, so that a long list costs little to open.
pub trait Entry: From<Todo> {
    fn id(&self) -> TodoId;
    fn ulid(&self) -> Ulid;
    /// The whole todo; fails if what was stored turns out not to be one.
    fn todo(&self) -> Result<Todo, UnreadableTodo>;
    /// A quick check, for each of `entries`, that may wrongly say yes but
    /// never wrongly no: could this todo mention `needle`? A store that can
    /// search its text faster than todo by todo says so here.
    fn may_mention(entries: &[Self], needle: &Needle) -> Vec<bool> {
        let _ = needle;
        vec![true; entries.len()]
    }
}

impl Entry for Todo {
    fn id(&self) -> TodoId {
        self.id
    }

    fn ulid(&self) -> Ulid {
        self.ulid
    }

    fn todo(&self) -> Result<Todo, UnreadableTodo> {
        Ok(self.clone())
    }
}

/// A stored todo that cannot be read back; the message says where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnreadableTodo(pub String);

/// The todos, in the order they were added, and the next id to hand out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TodoList<E = Todo> {
    next_id: TodoId,
    entries: Vec<E>,
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
    #[error("\"next_id\" {0} is out of range (1 to {EXHAUSTED})")]
    NextIdOutOfRange(u64),
}

/// The list has handed out every number a todo can have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the list has used every number up to {MAX_ID}, so no todo can be added")]
pub struct ListFull;

/// The references `complete` could not match; nothing was completed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no todo with id {}", list_refs(.0))]
pub struct UnknownTodos(pub Vec<TodoRef>);

fn list_refs(refs: &[TodoRef]) -> String {
    let names: Vec<String> = refs.iter().map(ToString::to_string).collect();
    names.join(", ")
}

/// A value that occurs twice, if any. Lists are kept in creation order, so
/// ids and ULIDs are usually increasing already, and then nothing is
/// collected or sorted.
fn first_repeat<E, T: Ord + Copy>(entries: &[E], key: impl Fn(&E) -> T) -> Option<T> {
    if entries.windows(2).all(|w| key(&w[0]) < key(&w[1])) {
        return None;
    }
    let mut values: Vec<T> = entries.iter().map(key).collect();
    values.sort_unstable();
    values.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

impl<E> Default for TodoList<E> {
    fn default() -> Self {
        Self {
            next_id: TodoId(1),
            entries: Vec::new(),
        }
    }
}

impl<E: Entry> TodoList<E> {
    /// Rebuilds a stored list, checking what a hand edit could have broken.
    /// A `next_id` at or below an existing id is raised, so ids are never reused.
    pub fn from_parts(next_id: u64, entries: Vec<E>) -> Result<Self, InvalidList> {
        if let Some(bad) = entries
            .iter()
            .map(|e| e.id().0)
            .find(|&id| id == 0 || id > MAX_ID)
        {
            return Err(InvalidList::IdOutOfRange(bad));
        }
        if let Some(id) = first_repeat(&entries, E::id) {
            return Err(InvalidList::DuplicateId(id));
        }
        if let Some(ulid) = first_repeat(&entries, E::ulid) {
            return Err(InvalidList::DuplicateUlid(ulid));
        }
        if next_id > EXHAUSTED {
            return Err(InvalidList::NextIdOutOfRange(next_id));
        }
        let highest = entries.iter().map(|e| e.id().0).max().unwrap_or(0);
        Ok(Self {
            next_id: TodoId(next_id.max(highest + 1)),
            entries,
        })
    }

    /// The id the next added todo will get.
    pub fn next_id(&self) -> TodoId {
        self.next_id
    }

    /// Every todo as stored, oldest first.
    pub fn entries(&self) -> &[E] {
        &self.entries
    }

    /// Adds a todo with the next id, unless every id has been handed out.
    pub fn add(
        &mut self,
        title: Title,
        description: String,
        ulid: Ulid,
        created_at: Timestamp,
    ) -> Result<Todo, ListFull> {
        if self.next_id.0 > MAX_ID {
            return Err(ListFull);
        }
        let todo = Todo {
            id: self.next_id,
            ulid,
            title,
            description,
            created_at,
        };
        self.next_id = TodoId(self.next_id.0 + 1);
        self.entries.push(E::from(todo.clone()));
        Ok(todo)
    }

    /// The `count` most recently added todos, newest first.
    pub fn recent(&self, count: usize) -> Result<Vec<Todo>, UnreadableTodo> {
        self.entries.iter().rev().take(count).map(E::todo).collect()
    }

    /// Todos whose title or description contains `text`, ignoring case, newest first.
    pub fn find(&self, text: &str) -> Result<Vec<Todo>, UnreadableTodo> {
        let needle = Needle::new(text);
        let candidates = E::may_mention(&self.entries, &needle);
        let mut found = Vec::new();
        for (entry, _) in self
            .entries
            .iter()
            .zip(candidates)
            .rev()
            .filter(|(_, c)| *c)
        {
            let todo = entry.todo()?;
            if todo.mentions(&needle) {
                found.push(todo);
            }
        }
        Ok(found)
    }

    /// Removes the named todos, all or none: if any reference matches nothing,
    /// the list is left as it was. Returns the removed entries, oldest first.
    /// Takes time in proportion to the list and the references, however many.
    pub fn complete(&mut self, refs: &[TodoRef]) -> Result<Vec<E>, UnknownTodos> {
        let positions = Positions::of(&self.entries, refs.len());
        let mut chosen = vec![false; self.entries.len()];
        let mut unknown = Vec::new();
        let mut reported = HashSet::new();
        for r in refs {
            match positions.find(&self.entries, r) {
                Some(p) => chosen[p] = true,
                None if reported.insert(*r) => unknown.push(*r),
                None => {}
            }
        }
        if !unknown.is_empty() {
            return Err(UnknownTodos(unknown));
        }
        let mut chosen = chosen.into_iter();
        let removed = self
            .entries
            .extract_if(.., |_| chosen.next().unwrap_or(false))
            .collect();
        Ok(removed)
    }
}

/// Where the todos are, for finding many references in one list: a scan
/// per reference for a few, an index built once for more.
enum Positions {
    Scan,
    Index {
        ids: HashMap<TodoId, usize>,
        ulids: HashMap<Ulid, usize>,
    },
}

impl Positions {
    /// More references than this are looked up in an index.
    const SCANNED: usize = 8;

    fn of<E: Entry>(entries: &[E], refs: usize) -> Self {
        if refs <= Self::SCANNED {
            return Self::Scan;
        }
        let ids = entries.iter().enumerate().map(|(p, e)| (e.id(), p));
        let ulids = entries.iter().enumerate().map(|(p, e)| (e.ulid(), p));
        Self::Index {
            ids: ids.collect(),
            ulids: ulids.collect(),
        }
    }

    fn find<E: Entry>(&self, entries: &[E], r: &TodoRef) -> Option<usize> {
        match (self, r) {
            (Self::Scan, r) => entries.iter().position(|e| r.matches(e.id(), e.ulid())),
            (Self::Index { ids, .. }, TodoRef::Id(id)) => ids.get(id).copied(),
            (Self::Index { ulids, .. }, TodoRef::Ulid(ulid)) => ulids.get(ulid).copied(),
        }
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
            )
            .unwrap();
        }
        list
    }

    fn titles(todos: &[Todo]) -> Vec<&str> {
        todos.iter().map(|t| t.title.as_str()).collect()
    }

    #[test]
    fn add_hands_out_increasing_ids() {
        let mut list = list_of(&["a", "b"]);
        let todo: Todo = list
            .add(
                Title::new("c").unwrap(),
                String::new(),
                Ulid::nil(),
                Timestamp::UNIX_EPOCH,
            )
            .unwrap();
        assert_eq!(todo.id, TodoId(3));
        assert_eq!(list.next_id(), TodoId(4));
    }

    #[test]
    fn recent_is_newest_first_and_bounded() {
        let list = list_of(&["a", "b", "c"]);
        assert_eq!(titles(&list.recent(2).unwrap()), ["c", "b"]);
        assert_eq!(titles(&list.recent(10).unwrap()), ["c", "b", "a"]);
    }

    #[test]
    fn find_ignores_case_across_unicode() {
        let list = list_of(&["Купить МОЛОКО", "Straße fegen", "Call Bob"]);
        assert_eq!(titles(&list.find("молоко").unwrap()), ["Купить МОЛОКО"]);
        assert_eq!(titles(&list.find("STRASSE").unwrap()).len(), 0);
        assert_eq!(titles(&list.find("straße").unwrap()), ["Straße fegen"]);
        assert_eq!(
            titles(&list.find("ABOUT").unwrap()),
            ["Call Bob", "Straße fegen", "Купить МОЛОКО"]
        );
    }

    #[test]
    fn complete_removes_and_never_reuses_ids() {
        let mut list = list_of(&["a", "b", "c"]);
        let done = list.complete(&[TodoRef::Id(TodoId(3))]).unwrap();
        assert_eq!(titles(&done), ["c"]);
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
        let ulid = list.entries()[0].ulid;
        let done = list
            .complete(&[TodoRef::Ulid(ulid), TodoRef::Id(TodoId(1))])
            .unwrap();
        assert_eq!(titles(&done), ["a"]);
        assert_eq!(titles(&list.recent(5).unwrap()), ["b"]);
    }

    #[test]
    fn complete_names_each_unknown_reference_once() {
        let mut list = list_of(&["a"]);
        let refs = [7, 1, 7, 8, 7].map(|id| TodoRef::Id(TodoId(id)));
        let err = list.complete(&refs).unwrap_err();
        assert_eq!(err.to_string(), "no todo with id 7, 8");
    }

    #[test]
    fn complete_finds_many_references_as_a_few() {
        let titles: Vec<String> = (0..50).map(|n| n.to_string()).collect();
        let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
        let mut list = list_of(&titles);
        let ulid = list.entries()[3].ulid;
        let mut refs: Vec<TodoRef> = (10..=40).rev().map(|id| TodoRef::Id(TodoId(id))).collect();
        refs.push(TodoRef::Ulid(ulid));
        let done = list.complete(&refs).unwrap();
        let expected: Vec<String> = [3]
            .into_iter()
            .chain(9..40)
            .map(|n| n.to_string())
            .collect();
        assert_eq!(titles_of(&done), expected);
        assert_eq!(list.entries().len(), 50 - 32);
        let err = list
            .complete(
                &(1..=20)
                    .map(|id| TodoRef::Id(TodoId(id)))
                    .collect::<Vec<_>>(),
            )
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no todo with id 4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20"
        );
    }

    fn titles_of(todos: &[Todo]) -> Vec<String> {
        todos.iter().map(|t| t.title.to_string()).collect()
    }

    #[test]
    fn the_last_number_is_handed_out_and_then_adding_stops() {
        let mut list = TodoList::<Todo>::from_parts(MAX_ID, Vec::new()).unwrap();
        let add = |list: &mut TodoList| {
            list.add(
                Title::new("one more").unwrap(),
                String::new(),
                Ulid::nil(),
                Timestamp::UNIX_EPOCH,
            )
        };
        assert_eq!(add(&mut list).unwrap().id, TodoId(MAX_ID));
        assert_eq!(list.next_id(), TodoId(EXHAUSTED));
        // What was written back opens again, and refuses to add.
        let mut again = TodoList::from_parts(EXHAUSTED, list.entries().to_vec()).unwrap();
        assert_eq!(add(&mut again), Err(ListFull));
        assert_eq!(again, list);
    }

    #[test]
    fn from_parts_raises_a_stale_next_id() {
        let todos = list_of(&["a", "b"]).entries().to_vec();
        assert_eq!(TodoList::from_parts(1, todos).unwrap().next_id(), TodoId(3));
    }

    #[test]
    fn from_parts_rejects_duplicates_and_bad_ids() {
        let mut todos = list_of(&["a", "b"]).entries().to_vec();
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
            TodoList::<Todo>::from_parts(1 << 60, Vec::new()),
            Err(InvalidList::NextIdOutOfRange(1 << 60))
        );
        assert_eq!(
            TodoList::<Todo>::from_parts(EXHAUSTED + 1, Vec::new()),
            Err(InvalidList::NextIdOutOfRange(EXHAUSTED + 1))
        );
    }
}
