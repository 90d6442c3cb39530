//! PY041 dangling-task: an asyncio task created as a bare expression statement, so
//! nothing holds a reference to it (the loop keeps only a weak one) and its errors are lost.

use super::PythonFile;
use crate::diagnostic::Emitter;

pub const TRIGGERS: &[&str] = &["create_task", "ensure_future"];

/// Callables that schedule a task and return the only strong reference to it.
/// `TaskGroup.create_task` is absent on purpose: the group holds its tasks.
const SPAWNERS: &[&str] = &[
    "asyncio.create_task",
    "asyncio.tasks.create_task",
    "asyncio.ensure_future",
    "asyncio.tasks.ensure_future",
    "asyncio.get_event_loop.create_task",
    "asyncio.get_running_loop.create_task",
    "asyncio.new_event_loop.create_task",
    "asyncio.events.get_event_loop.create_task",
    "asyncio.events.get_running_loop.create_task",
    "asyncio.AbstractEventLoop.create_task",
];

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    for name in SPAWNERS {
        for call in module.calls_to(name) {
            if !call.is_expression_statement {
                continue;
            }
            out.report(
                call.span,
                format!(
                    "the task from `{}(...)` is dropped: it can be garbage-collected before it finishes, and its exception is never seen",
                    call.callee_text
                ),
            )
            .help("keep a reference (`tasks.add(task)` with `task.add_done_callback(tasks.discard)`), await it, or use `asyncio.TaskGroup`");
        }
    }
}
