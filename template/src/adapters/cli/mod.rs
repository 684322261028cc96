//! The driving adapter: runs a parsed command line against the use cases,
//! prints the result, and turns failures into messages and exit codes.

mod args;
pub mod render;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use anstyle::{AnsiColor, Color, Style};
use clap::{ColorChoice, CommandFactory};

pub use args::{Cli, Command};

use crate::app::{App, AppError};
use crate::domain::Todo;
use crate::ports::{Clock, StoreErrorKind, TodoStore, UlidSource};

/// Exit codes, as documented in the README (sysexits.h where one fits).
pub mod exit {
    pub const NOT_FOUND: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const DATA: u8 = 65;
    pub const IO: u8 = 74;
    pub const TEMPORARY: u8 = 75;
}

enum Outcome {
    Done,
    NothingFound,
}

/// Runs `command` and reports how it went on stdout and stderr.
pub fn run<S: TodoStore, C: Clock, U: UlidSource>(
    command: Command,
    json: bool,
    color: ColorChoice,
    app: &App<S, C, U>,
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
    let mut out = BufWriter::new(sink);
    let view = View {
        json,
        width,
        colored,
    };
    match execute(command, view, app, &mut out).and_then(|o| Ok((o, out.flush()?))) {
        Ok((Outcome::Done, ())) => ExitCode::SUCCESS,
        Ok((Outcome::NothingFound, ())) => ExitCode::from(exit::NOT_FOUND),
        Err(Failure::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Output(e)) => fail(exit::IO, &format!("cannot write output: {e}"), None),
        Err(Failure::App(e)) => report(&e),
    }
}

/// How results are shown.
#[derive(Clone, Copy)]
struct View {
    json: bool,
    /// The terminal's width, when there is a terminal.
    width: Option<usize>,
    colored: bool,
}

const ERROR: Style = Style::new()
    .bold()
    .fg_color(Some(Color::Ansi(AnsiColor::Red)));
const TIP: Style = Style::new()
    .bold()
    .fg_color(Some(Color::Ansi(AnsiColor::Green)));

/// Prints `error: ...` and an optional `tip: ...` to stderr.
pub fn fail(code: u8, message: &str, tip: Option<&str>) -> ExitCode {
    let mut err = anstream::stderr().lock();
    // Nothing useful is left to do if stderr itself is gone.
    let _ = writeln!(err, "{ERROR}error:{ERROR:#} {message}");
    if let Some(tip) = tip {
        let _ = writeln!(err, "{TIP}tip:{TIP:#} {tip}");
    }
    ExitCode::from(code)
}

fn report(error: &AppError) -> ExitCode {
    match error {
        AppError::Unknown(_) => fail(
            exit::NOT_FOUND,
            &format!("{error}; nothing was changed"),
            Some("run `{{project-name}} show` to see the ids"),
        ),
        AppError::Unreadable(e) => fail(
            exit::DATA,
            &e.to_string(),
            Some("fix the todo in an editor; {{project-name}} never writes over what it cannot read"),
        ),
        AppError::Store(e) => {
            let code = match e.kind {
                StoreErrorKind::Unusable => exit::DATA,
                StoreErrorKind::Io => exit::IO,
                StoreErrorKind::Busy => exit::TEMPORARY,
            };
            fail(code, &e.message, e.tip.as_deref())
        }
    }
}

enum Failure {
    App(AppError),
    Output(io::Error),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Self::Output(e)
    }
}

fn execute<S: TodoStore, C: Clock, U: UlidSource>(
    command: Command,
    view: View,
    app: &App<S, C, U>,
    out: &mut impl Write,
) -> Result<Outcome, Failure> {
    let list = |todos: &[Todo], out: &mut _| match view.json {
        true => render::json(todos, out),
        false => {
            let layout = render::Layout {
                now: app.now(),
                max_width: view.width,
                colored: view.colored,
            };
            render::table(todos, &layout, out)
        }
    };
    match command {
        Command::Add { title, description } => {
            let todo = app.add(title, description.unwrap_or_default())?;
            if view.json {
                render::json(std::slice::from_ref(&todo), out)?;
            } else {
                writeln!(
                    out,
                    "Added #{}: {}",
                    todo.id,
                    render::visible(todo.title.as_str())
                )?;
            }
        }
        Command::Show { count } => {
            let todos = app.show(count)?;
            if todos.is_empty() && !view.json {
                writeln!(
                    out,
                    "No todos yet. Add one with: {{project-name}} add \"Buy milk\" \"2 liters\""
                )?;
            } else {
                list(&todos, out)?;
            }
        }
        Command::Done { ids } => {
            let done = app.done(&ids)?;
            if view.json {
                render::json(&done, out)?;
            } else {
                for todo in &done {
                    describe_done(todo, out)?;
                }
            }
        }
        Command::Find { text } => {
            let found = app.find(&text)?;
            if found.is_empty() && !view.json {
                // Like grep: nothing on stdout, exit 1; a word for people on stderr.
                let _ = writeln!(anstream::stderr(), "no todo mentions {text:?}");
            } else {
                list(&found, out)?;
            }
            if found.is_empty() {
                return Ok(Outcome::NothingFound);
            }
        }
        Command::Completions { shell } => {
            let mut cli = Cli::command();
            let name = cli.get_name().to_owned();
            clap_complete::generate(shell, &mut cli, name, out);
        }
        Command::Man => clap_mangen::Man::new(Cli::command()).render(out)?,
    }
    Ok(Outcome::Done)
}

fn describe_done(todo: &Todo, out: &mut impl Write) -> io::Result<()> {
    write!(
        out,
        "Done #{}: {}",
        todo.id,
        render::visible(todo.title.as_str())
    )?;
    if !todo.description.is_empty() {
        write!(out, " ({})", render::visible(&todo.description))?;
    }
    writeln!(out)
}
