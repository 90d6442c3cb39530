//! Python front-end: a reusable tree-sitter parser and the first syntax error of a tree.
//!
//! tree-sitter is error tolerant, so a file with a syntax error still yields a tree whose
//! well-formed parts the model reads; the error itself is reported as a note.

use crate::source::Span;

/// A tree-sitter parser set up for Python. Creating one loads the grammar, so keep one per
/// thread and reuse it across files.
pub struct PythonParser {
    parser: tree_sitter::Parser,
}

impl PythonParser {
    pub fn new() -> Self {
        let mut parser = tree_sitter::Parser::new();
        // The grammar is compiled in and matches the tree-sitter ABI this crate links, so
        // this can only fail on a build mismatch, which every test would reveal at once.
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .expect("tree-sitter-python grammar matches the linked tree-sitter ABI");
        PythonParser { parser }
    }

    /// Parse `text`. `None` only if tree-sitter gives up (cancellation or timeout, neither
    /// of which we set), never because of a syntax error.
    pub fn parse(&mut self, text: &str) -> Option<tree_sitter::Tree> {
        self.parser.parse(text, None)
    }

    /// Parse only `regions` of `text` (see `python_outline`); node offsets and positions
    /// stay those of the whole text. `None` if tree-sitter refuses the ranges or gives up.
    pub fn parse_regions(
        &mut self,
        text: &str,
        regions: &[crate::lang::python_outline::Region],
    ) -> Option<tree_sitter::Tree> {
        let ranges: Vec<tree_sitter::Range> = regions
            .iter()
            .map(|r| tree_sitter::Range {
                start_byte: r.start,
                end_byte: r.end,
                start_point: tree_sitter::Point::new(r.start_row, 0),
                end_point: tree_sitter::Point::new(r.end_row, r.end_column),
            })
            .collect();
        self.parser.set_included_ranges(&ranges).ok()?;
        let tree = self.parser.parse(text, None);
        // The parser is reused for the next file, which is parsed whole unless told.
        self.parser
            .set_included_ranges(&[])
            .expect("an empty range list is always accepted");
        tree
    }
}

impl Default for PythonParser {
    fn default() -> Self {
        Self::new()
    }
}

/// The byte span of the first (in source order) ERROR or MISSING node of `tree`, if any.
/// Only subtrees that contain an error are entered, so a clean tree costs one check.
pub fn first_syntax_error(tree: &tree_sitter::Tree) -> Option<Span> {
    let root = tree.root_node();
    if !root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            return Some(Span::new(node.start_byte(), node.end_byte()));
        }
        // Descend into the first child that holds an error; has_error() on a node is true
        // when the node or a descendant is an error, so this path always ends at one.
        if !cursor.goto_first_child() {
            return Some(Span::new(node.start_byte(), node.end_byte()));
        }
        while !(cursor.node().has_error() || cursor.node().is_missing()) {
            if !cursor.goto_next_sibling() {
                // No child carries the error flag: the node itself is the best span.
                return Some(Span::new(node.start_byte(), node.end_byte()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_text(text: &str) -> Option<&str> {
        let mut parser = PythonParser::new();
        let tree = parser.parse(text).expect("parse");
        first_syntax_error(&tree).map(|span| &text[span.start..span.end])
    }

    #[test]
    fn clean_file_has_no_error() {
        assert_eq!(error_text("import os\nos.getcwd()\n"), None);
    }

    #[test]
    fn reports_first_error() {
        let text = "x = 1\ndef f(:\n    pass\ny = (\n";
        let mut parser = PythonParser::new();
        let tree = parser.parse(text).expect("parse");
        let span = first_syntax_error(&tree).expect("an error");
        // The first error lies on the `def f(:` line, before the unclosed paren.
        assert!(span.start >= text.find("def").unwrap());
        assert!(span.start < text.find("y = (").unwrap());
    }

    #[test]
    fn missing_node_is_an_error() {
        // An unclosed call: tree-sitter inserts a MISSING `)` or an ERROR node.
        assert!(error_text("print(1\n").is_some());
    }

    #[test]
    fn parser_is_reusable() {
        let mut parser = PythonParser::new();
        for _ in 0..3 {
            let tree = parser.parse("a = 1\n").expect("parse");
            assert!(!tree.root_node().has_error());
        }
    }
}
