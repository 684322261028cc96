//! Lists as a three-way merge sees them, each record a `Line` (`line.rs`),
//! checked where a merge uses them, and the merged list written back.

use std::collections::HashMap;
use std::io::{self, Write};

use ulid::Ulid;

use super::canonical;
use super::document::{self, Document};
use super::layout;
use super::line::Line;
use super::object::{self, Object};
use super::parallel;
use super::position::Spot;
use super::record::JsonRecord;
use super::render;
use super::source::{Checks, FormatError, Stored};
use crate::domain::{Conflict, Entry, Mergeable, Merged, Side, Unreadable, Version};

/// Where both values of a conflicting field are kept: in the record, or
/// at the top level for a field of the list's own.
pub const CONFLICTS: &str = "merge_conflicts";

/// The part a version of the list plays in a merge, as git names them;
/// the order of the three versions in `check_sides`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Base,
    Ours,
    Theirs,
}

/// How much of each version to check when reading it: ours in full, the
/// others where they differ from ours (`check_sides`).
pub fn checks(role: Role) -> Checks {
    match role {
        Role::Ours => Checks::All,
        Role::Base | Role::Theirs => Checks::Shape,
    }
}

/// Checks the sides of a merge, base, ours and theirs, each made by `side`
/// from a document read with `checks`. Ours was read with every check; a
/// record of the others is checked where it differs from ours, so that each
/// line a merge uses is checked, and once. The error says which side is
/// wrong, and where.
pub fn check_sides<R: JsonRecord>(sides: &[Side<Line<R>>; 3]) -> Result<(), (Role, FormatError)> {
    let [base, ours, theirs] = sides;
    let ours = by_ulid(ours);
    for (role, side) in [(Role::Base, base), (Role::Theirs, theirs)] {
        let unchecked = differing(side, &ours);
        let parts =
            parallel::even_ranges(unchecked.len(), parallel::part_count(unchecked.len() * 128));
        let checked = parallel::each(parts, |part| {
            unchecked[part]
                .iter()
                .try_for_each(|version| check::<R>(version))
        });
        for result in checked {
            result.map_err(|e| (role, e))?;
        }
    }
    Ok(())
}

/// The records of `side` read off their lines unchecked whose fields are
/// not those of the same record in `checked`.
fn differing<'a, R: JsonRecord>(
    side: &'a Side<Line<R>>,
    checked: &[&Version<Line<R>>],
) -> Vec<&'a Version<Line<R>>> {
    let mut ours = checked.iter().peekable();
    let mut found = Vec::new();
    for version in by_ulid(side) {
        while ours.next_if(|o| o.ulid < version.ulid).is_some() {}
        let same = ours
            .peek()
            .is_some_and(|o| o.ulid == version.ulid && o.fields == version.fields);
        if !same && version.fields.in_text().is_some() {
            found.push(version);
        }
    }
    found
}

/// The records of `side` in ULID order, which most lists are in already.
fn by_ulid<R: JsonRecord>(side: &Side<Line<R>>) -> Vec<&Version<Line<R>>> {
    let mut sorted: Vec<&Version<Line<R>>> = side.records.iter().collect();
    if !sorted.is_sorted_by_key(|r| r.ulid) {
        sorted.sort_by_key(|r| r.ulid);
    }
    sorted
}

/// Whether a record read off its line is an object with each key once.
fn check<R: JsonRecord>(version: &Version<Line<R>>) -> Result<(), FormatError> {
    let Some((source, line)) = version.fields.in_text() else {
        return Ok(());
    };
    let at = |offset: usize, message: String| {
        Spot {
            text: source.bytes(),
            offset: line.start + offset,
        }
        .error(message)
    };
    let raw = std::str::from_utf8(&source.bytes()[line.clone()]).map_err(|e| {
        at(
            e.valid_up_to(),
            format!("{} {} is not UTF-8 text", R::WORDS.one, version.id),
        )
    })?;
    object::unique_keys(raw).map_err(|e| {
        let (offset, message) = e.explained(
            raw,
            &format!("{} {}", R::WORDS.one, version.id),
            R::WORDS.one,
        );
        at(offset, message)
    })
}

/// The list a document holds, as one side of a merge.
pub fn side<R: JsonRecord>(doc: &Document<R>) -> Result<Side<Line<R>>, FormatError> {
    let mut records = Vec::with_capacity(doc.list.entries().len());
    for entry in doc.list.entries() {
        let (id, ulid) = (entry.id(), entry.ulid());
        let fields = match entry {
            Stored::Read { source, span, .. } if source.as_written() => {
                Line::in_file(id, source, span.clone())
            }
            _ => Line::own(id, rest_of_line(entry)?),
        };
        records.push(Version { id, ulid, fields });
    }
    Ok(Side {
        next_id: doc.list.next_id().0,
        top: doc
            .unknown_top
            .iter()
            .map(|(key, raw)| (key.clone(), canonical::normalize(raw.get())))
            .collect(),
        records,
    })
}

/// A record read in another layout, on its canonical line, after its
/// number and ULID; or why it is not an object with each key once.
fn rest_of_line<R: JsonRecord>(entry: &Stored<R>) -> Result<String, FormatError> {
    let mut line = Vec::new();
    match entry {
        Stored::Read {
            id,
            ulid,
            source,
            span,
        } => {
            // Read whole by a JSON parser, so UTF-8.
            let raw = String::from_utf8_lossy(&source.bytes()[span.clone()]);
            object::unique_keys(&raw).map_err(|e| {
                let (at, message) =
                    e.explained(&raw, &format!("{} {id}", R::WORDS.one), R::WORDS.one);
                Spot {
                    text: source.bytes(),
                    offset: span.start + at,
                }
                .error(message)
            })?;
            canonical::rewrite_record(&mut line, *id, *ulid, &raw)
        }
        Stored::Added(record) => layout::write_record(&mut line, record.as_ref()),
    }
    .map_err(|e| FormatError::Malformed {
        line: 0,
        column: 0,
        message: e.to_string(),
    })?;
    let rest = layout::after_identity(&line).unwrap_or(b"}");
    Ok(String::from_utf8_lossy(rest).into_owned())
}

/// The record a merged version is.
pub fn record<R: JsonRecord>(version: &Version<Line<R>>) -> Result<R, Unreadable> {
    document::decode::<R>(version.id, version.ulid, &version.fields.object(), true).map_err(
        |(_, message)| Unreadable(format!("the merged list is not one we can use: {message}")),
    )
}

/// Writes the merged list in the canonical layout, each conflict's two
/// values kept in a `merge_conflicts` field beside the value taken.
pub fn write<R: JsonRecord>(merged: &Merged<Line<R>>, out: &mut impl Write) -> io::Result<()> {
    let side = &merged.side;
    let (on_top, on_records): (Vec<_>, Vec<_>) =
        merged.conflicts.iter().partition(|c| c.record.is_none());
    let top = note(side.top.clone(), &on_top);
    let top = top.iter().map(|(key, value)| (key.as_str(), value.clone()));
    render::write_head::<R>(out, side.next_id, top)?;
    let mut by_record: HashMap<Ulid, Vec<&Conflict<String>>> = HashMap::new();
    for conflict in on_records {
        if let Some((_, ulid)) = conflict.record {
            by_record.entry(ulid).or_default().push(conflict);
        }
    }
    let records = &side.records;
    let mut n = 0;
    while n < records.len() {
        out.write_all(render::before_record(n))?;
        let version = &records[n];
        match (
            by_record.get(&version.ulid),
            version.fields.as_written(version.id),
        ) {
            (None, Some((source, line))) => {
                // Lines that lie side by side in a file go out in one piece.
                let next = records[n + 1..].iter().map(|r| {
                    (!by_record.contains_key(&r.ulid))
                        .then(|| r.fields.as_written(r.id))
                        .flatten()
                });
                let run = render::run_as_written(source, line, next);
                out.write_all(&source.bytes()[line.start..run.end])?;
                n += run.count;
            }
            (None, None) => {
                layout::write_identity(out, version.id, version.ulid)?;
                out.write_all(version.fields.fields())?;
            }
            (Some(noted), _) => {
                layout::write_identity(out, version.id, version.ulid)?;
                let fields = Line::<R>::join(note(version.fields.split(), noted));
                out.write_all(fields.fields())?;
            }
        }
        n += 1;
    }
    render::write_close(out, side.records.is_empty())
}

/// `fields` with the two values of each of `conflicts` in a
/// `merge_conflicts` object, beside those of earlier merges.
fn note(
    mut fields: Vec<(String, String)>,
    conflicts: &[&Conflict<String>],
) -> Vec<(String, String)> {
    if conflicts.is_empty() {
        return fields;
    }
    let mut noted: Vec<(String, String)> = Vec::new();
    if let Some(at) = fields.iter().position(|(key, _)| key == CONFLICTS) {
        let (_, earlier) = fields.remove(at);
        if let Ok(earlier) = Object::parse(&earlier) {
            noted.extend(earlier.iter().map(|(k, v)| (k.to_owned(), v.to_owned())));
        }
    }
    for conflict in conflicts {
        let [a, b] = conflict
            .values
            .clone()
            .map(|v| v.unwrap_or_else(|| "null".into()));
        noted.retain(|(key, _)| *key != conflict.field);
        noted.push((conflict.field.clone(), format!("[{a}, {b}]")));
    }
    let object: Vec<String> = noted
        .iter()
        .map(|(key, value)| {
            format!(
                "{}: {value}",
                serde_json::to_string(key).unwrap_or_default()
            )
        })
        .collect();
    fields.push((CONFLICTS.to_owned(), format!("{% raw %}{{{}}{% endraw %}}", object.join(", "))));
    fields
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::adapters::json_file::laws::{list_of, rendered};
    use crate::adapters::json_file::note::Note;
    use crate::adapters::json_file::open::parse;
    use crate::domain::{Id, merge};

    fn sides_of(texts: [&str; 3]) -> Result<[Side<Line<Note>>; 3], (Role, String)> {
        let mut sides = Vec::new();
        for (role, text) in [Role::Base, Role::Ours, Role::Theirs]
            .into_iter()
            .zip(texts)
        {
            let doc = parse::<Note>("notes.json", text.to_owned(), checks(role));
            let doc = doc.map_err(|e| (role, e.to_string()))?;
            sides.push(side(&doc).map_err(|e| (role, e.to_string()))?);
        }
        let sides: [Side<Line<Note>>; 3] = sides.try_into().unwrap();
        check_sides(&sides).map_err(|(role, e)| (role, e.to_string()))?;
        Ok(sides)
    }

    fn side_of(text: &str) -> Side<Line<Note>> {
        let [_, side, _] = sides_of(["", text, ""]).unwrap();
        side
    }

    fn merged(base: &str, ours: &str, theirs: &str) -> (String, Merged<Line<Note>>) {
        let [b, o, t] = sides_of([base, ours, theirs]).unwrap();
        let merged = merge(&b, &o, &t).unwrap();
        let mut out = Vec::new();
        write(&merged, &mut out).unwrap();
        (String::from_utf8(out).unwrap(), merged)
    }

    /// Both ways round, which must agree to the byte.
    fn both_ways(base: &str, a: &str, b: &str) -> (String, Merged<Line<Note>>) {
        let one = merged(base, a, b);
        assert_eq!(
            one.0,
            merged(base, b, a).0,
            "the merge depends on which side is ours"
        );
        one
    }

    /// `text` as a formatter lays JSON out: a line per value, indented by
    /// depth, keys in their order and numbers as they were written.
    fn pretty(text: &str) -> String {
        let (mut out, mut depth, mut in_string, mut escaped) = (String::new(), 0, false, false);
        let line = |out: &mut String, depth: usize| {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        };
        for c in text.chars() {
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
                c if c.is_whitespace() => {}
                '{' | '[' => {
                    out.push(c);
                    depth += 1;
                    line(&mut out, depth);
                }
                '}' | ']' => {
                    depth -= 1;
                    line(&mut out, depth);
                    out.push(c);
                }
                ',' => {
                    out.push(c);
                    line(&mut out, depth);
                }
                ':' => out.push_str(": "),
                '"' => {
                    in_string = true;
                    out.push(c);
                }
                c => out.push(c),
            }
        }
        out
    }

    const BASE: &str = r#"{"version": 1, "next_id": 3, "owner": "Ada", "notes": [
        {"id": 1, "ulid": "01M81V6XYR0000000000000001", "text": "Buy milk"},
        {"id": 2, "ulid": "01M81V6XYR0000000000000002", "text": "Pay rent", "tags": [1.50]}]}"#;

    #[test]
    fn two_clones_changes_are_all_kept_and_a_shared_number_is_given_up() {
        // Ours: a new note #3, note 1 pinned, the owner changed.
        let ours = r#"{"version": 1, "next_id": 4, "owner": "Bea", "notes": [
            {"id": 1, "ulid": "01M81V6XYR0000000000000001", "text": "Buy milk", "pinned": true},
            {"id": 2, "ulid": "01M81V6XYR0000000000000002", "text": "Pay rent", "tags": [1.50]},
            {"id": 3, "ulid": "01M81V7000000000000000000A", "text": "from ours"}]}"#;
        // Theirs, in another layout: note 2 archived, note 1's text changed, its own #3.
        let theirs = pretty(
            r#"{"version": 1, "next_id": 4, "owner": "Ada", "notes": [
            {"id": 1, "ulid": "01M81V6XYR0000000000000001", "text": "Buy oat milk"},
            {"id": 3, "ulid": "01M81V7000000000000000000B", "text": "from theirs"}]}"#,
        );
        let (text, merged) = both_ways(BASE, ours, &theirs);
        assert_eq!(
            text,
            r#"{
  "version": 1,
  "next_id": 5,
  "owner": "Bea",
  "notes": [
    {"id": 1, "ulid": "01M81V6XYR0000000000000001", "text": "Buy oat milk", "pinned": true},
    {"id": 3, "ulid": "01M81V7000000000000000000A", "text": "from ours"},
    {"id": 4, "ulid": "01M81V7000000000000000000B", "text": "from theirs"}
  ]
}
"#
        );
        assert!(merged.conflicts.is_empty());
        assert_eq!(merged.renumbered.len(), 1);
        let moved = &merged.side.records[2];
        assert_eq!(record(moved).unwrap().id(), Id(4));
    }

    #[test]
    fn a_conflict_keeps_both_values_beside_those_of_earlier_merges() {
        let edit =
            |text: &str, owner: &str| BASE.replace("Pay rent", text).replace("\"Ada\"", owner);
        let earlier = r#"{"pinned": [true, false]}"#;
        let ours = edit("Pay rent today", "\"Bea\"")
            .replace("[1.50]}", &format!("[1.50], {CONFLICTS:?}: {earlier}}}"));
        let theirs = edit("Pay the rent", "null");
        let (text, merged) = both_ways(BASE, &ours, &theirs);
        let conflicts: Vec<_> = merged
            .conflicts
            .iter()
            .map(|c| (c.record.map(|r| r.0), c.field.as_str()))
            .collect();
        assert_eq!(conflicts, [(None, "owner"), (Some(Id(2)), "text")]);
        assert!(text.contains(
            r#"{"id": 2, "ulid": "01M81V6XYR0000000000000002", "text": "Pay rent today", "tags": [1.50], "merge_conflicts": {"pinned": [true, false], "text": ["Pay rent today", "Pay the rent"]}}"#
        ), "{text}");
        assert!(
            text.contains(r#"  "merge_conflicts": {"owner": ["Bea", null]},"#),
            "{text}"
        );
        assert!(text.contains(r#"  "owner": "Bea","#), "{text}");
        // What was written is a list again, with every note.
        assert_eq!(side_of(&text).records.len(), 2);
    }

    #[test]
    fn each_line_a_merge_uses_is_checked() {
        let list = rendered(&list_of::<Note>(&["a".into(), "b".into()]));
        let twice = list.replace(r#""text": "b""#, r#""text": "b", "text": "c""#);
        let not_json = list.replace(r#""text": "b""#, r#""text": "b"#);
        for broken in [&twice, &not_json] {
            let whose = |texts| sides_of(texts).map(drop).unwrap_err().0;
            assert_eq!(whose([&list, &list, broken]), Role::Theirs);
            assert_eq!(whose([broken, &list, &list]), Role::Base);
            assert_eq!(whose([&list, broken, broken]), Role::Ours);
        }
        let (_, message) = sides_of([&list, &list, &twice]).map(drop).unwrap_err();
        assert_eq!(
            message,
            "line 6, column 74: note 2: \"text\" is given twice"
        );
    }

    #[test]
    fn a_list_read_in_another_layout_is_the_same_list() {
        let ours = side_of(BASE);
        let theirs = side_of(&pretty(BASE));
        assert_eq!(ours, theirs);
    }

    proptest! {
        /// A list merged with itself is itself, in the canonical layout,
        /// whichever layout it was read in and whatever it came from.
        #[test]
        fn a_list_merged_with_itself_is_itself(
            texts in proptest::collection::vec(any::<String>(), 0..6),
            from in 0usize..6,
        ) {
            let list = rendered(&list_of::<Note>(&texts));
            let base = rendered(&list_of::<Note>(&texts[..from.min(texts.len())]));
            prop_assert_eq!(&merged(&base, &list, &list).0, &list);
            prop_assert_eq!(&merged("", &pretty(&list), &list).0, &list);
        }
    }
}
