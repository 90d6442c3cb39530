//! Trigger gates: the cheap test, before any parse, of whether a rule can fire on a file.
//!
//! Parsing is the expensive step (tree-sitter reads Python at a few MB per CPU-second), so
//! a file is parsed only when some enabled rule's gate passes. A gate names literals that
//! must appear in the file — any of a list, one of each of several lists, or literals
//! confirmed by a regex — and all literals of all rules of a kind are searched in one
//! aho-corasick pass. A gate may let through files the rule then finds clean (that costs
//! time); it must never hold back a file the rule would flag (that would be a miss).

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::Regex;
use std::sync::OnceLock;

/// What must be in a file for a rule to possibly fire.
#[derive(Debug, Clone, Copy)]
pub enum Gate {
    /// Any of these literals; an empty list means no gate (every file passes).
    Any(&'static [&'static str]),
    /// At least one literal of every group.
    All(&'static [&'static [&'static str]]),
    /// Any of `literals`, then `pattern` must match somewhere in the file.
    Regex {
        literals: &'static [&'static str],
        pattern: &'static str,
    },
    /// Any of several gates.
    Either(&'static [Gate]),
    /// Every one of several gates.
    Every(&'static [Gate]),
}

impl Gate {
    pub fn is_open(&self) -> bool {
        matches!(self, Gate::Any(literals) if literals.is_empty())
    }

    /// Every literal the gate looks for (the words `prodlint rules` and tests check).
    pub fn literals(&self) -> Vec<&'static str> {
        match self {
            Gate::Any(l) | Gate::Regex { literals: l, .. } => l.to_vec(),
            Gate::All(groups) => groups.iter().flat_map(|g| g.iter().copied()).collect(),
            Gate::Either(gates) | Gate::Every(gates) => {
                gates.iter().flat_map(Gate::literals).collect()
            }
        }
    }
}

/// The gates of several rules of one kind of file, compiled into one search.
pub struct GateSet {
    /// For each rule (by position in the set): its gate.
    gates: Vec<Gate>,
    automaton: Option<AhoCorasick>,
    /// The literal of each automaton pattern.
    literals: Vec<&'static str>,
    /// Extra literals (from the user's configuration) that open every rule of the set.
    extra_start: usize,
    /// The gates (from the first) that extra literals open; those after are signals the
    /// engine reads for itself.
    opened_by_extra: usize,
    regexes: Vec<(&'static str, OnceLock<Option<Regex>>)>,
}

impl GateSet {
    /// Compiles `gates`; `extra` literals open all of them (user-configured callables);
    /// `case_insensitive` for languages whose keywords are (Dockerfile instructions).
    pub fn new(gates: Vec<Gate>, extra: &[String], case_insensitive: bool) -> GateSet {
        let count = gates.len();
        Self::with_signals(gates, Vec::new(), extra, case_insensitive).opened_by(count)
    }

    /// Rule gates followed by `signals`: gates searched in the same pass whose results
    /// the engine reads (positions after the rule gates); extra literals do not open them.
    pub fn with_signals(
        mut gates: Vec<Gate>,
        signals: Vec<Gate>,
        extra: &[String],
        case_insensitive: bool,
    ) -> GateSet {
        let opened_by_extra = gates.len();
        gates.extend(signals);
        let mut set = Self::compile(gates, extra, case_insensitive);
        set.opened_by_extra = opened_by_extra;
        set
    }

    fn opened_by(mut self, count: usize) -> Self {
        self.opened_by_extra = count;
        self
    }

    fn compile(gates: Vec<Gate>, extra: &[String], case_insensitive: bool) -> GateSet {
        let mut literals: Vec<&'static str> = gates.iter().flat_map(Gate::literals).collect();
        literals.sort_unstable();
        literals.dedup();
        let extra_start = literals.len();
        let mut patterns: Vec<String> = literals.iter().map(|l| l.to_string()).collect();
        patterns.extend(extra.iter().cloned());
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(case_insensitive)
                .match_kind(MatchKind::Standard)
                // A few hundred literals at most: a DFA is small and the fastest search.
                .kind(Some(AhoCorasickKind::DFA))
                .build(&patterns)
                .expect("trigger literals compile")
        });
        let mut regexes = Vec::new();
        for gate in &gates {
            collect_patterns(gate, &mut regexes);
        }
        GateSet {
            opened_by_extra: gates.len(),
            gates,
            automaton,
            literals,
            extra_start,
            regexes,
        }
    }

    /// Which gates (by position) pass on `text`; empty when none does.
    pub fn passing(&self, text: &str) -> Vec<usize> {
        if self.gates.iter().all(Gate::is_open) {
            return (0..self.gates.len()).collect();
        }
        let mut present = vec![false; self.literals.len()];
        let mut extra_hit = false;
        if let Some(automaton) = &self.automaton {
            for hit in automaton.find_overlapping_iter(text) {
                let index = hit.pattern().as_usize();
                if index >= self.extra_start {
                    extra_hit = true;
                } else {
                    present[index] = true;
                }
            }
        }
        let has = |literal: &str| {
            self.literals
                .binary_search(&literal)
                .is_ok_and(|i| present[i])
        };
        (0..self.gates.len())
            .filter(|&i| {
                (extra_hit && i < self.opened_by_extra) || self.passes(&self.gates[i], text, &has)
            })
            .collect()
    }

    /// Where in `text` the gates at `positions` find what they look for: each literal of
    /// an `Any` or `All` list, each match of a pattern (a `Regex` gate's literals only
    /// pre-screen the file, so they mark nothing), and each extra literal. Sorted.
    pub fn hits(&self, text: &str, positions: &[usize]) -> Vec<usize> {
        let mut wanted = vec![false; self.literals.len()];
        let mut patterns = Vec::new();
        for &position in positions {
            self.mark_sources(&self.gates[position], &mut wanted, &mut patterns);
        }
        let mut hits = Vec::new();
        if let Some(automaton) = &self.automaton {
            for hit in automaton.find_overlapping_iter(text) {
                let index = hit.pattern().as_usize();
                if index >= self.extra_start || wanted[index] {
                    hits.push(hit.start());
                }
            }
        }
        for pattern in patterns {
            if let Some(regex) = self.regex(pattern) {
                hits.extend(regex.find_iter(text).map(|m| m.start()));
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    fn mark_sources(&self, gate: &Gate, wanted: &mut [bool], patterns: &mut Vec<&'static str>) {
        let mut mark = |literals: &[&str]| {
            for literal in literals {
                if let Ok(i) = self.literals.binary_search(literal) {
                    wanted[i] = true;
                }
            }
        };
        match gate {
            Gate::Any(literals) => mark(literals),
            Gate::All(groups) => groups.iter().for_each(|g| mark(g)),
            Gate::Regex { pattern, .. } => patterns.push(pattern),
            Gate::Either(gates) | Gate::Every(gates) => gates
                .iter()
                .for_each(|g| self.mark_sources(g, wanted, patterns)),
        }
    }

    fn passes(&self, gate: &Gate, text: &str, has: &dyn Fn(&str) -> bool) -> bool {
        match gate {
            Gate::Any(literals) => literals.is_empty() || literals.iter().any(|l| has(l)),
            Gate::All(groups) => groups.iter().all(|g| g.iter().any(|l| has(l))),
            Gate::Regex { literals, pattern } => {
                literals.iter().any(|l| has(l))
                    && self.regex(pattern).is_some_and(|r| r.is_match(text))
            }
            Gate::Either(gates) => gates.iter().any(|g| self.passes(g, text, has)),
            Gate::Every(gates) => gates.iter().all(|g| self.passes(g, text, has)),
        }
    }

    fn regex(&self, pattern: &str) -> Option<&Regex> {
        let (_, cell) = self.regexes.iter().find(|(p, _)| *p == pattern)?;
        // A gate pattern that does not compile is a bug caught by the tests; until then
        // it lets every file through rather than hiding findings.
        cell.get_or_init(|| Regex::new(pattern).ok()).as_ref()
    }
}

fn collect_patterns(gate: &Gate, out: &mut Vec<(&'static str, OnceLock<Option<Regex>>)>) {
    match gate {
        Gate::Regex { pattern, .. } if !out.iter().any(|(p, _)| p == pattern) => {
            out.push((pattern, OnceLock::new()))
        }
        Gate::Either(gates) | Gate::Every(gates) => {
            gates.iter().for_each(|g| collect_patterns(g, out))
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates_pass_on_what_they_name() {
        const ALL: Gate = Gate::All(&[&["async def"], &["sleep", "requests"]]);
        const RE: Gate = Gate::Regex {
            literals: &["except"],
            pattern: r"except\s*:\s*pass",
        };
        const EVERY: Gate = Gate::Every(&[Gate::Any(&["print("]), RE]);
        let set = GateSet::new(
            vec![Gate::Any(&["requests"]), ALL, RE, Gate::Any(&[]), EVERY],
            &[],
            false,
        );
        assert_eq!(set.passing("x = 1"), [3]);
        assert_eq!(set.passing("import requests"), [0, 3]);
        assert_eq!(set.passing("async def f():\n    time.sleep(1)"), [1, 3]);
        assert_eq!(set.passing("try:\n    x()\nexcept:\n    pass\n"), [2, 3]);
        assert_eq!(
            set.passing("try:\n    x()\nexcept:\n    pass\nprint(1)\n"),
            [2, 3, 4]
        );
        assert_eq!(
            set.passing("try:\n    x()\nexcept KeyError:\n    raise\n"),
            [3]
        );
        // Case matters unless asked otherwise.
        assert_eq!(set.passing("import Requests"), [3]);
        let insensitive = GateSet::new(vec![Gate::Any(&["CMD"])], &[], true);
        assert_eq!(insensitive.passing("cmd [\"x\"]"), [0]);
    }

    #[test]
    fn extra_literals_open_every_gate() {
        let set = GateSet::new(
            vec![Gate::Any(&["requests"])],
            &["ourhttp".to_string()],
            false,
        );
        assert_eq!(set.passing("import ourhttp"), [0]);
        assert!(set.passing("import other").is_empty());
    }
}
