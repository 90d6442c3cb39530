//! One line per diagnostic: `path:line:col: severity ID [slug] message` (grep- and
//! editor-friendly; the severity is one word: `error`, `warning` or `note`).

use crate::Report;
use crate::report::escape::escape_controls;
use std::fmt::Write;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {} [{}] {}",
            escape_controls(&d.anchor.path),
            d.anchor.start.line,
            d.anchor.start.column,
            d.severity.as_str(),
            d.rule.id,
            d.rule.slug,
            escape_controls(&d.message)
        );
    }
    out
}
