//! How todos look: a table for people, JSON for scripts.

use std::borrow::Cow;
use std::io::{self, Write};

use jiff::tz::TimeZone;
use jiff::{Timestamp, Unit};
use serde::Serialize;

use super::table::{self, BOLD, Column, DIM, Frame};
use crate::domain::{Removal, Todo};

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

/// What a shell offers beside a todo's number as it completes one: its title.
pub fn hint(todo: &Todo) -> String {
    todo.title.to_string()
}

/// Where the text an editor is given ends: this line and all after it
/// are left out of what is read back, as git does for commit messages.
const CUT: &str = "# ------------------------ >8 ------------------------";

/// The text an editor is given for `todo`: its title on the first line,
/// its description after a blank line, then how to edit it.
pub fn draft(todo: &Todo) -> String {
    let mut text = format!("{}\n\n", todo.title);
    if !todo.description.is_empty() {
        text.push_str(&todo.description);
        text.push('\n');
    }
    text.push_str(&format!(
        "{CUT}\n\
         # Editing #{}. The first line is the title; the lines after it\n\
         # are the description. Nothing from the line above on is kept.\n\
         # Save and quit to change the todo; quit without saving, or empty\n\
         # the file, to leave it as it is.\n",
        todo.id
    ));
    text
}

/// The title and description in `text`, as `draft` lays them out: the
/// first line, then the lines after the blank one below it, as typed but
/// for the blank lines that end them. None when it holds nothing.
pub fn undraft(text: &str) -> Option<(String, String)> {
    let kept: Vec<&str> = text
        .lines()
        .take_while(|line| line.trim_end() != CUT)
        .collect();
    if kept.iter().all(|line| line.trim().is_empty()) {
        return None;
    }
    let (title, rest) = kept.split_first()?;
    let rest = match rest.split_first() {
        Some((blank, rest)) if blank.trim().is_empty() => rest,
        _ => rest,
    };
    Some((title.to_string(), rest.join("\n").trim_end().to_owned()))
}

/// Number, title, description and age. To fit a terminal, descriptions and
/// then titles are cut short with an ellipsis.
pub fn table(
    todos: &[Todo],
    now: Timestamp,
    frame: &Frame,
    out: &mut (impl Write + ?Sized),
) -> io::Result<()> {
    let ages = todos.iter().map(|t| age(t.created_at, now));
    draw(todos.iter(), ("AGE", ages), frame, out)
}

/// As `table`, with how long ago each was completed for its age.
pub fn history_table(
    completed: &[Removal<Todo>],
    now: Timestamp,
    frame: &Frame,
    out: &mut (impl Write + ?Sized),
) -> io::Result<()> {
    let ages = completed.iter().map(|c| age(c.at, now));
    draw(
        completed.iter().map(|c| &c.record),
        ("COMPLETED", ages),
        frame,
        out,
    )
}

fn draw<'a>(
    todos: impl Iterator<Item = &'a Todo> + Clone,
    (when, ages): (&'static str, impl Iterator<Item = String>),
    frame: &Frame,
    out: &mut (impl Write + ?Sized),
) -> io::Result<()> {
    let columns = [
        Column::new("ID", todos.clone().map(|t| t.id.to_string().into()))
            .right()
            .styled(DIM),
        Column::new("TITLE", todos.clone().map(|t| t.title.as_str().into()))
            .wrap_to(12)
            .styled(BOLD),
        Column::new("DESCRIPTION", todos.map(|t| Cow::from(&t.description))).wrap_to(11),
        Column::new(when, ages.map(Cow::from)).styled(DIM),
    ];
    table::table(&columns, frame, out)
}

#[derive(Serialize)]
struct TodoJson<'a> {
    id: u64,
    ulid: String,
    title: &'a str,
    description: &'a str,
    created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    completed_at: Option<String>,
}

impl<'a> TodoJson<'a> {
    fn of(t: &'a Todo, completed_at: Option<Timestamp>) -> Self {
        Self {
            id: t.id.0,
            ulid: t.ulid.to_string(),
            title: t.title.as_str(),
            description: &t.description,
            created_at: t.created_at.to_string(),
            completed_at: completed_at.map(|at| at.to_string()),
        }
    }
}

/// The exact todos, control characters and all, as a JSON array.
pub fn json(todos: &[Todo], out: &mut (impl Write + ?Sized)) -> io::Result<()> {
    let items: Vec<TodoJson> = todos.iter().map(|t| TodoJson::of(t, None)).collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

/// What `undo` did, as a JSON object: which change it took back (`"add"`,
/// `"done"`, or null for nothing), the todos it took off or put back, as
/// `json` prints them, and for each put back under a new number, the
/// number it had.
pub fn undo_json(
    undid: Option<&str>,
    todos: &[Todo],
    renumbered: &[(u64, u64)],
    out: &mut (impl Write + ?Sized),
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Renumbered {
        from: u64,
        to: u64,
    }
    #[derive(Serialize)]
    struct Undo<'a> {
        undid: Option<&'a str>,
        todos: Vec<TodoJson<'a>>,
        renumbered: Vec<Renumbered>,
    }
    let undo = Undo {
        undid,
        todos: todos.iter().map(|t| TodoJson::of(t, None)).collect(),
        renumbered: renumbered
            .iter()
            .map(|&(from, to)| Renumbered { from, to })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &undo)?;
    writeln!(out)
}

/// Completed todos as `json` prints todos, each with `completed_at`.
pub fn history_json(
    completed: &[Removal<Todo>],
    out: &mut (impl Write + ?Sized),
) -> io::Result<()> {
    let items: Vec<TodoJson> = completed
        .iter()
        .map(|c| TodoJson::of(&c.record, Some(c.at)))
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::cli::table::columns;

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
        let frame = Frame {
            max_width,
            colored: false,
        };
        let mut out = Vec::new();
        table(todos, now, &frame, &mut out).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(String::from)
            .collect()
    }

    #[test]
    fn a_draft_reads_back_as_the_todo_it_was_made_from() {
        let todo = |title: &str, description: &str| Todo {
            id: crate::domain::Id(3),
            ulid: ulid::Ulid::nil(),
            title: crate::domain::Title::new(title).unwrap(),
            description: description.into(),
            created_at: Timestamp::UNIX_EPOCH,
        };
        for (title, description) in [
            ("Buy milk", ""),
            ("Buy milk", "2 liters"),
            ("# not a comment", "  indented\n\nthree lines"),
        ] {
            let read = undraft(&draft(&todo(title, description)));
            assert_eq!(read, Some((title.into(), description.into())));
        }
    }

    #[test]
    fn a_draft_is_read_by_its_first_line_and_the_lines_after_the_blank_one() {
        let read = undraft;
        assert_eq!(read(""), None);
        assert_eq!(read(&format!("\n  \n{CUT}\nBuy milk\n")), None);
        assert_eq!(read("Buy milk"), Some(("Buy milk".into(), String::new())));
        // A blank first line is a blank title, not the description moved up.
        assert_eq!(
            read("\n\n2 liters\n"),
            Some((String::new(), "2 liters".into()))
        );
        // The line below the title need not be blank; blank lines at the end go.
        assert_eq!(
            read("Buy milk\n2 liters\n\n\n"),
            Some(("Buy milk".into(), "2 liters".into()))
        );
    }
}
