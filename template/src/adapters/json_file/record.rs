//! The seam between the store and what it stores. A record type is kept in
//! a JSON list file by implementing `JsonRecord` once, in a file of its
//! own; nothing else in this folder names a record's fields.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use crate::domain::{Id, Record};

/// How a record is kept in a JSON list file.
///
/// The store reads and writes each record's `"id"` and `"ulid"` itself, at
/// the start of its line, and keeps every field the record does not know;
/// the record brings the rest. The laws, which `laws::record_contract!`
/// checks for a record's samples:
/// - `from_fields(id, ulid, to_fields(r))` is `r` again, and writing it
///   back gives the same bytes;
/// - `Fields` has no field called `id` or `ulid`;
/// - whatever a file holds, decoding gives a record or an error, never a panic.
pub trait JsonRecord: Record + Send + Sync {
    /// The key of the list's array in the file: `"notes"`.
    const COLLECTION: &'static str;

    /// The record's fields as the file holds them, in the order they are
    /// written. Borrow text from the file where it has no escapes
    /// (`#[serde(borrow)]` on a `Cow<'a, str>`): a long list is read fast.
    type Fields<'a>: Deserialize<'a> + Serialize;

    /// The record with this identity and these fields, or what is wrong
    /// with them in a few words, like "a text must not be blank".
    fn from_fields(id: Id, ulid: Ulid, fields: Self::Fields<'_>) -> Result<Self, String>;

    /// The fields to write for this record.
    fn to_fields(&self) -> Self::Fields<'_>;

    /// When the record was made, if its fields say: lists merged from two
    /// clones are put in this order, then in the order of the ULIDs (which
    /// carry a time of their own). Read for every record of a merge, so
    /// read no more than it takes.
    fn created(_fields: &Self::Fields<'_>) -> Option<Timestamp> {
        None
    }
}
