//! Writing a list back: in the layout `layout` spells, whatever layout it
//! was read in. Records read from a list already in that layout and not
//! touched since are written as they were, side by side in one piece;
//! records read from any other layout are written out again, canonically.

use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

use super::canonical;
use super::document::Document;
use super::layout::{self, AFTER_NEXT_ID, CLOSE, CLOSE_EMPTY, HEAD, INDENT, SEPARATOR};
use super::record::JsonRecord;
use super::source::{Source, Stored};

/// Writes `doc` as version 1: readable in an editor, one record per line.
pub fn render<R: JsonRecord>(doc: &Document<R>, out: &mut impl Write) -> io::Result<()> {
    let top = doc
        .unknown_top
        .iter()
        .map(|(key, raw)| (key.as_str(), canonical::normalize(raw.get())));
    write_head::<R>(out, doc.list.next_id().0, top)?;
    let entries = doc.list.entries();
    let mut n = 0;
    while n < entries.len() {
        out.write_all(before_record(n))?;
        match &entries[n] {
            Stored::Read { source, span, .. } if source.as_written() => {
                // Records that lie side by side in the file, as this
                // function writes them, go out as they are in one piece.
                let run = run_as_written(source, span, entries[n + 1..].iter().map(in_file));
                out.write_all(&source.bytes()[span.start..run.end])?;
                n += run.count;
            }
            entry => write_entry(out, entry)?,
        }
        n += 1;
    }
    write_close(out, entries.is_empty())
}

/// One record on its line: as it was written, where it was read from text
/// in this layout (a list, the history); written out again otherwise.
pub fn write_entry<R: JsonRecord>(out: &mut impl Write, entry: &Stored<R>) -> io::Result<()> {
    match entry {
        Stored::Read {
            id,
            ulid,
            source,
            span,
        } if !source.as_written() => {
            let raw = std::str::from_utf8(&source.bytes()[span.clone()])
                .map_err(|_| io::Error::other("a record read whole was not text"))?;
            canonical::rewrite_record(out, *id, *ulid, raw)
        }
        Stored::Read { source, span, .. } => out.write_all(&source.bytes()[span.clone()]),
        Stored::Added(record) => layout::write_record(out, record.as_ref()),
    }
}

/// Everything before the first record: the header, the list's own fields
/// besides its records, in canonical form and in order of their keys, and
/// the opening of the records' array.
pub fn write_head<'a, R: JsonRecord>(
    out: &mut impl Write,
    next_id: u64,
    top: impl IntoIterator<Item = (&'a str, String)>,
) -> io::Result<()> {
    write!(out, "{HEAD}{next_id}{AFTER_NEXT_ID}")?;
    let mut top: Vec<_> = top.into_iter().collect();
    top.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (key, raw) in top {
        layout::write_unknown(out, key, &raw)?;
    }
    out.write_all(layout::opening::<R>().as_bytes())
}

/// What comes before the `n`th record, counting from 0.
pub fn before_record(n: usize) -> &'static [u8] {
    if n == 0 { INDENT } else { SEPARATOR }.as_bytes()
}

/// Everything after the last record, or after the opening of an empty list.
pub fn write_close(out: &mut impl Write, empty: bool) -> io::Result<()> {
    out.write_all(if empty { CLOSE_EMPTY } else { CLOSE }.as_bytes())
}

/// Where a record lies in a file's text, if it was read from one.
fn in_file<R>(entry: &Stored<R>) -> Option<(&Arc<Source>, &Range<usize>)> {
    match entry {
        Stored::Read { source, span, .. } => Some((source, span)),
        Stored::Added(_) => None,
    }
}

/// How many records follow one in the file exactly as `render` would write
/// them, and where the last of them ends.
pub struct Run {
    pub count: usize,
    pub end: usize,
}

/// The run of records that follow the one at `span` in `source` side by
/// side, as `render` writes them: `next` says where each following record
/// lies in a file, if it is to be written as it lies there.
pub fn run_as_written<'a>(
    source: &Arc<Source>,
    span: &Range<usize>,
    next: impl Iterator<Item = Option<(&'a Arc<Source>, &'a Range<usize>)>>,
) -> Run {
    let bytes = source.bytes();
    let mut run = Run {
        count: 0,
        end: span.end,
    };
    for (from, span) in next.map_while(|lies| lies) {
        if !Arc::ptr_eq(from, source)
            || bytes.get(run.end..span.start) != Some(SEPARATOR.as_bytes())
        {
            break;
        }
        run.count += 1;
        run.end = span.end;
    }
    run
}
