//! Runs the command docs in `tests/cmd/` and the README's examples.
//! `TRYCMD=overwrite cargo test --test cli` rewrites them from the real output.

#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

/// The record's words: its file, its commands, its JSON.
#[path = "vocabulary/mod.rs"]
mod vocabulary;

#[path = "cmd/fixtures.rs"]
mod fixtures;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every documented run sees the same clock, and so the same ULIDs.
const PINNED_NOW: &str = "2026-11-22T14:40:23Z";

/// One test, so that nothing reads the docs while they are rewritten. Each
/// step reads what the one before wrote: the fixtures, then each page's
/// `.out/` folder, then the pages. Under `TRYCMD=overwrite` each step
/// rewrites what it checks, then a plain run, in a child process, checks all.
#[test]
fn command_docs() {
    let overwrite = overwriting();
    every_file_has_its_page();
    fixtures_are_made_by_fixtures_rs(overwrite);
    let mut pages: Vec<_> = std::fs::read_dir("tests/cmd")
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    pages.sort();
    for page in pages {
        let left = command_docs_are_true_to_the_byte(&page);
        out_folder_holds_what_the_commands_leave(&page, &left, overwrite);
    }
    trycmd::TestCases::new()
        .env("{{project-name | shouty_snake_case}}_NOW", PINNED_NOW)
        .case("tests/cmd/*.md")
        .case("tests/cmd/*.toml")
        .run();
    if overwrite {
        let check = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "command_docs"])
            .env_remove("TRYCMD")
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "the rewritten docs fail a plain run:\n{}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
}

fn overwriting() -> bool {
    std::env::var_os("TRYCMD").is_some_and(|mode| mode == "overwrite")
}

/// A page's `.in/` and `.out/` folders and its expected output go with it:
/// one whose page is gone would pass unread.
fn every_file_has_its_page() {
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir("tests/cmd").unwrap() {
        let path = entry.unwrap().path();
        let belongs = path
            .extension()
            .is_some_and(|ext| ["in", "out", "stdout", "stderr"].iter().any(|e| ext == *e));
        let paged = ["md", "toml"]
            .iter()
            .any(|ext| path.with_extension(ext).is_file());
        if belongs && !paged {
            orphans.push(format!(
                "{} belongs to no page: rename it with its page, or remove it",
                path.display()
            ));
        }
    }
    assert!(orphans.is_empty(), "{}", orphans.join("\n"));
}

/// Every file in `tests/cmd/*.in/` is one `fixtures.rs` makes, as it makes
/// it: a record's fixtures are written in one place, not by hand.
fn fixtures_are_made_by_fixtures_rs(overwrite: bool) {
    let root = Path::new("tests/cmd");
    let made: BTreeMap<PathBuf, Vec<u8>> = fixtures::fixtures()
        .into_iter()
        .map(|(path, bytes)| (PathBuf::from(path), bytes))
        .collect();
    if overwrite {
        write_files(root, &made);
    }
    let mut wrong = Vec::new();
    for (path, bytes) in &made {
        if std::fs::read(root.join(path)).ok().as_ref() != Some(bytes) {
            wrong.push(format!(
                "tests/cmd/{} is not what fixtures.rs makes",
                path.display()
            ));
        }
    }
    for entry in std::fs::read_dir(root).unwrap() {
        let folder = entry.unwrap().path();
        if folder.is_dir() && folder.extension().is_some_and(|ext| ext == "in") {
            for relative in files_in(&folder).into_keys() {
                let path = Path::new(folder.file_name().unwrap()).join(relative);
                if !made.contains_key(&path) {
                    wrong.push(format!(
                        "tests/cmd/{} is made by no line of fixtures.rs: make it there, \
                         or with the page's own commands, and remove this one",
                        path.display()
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}{}", wrong.join("\n"), RERUN);
}

const RERUN: &str = "\n(`TRYCMD=overwrite cargo test --test cli` rewrites the docs and their \
                     files; read `git diff` before committing)";

/// trycmd compares only the files a page's `.out/` folder holds, and runs a
/// page that has none in its `.in/` folder, or in the project's. So a page
/// whose commands change any file has an `.out/` folder, holding exactly
/// what they leave, byte for byte (but the lock, empty and everywhere).
fn out_folder_holds_what_the_commands_leave(
    page: &Path,
    left: &BTreeMap<PathBuf, Vec<u8>>,
    overwrite: bool,
) {
    let out = page.with_extension("out");
    if !out.is_dir() && *left == files_in(&page.with_extension("in")) {
        return; // nothing changed: trycmd may run it where it is
    }
    let left: BTreeMap<_, _> = left.iter().filter(|(path, _)| !is_lock(path)).collect();
    if overwrite {
        if out.is_dir() {
            std::fs::remove_dir_all(&out).unwrap();
        }
        write_files(&out, left);
        return;
    }
    let held = files_in(&out);
    let mut wrong = Vec::new();
    if !out.is_dir() {
        wrong.push(format!(
            "{}: its commands change files, and it has no {} folder: trycmd would run \
             them in the repository",
            page.display(),
            out.display()
        ));
    }
    for (relative, bytes) in &left {
        match held.get(*relative) {
            None => wrong.push(format!(
                "{}: its commands leave {}, which {} does not hold",
                page.display(),
                relative.display(),
                out.display()
            )),
            Some(expected) if expected != *bytes => wrong.push(format!(
                "{}: {} is not what the commands left, byte for byte",
                page.display(),
                out.join(relative).display()
            )),
            Some(_) => {}
        }
    }
    for relative in held.keys().filter(|path| !left.contains_key(path)) {
        wrong.push(format!(
            "{}: no command of it leaves {}",
            page.display(),
            out.join(relative).display()
        ));
    }
    assert!(wrong.is_empty(), "{}{}", wrong.join("\n"), RERUN);
}

/// A list's lock: `.notes.json.lock`, beside `notes.json`.
fn is_lock(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name.starts_with('.') && name.ends_with(".lock")
}

/// The README's session runs in an empty directory. trycmd looks for a case's
/// `.in/` and `.out/` folders beside it, so the README is run from a copy in a
/// scratch folder rather than littering the repository's root.
#[test]
fn readme_examples() {
    let scratch = tempfile::tempdir().unwrap();
    let copy = scratch.path().join("README.md");
    std::fs::copy("README.md", &copy).unwrap();
    std::fs::create_dir(scratch.path().join("README.in")).unwrap();
    std::fs::create_dir(scratch.path().join("README.out")).unwrap();
    command_docs_are_true_to_the_byte(&copy);
    trycmd::TestCases::new()
        .env("{{project-name | shouty_snake_case}}_NOW", PINNED_NOW)
        .case(&copy)
        .run();
    if overwriting() {
        std::fs::copy(&copy, "README.md").unwrap();
    }
}

/// The README's commands table has a row for every command the program has
/// (its manual pages name them), every page in `tests/cmd/` is linked from
/// the README, and every file the README links to is there.
#[test]
fn readme_names_every_command_and_page() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let pages = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_{{project-name}}"))
        .args(["man", "--dir"])
        .arg(pages.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let name = env!("CARGO_PKG_NAME");
    let commands: Vec<String> = std::fs::read_dir(pages.path())
        .unwrap()
        .map(|page| page.unwrap().file_name().into_string().unwrap())
        .filter_map(|page| {
            let path = page.strip_suffix(".1")?.strip_prefix(name)?;
            Some(format!("{name}{}", path.replace('-', " ")))
        })
        .collect();
    let links: Vec<&str> = readme
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split([')', '#']).next())
        .filter(|link| !link.is_empty() && !link.contains("://"))
        .collect();

    let mut wrong = Vec::new();
    for command in &commands {
        // A command with commands of its own (`git`) has rows through them.
        let parent = format!("{command} ");
        let leaf = command != name && !commands.iter().any(|c| c.starts_with(&parent));
        if leaf && !readme.contains(&format!("\n| `{command}")) {
            wrong.push(format!("the commands table has no row for `{command}`"));
        }
    }
    for link in &links {
        if !Path::new(link).exists() {
            wrong.push(format!("it links to {link}, which is not there"));
        }
    }
    for page in std::fs::read_dir("tests/cmd").unwrap() {
        let page = page.unwrap().path();
        let page = page.to_str().unwrap();
        if page.ends_with(".md") && !links.contains(&page) {
            wrong.push(format!("it does not link to {page}"));
        }
    }
    assert!(wrong.is_empty(), "README.md: {}", wrong.join("; "));
}

/// `--color` and the NO_COLOR / CLICOLOR_FORCE conventions, which trycmd's
/// piped runs cannot show.
#[test]
fn color_follows_the_flag_then_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let show = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_{{project-name}}"));
        cmd.current_dir(dir.path())
            .args([vocabulary::LIST])
            .args(args)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR")
            .envs(env.iter().copied());
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().contains('\u{1b}')
    };
    std::process::Command::new(env!("CARGO_BIN_EXE_{{project-name}}"))
        .current_dir(dir.path())
        .args(vocabulary::create("Buy milk"))
        .output()
        .unwrap();
    assert!(!show(&[], &[]), "piped output is plain by default");
    assert!(show(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!show(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]));
    assert!(show(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!show(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
}

/// trycmd turns every `\` in what a command prints, and in the files it
/// leaves, into `/` before comparing: a page would pass while showing bytes
/// the program never wrote. So each page's commands are run once more
/// here, as trycmd runs them, in a copy of its `.in/` folder: no output may
/// hold a backslash (show it in a `binary = true` `.toml` case, as
/// `man.toml` does). Returns the files they leave.
fn command_docs_are_true_to_the_byte(page: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &files_in(&page.with_extension("in")));
    for command in commands(&std::fs::read_to_string(page).unwrap()) {
        // trycmd's own {{project-name | shouty_snake_case}}_NOW would win: pin another instant in fixtures.rs
        assert!(
            !command.contains("{{project-name | shouty_snake_case}}_NOW="),
            "{}: {command}",
            page.display()
        );
        let out = run(dir.path(), &command);
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert!(
                !bytes.contains(&b'\\'),
                "{}: `{command}` prints a backslash on {stream}, which trycmd would \
                 compare as a slash: show it in a binary .toml case",
                page.display()
            );
        }
    }
    files_in(dir.path())
}

/// Runs one command of a page in `dir`, as trycmd does: `NAME=value` words
/// first set the environment, as in a shell.
fn run(dir: &Path, command: &str) -> std::process::Output {
    let words = shlex::split(command).unwrap();
    let settings = words.iter().take_while(|w| w.contains('=')).count();
    let env = words[..settings].iter().filter_map(|w| w.split_once('='));
    assert_eq!(words[settings], env!("CARGO_PKG_NAME"), "{command}");
    std::process::Command::new(env!("CARGO_BIN_EXE_{{project-name}}"))
        .args(&words[settings + 1..])
        .current_dir(dir)
        .env("{{project-name | shouty_snake_case}}_NOW", PINNED_NOW)
        .env_remove("{{project-name | shouty_snake_case}}_FILE")
        .envs(env)
        .output()
        .unwrap()
}

/// The list that `commands`, written as on a page, leave in an empty
/// folder.
fn list_made_by(commands: &[impl AsRef<str>]) -> String {
    let dir = tempfile::tempdir().unwrap();
    for command in commands {
        let out = run(dir.path(), command.as_ref());
        assert!(out.status.success(), "{}: {out:?}", command.as_ref());
    }
    std::fs::read_to_string(dir.path().join(vocabulary::FILE)).unwrap()
}

/// The commands of a page's console blocks, in order.
fn commands(page: &str) -> Vec<String> {
    let mut in_block = false;
    let mut found = Vec::new();
    for line in page.lines() {
        match line.trim_end() {
            "```console" | "```trycmd" => in_block = true,
            "```" => in_block = false,
            line if in_block => {
                if let Some(command) = line.strip_prefix("$ ") {
                    found.push(command.to_owned());
                }
            }
            _ => {}
        }
    }
    found
}

/// Every file under `root`, by its path relative to `root`; none if there
/// is no `root`.
fn files_in(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending: Vec<_> = root
        .is_dir()
        .then(|| root.to_path_buf())
        .into_iter()
        .collect();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    files
}

fn write_files<P: AsRef<Path>, B: AsRef<[u8]>>(
    root: &Path,
    files: impl IntoIterator<Item = (P, B)>,
) {
    for (relative, bytes) in files {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// `undo --json` prints one JSON object a script can read, whatever it undid.
#[test]
fn undo_speaks_json_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_{{project-name}}"))
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    use vocabulary::{COLLECTION, REMOVE, TEXT, UNDO};
    run(&vocabulary::create("Buy milk"));
    run(&[REMOVE, "1"]);
    let undo = |expected: i32| {
        let out = run(&[UNDO, "--json"]);
        assert_eq!(out.status.code(), Some(expected));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let undone = undo(0);
    assert_eq!(undone["undid"], REMOVE);
    assert_eq!(undone[COLLECTION][0][TEXT], "Buy milk");
    assert_eq!(undo(0)["undid"], vocabulary::create("")[0]);
    let nothing = undo(1);
    assert!(nothing["undid"].is_null());
    assert_eq!(nothing[COLLECTION], serde_json::json!([]));
}

/// Completion answers only to the program's own variable: a `COMPLETE` set
/// for another program leaves every command as it was.
#[test]
fn another_programs_completion_variable_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_{{project-name}}"))
        .current_dir(dir.path())
        .args(vocabulary::create("Buy milk"))
        .env("COMPLETE", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        vocabulary::created(1, "Buy milk")
    );
}
