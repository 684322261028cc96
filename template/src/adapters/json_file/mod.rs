//! A list of records in a JSON file, safe against crashes and concurrent
//! processes, for any record that implements `JsonRecord` (`record.rs`).
//!
//! Readers take no lock: every write replaces the file by rename, so a reader
//! sees the old list or the new one, never a mix. Writers serialize on a lock
//! file beside the list.
//!
//! The files, from what a new record's author touches to what no other
//! file of the store imports:
//!
//! - `record.rs`: the seam, the one contract a record type implements,
//!   in a file of the record's own beside it; `laws.rs`: the laws a record
//!   keeps, as tests; `note.rs`: the store's own tests, on a record of theirs.
//! - this file: the store, each change one transaction; `errors.rs`: its
//!   errors, worded for the file they are about.
//! - `open.rs` picks the reader for a file's text: `scanner.rs` reads the
//!   layout `layout.rs` spells, fast (`lines_check.rs` checks its lines
//!   meanwhile), `indented.rs` a formatter's layout, for reading, and
//!   `any_layout.rs` any other, and explains what is wrong.
//! - `document.rs`: a list as the file holds it, its records read when
//!   asked; `search.rs`: the search prefilter on its text.
//! - `render.rs` writes a list back; `canonical.rs` rewrites a record read
//!   in another layout.
//! - `merging.rs`: three versions of a list merged, each record a `Line`
//!   (`line.rs`).
//! - `history.rs`: the history beside the list, a journal; `backward.rs`
//!   reads a file's lines from its end.
//! - `files.rs`: links, what is there, reading, owners; `saving.rs`: the
//!   lock and the atomic replace.
//! - `source.rs`, `object.rs`, `position.rs`, `parallel.rs`: what the
//!   others share (a file's text and its records, a JSON object field by
//!   field, line and column, a part per core).

mod any_layout;
mod backward;
mod canonical;
mod document;
mod errors;
mod files;
mod history;
mod indented;
#[cfg(test)]
mod laws;
mod layout;
mod line;
mod lines_check;
mod merging;
#[cfg(test)]
mod note;
mod object;
mod open;
mod parallel;
mod position;
mod record;
mod render;
mod saving;
mod scanner;
mod search;
mod source;
mod todo;

use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::domain::{
    BrokenHistory, Change, History, Id, Journal, List, Merged, Removals, Side, Unreadable, Version,
};
use crate::ports::{Store, StoreError, Versions};
use errors::ListName;
use files::Owner;
use line::Line;
use merging::Role;
use saving::LockFailure;

pub use document::Document;
pub use files::MAX_FILE_BYTES;
pub use layout::VERSION;
pub use lines_check::LinesCheck;
pub use open::parse;
pub use record::JsonRecord;
pub use render::render;
pub use source::{Checks, FormatError, Layout, Stored};

/// A store of records `R` in one JSON file.
pub struct JsonFileStore<R> {
    path: PathBuf,
    lock_wait: Duration,
    record: PhantomData<fn() -> R>,
}

impl<R: JsonRecord> JsonFileStore<R> {
    /// A store for the list at `path`. Writers wait up to `lock_wait` for each other.
    pub fn new(path: impl Into<PathBuf>, lock_wait: Duration) -> Self {
        Self {
            path: path.into(),
            lock_wait,
            record: PhantomData,
        }
    }

    /// How messages name this store's list.
    fn named(&self) -> ListName<'_> {
        ListName::new(&self.path, R::WORDS)
    }

    fn load(&self, target: &Path, checks: Checks) -> Result<Document<R>, StoreError> {
        load(self.named(), target, checks)
    }
}

impl<R: JsonRecord> Store<R> for JsonFileStore<R> {
    type Entry = Stored<R>;

    fn read<T>(&self, f: impl FnOnce(&List<Stored<R>>) -> T) -> Result<T, StoreError> {
        let target = files::follow_links(&self.path).map_err(|e| self.named().io("read", &e))?;
        Ok(f(&self.load(&target, Checks::Shape)?.list))
    }

    fn update<T, E: From<StoreError>>(
        &self,
        mut f: impl FnMut(&mut List<Stored<R>>, &mut History<'_, Stored<R>>) -> Result<T, E>,
    ) -> Result<T, E> {
        let target = files::follow_links(&self.path).map_err(|e| self.named().io("open", &e))?;
        if let Some(out) = self.changing_nothing(&target, &mut f)? {
            return Ok(out);
        }
        let (owner, _lock) = self.lock(&target)?;
        // A long list is checked whole while the new one is written. One
        // that fails that check is read again the slow way, which explains
        // what is wrong, or reads a layout the fast way took for another.
        match self.transact(&target, owner, Checks::Deferred, &mut f)? {
            Some(out) => Ok(out),
            None => self
                .transact(&target, owner, Checks::All, &mut f)?
                .ok_or_else(|| {
                    self.named()
                        .unusable("its lines could not be checked")
                        .into()
                }),
        }
    }

    fn removed(&self, count: usize) -> Result<Removals<R>, StoreError> {
        let target = files::follow_links(&self.path).map_err(|e| self.named().io("read", &e))?;
        let doc = self.load(&target, Checks::Shape)?;
        let journal = self
            .history(&target)?
            .map_err(|e| self.named().broken_history(e))?;
        Ok(history::removed::<R>(journal.as_ref(), &doc.list, count))
    }

    fn history_problem(&self) -> Option<String> {
        let target = files::follow_links(&self.path).ok()?;
        match self.history(&target) {
            Ok(Ok(_)) => None,
            Ok(Err(e)) => Some(e.0),
            Err(e) => Some(e.message),
        }
    }
}

/// The list at `target`, which `named` names, read with `checks`; an empty
/// one where there is none.
fn load<R: JsonRecord>(
    named: ListName<'_>,
    target: &Path,
    checks: Checks,
) -> Result<Document<R>, StoreError> {
    match named.contents(target)? {
        None => Ok(Document::default()),
        Some(bytes) => {
            open::parse(&named.shown().to_string(), bytes, checks).map_err(|e| named.format(e))
        }
    }
}

/// The changes of `journal`, the history as a writer opened it.
fn changes<'j, R: JsonRecord + 'j>(
    journal: &'j Result<Option<history::HistoryFile>, BrokenHistory>,
) -> Result<Journal<'j, Stored<R>>, BrokenHistory> {
    match journal {
        Ok(Some(journal)) => Ok(Box::new(journal.changes::<R>())),
        Ok(None) => Ok(Box::new(std::iter::empty())),
        Err(e) => Err(e.clone()),
    }
}

impl<R: JsonRecord> JsonFileStore<R> {
    /// Runs `f` where there is no list yet on an empty one, without the
    /// lock: what fails or changes nothing there does so, and nothing is
    /// made; none when `f` changes something, to be run for real.
    fn changing_nothing<T, E: From<StoreError>>(
        &self,
        target: &Path,
        f: &mut impl FnMut(&mut List<Stored<R>>, &mut History<'_, Stored<R>>) -> Result<T, E>,
    ) -> Result<Option<T>, E> {
        if !files::not_there(target).map_err(|e| self.named().io("open", &e))? {
            return Ok(None);
        }
        let journal = self.history(target)?;
        let mut list = List::default();
        let mut log = History::new(changes::<R>(&journal));
        let out = f(&mut list, &mut log)?;
        let unchanged = list.entries().is_empty() && list.next_id() == Id(1);
        Ok((unchanged && log.recorded().is_empty()).then_some(out))
    }

    /// One change of the list at `target`, under its lock, as a
    /// transaction: read the list (with `checks`) and its history, run
    /// `f`, stage the new list while what `f` recorded is appended to the
    /// history, wait for both to be on disk and for the list's check, and
    /// only then put the new list in place; an undo is recorded after.
    /// Whatever fails first, the list is as it was and the history holds
    /// nothing this run appended. None, with nothing changed, when the
    /// check finds the list was not what the fast way read.
    fn transact<T, E: From<StoreError>>(
        &self,
        target: &Path,
        owner: Option<Owner>,
        checks: Checks,
        f: &mut impl FnMut(&mut List<Stored<R>>, &mut History<'_, Stored<R>>) -> Result<T, E>,
    ) -> Result<Option<T>, E> {
        let new_list = files::not_there(target).map_err(|e| self.named().io("open", &e))?;
        let mut doc = self.load(target, checks)?;
        let lines_check = doc.pending_check();
        let journal = self.history(target)?;
        if new_list && !matches!(journal, Ok(None)) {
            return Err(self.named().orphan_history(target).into());
        }
        let mut log = History::new(changes::<R>(&journal));
        let out = match f(&mut doc.list, &mut log) {
            Ok(out) => out,
            // A list that cannot be read says so before a command's own error.
            Err(e) if lines_check.is_none_or(LinesCheck::passed) => return Err(e),
            Err(_) => return Ok(None),
        };
        // An undo is recorded once the list shows it, and so is the history
        // of a new list: a history is never there without its list.
        let (after, recorded): (Vec<_>, Vec<_>) = log
            .recorded()
            .iter()
            .cloned()
            .partition(|change| new_list || matches!(change, Change::Undid { .. }));
        drop(log);
        // A broken history recorded nothing.
        let journal = journal.ok().flatten();
        let lines = history::lines(journal.as_ref(), &recorded)
            .map_err(|e| self.named().history_unsaved(target, &e))?;
        let (staged, appended) = std::thread::scope(|scope| {
            let appending = (!recorded.is_empty()).then(|| {
                scope.spawn(|| history::append::<R>(target, journal.as_ref(), owner, lines))
            });
            let staged = saving::Staged::write(target, owner, |out| render(&doc, out));
            let appended = appending
                .map(|t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .transpose();
            (staged, appended)
        });
        // A list that cannot be read says so first; whatever fails, nothing
        // this run appended stays (a failed append took itself back).
        let read_whole = lines_check.is_none_or(LinesCheck::passed);
        let appended = match appended {
            Ok(appended) => appended,
            Err(_) if !read_whole => return Ok(None),
            Err(e) => return Err(self.named().history_unsaved(target, &e).into()),
        };
        let take_back = || {
            if let Some(appended) = appended {
                appended.take_back();
            }
        };
        if !read_whole {
            take_back();
            return Ok(None);
        }
        // What is recorded once the list is in place can be written: the
        // history is opened for it before.
        let later = match after.is_empty() {
            true => Ok(None),
            false => history::lines(journal.as_ref(), &after).and_then(|lines| {
                let opened = history::open_to_append::<R>(target, journal.as_ref(), owner)?;
                Ok(Some((opened, lines)))
            }),
        };
        let later = match later {
            Ok(later) => later,
            Err(e) => {
                take_back();
                return Err(self.named().history_unsaved(target, &e).into());
            }
        };
        if let Err(e) = staged.and_then(saving::Staged::commit) {
            take_back();
            if let Some((opened, _)) = later {
                opened.abandon();
            }
            return Err(self.named().save(&e).into());
        }
        if let Some((opened, lines)) = later {
            // The list shows the change already. Were this lost, a change
            // undone would still not count while the list shows it undone,
            // and an add could not be undone: nothing removed is lost.
            let _ = opened.append(lines);
        }
        Ok(Some(out))
    }

    /// Takes the lock of the list at `target`, for as long as the returned
    /// file is kept: whose the list is, and the lock.
    fn lock(&self, target: &Path) -> Result<(Option<Owner>, std::fs::File), StoreError> {
        // Refused before any file is made or removed beside it.
        if let Some(kind) = files::not_a_file(target).map_err(|e| self.named().io("open", &e))? {
            return Err(self.named().not_a_file(kind));
        }
        if files::names_a_folder(target) {
            return Err(self.named().names_a_folder());
        }
        let dir = files::dir_of(target);
        if files::not_there(dir).map_err(|e| self.named().io("open", &e))? {
            return Err(self.named().no_folder(dir));
        }
        let owner = Owner::of(target);
        let lock_path = saving::lock_path(target);
        let named = self.named();
        let lock =
            saving::lock(target, self.lock_wait, owner).map_err(|failure| match failure {
                LockFailure::Busy => named.busy(self.lock_wait),
                LockFailure::NotAFile(kind) => named.lock_failed(
                    &lock_path,
                    &format!("it is {kind}, where {{project-name}} keeps a plain file"),
                    Some("remove it; {{project-name}} makes a new lock file when it needs one"),
                ),
                LockFailure::Io(e) => named.lock_failed(&lock_path, &e.to_string(), None),
            })?;
        saving::remove_stale_temps(target);
        Ok((owner, lock))
    }

    /// The history of the list at `target`, as `history::open` gives it;
    /// what cannot be read is an I/O error naming it.
    fn history(
        &self,
        target: &Path,
    ) -> Result<Result<Option<history::HistoryFile>, BrokenHistory>, StoreError> {
        history::open::<R>(target).map_err(|e| self.named().history_unread(target, &e))
    }
}

/// The three versions of a merge, base, ours and theirs, each `read`
/// from its input with the checks `merging::checks` gives it and named in
/// messages by its name, then checked as a merge needs them. A version
/// that is not a list is named, and git keeps the merge as a conflict.
fn sides<R: JsonRecord, T: Send>(
    inputs: [T; 3],
    names: &[String; 3],
    read: impl Fn(T, ListName<'_>, Checks) -> Result<Document<R>, StoreError> + Sync,
) -> Result<[Side<Line<R>>; 3], StoreError> {
    let named = |role: Role| ListName::side(Path::new(&names[role as usize]), R::WORDS);
    let side = |role: Role, input: T| {
        read(input, named(role), merging::checks(role))
            .and_then(|doc| merging::side(&doc).map_err(|e| named(role).format(e)))
    };
    let [base, ours, theirs] = inputs;
    // Reading a long list waits on the disk as much as on a core.
    let [base, ours, theirs] = std::thread::scope(|scope| {
        let base = scope.spawn(|| side(Role::Base, base));
        let theirs = scope.spawn(|| side(Role::Theirs, theirs));
        let ours = side(Role::Ours, ours);
        let [base, theirs] =
            [base, theirs].map(|t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        [base, ours, theirs]
    });
    let sides = [base?, ours?, theirs?];
    merging::check_sides(&sides).map_err(|(role, e)| named(role).format(e))?;
    Ok(sides)
}

impl<R: JsonRecord> Versions<R> for JsonFileStore<R> {
    type Line = Line<R>;

    const CONFLICTS: &'static str = merging::CONFLICTS;

    fn location(&self) -> &Path {
        &self.path
    }

    fn open(
        &self,
        paths: [&Path; 3],
        names: [String; 3],
    ) -> Result<[Side<Line<R>>; 3], StoreError> {
        sides(paths, &names, |path, named, checks| {
            load(named, path, checks)
        })
    }

    fn parse(
        &self,
        versions: [Vec<u8>; 3],
        names: [String; 3],
    ) -> Result<[Side<Line<R>>; 3], StoreError> {
        sides(versions, &names, |bytes, named, checks| {
            open::parse(&named.shown().to_string(), bytes, checks).map_err(|e| named.format(e))
        })
    }

    fn record(&self, version: &Version<Line<R>>) -> Result<R, Unreadable> {
        merging::record(version)
    }

    fn write(&self, path: &Path, merged: &Merged<Line<R>>) -> Result<(), StoreError> {
        let named = ListName::new(path, R::WORDS);
        if let Some(kind) = files::not_a_file(path).map_err(|e| named.io("open", &e))? {
            return Err(named.not_a_file(kind));
        }
        saving::replace(path, Owner::of(path), |out| merging::write(merged, out))
            .map_err(|e| named.save(&e))
    }

    fn replace(&self, merged: &Merged<Line<R>>) -> Result<(), StoreError> {
        let target = files::follow_links(&self.path).map_err(|e| self.named().io("open", &e))?;
        let (owner, _lock) = self.lock(&target)?;
        saving::replace(&target, owner, |out| merging::write(merged, out))
            .map_err(|e| self.named().save(&e))
    }

    fn private_files(&self) -> Vec<String> {
        let mut names = saving::private_names(&self.path);
        names.push(history::name_of(&self.path));
        names
    }
}
