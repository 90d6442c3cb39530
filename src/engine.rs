//! The engine: runs the pipeline over discovered paths in parallel — read, classify,
//! gate on trigger keywords, parse once, build the model, run the enabled file rules,
//! collect facts — then the project rules over the merged facts, then filtering.

use crate::config::Settings;
use crate::diagnostic::{Anchor, Diagnostic, Emitter, Finding};
use crate::discover::relative_to_root;
use crate::kind::{ArtifactKind, classify};
use crate::model::container::ContainerSpec;
use crate::rules::{Check, INVALID_SUPPRESSION, PARSE_ERROR, registry};
use crate::source::{SourceFile, Span};
use crate::suppress::Suppressions;
use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Files larger than this are skipped with a note (minified bundles, data dumps).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// What one file contributed.
#[derive(Default)]
pub struct FileOutcome {
    pub diagnostics: Vec<Diagnostic>,
    /// A note for the user (skipped file, unreadable file).
    pub note: Option<String>,
    pub checked: bool,
}

/// Which enabled rules apply to a kind of file, and the keyword gate in front of them.
struct KindPlan {
    rules: Vec<usize>,
    /// None: some rule needs no trigger, so the file is always parsed.
    gate: Option<AhoCorasick>,
}

impl KindPlan {
    fn new(rules: Vec<usize>) -> Self {
        let registry = registry();
        let ungated = rules.iter().any(|&i| registry.rules[i].triggers.is_empty());
        let gate = if ungated || rules.is_empty() {
            None
        } else {
            let words: Vec<&str> = rules.iter().flat_map(|&i| registry.rules[i].triggers.iter().copied()).collect();
            AhoCorasick::builder().ascii_case_insensitive(true).build(words).ok()
        };
        KindPlan { rules, gate }
    }

    /// Rules of this plan that may fire on `text`: none when the gate finds no trigger.
    fn wants(&self, text: &str) -> bool {
        !self.rules.is_empty() && self.gate.as_ref().is_none_or(|g| g.is_match(text))
    }
}

/// The per-run plan: rules grouped by what they look at.
pub struct Plan {
    text: KindPlan,
    container: KindPlan,
}

impl Plan {
    pub fn new(settings: &Settings) -> Plan {
        let registry = registry();
        let enabled = |pred: fn(&Check) -> bool| -> Vec<usize> {
            settings.enabled.iter().copied().filter(|&i| pred(&registry.rules[i].check)).collect()
        };
        Plan {
            text: KindPlan::new(enabled(|c| matches!(c, Check::Text(_)))),
            container: KindPlan::new(enabled(|c| matches!(c, Check::Container(_)))),
        }
    }
}

/// Runs every file and returns outcomes in path order.
pub fn run_files(paths: &[PathBuf], settings: &Settings, plan: &Plan) -> Vec<FileOutcome> {
    paths.par_iter().map(|path| check_file(path, settings, plan)).collect()
}

fn check_file(path: &Path, settings: &Settings, plan: &Plan) -> FileOutcome {
    let bytes = match std::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            return FileOutcome {
                note: Some(format!("{}: skipped, larger than {} MiB", path.display(), MAX_FILE_BYTES >> 20)),
                ..Default::default()
            };
        }
        Ok(_) => match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => return note(path, &format!("cannot read: {e}")),
        },
        Err(e) => return note(path, &format!("cannot read: {e}")),
    };
    if is_binary(&bytes) {
        return FileOutcome::default();
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        // Latin-1 and friends: lint what is readable rather than skipping the file.
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    let kind = classify(path, &text);
    let file = SourceFile::new(path, text);
    let mut findings: Vec<(&'static str, Finding)> = Vec::new();

    if plan.text.wants(&file.text) {
        run_text_rules(&file, &plan.text.rules, &mut findings);
    }
    match kind {
        ArtifactKind::Kubernetes if plan.container.wants(&file.text) => {
            check_kubernetes(&file, plan, &mut findings);
        }
        _ => {}
    }

    let (suppressions, bad) = Suppressions::scan(&file, kind.comment_leader());
    for b in bad {
        findings.push((INVALID_SUPPRESSION, Finding { span: b.span, message: b.message, help: None, secret: None }));
    }
    FileOutcome { diagnostics: finish(&file, findings, &suppressions, settings), note: None, checked: true }
}

fn check_kubernetes(file: &SourceFile, plan: &Plan, findings: &mut Vec<(&'static str, Finding)>) {
    let stream = crate::lang::yaml::parse(&file.text);
    // Helm templates often stop parsing after masking; a note per chart file is noise.
    if let Some((span, message)) = &stream.error
        && !stream.is_templated()
    {
        parse_error(file, findings, *span, format!("YAML does not parse: {message}"));
    }
    let containers = crate::model::kubernetes::containers(&stream);
    run_container_rules(&containers, &plan.container.rules, findings);
}

fn run_container_rules(specs: &[ContainerSpec], rules: &[usize], findings: &mut Vec<(&'static str, Finding)>) {
    for &i in rules {
        let rule = &registry().rules[i];
        if let Check::Container(check) = rule.check {
            for spec in specs {
                check(spec, &mut Emitter::new(findings, rule.meta.id));
            }
        }
    }
}

fn run_text_rules(file: &SourceFile, rules: &[usize], findings: &mut Vec<(&'static str, Finding)>) {
    for &i in rules {
        let rule = &registry().rules[i];
        if let Check::Text(check) = rule.check {
            check(file, &mut Emitter::new(findings, rule.meta.id));
        }
    }
}

/// A parse error as a PL001 note at `span`. Parsers that only notice the problem at the
/// end of the input point past the last line; the note goes on the last written line.
pub fn parse_error(file: &SourceFile, findings: &mut Vec<(&'static str, Finding)>, span: Span, message: String) {
    let content_end = file.text.trim_end().len();
    let span = if span.start >= content_end && content_end > 0 {
        let last_line = file.lines.line_of(content_end - 1);
        Span::new(file.lines.line_start(last_line), content_end)
    } else {
        span
    };
    findings.push((PARSE_ERROR, Finding { span, message, help: None, secret: None }));
}

/// Turns raw findings into diagnostics: drops disabled, per-file-ignored and suppressed
/// ones, applies severity overrides, resolves positions.
fn finish(
    file: &SourceFile,
    findings: Vec<(&'static str, Finding)>,
    suppressions: &Suppressions,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let registry = registry();
    // Secrets found by any rule are masked in every snippet of the file, whatever rule
    // the snippet belongs to and whether the secret's own finding is reported.
    let secrets: Vec<Span> = findings.iter().filter_map(|(_, f)| f.secret).collect();
    let root = std::path::absolute(&settings.root).unwrap_or_else(|_| settings.root.clone());
    let relative = relative_to_root(&file.path, &root);
    findings
        .into_iter()
        .filter_map(|(id, finding)| {
            let index = registry.index_of(id)?;
            if !settings.enabled.contains(&index) || settings.ignored_for_path(index, &relative) {
                return None;
            }
            let line = file.lines.line_of(finding.span.start);
            if suppressions.covers(id, line) {
                return None;
            }
            Some(Diagnostic {
                rule: &registry.rules[index].meta,
                severity: settings.severity[index],
                message: finding.message,
                help: finding.help,
                anchor: Anchor::new(file, finding.span, &secrets),
            })
        })
        .collect()
}

fn note(path: &Path, message: &str) -> FileOutcome {
    FileOutcome { note: Some(format!("{}: {message}", path.display())), ..Default::default() }
}

/// A NUL byte in the first 8 KiB marks a binary file (the heuristic git and ripgrep use).
fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}
