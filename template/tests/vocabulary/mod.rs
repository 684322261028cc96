//! The record the proofs and benchmarks speak of, and how the command line
//! says it: the one file of them that knows what the record is.
//! `tests/faults.rs`, `tests/store_contract.rs`, `benches/list.rs` and
//! `fuzz/fuzz_targets/load.rs` include it as `mod vocabulary`, and the rest
//! of them is generic. For a CLI made from this one, say the new record
//! here, and every one of those proofs holds for it.
//!
//! It names no crate but this one and `std`, because the fuzz target
//! depends on nothing else. It sits in a folder of its own so that cargo
//! does not build it as a test of its own.

// Each file that includes this one uses a part of it.
#![allow(dead_code)]

use std::time::{Duration, UNIX_EPOCH};

use {{crate_name}}::domain::{Id, Needle, Title, Todo};

// ---------------------------------------------------------------------------
// The record as the library holds it: for the store's contract, the
// benchmarks and the fuzz target.

/// The record.
pub type Item = Todo;

/// A record numbered `id` that holds `text`, which is never blank, and
/// may be any other text, a megabyte long.
pub fn item(id: Id, text: &str) -> Item {
    // Made at one moment: its ULID's time, then a random part that is its
    // number, as a ULID made in the same millisecond as another would be.
    let second = 1_700_000_000;
    Todo {
        id,
        ulid: ((u128::from(second * 1000) << 80) | u128::from(id.0)).into(),
        title: Title::new(text).expect("not blank"),
        description: text.into(),
        created_at: (UNIX_EPOCH + Duration::from_secs(second))
            .try_into()
            .expect("in range"),
    }
}

/// The text `item` made `record` with.
pub fn text(record: &Item) -> &str {
    &record.description
}

/// Whether `find` finds `record` by `needle`; it must when the needle is a
/// part of the text `item` made it with.
pub fn mentions(record: &Item, needle: &Needle) -> bool {
    record.mentions(needle)
}

// ---------------------------------------------------------------------------
// The record on the command line and in its files: for `tests/faults/`,
// which runs the binary.

/// The list's file, as the program names it unless told otherwise.
pub const FILE: &str = "todo.json";
/// Where the history of `FILE` is kept.
pub const HISTORY_FILE: &str = "todo.json.history.jsonl";
/// The key of the records' array in that file.
pub const COLLECTION: &str = "todos";
/// The field of a record's JSON that holds the text it was created with,
/// and that `edit` changes.
pub const TEXT: &str = "title";
/// What one record is called in messages.
pub const NOUN: &str = "todo";
/// One record, with its article, as messages say it: "a todo", "an expense".
pub const A_NOUN: &str = "a todo";
/// What more than one record is called in messages.
pub const NOUNS: &str = "todos";

/// Prints records, newest first: `LIST [COUNT] [--json]`.
pub const LIST: &str = "show";
/// Removes records by number or ULID: `REMOVE ID...`.
pub const REMOVE: &str = "done";
/// Looks for records holding a text: `SEARCH TEXT`.
pub const SEARCH: &str = "find";
/// Prints removed records, newest first: `HISTORY [COUNT] [--json]`.
pub const HISTORY: &str = "history";
/// Reverts the latest change: `UNDO`. With `--json`, it names the change
/// it took back by the command that made it (`REMOVE`, `EDIT`), and lists
/// the records it took off, put back or changed back under `COLLECTION`.
pub const UNDO: &str = "undo";
/// Changes a record on the list in place, keeping its number, its ULID and
/// the rest of it: `EDIT ID ...`, the ID a number or a ULID.
pub const EDIT: &str = "edit";

/// The arguments that create a record holding `text`; with `--json`
/// added, it is printed as JSON.
pub fn create(text: &str) -> Vec<&str> {
    vec!["add", text]
}

/// The arguments that change the text (`TEXT`) of the record `id`, a
/// number or a ULID, to `text`, and nothing else of it; with `--json`
/// added, the record as it is now is printed as JSON. None for a record
/// that is not edited: the proofs of an edit are then passed over.
pub fn edit<'a>(id: &'a str, text: &'a str) -> Option<Vec<&'a str>> {
    Some(vec![EDIT, id, "--title", text])
}

/// What `create` prints for the record it added.
pub fn created(id: u64, text: &str) -> String {
    format!("Added #{id}: {text}\n")
}

/// The text of the record that a line `UNDO` printed says a `REMOVE` took
/// off and that is now back, if the line says so.
pub fn put_back(line: &str) -> Option<&str> {
    // `Undid done #N: TEXT`, then the description, if any, in brackets.
    let (_, text) = line.strip_prefix("Undid done #")?.split_once(": ")?;
    text.split(" (").next()
}

/// How a merge's messages name a record whose `TEXT` holds `text`.
pub fn named(text: &str) -> String {
    format!("'{text}'")
}

/// A record as a hand would write it, on one line, holding `text`.
pub fn record(id: u64, ulid: &str, text: &str) -> String {
    format!(
        r#"{% raw %}{{"id": {id}, "ulid": "{ulid}", "title": "{text}", "description": "about {text}", "created_at": "2026-11-22T14:40:23Z"}}{% endraw %}"#
    )
}

/// Arguments to create a record that the record's own rules refuse, and
/// the reason they give.
pub fn refused() -> (Vec<&'static str>, &'static str) {
    (vec!["add", " \u{200B} "], "a title must not be blank")
}

/// A record that is JSON, with a number and a ULID, but that the record's
/// own rules refuse; and the reason they give.
pub fn broken_record(id: u64, ulid: &str) -> (String, &'static str) {
    let line = format!(
        r#"{% raw %}{{"id": {id}, "ulid": "{ulid}", "title": "  ", "created_at": "2026-11-22T14:40:23Z"}}{% endraw %}"#
    );
    (line, "a title must not be blank")
}

// ---------------------------------------------------------------------------
// The record in a fresh account: for `tests/install.rs`, which runs the
// README's install lines and the shells' completion.

/// The commands whose argument is a record's number, which completion offers.
pub const NUMBERED: [&str; 2] = ["done", "edit"];

/// What completion shows beside the number of a record `create(text)` made.
pub fn hint(text: &str) -> String {
    text.to_owned()
}
