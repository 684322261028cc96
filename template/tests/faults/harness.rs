//! Running the real binary on lists in scratch folders.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

pub use super::vocabulary::*;

/// The program's name, which `git setup` gives its merge driver too.
pub const NAME: &str = env!("CARGO_PKG_NAME");
pub const BIN: &str = env!(concat!("CARGO_BIN_EXE_", env!("CARGO_PKG_NAME")));

/// The binary, run in `dir`, free of settings from the caller's environment.
pub fn {{crate_name}}(dir: &Path) -> Command {
    in_clean(Command::new(BIN), dir)
}

/// `cmd`, run in `dir` without the program's settings from the environment.
fn in_clean(mut cmd: Command, dir: &Path) -> Command {
    cmd.current_dir(dir)
        .env_remove("{{project-name | shouty_snake_case}}_FILE")
        .env_remove("{{project-name | shouty_snake_case}}_NOW")
        .env_remove("{{project-name | shouty_snake_case}}_LOCK_TIMEOUT");
    cmd
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    {{crate_name}}(dir).args(args).output().unwrap()
}

/// The binary run in `dir` under the shell's `ulimit` option `limit`: `-v
/// KIB` the address space it may map, `-t SECONDS` the processor time it may
/// take, `-f BLOCKS` the file size it may write, as a full disk would.
#[cfg(unix)]
pub fn limited(dir: &Path, limit: &str, args: &[&str]) -> Output {
    let mut sh = in_clean(Command::new("sh"), dir);
    sh.arg("-c")
        .arg(format!("ulimit {limit}; exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(args)
        .output()
        .unwrap()
}

/// `args`, and `more` after them.
pub fn and<'a>(mut args: Vec<&'a str>, more: &[&'a str]) -> Vec<&'a str> {
    args.extend_from_slice(more);
    args
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

/// Every record of the list in `dir`, oldest first, as `--json` prints them.
pub fn records(dir: &Path) -> Vec<Value> {
    records_of(dir, FILE)
}

/// Every record of the list `file` in `dir`, oldest first.
pub fn records_of(dir: &Path, file: &str) -> Vec<Value> {
    let out = run(dir, &[LIST, "1000000000", "--json", "--file", file]);
    assert_ok(&out);
    let mut records: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    records.reverse();
    records
}

/// The lock file beside the list.
pub fn lock_name() -> String {
    format!(".{FILE}.lock")
}

/// The ULID of the record numbered `id` in the lists tests write.
pub fn ulid(id: u64) -> String {
    format!("01M81V6XYR{id:016}")
}

/// A list holding `records`, in any layout but the one the program writes.
pub fn list_of(next_id: u64, records: &[String]) -> String {
    format!(
        "{% raw %}{{\"version\": 1, \"next_id\": {next_id}, \"{COLLECTION}\": [\n{}]}}{% endraw %}\n",
        records.join(",\n")
    )
}

/// Writes a valid list of `count` records, as a hand or an older run would;
/// record `n` holds the text `record n`.
pub fn write_list(path: &Path, count: u64) {
    let records: Vec<String> = (1..=count)
        .map(|id| record(id, &ulid(id), &format!("record {id}")))
        .collect();
    fs::write(path, list_of(count + 1, &records)).unwrap();
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

/// The binary run as `NOBODY` in `dir`, through `setpriv`. For the tests
/// marked `#[ignore = "needs root"]`, which root runs with `--ignored`.
#[cfg(unix)]
pub fn as_nobody(dir: &Path) -> Command {
    assert!(
        is_root() && Command::new("setpriv").arg("--version").output().is_ok(),
        "needs root, and setpriv to act as another user: run these tests as root \
         (cargo test --test faults -- --ignored)"
    );
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN]);
    in_clean(cmd, dir)
}

/// A folder in `dir` that is sticky and writable by all, as /tmp is, for
/// root's tests of what another user may leave there; `dir` is opened to all.
#[cfg(unix)]
pub fn shared_folder(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;

    as_nobody(dir);
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    let shared = dir.join("shared");
    fs::create_dir(&shared).unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o1777)).unwrap();
    shared
}

/// Runs the command `args` as `NOBODY` in `dir`, which must succeed.
#[cfg(unix)]
pub fn by_nobody(dir: &Path, args: &[&str]) {
    let ran = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(ran.success(), "{args:?} as nobody");
}

/// A device node of the test's own, `name` in `dir`, with the numbers of a
/// system device (`c 1 3` is null, `c 1 7` is full): never the system's.
/// Only root may make one: for the tests marked `#[ignore = "needs root"]`.
#[cfg(unix)]
pub fn private_device(dir: &Path, name: &str, numbers: [&str; 3]) {
    let made = Command::new("mknod")
        .arg(dir.join(name))
        .args(numbers)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "needs root to make a device node: run these tests as root \
         (cargo test --test faults -- --ignored): {}",
        String::from_utf8_lossy(&made.stderr)
    );
}

/// The texts of `shown`, records as `--json` prints them.
pub fn texts(shown: &[Value]) -> Vec<String> {
    shown
        .iter()
        .map(|r| r[TEXT].as_str().unwrap().to_owned())
        .collect()
}

/// The texts of the records `HISTORY` shows in `dir`, newest first.
pub fn history(dir: &Path) -> Vec<String> {
    let out = run(dir, &[HISTORY, "1000000000", "--json"]);
    assert_ok(&out);
    texts(&serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap())
}

/// The texts of the records on the list in `dir`, oldest first.
pub fn listed(dir: &Path) -> Vec<String> {
    texts(&records(dir))
}

/// That every record of `all` is on the list in `dir` or in its history,
/// never both, and none twice.
pub fn each_once(dir: &Path, all: &BTreeSet<String>, when: &str) {
    let (listed, history) = (listed(dir), history(dir));
    let mut seen = BTreeSet::new();
    for text in listed.iter().chain(&history) {
        assert!(
            seen.insert(text.clone()),
            "{when}: {text} is shown twice: listed {listed:?}, history {history:?}"
        );
    }
    assert_eq!(&seen, all, "{when}: listed {listed:?}, history {history:?}");
}

/// A git repository of its own in a scratch folder, with a git
/// configuration of its own, set up for the list by `git setup`, which
/// keeps the history and the lock out of git.
pub struct GitRepo {
    root: TempDir,
}

impl GitRepo {
    pub fn new() -> Self {
        let repo = Self { root: scratch() };
        fs::write(repo.root.path().join("gitconfig"), "").unwrap();
        fs::create_dir(repo.path()).unwrap();
        repo.git(&["init", "-q"]);
        for (key, value) in [
            ("user.name", "Tester"),
            ("user.email", "tester@example.com"),
            ("commit.gpgsign", "false"),
        ] {
            repo.git(&["config", key, value]);
        }
        assert_ok(&repo.program(&["git", "setup"]));
        repo
    }

    pub fn path(&self) -> PathBuf {
        self.root.path().join("repo")
    }

    /// `cmd`, run in the repository, free of the caller's and the system's
    /// git settings.
    fn settled(&self, mut cmd: Command) -> Command {
        cmd.current_dir(self.path())
            .env("GIT_CONFIG_GLOBAL", self.root.path().join("gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.root.path())
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE");
        cmd
    }

    /// `git args` in the repository, as it ran.
    pub fn git_output(&self, args: &[&str]) -> Output {
        let mut git = self.settled(Command::new("git"));
        git.args(args).output().expect("git is installed")
    }

    /// `git args` in the repository, which must succeed; its stdout.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_output(args);
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    }

    /// The binary, run in the repository.
    pub fn {{crate_name}}(&self) -> Command {
        self.settled({{crate_name}}(&self.path()))
    }

    /// The binary run in the repository on `args`.
    pub fn program(&self, args: &[&str]) -> Output {
        self.{{crate_name}}().args(args).output().unwrap()
    }

    /// Commits the list, if it changed, and only the list: the history
    /// stays this clone's. The commit, if one was made.
    pub fn commit(&self, message: &str) -> Option<String> {
        if self.git(&["status", "--porcelain", "--", FILE]).is_empty() {
            return None;
        }
        self.git(&["add", FILE]);
        self.git(&["commit", "-q", "-m", message]);
        assert!(!self.git(&["ls-files"]).contains(HISTORY_FILE));
        Some(
            self.git(&["rev-parse", "--short", "HEAD"])
                .trim()
                .to_owned(),
        )
    }
}
