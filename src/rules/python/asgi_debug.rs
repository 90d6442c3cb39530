//! PY012 asgi-debug: debug mode switched on in code for an ASGI framework (FastAPI,
//! Starlette, Quart, Sanic), which serves tracebacks to clients.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use crate::model::python::{AssignTarget, Literal};

pub const TRIGGERS: &[&str] = &["fastapi", "starlette", "quart", "sanic"];

/// Where a finding can be: the debug keyword or attribute (`debug`, sanic's `dev` and
/// `auto_reload`).
pub const REGION: Gate = Gate::Any(&["debug", "dev", "auto_reload"]);

/// Calls and the keywords that turn debug on.
const DEBUG_CALLS: &[(&str, &[&str])] = &[
    ("fastapi.FastAPI", &["debug"]),
    ("fastapi.applications.FastAPI", &["debug"]),
    ("starlette.applications.Starlette", &["debug"]),
    ("quart.Quart.run", &["debug"]),
    ("quart.Quart.run_task", &["debug"]),
    ("sanic.Sanic.run", &["debug", "dev", "auto_reload"]),
    ("sanic.Sanic.create_server", &["debug"]),
];

/// Application classes whose `debug` attribute switches debug mode.
const APPS: &[&str] = &[
    "fastapi.FastAPI",
    "fastapi.applications.FastAPI",
    "starlette.applications.Starlette",
    "quart.Quart",
    "sanic.Sanic",
];

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    for (qualname, keywords) in DEBUG_CALLS {
        for call in module.calls_to(qualname) {
            for keyword in *keywords {
                if let Some(arg) = call
                    .keyword(keyword)
                    .filter(|a| a.value == Literal::Bool(true))
                {
                    out.report(
                        arg.span,
                        format!(
                            "`{}({keyword}=True)` serves tracebacks to clients",
                            call.callee_text
                        ),
                    )
                    .help("drive debug mode from configuration that is off in production");
                }
            }
        }
    }
    for assignment in &module.assignments {
        if assignment.value != Literal::Bool(true) {
            continue;
        }
        let on = match &assignment.target {
            AssignTarget::Attribute {
                object_qualname: Some(q),
                attr,
                ..
            } => APPS.contains(&q.as_str()) && attr == "debug",
            AssignTarget::Subscript {
                object_qualname: Some(q),
                key: Literal::Str(key),
                ..
            } => q == "quart.Quart.config" && key == "DEBUG",
            _ => false,
        };
        if on {
            out.report(assignment.span, "debug mode is switched on in code");
        }
    }
}
