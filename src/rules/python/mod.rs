//! Python rules: small functions over one file's `python::Module`, which has already
//! resolved every call and assignment target through the file's imports.

pub mod flask_debug;
pub mod http_call_without_timeout;

use crate::model::python::Module;
use crate::source::SourceFile;
use std::path::Path;

/// What a Python rule sees: the model and the file it was built from.
pub struct PythonFile<'a> {
    pub module: &'a Module,
    pub source: &'a SourceFile,
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
