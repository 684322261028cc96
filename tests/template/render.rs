//! Generating projects from the template with cargo-generate, and comparing
//! trees of files.
//!
//! cargo-generate refuses to run without a user name in the environment
//! (`USER`, `CARGO_NAME`, ...), and a test may not change its own environment,
//! so every generation runs in a child process, this test binary again, with
//! an environment made for it.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use cargo_generate::{GenerateArgs, TemplatePath, Vcs};

use super::derive::{Files, text};

/// The test the child runs (in tests/template.rs), and the variables that
/// tell it what to do.
const CHILD_TEST: &str = "generate_in_child_process";
const SOURCE: &str = "TEMPLATE_TEST_SOURCE";
const NAME: &str = "TEMPLATE_TEST_NAME";
const INTO: &str = "TEMPLATE_TEST_INTO";
const DEFINES: &str = "TEMPLATE_TEST_DEFINES";

/// Where cargo-generate looks for who is generating, and for preset values.
const AUTHOR_VARIABLES: &[&str] = &[
    "CARGO_NAME",
    "CARGO_EMAIL",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "USER",
    "USERNAME",
    "NAME",
    "EMAIL",
];

/// One `cargo generate --path <source> --name <name> --silent`.
pub struct Generation<'a> {
    pub name: &'a str,
    /// `--define key=value`
    pub defines: &'a [&'a str],
    /// The environment cargo-generate sees, besides PATH and the like: the
    /// user name variables are all unset unless given here.
    pub env: &'a [(&'a str, &'a str)],
}

impl Generation<'_> {
    /// Generates into `into`, returning the project's folder, or what
    /// cargo-generate said when it refused.
    pub fn run(&self, source: &Path, into: &Path) -> Result<PathBuf, String> {
        let mut child = Command::new(std::env::current_exe().unwrap());
        child
            .args([CHILD_TEST, "--exact", "--ignored", "--nocapture"])
            .args(["--test-threads", "1"])
            .current_dir(into)
            .env(SOURCE, source)
            .env(NAME, self.name)
            .env(INTO, into)
            .env(DEFINES, self.defines.join("\n"));
        for variable in AUTHOR_VARIABLES {
            child.env_remove(variable);
        }
        for (variable, _) in std::env::vars_os() {
            if variable.to_string_lossy().starts_with("CARGO_GENERATE") {
                child.env_remove(variable);
            }
        }
        child.envs(self.env.iter().copied());
        let output = child.output().unwrap();
        if output.status.success() {
            Ok(into.join(self.name))
        } else {
            Err(format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    }
}

/// The child's side: the generation `Generation::run` asked for.
pub fn generate_as_asked() {
    let Some(name) = std::env::var_os(NAME) else {
        return; // run by hand: nothing was asked
    };
    let into = PathBuf::from(std::env::var_os(INTO).unwrap());
    // An empty settings file, so a personal $CARGO_HOME/cargo-generate.toml
    // with favorites or preset values cannot change what is generated.
    let settings = into.join("cargo-generate-settings.toml");
    std::fs::write(&settings, "").unwrap();
    let defines = std::env::var(DEFINES).unwrap();
    let generated = cargo_generate::generate(GenerateArgs {
        template_path: TemplatePath {
            path: Some(std::env::var(SOURCE).unwrap()),
            ..TemplatePath::default()
        },
        name: Some(name.into_string().unwrap()),
        destination: Some(into),
        define: defines.lines().map(str::to_owned).collect(),
        config: Some(settings),
        silent: true,
        quiet: true,
        vcs: Some(Vcs::None),
        no_workspace: true,
        ..GenerateArgs::default()
    });
    if let Err(error) = generated {
        panic!("cargo-generate refused: {error:#}");
    }
}

/// Every file under `dir`, by its path relative to `dir`.
pub fn read_tree(dir: &Path) -> Files {
    fn walk(dir: &Path, prefix: &str, files: &mut Files) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            let path = format!("{prefix}{name}");
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &format!("{path}/"), files);
            } else {
                files.insert(path, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    let mut files = Files::new();
    walk(dir, "", &mut files);
    files
}

/// Which of `files`, under `dir`, may be run; `None` where the file system
/// does not say (Windows).
pub fn executables(dir: &Path, files: &Files) -> Option<BTreeSet<String>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let runnable = |path: &&String| {
            let mode = std::fs::metadata(dir.join(path))
                .unwrap()
                .permissions()
                .mode();
            mode & 0o111 != 0
        };
        Some(files.keys().filter(runnable).cloned().collect())
    }
    #[cfg(not(unix))]
    {
        let _ = (dir, files);
        None
    }
}

/// What differs between two trees, as a report naming each file, with a
/// diff of each text file; `None` when they are the same byte for byte.
pub fn differences(expected: (&str, &Files), found: (&str, &Files)) -> Option<String> {
    let ((expected_label, expected), (found_label, found)) = (expected, found);
    let mut report = String::new();
    for path in expected.keys().filter(|path| !found.contains_key(*path)) {
        writeln!(
            report,
            "{path}: in {expected_label}, missing from {found_label}"
        )
        .unwrap();
    }
    for path in found.keys().filter(|path| !expected.contains_key(*path)) {
        writeln!(report, "{path}: in {found_label}, not in {expected_label}").unwrap();
    }
    for (path, want) in expected {
        let Some(got) = found.get(path).filter(|got| *got != want) else {
            continue;
        };
        match (text(want), text(got)) {
            (Some(want), Some(got)) => {
                let diff = similar::TextDiff::from_lines(want, got);
                let mut unified = diff.unified_diff();
                unified.context_radius(2).header(
                    &format!("{expected_label}/{path}"),
                    &format!("{found_label}/{path}"),
                );
                write!(report, "{unified}").unwrap();
            }
            _ => writeln!(report, "{path}: the bytes differ").unwrap(),
        }
    }
    (!report.is_empty()).then_some(report)
}
