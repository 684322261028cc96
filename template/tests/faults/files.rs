//! Files that are not lists, or not files at all: refused, left alone.

use std::fs;

use {{crate_name}}::adapters::json_file::MAX_FILE_BYTES;
use serde_json::Value;

use super::harness::*;

/// The column just past the last occurrence of `what` in one-line `text`.
fn column_after(text: &str, what: &str) -> usize {
    text.rfind(what).unwrap() + what.len() + 1
}

#[test]
fn files_that_are_not_lists_are_refused_and_left_alone() {
    let one = |id: u64| record(id, &ulid(id), "x");
    let list = |records: &str| {
        format!("{% raw %}{{\"version\": 1, \"next_id\": 9, \"{COLLECTION}\": [{records}]}}{% endraw %}")
    };
    let truncated = format!("{{ "{" }}{\"version\": 1, \"next_id\": 2, \"{COLLECTION}\": [{{ "{" }}{\"id\": 1");
    let twice = format!(
        "{% raw %}{{\"version\": 1, \"next_id\": 9, \"{COLLECTION}\": [{}], \"{COLLECTION}\": []}}{% endraw %}",
        one(1)
    );
    let cases: Vec<(&str, Vec<u8>, String)> = vec![
        (
            "truncated",
            truncated.clone().into_bytes(),
            format!(
                "line 1, column {}: EOF while parsing an object",
                truncated.len()
            ),
        ),
        (
            "binary junk",
            b"\x7fELF\x02\x01\x01\x00\xff\xfe".to_vec(),
            "it is not UTF-8 text".into(),
        ),
        (
            "not JSON",
            b"buy milk\npay rent\n".to_vec(),
            "line 1, column 1: expected value".into(),
        ),
        ("an array", b"[]".to_vec(), "expected a JSON object".into()),
        (
            "the records are a number",
            format!("{% raw %}{{\"version\": 1, \"next_id\": 1, \"{COLLECTION}\": 5}}{% endraw %}").into_bytes(),
            format!("expected \"{COLLECTION}\" to be an array"),
        ),
        (
            "no version",
            format!("{% raw %}{{\"next_id\": 1, \"{COLLECTION}\": []}}{% endraw %}").into_bytes(),
            "the list has no \"version\"".into(),
        ),
        (
            "version zero",
            format!("{% raw %}{{\"version\": 0, \"next_id\": 1, \"{COLLECTION}\": []}}{% endraw %}").into_bytes(),
            "unknown format version 0".into(),
        ),
        (
            "a newer version",
            format!("{% raw %}{{\"version\": 7, \"{COLLECTION}\": \"new shape\"}}{% endraw %}").into_bytes(),
            format!("written by a newer {NAME}"),
        ),
        (
            "a record is a string",
            list("\"buy milk\"").into_bytes(),
            format!("each {NOUN} must be a JSON object"),
        ),
        (
            "a record without a ULID",
            list("{\"id\": 1}").into_bytes(),
            format!("{NOUN} 1 has no \"ulid\""),
        ),
        (
            "a bad ULID",
            list(&one(1).replace("01M81V6XYR", "ULID")).into_bytes(),
            "\"ulid\" is not a ULID".into(),
        ),
        (
            "a duplicate id",
            list(&format!(
                "{},{}",
                one(1),
                one(2).replace("\"id\": 2", "\"id\": 1")
            ))
            .into_bytes(),
            format!("the id 1 belongs to more than one {NOUN}"),
        ),
        (
            "the records twice",
            twice.clone().into_bytes(),
            format!(
                "line 1, column {}: \"{COLLECTION}\" is given twice",
                // At the key's closing quote.
                column_after(&twice, &format!("\"{COLLECTION}\"")) - 1
            ),
        ),
        (
            "an unknown key twice",
            format!("{% raw %}{{\"version\": 1, \"next_id\": 1, \"{COLLECTION}\": [], \"x\": 1, \"x\": 2}}{% endraw %}")
                .into_bytes(),
            "\"x\" is given twice".into(),
        ),
        (
            "a negative id",
            list(&one(1).replace("\"id\": 1", "\"id\": -1")).into_bytes(),
            "\"id\": invalid value: integer `-1`".into(),
        ),
    ];
    for (name, bytes, message) in cases {
        let dir = scratch();
        let path = dir.path().join(FILE);
        fs::write(&path, &bytes).unwrap();
        for args in [
            &[LIST][..],
            &create("x")[..],
            &[REMOVE, "1"],
            &[SEARCH, "x"],
        ] {
            let out = run(dir.path(), args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(65), "{name}, {args:?}: {err}");
            assert!(
                err.starts_with(&format!("error: {FILE} ")),
                "{name}, {args:?}: {err}"
            );
            assert!(err.contains(&message), "{name}, {args:?}: {err}");
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
fn a_broken_record_stops_what_reads_it_and_is_kept_by_what_does_not() {
    let dir = scratch();
    let path = dir.path().join(FILE);
    let (broken, why) = broken_record(2, &ulid(2));
    fs::write(
        &path,
        list_of(3, &[record(1, &ulid(1), "fine"), broken.clone()]),
    )
    .unwrap();
    let before = fs::read(&path).unwrap();
    let expected = format!("line 3, column 1: {NOUN} 2: {why}");
    for args in [&[LIST][..], &[REMOVE, "2"], &[SEARCH, "01M81"]] {
        let out = run(dir.path(), args);
        assert_fails(&out, 65, &expected);
        assert_eq!(
            fs::read(&path).unwrap(),
            before,
            "{args:?} changed the file"
        );
    }
    assert_ok(&run(dir.path(), &[REMOVE, "1"]));
    assert_ok(&run(dir.path(), &create("new")));
    let after = fs::read_to_string(&path).unwrap();
    assert!(
        after.contains(&broken),
        "the broken record was not kept as it was: {after}"
    );
}

#[test]
fn a_large_list_reads_and_writes_like_a_small_one() {
    // Past the size at which a list is read into huge pages.
    let dir = scratch();
    let path = dir.path().join(FILE);
    write_list(&path, 40_000);
    assert!(fs::metadata(&path).unwrap().len() > 4 << 20);
    let found = run(dir.path(), &[SEARCH, "record 39999", "--json"]);
    assert_ok(&found);
    let found: Vec<Value> = serde_json::from_slice(&found.stdout).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0][TEXT], "record 39999");
    assert_ok(&run(dir.path(), &[REMOVE, "1", "40000"]));
    assert_ok(&run(dir.path(), &create("the newest")));
    let all = records(dir.path());
    assert_eq!(all.len(), 39_999);
    assert_eq!(all[0]["id"], 2);
    assert_eq!(all[39_998][TEXT], "the newest");
    assert_eq!(all[39_998]["id"], 40_001);
}

#[test]
fn a_long_list_broken_far_from_what_a_write_touches_is_refused_and_kept() {
    // Long enough that its lines are checked while the new list is written.
    let dir = scratch();
    let (path, history) = (dir.path().join(FILE), dir.path().join(HISTORY_FILE));
    write_list(&path, 40_000);
    assert_ok(&run(dir.path(), &[REMOVE, "1"]));
    // A key given twice: JSON that only a check of the whole line finds wrong.
    let field = format!("\"{TEXT}\": \"record 39990\"");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace(&field, &format!("{field}, \"{TEXT}\": \"other\""));
    fs::write(&path, &text).unwrap();
    let kept = fs::read(&history).unwrap();
    let (n, line) = text
        .lines()
        .enumerate()
        .find(|(_, line)| line.contains(&field))
        .unwrap();
    let expected = format!(
        "line {}, column {}: {NOUN} 39990: \"{TEXT}\" is given twice",
        n + 1,
        column_after(line, &format!("\"{TEXT}\": "))
    );
    for args in [
        &[REMOVE, "2"][..],
        &create("x")[..],
        &[UNDO],
        &[REMOVE, "99999"],
    ] {
        assert_fails(&run(dir.path(), args), 65, &expected);
        assert_eq!(fs::read_to_string(&path).unwrap(), text, "{args:?}");
        assert_eq!(fs::read(&history).unwrap(), kept, "{args:?}");
        assert_eq!(temp_files(dir.path()), Vec::<std::path::PathBuf>::new());
    }
    // Refused, it makes no history either, though it has one to record.
    fs::remove_file(&history).unwrap();
    assert_fails(&run(dir.path(), &create("x")), 65, &expected);
    assert!(!history.exists());
    assert_ok(&run(dir.path(), &[LIST, "5"]));
}

#[test]
fn a_long_list_laid_out_by_hand_is_written_back_whole() {
    // Two records on one line: no longer the layout the fast way reads,
    // which a write finds out only once the new list is written.
    let dir = scratch();
    let path = dir.path().join(FILE);
    write_list(&path, 40_000);
    assert_ok(&run(dir.path(), &[REMOVE, "1"]));
    let written = fs::read_to_string(&path).unwrap();
    let joined = written.replace(",\n    {\"id\": 20000,", ", {\"id\": 20000,");
    assert_ne!(joined, written);
    fs::write(&path, &joined).unwrap();
    assert_ok(&run(dir.path(), &[REMOVE, "2"]));
    let all = records(dir.path());
    assert_eq!(all.len(), 39_998);
    assert_eq!(all[0]["id"], 3);
    assert_eq!(all[19_997]["id"], 20_000);
    assert_eq!(all[19_997][TEXT], "record 20000");
    assert_eq!(all[39_997]["id"], 40_000);
    assert_eq!(
        fs::read_to_string(&path).unwrap().lines().count(),
        39_998 + 6
    );
}

#[test]
fn removing_every_record_of_a_long_list_named_on_stdin_empties_it() {
    let dir = scratch();
    write_list(&dir.path().join(FILE), 20_000);
    let ids: String = (1..=20_000).map(|id| format!("{id}\n")).collect();
    let mut child = {{crate_name}}(dir.path())
        .args([REMOVE, "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ids.as_bytes())
        .unwrap();
    assert_ok(&child.wait_with_output().unwrap());
    assert_eq!(records(dir.path()).len(), 0);
    assert_ok(&run(dir.path(), &create("after")));
    assert_eq!(records(dir.path())[0]["id"], 20_001);
}

#[test]
fn a_directory_in_the_way_is_an_io_error_and_nothing_beside_it_is_touched() {
    let dir = scratch();
    fs::create_dir(dir.path().join(FILE)).unwrap();
    for args in [&[LIST][..], &create("x")[..]] {
        let out = run(dir.path(), args);
        assert_fails(&out, 74, &format!("{FILE} is a directory, not a file"));
    }
    // Named with a slash, a directory's lock and temporary files would be
    // beside it: none is made, and a file of the user's there is kept.
    fs::create_dir(dir.path().join("sub")).unwrap();
    fs::write(dir.path().join(".sub.keep.tmp"), "mine").unwrap();
    let out = run(dir.path(), &and(create("x"), &["--file", "sub/"]));
    assert_fails(&out, 74, "sub/ is a directory, not a file");
    assert!(dir.path().join(".sub.keep.tmp").exists());
    assert!(!dir.path().join(".sub.lock").exists());
    assert!(!dir.path().join(format!(".{FILE}.lock")).exists());
}

/// Runs `args` in `dir`, or fails the test if it does not end within 10 s.
#[cfg(unix)]
fn run_briefly(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    use std::time::{Duration, Instant};

    let mut child = {{crate_name}}(dir)
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
        .arg(dir.path().join(FILE))
        .status()
        .unwrap();
    assert!(made.success());
    for args in [
        &[LIST][..],
        &create("x")[..],
        &[REMOVE, "1"],
        &[SEARCH, "x"],
    ] {
        let out = run_briefly(dir.path(), args);
        assert_fails(&out, 74, &format!("{FILE} is a FIFO, not a file"));
    }
    // Refused before locking: no writer was ever kept waiting.
    assert!(!dir.path().join(format!(".{FILE}.lock")).exists());
}

#[cfg(unix)]
#[test]
#[ignore = "needs root"]
fn a_link_to_a_device_never_replaces_the_device() {
    use std::os::unix::fs::FileTypeExt;

    let dir = scratch();
    private_device(dir.path(), "null", ["c", "1", "3"]);
    std::os::unix::fs::symlink("null", dir.path().join(FILE)).unwrap();
    for args in [&create("x")[..], &[LIST], &[REMOVE, "1"]] {
        let out = run_briefly(dir.path(), args);
        assert_fails(&out, 74, &format!("{FILE} is a device, not a file"));
        let node = fs::symlink_metadata(dir.path().join("null")).unwrap();
        assert!(
            node.file_type().is_char_device(),
            "{args:?} replaced the device"
        );
    }
}

#[test]
fn a_key_given_twice_in_a_record_stops_what_reads_it_and_every_write() {
    let dir = scratch();
    let path = dir.path().join(FILE);
    assert_ok(&run(dir.path(), &create("first")));
    assert_ok(&run(dir.path(), &create("second")));
    // As a hand edit or a merge could leave it: which value would count?
    let field = format!("\"{TEXT}\": \"first\"");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace(&field, &format!("{field}, \"{TEXT}\": \"other\""));
    fs::write(&path, &text).unwrap();
    let line = text.lines().nth(4).unwrap();
    let expected = format!(
        "line 5, column {}: {NOUN} 1: \"{TEXT}\" is given twice",
        column_after(line, &format!("\"{TEXT}\": "))
    );
    assert_ok(&run(dir.path(), &[LIST, "1"]));
    for args in [
        &[LIST][..],
        &[SEARCH, "first"],
        &create("x")[..],
        &[REMOVE, "2"],
    ] {
        let out = run(dir.path(), args);
        assert_fails(&out, 65, &expected);
    }
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_file_too_large_to_be_a_list_is_refused_without_reading_it() {
    let dir = scratch();
    let path = dir.path().join(FILE);
    // Sparse: no disk space is used.
    fs::File::create(&path)
        .unwrap()
        .set_len(MAX_FILE_BYTES + 1)
        .unwrap();
    let out = run(dir.path(), &[LIST]);
    assert_fails(&out, 65, &format!("too large to be {A_NOUN} list"));
}

#[test]
fn a_missing_directory_is_an_io_error() {
    let dir = scratch();
    let file = format!("no/such/dir/{FILE}");
    let out = run(dir.path(), &and(create("x"), &["--file", &file]));
    assert_fails(&out, 74, &file);
    // Named as the folder that is missing, with what to do.
    assert_fails(&out, 74, "in a folder that does not exist: no/such/dir");
    assert!(
        stderr(&out).contains("mkdir -p no/such/dir"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("no").exists(), "nothing is made");
}

#[test]
fn a_stray_comma_is_named_alike_by_readers_and_writers() {
    let dir = scratch();
    assert_ok(&run(dir.path(), &create("a")));
    let list = dir.path().join(FILE);
    let text = fs::read_to_string(&list).unwrap();
    let line = text.lines().find(|l| l.contains("\"ulid\"")).unwrap();
    let broken = text.replace(line, &format!("{},}}", &line[..line.len() - 1]));
    fs::write(&list, &broken).unwrap();
    for args in [vec![LIST], create("b"), vec![REMOVE, "1"]] {
        let out = run(dir.path(), &args);
        assert_fails(&out, 65, "trailing comma");
    }
    assert_eq!(fs::read_to_string(&list).unwrap(), broken);
}
