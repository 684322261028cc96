//! `{{project-name}} edit`, by the real binary, in scratch folders:
//!
//! - with `--title` and `--description`: what changes, what stays, and
//!   what is refused with the list left byte for byte as it was;
//! - in the person's editor, on a real pseudo-terminal (util-linux
//!   `script`), with scripted editors: the private temporary file, an
//!   editor that fails, saves unchanged or empties the file, another
//!   process changing the todo while the editor is open, `$VISUAL` first;
//! - `undo` of an edit, in order with other changes, and never over a
//!   change made by hand;
//! - fields {{project-name}} does not know, through an edit and its undo;
//! - clones that edit one todo and are merged by the real `git`.
//!
//! Tests of the editor skip, saying so, where `script` is not installed;
//! tests of git, where `git` is not.

#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_{{project-name}}");
const LIST: &str = "todo.json";
const HISTORY: &str = "todo.json.history.jsonl";
/// The line from which the editor's text is not read back.
const SCISSORS: &str = "# ------------------------ >8 ------------------------";
/// How the temporary files given to an editor are named.
const DRAFT_PREFIX: &str = "{{project-name}}-edit-";
const DRAFT_SUFFIX: &str = ".txt";

// ---------------------------------------------------------------------------
// Running the binary

/// The binary in `dir`, free of the settings the environment may hold:
/// the list, the clock, the lock's timeout, the editor, colors.
fn {{crate_name}}(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env_remove("{{project-name | shouty_snake_case}}_FILE")
        .env_remove("{{project-name | shouty_snake_case}}_NOW")
        .env_remove("{{project-name | shouty_snake_case}}_LOCK_TIMEOUT")
        .env_remove("VISUAL")
        .env_remove("EDITOR")
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

fn run(dir: &Path, args: &[&str]) -> Output {
    {{crate_name}}(dir).args(args).output().unwrap()
}

/// The binary run with its clock, and so its ULIDs, pinned at `now`.
fn run_at(dir: &Path, now: &str, args: &[&str]) -> Output {
    {{crate_name}}(dir)
        .env("{{project-name | shouty_snake_case}}_NOW", now)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited, not killed")
}

#[track_caller]
fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        stdout(out),
        stderr(out)
    );
}

#[track_caller]
fn assert_code(out: &Output, expected: i32) {
    assert_eq!(
        code(out),
        expected,
        "stdout: {}\nstderr: {}",
        stdout(out),
        stderr(out)
    );
}

/// The bytes of `name` in `dir`, or none if it is not there.
fn bytes(dir: &Path, name: &str) -> Option<Vec<u8>> {
    fs::read(dir.join(name)).ok()
}

/// The list and its history, byte for byte: what "nothing changed" compares.
fn files(dir: &Path) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    (bytes(dir, LIST), bytes(dir, HISTORY))
}

// ---------------------------------------------------------------------------
// Lists to edit

/// A list of two todos added at pinned times, so that their ULIDs and ages
/// are known: #1 "Buy milk" (2 liters), #2 "Pay rent" (no description).
fn two_todos() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert_ok(&run_at(
        dir.path(),
        "2026-01-01T09:00:00Z",
        &["add", "Buy milk", "2 liters"],
    ));
    assert_ok(&run_at(
        dir.path(),
        "2026-01-01T09:05:00Z",
        &["add", "Pay rent"],
    ));
    dir
}

/// A list written by hand, with no history: #1 "Buy milk" (2 liters) and
/// #2 "Pay rent", their lines as `first` and `second` give them.
fn by_hand(first: &str, second: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{% raw %}{{\n  \"version\": 1,\n  \"next_id\": 3,\n  \"todos\": [\n    {first},\n    {second}\n  ]\n}}{% endraw %}\n"
    );
    fs::write(dir.path().join(LIST), text).unwrap();
    dir
}

const HAND_1: &str = r#"{"id": 1, "ulid": "01KDVDNA000000000000000001", "title": "Buy milk", "description": "2 liters", "created_at": "2026-01-01T00:00:00Z"}"#;
const HAND_2: &str = r#"{"id": 2, "ulid": "01KDVDQ4K00000000000000002", "title": "Pay rent", "description": "", "created_at": "2026-01-01T00:01:00Z"}"#;

/// The todos as `show --json` prints them.
fn shown(dir: &Path) -> Vec<Value> {
    let out = run(dir, &["show", "100", "--json"]);
    assert_ok(&out);
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Todo number `id` as `show --json` prints it, if it is on the list.
fn find_todo(dir: &Path, id: u64) -> Option<Value> {
    shown(dir).into_iter().find(|t| t["id"] == id)
}

#[track_caller]
fn todo(dir: &Path, id: u64) -> Value {
    find_todo(dir, id).unwrap_or_else(|| panic!("#{id} is not on the list"))
}

/// The todos of the list file itself, unknown fields included.
fn stored(dir: &Path) -> Vec<Value> {
    let list: Value = serde_json::from_slice(&bytes(dir, LIST).unwrap()).unwrap();
    list["todos"].as_array().unwrap().clone()
}

/// The history's lines, read as JSON.
fn history_lines(dir: &Path) -> Vec<Value> {
    let text = String::from_utf8(bytes(dir, HISTORY).unwrap_or_default()).unwrap();
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// `todo` with `changes` made to its fields.
fn with(todo: &Value, changes: &[(&str, Value)]) -> Value {
    let mut todo = todo.clone();
    for (key, value) in changes {
        todo[*key] = value.clone();
    }
    todo
}

// ---------------------------------------------------------------------------
// 1. With options

/// `--title` alone changes the title; the number, the ULID, the time it
/// was made and the description stay, and the other todo is untouched.
#[test]
fn title_alone_changes_the_title_and_nothing_else() {
    let dir = two_todos();
    let (one, two) = (todo(dir.path(), 1), todo(dir.path(), 2));
    let out = run(dir.path(), &["edit", "1", "--title", "Buy oat milk"]);
    assert_ok(&out);
    assert_eq!(stdout(&out), "Edited #1: Buy oat milk (2 liters)\n");
    assert_eq!(
        todo(dir.path(), 1),
        with(&one, &[("title", json!("Buy oat milk"))])
    );
    assert_eq!(todo(dir.path(), 2), two);
}

/// `--description` alone changes the description; the title stays.
#[test]
fn description_alone_changes_the_description_and_nothing_else() {
    let dir = two_todos();
    let (one, two) = (todo(dir.path(), 1), todo(dir.path(), 2));
    let out = run(dir.path(), &["edit", "2", "-d", "before the 5th"]);
    assert_ok(&out);
    assert_eq!(stdout(&out), "Edited #2: Pay rent (before the 5th)\n");
    assert_eq!(
        todo(dir.path(), 2),
        with(&two, &[("description", json!("before the 5th"))])
    );
    assert_eq!(todo(dir.path(), 1), one);
}

/// Both options at once, short forms, naming the todo by its ULID.
#[test]
fn title_and_description_together_by_ulid() {
    let dir = two_todos();
    let one = todo(dir.path(), 1);
    let ulid = one["ulid"].as_str().unwrap();
    let out = run(dir.path(), &["edit", ulid, "-t", "Buy bread", "-d", "rye"]);
    assert_ok(&out);
    assert_eq!(
        todo(dir.path(), 1),
        with(
            &one,
            &[("title", json!("Buy bread")), ("description", json!("rye"))]
        )
    );
}

/// `--description ""` clears the description, and only it.
#[test]
fn an_empty_description_clears_it() {
    let dir = two_todos();
    let one = todo(dir.path(), 1);
    let out = run(dir.path(), &["edit", "1", "--description", ""]);
    assert_ok(&out);
    assert_eq!(stdout(&out), "Edited #1: Buy milk\n");
    assert_eq!(
        todo(dir.path(), 1),
        with(&one, &[("description", json!(""))])
    );
}

/// A blank title is a usage error, as for `add`: exit 2, and neither the
/// list nor its history changes by a byte.
#[test]
fn a_blank_title_is_refused_with_exit_2_and_nothing_changes() {
    let dir = two_todos();
    let before = files(dir.path());
    for blank in ["", "   ", "\t\n", "\u{200B}"] {
        let out = run(dir.path(), &["edit", "1", "--title", blank, "-d", "new"]);
        assert_code(&out, 2);
        assert!(stderr(&out).contains("blank"), "{}", stderr(&out));
        assert_eq!(files(dir.path()), before, "after the title {blank:?}");
    }
}

/// An unknown number or ULID is "not found", as for `done`: exit 1, and
/// nothing changes.
#[test]
fn an_unknown_todo_is_refused_with_exit_1_and_nothing_changes() {
    let dir = two_todos();
    let before = files(dir.path());
    for id in ["3", "99", "01KDVDNA00000000000000000Z"] {
        let out = run(dir.path(), &["edit", id, "--title", "Anything"]);
        assert_code(&out, 1);
        assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
        assert_eq!(files(dir.path()), before, "after editing {id}");
    }
}

/// With neither option and stdin a pipe, there is no editor to open: exit
/// 2, the editor is never run, and nothing changes.
#[test]
fn no_option_off_a_terminal_is_a_usage_error() {
    let dir = two_todos();
    let tools = tempfile::tempdir().unwrap();
    let ran = tools.path().join("ran");
    let editor = script(
        tools.path(),
        "editor",
        &format!("touch '{}'\n", ran.display()),
    );
    let before = files(dir.path());
    let mut child = {{crate_name}}(dir.path())
        .args(["edit", "1"])
        .env("EDITOR", &editor)
        .env("VISUAL", &editor)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The program may exit before it reads a byte: a closed pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(b"Buy oat milk\n");
    let out = child.wait_with_output().unwrap();
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("nothing to change"),
        "{}",
        stderr(&out)
    );
    assert!(!ran.exists(), "the editor was run off a terminal");
    assert_eq!(files(dir.path()), before);
}

/// Options that give the todo what it has already change nothing, and say so.
#[test]
fn an_edit_to_the_same_text_changes_nothing_and_says_so() {
    let dir = two_todos();
    let before = files(dir.path());
    let out = run(
        dir.path(),
        &["edit", "1", "-t", "Buy milk", "-d", "2 liters"],
    );
    assert_ok(&out);
    assert!(stderr(&out).contains("left as it was"), "{}", stderr(&out));
    assert_eq!(files(dir.path()), before);
}

/// `find` finds a todo by its new title and no longer by its old one.
#[test]
fn find_sees_the_new_text_only() {
    let dir = two_todos();
    assert_ok(&run(
        dir.path(),
        &["edit", "1", "-t", "Buy oat milk", "-d", "organic"],
    ));
    for needle in ["OAT", "organic"] {
        let found = run(dir.path(), &["find", needle, "--json"]);
        assert_ok(&found);
        let found: Value = serde_json::from_slice(&found.stdout).unwrap();
        assert_eq!(found, json!([todo(dir.path(), 1)]), "find {needle}");
    }
    let old = run(dir.path(), &["find", "2 liters"]);
    assert_code(&old, 1);
    assert!(!stdout(&old).contains("Buy"), "{}", stdout(&old));
}

/// `edit --json` prints the edited todo as `show --json` prints it.
#[test]
fn json_output_is_the_todo_as_show_prints_it() {
    let dir = two_todos();
    let out = run(dir.path(), &["edit", "2", "-t", "Pay the rent", "--json"]);
    assert_ok(&out);
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed, json!([todo(dir.path(), 2)]));
    assert_eq!(printed[0]["title"], "Pay the rent");
}

/// The history gets one line for an edit: the todo before and after, whole.
#[test]
fn the_history_records_the_todo_before_and_after() {
    let dir = two_todos();
    let before = stored(dir.path())[0].clone();
    let lines = history_lines(dir.path()).len();
    assert_ok(&run(dir.path(), &["edit", "1", "-t", "Buy oat milk"]));
    let history = history_lines(dir.path());
    assert_eq!(history.len(), lines + 1);
    let after = with(&before, &[("title", json!("Buy oat milk"))]);
    let last = history.last().unwrap();
    assert_eq!(
        last,
        &json!({"change": last["change"].clone(), "before": before, "after": after})
    );
    assert!(last["change"].as_u64().unwrap() > history[lines - 1]["change"].as_u64().unwrap_or(0));
}

// ---------------------------------------------------------------------------
// 2. In the editor, on a pseudo-terminal

/// Writes an executable shell script `name` into `dir`, with `body`.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// `text` quoted for `sh`.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Whether util-linux `script` is here to give the binary a terminal; says
/// so when it is not.
fn have_script() -> bool {
    let ok = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !ok {
        println!("skipped: util-linux `script` is not installed");
    }
    ok
}

/// A list of two todos and all an editor session needs: a private
/// `TMPDIR` for the editor's file, and a folder for scripted editors and
/// what they record.
struct Session {
    list: TempDir,
    tmp: TempDir,
    tools: TempDir,
}

impl Session {
    fn new() -> Self {
        Self {
            list: two_todos(),
            tmp: tempfile::tempdir().unwrap(),
            tools: tempfile::tempdir().unwrap(),
        }
    }

    fn dir(&self) -> &Path {
        self.list.path()
    }

    /// Where scripted editors write what they saw.
    fn log(&self, name: &str) -> PathBuf {
        self.tools.path().join(name)
    }

    /// What a scripted editor wrote into `name`.
    fn logged(&self, name: &str) -> String {
        fs::read_to_string(self.log(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// A scripted editor that first records the file it is given: its
    /// path in `path`, its mode in `mode`, its text in `seen`; then runs `then`.
    fn editor(&self, name: &str, then: &str) -> PathBuf {
        let body = format!(
            "printf '%s\\n' \"$1\" > {path}\nstat -c %a \"$1\" > {mode}\ncp \"$1\" {seen}\n{then}",
            path = quoted(&self.log("path").to_string_lossy()),
            mode = quoted(&self.log("mode").to_string_lossy()),
            seen = quoted(&self.log("seen").to_string_lossy()),
        );
        script(self.tools.path(), name, &body)
    }

    /// `{{project-name}} args` on a pseudo-terminal, with `env` set on top of a
    /// clean one: stdin and stdout are terminals. `script -e` exits as the
    /// binary did; the binary's stdout and stderr are both in the output's
    /// stdout, line breaks made plain.
    fn on_terminal(&self, env: &[(&str, &Path)], args: &[&str]) -> Output {
        let line: Vec<String> = [BIN].iter().chain(args).map(|a| quoted(a)).collect();
        let typescript = self.tools.path().join("typescript");
        let mut cmd = Command::new("script");
        cmd.arg("-qec")
            .arg(line.join(" "))
            .arg(&typescript)
            .current_dir(self.dir())
            .env_remove("{{project-name | shouty_snake_case}}_FILE")
            .env_remove("{{project-name | shouty_snake_case}}_NOW")
            .env_remove("{{project-name | shouty_snake_case}}_LOCK_TIMEOUT")
            .env_remove("VISUAL")
            .env_remove("EDITOR")
            .env_remove("CLICOLOR_FORCE")
            .env("NO_COLOR", "1")
            .env("SHELL", "/bin/sh")
            .env("TMPDIR", self.tmp.path())
            .stdin(Stdio::null());
        for (key, value) in env {
            cmd.env(key, value);
        }
        let mut out = cmd.output().unwrap();
        out.stdout = String::from_utf8_lossy(&out.stdout)
            .replace("\r\n", "\n")
            .into_bytes();
        out
    }

    /// The editor's files left in the private `TMPDIR`.
    fn drafts(&self) -> Vec<PathBuf> {
        fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                name.starts_with(DRAFT_PREFIX) && name.ends_with(DRAFT_SUFFIX)
            })
            .collect()
    }

    /// The path of the file the editor was given, which must have been in
    /// the private `TMPDIR` and named as drafts are.
    fn draft_path(&self) -> PathBuf {
        let path = PathBuf::from(self.logged("path").trim_end());
        assert_eq!(path.parent(), Some(self.tmp.path()), "{path:?}");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(DRAFT_PREFIX) && name.ends_with(DRAFT_SUFFIX),
            "{name}"
        );
        path
    }

    /// The file the editor was given is gone, and no other is left.
    #[track_caller]
    fn assert_no_draft_left(&self) {
        assert!(!self.draft_path().exists(), "the editor's file is left");
        assert_eq!(self.drafts(), Vec::<PathBuf>::new());
    }
}

/// The path printed after "what you typed is kept in".
fn kept_path(said: &str) -> PathBuf {
    let marker = "what you typed is kept in ";
    let at = said
        .find(marker)
        .unwrap_or_else(|| panic!("no kept file named in: {said}"));
    let rest = &said[at + marker.len()..];
    PathBuf::from(rest.lines().next().unwrap().trim_end())
}

/// An editor that rewrites the first line changes the title only; the
/// editor was given the title, a blank line, the description, the scissors
/// line and comments, in a file only its owner can read, in `$TMPDIR`,
/// removed afterwards.
#[test]
fn the_editor_changes_the_title_in_a_private_file_removed_afterwards() {
    if !have_script() {
        return;
    }
    let session = Session::new();
    let one = todo(session.dir(), 1);
    let next = session.log("next");
    let editor = session.editor(
        "editor",
        &format!(
            "sed '1s/.*/Buy oat milk/' \"$1\" > {next}\ncat {next} > \"$1\"\n",
            next = quoted(&next.to_string_lossy())
        ),
    );
    let out = session.on_terminal(&[("EDITOR", &editor)], &["edit", "1"]);
    assert_ok(&out);
    assert!(
        stdout(&out).contains("Edited #1: Buy oat milk (2 liters)"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        todo(session.dir(), 1),
        with(&one, &[("title", json!("Buy oat milk"))])
    );
    assert_eq!(session.logged("mode").trim(), "600");
    let seen = session.logged("seen");
    assert!(
        seen.starts_with(&format!("Buy milk\n\n2 liters\n{SCISSORS}\n")),
        "{seen}"
    );
    let after: Vec<&str> = seen
        .lines()
        .skip_while(|l| *l != SCISSORS)
        .skip(1)
        .collect();
    assert!(!after.is_empty());
    assert!(after.iter().all(|l| l.starts_with('#')), "{seen}");
    session.assert_no_draft_left();
}

/// A new title and a description of several lines; everything from the
/// scissors line on is left out, even text that is not a comment.
#[test]
fn the_editor_sets_a_description_of_lines_and_ignores_the_scissors_part() {
    if !have_script() {
        return;
    }
    let session = Session::new();
    let two = todo(session.dir(), 2);
    let editor = session.editor(
        "editor",
        &format!(
            "printf 'Pay the rent\\n\\nby transfer\\nbefore the 5th\\n{SCISSORS}\\nnot kept\\n' > \"$1\"\n"
        ),
    );
    let out = session.on_terminal(&[("EDITOR", &editor)], &["edit", "2"]);
    assert_ok(&out);
    assert_eq!(
        todo(session.dir(), 2),
        with(
            &two,
            &[
                ("title", json!("Pay the rent")),
                ("description", json!("by transfer\nbefore the 5th"))
            ]
        )
    );
    assert!(
        session
            .logged("seen")
            .starts_with(&format!("Pay rent\n\n{SCISSORS}\n"))
    );
    session.assert_no_draft_left();
}

/// An editor that exits with 1 changes nothing, whatever it wrote: exit 1,
/// and its file is removed.
#[test]
fn an_editor_that_fails_changes_nothing() {
    if !have_script() {
        return;
    }
    let session = Session::new();
    let before = files(session.dir());
    let editor = session.editor("editor", "printf 'Buy oat milk\\n' > \"$1\"\nexit 1\n");
    let out = session.on_terminal(&[("EDITOR", &editor)], &["edit", "1"]);
    assert_code(&out, 1);
    assert!(
        stdout(&out).contains("nothing was changed"),
        "{}",
        stdout(&out)
    );
    assert_eq!(files(session.dir()), before);
    session.assert_no_draft_left();
}

/// An editor that saves the text as given changes nothing, says so on
/// stderr, and exits 0.
#[test]
fn saving_unchanged_changes_nothing_and_says_so() {
    if !have_script() {
        return;
    }
    let session = Session::new();
    let before = files(session.dir());
    let editor = session.editor("editor", "touch \"$1\"\n");
    for id in ["1", "2"] {
        let out = session.on_terminal(&[("EDITOR", &editor)], &["edit", id]);
        assert_ok(&out);
        assert!(
            stdout(&out).contains(&format!("#{id} was left as it was")),
            "{}",
            stdout(&out)
        );
        assert!(!stdout(&out).contains("Edited"), "{}", stdout(&out));
        assert_eq!(files(session.dir()), before, "after #{id}");
        session.assert_no_draft_left();
    }
}

/// Saved unchanged, a todo whose text the editor's layout cannot hold as
/// is (a description with surrounding spaces, a title of two lines) must
/// still be left as it was.
#[test]
fn saving_unchanged_keeps_text_the_layout_trims() {
    if !have_script() {
        return;
    }
    let session = Session::new();
    assert_ok(&run(
        session.dir(),
        &["edit", "1", "-d", "  indented\nline two  "],
    ));
    assert_ok(&run(session.dir(), &["edit", "2", "-t", "Pay\nrent"]));
    let before = files(session.dir());
    let editor = session.editor("editor", "touch \"$1\"\n");
    for id in ["1", "2"] {
        let out = session.on_terminal(&[("EDITOR", &editor)], &["edit", id]);
        assert_ok(&out);
        assert_eq!(files(session.dir()), before, "#{id}: {}", stdout(&out));
    }
}

/// An editor that empties the file, or leaves only the part from the
/// scissors line on, changes nothing, says so, and exits 0.
#[test]
fn emptying_the_file_changes_nothing_and_says_so() {
    if !have_script() {
        return;
    }
    let session = Session::new();
    let before = files(session.dir());
    let rest = session.log("rest");
    let emptiers = [
        ": > \"$1\"\n".to_owned(),
        format!(
            "sed -n '/>8/,$p' \"$1\" > {rest}\ncat {rest} > \"$1\"\n",
            rest = quoted(&rest.to_string_lossy())
        ),
    ];
    for (n, emptier) in emptiers.iter().enumerate() {
        let editor = session.editor(&format!("editor{n}"), emptier);
        let out = session.on_terminal(&[("EDITOR", &editor)], &["edit", "1"]);
        assert_ok(&out);
        assert!(stdout(&out).contains("emptied"), "{}", stdout(&out));
        assert_eq!(files(session.dir()), before, "after {emptier}");
        session.assert_no_draft_left();
    }
}

/// A title left blank in the editor is refused as `add` refuses one (exit
/// 2), never replaced by the first line of the description; what was typed
/// is kept.
#[test]
fn a_blank_title_in_the_editor_is_refused() {
    if !have_script() {
        return;
    }
    let session = Session::new();
    let before = files(session.dir());
    let editor = session.editor("editor", "printf '\\n\\n2 liters\\n' > \"$1\"\n");
    let out = session.on_terminal(&[("EDITOR", &editor)], &["edit", "1"]);
    assert_code(&out, 2);
    assert_eq!(files(session.dir()), before);
    let kept = kept_path(&stdout(&out));
    assert_eq!(fs::read_to_string(kept).unwrap(), "\n\n2 liters\n");
}

/// The editor that, while open, has another process complete the todo:
/// that process is not kept waiting on the lock (it would fail within its
/// 2 s timeout), the edit is then refused with exit 1, the todo stays
/// completed as it was, and the text typed is kept in the file named.
#[test]
fn a_todo_completed_while_in_the_editor_is_not_edited_and_the_text_is_kept() {
    if !have_script() {
        return;
    }
    let session = Session::new();
    let ulid = todo(session.dir(), 1)["ulid"].clone();
    let typed = "Buy oat milk\n\nfrom the shop\n";
    let editor = session.editor(
        "editor",
        &format!(
            "cd {dir} && {{project-name | shouty_snake_case}}_LOCK_TIMEOUT=2 {bin} done 1 > {out} 2>&1\necho $? > {rc}\nprintf '{typed}' > \"$1\"\n",
            dir = quoted(&session.dir().to_string_lossy()),
            bin = quoted(BIN),
            out = quoted(&session.log("inner.out").to_string_lossy()),
            rc = quoted(&session.log("inner.rc").to_string_lossy()),
            typed = typed.replace('\n', "\\n"),
        ),
    );
    let out = session.on_terminal(&[("EDITOR", &editor)], &["edit", "1"]);
    assert_eq!(
        session.logged("inner.rc").trim(),
        "0",
        "{}",
        session.logged("inner.out")
    );
    assert_code(&out, 1);
    let said = stdout(&out);
    assert!(said.contains("changed or completed"), "{said}");
    assert_eq!(find_todo(session.dir(), 1), None);
    let history = run(session.dir(), &["history", "--json"]);
    assert_ok(&history);
    let history: Value = serde_json::from_slice(&history.stdout).unwrap();
    let completed = history.as_array().unwrap();
    assert_eq!(completed.len(), 1, "{history}");
    assert_eq!(completed[0]["ulid"], ulid);
    assert_eq!(completed[0]["title"], "Buy milk");
    assert_eq!(completed[0]["description"], "2 liters");
    let kept = kept_path(&said);
    assert_eq!(fs::read_to_string(&kept).unwrap(), typed);
    assert_eq!(session.drafts(), vec![kept]);
}

/// The same with another process's `edit` while the editor is open: it
/// is not kept waiting, its edit stays, this one is refused with exit 1,
/// and the text typed is kept in the file named.
#[test]
fn a_todo_edited_elsewhere_while_in_the_editor_keeps_that_edit_and_the_text() {
    if !have_script() {
        return;
    }
    let session = Session::new();
    let typed = "Buy oat milk\n";
    let editor = session.editor(
        "editor",
        &format!(
            "cd {dir} && {{project-name | shouty_snake_case}}_LOCK_TIMEOUT=2 {bin} edit 1 -d 'a gallon' > {out} 2>&1\necho $? > {rc}\nprintf 'Buy oat milk\\n' > \"$1\"\n",
            dir = quoted(&session.dir().to_string_lossy()),
            bin = quoted(BIN),
            out = quoted(&session.log("inner.out").to_string_lossy()),
            rc = quoted(&session.log("inner.rc").to_string_lossy()),
        ),
    );
    let one = todo(session.dir(), 1);
    let out = session.on_terminal(&[("EDITOR", &editor)], &["edit", "1"]);
    assert_eq!(
        session.logged("inner.rc").trim(),
        "0",
        "{}",
        session.logged("inner.out")
    );
    assert_code(&out, 1);
    assert_eq!(
        todo(session.dir(), 1),
        with(&one, &[("description", json!("a gallon"))])
    );
    let kept = kept_path(&stdout(&out));
    assert_eq!(fs::read_to_string(&kept).unwrap(), typed);
    assert_eq!(session.drafts(), vec![kept]);
}

/// `$VISUAL` is run rather than `$EDITOR`, through `sh -c` as git runs
/// it, so that a command with arguments works.
#[test]
fn visual_wins_over_editor_and_runs_through_the_shell() {
    if !have_script() {
        return;
    }
    let session = Session::new();
    let one = todo(session.dir(), 1);
    let ran = session.log("editor-ran");
    let editor = script(
        session.tools.path(),
        "editor",
        &format!("touch {}\nexit 1\n", quoted(&ran.to_string_lossy())),
    );
    let args = session.log("args");
    let visual = script(
        session.tools.path(),
        "visual",
        &format!(
            "printf '%s\\n' \"$1\" > {args}\nprintf 'Buy oat milk\\n\\n2 liters\\n' > \"$2\"\n",
            args = quoted(&args.to_string_lossy())
        ),
    );
    let visual_with_flag = PathBuf::from(format!("{} --wait", visual.display()));
    let out = session.on_terminal(
        &[("VISUAL", &visual_with_flag), ("EDITOR", &editor)],
        &["edit", "1"],
    );
    assert_ok(&out);
    assert!(!ran.exists(), "$EDITOR was run though $VISUAL is set");
    assert_eq!(fs::read_to_string(&args).unwrap(), "--wait\n");
    assert_eq!(
        todo(session.dir(), 1),
        with(&one, &[("title", json!("Buy oat milk"))])
    );
    assert_eq!(session.drafts(), Vec::<PathBuf>::new());
}

// ---------------------------------------------------------------------------
// 3. Undo

/// `undo` after an edit gives the list back byte for byte, says what it
/// undid, and records the undo in the history.
#[test]
fn undo_takes_an_edit_back_byte_for_byte() {
    let dir = two_todos();
    let before = bytes(dir.path(), LIST);
    assert_ok(&run(
        dir.path(),
        &["edit", "1", "-t", "Buy oat milk", "-d", ""],
    ));
    assert_ne!(bytes(dir.path(), LIST), before);
    let edit = history_lines(dir.path()).last().unwrap()["change"].clone();
    let out = run(dir.path(), &["undo"]);
    assert_ok(&out);
    assert_eq!(stdout(&out), "Undid edit #1: Buy milk (2 liters)\n");
    assert_eq!(bytes(dir.path(), LIST), before);
    let last = history_lines(dir.path()).last().unwrap().clone();
    assert_eq!(last["undid"], edit);
}

/// `undo --json` says it undid an edit and prints the todo as restored.
#[test]
fn undo_json_prints_the_restored_todo() {
    let dir = two_todos();
    assert_ok(&run(dir.path(), &["edit", "2", "-d", "by transfer"]));
    let out = run(dir.path(), &["undo", "--json"]);
    assert_ok(&out);
    let undo: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(undo["undid"], "edit");
    assert_eq!(undo["todos"], json!([todo(dir.path(), 2)]));
    assert_eq!(undo["todos"][0]["description"], "");
}

/// Changes are undone latest first, edits among them: edit, then done,
/// then the adds, each giving back the list as it was before it; then
/// there is nothing left to undo.
#[test]
fn undo_goes_back_through_edits_and_dones_in_order() {
    let dir = two_todos();
    let added = bytes(dir.path(), LIST);
    assert_ok(&run(dir.path(), &["done", "2"]));
    let completed = bytes(dir.path(), LIST);
    assert_ok(&run(dir.path(), &["edit", "1", "-t", "Buy oat milk"]));
    let edited = bytes(dir.path(), LIST);
    assert_ok(&run(dir.path(), &["edit", "1", "-t", "Buy soy milk"]));

    let steps = [
        ("Undid edit #1: Buy oat milk (2 liters)\n", &edited),
        ("Undid edit #1: Buy milk (2 liters)\n", &completed),
        ("Undid done #2: Pay rent\n", &added),
    ];
    for (said, list) in steps {
        let out = run(dir.path(), &["undo"]);
        assert_ok(&out);
        assert_eq!(stdout(&out), said);
        assert_eq!(&bytes(dir.path(), LIST), list, "after {said}");
    }
    assert_eq!(
        stdout(&run(dir.path(), &["undo"])),
        "Undid add #2: Pay rent\n"
    );
    assert_eq!(
        stdout(&run(dir.path(), &["undo"])),
        "Undid add #1: Buy milk (2 liters)\n"
    );
    let none = run(dir.path(), &["undo"]);
    assert_code(&none, 1);
    assert!(
        stderr(&none).contains("nothing to undo"),
        "{}",
        stderr(&none)
    );
    assert!(shown(dir.path()).is_empty());
}

/// A list with edits only, all undone: the list is as written by hand,
/// and a further undo finds nothing and changes nothing.
#[test]
fn undoing_every_edit_of_a_hand_written_list_ends_with_nothing_to_undo() {
    let dir = by_hand(HAND_1, HAND_2);
    let original = bytes(dir.path(), LIST);
    assert_ok(&run(dir.path(), &["edit", "1", "-t", "Buy oat milk"]));
    assert_ok(&run(dir.path(), &["edit", "2", "-d", "by transfer"]));
    assert_ok(&run(dir.path(), &["undo"]));
    assert_ok(&run(dir.path(), &["undo"]));
    assert_eq!(bytes(dir.path(), LIST), original);
    let before = files(dir.path());
    let none = run(dir.path(), &["undo"]);
    assert_code(&none, 1);
    assert_eq!(files(dir.path()), before);
}

/// An edit the list no longer shows, because the todo was changed by hand
/// since, is passed over: `undo` takes back the change before it, and the
/// hand's text stays; with nothing before it, there is nothing to undo.
#[test]
fn undo_passes_over_an_edit_changed_by_hand_since() {
    let dir = by_hand(HAND_1, HAND_2);
    assert_ok(&run(dir.path(), &["done", "1"]));
    assert_ok(&run(dir.path(), &["edit", "2", "-t", "Pay the rent"]));
    let list = String::from_utf8(bytes(dir.path(), LIST).unwrap()).unwrap();
    assert!(list.contains("\"Pay the rent\""));
    fs::write(
        dir.path().join(LIST),
        list.replace("Pay the rent", "Pay rent in May"),
    )
    .unwrap();

    let out = run(dir.path(), &["undo"]);
    assert_ok(&out);
    assert_eq!(stdout(&out), "Undid done #1: Buy milk (2 liters)\n");
    assert_eq!(todo(dir.path(), 2)["title"], "Pay rent in May");
    assert_eq!(todo(dir.path(), 1)["title"], "Buy milk");

    let before = files(dir.path());
    let none = run(dir.path(), &["undo"]);
    assert_code(&none, 1);
    assert!(
        stderr(&none).contains("nothing to undo"),
        "{}",
        stderr(&none)
    );
    assert_eq!(files(dir.path()), before);
    assert_eq!(todo(dir.path(), 2)["title"], "Pay rent in May");
}

/// An edit does not count as a completion: `history` lists none, and
/// a todo completed after an edit is listed with its new text.
#[test]
fn history_lists_completions_only_with_the_text_edited() {
    let dir = two_todos();
    assert_ok(&run(dir.path(), &["edit", "1", "-t", "Buy oat milk"]));
    let history = run(dir.path(), &["history", "--json"]);
    assert_ok(&history);
    assert_eq!(
        serde_json::from_slice::<Value>(&history.stdout).unwrap(),
        json!([])
    );
    assert_ok(&run(dir.path(), &["done", "1"]));
    let history = run(dir.path(), &["history", "--json"]);
    let history: Value = serde_json::from_slice(&history.stdout).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(history[0]["title"], "Buy oat milk");
}

// ---------------------------------------------------------------------------
// 4. Fields {{project-name}} does not know

/// A field added by hand to a todo survives its edit, is in the history's
/// before and after, and survives the undo, which gives the list back
/// byte for byte.
#[test]
fn unknown_fields_survive_an_edit_and_its_undo() {
    let tagged = HAND_1.replace(r#"Z"}"#, r#"Z", "tags": ["x"]}"#);
    assert!(tagged.contains("tags"));
    let dir = by_hand(&tagged, HAND_2);
    let original = bytes(dir.path(), LIST);

    assert_ok(&run(dir.path(), &["edit", "1", "-t", "Buy oat milk"]));
    let one = &stored(dir.path())[0];
    assert_eq!(one["title"], "Buy oat milk");
    assert_eq!(one["tags"], json!(["x"]));
    let edit = history_lines(dir.path()).last().unwrap().clone();
    assert_eq!(edit["before"]["tags"], json!(["x"]));
    assert_eq!(edit["after"]["tags"], json!(["x"]));

    assert_ok(&run(dir.path(), &["undo"]));
    assert_eq!(stored(dir.path())[0]["tags"], json!(["x"]));
    assert_eq!(bytes(dir.path(), LIST), original);
}

/// Unknown fields anywhere in a todo, and at the top of the list, keep
/// their values through an edit and its undo.
#[test]
fn unknown_fields_among_known_ones_keep_their_values() {
    let tagged = HAND_2.replace(
        r#""title": "Pay rent","#,
        r#""title": "Pay rent", "tags": ["y", 1.50], "pinned": true,"#,
    );
    assert!(tagged.contains("pinned"));
    let dir = by_hand(HAND_1, &tagged);
    let list = fs::read_to_string(dir.path().join(LIST)).unwrap();
    fs::write(
        dir.path().join(LIST),
        list.replacen(
            "\"version\": 1,",
            "\"version\": 1,\n  \"owner\": \"Bea\",",
            1,
        ),
    )
    .unwrap();
    // The record's line, as the hand wrote it; the list's own fields are
    // put in order of their keys by any write.
    let line_of_two = |dir: &Path| {
        let text = String::from_utf8(bytes(dir, LIST).unwrap()).unwrap();
        text.lines()
            .find(|l| l.contains("\"id\": 2,"))
            .unwrap()
            .to_owned()
    };
    let before = line_of_two(dir.path());

    let check = |dir: &Path, title: &str| {
        let list: Value = serde_json::from_slice(&bytes(dir, LIST).unwrap()).unwrap();
        assert_eq!(list["owner"], "Bea");
        let two = &list["todos"][1];
        assert_eq!(two["title"], title);
        assert_eq!(two["tags"], json!(["y", 1.5]));
        assert_eq!(two["pinned"], json!(true));
        let text = String::from_utf8(bytes(dir, LIST).unwrap()).unwrap();
        assert!(
            text.contains("1.50"),
            "the number is kept as written: {text}"
        );
    };
    assert_ok(&run(
        dir.path(),
        &["edit", "2", "-t", "Pay the rent", "-d", "May"],
    ));
    check(dir.path(), "Pay the rent");
    let edited = String::from_utf8(bytes(dir.path(), LIST).unwrap()).unwrap();
    assert!(
        edited.contains(r#""title": "Pay the rent", "tags": ["y", 1.50], "pinned": true,"#),
        "unknown fields stay where they were: {edited}"
    );
    assert_ok(&run(dir.path(), &["undo"]));
    check(dir.path(), "Pay rent");
    assert_eq!(line_of_two(dir.path()), before, "undo gives the line back");
}

// ---------------------------------------------------------------------------
// 5. Clones merged by git

/// Whether `git` is installed; says so when it is not.
fn have_git() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !ok {
        println!("skipped: git is not installed");
    }
    ok
}

/// A bare origin and clones of it, in a scratch folder, with a git
/// configuration and a home of their own.
struct Repos {
    root: TempDir,
}

impl Repos {
    /// Origin, holding a list of two todos, and two clones of it, `a` and
    /// `b`, each set up to merge the list with {{project-name}}.
    fn new() -> (Self, PathBuf, PathBuf) {
        let repos = Self {
            root: tempfile::tempdir().unwrap(),
        };
        fs::write(
            repos.path("gitconfig"),
            "[user]\n\tname = Tester\n\temail = tester@example.com\n\
             [init]\n\tdefaultBranch = main\n[pull]\n\trebase = false\n",
        )
        .unwrap();
        repos.ok(&repos.path(""), &["init", "-q", "--bare", "origin.git"]);
        let a = repos.clone("a");
        let list = two_todos();
        fs::copy(list.path().join(LIST), a.join(LIST)).unwrap();
        repos.commit(&a, "A list");
        repos.ok(&a, &["push", "-q", "origin", "HEAD:main"]);
        let b = repos.clone("b");
        assert_eq!(bytes(&b, LIST), bytes(&a, LIST));
        (repos, a, b)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    /// `git args` in `dir`, free of the caller's and the system's settings.
    fn git(&self, dir: &Path, args: &[&str]) -> Output {
        self.settled(Command::new("git"), dir)
            .args(args)
            .output()
            .unwrap()
    }

    #[track_caller]
    fn ok(&self, dir: &Path, args: &[&str]) -> Output {
        let out = self.git(dir, args);
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        out
    }

    /// The binary in `dir`, with the same settings as git.
    fn program(&self, dir: &Path, args: &[&str]) -> Output {
        self.settled({{crate_name}}(dir), dir).args(args).output().unwrap()
    }

    fn settled(&self, mut cmd: Command, dir: &Path) -> Command {
        cmd.current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", self.path("gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.root.path())
            .env("GIT_AUTHOR_NAME", "Tester")
            .env("GIT_AUTHOR_EMAIL", "tester@example.com")
            .env("GIT_COMMITTER_NAME", "Tester")
            .env("GIT_COMMITTER_EMAIL", "tester@example.com")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("{{project-name | shouty_snake_case}}_FILE")
            .env_remove("{{project-name | shouty_snake_case}}_NOW");
        cmd
    }

    /// A clone of origin named `name`, set up with `git setup`, merging by
    /// a merge commit.
    fn clone(&self, name: &str) -> PathBuf {
        self.ok(&self.path(""), &["clone", "-q", "origin.git", name]);
        let dir = self.path(name);
        assert_ok(&self.program(&dir, &["git", "setup"]));
        self.ok(&dir, &["config", "pull.rebase", "false"]);
        dir
    }

    /// Commits everything in `dir` that git does not ignore.
    fn commit(&self, dir: &Path, message: &str) {
        self.ok(dir, &["add", "-A"]);
        self.ok(dir, &["commit", "-q", "-m", message]);
    }

    /// Runs {{project-name}} `args` in `dir`, commits, and pushes.
    fn change_and_push(&self, dir: &Path, args: &[&str]) {
        self.change(dir, args);
        self.ok(dir, &["push", "-q", "origin", "HEAD:main"]);
    }

    /// Runs {{project-name}} `args` in `dir` and commits.
    fn change(&self, dir: &Path, args: &[&str]) {
        assert_ok(&self.program(dir, args));
        self.commit(dir, &format!("{{project-name}} {}", args.join(" ")));
    }

    fn pull(&self, dir: &Path) -> Output {
        self.git(dir, &["pull", "-q", "origin", "main"])
    }
}

/// One clone edits a todo's title, the other its description: the merge
/// keeps both edits, and the clones end byte for byte the same.
#[test]
fn edits_of_different_fields_in_two_clones_merge() {
    if !have_git() {
        return;
    }
    let (repos, a, b) = Repos::new();
    let one = todo(&a, 1);
    repos.change_and_push(&a, &["edit", "1", "-t", "Buy oat milk"]);
    repos.change(&b, &["edit", "1", "-d", "1 liter"]);
    let pulled = repos.pull(&b);
    assert!(pulled.status.success(), "{}", stderr(&pulled));
    let both = with(
        &one,
        &[
            ("title", json!("Buy oat milk")),
            ("description", json!("1 liter")),
        ],
    );
    assert_eq!(todo(&b, 1), both);
    assert_eq!(todo(&b, 2), todo(&a, 2));
    assert!(
        !String::from_utf8(bytes(&b, LIST).unwrap())
            .unwrap()
            .contains("merge_conflicts")
    );
    repos.ok(&b, &["push", "-q", "origin", "HEAD:main"]);
    let pulled = repos.pull(&a);
    assert!(pulled.status.success(), "{}", stderr(&pulled));
    assert_eq!(bytes(&a, LIST), bytes(&b, LIST));
}

/// Both clones retitle the same todo: the merge stops with a conflict,
/// the list keeps one of the two titles and both in the todo's
/// `"merge_conflicts"`, and the rest of the list is merged.
#[test]
fn edits_of_one_field_in_two_clones_conflict_and_keep_both_values() {
    if !have_git() {
        return;
    }
    let (repos, a, b) = Repos::new();
    repos.change_and_push(&a, &["edit", "1", "-t", "Buy oat milk", "-d", "1 liter"]);
    repos.change(&b, &["edit", "1", "-t", "Buy soy milk"]);
    let pulled = repos.pull(&b);
    assert!(!pulled.status.success(), "the merge did not stop");
    let said = format!("{}{}", stdout(&pulled), stderr(&pulled));
    assert!(said.contains("conflict"), "{said}");
    assert!(said.contains("\"title\""), "{said}");

    let todos = stored(&b);
    assert_eq!(todos.len(), 2);
    let one = &todos[0];
    let titles: BTreeSet<&str> = one["merge_conflicts"]["title"]
        .as_array()
        .unwrap_or_else(|| panic!("no conflict kept: {one}"))
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(titles, BTreeSet::from(["Buy oat milk", "Buy soy milk"]));
    assert!(titles.contains(one["title"].as_str().unwrap()), "{one}");
    assert_eq!(
        one["description"], "1 liter",
        "the field without a conflict is merged"
    );
    assert_eq!(
        one["merge_conflicts"].as_object().unwrap().len(),
        1,
        "only the title conflicts: {one}"
    );
    let status = repos.ok(&b, &["status", "--porcelain", "--", LIST]);
    assert!(stdout(&status).starts_with("UU"), "{}", stdout(&status));
}

/// A todo edited in one clone and completed in the other stays completed
/// after the merge, whichever clone did which: completing wins.
#[test]
fn a_todo_edited_in_one_clone_and_completed_in_the_other_stays_completed() {
    if !have_git() {
        return;
    }
    let (repos, a, b) = Repos::new();
    let one = todo(&a, 1);
    assert_ok(&repos.program(&a, &["edit", "1", "-t", "Buy oat milk"]));
    repos.change_and_push(&a, &["done", "2"]);
    assert_ok(&repos.program(&b, &["done", "1"]));
    repos.change(&b, &["edit", "2", "-d", "by transfer"]);
    let pulled = repos.pull(&b);
    assert!(pulled.status.success(), "{}", stderr(&pulled));
    assert_eq!(shown(&b), Vec::<Value>::new());
    assert!(stored(&b).is_empty());
    // b's own completion is in its history, as it was completed there.
    let history = repos.program(&b, &["history", "--json"]);
    assert_ok(&history);
    let history: Value = serde_json::from_slice(&history.stdout).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 1, "{history}");
    assert_eq!(history[0]["ulid"], one["ulid"]);
    repos.ok(&b, &["push", "-q", "origin", "HEAD:main"]);
    let pulled = repos.pull(&a);
    assert!(pulled.status.success(), "{}", stderr(&pulled));
    assert!(stored(&a).is_empty());
    assert_eq!(bytes(&a, LIST), bytes(&b, LIST));
}
