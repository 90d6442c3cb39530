//! PY010 flask-debug: Flask debug mode switched on in code, on an object the model
//! knows is a `flask.Flask` (through imports and same-scope bindings).

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::model::python::{AssignTarget, Literal};

pub const TRIGGERS: &[&str] = &["flask"];

const FLASK: &str = "flask.Flask";

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    for call in module.calls_to("flask.Flask.run") {
        if let Some(arg) = call
            .keyword("debug")
            .filter(|a| a.value == Literal::Bool(true))
        {
            out.report(
                arg.span,
                "`run(debug=True)` starts Flask with the Werkzeug debugger on",
            );
        }
    }
    for method in [
        "flask.Flask.config.update",
        "flask.Flask.config.from_mapping",
    ] {
        for call in module.calls_to(method) {
            if let Some(arg) = call
                .keyword("DEBUG")
                .filter(|a| a.value == Literal::Bool(true))
            {
                out.report(
                    arg.span,
                    "`DEBUG=True` in the Flask config turns debug mode on",
                );
            }
        }
    }
    for assignment in &module.assignments {
        if assignment.value != Literal::Bool(true) {
            continue;
        }
        let debug_on = match &assignment.target {
            AssignTarget::Attribute {
                object_qualname: Some(q),
                attr,
                ..
            } => q == FLASK && attr == "debug",
            AssignTarget::Subscript {
                object_qualname: Some(q),
                key: Literal::Str(key),
                ..
            } => q == "flask.Flask.config" && key == "DEBUG",
            _ => false,
        };
        if debug_on {
            out.report(assignment.span, "Flask debug mode is switched on in code");
        }
    }
}
