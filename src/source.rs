//! Source text, byte spans and the line index that turns byte offsets into the
//! 1-based line and character columns editors and SARIF expect.
//!
//! Every front-end stores *byte* ranges only; this is the one place that converts them.

use std::path::PathBuf;

/// A half-open byte range `[start, end)` into a file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span start after end");
        Span { start, end }
    }

    /// An empty span at `offset` (for findings about something absent).
    pub fn point(offset: usize) -> Self {
        Span {
            start: offset,
            end: offset,
        }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The span shifted right by `base` bytes (front-ends that parse a slice of a file).
    pub fn offset(self, base: usize) -> Self {
        Span {
            start: self.start + base,
            end: self.end + base,
        }
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Self {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A line and column, both 1-based; the column counts characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Start offsets of every line of a text, for offset → line/column and back.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// An all-ASCII text has character columns equal to byte columns: a column is a
    /// subtraction, not a count along the line (20,000 findings on one long line).
    ascii: bool,
    /// The text starts with a byte-order mark, which no editor counts as a column.
    bom: bool,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            line_starts,
            ascii: text.is_ascii(),
            bom: text.starts_with('\u{feff}'),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The 0-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where 0-based `line` starts (clamped to the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts[line.min(self.line_starts.len() - 1)]
    }

    /// The byte range of 0-based `line`, without its line terminator.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.line_start(line);
        let mut end = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(text.len());
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Span::new(start, end)
    }

    /// 1-based line and character column of a byte offset. Offsets inside a multi-byte
    /// character count as that character.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let mut end = offset;
        while end > start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = if self.ascii {
            end - start + 1
        } else {
            text[start..end].chars().count() + 1
        };
        let column = if line == 0 && self.bom && end > 0 {
            column - 1
        } else {
            column
        };
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte offset of a 0-based line and 0-based *character* column (what saphyr and
    /// proc-macro2 report). Columns past the line's end clamp to the end of the line.
    pub fn offset_of_char_column(&self, text: &str, line: usize, char_column: usize) -> usize {
        let span = self.line_span(text, line.min(self.line_starts.len() - 1));
        if self.ascii {
            return (span.start + char_column).min(span.end);
        }
        let line_text = &text[span.start..span.end];
        match line_text.char_indices().nth(char_column) {
            Some((byte, _)) => span.start + byte,
            None => span.end,
        }
    }
}

/// One file as read from disk: its path as shown to the user, its text, its line index.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as it is displayed and reported (relative to the working directory when
    /// the file lies under it).
    pub path: PathBuf,
    pub text: String,
    /// The part of the project the file belongs to (production unless the engine found
    /// otherwise): for the few rules whose checks differ by context within one rule.
    pub context: crate::context::Context,
    /// Built on first use: most files of a big tree never need a line number.
    line_index: std::sync::OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            context: crate::context::Context::Production,
            line_index: std::sync::OnceLock::new(),
        }
    }

    pub fn lines(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.lines().line_col(&self.text, offset)
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// The text of 0-based line `line`, without its terminator.
    pub fn line_text(&self, line: usize) -> &str {
        self.slice(self.lines().line_span(&self.text, line))
    }

    /// The path with forward slashes, as reports and globs see it.
    pub fn path_str(&self) -> String {
        crate::source::display_path(&self.path)
    }
}

/// A `/`-separated path with `.` and `..` segments resolved lexically: `a/b/../c` → `a/c`,
/// `./x` → `x`; a leading `/` is kept. (Paths inside images and between project files,
/// which need not exist on this machine.)
pub fn normalize_slash_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// The text prodlint lints from a file's bytes: UTF-8 (invalid sequences replaced, so
/// a Latin-1 file is still read), or UTF-16 when a byte-order mark says so. Lone `\r`
/// line ends (classic Mac, some generators) become `\n`, byte for byte, so every parser
/// sees the lines a reader sees and offsets stay those of the file.
pub fn decode_text(bytes: Vec<u8>) -> String {
    let utf16 = |little: bool| {
        let units = bytes[2..].chunks_exact(2).map(|pair| {
            let pair = [pair[0], pair[1]];
            if little {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    let text = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => utf16(true),
        Some([0xFE, 0xFF]) => utf16(false),
        _ => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        },
    };
    let lone_crs: Vec<usize> = memchr::memchr_iter(b'\r', text.as_bytes())
        .filter(|&i| text.as_bytes().get(i + 1) != Some(&b'\n'))
        .collect();
    if lone_crs.is_empty() {
        return text;
    }
    let mut bytes = text.into_bytes();
    for i in lone_crs {
        bytes[i] = b'\n';
    }
    // Only an ASCII byte was replaced by another.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Does a byte-order mark say these bytes are UTF-16 text?
pub fn is_utf16(bytes: &[u8]) -> bool {
    matches!(bytes.get(..2), Some([0xFF, 0xFE] | [0xFE, 0xFF]))
}

/// The largest char boundary of `text` at or before `index` (`str::floor_char_boundary`
/// is newer than this crate's minimum Rust).
pub fn floor_boundary(text: &str, index: usize) -> usize {
    let mut i = index.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `text` at or after `index`.
pub fn ceil_boundary(text: &str, index: usize) -> usize {
    let mut i = index.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// A path rendered with `/` separators and no leading `./`.
pub fn display_path(path: &std::path::Path) -> String {
    let s = path.to_string_lossy();
    // Only where a backslash separates folders: on Unix it is an ordinary name character.
    let s = if std::path::MAIN_SEPARATOR == '\\' {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    };
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_decoded_from_utf16_and_lone_crs_end_lines() {
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("a = 1\n".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_text(utf16), "a = 1\n");
        let mut big = vec![0xFE, 0xFF];
        big.extend("é\n".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode_text(big), "é\n");
        assert_eq!(decode_text(b"a\rb\r\nc\r".to_vec()), "a\nb\r\nc\n");
        assert_eq!(decode_text(b"caf\xe9\n".to_vec()), "caf\u{fffd}\n");
    }

    #[test]
    fn slash_paths_normalize_lexically() {
        assert_eq!(normalize_slash_path("a/./b/../c"), "a/c");
        assert_eq!(normalize_slash_path("./x"), "x");
        assert_eq!(normalize_slash_path("/app/../srv//run.sh"), "/srv/run.sh");
        assert_eq!(normalize_slash_path("../x"), "x");
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\nçd = 1\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        // 'd' is the second character of line 2 but the third byte.
        let d = text.find('d').unwrap();
        assert_eq!(idx.line_col(text, d), LineCol { line: 2, column: 2 });
        assert_eq!(idx.offset_of_char_column(text, 1, 1), d);
    }

    #[test]
    fn line_span_strips_crlf() {
        let text = "one\r\ntwo";
        let idx = LineIndex::new(text);
        assert_eq!(
            &text[idx.line_span(text, 0).start..idx.line_span(text, 0).end],
            "one"
        );
        assert_eq!(
            &text[idx.line_span(text, 1).start..idx.line_span(text, 1).end],
            "two"
        );
    }
}
