//! Snapshots of what people and other programs see: the file on disk and the
//! rendered output. A change here is a change of contract; review it line by line.

#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;
use {{crate_name}}::adapters::cli::render;
use {{crate_name}}::adapters::cli::table::Frame;
use {{crate_name}}::adapters::json_file::JsonFileStore;
use {{crate_name}}::adapters::time::{DerivedUlids, PinnedClock};
use {{crate_name}}::app::App;
use {{crate_name}}::domain::{Id, Ref, Title, Todo};
use {{crate_name}}::ports::UlidSource;

const NOW: &str = "2026-11-22T14:40:23Z";

type TodoApp = App<JsonFileStore<Todo>, PinnedClock, DerivedUlids>;

fn app_on(path: &Path) -> TodoApp {
    let now: Timestamp = NOW.parse().unwrap();
    App::new(
        JsonFileStore::new(path, Duration::from_secs(1)),
        PinnedClock(now),
        DerivedUlids(now),
    )
}

fn add(app: &TodoApp, title: &str, description: &str) {
    app.add(Title::new(title).unwrap(), description.into())
        .unwrap();
}

#[test]
fn file_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("todo.json");
    let app = app_on(&path);
    add(&app, "Buy milk", "2 liters");
    add(&app, "Pay rent", "");
    add(&app, "Quote \"this\" \\ that", "line one\nline two\ttabbed");
    add(&app, "Купить 牛乳 🥛", "\u{1b}[31mred\u{1b}[0m");
    app.done(&[Ref::Id(Id(2))]).unwrap();
    insta::assert_snapshot!(std::fs::read_to_string(&path).unwrap());
}

/// The history beside the list: an add, a done, an edit and an undo, each
/// as the journal keeps it.
#[test]
fn history_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("todo.json");
    let app = app_on(&path);
    add(&app, "Buy milk", "2 liters");
    add(&app, "Pay rnet", "");
    app.done(&[Ref::Id(Id(1))]).unwrap();
    let title = Title::new("Pay rent").unwrap();
    let fixed = |todo: &Todo| Todo {
        title: title.clone(),
        ..todo.clone()
    };
    app.edit(Ref::Id(Id(2)), None, fixed).unwrap();
    app.undo().unwrap();
    let history = dir.path().join("todo.json.history.jsonl");
    insta::assert_snapshot!(std::fs::read_to_string(history).unwrap());
}

/// What `edit` gives an editor: the title, the description, and how to edit.
#[test]
fn editor_draft() {
    insta::assert_snapshot!(render::draft(&sample()[3]));
}

fn sample() -> Vec<Todo> {
    let now: Timestamp = NOW.parse().unwrap();
    [
        (12, "Read chapter 4", "", "2026-11-22T14:40:00Z"),
        (9, "Купить МОЛОКО", "в магазине", "2026-11-22T14:35:00Z"),
        (8, "牛乳を買う", "低脂肪 🥛", "2026-11-22T09:00:00Z"),
        (
            3,
            "Plan the trip to the mountains with everyone",
            "trains, not flights; book the hut early",
            "2026-11-19T10:00:00Z",
        ),
        (
            1,
            "evil \u{1b}]0;pwned\u{7} title",
            "two\nlines",
            "2025-10-01T00:00:00Z",
        ),
    ]
    .into_iter()
    .map(|(id, title, description, created_at)| Todo {
        id: Id(id),
        ulid: DerivedUlids(now).next_ulid(Id(id)),
        title: Title::new(title).unwrap(),
        description: description.into(),
        created_at: created_at.parse().unwrap(),
    })
    .collect()
}

fn table(max_width: Option<usize>, colored: bool) -> String {
    let frame = Frame { max_width, colored };
    let mut out = Vec::new();
    render::table(&sample(), NOW.parse().unwrap(), &frame, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn table_piped() {
    insta::assert_snapshot!(table(None, false));
}

#[test]
fn table_in_a_narrow_terminal() {
    insta::assert_snapshot!(table(Some(60), false));
}

#[test]
fn table_in_color() {
    // ESC shown as ␛ so the codes can be read: dim ids and ages, bold titles.
    insta::assert_snapshot!(table(None, true).replace('\u{1b}', "␛"));
}

#[test]
fn json_output() {
    let mut out = Vec::new();
    render::json(&sample(), &mut out).unwrap();
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}
