//! Any bytes given to the loader yield a list or an error, never a panic,
//! however much of the list is checked when it is opened; and a list that
//! opens whole is written back in a form that opens the same.

#![no_main]

use libfuzzer_sys::fuzz_target;
use {{crate_name}}::adapters::json_file::format::{self, Checks};
use {{crate_name}}::domain::Entry;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = format::parse("todo.json", data.to_vec(), Checks::Shape) {
        let _ = doc.list.recent(usize::MAX);
        let _ = doc.list.find("a");
    }
    let Ok(doc) = format::parse("todo.json", data.to_vec(), Checks::All) else {
        return;
    };
    let mut written = Vec::new();
    format::render(&doc, &mut written).expect("rendering to memory cannot fail");
    let again = format::parse("todo.json", written, Checks::All).expect("a written list opens");
    let ids = |doc: &format::Document| -> Vec<_> {
        doc.list
            .entries()
            .iter()
            .map(|e| (e.id(), e.ulid()))
            .collect()
    };
    assert_eq!(ids(&again), ids(&doc));
    assert_eq!(again.list.next_id(), doc.list.next_id());
    if let Ok(todos) = doc.list.recent(usize::MAX) {
        assert_eq!(
            again.list.recent(usize::MAX).expect("it read before"),
            todos
        );
    }
});
