//! PY041 dangling-task: an asyncio task whose only reference is dropped — the spawning
//! call is a bare expression statement, or its result goes into a local name that is
//! never mentioned again — and `asyncio.gather(...)` neither awaited nor kept. The loop
//! keeps only a weak reference to a task, so it can vanish mid-flight, and its errors are
//! lost.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::model::python::{AssignTarget, Assignment, Call, Module};
use crate::source::Span;

pub const TRIGGERS: &[&str] = &["create_task", "ensure_future", "gather"];

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
    "asyncio.BaseEventLoop.create_task",
    "asyncio.events.AbstractEventLoop.create_task",
];

/// Wraps its awaitables in tasks and returns a future over them.
const GATHER: &[&str] = &["asyncio.gather", "asyncio.tasks.gather"];

const HELP: &str = "keep a reference (`tasks.add(task)` with `task.add_done_callback(tasks.discard)`), await it, or use `asyncio.TaskGroup`";

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
            .help(HELP);
        }
    }
    for name in GATHER {
        for call in module.calls_to(name) {
            if !call.is_expression_statement {
                continue;
            }
            out.report(
                call.span,
                format!(
                    "`{}(...)` is neither awaited nor kept: its tasks run unwatched and their exceptions are never seen",
                    call.callee_text
                ),
            )
            .help("`await` it, or keep the future and await it later");
        }
    }
    for assignment in &module.assignments {
        let Some(call) = assignment.value_call.map(|id| module.call(id)) else {
            continue;
        };
        if !is_spawner(call) {
            continue;
        }
        let Some(name) = unused_local(file, module, assignment) else {
            continue;
        };
        out.report(
            call.span,
            format!(
                "the task from `{}(...)` is stored in `{name}`, which is never used: it can be garbage-collected before it finishes, and its exception is never seen",
                call.callee_text
            ),
        )
        .help(HELP);
    }
}

/// The name of a local variable `assignment` binds that its function never mentions
/// anywhere else — before it (a `global`/`nonlocal` declaration, an earlier round of a
/// loop) or after it.
fn unused_local<'m>(
    file: &PythonFile,
    module: &Module,
    assignment: &'m Assignment,
) -> Option<&'m str> {
    let AssignTarget::Name(name) = &assignment.target else {
        return None;
    };
    let function = module.function(assignment.function?);
    let text = file.source.text.as_str();
    let before = Span::new(function.span.start, assignment.target_span.start);
    let after = Span::new(assignment.span.end, function.span.end);
    let mentioned = module.mentions(text, name, before) || module.mentions(text, name, after);
    (!mentioned).then_some(name.as_str())
}

fn is_spawner(call: &Call) -> bool {
    call.qualname
        .as_deref()
        .is_some_and(|q| SPAWNERS.contains(&q))
}
