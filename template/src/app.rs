//! The use cases: one function per command, generic over the ports.
//! `sharing.rs`: those of a list kept in git.

pub mod sharing;

use jiff::Timestamp;

use crate::domain::{Entry, ListFull, Needle, Ref, Title, Todo, Unknown, Unreadable};
use crate::ports::{Clock, Store, StoreError, UlidSource};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Unknown(#[from] Unknown),
    #[error(transparent)]
    Unreadable(#[from] Unreadable),
    #[error(transparent)]
    Full(#[from] ListFull),
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

    pub fn add(&self, title: Title, description: String) -> Result<Todo, AppError> {
        let created_at = self.clock.now();
        self.store.update(|list| {
            let todo = list.add(|id| Todo {
                id,
                ulid: self.ulids.next_ulid(id),
                title,
                description,
                created_at,
            })?;
            Ok(todo)
        })
    }

    /// The `count` newest todos, newest first.
    pub fn show(&self, count: usize) -> Result<Vec<Todo>, AppError> {
        Ok(self.store.read(|list| list.recent(count))??)
    }

    /// Completes and removes the named todos, all or none.
    pub fn done(&self, refs: &[Ref]) -> Result<Vec<Todo>, AppError> {
        self.store.update(|list| {
            let removed = list.remove(refs)?;
            // Read before saving: a todo that cannot be shown is not removed.
            Ok(S::Entry::read_all(&removed)?)
        })
    }

    /// Todos mentioning `text` in title or description, newest first.
    pub fn find(&self, text: &str) -> Result<Vec<Todo>, AppError> {
        let needle = Needle::new(text);
        Ok(self
            .store
            .read(|list| list.find(&needle, Todo::mentions))??)
    }
}
