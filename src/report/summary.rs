//! The Markdown job summary (`--summary-output`, for `$GITHUB_STEP_SUMMARY`): the counts
//! by severity and by rule (those of `--statistics`), then the findings, most severe first, as a table. It is what
//! a reviewer sees on the run's page when the annotations' cap (10 per kind) hid the rest.
//!
//! Paths and messages come from the scanned repository (a pull request's file names), and
//! GitHub renders the summary as Markdown with some HTML, so every cell is escaped: a file
//! name cannot add a link, an image, a table column or a tag. Messages are already masked
//! (no secret text), as in every format.

use crate::Report;
use crate::diagnostic::Diagnostic;
use std::fmt::Write;

/// At most this many findings are listed (GitHub takes up to 1 MiB of summary per step;
/// a row is a few hundred bytes, and past a few hundred nobody reads on).
pub const MAX_ROWS: usize = 500;

/// The summary of `report` in GitHub-flavoured Markdown, ending in a newline.
pub fn render(report: &Report) -> String {
    let mut out = String::from("## prodlint\n\n");
    let _ = writeln!(out, "{}\n", escape(&super::github::summary(report)));
    if report.diagnostics.is_empty() {
        return out;
    }

    // Per rule, as `--statistics` counts them.
    out.push_str("| rule | findings |\n|---|---:|\n");
    for rule in super::statistics::counts(report) {
        let _ = writeln!(
            out,
            "| {} {} | {} |",
            escape(rule.rule),
            escape(rule.slug),
            rule.count
        );
    }

    let mut ordered: Vec<&Diagnostic> = report.diagnostics.iter().collect();
    ordered.sort_by_key(|d| std::cmp::Reverse(d.severity));
    let shown = ordered.len().min(MAX_ROWS);
    let _ = writeln!(
        out,
        "\n<details><summary>Findings, most severe first ({shown} of {})</summary>\n",
        ordered.len()
    );
    out.push_str("| severity | location | rule | message |\n|---|---|---|---|\n");
    for d in &ordered[..shown] {
        let _ = writeln!(
            out,
            "| {} | {}:{}:{} | {} | {} |",
            d.severity.as_str(),
            escape(&d.anchor.path),
            d.anchor.start.line,
            d.anchor.start.column,
            escape(d.rule.id),
            escape(&d.message),
        );
    }
    if ordered.len() > shown {
        let _ = writeln!(
            out,
            "\n{} more: see the SARIF (code scanning) or `prodlint check` locally.",
            ordered.len() - shown
        );
    }
    out.push_str("\n</details>\n");
    out
}

/// Text safe inside a Markdown table cell: HTML's `&<>` become entities, Markdown's
/// punctuation gets a backslash, and line breaks (which would end the row) a space.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '|' | '!' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_add_markup_columns_or_rows() {
        assert_eq!(
            escape("a|b\n<img src=x>[l](u)`c`"),
            "a\\|b &lt;img src=x&gt;\\[l\\]\\(u\\)\\`c\\`"
        );
    }
}
