//! Human output: each diagnostic with its rule, message, location, the source lines
//! underlined (codespan-reporting) and a help line.

use crate::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::report::escape::{escape_controls, escape_snippet};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::termcolor::Buffer;
use codespan_reporting::term::{self, Config};
use std::ops::Range;

/// codespan's view of one diagnostic's snippet: the masked source lines, numbered as in
/// the real file, with control characters escaped (as is the name). Only the snippet is
/// held, never the whole file.
struct SnippetFile {
    name: String,
    text: String,
    first_line: usize,
    /// The column where `text` starts in its first line (a window of a long line).
    first_column: usize,
    line_starts: Vec<usize>,
    /// The underlined range, in `text`.
    label: Range<usize>,
    /// The finding's own column: escapes before it make `text` longer than the line.
    label_column: usize,
}

impl SnippetFile {
    fn new(diagnostic: &Diagnostic) -> Self {
        let snippet = &diagnostic.anchor.snippet;
        let mut label = [snippet.start, snippet.end];
        let text = escape_snippet(&snippet.text, &mut label);
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SnippetFile {
            name: escape_controls(&diagnostic.anchor.path).into_owned(),
            text,
            first_line: snippet.first_line,
            first_column: snippet.first_column,
            line_starts,
            label: label[0]..label[1],
            label_column: diagnostic.anchor.start.column,
        }
    }
}

impl<'a> Files<'a> for SnippetFile {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self
            .line_starts
            .partition_point(|&s| s <= byte_index)
            .saturating_sub(1))
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, FilesError> {
        Ok(self.first_line + line_index)
    }

    fn column_number(
        &'a self,
        (): (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        if line_index == 0 && byte_index == self.label.start {
            return Ok(self.label_column);
        }
        let range = self.line_range((), line_index)?;
        let end = byte_index.clamp(range.start, range.end);
        let column = self
            .text
            .get(range.start..end)
            .map_or(0, |t| t.chars().count())
            + 1;
        Ok(if line_index == 0 {
            column + self.first_column - 1
        } else {
            column
        })
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        let text = &self.text;
        let start = *self
            .line_starts
            .get(line_index)
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: self.line_starts.len() - 1,
            })?;
        let end = self
            .line_starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(text.len());
        Ok(start..end)
    }
}

pub fn render(report: &Report, color: bool) -> String {
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = Config::default();
    for d in &report.diagnostics {
        let severity = match d.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
            Severity::Note => CsSeverity::Note,
        };
        let files = SnippetFile::new(d);
        let message = escape_controls(&d.message);
        let diagnostic = CsDiagnostic::new(severity)
            .with_code(d.rule.id)
            .with_message(message.as_ref())
            .with_labels(vec![Label::primary((), files.label.clone())])
            .with_notes(vec![
                format!("help: {}", escape_controls(d.help_text())),
                format!(
                    "rule: {} ({}) — `prodlint explain {}`",
                    d.rule.slug, d.rule.category, d.rule.id
                ),
            ]);
        if term::emit_to_write_style(&mut buffer, &config, &files, &diagnostic).is_err() {
            // A snippet codespan cannot lay out still gets a one-line rendering.
            let line = format!(
                "{}[{}]: {}\n  --> {}:{}:{}\n",
                d.severity.as_str(),
                d.rule.id,
                message,
                files.name,
                d.anchor.start.line,
                d.anchor.start.column
            );
            let _ = std::io::Write::write_all(&mut buffer, line.as_bytes());
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// The summary line printed on stderr after human output.
pub fn summary(report: &Report) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let total = report.diagnostics.len();
    let baseline = report.baseline.map(|b| {
        format!(
            "{} hidden by baseline, {} fixed since baseline",
            b.hidden, b.fixed
        )
    });
    let findings = match (total, baseline) {
        (0, None) => "no findings".to_string(),
        (0, Some(baseline)) => format!("no findings ({baseline})"),
        (_, baseline) => format!(
            "{} ({}, {}, {}{})",
            plural(total, "finding"),
            plural(report.count(Severity::Error), "error"),
            plural(report.count(Severity::Warning), "warning"),
            plural(report.count(Severity::Note), "note"),
            baseline.map_or(String::new(), |b| format!("; {b}")),
        ),
    };
    format!(
        "Checked {} ({} parsed) in {:.2}s: {findings}.",
        plural(report.files_checked, "file"),
        report.files_parsed,
        report.elapsed.as_secs_f64()
    )
}
