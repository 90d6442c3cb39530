//! Diagnostics: what a rule found, where, and how bad it is — the one record every
//! renderer reads. Positions are resolved here once, from byte spans, with the file's
//! line index.

use crate::rules::RuleMeta;
use crate::source::{LineCol, SourceFile, Span};
use serde::Serialize;

/// How much a finding matters, lowest first (so `>=` compares against `--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "note" | "info" => Some(Severity::Note),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule's raw finding inside one file, before positions are resolved.
#[derive(Debug, Clone)]
pub struct Finding {
    pub span: Span,
    pub message: String,
    /// A concrete fix for this occurrence; the rule's generic help is used when absent.
    pub help: Option<String>,
    /// Bytes that hold a secret: every rendering of the source masks them.
    pub secret: Option<Span>,
}

/// Collects the findings of one rule on one file.
pub struct Emitter<'a> {
    out: &'a mut Vec<(&'static str, Finding)>,
    rule: &'static str,
}

impl<'a> Emitter<'a> {
    pub fn new(out: &'a mut Vec<(&'static str, Finding)>, rule: &'static str) -> Self {
        Emitter { out, rule }
    }

    /// Reports a finding; the returned reference lets the rule add help or a secret mask.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Finding {
        self.out.push((
            self.rule,
            Finding {
                span,
                message: message.into(),
                help: None,
                secret: None,
            },
        ));
        &mut self.out.last_mut().expect("just pushed").1
    }
}

impl Finding {
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    pub fn secret(&mut self, span: Span) -> &mut Self {
        self.secret = Some(span);
        self
    }
}

/// The lines of source a diagnostic points into (a window of them when they are long).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// 1-based number of the first line in `text`.
    pub first_line: usize,
    /// 1-based column (in characters) of the first line where `text` starts: 1 unless
    /// a long line was cut to a window around the finding.
    pub first_column: usize,
    pub text: String,
    /// The diagnostic's range inside `text` (byte offsets).
    pub start: usize,
    pub end: usize,
}

/// Where in a file something is: the byte span plus its resolved line/columns and the
/// masked source lines. Facts carry anchors so project rules can report without the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub path: String,
    pub span: Span,
    pub start: LineCol,
    pub end: LineCol,
    pub snippet: Snippet,
}

/// Lines of context a snippet keeps at most; long spans are cut there.
const SNIPPET_MAX_LINES: usize = 6;

/// Past this many bytes a snippet is a window: [`SNIPPET_CONTEXT_BYTES`] each side of
/// the finding, the finding itself cut at this length. Every finding copies its
/// snippet, so a minified line with thousands of findings must not be copied whole.
const SNIPPET_MAX_BYTES: usize = 1024;
const SNIPPET_CONTEXT_BYTES: usize = 160;

impl Anchor {
    /// Locates `span` in `file`. The snippet is the file's text: secrets are masked
    /// after all rules ran (`crate::mask`).
    pub fn new(file: &SourceFile, span: Span) -> Self {
        let span = Span::new(
            span.start.min(file.text.len()),
            span.end.min(file.text.len()),
        );
        let start = file.line_col(span.start);
        let end = file.line_col(span.end);
        let first = start.line - 1;
        let last = (end.line - 1).min(first + SNIPPET_MAX_LINES - 1);
        let mut text_start = file.lines().line_start(first);
        let mut text_end = file.lines().line_span(&file.text, last).end.max(text_start);
        let mut first_column = 1;
        if text_end - text_start > SNIPPET_MAX_BYTES {
            let from = text_start.max(span.start.saturating_sub(SNIPPET_CONTEXT_BYTES));
            let from = crate::source::floor_boundary(&file.text, from);
            let shown_end = span.end.min(span.start + SNIPPET_MAX_BYTES);
            let to = text_end.min(shown_end + SNIPPET_CONTEXT_BYTES);
            let to = crate::source::ceil_boundary(&file.text, to).max(from);
            first_column = start.column - file.text[from..span.start].chars().count();
            (text_start, text_end) = (from, to);
        }
        let text = file.text[text_start..text_end].to_string();
        let snippet_start = span.start - text_start;
        let snippet_end = (span.end - text_start).min(text.len()).max(snippet_start);
        Anchor {
            path: file.path_str(),
            span,
            start,
            end,
            snippet: Snippet {
                first_line: start.line,
                first_column,
                text,
                start: snippet_start,
                end: snippet_end,
            },
        }
    }
}

/// A finding located and classified: what every output format renders.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub anchor: Anchor,
    /// Other places the finding depends on, in other files (cross-file rules only).
    pub related: Vec<Related>,
}

/// Another place a cross-file finding rests on: the module that starts the development
/// server a container runs, the config module a server reads. Only a path and a line
/// (columns when the rule has them), no source text, so nothing extra can leak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub path: String,
    pub start: LineCol,
    /// The end, when the rule knows the exact range; else the location is the line.
    pub end: Option<LineCol>,
    /// What this place is, for a reader of the finding (`starts the development server`).
    pub message: String,
}

impl Related {
    /// The range of `anchor`.
    pub fn at(anchor: &Anchor, message: impl Into<String>) -> Self {
        Related {
            path: anchor.path.clone(),
            start: anchor.start,
            end: Some(anchor.end),
            message: message.into(),
        }
    }

    /// Line `line` (1-based) of `path`.
    pub fn line(path: &str, line: usize, message: impl Into<String>) -> Self {
        Related {
            path: path.to_string(),
            start: LineCol {
                line: line.max(1),
                column: 1,
            },
            end: None,
            message: message.into(),
        }
    }
}

impl Diagnostic {
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.anchor.path,
            self.anchor.start.line,
            self.anchor.start.column,
            self.rule.id,
            &self.message,
        )
    }

    /// The help line to show: the finding's own, else the rule's.
    pub fn help_text(&self) -> &str {
        self.help.as_deref().unwrap_or(&self.rule.help)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_resolves_positions_and_lines() {
        let file = SourceFile::new("a.env", "A=1\nKEY=AKIAIOSFODNN7EXAMPLE\n");
        let anchor = Anchor::new(&file, Span::new(8, 12));
        assert_eq!(anchor.snippet.text, "KEY=AKIAIOSFODNN7EXAMPLE");
        assert_eq!((anchor.snippet.start, anchor.snippet.end), (4, 8));
        assert_eq!(anchor.start, LineCol { line: 2, column: 5 });
        assert_eq!(anchor.snippet.first_column, 1);
    }

    #[test]
    fn a_long_line_gives_a_window() {
        let line = format!("{}é target {}", "x".repeat(5000), "y".repeat(5000));
        let file = SourceFile::new("a.py", format!("a\n{line}\n"));
        let at = file.text.find("target").unwrap();
        let anchor = Anchor::new(&file, Span::new(at, at + 6));
        let snippet = &anchor.snippet;
        assert!(snippet.text.len() <= 2 * SNIPPET_CONTEXT_BYTES + 8);
        assert_eq!(&snippet.text[snippet.start..snippet.end], "target");
        let before = snippet.text[..snippet.start].chars().count();
        assert_eq!(snippet.first_column + before, anchor.start.column);
        assert_eq!(anchor.start.column, 5003);
    }
}
