//! PY051 error-log-without-traceback: `logger.error(...)` inside an `except` clause
//! without `exc_info`, so the log says something failed but not where or why — unless
//! the clause writes the traceback another way (`logger.exception`, `exc_info=` on
//! another log call, `traceback.format_exc()`) or re-raises.

use super::{PythonFile, logger_method};
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use crate::model::python::{Call, HandlerId};

pub const TRIGGERS: Gate = Gate::Every(&[REGION, Gate::Any(&["except"])]);

/// Where a finding can be: at an `error(`/`critical(` call on something (`log.error(`) or
/// by itself (`from logging import error`), not at `add_error(`.
pub const REGION: Gate = Gate::Regex {
    literals: &["error(", "critical("],
    pattern: r"\b(?:error|critical)\(",
};

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    for (index, handler) in module.handlers.iter().enumerate() {
        // Logged and re-raised: the traceback surfaces where the error is handled. A
        // specific exception (`except Group.DoesNotExist:`) is an expected case whose
        // message says what happened; only a broad clause hides an unexpected error.
        if handler.body_reraises || handler.broad().is_none() {
            continue;
        }
        // Only calls in this clause itself, not in one nested in it.
        let calls: Vec<&Call> = handler
            .body_calls
            .iter()
            .map(|&id| module.call(id))
            .filter(|call| call.handler == Some(HandlerId(index)))
            .collect();
        // Another statement of the clause writes the traceback: the error log beside it
        // loses nothing.
        if calls.iter().any(|call| writes_traceback(call)) {
            continue;
        }
        for call in calls {
            let Some(method) = logger_method(call) else {
                continue;
            };
            if method != "error" && method != "critical" {
                continue;
            }
            if call.keyword("exc_info").is_some() || call.has_star_kwargs {
                continue;
            }
            out.report(
                call.callee_span,
                format!(
                    "`{}(...)` in an `except` clause logs no traceback",
                    call.callee_text
                ),
            )
            .help("use `logger.exception(...)`, or pass `exc_info=True`");
            // One finding per clause: one traceback is all the clause needs to write.
            break;
        }
    }
}

/// Does the call write the exception's traceback: `logger.exception(...)`, a logging call
/// with `exc_info=`, or the `traceback` module printing or formatting it?
fn writes_traceback(call: &Call) -> bool {
    if let Some(method) = logger_method(call) {
        return method == "exception" || call.keyword("exc_info").is_some();
    }
    matches!(
        call.qualname.as_deref(),
        Some(
            "traceback.print_exc"
                | "traceback.format_exc"
                | "traceback.print_exception"
                | "traceback.format_exception"
        )
    )
}
