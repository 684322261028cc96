//! A list as a file holds it: the records' spans in the file's text, read
//! as far as a command needs, and the fields this version does not know.
//!
//! Opening a list reads what every command needs: the header, and each
//! record's number and ULID. The rest of a record is read only when it is
//! shown, searched or removed, and a record nobody touched is written back
//! byte for byte, unknown fields and all.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde_json::value::RawValue;
use ulid::Ulid;

use super::fields::{self, unique_keys};
use super::layout::VERSION;
use super::position::Spot;
use super::record::JsonRecord;
use super::scanner::{self, LinesCheck};
use super::{any_layout, indented, parallel, search};
use crate::domain::{Entry, Id, InvalidList, List, Needle, Unreadable};

/// A list as stored, with the top-level fields this version does not know.
#[derive(Debug)]
pub struct Document<R> {
    pub list: List<Stored<R>>,
    pub(super) unknown_top: BTreeMap<String, Box<RawValue>>,
    /// How the records read from the file are laid out there.
    pub(super) reading: Reading,
    /// With `Checks::Deferred`, the check of every line, still running.
    pub(super) lines_check: Option<LinesCheck>,
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
            reading: Reading::AsWritten,
            lines_check: None,
        }
    }
}

/// How much of a list to check when opening it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// Everything: what a command that writes the list back needs, so that
    /// it never writes over a file it could not read.
    All,
    /// The shape of the list, and each record's number and ULID, once each;
    /// the rest of a record is checked when that record is read. For a list
    /// in the layout `render` writes, this skips checking that every other
    /// record's line is JSON, which is most of the work of opening a long list.
    Shape,
    /// Everything, as `All`; but for a long list in the layout `render`
    /// writes, the check that every line is JSON runs on threads of its own
    /// once the list is read, and the document holds it: a command that
    /// writes the list back waits for it (`Document::pending_check`) before
    /// the new list takes the old one's place.
    Deferred,
}

/// How a list was read, for tests that make sure the fast way is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Line by line, trusting the layout `render` writes.
    AsWritten,
    /// Line by line, in the layout of a formatter: for reading only.
    Indented,
    /// By a JSON parser, in any layout.
    AnyLayout,
}

/// The text of a list file, shared by the records read from it.
pub struct Source {
    /// How messages name the file.
    pub(super) name: String,
    bytes: Box<dyn AsRef<[u8]> + Send + Sync>,
    /// How far the text was checked when the list was opened.
    pub(super) checks: Checks,
}

impl Source {
    pub(super) fn new(
        name: &str,
        bytes: impl AsRef<[u8]> + Send + Sync + 'static,
        checks: Checks,
    ) -> Self {
        Self {
            name: name.to_owned(),
            bytes: Box::new(bytes),
            checks,
        }
    }

    pub(super) fn bytes(&self) -> &[u8] {
        self.bytes.as_ref().as_ref()
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("Source").field("name", &self.name).finish()
    }
}

/// A record read from the file, as the span of text it takes there, or added since.
#[derive(Debug, Clone)]
pub enum Stored<R> {
    Read {
        id: Id,
        ulid: Ulid,
        source: Arc<Source>,
        span: Range<usize>,
    },
    Added(Box<R>),
}

impl<R> Stored<R> {
    /// How much text reading this record takes.
    fn text_len(&self) -> usize {
        match self {
            Self::Read { span, .. } => span.len(),
            Self::Added(_) => 0,
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
                        format!("{} {id} is not UTF-8 text", R::NOUN),
                    )),
                };
                decoded.map_err(|(at, message)| {
                    let spot = Spot {
                        text: source.bytes(),
                        offset: span.start + at,
                    };
                    Unreadable(format!(
                        "{} is not a {} list we can use: {}",
                        source.name,
                        R::NOUN,
                        spot.error(message)
                    ))
                })
            }
            Self::Added(record) => Ok(R::clone(record)),
        }
    }

    /// Many records are read a part per core.
    fn read_all(entries: &[Self]) -> Result<Vec<R>, Unreadable> {
        let text: usize = entries.iter().map(Self::text_len).sum();
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
    let what = || format!("{} {id}", R::NOUN);
    if !keys_checked {
        unique_keys(raw).map_err(|e| e.explained(raw, &what(), R::NOUN))?;
    }
    let fields = serde_json::from_str::<R::Fields<'_>>(raw)
        .map_err(|e| fields::explain(raw, &e, &what(), R::NOUN))?;
    R::from_fields(id, ulid, fields).map_err(|message| (0, format!("{}: {message}", what())))
}

#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("line {line}, column {column}: {message}")]
    Malformed {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("it is format version {0}, and this version of my-todo reads version {VERSION}")]
    Newer(u64),
    /// Conflict markers git left from a merge, from this line on.
    #[error("it holds git's conflict markers from line {0}")]
    Unmerged(usize),
    #[error("it is not UTF-8 text (invalid byte at offset {0})")]
    NotText(usize),
    #[error(transparent)]
    Invalid(#[from] InvalidList),
}

/// Reads a list from the bytes of a file; `name` is how messages about its
/// records name the file.
pub fn parse<R: JsonRecord>(
    name: &str,
    bytes: impl AsRef<[u8]> + Send + Sync + 'static,
    checks: Checks,
) -> Result<Document<R>, FormatError> {
    parse_telling(name, bytes, checks).map(|(doc, _)| doc)
}

/// `parse`, and how the list was read.
pub fn parse_telling<R: JsonRecord>(
    name: &str,
    bytes: impl AsRef<[u8]> + Send + Sync + 'static,
    checks: Checks,
) -> Result<(Document<R>, Reading), FormatError> {
    let source = Arc::new(Source::new(name, bytes, checks));
    let scanned = match scanner::read_as_written::<R>(&source, checks) {
        Some(scanned) => Some((scanned, Reading::AsWritten)),
        // A list that is only read is checked record by record as it is.
        None if checks == Checks::Shape => {
            indented::read::<R>(&source).map(|scanned| (scanned, Reading::Indented))
        }
        None => None,
    };
    if let Some((scanned, reading)) = scanned {
        let doc = Document {
            list: List::from_parts(scanned.next_id, scanned.entries)?,
            unknown_top: scanned.unknown_top,
            reading,
            lines_check: scanned.lines_check,
        };
        return Ok((doc, reading));
    }
    any_layout::read::<R>(&source, checks)
        .map(|doc| (doc, Reading::AnyLayout))
        .map_err(|e| conflict_markers(source.bytes()).map_or(e, FormatError::Unmerged))
}

/// The line of the first of the conflict markers git leaves in a file it
/// could not merge, if there are any: `<<<<<<<`, `=======`, `>>>>>>>`,
/// each at the start of a line, in that order.
fn conflict_markers(bytes: &[u8]) -> Option<usize> {
    let mut lines = bytes.split(|&b| b == b'\n').enumerate();
    let (start, _) = lines.find(|(_, line)| line.starts_with(b"<<<<<<<"))?;
    lines.find(|(_, line)| line.starts_with(b"======="))?;
    lines.find(|(_, line)| line.starts_with(b">>>>>>>"))?;
    Some(start + 1)
}
