//! SARIF 2.1.0 for code-scanning dashboards, shaped by what GitHub code scanning reads:
//!
//! - every rule in `tool.driver.rules`, with `helpUri` (its doc under `rules/`, from a
//!   configurable base), `help.text` (plain) and `help.markdown` (the doc), its category
//!   and `production-readiness` in `properties.tags`, plus `security` for the security
//!   categories ([`SECURITY_CATEGORIES`]);
//! - `security-severity` on security rules (from their default level) and on each of
//!   their results (from the result's own level): error → "7.5" (high), warning → "5.0"
//!   (medium), note → none — a finding demoted to a note in test code is no security
//!   alert;
//! - artifact URIs relative to the repository root ([`fingerprint::project_root`], the
//!   baseline's: the folder holding `.git` above the first target, else the config's
//!   folder or the working directory) under `%SRCROOT%`, which
//!   `originalUriBaseIds` resolves; a file outside the root gets an absolute `file://` URI;
//! - `columnKind: unicodeCodePoints`: diagnostic columns count characters (Unicode scalar
//!   values), the unit that kind names, so they are emitted unchanged;
//! - `partialFingerprints.primaryLocationLineHash`
//!   ([`fingerprint::primary_location_line_hash`]), so alerts follow moved or reindented
//!   lines;
//! - `relatedLocations` for cross-file findings (the other file's place);
//! - `automationDetails.id` `prodlint/` or `prodlint/<category>/`;
//! - GitHub's upload limits: at most [`MAX_RESULTS`] results per run (the most severe are
//!   kept, and a tool notification says how many were left out), at most 10 tags per rule.
//!
//! A region carries no snippet, so no secret ever reaches an uploaded file.

use crate::Report;
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::fingerprint;
use crate::rules::{RuleMeta, registry};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

/// Where rule docs live when nothing else is configured: `<base><doc path>`, the doc path
/// being the file under the repository's `rules/` folder.
pub const DEFAULT_HELP_BASE: &str = "https://github.com/prodlint/prodlint/blob/main/rules/";

/// GitHub rejects a run with more results than this.
pub const MAX_RESULTS: usize = 25_000;

/// GitHub keeps only this many tags of a rule (and rejects more than 20).
pub const MAX_TAGS: usize = 10;

/// Categories whose findings are security problems: leaked credentials, secrets in logs,
/// plaintext or unverified transport, containers with host privileges, debug modes that
/// expose debuggers and internals, images running as root or from a moving tag.
pub const SECURITY_CATEGORIES: &[&str] = &[
    "hardcoded-secret",
    "sensitive-logging",
    "insecure-transport",
    "privileged-container",
    "debug-mode",
    "image-hygiene",
];

/// What a SARIF run needs besides the report.
#[derive(Debug, Clone)]
pub struct SarifOptions {
    /// Absolute folder artifact URIs are relative to (`%SRCROOT%`).
    pub root: PathBuf,
    /// Absolute folder relative diagnostic paths are relative to (the working directory).
    pub cwd: PathBuf,
    /// Prefix of every rule's `helpUri`; the doc's path under `rules/` is appended.
    pub help_base: String,
    /// `automationDetails.id` is `prodlint/<category>/`, or `prodlint/` when None.
    pub category: Option<String>,
}

impl SarifOptions {
    /// The options of a run on `targets` from the working directory; `fallback` is the
    /// root when no repository holds the first target (the config's folder, as for the
    /// baseline, so SARIF URIs and baseline paths are relative to the same folder).
    pub fn for_targets(targets: &[PathBuf], fallback: &Path) -> Self {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        let first = targets.first().map_or(Path::new("."), PathBuf::as_path);
        SarifOptions {
            root: fingerprint::project_root(first, fallback),
            cwd,
            help_base: DEFAULT_HELP_BASE.to_string(),
            category: None,
        }
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    automation_details: AutomationDetails,
    original_uri_base_ids: HashMap<&'static str, BaseUri>,
    column_kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    invocations: Vec<Invocation>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
struct BaseUri {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: OwnedText,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    semantic_version: &'static str,
    information_uri: String,
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'a> {
    id: &'a str,
    name: String,
    short_description: Text<'a>,
    full_description: Text<'a>,
    help_uri: String,
    help: Help<'a>,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Help<'a> {
    text: String,
    markdown: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    tags: Vec<&'a str>,
    precision: &'static str,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: OwnedText,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties>,
}

#[derive(Serialize)]
struct ResultProperties {
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: OwnedText,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    /// Set for paths under the repository root; absent for absolute `file://` URIs.
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprints {
    primary_location_line_hash: String,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

pub fn is_security(meta: &RuleMeta) -> bool {
    SECURITY_CATEGORIES.contains(&meta.category)
}

/// GitHub's score for a security finding at `severity` (7.0–8.9 is "high", 4.0–6.9
/// "medium"); none for a note, nor for a rule outside the security categories.
pub fn security_severity(meta: &RuleMeta, severity: Severity) -> Option<&'static str> {
    if !is_security(meta) {
        return None;
    }
    match severity {
        Severity::Error => Some("7.5"),
        Severity::Warning => Some("5.0"),
        Severity::Note => None,
    }
}

/// `http-call-without-timeout` → `HttpCallWithoutTimeout` (SARIF's rule `name` style).
fn pascal_case(slug: &str) -> String {
    slug.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or(String::new(), |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// A rule doc's Markdown as plain text: no heading marks, code fences, backticks or
/// emphasis; a link keeps its text and gives its target in parentheses.
fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            continue;
        }
        let line = if trimmed.starts_with('#') {
            trimmed.trim_start_matches('#').trim_start()
        } else {
            line
        };
        let line = line.replace("**", "").replace('`', "");
        out.push_str(&unlink(&line));
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// `[text](target)` → `text (target)`.
fn unlink(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|close| {
            let target = &after[close + 2..];
            target
                .find(')')
                .map(|end| (&after[..close], &target[..end], &target[end + 1..]))
        });
        match link {
            Some((text, target, tail)) if !text.contains('[') => {
                out.push_str(&rest[..open]);
                out.push_str(text);
                out.push_str(" (");
                out.push_str(target);
                out.push(')');
                rest = tail;
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Renders `report` as SARIF with default options for a run from the working directory.
pub fn render(report: &Report) -> String {
    render_with(report, &SarifOptions::for_targets(&[], Path::new(".")))
}

pub fn render_with(report: &Report, options: &SarifOptions) -> String {
    let registry = registry();
    let base = if options.help_base.is_empty() || options.help_base.ends_with('/') {
        options.help_base.clone()
    } else {
        format!("{}/", options.help_base)
    };
    let rules = registry
        .rules
        .iter()
        .map(|r| {
            let mut tags = vec![r.meta.category, "production-readiness"];
            if is_security(&r.meta) {
                tags.push("security");
            }
            tags.truncate(MAX_TAGS);
            ReportingDescriptor {
                id: r.meta.id,
                name: pascal_case(r.meta.slug),
                short_description: Text {
                    text: r.meta.summary,
                },
                full_description: Text {
                    text: r.meta.summary,
                },
                help_uri: format!("{base}{}", r.meta.doc_path),
                help: Help {
                    text: plain_text(r.meta.body),
                    markdown: r.meta.body,
                },
                default_configuration: Configuration {
                    level: level(r.meta.severity),
                },
                properties: RuleProperties {
                    tags,
                    precision: "high",
                    security_severity: security_severity(&r.meta, r.meta.severity),
                },
            }
        })
        .collect();
    let (kept, left_out) = keep_most_severe(&report.diagnostics, MAX_RESULTS);
    let mut seen = HashMap::new();
    let results = kept
        .into_iter()
        .map(|d| SarifResult {
            rule_id: d.rule.id,
            rule_index: registry.index_of(d.rule.id).unwrap_or(0),
            level: level(d.severity),
            message: OwnedText {
                text: format!("{}. Fix: {}", d.message, d.help_text()),
            },
            locations: vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: artifact_location(&d.anchor.path, options),
                    region: Region {
                        start_line: d.anchor.start.line,
                        start_column: Some(d.anchor.start.column),
                        end_line: Some(d.anchor.end.line),
                        end_column: Some(d.anchor.end.column),
                    },
                },
            }],
            related_locations: d
                .related
                .iter()
                .enumerate()
                .map(|(i, related)| related_location(i + 1, related, options))
                .collect(),
            partial_fingerprints: Fingerprints {
                primary_location_line_hash: fingerprint::primary_location_line_hash(d, &mut seen),
            },
            properties: security_severity(d.rule, d.severity)
                .map(|security_severity| ResultProperties { security_severity }),
        })
        .collect();
    let invocations = if left_out > 0 {
        vec![Invocation {
            execution_successful: true,
            tool_execution_notifications: vec![Notification {
                level: "warning",
                message: OwnedText {
                    text: format!(
                        "{left_out} results left out: code scanning takes at most {MAX_RESULTS} per run, and the most severe are kept"
                    ),
                },
            }],
        }]
    } else {
        Vec::new()
    };
    let category = options
        .category
        .as_deref()
        .map(|c| c.trim_matches('/'))
        .filter(|c| !c.is_empty());
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "prodlint",
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: base
                        .strip_suffix("blob/main/rules/")
                        .unwrap_or("https://github.com/prodlint/prodlint/")
                        .to_string(),
                    rules,
                },
            },
            automation_details: AutomationDetails {
                id: category.map_or("prodlint/".to_string(), |c| format!("prodlint/{c}/")),
            },
            original_uri_base_ids: HashMap::from([(
                SRCROOT,
                BaseUri {
                    uri: folder_uri(&options.root),
                },
            )]),
            column_kind: "unicodeCodePoints",
            invocations,
            results,
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

/// The first `max` diagnostics by severity (errors first, ties in report order), in
/// report order, and how many were left out.
fn keep_most_severe(diagnostics: &[Diagnostic], max: usize) -> (Vec<&Diagnostic>, usize) {
    if diagnostics.len() <= max {
        return (diagnostics.iter().collect(), 0);
    }
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(diagnostics[i].severity));
    let mut kept: Vec<usize> = order[..max].to_vec();
    kept.sort_unstable();
    (
        kept.into_iter().map(|i| &diagnostics[i]).collect(),
        diagnostics.len() - max,
    )
}

fn related_location(id: usize, related: &Related, options: &SarifOptions) -> RelatedLocation {
    RelatedLocation {
        id,
        physical_location: PhysicalLocation {
            artifact_location: artifact_location(&related.path, options),
            region: Region {
                start_line: related.start.line,
                start_column: related.end.map(|_| related.start.column),
                end_line: related.end.map(|e| e.line),
                end_column: related.end.map(|e| e.column),
            },
        },
        message: OwnedText {
            text: related.message.clone(),
        },
    }
}

/// `file:///abs/root/` (always ending in `/`, as a base URI must).
fn folder_uri(folder: &Path) -> String {
    let path = crate::source::display_path(folder);
    let path = path.trim_end_matches('/');
    let slash = if path.starts_with('/') { "" } else { "/" };
    format!("file://{slash}{}/", uri_of(path))
}

/// A diagnostic path (relative to the working directory, or absolute) under the
/// repository root becomes a relative URI under `%SRCROOT%`; a path outside it an
/// absolute `file://` URI rather than a wrong relative one.
fn artifact_location(path: &str, options: &SarifOptions) -> ArtifactLocation {
    match fingerprint::under_root(&options.root, &options.cwd, path) {
        Some(relative) if !relative.is_empty() => ArtifactLocation {
            uri: uri_of(&relative),
            uri_base_id: Some(SRCROOT),
        },
        _ => {
            let absolute = crate::source::normalize_slash_path(&crate::source::display_path(
                &options.cwd.join(path),
            ));
            let slash = if absolute.starts_with('/') { "" } else { "/" };
            ArtifactLocation {
                uri: format!("file://{slash}{}", uri_of(&absolute)),
                uri_base_id: None,
            }
        }
    }
}

/// Percent-encodes what a URI cannot hold raw; keeps `/` (and a drive letter's `:`).
fn uri_of(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for (i, b) in path.bytes().enumerate() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b':' if i == 1 => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(root: &str, cwd: &str) -> SarifOptions {
        SarifOptions {
            root: PathBuf::from(root),
            cwd: PathBuf::from(cwd),
            help_base: DEFAULT_HELP_BASE.to_string(),
            category: None,
        }
    }

    #[test]
    fn paths_under_the_root_are_relative_to_it_and_others_absolute() {
        let from_sub = options("/srv/repo", "/srv/repo/services");
        let relative = artifact_location("app/my settings.py", &from_sub);
        assert_eq!(
            (relative.uri.as_str(), relative.uri_base_id),
            ("services/app/my%20settings.py", Some(SRCROOT))
        );
        let up = artifact_location("../deploy/k8s.yaml", &from_sub);
        assert_eq!(up.uri, "deploy/k8s.yaml");
        let absolute = artifact_location("/srv/repo/app.py", &from_sub);
        assert_eq!(absolute.uri, "app.py");
        let outside = artifact_location("/srv/other/app.py", &from_sub);
        assert_eq!(
            (outside.uri.as_str(), outside.uri_base_id),
            ("file:///srv/other/app.py", None)
        );
        // A sibling whose name starts with the root's is not under it.
        let sibling = artifact_location("/srv/repo2/app.py", &from_sub);
        assert_eq!(sibling.uri_base_id, None);
        assert_eq!(
            folder_uri(Path::new("/srv/my repo")),
            "file:///srv/my%20repo/"
        );
    }

    #[test]
    fn markdown_becomes_plain_text() {
        let text = plain_text(
            "## Why\n\nCalls `requests.get` **forever**; see [the docs](https://x.test/a).\n\n```python\nx = 1\n```\n",
        );
        assert_eq!(
            text,
            "Why\n\nCalls requests.get forever; see the docs (https://x.test/a).\n\nx = 1"
        );
        assert_eq!(unlink("a [b] c [d](e"), "a [b] c [d](e");
    }

    #[test]
    fn security_severity_follows_the_level_and_only_for_security_rules() {
        let rules = &registry().rules;
        let secret = &rules.iter().find(|r| r.meta.id == "SC001").unwrap().meta;
        assert_eq!(security_severity(secret, Severity::Error), Some("7.5"));
        assert_eq!(security_severity(secret, Severity::Warning), Some("5.0"));
        assert_eq!(security_severity(secret, Severity::Note), None);
        let timeout = &rules.iter().find(|r| r.meta.id == "PY001").unwrap().meta;
        assert_eq!(security_severity(timeout, Severity::Error), None);
        for category in SECURITY_CATEGORIES {
            assert!(
                crate::rules::meta::CATEGORIES.contains(category),
                "{category}"
            );
        }
    }
}
