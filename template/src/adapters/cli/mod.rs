//! The driving adapter: runs a parsed command line against the use cases,
//! prints the result, and turns failures into messages and exit codes.

mod args;
pub mod render;

use std::io::{self, Write};
use std::process::ExitCode;

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
    app: &App<S, C, U>,
) -> ExitCode {
    let mut out = io::stdout().lock();
    match execute(command, json, app, &mut out).and_then(|o| Ok((o, out.flush()?))) {
        Ok((Outcome::Done, ())) => ExitCode::SUCCESS,
        Ok((Outcome::NothingFound, ())) => ExitCode::from(exit::NOT_FOUND),
        Err(Failure::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Output(e)) => fail(exit::IO, &format!("cannot write output: {e}"), None),
        Err(Failure::App(e)) => report(&e),
    }
}

/// Prints `error: ...` and an optional `tip: ...` to stderr.
pub fn fail(code: u8, message: &str, tip: Option<&str>) -> ExitCode {
    let mut err = io::stderr().lock();
    // Nothing useful is left to do if stderr itself is gone.
    let _ = writeln!(err, "error: {message}");
    if let Some(tip) = tip {
        let _ = writeln!(err, "tip: {tip}");
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
    json: bool,
    app: &App<S, C, U>,
    out: &mut impl Write,
) -> Result<Outcome, Failure> {
    match command {
        Command::Add { title, description } => {
            let todo = app.add(title, description.unwrap_or_default())?;
            if json {
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
            if json {
                render::json(&todos, out)?;
            } else if todos.is_empty() {
                writeln!(
                    out,
                    "No todos yet. Add one with: {{project-name}} add \"Buy milk\" \"2 liters\""
                )?;
            } else {
                render::table(&todos, out)?;
            }
        }
        Command::Done { ids } => {
            let done = app.done(&ids)?;
            if json {
                render::json(&done, out)?;
            } else {
                for todo in &done {
                    describe_done(todo, out)?;
                }
            }
        }
        Command::Find { text } => {
            let found = app.find(&text)?;
            if json {
                render::json(&found, out)?;
            } else if found.is_empty() {
                // Like grep: nothing on stdout, exit 1; a word for people on stderr.
                let _ = writeln!(io::stderr(), "no todo mentions {text:?}");
            } else {
                render::table(&found, out)?;
            }
            if found.is_empty() {
                return Ok(Outcome::NothingFound);
            }
        }
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
