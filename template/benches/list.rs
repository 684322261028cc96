//! The list rules and the file store at 1,000, 100,000 and 1,000,000
//! records. `cargo bench` runs them; CI only builds them
//! (`cargo bench --no-run`). They speak of the record through `vocabulary`
//! (`tests/vocabulary/mod.rs`) alone: for another record type, change that file.

use divan::Bencher;
use {{crate_name}}::adapters::json_file::{self, Checks, Document};
use {{crate_name}}::domain::{Id, List, Needle, Ref};
use vocabulary::{Item, mentions};

/// The record, how to make one, and what `find` finds in it.
#[path = "../tests/vocabulary/mod.rs"]
mod vocabulary;

const SIZES: &[usize] = &[1_000, 100_000, 1_000_000];

fn main() {
    divan::main();
}

/// The `n`th record, as the program would have made it.
fn record(id: Id, n: u64) -> Item {
    vocabulary::item(id, &format!("Errand {n}: call, then go"))
}

/// The text `find` looks for to find the `n`th record alone.
fn needle(n: usize) -> Needle {
    Needle::new(&format!("errand {n}:"))
}

/// A list of `count` records.
fn list(count: usize) -> List<Item> {
    let mut list = List::default();
    for n in 0..count as u64 {
        list.add(|id| record(id, n)).expect("numbers to spare");
    }
    list
}

/// The file text of a list of `count` records.
fn file(count: usize) -> String {
    let mut doc = Document::<Item>::default();
    for n in 0..count as u64 {
        doc.list.add(|id| record(id, n)).expect("numbers to spare");
    }
    let mut out = Vec::new();
    json_file::render(&doc, &mut out).expect("rendered to memory");
    String::from_utf8(out).expect("UTF-8")
}

fn open(text: String, checks: Checks) -> Document<Item> {
    json_file::parse("list.json", text, checks).expect("valid")
}

/// As a command that only reads opens a list: each record is checked when read.
#[divan::bench(args = SIZES, sample_count = 10)]
fn open_file_to_read(bencher: Bencher, count: usize) {
    let text = file(count);
    bencher
        .with_inputs(|| text.clone())
        .bench_local_values(|text| open(text, Checks::Shape));
}

/// As a command that writes opens a list: all of it is checked before it is written back.
#[divan::bench(args = SIZES, sample_count = 10)]
fn open_file_to_write(bencher: Bencher, count: usize) {
    let text = file(count);
    bencher
        .with_inputs(|| text.clone())
        .bench_local_values(|text| open(text, Checks::All));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn open_file_and_show_5(bencher: Bencher, count: usize) {
    let text = file(count);
    bencher
        .with_inputs(|| text.clone())
        .bench_local_values(|text| open(text, Checks::Shape).list.recent(5).expect("readable"));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn open_file_and_find(bencher: Bencher, count: usize) {
    let text = file(count);
    let needle = needle(count / 2);
    bencher
        .with_inputs(|| text.clone())
        .bench_local_values(|text| {
            let doc = open(text, Checks::Shape);
            doc.list.find(&needle, mentions).expect("readable")
        });
}

/// As a removal of every number: the list opened, emptied and read.
#[divan::bench(args = SIZES, sample_count = 10)]
fn open_file_and_remove_all(bencher: Bencher, count: usize) {
    let text = file(count);
    let all: Vec<Ref> = (1..=count as u64).map(|id| Ref::Id(Id(id))).collect();
    bencher
        .with_inputs(|| text.clone())
        .bench_local_values(|text| {
            let mut doc = open(text, Checks::All);
            let removed = doc.list.remove(&all).expect("known");
            {{crate_name}}::domain::Entry::read_all(&removed).expect("readable")
        });
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn write_file(bencher: Bencher, count: usize) {
    let doc = open(file(count), Checks::All);
    bencher.bench_local(|| {
        let mut out = Vec::with_capacity(count * 200);
        json_file::render(&doc, &mut out).expect("rendered to memory");
        out
    });
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn find_in_memory(bencher: Bencher, count: usize) {
    let list = list(count);
    let needle = needle(count / 2);
    bencher.bench(|| list.find(&needle, mentions).expect("readable"));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn remove_in_memory(bencher: Bencher, count: usize) {
    let list = list(count);
    let middle = [Ref::Id(Id(count as u64 / 2))];
    bencher
        .with_inputs(|| list.clone())
        .bench_local_values(|mut list| list.remove(&middle).expect("known"));
}
