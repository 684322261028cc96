//! The repository a list is kept in, through the person's own `git`: the
//! versions of an unfinished merge, and the setup that has git merge the
//! list with this program's driver.

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::ports::{Repository, RepositoryError, RepositoryErrorKind, Unmerged};

/// A repository found from the list's own folder, where `git` runs.
pub struct GitRepository {
    /// The program's name, which is also the merge driver's:
    /// `merge=my-todo` in `.gitattributes`.
    name: &'static str,
}

impl GitRepository {
    pub fn new(name: &'static str) -> Self {
        Self { name }
    }

    /// The command git runs to merge: this program by name when that is
    /// what the shell finds on PATH (as after `cargo install`), so that
    /// an upgrade is picked up; otherwise by its full path.
    fn driver(&self) -> String {
        let me = std::env::current_exe().and_then(fs::canonicalize).ok();
        let found = which::which(self.name)
            .ok()
            .and_then(|p| fs::canonicalize(p).ok());
        let program = match (&me, found) {
            (Some(me), Some(found)) if *me == found => self.name.to_owned(),
            (Some(me), _) => quoted(&me.to_string_lossy()),
            (None, _) => self.name.to_owned(),
        };
        format!("{program} git merge %O %A %B %P")
    }
}

impl Repository for GitRepository {
    fn unmerged(&self, list: &Path) -> Result<Option<Unmerged>, RepositoryError> {
        let (dir, name) = split(list);
        work_tree(&dir)?;
        let listed = git(
            &dir,
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
            if let (Some(object), Some(Ok(stage @ 1..=3))) =
                (object, stage.map(str::parse::<usize>))
            {
                stages[stage - 1] = Some(object.to_owned());
            }
        }
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
        let (dir, name) = split(list);
        let top = work_tree(&dir)?;
        let prefix = text(&git(&dir, ["rev-parse", "--show-prefix"])?);
        let in_repo = format!("{prefix}{}", name.to_string_lossy());
        let mut said = Vec::new();

        // The attribute is versioned, so that every clone merges alike.
        let line = format!("{} merge={}", attribute_pattern(&in_repo), self.name);
        let attributes = top.join(".gitattributes");
        said.push(match add_line(&attributes, &line).map_err(|e| io_failed(&attributes, e))? {
            true => format!("Added `{line}` to .gitattributes: commit it, so every clone merges {in_repo} alike"),
            false => format!(".gitattributes already has `{line}`"),
        });

        // The driver is each clone's own: git never versions its config.
        let driver = self.driver();
        let key = format!("merge.{}.driver", self.name);
        let title = format!("merge.{}.name", self.name);
        let current = git(&dir, ["config", "--get", &key])
            .ok()
            .map(|out| text(&out));
        if current.as_deref() == Some(driver.as_str()) {
            said.push(format!("git config {key} is already `{driver}`"));
        } else {
            git(&dir, ["config", &key, &driver])?;
            let description = format!("{} list merge", self.name);
            git(&dir, ["config", &title, &description])?;
            said.push(format!("Set git config {key} to `{driver}`"));
        }

        // What sits beside the list for this clone alone stays out of `git status`.
        let exclude = PathBuf::from(text(&git(
            &dir,
            [
                "rev-parse",
                "--path-format=absolute",
                "--git-path",
                "info/exclude",
            ],
        )?));
        let folder = in_repo.rsplit_once('/').map_or("", |(folder, _)| folder);
        let mut added = Vec::new();
        for file in private {
            let pattern = ignore_pattern(folder, file);
            if add_line(&exclude, &pattern).map_err(|e| io_failed(&exclude, e))? {
                added.push(pattern);
            }
        }
        said.push(match added.is_empty() {
            true => format!(
                "{} already keeps {} out of git status",
                shown(&top, &exclude),
                private.join(" and ")
            ),
            false => format!(
                "Added {} to {}, to keep them out of git status",
                added.join(" and "),
                shown(&top, &exclude)
            ),
        });

        // git itself says whether the list now merges with the driver.
        let checked = text(&git(
            &dir,
            [
                OsStr::new("check-attr"),
                "merge".as_ref(),
                "--".as_ref(),
                name,
            ],
        )?);
        let value = checked.rsplit(": ").next().unwrap_or_default();
        if value != self.name {
            return Err(RepositoryError {
                kind: RepositoryErrorKind::Failed,
                message: format!("git check-attr says `merge: {value}` for {in_repo}, where it should say `merge: {}`", self.name),
                tip: Some("another line in .gitattributes, or in .git/info/attributes, sets merge for it: remove that line and run setup again".into()),
            });
        }
        said.push(format!(
            "Checked: git merges {in_repo} with `{} git merge`",
            self.name
        ));
        Ok(said)
    }
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

fn io_failed(path: &Path, e: io::Error) -> RepositoryError {
    RepositoryError {
        kind: RepositoryErrorKind::Failed,
        message: format!("cannot change {}: {e}", path.display()),
        tip: None,
    }
}

/// `path` from the top of the work tree, as people see it there.
fn shown(top: &Path, path: &Path) -> String {
    path.strip_prefix(top).unwrap_or(path).display().to_string()
}

/// Adds `line` at the end of the file at `path`, made if missing, unless
/// a line reads so already. Says whether it was added.
fn add_line(path: &Path, line: &str) -> io::Result<bool> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    if text.lines().any(|l| l.trim() == line) {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut file = fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)?;
    let newline = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    file.write_all(format!("{newline}{line}\n").as_bytes())?;
    Ok(true)
}

/// `path`, from the top of the work tree, as a pattern that matches it
/// alone: anchored, glob characters escaped, and in C-style quotes where
/// it holds a space, a quote or a control character.
fn attribute_pattern(path: &str) -> String {
    let pattern = format!("/{}", glob_escaped(path));
    if !pattern
        .chars()
        .any(|c| c.is_whitespace() || c == '"' || c.is_control())
    {
        return pattern;
    }
    let mut quoted = String::from("\"");
    for c in pattern.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\t' => quoted.push_str("\\t"),
            '\n' => quoted.push_str("\\n"),
            c if c.is_control() => {
                let mut bytes = [0; 4];
                for b in c.encode_utf8(&mut bytes).bytes() {
                    quoted.push_str(&format!("\\{b:03o}"));
                }
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// The file `name` in `folder`, from the top of the work tree, as an
/// ignore pattern: anchored, glob characters escaped but a `*` of `name`'s own.
fn ignore_pattern(folder: &str, name: &str) -> String {
    let folder = match folder {
        "" => String::new(),
        folder => format!("{}/", glob_escaped(folder)),
    };
    let name: Vec<String> = name.split('*').map(glob_escaped).collect();
    let mut pattern = format!("/{folder}{}", name.join("*"));
    // Trailing spaces are dropped from ignore patterns unless escaped.
    if pattern.ends_with(' ') {
        pattern.pop();
        pattern.push_str("\\ ");
    }
    pattern
}

fn glob_escaped(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// `text` as one word for the shell git runs the driver with.
fn quoted(text: &str) -> String {
    shlex::try_quote(text).map_or_else(|_| text.to_owned(), |q| q.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_the_one_path_they_name() {
        assert_eq!(attribute_pattern("todo.json"), "/todo.json");
        assert_eq!(attribute_pattern("lists/a*b.json"), r"/lists/a\*b.json");
        assert_eq!(attribute_pattern("my list.json"), "\"/my list.json\"");
        assert_eq!(attribute_pattern("a\"[b].json"), r#""/a\"\\[b].json""#);
        assert_eq!(ignore_pattern("", ".todo.json.*.tmp"), "/.todo.json.*.tmp");
        assert_eq!(
            ignore_pattern("a?", ".x[1].json.lock"),
            r"/a\?/.x\[1].json.lock"
        );
        assert_eq!(ignore_pattern("", ".x "), r"/.x\ ");
    }
}
