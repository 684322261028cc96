//! What every part of the store shares, and what imports none of them: the
//! text of a list file (`Source`), a record read from it or added since
//! (`Stored`), how far a file is checked (`Checks`), the layout a list was
//! read in (`Layout`), and why a file is not a list (`FormatError`).

use std::fmt;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use ulid::Ulid;

use super::layout::VERSION;
use crate::domain::{Id, InvalidList};

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

/// The layout a list's text was read in. A record read from text in the
/// layout `render` writes is written back as it is; from any other, it is
/// written out again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Line by line, trusting the layout `render` writes.
    AsWritten,
    /// Line by line, in the layout of a formatter: for reading only.
    Indented,
    /// By a JSON parser, in any layout.
    Other,
}

/// The text of a list file, shared by the records read from it.
pub struct Source {
    /// How messages name the file.
    pub name: String,
    bytes: Box<dyn AsRef<[u8]> + Send + Sync>,
    /// How far the text was checked when the list was opened.
    pub checks: Checks,
    /// Set by the reader that read the text.
    layout: OnceLock<Layout>,
}

impl Source {
    pub fn new(
        name: &str,
        bytes: impl AsRef<[u8]> + Send + Sync + 'static,
        checks: Checks,
    ) -> Self {
        Self {
            name: name.to_owned(),
            bytes: Box::new(bytes),
            checks,
            layout: OnceLock::new(),
        }
    }

    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_ref().as_ref()
    }

    /// The layout the text was read in: `Other` until a reader says.
    pub fn layout(&self) -> Layout {
        self.layout.get().copied().unwrap_or(Layout::Other)
    }

    /// Says the text was read in `layout`: the first reader to say counts.
    pub fn read_in(&self, layout: Layout) {
        let _ = self.layout.set(layout);
    }

    /// Whether a record read from this text is written back as it is.
    pub fn as_written(&self) -> bool {
        self.layout() == Layout::AsWritten
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
    pub fn text_len(&self) -> usize {
        match self {
            Self::Read { span, .. } => span.len(),
            Self::Added(_) => 0,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("line {line}, column {column}: {message}")]
    Malformed {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("it is format version {0}, and this version of {{project-name}} reads version {VERSION}")]
    Newer(u64),
    /// Conflict markers git left from a merge, from this line on.
    #[error("it holds git's conflict markers from line {0}")]
    Unmerged(usize),
    #[error("it is not UTF-8 text (invalid byte at offset {0})")]
    NotText(usize),
    #[error(transparent)]
    Invalid(#[from] InvalidList),
}
