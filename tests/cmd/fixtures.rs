//! The files in `tests/cmd/*.in/`, which pages read and their own commands
//! cannot make: lists broken on purpose (`errors.md`), versions of one list
//! that clones changed apart (`git.md`), a list added to over a year
//! (`show.md`). Each is a list the program wrote from the commands here,
//! some then changed by one edit: a new record changes the commands, and
//! the edits of `twice.json` and `bad-time.json`, which name its fields.
//! `TRYCMD=overwrite cargo test --test cli` writes them; a plain run checks.

use super::{PINNED_NOW, list_made_by};

/// Every fixture, by its path under `tests/cmd/`.
pub fn fixtures() -> Vec<(String, Vec<u8>)> {
    let two = list_made_by(&[
        r#"my-todo add "Buy milk" "2 liters""#,
        r#"my-todo add "Pay rent""#,
    ]);
    let emptied = list_made_by(&[r#"my-todo add "Buy milk""#, "my-todo undo"]);
    let errors = [
        // cut in the middle of the last ULID, as by a full disk
        (
            "truncated.json",
            two[..two.rfind(r#""ulid": ""#).unwrap() + 17].to_owned(),
        ),
        ("array.json", "[]\n".to_owned()),
        ("todos-number.json", replace_last(&emptied, "[]", "5")),
        ("bad-time.json", replace_last(&two, PINNED_NOW, "yesterday")),
        ("stray-comma.json", two.replacen("},\n", ",},\n", 1)),
        (
            "twice.json",
            replace_last(
                &two,
                r#""title": "Pay rent""#,
                r#""title": "Pay rent", "title": "Pay the rent""#,
            ),
        ),
        ("newer.json", newer(&two)),
        // git keeps no empty folder
        ("folder.json/.keep", String::new()),
    ];
    let dentist = r#"MY_TODO_NOW=2026-11-21T10:00:00Z my-todo add "Book the dentist""#;
    let passport = r#"MY_TODO_NOW=2026-11-21T11:00:00Z my-todo add "Renew passport""#;
    let base = clone(&[], &[]);
    let git = [
        ("base.json", base.clone()),
        (
            "laptop.json",
            clone(
                &[r#"MY_TODO_NOW=2026-11-20T09:00:00Z my-todo add "Buy milk" "2 liters, oat""#],
                &["my-todo done 2", dentist],
            ),
        ),
        (
            "phone.json",
            clone(
                &[
                    r#"MY_TODO_NOW=2026-11-20T09:10:00Z my-todo add "Call the plumber again" "kitchen sink""#,
                ],
                &[passport],
            ),
        ),
        (
            "mine.json",
            clone(
                &[r#"MY_TODO_NOW=2026-11-20T09:00:00Z my-todo add "Buy oat milk" "2 liters""#],
                &[],
            ),
        ),
        (
            "yours.json",
            clone(
                &[r#"MY_TODO_NOW=2026-11-20T09:00:00Z my-todo add "Buy soy milk" "2 liters""#],
                &[],
            ),
        ),
        ("newer.json", newer(&base)),
        (
            "markers.json",
            markers(&clone(&[], &[dentist]), &clone(&[], &[passport])),
        ),
    ];
    let mut files: Vec<(String, Vec<u8>)> = errors
        .into_iter()
        .map(|(name, text)| (format!("errors.in/{name}"), text.into_bytes()))
        .chain(
            git.into_iter()
                .map(|(name, text)| (format!("git.in/{name}"), text.into_bytes())),
        )
        .collect();
    files.push((
        "show.in/todo.json".to_owned(),
        list_made_by(&SHOWN).into_bytes(),
    ));
    // the start of a PNG image: neither text nor JSON
    files.push((
        "errors.in/picture.json".to_owned(),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe".to_vec(),
    ));
    files
}

/// The list `show.md` shows, added over a year before the pages' clock
/// (trycmd gives every command of a page the same clock).
const SHOWN: [&str; 12] = [
    r#"MY_TODO_NOW=2025-08-30T09:15:00Z my-todo add "Buy milk" "2 liters""#,
    r#"MY_TODO_NOW=2026-09-28T08:00:00Z my-todo add "Pay rent""#,
    r#"MY_TODO_NOW=2026-10-20T17:30:00Z my-todo add "Call the plumber" "kitchen sink""#,
    r#"MY_TODO_NOW=2026-11-01T12:00:00Z my-todo add "Renew passport" "expires in March""#,
    r#"MY_TODO_NOW=2026-11-10T09:00:00Z my-todo add "Book dentist""#,
    r#"MY_TODO_NOW=2026-11-15T19:45:00Z my-todo add "Water the plants" "balcony too""#,
    r#"MY_TODO_NOW=2026-11-19T07:20:00Z my-todo add "Back up laptop""#,
    r#"MY_TODO_NOW=2026-11-21T16:00:00Z my-todo add "Return library books" "3 books, due Monday""#,
    r#"MY_TODO_NOW=2026-11-22T08:10:00Z my-todo add "Send birthday card" "to grandma""#,
    r#"MY_TODO_NOW=2026-11-22T13:05:00Z my-todo add "Fix bike light""#,
    r#"MY_TODO_NOW=2026-11-22T14:12:00Z my-todo add "Plan the trip" "trains, not flights""#,
    r#"MY_TODO_NOW=2026-11-22T14:40:00Z my-todo add "Read chapter 4""#,
];

/// The list both clones of `git.md` started from, two days before the
/// pages' clock.
const BASE: [&str; 3] = [
    r#"MY_TODO_NOW=2026-11-20T09:00:00Z my-todo add "Buy milk" "2 liters""#,
    r#"MY_TODO_NOW=2026-11-20T09:05:00Z my-todo add "Pay rent""#,
    r#"MY_TODO_NOW=2026-11-20T09:10:00Z my-todo add "Call the plumber" "kitchen sink""#,
];

/// `BASE`, each `edits` command in place of the one at its instant, then
/// `more`. A todo added at the same instant under the same number gets the
/// same ULID: it is the same todo, as one clone edited it (no command edits).
fn clone(edits: &[&str], more: &[&str]) -> String {
    let instant = |command: &str| command.split_once(' ').unwrap().0.to_owned();
    let edited = BASE.map(|base| {
        let edit = edits.iter().find(|edit| instant(edit) == instant(base));
        *edit.unwrap_or(&base)
    });
    list_made_by(&[&edited[..], more].concat())
}

/// A list in a format version this one does not know.
fn newer(list: &str) -> String {
    list.replacen(r#""version": 1"#, r#""version": 2"#, 1)
}

/// Two versions of a list, merged by git as text: the lines that differ
/// between conflict markers.
fn markers(ours: &str, theirs: &str) -> String {
    assert_eq!(ours.lines().count(), theirs.lines().count());
    let mut merged = String::new();
    for (ours, theirs) in ours.lines().zip(theirs.lines()) {
        if ours == theirs {
            merged += &format!("{ours}\n");
        } else {
            merged += &format!("<<<<<<< HEAD\n{ours}\n=======\n{theirs}\n>>>>>>> origin/main\n");
        }
    }
    merged
}

fn replace_last(text: &str, from: &str, to: &str) -> String {
    let at = text.rfind(from).unwrap();
    format!("{}{to}{}", &text[..at], &text[at + from.len()..])
}
