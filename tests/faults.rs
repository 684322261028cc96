//! Faults a todo list must survive, driven through the real binary: many
//! processes at once, `kill -9` mid-write, a full disk, hostile files.

#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::thread;
use std::time::{Duration, Instant};

use my_todo::adapters::json_file::{JsonFileStore, MAX_FILE_BYTES};
use my_todo::ports::TodoStore;
use serde_json::Value;
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_my-todo");

/// The binary, run in `dir`, free of settings from the caller's environment.
fn my_todo(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env_remove("MY_TODO_FILE")
        .env_remove("MY_TODO_NOW")
        .env_remove("MY_TODO_LOCK_TIMEOUT");
    cmd
}

fn run(dir: &Path, args: &[&str]) -> Output {
    my_todo(dir).args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_ok(out: &Output) {
    assert!(out.status.success(), "{:?}: {}", out.status, stderr(out));
}

/// That `out` ended with exit code `code` and said `says`.
fn assert_fails(out: &Output, code: i32, says: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.contains(says), "{err}");
}

/// Every todo of the list in `dir`, oldest first, as `--json` prints them.
fn todos(dir: &Path) -> Vec<Value> {
    let out = run(dir, &["show", "1000000000", "--json"]);
    assert_ok(&out);
    let mut todos: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    todos.reverse();
    todos
}

/// Writes a valid list of `count` todos, as a hand or an older run would.
fn write_list(path: &Path, count: u64) {
    let mut text = format!(
        "{{\"version\": 1, \"next_id\": {}, \"todos\": [\n",
        count + 1
    );
    for id in 1..=count {
        let sep = if id == count { "" } else { "," };
        text += &format!(
            "{{\"id\": {id}, \"ulid\": \"01M81V6XYR{id:016}\", \"title\": \"todo {id}\", \"description\": \"some words about todo {id}\", \"created_at\": \"2026-11-22T14:40:23Z\"}}{sep}\n"
        );
    }
    text += "]}\n";
    fs::write(path, text).unwrap();
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect()
}

fn scratch() -> TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn concurrent_processes_lose_no_todo() {
    const WORKERS: usize = 8;
    const ADDS: usize = 50;
    let dir = scratch();
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let dir = dir.path().to_owned();
            thread::spawn(move || {
                for n in 0..ADDS {
                    let out = run(&dir, &["add", &format!("w{w} n{n}"), "--json"]);
                    assert_ok(&out);
                    // Every tenth todo is completed again at once, between others' adds.
                    if n % 10 == 9 {
                        let added: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
                        let id = added[0]["id"].to_string();
                        assert_ok(&run(&dir, &["done", &id]));
                    }
                }
            })
        })
        .collect();
    // Meanwhile a reader always finds a whole list, and never waits for the writers.
    let reader = {
        let dir = dir.path().to_owned();
        thread::spawn(move || {
            let mut slowest = Duration::ZERO;
            for _ in 0..80 {
                let started = Instant::now();
                assert_ok(&run(&dir, &["show", "1", "--json"]));
                slowest = slowest.max(started.elapsed());
            }
            slowest
        })
    };
    for worker in workers {
        worker.join().unwrap();
    }
    let slowest_read = reader.join().unwrap();
    assert!(
        slowest_read < Duration::from_secs(2),
        "a read took {slowest_read:?}"
    );

    let todos = todos(dir.path());
    let expected: HashSet<String> = (0..WORKERS)
        .flat_map(|w| {
            (0..ADDS)
                .filter(|n| n % 10 != 9)
                .map(move |n| format!("w{w} n{n}"))
        })
        .collect();
    let titles: HashSet<String> = todos
        .iter()
        .map(|t| t["title"].as_str().unwrap().into())
        .collect();
    assert_eq!(todos.len(), expected.len());
    assert_eq!(titles, expected);
    let ids: HashSet<u64> = todos.iter().map(|t| t["id"].as_u64().unwrap()).collect();
    let ulids: HashSet<&str> = todos.iter().map(|t| t["ulid"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), todos.len(), "ids are unique");
    assert_eq!(ulids.len(), todos.len(), "ULIDs are unique");
    assert!(ids.iter().all(|&id| id <= (WORKERS * ADDS) as u64));
}

#[test]
fn kill_9_mid_write_leaves_the_old_list_or_the_new() {
    let dir = scratch();
    let path = dir.path().join("todo.json");
    // Large enough that a write takes a while, so kills land mid-write.
    write_list(&path, 5_000);
    let store = JsonFileStore::new(&path, Duration::from_secs(10));
    let started = Instant::now();
    assert_ok(&run(dir.path(), &["add", "timed"]));
    let lifetime = started.elapsed();
    let mut count = 5_001;
    let check = |round: u32, count: usize| {
        // Every todo must read back whole, not just the list's outline.
        let now = store
            .read(|list| list.recent(usize::MAX))
            .unwrap_or_else(|e| panic!("round {round}: the list no longer loads: {e}"))
            .unwrap_or_else(|e| panic!("round {round}: a todo no longer reads: {e}"))
            .len();
        assert!(
            now == count || now == count + 1,
            "round {round}: {count} -> {now}"
        );
        now
    };
    // First, kills spread over the whole life of a writer: start, load, change, save.
    let rounds = 30;
    for round in 0..rounds {
        let mut child = my_todo(dir.path())
            .args(["add", &format!("round {round}")])
            .spawn()
            .unwrap();
        thread::sleep(lifetime * round / rounds);
        child.kill().unwrap();
        child.wait().unwrap();
        count = check(round, count);
    }
    // Then kills aimed at the save itself: as soon as the temporary file appears.
    let mut caught_saving = 0;
    for round in rounds..rounds + 20 {
        let before = temp_files(dir.path());
        let mut child = my_todo(dir.path())
            .args(["add", &format!("round {round}")])
            .spawn()
            .unwrap();
        while child.try_wait().unwrap().is_none() {
            // Killed writers' leftovers are cleared by the next one: look for a new name.
            if temp_files(dir.path()).iter().any(|t| !before.contains(t)) {
                child.kill().unwrap();
                caught_saving += 1;
                break;
            }
        }
        child.wait().unwrap();
        count = check(round, count);
    }
    eprintln!("{caught_saving} of 20 writers were killed while saving");
    assert!(
        caught_saving >= 10,
        "only {caught_saving} of 20 writers were caught saving"
    );
    // The next writer clears what killed writers left behind.
    assert_ok(&run(dir.path(), &["add", "after the storm"]));
    assert_eq!(temp_files(dir.path()), Vec::<PathBuf>::new());
    assert_eq!(store.read(|list| list.entries().len()).unwrap(), count + 1);
}

#[cfg(unix)]
#[test]
fn a_full_disk_changes_nothing() {
    let dir = scratch();
    let path = dir.path().join("todo.json");
    write_list(&path, 20);
    let before = fs::read(&path).unwrap();
    assert!(before.len() > 512);
    // `ulimit -f 1` caps files at 512 bytes, as a full disk would; with
    // SIGXFSZ ignored the write fails with EFBIG instead of killing the process.
    let out = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\"")
        .arg(BIN)
        .args(["add", "one too many"])
        .current_dir(dir.path())
        .env_remove("MY_TODO_FILE")
        .output()
        .unwrap();
    assert_fails(&out, 74, "error: cannot save todo.json: File too large");
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(temp_files(dir.path()), Vec::<PathBuf>::new());
}

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
            "two todos share the id 1",
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
fn a_directory_in_the_way_is_an_io_error() {
    let dir = scratch();
    fs::create_dir(dir.path().join("todo.json")).unwrap();
    for args in [&["show"][..], &["add", "x"]] {
        let out = run(dir.path(), args);
        assert_fails(&out, 74, "todo.json is a directory");
    }
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

#[cfg(unix)]
#[test]
fn a_read_only_directory_is_an_io_error_and_changes_nothing() {
    use std::os::unix::fs::PermissionsExt;

    let dir = scratch();
    let path = dir.path().join("todo.json");
    write_list(&path, 3);
    let before = fs::read(&path).unwrap();
    let root = String::from_utf8(Command::new("id").arg("-u").output().unwrap().stdout).unwrap();
    let mut cmd = if root.trim() == "0" {
        // Root writes anywhere; run as `nobody`, for whom the directory is read-only.
        if Command::new("setpriv").arg("--version").output().is_err() {
            eprintln!("skipped: running as root, and setpriv is missing to drop privileges");
            return;
        }
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN]);
        cmd
    } else {
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
        Command::new(BIN)
    };
    cmd.current_dir(dir.path()).env_remove("MY_TODO_FILE");

    let add = cmd.args(["add", "x"]).output().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    assert_fails(&add, 74, "Permission denied");
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(temp_files(dir.path()), Vec::<PathBuf>::new());
}

#[test]
fn a_missing_directory_is_an_io_error() {
    let dir = scratch();
    let out = run(dir.path(), &["add", "x", "--file", "no/such/dir/todo.json"]);
    assert_fails(&out, 74, "no/such/dir/todo.json");
    assert_fails(&out, 74, "No such file or directory");
}

#[test]
fn a_held_lock_makes_writers_wait_then_give_up_but_not_readers() {
    let dir = scratch();
    write_list(&dir.path().join("todo.json"), 3);
    let lock = fs::File::create(dir.path().join(".todo.json.lock")).unwrap();
    lock.lock().unwrap();

    let started = Instant::now();
    let show = run(dir.path(), &["show"]);
    assert_ok(&show);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "a reader waited"
    );

    let started = Instant::now();
    let add = run(dir.path(), &["add", "x", "--lock-timeout", "0.5"]);
    let waited = started.elapsed();
    assert_fails(&add, 75, "another my-todo is changing todo.json");
    assert!(
        waited >= Duration::from_millis(500),
        "gave up after {waited:?}"
    );

    drop(lock);
    assert_ok(&run(dir.path(), &["add", "x", "--lock-timeout", "0.5"]));
    assert_eq!(todos(dir.path()).len(), 4);
}

#[cfg(unix)]
#[test]
fn a_symlinked_list_is_updated_through_the_link() {
    let dir = scratch();
    fs::create_dir(dir.path().join("dotfiles")).unwrap();
    std::os::unix::fs::symlink("dotfiles/todo.json", dir.path().join("todo.json")).unwrap();
    // The target does not exist yet: the first add creates it.
    assert_ok(&run(dir.path(), &["add", "first"]));
    assert_ok(&run(dir.path(), &["add", "second"]));
    let link = fs::symlink_metadata(dir.path().join("todo.json")).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    let target = fs::read_to_string(dir.path().join("dotfiles/todo.json")).unwrap();
    assert!(target.contains("\"second\""), "{target}");
}

#[cfg(unix)]
#[test]
fn an_existing_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;

    let dir = scratch();
    let path = dir.path().join("todo.json");
    write_list(&path, 1);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    assert_ok(&run(dir.path(), &["add", "x"]));
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

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
    use my_todo::adapters::time::{DerivedUlids, PinnedClock};
    use my_todo::app::App;
    use my_todo::domain::Title;

    let dir = scratch();
    let path = dir.path().join("todo.json");
    let now = Timestamp::UNIX_EPOCH;
    let app = App::new(
        JsonFileStore::new(&path, Duration::from_secs(1)),
        PinnedClock(now),
        DerivedUlids(now),
    );
    let title = "x".repeat(1 << 20);
    app.add(Title::new(&title).unwrap(), String::new()).unwrap();
    assert_eq!(app.show(1).unwrap()[0].title.as_str(), title);
    assert_eq!(todos(dir.path())[0]["title"], title.as_str());
}
