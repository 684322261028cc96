//! The use cases: one function per command, generic over the ports.

use crate::domain::{Title, Todo, TodoRef, UnknownTodos};
use crate::ports::{Clock, StoreError, TodoStore, UlidSource};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Unknown(#[from] UnknownTodos),
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

    pub fn add(&self, title: Title, description: String) -> Result<Todo, AppError> {
        let now = self.clock.now();
        self.store.update(|list| {
            let ulid = self.ulids.next_ulid(list.next_id());
            Ok(list.add(title, description, ulid, now).clone())
        })
    }

    /// The `count` newest todos, newest first.
    pub fn show(&self, count: usize) -> Result<Vec<Todo>, AppError> {
        Ok(self
            .store
            .read(|list| list.recent(count).cloned().collect())?)
    }

    /// Completes and removes the named todos, all or none.
    pub fn done(&self, refs: &[TodoRef]) -> Result<Vec<Todo>, AppError> {
        self.store.update(|list| Ok(list.complete(refs)?))
    }

    /// Todos mentioning `text` in title or description, newest first.
    pub fn find(&self, text: &str) -> Result<Vec<Todo>, AppError> {
        Ok(self.store.read(|list| list.find(text).cloned().collect())?)
    }
}
