//! What the use cases need from the outside world, in the domain's words.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use ulid::Ulid;

use crate::domain::{
    Entry, History, Id, List, Mergeable, Merged, Record, Removals, Side, Unreadable, Version,
};

/// Why a store could not do its work. The message names the place and the cause.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    pub kind: StoreErrorKind,
    pub message: String,
    /// What the person can do about it, when there is something.
    pub tip: Option<Tip>,
}

/// What a person can do about a store's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tip {
    /// Advice the store words itself: how to set its own files right.
    Said(String),
    /// Name another list: the one named is not a file.
    NameAFile,
    /// Finish the merge git stopped on the list, shown as `list`.
    FinishMerge { list: String },
    /// Wait longer for another writer.
    WaitLonger,
    /// Mend or move aside a history the store cannot read.
    MendHistory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    /// The stored data is not a list this version can use: corrupt, wrong shape, newer.
    Unusable,
    /// Reading or writing failed: permissions, a full disk, not a file.
    Io,
    /// Another process held the list for longer than the store waits.
    Busy,
}

/// Where a list of `R` lives. A unit of work: callers never load and save themselves.
pub trait Store<R: Record> {
    /// How this store holds a record until it is read.
    type Entry: Entry<Record = R>;

    /// Runs `f` on one consistent snapshot of the list. MUST NOT wait for writers.
    /// A store that holds nothing yet reads as an empty list.
    ///
    /// # Errors
    /// `Unusable` when what is stored is not a list this store can read,
    /// `Io` when it cannot be read.
    fn read<T>(&self, f: impl FnOnce(&List<Self::Entry>) -> T) -> Result<T, StoreError>;

    /// Runs `f` on the latest list and its history while no other `update`
    /// can run, then persists both as `f` left them. What `f` records
    /// reaches the history before the list, except that an undo is
    /// recorded after the list shows it: so a record is never out of both.
    /// Nothing is ever taken out of the history. If `f` fails, nothing is
    /// persisted. If persisting fails, the stored list MUST be the one `f`
    /// was given. A store may run `f` again, on the list read afresh,
    /// before it persists anything: only the last run counts. A run that
    /// changes nothing creates nothing.
    ///
    /// # Errors
    /// What `f` returns, or a `StoreError`: `Unusable` when the list or
    /// its history is not one this store can use, `Io` when either cannot
    /// be read or written, `Busy` when another writer held the list too long.
    fn update<T, E: From<StoreError>>(
        &self,
        f: impl FnMut(&mut List<Self::Entry>, &mut History<'_, Self::Entry>) -> Result<T, E>,
    ) -> Result<T, E>;

    /// The `count` records removed last that the list does not hold,
    /// newest first, each once. MUST NOT wait for writers.
    ///
    /// # Errors
    /// As `read`, for the list and for its history.
    fn removed(&self, count: usize) -> Result<Removals<R>, StoreError>;

    /// Why the history cannot be used, if it cannot: what a command that
    /// does not need it tells the person before it goes on.
    fn history_problem(&self) -> Option<String>;
}

/// The versions of a list that a merge puts together, as a store reads and
/// writes them: the list's own file, and the copies git makes of it.
pub trait Versions<R: Record> {
    /// A record's fields as a merge compares them, each value as text the
    /// store can show a person.
    type Line: Mergeable<Value = String>;

    /// Where both values of a conflicting field are kept in the merged list.
    const CONFLICTS: &'static str;

    /// Where the list is.
    fn location(&self) -> &Path;

    /// The three versions a merge puts together, base, ours and theirs,
    /// from the files at `paths`, which messages call `names`. An empty or
    /// missing file is an empty list.
    ///
    /// # Errors
    /// `Unusable`, naming the version, when one is not a list this store
    /// can merge; `Io` when one cannot be read.
    fn open(
        &self,
        paths: [&Path; 3],
        names: [String; 3],
    ) -> Result<[Side<Self::Line>; 3], StoreError>;

    /// The same, from the bytes of each version.
    ///
    /// # Errors
    /// `Unusable`, naming the version, when one is not a list this store
    /// can merge.
    fn parse(
        &self,
        versions: [Vec<u8>; 3],
        names: [String; 3],
    ) -> Result<[Side<Self::Line>; 3], StoreError>;

    /// The record a merged version is, to name it to a person.
    fn record(&self, version: &Version<Self::Line>) -> Result<R, Unreadable>;

    /// Replaces the file at `path`, a copy git made, with `merged`.
    ///
    /// # Errors
    /// `Io` when it cannot be replaced; it is then as it was.
    fn write(&self, path: &Path, merged: &Merged<Self::Line>) -> Result<(), StoreError>;

    /// Replaces the list with `merged`, whatever it holds now, while no
    /// other writer can run.
    ///
    /// # Errors
    /// `Io` when it cannot be replaced, `Busy` when another writer held it
    /// too long; it is then as it was.
    fn replace(&self, merged: &Merged<Self::Line>) -> Result<(), StoreError>;

    /// The files beside the list that belong to one clone, never to be
    /// shared: names in the list's folder, where `*` stands for any text.
    fn private_files(&self) -> Vec<String>;
}

/// The repository a list is kept in, run by the person's own git.
pub trait Repository {
    /// The versions of the file at `list` that git keeps while a merge of
    /// it waits to be resolved; none when there is no such merge.
    ///
    /// # Errors
    /// `Unavailable` outside a work tree or without git; `Failed` when git fails.
    fn unmerged(&self, list: &Path) -> Result<Option<Unmerged>, RepositoryError>;

    /// Has git merge the file at `list` with this program from now on, and
    /// keep `private` (names beside it) out of sight. Says what it did.
    ///
    /// # Errors
    /// As `unmerged`, and `Failed` when a step cannot be taken; all that
    /// was set up before it is then taken back.
    fn set_up(&self, list: &Path, private: &[String]) -> Result<Vec<String>, RepositoryError>;

    /// Whether git holds the file at `list` unmerged: a merge, rebase or
    /// cherry-pick stopped with a conflict in it, and the file may hold one
    /// side only. Costs a few `stat`s when git is not stopped.
    ///
    /// # Errors
    /// As `unmerged`, when git has stopped and cannot say.
    fn unfinished(&self, list: &Path) -> Result<bool, RepositoryError>;

    /// Keeps `private`, names beside `list`, out of `git status` where
    /// `list` is in a work tree; does nothing elsewhere, and runs no git.
    ///
    /// # Errors
    /// `Failed` when the repository's exclude file cannot be written.
    fn keep_private(&self, list: &Path, private: &[String]) -> Result<(), RepositoryError>;
}

/// The three versions git keeps of a file it could not merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmerged {
    /// Where the versions came from, for messages.
    pub path: PathBuf,
    /// Missing where both sides added the file.
    pub base: Option<Vec<u8>>,
    /// Missing where that side deleted the file.
    pub ours: Option<Vec<u8>>,
    pub theirs: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RepositoryError {
    pub kind: RepositoryErrorKind,
    pub message: String,
    pub tip: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepositoryErrorKind {
    /// Not in a repository, or git is not installed.
    Unavailable,
    /// git ran, and failed.
    Failed,
}

/// The current time.
pub trait Clock {
    fn now(&self) -> Timestamp;
}

/// Permanent identities for new records.
pub trait UlidSource {
    /// A ULID for the record about to get `id`. `id` lets a deterministic
    /// source stay unique across processes; a random source ignores it.
    fn next_ulid(&self, id: Id) -> Ulid;
}

impl<T: Clock + ?Sized> Clock for Box<T> {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}

impl<T: UlidSource + ?Sized> UlidSource for Box<T> {
    fn next_ulid(&self, id: Id) -> Ulid {
        (**self).next_ulid(id)
    }
}
