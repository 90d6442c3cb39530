//! PY060 retry-without-backoff: retries that hammer or never stop — a `while True:` or
//! `for _ in range(N):` loop that catches an exception and goes round again with no sleep
//! or backoff anywhere in the loop; tenacity `@retry` without `stop=` or `wait=`; a urllib3
//! `Retry(...)` that retries with no `backoff_factor`.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use crate::model::python::{Call, Literal, Loop, LoopKind, Module};

/// A retry library, or an `except` in a file with a retry-shaped loop (`while True:`,
/// `for _ in range(3):`, `itertools.count()`; see `is_retry_shaped`).
pub const TRIGGERS: Gate = Gate::Either(&[
    Gate::Any(&["retry", "Retry"]),
    Gate::Regex {
        literals: &["except"],
        pattern: r"while\s+(?:True|1)\b|in\s+range\(\s*[0-9]|in\s+(?:itertools\.)?count\(",
    },
]);

const TENACITY: &[&str] = &[
    "tenacity.retry",
    "tenacity.Retrying",
    "tenacity.AsyncRetrying",
];

const URLLIB3_RETRY: &[&str] = &[
    "urllib3.Retry",
    "urllib3.util.Retry",
    "urllib3.util.retry.Retry",
    "requests.adapters.Retry",
    "requests.packages.urllib3.util.retry.Retry",
    "requests.packages.urllib3.Retry",
];

/// Words in a callee's last name that mean the loop waits between rounds
/// (`time.sleep`, `self._backoff()`, `event.wait(5)`, `selector.select(1)`).
const WAITING_WORDS: &[&str] = &[
    "sleep", "wait", "backoff", "delay", "select", "poll", "join",
];

/// Exceptions that say the data or the program is wrong, not that a dependency is
/// briefly unavailable: catching them in a loop is parsing or probing, not retrying
/// (by the last part of the name, so `struct.error` and `errors.KeyError` match too).
const NOT_TRANSIENT: &[&str] = &[
    "KeyError",
    "IndexError",
    "LookupError",
    "ValueError",
    "TypeError",
    "AttributeError",
    "NameError",
    "SyntaxError",
    "StopIteration",
    "StopAsyncIteration",
    "KeyboardInterrupt",
    "SystemExit",
    "GeneratorExit",
    "UnicodeError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "FileExistsError",
    "FileNotFoundError",
    "IsADirectoryError",
    "NotADirectoryError",
    "PermissionError",
    "InterruptedError",
    "BlockingIOError",
    "EOFError",
    "ZeroDivisionError",
    "OverflowError",
    "AssertionError",
    "ImportError",
    "ModuleNotFoundError",
    "IntegrityError",
    "CreateError",
    "CancelledError",
    "error",
    "Error",
    "Empty",
    "Full",
];

/// Whether the clause may catch a transient failure worth retrying.
fn catches_transient(types: Option<&Vec<String>>) -> bool {
    match types {
        None => true,
        Some(types) => types.iter().any(|name| {
            let last = name.rsplit('.').next().unwrap_or(name);
            !NOT_TRANSIENT.contains(&last)
        }),
    }
}

/// Whether a call in the loop waits between rounds: a waiting word in its name, or a
/// `timeout=` that bounds a wait (`queue.get(timeout=1)`, `event.wait(timeout=5)`). The
/// `timeout=` of an outbound request (PY001's table) bounds the attempt itself: a refused
/// connection fails at once, and the loop goes round again at once.
fn waits(call: &Call) -> bool {
    let last = call
        .callee_text
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let is_request = call.qualname.as_deref().is_some_and(|q| {
        super::http_call_without_timeout::table()
            .iter()
            .any(|entry| entry.names.iter().any(|n| n == q))
    });
    WAITING_WORDS.iter().any(|word| last.contains(word))
        || (call.keyword("timeout").is_some() && !is_request)
}

/// A loop that means to go round again: `while True:`, `for _ in range(<int>)`,
/// `for _ in itertools.count()`.
fn is_retry_shaped(module: &Module, loop_: &Loop) -> bool {
    match loop_.kind {
        LoopKind::While => loop_.is_while_true,
        LoopKind::For => loop_.iterable_call.is_some_and(|id| {
            let call = module.call(id);
            call.is("itertools.count")
                || (call.is("builtins.range")
                    && !call.arguments.is_empty()
                    && call
                        .arguments
                        .iter()
                        .all(|a| matches!(a.value, Literal::Int(_))))
        }),
    }
}

fn check_loops(module: &Module, out: &mut Emitter) {
    for (index, loop_) in module.loops.iter().enumerate() {
        if !is_retry_shaped(module, loop_) {
            continue;
        }
        let retrying = loop_
            .handlers
            .iter()
            .map(|&id| module.handler(id))
            // Success leaves the loop (`return`/`break` after the attempt), failure is
            // caught and goes round again.
            .find(|h| {
                h.in_loop.map(|l| l.0) == Some(index)
                    && h.try_exits
                    && !h.body_reraises
                    && !h.body_exits
                    && catches_transient(h.types.as_ref())
            });
        let Some(handler) = retrying else {
            continue;
        };
        if loop_.calls.iter().any(|&id| waits(module.call(id))) {
            continue;
        }
        let caught = match &handler.types {
            None => "any exception".to_owned(),
            Some(types) => format!("`{}`", types.join(", ")),
        };
        out.report(
            loop_.keyword_span,
            format!("this loop catches {caught} and tries again at once, with no sleep or backoff between attempts"),
        )
        .help("sleep with exponential backoff and jitter between attempts (or use tenacity/backoff), and cap the attempts");
    }
}

fn check_tenacity(module: &Module, out: &mut Emitter) {
    for name in TENACITY {
        for call in module.calls_to(name) {
            if call.has_star_kwargs {
                continue;
            }
            let missing: Vec<&str> = ["stop", "wait"]
                .into_iter()
                .filter(|k| call.keyword(k).is_none())
                .collect();
            let message = match missing.as_slice() {
                [] => continue,
                ["stop"] => format!(
                    "`{}(...)` has no `stop=`: it retries forever",
                    call.callee_text
                ),
                ["wait"] => format!(
                    "`{}(...)` has no `wait=`: it retries at once, with no backoff",
                    call.callee_text
                ),
                _ => format!(
                    "`{}(...)` has neither `stop=` nor `wait=`: it retries forever, at once",
                    call.callee_text
                ),
            };
            out.report(call.callee_span, message)
                .help("e.g. `stop=stop_after_attempt(5), wait=wait_random_exponential(multiplier=0.5, max=30)`");
        }
    }
    for function in &module.functions {
        for decorator in &function.decorators {
            if decorator.call.is_none() && decorator.qualname.as_deref() == Some("tenacity.retry") {
                out.report(
                    decorator.span,
                    format!("bare `@{}` retries `{}` forever, at once, with no backoff", decorator.text, function.name),
                )
                .help("e.g. `@retry(stop=stop_after_attempt(5), wait=wait_random_exponential(multiplier=0.5, max=30))`");
            }
        }
    }
}

fn check_urllib3(module: &Module, out: &mut Emitter) {
    for name in URLLIB3_RETRY {
        for call in module.calls_to(name) {
            if call.has_star_kwargs || call.has_star_args {
                continue;
            }
            // `Retry()` with no arguments is mostly built for its helpers
            // (`get_retry_after`, `parse_retry_after`), not to retry with.
            if call.arguments.is_empty() {
                continue;
            }
            let total = call.keyword("total").or_else(|| call.positional(0));
            let retries = match total.map(|a| &a.value) {
                None => true, // urllib3 retries 10 times by default
                // urllib3 backs off only between consecutive retries: one retry is
                // taken at once whatever `backoff_factor` says.
                Some(Literal::Int(n)) => *n > 1,
                Some(Literal::Bool(b)) => *b,
                Some(Literal::None) => true,
                Some(_) => continue,
            };
            if !retries {
                continue;
            }
            let backoff = call.keyword("backoff_factor");
            let no_backoff = match backoff.map(|a| &a.value) {
                None => true,
                Some(Literal::Int(0)) => true,
                Some(Literal::Float(f)) => *f == 0.0,
                Some(_) => false,
            };
            if no_backoff {
                out.report(
                    call.callee_span,
                    format!("`{}(...)` retries with no `backoff_factor`, so every retry follows the failure at once", call.callee_text),
                )
                .help("pass `backoff_factor=0.5` (or more) so retries back off exponentially");
            }
        }
    }
}

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    check_loops(module, out);
    check_tenacity(module, out);
    check_urllib3(module, out);
}
