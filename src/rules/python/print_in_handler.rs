//! PY052 print-in-handler: `print(...)` inside a request handler, where the output skips
//! the logging pipeline (no level, no request context) and may not be flushed.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::gate::Gate;

/// `print(` and something that makes a function a handler (a decorator or a view class).
pub const TRIGGERS: Gate = Gate::Every(&[REGION, super::HANDLER_GATE]);

/// Where a finding can be: at the `print(` call.
pub const REGION: Gate = Gate::Any(&["print("]);

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    for call in module.calls_to("builtins.print") {
        let Some(handler) = module.request_handler_of(call) else {
            continue;
        };
        out.report(
            call.callee_span,
            format!(
                "`print(...)` in request handler `{}` bypasses logging",
                module.function(handler).name
            ),
        )
        .help("use a logger (`logger.info(...)`) so the line has a level, a timestamp and the request's context");
    }
}
