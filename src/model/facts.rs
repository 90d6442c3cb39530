//! Facts: what one file tells the rest of the project — scripts its containers run, dev
//! servers its Python module starts. Collected per file in the parallel phase (with
//! positions already resolved into anchors), merged afterwards, and read by the project
//! rules, which never see source text.

use crate::diagnostic::Anchor;
use crate::model::server::ServerContext;
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

/// Where a gunicorn server is started, and what its command line (and environment)
/// set; the config module it reads is another file, joined in the project stage.
#[derive(Debug, Clone)]
pub struct GunicornRun {
    /// The words naming the program (`gunicorn`).
    pub anchor: Anchor,
    /// `-c`/`--config` as written (`python:pkg.conf`, `/app/gunicorn.conf.py`).
    pub config: Option<String>,
    /// The canonical names of the settings given (`bind`, `max_requests`).
    pub sets: Vec<String>,
    pub context: ServerContext,
    /// Judged even when no container is known to start it: false for a server in a
    /// shell script whose name does not say it starts a service (`deploy.sh`).
    pub judged_alone: bool,
    /// The folder of the file that starts it.
    pub base_dir: String,
}

/// A gunicorn config module: the settings it assigns at module level.
#[derive(Debug, Clone, Default)]
pub struct GunicornConf {
    pub sets: Vec<String>,
    /// `bind` values that are loopback addresses, when it sets one.
    pub loopback_bind: Option<String>,
    /// The module's first line (findings about what it does not set); None when the
    /// module was not parsed (it holds none of the enabled rules' keywords).
    pub anchor: Option<Anchor>,
}

/// A script a container starts as its main process (exec-form ENTRYPOINT/CMD whose
/// program is a shell script, `["sh", "start.sh"]`, a Kubernetes `command`).
#[derive(Debug, Clone)]
pub struct EntryScript {
    /// The path as the container sees it (`/docker-entrypoint.sh`).
    pub written: String,
    /// Repository paths the script was copied from, relative to `base_dir` (from the
    /// Dockerfile's COPY/ADD instructions), most likely first.
    pub copied_from: Vec<String>,
    /// The instruction or value that names it.
    pub anchor: Anchor,
    pub base_dir: String,
    /// From a Dockerfile's main process (DF001 judges it); false for manifests.
    pub dockerfile_main_process: bool,
    /// An init before it (`dumb-init`, `tini -g`) signals the script's whole process
    /// group: its children get SIGTERM whether or not it `exec`s them.
    pub group_signalled: bool,
    /// The names of the environment variables the container sets (a server in the
    /// script reads them: `PORT`, `UVICORN_HOST`, `GUNICORN_CMD_ARGS`).
    pub env_names: Vec<String>,
}

/// What a shell script does with its last process.
#[derive(Debug, Clone, Default)]
pub struct ShellScriptFacts {
    /// It `exec`s a program (or traps SIGTERM to forward it): signals reach the app.
    pub forwards_signals: bool,
    /// The last command it runs, as written (`gunicorn app:app`), if any.
    pub last_command: Option<String>,
    /// It switches user before starting the app (`exec gosu app "$@"`).
    pub drops_privileges: bool,
    /// It is the `run` script of an s6-overlay long-running service (its folder's `type`
    /// file says `longrun`, or it sits under the legacy `services.d/`): a process `/init`
    /// keeps running, not a setup step.
    pub s6_longrun: bool,
    /// Findings that hold only when a container runs the script (a loopback bind).
    pub deferred: Vec<DeferredFinding>,
}

/// A finding kept until the project stage knows its condition holds.
#[derive(Debug, Clone)]
pub struct DeferredFinding {
    pub rule: &'static str,
    pub anchor: Anchor,
    pub message: String,
}

/// A Dockerfile whose final stage serves (EXPOSE or a server command) with no
/// HEALTHCHECK: DF002 decides in the project stage (Kubernetes probes may cover it).
#[derive(Debug, Clone)]
pub struct UncheckedImage {
    pub anchor: Anchor,
    pub reason: String,
    /// The deployments the model found running the image.
    pub runs: Vec<crate::model::deployment::ImageRun>,
}

/// A Dockerfile whose final stage sets no USER and starts through an entrypoint
/// script: DF003 decides in the project stage (the script may drop root with gosu).
#[derive(Debug, Clone)]
pub struct RootViaScript {
    pub anchor: Anchor,
    /// The image starts s6-overlay's `/init`, which runs the repository's s6 service
    /// scripts: they, not an entrypoint script, decide the user.
    pub s6_overlay: bool,
}

/// An HTTP probe of a container whose app server and port are known: DP003 compares its
/// path with the routes the app's module declares.
#[derive(Debug, Clone)]
pub struct ProbePathFact {
    /// `readinessProbe`, `livenessProbe` or `startupProbe`.
    pub probe: &'static str,
    pub path: String,
    /// The probe's `path` value, where the finding points.
    pub anchor: Anchor,
    /// The app the container serves: dotted module and attribute (`orders.app`, `app`).
    pub module: String,
    pub attribute: String,
    /// The app spec as written (`orders.app:app`), for messages.
    pub app_spec: String,
    pub base_dir: String,
}

/// The routes a Python module declares, when they are all there is to know.
#[derive(Debug, Clone, Default)]
pub struct PythonRoutes {
    /// Module-level app objects (`app`).
    pub apps: Vec<String>,
    /// Literal route paths (`/healthz`, `/items/{id}`, `/users/<int:id>`).
    pub paths: Vec<String>,
    /// No route can come from elsewhere: no routers or blueprints included, no URL rules
    /// added by call, nothing mounted, no middleware that could answer first.
    pub complete: bool,
}

/// What one file contributes to the project stage.
#[derive(Debug, Default)]
pub struct FileFacts {
    /// The file's display path.
    pub path: String,
    /// What part of the project the file belongs to.
    pub context: crate::context::Context,
    pub script_runs: Vec<ScriptRun>,
    /// Set for Python files: the dev servers the module starts (possibly none).
    pub python_dev_servers: Option<Vec<DevServerStart>>,
    /// Set for Python files that define a web app at module level.
    pub python_routes: Option<PythonRoutes>,
    /// HTTP probes of this file's containers, with the app each container serves.
    pub probe_paths: Vec<ProbePathFact>,
    /// Set for Kubernetes files that declare workloads, autoscalers or budgets.
    pub kubernetes: Option<KubernetesFacts>,
    pub gunicorn_runs: Vec<GunicornRun>,
    /// Set for gunicorn config modules.
    pub gunicorn_conf: Option<GunicornConf>,
    pub entry_scripts: Vec<EntryScript>,
    /// Set for shell scripts.
    pub shell_script: Option<ShellScriptFacts>,
    pub unchecked_image: Option<UncheckedImage>,
    pub root_via_script: Option<RootViaScript>,
    /// The file runs long-running Kubernetes containers (which ignore an image's
    /// HEALTHCHECK and use their probes).
    pub kubernetes_containers: bool,
    /// The file is a compose file (it runs images with their own HEALTHCHECK).
    pub compose: bool,
    /// The file's suppression comments, applied to project findings that land in it.
    pub suppressions: Suppressions,
}

impl FileFacts {
    pub fn is_empty(&self) -> bool {
        self.script_runs.is_empty()
            && self.python_dev_servers.is_none()
            && self.python_routes.is_none()
            && self.probe_paths.is_empty()
            && self.kubernetes.is_none()
            && self.gunicorn_runs.is_empty()
            && self.gunicorn_conf.is_none()
            && self.entry_scripts.is_empty()
            && self.shell_script.is_none()
            && self.unchecked_image.is_none()
            && self.root_via_script.is_none()
            && !self.kubernetes_containers
            && !self.compose
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
