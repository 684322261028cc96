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
