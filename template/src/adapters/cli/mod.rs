//! The driving adapter: parses the command line, runs a command, prints
//! the result, and turns failures into messages and exit codes.
//!
//! - `args.rs`: the commands and flags, declared for clap.
//! - `commands.rs`: what each command does and says (`commands/`: those
//!   with a file of their own).
//! - `render.rs`: how a record looks, in a table and in JSON.
//! - `sharing.rs`: the `git` commands, for a list kept in git.
//! - `man.rs`: the manual pages, for any command line.
//! - `editor.rs`: a person's editor on a text, for any record.
//! - `table.rs` and this file know no record: tables, safe text, output,
//!   errors and exit codes.

mod args;
pub mod commands;
pub mod editor;
mod man;
pub mod render;
pub mod sharing;
pub mod table;

use std::ffi::OsString;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use anstyle::{AnsiColor, Color, Style};
use clap::{ColorChoice, CommandFactory, Parser};

pub use args::{COMPLETE_VAR, Cli, Command, GitCommand, Named, completing, file_on_the_line};

use crate::domain::{Id, Record, Unreadable};
use crate::ports::{StoreError, StoreErrorKind, Tip};

/// Exit codes, as documented in the README (sysexits.h where one fits).
pub mod exit {
    pub const NOT_FOUND: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const DATA: u8 = 65;
    /// The result could not be printed; a change was saved all the same.
    pub const OUTPUT: u8 = 73;
    pub const IO: u8 = 74;
    pub const TEMPORARY: u8 = 75;
    /// git is missing, failed, or the list is not in a work tree.
    pub const UNAVAILABLE: u8 = 69;
    /// A merge left conflicts to settle by hand.
    pub const CONFLICTS: u8 = 1;
}

pub enum Outcome {
    Finished,
    /// A change was saved; says which, in case it cannot be printed.
    Saved(String),
    NothingFound,
    /// A merge was written, with conflicts to settle by hand.
    Conflicted,
}

/// The command line, parsed, or clap's report of what is wrong with it. A
/// report quotes the arguments, so where they hold control characters it
/// is made from a copy of them with those characters escaped: an argument
/// cannot drive the terminal that shows the error.
pub fn parse() -> Result<Cli, ExitCode> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let error = match Cli::try_parse_from(&args) {
        Ok(cli) => return Ok(cli),
        Err(error) => error,
    };
    if let Some((message, tip)) = from_environment(&error, &args) {
        return Err(fail(exit::USAGE, &message, Some(&tip)));
    }
    let escaped: Vec<OsString> = args
        .iter()
        .map(|arg| OsString::from(table::visible(&arg.to_string_lossy()).as_ref()))
        .collect();
    if escaped == args {
        error.exit()
    }
    match Cli::try_parse_from(&escaped) {
        Err(shown) => shown.exit(),
        // Escaping made the arguments valid: say what was wrong, plainly.
        Ok(_) => {
            eprint!("{}", table::visible_lines(&error.render().to_string()));
            Err(ExitCode::from(exit::USAGE))
        }
    }
}

/// What is wrong, and what to do, where clap blames a flag the person never
/// typed: its value came from the flag's environment variable.
fn from_environment(error: &clap::Error, args: &[OsString]) -> Option<(String, String)> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let Some(ContextValue::String(blamed)) = error.get(ContextKind::InvalidArg) else {
        return None;
    };
    let long = blamed.split_whitespace().next()?.strip_prefix("--")?;
    let typed = args.iter().any(|arg| {
        let arg = arg.to_string_lossy();
        arg == format!("--{long}") || arg.starts_with(&format!("--{long}="))
    });
    if typed {
        return None;
    }
    let command = Cli::command();
    let flag = command
        .get_arguments()
        .find(|a| a.get_long() == Some(long))?;
    let variable = flag.get_env()?.to_string_lossy().into_owned();
    let value = std::env::var_os(&variable)?;
    if !matches!(
        error.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
    ) {
        return None;
    }
    let message = match value.is_empty() {
        true => format!("{variable} is set, but empty"),
        false => {
            let why =
                std::error::Error::source(error).map_or_else(String::new, |e| format!(": {e}"));
            format!("{variable} is {:?}{why}", value.to_string_lossy())
        }
    };
    let tip = format!("set {variable} to what --{long} takes, or unset it (unset {variable})");
    Some((message, tip))
}

/// Runs a command with `execute`, its output set up for `json` and
/// `color`, and reports how it went on stdout and stderr.
pub fn run(
    json: bool,
    color: ColorChoice,
    execute: impl FnOnce(View, &mut dyn Write) -> Result<Outcome, Failure>,
) -> ExitCode {
    // Settles NO_COLOR, CLICOLOR_FORCE and terminals for both streams at once.
    match color {
        ColorChoice::Auto => {}
        ColorChoice::Always => anstream::ColorChoice::Always.write_global(),
        ColorChoice::Never => anstream::ColorChoice::Never.write_global(),
    }
    let stdout = io::stdout();
    // Cut to fit only on a terminal: piped output is for other programs, whole.
    let width = stdout
        .is_terminal()
        .then(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
        .flatten();
    let choice = anstream::AutoStream::choice(&stdout);
    let colored = choice != anstream::ColorChoice::Never;
    // Plain output goes straight out, rather than through a filter that strips colors.
    let sink: Box<dyn Write> = match colored {
        true => Box::new(anstream::AutoStream::new(stdout.lock(), choice)),
        false => Box::new(stdout.lock()),
    };
    // Large enough that printing many records takes few writes.
    let mut out = BufWriter::with_capacity(64 * 1024, sink);
    let view = View {
        json,
        width,
        colored,
    };
    let outcome = execute(view, &mut out).and_then(|outcome| {
        let saved = match &outcome {
            Outcome::Saved(saved) => Some(saved.as_str()),
            _ => None,
        };
        out.flush().map_err(|e| Failure::output(e, saved))?;
        Ok(outcome)
    });
    match outcome {
        Ok(Outcome::Finished | Outcome::Saved(_)) => ExitCode::SUCCESS,
        Ok(Outcome::NothingFound) => ExitCode::from(exit::NOT_FOUND),
        Ok(Outcome::Conflicted) => ExitCode::from(exit::CONFLICTS),
        // The reader went away on purpose, as `| head` does.
        Err(Failure::Output { error, .. }) if error.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(Failure::Output { error, saved: None }) => {
            fail(exit::IO, &format!("cannot write output: {error}"), None)
        }
        Err(Failure::Output {
            error,
            saved: Some(saved),
        }) => fail(
            exit::OUTPUT,
            &format!("{saved}, but the output could not be written: {error}"),
            Some("the change is saved, and running the command again would repeat it"),
        ),
        Err(Failure::Report { code, message, tip }) => fail(code, &message, tip.as_deref()),
        Err(Failure::Usage(message)) => fail(exit::USAGE, &message, None),
    }
}

/// How results are shown.
#[derive(Clone, Copy)]
pub struct View {
    pub json: bool,
    /// The terminal's width, when there is a terminal.
    pub width: Option<usize>,
    pub colored: bool,
}

impl View {
    /// Where a table goes: cut to the terminal, colored as asked.
    pub fn frame(&self) -> table::Frame {
        table::Frame {
            max_width: self.width,
            colored: self.colored,
        }
    }
}

/// One record a change took out, on a line of its own: `Archived #3: Rent
/// (paid)`. Written in pieces, not through one format string: a change
/// may take out a hundred thousand records.
pub fn describe(out: &mut dyn Write, did: &str, id: Id, text: &str, more: &str) -> io::Result<()> {
    write!(out, "{did} #{id}: ")?;
    out.write_all(table::visible(text).as_bytes())?;
    if !more.is_empty() {
        out.write_all(b" (")?;
        out.write_all(table::visible(more).as_bytes())?;
        out.write_all(b")")?;
    }
    out.write_all(b"\n")
}

/// Which records a change saved, in a few words however many there were:
/// "note #3 was added", "notes #1, #2 were archived".
pub fn saved<R: Record>(records: &[R], did: &str) -> String {
    let (one, many) = (R::WORDS.one, R::WORDS.many);
    match records {
        [record] => format!("{one} #{} was {did}", record.id()),
        few if few.len() <= 5 => {
            let numbers: Vec<String> = few.iter().map(|r| format!("#{}", r.id())).collect();
            format!("{many} {} were {did}", numbers.join(", "))
        }
        lots => format!("{} {many} were {did}", lots.len()),
    }
}

const ERROR: Style = Style::new()
    .bold()
    .fg_color(Some(Color::Ansi(AnsiColor::Red)));
const TIP: Style = Style::new()
    .bold()
    .fg_color(Some(Color::Ansi(AnsiColor::Green)));

const WARNING: Style = Style::new()
    .bold()
    .fg_color(Some(Color::Ansi(AnsiColor::Yellow)));

/// Prints `warning: ...` to stderr: something is wrong, and the command goes on.
pub fn warn(message: &str) {
    // Nothing useful is left to do if stderr itself is gone.
    let _ = writeln!(
        anstream::stderr().lock(),
        "{WARNING}warning:{WARNING:#} {}",
        table::visible(message)
    );
}

/// Prints `error: ...` and an optional `tip: ...` to stderr. Messages name
/// files and quote arguments, so control characters are shown escaped.
pub fn fail(code: u8, message: &str, tip: Option<&str>) -> ExitCode {
    let mut err = anstream::stderr().lock();
    // Nothing useful is left to do if stderr itself is gone.
    let _ = writeln!(err, "{ERROR}error:{ERROR:#} {}", table::visible(message));
    if let Some(tip) = tip {
        let _ = writeln!(err, "{TIP}tip:{TIP:#} {}", table::visible(tip));
    }
    ExitCode::from(code)
}

pub enum Failure {
    /// What a use case or the list said went wrong, as a message and an exit code.
    Report {
        code: u8,
        message: String,
        tip: Option<String>,
    },
    /// Arguments that clap could not check, like ids read from stdin.
    Usage(String),
    /// Printing failed, after the change named by `saved`, if any, was saved.
    Output {
        error: io::Error,
        saved: Option<String>,
    },
}

impl Failure {
    pub fn output(error: io::Error, saved: Option<&str>) -> Self {
        Self::Output {
            error,
            saved: saved.map(str::to_owned),
        }
    }
}

/// A change refused for `why`: nothing was changed.
pub fn refused(code: u8, why: &dyn std::fmt::Display, tip: &str) -> Failure {
    Failure::Report {
        code,
        message: format!("{why}; nothing was changed"),
        tip: Some(tip.into()),
    }
}

/// A record the list holds that cannot be read.
pub fn unreadable(e: &Unreadable) -> Failure {
    Failure::Report {
        code: exit::DATA,
        message: e.to_string(),
        tip: Some(
            "fix that line in an editor; {{project-name}} never writes over what it cannot read".into(),
        ),
    }
}

/// What a store's failure says, and its exit code by its kind.
impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        let code = match error.kind {
            StoreErrorKind::Unusable => exit::DATA,
            StoreErrorKind::Io => exit::IO,
            StoreErrorKind::Busy => exit::TEMPORARY,
        };
        Failure::Report {
            code,
            message: error.message,
            tip: error.tip.map(worded),
        }
    }
}

/// A store's tip, in the command line's words.
fn worded(tip: Tip) -> String {
    match tip {
        Tip::Said(said) => said,
        Tip::NameAFile => "name a file with --file or {{project-name | shouty_snake_case}}_FILE".into(),
        Tip::FinishMerge { list } => format!(
            "run `{{project-name}} git resolve` to merge the versions git kept, then `git add {list}`"
        ),
        Tip::WaitLonger => "try again in a moment, or wait longer with --lock-timeout".into(),
        Tip::MendHistory => MEND_HISTORY.into(),
    }
}

/// What to do about a history that cannot be read: the commands that need
/// it refuse, the others go on with a warning.
pub const MEND_HISTORY: &str = "{{project-name}} never writes over a history it cannot read; fix it in \
     an editor, or move it aside to start a new one (the commands that do not need it work \
     meanwhile)";

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        Self::output(error, None)
    }
}
