//! Aligned tables for people, and text made safe to show. Nothing here
//! knows a record: `render.rs` says which columns a record has.

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
    /// How narrow it may be made to fit a terminal, its cells wrapped onto
    /// more lines; never narrowed without one.
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

    /// May be narrowed, down to `least` columns, its cells wrapped, to fit a terminal.
    pub fn wrap_to(self, least: usize) -> Self {
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
/// up. With a `max_width`, the columns that may be narrowed share what is
/// left, the widest giving way first, each down to its least width, and
/// their cells wrap onto as many lines as they need, whole.
pub fn table(columns: &[Column], frame: &Frame, out: &mut (impl Write + ?Sized)) -> io::Result<()> {
    let mut widths: Vec<usize> = columns.iter().map(Column::widest).collect();
    if let Some(max) = frame.max_width {
        let gaps = GAP.len() * columns.len().saturating_sub(1);
        let mut excess = (widths.iter().sum::<usize>() + gaps).saturating_sub(max);
        while excess > 0 {
            // The column with the most to give, one column at a time.
            let widest = (columns.iter().zip(&widths).enumerate())
                .filter_map(|(n, (column, &width))| {
                    column
                        .least
                        .filter(|&least| width > least)
                        .map(|_| (width, n))
                })
                .max();
            let Some((_, n)) = widest else { break };
            widths[n] -= 1;
            excess -= 1;
        }
    }
    let style = |style: Style| if frame.colored { style } else { Style::new() };
    let rows = columns.first().map_or(0, |c| c.cells.len());
    let headers: Vec<Vec<Cow<str>>> = columns
        .iter()
        .map(|c| vec![Cow::Borrowed(c.header)])
        .collect();
    let header_styles = vec![style(HEADER); columns.len()];
    write_row(columns, &widths, &headers, &header_styles, true, out)?;
    let cell_styles: Vec<Style> = columns.iter().map(|c| style(c.style)).collect();
    for row in 0..rows {
        let cells: Vec<Vec<Cow<str>>> = (columns.iter().zip(&widths))
            .map(|(column, &width)| match column.least {
                Some(_) => wrap(&column.cells[row], width),
                None => vec![Cow::Borrowed(column.cells[row].as_ref())],
            })
            .collect();
        write_row(columns, &widths, &cells, &cell_styles, false, out)?;
    }
    Ok(())
}

/// One row, its cells' lines side by side, as many lines as its tallest cell.
fn write_row(
    columns: &[Column],
    widths: &[usize],
    cells: &[Vec<Cow<str>>],
    styles: &[Style],
    header: bool,
    out: &mut (impl Write + ?Sized),
) -> io::Result<()> {
    let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    for line in 0..height {
        let texts: Vec<&str> = cells
            .iter()
            .map(|lines| lines.get(line).map_or("", |text| text.as_ref()))
            .collect();
        // Nothing after the last text on a line, as before wrapping.
        let end = texts.iter().rposition(|text| !text.is_empty()).unwrap_or(0);
        for (n, (column, &width)) in columns.iter().zip(widths).enumerate().take(end + 1) {
            let (text, style) = (texts[n], styles[n]);
            let pad = spaces(text, width);
            let last = n == end;
            match (column.right, header) {
                (true, true) => write!(out, "{pad}{style}{text}{style:#}")?,
                (true, false) => write!(out, "{style}{pad}{text}{style:#}")?,
                (false, _) if last => write!(out, "{style}{text}{style:#}")?,
                (false, _) => write!(out, "{style}{text}{style:#}{pad}")?,
            }
            out.write_all(if last { b"\n" } else { GAP.as_bytes() })?;
        }
    }
    Ok(())
}

/// `text` wrapped to lines of at most `width` columns, between words where
/// it can, inside a word that is wider than that (between graphemes).
/// textwrap lays the lines out; each piece is measured as the table pads
/// it, by `columns`, so that no line leaves its column.
fn wrap(text: &str, width: usize) -> Vec<Cow<'_, str>> {
    if columns(text) <= width {
        return vec![Cow::Borrowed(text)];
    }
    let width = width.max(1);
    let mut pieces = Vec::new();
    for word in textwrap::WordSeparator::AsciiSpace.find_words(text) {
        let mut rest = word.word;
        // A word wider than the column is cut into pieces that fit.
        while columns(rest) > width {
            let mut end = 0;
            let mut used = 0;
            for grapheme in rest.graphemes(true) {
                let w = columns(grapheme);
                if used + w > width && end > 0 {
                    break;
                }
                end += grapheme.len();
                used += w;
            }
            pieces.push(Piece {
                word: &rest[..end],
                space: "",
            });
            rest = &rest[end..];
        }
        pieces.push(Piece {
            word: rest,
            space: word.whitespace,
        });
    }
    textwrap::wrap_algorithms::wrap_first_fit(&pieces, &[width as f64])
        .into_iter()
        .map(|line| {
            let mut text = String::new();
            for (n, piece) in line.iter().enumerate() {
                text.push_str(piece.word);
                if n + 1 < line.len() {
                    text.push_str(piece.space);
                }
            }
            Cow::Owned(text)
        })
        .collect()
}

/// A word of a cell, or a piece of one, and the spaces after it.
#[derive(Debug)]
struct Piece<'a> {
    word: &'a str,
    space: &'a str,
}

impl textwrap::core::Fragment for Piece<'_> {
    fn width(&self) -> f64 {
        columns(self.word) as f64
    }

    fn whitespace_width(&self) -> f64 {
        self.space.len() as f64
    }

    fn penalty_width(&self) -> f64 {
        0.0
    }
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
    fn wrap_breaks_between_words_by_display_width() {
        assert_eq!(wrap("short", 10), ["short"]);
        assert_eq!(wrap("a longer text", 8), ["a longer", "text"]);
        assert_eq!(wrap("牛乳を買う", 6), ["牛乳を", "買う"]);
        assert_eq!(
            wrap("supercalifragilistic", 8),
            ["supercal", "ifragili", "stic"]
        );
    }

    #[test]
    fn emoji_with_selectors_and_joiners_are_measured_and_wrapped_whole() {
        assert_eq!(columns("❤\u{fe0f}"), 2);
        assert_eq!(columns("👨\u{200d}👩\u{200d}👧"), 2);
        assert_eq!(wrap("I ❤\u{fe0f} it", 4), ["I ❤\u{fe0f}", "it"]);
        assert_eq!(wrap("I ❤\u{fe0f} it", 3), ["I", "❤\u{fe0f}", "it"]);
        assert_eq!(
            wrap("e\u{301}e\u{301}e\u{301}x", 3),
            ["e\u{301}e\u{301}e\u{301}", "x"]
        );
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
    fn columns_are_aligned_and_the_widest_gives_way_its_cells_wrapped_whole() {
        let table = |max| {
            lines(
                &[
                    Column::new("N", ["7".into(), "12".into()]).right(),
                    Column::new("NAME", ["Ada Lovelace".into(), "Bo".into()]).wrap_to(4),
                    Column::new("NOTE", ["wrote the first program".into(), "".into()]).wrap_to(4),
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
        // NOTE, the widest, gives way first: its words wrap, none is lost.
        assert_eq!(
            table(Some(34)),
            [
                " N  NAME          NOTE         END",
                " 7  Ada Lovelace  wrote the    x",
                "                  first",
                "                  program",
                "12  Bo                         y",
            ]
        );
        // Then both share what is left.
        assert_eq!(
            table(Some(24)),
            [
                " N  NAME     NOTE    END",
                " 7  Ada      wrote   x",
                "    Lovelac  the",
                "    e        first",
                "             progra",
                "             m",
                "12  Bo               y",
            ]
        );
    }

    proptest::proptest! {
        /// Whatever the text and the width, a table is drawn without a
        /// panic, fits the width when it can, keeps its columns aligned, and
        /// shows every character of every cell.
        #[test]
        fn any_text_in_any_width_makes_an_aligned_table_that_loses_nothing(
            cells in proptest::collection::vec(("[^\\s]{0,3}( [^\\s]{0,12}){0,6}", ".*"), 1..4),
            max_width in proptest::option::of(0usize..120),
        ) {
            let ends: Vec<Cow<str>> = cells.iter().map(|_| Cow::Borrowed("end")).collect();
            let lines = lines(
                &[
                    Column::new("A", cells.iter().map(|c| Cow::Borrowed(c.0.as_str()))).wrap_to(12),
                    Column::new("B", cells.iter().map(|c| Cow::Borrowed(c.1.as_str()))).wrap_to(11),
                    Column::new("LAST", ends),
                ],
                max_width,
            );
            // Where the last column begins, every row's first line agrees.
            let last_at = columns(&lines[0]) - "LAST".len();
            let firsts: Vec<&String> = lines.iter().skip(1).filter(|l| l.ends_with("end")).collect();
            proptest::prop_assert_eq!(firsts.len(), cells.len(), "{:?}", lines);
            for line in firsts {
                proptest::prop_assert_eq!(columns(line) - "end".len(), last_at, "{:?}", lines);
            }
            if let Some(max) = max_width {
                let least = 12 + 11 + "LAST".len() + 2 * GAP.len();
                for line in &lines {
                    proptest::prop_assert!(columns(line) <= max.max(least), "{:?}", lines);
                }
                // Each word of a cell in A is on some line, whole where it fits.
                for (a, _) in &cells {
                    for word in visible(a).split(' ').filter(|w| !w.is_empty() && columns(w) <= 12) {
                        proptest::prop_assert!(lines.iter().any(|l| l.contains(word)), "{word:?} lost: {:?}", lines);
                    }
                }
            }
        }
    }
}
