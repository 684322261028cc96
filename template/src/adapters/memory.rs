//! A store that keeps the list in memory: for tests and for embedding.

use std::cell::RefCell;

use crate::domain::{List, Record};
use crate::ports::{Store, StoreError};

#[derive(Debug)]
pub struct MemoryStore<R> {
    list: RefCell<List<R>>,
}

impl<R> Default for MemoryStore<R> {
    fn default() -> Self {
        Self {
            list: RefCell::new(List::default()),
        }
    }
}

impl<R: Record> Store<R> for MemoryStore<R> {
    type Entry = R;

    fn read<T>(&self, f: impl FnOnce(&List<R>) -> T) -> Result<T, StoreError> {
        Ok(f(&self.list.borrow()))
    }

    fn update<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut List<R>) -> Result<T, E>,
    ) -> Result<T, E> {
        // Work on a copy so that a failing `f` leaves no trace.
        let mut draft = self.list.borrow().clone();
        let out = f(&mut draft)?;
        *self.list.borrow_mut() = draft;
        Ok(out)
    }
}
