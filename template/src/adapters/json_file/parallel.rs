//! Work on a long list split into parts, one per core.
//!
//! Reading, checking and searching a list are each one pass over its text
//! whose pieces do not depend on each other, so a large list is split and
//! the parts run side by side. A small list stays on one thread: starting
//! a thread costs more than the work.

use std::num::NonZero;
use std::ops::Range;
use std::sync::{Mutex, OnceLock};
use std::thread;

/// Below this many bytes per part, a thread is not worth starting.
pub const MIN_PART_BYTES: usize = 1 << 20;

/// How many parts to split `bytes` bytes of work into.
pub fn part_count(bytes: usize) -> usize {
    // Asked once: on Linux the answer reads the process's cgroup files.
    static CORES: OnceLock<usize> = OnceLock::new();
    let cores = *CORES.get_or_init(|| thread::available_parallelism().map_or(1, NonZero::get));
    cores.min(bytes / MIN_PART_BYTES).max(1)
}

/// `0..len` cut into `parts` ranges of about the same length, in order.
pub fn even_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    let size = len.div_ceil(parts.max(1)).max(1);
    (0..len)
        .step_by(size)
        .map(|start| start..len.min(start + size))
        .collect()
}

/// Runs `work` on each part, the first on this thread and the rest on
/// threads of their own, and returns the results in the parts' order.
/// Where a thread cannot be started, its part runs here instead.
pub fn each<P: Send, T: Send>(parts: Vec<P>, work: impl Fn(P) -> T + Sync) -> Vec<T> {
    if parts.is_empty() {
        return Vec::new();
    }
    // Each part waits in a slot until whichever thread runs it takes it.
    let slots: Vec<Mutex<Option<P>>> = parts.into_iter().map(|p| Mutex::new(Some(p))).collect();
    let run = |n: usize| {
        let part = slots[n].lock().ok().and_then(|mut slot| slot.take());
        part.map(&work)
    };
    thread::scope(|scope| {
        let started: Vec<_> = (1..slots.len())
            .map(|n| thread::Builder::new().spawn_scoped(scope, move || run(n)))
            .collect();
        let mut results: Vec<T> = run(0).into_iter().collect();
        for (n, started) in (1..).zip(started) {
            let result = match started {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(_) => run(n),
            };
            results.extend(result);
        }
        results
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_parts_is_no_work_and_every_part_is_worked_in_order() {
        assert_eq!(each(Vec::<u8>::new(), |p| p), Vec::<u8>::new());
        assert_eq!(each(vec![1, 2, 3], |p| p * 10), [10, 20, 30]);
        assert_eq!(even_ranges(0, 1), Vec::<Range<usize>>::new());
        assert_eq!(even_ranges(5, 2), [0..3, 3..5]);
    }
}
