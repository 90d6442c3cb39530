//! PY050 swallowed-exception: a broad `except` (bare, `Exception`, `BaseException`) whose
//! body only passes, continues or returns nothing: the error disappears without a trace.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::gate::Gate;

/// A broad clause (bare, `Exception`, `BaseException`) whose body starts with a do-nothing
/// statement: the regex confirms what the literal `except` only suggests.
pub const TRIGGERS: Gate = Gate::Regex {
    literals: &["except"],
    pattern: r"except(?:[ \t]*|[ \t(][^:\n]*\b(?:Exception|BaseException)\b[^:\n]*):\s*(?:#[^\n]*\s*)*(?:pass|\.\.\.|continue|return)\b",
};

pub fn check(file: &PythonFile, out: &mut Emitter) {
    for handler in &file.module.handlers {
        if !handler.body_is_trivial {
            continue;
        }
        let caught = match handler.broad() {
            None => continue,
            Some("") => "`except:`".to_owned(),
            Some(broad) => format!("`except {broad}`"),
        };
        out.report(
            handler.keyword_span,
            format!("{caught} silences every error here without logging or re-raising it"),
        )
        .help(
            "catch the specific exceptions you expect, or log the error (`logger.exception(...)`)",
        );
    }
}
