//! `template/` is the `cargo generate` template of this very project, derived
//! from it, and these tests keep the two from drifting apart:
//!
//! - the template rendered under this project's name is this project, byte
//!   for byte, less its root-only parts (below) and the lockfile entries only
//!   they need;
//! - a project generated under another name builds and passes its own tests.
//!
//! `TEMPLATE=overwrite cargo test --test template` regenerates `template/`
//! from the files git tracks (`git add` a new file first). Left out: the
//! template machinery (`cargo-generate.toml`, `template/`, `.ci/`, this test)
//! and every line from a comment starting `BEGIN root-only` to one starting
//! `END root-only`. The name becomes a placeholder in each spelling
//! (`my-todo`, `my_todo`, `MY_TODO`, `MyTodo`, and `my__todo` and `my\-todo`
//! as shell completions and man pages write it), and so do the description
//! and the authors from `Cargo.toml`, wherever they appear.

#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

#[path = "template/derive.rs"]
mod derive;
#[path = "template/lock.rs"]
mod lock;
#[path = "template/render.rs"]
mod render;
#[path = "template/settings.rs"]
mod settings;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use derive::{Files, Names};
use render::{Generation, differences, executables, read_tree};
use settings::Package;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What `cargo generate --path` is given: this checkout, once `template/` is
/// up to date if this run regenerates it.
fn checkout() -> &'static Path {
    derived();
    root()
}

/// The project as a generated project would be, and the template derived
/// from it. With `TEMPLATE=overwrite`, `template/` is rewritten first, once.
struct Derived {
    project: Files,
    package: Package,
    template: Files,
    /// Files to be left executable, by their paths in the project and in the template.
    executable: BTreeSet<String>,
    template_executable: BTreeSet<String>,
}

fn derived() -> &'static Derived {
    static DERIVED: OnceLock<Derived> = OnceLock::new();
    DERIVED.get_or_init(|| {
        let derived = derive_template();
        if std::env::var_os("TEMPLATE").is_some_and(|mode| mode == "overwrite") {
            write_template(&derived.template, &derived.template_executable);
        }
        derived
    })
}

fn derive_template() -> Derived {
    let (mut project, executable) = derive::project_files(root());
    let lock = lock::project_lock(&project, root());
    project.insert("Cargo.lock".to_owned(), lock.into_bytes());

    let cargo_toml = derive::text(&project["Cargo.toml"]).unwrap();
    let package = Package::read(cargo_toml);
    // A new project starts at its own first version, whatever the template's.
    for file in ["Cargo.toml", "Cargo.lock"] {
        let text = derive::text(&project[file]).unwrap();
        let first = settings::first_version(text, &package);
        project.insert(file.to_owned(), first.into_bytes());
    }
    let names = Names::of(&package);
    let template_executable = executable
        .iter()
        .map(|path| names.template_path(path))
        .collect();
    let render = |text: &str| names.template_text(text);
    let mut template = Files::new();
    let mut verbatim = Vec::new();
    for (path, bytes) in &project {
        let template_path = names.template_path(path);
        let rendered = match (path.as_str(), derive::text(bytes)) {
            (_, None) => {
                verbatim.push(template_path.clone());
                bytes.clone()
            }
            ("Cargo.lock", Some(text)) => lock::template_lock(text, render).into_bytes(),
            (_, Some(text)) => render(text).into_bytes(),
        };
        template.insert(template_path, rendered);
    }
    let cargo_toml = String::from_utf8_lossy(&template["Cargo.toml"]);
    for (value, placeholder) in [
        (&package.description, "{{description}}"),
        (&package.authors, "{{authors}}"),
        (&package.license, "{{license}}"),
        (&package.repository, "{{repository}}"),
    ] {
        assert!(
            value.is_none() || cargo_toml.contains(placeholder),
            "Cargo.toml: the template cannot find {value:?} to make it {placeholder}"
        );
    }
    for (path, contents) in [
        ("cargo-generate.toml", settings::config(&verbatim, &package)),
        (settings::HOOK_FILE, settings::pre_hook(&package)),
        (settings::ANSWERS_FILE, settings::answers(&package)),
    ] {
        let clash = template.insert(path.to_owned(), contents.into_bytes());
        assert!(
            clash.is_none(),
            "{path}: the template needs this name itself"
        );
    }
    Derived {
        project,
        package,
        template,
        executable,
        template_executable,
    }
}

fn write_template(template: &Files, executable: &BTreeSet<String>) {
    let dir = root().join("template");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    for (path, bytes) in template {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, bytes).unwrap();
        #[cfg(unix)]
        if executable.contains(path) {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    #[cfg(not(unix))]
    let _ = executable;
}

const REGENERATE: &str = "TEMPLATE=overwrite cargo test --test template";

#[test]
fn template_is_derived_from_the_project() {
    let derived = derived();
    let on_disk = read_tree(&root().join("template"));
    if let Some(report) = differences(("derived", &derived.template), ("template", &on_disk)) {
        panic!("template/ is out of date; `{REGENERATE}` regenerates it.\n\n{report}");
    }
    if let Some(found) = executables(&root().join("template"), &on_disk) {
        assert_eq!(
            found, derived.template_executable,
            "template/ has other executable files than the project; `{REGENERATE}`"
        );
    }
}

#[test]
fn rendered_under_the_project_name_the_template_is_the_project() {
    let derived = derived();
    let scratch = tempfile::tempdir().unwrap();
    // The project's own authors and description, where a new project takes
    // the environment's and a default.
    let defines: Vec<String> = [
        ("authors", &derived.package.authors),
        ("description", &derived.package.description),
        ("license", &derived.package.license),
        ("repository", &derived.package.repository),
    ]
    .into_iter()
    .filter_map(|(key, value)| Some(format!("{key}={}", value.as_ref()?)))
    .collect();
    let generated = Generation {
        name: &derived.package.name,
        defines: &defines.iter().map(String::as_str).collect::<Vec<_>>(),
        env: &[("USER", "someone")],
    }
    .run(checkout(), scratch.path())
    .unwrap_or_else(|refusal| panic!("{refusal}"));
    let mut rendered = read_tree(&generated);
    // What only a generated project has: what it was generated from.
    let answers = rendered.remove(settings::ANSWERS_FILE).unwrap();
    let answers = String::from_utf8(answers).unwrap();
    for line in [
        format!("version = \"{}\"", derived.package.version),
        format!("name = \"{}\"", derived.package.name),
    ] {
        assert!(answers.contains(&line), "{answers}");
    }
    if let Some(report) = differences(("project", &derived.project), ("rendered", &rendered)) {
        panic!(
            "The template does not render back into the project: \
             `{REGENERATE}` regenerates it.\n\n{report}"
        );
    }
    if let Some(found) = executables(&generated, &rendered) {
        assert_eq!(found, derived.executable, "executable files, rendered");
    }
}

/// The name a project is generated under, in the tests below.
const OTHER_NAME: &str = "acme-notes";
/// Its description: shown in --help and man pages, with their escapes.
const OTHER_DESCRIPTION: &str = "Notes for the terminal, in plain-text files";

#[test]
fn a_project_generated_under_another_name_passes_its_own_tests() {
    let derived = derived();
    let scratch = tempfile::tempdir().unwrap();
    let generated = Generation {
        name: OTHER_NAME,
        defines: &[&format!("description={OTHER_DESCRIPTION}")],
        env: &[
            ("CARGO_NAME", "Ada Lovelace"),
            ("CARGO_EMAIL", "ada@example.org"),
        ],
    }
    .run(checkout(), scratch.path())
    .unwrap_or_else(|refusal| panic!("{refusal}"));
    let files = read_tree(&generated);

    let names = Names::of(&derived.package);
    // Only the address of the template it came from may name the template.
    let answers = String::from_utf8(files[settings::ANSWERS_FILE].clone()).unwrap();
    let template_address = format!(
        "repository = \"{}\"\n",
        derived.package.repository.as_deref().unwrap()
    );
    assert!(answers.contains(&template_address), "{answers}");
    assert!(!names.appears_in(answers.replace(&template_address, "").as_bytes()));
    assert!(
        answers.contains(&format!("name = \"{OTHER_NAME}\"")),
        "{answers}"
    );
    let leftovers: Vec<String> = files
        .iter()
        .filter(|(path, _)| *path != settings::ANSWERS_FILE)
        .filter(|(path, bytes)| names.appears_in(path.as_bytes()) || names.appears_in(bytes))
        .map(|(path, _)| path.clone())
        .collect();
    assert!(
        leftovers.is_empty(),
        "the old name is left in {leftovers:?}"
    );
    let file = |path: &str| String::from_utf8(files[path].clone()).unwrap();
    assert!(file("README.md").starts_with(&format!("# {OTHER_NAME}\n")));
    assert!(file("tests/cmd/add.md").contains(&format!("$ {OTHER_NAME} add ")));
    let cargo_toml = file("Cargo.toml");
    assert!(cargo_toml.contains(&format!("name = \"{OTHER_NAME}\"")));
    assert!(cargo_toml.contains(&format!("description = \"{OTHER_DESCRIPTION}\"")));
    assert!(cargo_toml.contains("authors = [\"Ada Lovelace <ada@example.org>\"]"));
    assert!(cargo_toml.contains("license = \"MIT OR Apache-2.0\""));
    assert!(cargo_toml.contains("repository = \"https://github.com/OWNER/acme-notes\""));
    assert!(file("LICENSE-MIT").contains("Copyright (c) Ada Lovelace <ada@example.org>\n"));
    assert!(file("LICENSE-APACHE").contains("Apache License"));

    // Its own checks, with the dependencies already built for this project.
    // Without --locked, cargo would rewrite a lockfile that is incomplete or
    // out of its order: the file must come out as it went in.
    let lock_before = files["Cargo.lock"].clone();
    run_in(&generated, &["fmt", "--check"]);
    run_in(&generated, &["test", "--offline"]);
    let lock_after = std::fs::read(generated.join("Cargo.lock")).unwrap();
    assert!(
        lock_before == lock_after,
        "cargo rewrote the generated Cargo.lock:\n{}",
        differences(
            (
                "generated",
                &Files::from([("Cargo.lock".into(), lock_before)])
            ),
            (
                "after cargo test",
                &Files::from([("Cargo.lock".into(), lock_after)])
            )
        )
        .unwrap_or_default()
    );
}

/// Runs cargo in the generated project, sharing this build's target folder.
fn run_in(project: &Path, args: &[&str]) {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap();
    let mut cargo = Command::new(lock::cargo());
    cargo
        .args(args)
        .current_dir(project)
        .env("CARGO_TARGET_DIR", target);
    // What this run was asked to do is not for the project under test: it
    // must not rewrite its docs or snapshots, nor see this package's metadata.
    for (variable, _) in std::env::vars() {
        let inherited = ["TEMPLATE", "TRYCMD", "SNAPSHOTS"].contains(&variable.as_str())
            || [
                "INSTA_",
                "CARGO_PKG_",
                "CARGO_MANIFEST_",
                "CARGO_BIN_",
                "CARGO_CRATE_",
            ]
            .iter()
            .any(|prefix| variable.starts_with(prefix));
        if inherited {
            cargo.env_remove(variable);
        }
    }
    let output = cargo.output().unwrap();
    assert!(
        output.status.success(),
        "`cargo {}` failed in the generated project {}:\n{}\n{}",
        args.join(" "),
        project.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}

#[test]
fn names_that_cannot_name_the_crate_are_refused() {
    let scratch = tempfile::tempdir().unwrap();
    let refused = [
        ("2do", "must start with a letter"),
        ("fn", "Rust already means something by fn"),
        ("test", "Rust already means something by test"),
        ("serde", "the project depends on a crate called serde"),
        (
            "serde-json",
            "the project depends on a crate called serde_json",
        ),
        ("deps", "cargo keeps a folder of that name"),
        ("con", "Windows cannot name a file that way"),
    ];
    for (name, why) in refused {
        let attempt = Generation {
            name,
            defines: &[],
            env: &[("USER", "someone")],
        }
        .run(checkout(), scratch.path());
        match attempt {
            Ok(_) => panic!("{name:?} was accepted"),
            Err(refusal) => assert!(refusal.contains(why), "{name:?}: {refusal}"),
        }
    }
}

#[test]
fn blank_authors_and_no_description_fall_back_to_words_for_any_project() {
    let scratch = tempfile::tempdir().unwrap();
    let generated = Generation {
        name: OTHER_NAME,
        defines: &[],
        // Set, but blank: cargo-generate takes it, and the hook falls back.
        env: &[("USER", " ")],
    }
    .run(checkout(), scratch.path())
    .unwrap_or_else(|refusal| panic!("{refusal}"));
    let cargo_toml = std::fs::read_to_string(generated.join("Cargo.toml")).unwrap();
    let fallback = format!("authors = [\"The {OTHER_NAME} developers\"]");
    assert!(cargo_toml.contains(&fallback), "{cargo_toml}");
    let description = format!("description = \"{}\"", settings::DEFAULT_DESCRIPTION);
    assert!(cargo_toml.contains(&description), "{cargo_toml}");
}

#[test]
fn authors_are_escaped_and_descriptions_kept_plain() {
    let scratch = tempfile::tempdir().unwrap();
    let generated = Generation {
        name: OTHER_NAME,
        defines: &[],
        env: &[("CARGO_NAME", r#"Ada "Countess" \ Lovelace"#)],
    }
    .run(checkout(), scratch.path())
    .unwrap_or_else(|refusal| panic!("{refusal}"));
    let cargo_toml = std::fs::read_to_string(generated.join("Cargo.toml")).unwrap();
    let escaped = r#"authors = ["Ada \"Countess\" \\ Lovelace"]"#;
    assert!(cargo_toml.contains(escaped), "{cargo_toml}");

    let attempt = Generation {
        name: "acme-elsewhere",
        defines: &["repository=https://example.org/acme/notes"],
        env: &[("USER", "someone")],
    }
    .run(checkout(), scratch.path());
    match attempt {
        Ok(_) => panic!("a repository outside GitHub was accepted"),
        Err(refusal) => assert!(refusal.contains("must be a GitHub address"), "{refusal}"),
    }

    for (name, description, why) in [
        ("acme-quoted", r#"Say "hi""#, "must not hold"),
        (
            "acme-long",
            &"long ".repeat(20),
            "must fit in 80 characters",
        ),
    ] {
        let attempt = Generation {
            name,
            defines: &[&format!("description={description}")],
            env: &[("USER", "someone")],
        }
        .run(checkout(), scratch.path());
        match attempt {
            Ok(_) => panic!("{description:?} was accepted"),
            Err(refusal) => assert!(refusal.contains(why), "{description:?}: {refusal}"),
        }
    }
}

/// A generated project follows its template: `scripts/update-from-template`
/// merges what a later version of the template changed into what the
/// project changed, and leaves a line both changed as a git conflict.
#[cfg(unix)]
#[test]
fn an_update_from_the_template_keeps_the_projects_changes_and_brings_the_templates() {
    let derived = derived();
    let scratch = tempfile::tempdir().unwrap();
    let git = |dir: &Path, args: &[&str]| {
        let out = Command::new("git")
            .args([
                "-c",
                "user.name=Tester",
                "-c",
                "user.email=tester@example.org",
            ])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let edit = |file: &Path, from: &str, to: &str| {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.contains(from), "{}: no {from:?}", file.display());
        std::fs::write(file, text.replacen(from, to, 1)).unwrap();
    };

    // The template's repository at its current version, tagged as released.
    let upstream = scratch.path().join("upstream");
    let mut files = read_tree(&checkout().join("template"));
    files = files
        .into_iter()
        .map(|(path, bytes)| (format!("template/{path}"), bytes))
        .collect();
    let config = std::fs::read(root().join("cargo-generate.toml")).unwrap();
    files.insert("cargo-generate.toml".into(), config);
    for (path, bytes) in &files {
        let into = upstream.join(path);
        std::fs::create_dir_all(into.parent().unwrap()).unwrap();
        std::fs::write(&into, bytes).unwrap();
        if let Some(template_path) = path.strip_prefix("template/")
            && derived.template_executable.contains(template_path)
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&into, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    let release = |version: &str| {
        git(&upstream, &["add", "--all"]);
        git(&upstream, &["commit", "--quiet", "-m", version]);
        git(&upstream, &["tag", &format!("v{version}")]);
    };
    git(&upstream, &["init", "--quiet"]);
    release(&derived.package.version);

    // A project made from it, which changes its README's last line.
    let generated = Generation {
        name: OTHER_NAME,
        defines: &["license=MIT", "repository=https://github.com/acme/notes"],
        env: &[("CARGO_NAME", "Ada Lovelace")],
    }
    .run(&upstream, &{
        let projects = scratch.path().join("projects");
        std::fs::create_dir(&projects).unwrap();
        projects
    })
    .unwrap_or_else(|refusal| panic!("{refusal}"));
    let readme = generated.join("README.md");
    let last_line = std::fs::read_to_string(&readme)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_owned();
    edit(
        &readme,
        &last_line,
        &format!("{last_line}\n\nOur own notes."),
    );
    git(&generated, &["init", "--quiet"]);
    git(&generated, &["add", "--all"]);
    git(&generated, &["commit", "--quiet", "-m", "Our project"]);

    // The template's next version changes the README's first paragraph.
    let template_readme = upstream.join("template/README.md");
    edit(&template_readme, "\n\nA ", "\n\nNow updated. A ");
    let answers = upstream.join("template").join(settings::ANSWERS_FILE);
    edit(&answers, &derived.package.version, "99.0.0");
    release("99.0.0");

    // cargo-generate's own command line, from the library these tests use.
    let cargo_generate = scratch.path().join("cargo-generate");
    std::fs::write(
        &cargo_generate,
        format!(
            "#!/bin/sh\nTEMPLATE_TEST_COMMAND_LINE=\"$(printf '%s\\n' \"$@\")\" exec '{}' {} --exact --ignored --nocapture\n",
            std::env::current_exe().unwrap().display(),
            "cargo_generate_command_line",
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &cargo_generate,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let update = |args: &[&str]| {
        Command::new(generated.join("scripts/update-from-template"))
            .args(["--template".as_ref(), upstream.as_os_str()])
            .args(args)
            .current_dir(&generated)
            .env("CARGO_GENERATE", &cargo_generate)
            .env("USER", "someone-else")
            .env("GIT_AUTHOR_NAME", "Tester")
            .env("GIT_AUTHOR_EMAIL", "tester@example.org")
            .env("GIT_COMMITTER_NAME", "Tester")
            .env("GIT_COMMITTER_EMAIL", "tester@example.org")
            .output()
            .unwrap()
    };
    let out = update(&[]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{said}");

    let readme_now = std::fs::read_to_string(&readme).unwrap();
    assert!(
        readme_now.contains("\n\nNow updated. A "),
        "the template's change:\n{readme_now}"
    );
    assert!(
        readme_now.ends_with("\n\nOur own notes.\n"),
        "the project's change:\n{readme_now}"
    );
    let answers_now = std::fs::read_to_string(generated.join(settings::ANSWERS_FILE)).unwrap();
    assert!(
        answers_now.contains("version = \"99.0.0\""),
        "{answers_now}"
    );
    // Rendered with the answers it was made with, not the environment's.
    let cargo_toml = std::fs::read_to_string(generated.join("Cargo.toml")).unwrap();
    assert!(
        cargo_toml.contains("authors = [\"Ada Lovelace\"]"),
        "{cargo_toml}"
    );
    assert!(cargo_toml.contains("license = \"MIT\""), "{cargo_toml}");
    assert!(!generated.join("LICENSE-APACHE").exists());
    assert_eq!(git(&generated, &["status", "--porcelain"]), "");
    assert_eq!(
        git(&generated, &["log", "-1", "--format=%s"]).trim(),
        format!(
            "Update from the template's v{} to v99.0.0",
            derived.package.version
        )
    );
    let out = update(&[]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Already at the template's v99.0.0"));

    // A line changed on both sides is a conflict, as git shows any other.
    edit(&readme, "Now updated. A ", "Ours. A ");
    git(
        &generated,
        &["commit", "--quiet", "--all", "-m", "Our words"],
    );
    edit(&template_readme, "Now updated. A ", "Theirs. A ");
    release("99.1.0");
    let out = update(&[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        git(&generated, &["diff", "--name-only", "--diff-filter=U"]),
        "README.md\n"
    );
    let conflicted = std::fs::read_to_string(&readme).unwrap();
    assert!(
        conflicted.contains("<<<<<<<")
            && conflicted.contains("Ours. A ")
            && conflicted.contains("Theirs. A ")
    );
}

/// `cargo generate` as the update script runs it, in a process of its own.
#[test]
#[ignore = "run by the update test, as cargo-generate"]
fn cargo_generate_command_line() {
    use clap::Parser as _;
    let Some(line) = std::env::var_os("TEMPLATE_TEST_COMMAND_LINE") else {
        return; // run by hand: nothing was asked
    };
    let line = line.into_string().unwrap();
    let words = ["cargo", "generate"].into_iter().chain(line.lines());
    let cargo_generate::Cli::Generate(args) = cargo_generate::Cli::parse_from(words);
    cargo_generate::generate(args).unwrap();
}

/// The generation a test asked for, run in a child process: see `render`.
#[test]
#[ignore = "run by the other tests, in a process of its own"]
fn generate_in_child_process() {
    render::generate_as_asked();
}
