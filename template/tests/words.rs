//! The generic files never name the todo. The todo list is one record on a
//! frame that keeps any record, and the frame is what a CLI made from this
//! one keeps as it is: a todo word in it is a place that still assumes the
//! todo, which a converter would have to find and change.
//!
//! The rules, which `scan` follows:
//!
//! - The generic files are every file under `GENERIC` but `RECORD_FILES`,
//!   the files that are the todo's own.
//! - A line is cut into words at every character that is not a letter or a
//!   digit (`_` too), and a word into its camelCase parts: `todo_json`,
//!   `TodoFields` and `JSONTodo` each hold the word `todo`.
//! - A part that is one of `WORDS`, whatever its case, is a hit.
//! - A line that declares one of `RECORD_FILES` as a module, or brings
//!   names in from it (`mod todo;`, `pub use todo::Todo;`), in a file of
//!   the same folder, is the record's own, as that file is: a converter
//!   changes or deletes the two together.
//! - Not words: the program's own name, in each spelling the template
//!   knows (`{{project-name}}`, `{{crate_name}}`, `{{project-name | shouty_snake_case}}`, `{{project-name | upper_camel_case}}`, ...), which a
//!   project generated under another name has in its place; and the
//!   `ALLOWED` names. Each only where it stands as a word, or as camelCase
//!   parts of one: `{{project-name | upper_camel_case}}App` and `COMPLETE_VAR` are spared, `COMPLETED`
//!   is not.
//!
//! Each hit is reported as `path:line: word`, and the test fails listing
//! them all.

#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

use std::fs;
use std::path::{Path, PathBuf};

/// The record's own files, under `GENERIC`: the only ones that may name
/// the todo. A new record's files go here as they are made.
const RECORD_FILES: &[&str] = &[
    "src/domain/todo.rs",
    "src/domain/title.rs",
    "src/adapters/json_file/todo.rs",
    "src/adapters/cli/args.rs",
    "src/adapters/cli/commands.rs",
    "src/adapters/cli/commands/edit.rs",
    "src/adapters/cli/render.rs",
    "src/app.rs",
    "src/lib.rs",
];

/// The folders and files that are generic, but for `RECORD_FILES`.
const GENERIC: &[&str] = &["src", "tests/faults", "tests/store_contract.rs"];

/// The todo's words. Not "completing": it is what a shell does to a word.
const WORDS: &[&str] = &[
    "todo",
    "todos",
    "done",
    "complete",
    "completed",
    "completes",
    "title",
    "titles",
    "description",
];

/// Names that other crates fix, which hold one of `WORDS` in another
/// sense. The shell completion's, from `clap_complete`: the crate, its
/// `CompleteEnv` and `.complete()`, and the variable it reads, `COMPLETE`
/// (this program's `{{project-name | shouty_snake_case}}_COMPLETE`, held in `COMPLETE_VAR`). The man
/// page's sections, from `clap_mangen`.
const ALLOWED: &[&str] = &[
    "clap_complete",
    "CompleteEnv",
    ".complete()",
    "COMPLETE",
    "render_title",
    "render_description_section",
];

/// A word of `WORDS` found in a file.
#[derive(Debug, PartialEq, Eq)]
struct Hit {
    line: usize,
    word: String,
}

/// The program's name as each place writes it: as it is, in Rust
/// identifiers, in constants and types, and as shell completions and man
/// pages escape it.
fn names(name: &str) -> Vec<String> {
    let snake = name.replace('-', "_");
    let camel: String = name
        .split(['-', '_'])
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect();
    vec![
        name.to_owned(),
        snake.to_uppercase(),
        snake,
        camel,
        name.replace('-', "__"),
        name.replace('-', "\\-"),
    ]
}

/// Whether `c` is part of a word: a letter or a digit.
fn word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether a word, or a camelCase part of one, ends between `before` and
/// `after`, the characters on either side (none at the line's ends).
fn boundary(before: Option<char>, after: Option<char>) -> bool {
    match (before, after) {
        (Some(b), Some(a)) if word_char(b) && word_char(a) => {
            a.is_uppercase() && (b.is_lowercase() || b.is_numeric())
        }
        _ => true,
    }
}

/// `line` with each of `phrases` blanked out where it stands as a word, or
/// as camelCase parts of one, so that its words are not read.
fn blank(line: &str, phrases: &[String]) -> String {
    let mut line = line.to_owned();
    for phrase in phrases.iter().filter(|p| !p.is_empty()) {
        let mut from = 0;
        while let Some(at) = line[from..].find(phrase.as_str()).map(|at| from + at) {
            let end = at + phrase.len();
            let starts = boundary(line[..at].chars().next_back(), phrase.chars().next());
            let ends = boundary(phrase.chars().next_back(), line[end..].chars().next());
            if starts && ends {
                line.replace_range(at..end, &" ".repeat(phrase.len()));
            }
            from = end;
        }
    }
    line
}

/// The words of `line`: its runs of letters and digits, each cut where a
/// capital begins a new part (`TodoFields`, `JSONTodo`).
fn words(line: &str) -> Vec<&str> {
    let mut words = Vec::new();
    for run in line
        .split(|c: char| !word_char(c))
        .filter(|r| !r.is_empty())
    {
        let chars: Vec<(usize, char)> = run.char_indices().collect();
        let mut start = 0;
        for (i, &(at, c)) in chars.iter().enumerate().skip(1) {
            let prev = chars[i - 1].1;
            let next = chars.get(i + 1).map(|&(_, n)| n);
            let starts_part = c.is_uppercase()
                && (prev.is_lowercase()
                    || prev.is_numeric()
                    || (prev.is_uppercase() && next.is_some_and(char::is_lowercase)));
            if starts_part {
                words.push(&run[start..at]);
                start = at;
            }
        }
        words.push(&run[start..]);
    }
    words
}

/// Whether `line` declares one of `modules`, or brings names in from it.
fn declares(line: &str, modules: &[&str]) -> bool {
    let line = line.trim_start();
    let line = line.strip_prefix("pub ").unwrap_or(line);
    modules.iter().any(|module| {
        line.trim_end() == format!("mod {module};") || line.starts_with(&format!("use {module}::"))
    })
}

/// The modules that `RECORD_FILES` are to a file at `path`: those in its
/// folder, by name.
fn own_modules(path: &str) -> Vec<&'static str> {
    modules_of(RECORD_FILES, path)
}

/// The modules that `files` are, in the folder of `path`.
fn modules_of(files: &[&'static str], path: &str) -> Vec<&'static str> {
    let folder = |file: &str| file.rsplit_once('/').map_or("", |(dir, _)| dir).to_owned();
    files
        .iter()
        .filter(|file| folder(file) == folder(path))
        .filter_map(|file| file.rsplit_once('/')?.1.strip_suffix(".rs"))
        .collect()
}

/// Every word of `WORDS` in `text`, by line, but on lines that declare
/// one of `modules`, and once the program's name (`name`) and the
/// `ALLOWED` names are set aside.
fn scan(text: &str, name: &str, modules: &[&str]) -> Vec<Hit> {
    let mut spared = names(name);
    spared.extend(ALLOWED.iter().map(|a| (*a).to_owned()));
    let mut hits = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if declares(line, modules) {
            continue;
        }
        let line = blank(line, &spared);
        for word in words(&line) {
            if WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)) {
                hits.push(Hit {
                    line: n + 1,
                    word: word.to_owned(),
                });
            }
        }
    }
    hits
}

/// Every file under `dir`, in order.
fn files_under(dir: &Path, found: &mut Vec<PathBuf>) {
    if dir.is_file() {
        found.push(dir.to_owned());
        return;
    }
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, found);
        } else {
            found.push(path);
        }
    }
}

/// The generic files, by their paths from the project's root.
fn generic_files(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for dir in GENERIC {
        files_under(&root.join(dir), &mut found);
    }
    found
        .iter()
        .map(|path| {
            let relative = path.strip_prefix(root).unwrap();
            let parts: Vec<_> = relative.iter().map(|p| p.to_string_lossy()).collect();
            parts.join("/")
        })
        .filter(|path| !RECORD_FILES.contains(&path.as_str()))
        .collect()
}

#[test]
fn generic_files_never_name_the_todo() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // A record file that is gone, and still listed, would spare a file
    // of the frame that takes its name later.
    let gone: Vec<&str> = (RECORD_FILES.iter().copied())
        .filter(|file| !root.join(file).is_file())
        .collect();
    assert!(
        gone.is_empty(),
        "RECORD_FILES lists files that are not there: {gone:?}"
    );
    let mut report = Vec::new();
    for path in generic_files(root) {
        let text = String::from_utf8_lossy(&fs::read(root.join(&path)).unwrap()).into_owned();
        for hit in scan(&text, env!("CARGO_PKG_NAME"), &own_modules(&path)) {
            report.push(format!("{path}:{}: {}", hit.line, hit.word));
        }
    }
    assert!(
        report.is_empty(),
        "{} todo words in generic files (tests/words.rs says which files are \
         generic and what is a word):\n{}",
        report.len(),
        report.join("\n")
    );
}

#[test]
fn the_record_files_are_under_the_generic_folders() {
    // A file listed by mistake elsewhere would spare nothing.
    for file in RECORD_FILES {
        assert!(
            GENERIC
                .iter()
                .any(|dir| file.starts_with(&format!("{dir}/"))),
            "{file} is not under {GENERIC:?}"
        );
    }
}

/// The words `scan` finds in `text`, by line, for a program named `name`.
fn hits(text: &str, name: &str) -> Vec<(usize, String)> {
    scan(text, name, &["todo", "title"])
        .into_iter()
        .map(|hit| (hit.line, hit.word))
        .collect()
}

fn owned(hits: &[(usize, &str)]) -> Vec<(usize, String)> {
    hits.iter().map(|&(n, w)| (n, w.to_owned())).collect()
}

#[test]
fn a_planted_word_is_found_in_any_case_and_any_identifier() {
    let text = "fn main() {\n\
                \x20   let todo_json = TodoFields::new(); // Done.\n\
                \x20   let JSONTitle = x.description;\n\
                \x20   sort(COMPLETED, completes);\n\
                }\n";
    assert_eq!(
        hits(text, "an-app"),
        owned(&[
            (2, "todo"),
            (2, "Todo"),
            (2, "Done"),
            (3, "Title"),
            (3, "description"),
            (4, "COMPLETED"),
            (4, "completes"),
        ])
    );
}

#[test]
fn words_that_only_contain_a_word_are_not_hits() {
    let text = "todos_list_x retitle undone completion completing todolist Subtitle";
    // `todos` is a part of `todos_list_x`; the rest are other words.
    assert_eq!(hits(text, "an-app"), owned(&[(1, "todos")]));
}

#[test]
fn the_programs_name_and_the_shell_completions_names_are_not_hits() {
    // A program whose very name holds a todo word.
    let name = "todo-app";
    let text = "use todo_app::x; TODO_APP_FILE; TodoAppRun; `todo-app add`\n\
                _todo__app; todo\\-app\n\
                clap_complete::CompleteEnv::with_factory(f).var(COMPLETE_VAR).complete();\n\
                TODO_APP_COMPLETE=bash todo-app; a `COMPLETE` set for another program\n";
    assert_eq!(hits(text, name), []);
    // Only where they stand alone: a word that begins with one is read.
    assert_eq!(
        hits("COMPLETED xclap_complete CompleteEnvy todo-apps", name),
        owned(&[
            (1, "COMPLETED"),
            (1, "complete"),
            (1, "Complete"),
            (1, "todo")
        ])
    );
    // Under another name, it is a todo word again.
    assert_eq!(hits("todo-app", "an-app"), owned(&[(1, "todo")]));
}

#[test]
fn the_lines_that_declare_the_records_modules_are_its_own() {
    let text = "mod list;\nmod todo;\npub mod title;\n\
                pub use title::{BlankTitle, Title};\nuse todo::Todo;\n\
                pub use list::Todo;\nmod todos;\n";
    assert_eq!(hits(text, "an-app"), owned(&[(6, "Todo"), (7, "todos")]));
    let files = ["src/domain/note.rs", "src/domain/pages.rs", "src/app.rs"];
    assert_eq!(modules_of(&files, "src/domain/mod.rs"), ["note", "pages"]);
    assert_eq!(modules_of(&files, "src/mod.rs"), ["app"]);
    assert_eq!(own_modules("src/adapters/git/mod.rs"), [] as [&str; 0]);
}
