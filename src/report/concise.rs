//! One line per diagnostic: `path:line:col: ID [slug] message` (grep- and editor-friendly).

use crate::Report;
use std::fmt::Write;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let _ = writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            d.anchor.path,
            d.anchor.start.line,
            d.anchor.start.column,
            d.rule.id,
            d.rule.slug,
            d.message
        );
    }
    out
}
