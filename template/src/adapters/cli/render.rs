//! How todos look: an aligned table for people, JSON for scripts.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::domain::Todo;

/// `text` with control characters shown escaped (`\n`, `\u{1b}`), so a todo
/// can never move the cursor, recolor, or retitle the terminal it is shown on.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

/// Control characters, and the bidirectional overrides that reorder what follows them.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Columns aligned by display width, so CJK and emoji line up.
pub fn table(todos: &[Todo], out: &mut impl Write) -> io::Result<()> {
    let rows: Vec<[Cow<str>; 3]> = todos
        .iter()
        .map(|t| {
            [
                Cow::Owned(t.id.to_string()),
                visible(t.title.as_str()),
                visible(&t.description),
            ]
        })
        .collect();
    let id_width = rows.iter().map(|r| r[0].len()).fold("ID".len(), usize::max);
    let title_width = rows
        .iter()
        .map(|r| r[1].width())
        .fold("TITLE".len(), usize::max);
    let header = ["ID", "TITLE", "DESCRIPTION"].map(Cow::Borrowed);
    for [id, title, description] in std::iter::once(header).chain(rows) {
        let line = format!(
            "{id:>id_width$}  {title}{pad}  {description}",
            pad = " ".repeat(title_width - title.width())
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

#[derive(Serialize)]
struct TodoJson<'a> {
    id: u64,
    ulid: String,
    title: &'a str,
    description: &'a str,
    created_at: String,
}

/// The exact todos, control characters and all, as a JSON array.
pub fn json(todos: &[Todo], out: &mut impl Write) -> io::Result<()> {
    let items: Vec<TodoJson> = todos
        .iter()
        .map(|t| TodoJson {
            id: t.id.0,
            ulid: t.ulid.to_string(),
            title: t.title.as_str(),
            description: &t.description,
            created_at: t.created_at.to_string(),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_escapes_controls_and_keeps_the_rest() {
        assert_eq!(visible("plain Ünïcödé 🥛"), "plain Ünïcödé 🥛");
        assert_eq!(visible("a\nb\tc"), "a\\nb\\tc");
        assert_eq!(visible("\u{1b}]0;pwned\u{7}"), "\\u{1b}]0;pwned\\u{7}");
        assert_eq!(visible("\u{9b}2J \u{202e}txt"), "\\u{9b}2J \\u{202e}txt");
    }
}
