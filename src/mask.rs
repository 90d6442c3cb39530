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
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;

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
    values: Option<AhoCorasick>,
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
        values.sort_unstable();
        values.dedup();
        let values = (!values.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&values)
                    .ok()
            })
            .flatten();
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
        let Some(values) = &self.values else {
            return;
        };
        let found: Vec<(usize, usize)> = values
            .find_iter(text.as_str())
            .map(|m| (m.start(), m.end()))
            .collect();
        for (from, to) in found {
            mask_range(text, from, to);
        }
    }
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
}
