//! PY051 error-log-without-traceback: `logger.error(...)` inside an `except` clause
//! without `exc_info`, so the log says something failed but not where or why.

use super::{PythonFile, logger_method};
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use crate::model::python::HandlerId;

pub const TRIGGERS: Gate = Gate::Every(&[REGION, Gate::Any(&["except"])]);

/// Where a finding can be: at an `error(`/`critical(` call on something (`log.error(`) or
/// by itself (`from logging import error`), not at `add_error(`.
pub const REGION: Gate = Gate::Regex {
    literals: &["error(", "critical("],
    pattern: r"(?:^|[^\w])(?:error|critical)\(",
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
        for &id in &handler.body_calls {
            let call = module.call(id);
            // Only calls in this clause itself, not in one nested in it.
            if call.handler != Some(HandlerId(index)) {
                continue;
            }
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
        }
    }
}
