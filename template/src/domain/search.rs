//! Text to look for in records, ignoring case in every alphabet.

use memchr::memmem::Finder;

/// Text to look for, ignoring case in every alphabet.
#[derive(Debug, Clone)]
pub struct Needle {
    lowercase: String,
    finder: Finder<'static>,
}

impl Needle {
    pub fn new(text: &str) -> Self {
        let lowercase = text.to_lowercase();
        let finder = Finder::new(lowercase.as_bytes()).into_owned();
        Self { lowercase, finder }
    }

    /// The needle in lowercase, as it is looked for.
    pub fn lowercase(&self) -> &str {
        &self.lowercase
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
}
