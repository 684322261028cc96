//! Runs the command docs in `tests/cmd/` and the README's examples.
//! `TRYCMD=overwrite cargo test --test cli` rewrites them from the real output.

#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

/// Every documented run sees the same clock, and so the same ULIDs.
const PINNED_NOW: &str = "2026-11-22T14:40:23Z";

#[test]
fn command_docs() {
    trycmd::TestCases::new()
        .env("{{project-name | shouty_snake_case}}_NOW", PINNED_NOW)
        .case("tests/cmd/*.md");
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
