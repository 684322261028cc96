//! Runs the command docs in `tests/cmd/` and the README's examples.
//! `TRYCMD=overwrite cargo test --test cli` rewrites them from the real output.

/// Every documented run sees the same clock, and so the same ULIDs.
const PINNED_NOW: &str = "2026-11-22T14:40:23Z";

#[test]
fn command_docs() {
    trycmd::TestCases::new()
        .env("MY_TODO_NOW", PINNED_NOW)
        .case("tests/cmd/*.md");
}
