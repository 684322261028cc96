//! Aligned tables for people, and text made safe to show. Nothing here
//! knows a record: `render.rs` says which columns a todo has.

use std::borrow::Cow;
use std::io::{self, Write};

use anstyle::{Effects, Style};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

pub const DIM: Style = Style::new().effects(Effects::DIMMED);
pub const BOLD: Style = Style::new().effects(Effects::BOLD);
const HEADER: Style = Style::new().effects(Effects::UNDERLINE);
const GAP: &str = "  ";

/// `text` with control characters shown escaped (`\n`, `\u{1b}`), so text
/// from a list can never move the cursor, recolor, or retitle the terminal
/// it is shown on.
pub fn visible(text: &str) -> Cow<'_, str> {
    // Printable ASCII, the usual case, is seen at a glance.
    if is_printable_ascii(text) || !text.chars().any(is_unsafe) {
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

/// A column of a table: a header, one cell per row, shown with `visible`.
pub struct Column<'a> {
    header: &'static str,
    cells: Vec<Cow<'a, str>>,
    /// How narrow it may be cut to fit a terminal; never cut without one.
    least: Option<usize>,
    style: Style,
    right: bool,
}

impl<'a> Column<'a> {
    pub fn new(header: &'static str, cells: impl IntoIterator<Item = Cow<'a, str>>) -> Self {
        Self {
            header,
            cells: cells
                .into_iter()
                .map(|cell| match cell {
                    Cow::Borrowed(text) => visible(text),
                    Cow::Owned(text) => Cow::Owned(visible(&text).into_owned()),
                })
                .collect(),
            least: None,
            style: Style::new(),
            right: false,
        }
    }

    /// Aligned to the right, as numbers are.
    pub fn right(self) -> Self {
        Self {
            right: true,
            ..self
        }
    }

    /// May be cut, down to `least` columns, with an ellipsis, to fit a terminal.
    pub fn cut_to(self, least: usize) -> Self {
        Self {
            least: Some(least),
            ..self
        }
    }

    /// Cells shown in `style`, where the output has colors.
    pub fn styled(self, style: Style) -> Self {
        Self { style, ..self }
    }

    fn widest(&self) -> usize {
        self.cells
            .iter()
            .map(|cell| columns(cell))
            .fold(columns(self.header), usize::max)
    }
}

/// Where a table goes.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// A terminal's width, to cut long text to; none when piped.
    pub max_width: Option<usize>,
    /// Whether to show the columns' styles and underline the headers.
    pub colored: bool,
}

/// `columns` side by side, aligned by display width, so CJK and emoji line
/// up. With a `max_width`, the columns that may be cut are cut, the
/// rightmost first, each down to its least width.
pub fn table(columns: &[Column], frame: &Frame, out: &mut (impl Write + ?Sized)) -> io::Result<()> {
    let mut widths: Vec<usize> = columns.iter().map(Column::widest).collect();
    if let Some(max) = frame.max_width {
        let gaps = GAP.len() * columns.len().saturating_sub(1);
        let mut excess = (widths.iter().sum::<usize>() + gaps).saturating_sub(max);
        for (column, width) in columns.iter().zip(&mut widths).rev() {
            if let Some(least) = column.least {
                let cut = excess.min(width.saturating_sub(least));
                *width -= cut;
                excess -= cut;
            }
        }
    }
    let style = |style: Style| if frame.colored { style } else { Style::new() };
    let rows = columns.first().map_or(0, |c| c.cells.len());
    let lines = std::iter::once(None).chain((0..rows).map(Some));
    for row in lines {
        for (n, (column, &width)) in columns.iter().zip(&widths).enumerate() {
            let (text, style) = match row {
                None => (Cow::Borrowed(column.header), style(HEADER)),
                Some(row) => (fit(&column.cells[row], width), style(column.style)),
            };
            let pad = spaces(&text, width);
            let last = n + 1 == columns.len();
            match (column.right, row) {
                (true, None) => write!(out, "{pad}{style}{text}{style:#}")?,
                (true, Some(_)) => write!(out, "{style}{pad}{text}{style:#}")?,
                (false, _) if last => write!(out, "{style}{text}{style:#}")?,
                (false, _) => write!(out, "{style}{text}{style:#}{pad}")?,
            }
            out.write_all(if last { b"\n" } else { GAP.as_bytes() })?;
        }
    }
    Ok(())
}

/// How many columns `text` takes on a terminal: the width of each of its
/// graphemes (a character with its marks, joiners and selectors, which
/// make `❤` + U+FE0F two columns wide) added up. Tables measure and cut
/// with this one measure, so their arithmetic always adds up.
pub fn columns(text: &str) -> usize {
    // Printable ASCII, the usual case: a column a byte.
    if is_printable_ascii(text) {
        return text.len();
    }
    text.graphemes(true).map(UnicodeWidthStr::width).sum()
}

fn is_printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (b' '..=b'~').contains(&b))
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
    if is_printable_ascii(text) {
        let kept = width.saturating_sub(1);
        return Cow::Owned(format!("{}…", &text[..kept]));
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

    fn lines(columns: &[Column], max_width: Option<usize>) -> Vec<String> {
        let frame = Frame {
            max_width,
            colored: false,
        };
        let mut out = Vec::new();
        table(columns, &frame, &mut out).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(String::from)
            .collect()
    }

    #[test]
    fn columns_are_aligned_and_the_rightmost_that_may_be_cut_is_cut_first() {
        let table = |max| {
            lines(
                &[
                    Column::new("N", ["7".into(), "12".into()]).right(),
                    Column::new("NAME", ["Ada Lovelace".into(), "Bo".into()]).cut_to(4),
                    Column::new("NOTE", ["wrote the first program".into(), "".into()]).cut_to(4),
                    Column::new("END", ["x".into(), "y".into()]),
                ],
                max,
            )
        };
        assert_eq!(
            table(None),
            [
                " N  NAME          NOTE                     END",
                " 7  Ada Lovelace  wrote the first program  x",
                "12  Bo                                     y",
            ]
        );
        assert_eq!(
            table(Some(30)),
            [
                " N  NAME          NOTE     END",
                " 7  Ada Lovelace  wrote …  x",
                "12  Bo                     y",
            ]
        );
        // NOTE is down to its least; then NAME gives way.
        assert_eq!(table(Some(20))[1], " 7  Ada …  wro…  x");
    }

    proptest::proptest! {
        /// Whatever the text and the width, a table is drawn without a
        /// panic, fits the width when it can, and keeps its columns aligned.
        #[test]
        fn any_text_in_any_width_makes_an_aligned_table(
            cells in proptest::collection::vec((".*", ".*"), 1..4),
            max_width in proptest::option::of(0usize..120),
        ) {
            let ends: Vec<Cow<str>> = cells.iter().map(|_| Cow::Borrowed("end")).collect();
            let lines = lines(
                &[
                    Column::new("A", cells.iter().map(|c| Cow::Borrowed(c.0.as_str()))).cut_to(12),
                    Column::new("B", cells.iter().map(|c| Cow::Borrowed(c.1.as_str()))).cut_to(11),
                    Column::new("LAST", ends),
                ],
                max_width,
            );
            proptest::prop_assert_eq!(lines.len(), cells.len() + 1);
            // Where the last column begins, every line agrees.
            let last_at = columns(&lines[0]) - "LAST".len();
            for line in &lines[1..] {
                proptest::prop_assert_eq!(columns(line) - "end".len(), last_at, "{:?}", lines);
            }
            // Cut as far as the columns' least widths allow.
            if let Some(max) = max_width {
                let least = 12 + 11 + "LAST".len() + 2 * GAP.len();
                for line in &lines {
                    proptest::prop_assert!(columns(line) <= max.max(least), "{:?}", lines);
                }
            }
        }
    }
}
