//! The store's errors, worded: each names the file it is about, as the
//! person named it, and says what to do about the store's own files; what
//! only the command line can say (its flags, its commands) is left to it,
//! as a `Tip`. `ListName` words them for one list, be it the store's own or
//! one side of a merge.

use std::io;
use std::path::Path;
use std::time::Duration;

use super::files::{self, Contents, MAX_FILE_BYTES, NotAFile};
use super::history;
use super::source::FormatError;
use crate::domain::{BrokenHistory, Words};
use crate::ports::{StoreError, StoreErrorKind, Tip};

/// What a merge says of a side that is not a list it can use.
const LEFT_TO_GIT: &str =
    "the merge is left to git, as a conflict, and this clone's list as it was";

/// What a writer says when it failed before the list was replaced.
const NOTHING_CHANGED: &str = "nothing was changed; the list is as it was before this command";

/// A list file, as messages name it, and what one of its records is called.
#[derive(Clone, Copy)]
pub struct ListName<'a> {
    path: &'a Path,
    words: Words,
    /// A side of a merge: what a person would do to the list is left to git.
    side: bool,
}

impl<'a> ListName<'a> {
    pub fn new(path: &'a Path, words: Words) -> Self {
        Self {
            path,
            words,
            side: false,
        }
    }

    /// One side of a merge, named for it: `notes.json (theirs)`.
    pub fn side(path: &'a Path, words: Words) -> Self {
        Self {
            side: true,
            ..Self::new(path, words)
        }
    }

    pub fn shown(&self) -> std::path::Display<'a> {
        self.path.display()
    }

    /// The bytes of the file at `target`, which is this list or the file
    /// its links lead to; none when it is missing.
    pub fn contents(&self, target: &Path) -> Result<Option<files::Bytes>, StoreError> {
        match files::read(target) {
            Ok(Contents::Bytes(bytes)) => Ok(Some(bytes)),
            Ok(Contents::Missing) => Ok(None),
            Ok(Contents::NotAFile(kind)) => Err(self.not_a_file(kind)),
            Ok(Contents::TooLarge(size)) => Err(error(
                StoreErrorKind::Unusable,
                format!(
                    "{} is too large to be {} list ({size} bytes; the limit is {MAX_FILE_BYTES})",
                    self.shown(),
                    self.words.a_one
                ),
                Some(Tip::Said(self.recovery_tip())),
            )),
            Err(e) => Err(self.io("read", &e)),
        }
    }

    /// What is wrong with the text of the list.
    pub fn format(&self, e: FormatError) -> StoreError {
        match e {
            FormatError::Newer(_) => error(
                StoreErrorKind::Unusable,
                format!("{} was written by a newer {{project-name}}: {e}", self.shown()),
                Some(Tip::Said(
                    "upgrade {{project-name}} to use this list; it was left as it was".into(),
                )),
            ),
            FormatError::Unmerged(line) => error(
                StoreErrorKind::Unusable,
                format!(
                    "{} holds a git merge that was not finished: conflict markers from line {line}",
                    self.shown()
                ),
                Some(match self.side {
                    true => Tip::Said(LEFT_TO_GIT.into()),
                    false => Tip::FinishMerge {
                        list: self.shown().to_string(),
                    },
                }),
            ),
            e => self.unusable(&e.to_string()),
        }
    }

    pub fn not_a_file(&self, kind: NotAFile) -> StoreError {
        error(
            StoreErrorKind::Io,
            format!("{} is {kind}, not a file", self.shown()),
            Some(Tip::NameAFile),
        )
    }

    pub fn names_a_folder(&self) -> StoreError {
        error(
            StoreErrorKind::Io,
            format!("{} names a folder, not a file", self.shown()),
            Some(Tip::NameAFile),
        )
    }

    /// The list's folder, `dir`, is not there.
    pub fn no_folder(&self, dir: &Path) -> StoreError {
        error(
            StoreErrorKind::Io,
            format!(
                "{} is in a folder that does not exist: {}",
                self.shown(),
                dir.display()
            ),
            Some(Tip::Said(format!(
                "make it with mkdir -p {}, or name a list in a folder that exists",
                dir.display()
            ))),
        )
    }

    pub fn unusable(&self, why: &str) -> StoreError {
        error(
            StoreErrorKind::Unusable,
            format!(
                "{} is not {} list we can use: {why}",
                self.shown(),
                self.words.a_one
            ),
            Some(Tip::Said(self.recovery_tip())),
        )
    }

    /// Doing `doing` to the list failed.
    pub fn io(&self, doing: &str, e: &io::Error) -> StoreError {
        error(
            StoreErrorKind::Io,
            format!("cannot {doing} {}: {e}", self.shown()),
            None,
        )
    }

    /// The new list could not be put in place.
    pub fn save(&self, e: &io::Error) -> StoreError {
        error(
            StoreErrorKind::Io,
            format!("cannot save {}: {e}", self.shown()),
            Some(Tip::Said(NOTHING_CHANGED.into())),
        )
    }

    /// Another writer held the lock for all of `waited`.
    pub fn busy(&self, waited: Duration) -> StoreError {
        error(
            StoreErrorKind::Busy,
            format!(
                "another {{project-name}} is changing {}; gave up waiting after {} s",
                self.shown(),
                waited.as_secs_f64()
            ),
            Some(Tip::WaitLonger),
        )
    }

    /// The lock at `lock` could not be taken, for `why`.
    pub fn lock_failed(&self, lock: &Path, why: &str, tip: Option<&str>) -> StoreError {
        error(
            StoreErrorKind::Io,
            format!(
                "cannot lock {} (with {}): {why}",
                self.shown(),
                lock.display()
            ),
            tip.map(|tip| Tip::Said(tip.into())),
        )
    }

    /// The history of the list at `target` cannot be used.
    pub fn broken_history(&self, e: BrokenHistory) -> StoreError {
        error(StoreErrorKind::Unusable, e.0, Some(Tip::MendHistory))
    }

    /// The history of the list at `target` cannot be read.
    pub fn history_unread(&self, target: &Path, e: &io::Error) -> StoreError {
        error(
            StoreErrorKind::Io,
            format!("cannot read {}: {e}", history::path_of(target).display()),
            None,
        )
    }

    /// The history of the list at `target` cannot be written: a writer
    /// says nothing was changed.
    pub fn history_unsaved(&self, target: &Path, e: &io::Error) -> StoreError {
        error(
            StoreErrorKind::Io,
            format!("cannot save {}: {e}", history::path_of(target).display()),
            Some(Tip::Said(NOTHING_CHANGED.into())),
        )
    }

    /// A history with no list at `target`: it belongs to a list that was there before.
    pub fn orphan_history(&self, target: &Path) -> StoreError {
        let history = history::path_of(target).display().to_string();
        error(
            StoreErrorKind::Unusable,
            format!(
                "{} is not there, but its history {history} is: it belongs to the list that was",
                self.shown()
            ),
            Some(Tip::Said(format!(
                "put that list back, or move its history aside (mv {history} {history}.old) to start a new list"
            ))),
        )
    }

    fn recovery_tip(&self) -> String {
        if self.side {
            return LEFT_TO_GIT.into();
        }
        let list = self.shown();
        let history = history::path_of(self.path);
        // The history goes with its list, to its new name.
        let with_history = match files::not_there(&history) {
            Ok(false) => format!(" && mv {} {list}.broken.history.jsonl", history.display()),
            _ => String::new(),
        };
        format!(
            "{{project-name}} never writes over a file it cannot read; fix it in an editor, or move it aside (mv {list} {list}.broken{with_history}) to start a new list"
        )
    }
}

fn error(kind: StoreErrorKind, message: String, tip: Option<Tip>) -> StoreError {
    StoreError { kind, message, tip }
}
