//! Running the real binary on lists in scratch folders.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_my-todo");

/// The binary, run in `dir`, free of settings from the caller's environment.
pub fn my_todo(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env_remove("MY_TODO_FILE")
        .env_remove("MY_TODO_NOW")
        .env_remove("MY_TODO_LOCK_TIMEOUT");
    cmd
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    my_todo(dir).args(args).output().unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn assert_ok(out: &Output) {
    assert!(out.status.success(), "{:?}: {}", out.status, stderr(out));
}

/// That `out` ended with exit code `code` and said `says`.
pub fn assert_fails(out: &Output, code: i32, says: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.contains(says), "{err}");
}

/// Every todo of the list in `dir`, oldest first, as `--json` prints them.
pub fn todos(dir: &Path) -> Vec<Value> {
    todos_of(dir, "todo.json")
}

/// Every todo of the list `file` in `dir`, oldest first.
pub fn todos_of(dir: &Path, file: &str) -> Vec<Value> {
    let out = run(dir, &["show", "1000000000", "--json", "--file", file]);
    assert_ok(&out);
    let mut todos: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    todos.reverse();
    todos
}

/// Writes a valid list of `count` todos, as a hand or an older run would.
pub fn write_list(path: &Path, count: u64) {
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

pub fn temp_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect()
}

pub fn scratch() -> TempDir {
    tempfile::tempdir().unwrap()
}

/// Whether this process runs as root, which some tests need (to make device
/// nodes, to act as another user) and others must work around.
#[cfg(unix)]
pub fn is_root() -> bool {
    let id = Command::new("id").arg("-u").output().unwrap().stdout;
    String::from_utf8_lossy(&id).trim() == "0"
}

/// The unprivileged user that root's tests act as, through `setpriv`.
#[cfg(unix)]
pub const NOBODY: u32 = 65534;

/// The binary run as `NOBODY` in `dir`, when this process is root and has
/// `setpriv` to drop its privileges; `None` otherwise.
#[cfg(unix)]
pub fn as_nobody(dir: &Path) -> Option<Command> {
    if !is_root() || Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("skipped: needs root, and setpriv to drop privileges");
        return None;
    }
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
        .current_dir(dir)
        .env_remove("MY_TODO_FILE")
        .env_remove("MY_TODO_NOW")
        .env_remove("MY_TODO_LOCK_TIMEOUT");
    Some(cmd)
}
