//! `git merge`, `git resolve` and `git setup`: a list kept in git, for any
//! record. What each says; the command line is declared here too.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::{Failure, Outcome, exit, table};
use crate::app::sharing::{Report, Sharing, SharingError};
use crate::domain::Record;
use crate::ports::{Repository, StoreErrorKind, Versions};

#[derive(Debug, Subcommand)]
pub enum GitCommand {
    /// Have git merge the list with {{project-name}}, in this clone
    #[command(
        long_about = "Have git merge the list with {{project-name}}, in this clone.\n\n\
            Adds the list to .gitattributes with merge={{project-name}} (commit that file), \
            registers the merge driver in this clone's git config, and keeps the lock \
            file out of git status. Run it once in every clone; running it again changes nothing.",
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
            \tdriver = {{project-name}} git merge %O %A %B %P"
    )]
    Merge {
        /// The version both sides come from (git's %O); empty when both added the list
        base: PathBuf,
        /// This side's version, and where the result goes (git's %A)
        ours: PathBuf,
        /// The other side's version (git's %B)
        theirs: PathBuf,
        /// The list's path in the repository, for messages (git's %P)
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

/// Runs `command`; `name` names a record in messages, in a few words.
pub fn execute<R: Record, V: Versions<R>, G: Repository>(
    command: GitCommand,
    sharing: &Sharing<V, G>,
    name: impl Fn(&R) -> String,
    out: &mut dyn Write,
) -> Result<Outcome, Failure> {
    let list = sharing.list::<R>().display().to_string();
    match command {
        GitCommand::Setup => {
            for line in sharing.set_up::<R>()? {
                writeln!(out, "{}", table::visible(&line))?;
            }
            Ok(Outcome::Done)
        }
        GitCommand::Merge {
            base,
            ours,
            theirs,
            path,
        } => {
            let shown = path
                .as_deref()
                .unwrap_or(Path::new("the list"))
                .display()
                .to_string();
            let report = sharing.merge::<R>(&shown, [&base, &ours, &theirs])?;
            Ok(tell(&shown, &report, &name, V::CONFLICTS))
        }
        GitCommand::Resolve => match sharing.resolve::<R>()? {
            None => {
                writeln!(out, "{list} has no unfinished merge: nothing to resolve")?;
                Ok(Outcome::Done)
            }
            Some(report) => {
                let outcome = tell(&list, &report, &name, V::CONFLICTS);
                if report.is_clean() {
                    writeln!(out, "Merged {list}; finish with: git add {list}")?;
                }
                Ok(outcome)
            }
        },
    }
}

/// Says on stderr what a merge changed that people should know, as git
/// shows a driver's words among its own.
fn tell<R>(list: &str, report: &Report<R>, name: &impl Fn(&R) -> String, kept_in: &str) -> Outcome {
    let mut err = anstream::stderr().lock();
    let named = |record: &Option<R>| {
        record
            .as_ref()
            .map(|r| format!(" '{}'", table::visible(&name(r))))
            .unwrap_or_default()
    };
    // Nothing useful is left to do if stderr itself is gone.
    for r in &report.renumbered {
        let _ = writeln!(
            err,
            "{list}: #{}{} is now #{}",
            r.from,
            named(&r.record),
            r.to
        );
    }
    for c in &report.conflicts {
        let at = match c.id {
            Some(id) => format!("#{id}{}", named(&c.record)),
            None => "the list itself".to_owned(),
        };
        let [a, b] = c
            .values
            .clone()
            .map(|v| v.unwrap_or_else(|| "nothing".into()));
        let _ = writeln!(
            err,
            "{list}: conflict in {at}: \"{}\" is {} on one side and {} on the other",
            table::visible(&c.field),
            table::visible(&a),
            table::visible(&b),
        );
    }
    if report.is_clean() {
        return Outcome::Done;
    }
    let _ = writeln!(
        err,
        "tip: both values are kept in \"{kept_in}\" beside the one the list has now; \
         edit {list} to keep the right one, remove \"{kept_in}\", then `git add {list}`"
    );
    Outcome::Conflicted
}

impl From<SharingError> for Failure {
    fn from(error: SharingError) -> Self {
        let (code, tip) = match &error {
            SharingError::Store(e) => {
                let code = match e.kind {
                    StoreErrorKind::Unusable => exit::DATA,
                    StoreErrorKind::Io => exit::IO,
                    StoreErrorKind::Busy => exit::TEMPORARY,
                };
                (code, e.tip.clone())
            }
            SharingError::Repository(e) => (exit::UNAVAILABLE, e.tip.clone()),
            SharingError::OutOfNumbers(_) => (exit::DATA, None),
            SharingError::Deleted(list) => (
                exit::DATA,
                Some(format!(
                    "keep one side with `git checkout --ours {list}` or `--theirs`, or remove it with `git rm {list}`"
                )),
            ),
        };
        Failure::Report {
            code,
            message: error.to_string(),
            tip,
        }
    }
}
