//! The repository a list is kept in, through the person's own `git`: the
//! versions of an unfinished merge, and the setup that has git merge the
//! list with this program's driver.

mod found;
mod setup;

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use found::Found;

use crate::ports::{Repository, RepositoryError, RepositoryErrorKind, Unmerged};

/// A repository found from the list's own folder, where `git` runs.
pub struct GitRepository {
    /// The program's name, which is also the merge driver's:
    /// `merge={{project-name}}` in `.gitattributes`.
    name: &'static str,
}

impl GitRepository {
    pub fn new(name: &'static str) -> Self {
        Self { name }
    }

    /// The command git runs to merge: this program by its full path, for
    /// git runs it wherever it was started (a GUI, an IDE, a cron job),
    /// with a PATH of its own. The path that finds it on the shell's PATH,
    /// where that is this program (`~/.cargo/bin/{{project-name}}`, a package's
    /// link), so that an upgrade in place is picked up. `--` keeps a list
    /// named like an option (`-x.json`) a path.
    fn driver(&self) -> String {
        let me = std::env::current_exe().ok();
        let real = me.as_ref().and_then(|me| fs::canonicalize(me).ok());
        let on_path = which::which(self.name)
            .ok()
            .filter(|found| real.is_some() && fs::canonicalize(found).ok() == real);
        let program = on_path.or(real).or(me).map_or_else(
            || self.name.to_owned(),
            |path| quoted(&path.to_string_lossy()),
        );
        format!("{program} git merge -- %O %A %B %P")
    }
}

impl Repository for GitRepository {
    fn unmerged(&self, list: &Path) -> Result<Option<Unmerged>, RepositoryError> {
        let (dir, name) = split(list);
        work_tree(&dir)?;
        let stages = stages(&dir, name)?;
        if stages.iter().all(Option::is_none) {
            return Ok(None);
        }
        let [base, ours, theirs] = stages.map(|object| {
            object.map(|object| {
                git(
                    &dir,
                    ["cat-file".as_ref(), "blob".as_ref(), OsStr::new(&object)],
                )
                .map(|out| out.stdout)
            })
        });
        let (base, ours, theirs) = (base.transpose()?, ours.transpose()?, theirs.transpose()?);
        Ok(Some(Unmerged {
            path: list.to_path_buf(),
            base,
            ours,
            theirs,
        }))
    }

    fn set_up(&self, list: &Path, private: &[String]) -> Result<Vec<String>, RepositoryError> {
        setup::set_up(self.name, &self.driver(), list, private)
    }

    fn unfinished(&self, list: &Path) -> Result<bool, RepositoryError> {
        let (dir, name) = split(list);
        if !Found::from(&dir).is_some_and(|found| found.stopped()) {
            return Ok(false);
        }
        Ok(!stages(&dir, name)?.iter().all(Option::is_none))
    }

    fn keep_private(&self, list: &Path, private: &[String]) -> Result<(), RepositoryError> {
        let (dir, _) = split(list);
        let Some(found) = Found::from(&dir) else {
            return Ok(());
        };
        let Ok(folder) = fs::canonicalize(&dir) else {
            return Ok(());
        };
        let folder = folder.strip_prefix(&found.top).unwrap_or(&folder);
        let folder = folder
            .to_string_lossy()
            .replace(std::path::MAIN_SEPARATOR, "/");
        let patterns: Vec<String> = private
            .iter()
            .map(|f| setup::ignore_pattern(&folder, f))
            .collect();
        let exclude = found.common_dir.join("info").join("exclude");
        setup::append_missing(&exclude, &patterns, &mut setup::Steps::default())
            .map(drop)
            .map_err(|e| RepositoryError {
                kind: RepositoryErrorKind::Failed,
                message: format!(
                    "cannot keep {} out of git status in {}: {e}",
                    private.join(" and "),
                    exclude.display()
                ),
                tip: Some("run `{{project-name}} git setup` to see what stands in the way".into()),
            })
    }
}

/// The object of each of the three versions of `name` git keeps while it
/// waits for a merge of it to be resolved: base, ours, theirs.
fn stages(dir: &Path, name: &OsStr) -> Result<[Option<String>; 3], RepositoryError> {
    let listed = git(
        dir,
        [
            OsStr::new("ls-files"),
            "-u".as_ref(),
            "-z".as_ref(),
            "--".as_ref(),
            name,
        ],
    )?;
    let mut stages: [Option<String>; 3] = [None, None, None];
    for entry in listed.stdout.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        // `<mode> <object> <stage>\t<path>`
        let entry = String::from_utf8_lossy(entry);
        let mut words = entry.split(['\t', ' ']);
        let (_, object, stage) = (words.next(), words.next(), words.next());
        if let (Some(object), Some(Ok(stage @ 1..=3))) = (object, stage.map(str::parse::<usize>)) {
            stages[stage - 1] = Some(object.to_owned());
        }
    }
    Ok(stages)
}

/// The folder git runs in and the list's name there.
fn split(list: &Path) -> (PathBuf, &OsStr) {
    let dir = match list.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    (dir, list.file_name().unwrap_or(list.as_os_str()))
}

/// The top of the work tree `dir` is in, or why there is none.
fn work_tree(dir: &Path) -> Result<PathBuf, RepositoryError> {
    match git(dir, ["rev-parse", "--show-toplevel"]) {
        Ok(out) => Ok(PathBuf::from(text(&out))),
        Err(e) if e.kind == RepositoryErrorKind::Failed => Err(RepositoryError {
            kind: RepositoryErrorKind::Unavailable,
            message: format!("{} is not in a git work tree ({})", dir.display(), e.message),
            tip: Some("run this in a clone of the repository the list is kept in, or name a list there with --file".into()),
        }),
        Err(e) => Err(e),
    }
}

/// Runs `git` in `dir`, with paths taken literally; its output, or why it failed.
fn git<I, S>(dir: &Path, args: I) -> Result<Output, RepositoryError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = Command::new("git")
        .arg("--literal-pathspecs")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| RepositoryError {
            kind: RepositoryErrorKind::Unavailable,
            message: match e.kind() {
                io::ErrorKind::NotFound => "git is not installed, or not on PATH".to_owned(),
                _ => format!("cannot run git: {e}"),
            },
            tip: Some("install git; git merges the list by running this program".into()),
        })?;
    if out.status.success() {
        return Ok(out);
    }
    let said = String::from_utf8_lossy(&out.stderr);
    let said = said.trim().trim_start_matches("fatal: ");
    Err(RepositoryError {
        kind: RepositoryErrorKind::Failed,
        message: format!("git failed: {said}"),
        tip: None,
    })
}

/// What git printed, less the line break at the end.
fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout)
        .trim_end_matches(['\n', '\r'])
        .to_owned()
}

/// `text` as one word for the shell git runs the driver with.
fn quoted(text: &str) -> String {
    shlex::try_quote(text).map_or_else(|_| text.to_owned(), |q| q.into_owned())
}
