use std::str::FromStr;

use ulid::Ulid;

use super::TodoId;

/// How a person names a todo: by its short number or by its ULID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TodoRef {
    Id(TodoId),
    Ulid(Ulid),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a todo id: give its number (like 3) or its 26-character ULID")]
pub struct InvalidReference(pub String);

impl TodoRef {
    pub fn matches(&self, id: TodoId, ulid: Ulid) -> bool {
        match self {
            Self::Id(wanted) => id == *wanted,
            Self::Ulid(wanted) => ulid == *wanted,
        }
    }
}

impl FromStr for TodoRef {
    type Err = InvalidReference;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        let invalid = || InvalidReference(raw.to_owned());
        if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
            return match raw.parse::<u64>() {
                Ok(n) if n > 0 => Ok(Self::Id(TodoId(n))),
                _ => Err(invalid()),
            };
        }
        parse_ulid(raw).map(Self::Ulid).ok_or_else(invalid)
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

impl std::fmt::Display for TodoRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Id(id) => write!(f, "{id}"),
            Self::Ulid(ulid) => write!(f, "{ulid}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers() {
        assert_eq!("7".parse(), Ok(TodoRef::Id(TodoId(7))));
        assert_eq!(" 12 ".parse(), Ok(TodoRef::Id(TodoId(12))));
    }

    #[test]
    fn parses_ulids_in_any_case() {
        let ulid = Ulid::from_string("01KDVDNAZ8V3RS3DTR98H6BCFN").unwrap();
        assert_eq!(
            "01kdvdnaz8v3rs3dtr98h6bcfn".parse(),
            Ok(TodoRef::Ulid(ulid))
        );
    }

    #[test]
    fn the_largest_ulid_is_accepted() {
        assert_eq!(
            "7ZZZZZZZZZZZZZZZZZZZZZZZZZ".parse(),
            Ok(TodoRef::Ulid(Ulid::from(u128::MAX)))
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
            assert!(raw.parse::<TodoRef>().is_err(), "{raw:?}");
        }
    }
}
