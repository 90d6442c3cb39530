//! `.env` files: `KEY=VALUE` lines as docker compose, python-dotenv and direnv read them —
//! `export KEY=VALUE`, `#` comments, single-quoted (literal) and double-quoted values,
//! unquoted values ending at ` #`. Every entry keeps exact byte spans.

use crate::source::Span;

/// One `KEY=VALUE` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    /// The value with quotes removed (escapes in double quotes are kept as written).
    pub value: String,
    /// The value's bytes inside its quotes.
    pub value_span: Span,
    /// The value was quoted (`'...'` or `"..."`).
    pub quoted: bool,
}

/// Every entry of the file, in order. Lines that are not `KEY=VALUE` are skipped.
pub fn parse(text: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if let Some(entry) = parse_line(line, start) {
            entries.push(entry);
        }
    }
    entries
}

fn parse_line(line: &str, base: usize) -> Option<Entry> {
    // A BOM before the first name (Windows editors write one) is part of no name.
    let indent = line.len()
        - line
            .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
            .len();
    let mut rest = &line[indent..];
    let mut at = indent;
    if rest.starts_with('#') || rest.is_empty() {
        return None;
    }
    if let Some(after) = rest.strip_prefix("export ") {
        let skipped = rest.len() - after.trim_start().len();
        at += skipped;
        rest = &rest[skipped..];
    }
    let eq = rest.find('=')?;
    let key = rest[..eq].trim_end();
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
    {
        return None;
    }
    let key_span = Span::new(base + at, base + at + key.len());
    let value_start = at + eq + 1;
    let after_eq = &line[value_start..];
    let lead = after_eq.len() - after_eq.trim_start().len();
    let value_text = &after_eq[lead..];
    let value_at = value_start + lead;
    let (inner_start, inner, quoted) = match value_text.chars().next() {
        Some(quote @ ('"' | '\'')) => {
            let body = &value_text[1..];
            let mut end = body.len();
            let mut escaped = false;
            for (i, c) in body.char_indices() {
                if quote == '"' && c == '\\' && !escaped {
                    escaped = true;
                    continue;
                }
                if c == quote && !escaped {
                    end = i;
                    break;
                }
                escaped = false;
            }
            (value_at + 1, &body[..end], true)
        }
        _ => {
            // An unquoted value ends at a ` #` comment; trailing blanks are not part of it.
            let end = value_text
                .find(" #")
                .or_else(|| value_text.find("\t#"))
                .unwrap_or(value_text.len());
            (value_at, value_text[..end].trim_end(), false)
        }
    };
    Some(Entry {
        key: key.to_string(),
        key_span,
        value: inner.to_string(),
        value_span: Span::new(base + inner_start, base + inner_start + inner.len()),
        quoted,
    })
}

/// Is `name` (a file name) a dotenv file: `.env`, `.env.production`, `app.env`, `.envrc`?
pub fn is_dotenv_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == ".env" || lower == ".envrc" || lower.starts_with(".env.") || lower.ends_with(".env")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, String, String)> {
        parse(text)
            .into_iter()
            .map(|e| {
                (
                    e.key,
                    e.value.clone(),
                    text[e.value_span.start..e.value_span.end].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn lines_quotes_exports_and_comments() {
        let text = "# comment\nA=1\nexport B = two  # trailing\nC='x #y'\nD=\"q\\\"r\" # c\n\nnot a line\nE=\n";
        let got = values(text);
        assert_eq!(
            got,
            [
                ("A".into(), "1".into(), "1".into()),
                ("B".into(), "two".into(), "two".into()),
                ("C".into(), "x #y".into(), "x #y".into()),
                ("D".into(), "q\\\"r".into(), "q\\\"r".into()),
                ("E".into(), "".into(), "".into()),
            ]
        );
        let spans = parse(text);
        assert_eq!(&text[spans[1].key_span.start..spans[1].key_span.end], "B");
        assert_eq!(
            values("\u{feff}A=1\n"),
            [("A".into(), "1".into(), "1".into())]
        );
    }

    #[test]
    fn dotenv_names() {
        for name in [".env", ".env.production", "app.env", ".envrc", "PROD.ENV"] {
            assert!(is_dotenv_name(name), "{name}");
        }
        for name in ["env.py", ".environment", "envoy.yaml"] {
            assert!(!is_dotenv_name(name), "{name}");
        }
    }
}
