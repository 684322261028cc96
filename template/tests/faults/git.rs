//! A list shared through git, by the real `git`: clones that add and
//! remove records at the same time, then pull, rebase or cherry-pick, and
//! end with the same list, every record once.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

use super::harness::*;

/// Repositories in a scratch folder: a bare origin and its clones, with a
/// git configuration of their own.
pub(super) struct Repos {
    root: TempDir,
}

impl Repos {
    pub(super) fn new() -> Self {
        let repos = Self { root: scratch() };
        let config = repos.root.path().join("gitconfig");
        fs::write(
            &config,
            "[user]\n\tname = Tester\n\temail = tester@example.com\n\
             [init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n",
        )
        .unwrap();
        repos.ok(repos.root.path(), &["init", "-q", "--bare", "origin.git"]);
        repos
    }

    pub(super) fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    /// `git` in `dir`, free of the caller's and the system's settings, to
    /// be given arguments and more settings.
    pub(super) fn git_command(&self, dir: &Path) -> Command {
        let mut cmd = Command::new("git");
        cmd.current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", self.path("gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.root.path())
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("{{project-name | shouty_snake_case}}_FILE")
            .env_remove("{{project-name | shouty_snake_case}}_NOW");
        cmd
    }

    /// `git args` in `dir`, as it ran.
    pub(super) fn git(&self, dir: &Path, args: &[&str]) -> Output {
        let mut cmd = self.git_command(dir);
        cmd.args(args).output().expect("git is installed")
    }

    /// The binary in `dir`, with the same settings as `git`, which it runs,
    /// to be given arguments and more settings.
    pub(super) fn program_command(&self, dir: &Path) -> Command {
        let mut cmd = {{crate_name}}(dir);
        cmd.env("GIT_CONFIG_GLOBAL", self.path("gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.root.path());
        cmd
    }

    /// The binary run in `dir` on `args`, with the same settings as `git`.
    pub(super) fn program(&self, dir: &Path, args: &[&str]) -> Output {
        self.program_command(dir).args(args).output().unwrap()
    }

    /// Creates a record holding `text` in `dir`, made `time` seconds into
    /// a day after every other record: which of two records is older
    /// decides which keeps its number.
    pub(super) fn create_at(&self, dir: &Path, text: &str, time: u32) -> Output {
        let mut cmd = {{crate_name}}(dir);
        cmd.args(create(text)).env(
            "{{project-name | shouty_snake_case}}_NOW",
            format!("2099-01-01T00:{:02}:{:02}Z", time / 60, time % 60),
        );
        cmd.output().unwrap()
    }

    pub(super) fn ok(&self, dir: &Path, args: &[&str]) -> Output {
        let out = self.git(dir, args);
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        out
    }

    /// A clone of origin named `name`, set up with `git setup`.
    pub(super) fn clone(&self, name: &str) -> PathBuf {
        self.ok(self.root.path(), &["clone", "-q", "origin.git", name]);
        let dir = self.path(name);
        assert_ok(&self.program(&dir, &["git", "setup"]));
        dir
    }

    /// Commits everything in `dir`.
    pub(super) fn commit(&self, dir: &Path, message: &str) {
        self.ok(dir, &["add", "-A"]);
        self.ok(dir, &["commit", "-q", "--allow-empty", "-m", message]);
    }

    /// Brings `dir` up to date with origin by `pull_args`, then pushes.
    pub(super) fn sync(&self, dir: &Path, pull_args: &[&str]) {
        let pull = [&["pull", "-q"][..], pull_args, &["origin", "main"]].concat();
        let out = self.git(dir, &pull);
        assert!(
            out.status.success(),
            "{pull:?} in {dir:?}: {}",
            stderr(&out)
        );
        self.ok(dir, &["push", "-q", "origin", "HEAD:main"]);
    }
}

/// The first clone, with a list of `count` records, pushed.
pub(super) fn started(repos: &Repos, count: u64) -> PathBuf {
    let a = repos.clone("a");
    for n in 1..=count {
        assert_ok(&run(&a, &create(&format!("start {n}"))));
    }
    repos.commit(&a, "Start the list");
    repos.ok(&a, &["push", "-q", "origin", "HEAD:main"]);
    a
}

pub(super) fn texts(dir: &Path) -> BTreeSet<String> {
    records(dir)
        .iter()
        .map(|r| r[TEXT].as_str().unwrap().to_owned())
        .collect()
}

/// That the clones hold the same bytes: `expected`, each once, numbers unique.
pub(super) fn converged(clones: &[PathBuf], expected: &BTreeSet<String>) {
    let first = fs::read(clones[0].join(FILE)).unwrap();
    for clone in clones {
        assert_eq!(fs::read(clone.join(FILE)).unwrap(), first, "{clone:?}");
    }
    let listed = records(&clones[0]);
    assert_eq!(listed.len(), expected.len(), "each record once");
    assert_eq!(&texts(&clones[0]), expected);
    let ids: BTreeSet<u64> = listed.iter().map(|r| r["id"].as_u64().unwrap()).collect();
    assert_eq!(ids.len(), listed.len(), "numbers unique");
}

/// A small random walk that is the same on every run.
struct Steps(u64);

impl Steps {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Clones take turns adding and removing records, committing, and now and
/// then syncing by `pull_args`; at the end each syncs twice. The list is
/// what was added less what was removed, the same in every clone.
fn clones_converge(seed: u64, clones: usize, pull_args: &[&str]) {
    let repos = Repos::new();
    let mut dirs = vec![started(&repos, 3)];
    for n in 1..clones {
        let dir = repos.clone(&format!("c{n}"));
        dirs.push(dir);
    }
    let mut expected: BTreeSet<String> = texts(&dirs[0]);
    let mut steps = Steps(seed);
    for step in 0..24 {
        let dir = &dirs[steps.below(clones)];
        let here = records(dir);
        if here.is_empty() || steps.below(3) > 0 {
            let text = format!("step {step}");
            assert_ok(&run(dir, &create(&text)));
            expected.insert(text);
        } else {
            let gone = &here[steps.below(here.len())];
            let id = gone["id"].to_string();
            assert_ok(&run(dir, &[REMOVE, &id]));
            expected.remove(gone[TEXT].as_str().unwrap());
        }
        repos.commit(dir, &format!("Step {step}"));
        if steps.below(3) == 0 {
            repos.sync(dir, pull_args);
        }
    }
    for _ in 0..2 {
        for dir in &dirs {
            repos.sync(dir, pull_args);
        }
    }
    converged(&dirs, &expected);
}

#[test]
fn two_clones_that_merge_end_with_the_same_list() {
    for seed in [1, 2, 3] {
        clones_converge(seed, 2, &["--no-rebase"]);
    }
}

#[test]
fn three_clones_that_rebase_end_with_the_same_list() {
    for seed in [4, 5] {
        clones_converge(seed, 3, &["--rebase"]);
    }
}

#[test]
fn a_cherry_picked_record_is_added_once() {
    let repos = Repos::new();
    let a = started(&repos, 2);
    repos.ok(&a, &["switch", "-q", "-c", "topic"]);
    assert_ok(&repos.create_at(&a, "on topic", 1));
    repos.commit(&a, "On topic");
    repos.ok(&a, &["switch", "-q", "main"]);
    assert_ok(&repos.create_at(&a, "on main", 2));
    assert_ok(&run(&a, &[REMOVE, "1"]));
    repos.commit(&a, "On main");
    repos.ok(&a, &["cherry-pick", "topic"]);
    let expected: BTreeSet<String> = ["start 2", "on main", "on topic"].map(String::from).into();
    assert_eq!(texts(&a), expected);
    // Both took number 3: the later one gave it up, and said so.
    let numbers: Vec<u64> = records(&a)
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 3, 4]);
}

#[test]
fn the_same_change_pulled_both_ways_says_which_number_moved() {
    let repos = Repos::new();
    let a = started(&repos, 1);
    let b = repos.clone("b");
    assert_ok(&repos.create_at(&a, "from a", 1));
    repos.commit(&a, "From a");
    repos.ok(&a, &["push", "-q", "origin", "HEAD:main"]);
    assert_ok(&repos.create_at(&b, "from b", 2));
    assert_ok(&run(&b, &[REMOVE, "1"]));
    repos.commit(&b, "From b");
    let out = repos.git(&b, &["pull", "--no-rebase", "origin", "main"]);
    assert_ok(&out);
    // b's record was made later, so it has the larger ULID and moves.
    let said = stderr(&out);
    assert!(
        said.contains(&format!("{FILE}: #2 {} is now #3", named("from b"))),
        "{said}"
    );
    let merged = records(&b);
    let shown: Vec<(u64, &str)> = merged
        .iter()
        .map(|r| (r["id"].as_u64().unwrap(), r[TEXT].as_str().unwrap()))
        .collect();
    assert_eq!(shown, [(2, "from a"), (3, "from b")]);
}

#[test]
fn a_clone_without_the_driver_is_repaired_by_resolve() {
    let repos = Repos::new();
    let a = started(&repos, 2);
    let b = repos.clone("b");
    // b never ran setup: git merges the list as text.
    repos.ok(
        &b,
        &["config", "--remove-section", &format!("merge.{NAME}")],
    );
    assert_ok(&run(&a, &create("from a")));
    repos.commit(&a, "From a");
    repos.ok(&a, &["push", "-q", "origin", "HEAD:main"]);
    assert_ok(&run(&b, &create("from b")));
    assert_ok(&run(&b, &[REMOVE, "2"]));
    repos.commit(&b, "From b");
    let pulled = repos.git(&b, &["pull", "--no-rebase", "origin", "main"]);
    assert!(
        !pulled.status.success(),
        "a text merge of both adds conflicts"
    );
    assert!(
        fs::read_to_string(b.join(FILE))
            .unwrap()
            .contains("<<<<<<<")
    );

    let shown = run(&b, &[LIST]);
    assert_fails(&shown, 65, "conflict markers");
    assert!(
        stderr(&shown).contains(&format!("{NAME} git resolve")),
        "{}",
        stderr(&shown)
    );

    let resolved = repos.program(&b, &["git", "resolve"]);
    assert_ok(&resolved);
    repos.ok(&b, &["add", FILE]);
    repos.ok(&b, &["commit", "-q", "--no-edit"]);
    let expected: BTreeSet<String> = ["start 1", "from a", "from b"].map(String::from).into();
    assert_eq!(texts(&b), expected);

    // Nothing left to resolve: said, and no harm comes of it.
    let again = repos.program(&b, &["git", "resolve"]);
    assert_ok(&again);
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to resolve"));
}

#[test]
fn one_field_changed_two_ways_is_a_conflict_and_the_rest_is_merged() {
    let repos = Repos::new();
    let a = started(&repos, 2);
    let b = repos.clone("b");
    let set_text = |dir: &Path, text: &str| {
        let path = dir.join(FILE);
        let list = fs::read_to_string(&path).unwrap();
        let from = format!("\"{TEXT}\": \"start 1\"");
        fs::write(
            &path,
            list.replace(&from, &format!("\"{TEXT}\": \"{text}\"")),
        )
        .unwrap();
    };
    set_text(&a, "start one");
    assert_ok(&run(&a, &create("from a")));
    repos.commit(&a, "From a");
    repos.ok(&a, &["push", "-q", "origin", "HEAD:main"]);
    set_text(&b, "start uno");
    assert_ok(&run(&b, &[REMOVE, "2"]));
    repos.commit(&b, "From b");

    let pulled = repos.git(&b, &["pull", "--no-rebase", "origin", "main"]);
    assert!(!pulled.status.success(), "a conflict stops the merge");
    let said = stderr(&pulled);
    assert!(
        said.contains(&format!(
            "conflict in #1 {}: \"{TEXT}\" is \"start one\" on one side and \"start uno\" on the other",
            named("start one")
        )),
        "{said}"
    );
    // Everything else is merged, and both values are kept.
    let merged = records(&b);
    let found: Vec<&str> = merged.iter().map(|r| r[TEXT].as_str().unwrap()).collect();
    // Until someone chooses, the list holds one of the two: the same in every clone.
    assert_eq!(found, ["start one", "from a"]);
    let list: serde_json::Value = serde_json::from_slice(&fs::read(b.join(FILE)).unwrap()).unwrap();
    assert_eq!(
        list[COLLECTION][0]["merge_conflicts"][TEXT],
        serde_json::json!(["start one", "start uno"])
    );
    let status = repos.ok(&b, &["status", "--porcelain"]);
    assert_eq!(
        String::from_utf8_lossy(&status.stdout),
        format!("UU {FILE}\n")
    );
}

#[test]
fn setup_is_said_once_and_keeps_the_lock_and_the_history_out_of_status() {
    let repos = Repos::new();
    let a = started(&repos, 1);
    let again = repos.program(&a, &["git", "setup"]);
    assert_ok(&again);
    let said = String::from_utf8_lossy(&again.stdout).into_owned();
    assert!(said.contains("already"), "{said}");
    let attributes = fs::read_to_string(a.join(".gitattributes")).unwrap();
    assert_eq!(attributes, format!("/{FILE} merge={NAME}\n"));
    assert!(
        a.join(lock_name()).exists(),
        "the list was changed, so locked"
    );
    let status = repos.ok(&a, &["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(String::from_utf8_lossy(&status.stdout), "");
    let checked = repos.ok(&a, &["check-attr", "merge", "--", FILE]);
    assert_eq!(
        String::from_utf8_lossy(&checked.stdout),
        format!("{FILE}: merge: {NAME}\n")
    );
    // The history is this clone's own, as its undo is: kept out too.
    assert_ok(&run(&a, &[REMOVE, "1"]));
    assert!(a.join(HISTORY_FILE).exists());
    let status = repos.ok(&a, &["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(
        String::from_utf8_lossy(&status.stdout),
        format!(" M {FILE}\n")
    );
}

#[test]
fn a_list_in_a_folder_with_an_odd_name_is_set_up_for_that_path() {
    let repos = Repos::new();
    let a = started(&repos, 1);
    let folder = a.join("our [lists]");
    fs::create_dir(&folder).unwrap();
    let list = format!("our [lists]/shared {FILE}");
    assert_ok(&repos.program(&a, &["--file", &list, "git", "setup"]));
    let checked = repos.ok(&a, &["check-attr", "merge", "--", &list]);
    assert!(String::from_utf8_lossy(&checked.stdout).ends_with(&format!(": merge: {NAME}\n")));
    let other = repos.ok(&a, &["check-attr", "merge", "--", "our [lists]/other.json"]);
    assert!(String::from_utf8_lossy(&other.stdout).ends_with(": merge: unspecified\n"));
    let in_folder = format!("shared {FILE}");
    assert_ok(&run(
        &folder,
        &and(vec!["--file", &in_folder], &create("x")),
    ));
    let status = repos.ok(&a, &["status", "--porcelain", "--untracked-files=all"]);
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(!status.contains(".lock"), "{status}");
}

#[test]
fn a_merged_side_that_is_not_a_list_leaves_ours_untouched() {
    let repos = Repos::new();
    let dir = repos.path("merge");
    fs::create_dir(&dir).unwrap();
    let a = started(&repos, 2);
    let list = fs::read(a.join(FILE)).unwrap();
    for (theirs, says) in [
        (&b"{\"version\": 9, \"next_id\": 1}"[..], "newer"),
        (&b"[1, 2]"[..], "not a"),
        (
            &b"<<<<<<< HEAD\n=======\n>>>>>>> b\n"[..],
            "conflict markers",
        ),
    ] {
        fs::write(dir.join("base"), &list).unwrap();
        fs::write(dir.join("ours"), &list).unwrap();
        fs::write(dir.join("theirs"), theirs).unwrap();
        let out = run(&dir, &["git", "merge", "base", "ours", "theirs", FILE]);
        assert_fails(&out, 65, says);
        let said = stderr(&out);
        assert!(said.contains(&format!("{FILE} (theirs)")), "{said}");
        assert!(
            said.contains("left to git") || said.contains("upgrade"),
            "{said}"
        );
        assert_eq!(fs::read(dir.join("ours")).unwrap(), list);
    }
}

#[test]
fn outside_a_work_tree_setup_says_so() {
    let dir = scratch();
    let out = run(dir.path(), &["git", "setup"]);
    assert_fails(&out, 69, "not in a git work tree");
    assert!(!dir.path().join(".gitattributes").exists());
}
