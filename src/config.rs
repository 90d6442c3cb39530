//! Configuration: `prodlint.toml`, `.prodlint.toml`, or `[tool.prodlint]` in
//! `pyproject.toml`, merged with the CLI's `--select`/`--ignore` into the settings the
//! engine runs with. As in ruff, the nearest config above a file applies to it: the one
//! found by walking up from the first target is the run's own (fail-on, baseline), and
//! every other config the walk finds is a [`Scope`] of its folder. `extend = "path"`
//! starts a config from another one.

use crate::context::{Context, ContextGlobs, Level};
use crate::diagnostic::Severity;
use crate::lang::python_outline;
use crate::report::escape::echo;
use crate::rules::registry;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The file format (every key; unknown keys are an error).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Rules to run: ids, slugs, categories, group prefixes or `ALL`. Default: all.
    pub select: Option<Vec<String>>,
    /// Rules never to run (applied after `select`).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity per rule id or slug.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// Globs (relative to the config's folder) of paths never linted.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Glob → rules ignored in matching files.
    #[serde(default)]
    pub per_file_ignores: BTreeMap<String, Vec<String>>,
    /// Lowest severity that makes the run fail (`note`, `warning`, `error`).
    pub fail_on: Option<String>,
    /// Globs of test folders and files; when set, they replace the built-in test and
    /// example folder and name lists of [`crate::context`].
    pub test_paths: Option<Vec<String>>,
    /// Globs per context (`development = ["deploy/dev/**"]`), tried before the built-in
    /// folder and name lists.
    #[serde(default)]
    pub contexts: ContextsTable,
    /// Severity per rule id or slug for findings in test and example files, overriding
    /// the level the rule's doc gives there (`SC001 = "error"` treats test keys like any
    /// other). A rule that is silent in tests stays silent.
    #[serde(default)]
    pub severity_in_tests: BTreeMap<String, String>,
    /// Options of the Python rules.
    #[serde(default)]
    pub python: PythonOptions,
    /// Base URL of the rule docs in SARIF `helpUri` (`--sarif-help-base` wins).
    pub sarif_help_base: Option<String>,
    /// SARIF `automationDetails.id` category (`--sarif-category` wins).
    pub sarif_category: Option<String>,
    /// A baseline file (relative to the config's folder) whose findings are hidden, as
    /// with `--baseline`.
    pub baseline: Option<String>,
    /// Another config file (relative to this one's folder) whose settings this one
    /// starts from; the keys written here win.
    pub extend: Option<String>,
    /// The files `extend` brought in, nearest first (filled by [`load`]).
    #[serde(skip)]
    pub extended: Vec<PathBuf>,
}

impl ConfigFile {
    /// `self` laid over `base`: a key set here replaces the base's; the tables
    /// (`severity`, `per-file-ignores`, ...) are merged entry by entry, this file's
    /// entries winning; a list left empty here keeps the base's.
    fn over(self, base: ConfigFile) -> ConfigFile {
        fn list(mine: Vec<String>, base: Vec<String>) -> Vec<String> {
            if mine.is_empty() { base } else { mine }
        }
        fn table<V>(
            mine: BTreeMap<String, V>,
            mut base: BTreeMap<String, V>,
        ) -> BTreeMap<String, V> {
            base.extend(mine);
            base
        }
        let contexts = ContextsTable {
            production: list(self.contexts.production, base.contexts.production),
            development: list(self.contexts.development, base.contexts.development),
            test: list(self.contexts.test, base.contexts.test),
            example: list(self.contexts.example, base.contexts.example),
            ci: list(self.contexts.ci, base.contexts.ci),
        };
        let python = PythonOptions {
            extend_blocking_calls: base
                .python
                .extend_blocking_calls
                .into_iter()
                .chain(self.python.extend_blocking_calls)
                .collect(),
            extend_timeout_calls: base
                .python
                .extend_timeout_calls
                .into_iter()
                .chain(self.python.extend_timeout_calls)
                .collect(),
            extend_client_timeout_calls: base
                .python
                .extend_client_timeout_calls
                .into_iter()
                .chain(self.python.extend_client_timeout_calls)
                .collect(),
        };
        ConfigFile {
            select: self.select.or(base.select),
            ignore: list(self.ignore, base.ignore),
            severity: table(self.severity, base.severity),
            exclude: list(self.exclude, base.exclude),
            per_file_ignores: table(self.per_file_ignores, base.per_file_ignores),
            fail_on: self.fail_on.or(base.fail_on),
            test_paths: self.test_paths.or(base.test_paths),
            contexts,
            severity_in_tests: table(self.severity_in_tests, base.severity_in_tests),
            python,
            baseline: self.baseline.or(base.baseline),
            sarif_help_base: self.sarif_help_base.or(base.sarif_help_base),
            sarif_category: self.sarif_category.or(base.sarif_category),
            extend: None,
            extended: Vec::new(),
        }
    }
}

/// `[python]`: additions to the Python rules' built-in tables.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PythonOptions {
    /// Qualified names of more callables that block (PY040), e.g. `mylib.http.fetch`.
    #[serde(default)]
    pub extend_blocking_calls: Vec<String>,
    /// More callables that take a timeout (PY001), each
    /// `{ names = [...], keyword = "timeout", position = 1, flag = "missing" }`.
    #[serde(default)]
    pub extend_timeout_calls: Vec<crate::rules::python::timeout_table::TimeoutEntry>,
    /// More client constructors that take a timeout (PY003: database, cache and queue
    /// clients), in the same form.
    #[serde(default)]
    pub extend_client_timeout_calls: Vec<crate::rules::python::timeout_table::TimeoutEntry>,
}

impl PythonOptions {
    /// The top-level module names of the added callables: a file that names none of them
    /// cannot call them, so these join the keyword gate in front of the Python rules.
    pub fn trigger_words(&self) -> Vec<String> {
        let names = self.extend_blocking_calls.iter().chain(
            self.extend_timeout_calls
                .iter()
                .chain(&self.extend_client_timeout_calls)
                .flat_map(|entry| entry.names.iter()),
        );
        let mut words: Vec<String> = names
            .filter_map(|name| name.split('.').find(|part| !part.is_empty()))
            .map(str::to_owned)
            .collect();
        words.sort_unstable();
        words.dedup();
        words
    }
}

/// `[contexts]`: globs (relative to the config's folder, like `exclude`) per context.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextsTable {
    #[serde(default)]
    pub production: Vec<String>,
    #[serde(default)]
    pub development: Vec<String>,
    #[serde(default)]
    pub test: Vec<String>,
    #[serde(default)]
    pub example: Vec<String>,
    #[serde(default)]
    pub ci: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct PyProject {
    tool: Option<PyProjectTool>,
}

#[derive(Debug, Deserialize)]
struct PyProjectTool {
    prodlint: Option<toml::Value>,
}

/// A configuration problem, already phrased for the user (with file and line).
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the engine runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Enabled rule indices into the registry.
    pub enabled: BTreeSet<usize>,
    /// Severity per rule index, after overrides.
    pub severity: Vec<Severity>,
    pub exclude: GlobSet,
    /// Per-file ignores: (glob set with one glob, rules ignored).
    pub per_file_ignores: Vec<(GlobSet, BTreeSet<usize>)>,
    /// The folder config paths are relative to (the config's, else the working dir).
    pub root: PathBuf,
    pub fail_on: Severity,
    /// The config file used, if any.
    pub source: Option<PathBuf>,
    pub python: PythonOptions,
    /// The user's context globs (relative to `root`).
    pub contexts: ContextGlobs,
    /// Severity per rule index for findings in test and example files, from the
    /// configuration (None: what the rule's doc says).
    pub severity_in_tests: Vec<Option<Severity>>,
    /// The folder the built-in context lists are judged from (`tests/` means test code
    /// only below it); `None`: see [`Settings::project_root_for`]. The `[contexts]`
    /// globs are relative to `root`, like every glob of the configuration.
    pub project_root: Option<PathBuf>,
    /// Parse only files some rule's trigger gate lets through (the default). Off, every
    /// file of a known kind is parsed: slower, and — the gates being only a shortcut —
    /// the same findings (the fixture tests check exactly that).
    pub trigger_gates: bool,
    /// Parse only the regions of a Python file its rules can report on unless they are
    /// more than this share of the file (then the whole file: little to save). The
    /// fixture tests set 1.0 so every fixture is also checked region by region.
    pub region_share_limit: f64,
    /// The config's `sarif-help-base`.
    pub sarif_help_base: Option<String>,
    /// The config's `sarif-category`.
    pub sarif_category: Option<String>,
    /// The config's baseline file, resolved against `root`.
    pub baseline: Option<PathBuf>,
    /// The files the config's `extend` chain brought in, nearest first.
    pub extended: Vec<PathBuf>,
    /// The command line's part, kept to resolve the other configs of the project.
    pub overrides: CliOverrides,
    /// Whether the other configs of the project apply to their folders (not with
    /// `--config` or `--isolated`, which name the one config of the run).
    pub hierarchical: bool,
    /// The configs of the project's folders, deepest first, when some folder has one
    /// other than the run's own (see [`Settings::load_nested`]); empty: this applies to
    /// every file.
    pub scopes: Vec<Scope>,
    /// What applies to a file no config is above, when there are scopes.
    pub unconfigured: Option<Box<Settings>>,
    /// The exclude globs as written (config, then `--exclude`), for `--show-settings`.
    pub exclude_patterns: Vec<String>,
    /// The per-file-ignores globs as written, in the order of `per_file_ignores`.
    pub per_file_ignore_patterns: Vec<String>,
}

/// A config and the folder it applies to (with every folder below it that has none of
/// its own).
#[derive(Debug, Clone)]
pub struct Scope {
    /// Absolute.
    pub dir: PathBuf,
    pub settings: Settings,
}

/// Options from the command line that take part in settings.
#[derive(Debug, Default, Clone)]
pub struct CliOverrides {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub extend_exclude: Vec<String>,
    pub fail_on: Option<Severity>,
}

const CONFIG_NAMES: &[&str] = &["prodlint.toml", ".prodlint.toml", "pyproject.toml"];

/// Finds the config for `start` (a file or folder) by walking up its ancestors, up to
/// and including the repository's root (the folder holding `.git`): a config above the
/// checkout belongs to someone else.
pub fn discover(start: &Path) -> Result<Option<(PathBuf, ConfigFile)>, ConfigError> {
    let absolute = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if absolute.is_dir() {
        Some(absolute.as_path())
    } else {
        absolute.parent()
    };
    while let Some(d) = dir {
        for name in CONFIG_NAMES {
            let candidate = d.join(name);
            if candidate.is_file()
                && let Some(config) = load(&candidate)?
            {
                return Ok(Some((candidate, config)));
            }
        }
        if d.join(".git").exists() {
            break;
        }
        dir = d.parent();
    }
    Ok(None)
}

/// How many `extend` links one config may follow: a chain longer than this is a loop
/// in all but name.
const MAX_EXTEND_DEPTH: usize = 8;

/// Reads a config file and the files its `extend` chain names, laid one over the other.
/// A `pyproject.toml` without `[tool.prodlint]` gives None.
pub fn load(path: &Path) -> Result<Option<ConfigFile>, ConfigError> {
    let Some(mut config) = load_one(path)? else {
        return Ok(None);
    };
    let mut chain: Vec<PathBuf> =
        vec![std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())];
    let mut from = path.to_path_buf();
    while let Some(target) = config.extend.take() {
        let base_path = from.parent().unwrap_or(Path::new(".")).join(&target);
        let absolute = std::path::absolute(&base_path).unwrap_or_else(|_| base_path.clone());
        let shown = from.display();
        if chain.iter().any(|seen| same_file(seen, &absolute)) {
            return Err(ConfigError(format!(
                "{shown}: extend = `{}` makes a loop",
                echo(&target)
            )));
        }
        if chain.len() > MAX_EXTEND_DEPTH {
            return Err(ConfigError(format!(
                "{shown}: more than {MAX_EXTEND_DEPTH} configs extend one another"
            )));
        }
        if !base_path.is_file() {
            return Err(ConfigError(format!(
                "{shown}: extend = `{}`: no such file",
                echo(&target)
            )));
        }
        let Some(mut base) = load_one(&base_path)? else {
            return Err(ConfigError(format!(
                "{shown}: extend = `{}` has no [tool.prodlint] section",
                echo(&target)
            )));
        };
        let next = base.extend.take();
        let extended = std::mem::take(&mut config.extended);
        config = config.over(base);
        config.extended = extended;
        config.extended.push(base_path.clone());
        config.extend = next;
        chain.push(absolute);
        from = base_path;
    }
    Ok(Some(config))
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

/// Reads one config file, its `extend` not followed.
fn load_one(path: &Path) -> Result<Option<ConfigFile>, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("{}: cannot read config: {e}", path.display())))?;
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    // A pyproject that never names prodlint is another tool's business, even when it
    // does not parse.
    if is_pyproject && !text.contains("prodlint") {
        return Ok(None);
    }
    if is_pyproject {
        let project: PyProject = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
        match project.tool.and_then(|t| t.prodlint) {
            None => Ok(None),
            // Re-read the section from the original text so errors point at real lines.
            Some(_) => parse_pyproject_section(path, &text).map(Some),
        }
    } else {
        toml::from_str(&text)
            .map(Some)
            .map_err(|e| toml_error(path, &text, &e))
    }
}

/// Deserializes `[tool.prodlint]` out of a pyproject with spans intact: the other
/// sections are skipped by deserializing into a struct that only names this one.
fn parse_pyproject_section(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
    #[derive(Deserialize)]
    struct Outer {
        tool: Tool,
    }
    #[derive(Deserialize)]
    struct Tool {
        prodlint: ConfigFile,
    }
    toml::from_str::<Outer>(text)
        .map(|o| o.tool.prodlint)
        .map_err(|e| toml_error(path, text, &e))
}

fn toml_error(path: &Path, text: &str, error: &toml::de::Error) -> ConfigError {
    let message = error.message().trim_end();
    match error.span() {
        Some(span) => {
            let index = crate::source::LineIndex::new(text);
            let at = index.line_col(text, span.start);
            ConfigError(format!(
                "{}:{}:{}: invalid config: {message}",
                path.display(),
                at.line,
                at.column
            ))
        }
        None => ConfigError(format!("{}: invalid config: {message}", path.display())),
    }
}

impl Settings {
    /// Builds settings from an optional config file (and where it was) and CLI options.
    pub fn resolve(
        config: Option<(PathBuf, ConfigFile)>,
        cli: &CliOverrides,
    ) -> Result<Settings, ConfigError> {
        let registry = registry();
        let (source, file) = match config {
            Some((path, file)) => (Some(path), file),
            None => (None, ConfigFile::default()),
        };
        let origin = source
            .as_ref()
            .map_or("command line".to_string(), |p| p.display().to_string());
        // `--config prodlint.toml` has the empty path as its parent: that is `.`.
        let root = source
            .as_ref()
            .and_then(|p| p.parent())
            .filter(|dir| !dir.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);

        let select_selectors = cli.select.clone().or(file.select.clone());
        let mut enabled: BTreeSet<usize> = match &select_selectors {
            Some(selectors) => {
                let mut set = BTreeSet::new();
                for s in selectors {
                    set.extend(resolve_selector(s, &origin)?);
                }
                set
            }
            // The default selection leaves out the `pedantic` group.
            None => (0..registry.rules.len())
                .filter(|&i| registry.rules[i].meta.default_enabled())
                .collect(),
        };
        for s in file.ignore.iter().chain(cli.ignore.iter()) {
            for i in resolve_selector(s, &origin)? {
                enabled.remove(&i);
            }
        }

        let mut severity: Vec<Severity> = registry.rules.iter().map(|r| r.meta.severity).collect();
        for (key, level) in &file.severity {
            let rule = registry.find(key).ok_or_else(|| {
                ConfigError(format!(
                    "{origin}: [severity] names unknown rule `{}`",
                    echo(key)
                ))
            })?;
            let level = Severity::parse(level).ok_or_else(|| {
                ConfigError(format!(
                    "{origin}: [severity] {key} = `{level}`: expected note, warning or error"
                ))
            })?;
            if let Some(i) = registry.index_of(rule.meta.id) {
                severity[i] = level;
            }
        }

        let mut severity_in_tests: Vec<Option<Severity>> = vec![None; registry.rules.len()];
        for (key, level) in &file.severity_in_tests {
            let rule = registry.find(key).ok_or_else(|| {
                ConfigError(format!(
                    "{origin}: [severity-in-tests] names unknown rule `{}`",
                    echo(key)
                ))
            })?;
            let level = Severity::parse(level).ok_or_else(|| {
                ConfigError(format!(
                    "{origin}: [severity-in-tests] {key} = `{level}`: expected note, warning or error"
                ))
            })?;
            if let Some(i) = registry.index_of(rule.meta.id) {
                severity_in_tests[i] = Some(level);
            }
        }
        let test_paths = match &file.test_paths {
            Some(globs) => Some(build_globs(&globs.iter().collect::<Vec<_>>(), &origin)?),
            None => None,
        };
        let table = &file.contexts;
        let mut context_globs = Vec::new();
        for (context, globs) in [
            (Context::Production, &table.production),
            (Context::Development, &table.development),
            (Context::Test, &table.test),
            (Context::Example, &table.example),
            (Context::Ci, &table.ci),
        ] {
            if !globs.is_empty() {
                let set = build_globs(&globs.iter().collect::<Vec<_>>(), &origin)?;
                context_globs.push((context, set));
            }
        }
        let contexts = ContextGlobs {
            globs: context_globs,
            test_paths,
        };

        let exclude_globs: Vec<&String> = file
            .exclude
            .iter()
            .chain(cli.extend_exclude.iter())
            .collect();
        let exclude = build_globs(&exclude_globs, &origin)?;

        let mut per_file_ignores = Vec::new();
        let per_file_ignore_patterns: Vec<String> = file.per_file_ignores.keys().cloned().collect();
        for (glob, selectors) in &file.per_file_ignores {
            let set = build_globs(&[glob], &origin)?;
            let mut rules = BTreeSet::new();
            for s in selectors {
                rules.extend(resolve_selector(s, &origin)?);
            }
            per_file_ignores.push((set, rules));
        }

        let fail_on = match (cli.fail_on, &file.fail_on) {
            (Some(level), _) => level,
            (None, Some(text)) => Severity::parse(text).ok_or_else(|| {
                ConfigError(format!(
                    "{origin}: fail-on = `{text}`: expected note, warning or error"
                ))
            })?,
            (None, None) => Severity::Warning,
        };

        Ok(Settings {
            enabled,
            severity,
            exclude,
            per_file_ignores,
            baseline: file.baseline.as_ref().map(|path| root.join(path)),
            extended: file.extended,
            overrides: cli.clone(),
            hierarchical: true,
            scopes: Vec::new(),
            unconfigured: None,
            exclude_patterns: exclude_globs.iter().map(|g| g.to_string()).collect(),
            per_file_ignore_patterns,
            root,
            fail_on,
            source,
            python: file.python,
            contexts,
            severity_in_tests,
            project_root: None,
            trigger_gates: true,
            region_share_limit: python_outline::DEFAULT_REGION_SHARE_LIMIT,
            sarif_help_base: file.sarif_help_base,
            sarif_category: file.sarif_category,
        })
    }

    /// The severity of rule `index` for a finding in a file of `context`; `None` when
    /// the rule is silent there (its doc's `contexts:`).
    pub fn severity_for(&self, index: usize, context: Context) -> Option<Severity> {
        let rule = &registry().rules[index].meta;
        // A level configured for test and example files turns the rule on there too.
        if let Some(configured) = self.severity_in_tests[index]
            && context.is_test_like()
        {
            return Some(configured);
        }
        match rule.contexts.level(context) {
            Level::Silent => None,
            Level::Severity => Some(self.severity[index]),
            Level::At(level) => Some(level),
        }
    }

    /// Where the built-in context lists are judged from for a run on `targets`: the
    /// configured root; else the first target when it is a folder (`prodlint check
    /// examples/` lints the example as a project of its own); else the git repository
    /// around the first target (pre-commit passes files: `tests/test_api.py` is test
    /// code); else the working directory. Folders above the root never count, so a CI
    /// checkout under `/builds/tests/` does not make everything test code.
    pub fn project_root_for(&self, targets: &[PathBuf]) -> PathBuf {
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        if let Some(root) = &self.project_root {
            return absolute(root);
        }
        let first = absolute(targets.first().map_or(Path::new("."), PathBuf::as_path));
        if first.is_dir() {
            return first;
        }
        let mut dir = first.parent();
        while let Some(d) = dir {
            if d.join(".git").exists() {
                return d.to_path_buf();
            }
            dir = d.parent();
        }
        std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
    }

    /// The settings for the file at `path` (as the walk wrote it): those of the nearest
    /// config above it.
    pub fn for_path(&self, path: &Path) -> &Settings {
        if self.scopes.is_empty() {
            return self;
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.scopes
            .iter()
            .find(|scope| absolute.starts_with(&scope.dir))
            .map(|scope| &scope.settings)
            .or(self.unconfigured.as_deref())
            .unwrap_or(self)
    }

    /// Every rule some config of the run enables: what must run for the per-file
    /// selection to be applied afterwards.
    pub fn enabled_anywhere(&self) -> BTreeSet<usize> {
        let mut all = self.enabled.clone();
        for scope in &self.scopes {
            all.extend(&scope.settings.enabled);
        }
        if let Some(unconfigured) = &self.unconfigured {
            all.extend(&unconfigured.enabled);
        }
        all
    }

    /// The Python options of every config of the run together (what the trigger gates
    /// must look for).
    pub fn python_anywhere(&self) -> PythonOptions {
        let mut all = self.python.clone();
        for scope in &self.scopes {
            let more = scope.settings.python.clone();
            all.extend_blocking_calls.extend(more.extend_blocking_calls);
            all.extend_timeout_calls.extend(more.extend_timeout_calls);
            all.extend_client_timeout_calls
                .extend(more.extend_client_timeout_calls);
        }
        all
    }

    /// Does the nearest config above `path` exclude it?
    pub fn excludes(&self, path: &Path) -> bool {
        let settings = self.for_path(path);
        if settings.exclude.is_empty() {
            return false;
        }
        let root = std::path::absolute(&settings.root).unwrap_or_else(|_| settings.root.clone());
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let relative = absolute.strip_prefix(&root).unwrap_or(&absolute);
        settings.exclude.is_match(relative)
    }

    /// Finds the configs among the walked `paths` other than the run's own, and makes
    /// each the settings of its folder. What the run decides once (fail-on, the
    /// baseline, trigger gates, the project root) stays the run's own.
    pub fn load_nested(&mut self, paths: &[PathBuf]) -> Result<(), ConfigError> {
        if !self.hierarchical {
            return Ok(());
        }
        let own = self
            .source
            .as_ref()
            .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()));
        let own_dir = own.as_ref().and_then(|p| p.parent().map(Path::to_path_buf));
        // The first config name present in a folder is its config, as for discovery.
        let mut by_dir: BTreeMap<PathBuf, (usize, &PathBuf)> = BTreeMap::new();
        for path in paths {
            let Some(rank) = path
                .file_name()
                .and_then(|n| CONFIG_NAMES.iter().position(|c| n == *c))
            else {
                continue;
            };
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            let Some(dir) = absolute.parent().map(Path::to_path_buf) else {
                continue;
            };
            if own_dir.as_ref() == Some(&dir) {
                continue;
            }
            let entry = by_dir.entry(dir).or_insert((rank, path));
            if rank < entry.0 {
                *entry = (rank, path);
            }
        }
        let mut scopes = Vec::new();
        let mut ranked: Vec<(PathBuf, &PathBuf)> = by_dir
            .into_iter()
            .map(|(dir, (_, path))| (dir, path))
            .collect();
        // A pyproject.toml without a prodlint section leaves the folder to the next
        // config name, then to the configs above.
        for (dir, path) in ranked.drain(..) {
            let mut found = load(path)?.map(|file| (path.clone(), file));
            if found.is_none() {
                for name in CONFIG_NAMES {
                    let candidate = dir.join(name);
                    if candidate.file_name() != path.file_name()
                        && candidate.is_file()
                        && let Some(file) = load(&candidate)?
                    {
                        found = Some((candidate, file));
                        break;
                    }
                }
            }
            if let Some(config) = found {
                let settings = self.scoped(Settings::resolve(Some(config), &self.overrides)?);
                scopes.push(Scope { dir, settings });
            }
        }
        if scopes.is_empty() {
            return Ok(());
        }
        if let Some(dir) = own_dir {
            let mut own = self.clone();
            own.scopes.clear();
            scopes.push(Scope { dir, settings: own });
        }
        scopes.sort_by_key(|scope| std::cmp::Reverse(scope.dir.components().count()));
        self.unconfigured = Some(Box::new(
            self.scoped(Settings::resolve(None, &self.overrides)?),
        ));
        self.scopes = scopes;
        Ok(())
    }

    /// `--show-settings`: what applies to `path`, one `key: value` line each, with
    /// where it comes from.
    pub fn describe(&self, path: &Path) -> String {
        use std::fmt::Write as _;
        let registry = registry();
        let mut out = String::new();
        let _ = writeln!(out, "settings for {}", echo(&path.display().to_string()));
        match &self.source {
            Some(source) if self.hierarchical => {
                let _ = writeln!(
                    out,
                    "config: {} (the nearest above the path)",
                    source.display()
                );
            }
            Some(source) => {
                let _ = writeln!(out, "config: {} (named by --config)", source.display());
            }
            None if self.hierarchical => {
                let _ = writeln!(
                    out,
                    "config: none (no config file above the path; defaults)"
                );
            }
            None => {
                let _ = writeln!(out, "config: none (--isolated)");
            }
        }
        for base in &self.extended {
            let _ = writeln!(out, "extends: {}", base.display());
        }
        let _ = writeln!(
            out,
            "root: {} (globs are relative to it)",
            self.root.display()
        );
        let from_cli = |set: bool| if set { " (command line)" } else { "" };
        let ids: Vec<&str> = self
            .enabled
            .iter()
            .map(|&i| registry.rules[i].meta.id)
            .collect();
        let _ = writeln!(
            out,
            "enabled: {} of {} rules{}: {}",
            ids.len(),
            registry.rules.len(),
            from_cli(self.overrides.select.is_some() || !self.overrides.ignore.is_empty()),
            ids.join(", ")
        );
        let changed: Vec<String> = self
            .severity
            .iter()
            .enumerate()
            .filter(|&(i, level)| *level != registry.rules[i].meta.severity)
            .map(|(i, level)| format!("{} = {}", registry.rules[i].meta.id, level.as_str()))
            .collect();
        if !changed.is_empty() {
            let _ = writeln!(out, "severity: {}", changed.join(", "));
        }
        let in_tests: Vec<String> = self
            .severity_in_tests
            .iter()
            .enumerate()
            .filter_map(|(i, level)| {
                level.map(|l| format!("{} = {}", registry.rules[i].meta.id, l.as_str()))
            })
            .collect();
        if !in_tests.is_empty() {
            let _ = writeln!(out, "severity-in-tests: {}", in_tests.join(", "));
        }
        if !self.exclude_patterns.is_empty() {
            let _ = writeln!(
                out,
                "exclude: {}{}",
                self.exclude_patterns.join(", "),
                from_cli(!self.overrides.extend_exclude.is_empty())
            );
        }
        for (pattern, (_, rules)) in self
            .per_file_ignore_patterns
            .iter()
            .zip(&self.per_file_ignores)
        {
            let ids: Vec<&str> = rules.iter().map(|&i| registry.rules[i].meta.id).collect();
            let _ = writeln!(out, "per-file-ignores: {pattern} = {}", ids.join(", "));
        }
        let _ = writeln!(
            out,
            "fail-on: {}{}",
            self.fail_on.as_str(),
            from_cli(self.overrides.fail_on.is_some())
        );
        if let Some(baseline) = &self.baseline {
            let _ = writeln!(out, "baseline: {}", baseline.display());
        }
        out
    }

    /// `settings` with what the run decides once taken from `self`.
    fn scoped(&self, mut settings: Settings) -> Settings {
        settings.fail_on = self.fail_on;
        settings.baseline.clone_from(&self.baseline);
        settings.project_root.clone_from(&self.project_root);
        settings.trigger_gates = self.trigger_gates;
        settings.region_share_limit = self.region_share_limit;
        settings.hierarchical = false;
        settings
    }

    /// Is rule `index` ignored for the file at `path` (relative to the config root)?
    pub fn ignored_for_path(&self, index: usize, path: &Path) -> bool {
        self.per_file_ignores
            .iter()
            .any(|(globs, rules)| rules.contains(&index) && globs.is_match(path))
    }
}

fn resolve_selector(selector: &str, origin: &str) -> Result<BTreeSet<usize>, ConfigError> {
    registry().select(selector).ok_or_else(|| {
        ConfigError(format!(
            "{origin}: `{}` names no rule (expected a rule id, slug, category, group prefix or ALL)",
            echo(selector)
        ))
    })
}

/// Globs match paths relative to the config root; a glob without `/` matches at any depth.
fn build_globs(globs: &[&String], origin: &str) -> Result<GlobSet, ConfigError> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let trimmed = glob.trim_start_matches("./").trim_end_matches('/');
        // `""`, `.` or `/` would match every path and silently lint nothing.
        if trimmed.is_empty() || trimmed == "." {
            return Err(ConfigError(format!(
                "{origin}: the glob `{}` matches every path (to lint nothing, run nothing)",
                echo(glob)
            )));
        }
        let patterns = if trimmed.contains('/') {
            vec![trimmed.to_string(), format!("{trimmed}/**")]
        } else {
            vec![format!("**/{trimmed}"), format!("**/{trimmed}/**")]
        };
        for p in patterns {
            let g = Glob::new(&p)
                .map_err(|e| ConfigError(format!("{origin}: bad glob `{}`: {e}", echo(glob))))?;
            builder.add(g);
        }
    }
    builder.build().map_err(|e| {
        ConfigError(format!(
            "{origin}: the {} globs cannot be compiled together ({e}); use fewer, broader ones",
            globs.len()
        ))
    })
}
