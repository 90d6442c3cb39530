//! Project rules: checks that need more than one file. They run once, after the parallel
//! phase, over the merged facts — this is where prodlint sees what no single-file linter
//! can.

pub mod dev_server_in_production;
pub mod missing_healthcheck;
pub mod missing_pod_disruption_budget;
pub mod no_worker_recycling;
pub mod probe_path_not_served;
pub mod single_replica;

use crate::diagnostic::{Anchor, Related};
use crate::model::facts::{EntryScript, FileFacts, GunicornConf, GunicornRun, ProjectFacts};
use crate::source::normalize_slash_path;

/// A project rule's finding: already located (facts carry anchors).
pub struct ProjectFinding {
    pub anchor: Anchor,
    pub message: String,
    /// The other files' places the finding rests on (SARIF `relatedLocations`).
    pub related: Vec<Related>,
}

impl ProjectFinding {
    /// Adds a place in another file the finding rests on.
    pub fn related(&mut self, related: Related) -> &mut Self {
        self.related.push(related);
        self
    }
}

/// Collects one project rule's findings.
pub struct ProjectEmitter<'a> {
    pub(crate) out: &'a mut Vec<(&'static str, ProjectFinding)>,
    pub(crate) rule: &'static str,
}

impl ProjectEmitter<'_> {
    /// Reports a finding; the returned reference lets the rule add related places.
    pub fn report(&mut self, anchor: Anchor, message: impl Into<String>) -> &mut ProjectFinding {
        self.out.push((
            self.rule,
            ProjectFinding {
                anchor,
                message: message.into(),
                related: Vec::new(),
            },
        ));
        &mut self.out.last_mut().expect("just pushed").1
    }
}

/// The file a set of candidates means: the only one under `base_dir` (the folder of the
/// artifact that names it), else the only one at all; None when several could be meant
/// (no guessing).
fn pick<'a>(matches: &[&'a FileFacts], base_dir: &str) -> Option<&'a FileFacts> {
    let prefix = if base_dir.is_empty() {
        String::new()
    } else {
        format!("{base_dir}/")
    };
    let local: Vec<&FileFacts> = matches
        .iter()
        .copied()
        .filter(|f| f.path.starts_with(&prefix))
        .collect();
    match (local.len(), matches.len()) {
        (1, _) => Some(local[0]),
        (0, 1) => Some(matches[0]),
        _ => None,
    }
}

/// The files among `files` whose path is `suffix` or ends with `/suffix`.
fn ending_with<'a>(files: &[&'a FileFacts], suffix: &str) -> Vec<&'a FileFacts> {
    files
        .iter()
        .copied()
        .filter(|f| f.path == suffix || f.path.ends_with(&format!("/{suffix}")))
        .collect()
}

/// The file among `files` a path means: an exact repository path first (`exact`, most
/// likely first), else the most specific suffix of `written` that matches, preferring
/// files under `base_dir`; None when several match equally (no guessing). A path written
/// inside an image (`/srv/orders/app.py`) is found by its repository suffix
/// (`orders/app.py`).
pub fn resolve_path<'a>(
    files: &[&'a FileFacts],
    exact: &[String],
    written: &str,
    base_dir: &str,
) -> Option<&'a FileFacts> {
    // A COPY source is relative to the build context: the Dockerfile's folder most
    // often, a folder above it when the image is built with `-f docker/Dockerfile .`;
    // the nearest that holds the file wins.
    let mut roots = vec![base_dir];
    let mut dir = base_dir;
    while let Some(at) = dir.rfind('/') {
        dir = &dir[..at];
        roots.push(dir);
    }
    if !base_dir.is_empty() {
        roots.push("");
    }
    for root in roots {
        for candidate in exact {
            let path = normalize_slash_path(&format!("{root}/{candidate}"));
            // Project paths are relative; an empty root must not make one absolute.
            let path = path.trim_start_matches('/');
            if let Some(file) = files.iter().find(|f| f.path == path) {
                return Some(file);
            }
        }
    }
    let parts: Vec<&str> = written
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for start in 0..parts.len() {
        let matches = ending_with(files, &parts[start..].join("/"));
        if !matches.is_empty() {
            return pick(&matches, base_dir);
        }
    }
    None
}

/// The Python file a dotted module name means (`orders.app` → `orders/app.py`, or the
/// package's `package_file`: `__init__.py` for an import, `__main__.py` for `python -m`),
/// found by path suffix under any source root, preferring files under `base_dir`; None
/// when absent or ambiguous.
pub fn resolve_python_module<'a>(
    facts: &'a ProjectFacts,
    module: &str,
    package_file: &str,
    base_dir: &str,
) -> Option<&'a FileFacts> {
    let python: Vec<&FileFacts> = facts.python_files().collect();
    let base = module.replace('.', "/");
    for candidate in [format!("{base}.py"), format!("{base}/{package_file}")] {
        let matches = ending_with(&python, &candidate);
        if !matches.is_empty() {
            return pick(&matches, base_dir);
        }
    }
    None
}

/// The shell script in the repository a container's entry script is, if found.
pub fn resolve_script<'a>(facts: &'a ProjectFacts, entry: &EntryScript) -> Option<&'a FileFacts> {
    let scripts: Vec<&FileFacts> = facts
        .files
        .iter()
        .filter(|f| f.shell_script.is_some())
        .collect();
    resolve_path(
        &scripts,
        &entry.copied_from,
        &entry.written,
        &entry.base_dir,
    )
}

/// The shell scripts some container runs as its main process.
pub fn container_scripts(facts: &ProjectFacts) -> Vec<&FileFacts> {
    let mut out: Vec<&FileFacts> = Vec::new();
    for file in &facts.files {
        for entry in &file.entry_scripts {
            if let Some(script) = resolve_script(facts, entry)
                && !out.iter().any(|s| s.path == script.path)
            {
                out.push(script);
            }
        }
    }
    out
}

/// What a gunicorn server's config module tells: `Some(conf)` when the module it reads
/// is in the repository, `None` when it cannot be known (a `-c` module that is not in
/// the repository, or several default modules and no way to tell which). A server with
/// no `-c` and no `gunicorn.conf.py` anywhere reads no module: `Some(None)`.
pub fn gunicorn_conf_of<'a>(
    facts: &'a ProjectFacts,
    run: &GunicornRun,
) -> Option<Option<&'a GunicornConf>> {
    let confs: Vec<&FileFacts> = facts
        .files
        .iter()
        .filter(|f| f.gunicorn_conf.is_some())
        .collect();
    match &run.config {
        Some(config) => {
            let path = match config.strip_prefix("python:") {
                Some(module) => format!("{}.py", module.replace('.', "/")),
                None => config.strip_prefix("file:").unwrap_or(config).to_string(),
            };
            let file = resolve_path(&confs, &[], &path, &run.base_dir)?;
            Some(file.gunicorn_conf.as_ref())
        }
        None => {
            // gunicorn reads ./gunicorn.conf.py from its working directory by default.
            let defaults: Vec<&FileFacts> = confs
                .iter()
                .copied()
                .filter(|f| f.path == "gunicorn.conf.py" || f.path.ends_with("/gunicorn.conf.py"))
                .collect();
            // The one under the folder of the file that starts gunicorn (its build
            // context); one elsewhere in the repository may or may not be copied in.
            let prefix = if run.base_dir.is_empty() {
                String::new()
            } else {
                format!("{}/", run.base_dir)
            };
            let local: Vec<&FileFacts> = defaults
                .iter()
                .copied()
                .filter(|f| f.path.starts_with(&prefix))
                .collect();
            match (local.as_slice(), defaults.len()) {
                ([], 0) => Some(None),
                ([], _) => None,
                ([one], _) => Some(one.gunicorn_conf.as_ref()),
                (_, _) => local
                    .iter()
                    .find(|f| f.path == format!("{prefix}gunicorn.conf.py"))
                    .map(|f| f.gunicorn_conf.as_ref()),
            }
        }
    }
}

/// The environment variable names the containers that run the script at `path` set.
pub fn container_env_of(facts: &ProjectFacts, path: &str) -> Vec<String> {
    let mut names = Vec::new();
    for file in &facts.files {
        for entry in &file.entry_scripts {
            if resolve_script(facts, entry).is_some_and(|s| s.path == path) {
                names.extend(entry.env_names.iter().cloned());
            }
        }
    }
    names
}

/// Is the gunicorn server started in a container (a container command, or a script a
/// container runs)?
pub fn runs_in_container(facts: &ProjectFacts, run: &GunicornRun) -> bool {
    use crate::model::server::ServerContext;
    match run.context {
        ServerContext::Container => true,
        ServerContext::Script => container_scripts(facts)
            .iter()
            .any(|s| s.path == run.anchor.path),
        _ => false,
    }
}
