use std::fmt;

/// A todo's title: trimmed, never blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a title must not be blank")]
pub struct BlankTitle;

impl Title {
    pub fn new(raw: &str) -> Result<Self, BlankTitle> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(BlankTitle);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
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
    fn rejects_empty_and_blank() {
        for raw in ["", " ", "\t\n", "\u{3000}"] {
            assert_eq!(Title::new(raw), Err(BlankTitle), "{raw:?}");
        }
    }
}
