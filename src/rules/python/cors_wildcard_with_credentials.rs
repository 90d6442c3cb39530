//! PY091 cors-wildcard-with-credentials: CORS that allows every origin and credentials at
//! once: Starlette/FastAPI's `CORSMiddleware` (which then echoes the caller's origin) and
//! flask-cors (`origins` defaults to `*`).

use super::{PythonFile, last_segment};
use crate::diagnostic::Emitter;
use crate::model::python::{Call, Literal};

pub const TRIGGERS: &[&str] = &["cors"];

const FLASK_CORS: &[&str] = &[
    "flask_cors.CORS",
    "flask_cors.CORS.init_app",
    "flask_cors.cross_origin",
];

fn is_wildcard(value: &Literal) -> bool {
    match value {
        Literal::Str(s) => s == "*",
        Literal::List(items) => items.iter().any(is_wildcard),
        _ => false,
    }
}

fn is_true(call: &Call, keyword: &str) -> bool {
    call.keyword(keyword)
        .is_some_and(|a| a.value == Literal::Bool(true))
}

/// `app.add_middleware(CORSMiddleware, ...)` or `Middleware(CORSMiddleware, ...)`.
fn is_cors_middleware(file: &PythonFile, call: &Call) -> bool {
    let adds = last_segment(call.qualname.as_deref().unwrap_or(&call.callee_text));
    (adds == "add_middleware" || adds == "Middleware")
        && call
            .positional(0)
            .and_then(|a| file.dotted_qualname(a.value_span))
            .is_some_and(|q| last_segment(&q) == "CORSMiddleware")
}

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    for call in module.calls() {
        if is_cors_middleware(file, call) && is_true(call, "allow_credentials") {
            if let Some(origins) = call
                .keyword("allow_origins")
                .filter(|a| is_wildcard(&a.value))
            {
                out.report(
                    origins.span,
                    "CORS allows every origin together with credentials: any site can make authenticated requests",
                )
                .help("list the allowed origins explicitly");
            }
        }
    }
    for qualname in FLASK_CORS {
        for call in module.calls_to(qualname) {
            if !is_true(call, "supports_credentials") {
                continue;
            }
            let origins = call.keyword("origins");
            let wildcard = match origins {
                Some(arg) => is_wildcard(&arg.value),
                // `origins` defaults to "*" unless `resources` (or **kwargs) set it.
                None => call.keyword("resources").is_none() && !call.has_star_kwargs,
            };
            if wildcard {
                out.report(
                    origins.map_or(call.callee_span, |a| a.span),
                    "flask-cors allows every origin together with credentials: any site can make authenticated requests",
                )
                .help("pass `origins=[...]` with the allowed origins");
            }
        }
    }
}
