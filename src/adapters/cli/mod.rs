//! The driving adapter: runs a parsed command line against the use cases,
//! prints the result, and turns failures into messages and exit codes.

mod args;
pub mod render;

use std::ffi::OsString;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::process::ExitCode;

use anstyle::{AnsiColor, Color, Style};
use clap::{ColorChoice, CommandFactory, Parser};

pub use args::{Cli, Command, Named};

use crate::app::{App, AppError};
use crate::domain::{Ref, Todo};
use crate::ports::{Clock, Store, StoreErrorKind, UlidSource};

/// Exit codes, as documented in the README (sysexits.h where one fits).
pub mod exit {
    pub const NOT_FOUND: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const DATA: u8 = 65;
    /// The result could not be printed; a change was saved all the same.
    pub const OUTPUT: u8 = 73;
    pub const IO: u8 = 74;
    pub const TEMPORARY: u8 = 75;
}

enum Outcome {
    Done,
    /// A change was saved; says which, in case it cannot be printed.
    Saved(String),
    NothingFound,
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
    let escaped: Vec<OsString> = args
        .iter()
        .map(|arg| OsString::from(render::visible(&arg.to_string_lossy()).as_ref()))
        .collect();
    if escaped == args {
        error.exit()
    }
    match Cli::try_parse_from(&escaped) {
        Err(shown) => shown.exit(),
        // Escaping made the arguments valid: say what was wrong, plainly.
        Ok(_) => {
            eprint!("{}", render::visible_lines(&error.render().to_string()));
            Err(ExitCode::from(exit::USAGE))
        }
    }
}

/// Runs `command` and reports how it went on stdout and stderr.
pub fn run<S: Store<Todo>, C: Clock, U: UlidSource>(
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
    let outcome = execute(command, view, app, &mut out).and_then(|outcome| {
        let saved = match &outcome {
            Outcome::Saved(saved) => Some(saved.as_str()),
            _ => None,
        };
        out.flush().map_err(|e| Failure::output(e, saved))?;
        Ok(outcome)
    });
    match outcome {
        Ok(Outcome::Done | Outcome::Saved(_)) => ExitCode::SUCCESS,
        Ok(Outcome::NothingFound) => ExitCode::from(exit::NOT_FOUND),
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
            Some(
                "the change is saved, and running the command again would repeat it; `my-todo show` shows the list",
            ),
        ),
        Err(Failure::App(e)) => report(&e),
        Err(Failure::Usage(message)) => fail(exit::USAGE, &message, None),
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

/// Prints `error: ...` and an optional `tip: ...` to stderr. Messages name
/// files and quote arguments, so control characters are shown escaped.
pub fn fail(code: u8, message: &str, tip: Option<&str>) -> ExitCode {
    let mut err = anstream::stderr().lock();
    // Nothing useful is left to do if stderr itself is gone.
    let _ = writeln!(err, "{ERROR}error:{ERROR:#} {}", render::visible(message));
    if let Some(tip) = tip {
        let _ = writeln!(err, "{TIP}tip:{TIP:#} {}", render::visible(tip));
    }
    ExitCode::from(code)
}

fn report(error: &AppError) -> ExitCode {
    match error {
        AppError::Unknown(_) => fail(
            exit::NOT_FOUND,
            &format!("{error}; nothing was changed"),
            Some("run `my-todo show` to see the ids"),
        ),
        AppError::Unreadable(e) => fail(
            exit::DATA,
            &e.to_string(),
            Some("fix the todo in an editor; my-todo never writes over what it cannot read"),
        ),
        AppError::Full(_) => fail(
            exit::DATA,
            &format!("{error}; nothing was changed"),
            Some("start a new list with --file, or move this one aside"),
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
    /// Arguments that clap could not check, like ids read from stdin.
    Usage(String),
    /// Printing failed, after the change named by `saved`, if any, was saved.
    Output {
        error: io::Error,
        saved: Option<String>,
    },
}

impl Failure {
    fn output(error: io::Error, saved: Option<&str>) -> Self {
        Self::Output {
            error,
            saved: saved.map(str::to_owned),
        }
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        Self::output(error, None)
    }
}

fn execute<S: Store<Todo>, C: Clock, U: UlidSource>(
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
            let saved = format!("todo #{} was added", todo.id);
            let printed = match view.json {
                true => render::json(std::slice::from_ref(&todo), out),
                false => writeln!(
                    out,
                    "Added #{}: {}",
                    todo.id,
                    render::visible(todo.title.as_str())
                ),
            };
            printed.map_err(|e| Failure::output(e, Some(&saved)))?;
            return Ok(Outcome::Saved(saved));
        }
        Command::Show { count } => {
            let todos = app.show(count)?;
            if todos.is_empty() && !view.json {
                writeln!(
                    out,
                    "No todos yet. Add one with: my-todo add \"Buy milk\" \"2 liters\""
                )?;
            } else {
                list(&todos, out)?;
            }
        }
        Command::Done { ids } => {
            let done = app.done(&references(&ids)?)?;
            let saved = completed(&done);
            let printed = match view.json {
                true => render::json(&done, out),
                false => done.iter().try_for_each(|todo| describe_done(todo, out)),
            };
            printed.map_err(|e| Failure::output(e, Some(&saved)))?;
            return Ok(Outcome::Saved(saved));
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

/// The todos `ids` name, with those read from stdin in place of `-`:
/// numbers and ULIDs separated by spaces or lines.
fn references(ids: &[Named]) -> Result<Vec<Ref>, Failure> {
    let mut refs = Vec::with_capacity(ids.len());
    for id in ids {
        match id {
            Named::Todo(r) => refs.push(*r),
            Named::Stdin => {
                let mut text = String::new();
                io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| Failure::Usage(format!("cannot read todo ids from stdin: {e}")))?;
                let before = refs.len();
                // Each id takes two bytes at least, with what separates it.
                refs.reserve(text.len() / 2);
                for word in text.split_whitespace() {
                    refs.push(args::parse_ref(word).map_err(Failure::Usage)?);
                }
                if refs.len() == before {
                    return Err(Failure::Usage("no todo ids on stdin".into()));
                }
            }
        }
    }
    Ok(refs)
}

/// Which todos were completed, in a few words however many there were.
fn completed(done: &[Todo]) -> String {
    match done {
        [todo] => format!("todo #{} was completed", todo.id),
        few if few.len() <= 5 => {
            let numbers: Vec<String> = few.iter().map(|t| format!("#{}", t.id)).collect();
            format!("todos {} were completed", numbers.join(", "))
        }
        many => format!("{} todos were completed", many.len()),
    }
}

fn describe_done(todo: &Todo, out: &mut impl Write) -> io::Result<()> {
    // In pieces rather than through one format string: `done -` may print
    // a hundred thousand of these.
    write!(out, "Done #{}: ", todo.id)?;
    out.write_all(render::visible(todo.title.as_str()).as_bytes())?;
    if !todo.description.is_empty() {
        out.write_all(b" (")?;
        out.write_all(render::visible(&todo.description).as_bytes())?;
        out.write_all(b")")?;
    }
    out.write_all(b"\n")
}
