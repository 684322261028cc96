//! Text to look for in records, ignoring case in every alphabet: both sides
//! are case-folded, so that `STRASSE` finds `Straße` and `ß` finds `SS`.

use memchr::memmem::Finder;

/// Text to look for, ignoring case in every alphabet.
#[derive(Debug, Clone)]
pub struct Needle {
    folded: String,
    finder: Finder<'static>,
}

/// `text` case-folded, by Unicode's full case folding, which also joins
/// what lowercasing keeps apart (`ß` and `ss`, `ﬁ` and `fi`); for ASCII,
/// that is its lowercase.
fn folded(text: &str) -> String {
    match text.is_ascii() {
        true => text.to_ascii_lowercase(),
        false => caseless::default_case_fold_str(text),
    }
}

impl Needle {
    pub fn new(text: &str) -> Self {
        let folded = folded(text);
        let finder = Finder::new(folded.as_bytes()).into_owned();
        Self { folded, finder }
    }

    /// The needle case-folded, as it is looked for: ASCII text holds it,
    /// ignoring case, only where its ASCII lowercase does.
    pub fn folded(&self) -> &str {
        &self.folded
    }

    pub fn found_in(&self, haystack: &str) -> bool {
        if haystack.is_ascii() {
            return self
                .finder
                .find(haystack.to_ascii_lowercase().as_bytes())
                .is_some();
        }
        folded(haystack).contains(&self.folded)
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
        assert!(found("STRASSE", "Straße fegen"));
        assert!(found("strasse", "STRAẞE"));
        assert!(found("ß", "GROSS"));
        assert!(found("fi", "ﬁsh"));
        // KELVIN SIGN lowercases to an ASCII k: the Unicode path finds it.
        assert!(found("km", "5 \u{212A}m run"));
    }
}
