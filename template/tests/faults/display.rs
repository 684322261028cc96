//! Text as the command line shows and takes it: escaped where it could
//! drive a terminal, cut to a terminal's width, refused where the record's
//! rules refuse it.

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
fn emoji_with_variation_selectors_fit_an_80_column_terminal() {
    use {{crate_name}}::adapters::cli::table::columns;

    // The anniversary dinner that once crashed the table in an 80-column terminal.
    let dir = scratch();
    let text = "Plan anniversary dinner \u{2764}\u{fe0f} book the table at Luigi's, \
        \u{2600}\u{fe0f} sunny, \u{2714}\u{fe0f} booked, \u{26a0}\u{fe0f} bring the ring";
    assert_ok(&run(dir.path(), &create(text)));
    for command in [LIST.to_owned(), format!("{SEARCH} anniversary")] {
        let (code, shown) = on_a_terminal(dir.path(), 80, &format!("'{BIN}' {command}"));
        assert_eq!(code, Some(0), "{command}: {shown}");
        assert!(shown.contains("Plan anniv"), "{shown}");
        assert!(shown.contains('\u{2026}'), "cut to fit: {shown}");
        for line in shown.lines() {
            assert!(columns(line.trim_end_matches('\r')) <= 80, "{line:?}");
        }
    }
}
