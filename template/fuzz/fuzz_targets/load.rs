//! Any bytes given to the loader yield a list or an error, never a panic;
//! and a list that loads is written back in a form that loads the same.

#![no_main]

use libfuzzer_sys::fuzz_target;
use {{crate_name}}::adapters::json_file::format;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = format::parse(text) else {
        return;
    };
    let mut written = Vec::new();
    format::render(&doc, &mut written).expect("rendering to memory cannot fail");
    let written = String::from_utf8(written).expect("rendered lists are UTF-8");
    let again = format::parse(&written).expect("a rendered list loads");
    assert_eq!(again.list, doc.list);
});
