//! Faults a list must survive, driven through the real binary: many
//! processes at once, `kill -9` mid-write, a full disk, hostile files and
//! links, other users, any text an argument can hold, clones of one list
//! changed at once and merged by git, and the history that undo reads.

#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

#[path = "faults/harness.rs"]
mod harness;

/// The words the proofs speak in: the only lines of these tests that know
/// what a todo is. A CLI made from this one changes them, and the whole
/// proof holds for it.
mod vocabulary {
    /// The record, for the tests that open a list with the store itself.
    pub type Item = {{crate_name}}::domain::Todo;
    /// The list's file, as the program names it unless told otherwise.
    pub const FILE: &str = "todo.json";
    /// The key of the records' array in that file.
    pub const COLLECTION: &str = "todos";
    /// What one record is called in messages.
    pub const NOUN: &str = "todo";
    /// Prints records, newest first: `LIST [COUNT] [--json]`.
    pub const LIST: &str = "show";
    /// Removes records by number or ULID: `REMOVE ID...`.
    pub const REMOVE: &str = "done";
    /// Looks for records holding a text: `SEARCH TEXT`.
    pub const SEARCH: &str = "find";
    /// Prints removed records, newest first: `HISTORY [COUNT] [--json]`.
    pub const HISTORY: &str = "history";
    /// Reverts the latest change: `UNDO`.
    pub const UNDO: &str = "undo";
    /// Where the history of `FILE` is kept.
    pub const HISTORY_FILE: &str = "todo.json.history.jsonl";
    /// The field of a record's JSON that holds the text it was created with.
    pub const TEXT: &str = "title";

    /// The arguments that create a record holding `text`; with `--json`
    /// added, it is printed as JSON.
    pub fn create(text: &str) -> Vec<&str> {
        vec!["add", text]
    }

    /// What `create` prints for the record it added.
    pub fn created(id: u64, text: &str) -> String {
        format!("Added #{id}: {text}\n")
    }

    /// A record as a hand would write it, on one line, holding `text`.
    pub fn record(id: u64, ulid: &str, text: &str) -> String {
        format!(
            r#"{% raw %}{{"id": {id}, "ulid": "{ulid}", "title": "{text}", "description": "about {text}", "created_at": "2026-11-22T14:40:23Z"}}{% endraw %}"#
        )
    }

    /// Arguments to create a record that the record's own rules refuse,
    /// and the reason they give.
    pub fn refused() -> (Vec<&'static str>, &'static str) {
        (vec!["add", " \u{200B} "], "a title must not be blank")
    }

    /// A record that is JSON, with a number and a ULID, but that the
    /// record's own rules refuse; and the reason they give.
    pub fn broken_record(id: u64, ulid: &str) -> (String, &'static str) {
        let line = format!(
            r#"{% raw %}{{"id": {id}, "ulid": "{ulid}", "title": "  ", "created_at": "2026-11-22T14:40:23Z"}}{% endraw %}"#
        );
        (line, "a title must not be blank")
    }
}

#[path = "faults/concurrency.rs"]
mod concurrency;
#[path = "faults/crashes.rs"]
mod crashes;
#[path = "faults/display.rs"]
mod display;
#[path = "faults/files.rs"]
mod files;
#[path = "faults/git.rs"]
mod git;
#[path = "faults/history.rs"]
mod history;
#[path = "faults/input.rs"]
mod input;
#[path = "faults/journal.rs"]
mod journal;
#[cfg(unix)]
#[path = "faults/links.rs"]
mod links;
#[cfg(unix)]
#[path = "faults/owners.rs"]
mod owners;
#[cfg(unix)]
#[path = "faults/pulls.rs"]
mod pulls;
#[path = "faults/sequences.rs"]
mod sequences;
