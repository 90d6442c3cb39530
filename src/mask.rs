//! The one masking layer: after every rule (file and project) has run, each secret that
//! any detector recognised is masked in every diagnostic's message, help and snippet,
//! whichever rule reported it and whichever rules were selected. Rules mark secrets
//! (`Finding::secret`); the engine runs the detectors on every file even when they are
//! not selected or are silent there (their findings are then dropped, their secrets
//! kept), and hands each file's secrets here.
//!
//! Two nets: a secret's bytes are masked wherever a snippet shows that part of its file,
//! and its value is masked wherever it appears in any text of any diagnostic (a message
//! quoting a command line, a project rule's snippet of another file).

use crate::diagnostic::Diagnostic;
use crate::source::Span;
use std::collections::{HashMap, HashSet};

/// The rules whose findings mark secrets, run on every file whatever the selection.
pub const DETECTORS: &[&str] = &["SC001", "SC002", "DF007", "DP009", "PY093", "PY095"];

/// Values masked wherever they appear must be at least this long and mix two kinds of
/// character (see [`is_distinctive`]); others are masked at their own spans only.
const MIN_VALUE_CHARS: usize = 8;

/// How many leading characters of a long secret may be shown.
pub const VISIBLE_PREFIX: usize = 4;

/// The secrets of one file: byte spans in it and the values they hold.
#[derive(Debug, Default, Clone)]
pub struct FileSecrets {
    pub path: String,
    spans: Vec<Span>,
    values: Vec<String>,
}

impl FileSecrets {
    /// The non-empty secret `spans` of the file at `path` holding `text`.
    pub fn new(path: String, text: &str, spans: impl IntoIterator<Item = Span>) -> Self {
        let mut spans: Vec<Span> = spans.into_iter().filter(|s| s.end > s.start).collect();
        spans.sort_by_key(|s| (s.start, s.end));
        spans.dedup();
        let values = spans
            .iter()
            .filter_map(|s| text.get(s.start..s.end))
            .filter(|v| is_distinctive(v))
            .map(str::to_owned)
            .collect();
        FileSecrets {
            path,
            spans,
            values,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// Every secret of a run, ready to mask.
pub struct Secrets {
    /// Per display path: spans sorted by start, and the longest span's length (to find
    /// the spans that reach into a snippet with one binary search).
    spans: HashMap<String, (Vec<Span>, usize)>,
    values: ValueIndex,
}

impl Secrets {
    pub fn new(files: Vec<FileSecrets>) -> Self {
        let mut values: Vec<String> = Vec::new();
        let mut spans = HashMap::new();
        for file in files {
            if file.spans.is_empty() {
                continue;
            }
            values.extend(file.values);
            let longest = file
                .spans
                .iter()
                .map(|s| s.end - s.start)
                .max()
                .unwrap_or(0);
            spans.insert(file.path, (file.spans, longest));
        }
        let values = ValueIndex::new(values);
        Secrets { spans, values }
    }

    /// Masks every secret in `diagnostics`.
    pub fn apply(&self, diagnostics: &mut [Diagnostic]) {
        if self.spans.is_empty() {
            return;
        }
        for d in diagnostics {
            self.mask_snippet_spans(d);
            let snippet = &mut d.anchor.snippet.text;
            self.mask_values(snippet);
            self.mask_values(&mut d.message);
            if let Some(help) = &mut d.help {
                self.mask_values(help);
            }
        }
    }

    fn mask_snippet_spans(&self, d: &mut Diagnostic) {
        let Some((spans, longest)) = self.spans.get(&d.anchor.path) else {
            return;
        };
        let snippet = &mut d.anchor.snippet;
        // The file offset where the snippet's text starts.
        let base = d.anchor.span.start.saturating_sub(snippet.start);
        let end = base + snippet.text.len();
        let first = spans.partition_point(|s| s.start + longest <= base);
        for secret in spans[first..].iter().take_while(|s| s.start < end) {
            if secret.end <= base {
                continue;
            }
            let from = secret.start.saturating_sub(base);
            let to = (secret.end - base).min(snippet.text.len());
            mask_range(&mut snippet.text, from, to);
        }
    }

    fn mask_values(&self, text: &mut String) {
        for (from, to) in self.values.find_all(text) {
            mask_range(text, from, to);
        }
    }
}

/// The distinctive secret values of the run, found in any text leftmost-longest. An
/// automaton over tens of thousands of values (a generated `.env`) takes tens of bytes
/// per value byte; this takes the values once plus a key per value: a text position is
/// looked up by its first [`MIN_VALUE_CHARS`] bytes, and only where those start some
/// value are the value lengths with that start tried, longest first.
#[derive(Default)]
struct ValueIndex {
    /// The lengths of the values with each starting key, longest first.
    lengths_by_key: HashMap<[u8; MIN_VALUE_CHARS], Vec<usize>>,
    values: HashSet<Box<[u8]>>,
}

impl ValueIndex {
    fn new(values: Vec<String>) -> Self {
        let mut index = ValueIndex::default();
        for value in values {
            let bytes = value.into_bytes().into_boxed_slice();
            let Some(key) = key_of(&bytes) else {
                continue;
            };
            let lengths = index.lengths_by_key.entry(key).or_default();
            if !lengths.contains(&bytes.len()) {
                lengths.push(bytes.len());
                lengths.sort_unstable_by(|a, b| b.cmp(a));
            }
            index.values.insert(bytes);
        }
        index
    }

    /// Byte ranges of the values in `text`, leftmost first, longest at each start, not
    /// overlapping.
    fn find_all(&self, text: &str) -> Vec<(usize, usize)> {
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        if self.values.is_empty() {
            return found;
        }
        let mut at = 0;
        while at + MIN_VALUE_CHARS <= bytes.len() {
            let matched = key_of(&bytes[at..])
                .and_then(|key| self.lengths_by_key.get(&key))
                .and_then(|lengths| {
                    lengths.iter().copied().find(|&len| {
                        bytes
                            .get(at..at + len)
                            .is_some_and(|candidate| self.values.contains(candidate))
                    })
                });
            match matched {
                Some(len) => {
                    found.push((at, at + len));
                    at += len;
                }
                None => at += 1,
            }
        }
        found
    }
}

/// The first [`MIN_VALUE_CHARS`] bytes of `bytes` (every distinctive value has at least
/// that many characters, so at least that many bytes).
fn key_of(bytes: &[u8]) -> Option<[u8; MIN_VALUE_CHARS]> {
    bytes.get(..MIN_VALUE_CHARS)?.try_into().ok()
}

/// Is `value` safe to mask wherever it appears? A weak password such as `mysql` or
/// `password` is also a service name or an ordinary word: masking it in every line of
/// output would mangle messages and hide nothing a reader could not guess.
fn is_distinctive(value: &str) -> bool {
    let kinds = [
        value.bytes().any(|b| b.is_ascii_lowercase()),
        value.bytes().any(|b| b.is_ascii_uppercase()),
        value.bytes().any(|b| b.is_ascii_digit()),
        value.bytes().any(|b| !b.is_ascii_alphanumeric()),
    ];
    value.chars().count() >= MIN_VALUE_CHARS && kinds.iter().filter(|&&k| k).count() >= 2
}

/// Replaces the bytes `from..to` of `text` with the value's visible prefix and
/// asterisks, keeping the byte length (so snippet offsets stay valid) and the line
/// breaks (so a key's body does not merge the lines around it).
fn mask_range(text: &mut String, from: usize, to: usize) {
    let (from, to) = (from.min(text.len()), to.min(text.len()));
    if from >= to || !text.is_char_boundary(from) || !text.is_char_boundary(to) {
        return;
    }
    let value = &text[from..to];
    let visible = visible_prefix(value);
    let mut masked = String::with_capacity(to - from);
    masked.push_str(visible);
    for c in value[visible.len()..].chars() {
        match c {
            '\n' | '\r' => masked.push(c),
            // `*` per byte, so a multi-byte character keeps its width in bytes.
            c => masked.extend(std::iter::repeat_n('*', c.len_utf8())),
        }
    }
    text.replace_range(from..to, &masked);
}

/// The part of a secret that may be shown: four ASCII characters of a secret longer
/// than twelve, nothing of a shorter one (a prefix of a short password is most of it).
pub fn visible_prefix(secret: &str) -> &str {
    if secret.len() <= 12 || !secret.is_char_boundary(VISIBLE_PREFIX) {
        return "";
    }
    let prefix = &secret[..VISIBLE_PREFIX];
    if prefix.is_ascii() && !prefix.contains(['\n', '\r']) {
        prefix
    } else {
        ""
    }
}

/// `AKIA********`: the visible prefix and a fixed-width mask, for messages that name a
/// secret.
pub fn mask(secret: &str) -> String {
    format!("{}********", visible_prefix(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_length_and_line_breaks() {
        let mut text = "key = \"MIIEpAIBAAKCAQEA\nxyz123456789\" # end".to_string();
        let from = text.find('M').unwrap();
        let to = text.find('"').map(|_| text.rfind('"').unwrap()).unwrap();
        let len = text.len();
        mask_range(&mut text, from, to);
        assert_eq!(text.len(), len);
        assert_eq!(text, "key = \"MIIE************\n************\" # end");
    }

    #[test]
    fn only_distinctive_values_are_masked_everywhere() {
        assert!(is_distinctive("Zq8vLm2Kx9RtWp4N"));
        assert!(is_distinctive("hunter2hunter"));
        for word in ["mysql", "password", "wger", "hunter2"] {
            assert!(!is_distinctive(word), "{word}");
        }
    }

    #[test]
    fn short_secrets_show_nothing() {
        assert_eq!(mask("hunter2"), "********");
        assert_eq!(mask("AKIAIOSFODNN7EXAMPLE"), "AKIA********");
    }

    #[test]
    fn values_are_found_leftmost_longest() {
        let index = ValueIndex::new(
            ["Zq8vLm2Kx9", "Zq8vLm2Kx9RtWp4N", "hunter2hunter", "ab"]
                .map(String::from)
                .to_vec(),
        );
        let text = "a=Zq8vLm2Kx9RtWp4N b=Zq8vLm2Kx9 c=xhunter2hunter2 d=ab";
        // "ab" is shorter than a key: never indexed (not distinctive anyway).
        assert_eq!(
            found(&index, text),
            ["Zq8vLm2Kx9RtWp4N", "Zq8vLm2Kx9", "hunter2hunter"]
        );
        assert!(ValueIndex::new(Vec::new()).find_all(text).is_empty());
    }

    #[test]
    fn many_values_with_one_start_are_all_found() {
        let values: Vec<String> = (0..5_000).map(|i| format!("q0000000x{i}Rk")).collect();
        let index = ValueIndex::new(values);
        let text = "1 q0000000x17Rk 2 q0000000x4999Rk 3 q0000000x5000Rk";
        assert_eq!(found(&index, text), ["q0000000x17Rk", "q0000000x4999Rk"]);
    }

    fn found<'t>(index: &ValueIndex, text: &'t str) -> Vec<&'t str> {
        index
            .find_all(text)
            .into_iter()
            .map(|(from, to)| &text[from..to])
            .collect()
    }
}
