//! Making untrusted text safe to print on a terminal: file names, source lines and
//! values echoed from the command line or a config come from the scanned repository or
//! its pull request, so a newline could forge a diagnostic line and an ESC sequence
//! could rewrite the terminal. Machine formats (JSON, SARIF) escape through their
//! serializers; the text formats call these.

use std::borrow::Cow;

/// Is `c` a character that must not reach the terminal raw? C0 and C1 controls and
/// DEL, and the Unicode line and paragraph separators; the tab stays (it only moves the
/// cursor right and appears in real source lines).
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t') || c == '\u{2028}' || c == '\u{2029}'
}

/// `text` with every unsafe character written as an escape (`\n`, `\r`, `\e`, `\u{..}`).
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\u{1b}' => out.push_str("\\e"),
        c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        c => out.push(c),
    }
}

/// Snippet text (lines separated by `\n`) with every other unsafe character escaped,
/// and the byte offsets in `positions` moved to where the same characters now are. A
/// `\r` just before a line break is dropped: it is how CRLF files end their lines.
pub fn escape_snippet(text: &str, positions: &mut [usize]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut moved: Vec<Option<usize>> = vec![None; positions.len()];
    let mut record = |old: usize, new: usize| {
        for (p, m) in positions.iter().zip(moved.iter_mut()) {
            if *p == old {
                *m = Some(new);
            }
        }
    };
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        record(i, out.len());
        let ends_crlf = c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n');
        if c == '\n' {
            out.push('\n');
        } else if !ends_crlf {
            push_escaped(&mut out, c);
        }
    }
    record(text.len(), out.len());
    for (p, m) in positions.iter_mut().zip(moved) {
        // An offset inside a character (the engine never makes one) goes to the end.
        *p = m.unwrap_or(out.len());
    }
    out
}

/// How much of a value from the command line, a config or a file an error message
/// quotes.
const ECHO_CHARS: usize = 80;

/// A value quoted in an error message: escaped and cut (see [`abbreviate`]).
pub fn echo(value: &str) -> String {
    abbreviate(value, ECHO_CHARS)
}

/// `text` for an error message: escaped, and cut to `max` characters with a count of
/// what was left out, so a 3 MB argument is not echoed back in full.
pub fn abbreviate(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return escape_controls(text).into_owned();
    }
    let head: String = text.chars().take(max).collect();
    format!(
        "{}… ({} more characters)",
        escape_controls(&head),
        count - max
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_plain_text_is_borrowed() {
        assert!(matches!(escape_controls("app.py"), Cow::Borrowed(_)));
        assert_eq!(
            escape_controls("a\nb\x1b[2Jc\u{7f}\td"),
            "a\\nb\\e[2Jc\\u{7f}\td"
        );
    }

    #[test]
    fn snippet_offsets_follow_the_escapes() {
        let text = "x = \"\x1b[31m\"\r\ny = 1\r\n";
        let start = text.find('y').unwrap();
        let mut positions = [start, start + 1, text.len()];
        let out = escape_snippet(text, &mut positions);
        assert_eq!(out, "x = \"\\e[31m\"\ny = 1\n");
        assert_eq!(&out[positions[0]..positions[1]], "y");
        assert_eq!(positions[2], out.len());
    }

    #[test]
    fn long_echoes_are_cut() {
        let long = "X".repeat(5000);
        let short = abbreviate(&long, 40);
        assert!(short.starts_with(&"X".repeat(40)));
        assert!(short.ends_with("(4960 more characters)"));
        assert_eq!(abbreviate("PY00\n1", 40), "PY00\\n1");
    }
}
