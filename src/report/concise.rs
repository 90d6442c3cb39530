//! One line per diagnostic: `path:line:col: ID [slug] message` (grep- and editor-friendly).

use crate::Report;
use crate::report::escape::escape_controls;
use std::fmt::Write;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let _ = writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            escape_controls(&d.anchor.path),
            d.anchor.start.line,
            d.anchor.start.column,
            d.rule.id,
            d.rule.slug,
            escape_controls(&d.message)
        );
    }
    out
}
