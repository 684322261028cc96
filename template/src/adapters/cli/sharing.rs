//! `git merge`, `git resolve` and `git setup`: a list kept in git, for any
//! record. What each does and says; `args.rs` declares them.

use std::io::Write;
use std::path::Path;

use super::{Failure, GitCommand, Outcome, exit, table, warn};
use crate::app::sharing::{Report, Sharing, SharingError};
use crate::domain::Record;
use crate::ports::{Repository, Versions};

/// Runs `command`; `name` names a record in messages, in a few words.
pub fn execute<R: Record, V: Versions<R>, G: Repository>(
    command: GitCommand,
    sharing: &Sharing<V, G>,
    name: impl Fn(&R) -> String,
    out: &mut dyn Write,
) -> Result<Outcome, Failure> {
    // Paths are shown escaped, as a record's text is: a name cannot drive the terminal.
    let list = table::visible(&sharing.list::<R>().display().to_string()).into_owned();
    match command {
        GitCommand::Setup => {
            for line in sharing.set_up::<R>()? {
                writeln!(out, "{}", table::visible(&line))?;
            }
            Ok(Outcome::Finished)
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
            let shown = table::visible(&shown).into_owned();
            let report = sharing.merge::<R>(&shown, [&base, &ours, &theirs])?;
            Ok(tell(&shown, &report, &name, V::CONFLICTS))
        }
        GitCommand::Resolve => match sharing.resolve::<R>()? {
            None => {
                writeln!(out, "{list} has no unfinished merge: nothing to resolve")?;
                Ok(Outcome::Finished)
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

/// Refuses a change to a list git holds unmerged (`writes`), or warns
/// that reading it may show one side only.
pub fn check_merged<R: Record, V: Versions<R>, G: Repository>(
    sharing: &Sharing<V, G>,
    writes: bool,
) -> Result<(), Failure> {
    let list = table::visible(&sharing.list::<R>().display().to_string()).into_owned();
    let unmerged = format!("git has not finished merging {list}, which may hold one side only");
    let tip = format!(
        "run `{{project-name}} git resolve` to merge both sides, settle any conflict it names, \
         then `git add {list}`; if git could not run {{project-name}}, run `{{project-name}} git setup` too"
    );
    match sharing.unfinished::<R>() {
        Ok(false) => {}
        Ok(true) if writes => {
            return Err(Failure::Report {
                code: exit::DATA,
                message: format!("{unmerged}; nothing was changed"),
                tip: Some(tip),
            });
        }
        Ok(true) => warn(&format!("{unmerged}: {tip}")),
        Err(e) => warn(&format!(
            "cannot tell whether git has finished merging {list}: {e}"
        )),
    }
    Ok(())
}

/// After a change: the files it left beside a list in a work tree stay
/// out of `git status`, or a warning says why they could not.
pub fn keep_private<R: Record, V: Versions<R>, G: Repository>(sharing: &Sharing<V, G>) {
    if let Err(e) = sharing.keep_private::<R>() {
        warn(&e.to_string());
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
        return Outcome::Finished;
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
            SharingError::Store(e) => return e.clone().into(),
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
