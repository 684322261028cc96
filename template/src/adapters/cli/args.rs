//! The command line, as clap parses it.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ColorChoice, Parser, Subcommand};
use clap_complete::Shell;

use crate::domain::{Record, Ref, Title, Todo};

#[derive(Debug, Parser)]
#[command(
    name = "{{project-name}}",
    version,
    about,
    long_about = "{{description}}.\n\n\
        The list lives in todo.json in the current directory (or the file named by --file or \
        {{project-name | shouty_snake_case}}_FILE): plain JSON, one todo per line, safe to read, diff and keep in git.",
    after_help = "Examples:\n  \
        $ {{project-name}} add \"Buy milk\" \"2 liters\"\n  \
        $ {{project-name}} show 5\n  \
        $ {{project-name}} done 1\n  \
        $ {{project-name}} find milk",
    propagate_version = true
)]
pub struct Cli {
    /// The todo list to use
    #[arg(
        long,
        long_help = "The todo list to use.",
        global = true,
        env = "{{project-name | shouty_snake_case}}_FILE",
        value_name = "PATH",
        default_value = "todo.json"
    )]
    pub file: PathBuf,

    /// Print JSON for scripts instead of text for people
    #[arg(long, global = true)]
    pub json: bool,

    /// When to color the output: auto means only on a terminal, and honors NO_COLOR and CLICOLOR_FORCE
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,

    /// How long to wait while another {{project-name}} changes the same list
    #[arg(
        long,
        long_help = "How long to wait while another {{project-name}} changes the same list.",
        global = true,
        env = "{{project-name | shouty_snake_case}}_LOCK_TIMEOUT",
        value_name = "SECONDS",
        default_value = "10",
        value_parser = parse_seconds
    )]
    pub lock_timeout: Duration,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add a todo and print its id
    #[command(
        long_about = "Add a todo and print its id.\n\n\
            The title is trimmed and must not be blank; the description is kept as given. \
            The first add creates the list.",
        after_help = "Examples:\n  \
            $ {{project-name}} add \"Buy milk\" \"2 liters\"\n  \
            $ {{project-name}} add \"Pay rent\""
    )]
    Add {
        /// What to do, in a few words
        #[arg(value_parser = parse_title)]
        title: Title,
        /// Anything else worth knowing
        description: Option<String>,
    },
    /// Show the newest todos, newest first
    #[command(
        visible_aliases = ["list", "ls"],
        long_about = "Show the newest todos, newest first.\n\n\
            On a terminal, long titles and descriptions are cut to fit its width; \
            piped, they are printed whole.",
        after_help = "Examples:\n  \
            $ {{project-name}} show\n  \
            $ {{project-name}} show 3\n  \
            $ {{project-name}} show 100 --json"
    )]
    Show {
        /// How many to show
        #[arg(
            default_value = "10",
            value_parser = parse_count,
            allow_negative_numbers = true
        )]
        count: usize,
    },
    /// Complete todos, removing them from the list
    #[command(
        long_about = "Complete todos, removing them from the list.\n\n\
            All or nothing: if any id is unknown, nothing is completed. \
            Each removed todo is printed, so a mistake can be added back. \
            With -, the ids are read from stdin, as many as there are.",
        after_help = "Examples:\n  \
            $ {{project-name}} done 1\n  \
            $ {{project-name}} done 2 3\n  \
            $ {{project-name}} done 01KDVDNAZ8V3RS3DTR98H6BCFN\n  \
            $ seq 1 100 | {{project-name}} done -"
    )]
    Done {
        /// The todos' numbers (as `show` prints them) or ULIDs; - reads them from stdin
        #[arg(required = true, value_parser = parse_named, allow_negative_numbers = true)]
        ids: Vec<Named>,
    },
    /// Change a todo's title or description, keeping its number
    #[command(
        long_about = "Change a todo's title or description, keeping its number.\n\n\
            The number, the ULID and when the todo was made stay; `undo` takes the edit back. \
            With neither option, on a terminal, opens $VISUAL or $EDITOR on the title (the \
            first line) and the description (the lines after it). The list is not locked \
            while the editor is open: if the todo changed meanwhile, nothing is changed and \
            what you typed is kept in a file whose path is printed.",
        after_help = "Examples:\n  \
            $ {{project-name}} edit 3 --title \"Buy oat milk\"\n  \
            $ {{project-name}} edit 3 --description \"\"     # clears it\n  \
            $ {{project-name}} edit 3                        # in your editor"
    )]
    Edit {
        /// The todo's number (as `show` prints it) or ULID
        #[arg(value_parser = parse_ref, allow_negative_numbers = true)]
        id: Ref,
        /// The new title
        #[arg(long, short, value_parser = parse_title)]
        title: Option<Title>,
        /// The new description; "" clears it
        #[arg(long, short)]
        description: Option<String>,
    },
    /// Find todos whose title or description contains TEXT, ignoring case
    #[command(
        visible_alias = "search",
        long_about = "Find todos whose title or description contains TEXT, ignoring case.\n\n\
            Newest first. Exits with 1 when nothing matches, like grep.",
        after_help = "Examples:\n  \
            $ {{project-name}} find milk\n  \
            $ {{project-name}} find \"pay rent\" --json"
    )]
    Find {
        /// The text to look for
        text: String,
    },
    /// Show the most recently completed todos, newest first
    #[command(
        long_about = "Show the most recently completed todos, newest first.\n\n\
            `done` keeps every todo it completes, whole, with when, in a history beside the \
            list (todo.json.history.jsonl beside todo.json).",
        after_help = "Examples:\n  \
            $ {{project-name}} history\n  \
            $ {{project-name}} history 3 --json"
    )]
    History {
        /// How many to show
        #[arg(
            default_value = "10",
            value_parser = parse_count,
            allow_negative_numbers = true
        )]
        count: usize,
    },
    /// Undo the latest add, done or edit
    #[command(
        long_about = "Undo the latest add, done or edit, and say what it was.\n\n\
            Undoing a done puts its todos back as they were: same numbers, every field. \
            Undoing an add takes that todo off the list. Undoing an edit gives the todo back \
            the title and description it had. Run it again to go further back; \
            numbers are still never given out twice.",
        after_help = "Examples:\n  \
            $ {{project-name}} done 12     # meant 21\n  \
            $ {{project-name}} undo"
    )]
    Undo,
    /// Share the list through git: merge it with {{project-name}}
    #[command(subcommand)]
    Git(GitCommand),
    /// Print a shell completion script
    #[command(
        long_about = "Print a shell completion script.\n\n\
            The script asks {{project-name}}, found on PATH, what completes each word as \
            you type: commands, options and their values, and todo numbers \
            with their titles after `done` and `edit`. It reads the list and never writes. \
            After upgrading {{project-name}}, write the script again.",
        after_help = "Examples:\n  \
            $ {{project-name}} completions bash > ~/.local/share/bash-completion/completions/{{project-name}}\n  \
            $ {{project-name}} completions zsh > ~/.zfunc/_{{project-name}}\n  \
            $ {{project-name}} completions fish > ~/.config/fish/completions/{{project-name}}.fish"
    )]
    Completions {
        /// The shell to complete for
        shell: Shell,
    },
    /// Print the manual page, in roff, or write a page for every command
    #[command(after_help = "Examples:\n  \
            $ {{project-name}} man > ~/.local/share/man/man1/{{project-name}}.1\n  \
            $ {{project-name}} man --dir ~/.local/share/man/man1")]
    Man {
        /// Write the pages of {{project-name}} and of each of its commands ({{project-name}}-git-merge.1, ...) into DIR
        #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
        dir: Option<PathBuf>,
    },
}

/// The commands for a list kept in git.
#[derive(Debug, Subcommand)]
pub enum GitCommand {
    /// Have git merge the list with {{project-name}}, in this clone
    #[command(
        long_about = "Have git merge the list with {{project-name}}, in this clone.\n\n\
            Adds the list to .gitattributes with merge={{project-name}} (commit that file), \
            registers the merge driver in this clone's git config, and keeps the lock \
            file and the history, which are this clone's own, out of git status. Run it once \
            in every clone; running it again changes nothing.",
        after_help = "Examples:\n  \
            $ {{project-name}} git setup\n  \
            $ git add .gitattributes && git commit -m 'Merge todo.json with {{project-name}}'"
    )]
    Setup,
    /// Merge three versions of a list: what git runs as the merge driver
    #[command(
        long_about = "Merge three versions of a list: what git runs as the merge driver.\n\n\
            Writes into OURS the todos of OURS and THEIRS merged by ULID, field by field, \
            from BASE: a todo completed on either side stays completed, todos added on \
            either side are kept once, and numbers stay unique (renumbered todos are \
            named on stderr). Exits with 1 when both sides changed a field each its own \
            way: both values are kept in the todo's \"merge_conflicts\". A side that is \
            not a list leaves OURS untouched.",
        after_help = "In .git/config, as `{{project-name}} git setup` writes it:\n  \
            [merge \"{{project-name}}\"]\n  \
            \tdriver = /home/me/.cargo/bin/{{project-name}} git merge -- %O %A %B %P\n\n\
            The program is named by its full path, so that git finds it wherever it \
            runs (a GUI, an IDE, a cron job); `--` keeps a list named like `-x.json` \
            from being read as an option."
    )]
    Merge {
        /// The version both sides come from (git's %O); empty when both added the list
        #[arg(value_hint = clap::ValueHint::FilePath)]
        base: PathBuf,
        /// This side's version, and where the result goes (git's %A)
        #[arg(value_hint = clap::ValueHint::FilePath)]
        ours: PathBuf,
        /// The other side's version (git's %B)
        #[arg(value_hint = clap::ValueHint::FilePath)]
        theirs: PathBuf,
        /// The list's path in the repository, for messages (git's %P)
        #[arg(value_hint = clap::ValueHint::FilePath)]
        path: Option<PathBuf>,
    },
    /// Finish a merge that git left with conflict markers in the list
    #[command(
        long_about = "Finish a merge that git left with conflict markers in the list.\n\n\
            For a clone that merged without the driver: merges the list again from the \
            three versions git keeps while the merge is unfinished, and writes it. \
            Then `git add` the list to finish the merge.",
        after_help = "Example:\n  \
            $ {{project-name}} git resolve && git add todo.json"
    )]
    Resolve,
}

fn parse_title(raw: &str) -> Result<Title, String> {
    Title::new(raw).map_err(|e| format!("{e}; say what to do, e.g. \"Buy milk\""))
}

/// The variable a completion script sets to ask for the words that
/// complete a command line: `{{project-name | shouty_snake_case}}_COMPLETE=bash {{project-name}} -- {{project-name}} done 1`.
pub const COMPLETE_VAR: &str = "{{project-name | shouty_snake_case}}_COMPLETE";

/// The command line, its `done` and `edit` completing todo numbers with what
/// `numbers` offers for the digits typed so far: each number, and its title.
pub fn completing(
    numbers: impl Fn(&str) -> Vec<(u64, String)> + Send + Sync + 'static,
) -> clap::Command {
    use clap::CommandFactory;
    use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
    let numbers = ArgValueCompleter::new(move |typed: &std::ffi::OsStr| {
        let typed = typed.to_string_lossy();
        if !typed.bytes().all(|b| b.is_ascii_digit()) {
            return Vec::new();
        }
        numbers(&typed)
            .into_iter()
            .map(|(id, title)| CompletionCandidate::new(id.to_string()).help(Some(title.into())))
            .collect()
    });
    Cli::command()
        .mut_subcommand("done", |done| {
            done.mut_arg("ids", |ids| ids.add(numbers.clone()))
        })
        .mut_subcommand("edit", |edit| edit.mut_arg("id", |id| id.add(numbers)))
}

/// The list a command line being completed names, as parsing it would:
/// `--file`, else `{{project-name | shouty_snake_case}}_FILE`, else `todo.json`.
pub fn file_on_the_line() -> std::path::PathBuf {
    let args: Vec<String> = std::env::args_os()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let named =
        args.iter()
            .enumerate()
            .rev()
            .find_map(|(n, arg)| match arg.strip_prefix("--file=") {
                Some(file) => Some(file.to_owned()),
                None if arg == "--file" => args.get(n + 1).cloned(),
                None => None,
            });
    named
        .or_else(|| std::env::var("{{project-name | shouty_snake_case}}_FILE").ok().filter(|f| !f.is_empty()))
        .unwrap_or_else(|| "todo.json".into())
        .into()
}

fn parse_count(raw: &str) -> Result<usize, String> {
    use std::num::IntErrorKind;
    match raw.parse::<usize>() {
        Ok(0) => Err("the count must be at least 1".into()),
        Ok(count) => Ok(count),
        // A whole number, and from 1 up, but more than a list can hold.
        Err(e) if *e.kind() == IntErrorKind::PosOverflow => Ok(usize::MAX),
        Err(_) => Err("give how many todos to show, a whole number from 1 up".into()),
    }
}

/// A todo named on the command line, or `-` for those named on stdin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Id(Ref),
    Stdin,
}

fn parse_named(raw: &str) -> Result<Named, String> {
    match raw {
        "-" => Ok(Named::Stdin),
        raw => parse_ref(raw).map(Named::Id),
    }
}

/// A todo's number or ULID, or what is wrong with it.
pub fn parse_ref(raw: &str) -> Result<Ref, String> {
    raw.parse().map_err(|e: crate::domain::InvalidReference| {
        let a_one = Todo::WORDS.a_one;
        format!(
            "`{}` is not {a_one} id: give its number (like 3) or its 26-character ULID",
            e.0
        )
    })
}

fn parse_seconds(raw: &str) -> Result<Duration, String> {
    raw.parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| "give a number of seconds, like 10 or 0.5".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
