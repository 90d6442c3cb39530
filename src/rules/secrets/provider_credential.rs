//! SC001 provider-credential: well-known credential formats (AWS key ids, private keys,
//! URLs with an inline password) in any text file.
//!
//! The formats are data (`rules/secrets/credential-formats.toml`). A keyword gate
//! (aho-corasick over the whole file) runs first; regexes run only on lines that hold a
//! keyword of their format. The secret is never printed: messages carry a masked prefix
//! and the finding marks the secret's bytes so every renderer masks the source line.

use crate::diagnostic::{Emitter, redact};
use crate::source::{SourceFile, Span};
use aho_corasick::AhoCorasick;
use regex::Regex;
use serde::Deserialize;
use std::sync::OnceLock;

const FORMATS_TOML: &str = include_str!("../../../rules/secrets/credential-formats.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FormatsFile {
    format: Vec<FormatDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FormatDef {
    /// Names the entry in the table (read by people and the uniqueness test only).
    #[cfg_attr(not(test), allow(dead_code))]
    id: String,
    name: String,
    keywords: Vec<String>,
    pattern: String,
    #[serde(default)]
    secret_group: usize,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    validate: Option<String>,
    #[serde(default)]
    placeholder_ok: bool,
    #[serde(default)]
    placeholder_values: Vec<String>,
    #[serde(default)]
    placeholder_substrings: Vec<String>,
    #[serde(default)]
    min_length: usize,
    #[serde(default)]
    host_group: Option<usize>,
    #[serde(default)]
    skip_in_docs: bool,
    #[serde(default)]
    min_entropy: Option<f64>,
}

impl FormatDef {
    /// Is this match a documentation example or a placeholder rather than a secret?
    fn is_example(&self, value: &str, host: Option<&str>) -> bool {
        self.allow.iter().any(|a| a == value)
            || value.chars().count() < self.min_length
            || (self.placeholder_ok && looks_like_placeholder(value))
            || self
                .placeholder_values
                .iter()
                .any(|p| p.eq_ignore_ascii_case(value))
            || self
                .placeholder_substrings
                .iter()
                .any(|p| value.contains(p.as_str()))
            || host.is_some_and(is_documentation_host)
            || self
                .min_entropy
                .is_some_and(|floor| shannon_entropy(value) < floor)
    }
}

struct Format {
    def: FormatDef,
    regex: Regex,
}

struct Engine {
    formats: Vec<Format>,
    gate: AhoCorasick,
    /// For each gate pattern, the format it belongs to.
    keyword_format: Vec<usize>,
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        // The table is compiled in; a broken table fails the test suite, never a user.
        let file: FormatsFile =
            toml::from_str(FORMATS_TOML).expect("credential-formats.toml is valid");
        let mut keywords = Vec::new();
        let mut keyword_format = Vec::new();
        let formats: Vec<Format> = file
            .format
            .into_iter()
            .enumerate()
            .map(|(i, def)| {
                for k in &def.keywords {
                    keywords.push(k.clone());
                    keyword_format.push(i);
                }
                let regex = Regex::new(&def.pattern).expect("credential pattern compiles");
                Format { def, regex }
            })
            .collect();
        let gate = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&keywords)
            .expect("keyword gate builds");
        Engine {
            formats,
            gate,
            keyword_format,
        }
    })
}

/// The rule needs no trigger of its own: its keyword gate is the formats' keywords.
pub const TRIGGERS: &[&str] = &[];

pub fn check(file: &SourceFile, out: &mut Emitter) {
    let engine = engine();
    let is_docs = is_documentation_file(&file.path);
    // (line, format) pairs whose keyword is present, in order, without repeats.
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for hit in engine.gate.find_overlapping_iter(&file.text) {
        let line = file.lines.line_of(hit.start());
        let format = engine.keyword_format[hit.pattern().as_usize()];
        if !candidates.contains(&(line, format)) {
            candidates.push((line, format));
        }
    }
    for (line, format_index) in candidates {
        let format = &engine.formats[format_index];
        if is_docs && format.def.skip_in_docs {
            continue;
        }
        let line_span = file.lines.line_span(&file.text, line);
        let line_text = &file.text[line_span.start..line_span.end];
        for caps in format.regex.captures_iter(line_text) {
            let Some(secret) = caps.get(format.def.secret_group).or_else(|| caps.get(0)) else {
                continue;
            };
            let value = secret.as_str();
            let host = format
                .def
                .host_group
                .and_then(|g| caps.get(g))
                .map(|m| m.as_str());
            if format.def.is_example(value, host) {
                continue;
            }
            if format.def.validate.as_deref() == Some("pem-body") && !pem_body_follows(file, line) {
                continue;
            }
            let whole = caps.get(0).map_or(secret.range(), |m| m.range());
            let span = Span::new(line_span.start + whole.start, line_span.start + whole.end);
            let secret_span = Span::new(
                line_span.start + secret.start(),
                line_span.start + secret.end(),
            );
            let shown = if format.def.validate.is_some() {
                value.to_string()
            } else {
                redact::mask(value)
            };
            out.report(
                span,
                format!("{} `{}` is written in the file", format.def.name, shown),
            )
            .secret(if format.def.validate.is_some() {
                Span::point(secret_span.start)
            } else {
                secret_span
            });
        }
    }
}

/// Shannon entropy of `value` in bits per character: random keys score high (base62 ≈ 5),
/// stand-ins like `ghp_xxxxxxxx…` or `sk_live_0000…` low.
pub fn shannon_entropy(value: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in value.bytes() {
        counts[b as usize] += 1;
    }
    let len = value.len() as f64;
    if value.is_empty() {
        return 0.0;
    }
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// Values that stand for a secret rather than being one: `${DB_PASSWORD}`, `$PASS`,
/// `<password>`, `{password}`, `%s`, `***`, `xxx`, `...`.
fn looks_like_placeholder(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || v.starts_with('$')
        || v.contains("${")
        || v.contains("{{")
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with('{') && v.ends_with('}'))
        || (v.starts_with('%') && v.len() <= 12)
        || v.chars()
            .all(|c| c == '*' || c == 'x' || c == 'X' || c == '.')
}

/// Hosts documentation uses in examples (RFC 2606 names and obvious stand-ins).
fn is_documentation_host(host: &str) -> bool {
    let host = host
        .split([':', '/'])
        .next()
        .unwrap_or(host)
        .to_ascii_lowercase();
    let host = host.trim_end_matches('.');
    matches!(
        host,
        "host" | "hostname" | "example.com" | "example.org" | "example.net" | "server" | "proxy"
    ) || [
        ".example.com",
        ".example.org",
        ".example.net",
        ".example",
        ".test",
        ".invalid",
    ]
    .iter()
    .any(|suffix| host.ends_with(suffix))
}

/// Prose documentation, where credentials in URLs are examples for the reader.
fn is_documentation_file(path: &std::path::Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("md" | "rst" | "txt" | "adoc")
    )
}

/// A PEM header counts only when a key body follows (base64 lines or encryption headers):
/// code that merely mentions the header (`if line.startswith(...)`) is not a key.
fn pem_body_follows(file: &SourceFile, header_line: usize) -> bool {
    let next = file
        .line_text(header_line + 1)
        .trim()
        .trim_matches(|c| c == '"' || c == '\'');
    let next = next
        .trim_end_matches("\\n")
        .trim_end_matches(['"', '\'', ',']);
    if next.starts_with("Proc-Type:") {
        return true;
    }
    let same_line_body = file
        .line_text(header_line)
        .split("-----")
        .nth(2)
        .unwrap_or("");
    let candidate = if next.is_empty() {
        same_line_body
    } else {
        next
    };
    let body = candidate.trim().trim_start_matches("\\n");
    body.len() >= 40
        && body
            .bytes()
            .take(64)
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_ids_are_unique_and_patterns_compile() {
        let engine = engine();
        let mut ids: Vec<&str> = engine.formats.iter().map(|f| f.def.id.as_str()).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }

    #[test]
    fn placeholders_are_recognised() {
        for p in [
            "${DB_PASS}",
            "$PASS",
            "<password>",
            "{password}",
            "%s",
            "***",
            "xxx",
        ] {
            assert!(looks_like_placeholder(p), "{p}");
        }
        for real in ["hunter2", "Tr0ub4dor", "postgres"] {
            assert!(!looks_like_placeholder(real), "{real}");
        }
    }

    #[test]
    fn documentation_hosts() {
        for host in [
            "example.com",
            "api.example.com:8443",
            "svc.test",
            "hostname",
            "db.example",
        ] {
            assert!(is_documentation_host(host), "{host}");
        }
        for host in ["db.internal", "10.0.0.5", "localhost", "examples.io"] {
            assert!(!is_documentation_host(host), "{host}");
        }
    }
}
