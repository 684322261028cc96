//! The README's install lines, run as pasted into a fresh account: a
//! temporary HOME, with `my-todo` in `~/.cargo/bin` as `cargo install`
//! leaves it, and nothing else of the caller's.

#![cfg(target_os = "linux")] // bash and man-db, as on a Linux account
#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

use std::fs;
use std::path::Path;
use std::process::Command;

/// The lines of the README's block after `heading`, comments and all.
fn block_after(readme: &str, heading: &str) -> Vec<String> {
    let after = &readme[readme.find(heading).expect("the heading is there")..];
    let start = after.find("```sh\n").unwrap() + "```sh\n".len();
    let end = start + after[start..].find("```").unwrap();
    after[start..end].lines().map(str::to_owned).collect()
}

#[test]
fn the_completion_and_manual_lines_work_in_a_fresh_home() {
    let readme = fs::read_to_string("README.md").unwrap();
    let lines = block_after(&readme, "### Shell completions and the manual page");
    assert!(lines.len() >= 4, "{lines:?}");
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join(".cargo/bin");
    fs::create_dir_all(&bin).unwrap();
    let installed = bin.join(env!("CARGO_PKG_NAME"));
    fs::copy(env!("CARGO_BIN_EXE_my-todo"), &installed).unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let sh = |script: &str| {
        Command::new("bash")
            .arg("-c")
            .arg(script)
            .env_clear()
            .env("HOME", home.path())
            .env("PATH", &path)
            .current_dir(home.path())
            .output()
            .unwrap()
    };
    for line in &lines {
        let ran = sh(line);
        assert!(
            ran.status.success(),
            "{line}\n{}",
            String::from_utf8_lossy(&ran.stderr)
        );
    }
    let made = |relative: &str| {
        let file = home.path().join(relative);
        assert!(
            fs::metadata(&file).is_ok_and(|m| m.len() > 0),
            "{relative} was not written"
        );
    };
    made(".local/share/bash-completion/completions/my-todo");
    made(".zfunc/_my-todo");
    made(".zshrc");
    made(".config/fish/completions/my-todo.fish");
    // man finds the pages by the PATH alone, as for a person who just installed.
    for page in ["my-todo", "my-todo-done"] {
        let found = sh(&format!("man -w {page}"));
        let found = String::from_utf8_lossy(&found.stdout).into_owned();
        assert!(
            Path::new(found.trim()).starts_with(home.path()),
            "man -w {page}: {found:?}"
        );
    }
}

#[test]
fn the_one_list_line_names_the_list_every_folder_uses() {
    let readme = fs::read_to_string("README.md").unwrap();
    let lines = block_after(&readme, "### One list for every folder");
    let home = tempfile::tempdir().unwrap();
    let elsewhere = home.path().join("a/b");
    fs::create_dir_all(&elsewhere).unwrap();
    let script = format!(
        "{}\n\"$0\" add 'Buy milk' >/dev/null && cd a/b && \"$0\" show --json",
        lines.join("\n")
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_my-todo"))
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", "/usr/bin:/bin")
        .current_dir(home.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Buy milk"));
    assert!(home.path().join("todo.json").exists());
    assert!(!elsewhere.join("todo.json").exists());
}
