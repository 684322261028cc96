//! Opening a list: the one place that picks the reader for a file's text.
//! The layout `render` writes is read fast (`scanner.rs`); a formatter's,
//! when the list is only read, line by line too (`indented.rs`); anything
//! else by a JSON parser (`any_layout.rs`), which also explains what is
//! wrong with a file that is not a list. No reader calls back here.

use std::sync::Arc;

use super::document::{Document, Parts};
use super::record::JsonRecord;
use super::source::{Checks, FormatError, Layout, Source};
use super::{any_layout, indented, scanner};
use crate::domain::List;

/// Reads a list from the bytes of a file; `name` is how messages about its
/// records name the file.
pub fn parse<R: JsonRecord>(
    name: &str,
    bytes: impl AsRef<[u8]> + Send + Sync + 'static,
    checks: Checks,
) -> Result<Document<R>, FormatError> {
    let source = Arc::new(Source::new(name, bytes, checks));
    let read = match scanner::read::<R>(&source, checks) {
        Some(parts) => Some((parts, Layout::AsWritten)),
        // A list that is only read is checked record by record as it is.
        None if checks == Checks::Shape => {
            indented::read::<R>(&source).map(|parts| (parts, Layout::Indented))
        }
        None => None,
    };
    let (parts, layout) = match read {
        Some(read) => read,
        None => any_layout::read::<R>(&source, checks)
            .map(|parts| (parts, Layout::Other))
            .map_err(|e| conflict_markers(source.bytes()).map_or(e, FormatError::Unmerged))?,
    };
    source.read_in(layout);
    let Parts {
        next_id,
        unknown_top,
        entries,
        lines_check,
    } = parts;
    Ok(Document {
        list: List::from_parts(next_id, entries)?,
        unknown_top,
        layout,
        lines_check,
    })
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
