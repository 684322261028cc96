//! A list as a file holds it: the records' spans in the file's text, read
//! as far as a command needs, and the fields this version does not know.
//!
//! Opening a list reads what every command needs: the header, and each
//! record's number and ULID. The rest of a record is read only when it is
//! shown, searched or removed, and a record nobody touched is written back
//! byte for byte, unknown fields and all.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::value::RawValue;
use ulid::Ulid;

use super::lines_check::LinesCheck;
use super::object::{self, Object, unique_keys};
use super::position::Spot;
use super::record::JsonRecord;
use super::source::{Checks, Layout, Source, Stored};
use super::{canonical, layout, parallel, search};
use crate::domain::{Entry, Id, List, Needle, Unreadable};

/// A list as stored, with the top-level fields this version does not know.
#[derive(Debug)]
pub struct Document<R> {
    pub list: List<Stored<R>>,
    pub(super) unknown_top: UnknownTop,
    /// The layout the list was read in; each record read knows it too, from
    /// its source.
    pub layout: Layout,
    /// With `Checks::Deferred`, the check of every line, still running.
    pub(super) lines_check: Option<LinesCheck>,
}

/// The top-level fields this version does not know, by key.
pub type UnknownTop = BTreeMap<String, Box<RawValue>>;

/// A list as a reader found it in a file's text, before its numbers are
/// checked to make one: what every reader returns.
pub struct Parts<R> {
    pub next_id: u64,
    pub unknown_top: UnknownTop,
    pub entries: Vec<Stored<R>>,
    /// With `Checks::Deferred`, the check of every line, still running.
    pub lines_check: Option<LinesCheck>,
}

impl<R> Document<R> {
    /// The check `Checks::Deferred` left running, for a writer to wait for
    /// before the new list takes the old one's place; none when every line
    /// was checked already.
    pub fn pending_check(&mut self) -> Option<LinesCheck> {
        self.lines_check.take()
    }
}

impl<R> Default for Document<R> {
    fn default() -> Self {
        Self {
            list: List::default(),
            unknown_top: BTreeMap::new(),
            layout: Layout::AsWritten,
            lines_check: None,
        }
    }
}

impl<R: JsonRecord> From<R> for Stored<R> {
    fn from(record: R) -> Self {
        Self::Added(Box::new(record))
    }
}

impl<R: JsonRecord> Entry for Stored<R> {
    type Record = R;

    fn id(&self) -> Id {
        match self {
            Self::Read { id, .. } => *id,
            Self::Added(record) => record.id(),
        }
    }

    fn ulid(&self) -> Ulid {
        match self {
            Self::Read { ulid, .. } => *ulid,
            Self::Added(record) => record.ulid(),
        }
    }

    fn read(&self) -> Result<R, Unreadable> {
        match self {
            Self::Read {
                id,
                ulid,
                source,
                span,
            } => {
                let raw = std::str::from_utf8(&source.bytes()[span.clone()]);
                let decoded = match raw {
                    // Under `Deferred`, keys may not be checked yet.
                    Ok(raw) => decode(*id, *ulid, raw, source.checks == Checks::All),
                    Err(e) => Err((
                        e.valid_up_to(),
                        format!("{} {id} is not UTF-8 text", R::WORDS.one),
                    )),
                };
                decoded.map_err(|(at, message)| {
                    let spot = Spot {
                        text: source.bytes(),
                        offset: span.start + at,
                    };
                    Unreadable(format!(
                        "{} is not {} list we can use: {}",
                        source.name,
                        R::WORDS.a_one,
                        spot.error(message)
                    ))
                })
            }
            Self::Added(record) => Ok(R::clone(record)),
        }
    }

    /// The record's own fields come from `record`; the fields it does not
    /// know stay where they were, as they were: an edit and its undo give
    /// back the line it was.
    fn edited(&self, record: R) -> Result<Self, Unreadable> {
        let Self::Read { source, span, .. } = self else {
            return Ok(Self::from(record));
        };
        let unreadable = || Unreadable(format!("{} cannot be read again", source.name));
        let raw = std::str::from_utf8(&source.bytes()[span.clone()]).map_err(|_| unreadable())?;
        let mut line = Vec::new();
        layout::write_record(&mut line, &record).map_err(|_| unreadable())?;
        let own = String::from_utf8(line).map_err(|_| unreadable())?;
        let mine = Object::parse(&own).map_err(|_| unreadable())?;
        let was = Object::parse(raw).map_err(|_| unreadable())?;
        let own_value = |key: &str| mine.iter().find(|(k, _)| *k == key).map(|(_, v)| v);
        if was.iter().all(|(key, _)| own_value(key).is_some()) {
            return Ok(Self::from(record));
        }
        let identity = |key: &str| key == "id" || key == "ulid";
        let kept = was
            .iter()
            .filter(|(key, _)| !identity(key))
            .map(|(key, value)| {
                let value =
                    own_value(key).map_or_else(|| canonical::normalize(value), str::to_owned);
                (key, value)
            });
        let added = mine
            .iter()
            .filter(|(key, _)| !identity(key) && !was.iter().any(|(k, _)| k == *key));
        let mut text = Vec::new();
        layout::write_identity(&mut text, record.id(), record.ulid()).map_err(|_| unreadable())?;
        for (key, value) in kept.chain(added.map(|(key, value)| (key, value.to_owned()))) {
            let key = serde_json::to_string(key).map_err(|_| unreadable())?;
            text.extend_from_slice(format!(", {key}: {value}").as_bytes());
        }
        text.push(b'}');
        let span = 0..text.len();
        let source = Source::new(&source.name, text, Checks::All);
        source.read_in(Layout::AsWritten);
        Ok(Self::Read {
            id: record.id(),
            ulid: record.ulid(),
            source: Arc::new(source),
            span,
        })
    }

    /// Many records are read a part per core.
    fn read_all(entries: &[Self]) -> Result<Vec<R>, Unreadable> {
        let text: usize = entries.iter().map(Stored::text_len).sum();
        let parts = parallel::even_ranges(entries.len(), parallel::part_count(text));
        let read = parallel::each(parts, |part| {
            entries[part]
                .iter()
                .map(Self::read)
                .collect::<Result<Vec<_>, _>>()
        });
        let mut records = Vec::with_capacity(entries.len());
        for part in read {
            records.extend(part?);
        }
        Ok(records)
    }

    fn may_mention(entries: &[Self], needle: &Needle) -> Vec<bool> {
        search::may_mention(entries, needle)
    }
}

/// The rest of a record whose number and ULID were read when the list was
/// opened; the error says where in `raw` and what is wrong with it. Keys
/// given twice were looked for already if every line was checked.
pub(super) fn decode<R: JsonRecord>(
    id: Id,
    ulid: Ulid,
    raw: &str,
    keys_checked: bool,
) -> Result<R, (usize, String)> {
    // Named only when something is wrong: most records are read without a word.
    let what = || format!("{} {id}", R::WORDS.one);
    if !keys_checked {
        unique_keys(raw).map_err(|e| e.explained(raw, &what(), R::WORDS.one))?;
    }
    let fields = serde_json::from_str::<R::Fields<'_>>(raw)
        .map_err(|e| object::explain(raw, &e, &what(), R::WORDS.one))?;
    R::from_fields(id, ulid, fields).map_err(|message| (0, format!("{}: {message}", what())))
}
