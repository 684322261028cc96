//! The behaviour every store must show, run against each store adapter.

#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

use std::time::Duration;

use jiff::Timestamp;
use my_todo::adapters::json_file::JsonFileStore;
use my_todo::adapters::memory::MemoryStore;
use my_todo::domain::{Entry, Title, Todo, TodoId, TodoList, TodoRef};
use my_todo::ports::{StoreError, TodoStore};
use tempfile::TempDir;
use ulid::Ulid;

/// A store and whatever must live as long as it does.
struct Fixture<S> {
    store: S,
    _dir: Option<TempDir>,
}

fn memory() -> Fixture<MemoryStore> {
    Fixture {
        store: MemoryStore::default(),
        _dir: None,
    }
}

fn json_file() -> Fixture<JsonFileStore> {
    let dir = tempfile::tempdir().unwrap();
    Fixture {
        store: JsonFileStore::new(dir.path().join("todo.json"), Duration::from_secs(1)),
        _dir: Some(dir),
    }
}

fn add<E: Entry>(list: &mut TodoList<E>, title: &str, description: &str) -> TodoId {
    let ulid = Ulid::from_parts(1_700_000_000_000, u128::from(list.next_id().0));
    let at = Timestamp::from_second(1_700_000_000).unwrap();
    list.add(Title::new(title).unwrap(), description.into(), ulid, at)
        .unwrap()
        .id
}

fn add_ok(store: &impl TodoStore, title: &str, description: &str) -> TodoId {
    store
        .update(|list| Ok::<_, StoreError>(add(list, title, description)))
        .unwrap()
}

/// What a store holds, read back whole: the next id and every todo, newest first.
fn snapshot(store: &impl TodoStore) -> (TodoId, Vec<Todo>) {
    store
        .read(|list| (list.next_id(), list.recent(usize::MAX).unwrap()))
        .unwrap()
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

fn a_new_store_reads_as_an_empty_list(store: impl TodoStore) {
    assert_eq!(snapshot(&store), (TodoId(1), Vec::new()));
}

fn an_update_is_seen_by_later_reads(store: impl TodoStore) {
    add_ok(&store, "Buy milk", "2 liters");
    add_ok(&store, "Pay rent", "");
    let (next_id, todos) = snapshot(&store);
    let titles: Vec<_> = todos.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["Pay rent", "Buy milk"]);
    assert_eq!(next_id, TodoId(3));
}

fn a_failed_update_changes_nothing(store: impl TodoStore) {
    add_ok(&store, "keep me", "");
    let before = snapshot(&store);
    let result = store.update(|list| {
        add(list, "discard me", "");
        Err::<(), _>(Refused::Rule)
    });
    assert!(matches!(result, Err(Refused::Rule)));
    assert_eq!(snapshot(&store), before);
}

fn todos_round_trip_exactly(store: impl TodoStore) {
    let odd = "tab\there \"quoted\" \\ back\nnew line \u{1b}[31m 🥛 Купить 買う \u{0}";
    add_ok(&store, odd, odd);
    let added = store
        .update(|list| Ok::<_, StoreError>(list.recent(1).unwrap()))
        .unwrap();
    assert_eq!(snapshot(&store).1, added);
    assert_eq!(added[0].title.as_str(), odd.trim());
    assert_eq!(added[0].description, odd);
}

fn ids_are_never_reused(store: impl TodoStore) {
    add_ok(&store, "one", "");
    let two = add_ok(&store, "two", "");
    store
        .update(|list| {
            list.complete(&[TodoRef::Id(two)])
                .map_err(|_| Refused::Rule)
        })
        .unwrap();
    assert_eq!(add_ok(&store, "three", ""), TodoId(3));
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
            fn todos_round_trip_exactly() {
                super::todos_round_trip_exactly(super::$adapter().store);
            }
            #[test]
            fn ids_are_never_reused() {
                super::ids_are_never_reused(super::$adapter().store);
            }
        }
    };
}

contract!(memory);
contract!(json_file);
