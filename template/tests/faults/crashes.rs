//! A writer killed at any moment, and writes that fail: the list stays whole.

use std::path::PathBuf;
use std::thread;
use std::time::{Duration, Instant};

use {{crate_name}}::adapters::json_file::JsonFileStore;
use {{crate_name}}::ports::Store;

use super::harness::*;

#[test]
fn kill_9_mid_write_leaves_the_old_list_or_the_new() {
    let dir = scratch();
    let path = dir.path().join(FILE);
    // Large enough that a write takes a while, so kills land mid-write.
    write_list(&path, 5_000);
    let store = JsonFileStore::<Item>::new(&path, Duration::from_secs(10));
    let started = Instant::now();
    assert_ok(&run(dir.path(), &create("timed")));
    let lifetime = started.elapsed();
    let mut count = 5_001;
    let check = |round: u32, count: usize| {
        // Every record must read back whole, not just the list's outline.
        let now = store
            .read(|list| list.recent(usize::MAX))
            .unwrap_or_else(|e| panic!("round {round}: the list no longer loads: {e}"))
            .unwrap_or_else(|e| panic!("round {round}: a record no longer reads: {e}"))
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
        let mut child = {{crate_name}}(dir.path())
            .args(create(&format!("round {round}")))
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
        let mut child = {{crate_name}}(dir.path())
            .args(create(&format!("round {round}")))
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
    assert_ok(&run(dir.path(), &create("after the storm")));
    assert_eq!(temp_files(dir.path()), Vec::<PathBuf>::new());
    assert_eq!(store.read(|list| list.entries().len()).unwrap(), count + 1);
}

#[cfg(unix)]
#[test]
fn a_real_file_size_limit_changes_nothing() {
    let dir = scratch();
    let path = dir.path().join(FILE);
    write_list(&path, 20);
    let before = std::fs::read(&path).unwrap();
    assert!(before.len() > 512);
    // `ulimit -f 1` caps files at 512 bytes, as a full disk would. The
    // kernel answers a write past it with SIGXFSZ, which kills a process
    // that does not deal with it: the program must, to clean up and say why.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 1; exec \"$0\" \"$@\"")
        .arg(BIN)
        .args(create("one too many"))
        .current_dir(dir.path())
        .env_remove("{{project-name | shouty_snake_case}}_FILE")
        .output()
        .unwrap();
    assert_fails(
        &out,
        74,
        &format!("error: cannot save {FILE}: File too large"),
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(temp_files(dir.path()), Vec::<PathBuf>::new());
}
