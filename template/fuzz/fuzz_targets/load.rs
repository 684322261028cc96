//! Any bytes given to the loader yield a list or an error, never a panic,
//! however much of the list is checked when it is opened; and a list that
//! opens whole is written back in a form that opens the same.

#![no_main]

use libfuzzer_sys::fuzz_target;
use {{crate_name}}::adapters::json_file::{self, Checks, Document};
use {{crate_name}}::domain::{Entry, Needle};
use vocabulary::Item;

/// The record the fuzzer feeds the store, in the proofs' vocabulary.
#[path = "../../tests/vocabulary/mod.rs"]
mod vocabulary;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = json_file::parse::<Item>("list.json", data.to_vec(), Checks::Shape) {
        let _ = doc.list.recent(usize::MAX);
        let _ = doc.list.find(&Needle::new("a"), |_, _| true);
    }
    let Ok(doc) = json_file::parse::<Item>("list.json", data.to_vec(), Checks::All) else {
        return;
    };
    let mut written = Vec::new();
    json_file::render(&doc, &mut written).expect("rendering to memory cannot fail");
    let again =
        json_file::parse::<Item>("list.json", written, Checks::All).expect("a written list opens");
    let ids = |doc: &Document<Item>| -> Vec<_> {
        doc.list
            .entries()
            .iter()
            .map(|e| (e.id(), e.ulid()))
            .collect()
    };
    assert_eq!(ids(&again), ids(&doc));
    assert_eq!(again.list.next_id(), doc.list.next_id());
    if let Ok(records) = doc.list.recent(usize::MAX) {
        assert_eq!(
            again.list.recent(usize::MAX).expect("it read before"),
            records
        );
    }
});
