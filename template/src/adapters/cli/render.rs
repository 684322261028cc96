//! How todos look: an aligned table for people, JSON for scripts.

use std::borrow::Cow;
use std::io::{self, Write};

use anstyle::{Effects, Style};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Unit};
use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::domain::Todo;

const DIM: Style = Style::new().effects(Effects::DIMMED);
const BOLD: Style = Style::new().effects(Effects::BOLD);
const HEADER: Style = Style::new().effects(Effects::UNDERLINE);

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

/// How long ago `then` was, as people say it: "just now", "5 minutes ago".
pub fn age(then: Timestamp, now: Timestamp) -> String {
    if now.as_second().saturating_sub(then.as_second()) < 60 {
        return "just now".into();
    }
    let (then, now) = (then.to_zoned(TimeZone::UTC), now.to_zoned(TimeZone::UTC));
    let Ok(span) = then.until((Unit::Year, &now)) else {
        return String::new();
    };
    let days = i64::from(span.get_days());
    let (count, unit) = [
        (i64::from(span.get_years()), "year"),
        (i64::from(span.get_months()), "month"),
        (days / 7, "week"),
        (days, "day"),
        (i64::from(span.get_hours()), "hour"),
        (span.get_minutes(), "minute"),
    ]
    .into_iter()
    .find(|&(count, _)| count > 0)
    .unwrap_or((1, "minute"));
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural} ago")
}

/// The cells of one row, as shown.
struct Row<'a> {
    id: String,
    title: Cow<'a, str>,
    description: Cow<'a, str>,
    age: String,
}

/// How a table is laid out.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// The time ages are counted to.
    pub now: Timestamp,
    /// A terminal's width, to cut long text to; none when piped.
    pub max_width: Option<usize>,
    /// Whether to dim ids and ages and embolden titles.
    pub colored: bool,
}

/// Columns aligned by display width, so CJK and emoji line up. With a
/// `max_width`, descriptions and then titles are cut short with an ellipsis to fit.
pub fn table(todos: &[Todo], layout: &Layout, out: &mut impl Write) -> io::Result<()> {
    let now = layout.now;
    let [dim, bold, header_style] = match layout.colored {
        true => [DIM, BOLD, HEADER],
        false => [Style::new(); 3],
    };
    let rows: Vec<Row> = todos
        .iter()
        .map(|t| Row {
            id: t.id.to_string(),
            title: visible(t.title.as_str()),
            description: visible(&t.description),
            age: age(t.created_at, now),
        })
        .collect();
    let widest = |header: &str, cell: fn(&Row) -> usize| {
        rows.iter().map(cell).fold(header.width(), usize::max)
    };
    let id_width = widest("ID", |r| r.id.len());
    let mut title_width = widest("TITLE", |r| r.title.width());
    let mut description_width = widest("DESCRIPTION", |r| r.description.width());
    let age_width = widest("AGE", |r| r.age.len());
    if let Some(max) = layout.max_width {
        let fixed = id_width + age_width + 3 * GAP.len();
        let mut excess = (fixed + title_width + description_width).saturating_sub(max);
        for (width, least) in [(&mut description_width, 11), (&mut title_width, 12)] {
            let cut = excess.min(width.saturating_sub(least));
            *width -= cut;
            excess -= cut;
        }
    }

    let header = |name: &str| format!("{header_style}{name}{header_style:#}");
    write!(out, "{}{}{GAP}", spaces(id_width - 2), header("ID"))?;
    write!(out, "{}{}{GAP}", header("TITLE"), spaces(title_width - 5))?;
    write!(
        out,
        "{}{}{GAP}",
        header("DESCRIPTION"),
        spaces(description_width - 11)
    )?;
    writeln!(out, "{}", header("AGE"))?;
    for row in &rows {
        let title = fit(&row.title, title_width);
        let description = fit(&row.description, description_width);
        write!(out, "{dim}{:>id_width$}{dim:#}{GAP}", row.id)?;
        write!(
            out,
            "{bold}{title}{bold:#}{}",
            spaces(title_width - title.width())
        )?;
        write!(out, "{GAP}{}{GAP}", pad(&description, description_width))?;
        writeln!(out, "{dim}{}{dim:#}", row.age)?;
    }
    Ok(())
}

const GAP: &str = "  ";

fn spaces(count: usize) -> String {
    " ".repeat(count)
}

fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", spaces(width.saturating_sub(text.width())))
}

/// `text` cut to `width` columns, ending in an ellipsis when cut.
fn fit(text: &str, width: usize) -> Cow<'_, str> {
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    let mut kept = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        kept.push(c);
        used += w;
    }
    kept.push('…');
    Cow::Owned(kept)
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

    #[test]
    fn age_reads_as_people_say_it() {
        let now: Timestamp = "2026-11-22T14:40:23Z".parse().unwrap();
        let ago = |then: &str| age(then.parse().unwrap(), now);
        assert_eq!(ago("2026-11-22T14:40:00Z"), "just now");
        assert_eq!(ago("2026-11-22T14:50:00Z"), "just now");
        assert_eq!(ago("2026-11-22T14:39:23Z"), "1 minute ago");
        assert_eq!(ago("2026-11-22T14:35:00Z"), "5 minutes ago");
        assert_eq!(ago("2026-11-22T12:00:00Z"), "2 hours ago");
        assert_eq!(ago("2026-11-19T14:40:23Z"), "3 days ago");
        assert_eq!(ago("2026-11-08T14:40:23Z"), "2 weeks ago");
        assert_eq!(ago("2026-09-01T00:00:00Z"), "2 months ago");
        assert_eq!(ago("2024-11-22T14:40:23Z"), "2 years ago");
    }

    #[test]
    fn fit_cuts_by_display_width() {
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("a longer title", 8), "a longe…");
        assert_eq!(fit("牛乳を買う", 6), "牛乳…");
    }
}
