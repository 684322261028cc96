//! A person's editor on a text: `$VISUAL`, else `$EDITOR`, else `vi`, run
//! as git runs it, on a file only its owner can read, removed afterwards
//! unless what it holds is to be kept.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::Command;

use tempfile::NamedTempFile;

/// What an editor left.
pub enum Edited {
    /// Saved, with this text, which `Draft` keeps until it is dropped.
    Saved(String, Draft),
    /// The editor exited with this status; the file is gone.
    Failed(String),
}

/// The file an editor saved. Removed when dropped, unless kept.
pub struct Draft(NamedTempFile);

impl Draft {
    /// Keeps the file for good, and says where it is.
    pub fn keep(self) -> io::Result<PathBuf> {
        self.0.into_temp_path().keep().map_err(|e| e.error)
    }
}

/// The editor's command, as the person set it.
pub fn chosen() -> String {
    ["VISUAL", "EDITOR"]
        .into_iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|editor| !editor.trim().is_empty())
        .unwrap_or_else(|| "vi".into())
}

/// Opens the person's editor on `text`, in a file named for `what`, and
/// waits for it to close.
pub fn edit(text: &str, what: &str) -> io::Result<Edited> {
    // Private to its owner: tempfile makes it 0600, in the user's TMPDIR.
    let mut file = tempfile::Builder::new()
        .prefix(&format!("{}-{what}-", env!("CARGO_PKG_NAME")))
        .suffix(".txt")
        .tempfile()?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    let editor = chosen();
    // Through the shell, as git does, so that `EDITOR="code --wait"` works.
    let status = if cfg!(unix) {
        Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$@\""))
            .arg(&editor)
            .arg(file.path())
            .status()
    } else {
        Command::new(&editor).arg(file.path()).status()
    };
    let status =
        status.map_err(|e| io::Error::new(e.kind(), format!("cannot run {editor}: {e}")))?;
    if !status.success() {
        let code = status
            .code()
            .map_or_else(|| status.to_string(), |c| c.to_string());
        return Ok(Edited::Failed(format!("{editor} exited with {code}")));
    }
    // Read by path: an editor may save by putting a new file in its place.
    let saved = std::fs::read(file.path())?;
    let saved = String::from_utf8(saved).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "the file saved is not UTF-8 text",
        )
    })?;
    Ok(Edited::Saved(saved, Draft(file)))
}
