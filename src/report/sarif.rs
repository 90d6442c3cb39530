//! SARIF 2.1.0 for code-scanning dashboards. Follows what GitHub code scanning reads:
//! every rule in `tool.driver.rules` with `help`, `fullDescription` and its category in
//! `properties.tags`; relative `uri` with `uriBaseId`; `partialFingerprints` so alerts
//! survive unrelated edits; `security-severity` for security categories. The region
//! carries no snippet, so no secret ever reaches an uploaded file.

use crate::Report;
use crate::diagnostic::Severity;
use crate::fingerprint::sarif_key;
use crate::rules::{RuleMeta, registry};
use serde::Serialize;
use std::collections::HashMap;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

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
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
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
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'a> {
    id: &'a str,
    name: String,
    short_description: Text<'a>,
    full_description: Text<'a>,
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
    text: &'a str,
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
    locations: Vec<Location<'a>>,
    partial_fingerprints: Fingerprints,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation<'a> {
    uri: String,
    /// Set for paths relative to the scanned root; absent for absolute `file://` URIs.
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "prodlint/v1")]
    prodlint_v1: String,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// GitHub ranks security alerts by this score; only security categories carry one.
fn security_severity(meta: &RuleMeta) -> Option<&'static str> {
    match meta.category {
        "hardcoded-secret" | "privileged-container" | "insecure-transport" => Some("8.0"),
        "sensitive-logging" | "image-hygiene" | "debug-mode" => Some("5.0"),
        _ => None,
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

pub fn render(report: &Report) -> String {
    let registry = registry();
    let rules = registry
        .rules
        .iter()
        .map(|r| ReportingDescriptor {
            id: r.meta.id,
            name: pascal_case(r.meta.slug),
            short_description: Text {
                text: r.meta.summary,
            },
            full_description: Text {
                text: r.meta.summary,
            },
            help: Help {
                text: r.meta.body,
                markdown: r.meta.body,
            },
            default_configuration: Configuration {
                level: level(r.meta.severity),
            },
            properties: RuleProperties {
                tags: vec![r.meta.category, "production-readiness"],
                precision: "high",
                security_severity: security_severity(&r.meta),
            },
        })
        .collect();
    let mut seen = HashMap::new();
    let results = report
        .diagnostics
        .iter()
        .map(|d| SarifResult {
            rule_id: d.rule.id,
            rule_index: registry.index_of(d.rule.id).unwrap_or(0),
            level: level(d.severity),
            message: OwnedText {
                text: format!("{}. Fix: {}", d.message, d.help_text()),
            },
            locations: vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: artifact_location(&d.anchor.path),
                    region: Region {
                        start_line: d.anchor.start.line,
                        start_column: d.anchor.start.column,
                        end_line: d.anchor.end.line,
                        end_column: d.anchor.end.column,
                    },
                },
            }],
            partial_fingerprints: Fingerprints {
                prodlint_v1: sarif_key(d, &mut seen),
            },
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "prodlint",
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

/// A path relative to the scanned root (the usual case: prodlint prints paths relative to
/// the working directory) becomes a relative URI under `%SRCROOT%`, which code scanning
/// resolves against the repository; an absolute path (a target outside the working
/// directory) becomes an absolute `file://` URI rather than a wrong relative one.
fn artifact_location(path: &str) -> ArtifactLocation<'static> {
    if path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", uri_of(path)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: uri_of(path),
            uri_base_id: Some(SRCROOT),
        }
    }
}

/// Percent-encodes what a URI cannot hold raw; keeps `/`.
fn uri_of(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_get_the_source_root_and_absolute_ones_a_file_uri() {
        let relative = artifact_location("app/my settings.py");
        assert_eq!(
            (relative.uri.as_str(), relative.uri_base_id),
            ("app/my%20settings.py", Some(SRCROOT))
        );
        let absolute = artifact_location("/srv/repo/app.py");
        assert_eq!(
            (absolute.uri.as_str(), absolute.uri_base_id),
            ("file:///srv/repo/app.py", None)
        );
    }
}
