//! Where in a file something is wrong, as line and column, for messages
//! that say where to look.

use serde_json::value::RawValue;

use super::source::FormatError;

/// A place in the file.
#[derive(Clone, Copy)]
pub struct Spot<'a> {
    pub text: &'a [u8],
    pub offset: usize,
}

impl<'a> Spot<'a> {
    /// Where `raw`, borrowed from `text`, begins.
    pub fn of(text: &'a [u8], raw: &RawValue) -> Self {
        let start = text.as_ptr() as usize;
        let offset = (raw.get().as_ptr() as usize)
            .checked_sub(start)
            .filter(|&o| o <= text.len())
            .unwrap_or(0);
        Self { text, offset }
    }

    /// `at` bytes further on.
    pub fn plus(self, at: usize) -> Self {
        Self {
            offset: self.offset + at,
            ..self
        }
    }

    pub fn error(self, message: String) -> FormatError {
        let before = &self.text[..self.offset.min(self.text.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        FormatError::Malformed {
            line,
            column: self.offset - line_start + 1,
            message,
        }
    }
}

/// An error from serde_json in `text`, which knows its own position.
pub fn positioned(text: &str, e: &serde_json::Error) -> FormatError {
    // A comma before a closing brace or bracket: serde_json, skipping a
    // value it does not decode, says a key or a value is missing, where
    // decoding a record says what it is.
    let bytes = text.as_bytes();
    let at = offset_in(text, e).min(bytes.len());
    let before = bytes[..at].trim_ascii_end();
    let trailing = before.ends_with(b",") && matches!(bytes.get(at), Some(b'}' | b']'));
    FormatError::Malformed {
        line: e.line(),
        // A wrong type found at the very start is reported at column 0.
        column: e.column().max(1),
        message: match trailing {
            true => "trailing comma".into(),
            false => message(e),
        },
    }
}

/// serde_json's message for `e`, without the position it appends.
pub fn message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_owned()
}

/// Where in `text` serde_json found `e`.
pub fn offset_in(text: &str, e: &serde_json::Error) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + e.column().saturating_sub(1)).min(text.len())
}
