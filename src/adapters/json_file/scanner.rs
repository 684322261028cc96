//! The fast way in: a list laid out exactly as `render` writes it is
//! opened by reading each record's number and ULID off the start of its
//! line, without a JSON parser.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;
use std::thread;

use serde_json::value::RawValue;

use super::document::{Checks, Source, Stored};
use super::fields::unique_keys;
use super::layout::{self, AFTER_NEXT_ID, CLOSE, CLOSE_EMPTY, HEAD, INDENT};
use super::parallel;
use super::record::JsonRecord;

/// A list read off its lines.
pub struct Scanned<R> {
    pub next_id: u64,
    pub unknown_top: Unknown,
    pub entries: Vec<Stored<R>>,
    /// With `Checks::Deferred`, the check of every line, still running.
    pub lines_check: Option<LinesCheck>,
}

/// The top-level fields this version does not know, by key.
pub type Unknown = BTreeMap<String, Box<RawValue>>;

/// A list in the layout `render` writes, with one record per line.
/// Checking that each line is JSON is most of the work of opening a long
/// list: when asked for, it is shared out a part per core, while this
/// thread reads each record's number and ULID. `None` for any other
/// layout, and for anything amiss, which the any-layout reader then reads
/// or explains.
pub fn read_as_written<R: JsonRecord>(source: &Arc<Source>, checks: Checks) -> Option<Scanned<R>> {
    let bytes = source.bytes();
    let (next_id, rest) = layout::read_number(bytes.strip_prefix(HEAD.as_bytes())?)?;
    let rest = rest.strip_prefix(AFTER_NEXT_ID.as_bytes())?;
    let (unknown_top, rest) = unknown_lines::<R>(rest)?;
    let rest = rest.strip_prefix(layout::opening::<R>().as_bytes())?;
    let scanned = |entries, lines_check| Scanned {
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
    let mut done = parallel::each(parts.into_iter().enumerate().collect(), |(n, part)| {
        let json = lines_are_objects(&lines[part]);
        match n {
            0 if json => records_on_lines(source, start, lines),
            _ => json.then(Vec::new),
        }
    });
    let entries = done
        .iter()
        .all(Option::is_some)
        .then(|| done.swap_remove(0))??;
    Some(scanned(entries, None))
}

/// The check that every line of a list is JSON, running on threads of its
/// own while the command goes on: a part per core.
#[derive(Debug)]
pub struct LinesCheck(Vec<Part>);

#[derive(Debug)]
enum Part {
    Running(thread::JoinHandle<bool>),
    /// A part whose thread could not start, checked when asked.
    Waiting(Arc<Source>, Range<usize>),
}

impl LinesCheck {
    /// Starts checking `lines`, which begin at `start` in `source`.
    fn start(source: &Arc<Source>, start: usize, lines: &[u8]) -> Self {
        let parts = line_parts(lines, parallel::part_count(lines.len()), 2);
        let parts = parts.into_iter().map(|part| {
            let range = start + part.start..start + part.end;
            let (text, from) = (Arc::clone(source), range.clone());
            thread::Builder::new()
                .spawn(move || lines_are_objects(&text.bytes()[from]))
                .map_or_else(|_| Part::Waiting(Arc::clone(source), range), Part::Running)
        });
        Self(parts.collect())
    }

    /// Waits for the check: whether every line is a JSON object with each key once.
    pub fn passed(self) -> bool {
        self.0.into_iter().all(|part| match part {
            Part::Running(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Part::Waiting(source, range) => lines_are_objects(&source.bytes()[range]),
        })
    }
}

/// The top-level fields this version does not know, as `render` writes
/// them before the records, a line each, and what follows them.
fn unknown_lines<R: JsonRecord>(mut rest: &[u8]) -> Option<(Unknown, &[u8])> {
    let mut unknown = Unknown::new();
    while rest.starts_with(layout::UNKNOWN_INDENT.as_bytes())
        && !rest.starts_with(layout::opening::<R>().as_bytes())
    {
        let end = memchr::memchr(b'\n', rest)?;
        let line = std::str::from_utf8(&rest[..end]).ok()?;
        let field = line.strip_suffix(',')?.trim_start();
        let (key, value) = serde_json::from_str::<Unknown>(&format!("{{{field}}}"))
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

/// `lines` cut into about `count` parts, each a run of whole lines that
/// begins where a line does. The first part is `first` halves of the
/// others: when it is checked on the thread that also reads every record's
/// number and ULID, it is half the size of the others.
pub fn line_parts(lines: &[u8], count: usize, first: usize) -> Vec<Range<usize>> {
    let share = lines.len() * 2 / (2 * count + first).saturating_sub(2).max(1);
    let mut cuts = vec![0];
    for n in 1..count {
        let from = (share * first / 2 + (n - 1) * share).max(cuts[cuts.len() - 1] + 1);
        if let Some(found) = lines
            .get(from..)
            .and_then(|after| memchr::memchr(b'\n', after))
        {
            cuts.push(from + found);
        }
    }
    cuts.push(lines.len());
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// Whether each line of `lines`, less its indent and comma, is a JSON
/// object with each key once.
fn lines_are_objects(lines: &[u8]) -> bool {
    // Parts begin at a line break, so each holds whole characters.
    let Ok(text) = std::str::from_utf8(lines) else {
        return false;
    };
    let ends = memchr::memchr_iter(b'\n', lines)
        .skip(1)
        .chain([lines.len()]);
    let starts = memchr::memchr_iter(b'\n', lines);
    starts.zip(ends).all(|(start, end)| {
        let line = text[start..end].trim_start().trim_end_matches(',');
        unique_keys(line).is_ok()
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_shared_out_whole_and_all_of_them() {
        let lines = "\n    {\"id\": 1},".repeat(100);
        let line = lines.len() / 100;
        for (count, first) in (1..5).flat_map(|count| [(count, 1), (count, 2)]) {
            let parts = line_parts(lines.as_bytes(), count, first);
            assert_eq!(parts.len(), count);
            assert_eq!(parts[0].start, 0);
            assert_eq!(parts[count - 1].end, lines.len());
            for pair in parts.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
                assert_eq!(lines.as_bytes()[pair[1].start], b'\n');
                // The first part is half the others', or as long, to a line.
                let (one, other) = (parts[0].len() * 2 / first, pair[1].len());
                assert!(one.abs_diff(other) <= 2 * line, "{first}: {parts:?}");
            }
        }
    }
}
