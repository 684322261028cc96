//! What every list holds: records with a short number to type and a ULID
//! that names them for good, and the words a record is spoken of in.

use std::fmt;
use std::str::FromStr;

use ulid::Ulid;

use super::search::Needle;

/// A record's short number. Never reused within a list, even after the
/// record is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(pub u64);

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The words messages speak of a record in. The record supplies them, so
/// that code written for any record says "an expense" or "archived" where
/// its record would, and never another record's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    /// One record: "note".
    pub one: &'static str,
    /// One, with its article: "a note", "an entry".
    pub a_one: &'static str,
    /// More than one: "notes", "entries".
    pub many: &'static str,
    /// Taking records off the list for good, into the history: "archive".
    pub remove: &'static str,
    /// What that made of them: "archived".
    pub removed: &'static str,
}

impl Words {
    /// `one` or `many`, as `count` needs.
    pub fn counted(&self, count: usize) -> &'static str {
        if count == 1 { self.one } else { self.many }
    }
}

/// One thing a list holds, with its number and its permanent identity.
pub trait Record: Clone + PartialEq {
    /// What messages call it and its removal.
    const WORDS: Words;

    fn id(&self) -> Id;
    fn ulid(&self) -> Ulid;
    /// The same record with number `id`: what a record put back gets when
    /// its number has been given to another since.
    fn with_id(self, id: Id) -> Self;
}

/// A record as a store holds it: its number and ULID at hand, the rest read
/// only when asked for, so that a long list costs little to open. A record
/// kept whole in memory is its own entry.
pub trait Entry: From<Self::Record> + Clone {
    type Record: Record;

    fn id(&self) -> Id;
    fn ulid(&self) -> Ulid;
    /// The whole record; fails if what was stored turns out not to be one.
    fn read(&self) -> Result<Self::Record, Unreadable>;
    /// The same record with number `id`.
    fn renumbered(&self, id: Id) -> Result<Self, Unreadable> {
        self.edited(self.read()?.with_id(id))
    }
    /// This entry holding `record` instead, one with the same ULID: a
    /// store that keeps more beside a record (fields it does not know)
    /// keeps that here.
    fn edited(&self, record: Self::Record) -> Result<Self, Unreadable> {
        Ok(Self::from(record))
    }
    /// Whether this entry's record is `record`, but for its number, which
    /// a merge may have changed.
    fn holds(&self, record: &Self::Record) -> Result<bool, Unreadable> {
        let mine = self.read()?;
        Ok(record.clone().with_id(Record::id(&mine)) == mine)
    }
    /// Every record of `entries`, in order, or the first that cannot be
    /// read. A store that can read many at once faster says so here.
    fn read_all(entries: &[Self]) -> Result<Vec<Self::Record>, Unreadable>
    where
        Self: Sized,
    {
        entries.iter().map(Self::read).collect()
    }
    /// For each of `entries`, whether its record may hold `needle`: a quick
    /// check that may wrongly say yes, never wrongly no. A store that can
    /// search its text faster than record by record says so here.
    fn may_mention(entries: &[Self], needle: &Needle) -> Vec<bool>
    where
        Self: Sized,
    {
        let _ = needle;
        vec![true; entries.len()]
    }
}

impl<R: Record> Entry for R {
    type Record = R;

    fn id(&self) -> Id {
        Record::id(self)
    }

    fn ulid(&self) -> Ulid {
        Record::ulid(self)
    }

    fn read(&self) -> Result<R, Unreadable> {
        Ok(self.clone())
    }
}

/// A stored record that cannot be read back; the message says where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unreadable(pub String);

/// How a person names a record: by its short number or by its ULID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ref {
    Id(Id),
    Ulid(Ulid),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an id: give a number (like 3) or a 26-character ULID")]
pub struct InvalidReference(pub String);

impl Ref {
    pub fn matches(&self, id: Id, ulid: Ulid) -> bool {
        match self {
            Self::Id(wanted) => id == *wanted,
            Self::Ulid(wanted) => ulid == *wanted,
        }
    }
}

impl FromStr for Ref {
    type Err = InvalidReference;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        let invalid = || InvalidReference(raw.to_owned());
        if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
            return match raw.parse::<u64>() {
                Ok(n) if n > 0 => Ok(Self::Id(Id(n))),
                _ => Err(invalid()),
            };
        }
        parse_ulid(raw).map(Self::Ulid).ok_or_else(invalid)
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Id(id) => write!(f, "{id}"),
            Self::Ulid(ulid) => write!(f, "{ulid}"),
        }
    }
}

/// A ULID in its 26-character text form, in any case. The text could hold
/// 130 bits, and a ULID is 128: the spec makes a first character above 7
/// invalid, where a lax reading would wrap it onto another ULID.
pub fn parse_ulid(text: &str) -> Option<Ulid> {
    let first = *text.as_bytes().first()?;
    if !(b'0'..=b'7').contains(&first) {
        return None;
    }
    Ulid::from_string(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers() {
        assert_eq!("7".parse(), Ok(Ref::Id(Id(7))));
        assert_eq!(" 12 ".parse(), Ok(Ref::Id(Id(12))));
    }

    #[test]
    fn parses_ulids_in_any_case() {
        let ulid = Ulid::from_string("01KDVDNAZ8V3RS3DTR98H6BCFN").unwrap();
        assert_eq!("01kdvdnaz8v3rs3dtr98h6bcfn".parse(), Ok(Ref::Ulid(ulid)));
    }

    #[test]
    fn the_largest_ulid_is_accepted() {
        assert_eq!(
            "7ZZZZZZZZZZZZZZZZZZZZZZZZZ".parse(),
            Ok(Ref::Ulid(Ulid::from(u128::MAX)))
        );
    }

    #[test]
    fn rejects_everything_else() {
        for raw in [
            "",
            "0",
            "-1",
            "abc",
            "1.5",
            "99999999999999999999999",
            "01KDVDNAZ8",
            // 130 bits: above the largest ULID, 7ZZZZZZZZZZZZZZZZZZZZZZZZZ
            "81M81V6XYR0000000000000004",
            "ZZZZZZZZZZZZZZZZZZZZZZZZZZ",
        ] {
            assert!(raw.parse::<Ref>().is_err(), "{raw:?}");
        }
    }
}
