//! A store that keeps the list in memory: for tests and for embedding.

use std::cell::RefCell;

use crate::domain::{Todo, TodoList};
use crate::ports::{StoreError, TodoStore};

#[derive(Debug, Default)]
pub struct MemoryStore {
    list: RefCell<TodoList>,
}

impl TodoStore for MemoryStore {
    type Entry = Todo;

    fn read<T>(&self, f: impl FnOnce(&TodoList) -> T) -> Result<T, StoreError> {
        Ok(f(&self.list.borrow()))
    }

    fn update<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut TodoList) -> Result<T, E>,
    ) -> Result<T, E> {
        // Work on a copy so that a failing `f` leaves no trace.
        let mut draft = self.list.borrow().clone();
        let out = f(&mut draft)?;
        *self.list.borrow_mut() = draft;
        Ok(out)
    }
}
