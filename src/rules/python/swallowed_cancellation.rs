//! PY042 swallowed-cancellation: an `except` clause that catches `asyncio.CancelledError`
//! (or everything, in an `async def`) and does not re-raise, so the task cannot be cancelled.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use crate::model::python::{ExceptHandler, Module};

pub const TRIGGERS: Gate = Gate::Either(&[
    Gate::Any(&["CancelledError"]),
    Gate::All(&[&["async def"], &["BaseException", "except:"]]),
]);

/// Where a finding can be: at the `except` clause.
pub const REGION: Gate = Gate::Any(&["CancelledError", "BaseException", "except:"]);

const CANCELLED: &[&str] = &[
    "asyncio.CancelledError",
    "asyncio.exceptions.CancelledError",
    "asyncio.futures.CancelledError",
];

fn what_is_caught(handler: &ExceptHandler) -> Option<&'static str> {
    if CANCELLED.iter().any(|name| handler.catches(name)) {
        return Some("`asyncio.CancelledError`");
    }
    // A broad clause that captures the error (`except BaseException as exc:` handing
    // `exc` on, `sys.exc_info()`) is plumbing that forwards it, cancellation included.
    if !handler.in_async || handler.binds_name.is_some() {
        return None;
    }
    match &handler.types {
        None => Some("everything (bare `except:`), `CancelledError` included,"),
        Some(_)
            if handler.catches("BaseException") || handler.catches("builtins.BaseException") =>
        {
            Some("`BaseException`, `CancelledError` included,")
        }
        Some(_) => None,
    }
}

/// `task.cancel()` earlier in the same function: the clause waits for a task this code
/// cancelled itself, the documented way to await a cancellation.
fn awaits_own_cancel(module: &Module, handler: &ExceptHandler) -> bool {
    module.calls().any(|call| {
        call.function == handler.function
            && call.span.start < handler.span.start
            && call.callee_text.ends_with(".cancel")
    })
}

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    for handler in &module.handlers {
        if handler.body_reraises {
            continue;
        }
        let Some(what) = what_is_caught(handler) else {
            continue;
        };
        let broad = !CANCELLED.iter().any(|name| handler.catches(name));
        let captures = handler
            .body_calls
            .iter()
            .any(|&id| module.call(id).is("sys.exc_info"));
        if broad && captures {
            continue;
        }
        if awaits_own_cancel(module, handler) {
            continue;
        }
        // The last thing the coroutine does, with a comment saying why (a client that
        // disconnected mid-send): once the clause is done the function returns, so the
        // cancellation still ends the task.
        if handler.try_ends_function && handler.explained {
            continue;
        }
        out.report(
            handler.keyword_span,
            format!("this clause catches {what} and never re-raises it, so the task cannot be cancelled"),
        )
        .help("clean up, then `raise`; catch `Exception` instead when cancellation should pass through");
    }
}
