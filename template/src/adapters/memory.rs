//! A store that keeps the list and its history in memory: for tests and
//! for embedding.

use std::cell::RefCell;

use crate::domain::{Change, Completed, History, List, Record};
use crate::ports::{Store, StoreError};

#[derive(Debug)]
pub struct MemoryStore<R> {
    list: RefCell<List<R>>,
    /// Every change, oldest first.
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

impl<R: Record> Store<R> for MemoryStore<R> {
    type Entry = R;

    fn read<T>(&self, f: impl FnOnce(&List<R>) -> T) -> Result<T, StoreError> {
        Ok(f(&self.list.borrow()))
    }

    fn update<T, E: From<StoreError>>(
        &self,
        mut f: impl FnMut(&mut List<R>, &mut History<R>) -> Result<T, E>,
    ) -> Result<T, E> {
        // Work on a copy so that a failing `f` leaves no trace.
        let mut draft = self.list.borrow().clone();
        let mut changes = self.history.borrow_mut();
        let latest = changes.last().cloned();
        let mut history = History::new(Ok(latest));
        let out = f(&mut draft, &mut history)?;
        if history.took_latest() {
            changes.pop();
        }
        changes.extend(history.recorded().iter().cloned());
        *self.list.borrow_mut() = draft;
        Ok(out)
    }

    fn completed(&self, count: usize) -> Result<Vec<Completed<R>>, StoreError> {
        let mut found = Vec::new();
        for change in self.history.borrow().iter().rev() {
            if let Change::Done { at, entries } = change {
                let newest_first = entries.iter().rev();
                found.extend(newest_first.map(|record| Completed {
                    record: record.clone(),
                    at: *at,
                }));
            }
            if found.len() >= count {
                break;
            }
        }
        found.truncate(count);
        Ok(found)
    }

    fn history_problem(&self) -> Option<String> {
        None
    }
}
