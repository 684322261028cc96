//! The fast way in for a list laid out by a formatter (`jq .`, Python's
//! `json.dump(indent=2)`, an editor's), for reading only: each record an
//! object that opens and closes on lines of its own, one field per line.
//!
//! ```text
//!   "notes": [
//!     {
//!       "id": 1,
//!       "ulid": "01KDVDNAZ8V3RS3DTR98H6BCFN",
//!       "text": "Buy milk",
//!       …
//!     },
//! ```
//!
//! JSON strings hold no raw line breaks, so every line break is between
//! tokens. A record's number and ULID are read off its lines; the rest of
//! it is checked when it is read, as for the layout {{project-name}} writes. The
//! list around the records is read by the JSON parser, with the records
//! left out. Anything else is left to the any-layout reader.

use std::sync::Arc;

use memchr::memchr_iter;

use super::any_layout;
use super::document::Parts;
use super::layout::read_number;
use super::record::JsonRecord;
use super::source::{Checks, Source, Stored};
use crate::domain::{Id, parse_ulid};

/// The list in `source`, if it is laid out so.
pub fn read<R: JsonRecord>(source: &Arc<Source>) -> Option<Parts<R>> {
    let bytes = source.bytes();
    let opening = format!("{}: [", serde_json::to_string(R::COLLECTION).ok()?);
    let mut lines = Spans::new(bytes);
    // The line that opens the records' array, and its indent.
    let (outer, open_end) = lines.by_ref().find_map(|(start, end)| {
        let indent = spaces(&bytes[start..end]);
        (&bytes[start + indent..end] == opening.as_bytes()).then_some((indent, end))
    })?;
    let mut entries = Vec::new();
    let close_start = loop {
        let (start, end) = lines.next()?;
        let line = &bytes[start..end];
        let indent = spaces(line);
        match &line[indent..] {
            b"]" | b"]," if indent == outer => break start + indent,
            b"{" if indent > outer => {
                let (entry, last) = record::<R>(source, &mut lines, indent, start + indent)?;
                entries.push(entry);
                // Records are followed by a comma, but the last.
                let (after, end) = lines.next()?;
                let next = &bytes[after..end];
                let bracket = &next[spaces(next)..];
                if last != (bracket == b"]" || bracket == b"],") {
                    return None;
                }
                if last {
                    break after + spaces(next);
                }
                lines.back(after);
            }
            _ => return None,
        }
    };
    // The list without its records: the header, and fields of its own.
    let mut rest = bytes[..open_end].to_vec();
    rest.extend_from_slice(&bytes[close_start..]);
    let around = Arc::new(Source::new(&source.name, rest, Checks::Shape));
    let top = any_layout::read::<R>(&around, Checks::Shape).ok()?;
    Some(Parts {
        next_id: top.next_id,
        unknown_top: top.unknown_top,
        entries,
        lines_check: None,
    })
}

/// The record that opened at `open` (a `{` indented by `indent`), up to
/// its closing line: its number and ULID from the lines of its fields,
/// and whether it is the last (no comma after it).
fn record<R>(
    source: &Arc<Source>,
    lines: &mut Spans,
    indent: usize,
    open: usize,
) -> Option<(Stored<R>, bool)> {
    let bytes = source.bytes();
    let (mut id, mut ulid) = (None, None);
    let mut fields = None;
    loop {
        let (start, end) = lines.next()?;
        let line = &bytes[start..end];
        let depth = spaces(line);
        let text = &line[depth..];
        if depth == indent && (text == b"}" || text == b"},") {
            let (id, ulid) = (id?, ulid?);
            let span = open..start + depth + 1;
            let entry = Stored::Read {
                id: Id(id),
                ulid,
                source: Arc::clone(source),
                span,
            };
            return Some((entry, text == b"}"));
        }
        // The record's own fields are those at the indent of its first line.
        let own = *fields.get_or_insert(depth);
        if depth <= indent {
            return None;
        }
        if depth != own {
            continue;
        }
        if let Some(number) = text.strip_prefix(b"\"id\": ") {
            let (number, after) = read_number(number)?;
            (after.is_empty() || after == b",").then_some(())?;
            id.replace(number).is_none().then_some(())?;
        } else if let Some(value) = text.strip_prefix(b"\"ulid\": \"") {
            let value = value.strip_suffix(b",").unwrap_or(value);
            let value = value.strip_suffix(b"\"")?;
            let found = parse_ulid(std::str::from_utf8(value).ok()?)?;
            ulid.replace(found).is_none().then_some(())?;
        }
    }
}

/// How many spaces `line` begins with.
fn spaces(line: &[u8]) -> usize {
    line.iter().take_while(|&&b| b == b' ').count()
}

/// The lines of a text, as where each begins and ends, a line break and
/// any carriage return before it left out; one line can be put back.
struct Spans<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Spans<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    /// Reads again from the line that begins at `start`.
    fn back(&mut self, start: usize) {
        self.at = start;
    }
}

impl Iterator for Spans<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let start = self.at;
        if start >= self.bytes.len() {
            return None;
        }
        let end = memchr_iter(b'\n', &self.bytes[start..])
            .next()
            .map_or(self.bytes.len(), |n| start + n);
        self.at = end + 1;
        let trimmed = match self.bytes[start..end].last() {
            Some(b'\r') => end - 1,
            _ => end,
        };
        Some((start, trimmed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::json_file::laws::{list_of, rendered};
    use crate::adapters::json_file::note::Note;
    use crate::adapters::json_file::open::parse;
    use crate::adapters::json_file::source::Layout;
    use crate::domain::Entry;

    /// `text` as serde_json's formatter lays it out, keys in order of name.
    fn indented(text: &str, indent: usize) -> String {
        let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
        value["mine"] = serde_json::json!({"a": [1]});
        let mut out = Vec::new();
        let spaces = vec![b' '; indent];
        let formatter = serde_json::ser::PrettyFormatter::with_indent(&spaces);
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        serde::Serialize::serialize(&value, &mut ser).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_formatted_list_is_read_off_its_lines_and_agrees_with_the_parser() {
        let texts: Vec<String> = ["Buy milk", "é \" \\ {\n}", "x"].map(String::from).into();
        let written = rendered(&list_of::<Note>(&texts));
        for indent in [2, 4] {
            let text = indented(&written, indent);
            let fast = parse::<Note>("n.json", text.clone(), Checks::Shape).unwrap();
            assert_eq!(fast.layout, Layout::Indented, "{text}");
            let slow = parse::<Note>("n.json", text, Checks::All).unwrap();
            let ids = |doc: &crate::adapters::json_file::Document<Note>| {
                doc.list
                    .entries()
                    .iter()
                    .map(|e| (e.id(), e.ulid(), e.read().unwrap()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(&fast), ids(&slow));
            assert_eq!(fast.list.next_id(), slow.list.next_id());
            assert_eq!(fast.unknown_top.len(), 1);
        }
    }

    #[test]
    fn anything_else_is_left_to_the_parser() {
        let written = rendered(&list_of::<Note>(&["a".into(), "b".into()]));
        let pretty = indented(&written, 2);
        let odd = [
            // A nested object at the records' own indent.
            pretty.replacen(
                "\"text\": \"a\"",
                "\"x\": {\n    \"id\": 9\n    },\n      \"text\": \"a\"",
                1,
            ),
            // A number given twice.
            pretty.replacen("\"text\": \"a\"", "\"text\": \"a\",\n      \"id\": 7", 1),
            // Records on one line each.
            written.replace("\n    {", "\n      {"),
        ];
        for text in odd {
            if let Ok(doc) = parse::<Note>("n.json", text.clone(), Checks::Shape) {
                assert_ne!(doc.layout, Layout::Indented, "{text}");
            }
        }
    }
}
