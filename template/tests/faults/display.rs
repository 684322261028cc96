//! Text as the command line shows and takes it: escaped where it could
//! drive a terminal, wrapped to a terminal's width, refused where the
//! record's rules refuse it.

use super::harness::*;

#[test]
fn control_characters_are_stored_exactly_and_shown_escaped() {
    let dir = scratch();
    let text = "\u{1b}]0;pwned\u{7}\u{1b}[2J evil\r\nline";
    assert_ok(&run(dir.path(), &create(text)));
    let shown = String::from_utf8(run(dir.path(), &[LIST]).stdout).unwrap();
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\r'),
        "{shown:?}"
    );
    assert!(
        shown.contains("\\u{1b}]0;pwned\\u{7}\\u{1b}[2J evil\\r\\nline"),
        "{shown}"
    );
    // Line separators and marks that reorder text are shown escaped too.
    assert_ok(&run(dir.path(), &create("one\u{2028}two \u{200f}three")));
    let shown = String::from_utf8(run(dir.path(), &[LIST]).stdout).unwrap();
    assert!(shown.contains("one\\u{2028}two \\u{200f}three"), "{shown}");
    assert_eq!(records(dir.path())[0][TEXT], text);
}

#[test]
fn what_the_records_rules_refuse_is_a_usage_error_and_nothing_is_stored() {
    let dir = scratch();
    let (args, why) = refused();
    let out = run(dir.path(), &args);
    assert_fails(&out, 2, why);
    assert!(!dir.path().join(FILE).exists());
}

/// What a terminal shows of `command` (run by `sh`), `columns` wide, with
/// colors off so that only the text is measured.
#[cfg(target_os = "linux")]
fn on_a_terminal(dir: &std::path::Path, columns: u16, command: &str) -> (Option<i32>, String) {
    let out = std::process::Command::new("script")
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
fn long_text_wraps_whole_within_a_40_or_80_column_terminal() {
    use {{crate_name}}::adapters::cli::table::columns;

    // The anniversary dinner that once crashed the table in an 80-column
    // terminal: emoji with variation selectors, measured as they are shown.
    let dir = scratch();
    let text = "Plan anniversary dinner \u{2764}\u{fe0f} book the table at Luigi's, \
        \u{2600}\u{fe0f} sunny, \u{2714}\u{fe0f} booked, \u{26a0}\u{fe0f} bring the ring";
    assert_ok(&run(dir.path(), &create(text)));
    for width in [40, 80] {
        for command in [LIST.to_owned(), format!("{SEARCH} anniversary")] {
            let (code, shown) = on_a_terminal(dir.path(), width, &format!("'{BIN}' {command}"));
            assert_eq!(code, Some(0), "{command}: {shown}");
            for line in shown.lines() {
                let line = line.trim_end_matches('\r');
                assert!(columns(line) <= usize::from(width), "{width}: {line:?}");
            }
            // Every word is shown, whole, in order: nothing is cut away.
            assert!(!shown.contains('\u{2026}'), "{width}: {shown}");
            let words: Vec<&str> = shown.split_whitespace().collect();
            let mut at = 0;
            for word in text.split(' ') {
                let found = words[at..].iter().position(|w| *w == word);
                assert!(found.is_some(), "{width}: {word:?} missing from\n{shown}");
                at += found.unwrap_or(0) + 1;
            }
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_terminal_learns_how_many_more_the_list_holds_than_it_shows() {
    let dir = scratch();
    for text in ["one", "two", "three"] {
        assert_ok(&run(dir.path(), &create(text)));
    }
    let (code, shown) = on_a_terminal(dir.path(), 80, &format!("'{BIN}' {LIST} 1"));
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains(&format!("and 2 more {NOUNS}")), "{shown}");
    // Piped, the output is the records alone, for other programs.
    let piped = run(dir.path(), &[LIST, "1"]);
    assert!(!String::from_utf8_lossy(&piped.stdout).contains("more"));
}
