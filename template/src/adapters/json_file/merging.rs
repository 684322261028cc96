//! Lists as a three-way merge sees them, and the merged list written back.
//!
//! Each record's fields are the rest of its canonical line after its
//! number and ULID, compared as bytes: records nobody changed are equal at
//! once, and only those that differ are split into fields.

use std::collections::HashMap;
use std::io::{self, Write};
use std::marker::PhantomData;
use std::ops::Range;
use std::sync::Arc;

use jiff::Timestamp;
use ulid::Ulid;

use super::canonical;
use super::document::{self, Document, Reading, Source, Stored};
use super::fields::Fields as Object;
use super::layout;
use super::record::JsonRecord;
use super::render;
use crate::domain::{Conflict, Entry, Fields, Id, Merged, Side, Unreadable, Version};

/// Where both values of a conflicting field are kept: in the record, or
/// at the top level for a field of the list's own.
pub const CONFLICTS: &str = "merge_conflicts";

/// A record's fields besides its number and ULID, as the canonical line
/// holds them after those: `, "title": "Buy milk", …}`, or `}`.
pub struct Line<R> {
    id: Id,
    text: Text,
    record: PhantomData<fn() -> R>,
}

#[derive(Clone)]
enum Text {
    /// In the file, as written.
    In(Arc<Source>, Range<usize>),
    Own(Arc<str>),
}

impl Text {
    fn bytes(&self) -> &[u8] {
        match self {
            Self::In(source, span) => &source.bytes()[span.clone()],
            Self::Own(text) => text.as_bytes(),
        }
    }
}

impl<R> Clone for Line<R> {
    fn clone(&self) -> Self {
        Self {
            id: self.id,
            text: self.text.clone(),
            record: PhantomData,
        }
    }
}

impl<R> PartialEq for Line<R> {
    fn eq(&self, other: &Self) -> bool {
        self.text.bytes() == other.text.bytes()
    }
}

impl<R> Eq for Line<R> {}

impl<R> std::fmt::Debug for Line<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from_utf8_lossy(self.text.bytes()))
    }
}

impl<R> Line<R> {
    fn own(id: Id, text: String) -> Self {
        Self {
            id,
            text: Text::Own(text.into()),
            record: PhantomData,
        }
    }

    /// The fields as a JSON object of their own: `{"title": "Buy milk", …}`.
    fn object(&self) -> String {
        let text = String::from_utf8_lossy(self.text.bytes());
        match text.strip_prefix(", ") {
            Some(rest) => format!("{{ "{" }}{{ "{" }}{rest}"),
            None => "{}".to_owned(),
        }
    }
}

impl<R: JsonRecord> Fields for Line<R> {
    /// A field's value as canonical JSON text.
    type Value = String;

    fn split(&self) -> Vec<(String, String)> {
        let object = self.object();
        // Every line was checked to be an object with each key once.
        Object::parse(&object).map_or_else(
            |_| Vec::new(),
            |fields| {
                fields
                    .iter()
                    .map(|(key, value)| (key.to_owned(), canonical::normalize(value)))
                    .collect()
            },
        )
    }

    fn join(fields: Vec<(String, String)>) -> Self {
        let mut text = String::new();
        for (key, value) in fields {
            text.push_str(", ");
            text.push_str(&serde_json::to_string(&key).unwrap_or_default());
            text.push_str(": ");
            text.push_str(&value);
        }
        text.push('}');
        // The number is only for messages: a merged record has its own.
        Self::own(Id(0), text)
    }

    fn created(&self) -> Option<Timestamp> {
        let object = self.object();
        document::decode::<R>(self.id, Ulid::nil(), &object, true)
            .ok()?
            .created()
    }
}

/// The list a document holds, as one side of a merge.
pub fn side<R: JsonRecord>(doc: &Document<R>) -> Side<Line<R>> {
    let records = doc
        .list
        .entries()
        .iter()
        .map(|entry| {
            let (id, ulid) = (entry.id(), entry.ulid());
            let text = match entry {
                Stored::Read { source, span, .. } if doc.reading == Reading::AsWritten => {
                    let line = &source.bytes()[span.clone()];
                    let rest = layout::after_identity(line).map_or(0, <[u8]>::len);
                    Text::In(Arc::clone(source), span.end - rest..span.end)
                }
                _ => Text::Own(rest_of_line(entry).into()),
            };
            let fields = Line {
                id,
                text,
                record: PhantomData,
            };
            Version { id, ulid, fields }
        })
        .collect();
    Side {
        next_id: doc.list.next_id().0,
        top: doc
            .unknown_top
            .iter()
            .map(|(key, raw)| (key.clone(), canonical::normalize(raw.get())))
            .collect(),
        records,
    }
}

/// A record read in another layout, on its canonical line, after its
/// number and ULID.
fn rest_of_line<R: JsonRecord>(entry: &Stored<R>) -> String {
    let mut line = Vec::new();
    let written = match entry {
        Stored::Read {
            id,
            ulid,
            source,
            span,
        } => std::str::from_utf8(&source.bytes()[span.clone()])
            .map_err(io::Error::other)
            .and_then(|raw| canonical::write_record(&mut line, *id, *ulid, raw)),
        Stored::Added(record) => layout::write_record(&mut line, record.as_ref()),
    };
    let line = match written {
        Ok(()) => line,
        // A list read whole is text, and each record an object.
        Err(_) => b"{}".to_vec(),
    };
    let rest = layout::after_identity(&line).unwrap_or(b"}");
    String::from_utf8_lossy(rest).into_owned()
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
    for (n, version) in side.records.iter().enumerate() {
        out.write_all(render::before_record(n))?;
        layout::write_identity(out, version.id, version.ulid)?;
        match by_record.get(&version.ulid) {
            None => out.write_all(version.fields.text.bytes())?,
            Some(noted) => {
                let fields = Line::<R>::join(note(version.fields.split(), noted));
                out.write_all(fields.text.bytes())?;
            }
        }
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
