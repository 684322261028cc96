use std::fmt;

use aho_corasick::AhoCorasick;
use jiff::Timestamp;
use ulid::Ulid;

use super::Title;

/// The short number people type. Never reused within a list, even after `done`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TodoId(pub u64);

impl fmt::Display for TodoId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One thing to do. `ulid` is its permanent identity; `id` is for typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Todo {
    pub id: TodoId,
    pub ulid: Ulid,
    pub title: Title,
    pub description: String,
    pub created_at: Timestamp,
}

impl Todo {
    /// Whether the title or description contains `needle`.
    pub(super) fn mentions(&self, needle: &Needle) -> bool {
        needle.found_in(self.title.as_str()) || needle.found_in(&self.description)
    }
}

/// Text to look for, ignoring case in every alphabet.
#[derive(Debug, Clone)]
pub struct Needle {
    lowercase: String,
    /// For ASCII text, the common case: searched in place, without copies.
    ascii: Option<AhoCorasick>,
}

impl Needle {
    pub fn new(text: &str) -> Self {
        let ascii = text.is_ascii().then(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build([text])
                .ok()
        });
        Self {
            lowercase: text.to_lowercase(),
            ascii: ascii.flatten(),
        }
    }

    /// Where an ASCII needle occurs in `text`, ignoring ASCII case; `None` for
    /// a needle beyond ASCII, which only text beyond ASCII can hold.
    pub fn ascii_matches<'a>(&'a self, text: &'a str) -> Option<impl Iterator<Item = usize> + 'a> {
        let matcher = self.ascii.as_ref()?;
        Some(matcher.find_overlapping_iter(text).map(|m| m.start()))
    }

    pub fn found_in(&self, haystack: &str) -> bool {
        match &self.ascii {
            Some(matcher) if haystack.is_ascii() => matcher.is_match(haystack),
            _ => haystack.to_lowercase().contains(&self.lowercase),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_needle_is_found_ignoring_case_in_ascii_and_beyond() {
        let found = |needle: &str, haystack: &str| Needle::new(needle).found_in(haystack);
        assert!(found("milk", "Buy MILK today"));
        assert!(found("MILK", "milk"));
        assert!(found("", "anything"));
        assert!(!found("milk", "Buy mil"));
        assert!(!found("milk", "mmm ilk"));
        assert!(found("молоко", "Купить МОЛОКО"));
        assert!(found("straße", "Straße"));
        // KELVIN SIGN lowercases to an ASCII k: the Unicode path finds it.
        assert!(found("km", "5 \u{212A}m run"));
    }
}
