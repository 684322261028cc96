//! The use cases: one function per command, generic over the ports.
//! `sharing.rs`: those of a list kept in git.

pub mod sharing;

use jiff::Timestamp;

use crate::domain::{
    BrokenHistory, CannotUndo, Change, Entry, ListFull, Needle, Record, Ref, Removals, Renumbered,
    Title, Todo, Undone, Unknown, Unreadable, undo,
};
use crate::ports::{Clock, Store, StoreError, UlidSource};

/// Why `add` failed; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Full(#[from] ListFull),
}

/// Why `show` or `find` failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Unreadable(#[from] Unreadable),
}

/// Why `done` failed; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum DoneError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Unknown(#[from] Unknown),
    #[error(transparent)]
    Unreadable(#[from] Unreadable),
    #[error(transparent)]
    History(#[from] BrokenHistory),
}

/// Why `edit` failed; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Unknown(#[from] Unknown),
    #[error(transparent)]
    Unreadable(#[from] Unreadable),
    #[error(transparent)]
    History(#[from] BrokenHistory),
    /// The record is no longer what the edit was made from: another
    /// change came first.
    #[error("it was changed or removed meanwhile")]
    Changed,
}

/// What `edit` did.
#[derive(Debug)]
pub enum Edited<R> {
    /// The record was `was`, and is `now`.
    Changed { was: R, now: R },
    /// The edit left the record as it was.
    Unchanged(R),
}

/// Why `undo` failed; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum UndoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Unreadable(#[from] Unreadable),
    #[error(transparent)]
    Full(#[from] ListFull),
    #[error(transparent)]
    History(#[from] BrokenHistory),
}

impl From<CannotUndo> for UndoError {
    fn from(error: CannotUndo) -> Self {
        match error {
            CannotUndo::Unreadable(e) => e.into(),
            CannotUndo::Full(e) => e.into(),
        }
    }
}

/// What `undo` did.
#[derive(Debug)]
pub enum Reverted {
    /// The todo added was taken off the list; it had the number it has here.
    Added(Todo),
    /// The todos completed are back, as they were but for the numbers
    /// `renumbered` says were given to others meanwhile.
    Done {
        todos: Vec<Todo>,
        renumbered: Vec<Renumbered>,
    },
    /// The todo edited is as it was before, under the number it has now.
    Edited { was: Todo, now: Todo },
}

/// What `undo` did, if anything, and the parts of the history it passed over.
#[derive(Debug)]
pub struct Undo {
    pub reverted: Option<Reverted>,
    pub skipped: Vec<BrokenHistory>,
}

pub struct App<S, C, U> {
    store: S,
    clock: C,
    ulids: U,
}

impl<S: Store<Todo>, C: Clock, U: UlidSource> App<S, C, U> {
    pub fn new(store: S, clock: C, ulids: U) -> Self {
        Self {
            store,
            clock,
            ulids,
        }
    }

    /// The time by the clock the use cases see, for saying how old a todo is.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn add(&self, title: Title, description: String) -> Result<Todo, AddError> {
        let created_at = self.clock.now();
        self.store.update(|list, history| {
            let todo = list.add(|id| Todo {
                id,
                ulid: self.ulids.next_ulid(id),
                title: title.clone(),
                description: description.clone(),
                created_at,
            })?;
            history.record(Change::Added {
                id: todo.id,
                ulid: todo.ulid,
            });
            Ok(todo)
        })
    }

    /// The `count` newest todos, newest first, and how many the list holds.
    pub fn show(&self, count: usize) -> Result<(Vec<Todo>, usize), ReadError> {
        let (recent, held) = self
            .store
            .read(|list| (list.recent(count), list.entries().len()))?;
        Ok((recent?, held))
    }

    /// Completes and removes the named todos, all or none, into the history.
    pub fn done(&self, refs: &[Ref]) -> Result<Vec<Todo>, DoneError> {
        let at = self.clock.now();
        self.store.update(|list, history| {
            history.usable()?;
            let removed = list.remove(refs)?;
            // Read before saving: a todo that cannot be shown is not removed.
            let todos = S::Entry::read_all(&removed)?;
            history.record(Change::Removed {
                at,
                entries: removed,
            });
            Ok(todos)
        })
    }

    /// Reverts the latest `add` or `done` that the list shows and that was
    /// not undone; none when there is nothing left to undo.
    pub fn undo(&self) -> Result<Undo, UndoError> {
        self.store.update(|list, history| {
            let latest = history.latest_in_effect(list)?;
            let undone = match latest {
                Some(latest) => undo(list, latest.change)?.map(|undone| (latest.number, undone)),
                None => None,
            };
            let reverted = match undone {
                Some((number, undone)) => {
                    history.record(Change::Undid { change: number });
                    Some(match undone {
                        Undone::Added { entry } => Reverted::Added(entry.read()?),
                        Undone::Removed {
                            entries,
                            renumbered,
                        } => Reverted::Done {
                            todos: S::Entry::read_all(&entries)?,
                            renumbered,
                        },
                        Undone::Edited { was, now } => Reverted::Edited {
                            was: was.read()?,
                            now: now.read()?,
                        },
                    })
                }
                None => None,
            };
            Ok(Undo {
                reverted,
                skipped: history.skipped().to_vec(),
            })
        })
    }

    /// The `count` todos completed last that are not on the list, newest first.
    pub fn history(&self, count: usize) -> Result<Removals<Todo>, StoreError> {
        self.store.removed(count)
    }

    /// Why the history cannot be used, for the commands that go on without it.
    pub fn history_problem(&self) -> Option<String> {
        self.store.history_problem()
    }

    /// The newest todos whose numbers begin with `digits`, at most `most`,
    /// newest first: what completing a number offers. Reads only those.
    pub fn numbered(&self, digits: &str, most: usize) -> Result<Vec<Todo>, ReadError> {
        Ok(self.store.read(|list| {
            let chosen: Vec<S::Entry> = (list.entries().iter().rev())
                .filter(|entry| entry.id().to_string().starts_with(digits))
                .take(most)
                .cloned()
                .collect();
            S::Entry::read_all(&chosen)
        })??)
    }

    /// Todos mentioning `text` in title or description, newest first.
    pub fn find(&self, text: &str) -> Result<Vec<Todo>, ReadError> {
        let needle = Needle::new(text);
        Ok(self
            .store
            .read(|list| list.find(&needle, Todo::mentions))??)
    }
}

/// The use cases that hold for any record.
impl<S, C: Clock, U: UlidSource> App<S, C, U> {
    /// The record `reference` names, as it is now.
    pub fn record<R: Record>(&self, reference: Ref) -> Result<R, EditError>
    where
        S: Store<R>,
    {
        self.store.read(|list| {
            let at = list.locate(reference)?;
            Ok(list.entries()[at].read()?)
        })?
    }

    /// Changes the record `reference` names into what `change` makes of
    /// it, keeping its number and ULID; with `expected`, only if the record
    /// still is that (number aside), as when it was handed to an editor.
    pub fn edit<R: Record>(
        &self,
        reference: Ref,
        expected: Option<&R>,
        change: impl Fn(&R) -> R,
    ) -> Result<Edited<R>, EditError>
    where
        S: Store<R>,
    {
        /// How an edit stops short of a change: an edit that changes
        /// nothing stops as a failure would, so that nothing is written.
        enum Stop<R> {
            Failed(EditError),
            Unchanged(R),
        }
        impl<R, E: Into<EditError>> From<E> for Stop<R> {
            fn from(error: E) -> Self {
                Self::Failed(error.into())
            }
        }
        let edited = self.store.update(|list, history| {
            history.usable()?;
            let at = list.locate(reference)?;
            let entry = &list.entries()[at];
            if let Some(expected) = expected
                && !entry.holds(expected)?
            {
                return Err(Stop::Failed(EditError::Changed));
            }
            let was = entry.read()?;
            let now = change(&was).with_id(Record::id(&was));
            if now == was {
                return Err(Stop::Unchanged(was));
            }
            let edited = entry.edited(now.clone())?;
            let before = list.replace(at, edited.clone());
            history.record(Change::Edited {
                was: before,
                now: edited,
            });
            Ok(Edited::Changed { was, now })
        });
        match edited {
            Ok(edited) => Ok(edited),
            Err(Stop::Unchanged(record)) => Ok(Edited::Unchanged(record)),
            Err(Stop::Failed(error)) => Err(error),
        }
    }
}
