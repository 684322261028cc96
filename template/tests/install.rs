//! The README's install lines, run as pasted into a fresh account: a
//! temporary HOME, with `{{project-name}}` in `~/.cargo/bin` as `cargo install`
//! leaves it, and nothing else of the caller's. Then completion, as the
//! real bash (with bash-completion), fish and zsh load it from there.

#![cfg(target_os = "linux")] // bash and man-db, as on a Linux account
#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use tempfile::TempDir;
use vocabulary::{FILE, LIST, NUMBERED, REMOVE, UNDO};

#[path = "vocabulary/mod.rs"]
mod vocabulary;

/// The text of the `n`th record a list of `Account::list` holds.
fn text(n: usize) -> String {
    format!("Errand {n}")
}

/// A command line of the program, quoted for a shell.
fn line(args: &[&str]) -> String {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    format!("{{project-name}} {}", quoted.join(" "))
}

/// The lines of the README's block after `heading`, comments and all.
fn block_after(readme: &str, heading: &str) -> Vec<String> {
    let after = &readme[readme.find(heading).expect("the heading is there")..];
    let start = after.find("```sh\n").unwrap() + "```sh\n".len();
    let end = start + after[start..].find("```").unwrap();
    after[start..end].lines().map(str::to_owned).collect()
}

/// A fresh account: a HOME with the program in `~/.cargo/bin`, and the
/// README's completion and manual lines run in it.
struct Account {
    home: TempDir,
}

impl Account {
    fn new() -> Self {
        let account = Self {
            home: tempfile::tempdir().unwrap(),
        };
        let bin = account.home.path().join(".cargo/bin");
        fs::create_dir_all(&bin).unwrap();
        let installed = bin.join(env!("CARGO_PKG_NAME"));
        fs::copy(env!("CARGO_BIN_EXE_{{project-name}}"), &installed).unwrap();
        // A process another test forked while the copy was being written
        // holds it open for writing until it runs its own program, and the
        // kernel runs no file open for writing (ETXTBSY): wait for that.
        for _ in 0..500 {
            match Command::new(&installed).arg("--version").output() {
                Err(e) if e.raw_os_error() == Some(26) => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                _ => break,
            }
        }
        let readme = fs::read_to_string("README.md").unwrap();
        let lines = block_after(&readme, "### Shell completions and the manual page");
        assert!(lines.len() >= 4, "{lines:?}");
        for line in &lines {
            let ran = account.sh(line);
            assert!(
                ran.status.success(),
                "{line}\n{}",
                String::from_utf8_lossy(&ran.stderr)
            );
        }
        account
    }

    fn path(&self) -> String {
        format!(
            "{}:/usr/bin:/bin",
            self.home.path().join(".cargo/bin").display()
        )
    }

    /// `program` run in the account's home, with its PATH and nothing else.
    fn run(&self, program: &str, args: &[&str]) -> Output {
        Command::new(program)
            .args(args)
            .env_clear()
            .env("HOME", self.home.path())
            .env("PATH", self.path())
            .env("TERM", "dumb")
            .current_dir(self.home.path())
            .output()
            .unwrap()
    }

    fn sh(&self, script: &str) -> Output {
        self.run("bash", &["-c", script])
    }

    /// A list of `count` records, holding `text(n)`, made by the program,
    /// in a folder of its own, with no lock and no history beside it.
    fn list(&self, count: usize) -> PathBuf {
        let dir = self.home.path().join("work");
        fs::create_dir_all(&dir).unwrap();
        let adds: Vec<String> = (1..=count)
            .map(|n| format!("{} >/dev/null", line(&vocabulary::create(&text(n)))))
            .collect();
        let made = self.sh(&format!("cd work && {}", adds.join(" && ")));
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
        for beside in fs::read_dir(&dir).unwrap() {
            let beside = beside.unwrap().path();
            if beside.file_name().is_some_and(|n| n != FILE) {
                fs::remove_file(beside).unwrap();
            }
        }
        dir
    }
}

/// Only the list is there: completing wrote nothing beside it.
fn nothing_written(dir: &Path) {
    let names: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, [FILE], "completion wrote beside the list");
}

#[test]
fn the_completion_and_manual_lines_work_in_a_fresh_home() {
    let account = Account::new();
    let home = account.home.path();
    let made = |relative: &str| {
        let file = home.join(relative);
        assert!(
            fs::metadata(&file).is_ok_and(|m| m.len() > 0),
            "{relative} was not written"
        );
    };
    made(".local/share/bash-completion/completions/{{project-name}}");
    made(".zfunc/_{{project-name}}");
    made(".zshrc");
    made(".config/fish/completions/{{project-name}}.fish");
    // man finds the pages by the PATH alone, as for a person who just installed.
    for page in ["{{project-name}}".to_owned(), format!("{{project-name}}-{REMOVE}")] {
        let found = account.sh(&format!("man -w {page}"));
        let found = String::from_utf8_lossy(&found.stdout).into_owned();
        assert!(
            Path::new(found.trim()).starts_with(home),
            "man -w {page}: {found:?}"
        );
    }
}

/// What bash offers for `words`, the last one being completed, through the
/// function bash-completion loads from the file the README wrote.
fn bash_offers(account: &Account, dir: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        r#"source /usr/share/bash-completion/bash_completion
cd {dir:?}
_completion_loader {{project-name}}
COMP_WORDS=({words})
COMP_CWORD=$(( {% raw %}${{#COMP_WORDS[@]}}{% endraw %} - 1 ))
COMP_LINE="{% raw %}${{COMP_WORDS[*]}}{% endraw %}"
COMP_POINT={% raw %}${{#COMP_LINE}}{% endraw %}
function=$(complete -p {{project-name}} | sed -E 's/.* -F ([^ ]+) .*/\1/')
"$function" {{project-name}} "{% raw %}${{COMP_WORDS[COMP_CWORD]}}{% endraw %}" "{% raw %}${{COMP_WORDS[COMP_CWORD-1]}}{% endraw %}"
printf '%s\n' "{% raw %}${{COMPREPLY[@]}}{% endraw %}""#,
        words = quoted.join(" ")
    );
    let out = account.sh(&script);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_past_the_first_word_and_record_numbers() {
    let account = Account::new();
    let dir = account.list(12);
    let offers = |words: &[&str]| bash_offers(&account, &dir, words);
    assert!(offers(&["{{project-name}}", &REMOVE[..2]]).contains(&REMOVE.into()));
    assert!(offers(&["{{project-name}}", LIST, "--color", ""]).starts_with(&[
        "auto".into(),
        "always".into(),
        "never".into()
    ]));
    assert!(offers(&["{{project-name}}", "completions", ""]).contains(&"fish".into()));
    assert_eq!(offers(&["{{project-name}}", LIST, "--f"]), ["--file"]);
    assert!(offers(&["{{project-name}}", "git", ""]).contains(&"resolve".into()));
    assert!(offers(&["{{project-name}}", "help", ""]).contains(&REMOVE.into()));
    // Numbers that begin with what was typed, newest first.
    for command in NUMBERED {
        assert_eq!(offers(&["{{project-name}}", command, "1"]), ["12", "11", "10", "1"]);
    }
    assert_eq!(
        offers(&["{{project-name}}", REMOVE, "3", "1"]),
        ["12", "11", "10", "1"]
    );
    nothing_written(&dir);
}

#[test]
fn fish_completes_record_numbers_with_their_hints() {
    let account = Account::new();
    let dir = account.list(12);
    let out = account.run(
        "fish",
        &[
            "-c",
            &format!(
                "cd {dir:?}; {} complete -C '{{project-name}} {LIST} --color '",
                NUMBERED
                    .map(|command| format!("complete -C '{{project-name}} {command} 1';"))
                    .join(" ")
            ),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = said.lines().collect();
    let numbers = [12, 11, 10, 1].map(|n| format!("{n}\t{}", vocabulary::hint(&text(n))));
    for (after, command) in NUMBERED.iter().enumerate() {
        assert_eq!(
            lines[after * 4..after * 4 + 4],
            numbers,
            "after {command}: {said}"
        );
    }
    assert!(lines.contains(&"always"), "{said}");
    nothing_written(&dir);
}

/// What an interactive zsh, started in tmux as a person starts it, shows
/// once `typed` and a Tab were typed in `dir`.
fn zsh_shows(account: &Account, dir: &Path, typed: &str) -> String {
    let session = format!("{{project-name}}-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &session])
            .args(args)
            .env("HOME", account.home.path())
            .output()
            .unwrap()
    };
    let shell = format!(
        "env -i HOME={:?} PATH={:?} TERM=xterm zsh -i",
        account.home.path(),
        account.path()
    );
    assert!(
        tmux(&["new-session", "-d", "-x", "100", "-y", "30", &shell])
            .status
            .success()
    );
    let screen = || String::from_utf8_lossy(&tmux(&["capture-pane", "-p"]).stdout).into_owned();
    let wait_for = |what: &str| {
        let start = Instant::now();
        while !screen().contains(what) && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    tmux(&["send-keys", &format!("cd {dir:?} && echo ready"), "Enter"]);
    wait_for("ready\n");
    tmux(&["send-keys", typed, "Tab"]);
    wait_for(&format!("-- {}", vocabulary::hint(&text(1))));
    let shown = screen();
    tmux(&["kill-server"]);
    shown
}

#[test]
fn zsh_completes_record_numbers_with_their_hints_on_the_first_tab() {
    let account = Account::new();
    let dir = account.list(12);
    let shown = zsh_shows(&account, &dir, &format!("{{project-name}} {REMOVE} 1"));
    for number in [12, 11, 10, 1] {
        assert!(
            shown
                .lines()
                .any(|line| line.starts_with(&format!("{number} "))
                    && line.ends_with(&format!("-- {}", vocabulary::hint(&text(number))))),
            "#{number} not offered:\n{shown}"
        );
    }
    nothing_written(&dir);
}

#[test]
fn the_one_list_line_names_the_list_every_folder_uses() {
    let readme = fs::read_to_string("README.md").unwrap();
    let lines = block_after(&readme, "### One list for every folder");
    let home = tempfile::tempdir().unwrap();
    let elsewhere = home.path().join("a/b");
    fs::create_dir_all(&elsewhere).unwrap();
    let script = format!(
        "{}\n{} >/dev/null && cd a/b && \"$0\" {LIST} --json && printf %s \"${{project-name | shouty_snake_case}}_FILE\" >&2",
        lines.join("\n"),
        line(&vocabulary::create("Buy milk")).replacen("{{project-name}}", "\"$0\"", 1)
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_{{project-name}}"))
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
    // The list the line names, in the home folder, and none where the
    // command ran.
    let named = PathBuf::from(String::from_utf8_lossy(&out.stderr).into_owned());
    assert!(named.starts_with(home.path()), "{}", named.display());
    assert!(named.is_file(), "{}", named.display());
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
}

#[test]
fn the_manual_has_the_sections_of_a_manual_and_reads_as_sentences() {
    let account = Account::new();
    let page = account.sh("{{project-name}} man");
    let roff = String::from_utf8_lossy(&page.stdout).into_owned();
    let headings: Vec<&str> = roff.lines().filter(|l| l.starts_with(".SH")).collect();
    for heading in [
        "EXAMPLES",
        "\"EXIT STATUS\"",
        "ENVIRONMENT",
        "FILES",
        "\"SEE ALSO\"",
    ] {
        assert!(
            headings.contains(&format!(".SH {heading}").as_str()),
            "{headings:?}"
        );
    }
    assert!(!roff.contains(".SH EXTRA"), "{headings:?}");
    assert!(!roff.contains('`'), "raw backticks in the page");
    // Every page's footer names the program, not the command.
    let dir = account.home.path().join(".cargo/share/man/man1");
    let page = fs::read_to_string(dir.join(format!("{{project-name}}-{REMOVE}.1"))).unwrap();
    let heading = page.lines().find(|l| l.starts_with(".TH")).unwrap();
    assert!(
        heading.contains(concat!("\"{{project-name}} ", env!("CARGO_PKG_VERSION"), "\"")),
        "{heading}"
    );
    assert!(!dir.join("{{project-name}}-help.1").exists());
    // As `man` shows it: a sentence ends before the next begins.
    // `--file`'s help is one sentence, as `--help` prints it.
    let help = account.sh(&format!("{{project-name}} {REMOVE} --help"));
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    let sentence = help
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("--file"))
        .nth(1)
        .unwrap()
        .trim();
    assert!(sentence.ends_with('.'), "{help}");
    let shown = account.sh(&format!("MANWIDTH=80 man {{project-name}}-{REMOVE}"));
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains(&format!("{sentence}\n")), "{shown}");
}

#[test]
fn on_a_terminal_the_manual_is_shown_as_man_shows_it() {
    let account = Account::new();
    let typescript = account.home.path().join("typescript");
    let shown = account.run(
        "script",
        &[
            "-q",
            "-e",
            "-c",
            "env MANPAGER=cat MANWIDTH=80 {{project-name}} man",
            &typescript.to_string_lossy(),
        ],
    );
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    // What the terminal shows: man writes bold as a letter, a backspace, and
    // the letter again.
    let sent = fs::read_to_string(&typescript).unwrap();
    let mut screen = String::new();
    for c in sent.chars() {
        match c {
            '\u{8}' => drop(screen.pop()),
            c => screen.push(c),
        }
    }
    assert!(!screen.contains(".TH "), "roff on the terminal:\n{screen}");
    assert!(screen.contains("EXIT STATUS"), "{screen}");
}

#[test]
fn building_from_source_uses_the_versions_the_tests_ran_with() {
    let readme = fs::read_to_string("README.md").unwrap();
    let installs: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("cargo install --path"))
        .collect();
    assert!(!installs.is_empty());
    for line in installs {
        assert!(line.contains("--locked"), "{line}");
    }
}

/// The README's session, run in a checkout of the project, leaves nothing
/// for `git status` to show: the list, its history and its lock are ignored.
#[test]
fn the_session_run_in_the_checkout_leaves_nothing_untracked() {
    let dir = tempfile::tempdir().unwrap();
    let settings = tempfile::NamedTempFile::new().unwrap();
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", settings.path())
            .output()
            .unwrap()
    };
    assert!(git(&["init", "-q"]).status.success());
    fs::copy(".gitignore", dir.path().join(".gitignore")).unwrap();
    for args in [
        vocabulary::create("Buy milk"),
        vec![REMOVE, "1"],
        vec![UNDO],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_{{project-name}}"))
            .args(&args)
            .current_dir(dir.path())
            .env_remove("{{project-name | shouty_snake_case}}_FILE")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
    }
    let status = git(&["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(String::from_utf8_lossy(&status.stdout), "?? .gitignore\n");
}
