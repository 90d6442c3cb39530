//! GitHub Actions workflow commands (`::error file=...::message`), which the runner turns
//! into annotations on the pull request's diff. Errors come first, then warnings, then
//! notices (each in report order): GitHub shows only the first annotations of each kind
//! of a step, so what it hides is the least important.

use crate::Report;
use crate::diagnostic::Severity;
use crate::report::escape::escape_controls;
use std::fmt::Write;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let mut ordered: Vec<&crate::diagnostic::Diagnostic> = report.diagnostics.iter().collect();
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
    out
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
