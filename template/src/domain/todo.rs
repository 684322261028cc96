use jiff::Timestamp;
use ulid::Ulid;

use super::record::{Id, Record, Words};
use super::search::Needle;
use super::title::Title;

/// One thing to do. `ulid` is its permanent identity; `id` is for typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Todo {
    pub id: Id,
    pub ulid: Ulid,
    pub title: Title,
    pub description: String,
    pub created_at: Timestamp,
}

impl Record for Todo {
    const WORDS: Words = Words {
        one: "todo",
        a_one: "a todo",
        many: "todos",
        remove: "complete",
        removed: "completed",
    };

    fn id(&self) -> Id {
        self.id
    }

    fn ulid(&self) -> Ulid {
        self.ulid
    }

    fn with_id(self, id: Id) -> Self {
        Self { id, ..self }
    }
}

impl Todo {
    /// Whether the title or description contains `needle`.
    pub fn mentions(&self, needle: &Needle) -> bool {
        needle.found_in(self.title.as_str()) || needle.found_in(&self.description)
    }
}
