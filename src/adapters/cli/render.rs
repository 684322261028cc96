//! How todos look: an aligned table for people, JSON for scripts.

use std::borrow::Cow;
use std::io::{self, Write};

use anstyle::{Effects, Style};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Unit};
use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::domain::Todo;

const DIM: Style = Style::new().effects(Effects::DIMMED);
const BOLD: Style = Style::new().effects(Effects::BOLD);
const HEADER: Style = Style::new().effects(Effects::UNDERLINE);

/// `text` with control characters shown escaped (`\n`, `\u{1b}`), so a todo
/// can never move the cursor, recolor, or retitle the terminal it is shown on.
pub fn visible(text: &str) -> Cow<'_, str> {
    // Printable ASCII, the usual case, is seen at a glance.
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) || !text.chars().any(is_unsafe) {
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

/// Control characters, the line and paragraph separators that break a line
/// like a newline, and the bidirectional marks that reorder what is around them.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `text` as `visible` shows it, but with its lines kept as lines.
pub fn visible_lines(text: &str) -> String {
    let lines: Vec<Cow<str>> = text.split('\n').map(visible).collect();
    lines.join("\n")
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
        rows.iter().map(cell).fold(columns(header), usize::max)
    };
    let id_width = widest("ID", |r| columns(&r.id));
    let mut title_width = widest("TITLE", |r| columns(&r.title));
    let mut description_width = widest("DESCRIPTION", |r| columns(&r.description));
    let age_width = widest("AGE", |r| columns(&r.age));
    if let Some(max) = layout.max_width {
        let fixed = id_width + age_width + 3 * GAP.len();
        let mut excess = (fixed + title_width + description_width).saturating_sub(max);
        for (width, least) in [(&mut description_width, 11), (&mut title_width, 12)] {
            let cut = excess.min(width.saturating_sub(least));
            *width -= cut;
            excess -= cut;
        }
    }

    let header = |name: &str, width: usize| {
        format!(
            "{header_style}{name}{header_style:#}{}",
            spaces(name, width)
        )
    };
    write!(out, "{}{}{GAP}", spaces("ID", id_width), header("ID", 0))?;
    write!(out, "{}{GAP}", header("TITLE", title_width))?;
    write!(out, "{}{GAP}", header("DESCRIPTION", description_width))?;
    writeln!(out, "{}", header("AGE", 0))?;
    for row in &rows {
        let title = fit(&row.title, title_width);
        let description = fit(&row.description, description_width);
        write!(
            out,
            "{dim}{}{}{dim:#}{GAP}",
            spaces(&row.id, id_width),
            row.id
        )?;
        write!(out, "{bold}{title}{bold:#}{}", spaces(&title, title_width))?;
        write!(
            out,
            "{GAP}{description}{}{GAP}",
            spaces(&description, description_width)
        )?;
        writeln!(out, "{dim}{}{dim:#}", row.age)?;
    }
    Ok(())
}

const GAP: &str = "  ";

/// How many columns `text` takes on a terminal: the width of each of its
/// graphemes (a character with its marks, joiners and selectors, which
/// make `❤` + U+FE0F two columns wide) added up. Tables measure and cut
/// with this one measure, so their arithmetic always adds up.
pub fn columns(text: &str) -> usize {
    text.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// The spaces that pad `text` out to `width` columns.
fn spaces(text: &str, width: usize) -> String {
    " ".repeat(width.saturating_sub(columns(text)))
}

/// `text` cut to `width` columns, ending in an ellipsis when cut. It is cut
/// between graphemes, never inside one.
fn fit(text: &str, width: usize) -> Cow<'_, str> {
    if columns(text) <= width {
        return Cow::Borrowed(text);
    }
    let mut kept = String::new();
    let mut used = 0;
    for grapheme in text.graphemes(true) {
        let w = grapheme.width();
        if used + w + 1 > width {
            break;
        }
        kept.push_str(grapheme);
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
        assert_eq!(
            visible("a\u{2028}b\u{2029}c\u{200f}d\u{61c}"),
            "a\\u{2028}b\\u{2029}c\\u{200f}d\\u{61c}"
        );
        assert_eq!(visible_lines("a\u{1b}\nb"), "a\\u{1b}\nb");
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

    #[test]
    fn emoji_with_selectors_and_joiners_are_measured_and_cut_whole() {
        assert_eq!(columns("❤\u{fe0f}"), 2);
        assert_eq!(columns("👨\u{200d}👩\u{200d}👧"), 2);
        assert_eq!(fit("I ❤\u{fe0f} it", 4), "I …");
        assert_eq!(fit("I ❤\u{fe0f} it", 5), "I ❤\u{fe0f}…");
        assert_eq!(
            fit("e\u{301}e\u{301}e\u{301}", 3),
            "e\u{301}e\u{301}e\u{301}"
        );
        assert_eq!(fit("e\u{301}e\u{301}e\u{301}x", 3), "e\u{301}e\u{301}…");
    }

    /// The anniversary dinner that once crashed `show` in an 80-column terminal.
    #[test]
    fn a_title_with_a_variation_selector_fits_a_narrow_terminal() {
        let now: Timestamp = "2026-11-22T14:40:23Z".parse().unwrap();
        let todo = |title: &str| Todo {
            id: crate::domain::Id(1),
            ulid: ulid::Ulid::nil(),
            title: crate::domain::Title::new(title).unwrap(),
            description: String::new(),
            created_at: now,
        };
        let todos = [todo(
            "Plan anniversary dinner ❤\u{fe0f} book the table at Luigi's and order flowers for Anna",
        )];
        for max_width in 0..100 {
            let lines = table_lines(&todos, now, Some(max_width));
            for line in &lines {
                assert!(columns(line) <= max_width.max(39), "{max_width}: {line:?}");
            }
        }
    }

    fn table_lines(todos: &[Todo], now: Timestamp, max_width: Option<usize>) -> Vec<String> {
        let layout = Layout {
            now,
            max_width,
            colored: false,
        };
        let mut out = Vec::new();
        table(todos, &layout, &mut out).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(String::from)
            .collect()
    }

    proptest::proptest! {
        /// Whatever the text and the width, the table is drawn without a
        /// panic, fits the width when it can, and keeps its columns aligned.
        #[test]
        fn any_text_in_any_width_makes_an_aligned_table(
            cells in proptest::collection::vec((".*", ".*"), 1..4),
            max_width in proptest::option::of(0usize..120),
        ) {
            let now: Timestamp = "2026-11-22T14:40:23Z".parse().unwrap();
            let todos: Vec<Todo> = cells
                .iter()
                .enumerate()
                .filter_map(|(n, (title, description))| {
                    Some(Todo {
                        id: crate::domain::Id(n as u64 + 1),
                        ulid: ulid::Ulid::nil(),
                        title: crate::domain::Title::new(title).ok()?,
                        description: description.clone(),
                        created_at: now,
                    })
                })
                .collect();
            let lines = table_lines(&todos, now, max_width);
            proptest::prop_assert_eq!(lines.len(), todos.len() + 1);
            // Every age is "just now": where it begins, every line agrees.
            let age_at = columns(&lines[0]) - "AGE".len();
            for line in &lines[1..] {
                proptest::prop_assert_eq!(columns(line) - "just now".len(), age_at, "{:?}", lines);
            }
            // Cut as far as the titles' and descriptions' least widths allow.
            if let Some(max) = max_width {
                let least = "ID".len() + 12 + 11 + "just now".len() + 3 * GAP.len();
                for line in &lines {
                    proptest::prop_assert!(columns(line) <= max.max(least), "{:?}", lines);
                }
            }
        }
    }
}
