//! Baselines: a file listing the findings a project has accepted for now
//! (`--write-baseline`), so that a later run (`--baseline`, or `baseline = "..."` in the
//! config) reports only what is new. Findings are matched by their content keys
//! ([`crate::fingerprint::Key`]), never by line numbers, in three passes:
//!
//! 1. same rule, message, path, flagged line and neighbouring lines;
//! 2. the same in another path, when the old path no longer has that line (a file that
//!    was moved or renamed);
//! 3. same rule, message, path and flagged line when only the neighbours changed (a
//!    variable renamed on a nearby line).
//!
//! Baseline entries that match nothing were fixed.

use crate::diagnostic::Diagnostic;
use crate::fingerprint::Key;
use crate::report::escape::echo;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;

/// The `format` every baseline file names, and the only `version` this build reads.
const FORMAT: &str = "prodlint-baseline";
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    format: String,
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    rule: String,
    path: String,
    message: String,
    line: String,
    context: String,
    occurrence: usize,
}

/// The accepted findings of a baseline file.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    entries: Vec<Key>,
}

/// What applying a baseline did, for the summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Findings the baseline hid.
    pub hidden: usize,
    /// Baseline entries no finding matches any more.
    pub fixed: usize,
}

/// The baseline file's text for `keys`: JSON, entries sorted by path, rule, message and
/// hashes (never by line number, so an unrelated edit does not reorder it), one entry a
/// finding.
pub fn render(keys: &[Key]) -> String {
    let mut sorted: Vec<&Key> = keys.iter().collect();
    sorted.sort();
    let file = BaselineFile {
        format: FORMAT.to_string(),
        version: VERSION,
        findings: sorted
            .into_iter()
            .map(|k| Entry {
                rule: k.rule.clone(),
                path: k.path.clone(),
                message: k.message.clone(),
                line: k.line.clone(),
                context: k.context.clone(),
                occurrence: k.occurrence,
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a baseline file; every problem is phrased for the user with the file's name.
pub fn load(path: &Path) -> Result<Baseline, String> {
    let shown = echo(&path.display().to_string());
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("{shown}: cannot read baseline: {e}"))?;
    let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
        format!("{shown}: not a prodlint baseline (write one with `--write-baseline`): {e}")
    })?;
    if file.format != FORMAT {
        return Err(format!(
            "{shown}: not a prodlint baseline: format is `{}`, expected `{FORMAT}`",
            echo(&file.format)
        ));
    }
    if file.version != VERSION {
        return Err(format!(
            "{shown}: baseline version {} is not supported (this prodlint reads version {VERSION}); write it again with `--write-baseline`",
            file.version
        ));
    }
    Ok(Baseline {
        entries: file
            .findings
            .into_iter()
            .map(|e| Key {
                path: e.path,
                rule: e.rule,
                message: e.message,
                line: e.line,
                context: e.context,
                occurrence: e.occurrence,
            })
            .collect(),
    })
}

impl Baseline {
    /// How many findings the baseline holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Which of the findings with `keys` the baseline holds (`true`: hide it), and how
    /// many of its entries matched none.
    pub fn matches(&self, keys: &[Key]) -> (Vec<bool>, usize) {
        let mut hidden = vec![false; keys.len()];
        let mut used = vec![false; self.entries.len()];

        // Pass 1: everything equal but the occurrence (identical findings pair up in order).
        let exact = |k: &Key| {
            (
                k.path.clone(),
                k.rule.clone(),
                k.message.clone(),
                k.line.clone(),
                k.context.clone(),
            )
        };
        pair(
            &self.entries,
            keys,
            &mut used,
            &mut hidden,
            exact,
            |_, _| true,
        );

        // Pass 2: moved files. An entry qualifies only when its own path has no unmatched
        // finding with its line left, else pass 3 is where it belongs.
        let left: HashSet<(String, String, String, String)> = keys
            .iter()
            .zip(&hidden)
            .filter(|(_, h)| !**h)
            .map(|(k, _)| {
                (
                    k.path.clone(),
                    k.rule.clone(),
                    k.message.clone(),
                    k.line.clone(),
                )
            })
            .collect();
        let moved = |k: &Key| {
            (
                k.rule.clone(),
                k.message.clone(),
                k.line.clone(),
                k.context.clone(),
            )
        };
        pair(
            &self.entries,
            keys,
            &mut used,
            &mut hidden,
            moved,
            |entry, finding| {
                entry.path != finding.path
                    && !left.contains(&(
                        entry.path.clone(),
                        entry.rule.clone(),
                        entry.message.clone(),
                        entry.line.clone(),
                    ))
            },
        );

        // Pass 3: the neighbours changed.
        let same_line = |k: &Key| {
            (
                k.path.clone(),
                k.rule.clone(),
                k.message.clone(),
                k.line.clone(),
            )
        };
        pair(
            &self.entries,
            keys,
            &mut used,
            &mut hidden,
            same_line,
            |_, _| true,
        );

        let fixed = used.iter().filter(|u| !**u).count();
        (hidden, fixed)
    }

    /// Removes from `diagnostics` (whose content keys are `keys`, in the same order) the
    /// findings the baseline holds.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>, keys: &[Key]) -> Outcome {
        let (hidden, fixed) = self.matches(keys);
        let mut flags = hidden.iter();
        diagnostics.retain(|_| !flags.next().copied().unwrap_or(false));
        Outcome {
            hidden: hidden.iter().filter(|h| **h).count(),
            fixed,
        }
    }
}

/// Pairs unused entries with unhidden findings of the same `group`, first come first
/// served, when `allowed(entry, finding)`.
fn pair<G: Eq + std::hash::Hash>(
    entries: &[Key],
    keys: &[Key],
    used: &mut [bool],
    hidden: &mut [bool],
    group: impl Fn(&Key) -> G,
    allowed: impl Fn(&Key, &Key) -> bool,
) {
    let mut open: HashMap<G, VecDeque<usize>> = HashMap::new();
    let mut order: Vec<usize> = (0..entries.len()).filter(|&i| !used[i]).collect();
    order.sort_by_key(|&i| entries[i].occurrence);
    for i in order {
        open.entry(group(&entries[i])).or_default().push_back(i);
    }
    for (f, key) in keys.iter().enumerate() {
        if hidden[f] {
            continue;
        }
        let Some(queue) = open.get_mut(&group(key)) else {
            continue;
        };
        if let Some(pos) = queue.iter().position(|&e| allowed(&entries[e], key)) {
            let e = queue.remove(pos).expect("position is in the queue");
            used[e] = true;
            hidden[f] = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(path: &str, line: &str, context: &str) -> Key {
        Key {
            path: path.into(),
            rule: "PY001".into(),
            message: "call without timeout".into(),
            line: line.into(),
            context: context.into(),
            occurrence: 1,
        }
    }

    #[test]
    fn passes_match_exact_then_moved_then_same_line() {
        let baseline = Baseline {
            entries: vec![
                key("a.py", "L1", "C1"),
                key("old.py", "L2", "C2"),
                key("b.py", "L3", "C3"),
                key("gone.py", "L4", "C4"),
            ],
        };
        let now = [
            key("a.py", "L1", "C1"),
            key("new.py", "L2", "C2"),
            key("b.py", "L3", "changed"),
            key("c.py", "L5", "C5"),
        ];
        let (hidden, fixed) = baseline.matches(&now);
        assert_eq!(hidden, [true, true, true, false]);
        assert_eq!(fixed, 1);
    }

    #[test]
    fn a_moved_entry_stays_with_its_path_when_the_path_still_has_the_line() {
        let baseline = Baseline {
            entries: vec![key("a.py", "L1", "C1")],
        };
        // a.py still has the line (its neighbours changed): that is pass 3's match, and
        // the copy in b.py is new.
        let now = [key("b.py", "L1", "C1"), key("a.py", "L1", "other")];
        let (hidden, fixed) = baseline.matches(&now);
        assert_eq!(hidden, [false, true]);
        assert_eq!(fixed, 0);
    }

    #[test]
    fn identical_findings_pair_up_one_to_one() {
        let mut second = key("a.py", "L1", "C1");
        second.occurrence = 2;
        let baseline = Baseline {
            entries: vec![key("a.py", "L1", "C1")],
        };
        let (hidden, fixed) = baseline.matches(&[key("a.py", "L1", "C1"), second]);
        assert_eq!(hidden, [true, false]);
        assert_eq!(fixed, 0);
    }

    #[test]
    fn render_then_load_round_trips_sorted() {
        let keys = [key("b.py", "L2", "C2"), key("a.py", "L1", "C1")];
        let text = render(&keys);
        assert!(text.find("a.py").unwrap() < text.find("b.py").unwrap());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        std::fs::write(&path, text).unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(loaded.len(), 2);
        assert_eq!(loaded.matches(&keys), (vec![true, true], 0));
    }
}
