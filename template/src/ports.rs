//! What the use cases need from the outside world, in the domain's words.

use jiff::Timestamp;
use ulid::Ulid;

use crate::domain::{Entry, Id, List, Record};

/// Why a store could not do its work. The message names the place and the cause.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    pub kind: StoreErrorKind,
    pub message: String,
    /// What the person can do about it, when there is something.
    pub tip: Option<String>,
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
    fn read<T>(&self, f: impl FnOnce(&List<Self::Entry>) -> T) -> Result<T, StoreError>;

    /// Runs `f` on the latest list while no other `update` can run, then
    /// persists the list as `f` left it. If `f` fails, nothing is persisted.
    /// If persisting fails, the stored list MUST be the one `f` was given.
    fn update<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut List<Self::Entry>) -> Result<T, E>,
    ) -> Result<T, E>;
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
