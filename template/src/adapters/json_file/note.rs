//! The store's own tests, on `Note`, a record of the tests' own, so that no
//! test of the store depends on the record a CLI keeps; `Note` keeps the
//! laws too.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use ulid::Ulid;

use super::laws::Samples;
use super::record::JsonRecord;
use crate::domain::{Id, Needle, Record, Words};

/// A record of the tests' own: a note, with text that must not be empty
/// and a flag that may be left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    id: Id,
    ulid: Ulid,
    text: String,
    pinned: bool,
}

impl Record for Note {
    const WORDS: Words = Words {
        one: "note",
        a_one: "a note",
        many: "notes",
        remove: "archive",
        removed: "archived",
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

#[derive(Serialize, Deserialize)]
pub struct NoteFields<'a> {
    #[serde(borrow)]
    text: Cow<'a, str>,
    #[serde(default)]
    pinned: bool,
}

impl JsonRecord for Note {
    const COLLECTION: &'static str = "notes";

    type Fields<'a> = NoteFields<'a>;

    fn from_fields(id: Id, ulid: Ulid, fields: NoteFields<'_>) -> Result<Self, String> {
        if fields.text.is_empty() {
            return Err("a note must say something".into());
        }
        Ok(Note {
            id,
            ulid,
            text: fields.text.into_owned(),
            pinned: fields.pinned,
        })
    }

    fn to_fields(&self) -> NoteFields<'_> {
        NoteFields {
            text: Cow::Borrowed(&self.text),
            pinned: self.pinned,
        }
    }
}

impl Samples for Note {
    fn holding(id: Id, ulid: Ulid, text: &str, n: u64) -> Option<Self> {
        (!text.is_empty()).then(|| Note {
            id,
            ulid,
            text: text.to_owned(),
            pinned: n % 2 == 1,
        })
    }

    fn mentions(&self, needle: &Needle) -> bool {
        needle.found_in(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::adapters::json_file::document::Document;
    use crate::adapters::json_file::laws::{
        list_of, record_contract, records, rendered, run_together,
    };
    use crate::adapters::json_file::lines_check::LinesCheck;
    use crate::adapters::json_file::open::parse;
    use crate::adapters::json_file::source::{Checks, Layout, Stored};
    use crate::domain::{Entry, List};

    record_contract!(Note);

    fn load(text: &str) -> Result<Document<Note>, super::super::FormatError> {
        parse("notes.json", String::from(text), Checks::All)
    }

    fn written(count: u64) -> String {
        let texts: Vec<String> = (0..count)
            .map(|n| format!("errand {n} {}", "é".repeat(n as usize)))
            .collect();
        rendered(&list_of::<Note>(&texts))
    }

    fn ids(doc: &Document<Note>) -> Vec<(Id, Ulid)> {
        doc.list
            .entries()
            .iter()
            .map(|e| (e.id(), e.ulid()))
            .collect()
    }

    fn find(doc: &Document<Note>, needle: &str) -> Result<Vec<u64>, String> {
        let found = doc
            .list
            .find(&Needle::new(needle), Note::mentions)
            .map_err(|e| e.to_string())?;
        Ok(found.iter().map(|n| n.id.0).collect())
    }

    const HAND_WRITTEN: &str = r#"{"notes": [
  { "text" : "Buy milk",  "id":1, "ulid":"01M81V6XYR0000000000000001",
    "tags": ["x", 1.50] },
  {"id": 2, "ulid": "01M81V6XYR0000000000000002", "text": ""}
], "next_id": 2, "version": 1, "owner": {"name": "Ada"}}"#;

    #[test]
    fn any_layout_is_read_and_written_back_in_the_canonical_layout() {
        let mut doc = parse::<Note>("notes.json", HAND_WRITTEN.to_owned(), Checks::All).unwrap();
        assert_eq!(doc.layout, Layout::Other);
        assert_eq!(doc.list.next_id(), Id(3));
        assert_eq!(doc.list.entries()[0].read().unwrap().text, "Buy milk");
        doc.list
            .add(|id| Note::holding(id, Ulid::from_parts(1, 3), "new", 0).unwrap())
            .unwrap();
        let text = rendered(&doc);
        // Every field as it was, numbers and text byte for byte, on one line.
        assert!(text.contains(
            r#"    {"id": 1, "ulid": "01M81V6XYR0000000000000001", "text": "Buy milk", "tags": ["x", 1.50]},"#
        ));
        assert!(text.contains(r#""text": """#));
        assert_eq!(
            parse::<Note>("notes.json", text.clone(), Checks::All)
                .unwrap()
                .layout,
            Layout::AsWritten
        );
        assert!(text.contains("  \"owner\": {\"name\": \"Ada\"},\n"));
        assert!(text.ends_with(
            "{\"id\": 3, \"ulid\": \"00000000010000000000000003\", \"text\": \"new\", \"pinned\": false}\n  ]\n}\n"
        ));
        assert_eq!(load(&text).unwrap().list.entries().len(), 3);
    }

    /// A list annotated by hand or by a newer version, with a record
    /// added: what the store does not know is written back as it was.
    #[test]
    fn unknown_fields_survive_a_rewrite() {
        let text = r#"{
  "version": 1,
  "owner": {"name": "Ada", "since": 1815},
  "next_id": 3,
  "notes": [
    {"id": 1, "ulid": "01M81V6XYR0000000000000001", "text": "Buy milk", "priority": "high", "big": 123456789012345678901234567890, "tags": ["home", {"nested": [1.50, null]}]},
    {"id": 2, "ulid": "01M81V6XYR0000000000000002", "pinned": true, "text": "Pay rent", "zzz": true}
  ]
}
"#;
        let mut doc = load(text).unwrap();
        doc.list
            .add(|id| Note::holding(id, Ulid::from_parts(1, 3), "Call the plumber", 0).unwrap())
            .unwrap();
        insta::assert_snapshot!(rendered(&doc));
    }

    #[test]
    fn a_broken_record_is_reported_when_read_with_its_place() {
        let doc = load(HAND_WRITTEN).unwrap();
        let err = doc.list.recent(1).unwrap_err().to_string();
        assert_eq!(
            err,
            "notes.json is not a note list we can use: line 4, column 3: note 2: a note must say something"
        );
    }

    #[test]
    fn what_is_wrong_with_a_record_is_said_field_by_field() {
        let note = |fields: &str| {
            format!(
                "{% raw %}{{\"version\": 1, \"next_id\": 2, \"notes\": [{{\"id\": 1, \"ulid\": \"01M81V6XYR0000000000000001\"{fields}}{% endraw %}}]}}"
            )
        };
        let cases = [
            ("", "note 1 has no \"text\""),
            (
                r#", "text": 5"#,
                "note 1: \"text\": invalid type: integer `5`, expected a string",
            ),
            (
                r#", "text": "a", "pinned": "yes""#,
                "note 1: \"pinned\": invalid type: string \"yes\", expected a boolean",
            ),
            (
                r#", "text": "a", "x": 1, "x": 2"#,
                "note 1: \"x\" is given twice",
            ),
        ];
        for (fields, expected) in cases {
            let doc = parse::<Note>("notes.json", note(fields), Checks::Shape).unwrap();
            let err = doc.list.recent(1).unwrap_err().to_string();
            assert!(err.ends_with(expected), "{fields}: {err}");
        }
    }

    #[test]
    fn numbers_and_ulids_are_checked_when_the_list_is_opened() {
        let err = load(r#"{"version": 1, "next_id": 1, "notes": [{"id": 1, "ulid": "nope"}]}"#)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            r#"line 1, column 40: note 1: "ulid" is not a ULID: "nope""#
        );
    }

    #[test]
    fn find_sees_through_escapes_and_beyond_ascii() {
        let note = |id: u64, text: &str| {
            format!(r#"{% raw %}{{"id": {id}, "ulid": "01M81V6XYR000000000000000{id}", "text": "{text}"}}{% endraw %}"#)
        };
        let text = format!(
            r#"{% raw %}{{"version": 1, "next_id": 1, "notes": [{}, {}, {}, {}]}}{% endraw %}"#,
            note(1, r"a\u0062c \u041c\u041e\u041b\u041e\u041a\u041e"),
            note(2, "5 \u{212A}m run"),
            note(3, "plain abc"),
            note(4, "Straße"),
        );
        let doc = load(&text).unwrap();
        assert_eq!(find(&doc, "ABC").unwrap(), [3, 1]);
        assert_eq!(find(&doc, "молоко").unwrap(), [1]);
        assert_eq!(find(&doc, "km").unwrap(), [2]);
        assert_eq!(find(&doc, "STRAßE").unwrap(), [4]);
        assert_eq!(find(&doc, "run").unwrap(), [2]);
        assert_eq!(find(&doc, "zzz").unwrap(), Vec::<u64>::new());
    }

    #[test]
    fn opened_for_reading_a_record_is_checked_when_it_is_read() {
        let text = written(3).replace("errand 1 ", "errand \\q1 ");
        let err = load(&text).unwrap_err().to_string();
        assert_eq!(err, "line 6, column 70: invalid escape");
        let doc = parse::<Note>("notes.json", text.clone(), Checks::Shape).unwrap();
        assert!(doc.list.recent(1).unwrap()[0].text.starts_with("errand 2"));
        let err = doc.list.recent(3).unwrap_err().to_string();
        assert_eq!(
            err,
            "notes.json is not a note list we can use: line 6, column 70: note 2: invalid escape"
        );
        // Its backslash makes it worth decoding for any search.
        assert_eq!(find(&doc, "errand 0").unwrap_err(), err);
        // Bytes that are not UTF-8 are found the same way.
        let text = written(3);
        let mut bytes = text.clone().into_bytes();
        bytes[text.find("errand 0").unwrap()] = 0xff;
        assert!(matches!(
            parse::<Note>("notes.json", bytes.clone(), Checks::All),
            Err(super::super::FormatError::NotText(_))
        ));
        let doc = parse::<Note>("notes.json", bytes, Checks::Shape).unwrap();
        assert_eq!(doc.list.recent(2).unwrap().len(), 2);
        let err = doc.list.recent(3).unwrap_err().to_string();
        assert!(
            err.ends_with("line 5, column 62: note 1 is not UTF-8 text"),
            "{err}"
        );
        assert!(find(&doc, "errand").is_err());
    }

    #[test]
    fn a_long_list_is_checked_to_its_last_line() {
        // Long enough to be checked a part per core where there are several.
        let texts: Vec<String> = (0..20_000)
            .map(|n| format!("errand {n} {}", "x".repeat(200)))
            .collect();
        let whole = rendered(&list_of::<Note>(&texts));
        let text = whole.replace("errand 19990 ", "errand \\q ");
        // Left running by a writer, the check comes to the same.
        for (text, passes) in [(&whole, true), (&text, false)] {
            let mut doc = parse::<Note>("notes.json", text.clone(), Checks::Deferred).unwrap();
            assert_eq!(doc.pending_check().map(LinesCheck::passed), Some(passes));
        }
        let err = load(&text).unwrap_err().to_string();
        assert!(err.starts_with("line 19995, column "), "{err}");
        let doc = parse::<Note>("notes.json", text, Checks::Shape).unwrap();
        assert_eq!(doc.list.recent(9).unwrap().len(), 9);
        assert!(doc.list.recent(10).is_err());
    }

    #[test]
    fn deep_nesting_never_overflows_the_stack() {
        // Unknown fields are skipped without recursion; a list's own
        // structure is shallow, and deeper nesting there is an error.
        for depth in [1_000, 1_000_000] {
            let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let unknown =
                format!("{% raw %}{{\"version\": 1, \"next_id\": 1, \"notes\": [], \"x\": {deep}}{% endraw %}}");
            assert!(load(&unknown).is_ok());
            let in_notes = format!("{% raw %}{{\"version\": 1, \"next_id\": 1, \"notes\": {deep}}{% endraw %}}");
            assert!(load(&in_notes).is_err());
            let in_a_note =
                format!("{% raw %}{{\"version\": 1, \"next_id\": 1, \"notes\": [{{\"id\": {deep}}{% endraw %}}]}}");
            assert!(load(&in_a_note).is_err());
        }
    }

    #[test]
    fn an_empty_file_is_an_empty_list() {
        let doc = load(" \n").unwrap();
        assert_eq!(doc.list.next_id(), Id(1));
        assert!(doc.list.entries().is_empty());
        assert_eq!(
            rendered(&doc),
            "{\n  \"version\": 1,\n  \"next_id\": 1,\n  \"notes\": []\n}\n"
        );
    }

    #[test]
    fn a_list_of_another_record_is_not_this_one() {
        let err = load(r#"{"version": 1, "next_id": 1, "pages": []}"#)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "line 1, column 1: the list has no \"notes\"");
    }

    proptest! {
        #[test]
        fn any_bytes_give_a_list_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(doc) = load(&String::from_utf8_lossy(&bytes)) {
                let _ = doc.list.recent(usize::MAX);
            }
        }

        #[test]
        fn a_damaged_list_read_whole_for_reading_is_one_that_opens_whole(
            count in 1..6u64,
            damage in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        ) {
            let mut bytes = written(count).into_bytes();
            for (at, byte) in damage {
                let at = at.index(bytes.len());
                bytes[at] = byte;
            }
            let whole = parse::<Note>("notes.json", bytes.clone(), Checks::All);
            if let Ok(doc) = parse::<Note>("notes.json", bytes, Checks::Shape) {
                let _ = find(&doc, "errand");
                if let Ok(notes) = doc.list.recent(usize::MAX) {
                    let whole = whole.expect("what reads record by record opens whole");
                    prop_assert_eq!(ids(&whole), ids(&doc));
                    prop_assert_eq!(records(&whole), notes);
                }
            }
        }

        #[test]
        fn any_text_built_from_json_tokens_gives_a_list_or_an_error(
            tokens in proptest::collection::vec(
                prop_oneof![
                    Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"),
                    Just("\"version\""), Just("\"next_id\""), Just("\"notes\""), Just("\"id\""),
                    Just("\"ulid\""), Just("\"text\""), Just("\"pinned\""), Just("1"), Just("true"),
                    Just("\"01M81V6XYR0000000000000001\""), Just("\"x\""), Just("null"),
                    Just("-1"), Just("1e999"),
                ],
                0..64,
            )
        ) {
            if let Ok(doc) = load(&tokens.concat()) {
                let _ = find(&doc, "x");
            }
        }
    }

    #[test]
    fn a_list_read_as_written_and_a_list_read_otherwise_agree_on_their_lists() {
        let text = written(5);
        let fast: List<Stored<Note>> = parse("notes.json", text.clone(), Checks::Shape)
            .unwrap()
            .list;
        let slow = parse::<Note>("notes.json", run_together(&text), Checks::Shape)
            .unwrap()
            .list;
        assert_eq!(fast.next_id(), slow.next_id());
        assert_eq!(fast.recent(9).unwrap(), slow.recent(9).unwrap());
    }
}
