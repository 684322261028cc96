//! What a list remembers of its past: a journal of the changes its commands
//! made, numbered, the latest last. It is only ever added to, so nothing
//! removed can be lost from it; what it means is read against the list:
//!
//! - a record removed is shown as removed while the list does not hold it
//!   and its change was not undone, once, at its latest removal;
//! - `undo` takes back the latest change not undone whose effect the list
//!   shows (the record added is on it; some record removed is not), and
//!   records that it did.
//!
//! So a change the list does not show (a crash between the two writes, a
//! checkout of an older list, a hand edit) is not in effect, and counts
//! again when the list shows it again: nothing is cut because of the list.

use std::collections::HashSet;

use jiff::Timestamp;
use ulid::Ulid;

use super::list::{List, ListFull, MAX_ID};
use super::merge::Renumbered;
use super::record::{Entry, Id, Record, Ref, Unreadable};

/// One change a command made to a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<E> {
    /// A record was added, with this number and ULID.
    Added { id: Id, ulid: Ulid },
    /// Records were taken off the list at `at`, for good: each kept whole.
    Removed { at: Timestamp, entries: Vec<E> },
    /// A record was changed in place from `was` to `now`, both kept whole.
    Edited { was: E, now: E },
    /// The change numbered `change` was undone.
    Undid { change: u64 },
}

/// A change as the history holds it, with its number. A store may hand a
/// change that touched many records in parts, one after another, each
/// with the change's number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged<E> {
    pub number: u64,
    pub change: Change<E>,
}

/// The history's changes, newest first, as a store reads them: a part that
/// cannot be read is an error, and the reading goes on past it.
pub type Journal<'a, E> = Box<dyn Iterator<Item = Result<Logged<E>, BrokenHistory>> + 'a>;

/// A record removed, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal<R> {
    pub record: R,
    pub at: Timestamp,
}

/// What the history shows: the records removed, newest first, and the
/// parts of it that could not be read and were passed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removals<R> {
    pub removed: Vec<Removal<R>>,
    pub skipped: Vec<BrokenHistory>,
}

/// A history that cannot be read or written: the message says where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BrokenHistory(pub String);

/// Which records a list holds, asked record by record: a few are looked
/// up one scan each, more through a set made once.
struct Holds<'l, E> {
    list: &'l List<E>,
    asked: usize,
    ulids: Option<HashSet<Ulid>>,
}

impl<'l, E: Entry> Holds<'l, E> {
    const SCANNED: usize = 8;

    fn new(list: &'l List<E>) -> Self {
        Self {
            list,
            asked: 0,
            ulids: None,
        }
    }

    fn holds(&mut self, ulid: Ulid) -> bool {
        self.asked += 1;
        if self.ulids.is_none() && self.asked <= Self::SCANNED {
            return self.list.holds_any(&[ulid]);
        }
        let list = self.list;
        self.ulids
            .get_or_insert_with(|| list.entries().iter().map(Entry::ulid).collect())
            .contains(&ulid)
    }
}

/// The `count` records removed last that `list` does not hold, newest
/// first, each once; parts of `journal` that cannot be read are passed over.
pub fn removed<E: Entry>(journal: Journal<'_, E>, list: &List<E>, count: usize) -> Removals<E> {
    let mut holds = Holds::new(list);
    let mut undone = HashSet::new();
    let mut shown = HashSet::new();
    let mut found = Removals {
        removed: Vec::new(),
        skipped: Vec::new(),
    };
    for part in journal {
        if found.removed.len() >= count {
            break;
        }
        let logged = match part {
            Ok(logged) => logged,
            Err(e) => {
                found.skipped.push(e);
                continue;
            }
        };
        match logged.change {
            Change::Undid { change } => {
                undone.insert(change);
            }
            Change::Removed { at, entries } if !undone.contains(&logged.number) => {
                for entry in entries.into_iter().rev() {
                    let ulid = entry.ulid();
                    if !holds.holds(ulid) && shown.insert(ulid) {
                        found.removed.push(Removal { record: entry, at });
                    }
                }
            }
            _ => {}
        }
    }
    found.removed.truncate(count);
    found
}

impl<E: Entry> Change<E> {
    /// Whether `list` shows this change: the record added is on it, or a
    /// record removed is not.
    pub fn in_effect(&self, list: &List<E>) -> bool {
        match self {
            Self::Added { ulid, .. } => list.holds_any(&[*ulid]),
            Self::Removed { entries, .. } => {
                let mut holds = Holds::new(list);
                entries.iter().any(|e| !holds.holds(e.ulid()))
            }
            Self::Edited { now, .. } => holding(list, now).is_some(),
            Self::Undid { .. } => false,
        }
    }
}

/// Where `list` holds the record of `entry` as `entry` has it, number
/// aside; none where it does not, or where either cannot be read.
fn holding<E: Entry>(list: &List<E>, entry: &E) -> Option<usize> {
    let at = list.position(&Ref::Ulid(entry.ulid()))?;
    let record = entry.read().ok()?;
    list.entries()[at].holds(&record).ok()?.then_some(at)
}

/// The latest change of `journal` that was not undone and that `list`
/// shows, its parts put together; parts that cannot be read are passed
/// over, into `skipped`.
pub fn latest_in_effect<E: Entry>(
    journal: Journal<'_, E>,
    list: &List<E>,
    skipped: &mut Vec<BrokenHistory>,
) -> Option<Logged<E>> {
    let mut parts = journal
        .filter_map(|part| part.map_err(|e| skipped.push(e)).ok())
        .peekable();
    let mut undone = HashSet::new();
    while let Some(mut logged) = parts.next() {
        // The earlier parts of a change that touched many records, newest
        // first: put together in the order they were removed.
        let mut earlier = Vec::new();
        while let Some(part) = parts.next_if(|p| p.number == logged.number) {
            earlier.push(part.change);
        }
        if let Change::Removed { entries, .. } = &mut logged.change {
            let mut whole = Vec::new();
            for part in earlier.into_iter().rev() {
                if let Change::Removed { entries: more, .. } = part {
                    whole.extend(more);
                }
            }
            whole.append(entries);
            *entries = whole;
        }
        match &logged.change {
            Change::Undid { change } => {
                undone.insert(*change);
            }
            change if !undone.contains(&logged.number) && change.in_effect(list) => {
                return Some(logged);
            }
            _ => {}
        }
    }
    None
}

/// The history as one command sees it: its changes, and what the command
/// adds to it, for the store to write with the list.
pub struct History<'a, E> {
    journal: Result<Option<Journal<'a, E>>, BrokenHistory>,
    recorded: Vec<Change<E>>,
    skipped: Vec<BrokenHistory>,
}

impl<'a, E: Entry> History<'a, E> {
    /// A history holding `journal`'s changes, or that is broken.
    pub fn new(journal: Result<Journal<'a, E>, BrokenHistory>) -> Self {
        Self {
            journal: journal.map(Some),
            recorded: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// Whether the history can be written, which removing and undoing need.
    pub fn usable(&self) -> Result<(), BrokenHistory> {
        self.journal.as_ref().map(drop).map_err(Clone::clone)
    }

    /// Records `change`. A broken history records nothing: the list still
    /// takes additions, which cannot be undone until it is repaired.
    pub fn record(&mut self, change: Change<E>) {
        if self.journal.is_ok() {
            self.recorded.push(change);
        }
    }

    /// The latest change that was not undone and that `list` shows, to
    /// undo. Asked once a command: the history is read as far as it takes.
    pub fn latest_in_effect(&mut self, list: &List<E>) -> Result<Option<Logged<E>>, BrokenHistory> {
        let journal = self.journal.as_mut().map_err(|e| e.clone())?.take();
        Ok(journal.and_then(|j| latest_in_effect(j, list, &mut self.skipped)))
    }

    /// What the command recorded, oldest first, for the store to keep.
    pub fn recorded(&self) -> &[Change<E>] {
        &self.recorded
    }

    /// The parts of the history read for the command that could not be.
    pub fn skipped(&self) -> &[BrokenHistory] {
        &self.skipped
    }
}

/// What undoing a change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undone<E> {
    /// The record added was taken off the list, found by its ULID: its
    /// number is the one it had on the list, whatever the change recorded.
    Added { entry: E },
    /// The records removed that the list did not hold are back on it,
    /// as they were, but for those whose numbers were given to other
    /// records since (by a pull, say): those got new ones, as a merge gives.
    Removed {
        entries: Vec<E>,
        renumbered: Vec<Renumbered>,
    },
    /// The record edited is as it `was` again, under the number it has
    /// now; `now` is what the edit had made of it.
    Edited { was: E, now: E },
}

/// Why a change could not be undone; the list is left as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CannotUndo {
    /// A record to put back under a new number cannot be read.
    #[error(transparent)]
    Unreadable(#[from] Unreadable),
    /// A record to put back needs a new number and none is left.
    #[error(transparent)]
    Full(#[from] ListFull),
}

/// Undoes `change`, which `list` shows, on `list`: an addition is taken
/// off; removed records not on the list are put back with their numbers,
/// in creation order; an edited record is as it was before, if it is still
/// as the edit left it. The list's next number stays: numbers are never
/// given out twice. None for a change the list does not show.
pub fn undo<E: Entry>(
    list: &mut List<E>,
    change: Change<E>,
) -> Result<Option<Undone<E>>, CannotUndo> {
    match change {
        Change::Added { ulid, .. } => {
            let entry = list
                .remove(&[Ref::Ulid(ulid)])
                .ok()
                .and_then(|mut e| e.pop());
            Ok(entry.map(|entry| Undone::Added { entry }))
        }
        Change::Removed { entries, .. } => {
            let mut holds = Holds::new(list);
            let mut missing: Vec<E> = entries
                .into_iter()
                .filter(|e| !holds.holds(e.ulid()))
                .collect();
            if missing.is_empty() {
                return Ok(None);
            }
            let renumbered = give_free_numbers(list, &mut missing)?;
            list.restore(missing.clone());
            Ok(Some(Undone::Removed {
                entries: missing,
                renumbered,
            }))
        }
        Change::Edited { was, now } => {
            let Some(at) = holding(list, &now) else {
                return Ok(None);
            };
            let current = &list.entries()[at];
            let back = current.edited(was.read()?.with_id(current.id()))?;
            let now = list.replace(at, back.clone());
            Ok(Some(Undone::Edited { was: back, now }))
        }
        Change::Undid { .. } => Ok(None),
    }
}

/// Gives each of `entries` whose number a record on `list` has now the
/// list's next free number, in order.
fn give_free_numbers<E: Entry>(
    list: &List<E>,
    entries: &mut [E],
) -> Result<Vec<Renumbered>, CannotUndo> {
    let numbers: Vec<Ref> = entries.iter().map(|e| Ref::Id(e.id())).collect();
    if list.find_any(&numbers).is_none() {
        return Ok(Vec::new());
    }
    let taken: HashSet<Id> = list.entries().iter().map(Entry::id).collect();
    let mut renumbered = Vec::new();
    let taking = entries.iter_mut().filter(|e| taken.contains(&e.id()));
    for (next, entry) in (list.next_id().0..).zip(taking) {
        if next > MAX_ID {
            return Err(ListFull(E::Record::WORDS.one).into());
        }
        let from = entry.id();
        *entry = entry.renumbered(Id(next))?;
        renumbered.push(Renumbered {
            ulid: entry.ulid(),
            from,
            to: Id(next),
        });
    }
    Ok(renumbered)
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

    /// `changes`, oldest first, numbered from 1, as a store hands them.
    fn journal(changes: &[Change<Item>]) -> Journal<'_, Item> {
        Box::new(changes.iter().enumerate().rev().map(|(n, change)| {
            Ok(Logged {
                number: n as u64 + 1,
                change: change.clone(),
            })
        }))
    }

    fn shown(changes: &[Change<Item>], list: &List<Item>) -> Vec<u64> {
        let found = removed(journal(changes), list, usize::MAX);
        found.removed.iter().map(|c| c.record.id.0).collect()
    }

    fn remove(list: &mut List<Item>, ids: &[u64]) -> Change<Item> {
        let refs: Vec<Ref> = ids.iter().map(|&id| Ref::Id(Id(id))).collect();
        Change::Removed {
            at: Timestamp::UNIX_EPOCH,
            entries: list.remove(&refs).unwrap(),
        }
    }

    #[test]
    fn undoing_a_removal_puts_the_records_back_where_they_were() {
        let mut list = list(&[1, 2, 3, 4]);
        let next = list.next_id();
        let removal = remove(&mut list, &[3, 1]);
        assert!(removal.in_effect(&list));
        let Change::Removed { entries, .. } = removal.clone() else {
            unreachable!()
        };
        assert_eq!(
            undo(&mut list, removal.clone()),
            Ok(Some(Undone::Removed {
                entries,
                renumbered: vec![]
            }))
        );
        assert_eq!(ids(&list), [1, 2, 3, 4]);
        assert_eq!(list.next_id(), next, "numbers are never given out twice");
        assert!(!removal.in_effect(&list));
        assert_eq!(undo(&mut list, removal), Ok(None), "nothing put back twice");
    }

    #[test]
    fn undoing_a_removal_half_undone_by_hand_puts_back_only_what_is_missing() {
        let mut list = list(&[1, 2, 3]);
        let removal = remove(&mut list, &[1, 2]);
        let Change::Removed { entries, .. } = removal.clone() else {
            unreachable!()
        };
        // #1 put back by hand.
        list.restore(vec![entries[0].clone()]);
        assert!(removal.in_effect(&list));
        assert_eq!(
            undo(&mut list, removal),
            Ok(Some(Undone::Removed {
                entries: vec![entries[1].clone()],
                renumbered: vec![]
            }))
        );
        assert_eq!(ids(&list), [1, 2, 3]);
    }

    #[test]
    fn undoing_an_add_takes_it_off_by_its_ulid_and_keeps_its_number_used() {
        let mut list = list(&[1]);
        let mut added = list.add(item).unwrap();
        let change = Change::Added {
            id: added.id,
            ulid: added.ulid,
        };
        // A rebase gave it another number since.
        list.remove(&[Ref::Id(Id(2))]).unwrap();
        added.id = Id(5);
        list.restore(vec![added.clone()]);
        assert!(change.in_effect(&list));
        let undone = undo(&mut list, change.clone()).unwrap();
        assert_eq!(undone, Some(Undone::Added { entry: added }), "as #5");
        assert_eq!(ids(&list), [1]);
        assert_eq!(list.next_id(), Id(6));
        assert!(!change.in_effect(&list));
        assert_eq!(undo(&mut list, change), Ok(None), "already gone");
    }

    #[test]
    fn a_record_whose_number_was_given_again_comes_back_with_the_next_one() {
        let mut list = list(&[1, 2, 3]);
        let removal = remove(&mut list, &[2, 3]);
        // A pull gave #2 to another record, and #4 to a third.
        let mut other = item(Id(2));
        other.ulid = Ulid::from_parts(9, 9);
        let mut third = item(Id(4));
        third.ulid = Ulid::from_parts(9, 10);
        list.restore(vec![other, third]);
        let Some(Undone::Removed {
            entries,
            renumbered,
        }) = undo(&mut list, removal).unwrap()
        else {
            panic!("put back")
        };
        assert_eq!(entries.iter().map(|e| e.id.0).collect::<Vec<_>>(), [5, 3]);
        assert_eq!(
            renumbered
                .iter()
                .map(|r| (r.from.0, r.to.0))
                .collect::<Vec<_>>(),
            [(2, 5)]
        );
        assert_eq!(renumbered[0].ulid, entries[0].ulid);
        let mut numbers = ids(&list);
        numbers.sort();
        assert_eq!(numbers, [1, 2, 3, 4, 5]);
        assert_eq!(list.next_id(), Id(6));
    }

    #[test]
    fn a_record_without_a_free_number_is_not_put_back() {
        let mut list = list(&[1, 2]);
        let removal = remove(&mut list, &[2]);
        let mut other = item(Id(2));
        other.ulid = Ulid::from_parts(9, 9);
        let mut last = item(Id(MAX_ID));
        last.ulid = Ulid::from_parts(9, 10);
        list.restore(vec![other, last]);
        let before = list.clone();
        assert_eq!(
            undo(&mut list, removal),
            Err(CannotUndo::Full(ListFull("item")))
        );
        assert_eq!(list, before, "nothing changed");
    }

    #[test]
    fn the_history_shows_what_the_list_does_not_hold_once_and_not_what_was_undone() {
        let mut list = list(&[1, 2, 3]);
        let first = remove(&mut list, &[1, 2]);
        let mut changes = vec![first.clone()];
        assert_eq!(shown(&changes, &list), [2, 1]);
        // A checkout of the list from before the removal: nothing is shown,
        // and nothing is lost.
        let mut before = list.clone();
        undo(&mut before, first.clone()).unwrap();
        assert!(shown(&changes, &before).is_empty());
        assert!(!first.in_effect(&before));
        // Removed again after being put back: shown once, as last removed.
        changes.push(Change::Undid { change: 1 });
        undo(&mut list, first).unwrap();
        assert!(shown(&changes, &list).is_empty(), "undone");
        changes.push(remove(&mut list, &[2]));
        assert_eq!(shown(&changes, &list), [2]);
        let found = removed(journal(&changes), &list, 1);
        assert_eq!(found.removed.len(), 1);
    }

    #[test]
    fn undo_walks_back_past_what_was_undone_and_what_the_list_does_not_show() {
        let mut list = list(&[]);
        let mut changes = Vec::new();
        for _ in 0..3 {
            let added = list.add(item).unwrap();
            changes.push(Change::Added {
                id: added.id,
                ulid: added.ulid,
            });
        }
        changes.push(remove(&mut list, &[1, 3]));
        let mut undone = Vec::new();
        let mut skipped = Vec::new();
        while let Some(latest) = latest_in_effect(journal(&changes), &list, &mut skipped) {
            undo(&mut list, latest.change.clone()).unwrap().unwrap();
            undone.push(latest.number);
            changes.push(Change::Undid {
                change: latest.number,
            });
        }
        // The removal, then each add, newest first: undoing the add of #3
        // does not bring back the removal that had taken it off.
        assert_eq!(undone, [4, 3, 2, 1]);
        assert!(list.entries().is_empty());
        assert!(skipped.is_empty());
        assert!(shown(&changes, &list).is_empty());
    }

    #[test]
    fn parts_that_cannot_be_read_are_passed_over_and_reported() {
        let mut list = list(&[1, 2]);
        let removal = remove(&mut list, &[1]);
        let parts: Vec<Result<Logged<Item>, BrokenHistory>> = vec![
            Err(BrokenHistory("line 3".into())),
            Ok(Logged {
                number: 1,
                change: removal,
            }),
        ];
        let found = removed(Box::new(parts.clone().into_iter()), &list, 5);
        assert_eq!(found.removed.len(), 1);
        assert_eq!(found.skipped, [BrokenHistory("line 3".into())]);
        let mut skipped = Vec::new();
        let latest = latest_in_effect(Box::new(parts.into_iter()), &list, &mut skipped);
        assert_eq!(latest.map(|l| l.number), Some(1));
        assert_eq!(skipped.len(), 1);
    }

    #[test]
    fn a_change_in_parts_is_undone_whole() {
        let mut list = list(&[1, 2, 3]);
        let Change::Removed { at, entries } = remove(&mut list, &[1, 2, 3]) else {
            unreachable!()
        };
        // One part per record, newest first, as a store reads lines from the end.
        let parts = entries.iter().rev().map(|e| {
            Ok(Logged {
                number: 7,
                change: Change::Removed {
                    at,
                    entries: vec![e.clone()],
                },
            })
        });
        let latest = latest_in_effect(Box::new(parts), &list, &mut Vec::new()).unwrap();
        assert_eq!(latest.change, Change::Removed { at, entries });
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
        assert!(history.latest_in_effect(&List::default()).is_err());
    }
}
