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
    /// A gate per syntax, for rules that read several kinds of file and look for
    /// different words in each (a YAML `name:` key means nothing in Python, where `name`
    /// is on every other line). The first entry naming the file's syntax decides; a
    /// syntax no entry names never passes. Only as a rule's whole gate (see `for_syntax`).
    BySyntax(&'static [(&'static [Syntax], Gate)]),
}

/// The syntax families of the files a gate set searches (see `Gate::BySyntax`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Python,
    Rust,
    Dockerfile,
    Yaml,
    Dotenv,
    /// Procfiles, shell scripts, any other text.
    Other,
}

impl Gate {
    /// Every literal the gate looks for (the words `prodlint rules` and tests check).
    pub fn literals(&self) -> Vec<&'static str> {
        match self {
            Gate::Any(l) | Gate::Regex { literals: l, .. } => l.to_vec(),
            Gate::All(groups) => groups.iter().flat_map(|g| g.iter().copied()).collect(),
            Gate::Either(gates) | Gate::Every(gates) => {
                gates.iter().flat_map(Gate::literals).collect()
            }
            Gate::BySyntax(entries) => entries.iter().flat_map(|(_, g)| g.literals()).collect(),
        }
    }

    /// The gate that applies to files of `syntax`: a `BySyntax` gate's entry for it (none:
    /// a gate that never passes), any other gate itself.
    pub fn for_syntax(self, syntax: Syntax) -> Gate {
        match self {
            Gate::BySyntax(entries) => entries
                .iter()
                .find(|(syntaxes, _)| syntaxes.contains(&syntax))
                .map_or(NEVER, |&(_, gate)| gate.for_syntax(syntax)),
            gate => gate,
        }
    }
}

/// A gate no file passes (one group of literals, empty) and that marks nothing.
const NEVER: Gate = Gate::All(&[&[]]);

/// The gates of several rules of one kind of file, compiled into one search.
///
/// Positions: first the rules' gates (what `passing` reports and extra literals open),
/// then signals (gates the engine reads for itself, also reported by `passing`), then
/// markers (gates only asked `hits`: where in a file a rule's findings can be).
pub struct GateSet {
    gates: Vec<Compiled>,
    /// Rules and signals: what `passing` evaluates.
    evaluated: usize,
    /// The rules: the gates extra literals open.
    opened_by_extra: usize,
    automaton: Option<AhoCorasick>,
    /// Automaton patterns from here on are the user's extra literals.
    extra_start: usize,
    regexes: Vec<(&'static str, OnceLock<Option<Regex>>)>,
}

/// A gate with its literals replaced by their automaton pattern numbers.
enum Compiled {
    Any(Vec<usize>),
    All(Vec<Vec<usize>>),
    Regex {
        literals: Vec<usize>,
        pattern: usize,
    },
    Either(Vec<Compiled>),
    Every(Vec<Compiled>),
}

/// One search of a text: which literals occur, and where.
pub struct Scan {
    present: Vec<bool>,
    extra_hit: bool,
    /// (automaton pattern, start offset) of every occurrence, overlapping ones included.
    found: Vec<(usize, usize)>,
}

impl GateSet {
    /// Compiles `gates`; `extra` literals open all of them (user-configured callables);
    /// `case_insensitive` for languages whose keywords are (Dockerfile instructions).
    pub fn new(gates: Vec<Gate>, extra: &[String], case_insensitive: bool) -> GateSet {
        Self::build(gates, Vec::new(), Vec::new(), extra, case_insensitive)
    }

    /// Rule gates, then `signals`, then `markers` (see the type's doc).
    pub fn build(
        rules: Vec<Gate>,
        signals: Vec<Gate>,
        markers: Vec<Gate>,
        extra: &[String],
        case_insensitive: bool,
    ) -> GateSet {
        let opened_by_extra = rules.len();
        let evaluated = rules.len() + signals.len();
        let gates: Vec<Gate> = rules.into_iter().chain(signals).chain(markers).collect();
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
        let compiled = gates
            .iter()
            .map(|gate| compile(gate, &literals, &mut regexes))
            .collect();
        GateSet {
            gates: compiled,
            evaluated,
            opened_by_extra,
            automaton,
            extra_start,
            regexes,
        }
    }

    /// The one pass of the literal automaton over `text`.
    pub fn scan(&self, text: &str) -> Scan {
        let mut scan = Scan {
            present: vec![false; self.extra_start],
            extra_hit: false,
            found: Vec::new(),
        };
        if let Some(automaton) = &self.automaton {
            for hit in automaton.find_overlapping_iter(text) {
                let index = hit.pattern().as_usize();
                if index >= self.extra_start {
                    scan.extra_hit = true;
                } else {
                    scan.present[index] = true;
                }
                scan.found.push((index, hit.start()));
            }
        }
        scan
    }

    /// Which rule and signal gates (by position) pass on `text`, scanned as `scan`.
    pub fn passing(&self, scan: &Scan, text: &str) -> Vec<usize> {
        (0..self.evaluated)
            .filter(|&i| {
                (scan.extra_hit && i < self.opened_by_extra)
                    || self.passes(&self.gates[i], scan, text)
            })
            .collect()
    }

    /// Where in `text` the gates at `positions` find what they look for: each literal of
    /// an `Any` or `All` list, each match of a pattern (a `Regex` gate's literals only
    /// pre-screen the file, so they mark nothing), and each extra literal. Sorted.
    pub fn hits(&self, scan: &Scan, text: &str, positions: &[usize]) -> Vec<usize> {
        let mut wanted = vec![false; self.extra_start];
        let mut patterns = Vec::new();
        for &position in positions {
            mark_sources(&self.gates[position], &mut wanted, &mut patterns);
        }
        let mut hits: Vec<usize> = scan
            .found
            .iter()
            .filter(|&&(index, _)| index >= self.extra_start || wanted[index])
            .map(|&(_, start)| start)
            .collect();
        for pattern in patterns {
            if let Some(regex) = self.regex(pattern) {
                hits.extend(regex.find_iter(text).map(|m| m.start()));
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    fn passes(&self, gate: &Compiled, scan: &Scan, text: &str) -> bool {
        let has = |literals: &[usize]| literals.iter().any(|&l| scan.present[l]);
        match gate {
            Compiled::Any(literals) => literals.is_empty() || has(literals),
            Compiled::All(groups) => groups.iter().all(|g| has(g)),
            Compiled::Regex { literals, pattern } => {
                has(literals) && self.regex(*pattern).is_some_and(|r| r.is_match(text))
            }
            Compiled::Either(gates) => gates.iter().any(|g| self.passes(g, scan, text)),
            Compiled::Every(gates) => gates.iter().all(|g| self.passes(g, scan, text)),
        }
    }

    fn regex(&self, pattern: usize) -> Option<&Regex> {
        let (source, cell) = self.regexes.get(pattern)?;
        // A gate pattern that does not compile is a bug caught by the tests; until then
        // it lets every file through rather than hiding findings.
        cell.get_or_init(|| Regex::new(source).ok()).as_ref()
    }
}

fn compile(
    gate: &Gate,
    literals: &[&'static str],
    regexes: &mut Vec<(&'static str, OnceLock<Option<Regex>>)>,
) -> Compiled {
    let indices = |list: &[&str]| -> Vec<usize> {
        list.iter()
            .filter_map(|l| literals.binary_search(l).ok())
            .collect()
    };
    match gate {
        Gate::Any(list) => Compiled::Any(indices(list)),
        Gate::All(groups) => Compiled::All(groups.iter().map(|g| indices(g)).collect()),
        Gate::Regex {
            literals: list,
            pattern,
        } => {
            let index = match regexes.iter().position(|(p, _)| p == pattern) {
                Some(index) => index,
                None => {
                    regexes.push((pattern, OnceLock::new()));
                    regexes.len() - 1
                }
            };
            Compiled::Regex {
                literals: indices(list),
                pattern: index,
            }
        }
        Gate::Either(gates) => Compiled::Either(
            gates
                .iter()
                .map(|g| compile(g, literals, regexes))
                .collect(),
        ),
        Gate::Every(gates) => Compiled::Every(
            gates
                .iter()
                .map(|g| compile(g, literals, regexes))
                .collect(),
        ),
        // Resolved by `for_syntax` before a set is built; nested, it is all its entries.
        Gate::BySyntax(entries) => Compiled::Either(
            entries
                .iter()
                .map(|(_, g)| compile(g, literals, regexes))
                .collect(),
        ),
    }
}

fn mark_sources(gate: &Compiled, wanted: &mut [bool], patterns: &mut Vec<usize>) {
    match gate {
        Compiled::Any(literals) => literals.iter().for_each(|&l| wanted[l] = true),
        Compiled::All(groups) => groups.iter().flatten().for_each(|&l| wanted[l] = true),
        Compiled::Regex { pattern, .. } => patterns.push(*pattern),
        Compiled::Either(gates) | Compiled::Every(gates) => {
            gates.iter().for_each(|g| mark_sources(g, wanted, patterns))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passing(set: &GateSet, text: &str) -> Vec<usize> {
        set.passing(&set.scan(text), text)
    }

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
        assert_eq!(passing(&set, "x = 1"), [3]);
        assert_eq!(passing(&set, "import requests"), [0, 3]);
        assert_eq!(passing(&set, "async def f():\n    time.sleep(1)"), [1, 3]);
        assert_eq!(passing(&set, "try:\n    x()\nexcept:\n    pass\n"), [2, 3]);
        assert_eq!(
            passing(&set, "try:\n    x()\nexcept:\n    pass\nprint(1)\n"),
            [2, 3, 4]
        );
        assert_eq!(
            passing(&set, "try:\n    x()\nexcept KeyError:\n    raise\n"),
            [3]
        );
        // Case matters unless asked otherwise.
        assert_eq!(passing(&set, "import Requests"), [3]);
        let insensitive = GateSet::new(vec![Gate::Any(&["CMD"])], &[], true);
        assert_eq!(passing(&insensitive, "cmd [\"x\"]"), [0]);
    }

    #[test]
    fn extra_literals_open_every_gate() {
        let set = GateSet::new(
            vec![Gate::Any(&["requests"])],
            &["ourhttp".to_string()],
            false,
        );
        assert_eq!(passing(&set, "import ourhttp"), [0]);
        assert!(passing(&set, "import other").is_empty());
    }
}
