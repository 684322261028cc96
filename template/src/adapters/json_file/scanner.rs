//! The fast way in: a list laid out exactly as `render` writes it is
//! opened by reading each record's number and ULID off the start of its
//! line, without a JSON parser.

use std::sync::Arc;

use super::document::{Parts, UnknownTop};
use super::layout::{self, AFTER_NEXT_ID, CLOSE, CLOSE_EMPTY, HEAD, INDENT};
use super::lines_check::{LinesCheck, line_parts, lines_are_objects};
use super::parallel;
use super::record::JsonRecord;
use super::source::{Checks, Source, Stored};

/// A list in the layout `render` writes, with one record per line.
/// Checking that each line is JSON is most of the work of opening a long
/// list: when asked for, it is shared out a part per core, while this
/// thread reads each record's number and ULID. `None` for any other
/// layout, and for anything amiss, which the any-layout reader then reads
/// or explains.
pub fn read<R: JsonRecord>(source: &Arc<Source>, checks: Checks) -> Option<Parts<R>> {
    let bytes = source.bytes();
    let (next_id, rest) = layout::read_number(bytes.strip_prefix(HEAD.as_bytes())?)?;
    let rest = rest.strip_prefix(AFTER_NEXT_ID.as_bytes())?;
    let (unknown_top, rest) = unknown_lines::<R>(rest)?;
    let rest = rest.strip_prefix(layout::opening::<R>().as_bytes())?;
    let scanned = |entries, lines_check| Parts {
        next_id,
        unknown_top,
        entries,
        lines_check,
    };
    if rest == CLOSE_EMPTY.as_bytes() {
        return Some(scanned(Vec::new(), None));
    }
    let lines = rest.strip_suffix(CLOSE.as_bytes())?;
    let start = bytes.len() - rest.len();
    match checks {
        Checks::Shape => return Some(scanned(records_on_lines(source, start, lines)?, None)),
        Checks::Deferred if lines.len() >= parallel::MIN_PART_BYTES => {
            let entries = records_on_lines(source, start, lines)?;
            // Started after: the cores are the reader's first, the check's
            // while the new list is written and flushed.
            let check = LinesCheck::start(source, start, lines);
            return Some(scanned(entries, Some(check)));
        }
        Checks::Deferred | Checks::All => {}
    }
    let parts = line_parts(lines, parallel::part_count(lines.len()), 1);
    let mut read = parallel::each(parts.into_iter().enumerate().collect(), |(n, part)| {
        let json = lines_are_objects(&lines[part]);
        match n {
            0 if json => records_on_lines(source, start, lines),
            _ => json.then(Vec::new),
        }
    });
    let entries = read
        .iter()
        .all(Option::is_some)
        .then(|| read.swap_remove(0))??;
    Some(scanned(entries, None))
}

/// The top-level fields this version does not know, as `render` writes
/// them before the records, a line each, and what follows them.
fn unknown_lines<R: JsonRecord>(mut rest: &[u8]) -> Option<(UnknownTop, &[u8])> {
    let mut unknown = UnknownTop::new();
    while rest.starts_with(layout::UNKNOWN_INDENT.as_bytes())
        && !rest.starts_with(layout::opening::<R>().as_bytes())
    {
        let end = memchr::memchr(b'\n', rest)?;
        let line = std::str::from_utf8(&rest[..end]).ok()?;
        let field = line.strip_suffix(',')?.trim_start();
        let (key, value) = serde_json::from_str::<UnknownTop>(&format!("{% raw %}{{{field}}{% endraw %}}"))
            .ok()?
            .pop_first()?;
        let known = ["version", "next_id", R::COLLECTION].contains(&key.as_str());
        if known || unknown.insert(key, value).is_some() {
            return None;
        }
        rest = &rest[end + 1..];
    }
    Some((unknown, rest))
}

/// The records on `lines`, which begin at `start` in the file: each line an
/// indent, a record, and a comma but after the very last.
fn records_on_lines<R>(source: &Arc<Source>, start: usize, lines: &[u8]) -> Option<Vec<Stored<R>>> {
    let mut entries = Vec::new();
    let (mut rest, mut at) = (lines, start);
    while !rest.is_empty() {
        let line = rest.strip_prefix(INDENT.as_bytes())?;
        let end = memchr::memchr(b'\n', line).unwrap_or(line.len());
        let (record, more) = line.split_at(end);
        let record = if more.is_empty() {
            record
        } else {
            record.strip_suffix(b",")?
        };
        let (id, ulid) = layout::read_identity(record)?;
        let begin = at + INDENT.len();
        entries.push(Stored::Read {
            id,
            ulid,
            source: Arc::clone(source),
            span: begin..begin + record.len(),
        });
        at = begin + end;
        rest = more;
    }
    Some(entries)
}
