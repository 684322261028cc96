//! The todo in `todo.json`: the one file of this store that knows what a
//! todo holds. Another record type is kept by a file like this one.

use std::borrow::Cow;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use super::record::JsonRecord;
use crate::domain::{Id, Title, Todo};

/// A todo's fields besides its number and ULID, as the file holds them.
#[derive(Deserialize, Serialize)]
pub struct TodoFields<'a> {
    #[serde(borrow)]
    title: Cow<'a, str>,
    #[serde(borrow, default)]
    description: Cow<'a, str>,
    #[serde(borrow)]
    created_at: Cow<'a, str>,
}

impl JsonRecord for Todo {
    const COLLECTION: &'static str = "todos";

    type Fields<'a> = TodoFields<'a>;

    fn from_fields(id: Id, ulid: Ulid, fields: TodoFields<'_>) -> Result<Self, String> {
        let title = Title::new(&fields.title).map_err(|e| e.to_string())?;
        let created_at = fields.created_at.parse().map_err(|_| {
            let time = &fields.created_at;
            format!("\"created_at\" is not an RFC 3339 time: {time:?}")
        })?;
        Ok(Todo {
            id,
            ulid,
            title,
            description: fields.description.into_owned(),
            created_at,
        })
    }

    fn created(fields: &TodoFields<'_>) -> Option<Timestamp> {
        fields.created_at.parse().ok()
    }

    fn to_fields(&self) -> TodoFields<'_> {
        TodoFields {
            title: Cow::Borrowed(self.title.as_str()),
            description: Cow::Borrowed(&self.description),
            created_at: Cow::Owned(self.created_at.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;

    use super::*;
    use crate::adapters::json_file::laws::{self, Samples};
    use crate::adapters::json_file::{Checks, parse};
    use crate::domain::{Entry, Needle};

    impl Samples for Todo {
        fn holding(id: Id, ulid: Ulid, text: &str, n: u64) -> Option<Self> {
            Some(Todo {
                id,
                ulid,
                title: Title::new(text).ok()?,
                description: text.repeat(n as usize % 3),
                created_at: Timestamp::from_second(n as i64 * 1_000_000).ok()?,
            })
        }

        fn mentions(&self, needle: &Needle) -> bool {
            Todo::mentions(self, needle)
        }
    }

    laws::record_contract!(Todo);

    #[test]
    fn a_todo_written_by_hand_is_read_in_full() {
        let text = r#"{"version": 1, "next_id": 3, "todos": [
  { "title" : "Buy milk", "id":1, "ulid":"01M81V6XYR0000000000000001",
    "created_at":"2026-11-22T14:40:23+01:00", "tags": ["x", 1.50] },
  {"id": 2, "ulid": "01M81V6XYR0000000000000002", "title": "  ", "created_at": "2026-11-22T14:40:23Z"},
  {"id": 3, "ulid": "01M81V6XYR0000000000000003", "title": "x", "created_at": "yesterday"}
]}"#;
        let doc = parse::<Todo>("todo.json", text.to_owned(), Checks::All).unwrap();
        let entries = doc.list.entries();
        let first = entries[0].read().unwrap();
        assert_eq!(first.title.as_str(), "Buy milk");
        assert_eq!(first.description, "");
        assert_eq!(first.created_at.to_string(), "2026-11-22T13:40:23Z");
        let err = |n: usize| entries[n].read().unwrap_err().to_string();
        assert_eq!(
            err(1),
            "todo.json is not a todo list we can use: line 4, column 3: todo 2: a title must not be blank"
        );
        assert_eq!(
            err(2),
            "todo.json is not a todo list we can use: line 5, column 3: todo 3: \"created_at\" is not an RFC 3339 time: \"yesterday\""
        );
    }
}
