//! A store that keeps the list and its history in memory: for tests and
//! for embedding.

use std::cell::RefCell;

use crate::domain::{
    BrokenHistory, Change, History, Journal, List, Logged, Record, Removals, removed,
};
use crate::ports::{Store, StoreError, StoreErrorKind, Tip};

#[derive(Debug)]
pub struct MemoryStore<R> {
    list: RefCell<List<R>>,
    /// Every change, oldest first, numbered from 1.
    history: RefCell<Vec<Change<R>>>,
    /// Why the history cannot be used, once something broke it.
    broken: RefCell<Option<BrokenHistory>>,
}

impl<R> Default for MemoryStore<R> {
    fn default() -> Self {
        Self {
            list: RefCell::new(List::default()),
            history: RefCell::new(Vec::new()),
            broken: RefCell::new(None),
        }
    }
}

impl<R> MemoryStore<R> {
    /// Makes the history one that cannot be used, as a file store's can be
    /// broken by a hand: to see how what uses a store copes.
    pub fn break_history(&self, why: &str) {
        *self.broken.borrow_mut() = Some(BrokenHistory(why.into()));
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
        let broken = self.broken.borrow().clone();
        let mut history = History::new(broken.map_or_else(|| Ok(journal(&changes)), Err));
        let out = f(&mut draft, &mut history)?;
        let recorded = history.recorded().to_vec();
        self.history.borrow_mut().extend(recorded);
        *self.list.borrow_mut() = draft;
        Ok(out)
    }

    fn removed(&self, count: usize) -> Result<Removals<R>, StoreError> {
        if let Some(BrokenHistory(message)) = self.broken.borrow().clone() {
            return Err(StoreError {
                kind: StoreErrorKind::Unusable,
                message,
                tip: Some(Tip::MendHistory),
            });
        }
        let changes = self.history.borrow();
        Ok(removed(journal(&changes), &self.list.borrow(), count))
    }

    fn history_problem(&self) -> Option<String> {
        self.broken.borrow().as_ref().map(|e| e.0.clone())
    }
}
