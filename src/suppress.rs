//! Inline suppressions: `# prodlint: ignore[PY001, flask-debug]` (or bare
//! `# prodlint: ignore` for every rule) at the end of the offending line or alone on the
//! line above; `//` instead of `#` in Rust. Unknown rule names are reported (PL002).

use crate::rules::registry;
use crate::source::{SourceFile, Span};
use memchr::memmem;

const MARKER: &str = "prodlint:";

#[derive(Debug, Clone)]
pub struct Suppression {
    /// 0-based line the comment is on.
    pub line: usize,
    /// Whether the comment is the whole line (then it covers the next line too).
    pub own_line: bool,
    /// Rule ids it names; None = every rule.
    pub rules: Option<Vec<&'static str>>,
}

/// A suppression comment naming something that is not a rule.
#[derive(Debug, Clone)]
pub struct BadSuppression {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Default, Clone)]
pub struct Suppressions {
    entries: Vec<Suppression>,
}

impl Suppressions {
    /// Scans a file for suppression comments (a memchr search: files without the marker
    /// cost one pass over their bytes).
    pub fn scan(file: &SourceFile, comment_leader: &str) -> (Suppressions, Vec<BadSuppression>) {
        let mut entries = Vec::new();
        let mut bad = Vec::new();
        for at in memmem::find_iter(file.text.as_bytes(), MARKER) {
            let line = file.lines().line_of(at);
            let line_span = file.lines().line_span(&file.text, line);
            let before = &file.text[line_span.start..at];
            let Some(comment_at) = before.rfind(comment_leader) else {
                continue;
            };
            // Only whitespace between the comment leader and the marker.
            if !before[comment_at + comment_leader.len()..]
                .trim()
                .is_empty()
            {
                continue;
            }
            // `"# prodlint: ignore"` in a string is data (a test of this very feature, a
            // generated message), not a comment.
            if inside_quotes(&before[..comment_at]) {
                continue;
            }
            let own_line = before[..comment_at].trim().is_empty();
            let after_start = at + MARKER.len();
            let after = &file.text[after_start..line_span.end];
            let trimmed = after.trim_start();
            let Some(rest) = trimmed.strip_prefix("ignore") else {
                continue;
            };
            let rules = if let Some(list) = rest.strip_prefix('[') {
                let Some(close) = list.find(']') else {
                    let offset = after_start + (after.len() - trimmed.len());
                    bad.push(BadSuppression {
                        span: Span::new(offset, line_span.end),
                        message: "suppression comment has an unclosed `[`".into(),
                    });
                    continue;
                };
                let list_start = after_start + (after.len() - list.len());
                let mut ids = Vec::new();
                let mut offset = 0;
                for part in list[..close].split(',') {
                    let name = part.trim();
                    let name_start = list_start + offset + (part.len() - part.trim_start().len());
                    offset += part.len() + 1;
                    if name.is_empty() {
                        continue;
                    }
                    match registry().find(name) {
                        Some(rule) => ids.push(rule.meta.id),
                        None => bad.push(BadSuppression {
                            span: Span::new(name_start, name_start + name.len()),
                            message: format!(
                                "suppression names unknown rule `{}`",
                                crate::report::escape::echo(name)
                            ),
                        }),
                    }
                }
                Some(ids)
            } else if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                None
            } else {
                continue;
            };
            entries.push(Suppression {
                line,
                own_line,
                rules,
            });
        }
        (Suppressions { entries }, bad)
    }

    /// Is a finding of `rule` starting on 0-based `line` suppressed?
    pub fn covers(&self, rule: &str, line: usize) -> bool {
        self.entries.iter().any(|s| {
            let applies_to_line = s.line == line || (s.own_line && s.line + 1 == line);
            applies_to_line && s.rules.as_ref().is_none_or(|ids| ids.contains(&rule))
        })
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Does `code` (a line up to some point) leave a string open: an odd number of
/// unescaped `"`, `'` or `` ` `` outside the other kinds of quote? Strings that span
/// lines are not seen; a marker in one is still taken as a comment.
fn inside_quotes(code: &str) -> bool {
    let mut open: Option<char> = None;
    let mut escaped = false;
    for c in code.chars() {
        match (open, c) {
            _ if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (None, '"' | '\'' | '`') => open = Some(c),
            (Some(quote), c) if c == quote => open = None,
            _ => {}
        }
    }
    open.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_followed_along_the_line() {
        assert!(inside_quotes("x = \"a "));
        assert!(inside_quotes("x = 'it\\'s "));
        assert!(!inside_quotes("x = \"a#b\"  "));
        assert!(!inside_quotes("x = \"say 'hi'\" "));
        assert!(!inside_quotes("requests.get(u)  "));
    }
}
