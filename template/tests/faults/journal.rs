//! The history as an append-only journal: whatever git, an editor, a crash
//! or a hand does to the list or to the history, no command removes or
//! rewrites a line of it, so that every record `REMOVE` reported, and that
//! `UNDO` did not put back since, is on the list or in the history, once.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

use super::harness::*;

/// `HISTORY` of everything, as JSON, newest first, run as is: its stderr
/// matters to some tests.
fn history_of_all(dir: &Path) -> Output {
    run(dir, &[HISTORY, "1000000000", "--json"])
}

/// `each_once` for the texts `all`.
fn each_of(dir: &Path, all: &[&str], when: &str) {
    let all: BTreeSet<String> = all.iter().map(|&text| text.to_owned()).collect();
    each_once(dir, &all, when);
}

/// The history's bytes; none before it is made.
fn kept(dir: &Path) -> Vec<u8> {
    fs::read(dir.join(HISTORY_FILE)).unwrap_or_default()
}

/// Runs `args`, which must succeed, and checks that the history it leaves
/// begins with the whole history it found: it was only appended to.
fn appended(dir: &Path, args: &[&str]) -> Output {
    let before = kept(dir);
    let out = run(dir, args);
    assert_ok(&out);
    let after = kept(dir);
    assert!(
        after.starts_with(&before),
        "{args:?} rewrote the history:\nbefore: {}\nafter: {}",
        String::from_utf8_lossy(&before),
        String::from_utf8_lossy(&after)
    );
    out
}

/// The line of the list in `dir` that holds record `id`, as the program
/// lays a list out (one record per line), without its separating comma.
fn line_of(dir: &Path, id: u64) -> String {
    let text = fs::read_to_string(dir.join(FILE)).unwrap();
    text.lines()
        .filter_map(record_line)
        .find(|(n, _)| *n == id)
        .map(|(_, line)| line.to_owned())
        .unwrap()
}

/// A line of a list that is a whole record: its number, and the record.
fn record_line(line: &str) -> Option<(u64, &str)> {
    let line = line.trim().trim_end_matches(',');
    let record: Value = serde_json::from_str(line).ok()?;
    Some((record["id"].as_u64()?, line))
}

/// Puts `line`, a record, back into the list in `dir`, as a hand would:
/// every other record kept as it is, in number order.
fn put_back(dir: &Path, line: &str) {
    let path = dir.join(FILE);
    let text = fs::read_to_string(&path).unwrap();
    let list: Value = serde_json::from_str(&text).unwrap();
    let mut lines: Vec<(u64, &str)> = text.lines().filter_map(record_line).collect();
    lines.extend(record_line(line));
    lines.sort_unstable();
    let lines: Vec<String> = lines.into_iter().map(|(_, l)| l.to_owned()).collect();
    let next_id = list["next_id"].as_u64().unwrap();
    fs::write(&path, list_of(next_id, &lines)).unwrap();
}

#[test]
fn a_last_line_without_its_line_break_still_counts() {
    let dir = scratch();
    let dir = dir.path();
    for text in ["a", "b", "c"] {
        assert_ok(&run(dir, &create(text)));
    }
    assert_ok(&run(dir, &[REMOVE, "1"]));
    // An editor that drops the final line break, as `printf %s "$(cat f)"`.
    let mut dropped = kept(dir);
    while dropped.last() == Some(&b'\n') {
        dropped.pop();
    }
    fs::write(dir.join(HISTORY_FILE), &dropped).unwrap();
    assert_eq!(history(dir), ["a"], "a whole last line counts");
    appended(dir, &[REMOVE, "2"]);
    assert!(
        kept(dir)[dropped.len()..].starts_with(b"\n"),
        "the next writer ends the line before its own"
    );
    assert_eq!(history(dir), ["b", "a"]);
    each_of(dir, &["a", "b", "c"], "after the second removal");
}

/// A repository whose list holds "Buy milk" and "Pay rent", committed.
fn started() -> GitRepo {
    let repo = GitRepo::new();
    for text in ["Buy milk", "Pay rent"] {
        assert_ok(&repo.program(&create(text)));
    }
    repo.commit("Start the list");
    repo
}

#[test]
fn a_removal_survives_a_checkout_of_a_branch_without_it() {
    let repo = started();
    repo.git(&["branch", "side"]);
    assert_ok(&repo.program(&[REMOVE, "1"]));
    repo.commit("Buy milk");
    repo.git(&["checkout", "-q", "side"]);
    // The list of a branch that never saw the removal, changed there.
    assert_ok(&repo.program(&create("side work")));
    repo.commit("Side work");
    repo.git(&["checkout", "-q", "-"]);
    assert_eq!(history(&repo.path()), ["Buy milk"]);
    each_of(&repo.path(), &["Buy milk", "Pay rent"], "back on main");
}

#[test]
fn a_removal_survives_a_stash_while_the_list_changes() {
    let repo = started();
    assert_ok(&repo.program(&[REMOVE, "1"]));
    repo.git(&["stash", "-q"]);
    // The list as committed: the record is back on it, so not in the history.
    assert!(history(&repo.path()).is_empty());
    each_of(&repo.path(), &["Buy milk", "Pay rent"], "stashed");
    // Work goes on while the removal is stashed, and is committed first.
    assert_ok(&repo.program(&create("Call mom")));
    repo.commit("Call mom");
    repo.git(&["stash", "pop", "-q"]);
    assert_eq!(history(&repo.path()), ["Buy milk"]);
    each_of(
        &repo.path(),
        &["Buy milk", "Pay rent", "Call mom"],
        "popped",
    );
}

#[test]
fn a_removal_survives_a_reset_past_its_commit() {
    let repo = started();
    assert_ok(&repo.program(&[REMOVE, "1"]));
    repo.commit("Buy milk");
    let removal = repo.git(&["rev-parse", "HEAD"]);
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    // The list as before the removal: the record is back on it.
    assert!(history(&repo.path()).is_empty());
    each_of(&repo.path(), &["Buy milk", "Pay rent"], "reset");
    // Work goes on, then the removal is picked back.
    assert_ok(&repo.program(&create("Call mom")));
    repo.commit("Call mom");
    repo.git(&["cherry-pick", removal.trim()]);
    assert_eq!(history(&repo.path()), ["Buy milk"]);
    each_of(
        &repo.path(),
        &["Buy milk", "Pay rent", "Call mom"],
        "picked back",
    );
}

#[test]
fn a_removed_record_put_back_by_hand_leaves_the_others_in_the_history() {
    let dir = scratch();
    let dir = dir.path();
    for text in ["a", "b", "c"] {
        assert_ok(&run(dir, &create(text)));
    }
    let a = line_of(dir, 1);
    assert_ok(&run(dir, &[REMOVE, "1", "2"]));
    put_back(dir, &a);
    appended(dir, &create("t4"));
    assert_eq!(history(dir), ["b"]);
    each_of(dir, &["a", "b", "c", "t4"], "after the next change");
}

#[test]
fn undo_puts_back_only_what_the_list_lacks() {
    // A removal undone is no longer shown, even once its addition is undone too.
    let dir = scratch();
    let dir = dir.path();
    assert_ok(&run(dir, &create("a")));
    for args in [vec![REMOVE, "1"], vec![UNDO], vec![UNDO]] {
        assert_ok(&run(dir, &args));
    }
    assert!(history(dir).is_empty(), "{:?}", history(dir));
    assert!(listed(dir).is_empty());

    let dir = scratch();
    let dir = dir.path();
    for text in ["a", "b"] {
        assert_ok(&run(dir, &create(text)));
    }
    let a = line_of(dir, 1);
    assert_ok(&run(dir, &[REMOVE, "1", "2"]));
    put_back(dir, &a);
    // What the list lacks is b alone: only b is put back, and named.
    let out = run(dir, &[UNDO]);
    assert_ok(&out);
    let said = String::from_utf8(out.stdout).unwrap();
    let named = said.contains(&format!("{REMOVE} #2: b"));
    assert!(
        named,
        "undo should put back b alone, and say so; it said: {said}"
    );
    assert!(!said.contains("#1"), "a was on the list already: {said}");
    assert!(history(dir).is_empty(), "{:?}", history(dir));
    assert_eq!(listed(dir), ["a", "b"]);
    // Then the additions, newest first, and nothing more.
    for (said_now, left) in [("#2: b", &["a"][..]), ("#1: a", &[])] {
        let out = run(dir, &[UNDO]);
        assert_ok(&out);
        let said = String::from_utf8(out.stdout).unwrap();
        assert!(said.contains(said_now), "{said}");
        assert_eq!(listed(dir), left);
    }
    assert_fails(&run(dir, &[UNDO]), 1, "nothing to undo");
}

#[cfg(unix)]
#[test]
fn a_large_removal_costs_later_commands_no_memory() {
    use std::io::Write;
    use std::process::Stdio;

    const COUNT: u64 = 20_000;
    let dir = scratch();
    let dir = dir.path();
    write_list(&dir.join(FILE), COUNT);
    let size = fs::metadata(dir.join(FILE)).unwrap().len();
    assert_ok(&run(dir, &create("keep")));
    // As `seq 1 20000 | REMOVE -`.
    let mut removal = {{crate_name}}(dir)
        .args([REMOVE, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let ids: String = (1..=COUNT).map(|id| format!("{id}\n")).collect();
    removal
        .stdin
        .take()
        .unwrap()
        .write_all(ids.as_bytes())
        .unwrap();
    assert!(removal.wait().unwrap().success());
    // Twice the list, and 300 MB for the program's own mapping: on such a
    // list, `LIST 2` needs about 15 MB when nothing was removed.
    let kib = 2 * size / 1024 + 300 * 1024;
    for args in [vec![LIST, "2"], vec![HISTORY, "1"], create("x")] {
        let out = limited(dir, &format!("-v {kib}"), &args);
        assert!(
            out.status.success(),
            "{args:?} within {kib} KiB: {:?}: {}",
            out.status,
            stderr(&out)
        );
    }
    assert_eq!(listed(dir), ["keep", "x"]);
}

/// `args`, which must succeed within `seconds` of processor time: far more
/// than reading a history in time linear in its length takes, far less
/// than reading it in quadratic time did.
#[cfg(unix)]
fn in_linear_time(dir: &Path, seconds: u32, args: &[&str]) -> Output {
    let out = limited(dir, &format!("-t {seconds}"), args);
    assert!(
        out.status.success(),
        "{args:?} within {seconds} s of processor time: {:?}: {}",
        out.status,
        stderr(&out)
    );
    out
}

#[cfg(unix)]
#[test]
fn a_long_line_of_the_history_comes_back_whole() {
    let dir = scratch();
    let dir = dir.path();
    let text = "x".repeat(40 << 20);
    fs::write(dir.join(FILE), list_of(2, &[record(1, &ulid(1), &text)])).unwrap();
    assert_ok(&run(dir, &[REMOVE, "1"]));
    in_linear_time(dir, 20, &[LIST]);
    let out = in_linear_time(dir, 20, &[HISTORY, "1", "--json"]);
    let shown: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown.len(), 1);
    let back = shown[0][TEXT].as_str().unwrap();
    assert_eq!(back.len(), text.len());
    assert!(back == text, "the text came back changed");
    let before = kept(dir);
    in_linear_time(dir, 20, &create("x"));
    assert!(kept(dir).starts_with(&before), "only appended to");
    assert_eq!(listed(dir), ["x"]);
}

#[cfg(unix)]
#[test]
fn a_long_history_of_records_gone_costs_little_to_read() {
    const GONE: u64 = 100_000;
    let dir = scratch();
    let dir = dir.path();
    // Records added here and removed in another clone, whose list was
    // merged in: the history holds their additions, and no removal.
    let mut history = format!("{% raw %}{{\"version\": 1, \"history\": \"{COLLECTION}\"}}{% endraw %}\n");
    for n in 1..=GONE {
        let ulid = ulid(n);
        history.push_str(&format!(
            "{% raw %}{{\"change\": {n}, \"added\": {{\"id\": {n}, \"ulid\": \"{ulid}\"}}{% endraw %}}}\n"
        ));
    }
    fs::write(dir.join(HISTORY_FILE), history).unwrap();
    let kept_id = GONE + 1;
    let ulid = ulid(kept_id);
    fs::write(
        dir.join(FILE),
        list_of(kept_id + 1, &[record(kept_id, &ulid, "kept")]),
    )
    .unwrap();
    let out = in_linear_time(dir, 5, &[HISTORY, "5", "--json"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
    let before = kept(dir);
    in_linear_time(dir, 5, &create("x"));
    assert!(kept(dir).starts_with(&before), "only appended to");
    assert_eq!(listed(dir), ["kept", "x"]);
}

#[cfg(unix)]
#[test]
fn the_history_and_the_lock_take_the_lists_mode() {
    use std::os::unix::fs::PermissionsExt;

    let dir = scratch();
    let dir = dir.path();
    write_list(&dir.join(FILE), 2);
    fs::set_permissions(dir.join(FILE), fs::Permissions::from_mode(0o600)).unwrap();
    assert_ok(&run(dir, &[REMOVE, "1"]));
    for file in [HISTORY_FILE.to_owned(), lock_name()] {
        let mode = fs::metadata(dir.join(&file)).unwrap().permissions().mode();
        assert_eq!(format!("{:o}", mode & 0o777), "600", "{file}'s mode");
    }
}

/// The names of the files in `dir`.
fn names(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_folder_named_as_the_list_is_refused_and_nothing_is_made_beside_it() {
    let dir = scratch();
    fs::create_dir(dir.path().join("folder")).unwrap();
    for file in ["folder", "folder/"] {
        let out = run(dir.path(), &and(create("x"), &["--file", file]));
        assert_fails(&out, 74, "is a directory, not a file");
    }
    // A folder not made yet.
    let out = run(dir.path(), &and(create("x"), &["--file", "new/"]));
    assert_fails(&out, 74, "names a folder, not a file");
    assert_eq!(names(dir.path()), ["folder"]);
}

#[test]
fn a_command_that_changes_nothing_creates_nothing() {
    let dir = scratch();
    assert_fails(&run(dir.path(), &[UNDO]), 1, "nothing to undo");
    assert!(
        names(dir.path()).is_empty(),
        "undo made {:?}",
        names(dir.path())
    );

    let dir = scratch();
    let nothing = format!("no {NOUN} with id 1");
    assert_fails(&run(dir.path(), &[REMOVE, "1"]), 1, &nothing);
    let made = names(dir.path());
    assert!(made.is_empty(), "{REMOVE} 1 made {made:?}");
}

#[test]
fn an_unreadable_line_is_skipped_with_a_warning() {
    let dir = scratch();
    let dir = dir.path();
    write_list(&dir.join(FILE), 3);
    assert_ok(&run(dir, &[REMOVE, "1"]));
    assert_ok(&run(dir, &[REMOVE, "2"]));
    // After the header and the first removal: line 3.
    let before = kept(dir);
    let lines: Vec<&[u8]> = before.split_inclusive(|&b| b == b'\n').collect();
    assert_eq!(lines.len(), 3);
    let at = lines[0].len() + lines[1].len();
    let garbage = b"not a line of a history\n";
    let edited = [&before[..at], garbage, &before[at..]].concat();
    fs::write(dir.join(HISTORY_FILE), &edited).unwrap();

    let out = history_of_all(dir);
    assert_ok(&out);
    let warned = stderr(&out);
    assert!(
        warned.contains(HISTORY_FILE) && warned.contains("line 3"),
        "{warned}"
    );
    let shown: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(texts(&shown), ["record 2", "record 1"]);
    appended(dir, &[REMOVE, "3"]);
    assert_eq!(
        &kept(dir)[at..at + garbage.len()],
        garbage,
        "kept as it was"
    );
    assert_eq!(history(dir), ["record 3", "record 2", "record 1"]);
}

#[test]
fn a_torn_last_line_is_ignored_and_kept() {
    let dir = scratch();
    let dir = dir.path();
    write_list(&dir.join(FILE), 2);
    assert_ok(&run(dir, &[REMOVE, "1"]));
    // A write cut short by a crash.
    let mut torn = kept(dir);
    torn.extend_from_slice(br#"{"change": 99, "compl"#);
    fs::write(dir.join(HISTORY_FILE), &torn).unwrap();

    let out = history_of_all(dir);
    assert_ok(&out);
    assert_eq!(stderr(&out), "", "a torn end is no fault of the reader's");
    let shown: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(texts(&shown), ["record 1"]);

    appended(dir, &create("x"));
    let after = kept(dir);
    let new = &after[torn.len()..];
    assert!(new.starts_with(b"\n"), "the torn line is ended first");
    let line = &new[1..];
    assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1);
    assert!(line.ends_with(b"\n"));
    let added: Value = serde_json::from_slice(line).unwrap();
    assert!(added.get("added").is_some(), "{added}");
    assert_eq!(history(dir), ["record 1"]);
}

#[test]
fn commands_only_ever_append_to_the_history() {
    let dir = scratch();
    let dir = dir.path();
    for args in [
        create("a"),
        create("b"),
        vec![REMOVE, "1"],
        vec![UNDO],
        vec![REMOVE, "2"],
        create("c"),
    ] {
        appended(dir, &args);
    }
    assert_eq!(history(dir), ["b"]);
    each_of(dir, &["a", "b", "c"], "after the changes");
}
