//! The todo list's commands: what each does with the use cases, what it
//! prints, and what its failures say. The command line itself is `args.rs`.

mod edit;

use std::io::{self, IsTerminal, Read, Write};

use clap::CommandFactory;
use clap_complete::Shell;

use super::args::{self, Cli, Command, Named};
use super::{
    Failure, MEND_HISTORY, Outcome, View, describe, exit, man, refused, render, saved, table,
    unreadable, warn,
};
use crate::app::sharing::Sharing;
use crate::app::{AddError, App, DoneError, ReadError, Reverted, UndoError};
use crate::domain::{BrokenHistory, Ref, Renumbered, Todo};
use crate::ports::{Clock, Repository, Store, UlidSource, Versions};

/// What the program says when a use case fails, and the exit code: each
/// cause as `refused` words it.
impl From<AddError> for Failure {
    fn from(error: AddError) -> Self {
        match error {
            AddError::Store(e) => e.into(),
            AddError::Full(e) => refused(exit::DATA, &e, FULL),
        }
    }
}

impl From<ReadError> for Failure {
    fn from(error: ReadError) -> Self {
        match error {
            ReadError::Store(e) => e.into(),
            ReadError::Unreadable(e) => unreadable(&e),
        }
    }
}

impl From<DoneError> for Failure {
    fn from(error: DoneError) -> Self {
        match error {
            DoneError::Store(e) => e.into(),
            DoneError::Unknown(e) => {
                refused(exit::NOT_FOUND, &e, "run `{{project-name}} show` to see the ids")
            }
            DoneError::Unreadable(e) => unreadable(&e),
            DoneError::History(e) => refused(exit::DATA, &e, MEND_HISTORY),
        }
    }
}

impl From<UndoError> for Failure {
    fn from(error: UndoError) -> Self {
        match error {
            UndoError::Store(e) => e.into(),
            UndoError::Unreadable(e) => unreadable(&e),
            UndoError::Full(e) => refused(exit::DATA, &e, FULL),
            UndoError::History(e) => refused(exit::DATA, &e, MEND_HISTORY),
        }
    }
}

const FULL: &str = "start a new list with --file, or move this one aside";

/// Runs `command` against the use cases, printing on `out` as `view` asks.
/// A list git holds unmerged is not changed, and read with a warning; the
/// files a change leaves beside a list in git stay out of `git status`.
pub fn execute<S: Store<Todo>, C: Clock, U: UlidSource, V: Versions<Todo>, G: Repository>(
    command: Command,
    view: View,
    app: &App<S, C, U>,
    sharing: &Sharing<V, G>,
    out: &mut dyn Write,
) -> Result<Outcome, Failure> {
    let writes = matches!(
        command,
        Command::Add { .. } | Command::Done { .. } | Command::Edit { .. } | Command::Undo
    );
    let reads = matches!(
        command,
        Command::Show { .. } | Command::Find { .. } | Command::History { .. }
    );
    if writes || reads {
        super::sharing::check_merged::<Todo, _, _>(sharing, writes)?;
    }
    let outcome = perform(command, view, app, sharing, out)?;
    if writes {
        super::sharing::keep_private::<Todo, _, _>(sharing);
    }
    Ok(outcome)
}

/// Runs `command`, once `execute` has checked the list may be used.
fn perform<S: Store<Todo>, C: Clock, U: UlidSource, V: Versions<Todo>, G: Repository>(
    command: Command,
    view: View,
    app: &App<S, C, U>,
    sharing: &Sharing<V, G>,
    out: &mut dyn Write,
) -> Result<Outcome, Failure> {
    let list = |todos: &[Todo], out: &mut _| match view.json {
        true => render::json(todos, out),
        false => render::table(todos, app.now(), &view.frame(), out),
    };
    // Commands that do without the history say once that it is broken.
    if matches!(
        command,
        Command::Add { .. } | Command::Show { .. } | Command::Find { .. }
    ) && let Some(problem) = app.history_problem()
    {
        warn(&format!(
            "{problem}; done, edit and undo refuse until it is fixed or moved aside"
        ));
    }
    match command {
        Command::Add { title, description } => {
            let todo = app.add(title, description.unwrap_or_default())?;
            let saved = saved(std::slice::from_ref(&todo), "added");
            let printed = match view.json {
                true => render::json(std::slice::from_ref(&todo), out),
                false => writeln!(
                    out,
                    "Added #{}: {}",
                    todo.id,
                    table::visible(todo.title.as_str())
                ),
            };
            printed.map_err(|e| Failure::output(e, Some(&saved)))?;
            return Ok(Outcome::Saved(saved));
        }
        Command::Show { count } => {
            let (todos, held) = app.show(count)?;
            if todos.is_empty() && !view.json {
                writeln!(
                    out,
                    "No todos yet. Add one with: {{project-name}} add \"Buy milk\" \"2 liters\""
                )?;
            } else {
                list(&todos, out)?;
            }
            // A person at a terminal learns what the table leaves out.
            let more = held - todos.len();
            if view.width.is_some() && !view.json && more > 0 {
                let noun = if more == 1 { "todo" } else { "todos" };
                writeln!(out, "and {more} more {noun}: {{project-name}} show {held}")?;
            }
        }
        Command::Done { ids } => {
            let done = app.done(&references(&ids)?)?;
            let saved = saved(&done, "completed");
            let printed = match view.json {
                true => render::json(&done, out),
                false => done.iter().try_for_each(|todo| {
                    describe(out, "Done", todo.id, todo.title.as_str(), &todo.description)
                }),
            };
            printed.map_err(|e| Failure::output(e, Some(&saved)))?;
            return Ok(Outcome::Saved(saved));
        }
        Command::Edit {
            id,
            title,
            description,
        } => return edit::edit(app, id, title, description, view, out),
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
        Command::History { count } => {
            let shown = app.history(count)?;
            skipped(&shown.skipped);
            let completed = shown.removed;
            if completed.is_empty() && !view.json {
                writeln!(
                    out,
                    "Nothing completed yet. Complete a todo with: {{project-name}} done 1"
                )?;
            } else if view.json {
                render::history_json(&completed, out)?;
            } else {
                render::history_table(&completed, app.now(), &view.frame(), out)?;
            }
        }
        Command::Undo => {
            let undo = app.undo()?;
            skipped(&undo.skipped);
            let Some(reverted) = undo.reverted else {
                match view.json {
                    true => render::undo_json(None, &[], &[], out)?,
                    false => {
                        let _ = writeln!(anstream::stderr(), "nothing to undo");
                    }
                }
                return Ok(Outcome::NothingFound);
            };
            let saved = match &reverted {
                Reverted::Added(todo) => format!("the add of #{} was undone", todo.id),
                Reverted::Edited { was, .. } => format!("the edit of #{} was undone", was.id),
                Reverted::Done { todos, .. } => format!("{} back on the list", saved(todos, "put")),
            };
            let printed = match (&reverted, view.json) {
                (Reverted::Added(todo), true) => {
                    render::undo_json(Some("add"), std::slice::from_ref(todo), &[], out)
                }
                (Reverted::Done { todos, renumbered }, true) => {
                    let moves: Vec<(u64, u64)> =
                        renumbered.iter().map(|r| (r.from.0, r.to.0)).collect();
                    render::undo_json(Some("done"), todos, &moves, out)
                }
                (Reverted::Edited { was, .. }, true) => {
                    render::undo_json(Some("edit"), std::slice::from_ref(was), &[], out)
                }
                (Reverted::Edited { was, .. }, false) => describe(
                    out,
                    "Undid edit",
                    was.id,
                    was.title.as_str(),
                    &was.description,
                ),
                (Reverted::Added(todo), false) => describe(
                    out,
                    "Undid add",
                    todo.id,
                    todo.title.as_str(),
                    &todo.description,
                ),
                (Reverted::Done { todos, renumbered }, false) => {
                    moved(todos, renumbered);
                    todos.iter().try_for_each(|todo| {
                        describe(
                            out,
                            "Undid done",
                            todo.id,
                            todo.title.as_str(),
                            &todo.description,
                        )
                    })
                }
            };
            printed.map_err(|e| Failure::output(e, Some(&saved)))?;
            return Ok(Outcome::Saved(saved));
        }
        Command::Git(git) => {
            return super::sharing::execute(
                git,
                sharing,
                |todo: &Todo| todo.title.to_string(),
                out,
            );
        }
        Command::Completions { shell } => {
            let name = Cli::command().get_name().to_owned();
            let shells = clap_complete::env::Shells::builtins();
            let Some(script) = shells.completer(&shell.to_string()) else {
                return Err(Failure::Usage(format!("no completion for {shell}")));
            };
            // The completer is found on PATH when completing: an upgrade is picked up.
            script.write_registration(args::COMPLETE_VAR, &name, &name, &name, out)?;
            if shell == Shell::Zsh {
                // Loaded from `fpath` as `_{{project-name}}` on the first Tab, the script
                // also completes that Tab, rather than only set up the next.
                let function = format!("_clap_dynamic_completer_{}", name.replace('-', "_"));
                writeln!(
                    out,
                    "[[ {% raw %}${{funcstack[1]}}{% endraw %} == _{name} ]] && {function} \"$@\""
                )?;
            }
        }
        Command::Man { dir: None } => {
            let mut page = Vec::new();
            man::page(&Cli::command(), &manual_sections(), &mut page)?;
            // On a terminal, the page is read, not shown as roff.
            if !(io::stdout().is_terminal() && read_in_man(&page)) {
                out.write_all(&page)?;
            }
        }
        Command::Man { dir: Some(dir) } => {
            man::pages(&Cli::command(), &manual_sections(), &dir).map_err(|e| Failure::Report {
                code: exit::IO,
                message: format!("cannot write the manual pages in {}: {e}", dir.display()),
                tip: Some("name a folder that exists and that you may write in".into()),
            })?;
            writeln!(out, "Wrote the manual pages in {}", dir.display())?;
        }
    }
    Ok(Outcome::Finished)
}

/// Shows `page` with `man`, as `man {{project-name}}` would; false if it could not.
fn read_in_man(page: &[u8]) -> bool {
    let man = std::process::Command::new("man")
        .args(["-l", "-"])
        .stdin(std::process::Stdio::piped())
        .spawn();
    let Ok(mut man) = man else {
        return false;
    };
    let fed = man
        .stdin
        .take()
        .is_some_and(|mut stdin| stdin.write_all(page).is_ok());
    man.wait().is_ok_and(|status| status.success()) && fed
}

/// What the main manual page says beyond the commands and options.
fn manual_sections() -> Vec<man::Section> {
    let terms = |terms: &[(&str, &str)]| {
        terms
            .iter()
            .map(|(term, meaning)| ((*term).to_owned(), (*meaning).to_owned()))
            .collect()
    };
    vec![
        man::Section {
            heading: "EXIT STATUS",
            opening: "Scripts can test what happened:",
            terms: terms(&[
                ("0", "Success."),
                (
                    "1",
                    "Nothing found: an unknown id, no match for `find`, nothing to undo; for `git merge` and `git resolve`, a conflict to settle by hand.",
                ),
                (
                    "2",
                    "Usage: a bad argument, a blank title, an unknown command.",
                ),
                (
                    "65",
                    "The file is not a todo list this {{project-name}} can use (corrupt, wrong shape, newer format, git's conflict markers), or its history is not, or git holds it unmerged, or it has used every number. Nothing was changed.",
                ),
                (
                    "69",
                    "git is not installed, failed, or the list is not in a git work tree.",
                ),
                (
                    "73",
                    "The output could not be written after a change was saved: do not run the command again.",
                ),
                (
                    "74",
                    "Input or output failed: a folder or device where the file should be, a missing folder, permission denied, a full disk. Nothing was changed.",
                ),
                (
                    "75",
                    "Another {{project-name}} kept the list locked longer than `--lock-timeout`.",
                ),
            ]),
        },
        man::Section {
            heading: "ENVIRONMENT",
            opening: "Each setting is overridden by its option on the command line.",
            terms: terms(&[
                (
                    "{{project-name | shouty_snake_case}}_FILE",
                    "The list to use, as `--file`: set it in your shell's profile to keep one list for every folder.",
                ),
                (
                    "{{project-name | shouty_snake_case}}_LOCK_TIMEOUT",
                    "How many seconds a writer waits for another, as `--lock-timeout`.",
                ),
                (
                    "NO_COLOR",
                    "Set to anything, no colors, even on a terminal.",
                ),
                (
                    "CLICOLOR_FORCE",
                    "Set to anything but 0, colors even when the output is not a terminal.",
                ),
            ]),
        },
        man::Section {
            heading: "FILES",
            opening: "Beside the list, in its folder:",
            terms: terms(&[
                (
                    "todo.json",
                    "The list: JSON, one todo per line, safe to read, diff and keep in git.",
                ),
                (
                    "todo.json.history.jsonl",
                    "The history: every change made to the list, one line each, only ever added to; what `history` and `undo` read. Each clone keeps its own.",
                ),
                (
                    ".todo.json.lock",
                    "The lock that writers take in turn; never removed.",
                ),
                (
                    ".todo.json.*.tmp",
                    "A new list being written, renamed over the list once on disk; one left by a crash is removed by the next writer.",
                ),
            ]),
        },
        man::Section {
            heading: "SEE ALSO",
            opening: "git(1), and the README for sharing a list through git.",
            terms: Vec::new(),
        },
    ]
}

/// The todos `ids` name, with those read from stdin in place of `-`:
/// numbers and ULIDs separated by spaces or lines.
fn references(ids: &[Named]) -> Result<Vec<Ref>, Failure> {
    let mut refs = Vec::with_capacity(ids.len());
    for id in ids {
        match id {
            Named::Id(r) => refs.push(*r),
            Named::Stdin => {
                let mut text = String::new();
                io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| Failure::Usage(format!("cannot read todo ids from stdin: {e}")))?;
                let before = refs.len();
                // Each id takes two bytes at least, with what separates it.
                refs.reserve(text.len() / 2);
                for word in text.split_ascii_whitespace() {
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

/// Says which parts of the history could not be read, and were passed over.
fn skipped(parts: &[BrokenHistory]) {
    for part in parts {
        warn(&format!(
            "{part}; passed over (fix or delete that line in an editor)"
        ));
    }
}

/// Says which todos put back have new numbers, as `git merge` says it.
fn moved(todos: &[Todo], renumbered: &[Renumbered]) {
    let mut err = anstream::stderr().lock();
    for r in renumbered {
        let title = todos
            .iter()
            .find(|t| t.ulid == r.ulid)
            .map(|t| format!(" '{}'", table::visible(t.title.as_str())))
            .unwrap_or_default();
        // Nothing useful is left to do if stderr itself is gone.
        let _ = writeln!(
            err,
            "#{}{title} is back as #{}: another todo has #{} now",
            r.from, r.to, r.from
        );
    }
}
