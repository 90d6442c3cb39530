//! PY041 dangling-task: an asyncio task whose only reference is dropped — the spawning
//! call is a bare expression statement, or its result goes into a local name that is
//! never mentioned again — and `asyncio.gather(...)` neither awaited nor kept. The loop
//! keeps only a weak reference to a task, so it can vanish mid-flight, and its errors are
//! lost — unless the coroutine is one of this module's own that catches and handles every
//! error itself, in which case the message says only the first half.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::model::python::{ArgumentKind, AssignTarget, Assignment, Call, FunctionId, Module};
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
                    "the task from `{}(...)` is dropped: it can be garbage-collected before it finishes{}",
                    call.callee_text,
                    unseen_errors(module, call)
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
                "the task from `{}(...)` is stored in `{name}`, which is never used: it can be garbage-collected before it finishes{}",
                call.callee_text,
                unseen_errors(module, call)
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

/// The second half of the message: what happens to the task's errors. Said unless the
/// task runs a coroutine of this module that handles its own errors.
fn unseen_errors(module: &Module, spawn: &Call) -> &'static str {
    if runs_self_handling_coroutine(module, spawn) {
        ""
    } else {
        ", and its exception is never seen"
    }
}

/// `create_task(report())` where `report` is this module's only top-level `async def` of
/// that name, and its body ends in a `try` whose broad `except` does something (logs,
/// cleans up) without re-raising: the task's errors are seen by its own handler. What
/// runs before that `try` is not weighed; an `await asyncio.sleep` there fails only when
/// the task is cancelled.
fn runs_self_handling_coroutine(module: &Module, spawn: &Call) -> bool {
    let Some(argument) = spawn
        .arguments
        .iter()
        .find(|a| a.kind == ArgumentKind::Positional)
    else {
        return false;
    };
    let Some(coroutine) = module.calls().find(|c| c.span == argument.value_span) else {
        return false;
    };
    let name = coroutine.callee_text.as_str();
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return false;
    }
    let mut defined = module.functions.iter().enumerate().filter(|(_, f)| {
        f.name == name && f.is_async && !f.is_method && !f.is_lambda && f.parent.is_none()
    });
    let (Some((index, _)), None) = (defined.next(), defined.next()) else {
        return false;
    };
    module.handlers.iter().any(|handler| {
        handler.function == Some(FunctionId(index))
            && handler.parent.is_none()
            && handler.broad().is_some()
            && handler.try_ends_function
            && !handler.body_reraises
            && !handler.body_is_trivial
    })
}
