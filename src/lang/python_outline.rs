//! A lexical outline of Python source — its statements and their nesting, found from
//! indentation without parsing — so the engine can parse only the parts of a file that a
//! rule's trigger points at.
//!
//! tree-sitter is the expensive step of a run. Most rules judge one function at a time
//! (a call and its arguments, a loop, an except clause), so when every rule that may fire
//! on a file is such a rule, the file is parsed as: every module-level statement that is
//! not a `def` or `class` (imports and bindings, which resolve names everywhere), and the
//! functions and classes that contain a trigger hit. tree-sitter's included ranges keep
//! byte offsets and positions those of the whole file, so spans stay exact.
//!
//! The outline is a lexer, not a parser: it knows strings, comments, brackets and line
//! continuations, nothing more. If it misreads a file, the ranges it picks do not parse
//! cleanly and the caller parses the whole file instead.

/// One logical line: a statement's first line and every physical line joined to it by an
/// open bracket, a backslash or a multi-line string.
#[derive(Debug, Clone)]
struct Line {
    /// Byte offset of the physical line start (the indentation belongs to the line).
    start: usize,
    /// Byte offset just past the logical line (after its newline).
    end: usize,
    start_row: usize,
    /// Row and column of `end`.
    end_row: usize,
    end_column: usize,
    indent: u32,
    head: Head,
}

/// What a logical line starts with, as far as the outline cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Head {
    Def,
    Class,
    Decorator,
    /// `elif`, `else`, `except`, `finally`: continues the statement above at its indent.
    Clause,
    /// `try:`, whose body cannot stand without its handlers.
    Try,
    Other,
}

/// A statement: its logical lines `first..=last`, and the statements of its body (of its
/// first clause: an `if`'s, not its `else`'s).
#[derive(Debug)]
struct Statement {
    first: usize,
    /// The `def`/`class` line after any decorators (equals `first` without decorators).
    header: usize,
    last: usize,
    head: Head,
    body: Vec<Statement>,
}

/// A byte range to parse, with the row/column positions tree-sitter needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub start: usize,
    pub end: usize,
    pub start_row: usize,
    pub end_row: usize,
    pub end_column: usize,
}

/// Above this share of the file, picking regions saves too little to be worth it.
pub const DEFAULT_REGION_SHARE_LIMIT: f64 = 0.6;

/// Byte offsets the rules of a file point at, by how much around each they need.
#[derive(Debug, Default)]
pub struct Hits {
    /// The whole function (or class member) holding the offset.
    pub function: Vec<usize>,
    /// Only the statement holding the offset, inside the headers that enclose it.
    pub statement: Vec<usize>,
}

/// The regions to parse so that every function or class holding one of `hits.function`
/// is complete, with its enclosing class headers; every statement holding one of
/// `hits.statement` is complete inside the headers of the statements enclosing it; and
/// every module-level statement that is not a definition is there. `None`: parse the
/// whole file (the regions are more than `share_limit` of it, or nothing).
pub fn regions(text: &str, wanted: &Hits, share_limit: f64) -> Option<Vec<Region>> {
    let lines = logical_lines(text);
    if lines.is_empty() {
        return None;
    }
    let statements = block(&lines, 0, lines.len());
    let mut hits: Vec<usize> = wanted.function.clone();
    hits.sort_unstable();
    hits.dedup();
    // A module-level binding that holds a hit (`import requests`, `session =
    // requests.Session()`) carries it to every use of the bound name: the rule sees
    // `session.get(...)` through it.
    // Followed to a fixed point: `import requests as r` then `session = r.Session()`.
    let module_lines: Vec<&Line> = statements
        .iter()
        .filter(|s| !matches!(s.head, Head::Def | Head::Class))
        .flat_map(|s| &lines[s.first..=s.last])
        .collect();
    let mut followed: Vec<&str> = Vec::new();
    loop {
        let mut names: Vec<&str> = Vec::new();
        for line in &module_lines {
            let first = hits.partition_point(|&h| h < line.start);
            if hits.get(first).is_some_and(|&h| h < line.end) {
                bound_names(&text[line.start..line.end], &mut names);
            }
        }
        names.retain(|name| !followed.contains(name));
        names.sort_unstable();
        names.dedup();
        if names.is_empty() {
            break;
        }
        for name in names {
            hits.extend(uses_of(text, name));
            followed.push(name);
        }
        hits.sort_unstable();
        hits.dedup();
    }
    let mut picker = Picker {
        text,
        lines: &lines,
        hits: &hits,
        chosen: vec![false; lines.len()],
    };
    let mut chosen_classes: Vec<usize> = Vec::new();
    for (index, statement) in statements.iter().enumerate() {
        match statement.head {
            Head::Def => {
                if picker.holds_hit(statement) {
                    picker.choose_all(statement);
                }
            }
            Head::Class => {
                if picker.holds_hit(statement) {
                    picker.choose_class(statement);
                    chosen_classes.push(index);
                }
            }
            _ => picker.choose_all(statement),
        }
    }
    // A class chosen for a hit may inherit from a class of this module (a view base);
    // the model resolves bases through it, so it comes along, header and attributes.
    let mut queue = chosen_classes.clone();
    while let Some(index) = queue.pop() {
        for base in base_names(text, &lines[statements[index].header]) {
            let found = statements.iter().position(|s| {
                s.head == Head::Class && class_name(text, &lines[s.header]) == Some(base)
            });
            if let Some(other) = found.filter(|o| !chosen_classes.contains(o)) {
                picker.choose_class(&statements[other]);
                chosen_classes.push(other);
                queue.push(other);
            }
        }
    }
    for &hit in &wanted.statement {
        picker.choose_path(&statements, hit);
    }
    let regions = picker.regions();
    let chosen: usize = regions.iter().map(|r| r.end - r.start).sum();
    if regions.is_empty() || chosen >= text.len() || chosen as f64 > share_limit * text.len() as f64
    {
        return None;
    }
    Some(regions)
}

struct Picker<'a> {
    text: &'a str,
    lines: &'a [Line],
    hits: &'a [usize],
    chosen: Vec<bool>,
}

impl Picker<'_> {
    fn span(&self, statement: &Statement) -> (usize, usize) {
        (
            self.lines[statement.first].start,
            self.lines[statement.last].end,
        )
    }

    fn holds_hit(&self, statement: &Statement) -> bool {
        let (start, end) = self.span(statement);
        let first = self.hits.partition_point(|&h| h < start);
        self.hits.get(first).is_some_and(|&h| h < end)
    }

    fn contains(&self, statement: &Statement, offset: usize) -> bool {
        let (start, end) = self.span(statement);
        (start..end).contains(&offset)
    }

    /// The statement holding `offset` inside the headers of the statements enclosing it
    /// (decorators included). Where a header cannot stand alone — a `try:` without its
    /// handlers, an `else:` without its `if` — the enclosing statement comes whole.
    fn choose_path(&mut self, statements: &[Statement], offset: usize) {
        let Some(statement) = statements.iter().find(|s| self.contains(s, offset)) else {
            return;
        };
        let inner = statement.body.iter().any(|s| self.contains(s, offset));
        if inner && statement.head != Head::Try {
            for flag in &mut self.chosen[statement.first..=statement.header] {
                *flag = true;
            }
            self.choose_path(&statement.body, offset);
        } else {
            self.choose_all(statement);
        }
    }

    fn choose_all(&mut self, statement: &Statement) {
        for flag in &mut self.chosen[statement.first..=statement.last] {
            *flag = true;
        }
    }

    /// The header (with decorators), every body statement that is not a definition, and
    /// the definitions holding a hit. A body left empty takes the first statement whole,
    /// so the class still parses.
    ///
    /// An instance attribute bound on a line holding a hit (`self.session =
    /// requests.Session()` in `__init__`) carries the hit to every method that uses it
    /// (`self.session.get(...)`), as a module-level binding carries it to its uses.
    fn choose_class(&mut self, class: &Statement) {
        for flag in &mut self.chosen[class.first..=class.header] {
            *flag = true;
        }
        let mut carried: Vec<&str> = Vec::new();
        for member in &class.body {
            if member.head != Head::Def || !self.holds_hit(member) {
                continue;
            }
            for line in &self.lines[member.first..=member.last] {
                let Some((name, value)) = self_attribute_bound(&self.text[line.start..line.end])
                else {
                    continue;
                };
                let first = self.hits.partition_point(|&h| h < line.start);
                // A plain name as the value may be a local that holds the hit
                // (`self.session = session` after `session = requests.Session()`).
                if self.hits.get(first).is_some_and(|&h| h < line.end)
                    || (value.bytes().next().is_some_and(is_identifier_start)
                        && value.bytes().all(is_identifier_byte))
                {
                    carried.push(name);
                }
            }
        }
        let mut any = false;
        for member in &class.body {
            let uses_carried = || {
                let (start, end) = self.span(member);
                let code = &self.text[start..end];
                carried.iter().any(|name| uses_self_attribute(code, name))
            };
            match member.head {
                Head::Def if self.holds_hit(member) || uses_carried() => self.choose_all(member),
                Head::Class if self.holds_hit(member) => self.choose_class(member),
                Head::Def | Head::Class => continue,
                _ => self.choose_all(member),
            }
            any = true;
        }
        // A one-line class (`class A: pass`) has no body lines: its header is all of it.
        if let (false, Some(first)) = (any, class.body.first()) {
            self.choose_all(first);
        }
    }

    fn regions(&self) -> Vec<Region> {
        let mut regions: Vec<Region> = Vec::new();
        for (index, line) in self.lines.iter().enumerate() {
            if !self.chosen[index] {
                continue;
            }
            match regions.last_mut() {
                // Only blank lines and comments lie between: one region.
                Some(last) if index > 0 && self.chosen[index - 1] => {
                    last.end = line.end;
                    last.end_row = line.end_row;
                    last.end_column = line.end_column;
                }
                _ => regions.push(Region {
                    start: line.start,
                    end: line.end,
                    start_row: line.start_row,
                    end_row: line.end_row,
                    end_column: line.end_column,
                }),
            }
        }
        regions
    }
}

/// The statements of lines `from..to`, which all belong to one block.
fn block(lines: &[Line], from: usize, to: usize) -> Vec<Statement> {
    let mut statements = Vec::new();
    let mut i = from;
    while i < to {
        let indent = lines[i].indent;
        let first = i;
        while i + 1 < to && lines[i].head == Head::Decorator && lines[i + 1].indent == indent {
            i += 1;
        }
        let header = i;
        let head = match lines[header].head {
            Head::Def | Head::Class | Head::Try => lines[header].head,
            _ => Head::Other,
        };
        i += 1;
        let body_start = i;
        while i < to && lines[i].indent > indent {
            i += 1;
        }
        let body_end = i;
        // `elif`/`else`/`except`/`finally` and their bodies continue the statement.
        while i < to && lines[i].indent == indent && lines[i].head == Head::Clause {
            i += 1;
            while i < to && lines[i].indent > indent {
                i += 1;
            }
        }
        let body = block(lines, body_start, body_end);
        statements.push(Statement {
            first,
            header,
            last: i - 1,
            head,
            body,
        });
    }
    statements
}

/// `name` and the value's text of a line `self.name = value` (or `self.name: T = value`).
fn self_attribute_bound(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start().strip_prefix("self.")?;
    let length = rest.bytes().take_while(|&b| is_identifier_byte(b)).count();
    let (name, after) = rest.split_at(length);
    let after = after.trim_start();
    let value = if let Some(value) = after.strip_prefix('=') {
        (!value.starts_with('=')).then_some(value)?
    } else {
        after.strip_prefix(':')?.split_once('=')?.1
    };
    (!name.is_empty()).then_some((name, value.trim()))
}

/// `code` reads or writes `self.name` (not `self.name_other`).
fn uses_self_attribute(code: &str, name: &str) -> bool {
    code.match_indices("self.").any(|(at, _)| {
        let rest = &code[at + "self.".len()..];
        rest.starts_with(name)
            && !rest[name.len()..]
                .bytes()
                .next()
                .is_some_and(is_identifier_byte)
            && (at == 0 || !is_identifier_byte(code.as_bytes()[at - 1]))
    })
}

fn class_name<'t>(text: &'t str, header: &Line) -> Option<&'t str> {
    let line = text[header.start..header.end].trim_start();
    let rest = line.strip_prefix("class")?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// The names a module-level logical line binds: `import a.b as c` → `c`, `import a.b` →
/// `a`, `from m import x as y, z` → `y`, `z`, `a, b = c = value` → `a`, `b`, `c`. Loose by
/// design: an extra name only costs parsing time.
fn bound_names<'t>(line: &'t str, out: &mut Vec<&'t str>) {
    let code = line.trim_start();
    let imported = if let Some(rest) = code.strip_prefix("import ") {
        Some(rest)
    } else if code.starts_with("from ") {
        code.find(" import ").map(|i| &code[i + 8..])
    } else {
        None
    };
    if let Some(items) = imported {
        let items = items.split('#').next().unwrap_or(items);
        for item in items.split(',') {
            let item =
                item.trim_matches(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '\\');
            let name = match item.rsplit_once(" as ") {
                Some((_, alias)) => alias.trim(),
                None => item.split('.').next().unwrap_or(item).trim(),
            };
            if !name.is_empty() && name != "*" {
                out.push(name);
            }
        }
        return;
    }
    // Assignment targets: everything before the last `=` that is not a comparison.
    let bytes = code.as_bytes();
    let mut last_assign = None;
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'"' | b'\'' | b'#' => break,
            b'=' if depth == 0 => {
                let before = i.checked_sub(1).map(|j| bytes[j]);
                let after = bytes.get(i + 1).copied();
                let comparison =
                    matches!(before, Some(b'=' | b'!' | b'<' | b'>')) || after == Some(b'=');
                if !comparison {
                    last_assign = Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(end) = last_assign {
        out.extend(
            identifiers(&code[..end])
                .filter(|(dotted, _)| !dotted)
                .map(|(_, w)| w),
        );
    }
}

/// Identifiers of `code`, each with whether a `.` comes right before it (an attribute).
fn identifiers(code: &str) -> impl Iterator<Item = (bool, &str)> {
    let bytes = code.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            if is_identifier_start(bytes[i]) {
                let start = i;
                while i < bytes.len() && is_identifier_byte(bytes[i]) {
                    i += 1;
                }
                let dotted = code[..start].trim_end().ends_with('.');
                return Some((dotted, &code[start..i]));
            }
            if bytes[i].is_ascii_digit() {
                while i < bytes.len() && is_identifier_byte(bytes[i]) {
                    i += 1;
                }
                continue;
            }
            i += 1;
        }
        None
    })
}

fn is_identifier_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_' || byte >= 0x80
}

fn is_identifier_byte(byte: u8) -> bool {
    is_identifier_start(byte) || byte.is_ascii_digit()
}

/// Offsets where `name` is used as a plain name (not an attribute, not part of a longer
/// identifier).
fn uses_of<'t>(text: &'t str, name: &'t str) -> impl Iterator<Item = usize> + 't {
    let bytes = text.as_bytes();
    text.match_indices(name).filter_map(move |(at, _)| {
        let before = at.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(at + name.len()).copied();
        let standalone = !before.is_some_and(|b| is_identifier_byte(b) || b == b'.')
            && !after.is_some_and(is_identifier_byte);
        standalone.then_some(at)
    })
}

/// The plain names in a class header's base list (`class A(Base, mixins.M):` gives
/// `Base`, `mixins`, `M`): enough to find bases defined in the same module.
fn base_names<'t>(text: &'t str, header: &Line) -> Vec<&'t str> {
    let line = &text[header.start..header.end];
    let Some(open) = line.find('(') else {
        return Vec::new();
    };
    line[open + 1..]
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| !word.is_empty())
        .collect()
}

/// Splits `text` into logical lines, skipping blank and comment-only lines.
fn logical_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut i = 0;
    let mut row = 0;
    let mut row_start = 0;
    while i < bytes.len() {
        let line_start = i;
        let start_row = row;
        let mut indent = 0u32;
        while i < bytes.len() {
            match bytes[i] {
                b' ' => indent += 1,
                b'\t' => indent = (indent / 8 + 1) * 8,
                0x0c => indent = 0,
                b'\r' => {}
                _ => break,
            }
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        if bytes[i] == b'\n' || bytes[i] == b'#' {
            i = next_line(bytes, i);
            row += 1;
            row_start = i;
            continue;
        }
        let head = head_of(&bytes[i..]);
        let mut depth = 0usize;
        while i < bytes.len() {
            match bytes[i] {
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'\\' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        row += 1;
                        row_start = i + 2;
                    }
                    i += 2;
                    continue;
                }
                quote @ (b'"' | b'\'') => {
                    i = skip_string(bytes, i, quote, &mut row, &mut row_start);
                    continue;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                b'\n' => {
                    i += 1;
                    row += 1;
                    row_start = i;
                    if depth == 0 {
                        break;
                    }
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        let end = i.min(bytes.len());
        lines.push(Line {
            start: line_start,
            end,
            start_row,
            end_row: row,
            end_column: end - row_start.min(end),
            indent,
            head,
        });
    }
    lines
}

/// The offset after the newline that ends the physical line holding `i`.
fn next_line(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i] != b'\n' {
        i += 1;
    }
    (i + 1).min(bytes.len())
}

/// Skips the string literal whose opening quote is at `i`; returns the offset after it.
/// A one-line string left open ends at the line's end, as Python's tokenizer gives up.
fn skip_string(
    bytes: &[u8],
    mut i: usize,
    quote: u8,
    row: &mut usize,
    row_start: &mut usize,
) -> usize {
    let triple = bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote);
    i += if triple { 3 } else { 1 };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    *row += 1;
                    *row_start = i + 2;
                }
                i += 2;
                continue;
            }
            b'\n' if !triple => return i,
            b'\n' => {
                *row += 1;
                *row_start = i + 1;
            }
            c if c == quote => {
                if !triple {
                    return i + 1;
                }
                if bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote) {
                    return i + 3;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

fn head_of(code: &[u8]) -> Head {
    let word_end = code
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
        .unwrap_or(code.len());
    match &code[..word_end] {
        b"def" => Head::Def,
        b"class" => Head::Class,
        b"elif" | b"else" | b"except" | b"finally" => Head::Clause,
        b"try" => Head::Try,
        b"async" => {
            let rest = &code[word_end..];
            let skip = rest
                .iter()
                .position(|c| *c != b' ' && *c != b'\t')
                .unwrap_or(rest.len());
            let rest = &rest[skip..];
            if rest.starts_with(b"def")
                && !rest
                    .get(3)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                Head::Def
            } else {
                Head::Other
            }
        }
        b"" if code.first() == Some(&b'@') => Head::Decorator,
        _ => Head::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::python::PythonParser;

    /// The chosen text of `source` for function hits at each `$` marker and statement
    /// hits at each `%` marker (markers are removed).
    fn chosen(source: &str) -> Option<String> {
        let mut hits = Hits::default();
        let mut text = String::new();
        for c in source.chars() {
            match c {
                '$' => hits.function.push(text.len()),
                '%' => hits.statement.push(text.len()),
                c => text.push(c),
            }
        }
        chosen_in(&text, &hits)
    }

    fn chosen_in(text: &str, hits: &Hits) -> Option<String> {
        let regions = regions(text, hits, DEFAULT_REGION_SHARE_LIMIT)?;
        // What tree-sitter sees must be valid Python.
        let tree = PythonParser::new()
            .parse_regions(text, &regions)
            .expect("parses");
        assert!(
            !tree.root_node().has_error(),
            "{}",
            tree.root_node().to_sexp()
        );
        Some(regions.iter().map(|r| &text[r.start..r.end]).collect())
    }

    const PADDING: &str = "def pad_a():\n    return [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]\n\ndef pad_b():\n    return [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]\n";

    #[test]
    fn keeps_module_statements_and_functions_with_hits() {
        let source = format!(
            "import os\nTIMEOUT = 5\n\ndef fetch():\n    return $requests.get(url)\n\n{PADDING}"
        );
        assert_eq!(
            chosen(&source).as_deref(),
            Some("import os\nTIMEOUT = 5\n\ndef fetch():\n    return requests.get(url)\n")
        );
    }

    #[test]
    fn classes_keep_header_attributes_and_methods_with_hits() {
        let source = format!(
            "@decorate\nclass Client(Base):\n    \"\"\"Doc.\"\"\"\n    retries = 3\n\n    def quiet(self):\n        return 1\n\n    @property\n    def loud(self):\n        $print(1)\n{PADDING}"
        );
        assert_eq!(
            chosen(&source).as_deref(),
            Some(
                "@decorate\nclass Client(Base):\n    \"\"\"Doc.\"\"\"\n    retries = 3\n    @property\n    def loud(self):\n        print(1)\n"
            )
        );
    }

    #[test]
    fn instance_attributes_carry_hits_to_the_methods_using_them() {
        let source = format!(
            "class Client:\n    def __init__(self):\n        self.session = $requests.Session()\n        self.sessions = 0\n\n    def fetch(self):\n        return self.session.get(url)\n\n    def count(self):\n        return self.sessions\n\n    def other(self):\n        return 1\n{PADDING}"
        );
        assert_eq!(
            chosen(&source).as_deref(),
            Some(
                "class Client:\n    def __init__(self):\n        self.session = requests.Session()\n        self.sessions = 0\n\n    def fetch(self):\n        return self.session.get(url)\n"
            )
        );
    }

    #[test]
    fn strings_comments_and_brackets_do_not_end_or_start_statements() {
        let source = format!(
            "X = '''\ndef not_a_function():\n'''\nY = (1,\n# comment\n2)\nZ = 'it''s # not a comment' \\\n    + \"x\"\n\ndef f():\n    try:\n        $pass\n    except Exception:\n        pass\n    else:\n        pass\n{PADDING}"
        );
        let text = chosen(&source).expect("regions");
        assert!(text.starts_with("X = '''\ndef not_a_function():\n'''\nY = (1,"));
        assert!(text.ends_with("    else:\n        pass\n"));
        assert!(!text.contains("pad_a"));
    }

    #[test]
    fn module_bindings_carry_hits_to_their_uses() {
        let source = format!(
            "import $requests as r\nsession = r.Session()\n\ndef uses_alias():\n    return r.get(url)\n\ndef uses_session():\n    return session.get(url)\n\ndef unrelated():\n    return other.r(1)\n{PADDING}"
        );
        let text = chosen(&source).expect("regions");
        assert!(text.contains("def uses_alias"));
        // `session` is bound from `r`, a name the hit bound.
        assert!(text.contains("def uses_session"));
        assert!(!text.contains("def unrelated"));
    }

    #[test]
    fn assignment_bindings_are_followed() {
        let source = format!(
            "session = $requests.Session()\n\ndef get():\n    return session.get(u)\n{PADDING}"
        );
        assert!(chosen(&source).expect("regions").contains("def get"));
    }

    #[test]
    fn base_classes_of_this_module_come_along() {
        let source = format!(
            "class Base(View):\n    def helper(self):\n        return 2\n\nclass Page(Base):\n    def get(self):\n        return $print(1)\n{PADDING}"
        );
        let text = chosen(&source).expect("regions");
        assert!(text.starts_with("class Base(View):\n    def helper(self):"));
        assert!(text.contains("class Page(Base)"));
    }

    #[test]
    fn most_of_the_file_means_the_whole_file() {
        assert_eq!(chosen("def f():\n    $x()\n"), None);
        assert_eq!(chosen(""), None);
    }

    #[test]
    fn positions_are_those_of_the_whole_file() {
        let text = format!("import os\n\n{PADDING}\ndef f():\n    call()\n");
        let hit = text.find("call").expect("call");
        let hits = Hits {
            function: vec![hit],
            statement: Vec::new(),
        };
        let regions = regions(&text, &hits, DEFAULT_REGION_SHARE_LIMIT).expect("regions");
        let last = regions.last().expect("a region");
        assert_eq!(&text[last.start..last.end], "def f():\n    call()\n");
        assert_eq!(last.start_row, text[..last.start].matches('\n').count());
        assert_eq!(
            (last.end_row, last.end_column),
            (text.matches('\n').count(), 0)
        );
        let tree = PythonParser::new()
            .parse_regions(&text, &regions)
            .expect("parses");
        let call = tree
            .root_node()
            .descendant_for_byte_range(hit, hit + 4)
            .expect("node");
        assert_eq!(call.start_position().row, last.start_row + 1);
        assert_eq!(call.start_position().column, 4);
    }

    #[test]
    fn statements_come_inside_their_enclosing_headers() {
        let source = format!(
            "import os\n\nclass Tests(Case):\n    fixtures = ['a']\n\n    @tag('slow')\n    def test_login(self):\n        self.setup()\n        with self.settings(X=1):\n            login(%password='s3cret')\n            self.check()\n\n    def test_other(self):\n        pass\n{PADDING}"
        );
        assert_eq!(
            chosen(&source).as_deref(),
            Some(
                "import os\n\nclass Tests(Case):\n    @tag('slow')\n    def test_login(self):\n        with self.settings(X=1):\n            login(password='s3cret')\n"
            )
        );
    }

    #[test]
    fn headers_that_cannot_stand_alone_bring_their_statement() {
        // Inside `try:` the handlers must come along; inside `else:` its `if` must.
        let source = format!(
            "def f():\n    try:\n        x = %token\n    except E:\n        pass\n    if a:\n        b()\n    else:\n        y = %token\n{PADDING}"
        );
        assert_eq!(
            chosen(&source).as_deref(),
            Some(
                "def f():\n    try:\n        x = token\n    except E:\n        pass\n    if a:\n        b()\n    else:\n        y = token\n"
            )
        );
        // A hit on a header line takes the statement whole.
        let source = format!("def f(%password='x'):\n    return 1\n{PADDING}");
        assert_eq!(
            chosen(&source).as_deref(),
            Some("def f(password='x'):\n    return 1\n")
        );
    }
}
