//! PY020 dev-server-call: a development server started in code: Flask's `app.run()` run
//! at import time (outside `if __name__ == "__main__":` and outside any function),
//! `uvicorn.run(..., reload=True)`, and werkzeug's `run_simple` with the reloader or
//! debugger on.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::model::python::Literal;

pub const TRIGGERS: &[&str] = &["flask", "uvicorn", "run_simple"];

const FLASK_RUN: &[&str] = &["flask.Flask.run", "flask.app.Flask.run"];
const RUN_SIMPLE: &[&str] = &["werkzeug.serving.run_simple", "werkzeug.run_simple"];

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    for qualname in FLASK_RUN {
        for call in module.calls_to(qualname) {
            if call.in_main_guard || call.function.is_some() || call.in_class {
                continue;
            }
            out.report(
                call.callee_span,
                format!(
                    "`{}()` starts Flask's development server whenever this module is imported",
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
