//! Fingerprints of findings: what identifies a finding when its line number moves. One
//! hash function ([`fnv1a`]) and one repository root ([`project_root`], [`under_root`])
//! serve both SARIF (`primaryLocationLineHash`, artifact URIs) and the baseline
//! (`--baseline`), so the two can never drift apart in how they hash or name paths.
//!
//! A baseline key is made of content, never of positions: the rule, the path relative to
//! the project root, the flagged line (whitespace-collapsed), the nearest non-blank lines
//! around it, and the message with its varying parts (numbers, quoted values) blanked.
//! Only hashes of source text are kept, so a baseline file never holds a secret.

use crate::diagnostic::Diagnostic;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A 64-bit FNV-1a hash: tiny, stable across versions and platforms.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// `fnv1a` of `text`, as the 16 hex digits files store.
pub fn hex_hash(text: &str) -> String {
    format!("{:016x}", fnv1a(text.as_bytes()))
}

/// `line` with every run of whitespace made one space and the ends trimmed: reindenting
/// or realigning a line does not change it.
pub fn normalize_line(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The part of a message that stays when the code around it changes: numbers become `#`
/// and what is between backticks or double quotes is dropped (`grace period 0`,
/// `` `SECRET_KEY` ``).
pub fn stable_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut closing: Option<char> = None;
    let mut in_number = false;
    for c in message.chars() {
        if let Some(close) = closing {
            if c == close {
                out.push(c);
                closing = None;
            }
            continue;
        }
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
            continue;
        }
        in_number = false;
        if c == '`' || c == '"' {
            closing = Some(c);
        }
        out.push(c);
    }
    out
}

/// The first line of a diagnostic's snippet: the flagged line, masked (secrets are
/// masked in snippets before any renderer or fingerprint sees them).
fn flagged_line(d: &Diagnostic) -> &str {
    d.anchor.snippet.text.lines().next().unwrap_or("")
}

/// SARIF's `primaryLocationLineHash`, the key GitHub code scanning matches alerts by
/// across commits (it adds the rule and the path itself): a hash of the flagged line with
/// every whitespace character removed (so moving or reindenting the line keeps it), and
/// after a `:` its occurrence number among the results of the same rule in the same file
/// with the same hash (two findings on identical lines stay apart; a new finding of
/// another rule shifts nothing). The line is the masked one: a secret never enters it.
pub fn primary_location_line_hash<'d>(
    d: &'d Diagnostic,
    seen: &mut HashMap<(&'static str, &'d str, u64), usize>,
) -> String {
    let normalized: String = flagged_line(d)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let hash = fnv1a(normalized.as_bytes());
    let occurrence = seen
        .entry((d.rule.id, d.anchor.path.as_str(), hash))
        .or_insert(0);
    *occurrence += 1;
    format!("{hash:016x}:{occurrence}")
}

/// How many non-blank lines above and below a finding its context hash covers.
const CONTEXT_LINES: usize = 2;

/// A finding's content key, as a baseline stores it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// The path relative to the project root, with `/` separators.
    pub path: String,
    pub rule: String,
    pub message: String,
    /// [`hex_hash`] of the normalized flagged line.
    pub line: String,
    /// [`hex_hash`] of the normalized neighbouring lines.
    pub context: String,
    /// 1-based rank among findings with the same other fields, in report order.
    pub occurrence: usize,
}

/// The folder baseline paths are relative to: the repository holding the first target
/// (the nearest ancestor with `.git`), else `fallback` (the config's folder, else the
/// current one), so a run from a subfolder keys paths as a run from the top does.
pub fn project_root(first_target: &Path, fallback: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let absolute = lexical_normalize(&cwd.join(first_target));
    let mut dir = Some(absolute.as_path());
    while let Some(d) = dir {
        if d.join(".git").exists() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    lexical_normalize(&cwd.join(fallback))
}

/// `path` (as the report prints it: relative to the current folder or absolute) relative
/// to `root`, with `/` separators; a path outside `root` stays absolute.
fn relative_to(root: &Path, path: &str) -> String {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    under_root(root, &cwd, path)
        .unwrap_or_else(|| slash_joined(&lexical_normalize(&cwd.join(path))))
}

/// `path` (relative to `cwd`, or absolute) relative to `root` with `/` separators, or
/// None when it is not under `root` (a sibling whose name starts with the root's is not).
/// Both the baseline's keys and SARIF's URIs go through here.
pub fn under_root(root: &Path, cwd: &Path, path: &str) -> Option<String> {
    let absolute = lexical_normalize(&cwd.join(path));
    absolute
        .strip_prefix(lexical_normalize(root))
        .ok()
        .map(slash_joined)
}

fn slash_joined(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `path` with `.` and `..` components resolved without touching the file system.
fn lexical_normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The normalized non-blank lines around line `index` (0-based) of `lines`:
/// [`CONTEXT_LINES`] above and below, skipping blank lines so added blank lines do not
/// count as a change.
fn context_of(lines: &[&str], index: usize) -> String {
    let above = lines[..index.min(lines.len())]
        .iter()
        .rev()
        .map(|l| normalize_line(l))
        .filter(|l| !l.is_empty())
        .take(CONTEXT_LINES)
        .collect::<Vec<_>>();
    let below = lines
        .iter()
        .skip(index + 1)
        .map(|l| normalize_line(l))
        .filter(|l| !l.is_empty())
        .take(CONTEXT_LINES);
    let mut context: Vec<String> = above.into_iter().rev().collect();
    context.push("\u{0}".to_string());
    context.extend(below);
    context.join("\n")
}

/// The content keys of `diagnostics` (in the same order), paths made relative to
/// `root`. Each file with findings is read once for the neighbouring lines; a file that
/// cannot be read gives an empty context.
pub fn keys(diagnostics: &[Diagnostic], root: &Path) -> Vec<Key> {
    let mut texts: HashMap<&str, Option<String>> = HashMap::new();
    let mut seen: HashMap<Key, usize> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let text = texts
                .entry(d.anchor.path.as_str())
                .or_insert_with(|| std::fs::read_to_string(&d.anchor.path).ok());
            let context = text.as_deref().map_or(String::new(), |text| {
                let lines: Vec<&str> = text.lines().collect();
                context_of(&lines, d.anchor.start.line.saturating_sub(1))
            });
            let mut key = Key {
                path: relative_to(root, &d.anchor.path),
                rule: d.rule.id.to_string(),
                message: stable_message(&d.message),
                line: hex_hash(&normalize_line(flagged_line(d))),
                context: hex_hash(&context),
                occurrence: 0,
            };
            let count = seen.entry(key.clone()).or_insert(0);
            *count += 1;
            key.occurrence = *count;
            key
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn lines_are_compared_whitespace_collapsed() {
        assert_eq!(normalize_line("  x =\t f( 1 )  "), "x = f( 1 )");
    }

    #[test]
    fn messages_lose_numbers_and_quoted_values() {
        assert_eq!(
            stable_message("`DEBUG` of container `web` waits 30s, \"x\" 2 times"),
            "`` of container `` waits #s, \"\" # times"
        );
        assert_eq!(stable_message("no change here"), "no change here");
    }

    #[test]
    fn context_skips_blank_lines_and_stops_at_the_file_ends() {
        let lines = ["a", "", "b", "X", "", "", "c", "d", "e"];
        assert_eq!(context_of(&lines, 3), "a\nb\n\u{0}\nc\nd");
        assert_eq!(context_of(&lines, 0), "\u{0}\nb\nX");
        assert_eq!(context_of(&["only"], 0), "\u{0}");
    }
}
