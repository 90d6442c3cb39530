//! Facts: what one file tells the rest of the project — scripts its containers run, dev
//! servers its Python module starts. Collected per file in the parallel phase (with
//! positions already resolved into anchors), merged afterwards, and read by the project
//! rules, which never see source text.

use crate::diagnostic::Anchor;
use crate::suppress::Suppressions;
use std::collections::BTreeMap;

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

/// What a Kubernetes file declares that rules over the whole set of manifests need
/// (DP010 single-replica, DP011 missing-pod-disruption-budget): the workloads, and the
/// autoscalers and disruption budgets that may cover workloads of other files.
#[derive(Debug, Clone, Default)]
pub struct KubernetesFacts {
    pub workloads: Vec<WorkloadFact>,
    pub autoscalers: Vec<AutoscalerFact>,
    pub disruption_budgets: Vec<BudgetFact>,
}

/// Objects in different namespaces never refer to each other; an unknown (templated or
/// defaulted) namespace could be either, so it matches.
pub fn same_namespace(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

impl KubernetesFacts {
    pub fn is_empty(&self) -> bool {
        self.workloads.is_empty()
            && self.autoscalers.is_empty()
            && self.disruption_budgets.is_empty()
    }
}

/// A Deployment or StatefulSet with a literal replica count.
#[derive(Debug, Clone)]
pub struct WorkloadFact {
    pub kind: String,
    /// `metadata.name`; `None` when templated.
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub replicas: i64,
    /// The `replicas` value, where findings point.
    pub anchor: Anchor,
    /// The pod template's labels; `None` when any is templated (unknown).
    pub pod_labels: Option<BTreeMap<String, String>>,
}

/// What an autoscaler (HorizontalPodAutoscaler, KEDA ScaledObject) scales.
#[derive(Debug, Clone)]
pub struct AutoscalerFact {
    /// `scaleTargetRef.kind`; `None` when absent or templated.
    pub target_kind: Option<String>,
    /// `scaleTargetRef.name`; `None` when templated (it may target anything).
    pub target_name: Option<String>,
    pub namespace: Option<String>,
}

/// A PodDisruptionBudget's selector.
#[derive(Debug, Clone)]
pub struct BudgetFact {
    pub namespace: Option<String>,
    /// `selector.matchLabels`; `None` when the selector cannot be read literally
    /// (templated, or `matchExpressions`): it may match anything.
    pub match_labels: Option<BTreeMap<String, String>>,
}

/// What one file contributes to the project stage.
#[derive(Debug, Default)]
pub struct FileFacts {
    /// The file's display path.
    pub path: String,
    pub script_runs: Vec<ScriptRun>,
    /// Set for Python files: the dev servers the module starts (possibly none).
    pub python_dev_servers: Option<Vec<DevServerStart>>,
    /// Set for Kubernetes files that declare workloads, autoscalers or budgets.
    pub kubernetes: Option<KubernetesFacts>,
    /// The file's suppression comments, applied to project findings that land in it.
    pub suppressions: Suppressions,
}

impl FileFacts {
    pub fn is_empty(&self) -> bool {
        self.script_runs.is_empty()
            && self.python_dev_servers.is_none()
            && self.kubernetes.is_none()
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

    /// The Kubernetes facts of every file that has some.
    pub fn kubernetes(&self) -> impl Iterator<Item = &KubernetesFacts> {
        self.files.iter().filter_map(|f| f.kubernetes.as_ref())
    }

    /// Paths of the Python files whose facts were collected.
    pub fn python_files(&self) -> impl Iterator<Item = &FileFacts> {
        self.files.iter().filter(|f| f.python_dev_servers.is_some())
    }
}
