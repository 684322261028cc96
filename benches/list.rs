//! The domain and the file format at 1,000, 100,000 and 1,000,000 todos.
//! `cargo bench` runs them; CI only builds them (`cargo bench --no-run`).

use divan::Bencher;
use jiff::Timestamp;
use my_todo::adapters::json_file::format::{self, Checks, Document};
use my_todo::domain::{Title, TodoId, TodoList, TodoRef};
use ulid::Ulid;

const SIZES: &[usize] = &[1_000, 100_000, 1_000_000];

fn main() {
    divan::main();
}

/// A list of `count` todos, as `add` would have made them.
fn list(count: usize) -> TodoList {
    let mut list = TodoList::default();
    for n in 0..count as u64 {
        list.add(
            Title::new(&format!("Errand {n}")).expect("not blank"),
            format!("details for errand {n}: call, then go"),
            Ulid::from_parts(1_795_000_000_000 + n, u128::from(n)),
            Timestamp::from_second(1_795_000_000 + n as i64).expect("in range"),
        )
        .expect("numbers to spare");
    }
    list
}

/// The file text of a list of `count` todos.
fn file(count: usize) -> String {
    let mut doc = Document::default();
    for todo in list(count)
        .recent(usize::MAX)
        .expect("readable")
        .into_iter()
        .rev()
    {
        doc.list
            .add(todo.title, todo.description, todo.ulid, todo.created_at)
            .expect("numbers to spare");
    }
    let mut out = Vec::new();
    format::render(&doc, &mut out).expect("rendered to memory");
    String::from_utf8(out).expect("UTF-8")
}

/// As `show` and `find` open a list: each todo is checked when read.
#[divan::bench(args = SIZES, sample_count = 10)]
fn open_file_to_read(bencher: Bencher, count: usize) {
    let text = file(count);
    bencher
        .with_inputs(|| text.clone())
        .bench_local_values(|text| format::parse("todo.json", text, Checks::Shape).expect("valid"));
}

/// As `add` and `done` open a list: all of it is checked before it is written back.
#[divan::bench(args = SIZES, sample_count = 10)]
fn open_file_to_write(bencher: Bencher, count: usize) {
    let text = file(count);
    bencher
        .with_inputs(|| text.clone())
        .bench_local_values(|text| format::parse("todo.json", text, Checks::All).expect("valid"));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn open_file_and_show_5(bencher: Bencher, count: usize) {
    let text = file(count);
    bencher
        .with_inputs(|| text.clone())
        .bench_local_values(|text| {
            let doc = format::parse("todo.json", text, Checks::Shape).expect("valid");
            doc.list.recent(5).expect("readable")
        });
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn open_file_and_find(bencher: Bencher, count: usize) {
    let text = file(count);
    let needle = format!("errand {}:", count / 2);
    bencher
        .with_inputs(|| text.clone())
        .bench_local_values(|text| {
            let doc = format::parse("todo.json", text, Checks::Shape).expect("valid");
            doc.list.find(&needle).expect("readable")
        });
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn write_file(bencher: Bencher, count: usize) {
    let doc = format::parse("todo.json", file(count), Checks::All).expect("valid");
    bencher.bench_local(|| {
        let mut out = Vec::with_capacity(count * 200);
        format::render(&doc, &mut out).expect("rendered to memory");
        out
    });
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn find_in_memory(bencher: Bencher, count: usize) {
    let list = list(count);
    let needle = format!("errand {}:", count / 2);
    bencher.bench(|| list.find(&needle).expect("readable"));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn complete_in_memory(bencher: Bencher, count: usize) {
    let list = list(count);
    let middle = [TodoRef::Id(TodoId(count as u64 / 2))];
    bencher
        .with_inputs(|| list.clone())
        .bench_local_values(|mut list| list.complete(&middle).expect("known"));
}
