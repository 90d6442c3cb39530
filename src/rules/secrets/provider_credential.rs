//! SC001 provider-credential: well-known credential formats (AWS key ids, private keys,
//! URLs with an inline password) in any text file.
//!
//! The formats are data (`rules/secrets/credential-formats.toml`). A keyword gate
//! (one SIMD search of the whole file) runs first; regexes run only on lines that hold a
//! keyword of their format. The secret is never printed: messages carry a masked prefix
//! and the finding marks the secret's bytes so every renderer masks the source line.

use crate::context::Context;
use crate::diagnostic::Emitter;
use crate::mask;
use crate::source::{SourceFile, Span};
use aho_corasick::AhoCorasick;
use regex::Regex;
use serde::Deserialize;
use std::collections::HashSet;
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
    /// The capture group of the user name a password belongs to: a password that is the
    /// user's name (or part of it, or holds it) is a default, not a secret.
    #[serde(default)]
    user_group: Option<usize>,
    /// A host on the machine itself (`localhost`, `127.0.0.1`): the credential opens a
    /// developer's local service.
    #[serde(default)]
    local_host_ok: bool,
    /// Reported only in production files: in CI and development files such a value opens
    /// the throwaway service the file itself starts.
    #[serde(default)]
    production_only: bool,
    #[serde(default)]
    skip_in_docs: bool,
    #[serde(default)]
    min_entropy: Option<f64>,
}

impl FormatDef {
    /// Is this match a documentation example or a placeholder rather than a secret?
    fn is_example(&self, value: &str, host: Option<&str>, user: Option<&str>) -> bool {
        self.allow.iter().any(|a| a == value)
            || user.is_some_and(|user| is_user_name_default(user, value))
            || (self.local_host_ok && host.is_some_and(is_local_host))
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
    keywords: KeywordSearch,
    /// For each distinct keyword, the formats it gates.
    keyword_formats: Vec<Vec<usize>>,
}

/// Finds every occurrence of the keywords. Teddy (SIMD, several GB/s) when the CPU has it
/// and the set is small enough; otherwise an aho-corasick automaton.
enum KeywordSearch {
    Packed(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
}

impl KeywordSearch {
    fn new(keywords: &[String]) -> Self {
        match aho_corasick::packed::Searcher::new(keywords) {
            Some(searcher) => KeywordSearch::Packed(searcher),
            None => KeywordSearch::Automaton(
                AhoCorasick::new(keywords).expect("keyword automaton builds"),
            ),
        }
    }

    /// Calls `found(keyword, start)` for every occurrence, overlapping ones included.
    fn each(&self, text: &str, mut found: impl FnMut(usize, usize)) {
        match self {
            KeywordSearch::Packed(searcher) => {
                // Leftmost-first finds; restarting one byte after each match start also
                // finds keywords that overlap it.
                let mut at = 0;
                while let Some(hit) =
                    searcher.find_in(text, aho_corasick::Span::from(at..text.len()))
                {
                    found(hit.pattern().as_usize(), hit.start());
                    at = hit.start() + 1;
                }
            }
            KeywordSearch::Automaton(automaton) => {
                for hit in automaton.find_overlapping_iter(text) {
                    found(hit.pattern().as_usize(), hit.start());
                }
            }
        }
    }
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        // The table is compiled in; a broken table fails the test suite, never a user.
        let file: FormatsFile =
            toml::from_str(FORMATS_TOML).expect("credential-formats.toml is valid");
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_formats: Vec<Vec<usize>> = Vec::new();
        let formats: Vec<Format> = file
            .format
            .into_iter()
            .enumerate()
            .map(|(i, def)| {
                for keyword in &def.keywords {
                    match keywords.iter().position(|k| k == keyword) {
                        Some(at) => keyword_formats[at].push(i),
                        None => {
                            keywords.push(keyword.clone());
                            keyword_formats.push(vec![i]);
                        }
                    }
                }
                let regex = Regex::new(&def.pattern).expect("credential pattern compiles");
                Format { def, regex }
            })
            .collect();
        // Where one keyword starts another, a search may report either at that spot:
        // each then stands for both.
        for a in 0..keywords.len() {
            for b in 0..keywords.len() {
                if a != b && keywords[b].starts_with(keywords[a].as_str()) {
                    let extra = keyword_formats[b].clone();
                    keyword_formats[a].extend(extra);
                    let extra = keyword_formats[a].clone();
                    keyword_formats[b].extend(extra);
                }
            }
        }
        for formats in &mut keyword_formats {
            formats.sort_unstable();
            formats.dedup();
        }
        Engine {
            formats,
            keywords: KeywordSearch::new(&keywords),
            keyword_formats,
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
    // A set beside the list: a file of 300,000 URL lines made the list's own search
    // quadratic.
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    engine.keywords.each(&file.text, |keyword, start| {
        let line = file.lines().line_of(start);
        for &format in &engine.keyword_formats[keyword] {
            if seen.insert((line, format)) {
                candidates.push((line, format));
            }
        }
    });
    for (line, format_index) in candidates {
        let format = &engine.formats[format_index];
        if (is_docs && format.def.skip_in_docs)
            || (format.def.production_only && file.context != Context::Production)
        {
            continue;
        }
        let line_span = file.lines().line_span(&file.text, line);
        let line_text = &file.text[line_span.start..line_span.end];
        for caps in format.regex.captures_iter(line_text) {
            let Some(secret) = caps.get(format.def.secret_group).or_else(|| caps.get(0)) else {
                continue;
            };
            let value = secret.as_str();
            let group = |g: Option<usize>| g.and_then(|g| caps.get(g)).map(|m| m.as_str());
            let (host, user) = (group(format.def.host_group), group(format.def.user_group));
            if format.def.is_example(value, host, user) {
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
                mask::mask(value)
            };
            out.report(
                span,
                format!("{} `{}` is written in the file", format.def.name, shown),
            )
            .secret(if format.def.validate.is_some() {
                // The header is no secret; the key body after it is.
                pem_body_span(file, span.end)
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

/// `saleor:saleor`, `ctfduser:ctfd`: the password is the account's own name, or part of
/// it — what a quick start writes, not a secret.
fn is_user_name_default(user: &str, password: &str) -> bool {
    let (user, password) = (user.to_ascii_lowercase(), password.to_ascii_lowercase());
    password.len() >= 3 && user.contains(&password)
}

/// The machine itself: a loopback host (`localhost`, `127.0.0.1`, `[::1]`) or `0.0.0.0`,
/// port and query aside.
fn is_local_host(host: &str) -> bool {
    let address = host.split(['/', '?']).next().unwrap_or(host);
    let host = crate::model::server::bind_host(address).unwrap_or(address);
    crate::model::server::is_loopback(host) || host == "0.0.0.0"
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

/// Where a PEM key's body lies: from the end of its header to its `-----END` line (on
/// the same line when the key is a `\n`-escaped string), or to the end of the header's
/// line when no end marker follows within a key's length.
fn pem_body_span(file: &SourceFile, header_end: usize) -> Span {
    const LONGEST_KEY: usize = 64 * 1024;
    let rest = &file.text[header_end..];
    let window = &rest[..crate::source::floor_boundary(rest, LONGEST_KEY)];
    let end = match window.find("-----END") {
        Some(at) => header_end + at,
        None => header_end + rest.find('\n').unwrap_or(rest.len()),
    };
    // The line break after the header (or its `\n` escape) is not part of the key.
    let mut body = &file.text[header_end..end];
    while let Some(rest) = body
        .strip_prefix("\\n")
        .or_else(|| body.strip_prefix(['\r', '\n']))
    {
        body = rest;
    }
    Span::new(end - body.len(), end)
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
    // A key in a JSON or YAML string (a GCP service-account file) has its body on the
    // header's line, after a `\n` escape; the next line is the next field.
    let same_line_body = same_line_body.trim().trim_start_matches("\\n");
    let candidate = if same_line_body.len() >= 40 || next.is_empty() {
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
    fn keyword_search_finds_overlapping_keywords_either_way() {
        let keywords = ["abc".to_string(), "bcd".to_string(), "ab".to_string()];
        let automaton = KeywordSearch::Automaton(AhoCorasick::new(&keywords).expect("builds"));
        let mut searches = vec![automaton];
        // Teddy needs SSSE3/AVX2 (x86_64) or NEON; elsewhere only the automaton exists.
        if let Some(packed) = aho_corasick::packed::Searcher::new(&keywords) {
            searches.push(KeywordSearch::Packed(packed));
        }
        for search in searches {
            let mut found = Vec::new();
            search.each("xabcd abc", |keyword, start| found.push((start, keyword)));
            found.sort_unstable();
            found.dedup();
            // "ab" at 1 may be hidden behind "abc" starting at the same byte: the engine
            // makes a keyword that starts another stand for both.
            found.retain(|&(_, k)| k != 2);
            assert_eq!(found, [(1, 0), (2, 1), (6, 0)]);
        }
    }

    #[test]
    fn keyword_set_stays_small_enough_for_simd() {
        // Teddy handles a few dozen patterns; past that the search falls back to an
        // automaton about four times slower on real trees.
        assert!(engine().keyword_formats.len() <= 64);
    }

    #[test]
    fn keywords_that_start_others_gate_their_formats_too() {
        let engine = engine();
        let file: FormatsFile = toml::from_str(FORMATS_TOML).expect("valid");
        let twilio: Vec<usize> = file
            .format
            .iter()
            .enumerate()
            .filter(|(_, f)| f.keywords.iter().any(|k| k == "twilio"))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(twilio.len(), 2, "both Twilio formats share the keyword");
        assert!(
            engine
                .keyword_formats
                .iter()
                .any(|formats| formats == &twilio)
        );
    }

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
