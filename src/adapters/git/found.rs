//! The repository a folder is in, found without running git: a few `stat`s
//! up the folder's ancestors. For the checks every command makes, which
//! must cost nothing where no merge is going on.

use std::fs;
use std::path::{Path, PathBuf};

/// Where git keeps a work tree's state.
pub struct Found {
    /// The top of the work tree.
    pub top: PathBuf,
    /// This work tree's own git folder: `.git`, or a linked work tree's.
    git_dir: PathBuf,
    /// The folder every work tree of the repository shares: `info/exclude` is there.
    pub common_dir: PathBuf,
}

/// What git leaves in its folder while a merge, rebase, cherry-pick, revert
/// or stash apply waits for conflicts to be resolved.
const STOPPED: [&str; 7] = [
    "MERGE_HEAD",
    "CHERRY_PICK_HEAD",
    "REVERT_HEAD",
    "REBASE_HEAD",
    "AUTO_MERGE",
    "rebase-merge",
    "rebase-apply",
];

impl Found {
    /// The work tree `dir` is in, if any. Where `GIT_DIR` says where the
    /// repository is, git alone knows: none.
    pub fn from(dir: &Path) -> Option<Self> {
        if std::env::var_os("GIT_DIR").is_some() {
            return None;
        }
        let dir = fs::canonicalize(dir).ok()?;
        dir.ancestors().find_map(|top| {
            let dot_git = top.join(".git");
            let meta = fs::symlink_metadata(&dot_git).ok()?;
            let git_dir = match meta.is_dir() {
                true => dot_git,
                // A linked work tree or a submodule: `gitdir: <path>`.
                false if meta.is_file() => top.join(read_path(&dot_git, "gitdir: ")?),
                false => return None,
            };
            let common_dir = match fs::read_to_string(git_dir.join("commondir")) {
                Ok(common) => git_dir.join(common.trim_end_matches(['\n', '\r'])),
                Err(_) => git_dir.clone(),
            };
            Some(Self {
                top: top.to_path_buf(),
                git_dir,
                common_dir,
            })
        })
    }

    /// Whether git has stopped in this work tree with conflicts to resolve.
    pub fn stopped(&self) -> bool {
        STOPPED
            .iter()
            .any(|name| fs::symlink_metadata(self.git_dir.join(name)).is_ok())
    }
}

/// The path a `key: path` file holds, as `.git` files do.
fn read_path(file: &Path, key: &str) -> Option<PathBuf> {
    let text = fs::read_to_string(file).ok()?;
    let path = text.strip_prefix(key)?.trim_end_matches(['\n', '\r']);
    Some(PathBuf::from(path))
}
