//! Text to look for in records, ignoring case in every alphabet.

use memchr::memmem::Finder;

/// Text to look for, ignoring case in every alphabet.
#[derive(Debug, Clone)]
pub struct Needle {
    lowercase: String,
    finder: Finder<'static>,
}

/// How much text `ascii_matches` folds to lowercase at a time.
const CHUNK: usize = 64 * 1024;

impl Needle {
    pub fn new(text: &str) -> Self {
        let lowercase = text.to_lowercase();
        let finder = Finder::new(lowercase.as_bytes()).into_owned();
        Self { lowercase, finder }
    }

    /// Where the needle occurs in `text`, ignoring ASCII case, found by
    /// folding a chunk at a time and searching it: the offset of every
    /// match, overlapping ones included. `None` for an empty needle, or one
    /// beyond ASCII, where this cannot narrow a search down.
    pub fn ascii_matches(&self, text: &[u8]) -> Option<Vec<usize>> {
        let needle = self.lowercase.as_bytes();
        if needle.is_empty() || !needle.is_ascii() {
            return None;
        }
        let (bytes, mut matches, mut folded) = (text, Vec::new(), Vec::new());
        for start in (0..bytes.len()).step_by(CHUNK) {
            // Each chunk overlaps the next by the needle's length, less one.
            let end = bytes
                .len()
                .min(start + CHUNK + needle.len().saturating_sub(1));
            folded.clear();
            folded.extend_from_slice(&bytes[start..end]);
            folded.make_ascii_lowercase();
            let mut from = 0;
            while let Some(found) = self.finder.find(&folded[from..]) {
                let at = from + found;
                if at >= CHUNK {
                    break;
                }
                matches.push(start + at);
                from = at + 1;
            }
        }
        Some(matches)
    }

    pub fn found_in(&self, haystack: &str) -> bool {
        if haystack.is_ascii() {
            return self
                .finder
                .find(haystack.to_ascii_lowercase().as_bytes())
                .is_some();
        }
        haystack.to_lowercase().contains(&self.lowercase)
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

    #[test]
    fn ascii_matches_are_all_found_across_chunks_and_overlapping() {
        let mut text = "x".repeat(CHUNK - 2);
        text.push_str("AbAbAb and ABAB");
        let needle = Needle::new("abab");
        let expected = [CHUNK - 2, CHUNK, CHUNK + 9];
        assert_eq!(
            needle.ascii_matches(text.as_bytes()),
            Some(expected.to_vec())
        );
        assert_eq!(Needle::new("молоко").ascii_matches(text.as_bytes()), None);
        assert_eq!(Needle::new("").ascii_matches(b"ab"), None);
    }
}
