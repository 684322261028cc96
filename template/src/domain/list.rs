//! The rules of a list of records, whatever the record: numbers handed out
//! once, identities unique, the newest found first, removal all or nothing.

use std::collections::{HashMap, HashSet};

use ulid::Ulid;

use super::record::{Entry, Id, Record, Ref, Unreadable};
use super::search::Needle;

/// Ids stay below 2^53 so that every JSON reader, JavaScript included, reads them exactly.
pub(super) const MAX_ID: u64 = (1 << 53) - 1;
/// The next id of a list that has handed out `MAX_ID`: still exact in JSON.
pub(super) const EXHAUSTED: u64 = MAX_ID + 1;

/// The records, in the order they were added, and the next id to hand out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List<E> {
    next_id: Id,
    entries: Vec<E>,
}

/// A stored list that breaks a rule no list made by these functions can break.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidList {
    #[error("the id {0} belongs to more than one {1}")]
    DuplicateId(Id, &'static str),
    #[error("the ULID {0} belongs to more than one {1}")]
    DuplicateUlid(Ulid, &'static str),
    #[error("the id {0} is out of range (1 to {MAX_ID})")]
    IdOutOfRange(u64),
    #[error("\"next_id\" {0} is out of range (1 to {EXHAUSTED})")]
    NextIdOutOfRange(u64),
}

/// The list has handed out every number a record can have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the list has used every number up to {MAX_ID}, so no {0} can be added")]
pub struct ListFull(pub &'static str);

/// The references `remove` could not match; nothing was removed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no {noun} with id {}", list_refs(.refs))]
pub struct Unknown {
    pub noun: &'static str,
    pub refs: Vec<Ref>,
}

fn list_refs(refs: &[Ref]) -> String {
    let names: Vec<String> = refs.iter().map(ToString::to_string).collect();
    names.join(", ")
}

/// A value that occurs twice, if any. Lists are kept in creation order, so
/// ids and ULIDs are usually increasing already, and then nothing is
/// collected or sorted.
fn first_repeat<E, T: Ord + Copy>(entries: &[E], key: impl Fn(&E) -> T) -> Option<T> {
    if is_increasing(entries, &key) {
        return None;
    }
    let mut values: Vec<T> = entries.iter().map(key).collect();
    values.sort_unstable();
    values.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

fn is_increasing<E, T: Ord>(entries: &[E], key: impl Fn(&E) -> T) -> bool {
    entries.windows(2).all(|w| key(&w[0]) < key(&w[1]))
}

impl<E> Default for List<E> {
    fn default() -> Self {
        Self {
            next_id: Id(1),
            entries: Vec::new(),
        }
    }
}

impl<E: Entry> List<E> {
    /// Rebuilds a stored list, checking what a hand edit could have broken.
    /// A `next_id` at or below an existing id is raised, so ids are never reused.
    pub fn from_parts(next_id: u64, entries: Vec<E>) -> Result<Self, InvalidList> {
        let noun = E::Record::WORDS.one;
        if let Some(bad) = entries
            .iter()
            .map(|e| e.id().0)
            .find(|&id| id == 0 || id > MAX_ID)
        {
            return Err(InvalidList::IdOutOfRange(bad));
        }
        if let Some(id) = first_repeat(&entries, E::id) {
            return Err(InvalidList::DuplicateId(id, noun));
        }
        if let Some(ulid) = first_repeat(&entries, E::ulid) {
            return Err(InvalidList::DuplicateUlid(ulid, noun));
        }
        if next_id > EXHAUSTED {
            return Err(InvalidList::NextIdOutOfRange(next_id));
        }
        let highest = entries.iter().map(|e| e.id().0).max().unwrap_or(0);
        Ok(Self {
            next_id: Id(next_id.max(highest + 1)),
            entries,
        })
    }

    /// The id the next added record will get.
    pub fn next_id(&self) -> Id {
        self.next_id
    }

    /// Every record as stored, oldest first.
    pub fn entries(&self) -> &[E] {
        &self.entries
    }

    /// Adds the record that `make` makes with the next id, unless every id
    /// has been handed out.
    pub fn add(&mut self, make: impl FnOnce(Id) -> E::Record) -> Result<E::Record, ListFull> {
        if self.next_id.0 > MAX_ID {
            return Err(ListFull(E::Record::WORDS.one));
        }
        let record = make(self.next_id);
        debug_assert_eq!(Record::id(&record), self.next_id, "a record takes its id");
        self.next_id = Id(self.next_id.0 + 1);
        self.entries.push(E::from(record.clone()));
        Ok(record)
    }

    /// The `count` most recently added records, newest first.
    pub fn recent(&self, count: usize) -> Result<Vec<E::Record>, Unreadable> {
        let newest = &self.entries[self.entries.len().saturating_sub(count)..];
        let mut records = E::read_all(newest)?;
        records.reverse();
        Ok(records)
    }

    /// The records for which `mentions` finds `needle`, newest first. Only
    /// records whose stored text may hold the needle are read, so `mentions`
    /// must look for it in what the record stores, ignoring case.
    pub fn find(
        &self,
        needle: &Needle,
        mentions: impl Fn(&E::Record, &Needle) -> bool,
    ) -> Result<Vec<E::Record>, Unreadable> {
        let candidates = E::may_mention(&self.entries, needle);
        let mut found = Vec::new();
        for (entry, _) in self
            .entries
            .iter()
            .zip(candidates)
            .rev()
            .filter(|(_, c)| *c)
        {
            let record = entry.read()?;
            if mentions(&record, needle) {
                found.push(record);
            }
        }
        Ok(found)
    }

    /// Whether any of the records with these ULIDs is on the list.
    pub fn holds_any(&self, ulids: &[Ulid]) -> bool {
        let refs: Vec<Ref> = ulids.iter().map(|&u| Ref::Ulid(u)).collect();
        self.find_any(&refs).is_some()
    }

    /// The first of `refs` that names a record on the list.
    pub fn find_any(&self, refs: &[Ref]) -> Option<Ref> {
        let positions = Positions::of(&self.entries, refs.len());
        refs.iter()
            .find(|r| positions.find(&self.entries, r, 0).is_some())
            .copied()
    }

    /// Where the record `reference` names is on the list, if it is.
    pub fn position(&self, reference: &Ref) -> Option<usize> {
        Positions::of(&self.entries, 1).find(&self.entries, reference, 0)
    }

    /// Where the record `reference` names is on the list; unknown where it
    /// is not.
    pub fn locate(&self, reference: Ref) -> Result<usize, Unknown> {
        self.position(&reference).ok_or_else(|| Unknown {
            noun: E::Record::WORDS.one,
            refs: vec![reference],
        })
    }

    /// Puts `entry` in the place of the record at `position`, and returns
    /// that record's entry. The caller makes sure the two are one record:
    /// the same number and ULID.
    pub fn replace(&mut self, position: usize, entry: E) -> E {
        debug_assert_eq!(entry.ulid(), self.entries[position].ulid());
        std::mem::replace(&mut self.entries[position], entry)
    }

    /// Puts records back that were removed, each where it was in the order
    /// the records were made (that of their ULIDs), with its number. The
    /// caller makes sure that no record on the list has one of those
    /// numbers or ULIDs.
    pub fn restore(&mut self, mut entries: Vec<E>) {
        entries.sort_by_key(E::ulid);
        let mut kept = std::mem::take(&mut self.entries).into_iter().peekable();
        let mut merged = Vec::with_capacity(kept.len() + entries.len());
        for entry in entries {
            // Records kept out of ULID order stay where they were.
            while let Some(next) = kept.next_if(|k| k.ulid() < entry.ulid()) {
                merged.push(next);
            }
            merged.push(entry);
        }
        merged.extend(kept);
        let highest = merged.iter().map(|e| e.id().0).max().unwrap_or(0);
        self.next_id = Id(self.next_id.0.max(highest + 1));
        self.entries = merged;
    }

    /// Removes the named records, all or none: if any reference matches
    /// nothing, the list is left as it was. Returns the removed entries,
    /// oldest first. Takes time in proportion to the list and the
    /// references, however many.
    pub fn remove(&mut self, refs: &[Ref]) -> Result<Vec<E>, Unknown> {
        let positions = Positions::of(&self.entries, refs.len());
        let mut chosen = vec![false; self.entries.len()];
        let mut unknown = Vec::new();
        let mut reported = HashSet::new();
        let mut next = 0;
        for r in refs {
            match positions.find(&self.entries, r, next) {
                Some(p) => {
                    chosen[p] = true;
                    next = p + 1;
                }
                None if reported.insert(*r) => unknown.push(*r),
                None => {}
            }
        }
        if !unknown.is_empty() {
            return Err(Unknown {
                noun: E::Record::WORDS.one,
                refs: unknown,
            });
        }
        let count = chosen.iter().filter(|&&c| c).count();
        if count == self.entries.len() {
            return Ok(std::mem::take(&mut self.entries));
        }
        let mut removed = Vec::with_capacity(count);
        let mut chosen = chosen.into_iter();
        removed.extend(
            self.entries
                .extract_if(.., |_| chosen.next().unwrap_or(false)),
        );
        Ok(removed)
    }
}

/// Where the records are, for finding many references in one list: a scan
/// per reference for a few; for more, a search by halves where ids and
/// ULIDs are in order, as in a list kept in creation order, or an index.
enum Positions {
    Scan,
    Sorted { ids: bool, ulids: bool },
    Index(HashMap<Ref, usize>),
}

impl Positions {
    /// More references than this are not looked up one scan each.
    const SCANNED: usize = 8;

    fn of<E: Entry>(entries: &[E], refs: usize) -> Self {
        if refs <= Self::SCANNED {
            return Self::Scan;
        }
        let ids = is_increasing(entries, E::id);
        let ulids = is_increasing(entries, E::ulid);
        if ids && ulids {
            return Self::Sorted { ids, ulids };
        }
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(p, e)| (Ref::Id(e.id()), p));
        let by_ulid = entries
            .iter()
            .enumerate()
            .map(|(p, e)| (Ref::Ulid(e.ulid()), p));
        Self::Index(by_id.chain(by_ulid).collect())
    }

    /// Where `r` is; `likely` is where to look first, as references given
    /// in the list's order come one after another.
    fn find<E: Entry>(&self, entries: &[E], r: &Ref, likely: usize) -> Option<usize> {
        if entries
            .get(likely)
            .is_some_and(|e| r.matches(e.id(), e.ulid()))
        {
            return Some(likely);
        }
        match (self, r) {
            (Self::Scan, r) => entries.iter().position(|e| r.matches(e.id(), e.ulid())),
            (Self::Sorted { ids: true, .. }, Ref::Id(id)) => {
                entries.binary_search_by_key(id, E::id).ok()
            }
            (Self::Sorted { ulids: true, .. }, Ref::Ulid(ulid)) => {
                entries.binary_search_by_key(ulid, E::ulid).ok()
            }
            (Self::Sorted { .. }, r) => entries.iter().position(|e| r.matches(e.id(), e.ulid())),
            (Self::Index(index), r) => index.get(r).copied(),
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::domain::Words;

    /// A record of these tests' own, so that the list's rules are checked
    /// whatever records a CLI keeps.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Item {
        pub id: Id,
        pub ulid: Ulid,
        name: String,
        about: String,
    }

    impl Record for Item {
        const WORDS: Words = Words {
            one: "item",
            a_one: "an item",
            many: "items",
            remove: "drop",
            removed: "dropped",
        };

        fn id(&self) -> Id {
            self.id
        }

        fn ulid(&self) -> Ulid {
            self.ulid
        }

        fn with_id(self, id: Id) -> Self {
            Self { id, ..self }
        }
    }

    impl Item {
        fn mentions(&self, needle: &Needle) -> bool {
            needle.found_in(&self.name) || needle.found_in(&self.about)
        }
    }

    /// An item numbered `id`, with a ULID in the order of the numbers.
    pub fn numbered(id: Id) -> Item {
        item(id, "numbered", Ulid::from_parts(1, u128::from(id.0)))
    }

    fn item(id: Id, name: &str, ulid: Ulid) -> Item {
        Item {
            id,
            ulid,
            name: name.to_owned(),
            about: format!("about {name}"),
        }
    }

    fn list_of(names: &[&str]) -> List<Item> {
        let mut list = List::default();
        for (n, name) in names.iter().enumerate() {
            list.add(|id| item(id, name, Ulid::from_parts(1, n as u128)))
                .unwrap();
        }
        list
    }

    fn names(items: &[Item]) -> Vec<&str> {
        items.iter().map(|t| t.name.as_str()).collect()
    }

    fn ids(ids: impl IntoIterator<Item = u64>) -> Vec<Ref> {
        ids.into_iter().map(|id| Ref::Id(Id(id))).collect()
    }

    fn find(list: &List<Item>, text: &str) -> Vec<Item> {
        list.find(&Needle::new(text), Item::mentions).unwrap()
    }

    #[test]
    fn add_hands_out_increasing_ids() {
        let mut list = list_of(&["a", "b"]);
        let added = list.add(|id| item(id, "c", Ulid::nil())).unwrap();
        assert_eq!(added.id, Id(3));
        assert_eq!(list.next_id(), Id(4));
    }

    #[test]
    fn recent_is_newest_first_and_bounded() {
        let list = list_of(&["a", "b", "c"]);
        assert_eq!(names(&list.recent(2).unwrap()), ["c", "b"]);
        assert_eq!(names(&list.recent(10).unwrap()), ["c", "b", "a"]);
    }

    #[test]
    fn find_ignores_case_across_unicode() {
        let list = list_of(&["Купить МОЛОКО", "Straße fegen", "Call Bob"]);
        assert_eq!(names(&find(&list, "молоко")), ["Купить МОЛОКО"]);
        assert_eq!(names(&find(&list, "STRASSE")), ["Straße fegen"]);
        assert_eq!(names(&find(&list, "straße")), ["Straße fegen"]);
        assert_eq!(
            names(&find(&list, "ABOUT")),
            ["Call Bob", "Straße fegen", "Купить МОЛОКО"]
        );
    }

    #[test]
    fn remove_takes_out_and_never_reuses_ids() {
        let mut list = list_of(&["a", "b", "c"]);
        let removed = list.remove(&ids([3])).unwrap();
        assert_eq!(names(&removed), ["c"]);
        assert_eq!(list.next_id(), Id(4));
    }

    #[test]
    fn remove_is_all_or_nothing() {
        let mut list = list_of(&["a", "b"]);
        let before = list.clone();
        let err = list.remove(&ids([1, 9])).unwrap_err();
        assert_eq!(err.refs, ids([9]));
        assert_eq!(err.to_string(), "no item with id 9");
        assert_eq!(list, before);
    }

    #[test]
    fn remove_accepts_ulids_and_repeats() {
        let mut list = list_of(&["a", "b"]);
        let ulid = list.entries()[0].ulid;
        let removed = list.remove(&[Ref::Ulid(ulid), Ref::Id(Id(1))]).unwrap();
        assert_eq!(names(&removed), ["a"]);
        assert_eq!(names(&list.recent(5).unwrap()), ["b"]);
    }

    #[test]
    fn remove_names_each_unknown_reference_once() {
        let mut list = list_of(&["a"]);
        let err = list.remove(&ids([7, 1, 7, 8, 7])).unwrap_err();
        assert_eq!(err.to_string(), "no item with id 7, 8");
    }

    #[test]
    fn remove_finds_many_references_in_any_order_of_the_list() {
        let names: Vec<String> = (0..50).map(|n| n.to_string()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let in_order = list_of(&names);
        // The same list with its ULIDs out of order, as a hand edit may leave it.
        let mut shuffled = in_order.entries().to_vec();
        shuffled.swap(0, 49);
        shuffled
            .iter_mut()
            .for_each(|t| t.ulid = Ulid::from_parts(2, 99 - t.id.0 as u128));
        let shuffled = List::from_parts(51, shuffled).unwrap();
        for mut list in [in_order, shuffled] {
            let ulid = list.entries().iter().find(|t| t.id == Id(4)).unwrap().ulid;
            let mut refs = ids((10..=40).rev());
            refs.push(Ref::Ulid(ulid));
            let mut removed: Vec<u64> =
                list.remove(&refs).unwrap().iter().map(|t| t.id.0).collect();
            removed.sort_unstable();
            let expected: Vec<u64> = [4].into_iter().chain(10..=40).collect();
            assert_eq!(removed, expected);
            assert_eq!(list.entries().len(), 50 - 32);
            let err = list.remove(&ids(1..=20)).unwrap_err();
            assert_eq!(
                err.refs,
                ids([4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20])
            );
        }
    }

    #[test]
    fn the_last_number_is_handed_out_and_then_adding_stops() {
        let mut list = List::<Item>::from_parts(MAX_ID, Vec::new()).unwrap();
        let add = |list: &mut List<Item>| list.add(|id| item(id, "one more", Ulid::nil()));
        assert_eq!(add(&mut list).unwrap().id, Id(MAX_ID));
        assert_eq!(list.next_id(), Id(EXHAUSTED));
        // What was written back opens again, and refuses to add.
        let mut again = List::from_parts(EXHAUSTED, list.entries().to_vec()).unwrap();
        assert_eq!(add(&mut again), Err(ListFull("item")));
        assert_eq!(again, list);
    }

    #[test]
    fn from_parts_raises_a_stale_next_id() {
        let items = list_of(&["a", "b"]).entries().to_vec();
        assert_eq!(List::from_parts(1, items).unwrap().next_id(), Id(3));
    }

    #[test]
    fn from_parts_rejects_duplicates_and_bad_ids() {
        let mut items = list_of(&["a", "b"]).entries().to_vec();
        items[1].id = Id(1);
        assert_eq!(
            List::from_parts(3, items.clone()),
            Err(InvalidList::DuplicateId(Id(1), "item"))
        );
        items[1].id = Id(2);
        items[1].ulid = items[0].ulid;
        assert!(matches!(
            List::from_parts(3, items.clone()),
            Err(InvalidList::DuplicateUlid(..))
        ));
        items[1].ulid = Ulid::nil();
        items[1].id = Id(0);
        assert_eq!(
            List::from_parts(3, items),
            Err(InvalidList::IdOutOfRange(0))
        );
        for next_id in [1 << 60, EXHAUSTED + 1] {
            assert_eq!(
                List::<Item>::from_parts(next_id, Vec::new()),
                Err(InvalidList::NextIdOutOfRange(next_id))
            );
        }
    }
}
