//! A record as a merge of this store sees it: the rest of its canonical
//! line after its number and ULID, compared as bytes, so that records
//! nobody changed are equal at once; split into fields only where the
//! sides differ.

use std::marker::PhantomData;
use std::ops::Range;
use std::sync::Arc;

use jiff::Timestamp;

use super::canonical;
use super::layout;
use super::object::Object;
use super::parallel;
use super::record::JsonRecord;
use super::source::Source;
use crate::domain::{Id, Mergeable};

/// A record's fields besides its number and ULID, as its canonical line
/// holds them after those: `, "text": "Buy milk", …}`, or `}`.
pub struct Line<R> {
    /// The number the record had on its side.
    id: Id,
    held: Held,
    record: PhantomData<fn() -> R>,
}

#[derive(Clone)]
enum Held {
    /// A whole line in the file, as written, its fields from `rest` on.
    In {
        source: Arc<Source>,
        line: Range<usize>,
        rest: usize,
    },
    /// The fields alone.
    Own(Arc<str>),
}

impl<R> Line<R> {
    /// The record numbered `id` whose line is `line` in `source`, as
    /// written there.
    pub fn in_file(id: Id, source: &Arc<Source>, line: Range<usize>) -> Self {
        Self::held(
            id,
            Held::In {
                source: Arc::clone(source),
                line,
                rest: layout::identity_len(id),
            },
        )
    }

    /// The record numbered `id` with these fields, as its canonical line
    /// holds them after its number and ULID.
    pub fn own(id: Id, fields: String) -> Self {
        Self::held(id, Held::Own(fields.into()))
    }

    fn held(id: Id, held: Held) -> Self {
        Self {
            id,
            held,
            record: PhantomData,
        }
    }

    /// The record's whole line in a file, if it is read from one.
    pub fn in_text(&self) -> Option<(&Arc<Source>, &Range<usize>)> {
        match &self.held {
            Held::In { source, line, .. } => Some((source, line)),
            Held::Own(_) => None,
        }
    }

    /// The fields, as compared.
    pub fn fields(&self) -> &[u8] {
        match &self.held {
            Held::In { source, line, rest } => &source.bytes()[line.start + rest..line.end],
            Held::Own(text) => text.as_bytes(),
        }
    }

    /// The record's line as the file holds it, if it is there and still
    /// has the number `id`.
    pub fn as_written(&self, id: Id) -> Option<(&Arc<Source>, &Range<usize>)> {
        match &self.held {
            Held::In { source, line, .. } if id == self.id => Some((source, line)),
            _ => None,
        }
    }

    /// The fields as a JSON object, number and ULID perhaps included.
    pub fn object(&self) -> std::borrow::Cow<'_, str> {
        let text = match &self.held {
            Held::In { source, line, .. } => &source.bytes()[line.clone()],
            Held::Own(text) => {
                let rest = text.strip_prefix(", ").unwrap_or("}");
                return format!("{{ "{" }}{{ "{" }}{rest}").into();
            }
        };
        // A line that is not text is not read, and is refused on writing.
        std::str::from_utf8(text).map_or_else(|_| String::from_utf8_lossy(text), Into::into)
    }
}

impl<R> Clone for Line<R> {
    fn clone(&self) -> Self {
        Self {
            id: self.id,
            held: self.held.clone(),
            record: PhantomData,
        }
    }
}

impl<R> PartialEq for Line<R> {
    fn eq(&self, other: &Self) -> bool {
        self.fields() == other.fields()
    }
}

impl<R> Eq for Line<R> {}

impl<R> std::fmt::Debug for Line<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from_utf8_lossy(self.fields()))
    }
}

impl<R: JsonRecord> Mergeable for Line<R> {
    /// A field's value as canonical JSON text.
    type Value = String;

    fn split(&self) -> Vec<(String, String)> {
        let object = self.object();
        // Every line was checked to be an object with each key once.
        let Ok(fields) = Object::parse(&object) else {
            return Vec::new();
        };
        fields
            .iter()
            .filter(|(key, _)| !matches!(*key, "id" | "ulid"))
            .map(|(key, value)| (key.to_owned(), canonical::normalize(value)))
            .collect()
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
        Self {
            // A merged record is given its number by the merge.
            id: Id(0),
            held: Held::Own(text.into()),
            record: PhantomData,
        }
    }

    fn created(&self) -> Option<Timestamp> {
        R::created(&serde_json::from_str::<R::Fields<'_>>(&self.object()).ok()?)
    }

    /// Read a part per core: a merged list may be long.
    fn created_each(all: &[&Self]) -> Vec<Option<Timestamp>> {
        let bytes = all.iter().map(|line| line.fields().len()).sum();
        let parts = parallel::even_ranges(all.len(), parallel::part_count(bytes));
        parallel::each(parts, |part| {
            all[part]
                .iter()
                .map(|line| line.created())
                .collect::<Vec<_>>()
        })
        .concat()
    }
}
