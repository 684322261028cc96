//! Arguments: anything a shell can pass, numbers and ULIDs that name no
//! record, the last number, and output that cannot be written.

use std::fs;

use super::harness::*;

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_is_a_usage_error() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let dir = scratch();
    let out = {{crate_name}}(dir.path())
        .arg(SEARCH)
        .arg(OsStr::from_bytes(b"caf\xe9"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("invalid UTF-8"), "{}", stderr(&out));
    assert!(!dir.path().join(FILE).exists());
}

#[test]
fn the_longest_text_an_argument_can_hold_works() {
    // Linux caps one argument at 128 KiB.
    let dir = scratch();
    let text = "é".repeat(64 * 1024 - 1);
    assert_ok(&run(dir.path(), &create(&text)));
    assert_eq!(records(dir.path())[0][TEXT], text.as_str());
}

#[test]
fn a_ulid_beyond_128_bits_names_no_record() {
    let dir = scratch();
    let path = dir.path().join(FILE);
    write_list(&path, 4);
    let before = fs::read(&path).unwrap();
    // Its first character makes it 130 bits; read loosely, it wrapped onto record 4.
    let out = run(dir.path(), &[REMOVE, "81M81V6XYR0000000000000004"]);
    assert_fails(
        &out,
        2,
        &format!("`81M81V6XYR0000000000000004` is not {A_NOUN} id"),
    );
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
    let out = run(dir.path(), &[LIST]);
    assert_fails(
        &out,
        65,
        &format!("{NOUN} 4: \"ulid\" is not a ULID: \"81M81V6XYR0000000000000004\""),
    );
}

#[test]
fn a_lock_timeout_beyond_the_clock_waits_without_end() {
    let dir = scratch();
    assert_ok(&run(
        dir.path(),
        &and(create("x"), &["--lock-timeout", "1e19"]),
    ));
    let out = {{crate_name}}(dir.path())
        .args(create("y"))
        .env("{{project-name | shouty_snake_case}}_LOCK_TIMEOUT", "1e19")
        .output()
        .unwrap();
    assert_ok(&out);
    let out = run(dir.path(), &and(create("z"), &["--lock-timeout", "1e300"]));
    assert_fails(&out, 2, "give a number of seconds");
}

#[test]
fn the_last_number_is_handed_out_then_adding_stops_and_the_list_stays_usable() {
    let dir = scratch();
    let path = dir.path().join(FILE);
    let last = (1u64 << 53) - 1;
    fs::write(&path, list_of(last, &[])).unwrap();
    let out = run(dir.path(), &create("the last"));
    assert_ok(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        created(last, "the last")
    );
    let before = fs::read(&path).unwrap();
    let out = run(dir.path(), &create("one more"));
    assert_fails(
        &out,
        65,
        &format!(
            "the list has used every number up to 9007199254740991, so no {NOUN} can be added; nothing was changed"
        ),
    );
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(records(dir.path()).len(), 1);
    assert_ok(&run(dir.path(), &[REMOVE, &last.to_string()]));
    assert_eq!(records(dir.path()).len(), 0);
}

#[test]
fn an_unknown_number_given_twice_is_named_once() {
    let dir = scratch();
    let out = run(dir.path(), &[REMOVE, "1", "1", "2", "1"]);
    assert_fails(
        &out,
        1,
        &format!("error: no {NOUN} with id 1, 2; nothing was changed"),
    );
}

#[test]
fn control_characters_in_arguments_and_paths_are_shown_escaped_in_errors() {
    // Even where colors are forced on, and escape sequences of the tool's
    // own reach the terminal, an argument's are shown as text.
    let dir = scratch();
    let evil = "\u{1b}]0;pwned\u{7}";
    let attempts = [
        vec![REMOVE.to_owned(), format!("x{evil}")],
        vec![LIST.to_owned(), evil.to_owned()],
        vec![evil.to_owned()],
        {
            let file = format!("{evil}/{FILE}");
            and(create("x"), &["--file", &file])
                .iter()
                .map(|a| a.to_string())
                .collect()
        },
    ];
    for args in attempts {
        let out = {{crate_name}}(dir.path())
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
    {{crate_name}}(dir).args(args).stdout(stdout).output().unwrap()
}

#[cfg(unix)]
#[test]
#[ignore = "needs root"]
fn a_change_that_was_saved_is_reported_as_saved_when_its_output_fails() {
    let dir = scratch();
    // A full disk, from a device node of the test's own. (A closed or
    // read-only stdout will not do: Rust programs take a write there as made.)
    private_device(dir.path(), "full", ["c", "1", "7"]);
    let full = fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("full"))
        .unwrap();
    let out = with_stdout(dir.path(), &full, &create("milk"));
    assert_fails(
        &out,
        73,
        "#1 was added, but the output could not be written: No space left on device",
    );
    assert_fails(
        &out,
        73,
        "tip: the change is saved, and running the command again would repeat it",
    );
    assert_eq!(records(dir.path()).len(), 1, "the record was saved once");
    let out = with_stdout(dir.path(), &full, &[LIST]);
    assert_fails(&out, 74, "cannot write output");
    assert_ok(&run(dir.path(), &create("bread")));
    let out = with_stdout(dir.path(), &full, &[REMOVE, "1", "2", "--json"]);
    assert_fails(&out, 73, "#1, #2 were ");
    assert_fails(
        &out,
        73,
        ", but the output could not be written: No space left on device",
    );
    assert_eq!(records(dir.path()).len(), 0);
}

#[test]
fn a_bad_setting_from_the_environment_is_named_as_the_variable() {
    let dir = scratch();
    for (variable, value) in [("{{project-name | shouty_snake_case}}_FILE", ""), ("{{project-name | shouty_snake_case}}_LOCK_TIMEOUT", "abc")] {
        let out = {{crate_name}}(dir.path())
            .arg(LIST)
            .env(variable, value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let said = stderr(&out);
        assert!(said.starts_with(&format!("error: {variable} is")), "{said}");
        assert!(!said.contains("'--"), "blames a flag nobody typed: {said}");
    }
    // A flag typed on the command line is blamed as before.
    let out = run(dir.path(), &["--lock-timeout", "x", LIST]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--lock-timeout"), "{}", stderr(&out));
}
