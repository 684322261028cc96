//! The `Cargo.lock` a generated project ships, and how the template keeps it
//! in the order cargo writes whatever the project is called.

use std::path::Path;
use std::process::Command;

use super::derive::Files;

const PACKAGE: &str = "[[package]]";

/// The project's lockfile as cargo writes it for `project` alone: without
/// the packages that only root-only dependencies (cargo-generate) pull in.
pub fn project_lock(project: &Files, root: &Path) -> String {
    let scratch = tempfile::tempdir().unwrap();
    for (path, bytes) in project {
        let file = scratch.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, bytes).unwrap();
    }
    std::fs::copy(root.join("Cargo.lock"), scratch.path().join("Cargo.lock")).unwrap();
    // Resolving against the existing lockfile keeps every version and drops
    // what nothing uses any more. It reads every package's manifest, for
    // every platform: cargo fetches those it does not have yet.
    let resolved = Command::new(cargo())
        .args(["metadata", "--format-version", "1"])
        .current_dir(scratch.path())
        .output()
        .unwrap();
    assert!(
        resolved.status.success(),
        "cargo metadata failed:\n{}",
        String::from_utf8_lossy(&resolved.stderr)
    );
    std::fs::read_to_string(scratch.path().join("Cargo.lock")).unwrap()
}

pub fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// `Cargo.lock` in the template. Cargo sorts packages by name, so the
/// project's own entry moves with its name: Liquid sorts the entries back
/// into place. `render` turns a piece of the lockfile into template text.
pub fn template_lock(lock: &str, render: impl Fn(&str) -> String) -> String {
    let Some(first) = lock.find(&format!("\n{PACKAGE}")) else {
        return render(lock);
    };
    let (header, packages) = lock.split_at(first);
    // Liquid sorts text, and versions do not sort as text (0.9 and 0.10):
    // the versions of one package stay together, in cargo's order, under a
    // heading of their own that the sort does not split at.
    let mut entries = packages.split(PACKAGE);
    let mut grouped = entries.next().unwrap_or_default().to_owned();
    let mut previous = None;
    for entry in entries {
        let name = entry.lines().nth(1).unwrap_or_default();
        grouped.push_str(if previous == Some(name) {
            SAME_NAME
        } else {
            PACKAGE
        });
        grouped.push_str(entry);
        previous = Some(name);
    }
    let captured = format!("{grouped}\n");
    let mut groups: Vec<&str> = captured.split(PACKAGE).collect();
    let in_cargo_order = groups.clone();
    groups.sort();
    if groups != in_cargo_order || packages.contains(SAME_NAME) {
        return render(lock);
    }
    format!(
        "{}{{% capture packages %}}{}\n{{% endcapture %}}\
         {{{{ packages | split: \"{PACKAGE}\" | sort | join: \"{PACKAGE}\" \
         | replace: \"{SAME_NAME}\", \"{PACKAGE}\" | rstrip }}}}\n",
        render(header),
        render(&grouped),
    )
}

/// Heads a version of the package the entry before it is a version of.
const SAME_NAME: &str = "[[package.same-name]]";
