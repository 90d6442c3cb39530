//! Shell words with byte offsets: the splitter every command line goes through
//! (Dockerfile shell form, `sh -c` strings, Kubernetes/compose commands, Procfiles).
//!
//! TODO(helper): implement `split` (quotes, escapes, operators) — see the contract below.

use crate::source::Span;

/// One word of a command line after quote removal, with the span of its source text
/// (quotes included) in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

impl Word {
    pub fn new(text: impl Into<String>, span: Span) -> Self {
        Word { text: text.into(), span }
    }
}
