//! PY030 unbounded-queue: in-process queues created without a bound, so a slow consumer
//! turns into unbounded memory growth instead of back-pressure.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::model::python::Literal;

/// `Queue`, `SimpleQueue`, `LifoQueue`, `PriorityQueue`, in any module.
pub const TRIGGERS: &[&str] = &["Queue"];

/// Queues bounded by `maxsize` (first positional), unbounded when it is missing or <= 0.
const SIZED: &[&str] = &[
    "queue.Queue",
    "queue.LifoQueue",
    "queue.PriorityQueue",
    "asyncio.Queue",
    "asyncio.LifoQueue",
    "asyncio.PriorityQueue",
    "asyncio.queues.Queue",
    "multiprocessing.Queue",
    "multiprocessing.JoinableQueue",
    "gevent.queue.Queue",
];

/// Queues that have no bound at all.
const UNBOUNDED: &[&str] = &["queue.SimpleQueue", "multiprocessing.SimpleQueue"];

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    for qualname in SIZED {
        for call in module.calls_to(qualname) {
            let maxsize = call.keyword("maxsize").or_else(|| call.positional(0));
            let unbounded = match maxsize {
                Some(arg) => match arg.value {
                    Literal::Int(n) => n <= 0,
                    _ => false,
                },
                None => !call.has_star_args && !call.has_star_kwargs,
            };
            if unbounded {
                out.report(
                    maxsize.map_or(call.callee_span, |a| a.span),
                    format!("`{}` has no size bound", call.callee_text),
                )
                .help("pass a `maxsize` so producers block (or fail) when consumers fall behind");
            }
        }
    }
    for qualname in UNBOUNDED {
        for call in module.calls_to(qualname) {
            out.report(
                call.callee_span,
                format!("`{}` cannot be bounded", call.callee_text),
            )
            .help("use a queue with a `maxsize`");
        }
    }
}
