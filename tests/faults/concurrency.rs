//! Many processes at once: writers wait for each other, readers for no one.

use std::collections::HashSet;
use std::fs;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::harness::*;

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

#[test]
fn lists_whose_names_begin_alike_keep_to_their_own_temporary_files() {
    // Cleaning up after `todo.json` once removed what `todo.json.b` was writing.
    const ADDS: usize = 20;
    let dir = scratch();
    let writers: Vec<_> = ["todo.json", "todo.json.b", "todo.json", "todo.json.b"]
        .into_iter()
        .enumerate()
        .map(|(w, file)| {
            let dir = dir.path().to_owned();
            thread::spawn(move || {
                for n in 0..ADDS {
                    let out = run(&dir, &["add", &format!("w{w} n{n}"), "--file", file]);
                    assert_ok(&out);
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    assert_eq!(todos_of(dir.path(), "todo.json").len(), 2 * ADDS);
    assert_eq!(todos_of(dir.path(), "todo.json.b").len(), 2 * ADDS);
    assert_eq!(temp_files(dir.path()), Vec::<std::path::PathBuf>::new());
    let _ = fs::remove_dir(dir.path());
}
