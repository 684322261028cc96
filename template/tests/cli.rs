//! Runs the command docs in `tests/cmd/` and the README's examples.
//! `TRYCMD=overwrite cargo test --test cli` rewrites them from the real output.

#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

/// Every documented run sees the same clock, and so the same ULIDs.
const PINNED_NOW: &str = "2026-11-22T14:40:23Z";

#[test]
fn command_docs() {
    trycmd::TestCases::new()
        .env("{{project-name | shouty_snake_case}}_NOW", PINNED_NOW)
        .case("tests/cmd/*.md")
        .case("tests/cmd/*.toml");
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
    trycmd::TestCases::new()
        .env("{{project-name | shouty_snake_case}}_NOW", PINNED_NOW)
        .case(&copy)
        .run();
    if std::env::var_os("TRYCMD").is_some_and(|mode| mode == "overwrite") {
        std::fs::copy(&copy, "README.md").unwrap();
    }
}

/// `--color` and the NO_COLOR / CLICOLOR_FORCE conventions, which trycmd's
/// piped runs cannot show.
#[test]
fn color_follows_the_flag_then_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let show = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_{{project-name}}"));
        cmd.current_dir(dir.path())
            .args(["show"])
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
        .args(["add", "Buy milk"])
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
/// here, as trycmd runs them, and checked byte for byte: no output may hold
/// a backslash (show it in a `binary = true` `.toml` case, as `man.toml`
/// does), and every file in a page's `.out/` folder must be exactly what the
/// commands left.
#[test]
fn command_docs_are_true_to_the_byte() {
    let mut pages: Vec<_> = std::fs::read_dir("tests/cmd")
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    pages.push("README.md".into());
    for page in pages {
        let dir = tempfile::tempdir().unwrap();
        let fixtures = page.with_extension("in");
        if fixtures.is_dir() {
            copy_tree(&fixtures, dir.path());
        }
        for command in commands(&std::fs::read_to_string(&page).unwrap()) {
            let words = shlex::split(&command).unwrap();
            // As in a shell, `NAME=value` words first set the environment.
            let settings = words.iter().take_while(|w| w.contains('=')).count();
            let env = words[..settings].iter().filter_map(|w| w.split_once('='));
            assert_eq!(
                words[settings],
                env!("CARGO_PKG_NAME"),
                "{}: {command}",
                page.display()
            );
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_{{project-name}}"))
                .args(&words[settings + 1..])
                .current_dir(dir.path())
                .env("{{project-name | shouty_snake_case}}_NOW", PINNED_NOW)
                .env_remove("{{project-name | shouty_snake_case}}_FILE")
                .envs(env)
                .output()
                .unwrap();
            for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
                assert!(
                    !bytes.contains(&b'\\'),
                    "{}: `{command}` prints a backslash on {stream}, which trycmd would \
                     compare as a slash: show it in a binary .toml case",
                    page.display()
                );
            }
        }
        let expected = page.with_extension("out");
        if expected.is_dir() {
            for (relative, bytes) in files_in(&expected) {
                let left = std::fs::read(dir.path().join(&relative)).unwrap_or_default();
                assert!(
                    left == bytes,
                    "{}: {} is not what the commands left, byte for byte",
                    page.display(),
                    relative.display()
                );
            }
        }
    }
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

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for (relative, bytes) in files_in(from) {
        let path = to.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Every file under `root`, by its path relative to `root`.
fn files_in(root: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.push((path.strip_prefix(root).unwrap().to_path_buf(), bytes));
            }
        }
    }
    files
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
    run(&["add", "Buy milk"]);
    run(&["done", "1"]);
    let undo = |expected: i32| {
        let out = run(&["undo", "--json"]);
        assert_eq!(out.status.code(), Some(expected));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let undone = undo(0);
    assert_eq!(undone["undid"], "done");
    assert_eq!(undone["todos"][0]["title"], "Buy milk");
    assert_eq!(undo(0)["undid"], "add");
    let nothing = undo(1);
    assert!(nothing["undid"].is_null());
    assert_eq!(nothing["todos"], serde_json::json!([]));
}

/// Completion answers only to the program's own variable: a `COMPLETE` set
/// for another program leaves every command as it was.
#[test]
fn another_programs_completion_variable_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_{{project-name}}"))
        .current_dir(dir.path())
        .args(["add", "Buy milk"])
        .env("COMPLETE", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Added #1"));
}
