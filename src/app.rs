//! The use cases: one function per command, generic over the ports.

use jiff::Timestamp;

use crate::domain::{Entry, ListFull, Title, Todo, TodoRef, UnknownTodos, UnreadableTodo};
use crate::ports::{Clock, StoreError, TodoStore, UlidSource};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Unknown(#[from] UnknownTodos),
    #[error(transparent)]
    Unreadable(#[from] UnreadableTodo),
    #[error(transparent)]
    Full(#[from] ListFull),
}

pub struct App<S, C, U> {
    store: S,
    clock: C,
    ulids: U,
}

impl<S: TodoStore, C: Clock, U: UlidSource> App<S, C, U> {
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
        let now = self.clock.now();
        self.store.update(|list| {
            let ulid = self.ulids.next_ulid(list.next_id());
            Ok(list.add(title, description, ulid, now)?)
        })
    }

    /// The `count` newest todos, newest first.
    pub fn show(&self, count: usize) -> Result<Vec<Todo>, AppError> {
        Ok(self.store.read(|list| list.recent(count))??)
    }

    /// Completes and removes the named todos, all or none.
    pub fn done(&self, refs: &[TodoRef]) -> Result<Vec<Todo>, AppError> {
        self.store.update(|list| {
            let removed = list.complete(refs)?;
            // Read before saving: a todo that cannot be shown is not removed.
            Ok(removed.iter().map(Entry::todo).collect::<Result<_, _>>()?)
        })
    }

    /// Todos mentioning `text` in title or description, newest first.
    pub fn find(&self, text: &str) -> Result<Vec<Todo>, AppError> {
        Ok(self.store.read(|list| list.find(text))??)
    }
}
