//! Many processes at once: writers wait for each other, readers for no one.

use std::collections::HashSet;
use std::fs;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::harness::*;

#[test]
fn concurrent_processes_lose_no_record() {
    const WORKERS: usize = 8;
    const ADDS: usize = 50;
    let dir = scratch();
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let dir = dir.path().to_owned();
            thread::spawn(move || {
                for n in 0..ADDS {
                    let text = format!("w{w} n{n}");
                    let out = run(&dir, &and(create(&text), &["--json"]));
                    assert_ok(&out);
                    // Every tenth record is removed again at once, between others' creations.
                    if n % 10 == 9 {
                        let added: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
                        let id = added[0]["id"].to_string();
                        assert_ok(&run(&dir, &[REMOVE, &id]));
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
                assert_ok(&run(&dir, &[LIST, "1", "--json"]));
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

    let records = records(dir.path());
    let expected: HashSet<String> = (0..WORKERS)
        .flat_map(|w| {
            (0..ADDS)
                .filter(|n| n % 10 != 9)
                .map(move |n| format!("w{w} n{n}"))
        })
        .collect();
    let texts: HashSet<String> = records
        .iter()
        .map(|t| t[TEXT].as_str().unwrap().into())
        .collect();
    assert_eq!(records.len(), expected.len());
    assert_eq!(texts, expected);
    let ids: HashSet<u64> = records.iter().map(|t| t["id"].as_u64().unwrap()).collect();
    let ulids: HashSet<&str> = records
        .iter()
        .map(|t| t["ulid"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), records.len(), "ids are unique");
    assert_eq!(ulids.len(), records.len(), "ULIDs are unique");
    assert!(ids.iter().all(|&id| id <= (WORKERS * ADDS) as u64));
}

#[test]
fn a_held_lock_makes_writers_wait_then_give_up_but_not_readers() {
    let dir = scratch();
    write_list(&dir.path().join(FILE), 3);
    let lock = fs::File::create(dir.path().join(lock_name())).unwrap();
    lock.lock().unwrap();

    let started = Instant::now();
    let show = run(dir.path(), &[LIST]);
    assert_ok(&show);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "a reader waited"
    );

    let started = Instant::now();
    let add = run(dir.path(), &and(create("x"), &["--lock-timeout", "0.5"]));
    let waited = started.elapsed();
    assert_fails(&add, 75, &format!("another {NAME} is changing {FILE}"));
    assert!(
        waited >= Duration::from_millis(500),
        "gave up after {waited:?}"
    );

    drop(lock);
    assert_ok(&run(
        dir.path(),
        &and(create("x"), &["--lock-timeout", "0.5"]),
    ));
    assert_eq!(records(dir.path()).len(), 4);
}

#[test]
fn lists_whose_names_begin_alike_keep_to_their_own_temporary_files() {
    // Cleaning up after one list once removed what another, whose name
    // begins the same, was writing.
    const ADDS: usize = 20;
    let dir = scratch();
    let other = format!("{FILE}.b");
    let writers: Vec<_> = [FILE, &other, FILE, &other]
        .map(String::from)
        .into_iter()
        .enumerate()
        .map(|(w, file)| {
            let dir = dir.path().to_owned();
            thread::spawn(move || {
                for n in 0..ADDS {
                    let out = run(
                        &dir,
                        &and(create(&format!("w{w} n{n}")), &["--file", &file]),
                    );
                    assert_ok(&out);
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    assert_eq!(records_of(dir.path(), FILE).len(), 2 * ADDS);
    assert_eq!(records_of(dir.path(), &other).len(), 2 * ADDS);
    assert_eq!(temp_files(dir.path()), Vec::<std::path::PathBuf>::new());
    let _ = fs::remove_dir(dir.path());
}

/// The changes the history holds of the record `ulid`'s edits, in the
/// order they were made: each line's `before` and `after`.
fn edits_of(history: &[u8], ulid: &str) -> Vec<(Value, Value)> {
    let mut edits: Vec<(u64, Value, Value)> = String::from_utf8_lossy(history)
        .lines()
        .skip(1)
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|change| change["after"]["ulid"] == ulid)
        .map(|change| {
            let number = change["change"].as_u64().unwrap();
            (number, change["before"].clone(), change["after"].clone())
        })
        .collect();
    edits.sort_by_key(|(number, ..)| *number);
    edits.into_iter().map(|(_, b, a)| (b, a)).collect()
}

/// Processes editing one record and processes removing it, all at once:
/// each does what it was asked or finds the record gone (exit 1), the edits
/// follow one another, and the record ends removed, once, or as the last
/// edit left it; undo then walks back through every change.
#[test]
fn concurrent_edits_and_removals_of_one_record_are_each_whole() {
    if edit("1", "").is_none() {
        return; // a record that is not edited
    }
    const EDITORS: usize = 8;
    const RECORDS: u64 = 300;
    // Rounds with more and fewer processes removing the record; in the
    // last, none.
    for (round, removers) in [3, 1, 2, 1, 0].into_iter().enumerate() {
        let dir = scratch();
        // Long enough that a write takes a while, and writers overlap.
        write_list(&dir.path().join(FILE), RECORDS);
        let target = ulid(1);
        let new_texts: Vec<String> = (0..EDITORS).map(|n| format!("edited {n}")).collect();
        // Every process started before any is waited for, the record named
        // by its number or by its ULID.
        let mut jobs = Vec::new();
        for n in 0..EDITORS.max(removers) {
            let id = if n % 2 == 0 { "1" } else { target.as_str() };
            let mut commands = Vec::new();
            if let Some(text) = new_texts.get(n) {
                commands.push((Some(n), edit(id, text).unwrap()));
            }
            if n < removers {
                commands.push((None, vec![REMOVE, id]));
            }
            for (editor, args) in commands {
                let child = {{crate_name}}(dir.path())
                    .args(&args)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap();
                jobs.push((editor, args.join(" "), child));
            }
        }
        let mut edited = Vec::new();
        let mut removals = 0;
        for (editor, args, child) in jobs {
            let out = child.wait_with_output().unwrap();
            let err = stderr(&out);
            match out.status.code() {
                Some(0) => match editor {
                    Some(n) => edited.push(new_texts[n].clone()),
                    None => removals += 1,
                },
                // The record was gone: only once some process removed it.
                Some(1) => {
                    assert!(removers > 0, "round {round}: {args}: {err}");
                    assert!(err.starts_with("error: "), "round {round}: {args}: {err}");
                    assert_eq!(out.stdout, b"", "round {round}: {args}");
                }
                _ => panic!("round {round}: {args}: {:?}: {err}", out.status),
            }
        }
        let when = format!("round {round}, {removers} removing, edited to {edited:?}");
        assert_eq!(removals, removers.min(1), "{when}");

        // The edits came one after another, each from what the one before
        // left: none was lost to another, none made from a record gone.
        let kept = fs::read(dir.path().join(HISTORY_FILE)).unwrap();
        let chain = edits_of(&kept, &target);
        let mut was = "record 1".to_owned();
        for (before, after) in &chain {
            assert_eq!(before[TEXT], was.as_str(), "{when}: {chain:?}");
            let mut expected = before.clone();
            expected[TEXT] = after[TEXT].clone();
            assert_eq!(after, &expected, "{when}: only the text changed");
            was = after[TEXT].as_str().unwrap().to_owned();
        }
        let mut made: Vec<&str> = chain
            .iter()
            .map(|(_, after)| after[TEXT].as_str().unwrap())
            .collect();
        made.sort_unstable();
        let mut said = edited.clone();
        said.sort();
        assert_eq!(made, said, "{when}: one line for each edit reported");

        // The list is whole and the others untouched; the record is gone
        // into the history once, or is as the last edit left it.
        let list = records(dir.path());
        let others: Vec<String> = (2..=RECORDS).map(|n| format!("record {n}")).collect();
        let ended = texts(&list);
        let on_list = list.iter().filter(|r| r["ulid"] == target.as_str()).count();
        let shown = run(dir.path(), &[HISTORY, "1000000000", "--json"]);
        assert_ok(&shown);
        let shown: Vec<Value> = serde_json::from_slice(&shown.stdout).unwrap();
        let in_history: Vec<&Value> = shown
            .iter()
            .filter(|r| r["ulid"] == target.as_str())
            .collect();
        if removers > 0 {
            assert_eq!(ended, others, "{when}");
            assert_eq!(on_list, 0, "{when}");
            assert_eq!(in_history.len(), 1, "{when}: {shown:?}");
            assert_eq!(in_history[0][TEXT], was.as_str(), "{when}");
        } else {
            assert_eq!(ended[0], was, "{when}");
            assert_eq!(ended[1..], others, "{when}");
            assert!(edited.contains(&was), "{when}");
            assert!(in_history.is_empty(), "{when}: {shown:?}");
        }

        // Undo walks back through the removal and each edit, to the text
        // the record was written with.
        for step in 0..removals + chain.len() {
            let undone = run(dir.path(), &[UNDO]);
            assert_ok(&undone);
            let now = listed(dir.path());
            let expected = if step < removals {
                was.clone()
            } else {
                let (before, _) = &chain[chain.len() - 1 - (step - removals)];
                before[TEXT].as_str().unwrap().to_owned()
            };
            assert_eq!(now[0], expected, "{when}: undo {step}");
            assert_eq!(now[1..], others, "{when}: undo {step}");
        }
        assert_eq!(listed(dir.path())[0], "record 1", "{when}");
    }
}
