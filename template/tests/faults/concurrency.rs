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
