//! What a list remembers of its past: each change its commands made, the
//! latest last, so that the latest can be undone; and so every record that
//! was completed, kept whole, with when.
//!
//! A store writes a change to the history before it writes the list, so
//! the history's latest changes may not have reached the list (a crash
//! between the two writes, or a clone that completed the record since):
//! `Change::applied` says whether one did. One that did not is as if it was
//! never made: it is neither shown nor undone.

use jiff::Timestamp;
use ulid::Ulid;

use super::{Entry, Id, List, Record, Ref};

/// One change a command made to a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<E> {
    /// A record was added, with this number and ULID.
    Added { id: Id, ulid: Ulid },
    /// Records were completed at `at`, and removed: each kept whole.
    Done { at: Timestamp, entries: Vec<E> },
}

impl<E: Entry> Change<E> {
    /// Whether `list` shows this change: the record added is on it, or
    /// none of those completed are.
    pub fn applied(&self, list: &List<E>) -> bool {
        match self {
            Self::Added { ulid, .. } => list.holds_any(&[*ulid]),
            Self::Done { entries, .. } => {
                let ulids: Vec<Ulid> = entries.iter().map(Entry::ulid).collect();
                !list.holds_any(&ulids)
            }
        }
    }
}

/// A record completed, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completed<R> {
    pub record: R,
    pub at: Timestamp,
}

/// A history that cannot be read or written: the message says where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BrokenHistory(pub String);

/// The history as one command sees it: its latest change, and what the
/// command adds to it or takes from it, for the store to write with the list.
#[derive(Debug)]
pub struct History<E> {
    latest: Result<Option<Change<E>>, BrokenHistory>,
    recorded: Vec<Change<E>>,
    took_latest: bool,
}

impl<E> History<E> {
    /// A history whose latest applied change is `latest`, or that is broken.
    pub fn new(latest: Result<Option<Change<E>>, BrokenHistory>) -> Self {
        Self {
            latest,
            recorded: Vec::new(),
            took_latest: false,
        }
    }

    /// Whether the history can be written, which `done` and `undo` need.
    pub fn usable(&self) -> Result<(), BrokenHistory> {
        self.latest.as_ref().map(drop).map_err(Clone::clone)
    }

    /// Records `change`. A broken history records nothing: the list still
    /// takes additions, which cannot be undone until it is repaired.
    pub fn record(&mut self, change: Change<E>) {
        if self.latest.is_ok() {
            self.recorded.push(change);
        }
    }

    /// Takes the latest change out of the history, to undo it.
    pub fn take_latest(&mut self) -> Result<Option<Change<E>>, BrokenHistory> {
        let latest = std::mem::replace(&mut self.latest, Ok(None))?;
        self.took_latest = latest.is_some();
        Ok(latest)
    }

    /// What the command recorded, oldest first, for the store to keep.
    pub fn recorded(&self) -> &[Change<E>] {
        &self.recorded
    }

    /// Whether the command took the latest change out, for the store to drop.
    pub fn took_latest(&self) -> bool {
        self.took_latest
    }
}

/// What undoing a change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undone<E> {
    /// The record added was taken off the list; none where it had already
    /// gone (completed in another clone, say).
    Added { id: Id, entry: Option<E> },
    /// The records completed are back on the list, as they were.
    Done { entries: Vec<E> },
}

/// A record that cannot be put back: its number has been given to another.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{noun} #{id} cannot be put back: another {noun} has that number now")]
pub struct NumberTaken {
    pub noun: &'static str,
    pub id: Id,
}

/// Undoes `change` on `list`: an addition is taken off, completed records
/// are put back with their numbers, in creation order. The list's next
/// number stays: numbers are never given out twice.
pub fn undo<E: Entry>(list: &mut List<E>, change: Change<E>) -> Result<Undone<E>, NumberTaken> {
    match change {
        Change::Added { id, ulid } => {
            let entry = list
                .remove(&[Ref::Ulid(ulid)])
                .ok()
                .and_then(|mut e| e.pop());
            Ok(Undone::Added { id, entry })
        }
        Change::Done { entries, .. } => {
            let ids: Vec<Ref> = entries.iter().map(|e| Ref::Id(e.id())).collect();
            if let Some(Ref::Id(id)) = list.find_any(&ids) {
                return Err(NumberTaken {
                    noun: E::Record::NOUN,
                    id,
                });
            }
            list.restore(entries.clone());
            Ok(Undone::Done { entries })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::list::tests::{Item, numbered as item};

    fn list(ids: &[u64]) -> List<Item> {
        let mut list = List::default();
        for &id in ids {
            while list.next_id().0 < id {
                list.add(item).unwrap();
                let last = list.next_id().0 - 1;
                list.remove(&[Ref::Id(Id(last))]).unwrap();
            }
            list.add(item).unwrap();
        }
        list
    }

    fn ids(list: &List<Item>) -> Vec<u64> {
        list.entries().iter().map(|e| e.id.0).collect()
    }

    #[test]
    fn undoing_a_done_puts_the_records_back_where_they_were() {
        let mut list = list(&[1, 2, 3, 4]);
        let next = list.next_id();
        let entries = list.remove(&[Ref::Id(Id(3)), Ref::Id(Id(1))]).unwrap();
        let done = Change::Done {
            at: Timestamp::UNIX_EPOCH,
            entries: entries.clone(),
        };
        assert!(done.applied(&list));
        assert_eq!(undo(&mut list, done.clone()), Ok(Undone::Done { entries }));
        assert_eq!(ids(&list), [1, 2, 3, 4]);
        assert_eq!(list.next_id(), next, "numbers are never given out twice");
        assert!(!done.applied(&list));
    }

    #[test]
    fn undoing_an_add_takes_it_off_and_keeps_its_number_used() {
        let mut list = list(&[1]);
        let added = list.add(item).unwrap();
        let change = Change::Added {
            id: added.id,
            ulid: added.ulid,
        };
        assert!(change.applied(&list));
        let undone = undo(&mut list, change.clone()).unwrap();
        assert_eq!(
            undone,
            Undone::Added {
                id: Id(2),
                entry: Some(added)
            }
        );
        assert_eq!(ids(&list), [1]);
        assert_eq!(list.next_id(), Id(3));
        assert!(!change.applied(&list));
        // Already gone: nothing to take off, and no harm.
        assert_eq!(
            undo(&mut list, change),
            Ok(Undone::Added {
                id: Id(2),
                entry: None
            })
        );
    }

    #[test]
    fn a_record_whose_number_was_given_again_is_not_put_back() {
        let mut list = list(&[1, 2]);
        let entries = list.remove(&[Ref::Id(Id(2))]).unwrap();
        // A hand edit gave #2 to another record.
        let mut other = item(Id(2));
        other.ulid = Ulid::from_parts(9, 9);
        list.restore(vec![other]);
        let done = Change::Done {
            at: Timestamp::UNIX_EPOCH,
            entries,
        };
        assert_eq!(
            undo(&mut list, done),
            Err(NumberTaken {
                noun: "item",
                id: Id(2)
            })
        );
    }

    #[test]
    fn a_broken_history_takes_additions_unrecorded_and_refuses_the_rest() {
        let mut history: History<Item> = History::new(Err(BrokenHistory("broken".into())));
        history.record(Change::Added {
            id: Id(1),
            ulid: Ulid::nil(),
        });
        assert!(history.recorded().is_empty());
        assert!(history.usable().is_err());
        assert!(history.take_latest().is_err());
        assert!(!history.took_latest());
    }
}
