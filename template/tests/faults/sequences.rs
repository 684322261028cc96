//! Random sequences of what happens to a list kept in git: records created,
//! removed and undone, writers killed mid-run, the list and the history
//! edited by hand, the list committed and checked out as it was before.
//! After every step, every record that `REMOVE` reported, and that `UNDO`
//! did not report putting back since, is on the list or in the history,
//! once; the history shows nothing the list holds, and nothing that was
//! never removed.

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
    /// `REMOVE` one to three records on the list.
    Remove(Vec<u16>),
    /// `UNDO`, whatever it finds to undo.
    Undo,
    /// `REMOVE` a record on the list, or `UNDO`, killed after `after_ms`.
    Kill { undo: bool, pick: u16, after_ms: u8 },
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

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        5 => Just(Step::Create),
        3 => proptest::collection::vec(any::<u16>(), 1..=3).prop_map(Step::Remove),
        2 => Just(Step::Undo),
        2 => (any::<bool>(), any::<u16>(), 0u8..=30)
            .prop_map(|(undo, pick, after_ms)| Step::Kill { undo, pick, after_ms }),
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

/// The first text of `texts` that is there twice.
fn repeated(texts: &[String]) -> Option<&String> {
    let mut seen = BTreeSet::new();
    texts.iter().find(|text| !seen.insert(*text))
}

/// A sequence played on a repository, and what the model expects of it.
struct Run {
    repo: GitRepo,
    /// Texts of the records `REMOVE` reported, or a killed `REMOVE` took
    /// off the list, and that `UNDO` did not put back since, nor a hand.
    removed: BTreeSet<String>,
    /// Texts of every record a `REMOVE` reported or was run on: the only
    /// ones the history may show.
    ever: BTreeSet<String>,
    /// Every record as last seen whole, on the list or reported removed.
    whole: BTreeMap<String, Value>,
    /// How many records were created.
    made: u64,
    /// What each step did, for the message of a failure.
    trace: Vec<String>,
}

impl Run {
    fn new() -> Self {
        Self {
            repo: GitRepo::new(),
            removed: BTreeSet::new(),
            ever: BTreeSet::new(),
            whole: BTreeMap::new(),
            made: 0,
            trace: Vec::new(),
        }
    }

    fn story(&self) -> String {
        format!("the steps so far:\n  {}", self.trace.join("\n  "))
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
            self.whole.insert(text_of(record), record.clone());
        }
        Ok(records)
    }

    /// The texts of the records the history shows, newest first.
    fn history(&self) -> Result<Vec<String>, TestCaseError> {
        let out = self.repo.program(&[HISTORY, "1000000000", "--json"]);
        prop_assert!(
            out.status.success(),
            "{} failed: {:?}: {}\n{}",
            HISTORY,
            out.status,
            stderr(&out),
            self.story()
        );
        let shown: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        Ok(texts(&shown))
    }

    /// The invariant, after step `n`.
    fn check(&mut self, n: usize) -> Result<(), TestCaseError> {
        let listed = texts(&self.listed()?);
        let history = self.history()?;
        let state = format!(
            "after step {n}:\n  listed: {listed:?}\n  history: {history:?}\n  \
             reported removed: {:?}\n  ever removed: {:?}\n{}",
            self.removed,
            self.ever,
            self.story()
        );
        prop_assert!(
            repeated(&listed).is_none(),
            "{:?} is listed twice {}",
            repeated(&listed),
            state
        );
        prop_assert!(
            repeated(&history).is_none(),
            "{:?} is in the history twice {}",
            repeated(&history),
            state
        );
        let both: Vec<&String> = listed.iter().filter(|t| history.contains(t)).collect();
        prop_assert!(
            both.is_empty(),
            "{:?} both listed and in the history {}",
            both,
            state
        );
        let lost: Vec<&String> = self
            .removed
            .iter()
            .filter(|t| !listed.contains(t) && !history.contains(t))
            .collect();
        prop_assert!(
            lost.is_empty(),
            "{:?} reported removed, and neither listed nor in the history {}",
            lost,
            state
        );
        let invented: Vec<&String> = history.iter().filter(|t| !self.ever.contains(*t)).collect();
        prop_assert!(
            invented.is_empty(),
            "{:?} in the history, never removed {}",
            invented,
            state
        );
        Ok(())
    }

    /// Plays `step`; what it did, in words.
    fn apply(&mut self, step: &Step) -> Result<String, TestCaseError> {
        Ok(match step {
            Step::Create => {
                self.made += 1;
                let text = format!("r{}", self.made);
                let out = self.repo.program(&create(&text));
                prop_assert!(
                    out.status.success(),
                    "create {}: {:?}: {}\n{}",
                    text,
                    out.status,
                    stderr(&out),
                    self.story()
                );
                String::from_utf8_lossy(&out.stdout).trim().to_owned()
            }
            Step::Remove(picks) => self.remove(picks)?,
            Step::Undo => self.undo()?,
            Step::Kill {
                undo,
                pick,
                after_ms,
            } => self.kill(*undo, *pick, *after_ms)?,
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
        let expected: BTreeSet<String> = chosen.iter().map(|r| text_of(r)).collect();
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
        let said: BTreeSet<String> = reported.iter().map(text_of).collect();
        prop_assert_eq!(
            &said,
            &expected,
            "{:?} reported other records\n{}",
            args,
            self.story()
        );
        for record in reported {
            let text = text_of(&record);
            self.removed.insert(text.clone());
            self.ever.insert(text.clone());
            self.whole.insert(text, record);
        }
        Ok(format!("{REMOVE} {} -> {said:?}", ids.join(" ")))
    }

    fn undo(&mut self) -> Result<String, TestCaseError> {
        let out = self.repo.program(&[UNDO]);
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        let err = stderr(&out);
        match out.status.code() {
            Some(0) => {}
            Some(1) => return Ok(format!("{UNDO}: {}", err.trim())),
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
        for text in said.lines().filter_map(put_back) {
            self.removed.remove(text);
        }
        Ok(format!("{UNDO} -> {:?}", said.trim()))
    }

    fn kill(&mut self, undo: bool, pick: u16, after_ms: u8) -> Result<String, TestCaseError> {
        let before = self.listed()?;
        let (args, target) = if undo {
            (vec![UNDO.to_owned()], None)
        } else {
            if before.is_empty() {
                return Ok(format!("kill -9 of {REMOVE}: nothing listed"));
            }
            let record = &before[usize::from(pick) % before.len()];
            let id = record["id"].to_string();
            (vec![REMOVE.to_owned(), id], Some(text_of(record)))
        };
        if let Some(text) = &target {
            // Its change may be in the history, whatever the list says.
            self.ever.insert(text.clone());
        }
        let before = texts(&before);
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
        let after = texts(&self.listed()?);
        let mut happened = Vec::new();
        if let Some(text) = target {
            if !after.contains(&text) {
                happened.push(format!("{text} removed"));
                self.removed.insert(text);
            }
        } else {
            let back: Vec<String> = self
                .removed
                .iter()
                .filter(|t| !before.contains(t) && after.contains(t))
                .cloned()
                .collect();
            for text in back {
                happened.push(format!("{text} put back"));
                self.removed.remove(&text);
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
        let listed = texts(&list);
        // Not listed, and its number free: a list with a number twice is
        // refused, and is not what this step is about.
        let candidates: Vec<&String> = self
            .removed
            .iter()
            .filter(|t| !listed.contains(t))
            .filter(|t| {
                self.whole
                    .get(*t)
                    .is_some_and(|r| !ids.contains(&r["id"].as_u64()))
            })
            .collect();
        if candidates.is_empty() {
            return Ok("nothing to put back by hand".into());
        }
        let text = candidates[usize::from(pick) % candidates.len()].clone();
        let record = self.whole[&text].clone();
        self.rewrite(|records| records.push(record));
        self.removed.remove(&text);
        Ok(format!("{text} put back on the list by hand"))
    }

    fn delete_line(&mut self, pick: u16) -> Result<String, TestCaseError> {
        let list = self.listed()?;
        let candidates: Vec<String> = texts(&list)
            .into_iter()
            .filter(|t| !self.ever.contains(t))
            .collect();
        if candidates.is_empty() {
            return Ok("nothing to delete by hand".into());
        }
        let text = candidates[usize::from(pick) % candidates.len()].clone();
        self.rewrite(|records| records.retain(|r| text_of(r) != text));
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
    /// not reported put back is on the list or in the history, once.
    #[test]
    fn a_record_reported_removed_is_listed_or_in_the_history_once(
        steps in proptest::collection::vec(step(), 1..=25)
    ) {
        Run::new().play(&steps)?;
    }
}
