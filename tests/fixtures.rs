//! The fixture harness: every folder under `fixtures/` is linted with all rules, and the
//! set of (file, line, rule) it reports must equal exactly the set its files annotate:
//!
//! - `expect: ID[, ID...]` in a trailing comment — a finding on that line;
//! - `expect-next: ID` on a comment line — a finding on the next line that is not a
//!   comment (Dockerfiles, where a trailing `#` is not a comment);
//! - `expect-file: ID` — a finding about the whole file, reported on line 1.
//!
//! Every rule runs, those off by default included. A missing finding and an unexpected
//! one fail alike. `fixtures/<ID>/` holds one rule's
//! cases; `fixtures/project/<case>/` holds multi-file cases linted together.

use prodlint::config::{CliOverrides, Settings};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

type Expectation = (String, usize, String);

fn fixture_cases(root: &Path) -> Vec<PathBuf> {
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(root).expect("fixtures/ exists") {
        let path = entry.expect("readable fixtures entry").path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "project") {
            for case in std::fs::read_dir(&path).expect("fixtures/project is readable") {
                let case = case.expect("readable project case").path();
                if case.is_dir() {
                    cases.push(case);
                }
            }
        } else {
            cases.push(path);
        }
    }
    cases.sort();
    cases
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("fixture folder is readable") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Rule ids after `marker` up to the end of the line (`PY001, PY010`).
fn ids_after<'a>(line: &'a str, marker: &str) -> Option<Vec<&'a str>> {
    let at = line.find(marker)?;
    let ids = line[at + marker.len()..]
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .take_while(|s| s.chars().all(|c| c.is_ascii_alphanumeric()))
        .collect::<Vec<_>>();
    Some(ids)
}

fn is_comment_line(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//")
}

fn expectations(file: &Path, shown: &str) -> Vec<Expectation> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return Vec::new();
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(ids) = ids_after(line, "expect-next:") {
            let target = (i + 1..lines.len())
                .find(|&j| !is_comment_line(lines[j]) && !lines[j].trim().is_empty());
            let target = target
                .unwrap_or_else(|| panic!("{shown}:{}: expect-next with no line after it", i + 1));
            out.extend(
                ids.into_iter()
                    .map(|id| (shown.to_string(), target + 1, id.to_string())),
            );
        } else if let Some(ids) = ids_after(line, "expect-file:") {
            out.extend(
                ids.into_iter()
                    .map(|id| (shown.to_string(), 1, id.to_string())),
            );
        } else if let Some(ids) = ids_after(line, "expect:") {
            out.extend(
                ids.into_iter()
                    .map(|id| (shown.to_string(), i + 1, id.to_string())),
            );
        }
    }
    out
}

#[test]
fn fixtures_report_exactly_what_they_annotate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    // ALL: rules that are off by default (SV008) are checked on every fixture too.
    let overrides = CliOverrides {
        select: Some(vec!["ALL".to_string()]),
        ..CliOverrides::default()
    };
    let settings = Settings::resolve(None, &overrides).expect("all rules");
    let mut ungated_settings = settings.clone();
    ungated_settings.trigger_gates = false;
    // Fixtures are small, so most are parsed whole by default; this parses every one
    // region by region wherever that leaves anything out.
    let mut regional_settings = settings.clone();
    regional_settings.region_share_limit = 1.0;
    let mut failures = Vec::new();
    let mut cases_run = 0;
    for case in fixture_cases(&root) {
        cases_run += 1;
        let mut files = Vec::new();
        files_under(&case, &mut files);
        let show = |p: &Path| {
            p.strip_prefix(&root)
                .or_else(|_| p.strip_prefix("fixtures"))
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        };
        let expected: BTreeSet<Expectation> = files
            .iter()
            .flat_map(|f| expectations(f, &show(f)))
            .collect();
        // Lint by the repository-relative path (cargo runs tests in the package root), so
        // folders above the checkout (a CI path containing `tests/`) cannot change what
        // counts as test code.
        let relative = case
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(&case)
            .to_path_buf();
        // Each case is a project of its own: its folders decide file contexts (a case
        // holds `tests/` or `docs/` folders to show what happens there), not the
        // `fixtures/` folder around it.
        let in_case = |settings: &Settings| Settings {
            project_root: Some(case.clone()),
            ..settings.clone()
        };
        let report = prodlint::check(std::slice::from_ref(&relative), &in_case(&settings))
            .expect("fixture run");
        // Trigger gates are only a shortcut: parsing every file must find the same.
        let ungated = prodlint::check(std::slice::from_ref(&relative), &in_case(&ungated_settings))
            .expect("ungated fixture run");
        let regional = prodlint::check(&[relative], &in_case(&regional_settings))
            .expect("regional fixture run");
        let key = |d: &prodlint::diagnostic::Diagnostic| {
            (d.anchor.path.clone(), d.anchor.start.line, d.rule.id)
        };
        let gated_set: BTreeSet<_> = report.diagnostics.iter().map(key).collect();
        let ungated_set: BTreeSet<_> = ungated.diagnostics.iter().map(key).collect();
        for hidden in ungated_set.difference(&gated_set) {
            failures.push(format!(
                "hidden by a trigger gate: {}:{} {}",
                hidden.0, hidden.1, hidden.2
            ));
        }
        // Parsing only regions must find the same, but for syntax errors in what it
        // leaves out (PL001 says so).
        let findings = |diagnostics: &[prodlint::diagnostic::Diagnostic]| -> BTreeSet<_> {
            diagnostics
                .iter()
                .filter(|d| d.rule.id != "PL001")
                .map(key)
                .collect()
        };
        let (whole, regional) = (
            findings(&report.diagnostics),
            findings(&regional.diagnostics),
        );
        for hidden in whole.difference(&regional) {
            failures.push(format!(
                "missed when parsing regions: {}:{} {}",
                hidden.0, hidden.1, hidden.2
            ));
        }
        for extra in regional.difference(&whole) {
            failures.push(format!(
                "only when parsing regions: {}:{} {}",
                extra.0, extra.1, extra.2
            ));
        }
        let actual: BTreeSet<Expectation> = report
            .diagnostics
            .iter()
            .map(|d| {
                (
                    show(Path::new(&d.anchor.path)),
                    d.anchor.start.line,
                    d.rule.id.to_string(),
                )
            })
            .collect();
        for missing in expected.difference(&actual) {
            failures.push(format!(
                "missed:     {}:{} {}",
                missing.0, missing.1, missing.2
            ));
        }
        for extra in actual.difference(&expected) {
            let message = report
                .diagnostics
                .iter()
                .find(|d| {
                    show(Path::new(&d.anchor.path)) == extra.0
                        && d.anchor.start.line == extra.1
                        && d.rule.id == extra.2
                })
                .map(|d| d.message.as_str())
                .unwrap_or("");
            failures.push(format!(
                "unexpected: {}:{} {} — {message}",
                extra.0, extra.1, extra.2
            ));
        }
    }
    assert!(
        cases_run > 0,
        "no fixture cases found under {}",
        root.display()
    );
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_fixtures_with_flagged_and_clean_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut problems = Vec::new();
    for rule in &prodlint::rules::registry().rules {
        // One rule's cases: fixtures/<ID>/, and project cases fixtures/project/<ID>-*/.
        let mut dirs: Vec<PathBuf> = vec![root.join(rule.meta.id)];
        if let Ok(entries) = std::fs::read_dir(root.join("project")) {
            dirs.extend(
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with(&format!("{}-", rule.meta.id)))
                    }),
            );
        }
        dirs.retain(|d| d.is_dir());
        if dirs.is_empty() {
            problems.push(format!(
                "{}: no fixtures/{}/ nor fixtures/project/{}-*/",
                rule.meta.id, rule.meta.id, rule.meta.id
            ));
            continue;
        }
        let mut files = Vec::new();
        for dir in &dirs {
            files_under(dir, &mut files);
        }
        let flagged = files
            .iter()
            .flat_map(|f| expectations(f, ""))
            .any(|e| e.2 == rule.meta.id);
        if !flagged {
            problems.push(format!("{}: no fixture line expects it", rule.meta.id));
        }
        let clean = files.iter().any(|f| {
            std::fs::read_to_string(f).is_ok_and(|t| {
                t.lines()
                    .any(|l| !l.trim().is_empty() && !is_comment_line(l) && !l.contains("expect"))
            })
        });
        if !clean {
            problems.push(format!("{}: no clean (not flagged) lines", rule.meta.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
