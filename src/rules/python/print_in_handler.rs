//! PY052 print-in-handler: `print(...)` inside a request handler, where the output skips
//! the logging pipeline (no level, no request context) and may not be flushed.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use crate::source::Span;

/// `print(` and something that makes a function a handler (a decorator or a view class).
pub const TRIGGERS: Gate = Gate::Every(&[REGION, super::HANDLER_GATE]);

/// Where a finding can be: at the `print(` call.
pub const REGION: Gate = Gate::Any(&["print("]);

/// One finding per handler, at its first `print`: the fix (a logger) is one change to
/// the function, however many lines print.
pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    let mut handlers: Vec<(crate::model::python::FunctionId, Span, usize)> = Vec::new();
    for call in module.calls_to("builtins.print") {
        let Some(handler) = module.request_handler_of(call) else {
            continue;
        };
        match handlers.iter_mut().find(|(h, _, _)| *h == handler) {
            Some((_, first, more)) => {
                *more += 1;
                if call.callee_span.start < first.start {
                    *first = call.callee_span;
                }
            }
            None => handlers.push((handler, call.callee_span, 0)),
        }
    }
    for (handler, span, more) in handlers {
        let also = match more {
            0 => String::new(),
            1 => " (and 1 more `print` in it)".to_owned(),
            n => format!(" (and {n} more `print`s in it)"),
        };
        out.report(
            span,
            format!(
                "`print(...)` in request handler `{}` bypasses logging{also}",
                module.function(handler).name
            ),
        )
        .help("use a logger (`logger.info(...)`) so the line has a level, a timestamp and the request's context");
    }
}
