use std::fmt;

use jiff::Timestamp;
use ulid::Ulid;

use super::Title;

/// The short number people type. Never reused within a list, even after `done`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TodoId(pub u64);

impl fmt::Display for TodoId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One thing to do. `ulid` is its permanent identity; `id` is for typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Todo {
    pub id: TodoId,
    pub ulid: Ulid,
    pub title: Title,
    pub description: String,
    pub created_at: Timestamp,
}

impl Todo {
    /// Whether `needle`, already lowercased, occurs in the title or description.
    pub(super) fn mentions(&self, needle: &str) -> bool {
        contains_lowercase(self.title.as_str(), needle)
            || contains_lowercase(&self.description, needle)
    }
}

fn contains_lowercase(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(needle)
}
