//! PY020 dev-server-call: a development server started in code: Flask's (or Quart's)
//! `app.run()` run at import time (outside `if __name__ == "__main__":` and outside any
//! function),
//! `uvicorn.run(..., reload=True)`, and werkzeug's `run_simple` with the reloader or
//! debugger on.

use super::{PythonFile, last_segment};
use crate::diagnostic::Emitter;
use crate::model::python::{AssignTarget, Call, Literal, Module};

pub const TRIGGERS: &[&str] = &["flask", "Flask", "quart", "Quart", "uvicorn", "run_simple"];

const RUN_SIMPLE: &[&str] = &["werkzeug.serving.run_simple", "werkzeug.run_simple"];

/// The names of the application classes whose `run()` is a development server, however
/// they are imported (`flask.Flask`, `flask.app.Flask`, a re-export `myproject.Flask`).
const APP_CLASSES: &[&str] = &["Flask", "Quart"];

/// Whether `call` runs a Flask or Quart development server: `run()` on an instance of
/// the class, or on a module-level `app`/`application` built by a factory
/// (`app = create_app()`) in a module that imports Flask or Quart.
fn is_app_run(module: &Module, call: &Call) -> bool {
    let Some(receiver) = call.callee_text.strip_suffix(".run") else {
        return false;
    };
    if let Some(class) = call
        .qualname
        .as_deref()
        .and_then(|q| q.strip_suffix(".run"))
        && APP_CLASSES.contains(&last_segment(class))
    {
        return true;
    }
    let factory_app = module.assignments.iter().any(|a| {
        a.function.is_none()
            && !a.in_class
            && a.value_call.is_some()
            && matches!(&a.target, AssignTarget::Name(n) if n == receiver)
    });
    matches!(receiver, "app" | "application")
        && factory_app
        && (module.imports_module("flask") || module.imports_module("quart"))
}

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    for call in module.calls() {
        if call.in_main_guard || call.function.is_some() || call.in_class {
            continue;
        }
        if is_app_run(module, call) {
            out.report(
                call.callee_span,
                format!(
                    "`{}()` starts a development server whenever this module is imported",
                    call.callee_text
                ),
            )
            .help("serve the app with a WSGI server (gunicorn, waitress); keep `app.run()` under `if __name__ == \"__main__\":`");
        }
    }
    for call in module.calls_to("uvicorn.run") {
        if let Some(arg) = call
            .keyword("reload")
            .filter(|a| a.value == Literal::Bool(true))
        {
            out.report(
                arg.span,
                "`uvicorn.run(reload=True)` runs the auto-reloader, a development feature",
            )
            .help("leave `reload` off outside development (drive it from configuration)");
        }
    }
    for qualname in RUN_SIMPLE {
        for call in module.calls_to(qualname) {
            // run_simple(hostname, port, application, use_reloader, use_debugger, ...)
            for (keyword, position) in [("use_reloader", 3), ("use_debugger", 4)] {
                if let Some(arg) = call
                    .keyword(keyword)
                    .or_else(|| call.positional(position))
                    .filter(|a| a.value == Literal::Bool(true))
                {
                    out.report(
                        arg.span,
                        format!("`run_simple({keyword}=True)` is a development server setting"),
                    )
                    .help("serve with a production WSGI server");
                }
            }
        }
    }
}
