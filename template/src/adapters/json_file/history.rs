//! The history beside a list: `notes.json.history.jsonl` beside
//! `notes.json`, a line that says what it is, then one line per record a
//! change touched, oldest first; the lines of one change share its number.
//! The record's words name the keys: here, notes that are archived.
//!
//! ```text
//! {"version": 1, "history": "notes"}
//! {"change": 1, "added": {"id": 4, "ulid": "01KDX…"}}
//! {"change": 2, "archived_at": "2026-11-25T21:00:00Z", "note": {"id": 1, "ulid": "01KDV…", "text": …}}
//! {"change": 3, "undid": 2}
//! ```
//!
//! A journal: lines are only ever appended, flushed to disk before the
//! list is replaced (an undo's, and a new list's first, after), and never
//! cut because of what the list shows; the domain reads them against the
//! list. The one exception
//! is a writer taking back what it appended itself, in the same run, when
//! the list could not be replaced. A last line without a line break is
//! whole if it reads whole (an editor drops the final break), and is
//! otherwise a write cut short or under way, passed over; a writer starts
//! its own lines on a line of their own. The file is read from its end
//! (`backward.rs`): a long history costs no more to keep than a short one.

use std::borrow::Cow;
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use serde::Deserialize;
use ulid::Ulid;

use super::any_layout;
use super::backward::{self, CHUNK, Lines};
use super::files::{self, Access, Owner};
use super::layout::VERSION;
use super::object::Object;
use super::parallel;
use super::record::JsonRecord;
use super::render;
use super::saving;
use super::source::{Checks, Layout, Source, Stored};
use crate::domain::{
    BrokenHistory, Change, Entry, Id, List, Logged, Removal, Removals, parse_ulid, removed as shown,
};

/// The history of the list at `target`, named from its whole name:
/// `notes.json` keeps `notes.json.history.jsonl`, so no two lists share one.
pub fn path_of(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
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
        "{% raw %}{{\"version\": {VERSION}, \"history\": {}}{% endraw %}}\n",
        serde_json::to_string(R::COLLECTION).unwrap_or_default()
    )
}

/// A history file, open to read.
pub struct HistoryFile {
    file: File,
    /// How messages name it.
    name: String,
    /// Where the first change begins, after the header.
    start: u64,
    /// How long it was when opened: what was appended since is not read.
    len: u64,
}

impl HistoryFile {
    /// The history at `path`, or `None` if there is none (or only the
    /// beginning of a header, from a crash as it was made); `Ok(Err)` says
    /// why what it holds cannot be used, `Err` why it cannot be read.
    fn open<R: JsonRecord>(
        path: &Path,
        name: &str,
    ) -> io::Result<Result<Option<Self>, BrokenHistory>> {
        let Some(mut file) = files::open_beside(path, Access::Read)? else {
            return Ok(Ok(None));
        };
        let len = file.metadata()?.len();
        let expected = header::<R>();
        let mut first = vec![0; expected.len().min(len as usize)];
        file.read_exact(&mut first)?;
        if len < expected.len() as u64 && expected.as_bytes().starts_with(&first) {
            return Ok(Ok(None));
        }
        if first != expected.as_bytes() {
            let why = match first.starts_with(b"{\"version\": ")
                && !first.starts_with(b"{\"version\": 1,")
            {
                true => format!(
                    "{name} was written by a newer {{project-name}}; upgrade {{project-name}} to use its history"
                ),
                false => format!(
                    "{name} is not a history {{project-name}} can use: its first line is not {}",
                    expected.trim_end()
                ),
            };
            return Ok(Err(BrokenHistory(why)));
        }
        Ok(Ok(Some(Self {
            file,
            name: name.to_owned(),
            start: expected.len() as u64,
            len,
        })))
    }

    fn read_at(&self, buf: &mut [u8], at: u64) -> io::Result<()> {
        backward::read_at(&self.file, buf, at)
    }

    /// Whether the last line ends with a line break.
    fn ends_with_newline(&self) -> io::Result<bool> {
        if self.len <= self.start {
            return Ok(true);
        }
        let mut last = [0];
        self.read_at(&mut last, self.len - 1)?;
        Ok(last[0] == b'\n')
    }

    /// The lines after the header, newest first.
    fn lines(&self) -> Lines<'_> {
        Lines::new(&self.file, self.start, self.len)
    }

    /// The changes, newest first, a line at a time: a change that touched
    /// many records comes in as many parts.
    pub fn changes<R: JsonRecord>(
        &self,
    ) -> impl Iterator<Item = Result<Logged<Stored<R>>, BrokenHistory>> + '_ {
        // Cut short, or still being written: not a line yet.
        let mut unfinished = !self.ends_with_newline().unwrap_or(true);
        self.lines().filter_map(move |line| {
            let last = std::mem::take(&mut unfinished);
            match line {
                Err(e) => Some(Err(self.unreadable(e.to_string()))),
                // A blank line, as an editor may leave, says nothing.
                Ok((_, bytes)) if bytes.trim_ascii().is_empty() => None,
                Ok((at, bytes)) => match parse::<R>(bytes, &self.name) {
                    Ok(logged) => Some(Ok(logged)),
                    Err(_) if last => None,
                    Err(why) => Some(Err(self.broken_line(at, &why))),
                },
            }
        })
    }

    /// The number a new change takes: one past the latest.
    /// Reads only the beginning of each line it looks at, however long.
    fn next_number(&self) -> io::Result<u64> {
        // Enough for `{"change": ` and any number.
        const HEAD: u64 = 64;
        let mut lines = self.lines();
        while let Some((begins, _)) = lines.next_line(false)? {
            let mut head = vec![0; HEAD.min(self.len - begins) as usize];
            self.read_at(&mut head, begins)?;
            if let Some(number) = change_number(&head) {
                return Ok(number + 1);
            }
        }
        Ok(1)
    }

    fn unreadable(&self, why: String) -> BrokenHistory {
        BrokenHistory(format!("cannot read {}: {why}", self.name))
    }

    /// A line that cannot be read, named by its number, counted only now,
    /// since the history is read from its end.
    fn broken_line(&self, at: u64, why: &str) -> BrokenHistory {
        let line = self.line_number(at).map_or_else(
            |_| format!("the line at byte {at}"),
            |number| format!("line {number}"),
        );
        BrokenHistory(format!("{}: {line} {why}", self.name))
    }

    /// The number, counted from 1, of the line that begins at `at`.
    fn line_number(&self, at: u64) -> io::Result<u64> {
        let mut breaks = 0;
        let mut from = 0;
        let mut chunk = Vec::new();
        while from < at {
            chunk.resize((at - from).min(CHUNK) as usize, 0);
            self.read_at(&mut chunk, from)?;
            breaks += memchr::memchr_iter(b'\n', &chunk).count() as u64;
            from += chunk.len() as u64;
        }
        Ok(breaks + 1)
    }
}

/// The change number a line begins with, read as leniently as it can be,
/// so that a new change never takes the number of a line it cannot read.
fn change_number(line: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(line).ok()?;
    let rest = text.trim_start().strip_prefix('{')?.trim_start();
    let rest = rest.strip_prefix("\"change\"")?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..digits].parse().ok()
}

/// An addition in the very layout `write_change` gives it, read without a
/// JSON parser: most lines of a long history are additions.
fn added_as_written(line: &[u8]) -> Option<(u64, Id, Ulid)> {
    // A number and what follows it.
    fn number(text: &[u8]) -> Option<(u64, &[u8])> {
        let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
        let value = std::str::from_utf8(&text[..digits]).ok()?.parse().ok()?;
        Some((value, &text[digits..]))
    }
    let (change, rest) = number(line.strip_prefix(b"{\"change\": ")?)?;
    let (id, rest) = number(rest.strip_prefix(b", \"added\": {\"id\": ")?)?;
    let ulid = rest
        .strip_prefix(b", \"ulid\": \"")?
        .strip_suffix(b"\"}}")?;
    let ulid = parse_ulid(std::str::from_utf8(ulid).ok()?)?;
    Some((change, Id(id), ulid))
}

/// A line of the history, or what is wrong with it.
/// The key of the time records were removed, in the record's words:
/// `"archived_at"` for notes archived.
fn removed_at<R: JsonRecord>() -> String {
    format!("{}_at", R::WORDS.removed)
}

fn parse<R: JsonRecord>(bytes: Vec<u8>, name: &str) -> Result<Logged<Stored<R>>, String> {
    if let Some((number, id, ulid)) = added_as_written(&bytes) {
        let change = Change::Added { id, ulid };
        return Ok(Logged { number, change });
    }
    /// A record in the line: its number, ULID and place.
    type Held = (Id, Ulid, std::ops::Range<usize>);
    enum Kind {
        Added(Id, Ulid),
        Undid(u64),
        Removed(Timestamp, Held),
        Edited(Held, Held),
    }
    let broken = |why: &str| why.to_string();
    let (number, kind) = {
        let text = std::str::from_utf8(&bytes).map_err(|_| broken("is not UTF-8 text"))?;
        let fields =
            Object::parse(text).map_err(|_| broken("is not a JSON object with each key once"))?;
        let field = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, raw)| raw);
        let held = |raw: &str| -> Result<Held, String> {
            let (id, ulid) =
                any_layout::identify::<R>(raw, Checks::All).map_err(|(_, why)| broken(&why))?;
            // The record's place in the line, which it is read from.
            let begins = raw.as_ptr() as usize - text.as_ptr() as usize;
            Ok((id, ulid, begins..begins + raw.len()))
        };
        let number = field("change")
            .and_then(|raw| raw.parse::<u64>().ok())
            .ok_or_else(|| broken("has no change number"))?;
        let kind = if let Some(added) = field("added") {
            #[derive(Deserialize)]
            struct Added<'a> {
                id: u64,
                #[serde(borrow)]
                ulid: Cow<'a, str>,
            }
            let added: Added =
                serde_json::from_str(added).map_err(|_| broken("adds nothing readable"))?;
            let ulid = parse_ulid(&added.ulid).ok_or_else(|| broken("adds nothing readable"))?;
            Kind::Added(Id(added.id), ulid)
        } else if let Some(undid) = field("undid") {
            Kind::Undid(
                undid
                    .parse()
                    .map_err(|_| broken("undid no change number"))?,
            )
        } else if let Some(before) = field("before") {
            let after = field("after").ok_or_else(|| broken("has no record after the edit"))?;
            Kind::Edited(held(before)?, held(after)?)
        } else {
            let removed = R::WORDS.removed;
            let at = field(&removed_at::<R>())
                .and_then(|raw| serde_json::from_str::<Cow<str>>(raw).ok())
                .and_then(|time| time.parse::<Timestamp>().ok())
                .ok_or_else(|| broken(&format!("has no time it was {removed}")))?;
            let raw =
                field(R::WORDS.one).ok_or_else(|| broken(&format!("has no {}", R::WORDS.one)))?;
            Kind::Removed(at, held(raw)?)
        };
        (number, kind)
    };
    let change = match kind {
        Kind::Added(id, ulid) => Change::Added { id, ulid },
        Kind::Undid(change) => Change::Undid { change },
        Kind::Removed(at, record) => {
            let source = as_written(Source::new(name, bytes, Checks::All));
            Change::Removed {
                at,
                entries: vec![stored(&source, record)],
            }
        }
        Kind::Edited(was, now) => {
            let source = as_written(Source::new(name, bytes, Checks::All));
            Change::Edited {
                was: stored(&source, was),
                now: stored(&source, now),
            }
        }
    };
    Ok(Logged { number, change })
}

/// The record at `span` of a history line.
fn stored<R>(
    source: &Arc<Source>,
    (id, ulid, span): (Id, Ulid, std::ops::Range<usize>),
) -> Stored<R> {
    Stored::Read {
        id,
        ulid,
        source: Arc::clone(source),
        span,
    }
}

/// A history line's text: {{project-name}} writes a record there as it writes one
/// on a list's line, and puts it back on the list as it is.
fn as_written(source: Source) -> Arc<Source> {
    source.read_in(Layout::AsWritten);
    Arc::new(source)
}

/// The history of the list at `target`: none if there is none yet; `Ok(Err)`
/// if what it holds cannot be used, `Err` if it cannot be read.
pub fn open<R: JsonRecord>(
    target: &Path,
) -> io::Result<Result<Option<HistoryFile>, BrokenHistory>> {
    HistoryFile::open::<R>(&path_of(target), &name_of(target))
}

/// What a writer appended to the history, until the list is in place.
pub struct Appended {
    file: File,
    path: PathBuf,
    /// How long the file was before; none if this writer made it.
    before: Option<u64>,
}

impl Appended {
    /// Takes back what was appended, the list not having been replaced:
    /// these bytes are this writer's own, so nobody else's are lost.
    pub fn take_back(self) {
        let _ = match self.before {
            Some(len) => self.file.set_len(len).and_then(|()| self.file.sync_data()),
            None => fs::remove_file(&self.path),
        };
    }
}

/// The lines that record `changes` in `journal` (none yet: a new history).
pub fn lines<R: JsonRecord>(
    journal: Option<&HistoryFile>,
    changes: &[Change<Stored<R>>],
) -> io::Result<Vec<Vec<u8>>> {
    let first = journal.map_or(Ok(1), HistoryFile::next_number)?;
    let mut parts = Vec::new();
    for (number, change) in (first..).zip(changes) {
        write_change(&mut parts, change, number)?;
    }
    Ok(parts)
}

/// Appends `lines` to the history of the list at `target` and flushes
/// them to disk, making the history if there is none; `journal` is that
/// history as it was opened.
pub fn append<R: JsonRecord>(
    target: &Path,
    journal: Option<&HistoryFile>,
    owner: Option<Owner>,
    lines: Vec<Vec<u8>>,
) -> io::Result<Appended> {
    open_to_append::<R>(target, journal, owner)?.append(lines)
}

/// The history of the list at `target`, open to append to, as `journal`
/// found it, or made, empty, if there was none: what a writer that appends
/// only once the list is in place opens first, so that it fails before.
pub fn open_to_append<R: JsonRecord>(
    target: &Path,
    journal: Option<&HistoryFile>,
    owner: Option<Owner>,
) -> io::Result<Appending> {
    let path = path_of(target);
    let opening = match journal {
        Some(journal) => Appending {
            file: files::open_beside(&path, Access::Write)?
                .ok_or_else(|| io::Error::other("it was removed"))?,
            path,
            before: Some(journal.len),
            // A last line without its line break is ended first.
            first: match journal.ends_with_newline()? {
                true => Vec::new(),
                false => b"\n".to_vec(),
            },
        },
        None => {
            let existed = fs::symlink_metadata(&path).is_ok();
            let file = files::open_beside(&path, Access::Create(owner))?
                .ok_or_else(|| io::Error::other("it could not be made"))?;
            files::take_mode_of(target, &file)?;
            // Holds at most the beginning of a header, from a crash as it was made.
            file.set_len(0)?;
            Appending {
                file,
                path,
                before: existed.then_some(0),
                first: header::<R>().into_bytes(),
            }
        }
    };
    Ok(opening)
}

/// A history open to append to.
pub struct Appending {
    file: File,
    path: PathBuf,
    /// How long the file was; none if this writer made it.
    before: Option<u64>,
    /// What goes before the lines: a header, or a line break.
    first: Vec<u8>,
}

impl Appending {
    /// Appends `lines` and flushes them to disk; what failed to be written
    /// whole is taken back.
    pub fn append(self, lines: Vec<Vec<u8>>) -> io::Result<Appended> {
        let appended = Appended {
            file: self.file,
            path: self.path,
            before: self.before,
        };
        let written = (|| {
            let mut file = &appended.file;
            file.seek(SeekFrom::End(0))?;
            for part in std::iter::once(&self.first).chain(&lines) {
                file.write_all(part)?;
            }
            file.sync_data()?;
            if appended.before.is_none() {
                saving::sync_dir_of(&appended.path)?;
            }
            Ok(())
        })();
        match written {
            Ok(()) => Ok(appended),
            Err(e) => {
                appended.take_back();
                Err(e)
            }
        }
    }

    /// Appends nothing: a history this writer made is removed.
    pub fn abandon(self) {
        if self.before.is_none() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// The lines of `change`, numbered `number`, in parts to write in turn.
fn write_change<R: JsonRecord>(
    out: &mut Vec<Vec<u8>>,
    change: &Change<Stored<R>>,
    number: u64,
) -> io::Result<()> {
    match change {
        Change::Added { id, ulid } => {
            let line = format!(
                "{% raw %}{{\"change\": {number}, \"added\": {{\"id\": {id}, \"ulid\": \"{ulid}\"}}{% endraw %}}}\n"
            );
            out.push(line.into_bytes());
            Ok(())
        }
        Change::Undid { change } => {
            out.push(format!("{% raw %}{{\"change\": {number}, \"undid\": {change}}{% endraw %}}\n").into_bytes());
            Ok(())
        }
        Change::Edited { was, now } => {
            let mut line = format!("{{ "{" }}{\"change\": {number}, \"before\": ").into_bytes();
            render::write_entry(&mut line, was)?;
            line.extend_from_slice(b", \"after\": ");
            render::write_entry(&mut line, now)?;
            line.extend_from_slice(b"}\n");
            out.push(line);
            Ok(())
        }
        Change::Removed { at, entries } => {
            let noun = serde_json::to_string(R::WORDS.one)?;
            let removed_at = removed_at::<R>();
            let begin = format!("{{ "{" }}{\"change\": {number}, \"{removed_at}\": \"{at}\", {noun}: ");
            // Many records are written a part per core.
            let bytes = entries.len() * (begin.len() + 128);
            let parts = parallel::even_ranges(entries.len(), parallel::part_count(bytes));
            let written = parallel::each(parts, |part| {
                let mut lines = Vec::with_capacity(part.len() * (begin.len() + 128));
                for entry in &entries[part] {
                    lines.extend_from_slice(begin.as_bytes());
                    render::write_entry(&mut lines, entry)?;
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

/// The `count` records removed last in the history of the list at
/// `target` that `list` does not hold, newest first. Takes no lock.
pub fn removed<R: JsonRecord>(
    journal: Option<&HistoryFile>,
    list: &List<Stored<R>>,
    count: usize,
) -> Removals<R> {
    let Some(journal) = journal else {
        return Removals {
            removed: Vec::new(),
            skipped: Vec::new(),
        };
    };
    let found = shown(Box::new(journal.changes::<R>()), list, count);
    let mut skipped = found.skipped;
    let mut removed = Vec::with_capacity(found.removed.len());
    for removal in found.removed {
        match removal.record.read() {
            Ok(record) => removed.push(Removal {
                record,
                at: removal.at,
            }),
            Err(e) => skipped.push(BrokenHistory(e.0)),
        }
    }
    Removals { removed, skipped }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::json_file::note::Note;

    #[test]
    fn the_next_number_follows_the_last_line_that_has_one_however_long() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.jsonl");
        let long = format!("{% raw %}{{\"change\": 7, \"text\": \"{}\"}}{% endraw %}\n", "x".repeat(3 << 16));
        let journal = |tail: &str| {
            let text = format!("{}{% raw %}{{\"change\": 6}}{% endraw %}\n{long}{tail}", header::<Note>());
            fs::write(&path, text).unwrap();
            HistoryFile::open::<Note>(&path, "h")
                .unwrap()
                .unwrap()
                .unwrap()
        };
        assert_eq!(journal("").next_number().unwrap(), 8);
        assert_eq!(
            journal("{\"change\": 9, \"archived_a")
                .next_number()
                .unwrap(),
            10
        );
        assert_eq!(journal("garbage\n\n").next_number().unwrap(), 8);
    }

    #[test]
    fn a_change_number_is_read_as_leniently_as_it_can_be() {
        assert_eq!(change_number(b"{\"change\": 12, \"undid\": 3}"), Some(12));
        assert_eq!(change_number(b" { \"change\" :7"), Some(7));
        assert_eq!(change_number(b"{\"change\": 5, \"archived_a"), Some(5));
        assert_eq!(change_number(b"{\"undid\": 3, \"change\": 12}"), None);
        assert_eq!(change_number(b"garbage"), None);
    }

    #[test]
    fn an_addition_as_written_reads_as_the_parser_reads_it() {
        let line =
            b"{\"change\": 3, \"added\": {\"id\": 4, \"ulid\": \"01KDVDQ5CQ7T1ZJ9G9X4W3M2PA\"}}";
        let fast = added_as_written(line).unwrap();
        let Ok(Logged {
            number,
            change: Change::Added { id, ulid },
        }) = parse::<Note>(line.to_vec(), "h")
        else {
            panic!("not an addition")
        };
        assert_eq!(fast, (number, id, ulid));
        // Anything else is left to the parser.
        for other in [
            &b"{\"change\": +3, \"added\": {\"id\": 4, \"ulid\": \"01KDVDQ5CQ7T1ZJ9G9X4W3M2PA\"}}"
                [..],
            b"{\"change\": 3, \"added\": {\"id\": 4, \"ulid\": \"01KDVDQ5CQ7T1ZJ9G9X4W3M2PA\"}} ",
            b"{\"change\": 3, \"added\": {\"id\": 4, \"ulid\": \"not a ulid\"}}",
        ] {
            assert_eq!(added_as_written(other), None);
        }
    }
}
