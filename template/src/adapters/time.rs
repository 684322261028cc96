//! Clocks and ULID sources: the system's, and pinned ones for reproducible runs.

use jiff::Timestamp;
use ulid::Ulid;

use crate::domain::Id;
use crate::ports::{Clock, UlidSource};

/// The system clock, to the second: a record's times are for people, and the
/// list's order already says which came first.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_second(Timestamp::now().as_second()).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

/// ULIDs from the system time and a random source.
pub struct RandomUlids;

impl UlidSource for RandomUlids {
    fn next_ulid(&self, _id: Id) -> Ulid {
        Ulid::new()
    }
}

/// A clock stopped at one instant.
pub struct PinnedClock(pub Timestamp);

impl Clock for PinnedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// ULIDs derived from a pinned instant and the record's id: the same run
/// always yields the same ULIDs, and no two records of a list share one.
pub struct DerivedUlids(pub Timestamp);

impl UlidSource for DerivedUlids {
    fn next_ulid(&self, id: Id) -> Ulid {
        let millis = u64::try_from(self.0.as_millisecond()).unwrap_or(0);
        Ulid::from_parts(millis, u128::from(id.0))
    }
}
