//! The canonical form of JSON text in this store's layout: on one line, a
//! space after each colon and comma and no other space outside strings,
//! strings and numbers exactly as written. A list read in another layout
//! (a formatter's, an editor's) is written back in this one, so that every
//! later change to it is a one-line diff.

use std::io::{self, Write};

use ulid::Ulid;

use super::layout;
use super::object::Object;
use crate::domain::Id;

/// `json`, valid JSON text, in canonical form. Only the space between
/// tokens changes; `json` already in that form comes back as it was.
pub fn normalize(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            ' ' | '\t' | '\n' | '\r' => {}
            '"' => {
                in_string = true;
                out.push(c);
            }
            ':' | ',' => {
                out.push(c);
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    out
}

/// The record whose JSON object is `raw`, with number `id` and ULID
/// `ulid`, on one canonical line: its number and ULID first, then its other
/// fields in the order they came.
pub fn rewrite_record(out: &mut impl Write, id: Id, ulid: Ulid, raw: &str) -> io::Result<()> {
    layout::write_identity(out, id, ulid)?;
    let fields = Object::parse(raw)
        .map_err(|_| io::Error::other("a record read whole was not an object"))?;
    for (key, value) in fields.iter() {
        if key == "id" || key == "ulid" {
            continue;
        }
        out.write_all(b", ")?;
        serde_json::to_writer(&mut *out, key)?;
        out.write_all(b": ")?;
        out.write_all(normalize(value).as_bytes())?;
    }
    out.write_all(b"}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    #[test]
    fn space_goes_and_comes_only_between_tokens() {
        assert_eq!(
            normalize("{\n  \"a\" : [ 1.50 ,\t\"x, y: z\" ],\r\n \"b\":{ } }"),
            r#"{"a": [1.50, "x, y: z"], "b": {}}"#
        );
        assert_eq!(normalize(r#""quote \" and \\" "#), r#""quote \" and \\""#);
        let canonical = r#"{"text": "Buy milk", "tags": ["a", {"b": null}]}"#;
        assert_eq!(normalize(canonical), canonical);
    }

    #[test]
    fn a_record_in_any_layout_is_written_on_one_line_number_and_ulid_first() {
        let raw = "{\n  \"text\": \"x\",\n  \"ulid\": \"01M81V6XYR0000000000000001\",\n  \"id\": 1,\n  \"n\": 1e3\n}";
        let mut out = Vec::new();
        rewrite_record(&mut out, Id(1), Ulid::from_parts(1, 1), raw).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"id": 1, "ulid": "00000000010000000000000001", "text": "x", "n": 1e3}"#
        );
    }

    proptest! {
        /// Normalizing changes no value, and twice is as once.
        #[test]
        fn normalizing_keeps_every_value(value in any_json()) {
            for text in [serde_json::to_string(&value).unwrap(), serde_json::to_string_pretty(&value).unwrap()] {
                let once = normalize(&text);
                prop_assert_eq!(serde_json::from_str::<Value>(&once).unwrap(), value.clone());
                prop_assert_eq!(normalize(&once), once.clone());
                prop_assert!(!once.contains('\n'));
            }
        }
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            ".*".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map(".*", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }
}
