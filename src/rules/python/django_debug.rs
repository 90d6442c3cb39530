//! PY011 django-debug: `DEBUG = True` at module level of a Django settings module, or
//! `DEBUG` read from the environment with a default that switches it on. Settings modules
//! named for development (`settings/dev.py`, `local_settings.py`) are left alone.

use super::{PythonFile, env_default, is_dev_named, is_settings_module, is_truthy};
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use crate::model::python::{AssignTarget, Literal};

/// A module-level `DEBUG =` (or `DEBUG: bool =`) assignment.
pub const TRIGGERS: Gate = Gate::Regex {
    literals: &["DEBUG"],
    pattern: r"(?m)^DEBUG\s*[:=]",
};

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let path = &file.source.path;
    // The deployed settings module sets DEBUG itself: this file's value does not ship.
    if !is_settings_module(path) || is_dev_named(path) || file.setting_replaced("DEBUG") {
        return;
    }
    // Whether an unconditional `DEBUG = <not True>` came before: a later `DEBUG = True`
    // inside an `if` at module level is then an opt-in the operator switches on.
    let mut off_by_default = false;
    for assignment in &file.module.assignments {
        let is_debug = matches!(&assignment.target, AssignTarget::Name(n) if n == "DEBUG");
        if !is_debug || assignment.function.is_some() || assignment.in_class {
            continue;
        }
        let conditional = is_indented(&file.source.text, assignment.span.start);
        if assignment.value == Literal::Bool(true) && conditional && off_by_default {
            continue;
        }
        if !conditional && assignment.value != Literal::Bool(true) {
            off_by_default = true;
        }
        if assignment.value == Literal::Bool(true) {
            out.report(assignment.span, "`DEBUG = True` in a settings module")
                .help("read it from the environment with a false default: `DEBUG = os.environ.get(\"DJANGO_DEBUG\") == \"1\"`");
            continue;
        }
        // `DEBUG = os.environ.get("DEBUG", "1") == "1"`, `env.bool("DEBUG", default=True)`:
        // the default only matters when it is the value (or is compared to something truthy,
        // which the usual `== "1"` / `== "true"` spellings are).
        for call in file.calls_within(assignment.value_span) {
            if let Some(default) = env_default(call).filter(|d| is_truthy(&d.value)) {
                out.report(
                    default.span,
                    "`DEBUG` is on when the environment does not set it",
                )
                .help("make the default false so a deployment that forgets the variable runs without debug");
            }
        }
    }
}

/// Does the statement starting at `offset` stand inside a block (an `if`, `try`, `for`
/// at module level): is its line indented?
fn is_indented(text: &str, offset: usize) -> bool {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    offset > line_start && text[line_start..offset].chars().all(char::is_whitespace)
}
