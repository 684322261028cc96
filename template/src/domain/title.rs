use std::fmt;

use unicode_width::UnicodeWidthChar;

/// A todo's title: trimmed, never blank, and never only characters that show nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a title must not be blank")]
pub struct BlankTitle;

impl Title {
    pub fn new(raw: &str) -> Result<Self, BlankTitle> {
        let trimmed = raw.trim();
        if trimmed.chars().all(shows_nothing) {
            return Err(BlankTitle);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Spaces, characters of no width (joiners, marks, byte order marks), and
/// the blank letters and patterns that take a column but draw nothing.
fn shows_nothing(c: char) -> bool {
    c.is_whitespace()
        || c.width() == Some(0)
        || matches!(
            c,
            '\u{115F}' | '\u{1160}' | '\u{2800}' | '\u{3164}' | '\u{FFA0}'
        )
}

impl fmt::Display for Title {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_surrounding_whitespace() {
        assert_eq!(Title::new("  Buy milk \n").unwrap().as_str(), "Buy milk");
    }

    #[test]
    fn keeps_inner_whitespace_and_unicode() {
        assert_eq!(
            Title::new("Купить\tМОЛОКО 🥛").unwrap().as_str(),
            "Купить\tМОЛОКО 🥛"
        );
    }

    #[test]
    fn invisible_characters_beside_visible_ones_are_kept() {
        assert_eq!(
            Title::new("\u{200B}milk\u{2800}").unwrap().as_str(),
            "\u{200B}milk\u{2800}"
        );
        assert!(Title::new("\u{1b}").is_ok(), "shown escaped, so not blank");
    }

    #[test]
    fn rejects_empty_and_blank() {
        for raw in [
            "",
            " ",
            "\t\n",
            "\u{3000}",
            "\u{200B}",
            "\u{FEFF}",
            "\u{2800}",
            " \u{200B}\u{2060}\u{FE0F}\u{3164} ",
        ] {
            assert_eq!(Title::new(raw), Err(BlankTitle), "{raw:?}");
        }
    }
}
