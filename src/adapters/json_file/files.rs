//! The file-system steps a safe rewrite needs: follow links, lock, read, replace.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

/// A larger file is refused rather than read into memory.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Follows symbolic links to the file they name, so a linked list is updated
/// in place and the link stays a link. The target need not exist yet.
pub fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            }
            Ok(_) => return Ok(current),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// What reading found.
pub enum Contents {
    Missing,
    Directory,
    TooLarge(u64),
    Bytes(Bytes),
}

/// A file's bytes in memory.
pub enum Bytes {
    Small(Vec<u8>),
    /// A large file, in memory backed by huge pages where the system has
    /// them: faulting in a fresh 4 KiB page at a time costs more than
    /// reading the file itself. Only the first `len` bytes were read.
    #[cfg(target_os = "linux")]
    Large {
        memory: memmap2::MmapMut,
        len: usize,
    },
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Self::Small(bytes) => bytes,
            #[cfg(target_os = "linux")]
            Self::Large { memory, len } => &memory[..*len],
        }
    }
}

/// Files at least this large are read into huge pages.
const LARGE: u64 = 4 << 20;

pub fn read(path: &Path) -> io::Result<Contents> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Contents::Missing),
        Err(e) if e.kind() == io::ErrorKind::IsADirectory => return Ok(Contents::Directory),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Ok(Contents::Directory);
    }
    if meta.len() > MAX_FILE_BYTES {
        return Ok(Contents::TooLarge(meta.len()));
    }
    if meta.len() >= LARGE
        && let Some(bytes) = read_large(&file, meta.len() as usize)?
    {
        return Ok(Contents::Bytes(bytes));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    finish(file, &mut bytes)?;
    Ok(contents(bytes))
}

/// Reads a large file a part per core into memory backed by huge pages.
/// `None` if its size changed while it was read: then it is read again the
/// ordinary way, which copes with that.
#[cfg(target_os = "linux")]
fn read_large(file: &File, len: usize) -> io::Result<Option<Bytes>> {
    use super::parallel;
    use std::os::unix::fs::FileExt;

    // One byte more than the file tells whether it grew.
    let mut memory = memmap2::MmapOptions::new().len(len + 1).map_anon()?;
    // Without huge pages this is an ordinary buffer: nothing to report.
    let _ = memory.advise(memmap2::Advice::HugePage);
    let (contents, beyond) = memory.split_at_mut(len);
    let ranges = parallel::even_ranges(len, parallel::part_count(len));
    let mut parts = Vec::with_capacity(ranges.len());
    let mut rest = contents;
    for range in &ranges {
        let (part, after) = rest.split_at_mut(range.len());
        parts.push((range.start, part));
        rest = after;
    }
    let read_fully = |(mut offset, mut part): (usize, &mut [u8])| -> io::Result<bool> {
        while !part.is_empty() {
            match file.read_at(part, offset as u64) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    part = &mut part[n..];
                    offset += n;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    };
    for whole in parallel::each(parts, read_fully) {
        if !whole? {
            return Ok(None);
        }
    }
    if read_fully((len, beyond))? {
        return Ok(None);
    }
    Ok(Some(Bytes::Large { memory, len }))
}

#[cfg(not(target_os = "linux"))]
fn read_large(_file: &File, _len: usize) -> io::Result<Option<Bytes>> {
    Ok(None)
}

/// Reads the rest of `file`, stopping just past the size limit.
fn finish(file: File, bytes: &mut Vec<u8>) -> io::Result<()> {
    file.take(MAX_FILE_BYTES + 1 - bytes.len() as u64)
        .read_to_end(bytes)
        .map(drop)
}

fn contents(bytes: Vec<u8>) -> Contents {
    match bytes.len() as u64 {
        len if len > MAX_FILE_BYTES => Contents::TooLarge(len),
        _ => Contents::Bytes(Bytes::Small(bytes)),
    }
}

/// The lock file beside `target`. It is never replaced or removed, so every
/// process locks the same inode; `target` itself is swapped by each rename.
pub fn lock_path(target: &Path) -> PathBuf {
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    target.with_file_name(format!(".{name}.lock"))
}

pub enum LockFailure {
    Busy,
    Io(io::Error),
}

/// Takes the exclusive lock, waiting up to `wait`. The lock is held until the
/// returned file is dropped, and the OS drops it when the process dies.
pub fn lock(lock_path: &Path, wait: Duration) -> Result<File, LockFailure> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(lock_path)
        .map_err(LockFailure::Io)?;
    let deadline = Instant::now() + wait;
    let mut pause = Duration::from_millis(1);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::Error(e)) => return Err(LockFailure::Io(e)),
            Err(TryLockError::WouldBlock) => {
                let now = Instant::now();
                if now >= deadline {
                    return Err(LockFailure::Busy);
                }
                thread::sleep(pause.min(deadline - now));
                pause = (pause * 2).min(Duration::from_millis(50));
            }
        }
    }
}

fn temp_prefix(target: &Path) -> String {
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    format!(".{name}.")
}

const TEMP_SUFFIX: &str = ".tmp";

/// Removes temporary files left by a writer that was killed mid-write.
/// Only the lock holder writes them, so under the lock every one is stale.
pub fn remove_stale_temps(target: &Path) {
    let prefix = temp_prefix(target);
    let Ok(entries) = fs::read_dir(dir_of(target)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&prefix) && name.ends_with(TEMP_SUFFIX) {
            // A leftover that cannot be removed does no harm.
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn dir_of(target: &Path) -> &Path {
    match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Replaces `target` with what `write` writes, so that a crash at any moment leaves either
/// the old file or the new one: write a temporary file beside it, flush it to
/// disk, rename it over `target`, then flush the directory entry.
/// On failure the temporary file is removed and `target` is untouched.
pub fn replace(
    target: &Path,
    write: impl FnOnce(&mut BufWriter<&File>) -> io::Result<()>,
) -> io::Result<()> {
    let dir = dir_of(target);
    let prefix = temp_prefix(target);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // As any new file: 0666 less the umask, where tempfile's default is 0600.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let temp = builder.tempfile_in(dir)?;
    #[cfg(unix)]
    if let Ok(meta) = fs::metadata(target) {
        temp.as_file().set_permissions(meta.permissions())?;
    }
    let mut out = BufWriter::with_capacity(1 << 16, temp.as_file());
    write(&mut out)?;
    out.flush()?;
    drop(out);
    temp.as_file().sync_all()?;
    temp.persist(target).map_err(|e| e.error)?;
    // The new list is in place; failing to flush the directory entry only
    // risks the rename after a power cut, so it is not worth failing for.
    let _ = sync_dir(dir);
    Ok(())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Windows makes the rename durable itself and cannot open a directory as a file.
    Ok(())
}
