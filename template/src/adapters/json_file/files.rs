//! What a list's files are before anything is written: links followed
//! where that is safe, what is there (a file, a folder, a FIFO), the file
//! read, and whose it is; files beside it opened. `saving.rs` writes.

use std::fmt;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// A larger file is refused rather than read into memory.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Follows symbolic links to the file they name, so a linked list is updated
/// in place and the link stays a link. The target need not exist yet. A
/// link is followed only where the kernel's `protected_symlinks` would
/// follow it, whether or not the system turns that protection on.
pub fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                may_follow(&current, &meta)?;
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

/// In a directory that is sticky and writable by all, like /tmp, only links
/// made by this user or by the directory's owner are followed: another
/// user's link there could point a command run by root at any file.
#[cfg(unix)]
fn may_follow(link: &Path, meta: &Metadata) -> io::Result<()> {
    match stranger_in_shared_dir(link, meta, &[])? {
        None => Ok(()),
        Some(uid) => Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} is a link made by another user (uid {uid}) in a directory shared by all; \
                 {{project-name}} does not follow it, as the kernel's protected_symlinks would not",
                link.display(),
            ),
        )),
    }
}

#[cfg(not(unix))]
fn may_follow(_link: &Path, _meta: &Metadata) -> io::Result<()> {
    Ok(())
}

/// The owner of `path` where its directory is sticky and writable by all,
/// if that owner is neither this user, nor the directory's owner, nor one
/// of `also`: the kernel's rule for following links there.
#[cfg(unix)]
fn stranger_in_shared_dir(path: &Path, meta: &Metadata, also: &[u32]) -> io::Result<Option<u32>> {
    use std::os::unix::fs::MetadataExt;

    let dir = fs::metadata(dir_of(path))?;
    let shared = dir.mode() & 0o1002 == 0o1002;
    let uid = meta.uid();
    let known = uid == rustix::process::geteuid().as_raw() || uid == dir.uid();
    Ok((shared && !known && !also.contains(&uid)).then_some(uid))
}

/// Refuses a file beside a list that another user (not root) may have
/// planted in a shared directory: the same rule as for links, so that
/// nobody can hand {{project-name}} a history or a lock to trust.
pub fn trusted(path: &Path, meta: &Metadata) -> io::Result<()> {
    #[cfg(unix)]
    if let Some(uid) = stranger_in_shared_dir(path, meta, &[0])? {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "it belongs to another user (uid {uid}) in a directory shared by all; \
                 {{project-name}} does not trust it: remove it, or keep the list in a folder of your own"
            ),
        ));
    }
    #[cfg(not(unix))]
    let _ = (path, meta);
    Ok(())
}

/// Something other than a plain file, where a list or its lock should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// Only Unix tells FIFOs, sockets and devices apart.
#[cfg_attr(not(unix), allow(dead_code))]
pub enum NotAFile {
    Directory,
    Link,
    Fifo,
    Socket,
    Device,
    Other,
}

impl fmt::Display for NotAFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Directory => "a directory",
            Self::Link => "a symbolic link",
            Self::Fifo => "a FIFO",
            Self::Socket => "a socket",
            Self::Device => "a device",
            Self::Other => "not a plain file",
        })
    }
}

impl NotAFile {
    /// What `meta` describes, unless it is a plain file.
    pub fn of(meta: &Metadata) -> Option<Self> {
        let kind = meta.file_type();
        if kind.is_file() {
            return None;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if kind.is_fifo() {
                return Some(Self::Fifo);
            }
            if kind.is_socket() {
                return Some(Self::Socket);
            }
            if kind.is_char_device() || kind.is_block_device() {
                return Some(Self::Device);
            }
        }
        Some(match () {
            () if kind.is_dir() => Self::Directory,
            () if kind.is_symlink() => Self::Link,
            () => Self::Other,
        })
    }
}

/// What stands at `path`, itself and not where a link leads, if it is not a
/// plain file; nothing if it is one or is missing.
pub fn not_a_file(path: &Path) -> io::Result<Option<NotAFile>> {
    match fs::symlink_metadata(path) {
        Ok(meta) => Ok(NotAFile::of(&meta)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether `path` ends with a separator, which only a folder's name may.
pub fn names_a_folder(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    bytes
        .last()
        .is_some_and(|&b| std::path::is_separator(char::from(b)))
}

/// Whether nothing at all is at `path`.
pub fn not_there(path: &Path) -> io::Result<bool> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(false),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e),
    }
}

/// Opens `options` at `path` without following a link there and without
/// waiting: a FIFO opens at once, to be refused, instead of blocking.
pub fn open_plainly(options: &mut OpenOptions, path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        let flags = OFlags::NOFOLLOW | OFlags::NONBLOCK;
        options.custom_flags(flags.bits() as i32);
    }
    options.open(path)
}

/// What reading found.
pub enum Contents {
    Missing,
    NotAFile(NotAFile),
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

/// Reads the plain file at `path`; anything else is only named.
pub fn read(path: &Path) -> io::Result<Contents> {
    // A FIFO would block the reader, and a device could answer anything.
    if let Some(kind) = not_a_file(path)? {
        return Ok(Contents::NotAFile(kind));
    }
    let file = match open_plainly(OpenOptions::new().read(true), path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Contents::Missing),
        Err(e) => return Err(e),
    };
    // What was checked by name may have been swapped since: check what is open.
    let meta = file.metadata()?;
    if let Some(kind) = NotAFile::of(&meta) {
        return Ok(Contents::NotAFile(kind));
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

/// Who the files {{project-name}} makes beside a list belong to: the list's owner,
/// or for a list not made yet, its directory's. So a list changed or begun
/// by root (`sudo {{project-name}} add`) stays its owner's.
#[derive(Debug, Clone, Copy)]
pub struct Owner {
    #[cfg(unix)]
    uid: u32,
    #[cfg(unix)]
    gid: u32,
}

impl Owner {
    pub fn of(target: &Path) -> Option<Self> {
        let meta = fs::metadata(target)
            .or_else(|_| fs::metadata(dir_of(target)))
            .ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(Self {
                uid: meta.uid(),
                gid: meta.gid(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            Some(Self {})
        }
    }

    /// Gives `file` to this owner, or at least to its group, as far as this
    /// process may; where it may not, the file stays this process's.
    pub fn give(self, file: &File) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::fchown;
            if fchown(file, Some(self.uid), Some(self.gid)).is_err() {
                let _ = fchown(file, None, Some(self.gid));
            }
        }
        #[cfg(not(unix))]
        let _ = file;
    }
}

/// How a file beside a list is opened.
#[derive(Debug, Clone, Copy)]
pub enum Access {
    Read,
    Write,
    /// To write, made if missing, for this owner.
    Create(Option<Owner>),
}

/// Opens the plain file at `path` without following a link there; `None`
/// if it is missing, unless `access` makes it. Anything but a plain file
/// is refused.
pub fn open_beside(path: &Path, access: Access) -> io::Result<Option<File>> {
    // A device is not even opened: opening one can do something.
    if let Some(kind) = not_a_file(path)? {
        return Err(io::Error::other(format!("it is {kind}, not a file")));
    }
    let create = matches!(access, Access::Create(_));
    let mut options = OpenOptions::new();
    options
        .read(true)
        .write(!matches!(access, Access::Read))
        .create(create);
    #[cfg(unix)]
    if create {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o666);
    }
    let file = match open_plainly(&mut options, path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound && !create => return Ok(None),
        Err(e) => {
            // A link, or a FIFO or device opened without waiting, says what it is.
            return match not_a_file(path)? {
                Some(kind) => Err(io::Error::other(format!("it is {kind}, not a file"))),
                None => Err(e),
            };
        }
    };
    let meta = file.metadata()?;
    if let Some(kind) = NotAFile::of(&meta) {
        return Err(io::Error::other(format!("it is {kind}, not a file")));
    }
    trusted(path, &meta)?;
    if let Access::Create(Some(owner)) = access
        && meta.len() == 0
    {
        owner.give(&file);
    }
    Ok(Some(file))
}

/// Gives `file`, made beside the list at `target`, the list's mode, so
/// that what the list keeps from others stays kept: a history holds records.
pub fn take_mode_of(target: &Path, file: &File) -> io::Result<()> {
    match fs::metadata(target) {
        Ok(meta) => file.set_permissions(meta.permissions()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// The folder `target` is in.
pub fn dir_of(target: &Path) -> &Path {
    match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}
