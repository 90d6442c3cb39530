//! PY100 irreversible-migration: schema or data migrations that cannot be rolled back:
//! Django `RunPython`/`RunSQL` without a reverse, Alembic `downgrade()` that does nothing.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::model::python::{Function, Literal};

pub const TRIGGERS: &[&str] = &["RunPython", "RunSQL", "downgrade"];

/// Operations, and the keyword (also the second positional) of their reverse.
const OPERATIONS: &[(&str, &str)] = &[
    ("django.db.migrations.RunPython", "reverse_code"),
    ("django.db.migrations.operations.RunPython", "reverse_code"),
    ("django.db.migrations.RunSQL", "reverse_sql"),
    ("django.db.migrations.operations.RunSQL", "reverse_sql"),
];

pub fn check(file: &PythonFile, out: &mut Emitter) {
    // Test suites build irreversible operations on purpose (Django tests its own errors).
    if file.is_test() {
        return;
    }
    let module = file.module;
    for (qualname, keyword) in OPERATIONS {
        for call in module.calls_to(qualname) {
            let reverse = call.keyword(keyword).or_else(|| call.positional(1));
            match reverse {
                Some(arg) if arg.value == Literal::None => {
                    out.report(
                        arg.span,
                        format!("`{keyword}=None`: this migration cannot be reversed"),
                    )
                    .help(help(keyword));
                }
                Some(_) => {}
                None if call.has_star_args || call.has_star_kwargs => {}
                None => {
                    out.report(
                        call.callee_span,
                        format!(
                            "`{}` has no `{keyword}`: this migration cannot be reversed",
                            call.callee_text
                        ),
                    )
                    .help(help(keyword));
                }
            }
        }
    }
    if module.imports_module("alembic") {
        for function in &module.functions {
            if function.name == "downgrade"
                && function.parent.is_none()
                && !function.is_method
                && body_is_empty(file, function)
            {
                out.report(
                    function.name_span,
                    "`downgrade()` does nothing: this revision cannot be rolled back",
                )
                .help("write the inverse operations, or raise an error that says why it cannot be undone");
            }
        }
    }
}

fn help(keyword: &str) -> String {
    if keyword == "reverse_code" {
        "pass `reverse_code=` (`migrations.RunPython.noop` when there is nothing to undo)".into()
    } else {
        "pass `reverse_sql=` (`migrations.RunSQL.noop` when there is nothing to undo)".into()
    }
}

/// Whether a function's body is only `pass` / `...` (comments and a docstring aside). The
/// model has no statements, so this reads the body's text after the header's `:`.
fn body_is_empty(file: &PythonFile, function: &Function) -> bool {
    let text = file.text(function.span);
    let mut depth = 0usize;
    let mut header_end = None;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => {
                header_end = Some(i + 1);
                break;
            }
            _ => {}
        }
    }
    let Some(start) = header_end else {
        return false;
    };
    text[start..]
        .split(['\n', ';'])
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
        .all(|line| {
            line == "pass"
                || line == "..."
                || (line.len() >= 2
                    && (line.starts_with('"') || line.starts_with('\''))
                    && line.ends_with(line.chars().next().unwrap_or('"')))
        })
}
