//! The composition root: the only place that knows which adapters exist.

use std::process::ExitCode;

use jiff::Timestamp;

use {{crate_name}}::adapters::cli;
use {{crate_name}}::adapters::git::GitRepository;
use {{crate_name}}::adapters::json_file::JsonFileStore;
use {{crate_name}}::adapters::time::{DerivedUlids, PinnedClock, RandomUlids, SystemClock};
use {{crate_name}}::app::App;
use {{crate_name}}::app::sharing::Sharing;
use {{crate_name}}::domain::Record;
use {{crate_name}}::ports::{Clock, UlidSource};

/// Pins the clock, and with it the ULIDs, for reproducible runs (docs, tests).
const PIN_TIME_VAR: &str = "{{project-name | shouty_snake_case}}_NOW";

fn main() -> ExitCode {
    // Past a file-size limit (`ulimit -f`), a write then fails with an error
    // that is reported, and its temporary file removed, instead of the
    // process being killed mid-save.
    #[cfg(unix)]
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGXFSZ,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
    // `{{project-name | shouty_snake_case}}_COMPLETE=bash {{project-name}} -- ...`, as a completion script runs
    // it: the words a shell offers for the command line, and nothing else.
    // A variable of the program's own, so that one set for another
    // program's completions changes nothing here.
    clap_complete::CompleteEnv::with_factory(|| cli::completing(numbers))
        .var(cli::COMPLETE_VAR)
        .complete();
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let (clock, ulids): (Box<dyn Clock>, Box<dyn UlidSource>) = match std::env::var(PIN_TIME_VAR) {
        Err(_) => (Box::new(SystemClock), Box::new(RandomUlids)),
        Ok(raw) => match raw.parse::<Timestamp>() {
            Ok(now) => (Box::new(PinnedClock(now)), Box::new(DerivedUlids(now))),
            Err(e) => {
                let message = format!("{PIN_TIME_VAR} is not an RFC 3339 time ({e})");
                return cli::fail(cli::exit::USAGE, &message, None);
            }
        },
    };
    let store = JsonFileStore::new(&cli.file, cli.lock_timeout);
    let app = App::new(store, clock, ulids);
    let versions = JsonFileStore::new(&cli.file, cli.lock_timeout);
    let sharing = Sharing::new(versions, GitRepository::new(env!("CARGO_BIN_NAME")));
    cli::run(cli.json, cli.color, |view, out| {
        cli::commands::execute(cli.command, view, &app, &sharing, out)
    })
}

/// The records whose numbers begin with `digits`, newest first, each with
/// its hint: what completing a number offers. Read only; nothing is
/// written, and a list that cannot be read offers nothing.
fn numbers(digits: &str) -> Vec<(u64, String)> {
    let store = JsonFileStore::new(cli::file_on_the_line(), std::time::Duration::ZERO);
    let app = App::new(store, SystemClock, RandomUlids);
    app.numbered(digits, 100)
        .map(|records| {
            (records.iter())
                .map(|record| (record.id().0, cli::render::hint(record)))
                .collect()
        })
        .unwrap_or_default()
}
