//! Random sequences of what happens to a list kept in git: records created,
//! edited, removed and undone, writers killed mid-run, the list and the
//! history edited by hand, the list committed and checked out as it was
//! before. After every step, every record that `REMOVE` reported, and that
//! `UNDO` did not report putting back since, is on the list or in the
//! history, once; the history shows nothing the list holds, and nothing
//! that was never removed; and every record, listed or in the history,
//! holds a text it was given. A record is known by its ULID, as the program
//! knows it: `EDIT` changes its text, and a checkout may give it back an
//! older one. An `UNDO` that takes back an edit leaves the record with the
//! text it had before that edit, and puts nothing back on the list.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::process::Stdio;
use std::thread;
use std::time::Duration;

use proptest::prelude::*;
use serde_json::Value;

use super::harness::*;

/// One thing that happens to the list. The numbers pick, at run time,
/// among what there is then to pick from.
#[derive(Debug, Clone)]
enum Step {
    /// `create` a record with a text no other record has.
    Create,
    /// `EDIT` a record on the list to a text no record has had.
    Edit(u16),
    /// `REMOVE` one to three records on the list.
    Remove(Vec<u16>),
    /// `UNDO`, whatever it finds to undo.
    Undo,
    /// A `writer` run on a record on the list, killed after `after_ms`.
    Kill {
        writer: Writer,
        pick: u16,
        after_ms: u8,
    },
    /// The history rewritten without its final line break, by an editor.
    DropFinalBreak,
    /// A record reported removed put back on the list by hand.
    PutBack(u16),
    /// A record never removed deleted from the list by hand.
    DeleteLine(u16),
    /// `git commit` of the list, if it changed.
    Commit,
    /// `git checkout` of the list as an earlier commit held it, committed.
    Checkout(u16),
}

/// A command that writes the list, as a step kills it.
#[derive(Debug, Clone, Copy)]
enum Writer {
    /// `REMOVE` of a record.
    Remove,
    /// `EDIT` of a record to a text no record has had.
    Edit,
    /// `UNDO`, whatever it finds to undo.
    Undo,
}

fn step() -> impl Strategy<Value = Step> {
    let writer = prop_oneof![Just(Writer::Remove), Just(Writer::Edit), Just(Writer::Undo)];
    prop_oneof![
        5 => Just(Step::Create),
        3 => any::<u16>().prop_map(Step::Edit),
        3 => proptest::collection::vec(any::<u16>(), 1..=3).prop_map(Step::Remove),
        3 => Just(Step::Undo),
        3 => (writer, any::<u16>(), 0u8..=30)
            .prop_map(|(writer, pick, after_ms)| Step::Kill { writer, pick, after_ms }),
        1 => Just(Step::DropFinalBreak),
        1 => any::<u16>().prop_map(Step::PutBack),
        1 => any::<u16>().prop_map(Step::DeleteLine),
        3 => Just(Step::Commit),
        3 => any::<u16>().prop_map(Step::Checkout),
    ]
}

fn text_of(record: &Value) -> String {
    record[TEXT].as_str().unwrap().to_owned()
}

/// The permanent identity of a record, as `--json` prints it.
fn ulid_of(record: &Value) -> String {
    record["ulid"].as_str().unwrap().to_owned()
}

/// The ULIDs of `records`, in their order.
fn ulids(records: &[Value]) -> Vec<String> {
    records.iter().map(ulid_of).collect()
}

/// The record of `records` whose ULID is `ulid`.
fn find<'a>(records: &'a [Value], ulid: &str) -> Option<&'a Value> {
    records.iter().find(|r| ulid_of(r) == ulid)
}

/// The first text of `texts` that is there twice.
fn repeated(texts: &[String]) -> Option<&String> {
    let mut seen = BTreeSet::new();
    texts.iter().find(|text| !seen.insert(*text))
}

/// A sequence played on a repository, and what the model expects of it.
/// Records are known by their ULIDs.
struct Run {
    repo: GitRepo,
    /// The records `REMOVE` reported, or a killed `REMOVE` took off the
    /// list, whose removal no `UNDO` took back since, and that no hand put
    /// back.
    removed: BTreeSet<String>,
    /// The records of each removal, oldest first: an `UNDO` of one takes
    /// back all of its records, whether it puts them back or a hand or a
    /// checkout did.
    removals: Vec<BTreeSet<String>>,
    /// Every record a `REMOVE` reported or was run on: the only ones the
    /// history may show.
    ever: BTreeSet<String>,
    /// Every record as last seen whole, on the list or reported removed.
    whole: BTreeMap<String, Value>,
    /// The texts each record was given: by `create`, and by each `EDIT`
    /// the list showed.
    given: BTreeMap<String, BTreeSet<String>>,
    /// For each `EDIT` the list showed, the text it gave a record, and the
    /// text the record had before: no two edits give the same text.
    edits: BTreeMap<String, String>,
    /// How many texts were made, for records created or edited.
    made: u64,
    /// What each step did, for the message of a failure.
    trace: Vec<String>,
}

impl Run {
    fn new() -> Self {
        Self {
            repo: GitRepo::new(),
            removed: BTreeSet::new(),
            removals: Vec::new(),
            ever: BTreeSet::new(),
            whole: BTreeMap::new(),
            given: BTreeMap::new(),
            edits: BTreeMap::new(),
            made: 0,
            trace: Vec::new(),
        }
    }

    fn story(&self) -> String {
        format!("the steps so far:\n  {}", self.trace.join("\n  "))
    }

    /// A text no record has had, beginning with `prefix`.
    fn new_text(&mut self, prefix: &str) -> String {
        self.made += 1;
        format!("{prefix}{}", self.made)
    }

    /// The records `ulids` names, by the text each held when last seen.
    fn named<'a>(&self, ulids: impl IntoIterator<Item = &'a String>) -> Vec<String> {
        ulids
            .into_iter()
            .map(|u| self.whole.get(u).map_or_else(|| u.clone(), text_of))
            .collect()
    }

    fn play(mut self, steps: &[Step]) -> Result<(), TestCaseError> {
        for (n, step) in steps.iter().enumerate() {
            let did = self.apply(step)?;
            self.trace.push(format!("step {n}: {did}"));
            self.check(n)?;
        }
        Ok(())
    }

    /// Every record on the list, oldest first.
    fn listed(&mut self) -> Result<Vec<Value>, TestCaseError> {
        let out = self.repo.program(&[LIST, "1000000000", "--json"]);
        prop_assert!(
            out.status.success(),
            "{} failed: {:?}: {}\n{}",
            LIST,
            out.status,
            stderr(&out),
            self.story()
        );
        let mut records: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        records.reverse();
        for record in &records {
            self.whole.insert(ulid_of(record), record.clone());
        }
        Ok(records)
    }

    /// The records the history shows, newest first.
    fn history(&self) -> Result<Vec<Value>, TestCaseError> {
        let out = self.repo.program(&[HISTORY, "1000000000", "--json"]);
        prop_assert!(
            out.status.success(),
            "{} failed: {:?}: {}\n{}",
            HISTORY,
            out.status,
            stderr(&out),
            self.story()
        );
        Ok(serde_json::from_slice(&out.stdout).unwrap())
    }

    /// The invariant, after step `n`.
    fn check(&mut self, n: usize) -> Result<(), TestCaseError> {
        let list = self.listed()?;
        let shown = self.history()?;
        let (listed, history) = (texts(&list), texts(&shown));
        let (on_list, in_history) = (ulids(&list), ulids(&shown));
        let state = format!(
            "after step {n}:\n  listed: {listed:?}\n  history: {history:?}\n  \
             reported removed: {:?}\n  ever removed: {:?}\n{}",
            self.named(&self.removed),
            self.named(&self.ever),
            self.story()
        );
        prop_assert!(
            repeated(&on_list).is_none() && repeated(&listed).is_none(),
            "{:?} is listed twice {}",
            repeated(&listed),
            state
        );
        prop_assert!(
            repeated(&in_history).is_none(),
            "{:?} is in the history twice {}",
            self.named(repeated(&in_history)),
            state
        );
        let both: Vec<&String> = on_list.iter().filter(|u| in_history.contains(u)).collect();
        prop_assert!(
            both.is_empty(),
            "{:?} both listed and in the history {}",
            self.named(both),
            state
        );
        let lost: Vec<&String> = self
            .removed
            .iter()
            .filter(|u| !on_list.contains(u) && !in_history.contains(u))
            .collect();
        prop_assert!(
            lost.is_empty(),
            "{:?} reported removed, and neither listed nor in the history {}",
            self.named(lost),
            state
        );
        let invented: Vec<&String> = in_history
            .iter()
            .filter(|u| !self.ever.contains(*u))
            .collect();
        prop_assert!(
            invented.is_empty(),
            "{:?} in the history, never removed {}",
            self.named(invented),
            state
        );
        let strange: Vec<String> = list
            .iter()
            .chain(&shown)
            .filter(|r| {
                self.given
                    .get(&ulid_of(r))
                    .is_none_or(|texts| !texts.contains(&text_of(r)))
            })
            .map(text_of)
            .collect();
        prop_assert!(
            strange.is_empty(),
            "{:?} held by a record never given it {}",
            strange,
            state
        );
        Ok(())
    }

    /// Plays `step`; what it did, in words.
    fn apply(&mut self, step: &Step) -> Result<String, TestCaseError> {
        Ok(match step {
            Step::Create => {
                let text = self.new_text("r");
                let out = self.repo.program(&and(create(&text), &["--json"]));
                prop_assert!(
                    out.status.success(),
                    "create {}: {:?}: {}\n{}",
                    text,
                    out.status,
                    stderr(&out),
                    self.story()
                );
                let made: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
                prop_assert_eq!(made.len(), 1);
                let ulid = ulid_of(&made[0]);
                self.given.entry(ulid).or_default().insert(text.clone());
                format!("create #{} {text}", made[0]["id"])
            }
            Step::Edit(pick) => self.edit_one(*pick)?,
            Step::Remove(picks) => self.remove(picks)?,
            Step::Undo => self.undo()?,
            Step::Kill {
                writer,
                pick,
                after_ms,
            } => self.kill(*writer, *pick, *after_ms)?,
            Step::DropFinalBreak => {
                let path = self.repo.path().join(HISTORY_FILE);
                let Ok(mut kept) = fs::read(&path) else {
                    return Ok("no history to edit".into());
                };
                while kept.last() == Some(&b'\n') {
                    kept.pop();
                }
                fs::write(&path, &kept).unwrap();
                "the history rewritten without its final line break".into()
            }
            Step::PutBack(pick) => self.put_back(*pick)?,
            Step::DeleteLine(pick) => self.delete_line(*pick)?,
            Step::Commit => match self.repo.commit("step") {
                Some(commit) => format!("commit {commit}"),
                None => "nothing to commit".into(),
            },
            Step::Checkout(pick) => {
                if !self
                    .repo
                    .git_output(&["rev-parse", "-q", "--verify", "HEAD"])
                    .status
                    .success()
                {
                    return Ok("no commit to check out".into());
                }
                let commits = self.repo.git(&["rev-list", "HEAD"]);
                let commits: Vec<&str> = commits.lines().collect();
                let back = usize::from(*pick) % commits.len();
                let commit = commits[back];
                self.repo.git(&["checkout", commit, "--", FILE]);
                let committed = self.repo.commit("step");
                format!(
                    "checkout of the list {back} commits back ({}), then {}",
                    &commit[..7],
                    committed.map_or("nothing to commit".into(), |c| format!("commit {c}"))
                )
            }
        })
    }

    /// `EDIT` of a record on the list to a new text: the record holds it,
    /// under its number and ULID, the rest of it as it was.
    fn edit_one(&mut self, pick: u16) -> Result<String, TestCaseError> {
        let list = self.listed()?;
        if list.is_empty() {
            return Ok(format!("{EDIT}: nothing listed"));
        }
        let record = list[usize::from(pick) % list.len()].clone();
        let (id, ulid, old) = (record["id"].to_string(), ulid_of(&record), text_of(&record));
        let text = self.new_text("e");
        let Some(edited) = edit(&id, &text) else {
            return Ok(format!("{EDIT}: the record is not edited"));
        };
        let args = and(edited, &["--json"]);
        let out = self.repo.program(&args);
        prop_assert!(
            out.status.success(),
            "{:?}: {:?}: {}\n{}",
            args,
            out.status,
            stderr(&out),
            self.story()
        );
        let mut expected = record;
        expected[TEXT] = text.clone().into();
        let printed: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        prop_assert_eq!(
            &printed,
            &vec![expected.clone()],
            "{:?} printed another record\n{}",
            args,
            self.story()
        );
        let after = self.listed()?;
        prop_assert_eq!(
            find(&after, &ulid),
            Some(&expected),
            "{:?} left another record\n{}",
            args,
            self.story()
        );
        self.given.entry(ulid).or_default().insert(text.clone());
        self.edits.insert(text.clone(), old.clone());
        Ok(format!("{EDIT} #{id}: {old} -> {text}"))
    }

    fn remove(&mut self, picks: &[u16]) -> Result<String, TestCaseError> {
        let list = self.listed()?;
        if list.is_empty() {
            return Ok(format!("{REMOVE}: nothing listed"));
        }
        let mut chosen: Vec<&Value> = picks
            .iter()
            .map(|&p| &list[usize::from(p) % list.len()])
            .collect();
        chosen.sort_by_key(|r| r["id"].as_u64());
        chosen.dedup_by_key(|r| r["id"].as_u64());
        let ids: Vec<String> = chosen.iter().map(|r| r["id"].to_string()).collect();
        let expected: BTreeSet<String> = chosen.iter().map(|r| ulid_of(r)).collect();
        let mut args = vec![REMOVE];
        args.extend(ids.iter().map(String::as_str));
        args.push("--json");
        let out = self.repo.program(&args);
        prop_assert!(
            out.status.success(),
            "{:?}: {:?}: {}\n{}",
            args,
            out.status,
            stderr(&out),
            self.story()
        );
        let reported: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        let said: BTreeSet<String> = reported.iter().map(ulid_of).collect();
        prop_assert_eq!(
            &said,
            &expected,
            "{:?} reported other records\n{}",
            args,
            self.story()
        );
        self.removals.push(said.clone());
        for record in reported {
            let ulid = ulid_of(&record);
            self.removed.insert(ulid.clone());
            self.ever.insert(ulid.clone());
            self.whole.insert(ulid, record);
        }
        Ok(format!(
            "{REMOVE} {} -> {:?}",
            ids.join(" "),
            self.named(&said)
        ))
    }

    /// `UNDO`: what it says it put back is no longer reported removed. What
    /// it says it changed back was an edit the list showed, and holds the
    /// text it had before that edit; and nothing but the records a removal
    /// took off comes back on the list.
    fn undo(&mut self) -> Result<String, TestCaseError> {
        let before = self.listed()?;
        let out = self.repo.program(&[UNDO, "--json"]);
        let err = stderr(&out);
        match out.status.code() {
            Some(0) => {}
            Some(1) => return Ok(format!("{UNDO}: nothing to undo {}", err.trim())),
            // A hand or a checkout gave the number of a record to put back
            // to another: nothing was undone.
            _ if err.contains("cannot be put back") => {
                return Ok(format!("{UNDO}: {}", err.trim()));
            }
            _ => {
                return Err(TestCaseError::fail(format!(
                    "{UNDO} failed: {:?}: {err}\n{}",
                    out.status,
                    self.story()
                )));
            }
        }
        let said: Value = serde_json::from_slice(&out.stdout).unwrap();
        let undid = said["undid"].as_str().unwrap_or_default().to_owned();
        let records = said[COLLECTION].as_array().cloned().unwrap_or_default();
        let after = self.listed()?;
        let story = format!("{UNDO} said {said}\n{}", self.story());
        if undid != REMOVE {
            let back: Vec<String> = ulids(&after)
                .into_iter()
                .filter(|u| find(&before, u).is_none())
                .collect();
            prop_assert!(
                back.is_empty(),
                "{:?} put back on the list by an {} of {}\n{}",
                self.named(&back),
                UNDO,
                undid,
                story
            );
        }
        if undid == EDIT {
            prop_assert_eq!(records.len(), 1, "{}", story);
            let ulid = ulid_of(&records[0]);
            let was = find(&before, &ulid).map(text_of);
            let edited_from = was.as_ref().and_then(|t| self.edits.get(t));
            prop_assert!(
                edited_from.is_some(),
                "an edit taken back from {:?}, which no edit the list showed gave\n{}",
                was,
                story
            );
            let now = find(&after, &ulid).map(text_of);
            prop_assert_eq!(
                now.as_ref(),
                edited_from,
                "the edit to {:?} taken back to another text\n{}",
                was,
                story
            );
            prop_assert_eq!(Some(text_of(&records[0])), now, "{}", story);
        }
        if undid == REMOVE {
            self.taken_back(&ulids(&records));
        }
        let texts = texts(&records);
        Ok(format!("{UNDO} -> {undid} {texts:?}"))
    }

    /// An `UNDO` put `back` records of a removal: the latest removal of
    /// them all is taken back, and with it the records of it that a hand or
    /// a checkout had put back already.
    fn taken_back(&mut self, back: &[String]) {
        let latest = self
            .removals
            .iter()
            .rposition(|removal| !back.is_empty() && back.iter().all(|u| removal.contains(u)));
        let taken = latest.map_or_else(
            || back.iter().cloned().collect(),
            |at| self.removals.remove(at),
        );
        for ulid in &taken {
            self.removed.remove(ulid);
        }
    }

    fn kill(&mut self, writer: Writer, pick: u16, after_ms: u8) -> Result<String, TestCaseError> {
        let before = self.listed()?;
        let target = match writer {
            Writer::Undo => None,
            Writer::Remove | Writer::Edit if before.is_empty() => {
                return Ok(format!("kill -9 of {writer:?}: nothing listed"));
            }
            Writer::Remove | Writer::Edit => Some(before[usize::from(pick) % before.len()].clone()),
        };
        let id = target.as_ref().map(|r| r["id"].to_string());
        let id = id.as_deref().unwrap_or_default();
        let text = match writer {
            Writer::Edit => self.new_text("e"),
            _ => String::new(),
        };
        let args = match writer {
            Writer::Remove => vec![REMOVE, id],
            Writer::Edit => match edit(id, &text) {
                Some(args) => args,
                None => return Ok("a killed edit: the record is not edited".into()),
            },
            Writer::Undo => vec![UNDO],
        };
        if let (Writer::Remove, Some(record)) = (writer, &target) {
            // Its change may be in the history, whatever the list says.
            self.ever.insert(ulid_of(record));
        }
        let mut child = self
            .repo
            .{{crate_name}}()
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        thread::sleep(Duration::from_millis(after_ms.into()));
        // It may have ended already.
        let _ = child.kill();
        let status = child.wait().unwrap();
        let ended = status
            .code()
            .map_or("killed".to_owned(), |code| format!("ended with {code}"));
        let after = self.listed()?;
        let story = format!(
            "kill -9 after {after_ms} ms of {args:?}: {ended}\n{}",
            self.story()
        );
        let mut happened = Vec::new();
        match (writer, target) {
            (Writer::Remove, Some(record)) => {
                let ulid = ulid_of(&record);
                if find(&after, &ulid).is_none() {
                    happened.push(format!("{} removed", text_of(&record)));
                    self.removals.push(BTreeSet::from([ulid.clone()]));
                    self.removed.insert(ulid);
                }
            }
            (Writer::Edit, Some(record)) => {
                // The record is still there, as it was or as the edit made
                // it, and the other records are as they were.
                prop_assert_eq!(ulids(&before), ulids(&after), "{}", story);
                let ulid = ulid_of(&record);
                let now = find(&after, &ulid).unwrap();
                let old = text_of(&record);
                let mut edited = record.clone();
                edited[TEXT] = text.clone().into();
                prop_assert!(
                    now == &record || now == &edited,
                    "{} is now {}, neither as it was nor as edited to {}\n{}",
                    record,
                    now,
                    text,
                    story
                );
                if now == &edited {
                    happened.push(format!("{old} edited to {text}"));
                    self.given.entry(ulid).or_default().insert(text.clone());
                    self.edits.insert(text.clone(), old);
                }
            }
            _ => {
                let back: Vec<String> = self
                    .removed
                    .iter()
                    .filter(|u| find(&before, u).is_none() && find(&after, u).is_some())
                    .cloned()
                    .collect();
                for ulid in &back {
                    happened.push(format!("{} put back", self.named([ulid])[0]));
                }
                self.taken_back(&back);
            }
        }
        Ok(format!(
            "kill -9 after {after_ms} ms of {args:?}: {ended}; {happened:?}"
        ))
    }

    /// Rewrites the list by hand, one record per line, in number order.
    fn rewrite(&self, change: impl FnOnce(&mut Vec<Value>)) {
        let path = self.repo.path().join(FILE);
        let list: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        let next_id = list["next_id"].as_u64().unwrap();
        let mut records = list[COLLECTION].as_array().unwrap().clone();
        change(&mut records);
        records.sort_by_key(|r| r["id"].as_u64());
        let lines: Vec<String> = records
            .iter()
            .map(|r| serde_json::to_string(r).unwrap())
            .collect();
        fs::write(&path, list_of(next_id, &lines)).unwrap();
    }

    fn put_back(&mut self, pick: u16) -> Result<String, TestCaseError> {
        let list = self.listed()?;
        let ids: BTreeSet<Option<u64>> = list.iter().map(|r| r["id"].as_u64()).collect();
        // Not listed, and its number free: a list with a number twice is
        // refused, and is not what this step is about.
        let candidates: Vec<&String> = self
            .removed
            .iter()
            .filter(|u| find(&list, u).is_none())
            .filter(|u| {
                self.whole
                    .get(*u)
                    .is_some_and(|r| !ids.contains(&r["id"].as_u64()))
            })
            .collect();
        if candidates.is_empty() {
            return Ok("nothing to put back by hand".into());
        }
        let ulid = candidates[usize::from(pick) % candidates.len()].clone();
        let record = self.whole[&ulid].clone();
        let text = text_of(&record);
        self.rewrite(|records| records.push(record));
        self.removed.remove(&ulid);
        Ok(format!("{text} put back on the list by hand"))
    }

    fn delete_line(&mut self, pick: u16) -> Result<String, TestCaseError> {
        let list = self.listed()?;
        let candidates: Vec<&Value> = list
            .iter()
            .filter(|r| !self.ever.contains(&ulid_of(r)))
            .collect();
        if candidates.is_empty() {
            return Ok("nothing to delete by hand".into());
        }
        let record = candidates[usize::from(pick) % candidates.len()];
        let (ulid, text) = (ulid_of(record), text_of(record));
        self.rewrite(|records| records.retain(|r| ulid_of(r) != ulid));
        Ok(format!("{text} deleted from the list by hand"))
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        max_shrink_iters: 256,
        ..ProptestConfig::default()
    })]

    /// Whatever happens, in whatever order, a record reported removed and
    /// not reported put back is on the list or in the history, once; an
    /// edit taken back leaves its record as it was before the edit, and
    /// puts no removed record back.
    #[test]
    fn a_record_reported_removed_is_listed_or_in_the_history_once(
        steps in proptest::collection::vec(step(), 1..=25)
    ) {
        Run::new().play(&steps)?;
    }
}

/// A checkout that brings back one record of a removal: the `UNDO` of that
/// removal puts back the other and takes back the removal of both, so an
/// `UNDO` of the first's creation may take it off the list.
#[test]
fn an_undo_takes_back_a_removal_a_checkout_half_undid() {
    let steps = [
        Step::Create,
        Step::Create,
        Step::Commit,
        Step::Create,
        Step::Remove(vec![1, 2]),
        Step::Checkout(0),
        Step::Undo,
        Step::Checkout(0),
        Step::Undo,
    ];
    Run::new().play(&steps).unwrap();
}
