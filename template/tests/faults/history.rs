//! The history of removed records, and undo: written with the list, under
//! its lock, so that a record is always on the list or in the history.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::thread;
use std::time::Instant;

use super::harness::*;

/// A list of `count` records, made by the binary: `record 1` to `record count`.
fn made(dir: &Path, count: u64) -> BTreeSet<String> {
    write_list(&dir.join(FILE), count);
    (1..=count).map(|n| format!("record {n}")).collect()
}

#[test]
fn concurrent_removals_are_each_kept_once() {
    const WORKERS: u64 = 6;
    const EACH: u64 = 15;
    let dir = scratch();
    let all = made(dir.path(), WORKERS * EACH + 10);
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let dir = dir.path().to_owned();
            thread::spawn(move || {
                for n in 0..EACH {
                    let id = (w * EACH + n + 1).to_string();
                    assert_ok(&run(&dir, &[REMOVE, &id]));
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    each_once(dir.path(), &all, "after the workers");
    assert_eq!(history(dir.path()).len() as u64, WORKERS * EACH);
    assert_eq!(listed(dir.path()).len(), 10);
}

#[test]
fn kill_9_leaves_every_record_on_the_list_or_in_the_history() {
    let dir = scratch();
    // Large enough that a write takes a while, so kills land mid-write, and
    // that its lines are checked while the new list is written.
    let all = made(dir.path(), 10_000);
    let started = Instant::now();
    assert_ok(&run(dir.path(), &[REMOVE, "1"]));
    assert!(fs::metadata(dir.path().join(FILE)).unwrap().len() > 1 << 20);
    let lifetime = started.elapsed();
    let rounds = 40;
    for round in 0..rounds {
        // Removals and undos, some of them killed at every moment of their lives.
        let args = match round % 3 {
            2 => vec![UNDO.to_owned()],
            _ => vec![REMOVE.to_owned(), (round + 2).to_string()],
        };
        let mut child = {{crate_name}}(dir.path())
            .args(&args)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        thread::sleep(lifetime * (round % 10) / 10);
        child.kill().unwrap();
        child.wait().unwrap();
        each_once(dir.path(), &all, &format!("round {round}, {args:?}"));
    }
    // What killed writers left is put right by the next one.
    assert_ok(&run(dir.path(), &[REMOVE, "100"]));
    each_once(dir.path(), &all, "after the rounds");
    let undone = run(dir.path(), &[UNDO]);
    assert_ok(&undone);
    assert!(listed(dir.path()).contains(&"record 100".to_owned()));
}

#[test]
fn kill_9_of_an_edit_leaves_the_record_as_it_was_or_as_edited() {
    if edit("1", "").is_none() {
        return; // a record that is not edited
    }
    let dir = scratch();
    // Large enough that a write takes a while, so kills land mid-write.
    let all = made(dir.path(), 10_000);
    let started = Instant::now();
    assert_ok(&run(dir.path(), &edit("1", "timed").unwrap()));
    let lifetime = started.elapsed();
    assert_ok(&run(dir.path(), &[UNDO]));
    let others = |listed: &[String]| {
        let mut others: BTreeSet<String> = listed.iter().cloned().collect();
        others.remove(&listed[1]);
        others.insert("record 2".into());
        others == all
    };
    // The texts record 2 was given by the edits the list showed, the
    // latest last: what undo walks back through.
    let mut shown = vec!["record 2".to_owned()];
    for round in 0..30u32 {
        let text = format!("round {round}");
        // Edits and undos, killed at every moment of their lives.
        let args = match round % 3 {
            2 => vec![UNDO],
            _ => edit("2", &text).unwrap(),
        };
        let mut child = {{crate_name}}(dir.path())
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        thread::sleep(lifetime * (round % 10) / 10);
        child.kill().unwrap();
        child.wait().unwrap();
        let listed = listed(dir.path());
        assert!(
            others(&listed),
            "round {round}, {args:?}: another record changed"
        );
        let (now, was) = (&listed[1], shown.last().unwrap());
        if args[0] == UNDO {
            let back = shown.len().checked_sub(2).map(|at| &shown[at]);
            assert!(
                now == was || Some(now) == back,
                "round {round}, {args:?}: {now} is neither {was} nor {back:?}"
            );
            if now != was {
                shown.pop();
            }
        } else {
            assert!(
                now == was || *now == text,
                "round {round}, {args:?}: {now} is neither {was} nor {text}"
            );
            if *now == text {
                shown.push(text);
            }
        }
        assert!(
            history(dir.path()).is_empty(),
            "round {round}: nothing removed"
        );
    }
    // What killed writers left is put right by the next one, and undo
    // walks back through every edit the list showed, to the first text.
    assert_ok(&run(dir.path(), &edit("2", "last").unwrap()));
    shown.push("last".into());
    while let Some(text) = shown.pop() {
        assert_eq!(listed(dir.path())[1], text, "walking back");
        if !shown.is_empty() {
            assert_ok(&run(dir.path(), &[UNDO]));
        }
    }
    assert_fails(&run(dir.path(), &[UNDO]), 1, "nothing to undo");
}

#[cfg(unix)]
#[test]
fn a_full_disk_while_removing_or_editing_changes_neither_file() {
    let dir = scratch();
    made(dir.path(), 20);
    for id in ["1", "2", "3", "4", "5"] {
        assert_ok(&run(dir.path(), &[REMOVE, id]));
    }
    let (list, kept) = (dir.path().join(FILE), dir.path().join(HISTORY_FILE));
    let before = (fs::read(&list).unwrap(), fs::read(&kept).unwrap());
    assert!(before.0.len() > 512 && before.1.len() > 512);
    let changes = [
        Some(vec![REMOVE, "6"]),
        edit("7", "changed"),
        Some(vec![UNDO]),
    ];
    for args in changes.into_iter().flatten() {
        // 512 bytes at most, as a full disk would allow.
        let out = limited(dir.path(), "-f 1", &args);
        assert_fails(&out, 74, "File too large");
        assert_eq!((fs::read(&list).unwrap(), fs::read(&kept).unwrap()), before);
    }
}

#[cfg(unix)]
#[test]
fn a_list_the_disk_has_no_room_for_takes_back_the_history_line() {
    // An edit's history line is short, whatever the list holds.
    if edit("1", "").is_none() {
        return; // a record that is not edited
    }
    let dir = scratch();
    made(dir.path(), 40);
    assert_ok(&run(dir.path(), &edit("1", "changed").unwrap()));
    let (list, kept) = (dir.path().join(FILE), dir.path().join(HISTORY_FILE));
    let before = (fs::read(&list).unwrap(), fs::read(&kept).unwrap());
    // Room for the history's new line, none for the new list: 2 KiB a file.
    assert!(before.0.len() > 4 << 10 && before.1.len() < 1 << 10);
    for args in [edit("2", "changed").unwrap(), vec![UNDO], vec![REMOVE, "2"]] {
        let out = limited(dir.path(), "-f 4", &args);
        assert_fails(&out, 74, "File too large");
        let after = (fs::read(&list).unwrap(), fs::read(&kept).unwrap());
        assert_eq!(after, before, "{args:?}");
    }
    assert_eq!(listed(dir.path())[..2], ["changed", "record 2"]);
}

#[test]
fn a_broken_history_stops_what_needs_it_and_nothing_else() {
    let dir = scratch();
    made(dir.path(), 3);
    let (list, kept) = (dir.path().join(FILE), dir.path().join(HISTORY_FILE));
    for broken in [
        &b"not a history\n"[..],
        b"{\"version\": 1, \"history\": \"others\"}\n",
    ] {
        fs::write(&kept, broken).unwrap();
        let before = fs::read(&list).unwrap();
        let changes = [
            Some(vec![REMOVE, "1"]),
            edit("1", "changed"),
            Some(vec![UNDO]),
        ];
        for args in changes.into_iter().flatten() {
            let out = run(dir.path(), &args);
            assert_fails(&out, 65, HISTORY_FILE);
            assert!(stderr(&out).contains("move it aside"), "{}", stderr(&out));
        }
        assert_fails(&run(dir.path(), &[HISTORY]), 65, HISTORY_FILE);
        assert_eq!(fs::read(&list).unwrap(), before);
        for args in [vec![LIST], vec![SEARCH, "record"], create("still works")] {
            let out = run(dir.path(), &args);
            assert_ok(&out);
            assert!(stderr(&out).starts_with("warning: "), "{}", stderr(&out));
            let warned = stderr(&out);
            // A record that is not edited has no edit to name.
            let edits = edit("1", "changed").map(|_| EDIT);
            assert!(
                [Some(REMOVE), edits, Some(UNDO), Some("refuse")]
                    .into_iter()
                    .flatten()
                    .all(|word| warned.contains(word)),
                "{}",
                stderr(&out)
            );
        }
        assert_eq!(fs::read(&kept).unwrap(), broken, "never written over");
    }
    // A broken line is passed over, named by its number counted from the
    // top, and kept: the lines around it still count.
    fs::remove_file(&kept).unwrap();
    assert_ok(&run(dir.path(), &[REMOVE, "1"]));
    let mut broken = fs::read(&kept).unwrap();
    broken.extend_from_slice(b"{\"change\": 9}\n");
    fs::write(&kept, &broken).unwrap();
    assert_ok(&run(dir.path(), &[REMOVE, "2"]));
    let warned = |out: &std::process::Output| {
        assert_ok(out);
        assert!(
            stderr(out).contains("line 3 has no time"),
            "{}",
            stderr(out)
        );
    };
    let shown = run(dir.path(), &[HISTORY]);
    warned(&shown);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("record 1"));
    for _ in 0..2 {
        warned(&run(dir.path(), &[UNDO]));
    }
    let listed = listed(dir.path());
    for text in ["record 1", "record 2"] {
        assert!(listed.contains(&text.to_owned()), "{text} put back");
    }
    assert!(fs::read(&kept).unwrap().starts_with(&broken), "kept");
}

#[test]
fn an_edit_refuses_a_broken_history_and_changes_nothing() {
    if edit("1", "").is_none() {
        return; // a record that is not edited
    }
    let dir = scratch();
    made(dir.path(), 3);
    let (list, kept) = (dir.path().join(FILE), dir.path().join(HISTORY_FILE));
    // An edit made while the history could be read, to be taken back later.
    assert_ok(&run(dir.path(), &edit("2", "record 2, edited").unwrap()));
    let good = fs::read(&kept).unwrap();
    let (_, changes) = good.split_at(good.iter().position(|&b| b == b'\n').unwrap() + 1);
    let first = ulid(1);
    for header in [
        &b""[..],
        b"\n",
        b"not a history\n",
        b"{\"version\": 1, \"history\": \"others\"}\n",
        b"{\"version\": 2, \"history\": \"records\"}\n",
    ] {
        // The first line unusable, the changes after it as they were.
        let broken = [header, changes].concat();
        fs::write(&kept, &broken).unwrap();
        let before = fs::read(&list).unwrap();
        // By number and by ULID; to a new text, and to the text it holds.
        for args in [
            edit("1", "changed").unwrap(),
            edit(&first, "changed").unwrap(),
            edit("1", "record 1").unwrap(),
        ] {
            let out = run(dir.path(), &args);
            assert_fails(&out, 65, HISTORY_FILE);
            assert!(stderr(&out).contains("move it aside"), "{}", stderr(&out));
            assert_eq!(out.stdout, b"", "{args:?} said it changed something");
        }
        assert_eq!(fs::read(&list).unwrap(), before, "the list as it was");
        assert_eq!(fs::read(&kept).unwrap(), broken, "never written over");
        assert_fails(&run(dir.path(), &[UNDO]), 65, HISTORY_FILE);
        assert_eq!(listed(dir.path())[1], "record 2, edited", "not taken back");
    }
    // Mended, the history takes edits again, and undo takes them back.
    fs::write(&kept, &good).unwrap();
    assert_ok(&run(dir.path(), &edit("1", "changed").unwrap()));
    assert_eq!(listed(dir.path())[0], "changed");
    for _ in 0..2 {
        assert_ok(&run(dir.path(), &[UNDO]));
    }
    assert_eq!(listed(dir.path()), ["record 1", "record 2", "record 3"]);
    assert!(
        fs::read(&kept).unwrap().starts_with(&good),
        "only appended to"
    );
}

#[cfg(unix)]
#[test]
fn a_history_that_is_not_a_file_is_never_opened_for_writing() {
    let dir = scratch();
    made(dir.path(), 2);
    let kept = dir.path().join(HISTORY_FILE);
    let made_fifo = std::process::Command::new("mkfifo")
        .arg(&kept)
        .status()
        .unwrap();
    assert!(made_fifo.success());
    let out = run(dir.path(), &[REMOVE, "1"]);
    assert_fails(&out, 74, "FIFO");
    assert_eq!(listed(dir.path()).len(), 2);
    fs::remove_file(&kept).unwrap();
    std::os::unix::fs::symlink(dir.path().join("elsewhere"), &kept).unwrap();
    assert_fails(&run(dir.path(), &[REMOVE, "1"]), 74, "link");
    assert!(!dir.path().join("elsewhere").exists());
}

#[test]
fn undo_walks_back_through_every_change_and_numbers_stay_used() {
    let dir = scratch();
    for n in 1..=105 {
        assert_ok(&run(dir.path(), &create(&format!("n{n}"))));
    }
    let before = fs::read(dir.path().join(FILE)).unwrap();
    assert_ok(&run(dir.path(), &[REMOVE, "3", "5"]));
    assert_ok(&run(dir.path(), &[UNDO]));
    let restored: Vec<u64> = records(dir.path())
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert_eq!(restored, (1..=105).collect::<Vec<_>>());
    assert!(history(dir.path()).is_empty());
    assert_eq!(
        fs::read(dir.path().join(FILE)).unwrap(),
        before,
        "as before"
    );
    for n in (1..=105).rev() {
        let out = run(dir.path(), &[UNDO]);
        assert_ok(&out);
        assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("#{n}:")));
    }
    assert!(records(dir.path()).is_empty());
    assert_fails(&run(dir.path(), &[UNDO]), 1, "nothing to undo");
    // Numbers are never given out twice, undone or not.
    assert_eq!(
        run(dir.path(), &create("after")).stdout,
        created(106, "after").into_bytes()
    );
}

#[test]
fn each_list_keeps_a_history_of_its_own() {
    let dir = scratch();
    made(dir.path(), 2);
    assert_ok(&run(dir.path(), &[REMOVE, "1"]));
    // Lists whose names share a stem, or that lack an extension.
    let stem = FILE.split('.').next().unwrap();
    for other in [format!("{stem}.txt"), stem.to_owned()] {
        let file = ["--file", other.as_str()];
        assert_ok(&run(dir.path(), &and(create("other"), &file)));
        let shown = run(dir.path(), &and(vec![HISTORY, "--json"], &file));
        assert_ok(&shown);
        assert_eq!(String::from_utf8_lossy(&shown.stdout).trim(), "[]");
        assert!(
            String::from_utf8_lossy(&run(dir.path(), &and(vec![UNDO], &file)).stdout)
                .contains("other")
        );
        assert!(records_of(dir.path(), &other).is_empty());
    }
    assert_eq!(history(dir.path()), ["record 1"], "untouched by the others");
}

#[test]
fn a_history_whose_list_is_gone_is_not_given_to_a_new_one() {
    let dir = scratch();
    let all = made(dir.path(), 2);
    assert_ok(&run(dir.path(), &[REMOVE, "1"]));
    let (list, kept) = (dir.path().join(FILE), dir.path().join(HISTORY_FILE));
    let aside = dir.path().join(format!("{FILE}.broken"));
    // As the tip for a broken list said before lists and histories were bound.
    fs::rename(&list, &aside).unwrap();
    let before = fs::read(&kept).unwrap();
    for args in [create("new"), vec![UNDO]] {
        let out = run(dir.path(), &args);
        assert_fails(&out, 65, "belongs to the list that was");
        assert!(stderr(&out).contains("mv "), "{}", stderr(&out));
    }
    assert!(!list.exists(), "no new list");
    assert_eq!(fs::read(&kept).unwrap(), before);
    // Moved aside with it, the history stays that list's.
    let aside_name = format!("{FILE}.broken");
    fs::rename(
        &kept,
        dir.path().join(format!("{aside_name}.history.jsonl")),
    )
    .unwrap();
    assert_ok(&run(dir.path(), &create("new")));
    let shown = run(dir.path(), &[HISTORY, "--json", "--file", &aside_name]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("record 1"));
    fs::rename(&aside, &list).unwrap();
    fs::rename(
        dir.path().join(format!("{aside_name}.history.jsonl")),
        &kept,
    )
    .unwrap();
    each_once(dir.path(), &all, "with the list and its history back");
}

#[cfg(unix)]
#[test]
#[ignore = "needs root"]
fn another_users_history_or_lock_in_a_shared_folder_is_refused() {
    let dir = scratch();
    let shared = shared_folder(dir.path());
    write_list(&shared.join(FILE), 2);
    // Another user plants a history that removed something never on the
    // list: the history of another list, as the program writes one.
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    let evil = record(99, &ulid(99), "run evil");
    fs::write(elsewhere.join(FILE), list_of(100, &[evil])).unwrap();
    assert_ok(&run(&elsewhere, &[REMOVE, "99"]));
    let forged = fs::read_to_string(elsewhere.join(HISTORY_FILE)).unwrap();
    assert!(
        forged.contains("run evil") && !forged.contains('\''),
        "{forged}"
    );
    let plant = format!("printf '%s' '{forged}' > {HISTORY_FILE}");
    by_nobody(&shared, &["sh", "-c", &plant]);
    let before = fs::read(shared.join(FILE)).unwrap();
    for args in [vec![UNDO], vec![REMOVE, "1"], create("x"), vec![HISTORY]] {
        let out = run(&shared, &args);
        assert_fails(&out, 74, "belongs to another user (uid 65534)");
        assert!(!String::from_utf8_lossy(&out.stdout).contains("evil"));
    }
    assert_eq!(fs::read(shared.join(FILE)).unwrap(), before);
    let forged_kept = fs::read(shared.join(HISTORY_FILE)).unwrap();
    assert!(
        !String::from_utf8_lossy(&forged_kept).contains("record 1"),
        "nothing of root's written there"
    );
    // A planted lock is refused the same way.
    fs::remove_file(shared.join(HISTORY_FILE)).unwrap();
    let lock = lock_name();
    let _ = fs::remove_file(shared.join(&lock));
    by_nobody(&shared, &["touch", &lock]);
    assert_fails(&run(&shared, &create("x")), 74, "belongs to another user");
}

#[cfg(unix)]
#[test]
#[ignore = "needs root"]
fn reading_a_history_needs_read_access_only() {
    use std::os::unix::fs::PermissionsExt;

    let dir = scratch();
    as_nobody(dir.path());
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    made(dir.path(), 2);
    assert_ok(&run(dir.path(), &[REMOVE, "1"]));
    // Root's list and history, readable by all: another user reads both.
    for args in [vec![LIST], vec![HISTORY]] {
        let out = as_nobody(dir.path()).args(&args).output().unwrap();
        assert_ok(&out);
        assert_eq!(stderr(&out), "", "{args:?}");
    }
    let out = as_nobody(dir.path()).args([HISTORY]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("record 1"));
    // Its owner's own history, made read-only: read as ever, never written.
    let home = dir.path().join("home");
    fs::create_dir(&home).unwrap();
    std::os::unix::fs::chown(&home, Some(NOBODY), Some(NOBODY)).unwrap();
    for args in [create("a"), create("b"), vec![REMOVE, "1"]] {
        assert_ok(&as_nobody(&home).args(&args).output().unwrap());
    }
    let kept = home.join(HISTORY_FILE);
    fs::set_permissions(&kept, fs::Permissions::from_mode(0o444)).unwrap();
    let before = (fs::read(home.join(FILE)).unwrap(), fs::read(&kept).unwrap());
    assert_ok(&as_nobody(&home).args([HISTORY]).output().unwrap());
    for args in [vec![REMOVE, "2"], vec![UNDO]] {
        let out = as_nobody(&home).args(&args).output().unwrap();
        assert_fails(&out, 74, HISTORY_FILE);
        assert!(
            stderr(&out).contains("Permission denied"),
            "{}",
            stderr(&out)
        );
    }
    let after = (fs::read(home.join(FILE)).unwrap(), fs::read(&kept).unwrap());
    assert_eq!(after, before);
}

#[test]
fn readers_never_see_a_history_half_written() {
    let dir = scratch();
    made(dir.path(), 2_000);
    let writer = {
        let dir = dir.path().to_owned();
        thread::spawn(move || {
            for round in 0..10 {
                let ids = (1..=2_000)
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join("\n");
                let mut removal = {{crate_name}}(&dir)
                    .args([REMOVE, "-"])
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap();
                use std::io::Write;
                removal
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(ids.as_bytes())
                    .unwrap();
                assert!(removal.wait().unwrap().success(), "round {round}");
                assert_ok(&run(&dir, &[UNDO]));
            }
        })
    };
    let mut reads = 0;
    while !writer.is_finished() {
        for args in [[HISTORY, "3"], [LIST, "3"]] {
            let out = run(dir.path(), &args);
            assert_ok(&out);
            assert_eq!(stderr(&out), "", "{args:?}");
            reads += 1;
        }
    }
    writer.join().unwrap();
    assert!(reads > 10, "the readers ran while the writer did");
}
