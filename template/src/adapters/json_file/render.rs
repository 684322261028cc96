//! Writing a list back: in the layout `layout` spells, with every record a
//! command did not touch written as it was read, side by side in one piece.

use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

use super::document::{Document, Source, Stored};
use super::layout::{self, AFTER_NEXT_ID, CLOSE, CLOSE_EMPTY, HEAD, INDENT, SEPARATOR};
use super::record::JsonRecord;

/// Writes `doc` as version 1: readable in an editor, one record per line.
pub fn render<R: JsonRecord>(doc: &Document<R>, out: &mut impl Write) -> io::Result<()> {
    write!(out, "{HEAD}{}{AFTER_NEXT_ID}", doc.list.next_id())?;
    for (key, raw) in &doc.unknown_top {
        layout::write_unknown(out, key, raw.get())?;
    }
    out.write_all(layout::opening::<R>().as_bytes())?;
    let entries = doc.list.entries();
    let mut n = 0;
    while n < entries.len() {
        out.write_all(if n == 0 { INDENT } else { SEPARATOR }.as_bytes())?;
        match &entries[n] {
            Stored::Read { source, span, .. } => {
                // Records that lie side by side in the file, as this
                // function writes them, go out as they are in one piece.
                let run = run_as_written(source, span, &entries[n + 1..]);
                out.write_all(&source.bytes()[span.start..run.end])?;
                n += run.count;
            }
            Stored::Added(record) => layout::write_record(out, record.as_ref())?,
        }
        n += 1;
    }
    let close = if entries.is_empty() {
        CLOSE_EMPTY
    } else {
        CLOSE
    };
    out.write_all(close.as_bytes())
}

/// How many records follow one in the file exactly as `render` would write
/// them, and where the last of them ends.
struct Run {
    count: usize,
    end: usize,
}

fn run_as_written<R>(source: &Arc<Source>, span: &Range<usize>, next: &[Stored<R>]) -> Run {
    let bytes = source.bytes();
    let mut run = Run {
        count: 0,
        end: span.end,
    };
    for entry in next {
        match entry {
            Stored::Read {
                source: from, span, ..
            } if Arc::ptr_eq(from, source)
                && bytes.get(run.end..span.start) == Some(SEPARATOR.as_bytes()) =>
            {
                run.count += 1;
                run.end = span.end;
            }
            _ => break,
        }
    }
    run
}
