//! Faults a list must survive, driven through the real binary: many
//! processes at once, `kill -9` mid-write, a full disk, hostile files and
//! links, other users, any text an argument can hold, clones of one list
//! changed at once and merged by git, and the history that undo reads.

#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

#[path = "faults/harness.rs"]
mod harness;

/// The record and the command line's words for it, shared with the other
/// proofs: the only lines of these tests that know what the record is.
#[path = "vocabulary/mod.rs"]
mod vocabulary;

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
