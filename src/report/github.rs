//! GitHub Actions workflow commands (`::error file=...::message`), which the runner turns
//! into annotations on the pull request's diff. GitHub shows only the first 10
//! annotations of each kind per step, so errors come first, then warnings, then notices
//! (each in report order), and a last `::notice` line without a file gives the counts of
//! every kind: a reader learns how many the cap hid, and the job summary and code
//! scanning list them all.

use crate::Report;
use crate::diagnostic::Severity;
use crate::report::escape::escape_controls;
use std::fmt::Write;

/// How many annotations of one kind GitHub shows per step.
pub const ANNOTATIONS_SHOWN_PER_KIND: usize = 10;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let mut ordered: Vec<&crate::diagnostic::Diagnostic> = report.diagnostics.iter().collect();
    // A stable sort: within a severity, report order (path, line) stays.
    ordered.sort_by_key(|d| std::cmp::Reverse(d.severity));
    for d in ordered {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},endLine={},col={},endColumn={},title={}::{}",
            escape_property(&d.anchor.path),
            d.anchor.start.line,
            d.anchor.end.line,
            d.anchor.start.column,
            d.anchor.end.column,
            escape_property(&format!("{} {}", d.rule.id, d.rule.slug)),
            escape_data(&format!("{}. Fix: {}", d.message, d.help_text())),
        );
    }
    let _ = writeln!(out, "::notice title=prodlint::{}", summary(report));
    out
}

/// `3 findings (1 error, 2 warnings, 0 notes) in 12 files`, plus, when some
/// kind has more findings than GitHub shows, that the rest are in the job summary.
pub fn summary(report: &Report) -> String {
    let counts = [
        (report.count(Severity::Error), "error"),
        (report.count(Severity::Warning), "warning"),
        (report.count(Severity::Note), "note"),
    ];
    let files = plural(report.files_checked, "file");
    let total = report.diagnostics.len();
    if total == 0 {
        return format!("no findings in {files}");
    }
    let kinds: Vec<String> = counts.iter().map(|&(n, word)| plural(n, word)).collect();
    let mut line = format!(
        "{} ({}) in {files}",
        plural(total, "finding"),
        kinds.join(", ")
    );
    if counts.iter().any(|&(n, _)| n > ANNOTATIONS_SHOWN_PER_KIND) {
        line.push_str(&format!(
            "; GitHub shows {ANNOTATIONS_SHOWN_PER_KIND} annotations of each kind, most severe first: the job summary and code scanning list them all"
        ));
    }
    line
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Escaping for the message part of a workflow command.
fn escape_data(s: &str) -> String {
    let encoded = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    // Other controls (ESC) would reach the job log raw.
    escape_controls(&encoded).into_owned()
}

/// Escaping for `key=value` properties, where `:` and `,` are separators too.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_escape_separators() {
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        assert_eq!(escape_data("50% done: ok"), "50%25 done: ok");
    }
}
