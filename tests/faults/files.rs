//! Files that are not todo lists, or not files at all: refused, left alone.

use std::fs;
use std::process::Output;
use std::time::{Duration, Instant};

use my_todo::adapters::json_file::MAX_FILE_BYTES;
use serde_json::Value;

use super::harness::*;

#[test]
fn files_that_are_not_todo_lists_are_refused_and_left_alone() {
    let todo = |id: u64, title: &str| {
        format!(
            "{{\"id\": {id}, \"ulid\": \"01M81V6XYR{id:016}\", \"title\": \"{title}\", \"created_at\": \"2026-11-22T14:40:23Z\"}}"
        )
    };
    let list = |todos: &str| format!("{{\"version\": 1, \"next_id\": 9, \"todos\": [{todos}]}}");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated",
            b"{\"version\": 1, \"next_id\": 2, \"todos\": [{\"id\": 1".to_vec(),
            "line 1, column 47: EOF while parsing an object",
        ),
        (
            "binary junk",
            b"\x7fELF\x02\x01\x01\x00\xff\xfe".to_vec(),
            "it is not UTF-8 text",
        ),
        (
            "not JSON",
            b"buy milk\npay rent\n".to_vec(),
            "line 1, column 1: expected value",
        ),
        ("an array", b"[]".to_vec(), "expected a JSON object"),
        (
            "todos is a number",
            br#"{"version": 1, "next_id": 1, "todos": 5}"#.to_vec(),
            "expected \"todos\" to be an array",
        ),
        (
            "no version",
            br#"{"next_id": 1, "todos": []}"#.to_vec(),
            "the list has no \"version\"",
        ),
        (
            "version zero",
            br#"{"version": 0, "next_id": 1, "todos": []}"#.to_vec(),
            "unknown format version 0",
        ),
        (
            "a newer version",
            br#"{"version": 7, "todos": "new shape"}"#.to_vec(),
            "written by a newer my-todo",
        ),
        (
            "a todo is a string",
            list("\"buy milk\"").into_bytes(),
            "each todo must be a JSON object",
        ),
        (
            "a todo without title",
            list("{\"id\": 1}").into_bytes(),
            "todo 1 has no \"ulid\"",
        ),
        (
            "a bad ULID",
            list(&todo(1, "x").replace("01M81V6XYR", "ULID")).into_bytes(),
            "\"ulid\" is not a ULID",
        ),
        (
            "a duplicate id",
            list(&format!(
                "{},{}",
                todo(1, "a"),
                todo(1, "b").replace("0001\"", "0002\"")
            ))
            .into_bytes(),
            "the id 1 belongs to more than one todo",
        ),
        (
            "the todos twice",
            format!(
                "{{\"version\": 1, \"next_id\": 9, \"todos\": [{}], \"todos\": []}}",
                todo(1, "a")
            )
            .into_bytes(),
            "line 1, column 148: \"todos\" is given twice",
        ),
        (
            "an unknown key twice",
            br#"{"version": 1, "next_id": 1, "todos": [], "x": 1, "x": 2}"#.to_vec(),
            "\"x\" is given twice",
        ),
        (
            "a negative id",
            list(&todo(1, "a").replace("\"id\": 1", "\"id\": -1")).into_bytes(),
            "\"id\": invalid value: integer `-1`",
        ),
    ];
    for (name, bytes, message) in cases {
        let dir = scratch();
        let path = dir.path().join("todo.json");
        fs::write(&path, &bytes).unwrap();
        for args in [&["show"][..], &["add", "x"], &["done", "1"], &["find", "x"]] {
            let out = run(dir.path(), args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(65), "{name}, {args:?}: {err}");
            assert!(
                err.starts_with("error: todo.json "),
                "{name}, {args:?}: {err}"
            );
            assert!(err.contains(message), "{name}, {args:?}: {err}");
            assert!(err.contains("\ntip: "), "{name}, {args:?}: {err}");
            assert_eq!(
                fs::read(&path).unwrap(),
                bytes,
                "{name}, {args:?}: file changed"
            );
        }
    }
}

#[test]
fn a_broken_todo_stops_what_reads_it_and_is_kept_by_what_does_not() {
    let dir = scratch();
    let path = dir.path().join("todo.json");
    let broken = r#"{"id": 2, "ulid": "01M81V6XYR0000000000000002", "title": "  ", "created_at": "2026-11-22T14:40:23Z"}"#;
    fs::write(
        &path,
        format!(
            "{{\"version\": 1, \"next_id\": 3, \"todos\": [\n{{\"id\": 1, \"ulid\": \"01M81V6XYR0000000000000001\", \"title\": \"fine\", \"created_at\": \"2026-11-22T14:40:23Z\"}},\n{broken}]}}"
        ),
    )
    .unwrap();
    let before = fs::read(&path).unwrap();
    for args in [&["show"][..], &["done", "2"], &["find", "01M81"]] {
        let out = run(dir.path(), args);
        assert_eq!(out.status.code(), Some(65), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("line 3, column 1: todo 2: a title must not be blank"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(
            fs::read(&path).unwrap(),
            before,
            "{args:?} changed the file"
        );
    }
    assert_ok(&run(dir.path(), &["done", "1"]));
    assert_ok(&run(dir.path(), &["add", "new"]));
    let after = fs::read_to_string(&path).unwrap();
    assert!(
        after.contains(broken),
        "the broken todo was not kept as it was: {after}"
    );
}

#[test]
fn a_large_list_reads_and_writes_like_a_small_one() {
    // Past the size at which a list is read into huge pages.
    let dir = scratch();
    let path = dir.path().join("todo.json");
    write_list(&path, 40_000);
    assert!(fs::metadata(&path).unwrap().len() > 4 << 20);
    let found = run(dir.path(), &["find", "todo 39999", "--json"]);
    assert_ok(&found);
    let found: Vec<Value> = serde_json::from_slice(&found.stdout).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["description"], "some words about todo 39999");
    assert_ok(&run(dir.path(), &["done", "1", "40000"]));
    assert_ok(&run(dir.path(), &["add", "the newest"]));
    let all = todos(dir.path());
    assert_eq!(all.len(), 39_999);
    assert_eq!(all[0]["id"], 2);
    assert_eq!(all[39_998]["title"], "the newest");
    assert_eq!(all[39_998]["id"], 40_001);
}

#[test]
fn a_directory_in_the_way_is_an_io_error_and_nothing_beside_it_is_touched() {
    let dir = scratch();
    fs::create_dir(dir.path().join("todo.json")).unwrap();
    for args in [&["show"][..], &["add", "x"]] {
        let out = run(dir.path(), args);
        assert_fails(&out, 74, "todo.json is a directory, not a file");
    }
    // Named with a slash, a directory's lock and temporary files would be
    // beside it: none is made, and a file of the user's there is kept.
    fs::create_dir(dir.path().join("sub")).unwrap();
    fs::write(dir.path().join(".sub.keep.tmp"), "mine").unwrap();
    let out = run(dir.path(), &["add", "x", "--file", "sub/"]);
    assert_fails(&out, 74, "sub/ is a directory, not a file");
    assert!(dir.path().join(".sub.keep.tmp").exists());
    assert!(!dir.path().join(".sub.lock").exists());
    assert!(!dir.path().join(".todo.json.lock").exists());
}

/// Runs `args` in `dir`, or fails the test if it does not end within 10 s.
fn run_briefly(dir: &std::path::Path, args: &[&str]) -> Output {
    let mut child = my_todo(dir)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(10) {
            child.kill().unwrap();
            panic!("{args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn a_fifo_in_the_way_is_refused_at_once_and_locks_no_one_out() {
    let dir = scratch();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("todo.json"))
        .status()
        .unwrap();
    assert!(made.success());
    for args in [&["show"][..], &["add", "x"], &["done", "1"], &["find", "x"]] {
        let out = run_briefly(dir.path(), args);
        assert_fails(&out, 74, "todo.json is a FIFO, not a file");
    }
    // Refused before locking: no writer was ever kept waiting.
    assert!(!dir.path().join(".todo.json.lock").exists());
}

#[cfg(unix)]
#[test]
fn a_link_to_a_device_never_replaces_the_device() {
    use std::os::unix::fs::FileTypeExt;

    let dir = scratch();
    // A private node with the numbers of /dev/null, in this test's own folder.
    let made = std::process::Command::new("mknod")
        .arg(dir.path().join("null"))
        .args(["c", "1", "3"])
        .output()
        .unwrap();
    if !made.status.success() {
        eprintln!("skipped: cannot make a device node here (needs root)");
        return;
    }
    std::os::unix::fs::symlink("null", dir.path().join("todo.json")).unwrap();
    for args in [&["add", "x"][..], &["show"], &["done", "1"]] {
        let out = run_briefly(dir.path(), args);
        assert_fails(&out, 74, "todo.json is a device, not a file");
        let node = fs::symlink_metadata(dir.path().join("null")).unwrap();
        assert!(
            node.file_type().is_char_device(),
            "{args:?} replaced the device"
        );
    }
}

#[test]
fn a_key_given_twice_in_a_todo_stops_what_reads_it_and_every_write() {
    let dir = scratch();
    let path = dir.path().join("todo.json");
    assert_ok(&run(dir.path(), &["add", "first"]));
    assert_ok(&run(dir.path(), &["add", "second"]));
    // As a hand edit or a merge could leave it: which title would count?
    let text = fs::read_to_string(&path).unwrap().replace(
        "\"title\": \"first\"",
        "\"title\": \"first\", \"title\": \"other\"",
    );
    fs::write(&path, &text).unwrap();
    assert_ok(&run(dir.path(), &["show", "1"]));
    for args in [&["show"][..], &["find", "first"]] {
        let out = run(dir.path(), args);
        assert_fails(
            &out,
            65,
            "line 5, column 80: todo 1: \"title\" is given twice",
        );
    }
    for args in [&["add", "x"][..], &["done", "2"]] {
        let out = run(dir.path(), args);
        assert_fails(
            &out,
            65,
            "line 5, column 80: todo 1: \"title\" is given twice",
        );
    }
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_file_too_large_to_be_a_list_is_refused_without_reading_it() {
    let dir = scratch();
    let path = dir.path().join("todo.json");
    // Sparse: no disk space is used.
    fs::File::create(&path)
        .unwrap()
        .set_len(MAX_FILE_BYTES + 1)
        .unwrap();
    let out = run(dir.path(), &["show"]);
    assert_fails(&out, 65, "too large to be a todo list");
}

#[test]
fn a_missing_directory_is_an_io_error() {
    let dir = scratch();
    let out = run(dir.path(), &["add", "x", "--file", "no/such/dir/todo.json"]);
    assert_fails(&out, 74, "no/such/dir/todo.json");
    assert_fails(&out, 74, "No such file or directory");
}
