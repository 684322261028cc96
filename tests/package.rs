//! What `cargo package` ships to crates.io: the program, its manifest and
//! lockfile, its README, changelog and licenses; no tests, benchmarks,
//! scripts or template machinery.

#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

use std::process::Command;

#[test]
fn the_package_holds_the_program_and_its_papers_and_nothing_else() {
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    let listed = String::from_utf8(out.stdout).unwrap();
    let files: Vec<&str> = listed.lines().collect();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "CHANGELOG.md",
        "src/main.rs",
        "src/lib.rs",
    ] {
        assert!(
            files.contains(&needed),
            "{needed} is not packaged:\n{listed}"
        );
    }
    assert!(
        files.iter().any(|file| file.starts_with("LICENSE-")),
        "no license is packaged:\n{listed}"
    );
    let papers = ["README.md", "CHANGELOG.md", "Cargo.toml", "Cargo.lock"];
    // Written by cargo itself: the manifest as written, and the commit.
    let cargo_own = ["Cargo.toml.orig", ".cargo_vcs_info.json"];
    let stray: Vec<&&str> = files
        .iter()
        .filter(|file| {
            !(file.starts_with("src/")
                || file.starts_with("LICENSE-")
                || papers.contains(file)
                || cargo_own.contains(file))
        })
        .collect();
    assert!(
        stray.is_empty(),
        "packaged, but not for crates.io: {stray:?}"
    );
}
