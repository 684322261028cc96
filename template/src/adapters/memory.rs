//! A store that keeps the list and its history in memory: for tests and
//! for embedding.

use std::cell::RefCell;

use crate::domain::{Change, Completions, History, Journal, List, Logged, Record, completed};
use crate::ports::{Store, StoreError};

#[derive(Debug)]
pub struct MemoryStore<R> {
    list: RefCell<List<R>>,
    /// Every change, oldest first, numbered from 1.
    history: RefCell<Vec<Change<R>>>,
}

impl<R> Default for MemoryStore<R> {
    fn default() -> Self {
        Self {
            list: RefCell::new(List::default()),
            history: RefCell::new(Vec::new()),
        }
    }
}

/// `changes`, newest first, with their numbers.
fn journal<R: Record>(changes: &[Change<R>]) -> Journal<'_, R> {
    Box::new(changes.iter().enumerate().rev().map(|(n, change)| {
        Ok(Logged {
            number: n as u64 + 1,
            change: change.clone(),
        })
    }))
}

impl<R: Record> Store<R> for MemoryStore<R> {
    type Entry = R;

    fn read<T>(&self, f: impl FnOnce(&List<R>) -> T) -> Result<T, StoreError> {
        Ok(f(&self.list.borrow()))
    }

    fn update<T, E: From<StoreError>>(
        &self,
        mut f: impl FnMut(&mut List<R>, &mut History<'_, R>) -> Result<T, E>,
    ) -> Result<T, E> {
        // Work on a copy so that a failing `f` leaves no trace.
        let mut draft = self.list.borrow().clone();
        let changes = self.history.borrow().clone();
        let mut history = History::new(Ok(journal(&changes)));
        let out = f(&mut draft, &mut history)?;
        let recorded = history.recorded().to_vec();
        self.history.borrow_mut().extend(recorded);
        *self.list.borrow_mut() = draft;
        Ok(out)
    }

    fn completed(&self, count: usize) -> Result<Completions<R>, StoreError> {
        let changes = self.history.borrow();
        Ok(completed(journal(&changes), &self.list.borrow(), count))
    }

    fn history_problem(&self) -> Option<String> {
        None
    }
}
