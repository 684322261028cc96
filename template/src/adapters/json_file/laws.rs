//! The laws every record kept by this store must keep: the file a new
//! record's author reads. `record_contract!(Type)` runs them, as tests, for
//! a record type that has `Samples`; each record's own file does it, and
//! `note.rs` for the store's own tests' record.

use std::fmt::Debug;

use ulid::Ulid;

use super::document::Document;
use super::open::parse;
use super::record::JsonRecord;
use super::render::render;
use super::source::{Checks, Layout, Stored};
use crate::domain::{Entry, Id, Needle};

/// What the laws need to make records of a type.
pub trait Samples: JsonRecord + PartialEq + Debug {
    /// A record holding `text` wherever the record keeps text, or `None`
    /// if this record cannot hold it (a blank text, say). `n` varies the rest.
    fn holding(id: Id, ulid: Ulid, text: &str, n: u64) -> Option<Self>;

    /// What `find` asks of a record: whether it holds `needle`.
    fn mentions(&self, needle: &Needle) -> bool;
}

/// A list of the records that `texts` make, numbered from 1.
pub fn list_of<R: Samples>(texts: &[String]) -> Document<R> {
    let mut doc = Document::default();
    for (n, text) in texts.iter().enumerate() {
        let n = n as u64;
        let ulid = Ulid::from_parts(1_700_000_000_000 + n, u128::from(n));
        // A record that cannot hold this text holds a plain one instead.
        let made = |id| R::holding(id, ulid, text, n).or_else(|| R::holding(id, ulid, "plain", n));
        doc.list
            .add(|id| made(id).expect("a record can hold plain text"))
            .expect("numbers to spare");
    }
    doc
}

pub fn rendered<R: JsonRecord>(doc: &Document<R>) -> String {
    let mut out = Vec::new();
    render(doc, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("render writes UTF-8")
}

pub fn records<R: JsonRecord>(doc: &Document<R>) -> Vec<R> {
    doc.list.recent(usize::MAX).expect("every record reads")
}

/// The same list on one line: a layout that only the any-layout reader
/// takes. (Text in JSON strings holds no raw line breaks.)
pub fn run_together(text: &str) -> String {
    text.replace('\n', " ")
}

/// Written, a list reads back as the same records and writes as the same
/// bytes, by each way in: the fast scanner, the scanner with every line
/// checked, and the any-layout reader.
pub fn written_reads_back_the_same<R: Samples>(texts: &[String]) {
    let doc = list_of::<R>(texts);
    let text = rendered(&doc);
    let expected = records(&doc);
    for checks in [Checks::Shape, Checks::All] {
        let again = parse::<R>("list.json", text.clone(), checks)
            .unwrap_or_else(|e| panic!("{checks:?}: {e}\n{text}"));
        assert_eq!(
            again.layout,
            Layout::AsWritten,
            "{checks:?}: the fast way was not taken"
        );
        assert_eq!(records(&again), expected, "{checks:?}");
        assert_eq!(rendered(&again), text, "{checks:?}");
        let other = run_together(&text);
        let again = parse::<R>("list.json", other.clone(), checks)
            .unwrap_or_else(|e| panic!("{checks:?}: {e}\n{other}"));
        assert_eq!(again.layout, Layout::Other, "{checks:?}: {other}");
        assert_eq!(records(&again), expected, "{checks:?}, any layout");
    }
}

/// The search prefilter never rules out a record that holds the needle.
pub fn the_prefilter_never_says_no_where_the_record_says_yes<R: Samples>(
    texts: &[String],
    needle: &str,
) {
    let text = rendered(&list_of::<R>(texts));
    let needle = Needle::new(needle);
    for layout in [text.clone(), run_together(&text)] {
        let doc = parse::<R>("list.json", layout, Checks::Shape).expect("a written list opens");
        let may = Stored::may_mention(doc.list.entries(), &needle);
        for (entry, may) in doc.list.entries().iter().zip(may) {
            let record = entry.read().expect("a written record reads");
            assert!(may || !record.mentions(&needle), "{record:?} was ruled out");
        }
    }
}

/// Runs the record laws for a record type with `Samples`, as tests of the
/// module it is written in.
macro_rules! record_contract {
    ($record:ty) => {
        mod record_contract {
            use proptest::prelude::*;

            #[allow(unused_imports)]
            use super::*;
            use $crate::adapters::json_file::laws;

            proptest! {
                #[test]
                fn written_reads_back_the_same(texts in proptest::collection::vec(any::<String>(), 0..8)) {
                    laws::written_reads_back_the_same::<$record>(&texts);
                }

                #[test]
                fn the_prefilter_never_says_no_where_the_record_says_yes(
                    texts in proptest::collection::vec("[a-zA-Z\\\\ \"é\u{212A}]{0,12}", 0..8),
                    needle in "[a-zA-Z é]{0,3}",
                ) {
                    laws::the_prefilter_never_says_no_where_the_record_says_yes::<$record>(&texts, &needle);
                }
            }

            #[test]
            fn odd_text_reads_back_the_same() {
                let odd = [
                    "tab\there \"quoted\" \\ back\nnew line \u{1b}[31m",
                    "🥛 Купить 買う \u{0} \u{2028}",
                    " padded ",
                    "",
                ];
                laws::written_reads_back_the_same::<$record>(&odd.map(String::from));
            }
        }
    };
}
pub(super) use record_contract;
