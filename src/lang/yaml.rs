//! YAML front-end: a stream of documents as a tree of nodes, each with its exact byte
//! span, built from saphyr-parser's event stream.
//!
//! Facts this module takes care of so the models need not:
//! - saphyr reports *character* offsets; every span here is a *byte* range.
//! - Aliases stay unexpanded (`NodeValue::Alias`), so an alias bomb costs nothing.
//! - Nesting is capped at [`MAX_DEPTH`]; deeper input is a parse error, not a stack
//!   overflow (dropping a deep tree recurses too).
//! - A parse error keeps the documents completed before it, and parsing resumes at the
//!   next `---` line, so one broken document does not hide the others.
//! - Helm/Go template actions (`{{ ... }}`) are masked in place before parsing (same
//!   byte length, newlines kept) so positions stay true: an action alone on its line
//!   (`{{- if ... }}`) becomes spaces, one inside a line (`image: {{ .Values.image }}`,
//!   `{{ $k }}: v`) becomes `_`s so it still reads as a scalar. A scalar written with a
//!   template action becomes `NodeValue::Templated`: its value is unknown, never "missing".

use std::path::Path;

use saphyr_parser::{Event, Parser, ScanError, Tag};

use crate::source::Span;

pub use saphyr_parser::ScalarStyle;

/// Deepest nesting of sequences and mappings accepted; deeper input is a parse error.
pub const MAX_DEPTH: usize = 256;

/// All documents of a YAML file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct YamlStream {
    /// The documents parsed completely, in order. A document that failed to parse is
    /// left out; the documents after it (from the next `---`) are kept.
    pub documents: Vec<Document>,
    /// The first parse error: where and what.
    pub error: Option<(Span, String)>,
    /// Byte spans of the template actions (`{{ ... }}`) blanked before parsing; empty for
    /// plain YAML.
    pub template_actions: Vec<Span>,
}

impl YamlStream {
    /// Whether the text held template actions (a Helm template): parse errors in such a
    /// file are expected and say little.
    pub fn is_templated(&self) -> bool {
        !self.template_actions.is_empty()
    }
}

/// One YAML document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The document's content; `None` for an empty document.
    pub root: Option<Node>,
    /// From the document's start (its `---` when explicit) to the end of its content.
    pub span: Span,
}

impl Document {
    /// The node an alias refers to: the one carrying anchor `id`, found by a walk of the
    /// document (anchors are few and documents small; nothing is copied or expanded).
    pub fn anchored(&self, id: usize) -> Option<&Node> {
        fn find(node: &Node, id: usize) -> Option<&Node> {
            if node.anchor == id {
                return Some(node);
            }
            match &node.value {
                NodeValue::Sequence(items) => items.iter().find_map(|n| find(n, id)),
                NodeValue::Mapping(entries) => entries
                    .iter()
                    .find_map(|(k, v)| find(k, id).or_else(|| find(v, id))),
                _ => None,
            }
        }
        if id == 0 {
            return None;
        }
        self.root.as_ref().and_then(|root| find(root, id))
    }
}

/// A node of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: NodeValue,
    /// The node's source text. Scalars: the value as written, quotes included for quoted
    /// scalars, anchor and tag excluded, trailing whitespace excluded; block scalars (`|`,
    /// `>`) cover their content lines, not the indicator. Collections: from their first
    /// item (or `[`/`{`) to the end of their last item (or `]`/`}`). An empty value (`key:`)
    /// has an empty span where saphyr saw it (just after the key).
    pub span: Span,
    /// The node's explicit tag (`!!str`, `!Ref`), as written after resolution.
    pub tag: Option<String>,
    /// The id of the anchor (`&name`) set on this node, 0 for none; aliases refer to it
    /// (see [`Document::anchored`]).
    pub anchor: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    /// A scalar with its value after unquoting/folding. Numbers, booleans and null are
    /// scalars too: see [`Node::as_i64`], [`Node::as_bool`], [`Node::is_null`].
    Scalar {
        text: String,
        style: ScalarStyle,
    },
    /// A scalar written (in part or whole) as a template action: its value is unknown.
    /// `source` is its original text, template action included (quotes too, if quoted).
    Templated {
        source: String,
    },
    Sequence(Vec<Node>),
    /// Entries in source order; duplicate keys are kept.
    Mapping(Vec<(Node, Node)>),
    /// An alias (`*name`), left unexpanded: the anchor's name and id.
    Alias {
        name: String,
        id: usize,
    },
}

impl Node {
    /// Moves every span of the tree by `delta` bytes: for trees of several files laid
    /// out one after another in one text (a compose file merged with its override).
    pub fn shift(&mut self, delta: usize) {
        self.span = Span::new(self.span.start + delta, self.span.end + delta);
        match &mut self.value {
            NodeValue::Sequence(items) => items.iter_mut().for_each(|n| n.shift(delta)),
            NodeValue::Mapping(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.shift(delta);
                v.shift(delta);
            }),
            _ => {}
        }
    }

    /// The value of a mapping entry whose key is the plain string `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|(_, value)| value)
    }

    /// The value at a path of mapping keys (`&["spec", "template", "spec"]`).
    pub fn get_path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The key node and value node of a mapping entry whose key is `key`; the first one
    /// when the key is repeated.
    pub fn get_entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    /// A scalar's text (any style). `None` for collections, aliases and templated values.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The scalar's literal text: `None` for null, templated values, collections and
    /// aliases (everything a rule must treat as unknown or absent rather than as text).
    pub fn literal(&self) -> Option<&str> {
        if self.is_null() {
            return None;
        }
        self.as_str()
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            NodeValue::Sequence(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            NodeValue::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    /// A plain scalar that YAML reads as null: empty, `~`, `null`, `Null`, `NULL`.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, NodeValue::Scalar { text, style: ScalarStyle::Plain }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// Whether the value is unknown because a template action wrote it.
    pub fn is_templated(&self) -> bool {
        matches!(self.value, NodeValue::Templated { .. })
    }

    /// A plain scalar read as a boolean. YAML 1.1 forms (`yes`, `on`, ...) count, as
    /// they do for Kubernetes (go-yaml) and docker-compose.
    pub fn as_bool(&self) -> Option<bool> {
        let NodeValue::Scalar {
            text,
            style: ScalarStyle::Plain,
        } = &self.value
        else {
            return None;
        };
        match text.as_str() {
            "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => {
                Some(true)
            }
            "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n"
            | "N" => Some(false),
            _ => None,
        }
    }

    /// A plain scalar read as an integer: decimal (optional sign), `0x` hex, `0o` octal.
    pub fn as_i64(&self) -> Option<i64> {
        let NodeValue::Scalar {
            text,
            style: ScalarStyle::Plain,
        } = &self.value
        else {
            return None;
        };
        let (negative, digits) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text.as_str()),
        };
        let (radix, digits) = if let Some(hex) = digits.strip_prefix("0x") {
            (16, hex)
        } else if let Some(octal) = digits.strip_prefix("0o") {
            (8, octal)
        } else {
            (10, digits)
        };
        // from_str_radix accepts a sign of its own; the sign was handled above.
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let magnitude = i64::from_str_radix(digits, radix).ok()?;
        Some(if negative { -magnitude } else { magnitude })
    }
}

/// Parses a YAML stream. Template actions (`{{ ... }}`) are masked first (spaces when
/// alone on their line, `_`s inside a line); scalars they wrote, and empty values right
/// before an action (`resources:` then `{{- toYaml ... }}`), come out as
/// `NodeValue::Templated` spanning the action.
/// Never panics; errors come back in `YamlStream::error`.
pub fn parse(text: &str) -> YamlStream {
    let template_actions = template_action_spans(text);
    let filled = fill_template_actions(text, &template_actions);
    let mut yaml_text = filled.unwrap_or_else(|| text.to_string());
    let mut stream = parse_masked(text, &yaml_text, &template_actions);
    for _ in 0..MAX_CLOSER_FIXES {
        let Some((error, _)) = &stream.error else {
            break;
        };
        let Some(relaxed) = pull_up_flow_closer(&yaml_text, error.start) else {
            break;
        };
        yaml_text = relaxed;
        stream = parse_masked(text, &yaml_text, &template_actions);
    }
    stream
}

/// How many flow closers at their key's indentation one file may have relaxed.
const MAX_CLOSER_FIXES: usize = 16;

/// docker compose (PyYAML, go-yaml) reads a flow sequence or mapping whose closing `]`
/// or `}` stands on its own line at the indentation of its key:
///
/// ```yaml
///     command: [
///       "start"
///     ]
/// ```
///
/// saphyr follows the spec and rejects it, which would leave the whole file unread. When
/// the error is at such a closer, the closer is moved to the end of the line before it
/// (the bytes between shift by its length, all of them whitespace), so the text keeps
/// its length and every span outside that whitespace stays true.
fn pull_up_flow_closer(text: &str, error_at: usize) -> Option<String> {
    let line_start = text[..error_at.min(text.len())]
        .rfind('\n')
        .map_or(0, |newline| newline + 1);
    let line = &text[line_start..];
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let closer_at = line_start + indent;
    let closers = text[closer_at..]
        .bytes()
        .take_while(|b| matches!(b, b']' | b'}'))
        .count();
    if closers == 0 || closer_at != error_at {
        return None;
    }
    // The end of the last line before it that holds content (not blank, not a comment).
    let before = &text[..line_start];
    let mut content_end = None;
    for (start, candidate) in line_starts(before) {
        let trimmed = candidate.trim_end();
        if !trimmed.trim_start().is_empty() && !trimmed.trim_start().starts_with('#') {
            content_end = Some(start + trimmed.len());
        }
    }
    let content_end = content_end?;
    let mut relaxed = String::with_capacity(text.len());
    relaxed.push_str(&text[..content_end]);
    relaxed.push_str(&text[closer_at..closer_at + closers]);
    relaxed.push_str(&text[content_end..closer_at]);
    relaxed.push_str(&text[closer_at + closers..]);
    Some(relaxed)
}

/// Each line of `text` with the byte offset it starts at (line breaks left out).
fn line_starts(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |line| {
        let start = offset;
        offset += line.len();
        (start, line.trim_end_matches(['\n', '\r']))
    })
}

/// Parses `yaml_text` (the text with template actions masked and, where needed, flow
/// closers relaxed); `text` is the original, for the scalars' values.
fn parse_masked(text: &str, yaml_text: &str, template_actions: &[Span]) -> YamlStream {
    let offsets = CharOffsets::new(yaml_text);
    let mut builder = Builder {
        original: text,
        text: yaml_text,
        offsets: &offsets,
        actions: template_actions,
        documents: Vec::new(),
        error: None,
    };
    let mut start = 0;
    while let Some(error_at) = builder.parse_from(start) {
        let mut resume = next_document_marker(yaml_text, error_at);
        if resume.is_some_and(|next| next <= start) {
            // The error is on the `---` line parsing started at: try the lines after it.
            let next_line = memchr::memchr(b'\n', &yaml_text.as_bytes()[error_at..])
                .map(|newline| error_at + newline + 1);
            resume = next_line.and_then(|line| next_document_marker(yaml_text, line));
        }
        match resume {
            Some(next) if next > start => start = next,
            _ => break,
        }
    }
    YamlStream {
        documents: builder.documents,
        error: builder.error,
        template_actions: template_actions.to_vec(),
    }
}

/// A copy of `text` where every template action `{{ ... }}` (multi-line and `{{-`/`-}}`
/// included) is replaced by spaces of the same byte length, line breaks kept, so byte
/// offsets stay true. `None` when the text holds no complete action.
pub fn blank_template_actions(text: &str) -> Option<String> {
    blank_spans(text, &template_action_spans(text))
}

/// Cheap sniff (no parse): a top-level `apiVersion:` line and a top-level `kind:` line.
pub fn looks_like_kubernetes(text: &str) -> bool {
    let mut api_version = false;
    let mut kind = false;
    for line in text.lines() {
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        api_version |= is_top_level_key(line, "apiVersion");
        kind |= is_top_level_key(line, "kind");
        if api_version && kind {
            return true;
        }
    }
    is_flow_document(text) && has_flow_key(text, "apiVersion") && has_flow_key(text, "kind")
}

/// A document written in flow style (`{apiVersion: v1, ...}`, JSON-like YAML): its first
/// text, after comments and `---`, opens a mapping.
fn is_flow_document(text: &str) -> bool {
    text.lines()
        .map(|l| l.trim_start_matches('\u{feff}').trim())
        .find(|l| !l.is_empty() && !l.starts_with('#') && *l != "---")
        .is_some_and(|l| l.starts_with('{'))
}

/// `key:` or `"key":` anywhere in the text, as a flow mapping writes it.
fn has_flow_key(text: &str, key: &str) -> bool {
    text.match_indices(key).any(|(at, _)| {
        let before = text[..at].trim_end_matches(['"', '\'']);
        let after = text[at + key.len()..].trim_start_matches(['"', '\'']);
        after.starts_with(':')
            && before.ends_with(|c: char| c == '{' || c == ',' || c.is_whitespace())
    })
}

/// Cheap sniff (no parse): a compose file name (`compose.yaml`, `compose.override.yml`,
/// `docker-compose*.yml`, ...), or a top-level `services:` mapping whose first entry is a
/// key (GitLab CI's top-level `services:` is a list, and is not compose).
pub fn looks_like_compose(path: &Path, text: &str) -> bool {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let yaml_extension = name.ends_with(".yml") || name.ends_with(".yaml");
    if yaml_extension && (name.starts_with("compose.") || name.starts_with("docker-compose")) {
        return true;
    }
    let mut lines = text
        .lines()
        .map(|line| line.strip_prefix('\u{feff}').unwrap_or(line));
    while let Some(line) = lines.next() {
        if !is_top_level_key(line, "services") || !value_after_key(line, "services").is_empty() {
            continue;
        }
        let first_entry = lines.by_ref().find(|line| {
            let trimmed = line.trim();
            !trimmed.is_empty() && !trimmed.starts_with('#')
        });
        if let Some(entry) = first_entry {
            let indented = entry.starts_with(' ');
            let trimmed = entry.trim_start();
            if indented && !trimmed.starts_with('-') && trimmed.contains(':') {
                return true;
            }
        }
        return false;
    }
    false
}

/// `line` is `key:` at column 0, followed by a space, a comment or nothing.
fn is_top_level_key(line: &str, key: &str) -> bool {
    line.strip_prefix(key)
        .and_then(|rest| rest.strip_prefix(':'))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
}

/// What follows `key:` on a top-level key line, comment and whitespace removed.
fn value_after_key<'a>(line: &'a str, key: &str) -> &'a str {
    let rest = line.get(key.len() + 1..).unwrap_or("");
    let rest = match rest.find(" #") {
        Some(comment) => &rest[..comment],
        None => rest,
    };
    rest.trim()
}

/// Byte spans of the template actions of `text`: each `{{` to its matching `}}`, with
/// Go template strings (`"..."`, `` `...` ``, `'.'`) and comments skipped so a `}}` inside
/// them does not end the action. An action never closed is left alone.
pub fn template_action_spans(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut search_from = 0;
    while let Some(found) = memchr::memmem::find(&bytes[search_from..], b"{{") {
        let start = search_from + found;
        match template_action_end(bytes, start + 2) {
            Some(end) => {
                spans.push(Span::new(start, end));
                search_from = end;
            }
            None => break,
        }
    }
    spans
}

/// The byte offset just past the `}}` closing an action whose body starts at `from`.
fn template_action_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'}' if bytes.get(i + 1) == Some(&b'}') => return Some(i + 2),
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let close = memchr::memmem::find(&bytes[i + 2..], b"*/")?;
                i += 2 + close + 2;
            }
            b'`' => {
                let close = memchr::memchr(b'`', &bytes[i + 1..])?;
                i += 1 + close + 1;
            }
            quote @ (b'"' | b'\'') => {
                // Interpreted strings and rune literals end at their line: a stray quote
                // must not swallow the rest of the file.
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != quote && bytes[j] != b'\n' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                i = if bytes.get(j) == Some(&quote) {
                    j + 1
                } else {
                    i + 1
                };
            }
            _ => i += 1,
        }
    }
    None
}

/// `text` with the bytes of `spans` replaced by spaces, line breaks kept; `None` when
/// there are no spans (or a span would cut a character).
pub fn blank_spans(text: &str, spans: &[Span]) -> Option<String> {
    if spans.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for span in spans {
        for byte in &mut bytes[span.start..span.end] {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b' ';
            }
        }
    }
    // Spans that start and end at ASCII bytes (`{{` ... `}}`) blank every multi-byte
    // character whole, so the result stays UTF-8.
    String::from_utf8(bytes).ok()
}

/// The text saphyr parses for a template: like [`blank_template_actions`], except that an
/// action sharing its line with YAML text (`image: {{ .Values.image }}`, `{{ $k }}: v`)
/// is filled with `_` on its first line, so it still reads as a scalar of the same length
/// (a key stays a key). Actions alone on their lines (`{{- if ... }}`) become spaces.
fn fill_template_actions(text: &str, actions: &[Span]) -> Option<String> {
    let blanked = blank_spans(text, actions)?;
    let lines = crate::source::LineIndex::new(&blanked);
    let mut bytes = blanked.into_bytes();
    // Whether the current line holds text, found once per line (per action, 250,000
    // actions on one line took 20 s); actions come in order. Filling an action writes
    // text, so the answer is kept up to date.
    let mut current: Option<(usize, bool)> = None;
    for action in actions {
        let line = lines.line_of(action.start);
        let line_start = lines.line_start(line);
        let line_end = if line + 1 < lines.line_count() {
            lines.line_start(line + 1) - 1
        } else {
            bytes.len()
        };
        let shares_line = match current {
            Some((known, holds_text)) if known == line => holds_text,
            _ => bytes[line_start..line_end]
                .iter()
                .any(|b| !b.is_ascii_whitespace()),
        };
        current = Some((line, shares_line));
        if shares_line {
            bytes[action.start..line_end.min(action.end)].fill(b'_');
        } else if action_column_reaches_next_line(&bytes, line_start, action.start, line_end) {
            // A line of spaces longer than a block scalar's indentation, before its first
            // text line, is an error ("wrongly indented line"): `{{- if }}` opening a
            // `|` script would drop the document. A `#` at the action's column reads as a
            // comment in block context and as text inside a block scalar.
            bytes[action.start] = b'#';
            current = Some((line, true));
        }
    }
    String::from_utf8(bytes).ok()
}

/// Is the action at `action_start` (alone on its line) indented at least as deep as the
/// next line with text? Only then can a `#` there not end an enclosing block scalar.
fn action_column_reaches_next_line(
    bytes: &[u8],
    line_start: usize,
    action_start: usize,
    line_end: usize,
) -> bool {
    let column = action_start - line_start;
    let mut next = line_end + 1;
    while next < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[next..]).map_or(bytes.len(), |i| next + i);
        let line = &bytes[next..end];
        if let Some(indent) = line.iter().position(|b| !b.is_ascii_whitespace()) {
            return column >= indent;
        }
        next = end + 1;
    }
    true
}

/// The byte offset of the first `---` document marker on the line holding `offset` or a
/// later one.
fn next_document_marker(text: &str, offset: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let before = bytes.get(..offset)?;
    let mut line_start = memchr::memrchr(b'\n', before).map_or(0, |newline| newline + 1);
    while line_start < bytes.len() {
        let rest = &bytes[line_start..];
        if rest.starts_with(b"---")
            && matches!(rest.get(3), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
        {
            return Some(line_start);
        }
        line_start += memchr::memchr(b'\n', rest)? + 1;
    }
    None
}

/// Converts saphyr's character indices into byte offsets.
struct CharOffsets {
    /// Byte offset of each character, plus the text length at the end; empty for ASCII
    /// text, where characters and bytes coincide.
    char_starts: Vec<usize>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let char_starts = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(byte, _)| byte)
                .chain(std::iter::once(text.len()))
                .collect()
        };
        CharOffsets {
            char_starts,
            len: text.len(),
        }
    }

    /// The byte offset of character `index` (clamped to the text's end).
    fn byte(&self, index: usize) -> usize {
        if self.char_starts.is_empty() {
            index.min(self.len)
        } else {
            self.char_starts.get(index).copied().unwrap_or(self.len)
        }
    }

    /// The character index of byte offset `byte` (a character boundary).
    fn char_index(&self, byte: usize) -> usize {
        if self.char_starts.is_empty() {
            byte
        } else {
            self.char_starts.partition_point(|&start| start < byte)
        }
    }
}

/// A collection being built.
struct Frame {
    kind: FrameKind,
    start: usize,
    tag: Option<String>,
    anchor: usize,
}

enum FrameKind {
    Sequence(Vec<Node>),
    Mapping {
        entries: Vec<(Node, Node)>,
        pending_key: Option<Node>,
    },
}

struct Builder<'a> {
    /// The text as given (template actions intact), for `Templated` sources.
    original: &'a str,
    /// The text saphyr parses (template actions blanked).
    text: &'a str,
    offsets: &'a CharOffsets,
    actions: &'a [Span],
    documents: Vec<Document>,
    error: Option<(Span, String)>,
}

impl Builder<'_> {
    /// Parses documents from byte `start` on, adding the completed ones. On an error,
    /// records it (when first) and returns its byte offset.
    fn parse_from(&mut self, start: usize) -> Option<usize> {
        let slice = self.text.get(start..)?;
        let char_base = self.offsets.char_index(start);
        let to_byte = |index: usize| self.offsets.byte(char_base + index);
        let mut parser = Parser::new_from_str(slice);
        let mut stack: Vec<Frame> = Vec::new();
        let mut document_start = start;
        let mut root: Option<Node> = None;

        while let Some(result) = parser.next_event() {
            let (event, span) = match result {
                Ok(pair) => pair,
                Err(error) => return Some(self.record_error(&error, &to_byte)),
            };
            let span_start = to_byte(span.start.index());
            let span = Span::new(span_start, to_byte(span.end.index()).max(span_start));
            let completed = match event {
                Event::StreamEnd => break,
                Event::StreamStart | Event::Nothing => None,
                Event::DocumentStart(_) => {
                    document_start = span.start;
                    root = None;
                    stack.clear();
                    None
                }
                Event::DocumentEnd => {
                    let end = root.as_ref().map_or(document_start, |node| node.span.end);
                    self.documents.push(Document {
                        root: root.take(),
                        span: Span::new(document_start, end.max(document_start)),
                    });
                    None
                }
                Event::Alias(id) => {
                    let source = self.text.get(span.start..span.end).unwrap_or("");
                    let name = source.trim_start_matches('*').trim_end().to_string();
                    Some(Node {
                        value: NodeValue::Alias { name, id },
                        span,
                        tag: None,
                        anchor: 0,
                    })
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let has_properties = anchor != 0 || tag.is_some();
                    let mut node = self.scalar(
                        text.into_owned(),
                        style,
                        span,
                        has_properties,
                        tag.as_deref().map(tag_name),
                    );
                    node.anchor = anchor;
                    Some(node)
                }
                Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                    if stack.len() >= MAX_DEPTH {
                        let message = format!("nesting deeper than {MAX_DEPTH} levels");
                        self.error.get_or_insert((Span::point(span.start), message));
                        return Some(span.start);
                    }
                    let kind = if matches!(event, Event::SequenceStart(..)) {
                        FrameKind::Sequence(Vec::new())
                    } else {
                        FrameKind::Mapping {
                            entries: Vec::new(),
                            pending_key: None,
                        }
                    };
                    stack.push(Frame {
                        kind,
                        start: span.start,
                        tag: tag.as_deref().map(tag_name),
                        anchor,
                    });
                    None
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    stack.pop().map(|frame| close_frame(frame, span))
                }
            };
            if let Some(node) = completed {
                match stack.last_mut() {
                    None => root = Some(node),
                    Some(Frame {
                        kind: FrameKind::Sequence(items),
                        ..
                    }) => items.push(node),
                    Some(Frame {
                        kind:
                            FrameKind::Mapping {
                                entries,
                                pending_key,
                            },
                        ..
                    }) => match pending_key.take() {
                        None => *pending_key = Some(node),
                        Some(key) => entries.push((key, node)),
                    },
                }
            }
        }
        None
    }

    fn record_error(&mut self, error: &ScanError, to_byte: &impl Fn(usize) -> usize) -> usize {
        let at = to_byte(error.marker().index());
        // Underline the character at the error, unless it is a line break or the end.
        let end = self.text[at..]
            .chars()
            .next()
            .filter(|c| *c != '\n' && *c != '\r')
            .map_or(at, |c| at + c.len_utf8());
        self.error
            .get_or_insert((Span::new(at, end), error.info().to_string()));
        at
    }

    fn scalar(
        &self,
        text: String,
        style: ScalarStyle,
        span: Span,
        has_properties: bool,
        tag: Option<String>,
    ) -> Node {
        let mut span = span;
        if has_properties {
            span.start = skip_node_properties(self.text, span);
        }
        if !matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
            let source = &self.text[span.start..span.end];
            span.end = span.start + source.trim_end().len();
        } else if let Some(end) = closing_quote(&self.text[span.start..span.end], style) {
            // A quoted scalar ends at its closing quote, not at a comment after it.
            span.end = span.start + end;
        }
        if let Some(action) = self.template_action_of(span) {
            let source = self
                .original
                .get(action.start..action.end)
                .unwrap_or("")
                .to_string();
            return Node {
                value: NodeValue::Templated { source },
                span: action,
                tag,
                anchor: 0,
            };
        }
        Node {
            value: NodeValue::Scalar { text, style },
            span,
            tag,
            anchor: 0,
        }
    }

    /// When a scalar was written by template actions, the span of its original text:
    /// a non-empty scalar overlapping an action, or an empty scalar right next to one
    /// (`key: {{ .Values.x }}` left `key:` with an empty value; `{{ .k }}: v` an empty
    /// key).
    fn template_action_of(&self, span: Span) -> Option<Span> {
        if self.actions.is_empty() {
            return None;
        }
        if !span.is_empty() {
            let first = self
                .actions
                .partition_point(|action| action.end <= span.start);
            let overlapping = self.actions[first..]
                .iter()
                .take_while(|action| action.start < span.end);
            return overlapping.fold(None, |covered: Option<Span>, action| {
                Some(covered.map_or(span.cover(*action), |c| c.cover(*action)))
            });
        }
        let bytes = self.text.as_bytes();
        let action_starting_at = |offset: usize| {
            self.actions
                .binary_search_by_key(&offset, |action| action.start)
                .ok()
        };
        let mut forward = span.start;
        loop {
            if let Some(index) = action_starting_at(forward) {
                return Some(self.actions[index]);
            }
            match bytes.get(forward) {
                Some(b' ' | b'\t' | b'\r' | b'\n' | b':') => forward += 1,
                _ => break,
            }
        }
        let mut backward = span.start;
        loop {
            if let Ok(index) = self
                .actions
                .binary_search_by_key(&backward, |action| action.end)
            {
                return Some(self.actions[index]);
            }
            match backward.checked_sub(1).and_then(|before| bytes.get(before)) {
                Some(b' ' | b'\t') => backward -= 1,
                _ => return None,
            }
        }
    }
}

/// The span of a finished collection: from its start to its closing bracket (flow) or
/// its last item (block, where saphyr's end event is an empty span further on).
fn close_frame(frame: Frame, end_event: Span) -> Node {
    let (value, last_end) = match frame.kind {
        FrameKind::Sequence(items) => {
            let last_end = items.last().map(|node| node.span.end);
            (NodeValue::Sequence(items), last_end)
        }
        FrameKind::Mapping {
            mut entries,
            pending_key,
        } => {
            // A key whose value never came (cannot happen with saphyr, but be total).
            if let Some(key) = pending_key {
                let empty = Node {
                    value: NodeValue::Scalar {
                        text: String::new(),
                        style: ScalarStyle::Plain,
                    },
                    span: Span::point(key.span.end),
                    tag: None,
                    anchor: 0,
                };
                entries.push((key, empty));
            }
            let last_end = entries
                .last()
                .map(|(key, value)| key.span.end.max(value.span.end));
            (NodeValue::Mapping(entries), last_end)
        }
    };
    let end = if end_event.is_empty() {
        last_end.unwrap_or(frame.start)
    } else {
        end_event.end
    };
    Node {
        value,
        span: Span::new(frame.start, end.max(frame.start)),
        tag: frame.tag,
        anchor: frame.anchor,
    }
}

/// A tag as usually written: `!!str` for the core schema, `!Ref` for local tags.
fn tag_name(tag: &Tag) -> String {
    match tag.handle.as_str() {
        "tag:yaml.org,2002:" => format!("!!{}", tag.suffix),
        _ => format!("{}{}", tag.handle, tag.suffix),
    }
}

/// The byte just past the closing quote of a quoted scalar written at the start of
/// `source` (`"a\"b"  # c` → 6; `'it''s' # c` → 7), or `None` when it has none.
fn closing_quote(source: &str, style: ScalarStyle) -> Option<usize> {
    let bytes = source.as_bytes();
    let quote = match style {
        ScalarStyle::DoubleQuoted => b'"',
        _ => b'\'',
    };
    if bytes.first() != Some(&quote) {
        return None;
    }
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Past a node's anchor (`&name`) and tag (`!tag`) at the start of `span`, and the
/// whitespace after them.
fn skip_node_properties(text: &str, span: Span) -> usize {
    let bytes = text.as_bytes();
    let mut at = span.start;
    while at < span.end && matches!(bytes[at], b'&' | b'!') {
        while at < span.end && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        while at < span.end && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
    }
    // Whitespace skipping stops on ASCII bytes, so `at` is a character boundary.
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    fn root(stream: &YamlStream) -> &Node {
        stream.documents[0].root.as_ref().expect("a root")
    }

    #[test]
    fn scalar_spans_are_byte_exact_after_non_ascii_text() {
        let text = "# héllo wörld ☃\nname: \"ünïcode\"\nimage: nginx:1.2 # tag\n";
        let stream = parse(text);
        assert_eq!(stream.error, None);
        let root = root(&stream);
        let (key, value) = root.get_entry("name").unwrap();
        assert_eq!(slice(text, key.span), "name");
        assert_eq!(slice(text, value.span), "\"ünïcode\"");
        assert_eq!(value.as_str(), Some("ünïcode"));
        let image = root.get("image").unwrap();
        assert_eq!(slice(text, image.span), "nginx:1.2");
        let text = "a: \"x\\\"y\"  # a \"note\"\nb: 'it''s'  # it's\n";
        let stream = parse(text);
        let quoted = self::root(&stream);
        assert_eq!(slice(text, quoted.get("a").unwrap().span), "\"x\\\"y\"");
        assert_eq!(slice(text, quoted.get("b").unwrap().span), "'it''s'");
        assert_eq!(image.as_str(), Some("nginx:1.2"));
    }

    #[test]
    fn flow_closer_at_its_keys_indentation_is_read_as_compose_reads_it() {
        let text = "services:\n  flagd:\n    command: [\n      \"start\",\n      \"--uri\"\n    # the end\n    ]\n    ports:\n      - \"80\"\n    env: {\n      A: b\n    }\n";
        let stream = parse(text);
        assert_eq!(stream.error, None);
        let flagd = root(&stream)
            .get("services")
            .and_then(|s| s.get("flagd"))
            .unwrap();
        let command = flagd.get("command").unwrap();
        let NodeValue::Sequence(items) = &command.value else {
            panic!("command is not a sequence: {command:?}");
        };
        assert_eq!(items.len(), 2);
        assert_eq!(slice(text, items[1].span), "\"--uri\"");
        let port = flagd.get("ports").unwrap();
        assert_eq!(slice(text, port.span).trim(), "- \"80\"");
        assert_eq!(
            flagd
                .get("env")
                .and_then(|e| e.get("A"))
                .and_then(Node::as_str),
            Some("b")
        );
        // A closer that is not the error's cause is left as it is: the error stays.
        let broken = "a: [1,\n  2\nb: c\n";
        assert!(parse(broken).error.is_some());
    }

    #[test]
    fn byte_order_mark_and_crlf_keep_spans_exact() {
        let text = "\u{feff}kind: Pod\r\nmetadata:\r\n  name: wébapp\r\n";
        let stream = parse(text);
        assert_eq!(stream.error, None);
        let root = root(&stream);
        let (key, kind) = root.get_entry("kind").unwrap();
        assert_eq!(key.span, Span::new(3, 7));
        assert_eq!(slice(text, kind.span), "Pod");
        let name = root.get("metadata").and_then(|m| m.get("name")).unwrap();
        assert_eq!(slice(text, name.span), "wébapp");
    }

    #[test]
    fn anchors_and_tags_are_left_out_of_scalar_spans() {
        let text = "a: &x !!str foo\nb: !Ref 'q'\nc: *x\n";
        let stream = parse(text);
        let root = root(&stream);
        let a = root.get("a").unwrap();
        assert_eq!(slice(text, a.span), "foo");
        assert_eq!(a.tag.as_deref(), Some("!!str"));
        let b = root.get("b").unwrap();
        assert_eq!(slice(text, b.span), "'q'");
        assert_eq!(b.as_str(), Some("q"));
        assert_eq!(b.tag.as_deref(), Some("!Ref"));
        let c = root.get("c").unwrap();
        assert!(
            matches!(&c.value, NodeValue::Alias { name, id } if name == "x" && *id == a.anchor)
        );
        assert_ne!(a.anchor, 0);
        assert_eq!(slice(text, c.span), "*x");
    }

    #[test]
    fn block_and_multi_line_scalars_cover_their_content() {
        let text = "script: |\n  echo hi\n  echo there\n\nplain: one\n  two\nnext: x\n";
        let stream = parse(text);
        let root = root(&stream);
        let script = root.get("script").unwrap();
        assert_eq!(script.as_str(), Some("echo hi\necho there\n"));
        assert_eq!(slice(text, script.span), "echo hi\n  echo there");
        let plain = root.get("plain").unwrap();
        assert_eq!(plain.as_str(), Some("one two"));
        assert_eq!(slice(text, plain.span), "one\n  two");
    }

    #[test]
    fn collection_spans_cover_their_items() {
        let text = "spec:\n  ports:\n    - 80\n    - 443\n  flow: {a: [1, 2]}\nend: 1\n";
        let stream = parse(text);
        let root = root(&stream);
        assert_eq!(slice(text, root.span), text.trim_end());
        let spec = root.get("spec").unwrap();
        assert_eq!(
            slice(text, spec.span),
            "ports:\n    - 80\n    - 443\n  flow: {a: [1, 2]}"
        );
        let ports = spec.get("ports").unwrap();
        assert_eq!(slice(text, ports.span), "- 80\n    - 443");
        assert_eq!(ports.as_seq().unwrap().len(), 2);
        let flow = spec.get("flow").unwrap();
        assert_eq!(slice(text, flow.span), "{a: [1, 2]}");
        assert_eq!(slice(text, flow.get("a").unwrap().span), "[1, 2]");
    }

    #[test]
    fn empty_values_are_null_with_a_point_span() {
        let text = "a:\nb: ~\nc: null\nd: ''\n";
        let stream = parse(text);
        let root = root(&stream);
        let a = root.get("a").unwrap();
        assert!(a.is_null());
        assert_eq!(a.span, Span::point(1));
        assert!(root.get("b").unwrap().is_null());
        assert!(root.get("c").unwrap().is_null());
        assert!(!root.get("d").unwrap().is_null());
        assert_eq!(root.get("d").unwrap().as_str(), Some(""));
        assert!(root.get("missing").is_none());
        let nested_stream = parse("a:\n  b:\n    c: 1\n");
        let nested = nested_stream.documents[0].root.as_ref().unwrap();
        let c = nested.get_path(&["a", "b", "c"]);
        assert_eq!(c.and_then(Node::as_i64), Some(1));
        assert!(nested.get_path(&["a", "x"]).is_none());
    }

    #[test]
    fn scalar_conversions() {
        let text = "t: true\ny: yes\nf: Off\nq: \"true\"\nn: 42\nneg: -7\nhex: 0x1F\noct: 0o17\nbad: 4x\nport: http\n";
        let stream = parse(text);
        let root = root(&stream);
        assert_eq!(root.get("t").unwrap().as_bool(), Some(true));
        assert_eq!(root.get("y").unwrap().as_bool(), Some(true));
        assert_eq!(root.get("f").unwrap().as_bool(), Some(false));
        assert_eq!(root.get("q").unwrap().as_bool(), None);
        assert_eq!(root.get("n").unwrap().as_i64(), Some(42));
        assert_eq!(root.get("neg").unwrap().as_i64(), Some(-7));
        assert_eq!(root.get("hex").unwrap().as_i64(), Some(31));
        assert_eq!(root.get("oct").unwrap().as_i64(), Some(15));
        assert_eq!(root.get("bad").unwrap().as_i64(), None);
        assert_eq!(root.get("port").unwrap().as_i64(), None);
        assert_eq!(root.get("n").unwrap().as_str(), Some("42"));
    }

    #[test]
    fn multi_document_streams() {
        let text = "# lead\na: 1\n---\nb: 2\n...\n--- !t\n- c\n---\n";
        let stream = parse(text);
        assert_eq!(stream.error, None);
        assert_eq!(stream.documents.len(), 4);
        assert_eq!(slice(text, stream.documents[0].span), "a: 1");
        assert_eq!(slice(text, stream.documents[1].span), "---\nb: 2");
        let third = stream.documents[2].root.as_ref().unwrap();
        assert_eq!(third.tag.as_deref(), Some("!t"));
        assert_eq!(third.as_seq().unwrap()[0].as_str(), Some("c"));
        assert_eq!(
            stream.documents[3].root.as_ref().map(|n| n.is_null()),
            Some(true)
        );
    }

    #[test]
    fn alias_bomb_stays_small() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..10 {
            let previous = format!("*a{}", level - 1);
            let items = [previous.as_str(); 9].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        let stream = parse(&text);
        assert_eq!(stream.error, None);
        let last = root(&stream).get("a9").unwrap().as_seq().unwrap();
        assert_eq!(last.len(), 9);
        assert!(matches!(&last[0].value, NodeValue::Alias { name, .. } if name == "a8"));
    }

    #[test]
    fn error_keeps_earlier_documents_and_resumes_at_next_marker() {
        let text = "kind: A\n---\nkind: [B\n---\nkind: C\n";
        let stream = parse(text);
        let kinds: Vec<_> = stream
            .documents
            .iter()
            .map(|d| {
                d.root
                    .as_ref()
                    .and_then(|r| r.get("kind"))
                    .and_then(Node::as_str)
            })
            .collect();
        assert_eq!(kinds, vec![Some("A"), Some("C")]);
        let (span, message) = stream.error.clone().unwrap();
        assert!(span.start >= text.find("[B").unwrap() && span.start <= text.rfind("---").unwrap());
        assert!(!message.is_empty());
        let c = stream.documents[1]
            .root
            .as_ref()
            .unwrap()
            .get("kind")
            .unwrap();
        assert_eq!(slice(text, c.span), "C");

        let text = "kind: A\n--- [B\n--- {C\n---\nkind: D\n";
        let stream = parse(text);
        assert_eq!(stream.documents.len(), 2);
        let d = stream.documents[1]
            .root
            .as_ref()
            .unwrap()
            .get("kind")
            .unwrap();
        assert_eq!(slice(text, d.span), "D");
    }

    #[test]
    fn error_position_is_a_byte_offset() {
        let text = "é: ü\nkey: [unclosed\n";
        let stream = parse(text);
        assert!(stream.documents.is_empty());
        let (span, _) = stream.error.unwrap();
        assert!(span.start > text.find('[').unwrap());
        assert!(text.is_char_boundary(span.start) && span.end <= text.len());
    }

    #[test]
    fn tabs_and_garbage_give_errors_not_panics() {
        for text in [
            "a:\n\tb: c\n",
            "[",
            "{",
            "a: [b, {c: d]\n",
            "- a\nb: c\n",
            "\"unclosed",
            "&",
            "*",
            "!",
            "? ",
            ": :",
            "%YAML 1.2\n%YAML 1.2\n---\n",
            "---\n...\n...\n\t",
            "a: 'x\n",
        ] {
            let stream = parse(text);
            if let Some((span, _)) = &stream.error {
                assert!(span.start <= span.end && span.end <= text.len(), "{text:?}");
            }
        }
        assert!(parse("[").error.is_some());
    }

    #[test]
    fn deep_nesting_is_capped() {
        let block = "- ".repeat(20_000) + "x\n";
        let stream = parse(&block);
        let (span, message) = stream.error.unwrap();
        assert_eq!(message, format!("nesting deeper than {MAX_DEPTH} levels"));
        assert_eq!(span.start, 2 * MAX_DEPTH);
        assert!(stream.documents.is_empty());

        let flow = "[".repeat(100_000);
        assert!(parse(&flow).error.is_some());
        let flow_maps = "{a: ".repeat(100_000);
        assert!(parse(&flow_maps).error.is_some());

        let fine = "- ".repeat(MAX_DEPTH) + "x\n";
        assert_eq!(parse(&fine).error, None);
    }

    #[test]
    fn random_input_never_panics_and_spans_stay_in_bounds() {
        const ALPHABET: &[&str] = &[
            "a", "b", ":", " ", "  ", "\n", "\t", "-", "- ", "[", "]", "{", "}", ",", "\"", "'",
            "#", "&x", "*x", "!t", "|", ">", "?", "---\n", "...", "é", "☃", "{{", "}}", "%",
            "\r\n", "@",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..2_000 {
            let length = (next() % 60) as usize;
            let text: String = (0..length)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            let stream = parse(&text);
            let mut pending: Vec<&Node> = stream
                .documents
                .iter()
                .filter_map(|d| d.root.as_ref())
                .collect();
            while let Some(node) = pending.pop() {
                assert!(
                    node.span.start <= node.span.end && node.span.end <= text.len(),
                    "{text:?}"
                );
                assert!(
                    text.is_char_boundary(node.span.start) && text.is_char_boundary(node.span.end)
                );
                match &node.value {
                    NodeValue::Sequence(items) => pending.extend(items),
                    NodeValue::Mapping(entries) => {
                        pending.extend(entries.iter().flat_map(|(k, v)| [k, v]))
                    }
                    _ => {}
                }
            }
            if let Some((span, _)) = &stream.error {
                assert!(
                    span.end <= text.len() && text.is_char_boundary(span.start),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn blanking_keeps_lengths_and_line_breaks() {
        assert_eq!(blank_template_actions("a: b\n"), None);
        assert_eq!(blank_template_actions("a: {{ unclosed\n"), None);
        let text = "a: {{ .Values.é }}\n{{- if .X -}}\nb: {{ printf \"}}\" `}}` /* }} */ }}c\n{{ multi\n line }}\n";
        let blanked = blank_template_actions(text).unwrap();
        let expected = format!(
            "a: {}\n{}\nb: {}c\n{}\n{}\n",
            " ".repeat("{{ .Values.é }}".len()),
            " ".repeat("{{- if .X -}}".len()),
            " ".repeat("{{ printf \"}}\" `}}` /* }} */ }}".len()),
            " ".repeat("{{ multi".len()),
            " ".repeat(" line }}".len()),
        );
        assert_eq!(blanked, expected);
    }

    #[test]
    fn inline_actions_are_filled_for_parsing_lone_ones_blanked() {
        let text = "a: {{ x }}\n  {{- if .X }}\n{{ $k }}: {{ dict\n  1 }}\n";
        let actions = template_action_spans(text);
        let filled = fill_template_actions(text, &actions).unwrap();
        assert_eq!(
            filled,
            "a: _______\n              \n________: _______\n      \n"
        );
    }

    #[test]
    fn templated_values_are_unknown_with_the_action_span() {
        let text = "image: {{ .Values.image }}\ntag: \"{{ .Values.tag }}\"\n{{ .Values.key }}: v\n{{- if .Values.on }}\nplain: yes\n{{- end }}\nresources:\n  {{- toYaml .Values.r | nindent 2 }}\nmixed: repo/{{ .Values.x }}\nnull:\n";
        let stream = parse(text);
        assert!(stream.is_templated());
        assert_eq!(stream.template_actions.len(), 7);
        let root = root(&stream);
        let image = root.get("image").unwrap();
        assert_eq!(
            image.value,
            NodeValue::Templated {
                source: "{{ .Values.image }}".into()
            }
        );
        assert_eq!(slice(text, image.span), "{{ .Values.image }}");
        assert!(image.as_str().is_none() && !image.is_null());
        let tag = root.get("tag").unwrap();
        assert_eq!(slice(text, tag.span), "\"{{ .Values.tag }}\"");
        assert!(tag.is_templated());
        assert_eq!(root.get("plain").unwrap().as_bool(), Some(true));
        let resources = root.get("resources").unwrap();
        assert_eq!(
            slice(text, resources.span),
            "{{- toYaml .Values.r | nindent 2 }}"
        );
        let mixed = root.get("mixed").unwrap();
        assert_eq!(slice(text, mixed.span), "repo/{{ .Values.x }}");
        assert!(mixed.is_templated());
        assert!(root.get("null").unwrap().is_null());
    }

    #[test]
    fn templated_key_is_unknown() {
        let text = "a: 1\n{{ .Values.key }}: v\n";
        let stream = parse(text);
        let entries = root(&stream).as_map().unwrap();
        assert_eq!(entries.len(), 2);
        assert!(entries[1].0.is_templated());
        assert_eq!(slice(text, entries[1].0.span), "{{ .Values.key }}");
        assert_eq!(entries[1].1.as_str(), Some("v"));
    }

    #[test]
    fn sniffs_kubernetes() {
        assert!(looks_like_kubernetes("apiVersion: v1\nkind: Pod\n"));
        assert!(looks_like_kubernetes(
            "# c\n---\nkind: Deployment\napiVersion: {{ include \"x\" . }}\n"
        ));
        assert!(looks_like_kubernetes(
            "\u{feff}apiVersion: v1\r\nkind: List\r\n"
        ));
        assert!(!looks_like_kubernetes(
            "spec:\n  apiVersion: v1\n  kind: Pod\n"
        ));
        assert!(!looks_like_kubernetes("apiVersion: v1\n"));
        assert!(!looks_like_kubernetes("apiVersionX: v1\nkind: Pod\n"));
    }

    #[test]
    fn sniffs_compose() {
        let none = "";
        assert!(looks_like_compose(Path::new("deploy/compose.yaml"), none));
        assert!(looks_like_compose(
            Path::new("docker-compose.prod.yml"),
            none
        ));
        assert!(looks_like_compose(Path::new("compose.override.yml"), none));
        assert!(!looks_like_compose(Path::new("compose.json"), none));
        assert!(!looks_like_compose(Path::new("values.yaml"), none));
        let compose = "version: '3'\nservices:\n  # web\n  web:\n    image: nginx\n";
        assert!(looks_like_compose(Path::new("stack.yml"), compose));
        let gitlab = "image: python\nservices:\n  - postgres:15\n";
        assert!(!looks_like_compose(Path::new(".gitlab-ci.yml"), gitlab));
        let nested = "app:\n  services:\n    web:\n      image: x\n";
        assert!(!looks_like_compose(Path::new("x.yml"), nested));
    }
}
