//! The behaviour every store must show, run against each store adapter.
//! It speaks of records only through `vocabulary` (`tests/vocabulary/mod.rs`):
//! for another record type, change that file and the whole contract holds
//! for it.

#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

use std::time::Duration;

use jiff::Timestamp;
use {{crate_name}}::adapters::json_file::JsonFileStore;
use {{crate_name}}::adapters::memory::MemoryStore;
use {{crate_name}}::domain::{Change, Entry, Id, List, Record, Ref, Undone, undo};
use {{crate_name}}::ports::{Store, StoreError};
use tempfile::TempDir;
use vocabulary::Item;

/// The record the contract stores, how to make one, and the text it holds.
#[path = "vocabulary/mod.rs"]
mod vocabulary;

/// A store and whatever must live as long as it does.
struct Fixture<S> {
    store: S,
    dir: Option<TempDir>,
}

fn memory() -> Fixture<MemoryStore<Item>> {
    Fixture {
        store: MemoryStore::default(),
        dir: None,
    }
}

/// A store whose history can be made one that cannot be used.
trait Breakable {
    fn break_history(&self);
}

impl Breakable for Fixture<MemoryStore<Item>> {
    fn break_history(&self) {
        self.store.break_history("broken by the test");
    }
}

impl Breakable for Fixture<JsonFileStore<Item>> {
    fn break_history(&self) {
        let dir = self.dir.as_ref().unwrap().path();
        std::fs::write(dir.join("list.json.history.jsonl"), "not a history\n").unwrap();
    }
}

fn json_file() -> Fixture<JsonFileStore<Item>> {
    let dir = tempfile::tempdir().unwrap();
    Fixture {
        store: JsonFileStore::new(dir.path().join("list.json"), Duration::from_secs(1)),
        dir: Some(dir),
    }
}

fn add<E: Entry<Record = Item>>(list: &mut List<E>, text: &str) -> Id {
    Record::id(&list.add(|id| vocabulary::item(id, text)).unwrap())
}

fn add_ok(store: &impl Store<Item>, text: &str) -> Id {
    store
        .update(|list, _| Ok::<_, StoreError>(add(list, text)))
        .unwrap()
}

/// What a store holds, read back whole: the next id and every record, newest first.
fn snapshot(store: &impl Store<Item>) -> (Id, Vec<Item>) {
    store
        .read(|list| (list.next_id(), list.recent(usize::MAX).unwrap()))
        .unwrap()
}

fn texts(records: &[Item]) -> Vec<&str> {
    records.iter().map(vocabulary::text).collect()
}

#[derive(Debug)]
enum Refused {
    Store,
    Rule,
}

impl From<StoreError> for Refused {
    fn from(_: StoreError) -> Self {
        Refused::Store
    }
}

fn a_new_store_reads_as_an_empty_list(store: impl Store<Item>) {
    assert_eq!(snapshot(&store), (Id(1), Vec::new()));
}

fn an_update_is_seen_by_later_reads(store: impl Store<Item>) {
    add_ok(&store, "Buy milk");
    add_ok(&store, "Pay rent");
    let (next_id, records) = snapshot(&store);
    assert_eq!(texts(&records), ["Pay rent", "Buy milk"]);
    assert_eq!(next_id, Id(3));
}

fn a_failed_update_changes_nothing(store: impl Store<Item>) {
    add_ok(&store, "keep me");
    let before = snapshot(&store);
    let result = store.update(|list, _| {
        add(list, "discard me");
        Err::<(), _>(Refused::Rule)
    });
    assert!(matches!(result, Err(Refused::Rule)));
    assert_eq!(snapshot(&store), before);
}

fn records_round_trip_exactly(store: impl Store<Item>) {
    let odd = "tab\there \"quoted\" \\ back\nnew line \u{1b}[31m 🥛 Купить 買う \u{0}";
    // Longer than any one argument can be.
    let long = "x".repeat(1 << 20);
    add_ok(&store, odd);
    add_ok(&store, &long);
    let added = store
        .update(|list, _| Ok::<_, StoreError>(list.recent(2).unwrap()))
        .unwrap();
    assert_eq!(snapshot(&store).1, added);
    assert_eq!(texts(&added), [long.as_str(), odd]);
}

fn removed_records_are_gone_and_ids_never_reused(store: impl Store<Item>) {
    add_ok(&store, "one");
    let two = add_ok(&store, "two");
    store
        .update(|list, _| list.remove(&[Ref::Id(two)]).map_err(|_| Refused::Rule))
        .unwrap();
    assert_eq!(texts(&snapshot(&store).1), ["one"]);
    assert_eq!(add_ok(&store, "three"), Id(3));
}

/// Adds a record holding `text`, as a command does: recorded in the history.
fn add_recorded(store: &impl Store<Item>, text: &str) -> Id {
    store
        .update(|list, history| {
            let added = list.add(|id| vocabulary::item(id, text)).unwrap();
            history.record(Change::Added {
                id: Record::id(&added),
                ulid: Record::ulid(&added),
            });
            Ok::<_, StoreError>(Record::id(&added))
        })
        .unwrap()
}

/// Removes the records `ids` into the history, as the CLI does.
fn remove(store: &impl Store<Item>, ids: &[Id]) {
    let at = Timestamp::from_second(1_700_000_100).unwrap();
    store
        .update(|list, history| {
            let refs: Vec<Ref> = ids.iter().copied().map(Ref::Id).collect();
            let entries = list.remove(&refs).map_err(|_| Refused::Rule)?;
            history.record(Change::Removed { at, entries });
            Ok::<_, Refused>(())
        })
        .unwrap();
}

/// Changes record `id` to hold `text`, as `edit` does.
fn edit(store: &impl Store<Item>, id: Id, text: &str) {
    store
        .update(|list, history| {
            let at = list.position(&Ref::Id(id)).ok_or(Refused::Rule)?;
            let now = list.entries()[at]
                .edited(vocabulary::item(id, text))
                .map_err(|_| Refused::Rule)?;
            let was = list.replace(at, now.clone());
            history.record(Change::Edited { was, now });
            Ok::<_, Refused>(())
        })
        .unwrap();
}

/// Undoes the latest change, as `undo` does: the numbers of the records
/// it took off or put back, none when there was nothing to undo.
fn undo_latest(store: &impl Store<Item>) -> Option<Vec<Id>> {
    store
        .update(|list, history| {
            let latest = history.latest_in_effect(list).map_err(|_| Refused::Rule)?;
            let Some(latest) = latest else {
                return Ok(None);
            };
            let undone = undo(list, latest.change).map_err(|_| Refused::Rule)?;
            history.record(Change::Undid {
                change: latest.number,
            });
            Ok::<_, Refused>(undone.map(|undone| match undone {
                Undone::Added { entry } => vec![entry.id()],
                Undone::Removed { entries, .. } => entries.iter().map(Entry::id).collect(),
                Undone::Edited { was, .. } => vec![was.id()],
            }))
        })
        .unwrap()
}

/// The texts of what the history shows, newest first.
fn removed(store: &impl Store<Item>) -> Vec<String> {
    let shown = store.removed(usize::MAX).unwrap();
    assert!(shown.skipped.is_empty(), "{:?}", shown.skipped);
    shown
        .removed
        .iter()
        .map(|c| vocabulary::text(&c.record).to_owned())
        .collect()
}

fn removed_records_are_shown_newest_first_and_undone_put_back(store: impl Store<Item>) {
    for text in ["one", "two", "three"] {
        add_recorded(&store, text);
    }
    let before = snapshot(&store);
    remove(&store, &[Id(3), Id(1)]);
    remove(&store, &[Id(2)]);
    assert_eq!(removed(&store), ["two", "three", "one"]);
    assert_eq!(undo_latest(&store), Some(vec![Id(2)]));
    assert_eq!(undo_latest(&store), Some(vec![Id(1), Id(3)]));
    assert!(removed(&store).is_empty(), "on the list again");
    assert_eq!(snapshot(&store), before, "exactly as before");
}

fn undo_walks_back_past_what_it_undid(store: impl Store<Item>) {
    add_recorded(&store, "one");
    add_recorded(&store, "two");
    remove(&store, &[Id(2)]);
    assert_eq!(undo_latest(&store), Some(vec![Id(2)]));
    assert_eq!(undo_latest(&store), Some(vec![Id(2)]), "the add of two");
    assert_eq!(undo_latest(&store), Some(vec![Id(1)]));
    assert_eq!(undo_latest(&store), None);
    assert_eq!(snapshot(&store), (Id(3), Vec::new()));
    assert!(removed(&store).is_empty(), "its removal was undone");
}

fn a_change_the_list_no_longer_shows_is_not_undone(store: impl Store<Item>) {
    add_recorded(&store, "one");
    add_recorded(&store, "two");
    remove(&store, &[Id(1)]);
    // The removed record is back on the list, whatever put it there.
    store
        .update(|list, _| {
            list.restore(vec![vocabulary::item(Id(1), "one").into()]);
            Ok::<_, StoreError>(())
        })
        .unwrap();
    assert!(removed(&store).is_empty());
    assert_eq!(
        undo_latest(&store),
        Some(vec![Id(2)]),
        "the add of two, not the removal"
    );
}

fn a_broken_history_stops_what_needs_it_and_nothing_else<S: Store<Item>>(fixture: Fixture<S>)
where
    Fixture<S>: Breakable,
{
    add_recorded(&fixture.store, "one");
    add_recorded(&fixture.store, "two");
    fixture.break_history();
    let store = &fixture.store;
    let before = snapshot(store);
    let removing = store.update(|list, history| {
        history.usable().map_err(|_| Refused::Rule)?;
        list.remove(&[Ref::Id(Id(1))]).map_err(|_| Refused::Store)
    });
    assert!(matches!(removing, Err(Refused::Rule)));
    let undoing =
        store.update(|list, history| history.latest_in_effect(list).map_err(|_| Refused::Rule));
    assert!(matches!(undoing, Err(Refused::Rule)));
    assert_eq!(snapshot(store), before, "nothing changed");
    assert!(store.removed(5).is_err());
    assert!(store.history_problem().is_some());
    // Additions go on, unrecorded.
    add_recorded(store, "three");
    assert_eq!(texts(&snapshot(store).1), ["three", "two", "one"]);
}

fn an_edit_is_read_back_and_undone_to_what_it_was(store: impl Store<Item>) {
    add_recorded(&store, "one");
    add_recorded(&store, "two");
    let before = snapshot(&store);
    edit(&store, Id(1), "uno");
    assert_eq!(snapshot(&store).1.len(), 2);
    assert_eq!(texts(&snapshot(&store).1), ["two", "uno"]);
    assert_eq!(undo_latest(&store), Some(vec![Id(1)]));
    assert_eq!(snapshot(&store), before, "exactly as before");
    assert!(removed(&store).is_empty(), "an edit removes nothing");
    assert_eq!(
        undo_latest(&store),
        Some(vec![Id(2)]),
        "then the add of two"
    );
}

macro_rules! contract {
    ($adapter:ident) => {
        mod $adapter {
            #[test]
            fn a_new_store_reads_as_an_empty_list() {
                super::a_new_store_reads_as_an_empty_list(super::$adapter().store);
            }
            #[test]
            fn an_update_is_seen_by_later_reads() {
                super::an_update_is_seen_by_later_reads(super::$adapter().store);
            }
            #[test]
            fn a_failed_update_changes_nothing() {
                super::a_failed_update_changes_nothing(super::$adapter().store);
            }
            #[test]
            fn records_round_trip_exactly() {
                super::records_round_trip_exactly(super::$adapter().store);
            }
            #[test]
            fn removed_records_are_gone_and_ids_never_reused() {
                super::removed_records_are_gone_and_ids_never_reused(super::$adapter().store);
            }
            #[test]
            fn removed_records_are_shown_newest_first_and_undone_put_back() {
                super::removed_records_are_shown_newest_first_and_undone_put_back(
                    super::$adapter().store,
                );
            }
            #[test]
            fn undo_walks_back_past_what_it_undid() {
                super::undo_walks_back_past_what_it_undid(super::$adapter().store);
            }
            #[test]
            fn a_broken_history_stops_what_needs_it_and_nothing_else() {
                super::a_broken_history_stops_what_needs_it_and_nothing_else(super::$adapter());
            }
            #[test]
            fn an_edit_is_read_back_and_undone_to_what_it_was() {
                super::an_edit_is_read_back_and_undone_to_what_it_was(super::$adapter().store);
            }
            #[test]
            fn a_change_the_list_no_longer_shows_is_not_undone() {
                super::a_change_the_list_no_longer_shows_is_not_undone(super::$adapter().store);
            }
        }
    };
}

contract!(memory);
contract!(json_file);
