//! The layout this store writes, spelled once for the writer (`render`)
//! and for the reader that trusts it (`scanner`):
//!
//! ```text
//! {
//!   "version": 1,
//!   "next_id": 3,
//!   "notes": [
//!     {"id": 1, "ulid": "01KDVDNAZ8V3RS3DTR98H6BCFN", "text": "Buy milk", ...},
//!     {"id": 2, "ulid": "01KDVDPJ3HZ1W5X1C2Q0J4D8RT", "text": "Pay rent", ...}
//!   ]
//! }
//! ```
//!
//! One record per line, each beginning with its number and ULID, so that
//! a list can be opened by reading those off the start of each line.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;
use ulid::Ulid;

use super::record::JsonRecord;
use crate::domain::{Id, parse_ulid};

/// The format version this store reads and writes.
pub const VERSION: u64 = 1;

/// Everything before the digits of `next_id`.
pub const HEAD: &str = "{\n  \"version\": 1,\n  \"next_id\": ";
/// What ends the `next_id` line.
pub const AFTER_NEXT_ID: &str = ",\n";
/// What comes before each record's line.
pub const INDENT: &str = "\n    ";
/// What stands between two records.
pub const SEPARATOR: &str = ",\n    ";
/// What follows the last record.
pub const CLOSE: &str = "\n  ]\n}\n";
/// What follows the opening bracket of a list without records.
pub const CLOSE_EMPTY: &str = "]\n}\n";

/// The line that opens the records' array: `  "notes": [`.
pub fn opening<R: JsonRecord>() -> String {
    format!("  {}: [", quoted(R::COLLECTION))
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// What begins the line of a top-level field.
pub const UNKNOWN_INDENT: &str = "  \"";

/// A top-level field this store does not know, on a line of its own.
pub fn write_unknown(out: &mut impl Write, key: &str, raw: &str) -> io::Result<()> {
    writeln!(out, "  {}: {raw},", quoted(key))
}

/// How every record's line begins: `{"id": 12, "ulid": "01…"`.
const ID: &str = "{\"id\": ";
const ULID: &str = ", \"ulid\": \"";

/// The start of a record's line: `{"id": 12, "ulid": "01…"`.
pub fn write_identity(out: &mut impl Write, id: Id, ulid: Ulid) -> io::Result<()> {
    write!(out, "{ID}{id}{ULID}{ulid}\"")
}

/// A record on one line: its number and ULID, then its own fields.
pub fn write_record<R: JsonRecord>(out: &mut impl Write, record: &R) -> io::Result<()> {
    write_identity(out, record.id(), record.ulid())?;
    let mut fields = Vec::new();
    record
        .to_fields()
        .serialize(&mut serde_json::Serializer::with_formatter(
            &mut fields,
            OneLine,
        ))?;
    // The fields' own braces are the record's: `{` is already written.
    match fields.strip_prefix(b"{") {
        Some(b"}") | None => out.write_all(b"}"),
        Some(rest) => {
            out.write_all(b", ")?;
            out.write_all(rest)
        }
    }
}

/// How many bytes the number `id` and a ULID take at the start of a line:
/// `{"id": 12, "ulid": "01…"`.
pub fn identity_len(id: Id) -> usize {
    ID.len() + id.0.checked_ilog10().unwrap_or(0) as usize + 1 + ULID.len() + 26 + 1
}

/// The number and ULID at the start of a line as `write_record` writes
/// them, read without a parser; `None` for a line that begins otherwise.
pub fn read_identity(line: &[u8]) -> Option<(Id, Ulid)> {
    identity(line).map(|(id, ulid, _)| (id, ulid))
}

/// What follows the number and ULID at the start of a line as
/// `write_record` writes it: `, "text": …}`, or `}`.
pub fn after_identity(line: &[u8]) -> Option<&[u8]> {
    identity(line).map(|(_, _, rest)| rest)
}

fn identity(line: &[u8]) -> Option<(Id, Ulid, &[u8])> {
    let (id, rest) = read_number(line.strip_prefix(ID.as_bytes())?)?;
    let rest = rest.strip_prefix(ULID.as_bytes())?;
    let ulid = parse_ulid(std::str::from_utf8(rest.get(..26)?).ok()?)?;
    let rest = rest.get(26..)?.strip_prefix(b"\"")?;
    Some((Id(id), ulid, rest))
}

/// The whole number `text` begins with, as JSON writes it, and what follows.
pub fn read_number(text: &[u8]) -> Option<(u64, &[u8])> {
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 1 && text[0] == b'0' {
        return None; // JSON numbers have no leading zeros
    }
    let number = std::str::from_utf8(&text[..digits]).ok()?.parse().ok()?;
    Some((number, &text[digits..]))
}

/// JSON on one line, with a space after each colon and comma.
struct OneLine;

impl Formatter for OneLine {
    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        if first { Ok(()) } else { out.write_all(b", ") }
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        if first { Ok(()) } else { out.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_length_of_a_lines_identity_is_what_is_written() {
        for id in [1, 9, 10, 99, 100, 12_345, (1 << 53) - 1] {
            let mut line = Vec::new();
            write_identity(&mut line, Id(id), Ulid::from_parts(1, 2)).unwrap();
            assert_eq!(identity_len(Id(id)), line.len(), "{id}");
            line.extend_from_slice(b", \"x\": 1}");
            assert_eq!(after_identity(&line), Some(&b", \"x\": 1}"[..]));
        }
    }
}
