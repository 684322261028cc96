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
        // The nearest `.git` up the folders is the repository, as for git.
        let (top, meta) = dir.ancestors().find_map(|top| {
            let meta = fs::symlink_metadata(top.join(".git")).ok()?;
            Some((top, meta))
        })?;
        if !mine(&meta) {
            // As git's `safe.directory`: another user's repository is not one
            // to read state from, nor to write in.
            return None;
        }
        let dot_git = top.join(".git");
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
    }

    /// Whether git has stopped in this work tree with conflicts to resolve.
    pub fn stopped(&self) -> bool {
        STOPPED
            .iter()
            .any(|name| fs::symlink_metadata(self.git_dir.join(name)).is_ok())
    }
}

/// Whether the current user owns what `meta` describes.
fn mine(meta: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.uid() == rustix::process::geteuid().as_raw()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        true
    }
}

/// The path a `key: path` file holds, as `.git` files do.
fn read_path(file: &Path, key: &str) -> Option<PathBuf> {
    let text = fs::read_to_string(file).ok()?;
    let path = text.strip_prefix(key)?.trim_end_matches(['\n', '\r']);
    Some(PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_repository_up_the_folders_is_found_and_its_state_read() {
        let scratch = tempfile::tempdir().unwrap();
        let top = fs::canonicalize(scratch.path()).unwrap();
        let deep = top.join("a/b");
        fs::create_dir_all(&deep).unwrap();
        fs::create_dir(top.join(".git")).unwrap();
        let found = Found::from(&deep).unwrap();
        assert_eq!(found.top, top);
        assert_eq!(found.common_dir, top.join(".git"));
        assert!(!found.stopped());
        fs::write(top.join(".git/MERGE_HEAD"), "").unwrap();
        assert!(Found::from(&deep).unwrap().stopped());
    }

    #[test]
    fn a_linked_work_tree_has_its_own_state_and_shares_the_exclude_file() {
        let scratch = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(scratch.path()).unwrap();
        let own = root.join("main/.git/worktrees/side");
        fs::create_dir_all(&own).unwrap();
        fs::write(own.join("commondir"), "../..\n").unwrap();
        fs::create_dir(root.join("side")).unwrap();
        fs::write(
            root.join("side/.git"),
            format!("gitdir: {}\n", own.display()),
        )
        .unwrap();
        fs::write(root.join("main/.git/MERGE_HEAD"), "").unwrap();
        let found = Found::from(&root.join("side")).unwrap();
        assert_eq!(found.top, root.join("side"));
        assert_eq!(
            fs::canonicalize(&found.common_dir).unwrap(),
            root.join("main/.git")
        );
        assert!(!found.stopped(), "the main work tree's merge is its own");
        fs::write(own.join("REBASE_HEAD"), "").unwrap();
        assert!(found.stopped());
    }

    #[test]
    fn a_folder_outside_any_repository_has_none() {
        let scratch = tempfile::tempdir().unwrap();
        // The scratch folder itself may sit in a repository; one of its own is checked.
        let dir = scratch.path().join("x");
        fs::create_dir(&dir).unwrap();
        fs::write(scratch.path().join(".git"), "not a gitdir line").unwrap();
        assert!(Found::from(&dir).is_none());
    }
}
