//! PY100 irreversible-migration: schema or data migrations that cannot be rolled back:
//! Django `RunPython`/`RunSQL` without a reverse, Alembic `downgrade()` that does nothing.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::model::python::Literal;

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
                && function.body_is_trivial
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
