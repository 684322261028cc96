//! The composition root: the only place that knows which adapters exist.

use std::process::ExitCode;

use clap::Parser;
use jiff::Timestamp;

use {{crate_name}}::adapters::cli::{self, Cli};
use {{crate_name}}::adapters::json_file::JsonFileStore;
use {{crate_name}}::adapters::time::{DerivedUlids, PinnedClock, RandomUlids, SystemClock};
use {{crate_name}}::app::App;
use {{crate_name}}::ports::{Clock, UlidSource};

/// Pins the clock, and with it the ULIDs, for reproducible runs (docs, tests).
const PIN_TIME_VAR: &str = "{{project-name | shouty_snake_case}}_NOW";

fn main() -> ExitCode {
    let cli = Cli::parse();
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
    let store = JsonFileStore::new(cli.file, cli.lock_timeout);
    cli::run(
        cli.command,
        cli.json,
        cli.color,
        &App::new(store, clock, ulids),
    )
}
