//! How the todo CLI shows and takes text: its table on a terminal, and the
//! rule for titles. A CLI made from this one keeps these tests for its own
//! output and rules, or lets them go with the todo.

use std::process::Command;

use super::harness::*;

#[test]
fn control_characters_are_stored_exactly_and_shown_escaped() {
    let dir = scratch();
    let title = "\u{1b}]0;pwned\u{7}\u{1b}[2J evil";
    assert_ok(&run(dir.path(), &["add", title, "a\r\nb"]));
    let show = run(dir.path(), &[LIST]);
    let text = String::from_utf8(show.stdout).unwrap();
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
    assert!(
        text.contains("\\u{1b}]0;pwned\\u{7}\\u{1b}[2J evil"),
        "{text}"
    );
    // Line separators and marks that reorder text are shown escaped too.
    assert_ok(&run(dir.path(), &create("one\u{2028}two \u{200f}three")));
    let show = String::from_utf8(run(dir.path(), &[LIST]).stdout).unwrap();
    assert!(show.contains("one\\u{2028}two \\u{200f}three"), "{show}");
    let stored = &records(dir.path())[0];
    assert_eq!(stored[TEXT], title);
    assert_eq!(stored["description"], "a\r\nb");
}

#[test]
fn titles_of_nothing_but_invisible_characters_are_blank() {
    let dir = scratch();
    for title in ["\u{200B}", "\u{FEFF}", "\u{2800}", " \u{200B}\u{2060} "] {
        let out = run(dir.path(), &create(title));
        assert_fails(&out, 2, "a title must not be blank");
    }
    assert!(!dir.path().join(FILE).exists());
}

#[test]
fn a_one_mebibyte_title_is_stored_and_read_back() {
    use jiff::Timestamp;
    use {{crate_name}}::adapters::json_file::JsonFileStore;
    use {{crate_name}}::adapters::time::{DerivedUlids, PinnedClock};
    use {{crate_name}}::app::App;
    use {{crate_name}}::domain::Title;

    let dir = scratch();
    let path = dir.path().join(FILE);
    let now = Timestamp::UNIX_EPOCH;
    let app = App::new(
        JsonFileStore::new(&path, std::time::Duration::from_secs(1)),
        PinnedClock(now),
        DerivedUlids(now),
    );
    let title = "x".repeat(1 << 20);
    app.add(Title::new(&title).unwrap(), String::new()).unwrap();
    assert_eq!(app.show(1).unwrap()[0].title.as_str(), title);
    assert_eq!(records(dir.path())[0][TEXT], title.as_str());
}

/// What a terminal shows of `command` (run by `sh`), `columns` wide, with
/// colors off so that only the text is measured.
#[cfg(target_os = "linux")]
fn on_a_terminal(dir: &std::path::Path, columns: u16, command: &str) -> (Option<i32>, String) {
    let out = Command::new("script")
        .arg("-qec")
        .arg(format!("stty cols {columns} rows 24; {command}"))
        .arg(dir.join("typescript"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("{{project-name | shouty_snake_case}}_FILE")
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[cfg(target_os = "linux")]
#[test]
fn emoji_with_variation_selectors_fit_an_80_column_terminal() {
    use {{crate_name}}::adapters::cli::table::columns;

    let dir = scratch();
    let title = "Plan anniversary dinner \u{2764}\u{fe0f} book the table at Luigi's and order flowers for Anna";
    let description = "\u{2600}\u{fe0f} sunny, \u{2714}\u{fe0f} booked, \u{26a0}\u{fe0f} bring the ring: a description long enough to be cut";
    assert_ok(&run(dir.path(), &["add", title, description]));
    for command in ["show", "find anniversary"] {
        let (code, shown) = on_a_terminal(dir.path(), 80, &format!("'{BIN}' {command}"));
        assert_eq!(code, Some(0), "{command}: {shown}");
        assert!(shown.contains("Plan anniversary dinner"), "{shown}");
        assert!(shown.contains('\u{2026}'), "cut to fit: {shown}");
        for line in shown.lines() {
            assert!(columns(line.trim_end_matches('\r')) <= 80, "{line:?}");
        }
    }
}
