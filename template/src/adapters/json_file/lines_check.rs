//! The check that every line of a list in the layout `render` writes is a
//! JSON object with each key once: most of the work of opening a long
//! list, so shared out a part per core, and run while a writer goes on.

use std::ops::Range;
use std::sync::Arc;
use std::thread;

use super::object::unique_keys;
use super::parallel;
use super::source::Source;

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
    pub fn start(source: &Arc<Source>, start: usize, lines: &[u8]) -> Self {
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
pub fn lines_are_objects(lines: &[u8]) -> bool {
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
