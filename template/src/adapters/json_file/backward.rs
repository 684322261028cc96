//! The lines of a file read from its end, through a window of at most a
//! chunk past the line being put together: reading a line costs its
//! length, however much comes before it.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// How much of the file is read at a time.
pub const CHUNK: u64 = 64 * 1024;

/// Reads `buf.len()` bytes of `file` from `at`.
pub fn read_at(mut file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    file.seek(SeekFrom::Start(at))?;
    file.read_exact(buf)
}

/// The lines of a file from its end, each without its line break and with
/// where it begins.
pub struct Lines<'f> {
    file: &'f File,
    /// Where the first line begins.
    start: u64,
    /// The bytes from `window_at` up to where the next line given out ends.
    window: Vec<u8>,
    window_at: u64,
}

impl<'f> Lines<'f> {
    /// The lines of `file` from `start` to `end`, the last first.
    pub fn new(file: &'f File, start: u64, end: u64) -> Self {
        Self {
            file,
            start,
            window: Vec::new(),
            window_at: end,
        }
    }

    /// Reads the chunk before the window into it; the window is empty.
    fn fill(&mut self) -> io::Result<()> {
        let from = self.window_at.saturating_sub(CHUNK).max(self.start);
        self.window.resize((self.window_at - from) as usize, 0);
        read_at(self.file, &mut self.window, from)?;
        self.window_at = from;
        Ok(())
    }

    /// The next line and where it begins; with `whole` false, only as
    /// much of its beginning as the window holds, and nothing more is kept
    /// of a long line than a window.
    pub fn next_line(&mut self, whole: bool) -> io::Result<Option<(u64, Vec<u8>)>> {
        if self.window.is_empty() {
            if self.window_at <= self.start {
                return Ok(None);
            }
            self.fill()?;
        }
        // The line's own break ends it; it does not begin it.
        let mut end = self.window.len();
        if self.window.last() == Some(&b'\n') {
            end -= 1;
        }
        // Pieces of a line longer than the window, the latest first.
        let mut later: Vec<Vec<u8>> = Vec::new();
        loop {
            let found = memchr::memrchr(b'\n', &self.window[..end]);
            if found.is_some() || self.window_at <= self.start {
                let begins = found.map_or(0, |n| n + 1);
                let size = end - begins + later.iter().map(Vec::len).sum::<usize>();
                let mut line = Vec::with_capacity(size);
                line.extend_from_slice(&self.window[begins..end]);
                for piece in later.iter().rev() {
                    line.extend_from_slice(piece);
                }
                self.window.truncate(begins);
                return Ok(Some((self.window_at + begins as u64, line)));
            }
            self.window.truncate(end);
            let piece = std::mem::take(&mut self.window);
            if whole {
                later.push(piece);
            }
            self.fill()?;
            end = self.window.len();
        }
    }
}

impl Iterator for Lines<'_> {
    type Item = io::Result<(u64, Vec<u8>)>;

    fn next(&mut self) -> Option<Self::Item> {
        let line = self.next_line(true);
        if line.is_err() {
            // Nothing more can be read after a read that failed.
            self.window.clear();
            self.window_at = self.start;
        }
        line.transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `lines` after a first line that is not read, as `Lines` gives them
    /// back, last first, checking that each begins where it says.
    fn read_back(lines: &[Vec<u8>], final_break: bool) -> Vec<Vec<u8>> {
        let mut bytes = b"not read\n".to_vec();
        let start = bytes.len() as u64;
        for (n, line) in lines.iter().enumerate() {
            bytes.extend_from_slice(line);
            if n + 1 < lines.len() || final_break {
                bytes.push(b'\n');
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lines");
        std::fs::write(&path, &bytes).unwrap();
        let file = File::open(&path).unwrap();
        let read: Vec<(u64, Vec<u8>)> = Lines::new(&file, start, bytes.len() as u64)
            .map(Result::unwrap)
            .collect();
        for (at, line) in &read {
            assert!(bytes[*at as usize..].starts_with(line));
        }
        read.into_iter().rev().map(|(_, line)| line).collect()
    }

    #[test]
    fn lines_are_read_back_whole_across_every_chunk_boundary() {
        let chunk = CHUNK as usize;
        let sizes = [0, 1, 2, chunk - 1, chunk, chunk + 1, 3 * chunk + 5, 7];
        let lines: Vec<Vec<u8>> = sizes
            .iter()
            .enumerate()
            .map(|(n, &size)| vec![b'a' + n as u8; size])
            .collect();
        for final_break in [true, false] {
            assert_eq!(read_back(&lines, final_break), lines);
        }
        assert!(read_back(&[], true).is_empty());
    }
}
