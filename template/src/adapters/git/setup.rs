//! `git setup`, all or nothing: the attribute that has git merge the list
//! with the driver, the driver in this clone's config, and the files beside
//! the list kept out of `git status`. A step that fails takes back the
//! steps before it, and no file is written through a symbolic link.

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{git, split, text, work_tree};
use crate::ports::{RepositoryError, RepositoryErrorKind};

/// Sets the clone up for `list`: `name` is the driver's name in git's
/// settings, `driver` the command git runs. Says what it did.
pub fn set_up(
    name: &str,
    driver: &str,
    list: &Path,
    private: &[String],
) -> Result<Vec<String>, RepositoryError> {
    let (dir, file) = split(list);
    let top = work_tree(&dir)?;
    let prefix = text(&git(&dir, ["rev-parse", "--show-prefix"])?);
    let in_repo = format!("{prefix}{}", file.to_string_lossy());
    // Not `--git-path info/exclude`, which resolves a link there.
    let common = text(&git(
        &dir,
        ["rev-parse", "--path-format=absolute", "--git-common-dir"],
    )?);
    let exclude = PathBuf::from(common).join("info").join("exclude");
    let attributes = top.join(".gitattributes");
    // Refused before anything changes: git reads no linked .gitattributes.
    for path in [&attributes, &exclude] {
        writable_here(path).map_err(|why| RepositoryError {
            kind: RepositoryErrorKind::Failed,
            message: format!("{} {why}; setup changed nothing", shown(&top, path)),
            tip: Some(format!(
                "replace {} with a regular file, then run setup again",
                shown(&top, path)
            )),
        })?;
    }
    let (dir, top, in_repo) = (dir.as_path(), top.as_path(), in_repo.as_str());
    let (attributes, exclude) = (attributes.as_path(), exclude.as_path());
    // Each step is recorded in `taken` as it is taken, to be taken back if a
    // later one fails.
    let mut taken = Steps::default();
    let said = (|| {
        let mut said = Vec::new();
        // The driver is each clone's own: git never versions its config. Set
        // first, as what fails most (a locked or read-only config).
        let key = format!("merge.{name}.driver");
        let label = format!("merge.{name}.name");
        let current = git(dir, ["config", "--get", &key])
            .ok()
            .map(|out| text(&out));
        if current.as_deref() == Some(driver) {
            said.push(format!("git config {key} is already `{driver}`"));
        } else {
            let current_label = git(dir, ["config", "--get", &label])
                .ok()
                .map(|out| text(&out));
            taken.0.push(Step::Config {
                dir: dir.to_path_buf(),
                key: key.clone(),
                was: current,
            });
            git(dir, ["config", &key, driver])?;
            taken.0.push(Step::Config {
                dir: dir.to_path_buf(),
                key: label.clone(),
                was: current_label,
            });
            git(dir, ["config", &label, &format!("{name} list merge")])?;
            said.push(format!("Set git config {key} to `{driver}`"));
        }

        // The attribute is versioned, so that every clone merges alike.
        let line = format!("{} merge={name}", attribute_pattern(in_repo));
        let added = append_missing(attributes, std::slice::from_ref(&line), &mut taken)
            .map_err(|e| io_failed(top, attributes, e))?;
        said.push(match added.is_empty() {
            false => format!(
                "Added `{line}` to .gitattributes: commit it, so every clone merges {in_repo} alike"
            ),
            true => format!(".gitattributes already has `{line}`"),
        });

        // What sits beside the list for this clone alone stays out of `git status`.
        let folder = in_repo.rsplit_once('/').map_or("", |(folder, _)| folder);
        let patterns: Vec<String> = private.iter().map(|f| ignore_pattern(folder, f)).collect();
        let added = append_missing(exclude, &patterns, &mut taken)
            .map_err(|e| io_failed(top, exclude, e))?;
        said.push(match added.is_empty() {
            true => format!(
                "{} already keeps {} out of git status",
                shown(top, exclude),
                private.join(" and ")
            ),
            false => format!(
                "Added {} to {}, to keep them out of git status",
                added.join(" and "),
                shown(top, exclude)
            ),
        });

        // git itself says whether the list now merges with the driver.
        let checked = text(&git(
            dir,
            [
                OsStr::new("check-attr"),
                "merge".as_ref(),
                "--".as_ref(),
                file,
            ],
        )?);
        let value = checked.rsplit(": ").next().unwrap_or_default();
        if value != name {
            return Err(RepositoryError {
                kind: RepositoryErrorKind::Failed,
                message: format!("git check-attr says `merge: {value}` for {in_repo}, where it should say `merge: {name}`; setup changed nothing"),
                tip: Some("another line in .gitattributes, or in .git/info/attributes, sets merge for it: remove that line and run setup again".into()),
            });
        }
        said.push(format!(
            "Checked: git merges {in_repo} with `{name} git merge`"
        ));

        // A plain `git pull` of clones that both changed stops until told how to join them.
        if git(dir, ["config", "--get", "pull.rebase"]).is_err() {
            said.push(
                "Tip: a plain `git pull` stops when both clones changed; choose how it joins them \
                 once: `git config pull.rebase false` (merge) or `true` (rebase): the list merges alike"
                    .into(),
            );
        }
        Ok(said)
    })();
    if said.is_err() {
        taken.take_back();
    }
    said
}

/// What setup changed, to take back if a later step fails.
#[derive(Default)]
pub struct Steps(Vec<Step>);

enum Step {
    /// A git setting, and what it was (none: unset).
    Config {
        dir: PathBuf,
        key: String,
        was: Option<String>,
    },
    /// Lines appended to a file that was `was` bytes long (none: absent).
    Appended { path: PathBuf, was: Option<u64> },
}

impl Steps {
    /// Takes back every step, the latest first. Best effort: the error that
    /// made setup fail is what is reported.
    fn take_back(self) {
        for step in self.0.into_iter().rev() {
            match step {
                Step::Config { dir, key, was } => {
                    let _ = match was {
                        Some(value) => git(&dir, ["config", &key, &value]),
                        None => git(&dir, ["config", "--unset", &key]),
                    };
                }
                // Only the bytes this run appended are cut: they are its own.
                Step::Appended {
                    path,
                    was: Some(len),
                } => {
                    let _ = no_follow(&path).and_then(|file| file.set_len(len));
                }
                Step::Appended { path, was: None } => {
                    let _ = fs::remove_file(&path);
                }
            }
        }
    }
}

/// Why setup may not write the file at `path`, if it may not: a link, or
/// not a file. A missing file is made.
fn writable_here(path: &Path) -> Result<(), &'static str> {
    let folder_linked = path
        .parent()
        .and_then(|dir| fs::symlink_metadata(dir).ok())
        .is_some_and(|m| m.file_type().is_symlink());
    match fs::symlink_metadata(path) {
        _ if folder_linked => Err("is in a folder that is a symbolic link"),
        Ok(meta) if meta.file_type().is_symlink() => {
            Err("is a symbolic link, which git does not read and setup does not write through")
        }
        Ok(meta) if !meta.is_file() => Err("is not a regular file"),
        _ => Ok(()),
    }
}

/// Opens the file at `path` to append, made if missing, never through a link.
pub fn no_follow(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    options.open(path)
}

/// Adds at the end of the file at `path`, made if missing, each of `lines`
/// that no line reads already, recording the step. Returns those added.
pub fn append_missing(path: &Path, lines: &[String], taken: &mut Steps) -> io::Result<Vec<String>> {
    let (text, was) = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => (fs::read_to_string(path)?, Some(meta.len())),
        Ok(_) => return Err(io::Error::other("not a regular file")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => (String::new(), None),
        Err(e) => return Err(e),
    };
    let missing: Vec<String> = lines
        .iter()
        .filter(|line| !text.lines().any(|l| l.trim() == line.as_str()))
        .cloned()
        .collect();
    if missing.is_empty() {
        return Ok(missing);
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut file = no_follow(path)?;
    taken.0.push(Step::Appended {
        path: path.to_path_buf(),
        was,
    });
    let newline = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    file.write_all(format!("{newline}{}\n", missing.join("\n")).as_bytes())?;
    Ok(missing)
}

fn io_failed(top: &Path, path: &Path, e: io::Error) -> RepositoryError {
    RepositoryError {
        kind: RepositoryErrorKind::Failed,
        message: format!(
            "cannot change {}: {e}; setup changed nothing",
            shown(top, path)
        ),
        tip: None,
    }
}

/// `path` from the top of the work tree, as people see it there.
fn shown(top: &Path, path: &Path) -> String {
    path.strip_prefix(top).unwrap_or(path).display().to_string()
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
pub fn ignore_pattern(folder: &str, name: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_the_one_path_they_name() {
        assert_eq!(attribute_pattern("notes.json"), "/notes.json");
        assert_eq!(attribute_pattern("lists/a*b.json"), r"/lists/a\*b.json");
        assert_eq!(attribute_pattern("my list.json"), "\"/my list.json\"");
        assert_eq!(attribute_pattern("a\"[b].json"), r#""/a\"\\[b].json""#);
        assert_eq!(
            ignore_pattern("", ".notes.json.*.tmp"),
            "/.notes.json.*.tmp"
        );
        assert_eq!(
            ignore_pattern("a?", ".x[1].json.lock"),
            r"/a\?/.x\[1].json.lock"
        );
        assert_eq!(ignore_pattern("", ".x "), r"/.x\ ");
    }
}
