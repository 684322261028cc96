//! Arguments and text: anything a shell can pass, shown safely, and
//! numbers and ULIDs that name no todo.

use std::fs;
use std::process::Command;

use super::harness::*;

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_is_a_usage_error() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let dir = scratch();
    let out = my_todo(dir.path())
        .arg("add")
        .arg(OsStr::from_bytes(b"caf\xe9"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("invalid UTF-8"), "{}", stderr(&out));
    assert!(!dir.path().join("todo.json").exists());
}

#[test]
fn control_characters_are_stored_exactly_and_shown_escaped() {
    let dir = scratch();
    let title = "\u{1b}]0;pwned\u{7}\u{1b}[2J evil";
    assert_ok(&run(dir.path(), &["add", title, "a\r\nb"]));
    let show = run(dir.path(), &["show"]);
    let text = String::from_utf8(show.stdout).unwrap();
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
    assert!(
        text.contains("\\u{1b}]0;pwned\\u{7}\\u{1b}[2J evil"),
        "{text}"
    );
    // Line separators and marks that reorder text are shown escaped too.
    assert_ok(&run(dir.path(), &["add", "one\u{2028}two \u{200f}three"]));
    let show = String::from_utf8(run(dir.path(), &["show"]).stdout).unwrap();
    assert!(show.contains("one\\u{2028}two \\u{200f}three"), "{show}");
    let stored = &todos(dir.path())[0];
    assert_eq!(stored["title"], title);
    assert_eq!(stored["description"], "a\r\nb");
}

#[test]
fn the_longest_title_an_argument_can_hold_works() {
    // Linux caps one argument at 128 KiB; a 1 MiB title is checked through the library.
    let dir = scratch();
    let title = "é".repeat(64 * 1024 - 1);
    assert_ok(&run(dir.path(), &["add", &title]));
    assert_eq!(todos(dir.path())[0]["title"], title.as_str());
}

#[test]
fn a_one_mebibyte_title_is_stored_and_read_back() {
    use jiff::Timestamp;
    use my_todo::adapters::json_file::JsonFileStore;
    use my_todo::adapters::time::{DerivedUlids, PinnedClock};
    use my_todo::app::App;
    use my_todo::domain::Title;

    let dir = scratch();
    let path = dir.path().join("todo.json");
    let now = Timestamp::UNIX_EPOCH;
    let app = App::new(
        JsonFileStore::new(&path, std::time::Duration::from_secs(1)),
        PinnedClock(now),
        DerivedUlids(now),
    );
    let title = "x".repeat(1 << 20);
    app.add(Title::new(&title).unwrap(), String::new()).unwrap();
    assert_eq!(app.show(1).unwrap()[0].title.as_str(), title);
    assert_eq!(todos(dir.path())[0]["title"], title.as_str());
}

#[test]
fn titles_of_nothing_but_invisible_characters_are_blank() {
    let dir = scratch();
    for title in ["\u{200B}", "\u{FEFF}", "\u{2800}", " \u{200B}\u{2060} "] {
        let out = run(dir.path(), &["add", title]);
        assert_fails(&out, 2, "a title must not be blank");
    }
    assert!(!dir.path().join("todo.json").exists());
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
        .env_remove("MY_TODO_FILE")
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[cfg(target_os = "linux")]
#[test]
fn emoji_with_variation_selectors_fit_an_80_column_terminal() {
    use my_todo::adapters::cli::render::columns;

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

#[test]
fn a_ulid_beyond_128_bits_names_no_todo() {
    let dir = scratch();
    let path = dir.path().join("todo.json");
    write_list(&path, 4);
    let before = fs::read(&path).unwrap();
    // Its first character makes it 130 bits; read loosely, it wrapped onto todo 4.
    let out = run(dir.path(), &["done", "81M81V6XYR0000000000000004"]);
    assert_fails(&out, 2, "`81M81V6XYR0000000000000004` is not a todo id");
    assert_eq!(fs::read(&path).unwrap(), before);
    let text = String::from_utf8(before).unwrap();
    fs::write(
        &path,
        text.replace(
            "\"01M81V6XYR0000000000000004\"",
            "\"81M81V6XYR0000000000000004\"",
        ),
    )
    .unwrap();
    let out = run(dir.path(), &["show"]);
    assert_fails(
        &out,
        65,
        "todo 4: \"ulid\" is not a ULID: \"81M81V6XYR0000000000000004\"",
    );
}

#[test]
fn a_lock_timeout_beyond_the_clock_waits_without_end() {
    let dir = scratch();
    assert_ok(&run(dir.path(), &["add", "x", "--lock-timeout", "1e19"]));
    let out = my_todo(dir.path())
        .args(["add", "y"])
        .env("MY_TODO_LOCK_TIMEOUT", "1e19")
        .output()
        .unwrap();
    assert_ok(&out);
    let out = run(dir.path(), &["add", "z", "--lock-timeout", "1e300"]);
    assert_fails(&out, 2, "give a number of seconds");
}

#[test]
fn the_last_number_is_handed_out_then_adding_stops_and_the_list_stays_usable() {
    let dir = scratch();
    let path = dir.path().join("todo.json");
    let last = (1u64 << 53) - 1;
    fs::write(
        &path,
        format!("{{\"version\": 1, \"next_id\": {last}, \"todos\": []}}"),
    )
    .unwrap();
    let out = run(dir.path(), &["add", "the last"]);
    assert_ok(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("Added #{last}: the last\n")
    );
    let before = fs::read(&path).unwrap();
    let out = run(dir.path(), &["add", "one more"]);
    assert_fails(
        &out,
        65,
        "the list has used every number up to 9007199254740991, so no todo can be added; nothing was changed",
    );
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(todos(dir.path()).len(), 1);
    assert_ok(&run(dir.path(), &["done", &last.to_string()]));
    assert_eq!(todos(dir.path()).len(), 0);
}

#[test]
fn an_unknown_number_given_twice_is_named_once() {
    let dir = scratch();
    let out = run(dir.path(), &["done", "1", "1", "2", "1"]);
    assert_fails(&out, 1, "error: no todo with id 1, 2; nothing was changed");
}

#[test]
fn control_characters_in_arguments_and_paths_are_shown_escaped_in_errors() {
    // Even where colors are forced on, and escape sequences of the tool's
    // own reach the terminal, an argument's are shown as text.
    let dir = scratch();
    let evil = "\u{1b}]0;pwned\u{7}";
    let attempts = [
        vec!["done".to_owned(), format!("x{evil}")],
        vec!["show".to_owned(), evil.to_owned()],
        vec![evil.to_owned()],
        vec![
            "add".to_owned(),
            "x".to_owned(),
            "--file".to_owned(),
            format!("{evil}/todo.json"),
        ],
    ];
    for args in attempts {
        let out = my_todo(dir.path())
            .args(&args)
            .env("CLICOLOR_FORCE", "1")
            .output()
            .unwrap();
        let err = stderr(&out);
        assert!(!out.status.success(), "{args:?}");
        assert!(!err.contains(evil), "{args:?}: {err:?}");
        assert!(err.contains("\\u{1b}]0;pwned\\u{7}"), "{args:?}: {err:?}");
    }
}

/// What `args` does with its output going to `stdout`, which cannot take it.
#[cfg(unix)]
fn with_stdout(dir: &std::path::Path, stdout: &fs::File, args: &[&str]) -> std::process::Output {
    let stdout = stdout.try_clone().unwrap();
    my_todo(dir).args(args).stdout(stdout).output().unwrap()
}

#[cfg(unix)]
#[test]
fn a_change_that_was_saved_is_reported_as_saved_when_its_output_fails() {
    let dir = scratch();
    // A full disk, from a device node of the test's own with /dev/full's
    // numbers. (A closed or read-only stdout will not do: Rust programs
    // take a write there as done.)
    let made = Command::new("mknod")
        .arg(dir.path().join("full"))
        .args(["c", "1", "7"])
        .output()
        .unwrap();
    if !made.status.success() {
        eprintln!("skipped: cannot make a device node here (needs root)");
        return;
    }
    let full = fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("full"))
        .unwrap();
    let out = with_stdout(dir.path(), &full, &["add", "milk"]);
    assert_fails(
        &out,
        73,
        "todo #1 was added, but the output could not be written: No space left on device",
    );
    assert_fails(
        &out,
        73,
        "tip: the change is saved, and running the command again would repeat it",
    );
    assert_eq!(todos(dir.path()).len(), 1, "the todo was saved once");
    let out = with_stdout(dir.path(), &full, &["show"]);
    assert_fails(&out, 74, "cannot write output");
    assert_ok(&run(dir.path(), &["add", "bread"]));
    let out = with_stdout(dir.path(), &full, &["done", "1", "2", "--json"]);
    assert_fails(
        &out,
        73,
        "todos #1, #2 were completed, but the output could not be written",
    );
    assert_eq!(todos(dir.path()).len(), 0);
}
