//! Finding records by searching the file's text once, rather than record
//! by record, a part per core.

use std::ops::Range;
use std::sync::Arc;

use memchr::memmem::Finder;

use super::parallel;
use super::source::{Source, Stored};
use crate::domain::Needle;

/// How much text `ascii_matches` folds to lowercase at a time.
const CHUNK: usize = 64 * 1024;

/// For each entry, whether its record may hold `needle`: yes if the
/// needle occurs in its text, ignoring ASCII case, or if its text has
/// escapes or characters beyond ASCII, which only decoding can judge. A
/// needle that cannot be searched for as ASCII makes every record worth reading.
pub fn may_mention<R: Sync>(entries: &[Stored<R>], needle: &Needle) -> Vec<bool> {
    let every = || vec![true; entries.len()];
    let Some(Stored::Read { source, .. }) =
        entries.iter().find(|e| matches!(e, Stored::Read { .. }))
    else {
        return every();
    };
    let parts = parallel::even_ranges(entries.len(), parallel::part_count(source.bytes().len()));
    let found = parallel::each(parts, |part| may_mention_in(&entries[part], source, needle));
    match found.into_iter().collect::<Option<Vec<_>>>() {
        Some(parts) => parts.concat(),
        None => every(),
    }
}

/// `may_mention` for `entries`, where those read from `source` lie in the
/// order of the file.
fn may_mention_in<R>(
    entries: &[Stored<R>],
    source: &Arc<Source>,
    needle: &Needle,
) -> Option<Vec<bool>> {
    let from_source = |entry: &Stored<R>| match entry {
        Stored::Read {
            source: from, span, ..
        } if Arc::ptr_eq(from, source) => Some(span.clone()),
        _ => None,
    };
    let start = entries.iter().find_map(from_source).map_or(0, |s| s.start);
    let end = entries
        .iter()
        .rev()
        .find_map(from_source)
        .map_or(0, |s| s.end);
    let text = &source.bytes()[start..end.max(start)];
    let mut marks = ascii_matches(needle, text)?;
    marks.extend(memchr::memchr_iter(b'\\', text));
    marks.sort_unstable();
    let marked = |span: Range<usize>| {
        let span = span.start - start..span.end - start;
        let first = marks.partition_point(|&at| at < span.start);
        marks.get(first).is_some_and(|&at| at < span.end) || !text[span].is_ascii()
    };
    Some(
        entries
            .iter()
            .map(|entry| from_source(entry).is_none_or(marked))
            .collect(),
    )
}

/// Where `needle` occurs in `text`, ignoring ASCII case, found by folding a
/// chunk at a time and searching it: the offset of every match, overlapping
/// ones included. `None` for an empty needle, or one beyond ASCII, where
/// this cannot narrow a search down.
fn ascii_matches(needle: &Needle, text: &[u8]) -> Option<Vec<usize>> {
    let needle = needle.folded().as_bytes();
    if needle.is_empty() || !needle.is_ascii() {
        return None;
    }
    let finder = Finder::new(needle);
    let (mut matches, mut folded) = (Vec::new(), Vec::new());
    for start in (0..text.len()).step_by(CHUNK) {
        // Each chunk overlaps the next by the needle's length, less one.
        let end = text.len().min(start + CHUNK + needle.len() - 1);
        folded.clear();
        folded.extend_from_slice(&text[start..end]);
        folded.make_ascii_lowercase();
        let mut from = 0;
        while let Some(found) = finder.find(&folded[from..]) {
            let at = from + found;
            if at >= CHUNK {
                break;
            }
            matches.push(start + at);
            from = at + 1;
        }
    }
    Some(matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_matches_are_all_found_across_chunks_and_overlapping() {
        let mut text = "x".repeat(CHUNK - 2);
        text.push_str("AbAbAb and ABAB");
        let needle = Needle::new("abab");
        let expected = [CHUNK - 2, CHUNK, CHUNK + 9];
        assert_eq!(
            ascii_matches(&needle, text.as_bytes()),
            Some(expected.to_vec())
        );
        assert_eq!(ascii_matches(&Needle::new("молоко"), text.as_bytes()), None);
        assert_eq!(ascii_matches(&Needle::new(""), b"ab"), None);
    }
}
