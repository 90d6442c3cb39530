//! PY090 wildcard-allowed-hosts: Django's `ALLOWED_HOSTS` accepts any `Host` header
//! (`["*"]`, or `"*"` as the default of an environment read), outside development and test
//! modules.

use super::{PythonFile, env_default, is_dev_named};
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use crate::model::python::{AssignTarget, Literal};

/// A module-level `ALLOWED_HOSTS =` (or `+=`, or annotated) assignment.
pub const TRIGGERS: Gate = Gate::Regex {
    literals: &["ALLOWED_HOSTS"],
    pattern: r"(?m)^ALLOWED_HOSTS\s*(?::[^=\n]*)?[+]?=",
};

fn has_wildcard(value: &Literal) -> bool {
    match value {
        Literal::List(items) => items.iter().any(has_wildcard),
        Literal::Str(s) => s.split(',').any(|h| h.trim() == "*"),
        _ => false,
    }
}

pub fn check(file: &PythonFile, out: &mut Emitter) {
    if is_dev_named(&file.source.path) {
        return;
    }
    for assignment in &file.module.assignments {
        if !matches!(&assignment.target, AssignTarget::Name(n) if n == "ALLOWED_HOSTS")
            || assignment.function.is_some()
            || assignment.in_class
        {
            continue;
        }
        if matches!(assignment.value, Literal::List(_)) && has_wildcard(&assignment.value) {
            out.report(
                assignment.span,
                "`ALLOWED_HOSTS` accepts any host (`\"*\"`)",
            )
            .help("list the service's domain names; read them from the environment per deployment");
            continue;
        }
        for call in file.calls_within(assignment.value_span) {
            if let Some(default) = env_default(call).filter(|d| has_wildcard(&d.value)) {
                out.report(
                    default.span,
                    "`ALLOWED_HOSTS` accepts any host when the environment does not set it",
                )
                .help("give no default (fail at startup) or default to the real domain names");
            }
        }
    }
}
