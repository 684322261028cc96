//! The history beside a list: `todo.history.jsonl` beside `todo.json`,
//! a line that says what it is, then one line per record a change touched,
//! oldest first; the lines of one change share its number.
//!
//! ```text
//! {"version": 1, "history": "todos"}
//! {"change": 1, "added": {"id": 4, "ulid": "01KDX…"}}
//! {"change": 2, "completed_at": "2026-11-25T21:00:00Z", "todo": {"id": 1, "ulid": "01KDV…", "title": …}}
//! ```
//!
//! A change is appended, and flushed to disk, before the list is replaced;
//! undo puts the list back first and then cuts the change off. A crash in
//! between leaves a change the list does not show, which the next writer
//! cuts off (`Change::applied`), and a torn last line, which is ignored.
//! The file is read from its end, a line at a time: a long history costs
//! no more to keep than a short one.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use serde::Deserialize;
use ulid::Ulid;

use super::any_layout;
use super::document::{Checks, Reading, Source, Stored};
use super::fields::Fields;
use super::files::{self, Owner};
use super::layout::VERSION;
use super::parallel;
use super::record::JsonRecord;
use super::render;
use crate::domain::{BrokenHistory, Change, Completed, Entry, History, Id, List, parse_ulid};

/// The history of the list at `target`: `todo.json` keeps `todo.history.jsonl`.
pub fn path_of(target: &Path) -> PathBuf {
    let stem = match (target.file_stem(), target.extension()) {
        (Some(stem), Some(_)) => stem,
        _ => target.file_name().unwrap_or_default(),
    };
    let mut name = stem.to_os_string();
    name.push(".history.jsonl");
    target.with_file_name(name)
}

/// The history file's name, as messages and `git setup` give it.
pub fn name_of(target: &Path) -> String {
    path_of(target)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn header<R: JsonRecord>() -> String {
    format!(
        "{{\"version\": {VERSION}, \"history\": {}}}\n",
        serde_json::to_string(R::COLLECTION).unwrap_or_default()
    )
}

/// A history file, open, as far as it is whole.
struct Journal {
    file: File,
    /// Where the first change begins, after the header.
    start: u64,
    /// Where the last whole line ends: anything after it is a torn write.
    end: u64,
}

/// One line of the history.
enum Line<R> {
    Added {
        change: u64,
        id: Id,
        ulid: Ulid,
    },
    Done {
        change: u64,
        at: Timestamp,
        entry: Stored<R>,
    },
}

impl<R> Line<R> {
    fn change(&self) -> u64 {
        match self {
            Self::Added { change, .. } | Self::Done { change, .. } => *change,
        }
    }
}

/// A change read back, its number, and where its lines begin.
struct Found<R> {
    change: Change<Stored<R>>,
    number: u64,
    begins: u64,
}

/// The history as a writer found it, under the list's lock.
pub struct Loaded<R> {
    journal: Option<Journal>,
    latest: Option<Found<R>>,
    /// Where what the list shows ends: changes after it never reached the list.
    keep: u64,
    next_change: u64,
}

impl Journal {
    /// The history at `path`, or `None` if there is none; `Err` says why it
    /// cannot be used.
    fn open<R: JsonRecord>(path: &Path, name: &str) -> Result<Option<Self>, BrokenHistory> {
        let broken =
            |why: String| BrokenHistory(format!("{name} is not a history my-todo can use: {why}"));
        let Some(mut file) = files::open_beside(path, None).map_err(|e| broken(e.to_string()))?
        else {
            return Ok(None);
        };
        let len = file.metadata().map_err(|e| broken(e.to_string()))?.len();
        let expected = header::<R>();
        let mut first = vec![0; expected.len().min(len as usize)];
        file.read_exact(&mut first)
            .map_err(|e| broken(e.to_string()))?;
        // Made, and cut short by a crash before its first change: as if not made.
        if len < expected.len() as u64 && expected.as_bytes().starts_with(&first) {
            return Ok(None);
        }
        if first != expected.as_bytes() {
            if first.starts_with(b"{\"version\": ") && !first.starts_with(b"{\"version\": 1,") {
                return Err(BrokenHistory(format!(
                    "{name} was written by a newer my-todo; upgrade my-todo to use its history"
                )));
            }
            return Err(broken(format!(
                "its first line is not {}",
                expected.trim_end()
            )));
        }
        let mut journal = Self {
            file,
            start: expected.len() as u64,
            end: len,
        };
        // A write cut short by a crash ends without a line break: ignored.
        if !journal.ends_with_newline(len)? {
            journal.end = journal
                .line_before(len)?
                .map_or(journal.start, |(begins, _)| begins);
        }
        Ok(Some(journal))
    }

    fn ends_with_newline(&self, len: u64) -> Result<bool, BrokenHistory> {
        if len <= self.start {
            return Ok(true);
        }
        let mut last = [0];
        self.read_at(&mut last, len - 1)?;
        Ok(last[0] == b'\n')
    }

    fn read_at(&self, buf: &mut [u8], at: u64) -> Result<(), BrokenHistory> {
        let mut file = &self.file;
        file.seek(SeekFrom::Start(at))
            .and_then(|_| file.read_exact(buf))
            .map_err(|e| BrokenHistory(e.to_string()))
    }

    /// The line that ends just before `end` (at a line break, or at a torn
    /// end), and where it begins; none before the first change.
    fn line_before(&self, end: u64) -> Result<Option<(u64, Vec<u8>)>, BrokenHistory> {
        if end <= self.start {
            return Ok(None);
        }
        let stop = end - 1;
        let mut line = Vec::new();
        let mut at = stop;
        const CHUNK: u64 = 64 * 1024;
        loop {
            let from = at.saturating_sub(CHUNK).max(self.start);
            let mut chunk = vec![0; (at - from) as usize];
            self.read_at(&mut chunk, from)?;
            match memchr::memrchr(b'\n', &chunk) {
                Some(n) => {
                    let begins = from + n as u64 + 1;
                    chunk.drain(..=n);
                    chunk.extend_from_slice(&line);
                    return Ok(Some((begins, chunk)));
                }
                None if from == self.start => {
                    chunk.extend_from_slice(&line);
                    return Ok(Some((self.start, chunk)));
                }
                None => {
                    chunk.extend_from_slice(&line);
                    line = chunk;
                    at = from;
                }
            }
        }
    }

    /// The line that begins at `at`, or why it is broken, naming its line
    /// number: counted only then, since the history is read from its end.
    fn parse<R: JsonRecord>(
        &self,
        bytes: Vec<u8>,
        at: u64,
        name: &str,
    ) -> Result<Line<R>, BrokenHistory> {
        parse::<R>(bytes, name).map_err(|why| {
            let line = self.line_number(at).map_or_else(
                |_| format!("the line at byte {at}"),
                |number| format!("line {number}"),
            );
            BrokenHistory(format!(
                "{name} is not a history my-todo can use: {line} {why}"
            ))
        })
    }

    /// The number, counted from 1, of the line that begins at `at`.
    fn line_number(&self, at: u64) -> Result<u64, BrokenHistory> {
        const CHUNK: u64 = 64 * 1024;
        let mut breaks = 0;
        let mut from = 0;
        while from < at {
            let mut chunk = vec![0; (at - from).min(CHUNK) as usize];
            self.read_at(&mut chunk, from)?;
            breaks += memchr::memchr_iter(b'\n', &chunk).count() as u64;
            from += chunk.len() as u64;
        }
        Ok(breaks + 1)
    }

    /// The change whose last line ends at `end`, all its lines read.
    fn change_before<R: JsonRecord>(
        &self,
        end: u64,
        name: &str,
    ) -> Result<Option<Found<R>>, BrokenHistory> {
        let Some((mut begins, bytes)) = self.line_before(end)? else {
            return Ok(None);
        };
        let last = self.parse::<R>(bytes, begins, name)?;
        let number = last.change();
        let mut lines = vec![last];
        while let Some((at, bytes)) = self.line_before(begins)? {
            let line = self.parse::<R>(bytes, at, name)?;
            if line.change() != number {
                break;
            }
            lines.push(line);
            begins = at;
        }
        lines.reverse();
        let change = match lines.remove(0) {
            Line::Added { id, ulid, .. } if lines.is_empty() => Change::Added { id, ulid },
            Line::Added { .. } => {
                return Err(BrokenHistory(format!(
                    "{name} is not a history my-todo can use: change {number} adds more than one"
                )));
            }
            Line::Done { at, entry, .. } => {
                let mut entries = vec![entry];
                for line in lines {
                    match line {
                        Line::Done { entry, .. } => entries.push(entry),
                        Line::Added { .. } => {
                            return Err(BrokenHistory(format!(
                                "{name} is not a history my-todo can use: change {number} both adds and completes"
                            )));
                        }
                    }
                }
                Change::Done { at, entries }
            }
        };
        Ok(Some(Found {
            change,
            number,
            begins,
        }))
    }
}

/// A line of the history, or what is wrong with it.
fn parse<R: JsonRecord>(bytes: Vec<u8>, name: &str) -> Result<Line<R>, String> {
    let broken = |why: &str| why.to_string();
    let source = Arc::new(Source::new(name, bytes, Checks::All));
    let text = std::str::from_utf8(source.bytes()).map_err(|_| broken("is not UTF-8 text"))?;
    let fields =
        Fields::parse(text).map_err(|_| broken("is not a JSON object with each key once"))?;
    let field = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, raw)| raw);
    let change = field("change")
        .and_then(|raw| raw.parse::<u64>().ok())
        .ok_or_else(|| broken("has no change number"))?;
    if let Some(added) = field("added") {
        #[derive(Deserialize)]
        struct Added<'a> {
            id: u64,
            #[serde(borrow)]
            ulid: Cow<'a, str>,
        }
        let added: Added =
            serde_json::from_str(added).map_err(|_| broken("adds nothing readable"))?;
        let ulid = parse_ulid(&added.ulid).ok_or_else(|| broken("adds nothing readable"))?;
        return Ok(Line::Added {
            change,
            id: Id(added.id),
            ulid,
        });
    }
    let at_time = field("completed_at")
        .and_then(|raw| serde_json::from_str::<Cow<str>>(raw).ok())
        .and_then(|time| time.parse::<Timestamp>().ok())
        .ok_or_else(|| broken("has no time it was completed"))?;
    let raw = field(R::NOUN).ok_or_else(|| broken(&format!("has no {}", R::NOUN)))?;
    let (id, ulid) =
        any_layout::identify::<R>(raw, Checks::All).map_err(|(_, why)| broken(&why))?;
    // The record's place in the line, which it was read from.
    let begins = raw.as_ptr() as usize - text.as_ptr() as usize;
    let span = begins..begins + raw.len();
    Ok(Line::Done {
        change,
        at: at_time,
        entry: Stored::Read {
            id,
            ulid,
            source: Arc::clone(&source),
            span,
        },
    })
}

/// The history of the list at `target` for a writer, which holds the
/// list's lock: its latest change that `list` shows.
pub fn load<R: JsonRecord>(
    target: &Path,
    list: &List<Stored<R>>,
) -> Result<Loaded<R>, BrokenHistory> {
    let name = name_of(target);
    let Some(journal) = Journal::open::<R>(&path_of(target), &name)? else {
        return Ok(Loaded {
            journal: None,
            latest: None,
            keep: 0,
            next_change: 1,
        });
    };
    let mut end = journal.end;
    let mut next_change = 1;
    let latest = loop {
        match journal.change_before::<R>(end, &name)? {
            Some(read) if read.change.applied(list) => break Some(read),
            // Never reached the list: as if never made.
            Some(read) => {
                next_change = next_change.max(read.number + 1);
                end = read.begins;
            }
            None => break None,
        }
    };
    if let Some(read) = &latest {
        next_change = next_change.max(read.number + 1);
    }
    Ok(Loaded {
        keep: end,
        journal: Some(journal),
        latest,
        next_change,
    })
}

impl<R: JsonRecord> Loaded<R> {
    /// The latest change the list shows, for a command to work on.
    pub fn latest(&self) -> Option<Change<Stored<R>>> {
        self.latest.as_ref().map(|read| read.change.clone())
    }

    /// Keeps what the command did to `history`, and writes the list with
    /// `save`, in the order that never leaves a change in the list alone:
    /// `save` renames the new list into place once its `Ready` says so.
    pub fn persist(
        mut self,
        target: &Path,
        history: &History<Stored<R>>,
        reading: Reading,
        owner: Option<Owner>,
        save: impl FnOnce(Ready) -> io::Result<()>,
    ) -> io::Result<()> {
        let at_once: Ready = Box::new(|| Ok(()));
        if history.took_latest() {
            save(at_once)?;
            if let (Some(journal), Some(found)) = (&self.journal, &self.latest) {
                // The list shows the change undone: left here, the next
                // writer would cut it off all the same.
                let _ = cut(&journal.file, found.begins);
            }
            return Ok(());
        }
        if history.recorded().is_empty() {
            return save(at_once);
        }
        let (file, made) = match self.journal.take() {
            Some(journal) => (journal.file, false),
            None => {
                let file = files::open_beside(&path_of(target), Some(owner))?
                    .ok_or_else(|| io::Error::other("the history could not be made"))?;
                // New, or cut short before its first change.
                file.set_len(0)?;
                (&file).write_all(header::<R>().as_bytes())?;
                self.keep = header::<R>().len() as u64;
                (file, true)
            }
        };
        let mut lines = Vec::new();
        for change in history.recorded() {
            write_change(&mut lines, change, self.next_change, reading)?;
            self.next_change += 1;
        }
        // The history is flushed while the new list is written and flushed:
        // the list is renamed into place only once the history is on disk.
        let keep = self.keep;
        let saved = std::thread::scope(|scope| {
            let appending = scope.spawn(|| {
                cut(&file, keep)?;
                (&file).seek(SeekFrom::End(0))?;
                for part in &lines {
                    (&file).write_all(part)?;
                }
                file.sync_data()?;
                if made {
                    files::sync_dir_of(target)?;
                }
                Ok(())
            });
            save(Box::new(|| {
                appending
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }))
        });
        if saved.is_err() {
            // The list was not changed: neither is the history.
            let _ = cut(&file, keep);
        }
        saved
    }
}

/// What a writer of the list waits for before it renames the new list into place.
pub type Ready<'a> = Box<dyn FnOnce() -> io::Result<()> + Send + 'a>;

/// Cuts `file` to `len` bytes, if it is longer, and flushes that to disk.
fn cut(file: &File, len: u64) -> io::Result<()> {
    if file.metadata()?.len() > len {
        file.set_len(len)?;
        file.sync_data()?;
    }
    Ok(())
}

/// The lines of `change`, numbered `number`, in parts to write in turn.
fn write_change<R: JsonRecord>(
    out: &mut Vec<Vec<u8>>,
    change: &Change<Stored<R>>,
    number: u64,
    reading: Reading,
) -> io::Result<()> {
    match change {
        Change::Added { id, ulid } => {
            let line = format!(
                "{{\"change\": {number}, \"added\": {{\"id\": {id}, \"ulid\": \"{ulid}\"}}}}\n"
            );
            out.push(line.into_bytes());
            Ok(())
        }
        Change::Done { at, entries } => {
            let noun = serde_json::to_string(R::NOUN)?;
            let begin = format!("{{\"change\": {number}, \"completed_at\": \"{at}\", {noun}: ");
            // Many records are written a part per core.
            let bytes = entries.len() * (begin.len() + 128);
            let parts = parallel::even_ranges(entries.len(), parallel::part_count(bytes));
            let written = parallel::each(parts, |part| {
                let mut lines = Vec::with_capacity(part.len() * (begin.len() + 128));
                for entry in &entries[part] {
                    lines.extend_from_slice(begin.as_bytes());
                    render::write_entry(&mut lines, entry, reading)?;
                    lines.extend_from_slice(b"}\n");
                }
                Ok::<_, io::Error>(lines)
            });
            for lines in written {
                out.push(lines?);
            }
            Ok(())
        }
    }
}

/// The `count` records completed last in the history of the list at
/// `target`, newest first, leaving out those `list` still shows. Takes no lock.
pub fn completed<R: JsonRecord>(
    target: &Path,
    list: &List<Stored<R>>,
    count: usize,
) -> Result<Vec<Completed<R>>, BrokenHistory> {
    let name = name_of(target);
    let Some(journal) = Journal::open::<R>(&path_of(target), &name)? else {
        return Ok(Vec::new());
    };
    let mut end = journal.end;
    let mut applied = false;
    let mut found = Vec::new();
    while found.len() < count {
        let Some(read) = journal.change_before::<R>(end, &name)? else {
            break;
        };
        end = read.begins;
        applied = applied || read.change.applied(list);
        if let (true, Change::Done { at, entries }) = (applied, read.change) {
            for entry in entries.iter().rev() {
                let record = entry.read().map_err(|e| BrokenHistory(e.0))?;
                found.push(Completed { record, at });
            }
        }
    }
    found.truncate(count);
    Ok(found)
}

/// Why the history of the list at `target` cannot be used, if it cannot:
/// its first line, or its last change, says.
pub fn problem<R: JsonRecord>(target: &Path) -> Option<BrokenHistory> {
    let name = name_of(target);
    let latest = Journal::open::<R>(&path_of(target), &name)
        .and_then(|journal| journal.map_or(Ok(None), |j| j.change_before::<R>(j.end, &name)));
    latest.err()
}
