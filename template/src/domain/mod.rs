//! The rules. Pure: no files, no clock, no command line.
//!
//! `record` and `list` hold for any record: a short number to type, a ULID
//! for good, a list that never reuses a number. The other modules are the
//! rules of the record this CLI keeps; another CLI puts its own beside them.
//!
//! Where a store can do the domain's work faster than record by record,
//! the domain offers a hook with a plain default, and these are all:
//! `Entry::read_all` (read many records at once), `Entry::may_mention`
//! (rule out records a search cannot match without reading them) and
//! `Mergeable::created_each` (read many records' times at once).

mod history;
mod list;
mod merge;
mod record;
mod search;
mod title;
mod todo;

pub use history::{
    BrokenHistory, CannotUndo, Change, History, Journal, Logged, Removal, Removals, Undone,
    latest_in_effect, removed, undo,
};
pub use list::{InvalidList, List, ListFull, Unknown};
pub use merge::{Conflict, Mergeable, Merged, OutOfNumbers, Renumbered, Side, Version, merge};
pub use record::{Entry, Id, InvalidReference, Record, Ref, Unreadable, Words, parse_ulid};
pub use search::Needle;
pub use title::{BlankTitle, Title};
pub use todo::Todo;
