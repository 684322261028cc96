//! `git pull` as people run it, with the real `git`: a driver that cannot
//! run, a clone that never ran setup, undo after a pull, hostile names and
//! links, and a setup that changes all it must or nothing.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use {{crate_name}}::adapters::cli::table::visible;

use super::git::{Repos, converged, started, texts as texts_in};
use super::harness::*;

/// The key of git's config that names the merge driver's command.
const DRIVER: &str = concat!("merge.", env!("CARGO_PKG_NAME"), ".driver");

/// What a file outside the clone holds, that no setup may change.
const VICTIM: &str = "not yours to change\n";

/// A clone of origin named `name`, as `git clone` leaves it: no setup.
fn plain_clone(repos: &Repos, name: &str) -> PathBuf {
    repos.ok(&repos.path(""), &["clone", "-q", "origin.git", name]);
    repos.path(name)
}

/// `git pull` from origin's main in `dir`, told to merge or to rebase.
fn pull(repos: &Repos, dir: &Path, how: &str) -> Output {
    let how = format!("pull.rebase={how}");
    repos.git(dir, &["-c", &how, "pull", "-q", "origin", "main"])
}

fn push(repos: &Repos, dir: &Path) {
    repos.ok(dir, &["push", "-q", "origin", "HEAD:main"]);
}

/// stdout, then stderr.
fn said(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(out))
}

/// The numbers, `#N`, that `text` names.
fn numbers_in(text: &str) -> Vec<u64> {
    text.split('#')
        .skip(1)
        .filter_map(|after| {
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// The number of the record holding `text` on the list in `dir`, if listed.
fn number_of(dir: &Path, text: &str) -> Option<u64> {
    records(dir)
        .iter()
        .find(|r| r[TEXT] == text)
        .map(|r| r["id"].as_u64().unwrap())
}

fn set(texts: &[&str]) -> BTreeSet<String> {
    texts.iter().map(|t| (*t).to_owned()).collect()
}

/// What the clone's git config holds for `key`, if anything.
fn config(repos: &Repos, dir: &Path, key: &str) -> Option<String> {
    let out = repos.git(dir, &["config", "--get", key]);
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
}

/// PATH with the binary on it under its own name, as after `cargo install`.
fn path_with_the_program(repos: &Repos) -> OsString {
    let bin = repos.path("bin");
    fs::create_dir_all(&bin).unwrap();
    let installed = bin.join(env!("CARGO_PKG_NAME"));
    if !installed.exists() {
        symlink(BIN, &installed).unwrap();
    }
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths([bin].into_iter().chain(std::env::split_paths(&rest))).unwrap()
}

/// A clone set up with the program on PATH, as after `cargo install`.
fn installed_clone(repos: &Repos, name: &str) -> PathBuf {
    let dir = plain_clone(repos, name);
    let setup = repos
        .program_command(&dir)
        .args(["git", "setup"])
        .env("PATH", path_with_the_program(repos))
        .output()
        .unwrap();
    assert_ok(&setup);
    dir
}

#[test]
fn the_driver_runs_where_the_program_is_not_on_path() {
    // Set up where the shell finds the program by name, as after `cargo
    // install`; pulled where it does not, as in an IDE or a cron job.
    let repos = Repos::new();
    let a = installed_clone(&repos, "a");
    assert_ok(&run(&a, &create("start")));
    repos.commit(&a, "Start");
    push(&repos, &a);
    let b = installed_clone(&repos, "b");
    assert_ok(&run(&b, &create("from b")));
    repos.commit(&b, "From b");
    push(&repos, &b);
    assert_ok(&run(&a, &create("from a")));
    repos.commit(&a, "From a");

    let git = which::which("git").unwrap();
    let only_git = format!("{}:/usr/bin:/bin", git.parent().unwrap().display());
    let pulled = repos
        .git_command(&a)
        .args(["-c", "pull.rebase=false", "pull", "-q", "origin", "main"])
        .env("PATH", only_git)
        .output()
        .unwrap();
    assert_ok(&pulled);
    assert_eq!(texts_in(&a), set(&["start", "from a", "from b"]));

    // The driver is the program's full path, and the paths git gives it
    // come after `--`.
    let driver = config(&repos, &a, DRIVER).unwrap();
    let words = shlex::split(&driver).unwrap();
    assert_eq!(
        words[1..],
        ["git", "merge", "--", "%O", "%A", "%B", "%P"],
        "{driver}"
    );
    let program = Path::new(&words[0]);
    assert!(program.is_absolute(), "{driver}");
    assert_eq!(
        fs::canonicalize(program).unwrap(),
        fs::canonicalize(BIN).unwrap(),
        "{driver}"
    );
}

#[test]
fn a_driver_git_cannot_run_leaves_a_merge_writers_refuse_until_resolved() {
    let repos = Repos::new();
    let a = started(&repos, 1);
    let b = repos.clone("b");
    let gone = concat!(
        "/nonexistent/",
        env!("CARGO_PKG_NAME"),
        " git merge -- %O %A %B %P"
    );
    repos.ok(&a, &["config", DRIVER, gone]);
    assert_ok(&run(&b, &create("from b")));
    repos.commit(&b, "From b");
    push(&repos, &b);
    assert_ok(&run(&a, &create("from a")));
    repos.commit(&a, "From a");

    let pulled = pull(&repos, &a, "false");
    assert!(
        !pulled.status.success(),
        "a driver that cannot run is a conflict"
    );
    let unmerged = repos.ok(&a, &["ls-files", "-u", "--", FILE]);
    assert!(!unmerged.stdout.is_empty(), "git left the list unmerged");
    // What git left may look like a list, but it is one side only: a
    // change made on it would be taken for the merge.
    let left = fs::read(a.join(FILE)).unwrap();
    for writer in [create("while unmerged"), vec![REMOVE, "1"], vec![UNDO]] {
        let out = repos.program(&a, &writer);
        assert_fails(&out, 65, "git resolve");
        assert_eq!(fs::read(a.join(FILE)).unwrap(), left, "{writer:?}");
    }
    for reader in [vec![LIST], vec![SEARCH, "from"]] {
        let out = repos.program(&a, &reader);
        assert_ok(&out);
        assert!(
            stderr(&out).contains("git resolve"),
            "{reader:?}: {}",
            stderr(&out)
        );
    }

    assert_ok(&repos.program(&a, &["git", "resolve"]));
    repos.ok(&a, &["add", FILE]);
    repos.ok(&a, &["commit", "--no-edit", "-q"]);
    assert_eq!(texts_in(&a), set(&["start 1", "from a", "from b"]));
    let after = repos.program(&a, &create("after"));
    assert_ok(&after);
    let err = stderr(&after);
    assert!(
        !err.contains("git resolve") && !err.contains("warning"),
        "{err}"
    );
}

#[test]
fn setup_says_to_choose_how_pull_joins_until_pull_rebase_is_set() {
    let repos = Repos::new();
    let a = plain_clone(&repos, "a");
    let first = repos.program(&a, &["git", "setup"]);
    assert_ok(&first);
    assert!(said(&first).contains("pull.rebase"), "{}", said(&first));
    for (scope, value) in [
        ("--local", "false"),
        ("--local", "true"),
        ("--global", "true"),
    ] {
        let b = plain_clone(&repos, &format!("b{scope}{value}"));
        repos.ok(&b, &["config", scope, "pull.rebase", value]);
        let out = repos.program(&b, &["git", "setup"]);
        assert_ok(&out);
        assert!(
            !said(&out).contains("pull.rebase"),
            "{scope} {value}: {}",
            said(&out)
        );
        repos.ok(&b, &["config", scope, "--unset", "pull.rebase"]);
    }
}

/// Clones that diverge, then run a plain `git pull` once each has set
/// `pull.rebase` to `rebase`, end with the same list.
fn diverged_clones_converge(rebase: &str) {
    let repos = Repos::new();
    let a = started(&repos, 2);
    let b = repos.clone("b");
    assert_ok(&run(&a, &create("from a")));
    assert_ok(&run(&a, &[REMOVE, "1"]));
    repos.commit(&a, "From a");
    push(&repos, &a);
    assert_ok(&run(&b, &create("from b")));
    assert_ok(&run(&b, &[REMOVE, "2"]));
    repos.commit(&b, "From b");

    // Without a choice, git itself refuses to join diverged branches.
    let refused = repos.git(&b, &["pull", "-q"]);
    assert_eq!(refused.status.code(), Some(128), "{}", stderr(&refused));

    for dir in [&a, &b] {
        repos.ok(dir, &["config", "pull.rebase", rebase]);
    }
    repos.ok(&b, &["pull", "-q"]);
    repos.ok(&b, &["push", "-q"]);
    repos.ok(&a, &["pull", "-q"]);
    converged(&[a, b], &set(&["from a", "from b"]));
}

#[test]
fn clones_that_set_pull_rebase_false_end_with_the_same_list() {
    diverged_clones_converge("false");
}

#[test]
fn clones_that_set_pull_rebase_true_end_with_the_same_list() {
    diverged_clones_converge("true");
}

#[test]
fn undo_after_a_rebase_names_the_number_the_record_has_now() {
    let repos = Repos::new();
    let a = started(&repos, 1);
    let b = repos.clone("b");
    // Made last, "mine" gives up its number to b's records.
    assert_ok(&repos.create_at(&a, "mine", 3));
    let before = number_of(&a, "mine").unwrap();
    repos.commit(&a, "Mine");
    assert_ok(&repos.create_at(&b, "theirs 1", 1));
    assert_ok(&repos.create_at(&b, "theirs 2", 2));
    repos.commit(&b, "Theirs");
    push(&repos, &b);
    let pulled = pull(&repos, &a, "true");
    assert_ok(&pulled);
    let now = number_of(&a, "mine").unwrap();
    assert!(now > before, "#{before} is now #{now}: {}", stderr(&pulled));

    let undone = repos.program(&a, &[UNDO]);
    assert_ok(&undone);
    let out = String::from_utf8_lossy(&undone.stdout).into_owned();
    let line = out.lines().find(|l| l.contains("mine")).unwrap_or_default();
    assert_eq!(numbers_in(line), [now], "{out}");
    assert_eq!(texts_in(&a), set(&["start 1", "theirs 1", "theirs 2"]));
}

#[test]
fn undo_of_a_removal_after_a_merge_gives_the_record_a_free_number() {
    let repos = Repos::new();
    let a = started(&repos, 2);
    let b = repos.clone("b");
    assert_ok(&run(&a, &create("mine")));
    assert_eq!(number_of(&a, "mine"), Some(3));
    repos.commit(&a, "Mine");
    assert_ok(&run(&a, &[REMOVE, "3"]));
    repos.commit(&a, "Mine, removed");
    assert_ok(&run(&b, &create("theirs")));
    repos.commit(&b, "Theirs");
    push(&repos, &b);
    let pulled = pull(&repos, &a, "false");
    assert_ok(&pulled);
    assert_eq!(number_of(&a, "theirs"), Some(3));

    // #3 is theirs now: mine comes back under another number, and says which.
    let undone = repos.program(&a, &[UNDO]);
    let told = said(&undone);
    assert_eq!(undone.status.code(), Some(0), "{told}");
    let mine = number_of(&a, "mine").unwrap();
    assert_ne!(mine, 3);
    assert_eq!(number_of(&a, "theirs"), Some(3));
    assert!(numbers_in(&told).contains(&mine), "{told}");
    assert!(!told.contains("by hand"), "{told}");
}

#[test]
fn setup_refuses_a_committed_gitattributes_that_links_outside() {
    let repos = Repos::new();
    let victim = repos.path("victim.txt");
    fs::write(&victim, VICTIM).unwrap();
    let a = plain_clone(&repos, "a");
    symlink("../victim.txt", a.join(".gitattributes")).unwrap();
    assert_ok(&run(&a, &create("start")));
    repos.ok(&a, &["add", ".gitattributes", FILE]);
    repos.ok(&a, &["commit", "-q", "-m", "A link"]);
    push(&repos, &a);

    let b = plain_clone(&repos, "b");
    assert!(
        fs::symlink_metadata(b.join(".gitattributes"))
            .unwrap()
            .is_symlink()
    );
    let exclude = b.join(".git/info/exclude");
    let excluded = fs::read(&exclude).unwrap();
    let out = repos.program(&b, &["git", "setup"]);
    assert_fails(&out, 69, ".gitattributes");
    assert!(stderr(&out).contains("link"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&victim).unwrap(), VICTIM);
    assert_eq!(config(&repos, &b, DRIVER), None);
    assert_eq!(fs::read(&exclude).unwrap(), excluded);
}

#[test]
fn setup_refuses_an_exclude_file_that_links_outside_and_changes_nothing() {
    let repos = Repos::new();
    let victim = repos.path("victim.txt");
    fs::write(&victim, VICTIM).unwrap();
    let a = plain_clone(&repos, "a");
    let exclude = a.join(".git/info/exclude");
    fs::remove_file(&exclude).unwrap();
    symlink(&victim, &exclude).unwrap();
    let out = repos.program(&a, &["git", "setup"]);
    assert_fails(&out, 69, "exclude");
    assert!(stderr(&out).contains("link"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&victim).unwrap(), VICTIM);
    // All or nothing: neither the attribute nor the driver was set.
    assert!(!a.join(".gitattributes").exists());
    assert_eq!(config(&repos, &a, DRIVER), None);
}

#[test]
fn setup_changes_nothing_when_git_config_cannot_be_written() {
    let repos = Repos::new();
    for (n, attributes) in [None, Some("*.png binary\n")].into_iter().enumerate() {
        let a = plain_clone(&repos, &format!("a{n}"));
        if let Some(text) = attributes {
            fs::write(a.join(".gitattributes"), text).unwrap();
        }
        let exclude = a.join(".git/info/exclude");
        let excluded = fs::read(&exclude).unwrap();
        // As another git at work would leave it: root writes through any
        // mode, but git writes no config while its lock is there.
        let lock = a.join(".git/config.lock");
        fs::write(&lock, "").unwrap();
        let out = repos.program(&a, &["git", "setup"]);
        assert_eq!(out.status.code(), Some(69), "{}", said(&out));
        assert_eq!(
            fs::read_to_string(a.join(".gitattributes")).ok().as_deref(),
            attributes,
            "{}",
            said(&out)
        );
        assert_eq!(fs::read(&exclude).unwrap(), excluded);

        fs::remove_file(&lock).unwrap();
        assert_ok(&repos.program(&a, &["git", "setup"]));
        assert!(config(&repos, &a, DRIVER).is_some());
    }
}

#[test]
fn a_list_named_like_an_option_merges_with_the_driver() {
    let repos = Repos::new();
    let list = "./-x.json";
    let with = |args: Vec<&'static str>| and(vec!["--file", list], &args);
    let a = plain_clone(&repos, "a");
    assert_ok(&repos.program(&a, &with(vec!["git", "setup"])));
    assert_ok(&run(&a, &with(create("start"))));
    repos.commit(&a, "Start");
    push(&repos, &a);
    let b = plain_clone(&repos, "b");
    assert_ok(&repos.program(&b, &with(vec!["git", "setup"])));
    assert_ok(&run(&b, &with(create("from b"))));
    repos.commit(&b, "From b");
    push(&repos, &b);
    assert_ok(&run(&a, &with(create("from a"))));
    repos.commit(&a, "From a");

    let pulled = pull(&repos, &a, "false");
    assert_ok(&pulled);
    let merged: BTreeSet<String> = texts(&records_of(&a, list)).into_iter().collect();
    assert_eq!(merged, set(&["start", "from a", "from b"]));
}

/// A path that would name the terminal's window, clear its screen and
/// start a line of its own, were it printed as it is.
const HOSTILE: &str = "our\u{1b}]0;pwned\u{7}list\u{1b}[2J\npwned.json";

/// Three versions of a list in `dir`, as git gives them to the driver:
/// `base`, `ours` and `theirs`. With `conflict`, both sides change the
/// text of the one record, each its own way; otherwise each adds a record,
/// both under the same number.
fn sides(dir: &Path, conflict: bool) -> [PathBuf; 3] {
    let folder = |name: &str| {
        let folder = dir.join(name);
        fs::create_dir_all(&folder).unwrap();
        folder
    };
    let base = folder("base");
    assert_ok(&run(&base, &create("start")));
    let list = fs::read_to_string(base.join(FILE)).unwrap();
    let from = format!("\"{TEXT}\": \"start\"");
    let mut paths = vec![base.join(FILE)];
    for (n, side) in ["ours", "theirs"].into_iter().enumerate() {
        let here = folder(side);
        if conflict {
            let to = format!("\"{TEXT}\": \"start {side}\"");
            fs::write(here.join(FILE), list.replace(&from, &to)).unwrap();
        } else {
            fs::write(here.join(FILE), &list).unwrap();
            let made = {{crate_name}}(&here)
                .args(create(side))
                .env("{{project-name | shouty_snake_case}}_NOW", format!("2099-01-01T00:00:0{n}Z"))
                .output()
                .unwrap();
            assert_ok(&made);
        }
        paths.push(here.join(FILE));
    }
    paths.try_into().unwrap()
}

/// The driver's command, as git runs it through the shell; the program,
/// its three versions and git's `%P` come from the environment.
const MERGE: &str = r#""$BIN" git merge -- "$B" "$O" "$T" "$P""#;

/// `program`, which runs `MERGE`, in `dir`, on copies of `sides` made
/// there, so that each run merges the same versions; `path` is git's `%P`.
fn merging(program: &str, dir: &Path, sides: &[PathBuf; 3], path: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir)
        .env_remove("{{project-name | shouty_snake_case}}_FILE")
        .env_remove("{{project-name | shouty_snake_case}}_NOW")
        .env("BIN", BIN)
        .env("P", path);
    for (name, side) in ["B", "O", "T"].into_iter().zip(sides) {
        let copy = dir.join(format!("{name}.json"));
        fs::copy(side, &copy).unwrap();
        cmd.env(name, copy);
    }
    cmd
}

#[test]
fn a_merge_on_a_terminal_shows_a_hostile_path_escaped() {
    let dir = scratch();
    let escaped = visible(HOSTILE).into_owned();
    for (conflict, code) in [(false, 0), (true, 1)] {
        let sides = sides(&dir.path().join(format!("{conflict}")), conflict);
        // What the terminal was sent. The command `script` writes at the
        // top of it holds the names of the variables, not the path.
        let typescript = dir.path().join(format!("typescript {conflict}"));
        let ran = merging("script", dir.path(), &sides, HOSTILE)
            .args(["-q", "-e", "-c", MERGE])
            .arg(&typescript)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let shown = fs::read(&typescript).unwrap();
        let text = String::from_utf8_lossy(&shown);
        assert_eq!(ran.status.code(), Some(code), "{text:?}");
        assert!(text.contains(&escaped), "{text:?}");
        assert!(!shown.contains(&0x07), "{text:?}");
        for raw in ["\u{1b}]", "\u{1b}[2J"] {
            assert!(!text.contains(raw), "{raw:?} in {text:?}");
        }
    }
}

#[test]
fn a_merge_piped_keeps_a_hostile_path_on_one_line() {
    let dir = scratch();
    let escaped = visible(HOSTILE).into_owned();
    for (conflict, code) in [(false, 0), (true, 1)] {
        let sides = sides(&dir.path().join(format!("{conflict}")), conflict);
        let out = merging("sh", dir.path(), &sides, HOSTILE)
            .args(["-c", MERGE])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{err:?}");
        assert!(!out.stderr.contains(&0x1b), "{err:?}");
        assert!(err.contains(&escaped), "{err:?}");
        // The path's newline does not start a line of its own.
        for line in err.lines() {
            let known = ["tip:", "warning", "error", escaped.as_str()];
            assert!(
                known.iter().any(|start| line.starts_with(start)),
                "{line:?} in {err:?}"
            );
        }
    }
}

#[test]
fn a_clone_that_never_ran_setup_keeps_its_own_files_out_of_git_status() {
    let repos = Repos::new();
    started(&repos, 2);
    let c = plain_clone(&repos, "c");
    for writer in [create("in c"), vec![REMOVE, "1"]] {
        assert_ok(&repos.program(&c, &writer));
        let status = repos.ok(&c, &["status", "--porcelain", "--untracked-files=all"]);
        assert_eq!(
            String::from_utf8_lossy(&status.stdout),
            format!(" M {FILE}\n"),
            "{writer:?}"
        );
    }
}

/// Pulls in `dir` as a newcomer would. Only a clone without the driver
/// may be stopped, by conflict markers in the list; then its writers
/// refuse until `git resolve`, and the pull is finished by hand. Says
/// whether it was stopped.
fn newcomer_pulls(repos: &Repos, dir: &Path, has_driver: bool) -> bool {
    let pulled = repos.git(dir, &["pull", "-q"]);
    if pulled.status.success() {
        return false;
    }
    assert!(!has_driver, "{dir:?}: {}", stderr(&pulled));
    let unmerged = repos.ok(dir, &["ls-files", "-u", "--", FILE]);
    assert!(!unmerged.stdout.is_empty(), "{}", stderr(&pulled));
    assert_fails(
        &repos.program(dir, &create("while unmerged")),
        65,
        "git resolve",
    );
    assert_ok(&repos.program(dir, &["git", "resolve"]));
    repos.ok(dir, &["add", FILE]);
    repos.ok(dir, &["commit", "--no-edit", "-q"]);
    // A rebase stopped at the list goes on once its commit is made.
    if dir.join(".git/rebase-merge").exists() || dir.join(".git/rebase-apply").exists() {
        let continued = repos
            .git_command(dir)
            .args(["rebase", "--continue"])
            .env("GIT_EDITOR", "true")
            .output()
            .unwrap();
        assert_ok(&continued);
    }
    true
}

#[test]
fn three_newcomers_share_a_list_as_the_readme_says() {
    let repos = Repos::new();
    let a = plain_clone(&repos, "a");
    assert_ok(&repos.program(&a, &["git", "setup"]));
    let mut expected = BTreeSet::new();
    for text in ["start 1", "start 2"] {
        assert_ok(&repos.program(&a, &create(text)));
        expected.insert(text.to_owned());
    }
    repos.ok(&a, &["add", "-A"]);
    repos.ok(&a, &["commit", "-q", "-m", "Start"]);
    repos.ok(&a, &["push", "-q"]);
    let b = plain_clone(&repos, "b");
    assert_ok(&repos.program(&b, &["git", "setup"]));
    // c never runs setup: git merges its list as text.
    let c = plain_clone(&repos, "c");
    let clones = [(&a, "a", true), (&b, "b", true), (&c, "c", false)];
    for (dir, _, has_driver) in clones {
        let rebase = if has_driver { "false" } else { "true" };
        repos.ok(dir, &["config", "pull.rebase", rebase]);
    }

    let mut stopped = 0;
    for round in 1..=3 {
        for (dir, name, has_driver) in clones {
            let [first, second] = [1, 2].map(|n| format!("round {round} {name} {n}"));
            for text in [&first, &second] {
                assert_ok(&repos.program(dir, &create(text)));
            }
            let id = number_of(dir, &first).unwrap().to_string();
            assert_ok(&repos.program(dir, &[REMOVE, &id]));
            expected.insert(second);

            // Whatever `git status` shows is shared: no file of this clone's own.
            repos.ok(dir, &["add", "-A"]);
            let tracked = repos.ok(dir, &["ls-files"]);
            let tracked = String::from_utf8_lossy(&tracked.stdout);
            assert!(
                !tracked.contains(HISTORY_FILE) && !tracked.contains(&lock_name()),
                "{name}, round {round}: {tracked}"
            );
            repos.ok(dir, &["commit", "-q", "-m", &format!("Round {round}")]);
            stopped += usize::from(newcomer_pulls(&repos, dir, has_driver));
            repos.ok(dir, &["push", "-q"]);
        }
    }
    for (dir, _, has_driver) in clones {
        stopped += usize::from(newcomer_pulls(&repos, dir, has_driver));
    }
    // Both sides added records, so git's text merge stopped c at least once.
    assert!(
        stopped > 0,
        "c was never stopped: the resolve went untested"
    );
    converged(&[a, b, c], &expected);
}

#[test]
#[ignore = "needs root"]
fn a_repository_another_user_planted_above_the_list_is_left_alone() {
    // As git's `safe.directory`: a `.git` in a shared folder, made by
    // another user, is neither read for a merge state nor written to.
    let dir = scratch();
    let shared = shared_folder(dir.path());
    by_nobody(&shared, &["git", "init", "-q", "."]);
    by_nobody(&shared, &["touch", ".git/MERGE_HEAD"]);
    by_nobody(&shared, &["chmod", "-R", "a+rwX", ".git"]);
    let planted = fs::read(shared.join(".git/info/exclude")).unwrap();
    let mine = shared.join("mine");
    fs::create_dir(&mine).unwrap();
    for writer in [create("mine"), vec![REMOVE, "1"]] {
        let out = run(&mine, &writer);
        assert_ok(&out);
        assert_eq!(stderr(&out), "", "{writer:?}");
    }
    let out = run(&mine, &[LIST]);
    assert_ok(&out);
    assert_eq!(stderr(&out), "");
    assert_eq!(fs::read(shared.join(".git/info/exclude")).unwrap(), planted);
}
