//! The todo's `edit`: with options, or in the person's editor, with the
//! list unlocked while it is open.

use std::io::{self, IsTerminal, Write};

use crate::adapters::cli::{
    Failure, MEND_HISTORY, Outcome, View, describe, editor, exit, refused, render, table,
    unreadable, warn,
};
use crate::app::{App, EditError, Edited};
use crate::domain::{Ref, Title, Todo};
use crate::ports::{Clock, Store, UlidSource};

impl From<EditError> for Failure {
    fn from(error: EditError) -> Self {
        match error {
            EditError::Store(e) => e.into(),
            EditError::Unknown(e) => {
                refused(exit::NOT_FOUND, &e, "run `{{project-name}} show` to see the ids")
            }
            EditError::Unreadable(e) => unreadable(&e),
            EditError::History(e) => refused(exit::DATA, &e, MEND_HISTORY),
            EditError::Changed => refused(
                exit::NOT_FOUND,
                &"the todo was changed meanwhile",
                "run the edit again",
            ),
        }
    }
}

/// `edit`: with options, sets what they give; without, on a terminal,
/// opens the person's editor, the list unlocked meanwhile, and changes
/// the todo only if it is still what the editor was given.
pub(super) fn edit<S: Store<Todo>, C: Clock, U: UlidSource>(
    app: &App<S, C, U>,
    id: Ref,
    title: Option<Title>,
    description: Option<String>,
    view: View,
    out: &mut dyn Write,
) -> Result<Outcome, Failure> {
    let edited = if title.is_some() || description.is_some() {
        app.edit(id, None, |todo: &Todo| Todo {
            title: title.clone().unwrap_or_else(|| todo.title.clone()),
            description: description
                .clone()
                .unwrap_or_else(|| todo.description.clone()),
            ..todo.clone()
        })?
    } else if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        let Some(edited) = in_editor(app, id)? else {
            return Ok(Outcome::Finished);
        };
        edited
    } else {
        return Err(Failure::Report {
            code: exit::USAGE,
            message: "nothing to change: give --title or --description, or run it on a \
                      terminal to use your editor"
                .into(),
            tip: Some(format!("{{project-name}} edit {id} --title TEXT --description TEXT")),
        });
    };
    let now = match edited {
        Edited::Unchanged(todo) => {
            warn(&format!(
                "#{} was left as it was: nothing in it changed",
                todo.id
            ));
            return Ok(Outcome::Finished);
        }
        Edited::Changed { now, .. } => now,
    };
    let saved = format!("#{} was edited", now.id);
    let printed = match view.json {
        true => render::json(std::slice::from_ref(&now), out),
        false => describe(out, "Edited", now.id, now.title.as_str(), &now.description),
    };
    printed.map_err(|e| Failure::output(e, Some(&saved)))?;
    Ok(Outcome::Saved(saved))
}

/// `edit` in the person's editor: the list is unlocked while it is open,
/// and the todo changed only if it is still what the editor was given.
/// None where nothing was changed, as a warning said.
fn in_editor<S: Store<Todo>, C: Clock, U: UlidSource>(
    app: &App<S, C, U>,
    id: Ref,
) -> Result<Option<Edited<Todo>>, Failure> {
    let todo: Todo = app.record(id)?;
    let cannot = |e: io::Error| Failure::Report {
        code: exit::IO,
        message: format!("cannot edit #{}: {e}", todo.id),
        tip: Some("set VISUAL or EDITOR to an editor that waits until you quit".into()),
    };
    let given = render::draft(&todo);
    let (text, draft) = match editor::edit(&given, "edit").map_err(cannot)? {
        editor::Edited::Saved(text, draft) => (text, draft),
        editor::Edited::Failed(why) => {
            return Err(Failure::Report {
                code: exit::NOT_FOUND,
                message: format!("{why}; nothing was changed"),
                tip: None,
            });
        }
    };
    if text == given {
        warn(&format!(
            "#{} was left as it was: the file was saved unchanged",
            todo.id
        ));
        return Ok(None);
    }
    let Some((new_title, new_description)) = render::undraft(&text) else {
        warn(&format!(
            "#{} was left as it was: the file was emptied",
            todo.id
        ));
        return Ok(None);
    };
    // Nothing typed is lost: a failure keeps the file, and says where.
    let kept = |draft: editor::Draft, failure: Failure| {
        let Failure::Report { code, message, tip } = failure else {
            return failure;
        };
        let message = match draft.keep() {
            Ok(path) => format!(
                "{message}; what you typed is kept in {}",
                table::visible(&path.to_string_lossy())
            ),
            Err(e) => format!("{message}; what you typed could not be kept: {e}"),
        };
        Failure::Report { code, message, tip }
    };
    let new_title = match Title::new(&new_title) {
        Ok(title) => title,
        Err(e) => {
            let refused = refused(exit::USAGE, &e, "give the todo a title on the first line");
            return Err(kept(draft, refused));
        }
    };
    let change = |todo: &Todo| Todo {
        title: new_title.clone(),
        description: new_description.clone(),
        ..todo.clone()
    };
    match app.edit(Ref::Ulid(todo.ulid), Some(&todo), change) {
        Ok(edited) => Ok(Some(edited)),
        Err(EditError::Changed | EditError::Unknown(_)) => {
            let why = format!("#{} was changed or completed while you edited it", todo.id);
            let tip = "see it with `{{project-name}} show`, then edit it again";
            Err(kept(draft, refused(exit::NOT_FOUND, &why, tip)))
        }
        Err(e) => Err(kept(draft, e.into())),
    }
}
