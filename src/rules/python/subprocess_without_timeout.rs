//! PY004 subprocess-without-timeout: a web app or task worker module waits for a child
//! process with no timeout. Scripts, tests, `setup.py` and `__main__` blocks are left
//! alone: there a hung child only hangs the person who ran it.

use super::PythonFile;
use super::timeout_table::{self, TimeoutEntry};
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use crate::model::python::Module;
use std::path::Path;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../rules/python/subprocess-timeouts.toml");

/// `subprocess`, and the import of something that makes a module serve (see `serves`):
/// an app or worker framework, or Django's WSGI/ASGI application factories. Every
/// qualified name `serves` accepts resolves through an import that names one of these.
pub const TRIGGERS: Gate = Gate::Every(&[
    Gate::Any(&["subprocess"]),
    Gate::Any(&[
        "flask",
        "quart",
        "fastapi",
        "starlette",
        "get_wsgi_application",
        "get_asgi_application",
        "celery",
        "dramatiq",
        "huey",
        "rq",
    ]),
]);

/// Decorators that make a function a task run by a worker.
const TASK_DECORATORS: &[&str] = &[
    "celery.shared_task",
    "celery.Celery.task",
    "dramatiq.actor",
    "huey.RedisHuey.task",
    "rq.decorators.job",
];

/// Constructors of worker applications.
const WORKER_APPS: &[&str] = &["celery.Celery", "dramatiq.set_broker"];

pub fn table() -> &'static [TimeoutEntry] {
    static TABLE_DATA: OnceLock<Vec<TimeoutEntry>> = OnceLock::new();
    TABLE_DATA.get_or_init(|| timeout_table::parse(TABLE))
}

/// A module that defines a web application or a task worker (or its tasks).
pub fn serves(module: &Module) -> bool {
    !module.app_objects.is_empty()
        || WORKER_APPS
            .iter()
            .any(|q| module.calls_to(q).next().is_some())
        || module.functions.iter().any(|f| {
            f.decorators.iter().any(|d| {
                d.qualname
                    .as_deref()
                    .is_some_and(|q| TASK_DECORATORS.contains(&q))
            })
        })
}

fn is_script(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == "setup.py"
        || name == "manage.py"
        || name == "__main__.py"
        || path
            .parent()
            .into_iter()
            .flat_map(Path::components)
            .any(|c| matches!(c.as_os_str().to_str(), Some("scripts" | "bin" | "tools")))
}

pub fn check(file: &PythonFile, out: &mut Emitter) {
    if is_script(&file.source.path) || !serves(file.module) {
        return;
    }
    timeout_table::check(file, table(), |call| !call.in_main_guard, None, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gate_names_every_framework_serves_accepts() {
        let Gate::Every([_, Gate::Any(frameworks)]) = TRIGGERS else {
            panic!("expected Every([subprocess, frameworks])")
        };
        let apps = crate::model::python::APP_CONSTRUCTORS
            .iter()
            .map(|(q, _)| *q);
        for qualname in apps
            .chain(WORKER_APPS.iter().copied())
            .chain(TASK_DECORATORS.iter().copied())
        {
            assert!(
                frameworks.iter().any(|f| qualname.contains(f)),
                "{qualname} is not gated"
            );
        }
    }
}
