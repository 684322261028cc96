//! Three versions of a list made one: what two clones changed since they
//! parted, put together. Pure, and the same for any record: a store hands
//! each side over as numbers, identities, times and fields it can compare.
//!
//! - A record removed on either side is removed: removal wins.
//! - A record added on either side is kept, once.
//! - A record on all sides takes each side's changes, field by field; a
//!   field changed one way on one side and another way on the other is a
//!   conflict, which keeps both values.
//! - Numbers are kept unless two records claim one: the smaller ULID keeps
//!   it, the others get new ones, in ULID order, above every number used.
//! - Records are in the order they were made, then by ULID.
//!
//! Nothing depends on which side is "ours": `merge(base, a, b)` and
//! `merge(base, b, a)` give the same list, which is what makes clones that
//! pull from each other, in either direction or by rebase, agree.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use ulid::Ulid;

use super::list::{EXHAUSTED, MAX_ID};
use super::record::Id;

/// A record's fields as a merge sees them: compared whole first, and split
/// into single fields only where the sides differ.
pub trait Mergeable: Clone + Eq {
    /// One field's value. The order only breaks ties, the same way
    /// whichever side is ours.
    type Value: Clone + Ord;

    /// The fields, by name, in the record's order.
    fn split(&self) -> Vec<(String, Self::Value)>;

    /// The record made of these fields, in this order.
    fn join(fields: Vec<(String, Self::Value)>) -> Self;

    /// When the record was made, if its fields say: a merged list is in
    /// this order, then the ULIDs' (which carry a time of their own).
    fn created(&self) -> Option<Timestamp> {
        None
    }

    /// `created` for many records at once, which a store may read side by side.
    fn created_each(all: &[&Self]) -> Vec<Option<Timestamp>> {
        all.iter().map(|fields| fields.created()).collect()
    }
}

/// One side's version of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version<F> {
    pub id: Id,
    pub ulid: Ulid,
    pub fields: F,
}

/// One side of a merge: a list as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side<F: Mergeable> {
    pub next_id: u64,
    /// The list's own fields besides its records, by name.
    pub top: Vec<(String, F::Value)>,
    pub records: Vec<Version<F>>,
}

impl<F: Mergeable> Default for Side<F> {
    fn default() -> Self {
        Self {
            next_id: 1,
            top: Vec::new(),
            records: Vec::new(),
        }
    }
}

/// A field changed one way on one side and another way on the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict<V> {
    /// The record, by number and ULID; none for a field of the list's own.
    pub record: Option<(Id, Ulid)>,
    pub field: String,
    /// The two sides' values, in order; none where a side removed the field.
    pub values: [Option<V>; 2],
}

/// A record that kept its ULID but had to give up its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Renumbered {
    pub ulid: Ulid,
    pub from: Id,
    pub to: Id,
}

/// The merged list, and what a person should know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged<F: Mergeable> {
    pub side: Side<F>,
    /// Where a conflict was, the merged record holds one of the two values:
    /// the one present, or the smaller.
    pub conflicts: Vec<Conflict<F::Value>>,
    pub renumbered: Vec<Renumbered>,
}

/// Two lists that gave out numbers close to the last a record can have
/// would need more numbers than there are to keep every record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the merged list would need numbers past {MAX_ID}, the last a record can have")]
pub struct OutOfNumbers;

/// The three-way merge of `ours` and `theirs`, which both come from `base`.
pub fn merge<F: Mergeable>(
    base: &Side<F>,
    ours: &Side<F>,
    theirs: &Side<F>,
) -> Result<Merged<F>, OutOfNumbers> {
    let mut conflicts = Vec::new();
    let mut records = Vec::with_capacity(ours.records.len().max(theirs.records.len()));
    by_ulid([base, ours, theirs], |[b, o, t]| match (b, o, t) {
        // Removed on a side: removal wins over any change.
        (Some(_), None, _) | (Some(_), _, None) | (None, None, None) => {}
        (None, Some(one), None) | (None, None, Some(one)) => records.push(one.clone()),
        (b, Some(o), Some(t)) => records.push(merge_record(b, o, t, &mut conflicts)),
    });
    // In ULID order now, which is most often the order they were made in.
    let made = F::created_each(&records.iter().map(|r| &r.fields).collect::<Vec<_>>());
    let keys: Vec<(i64, Ulid)> = made
        .into_iter()
        .zip(&records)
        .map(|(made, r)| {
            let made = made.map_or(r.ulid.timestamp_ms() as i64, Timestamp::as_millisecond);
            (made, r.ulid)
        })
        .collect();
    let mut records = match keys.is_sorted() {
        true => records,
        false => {
            let mut order: Vec<usize> = (0..records.len()).collect();
            order.sort_by_key(|&at| keys[at]);
            let mut records: Vec<Option<Version<F>>> = records.into_iter().map(Some).collect();
            order
                .into_iter()
                .filter_map(|at| records[at].take())
                .collect()
        }
    };
    let next_id = ours.next_id.max(theirs.next_id);
    let (next_id, renumbered) = renumber(&mut records, next_id);
    if next_id > EXHAUSTED {
        return Err(OutOfNumbers);
    }
    // Conflicts name a record by the number it has now.
    let moved: HashMap<Ulid, Id> = renumbered.iter().map(|r| (r.ulid, r.to)).collect();
    for conflict in &mut conflicts {
        if let Some((id, ulid)) = &mut conflict.record {
            *id = moved.get(ulid).copied().unwrap_or(*id);
        }
    }
    let top = merge_fields(&base.top, &ours.top, &theirs.top, None, &mut conflicts);
    conflicts.sort_by(|a, b| (a.record, &a.field).cmp(&(b.record, &b.field)));
    Ok(Merged {
        side: Side {
            next_id,
            top,
            records,
        },
        conflicts,
        renumbered,
    })
}

/// Calls `each` with the versions of each record on the three sides, in
/// ULID order: the sides' records sorted by ULID (most lists are
/// already), walked side by side.
fn by_ulid<'a, F: Mergeable>(
    sides: [&'a Side<F>; 3],
    mut each: impl FnMut([Option<&'a Version<F>>; 3]),
) {
    let sorted = sides.map(|side| {
        let mut sorted: Vec<&Version<F>> = side.records.iter().collect();
        if !sorted.is_sorted_by_key(|r| r.ulid) {
            sorted.sort_by_key(|r| r.ulid);
        }
        sorted
    });
    let mut at = [0; 3];
    loop {
        let heads = [0, 1, 2].map(|n| sorted[n].get(at[n]).copied());
        let Some(next) = heads.iter().flatten().map(|r| r.ulid).min() else {
            return;
        };
        each([0, 1, 2].map(|n| {
            let here = heads[n].filter(|r| r.ulid == next);
            at[n] += usize::from(here.is_some());
            here
        }));
    }
}

/// A record as both sides left it, from `base` where it came from one.
fn merge_record<F: Mergeable>(
    base: Option<&Version<F>>,
    ours: &Version<F>,
    theirs: &Version<F>,
    conflicts: &mut Vec<Conflict<F::Value>>,
) -> Version<F> {
    let id = three_way(base.map(|b| b.id), Some(ours.id), Some(theirs.id))
        .0
        .unwrap_or(ours.id.min(theirs.id));
    let fields = match base {
        _ if ours.fields == theirs.fields => ours.fields.clone(),
        Some(b) if b.fields == ours.fields => theirs.fields.clone(),
        Some(b) if b.fields == theirs.fields => ours.fields.clone(),
        _ => {
            let base_fields = base.map(|b| b.fields.split()).unwrap_or_default();
            let record = Some((id, ours.ulid));
            F::join(merge_fields(
                &base_fields,
                &ours.fields.split(),
                &theirs.fields.split(),
                record,
                conflicts,
            ))
        }
    };
    Version {
        id,
        ulid: ours.ulid,
        fields,
    }
}

/// One value as both sides left it: a change on one side wins; the same
/// change on both is no conflict; two different changes are, and then the
/// value present, or the smaller, is taken. Says whether it was a conflict.
fn three_way<V: Ord + Clone>(
    base: Option<V>,
    ours: Option<V>,
    theirs: Option<V>,
) -> (Option<V>, bool) {
    if ours == theirs {
        (ours, false)
    } else if base == ours {
        (theirs, false)
    } else if base == theirs {
        (ours, false)
    } else {
        let taken = match (&ours, &theirs) {
            (Some(_), None) => ours.clone(),
            (None, Some(_)) => theirs.clone(),
            _ => ours.clone().min(theirs.clone()),
        };
        (taken, true)
    }
}

/// Mergeable as both sides left them, one by one. The order: the base's
/// fields as they were, then new ones as both sides order them, or by name
/// where the sides disagree.
fn merge_fields<V: Ord + Clone>(
    base: &[(String, V)],
    ours: &[(String, V)],
    theirs: &[(String, V)],
    record: Option<(Id, Ulid)>,
    conflicts: &mut Vec<Conflict<V>>,
) -> Vec<(String, V)> {
    let map = |fields: &[(String, V)]| -> BTreeMap<String, V> { fields.iter().cloned().collect() };
    let (b, o, t) = (map(base), map(ours), map(theirs));
    let new = |fields: &[(String, V)]| -> Vec<String> {
        fields
            .iter()
            .filter(|(k, _)| !b.contains_key(k))
            .map(|(k, _)| k.clone())
            .collect()
    };
    let (new_ours, new_theirs) = (new(ours), new(theirs));
    let mut keys: Vec<String> = base.iter().map(|(k, _)| k.clone()).collect();
    if new_ours == new_theirs {
        keys.extend(new_ours);
    } else {
        let mut both: Vec<String> = new_ours.into_iter().chain(new_theirs).collect();
        both.sort();
        both.dedup();
        keys.extend(both);
    }
    let mut merged = Vec::with_capacity(keys.len());
    for key in keys {
        let (bv, ov, tv) = (
            b.get(&key).cloned(),
            o.get(&key).cloned(),
            t.get(&key).cloned(),
        );
        let (value, conflict) = three_way(bv, ov.clone(), tv.clone());
        if conflict {
            let mut values = [ov, tv];
            values.sort();
            conflicts.push(Conflict {
                record,
                field: key.clone(),
                values,
            });
        }
        if let Some(value) = value {
            merged.push((key, value));
        }
    }
    merged
}

/// Gives records that share a number, but the one with the smallest ULID,
/// new numbers from `next_id` up, in ULID order. Returns the next number
/// after all of them, and who changed.
fn renumber<F>(records: &mut [Version<F>], next_id: u64) -> (u64, Vec<Renumbered>) {
    // By number, then ULID: a number's first record keeps it. Most lists
    // are in number order already, or nearly, which this sort is quick at.
    let mut claims: Vec<(Id, Ulid, usize)> = (records.iter().enumerate())
        .map(|(at, r)| (r.id, r.ulid, at))
        .collect();
    claims.sort();
    let mut losers: Vec<(Ulid, usize)> = claims
        .windows(2)
        .filter(|pair| pair[0].0 == pair[1].0)
        .map(|pair| (pair[1].1, pair[1].2))
        .collect();
    losers.sort_unstable();
    let highest = claims.last().map_or(0, |claim| claim.0.0);
    let mut next = next_id.max(highest + 1);
    let mut renumbered = Vec::with_capacity(losers.len());
    for (ulid, at) in losers {
        let to = Id(next);
        next += 1;
        renumbered.push(Renumbered {
            ulid,
            from: records[at].id,
            to,
        });
        records[at].id = to;
    }
    (next, renumbered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Mergeable for the tests: names and small numbers.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Plain(Vec<(String, u8)>);

    impl Mergeable for Plain {
        type Value = u8;

        fn created(&self) -> Option<Timestamp> {
            // Made in the order of field "t", where there is one.
            let t = self.0.iter().find(|(k, _)| k == "t")?.1;
            Timestamp::from_second(i64::from(t)).ok()
        }

        fn split(&self) -> Vec<(String, u8)> {
            self.0.clone()
        }

        fn join(fields: Vec<(String, u8)>) -> Self {
            Plain(fields)
        }
    }

    fn record(id: u64, ulid: u128, fields: &[(&str, u8)]) -> Version<Plain> {
        Version {
            id: Id(id),
            ulid: Ulid::from(ulid),
            fields: Plain(fields.iter().map(|&(k, v)| (k.to_owned(), v)).collect()),
        }
    }

    fn side(next_id: u64, records: Vec<Version<Plain>>) -> Side<Plain> {
        Side {
            next_id,
            top: Vec::new(),
            records,
        }
    }

    fn both_ways(base: &Side<Plain>, a: &Side<Plain>, b: &Side<Plain>) -> Merged<Plain> {
        let one = merge(base, a, b).unwrap();
        assert_eq!(
            one,
            merge(base, b, a).unwrap(),
            "the merge depends on which side is ours"
        );
        one
    }

    #[test]
    fn adds_on_both_sides_are_kept_and_a_shared_number_is_given_up_by_the_larger_ulid() {
        let base = side(
            3,
            vec![record(1, 10, &[("t", 1)]), record(2, 20, &[("t", 2)])],
        );
        let a = side(
            4,
            [base.records.clone(), vec![record(3, 30, &[("t", 3)])]].concat(),
        );
        let b = side(
            4,
            vec![record(2, 20, &[("t", 2)]), record(3, 31, &[("t", 4)])],
        );
        let merged = both_ways(&base, &a, &b);
        let numbers: Vec<(u64, u128)> = merged
            .side
            .records
            .iter()
            .map(|r| (r.id.0, u128::from(r.ulid)))
            .collect();
        // 1 was removed on b; 30 keeps #3, 31 becomes #4.
        assert_eq!(numbers, [(2, 20), (3, 30), (4, 31)]);
        assert_eq!(merged.side.next_id, 5);
        assert_eq!(
            merged.renumbered,
            [Renumbered {
                ulid: Ulid::from(31),
                from: Id(3),
                to: Id(4)
            }]
        );
    }

    #[test]
    fn fields_merge_one_by_one_and_a_conflict_keeps_both_values() {
        let base = side(2, vec![record(1, 10, &[("a", 1), ("b", 1), ("c", 1)])]);
        let a = side(2, vec![record(1, 10, &[("a", 2), ("b", 1), ("c", 5)])]);
        let b = side(
            2,
            vec![record(1, 10, &[("a", 1), ("b", 3), ("c", 7), ("d", 9)])],
        );
        let merged = both_ways(&base, &a, &b);
        assert_eq!(
            merged.side.records[0].fields,
            Plain(vec![
                ("a".into(), 2),
                ("b".into(), 3),
                ("c".into(), 5),
                ("d".into(), 9)
            ])
        );
        assert_eq!(
            merged.conflicts,
            [Conflict {
                record: Some((Id(1), Ulid::from(10))),
                field: "c".into(),
                values: [Some(5), Some(7)],
            }]
        );
    }

    #[test]
    fn a_merge_that_needs_numbers_past_the_last_is_refused() {
        let base = side(EXHAUSTED, vec![record(MAX_ID, 10, &[])]);
        let a = side(
            EXHAUSTED,
            vec![record(MAX_ID, 10, &[]), record(MAX_ID - 1, 30, &[])],
        );
        let b = side(
            EXHAUSTED,
            vec![record(MAX_ID, 10, &[]), record(MAX_ID - 1, 31, &[])],
        );
        assert_eq!(merge(&base, &a, &b), Err(OutOfNumbers));
        let one_side = side(EXHAUSTED, vec![record(MAX_ID, 10, &[])]);
        assert!(merge(&base, &a, &one_side).is_ok());
    }

    #[test]
    fn removal_wins_over_a_change() {
        let base = side(2, vec![record(1, 10, &[("a", 1)])]);
        let a = side(2, vec![]);
        let b = side(2, vec![record(1, 10, &[("a", 2)])]);
        assert!(both_ways(&base, &a, &b).side.records.is_empty());
    }

    fn any_side(base: Side<Plain>) -> impl Strategy<Value = Side<Plain>> {
        // From the base: drop some records, change some fields, add some.
        let count = base.records.len();
        (
            proptest::collection::vec(any::<(bool, Option<(u8, u8)>)>(), count),
            proptest::collection::vec((0u128..40, 0u8..3, 0u8..4), 0..4),
        )
            .prop_map(move |(fates, added)| {
                let mut records = Vec::new();
                for (r, (keep, change)) in base.records.iter().zip(fates) {
                    if !keep {
                        continue;
                    }
                    let mut r = r.clone();
                    if let Some((field, value)) = change {
                        let name = ["a", "b", "c"][usize::from(field % 3)].to_owned();
                        r.fields.0.retain(|(k, _)| *k != name);
                        r.fields.0.push((name, value % 4));
                    }
                    records.push(r);
                }
                let mut next_id = base.next_id;
                for (ulid, field, value) in added {
                    let ulid = 1000 + ulid;
                    if records.iter().any(|r| u128::from(r.ulid) == ulid) {
                        continue;
                    }
                    let name = ["a", "b", "c"][usize::from(field)];
                    records.push(record(next_id, ulid, &[(name, value)]));
                    next_id += 1;
                }
                side(next_id, records)
            })
    }

    fn any_base() -> impl Strategy<Value = Side<Plain>> {
        proptest::collection::vec((0u8..3, 0u8..4), 0..6).prop_map(|fields| {
            let records = fields
                .iter()
                .enumerate()
                .map(|(n, &(f, v))| {
                    record(
                        n as u64 + 1,
                        n as u128 * 10,
                        &[(["a", "b", "c"][usize::from(f)], v)],
                    )
                })
                .collect::<Vec<_>>();
            side(records.len() as u64 + 1, records)
        })
    }

    fn three_sides() -> impl Strategy<Value = (Side<Plain>, Side<Plain>, Side<Plain>)> {
        any_base()
            .prop_flat_map(|base| (Just(base.clone()), any_side(base.clone()), any_side(base)))
    }

    proptest! {
        /// Symmetric; keeps what neither side removed; never revives what
        /// one did; numbers unique and below the next one; merging a side
        /// with itself gives it back.
        #[test]
        fn a_merge_is_symmetric_loses_nothing_and_numbers_stay_unique((base, a, b) in three_sides()) {
            let merged = both_ways(&base, &a, &b);
            let result = &merged.side.records;
            let ulids: Vec<Ulid> = result.iter().map(|r| r.ulid).collect();
            for side in [&a, &b] {
                for r in &side.records {
                    let removed_elsewhere = base.records.iter().any(|x| x.ulid == r.ulid)
                        && ![&a, &b].iter().all(|s| s.records.iter().any(|x| x.ulid == r.ulid));
                    prop_assert_eq!(ulids.contains(&r.ulid), !removed_elsewhere);
                }
            }
            for r in result {
                prop_assert!(a.records.iter().chain(&b.records).any(|x| x.ulid == r.ulid));
            }
            let mut ids: Vec<u64> = result.iter().map(|r| r.id.0).collect();
            ids.sort_unstable();
            ids.dedup();
            prop_assert_eq!(ids.len(), result.len());
            prop_assert!(result.iter().all(|r| r.id.0 < merged.side.next_id));
            let again = merge(&base, &a, &a).unwrap();
            let mut in_order = a.records.clone();
            in_order.sort_by_cached_key(|r| {
                let made = r.fields.created().map(Timestamp::as_millisecond);
                (made.unwrap_or(r.ulid.timestamp_ms() as i64), r.ulid)
            });
            prop_assert_eq!(&again.side.records, &in_order);
            prop_assert!(again.conflicts.is_empty() && again.renumbered.is_empty());
        }
    }
}
