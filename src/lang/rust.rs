//! Rust front-end: parses a file with syn and maps proc-macro2's positions (1-based line,
//! 0-based *character* column) to exact byte spans of the original text.
//!
//! Three things make this more than a call to `syn::parse_file`:
//! - A UTF-8 BOM and a `#!` shebang line are blanked to spaces of the same byte length
//!   before parsing, instead of being cut off as `parse_file` does, so every position the
//!   parser reports is a position in the original file.
//! - proc-macro2 keeps a thread-local source map that grows with every parse. Spans are
//!   therefore only valid inside [`with_parsed`]; it clears the map when the caller's
//!   closure returns, and callers copy out what they need as byte [`Span`]s.
//! - syn parses, visits and drops syntax trees recursively. A pre-scan of the token
//!   stream bounds how deep the tree can be: deep-but-plausible files are parsed on a
//!   thread with a large stack, absurd ones are refused with an error instead of
//!   overflowing the stack.

use std::borrow::Cow;
use std::cell::Cell;
use std::str::FromStr;

use proc_macro2::{Delimiter, LineColumn, Spacing, TokenStream, TokenTree};

use crate::source::{LineIndex, Span};

/// A parse failure: where (byte span in the original text) and what.
pub type ParseError = (Span, String);

/// Nesting estimate (see [`nesting_estimate`]) up to which a file is parsed on the
/// calling thread. Chosen so that parsing, visiting and dropping fit in a 2 MiB stack
/// (rayon's and the test harness's default) with a wide margin.
pub const INLINE_NESTING_LIMIT: usize = 200;

/// Nesting estimate beyond which a file is refused. Real code stays far below; only
/// generated or hostile input gets here.
pub const MAX_NESTING: usize = 6_000;

/// Stack for the helper thread that parses files between the two limits. It is only
/// reserved address space; pages are touched as the recursion actually goes deep.
const DEEP_PARSE_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Converts proc-macro2 spans of one parse into byte spans of the text that was parsed.
pub struct SpanMap<'t> {
    text: &'t str,
    lines: LineIndex,
}

impl<'t> SpanMap<'t> {
    fn new(text: &'t str) -> Self {
        SpanMap {
            text,
            lines: LineIndex::new(text),
        }
    }

    /// Byte offset of a proc-macro2 position. Line 0 (what a call-site span reports) maps
    /// to offset 0.
    pub fn offset(&self, position: LineColumn) -> usize {
        let Some(line) = position.line.checked_sub(1) else {
            return 0;
        };
        if line >= self.lines.line_count() {
            return self.text.len();
        }
        self.lines
            .offset_of_char_column(self.text, line, position.column)
    }

    /// The byte span of a proc-macro2 span.
    pub fn span(&self, span: proc_macro2::Span) -> Span {
        let start = self.offset(span.start());
        let end = self.offset(span.end()).max(start);
        Span::new(start, end)
    }

    /// Byte offset where a proc-macro2 span starts.
    pub fn start(&self, span: proc_macro2::Span) -> usize {
        self.offset(span.start())
    }

    /// Byte offset where a proc-macro2 span ends.
    pub fn end(&self, span: proc_macro2::Span) -> usize {
        self.offset(span.end())
    }

    /// The text that was parsed; byte-for-byte the same layout as the original.
    pub fn text(&self) -> &str {
        self.text
    }
}

thread_local! {
    /// How many [`with_parsed`] calls are active on this thread; the source map is only
    /// cleared when the outermost one ends, so a nested call cannot invalidate the spans
    /// of the tree its caller is still reading.
    static ACTIVE_PARSES: Cell<usize> = const { Cell::new(0) };
}

/// Clears proc-macro2's thread-local source map when the outermost parse on this thread
/// ends (also when unwinding), so memory does not grow across thousands of files.
struct SourceMapGuard;

impl SourceMapGuard {
    fn enter() -> Self {
        ACTIVE_PARSES.with(|active| active.set(active.get() + 1));
        SourceMapGuard
    }
}

impl Drop for SourceMapGuard {
    fn drop(&mut self) {
        let remaining = ACTIVE_PARSES.with(|active| {
            let remaining = active.get().saturating_sub(1);
            active.set(remaining);
            remaining
        });
        if remaining == 0 {
            proc_macro2::extra::invalidate_current_thread_spans();
        }
    }
}

/// Parses `text` as a Rust file and hands the tree and a [`SpanMap`] to `build`, whose
/// result is returned. The tree's spans are valid only inside `build`: copy positions
/// out as byte spans. Errors carry the byte span of the offending token.
///
/// `build` may run on a helper thread (for deeply nested files), hence `Send`.
pub fn with_parsed<R, F>(text: &str, build: F) -> Result<R, ParseError>
where
    R: Send,
    F: FnOnce(&syn::File, &SpanMap) -> R + Send,
{
    let prepared = blank_bom_and_shebang(text);
    let estimate = {
        let _guard = SourceMapGuard::enter();
        let map = SpanMap::new(&prepared);
        let tokens = tokenize(&prepared, &map)?;
        let estimate = nesting_estimate(&tokens);
        if estimate.depth <= INLINE_NESTING_LIMIT {
            return parse_tokens(tokens, &map).map(|file| build(&file, &map));
        }
        if estimate.depth > MAX_NESTING {
            let at = estimate
                .deepest
                .map(|span| map.span(span))
                .unwrap_or_default();
            return Err((
                at,
                format!("nesting too deep to analyse (over {MAX_NESTING} levels)"),
            ));
        }
        estimate
    };
    debug_assert!(estimate.depth > INLINE_NESTING_LIMIT);
    // Spans cannot cross threads (the source map is thread-local), so the helper thread
    // tokenizes again; this path is rare.
    let prepared: &str = &prepared;
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("prodlint-deep-rust-parse".into())
            .stack_size(DEEP_PARSE_STACK_BYTES)
            .spawn_scoped(scope, move || {
                let _guard = SourceMapGuard::enter();
                let map = SpanMap::new(prepared);
                let tokens = tokenize(prepared, &map)?;
                parse_tokens(tokens, &map).map(|file| build(&file, &map))
            });
        match worker {
            Ok(handle) => match handle.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(error) => Err((
                Span::default(),
                format!("cannot start parser thread: {error}"),
            )),
        }
    })
}

fn tokenize(prepared: &str, map: &SpanMap) -> Result<TokenStream, ParseError> {
    TokenStream::from_str(prepared).map_err(|error| {
        let at = map.offset(error.span().start());
        // proc-macro2 reports an empty span; cover the character there and say what it is.
        let found = prepared.get(at..).and_then(|rest| rest.chars().next());
        let span = Span::new(at, at + found.map_or(0, char::len_utf8));
        let message = match found {
            Some(open @ ('(' | '[' | '{')) => format!("unclosed delimiter `{open}`"),
            Some(close @ (')' | ']' | '}')) => format!("unexpected closing delimiter `{close}`"),
            _ => "invalid token".to_owned(),
        };
        (span, message)
    })
}

fn parse_tokens(tokens: TokenStream, map: &SpanMap) -> Result<syn::File, ParseError> {
    syn::parse2::<syn::File>(tokens).map_err(|error| {
        let mut span = map.span(error.span());
        // "unexpected end of input" comes with a call-site span (offset 0); the end of
        // the text is where the problem is.
        if span.is_empty() && span.start == 0 && error.to_string().contains("end of input") {
            span = Span::point(map.text().len());
        }
        (span, error.to_string())
    })
}

/// The text with a leading BOM and a leading `#!` shebang line replaced by spaces of the
/// same byte length, so byte offsets are unchanged. `#![` starts an inner attribute, not a
/// shebang (as rustc decides: the first token after `#!`, past whitespace and comments).
fn blank_bom_and_shebang(text: &str) -> Cow<'_, str> {
    const BOM: &str = "\u{feff}";
    let bom_len = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let rest = &text[bom_len..];
    let shebang_len = if rest.starts_with("#!") && !skip_trivia(&rest[2..]).starts_with('[') {
        rest.find('\n').unwrap_or(rest.len())
    } else {
        0
    };
    let blank = bom_len + shebang_len;
    if blank == 0 {
        return Cow::Borrowed(text);
    }
    let mut prepared = String::with_capacity(text.len());
    prepared.extend(std::iter::repeat_n(' ', blank));
    prepared.push_str(&text[blank..]);
    Cow::Owned(prepared)
}

/// `text` after leading whitespace, line comments and (nested) block comments.
fn skip_trivia(mut text: &str) -> &str {
    loop {
        let trimmed = text.trim_start();
        if let Some(after) = trimmed.strip_prefix("//") {
            text = after.find('\n').map_or("", |newline| &after[newline..]);
        } else if trimmed.starts_with("/*") {
            let mut depth = 0usize;
            let bytes = trimmed.as_bytes();
            let mut i = 0;
            let mut end = trimmed.len();
            while i + 1 < bytes.len() {
                match (bytes[i], bytes[i + 1]) {
                    (b'/', b'*') => {
                        depth += 1;
                        i += 2;
                    }
                    (b'*', b'/') => {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => i += 1,
                }
            }
            text = &trimmed[end..];
        } else {
            return trimmed;
        }
    }
}

/// How deep a syntax tree built from some tokens can be, and where that depth is reached.
#[derive(Debug, Clone, Copy)]
pub struct NestingEstimate {
    pub depth: usize,
    pub deepest: Option<proc_macro2::Span>,
}

/// An upper bound (roughly) on the depth of the syntax tree syn builds from `tokens`,
/// computed without recursion.
///
/// Within one delimited group, any token can add a level (`!!!!x`, `a.b().c()`,
/// `x + y + z`, `else if` chains), except that separators start afresh: `;`, a `{ .. }`
/// group followed by an identifier other than `else`/`as` (the next item or match arm),
/// and `,` where it separates siblings. A `,` inside closure parameters (`|a, b| ..`) or
/// generic arguments (`A<B, C<..>>`) does not: what follows still nests in what came
/// before. Attributes (`#[..]`, which doc comments become) count nothing and reset
/// nothing, so `- #[a] - #[a] x` still adds up. The estimate at a token is the count
/// since the last fresh start, summed over the enclosing groups, plus the group depth.
pub fn nesting_estimate(tokens: &TokenStream) -> NestingEstimate {
    struct Level {
        tokens: proc_macro2::token_stream::IntoIter,
        run: usize,
        after_brace_group: bool,
        /// `<` not yet closed by `>`: commas between are generic arguments.
        open_angles: usize,
        /// Between the `|`s of closure parameters.
        in_closure_params: bool,
        /// The previous token ends an operand (`a |` is binary or, `= |` opens a closure).
        after_operand: bool,
        /// The next token is an attribute's `[..]` (after `#` or `#!`).
        in_attribute: bool,
        /// The previous token is a `<` joined to the next: `<<` and `<=` open nothing.
        after_joint_lt: bool,
    }
    impl Level {
        fn new(tokens: proc_macro2::token_stream::IntoIter) -> Self {
            Level {
                tokens,
                run: 0,
                after_brace_group: false,
                open_angles: 0,
                in_closure_params: false,
                after_operand: false,
                in_attribute: false,
                after_joint_lt: false,
            }
        }
    }
    let mut best = NestingEstimate {
        depth: 0,
        deepest: None,
    };
    let mut stack: Vec<Level> = Vec::new();
    let mut outer_sum = 0usize;
    let mut level = Level::new(tokens.clone().into_iter());
    loop {
        let Some(token) = level.tokens.next() else {
            let Some(parent) = stack.pop() else {
                return best;
            };
            outer_sum -= parent.run;
            level = parent;
            continue;
        };
        let punct = match &token {
            TokenTree::Punct(p) => Some(p.as_char()),
            _ => None,
        };
        let opens_angle = matches!(&token, TokenTree::Punct(p)
            if p.as_char() == '<' && p.spacing() == Spacing::Alone && !level.after_joint_lt);
        level.after_joint_lt = matches!(&token, TokenTree::Punct(p)
            if p.as_char() == '<' && p.spacing() == Spacing::Joint);
        let is_attribute_group = level.in_attribute
            && matches!(&token, TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket);
        if punct == Some('#') || (level.in_attribute && punct == Some('!')) {
            level.in_attribute = true;
            continue;
        }
        level.in_attribute = false;
        if is_attribute_group {
            // Looked into (a macro call inside counts) but neither counted nor a break:
            // `after_brace_group` survives, so `} #[test] fn` still starts a new item.
            if let TokenTree::Group(group) = token {
                let parent = std::mem::replace(&mut level, Level::new(group.stream().into_iter()));
                outer_sum += parent.run;
                stack.push(parent);
            }
            continue;
        }
        match punct {
            Some('<') if opens_angle => level.open_angles += 1,
            Some('>') => level.open_angles = level.open_angles.saturating_sub(1),
            Some('|') if level.in_closure_params => level.in_closure_params = false,
            Some('|') if !level.after_operand => level.in_closure_params = true,
            _ => {}
        }
        let separator = punct == Some(';')
            || (punct == Some(',') && level.open_angles == 0 && !level.in_closure_params);
        let starts_next_item = level.after_brace_group
            && match &token {
                TokenTree::Ident(ident) => ident != "else" && ident != "as",
                _ => false,
            };
        if separator || starts_next_item {
            level.run = 0;
        }
        if punct == Some(';') {
            level.open_angles = 0;
            level.in_closure_params = false;
        }
        level.after_brace_group = false;
        level.after_operand = match &token {
            TokenTree::Ident(ident) => !matches!(
                ident.to_string().as_str(),
                "move" | "return" | "async" | "static" | "in" | "else" | "break"
            ),
            TokenTree::Literal(_) | TokenTree::Group(_) => true,
            TokenTree::Punct(_) => false,
        };
        if separator {
            continue;
        }
        // Every token counts, joint punctuation too: `!!!!x` is lexed as joint `!`s.
        level.run += 1;
        let depth = outer_sum + stack.len() + level.run;
        if depth > best.depth {
            best = NestingEstimate {
                depth,
                deepest: Some(token.span()),
            };
        }
        if let TokenTree::Group(group) = token {
            let mut parent = std::mem::replace(&mut level, Level::new(group.stream().into_iter()));
            parent.after_brace_group = group.delimiter() == Delimiter::Brace;
            outer_sum += parent.run;
            stack.push(parent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> usize {
        with_parsed(text, |file, _| file.items.len()).expect("parses")
    }

    /// The byte span of the first item's identifier, sliced from the original text.
    fn first_fn_name(text: &str) -> String {
        let span = with_parsed(text, |file, map| match &file.items[0] {
            syn::Item::Fn(function) => map.span(function.sig.ident.span()),
            _ => Span::default(),
        })
        .expect("parses");
        text[span.start..span.end].to_owned()
    }

    #[test]
    fn spans_are_exact_bytes_with_multibyte_text() {
        let text = "// é ü 日本\nfn 名前() { let s = \"ß\"; }\n";
        assert_eq!(first_fn_name(text), "名前");
    }

    #[test]
    fn bom_keeps_offsets_exact() {
        let text = "\u{feff}fn main() {}\n";
        assert_eq!(first_fn_name(text), "main");
        let text = "\u{feff}fn ünïcode() {}\n";
        assert_eq!(first_fn_name(text), "ünïcode");
    }

    #[test]
    fn shebang_keeps_offsets_exact() {
        let text = "#!/usr/bin/env run-cargo-script — ß\nfn main() {}\n";
        assert_eq!(first_fn_name(text), "main");
        let text = "\u{feff}#!/bin/sh\n\nfn go() {}";
        assert_eq!(first_fn_name(text), "go");
    }

    #[test]
    fn inner_attribute_is_not_a_shebang() {
        let text = "#![allow(dead_code)]\nfn main() {}\n";
        assert_eq!(first_fn_name(text), "main");
        let text = "#! // comment\n [allow(dead_code)]\nfn main() {}\n";
        assert_eq!(parse_ok(text), 1);
    }

    #[test]
    fn crlf_line_endings() {
        let text = "use a::b;\r\n\r\nfn é() {}\r\n";
        assert_eq!(first_fn_name_at(text, 1), "é");
    }

    fn first_fn_name_at(text: &str, item: usize) -> String {
        let span = with_parsed(text, |file, map| match &file.items[item] {
            syn::Item::Fn(function) => map.span(function.sig.ident.span()),
            _ => Span::default(),
        })
        .expect("parses");
        text[span.start..span.end].to_owned()
    }

    #[test]
    fn syntax_error_has_span_and_message() {
        let text = "fn main() {\n    let x = ;\n}\n";
        let (span, message) = with_parsed(text, |_, _| ()).unwrap_err();
        assert_eq!(&text[span.start..span.end], ";");
        assert!(message.contains("expected"), "{message}");
    }

    #[test]
    fn unbalanced_delimiter_is_a_tokenize_error() {
        let text = "fn main() {\n    foo(ü;\n}\n";
        let (span, message) = with_parsed(text, |_, _| ()).unwrap_err();
        // The `(` is never closed: the `}` is where the mismatch shows.
        assert_eq!(span, Span::new(24, 25));
        assert_eq!(message, "unexpected closing delimiter `}`");
        let text = "fn main() {\n    foo(ü";
        let (span, message) = with_parsed(text, |_, _| ()).unwrap_err();
        assert_eq!(span, Span::new(19, 20));
        assert_eq!(message, "unclosed delimiter `(`");
        let text = "fn main() { ü) }";
        let (span, message) = with_parsed(text, |_, _| ()).unwrap_err();
        assert_eq!(&text[span.start..span.end], ")");
        assert_eq!(message, "unexpected closing delimiter `)`");
        let text = "fn main() { let s = \"ß; }";
        let (span, message) = with_parsed(text, |_, _| ()).unwrap_err();
        assert_eq!(&text[span.start..span.end], "\"");
        assert_eq!(message, "invalid token");
    }

    #[test]
    fn unexpected_end_points_at_end_of_text() {
        let text = "fn main()";
        let (span, message) = with_parsed(text, |_, _| ()).unwrap_err();
        assert_eq!(span, Span::point(text.len()));
        assert!(message.starts_with("unexpected end of input"), "{message}");
        let text = "use a::";
        let (span, _) = with_parsed(text, |_, _| ()).unwrap_err();
        assert_eq!(span, Span::point(text.len()));
    }

    #[test]
    fn empty_and_odd_inputs_do_not_panic() {
        for text in [
            "",
            "\u{feff}",
            "#!",
            "#!\n",
            "\u{feff}#!x",
            "#![",
            "/*",
            "\"",
            "'",
            "r#\"",
        ] {
            let _ = with_parsed(text, |file, _| file.items.len());
        }
        assert_eq!(parse_ok(""), 0);
        assert_eq!(parse_ok("#!/bin/x"), 0);
    }

    #[test]
    fn nested_parse_does_not_invalidate_outer_spans() {
        let text = "fn outer() {}";
        let span = with_parsed(text, |file, map| {
            let inner = with_parsed("fn inner() {}", |file, _| file.items.len());
            assert_eq!(inner, Ok(1));
            match &file.items[0] {
                syn::Item::Fn(function) => map.span(function.sig.ident.span()),
                _ => Span::default(),
            }
        })
        .expect("parses");
        assert_eq!(&text[span.start..span.end], "outer");
    }

    #[test]
    fn estimate_is_small_for_ordinary_code() {
        let text = "use std::io;\nfn a() { let x = foo(1, 2).bar().baz(); if x { y() } else { z() } }\n\
                    fn b() {}\nfn c() {}\nimpl X { fn d(&self) -> u8 { match 1 { 1 => {} _ => {} } 0 } }";
        let tokens = TokenStream::from_str(text).expect("lexes");
        assert!(nesting_estimate(&tokens).depth <= 20);
    }

    #[test]
    fn estimate_grows_with_nesting() {
        let deep = format!("fn f() {{ {}x{} }}", "(".repeat(50), ")".repeat(50));
        let tokens = TokenStream::from_str(&deep).expect("lexes");
        assert!(nesting_estimate(&tokens).depth >= 50);
        let unary = format!("fn f() {{ {}x }}", "!".repeat(400));
        let tokens = TokenStream::from_str(&unary).expect("lexes");
        assert!(nesting_estimate(&tokens).depth >= 400);
    }

    /// Nesting that runs through commas and attributes at one token level: each of
    /// these overflowed the 2 MiB worker stack while the estimate stayed small.
    #[test]
    fn nesting_through_commas_and_attributes_is_counted() {
        for (unit, count, end) in [
            ("|a,| ", 476, "x"),
            (".. #[a] ", 743, "x"),
            ("- #[a] ", 1_577, "x"),
            ("1 + #[a] ", 26_000, "1"),
        ] {
            let text = format!("fn f() {{ {}{end}; }}\nfn g() {{}}\n", unit.repeat(count));
            let tokens = TokenStream::from_str(&text).expect("lexes");
            let depth = nesting_estimate(&tokens).depth;
            assert!(depth >= count, "`{unit}` x {count}: estimate {depth}");
            // Parsed on the big stack, or refused with an error: never an overflow.
            let _ = with_parsed(&text, |file, _| file.items.len());
        }
        let generic = format!("type T = {}u8{};", "A<B, ".repeat(500), ">".repeat(500));
        let tokens = TokenStream::from_str(&generic).expect("lexes");
        assert!(nesting_estimate(&tokens).depth >= 500);
    }

    #[test]
    fn separators_still_reset_ordinary_code() {
        let list = format!("const T: [u8; 9000] = [{}];", "1, ".repeat(9000));
        let tokens = TokenStream::from_str(&list).expect("lexes");
        assert!(nesting_estimate(&tokens).depth <= 20);
        let items = "#[test]\nfn a() {}\n".repeat(3000);
        let tokens = TokenStream::from_str(&items).expect("lexes");
        assert!(nesting_estimate(&tokens).depth <= 20);
        let calls = "f(a | b, c);\n".repeat(2000);
        let text = format!("fn m() {{ {calls} }}");
        let tokens = TokenStream::from_str(&text).expect("lexes");
        assert!(nesting_estimate(&tokens).depth <= 20);
        let map = "let v: HashMap<String, Vec<u8>> = x.iter().map(|a, b| a).collect();".repeat(500);
        let text = format!("fn m() {{ {map} }}");
        let tokens = TokenStream::from_str(&text).expect("lexes");
        assert!(nesting_estimate(&tokens).depth <= 40);
    }

    #[test]
    fn moderately_deep_file_parses_on_helper_thread() {
        let chain = ".m()".repeat(INLINE_NESTING_LIMIT);
        let text = format!("fn f() {{ x{chain}; }}\nfn g() {{}}");
        assert_eq!(first_fn_name_at(&text, 1), "g");
    }

    #[test]
    fn absurdly_deep_file_is_refused_without_overflow() {
        let text = format!(
            "fn f() {{ {}x{} }}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        let (_, message) = with_parsed(&text, |_, _| ()).unwrap_err();
        assert!(message.contains("nesting too deep"), "{message}");
        let text = format!("fn f() {{ {}x }}", "!".repeat(100_000));
        assert!(with_parsed(&text, |_, _| ()).is_err());
    }
}
