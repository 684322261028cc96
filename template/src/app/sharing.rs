//! The use cases of a list kept in git, for any record: merging two
//! clones' versions of it as git's merge driver, finishing a merge git
//! made without the driver, and setting a clone up for both.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use ulid::Ulid;

use crate::domain::{Id, Merged, OutOfNumbers, Record, Version, merge};
use crate::ports::{Repository, RepositoryError, StoreError, Unmerged, Versions};

#[derive(Debug, thiserror::Error)]
pub enum SharingError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Repository(#[from] RepositoryError),
    #[error(transparent)]
    OutOfNumbers(#[from] OutOfNumbers),
    /// One side of the merge deleted the list: which to keep is the person's call.
    #[error("{0} was deleted on one side of the merge and changed on the other")]
    Deleted(String),
}

/// What a person should know about a merge, beyond that it was made.
#[derive(Debug)]
pub struct Report<R> {
    /// Each field both sides changed, each its own way.
    pub conflicts: Vec<Conflict<R>>,
    /// Each record that had to give up its number.
    pub renumbered: Vec<Renumbered<R>>,
}

impl<R> Report<R> {
    pub fn is_clean(&self) -> bool {
        self.conflicts.is_empty()
    }
}

#[derive(Debug)]
pub struct Conflict<R> {
    /// The record as merged, holding one of the two values; none for a
    /// field of the list's own, or a record that cannot be read.
    pub record: Option<R>,
    /// Its number, for a field of a record.
    pub id: Option<Id>,
    pub field: String,
    /// Each side's value, as text; none where a side removed the field.
    pub values: [Option<String>; 2],
}

#[derive(Debug)]
pub struct Renumbered<R> {
    /// The record with its new number, unless it cannot be read.
    pub record: Option<R>,
    pub from: Id,
    pub to: Id,
}

pub struct Sharing<V, G> {
    versions: V,
    repository: G,
}

impl<V, G: Repository> Sharing<V, G> {
    pub fn new(versions: V, repository: G) -> Self {
        Self {
            versions,
            repository,
        }
    }

    /// Where the list is.
    pub fn list<R: Record>(&self) -> &Path
    where
        V: Versions<R>,
    {
        self.versions.location()
    }

    /// Merges `ours` and `theirs`, copies of the list git made, from `base`,
    /// into `ours`; `name` is how messages call the list. A side that is
    /// not a list leaves `ours` as it was.
    pub fn merge<R: Record>(
        &self,
        name: &str,
        [base, ours, theirs]: [&Path; 3],
    ) -> Result<Report<R>, SharingError>
    where
        V: Versions<R>,
    {
        let names = ["base", "ours", "theirs"].map(|side| format!("{name} ({side})"));
        let sides = self.versions.open([base, ours, theirs], names)?;
        let merged = merge(&sides[0], &sides[1], &sides[2])?;
        self.versions.write(ours, &merged)?;
        Ok(self.report(&merged))
    }

    /// Finishes a merge of the list that git left with conflict markers,
    /// from the versions it keeps, and writes the list. None when git has
    /// no merge of the list waiting.
    pub fn resolve<R: Record>(&self) -> Result<Option<Report<R>>, SharingError>
    where
        V: Versions<R>,
    {
        let Some(unmerged) = self.repository.unmerged(self.versions.location())? else {
            return Ok(None);
        };
        let Unmerged {
            path,
            base,
            ours,
            theirs,
        } = unmerged;
        let name = path.display().to_string();
        let (Some(ours), Some(theirs)) = (ours, theirs) else {
            return Err(SharingError::Deleted(name));
        };
        // Both sides added the list: they come from an empty one.
        let base = base.unwrap_or_default();
        let names = ["base", "ours", "theirs"].map(|side| format!("{name} ({side})"));
        let [base, ours, theirs] = self.versions.parse([base, ours, theirs], names)?;
        let merged = merge(&base, &ours, &theirs)?;
        self.versions.replace(&merged)?;
        Ok(Some(self.report(&merged)))
    }

    /// Sets the clone up so that git merges the list with this program,
    /// and keeps the files beside it that are this clone's own out of sight.
    pub fn set_up<R: Record>(&self) -> Result<Vec<String>, SharingError>
    where
        V: Versions<R>,
    {
        let private = self.versions.private_files();
        Ok(self.repository.set_up(self.versions.location(), &private)?)
    }

    /// Whether git holds the list unmerged: a merge it could not make
    /// (without the driver, say) left one side in it, or conflict markers.
    pub fn unfinished<R: Record>(&self) -> Result<bool, SharingError>
    where
        V: Versions<R>,
    {
        Ok(self.repository.unfinished(self.versions.location())?)
    }

    /// Keeps the files beside the list that are this clone's own out of
    /// `git status`, where the list is in a work tree, set up or not.
    pub fn keep_private<R: Record>(&self) -> Result<(), SharingError>
    where
        V: Versions<R>,
    {
        let private = self.versions.private_files();
        Ok(self
            .repository
            .keep_private(self.versions.location(), &private)?)
    }

    /// Names the records a merge reports on, reading only those.
    fn report<R: Record>(&self, merged: &Merged<V::Line>) -> Report<R>
    where
        V: Versions<R>,
    {
        let named: HashSet<Ulid> = (merged.conflicts.iter().filter_map(|c| c.record))
            .map(|(_, ulid)| ulid)
            .chain(merged.renumbered.iter().map(|r| r.ulid))
            .collect();
        let at: HashMap<Ulid, &Version<V::Line>> = match named.is_empty() {
            true => HashMap::new(),
            false => (merged.side.records.iter())
                .filter(|r| named.contains(&r.ulid))
                .map(|r| (r.ulid, r))
                .collect(),
        };
        let read = |ulid: Ulid| {
            at.get(&ulid)
                .and_then(|version| self.versions.record(version).ok())
        };
        Report {
            conflicts: merged
                .conflicts
                .iter()
                .map(|c| Conflict {
                    record: c.record.and_then(|(_, ulid)| read(ulid)),
                    id: c.record.map(|(id, _)| id),
                    field: c.field.clone(),
                    values: c.values.clone(),
                })
                .collect(),
            renumbered: merged
                .renumbered
                .iter()
                .map(|r| Renumbered {
                    record: read(r.ulid),
                    from: r.from,
                    to: r.to,
                })
                .collect(),
        }
    }
}
