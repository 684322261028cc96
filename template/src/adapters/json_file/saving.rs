//! Writing a list safely: the lock writers share, and the new list staged
//! beside the old one, flushed, and renamed over it, the folder flushed
//! after. What a crash leaves half-written is a temporary file, removed by
//! the next writer.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use super::files::{NotAFile, Owner, dir_of, not_a_file, open_plainly, take_mode_of, trusted};

/// The name of a file beside `target`: `.` + its name + `suffix`.
fn beside(target: &Path, suffix: &str) -> OsString {
    let mut name = OsString::from(".");
    name.push(target.file_name().unwrap_or_default());
    name.push(suffix);
    name
}

/// The lock file beside `target`. It is never replaced or removed, so every
/// process locks the same inode; `target` itself is swapped by each rename.
pub fn lock_path(target: &Path) -> PathBuf {
    target.with_file_name(beside(target, ".lock"))
}

pub enum LockFailure {
    Busy,
    NotAFile(NotAFile),
    Io(io::Error),
}

/// Takes the exclusive lock of the list at `target`, waiting up to `wait`. The lock is held until the
/// returned file is dropped, and the OS drops it when the process dies.
pub fn lock(target: &Path, wait: Duration, owner: Option<Owner>) -> Result<File, LockFailure> {
    let file = open_lock(target, owner)?;
    // A wait too long to add to the clock is a wait without end.
    let deadline = Instant::now().checked_add(wait);
    let mut pause = Duration::from_millis(1);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::Error(e)) => return Err(LockFailure::Io(e)),
            Err(TryLockError::WouldBlock) => {
                let now = Instant::now();
                let left = deadline.map_or(pause, |d| d.saturating_duration_since(now));
                if left.is_zero() {
                    return Err(LockFailure::Busy);
                }
                thread::sleep(pause.min(left));
                pause = (pause * 2).min(Duration::from_millis(50));
            }
        }
    }
}

/// Opens the lock file of the list at `target`, making it if it is missing,
/// with the list's mode. Read access is enough to
/// lock, so a lock file made by another user (root, say) locks no one out.
/// A link is never followed: a lock that leads to the list itself would be
/// swapped away by every rename.
fn open_lock(target: &Path, owner: Option<Owner>) -> Result<File, LockFailure> {
    let path = &lock_path(target);
    loop {
        let opened = open_plainly(OpenOptions::new().read(true), path);
        let file = match opened {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // Creating never follows a link; whoever creates it first wins.
                match OpenOptions::new().write(true).create_new(true).open(path) {
                    Ok(file) => {
                        if let Some(owner) = owner {
                            owner.give(&file);
                        }
                        take_mode_of(target, &file).map_err(LockFailure::Io)?;
                        return Ok(file);
                    }
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(LockFailure::Io(e)),
                }
            }
            Err(e) => {
                return Err(match not_a_file(path) {
                    Ok(Some(kind)) => LockFailure::NotAFile(kind),
                    _ => LockFailure::Io(e),
                });
            }
        };
        let meta = file.metadata().map_err(LockFailure::Io)?;
        if let Some(kind) = NotAFile::of(&meta) {
            return Err(LockFailure::NotAFile(kind));
        }
        trusted(path, &meta).map_err(LockFailure::Io)?;
        return Ok(file);
    }
}

const TEMP_SUFFIX: &str = ".tmp";
/// The random part of a temporary file's name: letters and digits.
const TEMP_RANDOM: usize = 6;

/// Whether `name` is a temporary file of the list at `target`, and of no
/// other: `.notes.json.` + random letters and digits + `.tmp`. The random
/// part has no dot, so the temporary files of `notes.json.b` never match.
fn is_temp_of(target: &Path, name: &OsStr) -> bool {
    let prefix = beside(target, ".");
    name.as_encoded_bytes()
        .strip_prefix(prefix.as_encoded_bytes())
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX.as_bytes()))
        .is_some_and(|random| {
            random.len() == TEMP_RANDOM && random.iter().all(u8::is_ascii_alphanumeric)
        })
}

/// The names of the files kept beside the list at `target`, which belong
/// to the one copy of the list they sit beside: its lock, and its
/// temporary files, `*` standing for the random part.
pub fn private_names(target: &Path) -> Vec<String> {
    let name = |path: &Path| {
        path.file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let temp = format!("{}*{TEMP_SUFFIX}", beside(target, ".").to_string_lossy());
    vec![name(&lock_path(target)), temp]
}

/// Removes temporary files left by a writer that was killed mid-write.
/// Only the lock holder writes them, so under the lock every one is stale.
pub fn remove_stale_temps(target: &Path) {
    let Ok(entries) = fs::read_dir(dir_of(target)) else {
        return;
    };
    for entry in entries.flatten() {
        if is_temp_of(target, &entry.file_name()) {
            // A leftover that cannot be removed does no harm.
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Replaces `target` with what `write` writes, so that a crash at any moment leaves either
/// the old file or the new one. On failure `target` is untouched.
pub fn replace(
    target: &Path,
    owner: Option<Owner>,
    write: impl FnOnce(&mut BufWriter<&File>) -> io::Result<()>,
) -> io::Result<()> {
    Staged::write(target, owner, write)?.commit()
}

/// A new version of a file, written beside it and flushed to disk, not yet
/// in its place. Dropped without `commit`, it is removed.
pub struct Staged<'a> {
    target: &'a Path,
    temp: tempfile::NamedTempFile,
}

impl<'a> Staged<'a> {
    /// Writes what `write` writes to a temporary file beside `target`, and
    /// flushes it to disk. It keeps the old file's mode, and is given to
    /// `owner`. Only a plain file is ever replaced: never a device, a FIFO
    /// or a directory.
    pub fn write(
        target: &'a Path,
        owner: Option<Owner>,
        write: impl FnOnce(&mut BufWriter<&File>) -> io::Result<()>,
    ) -> io::Result<Self> {
        let prefix = beside(target, ".");
        let mut builder = tempfile::Builder::new();
        builder
            .prefix(&prefix)
            .suffix(TEMP_SUFFIX)
            .rand_bytes(TEMP_RANDOM);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // As any new file: 0666 less the umask, where tempfile's default is 0600.
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(dir_of(target))?;
        if let Some(owner) = owner {
            owner.give(temp.as_file());
        }
        // After the owner: a change of owner may clear bits of the mode.
        #[cfg(unix)]
        if let Ok(meta) = fs::symlink_metadata(target) {
            if let Some(kind) = NotAFile::of(&meta) {
                return Err(refuse(kind));
            }
            temp.as_file().set_permissions(meta.permissions())?;
        }
        let mut out = BufWriter::with_capacity(1 << 16, temp.as_file());
        write(&mut out)?;
        out.flush()?;
        drop(out);
        temp.as_file().sync_all()?;
        Ok(Self { target, temp })
    }

    /// Puts the new version in place of the old, in one rename.
    pub fn commit(self) -> io::Result<()> {
        // Checked again at the last moment: a rename replaces whatever is there.
        if let Some(kind) = not_a_file(self.target)? {
            return Err(refuse(kind));
        }
        self.temp.persist(self.target).map_err(|e| e.error)?;
        // The new file is in place; failing to flush the directory entry only
        // risks the rename after a power cut, so it is not worth failing for.
        let _ = sync_dir(dir_of(self.target));
        Ok(())
    }
}

fn refuse(kind: NotAFile) -> io::Error {
    io::Error::other(format!("it is {kind}, not a file"))
}

/// Flushes to disk the entries of the folder `target` is in.
pub fn sync_dir_of(target: &Path) -> io::Result<()> {
    sync_dir(dir_of(target))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_belong_to_one_list() {
        let list = Path::new("dir/notes.json");
        let temp = |name: &str| is_temp_of(list, OsStr::new(name));
        assert!(temp(".notes.json.a1B2c3.tmp"));
        assert!(!temp(".notes.json.b.a1B2c3.tmp"), "notes.json.b's");
        assert!(!temp(".notes.json.keep.tmp"));
        assert!(!temp(".notes.json.a1B2c3d.tmp"));
        assert!(!temp(".notes.json.a1-2c3.tmp"));
        assert!(!temp(".notes.a1B2c3.tmp"));
        let other = Path::new("notes.json.b");
        assert!(is_temp_of(other, OsStr::new(".notes.json.b.a1B2c3.tmp")));
    }
}
