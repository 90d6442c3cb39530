//! Python rules: small functions over one file's `python::Module`, which has already
//! resolved every call and assignment target through the file's imports.

pub mod blocking_call_in_async;
pub mod dangling_task;
pub mod django_conn_max_age;
pub mod env_read_in_handler;
pub mod error_log_without_traceback;
pub mod flask_debug;
pub mod http_call_without_timeout;
pub mod pool_per_request;
pub mod print_in_handler;
pub mod retry_without_backoff;
pub mod swallowed_cancellation;
pub mod swallowed_exception;

use crate::config::PythonOptions;
use crate::model::python::{Call, Module};
use crate::source::SourceFile;
use std::path::Path;

/// What a Python rule sees: the model and the file it was built from.
pub struct PythonFile<'a> {
    pub module: &'a Module,
    pub source: &'a SourceFile,
    /// The `[python]` options of the configuration (user additions to the tables).
    pub options: &'a PythonOptions,
}

impl PythonFile<'_> {
    /// Test code (files under `tests/`, `test_*.py`, `*_test.py`, `conftest.py`), where
    /// debug switches and shortcuts are expected.
    pub fn is_test(&self) -> bool {
        is_test_path(&self.source.path)
    }
}

pub fn is_test_path(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with("test_")
        || name.ends_with("_test.py")
        || name == "conftest.py"
        || path
            .parent()
            .into_iter()
            .flat_map(Path::components)
            .any(|c| matches!(c.as_os_str().to_str(), Some("tests" | "test" | "testing")))
}

/// For a call to a logger method (`logger.error`, `logging.warning`,
/// `logging.getLogger(__name__).error`, `self.log.error`), the method's name.
pub fn logger_method(call: &Call) -> Option<&str> {
    if let Some(qualname) = &call.qualname {
        let (receiver, method) = qualname.rsplit_once('.')?;
        let is_logging = receiver == "logging"
            || receiver.starts_with("logging.")
            || receiver.starts_with("structlog.");
        return is_logging.then_some(method);
    }
    let (receiver, method) = call.callee_text.rsplit_once('.')?;
    let last = receiver.rsplit('.').next().unwrap_or(receiver);
    let last = last.trim_start_matches('_').to_ascii_lowercase();
    matches!(last.as_str(), "logger" | "log").then_some(method)
}
