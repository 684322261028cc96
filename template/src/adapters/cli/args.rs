//! The command line, as clap parses it.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::domain::{Title, TodoRef};

#[derive(Debug, Parser)]
#[command(name = "{{project-name}}", version, about, propagate_version = true)]
pub struct Cli {
    /// The todo list to use
    #[arg(
        long,
        global = true,
        env = "{{project-name | shouty_snake_case}}_FILE",
        value_name = "PATH",
        default_value = "todo.json"
    )]
    pub file: PathBuf,

    /// Print JSON for scripts instead of text for people
    #[arg(long, global = true)]
    pub json: bool,

    /// How long to wait while another {{project-name}} changes the same list
    #[arg(
        long,
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
    Add {
        /// What to do, in a few words
        #[arg(value_parser = parse_title)]
        title: Title,
        /// Anything else worth knowing
        description: Option<String>,
    },
    /// Show the newest todos, newest first
    #[command(visible_aliases = ["list", "ls"])]
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
    Done {
        /// The todos' numbers (as `show` prints them) or ULIDs
        #[arg(required = true, value_parser = parse_ref, allow_negative_numbers = true)]
        ids: Vec<TodoRef>,
    },
    /// Find todos whose title or description contains TEXT, ignoring case
    #[command(visible_alias = "search")]
    Find {
        /// The text to look for
        text: String,
    },
}

fn parse_title(raw: &str) -> Result<Title, String> {
    Title::new(raw).map_err(|e| format!("{e}; say what to do, e.g. \"Buy milk\""))
}

fn parse_count(raw: &str) -> Result<usize, String> {
    match raw.parse::<usize>() {
        Ok(0) => Err("the count must be at least 1".into()),
        Ok(count) => Ok(count),
        Err(_) => Err("give how many todos to show, a whole number from 1 up".into()),
    }
}

fn parse_ref(raw: &str) -> Result<TodoRef, String> {
    raw.parse()
        .map_err(|e: crate::domain::InvalidReference| e.to_string())
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
