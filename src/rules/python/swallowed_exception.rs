//! PY050 swallowed-exception: a broad `except` (bare, `Exception`, `BaseException`) whose
//! body only passes, continues or returns nothing: the error disappears without a trace.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use crate::model::python::{ExceptHandler, Module, TrivialBody};

/// A broad clause (bare, `Exception`, `BaseException`) whose body starts with a do-nothing
/// statement: the regex confirms what the literal `except` only suggests.
pub const TRIGGERS: Gate = Gate::Regex {
    literals: &["except"],
    pattern: r"except(?:[ \t]*|[ \t(][^:\n]*\b(?:Exception|BaseException)\b[^:\n]*):\s*(?:#[^\n]*\s*)*(?:pass|\.\.\.|continue|return)\b",
};

/// A function whose name says it returns nothing when it fails: `parse_date_safe`,
/// `safe_decode`, `try_import`, `get_or_none`.
fn none_on_failure(name: &str) -> bool {
    let name = name.trim_start_matches('_');
    name.ends_with("_safe")
        || name.starts_with("safe_")
        || name.starts_with("try_")
        || name.ends_with("_or_none")
}

/// The swallow is what the code means: a comment in the clause says why, or the code
/// does — a "None on failure" function, a fallback the next statement reads.
fn intended(module: &Module, handler: &ExceptHandler) -> bool {
    if handler.explained {
        return true;
    }
    match handler.trivial {
        Some(TrivialBody::Pass | TrivialBody::Return) => {
            handler
                .function
                .is_some_and(|f| none_on_failure(&module.function(f).name))
                || (handler.trivial == Some(TrivialBody::Pass) && handler.fallback_read_after)
        }
        Some(TrivialBody::Continue) | None => false,
    }
}

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    for handler in &module.handlers {
        if !handler.body_is_trivial || intended(module, handler) {
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
