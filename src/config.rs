//! Configuration: `prodlint.toml`, `.prodlint.toml`, or `[tool.prodlint]` in
//! `pyproject.toml`, found by walking up from the first target; merged with the CLI's
//! `--select`/`--ignore` into the settings the engine runs with.

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
    /// A baseline file (relative to the config's folder) whose findings are hidden, as
    /// with `--baseline`.
    pub baseline: Option<String>,
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
    /// The config's baseline file, resolved against `root`.
    pub baseline: Option<PathBuf>,
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

/// Reads one config file. A `pyproject.toml` without `[tool.prodlint]` gives None.
pub fn load(path: &Path) -> Result<Option<ConfigFile>, ConfigError> {
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
        let root = source
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("."));

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
            root,
            fail_on,
            source,
            python: file.python,
            contexts,
            severity_in_tests,
            project_root: None,
            trigger_gates: true,
            region_share_limit: python_outline::DEFAULT_REGION_SHARE_LIMIT,
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
