//! Facts: what one file tells the rest of the project — scripts its containers run, dev
//! servers its Python module starts. Collected per file in the parallel phase (with
//! positions already resolved into anchors), merged afterwards, and read by the project
//! rules, which never see source text.

use crate::diagnostic::Anchor;
use crate::suppress::Suppressions;

/// A container command that runs a Python script or module (`python app.py`,
/// `python -m service`).
#[derive(Debug, Clone)]
pub struct ScriptRun {
    pub target: ScriptTarget,
    /// The command, for the finding.
    pub anchor: Anchor,
    /// The folder of the artifact that holds the command (Dockerfile or manifest), where
    /// relative script paths most likely start.
    pub base_dir: String,
    /// The command as written, for messages (`python orders/app.py`).
    pub command_text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptTarget {
    /// A path as written (`orders/app.py`, `/srv/app.py`).
    Script(String),
    /// A dotted module (`orders.app`).
    Module(String),
}

/// A place where a Python module starts a development server.
#[derive(Debug, Clone)]
pub struct DevServerStart {
    /// What starts it, for messages (`app.run()`).
    pub what: String,
    pub line: usize,
}

/// What one file contributes to the project stage.
#[derive(Debug, Default)]
pub struct FileFacts {
    /// The file's display path.
    pub path: String,
    pub script_runs: Vec<ScriptRun>,
    /// Set for Python files: the dev servers the module starts (possibly none).
    pub python_dev_servers: Option<Vec<DevServerStart>>,
    /// The file's suppression comments, applied to project findings that land in it.
    pub suppressions: Suppressions,
}

impl FileFacts {
    pub fn is_empty(&self) -> bool {
        self.script_runs.is_empty()
            && self.python_dev_servers.is_none()
            && self.suppressions.is_empty()
    }
}

/// All files' facts, sorted by path.
#[derive(Debug, Default)]
pub struct ProjectFacts {
    pub files: Vec<FileFacts>,
}

impl ProjectFacts {
    pub fn file(&self, path: &str) -> Option<&FileFacts> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.files[i])
    }

    /// Paths of the Python files whose facts were collected.
    pub fn python_files(&self) -> impl Iterator<Item = &FileFacts> {
        self.files.iter().filter(|f| f.python_dev_servers.is_some())
    }
}
