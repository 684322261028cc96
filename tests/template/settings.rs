//! What cargo-generate reads from `template/` besides the files: the
//! placeholders and excludes in `cargo-generate.toml`, and the pre hook that
//! checks the name and makes values safe to write in `Cargo.toml`.

pub const HOOK_FILE: &str = "pre-hook.rhai";

/// What the template needs to know about the package, from its `Cargo.toml`.
pub struct Package {
    pub name: String,
    /// Unescaped, as cargo-generate's placeholder default holds it.
    pub description: Option<String>,
    pub authors: Option<String>,
    pub license: Option<String>,
    pub repository: Option<String>,
    /// The template's version, as `.template.toml` records it.
    pub version: String,
    /// Crate names of every dependency, build and dev ones included.
    pub dependencies: Vec<String>,
}

impl Package {
    /// Reads the few lines it needs; a `Cargo.toml` that spells them
    /// unusually is reported rather than misread.
    pub fn read(cargo_toml: &str) -> Self {
        let mut package = Package {
            name: String::new(),
            description: None,
            authors: None,
            license: None,
            repository: None,
            version: String::new(),
            dependencies: Vec::new(),
        };
        let mut section = "";
        for line in cargo_toml.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                section = line;
                if let Some(name) = line
                    .strip_suffix(']')
                    .and_then(|table| table.rsplit_once("dependencies."))
                {
                    package.dependencies.push(crate_name(name.1));
                }
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let (key, value) = (key.trim(), value.trim());
            if section == "[package]" {
                match key {
                    "name" => package.name = toml_string(value),
                    "description" => package.description = Some(toml_string(value)),
                    "authors" => package.authors = Some(single_author(value)),
                    "license" => package.license = Some(toml_string(value)),
                    "repository" => package.repository = Some(toml_string(value)),
                    "version" => package.version = toml_string(value),
                    _ => {}
                }
            } else if section.ends_with("dependencies]") && !key.starts_with('#') {
                let name = key.split('.').next().unwrap().trim_matches('"');
                package.dependencies.push(crate_name(name));
            }
        }
        assert!(!package.name.is_empty(), "Cargo.toml names no package");
        package.dependencies.sort();
        package.dependencies.dedup();
        package
    }
}

fn crate_name(package: &str) -> String {
    package.trim().replace('-', "_")
}

/// The value of a TOML basic string, for the escapes a description uses.
fn toml_string(value: &str) -> String {
    let inner = value
        .strip_prefix('"')
        .and_then(|value| value.strip_suffix('"'))
        .unwrap_or_else(|| panic!("Cargo.toml: expected a \"string\", found {value}"));
    let mut unescaped = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(escaped @ ('"' | '\\')) => unescaped.push(escaped),
                other => panic!("Cargo.toml: the template cannot carry the escape \\{other:?}"),
            }
        } else {
            unescaped.push(c);
        }
    }
    unescaped
}

fn single_author(value: &str) -> String {
    let inner = value
        .strip_prefix('[')
        .and_then(|value| value.strip_suffix(']'))
        .map(str::trim)
        .filter(|inner| !inner.contains("\","))
        .unwrap_or_else(|| panic!("Cargo.toml: expected one author, as [\"...\"], found {value}"));
    toml_string(inner)
}

/// A TOML basic string holding `text`.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A new project's description until its author gives one: true of any
/// project made from the template, whatever it comes to keep.
pub const DEFAULT_DESCRIPTION: &str = "A command-line tool that keeps its list safe in a JSON file";

/// The version a generated project starts at.
pub const FIRST_VERSION: &str = "0.1.0";

/// `Cargo.toml` or `Cargo.lock` with the package at `FIRST_VERSION`: the
/// `version` line that follows its name.
pub fn first_version(text: &str, package: &Package) -> String {
    let name = format!("name = {}\n", quoted(&package.name));
    let version = format!("version = {}\n", quoted(&package.version));
    let at = text
        .find(&format!("{name}{version}"))
        .unwrap_or_else(|| panic!("no {version:?} right after {name:?}"))
        + name.len();
    let mut first = text.to_owned();
    first.replace_range(
        at..at + version.len(),
        &format!("version = {}\n", quoted(FIRST_VERSION)),
    );
    first
}

/// The licenses a new project may choose, as `Cargo.toml` names them, and
/// the license file each one leaves out.
pub const LICENSES: &[(&str, &[&str])] = &[
    ("MIT OR Apache-2.0", &[]),
    ("MIT", &["LICENSE-APACHE"]),
    ("Apache-2.0", &["LICENSE-MIT"]),
];

/// `template/cargo-generate.toml`.
pub fn config(verbatim: &[String], package: &Package) -> String {
    let license = package.license.as_deref().unwrap_or(LICENSES[0].0);
    assert!(
        LICENSES.iter().any(|(choice, _)| *choice == license),
        "Cargo.toml: the template offers no license {license:?}"
    );
    let mut choices = vec![license];
    choices.extend(
        LICENSES
            .iter()
            .map(|(choice, _)| *choice)
            .filter(|c| *c != license),
    );
    let choices: Vec<String> = choices.iter().map(|choice| quoted(choice)).collect();
    let conditions: String = LICENSES
        .iter()
        .filter(|(_, left_out)| !left_out.is_empty())
        .map(|(choice, left_out)| {
            let files: Vec<String> = left_out.iter().map(|file| quoted(file)).collect();
            format!(
                "\n[conditional.'license == {}']\nignore = [{}]\n",
                quoted(choice),
                files.join(", ")
            )
        })
        .collect();
    let exclude: String = verbatim
        .iter()
        .map(|path| format!("    {},\n", quoted(&format!("/{}", glob_literal(path)))))
        .collect();
    format!(
        r#"# What `cargo generate` asks, and what it leaves as it is. Derived from the
# project by `TEMPLATE=overwrite cargo test --test template`: change
# tests/template/settings.rs, not this file.

[template]
# Binary files: Liquid reads text only, so these are copied as they are.
exclude = [
{exclude}]

[placeholders.description]
type = "string"
prompt = "What does it do, in one line?"
default = {description}

[placeholders.license]
type = "string"
prompt = "Which license?"
choices = [{choices}]
default = {license}

[placeholders.repository]
type = "string"
prompt = "Its GitHub repository, https://github.com/OWNER/NAME (blank: OWNER, to fill in)"
default = ""
{conditions}
[hooks]
pre = ["{HOOK_FILE}"]
"#,
        description = quoted(DEFAULT_DESCRIPTION),
        choices = choices.join(", "),
        license = quoted(license),
    )
}

/// Where a generated project records what it was generated from, for
/// `scripts/update-from-template`.
pub const ANSWERS_FILE: &str = ".template.toml";

/// `template/.template.toml`: the template's address and version, and the
/// answers given, in the form `cargo generate --template-values-file` reads.
pub fn answers(package: &Package) -> String {
    let source = package
        .repository
        .as_deref()
        .expect("Cargo.toml: a template needs its repository to be updated from");
    format!(
        r#"# The template this project was generated from, and the answers it was
# generated with. `scripts/update-from-template` renders that version and a
# later one with these answers, and merges the difference into the project.
# Keep it in git; the update changes the version.

[template]
repository = {source}
version = {version}
name = "{{{{project-name}}}}"

[values]
description = "{{{{description}}}}"
license = "{{{{license}}}}"
repository = "{{{{repository}}}}"
authors = "{{{{authors}}}}"
"#,
        source = quoted(source),
        version = quoted(&package.version),
    )
}

/// A gitignore pattern matching exactly `path`.
fn glob_literal(path: &str) -> String {
    let mut literal = String::new();
    for c in path.chars() {
        if "\\*?[]{}!#".contains(c) {
            literal.push('\\');
        }
        literal.push(c);
    }
    literal
}

/// `template/pre-hook.rhai`: runs once the name and placeholders are known,
/// before any file is rendered.
pub fn pre_hook(package: &Package) -> String {
    let dependencies = rhai_list(&package.dependencies);
    format!(
        r#"// Refuses a name that cannot name this crate and its binary, and makes
// the values safe to write in Cargo.toml. Derived from the project by
// `TEMPLATE=overwrite cargo test --test template`: change
// tests/template/settings.rs, not this file.

let name = variable::get("project-name");
let crate_name = variable::get("crate_name");

let letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
let allowed = letters + "0123456789-_";
// Rust's keywords, and the crates every Rust program can already name.
let taken_by_rust = {keywords};
// The crates this project uses: its own library would hide them.
let dependencies = {dependencies};
// What cargo builds in, next to the binaries.
let build_folders = ["build", "deps", "examples", "incremental"];
// Names Windows gives no file.
let windows = {windows};

fn refuse(name, why) {{
    abort(`"${{name}}" cannot name this project: ${{why}}`);
}}

if name == "" || !letters.contains(name[0]) {{
    refuse(name, "it must start with a letter");
}}
for c in name.chars() {{
    if !allowed.contains(c) {{
        refuse(name, "use only ASCII letters, digits, - and _");
    }}
}}
if taken_by_rust.contains(crate_name) {{
    refuse(name, `Rust already means something by ${{crate_name}}`);
}}
if dependencies.contains(crate_name) {{
    refuse(name, `the project depends on a crate called ${{crate_name}}`);
}}
if build_folders.contains(name.to_lower()) {{
    refuse(name, "cargo keeps a folder of that name beside the binaries");
}}
if windows.contains(name.to_lower()) {{
    refuse(name, "Windows cannot name a file that way");
}}

fn one_line(what, text) {{
    for c in text.chars() {{
        if c.to_int() < 32 || c.to_int() == 127 {{
            abort(`the ${{what}} must be one line of text`);
        }}
    }}
}}

// The description is the command's `about`, shown as typed in --help, in
// the man page, in docs, and in Cargo.toml's "...".
let description = variable::get("description");
one_line("description", description);
if description.contains('"') || description.contains('\\') {{
    abort("the description must not hold \" or \\");
}}
if description.len() > 80 {{
    abort("the description must fit in 80 characters");
}}

// Cargo.toml holds the authors in "...": escape what TOML would read otherwise.
fn toml_string(text) {{
    text.replace("\\", "\\\\");
    text.replace("\"", "\\\"");
    text
}}

// The repository, in Cargo.toml and the install commands.
let repository = variable::get("repository");
repository.trim();
if repository == "" {{
    repository = `https://github.com/OWNER/${{name}}`;
}}
one_line("repository", repository);
// The release workflow publishes binaries to the repository's GitHub releases.
if !repository.starts_with("https://github.com/") || repository.contains('"')
    || repository.contains('\\') || repository.contains(' ') {{
    abort("the repository must be a GitHub address, https://github.com/OWNER/NAME, without spaces");
}}
variable::set("repository", repository);

let authors = variable::get("authors");
authors.trim();
if authors == "" {{
    authors = `The ${{name}} developers`;
}}
one_line("authors", authors);
variable::set("authors", toml_string(authors));
"#,
        keywords = rhai_list(&words(RUST_NAMES)),
        windows = rhai_list(&words(WINDOWS_NAMES)),
    )
}

/// Rust's keywords, reserved ones included, and the crates of its toolchain.
const RUST_NAMES: &str = "
    abstract alloc as async await become box break const continue core crate do dyn else
    enum extern false final fn for gen if impl in let loop macro match mod move mut override
    priv proc_macro pub ref return self static std struct super test trait true try type
    typeof union unsafe unsized use virtual where while yield Self
";

/// Device names Windows reserves in every folder.
const WINDOWS_NAMES: &str = "
    con prn aux nul com1 com2 com3 com4 com5 com6 com7 com8 com9
    lpt1 lpt2 lpt3 lpt4 lpt5 lpt6 lpt7 lpt8 lpt9
";

fn words(list: &str) -> Vec<String> {
    list.split_whitespace().map(str::to_owned).collect()
}

/// A Rhai array of strings, wrapped to fit 80 columns.
fn rhai_list(names: &[String]) -> String {
    let mut list = String::from("[");
    let mut line = String::new();
    for name in names {
        let item = format!("{},", quoted(name));
        if !line.is_empty() && line.len() + 1 + item.len() > 76 {
            list.push_str(&format!("\n    {line}"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&item);
    }
    if !line.is_empty() {
        list.push_str(&format!("\n    {line}"));
    }
    list.push_str("\n]");
    list
}
