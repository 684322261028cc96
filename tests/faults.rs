//! Faults a todo list must survive, driven through the real binary: many
//! processes at once, `kill -9` mid-write, a full disk, hostile files and
//! links, other users, and any text an argument can hold.

#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

#[path = "faults/harness.rs"]
mod harness;

#[path = "faults/concurrency.rs"]
mod concurrency;
#[path = "faults/crashes.rs"]
mod crashes;
#[path = "faults/files.rs"]
mod files;
#[path = "faults/input.rs"]
mod input;
#[cfg(unix)]
#[path = "faults/links.rs"]
mod links;
#[cfg(unix)]
#[path = "faults/owners.rs"]
mod owners;
