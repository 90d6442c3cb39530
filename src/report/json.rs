//! A JSON array of diagnostics, one flat object each, for scripts and other tools.

use crate::Report;
use serde::Serialize;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    rule: &'a str,
    slug: &'a str,
    category: &'a str,
    severity: &'a str,
    message: &'a str,
    help: &'a str,
}

pub fn render(report: &Report) -> String {
    let items: Vec<JsonDiagnostic> = report
        .diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            path: &d.anchor.path,
            line: d.anchor.start.line,
            column: d.anchor.start.column,
            end_line: d.anchor.end.line,
            end_column: d.anchor.end.column,
            rule: d.rule.id,
            slug: d.rule.slug,
            category: d.rule.category,
            severity: d.severity.as_str(),
            message: &d.message,
            help: d.help_text(),
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}
