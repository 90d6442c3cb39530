//! The engine: runs the pipeline over discovered paths in parallel — read, classify,
//! gate on trigger keywords, parse once, build the model, run the enabled file rules,
//! collect facts — then the project rules over the merged facts, then filtering.

use crate::collect::{
    command_text, dev_server_starts, gunicorn_conf_facts, gunicorn_run, probe_paths, python_routes,
};
use crate::config::Settings;
use crate::context::{self, Context, Decision, Reason};
use crate::diagnostic::{Anchor, Diagnostic, Emitter, Finding};
use crate::discover::relative_to_root;
use crate::gate::{Gate, GateSet, Scan, Syntax};
use crate::kind::{ArtifactKind, classify, has_line_comments, is_gunicorn_config};
use crate::lang::python::PythonParser;
use crate::lang::python_outline;
use crate::lang::shell::Word;
use crate::lang::yaml::{Node, NodeValue};
use crate::mask::FileSecrets;
use crate::model::command::{Invocation, Program, recognize_in, recognize_shell};
use crate::model::compose_layers::declares_deployment;
use crate::model::container::ContainerSpec;
use crate::model::deployment::{Deployment, IndexFile, LayerRole};
use crate::model::facts::{
    DeferredFinding, EntryScript, FileFacts, GunicornConf, ProjectFacts, RootViaScript, ScriptRun,
    ScriptTarget, ShellScriptFacts, UncheckedImage,
};
use crate::model::server::{self, EnvValue, ServerContext, ServerSettings};
use crate::rules::project::{ProjectEmitter, ProjectFinding};
use crate::rules::python::PythonFile;
use crate::rules::{Check, INVALID_SUPPRESSION, PARSE_ERROR, Scope, registry};
use crate::source::{SourceFile, Span};
use crate::suppress::Suppressions;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Files larger than this are skipped with a note (minified bundles, data dumps).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Invalid suppressions reported per file: past a few, a generated file is talking, and
/// the last one says how many more there are.
const MAX_INVALID_SUPPRESSIONS: usize = 20;

type Findings = Vec<(&'static str, Finding)>;

/// What one file contributed.
#[derive(Default)]
pub struct FileOutcome {
    pub diagnostics: Vec<Diagnostic>,
    pub facts: Option<FileFacts>,
    /// The file's secrets, for `crate::mask` to hide in every diagnostic of the run.
    pub secrets: FileSecrets,
    /// A note for the user (skipped file, unreadable file).
    pub note: Option<String>,
    pub checked: bool,
    /// The file was parsed (some rule's trigger gate, or a project rule's facts, wanted it).
    pub parsed: bool,
    /// What `--show-files` says of the file: its kind and context, or why it was skipped.
    pub listing: Option<FileListing>,
}

/// One line of `--show-files`.
#[derive(Debug, Clone)]
pub struct FileListing {
    pub path: String,
    /// The artifact kind (`python`, `compose`...), or why the file was not read.
    pub kind: &'static str,
    /// `None` for a file that was not read.
    pub context: Option<Decision>,
    pub skipped: Option<String>,
}

/// The enabled rules that look at one kind of file, and their trigger gates.
struct KindPlan {
    rules: Vec<usize>,
    gates: GateSet,
    /// Markers after the signals: for each rule, where in a file its findings can be
    /// (see `Scope`); a rule that must see the whole file has an open gate there.
    first_marker: usize,
    scopes: Vec<Scope>,
}

impl KindPlan {
    fn new(rules: Vec<usize>, syntax: Syntax) -> Self {
        Self::build(rules, syntax, Vec::new(), &[], false)
    }

    /// `signals`: gates the engine itself reads, searched in the same pass (see
    /// `Active::signals`). `extra` literals (from the user's configuration) open every
    /// rule of the plan; `case_insensitive` for Dockerfiles, whose instructions may be
    /// written in any case.
    fn build(
        rules: Vec<usize>,
        syntax: Syntax,
        signals: Vec<Gate>,
        extra: &[String],
        case_insensitive: bool,
    ) -> Self {
        let registry = registry();
        let gates = rules
            .iter()
            .map(|&i| registry.rules[i].gate.for_syntax(syntax))
            .collect();
        let scopes: Vec<Scope> = rules.iter().map(|&i| registry.rules[i].scope).collect();
        let regions = scopes
            .iter()
            .map(|scope| match scope {
                Scope::Function(region) | Scope::Statement(region) => region.for_syntax(syntax),
                Scope::Module => Gate::Any(&[]),
            })
            .collect();
        KindPlan {
            first_marker: rules.len() + signals.len(),
            gates: GateSet::build(gates, signals, regions, extra, case_insensitive),
            scopes,
            rules,
        }
    }

    /// Where in `text` the active rules' findings can be, when every one of them judges
    /// a function or a statement at a time; `None` when some rule must see the whole file.
    fn region_hits(&self, text: &str, active: &Active) -> Option<python_outline::Hits> {
        let (mut functions, mut statements) = (Vec::new(), Vec::new());
        for &position in &active.positions {
            match self.scopes[position] {
                Scope::Module => return None,
                Scope::Function(_) => functions.push(position),
                Scope::Statement(_) => statements.push(position),
            }
        }
        let Some(scan) = &active.scan else {
            return None;
        };
        let search = |positions: &[usize]| match positions {
            [] => Vec::new(),
            _ => {
                let markers: Vec<usize> = positions.iter().map(|p| self.first_marker + p).collect();
                self.gates.hits(scan, text, &markers)
            }
        };
        Some(python_outline::Hits {
            function: search(&functions),
            statement: search(&statements),
        })
    }

    /// The rules whose gate passes on `text`: the only ones worth parsing the file for.
    fn active(&self, text: &str) -> Active {
        let scan = self.gates.scan(text);
        let mut positions = self.gates.passing(&scan, text);
        let signals = positions
            .iter()
            .filter(|&&p| p >= self.rules.len())
            .map(|p| p - self.rules.len())
            .collect();
        positions.retain(|&p| p < self.rules.len());
        Active {
            rules: positions.iter().map(|&i| self.rules[i]).collect(),
            positions,
            signals,
            scan: Some(scan),
            whole_module: false,
        }
    }

    /// Every rule of the plan, whatever the gates say (`--no-trigger-gates`); signals
    /// are still read from `text`.
    fn all(&self, text: &str) -> Active {
        let gated = self.active(text);
        Active {
            rules: self.rules.clone(),
            positions: (0..self.rules.len()).collect(),
            signals: gated.signals,
            scan: gated.scan,
            whole_module: false,
        }
    }
}

/// The rules of a kind that may fire on one file (their gates passed).
#[derive(Default)]
struct Active {
    rules: Vec<usize>,
    /// The same rules by position in their `KindPlan`.
    positions: Vec<usize>,
    /// The plan's signals that passed, by position (`PYTHON_FACT_SIGNAL`, ...).
    signals: Vec<usize>,
    /// The search the gates were judged on, kept for `KindPlan::region_hits`.
    scan: Option<Scan>,
    /// Something must see the whole Python module (server rules, project facts).
    whole_module: bool,
}

impl Active {
    fn retain(&mut self, keep: impl Fn(usize) -> bool) {
        let (rules, positions): (Vec<usize>, Vec<usize>) = self
            .rules
            .iter()
            .zip(&self.positions)
            .filter(|(rule, _)| keep(**rule))
            .unzip();
        self.rules = rules;
        self.positions = positions;
    }

    fn signalled(&self, signal: usize) -> bool {
        self.signals.contains(&signal)
    }

    fn checks(&self) -> impl Iterator<Item = (&'static str, Check)> + '_ {
        self.rules.iter().map(|&i| {
            let rule = &registry().rules[i];
            (rule.meta.id, rule.check)
        })
    }
}

/// What Python files must contain for their facts to matter to a project rule: a dev
/// server start needs an app object (`Flask(`) or uvicorn (SV006); DP003 reads app routes.
/// gunicorn config modules are read by name, whatever they contain.
const PYTHON_FACT_GATE: Gate = Gate::Any(&["Flask(", "uvicorn", "FastAPI(", "Quart("]);
/// A module that may call `uvicorn.run(...)`, whose settings the server rules read.
const UVICORN_GATE: Gate = Gate::Any(&["uvicorn"]);
/// The Python plan's signals, searched with the rules' gates in one pass.
const PYTHON_FACT_SIGNAL: usize = 0;
const UVICORN_SIGNAL: usize = 1;

/// The per-run plan: for each kind of file, the rules that apply to it.
pub struct Plan {
    text: KindPlan,
    python: KindPlan,
    /// Server rules, which look at Python files that configure a server: gunicorn config
    /// modules and `uvicorn.run(...)` calls.
    python_servers: Vec<usize>,
    rust: KindPlan,
    dockerfile: KindPlan,
    kubernetes: KindPlan,
    compose: KindPlan,
    procfile: KindPlan,
    scripts: KindPlan,
    /// YAML that is neither Kubernetes nor compose, and `.env` files: named values only.
    other_yaml: KindPlan,
    dotenv: KindPlan,
    project: Vec<usize>,
    /// Absolute; where file contexts are judged from (see `Settings::project_root_for`).
    project_root: PathBuf,
    /// Absolute; what configuration globs are relative to.
    /// What ships, read from all deployment files before any file is checked.
    pub deployment: Deployment,
    /// Rule indexes of `crate::mask::DETECTORS`.
    detectors: Vec<usize>,
}

impl Plan {
    pub fn new(settings: &Settings, project_root: PathBuf, deployment: Deployment) -> Plan {
        let registry = registry();
        // The secret detectors run whatever the selection: the masking layer needs what
        // they find (their findings are dropped later when not selected).
        let detectors: Vec<usize> = crate::mask::DETECTORS
            .iter()
            .filter_map(|id| registry.index_of(id))
            .collect();
        // Every rule some config of the run selects runs; each file's own config then
        // decides what is reported in it.
        let enabled_anywhere = settings.enabled_anywhere();
        let enabled = |applies: &dyn Fn(&Check) -> bool| -> Vec<usize> {
            let mut rules: Vec<usize> = enabled_anywhere
                .iter()
                .chain(&detectors)
                .copied()
                .filter(|&i| applies(&registry.rules[i].check))
                .collect();
            rules.sort_unstable();
            rules.dedup();
            rules
        };
        let container = |c: &Check| matches!(c, Check::Container(_) | Check::Server(_));
        Plan {
            text: KindPlan::new(enabled(&|c| matches!(c, Check::Text(_))), Syntax::Other),
            python: KindPlan::build(
                enabled(&|c| matches!(c, Check::Python(_) | Check::Named(_))),
                Syntax::Python,
                vec![PYTHON_FACT_GATE, UVICORN_GATE],
                &settings.python_anywhere().trigger_words(),
                false,
            ),
            python_servers: enabled(&|c| matches!(c, Check::Server(_))),
            rust: KindPlan::new(
                enabled(&|c| matches!(c, Check::Rust(_) | Check::Named(_))),
                Syntax::Rust,
            ),
            dockerfile: KindPlan::build(
                enabled(&|c| matches!(c, Check::Dockerfile(_) | Check::Named(_)) || container(c)),
                Syntax::Dockerfile,
                Vec::new(),
                &[],
                true,
            ),
            kubernetes: KindPlan::new(
                enabled(&|c| matches!(c, Check::Manifest(_) | Check::Named(_)) || container(c)),
                Syntax::Yaml,
            ),
            compose: KindPlan::new(
                enabled(&|c| matches!(c, Check::Named(_)) || container(c)),
                Syntax::Yaml,
            ),
            other_yaml: KindPlan::new(enabled(&|c| matches!(c, Check::Named(_))), Syntax::Yaml),
            dotenv: KindPlan::new(enabled(&|c| matches!(c, Check::Named(_))), Syntax::Dotenv),
            procfile: KindPlan::new(enabled(&|c| matches!(c, Check::Server(_))), Syntax::Other),
            scripts: KindPlan::new(enabled(&|c| matches!(c, Check::Server(_))), Syntax::Other),
            project: enabled_anywhere
                .iter()
                .copied()
                .filter(|&i| registry.rules[i].uses_facts())
                .collect(),
            detectors: detectors.clone(),
            project_root,
            deployment,
        }
    }

    /// The context of a file, judged from the project root.
    fn context_of(&self, path: &Path, settings: &Settings) -> Decision {
        let relative = relative_to_root(path, &self.project_root);
        let config_root =
            std::path::absolute(&settings.root).unwrap_or_else(|_| settings.root.clone());
        let for_globs = relative_to_root(path, &config_root);
        let decision = context::decide(&relative, &for_globs, &settings.contexts);
        match self
            .deployment
            .development_reason(&crate::source::display_path(path))
        {
            Some(reason) if decision.context == Context::Production => Decision::new(
                Context::Development,
                Reason::Deployment(format!("compose layer: {reason}")),
            ),
            _ => decision,
        }
    }

    fn collects_facts(&self) -> bool {
        !self.project.is_empty()
    }

    /// Should a file of `kind` be parsed although no rule's gate passed, for the facts
    /// project rules read? Configuration and deployment files are small and always read;
    /// a Python module only when it can hold a fact (see `PYTHON_FACT_GATE`).
    fn wants_facts(&self, kind: ArtifactKind, file: &SourceFile, active: &Active) -> bool {
        if !self.collects_facts() {
            return false;
        }
        match kind {
            ArtifactKind::Python => {
                is_gunicorn_config(&file.path) || active.signalled(PYTHON_FACT_SIGNAL)
            }
            ArtifactKind::Dockerfile
            | ArtifactKind::Kubernetes
            | ArtifactKind::Compose
            | ArtifactKind::Procfile
            | ArtifactKind::ShellScript => true,
            _ => false,
        }
    }
}

/// Per-thread state reused across files (the tree-sitter parser).
struct Worker {
    python: PythonParser,
}

/// Reads the deployment files among `paths` (by name: YAML, Dockerfiles, Tiltfiles,
/// Makefiles, shell scripts) and builds the deployment model from them. Unreadable,
/// binary or oversized files are left out here; the file pass reports them.
pub fn read_deployment(paths: &[PathBuf]) -> Deployment {
    let files: Vec<(String, ArtifactKind, String)> = paths
        .par_iter()
        .filter_map(|path| {
            let shown = crate::source::display_path(path);
            if !Deployment::wants(&shown) {
                return None;
            }
            let bytes = read_small(path).ok()??;
            if is_binary(&bytes) {
                return None;
            }
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let kind = classify(path, &text);
            Some((shown, kind, text))
        })
        .collect();
    let files: Vec<IndexFile> = files
        .iter()
        .map(|(path, kind, text)| IndexFile {
            path,
            kind: *kind,
            text,
        })
        .collect();
    let mut deployment = Deployment::index(&files);
    deployment.set_replaced_settings(replaced_django_settings(paths, &files));
    deployment
}

/// The settings of Django settings files that the deployed settings modules replace
/// (see `model::django_settings`); only the modules on the chain are read.
fn replaced_django_settings(
    paths: &[PathBuf],
    files: &[IndexFile],
) -> BTreeMap<String, BTreeSet<String>> {
    use crate::model::django_settings;
    let deployed = django_settings::deployed_modules(
        files
            .iter()
            .filter(|f| f.kind != ArtifactKind::Python)
            .map(|f| f.text),
    );
    if deployed.is_empty() {
        return BTreeMap::new();
    }
    let by_display: BTreeMap<String, &PathBuf> = paths
        .iter()
        .map(|path| (crate::source::display_path(path), path))
        .filter(|(shown, _)| shown.ends_with(".py"))
        .collect();
    let python_paths: Vec<String> = by_display.keys().cloned().collect();
    django_settings::overridden_settings(&deployed, &python_paths, |shown| {
        let bytes = read_small(by_display.get(shown)?).ok()??;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    })
}

/// Runs every file; outcomes come back in path order.
pub fn run_files(paths: &[PathBuf], settings: &Settings, plan: &Plan) -> Vec<FileOutcome> {
    paths
        .par_iter()
        .map_init(
            || Worker {
                python: PythonParser::new(),
            },
            |worker, path| check_file(path, settings, plan, worker),
        )
        .collect()
}

fn check_file(path: &Path, settings: &Settings, plan: &Plan, worker: &mut Worker) -> FileOutcome {
    let settings = settings.for_path(path);
    let bytes = match read_small(path) {
        Ok(Some(bytes)) => bytes,
        // Large binaries (wheels, shared objects) are skipped silently like small ones.
        Ok(None) if starts_binary(path) => return skipped(path, "binary"),
        Ok(None) => {
            let why = format!("larger than {} MiB", MAX_FILE_BYTES >> 20);
            return FileOutcome {
                note: Some(format!("{}: skipped, {why}", path.display())),
                ..skipped(path, &why)
            };
        }
        Err(e) => return note(path, &format!("cannot read: {e}")),
    };
    if is_binary(&bytes) && !crate::source::is_utf16(&bytes) {
        return skipped(path, "binary");
    }
    let text = crate::source::decode_text(bytes);
    let kind = classify(path, &text);
    let decision = plan.context_of(path, settings);
    let context = decision.context;
    let mut file = SourceFile::new(path, text);
    file.context = context;
    let mut findings: Findings = Vec::new();
    let mut facts = FileFacts {
        path: file.path_str(),
        context,
        ..Default::default()
    };
    // A rule silent in this file's context is not run on it (nor is the file parsed for
    // it), except the secret detectors: what they find is masked everywhere.
    let runs_here = |rule: usize| {
        settings.severity_for(rule, context).is_some() || plan.detectors.contains(&rule)
    };

    if plan.collects_facts() {
        if kind == ArtifactKind::Compose {
            facts.compose = true;
        }
        // Known to exist even when no trigger made it worth parsing (it then sets
        // none of the settings project rules look for).
        if kind == ArtifactKind::Python && is_gunicorn_config(&file.path) {
            facts.gunicorn_conf = Some(GunicornConf::default());
        }
    }
    let reports = |rule: usize| {
        settings.enabled.contains(&rule) && settings.severity_for(rule, context).is_some()
    };
    // One gate scan for the text rules; the detectors among them that do not report
    // here wait (see below).
    let mut text_rules = plan.text.active(&file.text);
    let late_detectors: Vec<usize> = text_rules
        .rules
        .iter()
        .copied()
        .filter(|&rule| !reports(rule) && plan.detectors.contains(&rule))
        .collect();
    text_rules.retain(reports);
    for (id, check) in text_rules.checks() {
        if let Check::Text(check) = check {
            check(&file, &mut Emitter::new(&mut findings, id));
        }
    }
    let kind_plan = match kind {
        ArtifactKind::Python => Some(&plan.python),
        ArtifactKind::Rust => Some(&plan.rust),
        ArtifactKind::Dockerfile => Some(&plan.dockerfile),
        ArtifactKind::Kubernetes => Some(&plan.kubernetes),
        ArtifactKind::Compose => Some(&plan.compose),
        ArtifactKind::Procfile => Some(&plan.procfile),
        ArtifactKind::ShellScript => Some(&plan.scripts),
        ArtifactKind::OtherYaml => Some(&plan.other_yaml),
        ArtifactKind::DotEnv => Some(&plan.dotenv),
        _ => None,
    };
    let mut active = match kind_plan {
        Some(p) if settings.trigger_gates => p.active(&file.text),
        // Without gates every rule of the kind runs: slower, the same findings.
        Some(p) => p.all(&file.text),
        None => Active::default(),
    };
    active.retain(runs_here);
    // Server rules read gunicorn config modules and `uvicorn.run(...)` calls, and need the
    // whole module for them (positions only cover the kind's own rules).
    if kind == ArtifactKind::Python
        && (!settings.trigger_gates
            || is_gunicorn_config(&file.path)
            || active.signalled(UVICORN_SIGNAL))
    {
        let servers: Vec<usize> = plan
            .python_servers
            .iter()
            .copied()
            .filter(|&rule| runs_here(rule))
            .collect();
        active.whole_module |= !servers.is_empty();
        active.rules.extend(servers);
    }
    let wants_facts = plan.wants_facts(kind, &file, &active);
    // The secret detectors come along when the file is parsed anyway, but do not make a
    // file be parsed where they report nothing: a test module full of `password=` is
    // parsed only if a rule that reports there, or a project rule, needs it.
    let parsed = active.rules.iter().any(|&rule| reports(rule)) || wants_facts;
    if parsed {
        match kind {
            ArtifactKind::Python => {
                // Facts (app objects, routes) are read from the whole module.
                active.whole_module |= wants_facts;
                check_python(
                    &file,
                    settings,
                    plan,
                    &active,
                    worker,
                    &mut findings,
                    &mut facts,
                )
            }
            ArtifactKind::Rust => check_rust(&file, &active, &mut findings),
            ArtifactKind::Dockerfile => {
                check_dockerfile(&file, plan, &active, &mut findings, &mut facts)
            }
            ArtifactKind::Kubernetes => {
                check_kubernetes(&file, plan, &active, &mut findings, &mut facts)
            }
            ArtifactKind::Compose => check_compose(&file, plan, &active, &mut findings, &mut facts),
            ArtifactKind::Procfile => {
                check_procfile(&file, plan, &active, &mut findings, &mut facts)
            }
            ArtifactKind::ShellScript => {
                check_script(&file, plan, &active, &mut findings, &mut facts)
            }
            ArtifactKind::OtherYaml => {
                let stream = crate::lang::yaml::parse(&file.text);
                let named = crate::model::named::from_yaml(&stream, &file.text);
                check_named(&named, &active, &mut findings);
            }
            ArtifactKind::DotEnv => {
                let named = crate::model::named::from_dotenv(&file.text);
                check_named(&named, &active, &mut findings);
            }
            _ => {}
        }
    }

    // Text detectors that did not run (not selected, or silent in this context) run now
    // when the file has something to show: what they find is masked in it. Not before,
    // so that test trees full of URLs cost nothing when nothing is reported there.
    if !findings.is_empty() || !facts.is_empty() {
        for rule in late_detectors.iter().map(|&i| &registry().rules[i]) {
            if let Check::Text(check) = rule.check {
                check(&file, &mut Emitter::new(&mut findings, rule.meta.id));
            }
        }
    }
    let (suppressions, bad) = Suppressions::scan(&file, kind.comment_leader());
    let bad = if has_line_comments(kind, &file.path) {
        bad
    } else {
        Vec::new()
    };
    let unshown = bad.len().saturating_sub(MAX_INVALID_SUPPRESSIONS);
    for (i, b) in bad.into_iter().take(MAX_INVALID_SUPPRESSIONS).enumerate() {
        let last = i + 1 == MAX_INVALID_SUPPRESSIONS && unshown > 0;
        let message = if last {
            format!("{} (and {unshown} more in this file, not shown)", b.message)
        } else {
            b.message
        };
        findings.push((
            INVALID_SUPPRESSION,
            Finding {
                span: b.span,
                message,
                help: None,
                secret: None,
            },
        ));
    }
    // Every secret any detector found, reported or not, for the masking layer.
    let secrets = FileSecrets::new(
        file.path_str(),
        &file.text,
        findings.iter().filter_map(|(_, f)| f.secret),
    );
    let diagnostics = finish(&file, findings, &suppressions, settings, context);
    facts.suppressions = suppressions;
    let facts = (plan.collects_facts() && !facts.is_empty()).then_some(facts);
    FileOutcome {
        diagnostics,
        facts,
        secrets,
        note: None,
        checked: true,
        parsed,
        listing: Some(FileListing {
            path: file.path_str(),
            kind: kind.as_str(),
            context: Some(decision),
            skipped: None,
        }),
    }
}

fn check_python(
    file: &SourceFile,
    settings: &Settings,
    plan: &Plan,
    active: &Active,
    worker: &mut Worker,
    findings: &mut Findings,
    facts: &mut FileFacts,
) {
    // Only the functions (or statements) the rules can report on, when that is all they
    // need; see `Scope`.
    let regions = (settings.trigger_gates && !active.whole_module)
        .then(|| plan.python.region_hits(&file.text, active))
        .flatten()
        .and_then(|hits| python_outline::regions(&file.text, &hits, settings.region_share_limit));
    let partial = regions
        .and_then(|regions| worker.python.parse_regions(&file.text, &regions))
        // Regions that do not parse cleanly mean the outline misread the file.
        .filter(|tree| !tree.root_node().has_error());
    let Some(tree) = partial.or_else(|| worker.python.parse(&file.text)) else {
        parse_error(
            file,
            findings,
            Span::point(0),
            "the Python parser gave up on this file".into(),
        );
        return;
    };
    let module = crate::model::python::build(&file.text, &tree);
    // The model owns what rules need; the tree (several times the file's size) goes now,
    // not after the rules ran.
    drop(tree);
    if let Some(span) = module.syntax_error {
        parse_error(
            file,
            findings,
            span,
            "Python syntax error; the rest of the file is still checked".into(),
        );
    }
    let replaced = plan.deployment.replaced_settings(&file.path_str());
    let context = PythonFile {
        module: &module,
        source: file,
        options: &settings.python,
        replaced_settings: replaced,
        runs_as_health_check: plan.deployment.runs_as_health_check(&file.path_str()),
    };
    let first_line_end = file.text.find('\n').unwrap_or(file.text.len());
    let mut servers: Vec<ServerSettings> = server::from_uvicorn_calls(&module);
    if is_gunicorn_config(&file.path) {
        let conf = server::from_gunicorn_conf(&module, file.text.len(), first_line_end);
        if plan.collects_facts() {
            let mut conf_facts = gunicorn_conf_facts(&conf);
            conf_facts.anchor = Some(Anchor::new(file, conf.program_span));
            facts.gunicorn_conf = Some(conf_facts);
        }
        servers.push(conf);
    }
    let mut named = None;
    for (id, check) in active.checks() {
        match check {
            Check::Python(check) => check(&context, &mut Emitter::new(findings, id)),
            Check::Named(check) => {
                let named = named.get_or_insert_with(|| {
                    crate::model::named::from_python(&module, &file.text, replaced)
                });
                check(named, &mut Emitter::new(findings, id));
            }
            Check::Server(check) => {
                for settings in &servers {
                    check(settings, &mut Emitter::new(findings, id));
                }
            }
            _ => {}
        }
    }
    if plan.collects_facts() {
        facts.python_dev_servers = Some(dev_server_starts(file, &module));
        facts.python_routes = python_routes(&module);
    }
}

fn check_rust(file: &SourceFile, active: &Active, findings: &mut Findings) {
    let mut model = match crate::model::rust::parse_and_build(&file.text) {
        Ok(model) => model,
        Err((span, message)) => {
            parse_error(
                file,
                findings,
                span,
                format!("Rust does not parse: {message}"),
            );
            return;
        }
    };
    if is_rust_test_file(&file.path) {
        model.mark_as_test_file();
    }
    for (id, check) in active.checks() {
        match check {
            Check::Rust(check) => check(&model, &mut Emitter::new(findings, id)),
            Check::Named(check) => {
                let named = crate::model::named::from_rust(&model, &file.text);
                check(&named, &mut Emitter::new(findings, id));
            }
            _ => {}
        }
    }
}

fn check_dockerfile(
    file: &SourceFile,
    plan: &Plan,
    active: &Active,
    findings: &mut Findings,
    facts: &mut FileFacts,
) {
    let mut dockerfile = crate::lang::dockerfile::parse(&file.text);
    let path = file.path_str();
    if let Some(target) = plan.deployment.target_of(&path) {
        dockerfile.set_target(target);
    }
    if let Some(error) = dockerfile.errors.first() {
        parse_error(
            file,
            findings,
            error.span,
            format!("Dockerfile does not parse: {}", error.message),
        );
    }
    let containers: Vec<ContainerSpec> =
        crate::model::dockerfile::final_stage_container(&dockerfile)
            .into_iter()
            .collect();
    for (id, check) in active.checks() {
        match check {
            Check::Dockerfile(check) => check(&dockerfile, &mut Emitter::new(findings, id)),
            Check::Named(check) => {
                let named = crate::model::named::from_dockerfile(&dockerfile, &file.text);
                check(&named, &mut Emitter::new(findings, id));
            }
            _ => {}
        }
    }
    check_containers(file, &containers, &plan.deployment, active, findings, facts);
    if dockerfile.variables_over_budget() {
        parse_error(
            file,
            findings,
            Span::point(0),
            "a variable's value grew past 16 KiB, or a stage inherits through more than 64 \
             stages: those values were taken as unknown, the rest of the file is still checked"
                .into(),
        );
    }
    // Where every deployment of the image runs it as a non-root user, the image's
    // default user is not what runs.
    let runs = plan.deployment.runs_of(&path);
    let deployed_non_root = !runs.is_empty() && runs.iter().all(|r| r.non_root);
    if deployed_non_root {
        findings.retain(|(id, _)| *id != "DF003");
    }
    if plan.collects_facts() {
        let base_dir = base_dir(file);
        if let Some(main) = crate::model::dockerfile::main_process_script(&dockerfile) {
            facts.entry_scripts.push(EntryScript {
                copied_from: crate::model::dockerfile::copy_sources_of(&dockerfile, &main.path),
                written: main.path,
                anchor: Anchor::new(file, main.span),
                base_dir: base_dir.clone(),
                dockerfile_main_process: true,
                group_signalled: main.group_signalled,
                env_names: containers
                    .iter()
                    .flat_map(|c| c.env.iter().map(|e| e.name.value.clone()))
                    .collect(),
            });
        }
        if let Some((span, s6_overlay)) =
            crate::rules::docker::runs_as_root::root_via_script(&dockerfile)
            && !deployed_non_root
        {
            facts.root_via_script = Some(RootViaScript {
                anchor: Anchor::new(file, span),
                s6_overlay,
            });
        }
        if let Some((span, reason)) =
            crate::model::dockerfile::serves_without_healthcheck(&dockerfile)
        {
            facts.unchecked_image = Some(UncheckedImage {
                anchor: Anchor::new(file, span),
                reason,
                runs: runs.to_vec(),
            });
        }
    }
}

pub(crate) fn base_dir(file: &SourceFile) -> String {
    file.path
        .parent()
        .map(crate::source::display_path)
        .unwrap_or_default()
}

/// A Procfile: `name: command` lines, each a shell command line.
fn check_procfile(
    file: &SourceFile,
    plan: &Plan,
    active: &Active,
    findings: &mut Findings,
    facts: &mut FileFacts,
) {
    let mut servers = Vec::new();
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        let Some(colon) = line.find(':') else {
            continue;
        };
        // A BOM (Windows editors write one) is not part of the first process's name.
        let name = line[..colon].trim().trim_start_matches('\u{feff}');
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            continue;
        }
        let command = &line[colon + 1..];
        let commands = crate::lang::shell::split_commands(command, start + colon + 1);
        for invocation in recognize_shell(&commands) {
            if let Some(settings) = server::from_invocation(&invocation, ServerContext::Procfile) {
                servers.push(settings);
            }
        }
    }
    run_server_checks(&servers, active, findings);
    if plan.collects_facts() {
        let base_dir = base_dir(file);
        facts.gunicorn_runs.extend(
            servers
                .iter()
                .filter_map(|s| gunicorn_run(file, s, &base_dir)),
        );
    }
}

/// Script names that say the script is how a service starts (an entrypoint, a start
/// script): the server settings in them are judged on their own. Settings in other
/// scripts are judged only when a container runs the script.
fn is_start_script(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let dev = ["dev", "local", "test", "debug", "reload"]
        .iter()
        .any(|w| name.contains(w));
    let start = [
        "entrypoint",
        "start",
        "run",
        "boot",
        "serve",
        "launch",
        "prestart",
        "web",
        "gunicorn",
        "uvicorn",
    ]
    .iter()
    .any(|w| name.contains(w));
    start && !dev
}

/// A shell script: its commands, the servers they start and whether the last process
/// gets the container's signals.
fn check_script(
    file: &SourceFile,
    plan: &Plan,
    active: &Active,
    findings: &mut Findings,
    facts: &mut FileFacts,
) {
    let commands: Vec<Vec<Word>> = crate::lang::shell::split_commands(&file.text, 0)
        .into_iter()
        .map(|mut words| {
            let keywords = words.len() - crate::lang::shell::without_leading_keywords(&words).len();
            words.drain(..keywords);
            words
        })
        .filter(|words| !words.is_empty())
        .collect();
    // Shell function bodies and `case` arms are still commands here: a best effort.
    let invocations = recognize_shell(&commands);
    let mut servers: Vec<ServerSettings> = invocations
        .iter()
        .filter_map(|i| server::from_invocation(i, ServerContext::Container))
        .collect();
    for settings in &mut servers {
        settings.context = ServerContext::Container;
    }
    let mut raw: Findings = Vec::new();
    run_server_checks(&servers, active, &mut raw);
    let start_script = is_start_script(&file.path);
    let mut deferred = Vec::new();
    for (id, finding) in raw {
        // A loopback bind matters only in a container; other settings in a script
        // that does not look like a start script only when a container runs it.
        if id == "SV004" || !start_script {
            deferred.push(DeferredFinding {
                rule: id,
                anchor: Anchor::new(file, finding.span),
                message: finding.message,
            });
        } else {
            findings.push((id, finding));
        }
    }
    if plan.collects_facts() {
        let base_dir = base_dir(file);
        facts.gunicorn_runs.extend(servers.iter().filter_map(|s| {
            let mut run = gunicorn_run(file, s, &base_dir)?;
            run.context = ServerContext::Script;
            run.judged_alone = start_script;
            Some(run)
        }));
        let forwards_signals = commands.iter().any(|words| {
            let first = words[0].text.as_str();
            (first == "exec" && words.len() > 1)
                || (first == "trap" && words.iter().any(|w| w.text.contains("TERM")))
        });
        // The last command, unless it is a shell builtin that runs nothing long-lived
        // (then the script is not judged).
        let last_command = commands
            .iter()
            .rev()
            .find(|words| !matches!(words[0].text.as_str(), "exit" | "wait" | "return"))
            .filter(|words| {
                !matches!(
                    words[0].text.as_str(),
                    "echo"
                        | "printf"
                        | "true"
                        | "false"
                        | "set"
                        | "export"
                        | "cd"
                        | ":"
                        | "unset"
                        | "shift"
                        | "source"
                        | "."
                        | "sleep"
                        | "trap"
                        | "umask"
                        | "ulimit"
                )
            })
            .map(|words| {
                let text: Vec<&str> = words.iter().take(4).map(|w| w.text.as_str()).collect();
                text.join(" ")
            });
        let drops_privileges = commands
            .iter()
            .any(|c| crate::model::command::switches_user(c));
        facts.shell_script = Some(ShellScriptFacts {
            forwards_signals,
            last_command,
            drops_privileges,
            s6_longrun: crate::kind::is_s6_longrun(&file.path),
            deferred,
        });
    }
}

fn check_named(
    named: &[crate::model::named::NamedValue],
    active: &Active,
    findings: &mut Findings,
) {
    for (id, check) in active.checks() {
        if let Check::Named(check) = check {
            check(named, &mut Emitter::new(findings, id));
        }
    }
}

fn run_server_checks(servers: &[ServerSettings], active: &Active, findings: &mut Findings) {
    for (id, check) in active.checks() {
        if let Check::Server(check) = check {
            for settings in servers {
                check(settings, &mut Emitter::new(findings, id));
            }
        }
    }
}

fn check_kubernetes(
    file: &SourceFile,
    plan: &Plan,
    active: &Active,
    findings: &mut Findings,
    facts: &mut FileFacts,
) {
    // A chart template is judged as its default values render it.
    let text = plan
        .deployment
        .rendered_by_default(&file.path_str(), &file.text);
    let stream = crate::lang::yaml::parse(&text);
    // Helm templates often stop parsing after masking; a note per chart file is noise.
    if let Some((span, message)) = &stream.error
        && !stream.is_templated()
    {
        parse_error(
            file,
            findings,
            *span,
            format!("YAML does not parse: {message}"),
        );
    }
    let manifest = crate::model::kubernetes::Manifest::new(&stream, &text);
    for (id, check) in active.checks() {
        match check {
            Check::Manifest(check) => check(&manifest, &mut Emitter::new(findings, id)),
            Check::Named(check) => {
                let named = crate::model::named::from_yaml(&stream, &text);
                check(&named, &mut Emitter::new(findings, id));
            }
            _ => {}
        }
    }
    // A kustomize patch is a fragment of an object defined elsewhere: what it leaves
    // out is not missing.
    let containers: &[ContainerSpec] = if plan.deployment.is_patch(&file.path_str()) {
        &[]
    } else {
        &manifest.containers
    };
    check_containers(file, containers, &plan.deployment, active, findings, facts);
    if plan.collects_facts() {
        facts.kubernetes = manifest.facts(file);
        facts.kubernetes_containers = containers.iter().any(|c| !c.is_run_to_completion());
        let base_dir = base_dir(file);
        for spec in containers {
            let words: Vec<&Word> = spec.command_words().collect();
            if let Some(script) = crate::model::dockerfile::script_of_argv(&words) {
                facts.entry_scripts.push(EntryScript {
                    written: script.text.clone(),
                    copied_from: Vec::new(),
                    anchor: Anchor::new(file, script.span),
                    base_dir: base_dir.clone(),
                    dockerfile_main_process: false,
                    group_signalled: false,
                    env_names: spec.env.iter().map(|e| e.name.value.clone()).collect(),
                });
            }
        }
    }
}

fn check_compose(
    file: &SourceFile,
    plan: &Plan,
    active: &Active,
    findings: &mut Findings,
    facts: &mut FileFacts,
) {
    let stream = crate::lang::yaml::parse(&file.text);
    if let Some((span, message)) = &stream.error {
        parse_error(
            file,
            findings,
            *span,
            format!("YAML does not parse: {message}"),
        );
    }
    let mut containers = crate::model::compose::services(&stream, &file.text);
    // A service's `environment:`, and the `x-` fragments services take theirs from, are
    // DP009's, which judges them as the stack runs them.
    let mut environment: Vec<Span> = containers
        .iter()
        .flat_map(|c| c.env.iter())
        .filter_map(|var| var.value.as_ref().map(|v| v.span))
        .collect();
    if let Some(NodeValue::Mapping(top)) = stream
        .documents
        .first()
        .and_then(|d| d.root.as_ref())
        .map(|r| &r.value)
    {
        environment.extend(
            top.iter()
                .filter(|(k, _)| k.as_str().is_some_and(|k| k.starts_with("x-")))
                .map(|(_, v)| v.span),
        );
    }
    let named: Vec<_> = crate::model::named::from_yaml(&stream, &file.text)
        .into_iter()
        .filter(|n| {
            let value = n.value_span;
            !environment
                .iter()
                .any(|s| s.start <= value.end && value.start <= s.end)
        })
        .collect();
    check_named(&named, active, findings);
    let Some(stack) = compose_stack_view(file, plan) else {
        let own_services = crate::model::compose::service_entries(&stream);
        let name = file.path_str();
        let deployed =
            declares_deployment(&[crate::model::deployment::file_name(&name)], own_services)
                .is_some();
        mark_deployed(&mut containers, deployed);
        check_containers(file, &containers, &plan.deployment, active, findings, facts);
        return;
    };
    // Rules judge the services as compose runs them; each finding is kept by the
    // file of the stack its span lands in, so a stack's finding is reported once.
    let mut merged_findings: Findings = Vec::new();
    let virtual_file = SourceFile::new(&file.path, stack.text.text.clone());
    let mut merged = crate::model::compose::services_of(&stack.services, &virtual_file.text);
    let names: Vec<&str> = stack
        .layers
        .iter()
        .map(|p| crate::model::deployment::file_name(p))
        .collect();
    let deployed = declares_deployment(&names, &stack.services).is_some();
    mark_deployed(&mut merged, deployed);
    mark_deployed(&mut containers, deployed);
    check_containers(
        &virtual_file,
        &merged,
        &plan.deployment,
        active,
        &mut merged_findings,
        &mut FileFacts::default(),
    );
    for (id, finding) in merged_findings {
        if let Some((part, span)) = stack.text.locate(finding.span)
            && part == stack.own
        {
            let secret = finding
                .secret
                .and_then(|s| stack.text.locate(s))
                .map(|(_, s)| s);
            findings.push((
                id,
                Finding {
                    span,
                    secret,
                    ..finding
                },
            ));
        }
    }
    // The facts project rules read stay those of the file itself.
    check_containers(
        file,
        &containers,
        &plan.deployment,
        &Active::default(),
        findings,
        facts,
    );
}

/// A compose file's services as `docker compose` runs them: merge keys expanded, and
/// for a file in a stack (see `Deployment::compose_layer`) the stack's layers merged
/// in order. `None` when the file is plain: judged as written.
struct StackView {
    text: crate::model::compose_layers::StackText,
    /// The stack's files, base first.
    layers: Vec<String>,
    services: Vec<(Node, Node)>,
    /// The file's own position in the stack.
    own: usize,
}

fn compose_stack_view(file: &SourceFile, plan: &Plan) -> Option<StackView> {
    use crate::model::compose_layers::{StackText, expand, merge};
    let path = file.path_str();
    let layers: Vec<String> = match plan.deployment.compose_layer(&path) {
        Some(layer) if !matches!(layer.role, LayerRole::Development(_)) => layer.stack.clone(),
        _ if file.text.contains("<<:") => vec![path.clone()],
        _ => return None,
    };
    let own = layers.iter().position(|p| *p == path)?;
    let mut text = StackText::default();
    let mut services: Vec<(Node, Node)> = Vec::new();
    for (index, layer) in layers.iter().enumerate() {
        let source = if index == own {
            file.text.as_str()
        } else {
            plan.deployment.stack_text(layer)?
        };
        let offset = text.push(index, source);
        let mut stream = crate::lang::yaml::parse(source);
        let mut document = stream.documents.drain(..).next()?;
        if let Some(root) = document.root.as_mut() {
            root.shift(offset);
        }
        let entries = document.root.as_ref()?.get("services")?.as_map()?.to_vec();
        for (key, body) in entries {
            let body = expand(&body, &document).unwrap_or(body);
            match services
                .iter_mut()
                .find(|(k, _)| k.as_str() == key.as_str())
            {
                Some((_, existing)) => *existing = merge(existing, &body),
                None => services.push((key, body)),
            }
        }
    }
    Some(StackView {
        text,
        layers,
        services,
        own,
    })
}

fn mark_deployed(services: &mut [ContainerSpec], deployed: bool) {
    for spec in services {
        if let crate::model::container::ContainerOrigin::Compose { deployed: d, .. } =
            &mut spec.origin
        {
            *d = deployed;
        }
    }
}

/// The rules shared by every source of containers: container rules, server settings
/// from their command lines, and the facts project rules need.
fn check_containers(
    file: &SourceFile,
    containers: &[ContainerSpec],
    deployment: &Deployment,
    active: &Active,
    findings: &mut Findings,
    facts: &mut FileFacts,
) {
    use crate::rules::deploy::unpinned_image::{is_pinned, repository};
    let pinned: HashSet<&str> = containers
        .iter()
        .filter_map(|spec| spec.image.as_ref())
        .filter(|image| is_pinned(&image.value))
        .map(|image| repository(&image.value))
        .collect();
    let containers: Vec<ContainerSpec> = containers
        .iter()
        .map(|spec| {
            let mut spec = spec.clone();
            spec.tagged_at_deploy = spec
                .image
                .as_ref()
                .is_some_and(|image| deployment.tags_image(&image.value));
            spec.pinned_elsewhere = spec
                .image
                .as_ref()
                .is_some_and(|image| pinned.contains(repository(&image.value)));
            spec.may_take_traffic = deployment.may_take_traffic(&spec, &file.path_str());
            spec
        })
        .collect();
    let containers = containers.as_slice();
    let mut invocations: Vec<Invocation> = Vec::new();
    let mut servers: Vec<ServerSettings> = Vec::new();
    for spec in containers {
        let spec_invocations = recognize_in(
            &spec.command_words().cloned().collect::<Vec<_>>(),
            Some(&file.text),
        );
        let env: Vec<EnvValue> = spec
            .env
            .iter()
            .filter_map(|e| {
                let value = e.value.as_ref()?;
                Some(EnvValue {
                    name: &e.name.value,
                    value: &value.value,
                    span: value.span,
                    source: &file.text,
                })
            })
            .collect();
        for invocation in &spec_invocations {
            if let Some(mut settings) =
                server::from_invocation(invocation, ServerContext::Container)
            {
                settings.prepend(server::from_environment(settings.server, &env));
                facts
                    .probe_paths
                    .extend(probe_paths(file, spec, invocation, &settings));
                servers.push(settings);
            }
        }
        invocations.extend(spec_invocations);
    }
    for (id, check) in active.checks() {
        match check {
            Check::Container(check) => {
                for spec in containers {
                    check(spec, &mut Emitter::new(findings, id));
                }
            }
            Check::Server(check) => {
                for settings in &servers {
                    check(settings, &mut Emitter::new(findings, id));
                }
            }
            _ => {}
        }
    }
    let base_dir = base_dir(file);
    facts.gunicorn_runs.extend(
        servers
            .iter()
            .filter_map(|s| gunicorn_run(file, s, &base_dir)),
    );
    for invocation in &invocations {
        let target = match &invocation.program {
            Program::PythonScript { script } => ScriptTarget::Script(script.text.clone()),
            Program::PythonModule { module } => ScriptTarget::Module(module.text.clone()),
            _ => continue,
        };
        facts.script_runs.push(ScriptRun {
            target,
            anchor: Anchor::new(file, invocation.span),
            base_dir: base_dir.clone(),
            command_text: command_text(containers, invocation),
        });
    }
}

/// Integration tests and benchmarks of a crate (`tests/`, `benches/`): test code as a
/// whole, like `#[cfg(test)]` modules.
fn is_rust_test_file(path: &Path) -> bool {
    path.components()
        .any(|c| matches!(c.as_os_str().to_str(), Some("tests" | "benches")))
}

/// Every file's listing, by display path: contexts for findings that land in a file
/// after its own check (project rules), and `--show-files`.
#[derive(Debug, Default)]
pub struct FileContexts {
    sorted: Vec<FileListing>,
}

impl FileContexts {
    pub fn new(mut entries: Vec<FileListing>) -> Self {
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        FileContexts { sorted: entries }
    }

    /// A file's context; production for a path that was not read.
    pub fn of(&self, path: &str) -> Context {
        self.listing(path)
            .and_then(|l| l.context.as_ref())
            .map_or(Context::Production, |d| d.context)
    }

    pub fn listing(&self, path: &str) -> Option<&FileListing> {
        self.sorted
            .binary_search_by(|l| l.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.sorted[i])
    }

    pub fn into_listings(self) -> Vec<FileListing> {
        self.sorted
    }
}

/// Runs the project rules over every file's facts and filters their findings like file
/// findings (selection, per-file ignores, suppression comments in the file they land in).
pub fn run_project_rules(
    plan: &Plan,
    facts: ProjectFacts,
    settings: &Settings,
    contexts: &FileContexts,
) -> Vec<Diagnostic> {
    let registry = registry();
    let mut raw: Vec<(&'static str, ProjectFinding)> = Vec::new();
    for &i in &plan.project {
        let rule = &registry.rules[i];
        let check = match (rule.check, rule.project) {
            (Check::Project(check), _) | (_, Some(check)) => check,
            _ => continue,
        };
        check(
            &facts,
            &mut ProjectEmitter {
                out: &mut raw,
                rule: rule.meta.id,
            },
        );
    }
    // Findings in scripts that hold once a container runs the script (their rules
    // were enabled, or the script's check would not have produced them).
    for script in crate::rules::project::container_scripts(&facts) {
        let Some(shell) = &script.shell_script else {
            continue;
        };
        // The container may give the server its address through the environment.
        let env = crate::rules::project::container_env_of(&facts, &script.path);
        let addressed = env
            .iter()
            .any(|name| server::ADDRESS_ENV.contains(&name.as_str()));
        for deferred in &shell.deferred {
            if deferred.rule == "SV004" && addressed {
                continue;
            }
            raw.push((
                deferred.rule,
                ProjectFinding {
                    anchor: deferred.anchor.clone(),
                    message: deferred.message.clone(),
                    related: Vec::new(),
                },
            ));
        }
    }
    raw.into_iter()
        .filter_map(|(id, finding)| {
            let index = registry.index_of(id)?;
            // The config of the file the finding lands in decides about it.
            let settings = settings.for_path(Path::new(&finding.anchor.path));
            if !settings.enabled.contains(&index) {
                return None;
            }
            let root =
                std::path::absolute(&settings.root).unwrap_or_else(|_| settings.root.clone());
            let relative = relative_to_root(Path::new(&finding.anchor.path), &root);
            if settings.ignored_for_path(index, &relative) {
                return None;
            }
            let line = finding.anchor.start.line - 1;
            if facts
                .file(&finding.anchor.path)
                .is_some_and(|f| f.suppressions.covers(id, line))
            {
                return None;
            }
            let severity = settings.severity_for(index, contexts.of(&finding.anchor.path))?;
            Some(Diagnostic {
                rule: &registry.rules[index].meta,
                severity,
                message: finding.message,
                help: None,
                anchor: finding.anchor,
                related: finding.related,
            })
        })
        .collect()
}

/// A parse error as a PL001 note at `span`. Parsers that only notice the problem at the
/// end of the input point past the last line; the note goes on the last written line.
fn parse_error(file: &SourceFile, findings: &mut Findings, span: Span, message: String) {
    let content_end = file.text.trim_end().len();
    let span = if span.start >= content_end && content_end > 0 {
        let last_line = file.lines().line_of(content_end - 1);
        Span::new(file.lines().line_start(last_line), content_end)
    } else {
        // An error region can cover most of a file; the note marks where it starts.
        let line_end = file
            .lines()
            .line_span(&file.text, file.lines().line_of(span.start))
            .end;
        Span::new(span.start, span.end.min(line_end).max(span.start))
    };
    findings.push((
        PARSE_ERROR,
        Finding {
            span,
            message,
            help: None,
            secret: None,
        },
    ));
}

/// The rule that reports any secret-looking name with a literal value.
const SECRET_ASSIGNMENT: &str = "SC002";

/// Turns raw findings into diagnostics: drops disabled, per-file-ignored and suppressed
/// ones, applies severity overrides, resolves positions.
fn finish(
    file: &SourceFile,
    findings: Findings,
    suppressions: &Suppressions,
    settings: &Settings,
    context: Context,
) -> Vec<Diagnostic> {
    if findings.is_empty() {
        return Vec::new();
    }
    let registry = registry();
    let root = std::path::absolute(&settings.root).unwrap_or_else(|_| settings.root.clone());
    let relative = relative_to_root(&file.path, &root);
    // One finding per rule and span, and per rule and secret on a line: a rule that
    // matches the same bytes twice, a value several compose services share through an
    // anchor, or a key written twice on one line (a minified JSON report), says it once.
    let mut spans: HashSet<(&'static str, Span)> = HashSet::new();
    let mut secrets_on_lines: HashSet<(&'static str, usize, &str)> = HashSet::new();
    let kept: Vec<(&'static str, Finding)> = findings
        .into_iter()
        .filter(|(id, finding)| {
            if !spans.insert((id, finding.span)) {
                return false;
            }
            finding.secret.is_none_or(|s| {
                let line = file.lines().line_of(s.start);
                let text = file.text.get(s.start..s.end).unwrap_or_default();
                secrets_on_lines.insert((id, line, text))
            })
        })
        .filter(|(id, finding)| {
            let Some(index) = registry.index_of(id) else {
                return false;
            };
            if !settings.enabled.contains(&index) || settings.ignored_for_path(index, &relative) {
                return false;
            }
            let line = file.lines().line_of(finding.span.start);
            !suppressions.covers(id, line)
        })
        .collect();
    // The generic secret-assignment rule yields to a more specific finding about the
    // same secret (a provider format, a Dockerfile ENV, a container env var).
    let specific = SecretSpans::new(
        kept.iter()
            .filter(|(id, _)| *id != SECRET_ASSIGNMENT)
            .filter_map(|(_, f)| f.secret),
    );
    let shown: Vec<Shown> = kept
        .into_iter()
        .filter(|(id, finding)| {
            *id != SECRET_ASSIGNMENT || !finding.secret.is_some_and(|s| specific.overlaps(s))
        })
        .filter_map(|(id, finding)| {
            let index = registry.index_of(id)?;
            Some((index, settings.severity_for(index, context)?, finding))
        })
        .collect();
    cap_per_rule(file, shown, settings)
        .into_iter()
        .map(|(index, severity, finding)| Diagnostic {
            rule: &registry.rules[index].meta,
            severity,
            message: finding.message,
            help: finding.help,
            anchor: Anchor::new(file, finding.span),
            related: Vec::new(),
        })
        .collect()
}

/// A finding that will be reported: its rule's registry index and its severity here.
type Shown = (usize, crate::diagnostic::Severity, Finding);

/// The most findings one rule reports in one file. Past it a file says nothing new (a
/// generated `.env` of 60,000 tokens, a minified bundle): the rest are counted in one
/// PL001 note, so output and memory stay bounded by the file, not by its findings.
pub const FINDINGS_PER_RULE_PER_FILE: usize = 200;

/// Keeps the first [`FINDINGS_PER_RULE_PER_FILE`] shown findings of each rule (in file
/// order) and puts a PL001 note with the count of the rest where the first one left out
/// was. The note is said in every context (a file in a development folder can hold 300
/// provider keys too) unless PL001 itself is deselected.
fn cap_per_rule(file: &SourceFile, mut shown: Vec<Shown>, settings: &Settings) -> Vec<Shown> {
    let mut per_rule: HashMap<usize, usize> = HashMap::new();
    for (index, _, _) in &shown {
        *per_rule.entry(*index).or_default() += 1;
    }
    if per_rule.values().all(|&n| n <= FINDINGS_PER_RULE_PER_FILE) {
        return shown;
    }
    shown.sort_by_key(|(_, _, f)| (f.span.start, f.span.end));
    let mut seen: HashMap<usize, usize> = HashMap::new();
    let mut first_left_out: Vec<(usize, Span)> = Vec::new();
    shown.retain(|(index, _, finding)| {
        let count = seen.entry(*index).or_default();
        *count += 1;
        if *count == FINDINGS_PER_RULE_PER_FILE + 1 {
            first_left_out.push((*index, finding.span));
        }
        *count <= FINDINGS_PER_RULE_PER_FILE
    });
    let registry = registry();
    let Some(note_index) = registry
        .index_of(PARSE_ERROR)
        .filter(|i| settings.enabled.contains(i))
    else {
        return shown;
    };
    for (index, span) in first_left_out {
        let more = per_rule[&index] - FINDINGS_PER_RULE_PER_FILE;
        let id = registry.rules[index].meta.id;
        let mut note = Vec::new();
        parse_error(
            file,
            &mut note,
            span,
            format!(
                "{id}: {more} more findings from here on are not shown \
                 (at most {FINDINGS_PER_RULE_PER_FILE} per rule in one file)"
            ),
        );
        shown.extend(
            note.into_iter()
                .map(|(_, finding)| (note_index, crate::diagnostic::Severity::Note, finding)),
        );
    }
    shown
}

/// Secret spans of specific findings, sorted, so that each generic finding asks whether
/// one overlaps it in logarithmic time (a file can hold tens of thousands of secrets).
struct SecretSpans {
    /// Sorted by start; `reach[i]` is the furthest end among the first `i + 1`.
    spans: Vec<Span>,
    reach: Vec<usize>,
}

impl SecretSpans {
    fn new(spans: impl Iterator<Item = Span>) -> Self {
        // An empty span still covers its own byte, as a point of the text.
        let mut spans: Vec<Span> = spans
            .map(|s| Span::new(s.start, s.end.max(s.start + 1)))
            .collect();
        spans.sort_by_key(|s| s.start);
        let reach = spans
            .iter()
            .scan(0, |far, s| {
                *far = (*far).max(s.end);
                Some(*far)
            })
            .collect();
        SecretSpans { spans, reach }
    }

    fn overlaps(&self, s: Span) -> bool {
        let end = s.end.max(s.start + 1);
        // Spans starting before `end`; one of them overlaps when it reaches past `s.start`.
        let before = self.spans.partition_point(|o| o.start < end);
        before > 0 && self.reach[before - 1] > s.start
    }
}

fn note(path: &Path, message: &str) -> FileOutcome {
    FileOutcome {
        note: Some(format!("{}: {message}", path.display())),
        ..skipped(path, message)
    }
}

/// A file that was not read (binary, too large, unreadable).
fn skipped(path: &Path, why: &str) -> FileOutcome {
    FileOutcome {
        listing: Some(FileListing {
            path: crate::source::display_path(path),
            kind: "skipped",
            context: None,
            skipped: Some(why.to_string()),
        }),
        ..Default::default()
    }
}

/// Does the file at `path` start like a binary file? Reads 8 KiB at most.
/// The file's bytes, or `None` when it is larger than `MAX_FILE_BYTES`. One open and
/// one `fstat` (a path lookup per file shows in profiles of big trees).
fn read_small(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > MAX_FILE_BYTES {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(len as usize + 1);
    file.read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

fn starts_binary(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::with_capacity(8192);
    std::fs::File::open(path)
        .and_then(|f| f.take(8192).read_to_end(&mut head))
        .is_ok_and(|_| is_binary(&head))
}

/// A NUL byte in the first 8 KiB marks a binary file (the heuristic git and ripgrep use).
fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}
