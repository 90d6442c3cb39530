//! File contexts: which part of a project a file belongs to — the production deployment,
//! local development, tests, examples and documentation, or CI — decided once per file,
//! from the user's `[contexts]` globs first, then from folder names, file names and a
//! few content markers. Every rule says in its doc's front-matter (`contexts:`) where it
//! reports and at what level; the engine applies that, so no rule guesses on its own.
//!
//! A compose override that only adds what local development needs (a reloader, source
//! bind mounts) is also development; that is decided in the deployment model, which sees
//! the override next to its base file (see `model::deployment`).

use globset::GlobSet;
use std::fmt;
use std::path::Path;

/// What part of the project a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Context {
    /// What ships: the default for a file nothing else is known of.
    #[default]
    Production,
    /// Local development: dev compose files and overrides, dev settings, devcontainers.
    Development,
    /// Test code and test data: test suites, fixtures, rule tests of other linters.
    Test,
    /// Examples, samples, templates, documentation and archived code.
    Example,
    /// Continuous integration: pipelines and the services they start.
    Ci,
}

impl Context {
    pub const ALL: [Context; 5] = [
        Context::Production,
        Context::Development,
        Context::Test,
        Context::Example,
        Context::Ci,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Context::Production => "production",
            Context::Development => "development",
            Context::Test => "test",
            Context::Example => "example",
            Context::Ci => "ci",
        }
    }

    pub fn parse(text: &str) -> Option<Context> {
        Context::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// Test and example files: where a rule's severity-in-tests applies.
    pub fn is_test_like(self) -> bool {
        matches!(self, Context::Test | Context::Example)
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a file has its context, for `--show-files`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Nothing marks it: production.
    Default,
    /// A glob of the configuration's `[contexts]` (or `test-paths`) matched.
    Config,
    /// A folder on its path (`tests/`, `.github/`, `docs/`).
    Folder(String),
    /// A part of its file name (`docker-compose.dev.yml` → `dev`, `test_api.py`).
    Name(&'static str),
    /// What the deployment model saw (an override that only adds a reloader).
    Deployment(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Default => f.write_str("no marker"),
            Reason::Config => f.write_str("configured"),
            Reason::Folder(folder) => write!(f, "folder `{folder}/`"),
            Reason::Name(what) => write!(f, "file name: {what}"),
            Reason::Deployment(what) => f.write_str(what),
        }
    }
}

/// A file's context and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub context: Context,
    pub reason: Reason,
}

impl Decision {
    pub fn new(context: Context, reason: Reason) -> Self {
        Decision { context, reason }
    }
}

/// The user's context globs (relative to the config root), in the order they are tried.
#[derive(Debug, Clone, Default)]
pub struct ContextGlobs {
    pub globs: Vec<(Context, GlobSet)>,
    /// `test-paths`, when the configuration sets it: replaces the built-in test and
    /// example folder and name lists (content markers still count).
    pub test_paths: Option<GlobSet>,
}

/// Folders whose files are CI pipelines or what they run.
const CI_FOLDERS: &[&str] = &[
    ".github",
    ".gitlab",
    ".circleci",
    ".buildkite",
    ".woodpecker",
    ".drone",
    ".tekton",
    ".azure-pipelines",
    ".ci",
    "ci",
];
/// File names of CI pipelines (lowercase).
const CI_FILES: &[&str] = &[
    ".gitlab-ci.yml",
    ".gitlab-ci.yaml",
    ".woodpecker.yml",
    ".woodpecker.yaml",
    ".drone.yml",
    ".drone.yaml",
    ".travis.yml",
    ".cirrus.yml",
    "azure-pipelines.yml",
    "azure-pipelines.yaml",
    "bitbucket-pipelines.yml",
    "appveyor.yml",
    "jenkinsfile",
    "cloudbuild.yaml",
    "cloudbuild.yml",
    "buildspec.yml",
];
const TEST_FOLDERS: &[&str] = &[
    "tests",
    "test",
    "testing",
    "unittests",
    "unittest",
    "unit_tests",
    "unit-tests",
    "e2e",
    "e2etests",
    "e2e_tests",
    "e2e-tests",
    "integration_tests",
    "integration-tests",
    "functional_tests",
    "functional-tests",
    "testdata",
    "test_data",
    "test-data",
    "fixtures",
    "__tests__",
    "__mocks__",
    ".semgrep",
    // Browser end-to-end suites and the images that run them.
    "cypress",
    "playwright",
];
const EXAMPLE_FOLDERS: &[&str] = &[
    "examples",
    "example",
    "samples",
    "sample",
    "demo",
    "demos",
    "docs",
    "doc",
    "docs_src",
    "tutorial",
    "tutorials",
    "cookbook",
    "_archived",
    "archived",
    "archive",
];
const DEVELOPMENT_FOLDERS: &[&str] = &[
    ".devcontainer",
    "devcontainer",
    "dev",
    "development",
    "local",
    "hack",
];
/// Parts of a file name (split at `.`, `-`, `_`) that name a context, for files other
/// than Python modules (compose files, Dockerfiles, env files, Procfiles, scripts, Helm
/// values).
const TEST_NAME_PARTS: &[&str] = &[
    "test",
    "tests",
    "testing",
    "e2e",
    "unittest",
    "unittests",
    "integration",
    "cypress",
    "playwright",
];
const DEVELOPMENT_NAME_PARTS: &[&str] = &[
    "dev",
    "devel",
    "develop",
    "development",
    "local",
    "debug",
    "devcontainer",
    "reload",
];
const EXAMPLE_NAME_PARTS: &[&str] = &[
    "example", "examples", "sample", "samples", "template", "tmpl", "dist", "demo",
];
const CI_NAME_PARTS: &[&str] = &["ci"];
/// Folders that hold a project's settings modules (`settings/dev.py`, `config/test.py`).
const SETTINGS_FOLDERS: &[&str] = &[
    "settings",
    "config",
    "conf",
    "configs",
    "configuration",
    "environments",
    "envs",
];

/// The context of a file from the user's globs (matched against `for_globs`, the path
/// relative to the config's folder), its path relative to the project root
/// (`relative`) and the start of its text.
pub fn decide(relative: &Path, for_globs: &Path, globs: &ContextGlobs) -> Decision {
    for (context, set) in &globs.globs {
        if set.is_match(for_globs) {
            return Decision::new(*context, Reason::Config);
        }
    }
    let test_paths = globs.test_paths.as_ref();
    if test_paths.is_some_and(|set| set.is_match(for_globs)) {
        return Decision::new(Context::Test, Reason::Config);
    }
    // Content is not read: a file that only carries another linter's test markers
    // (`# ruleid:`) is a rule test where it sits in one (`.semgrep/`, `tests/`), and
    // code like any other elsewhere.
    from_path(relative, test_paths.is_some())
}

/// The context a path alone says.
/// `configured_tests`: the configuration's `test-paths` replace the built-in test and
/// example lists.
fn from_path(relative: &Path, configured_tests: bool) -> Decision {
    let folders: Vec<String> = relative
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .filter_map(|c| c.as_os_str().to_str())
        .map(str::to_ascii_lowercase)
        .collect();
    let name = relative
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let folder_in = |list: &[&str]| {
        folders
            .iter()
            .find(|f| list.contains(&f.as_str()))
            .map(|f| Reason::Folder(f.clone()))
    };
    if let Some(reason) = folder_in(CI_FOLDERS) {
        return Decision::new(Context::Ci, reason);
    }
    if CI_FILES.contains(&name.as_str()) {
        return Decision::new(Context::Ci, Reason::Name("a CI pipeline"));
    }
    if !configured_tests {
        if let Some(reason) = folder_in(TEST_FOLDERS).or_else(|| {
            folders
                .iter()
                .find(|f| is_test_folder_name(f))
                .map(|f| Reason::Folder(f.clone()))
        }) {
            return Decision::new(Context::Test, reason);
        }
        if let Some(reason) = folder_in(EXAMPLE_FOLDERS) {
            return Decision::new(Context::Example, reason);
        }
    }
    if let Some(reason) = folder_in(DEVELOPMENT_FOLDERS) {
        return Decision::new(Context::Development, reason);
    }
    if let Some(reason) = maintainer_script(&folders, &name) {
        return Decision::new(Context::Development, reason);
    }
    let parent = folders.last().map(String::as_str).unwrap_or("");
    if let Some(decision) = from_name(&name, parent, !configured_tests) {
        return decision;
    }
    Decision::new(Context::Production, Reason::Default)
}

/// A Python script in a `tools/`, `scripts/` or `bin/` folder at the project's top: what
/// maintainers run by hand (release managers, data regenerators, smoke-test settings).
/// The application's own code lives in its package; a `tools/` inside it
/// (`dojo/tools/`) is production code, and so are shell scripts, which images run.
fn maintainer_script(folders: &[String], name: &str) -> Option<Reason> {
    let top = folders.first()?;
    (name.ends_with(".py") && MAINTAINER_FOLDERS.contains(&top.as_str()))
        .then(|| Reason::Folder(top.clone()))
}

/// Top-level folders of maintainer scripts (see `maintainer_script`).
const MAINTAINER_FOLDERS: &[&str] = &["tools", "scripts", "bin", "devtools"];

/// A configuration class for tests (`TestingConfig`, `TestConfig`, `UnitTestSettings`):
/// its class attributes are test settings, like those of a `settings/test.py`.
pub fn is_test_config_class(name: &str) -> bool {
    let config = ["Config", "Configuration", "Settings"]
        .iter()
        .any(|suffix| name.ends_with(suffix));
    config
        && (name.starts_with("Test")
            || name.contains("Testing")
            || name.contains("TestConfig")
            || name.contains("TestSettings"))
}

/// `selenium_tests/`, `api-tests/`, `test_project/`.
fn is_test_folder_name(folder: &str) -> bool {
    ["_tests", "-tests", "_test", "-test"]
        .iter()
        .any(|suffix| folder.ends_with(suffix))
        || folder.starts_with("test_")
        || folder.starts_with("tests_")
}

/// The context a file name says; `with_test_names` is off when the configuration's
/// `test-paths` replaces the built-in test names.
fn from_name(name: &str, parent: &str, with_test_names: bool) -> Option<Decision> {
    if let Some(stem) = name.strip_suffix(".py") {
        return python_module_context(stem, parent, with_test_names);
    }
    let stem = name.strip_suffix(".pyi").unwrap_or(name);
    let parts: Vec<&str> = stem
        .split(['.', '-', '_'])
        .filter(|p| !p.is_empty())
        .collect();
    let has = |list: &[&'static str]| -> Option<&'static str> {
        list.iter().copied().find(|word| parts.contains(word))
    };
    if let Some(word) = has(CI_NAME_PARTS) {
        return Some(Decision::new(Context::Ci, Reason::Name(word)));
    }
    if with_test_names {
        if let Some(word) = has(TEST_NAME_PARTS) {
            return Some(Decision::new(Context::Test, Reason::Name(word)));
        }
        if let Some(word) = has(EXAMPLE_NAME_PARTS) {
            return Some(Decision::new(Context::Example, Reason::Name(word)));
        }
    }
    has(DEVELOPMENT_NAME_PARTS).map(|word| Decision::new(Context::Development, Reason::Name(word)))
}

/// Python modules: test modules by name, and settings modules for tests or development
/// (`settings/test.py`, `local_settings.py`); other module names say nothing (a module
/// called `debug.py` or `local.py` is production code like any other).
fn python_module_context(stem: &str, parent: &str, with_test_names: bool) -> Option<Decision> {
    if with_test_names
        && (stem.starts_with("test_")
            || stem.ends_with("_test")
            || stem.ends_with("_tests")
            || matches!(stem, "tests" | "conftest" | "unittests"))
    {
        return Some(Decision::new(Context::Test, Reason::Name("a test module")));
    }
    let parts: Vec<&str> = stem.split('_').filter(|p| !p.is_empty()).collect();
    let settings_module = SETTINGS_FOLDERS.contains(&parent)
        || parts
            .iter()
            .any(|p| matches!(*p, "settings" | "config" | "conf" | "configuration"));
    if !settings_module {
        return None;
    }
    let has = |list: &[&str]| parts.iter().any(|p| list.contains(p));
    if with_test_names && has(&["test", "tests", "testing", "unittest", "unittests", "ci"]) {
        return Some(Decision::new(
            Context::Test,
            Reason::Name("a test settings module"),
        ));
    }
    has(&["dev", "devel", "develop", "development", "local", "debug"]).then(|| {
        Decision::new(
            Context::Development,
            Reason::Name("a development settings module"),
        )
    })
}

/// Where a rule reports and at what level, per context: the doc's `contexts:`
/// front-matter (`production, test=note`). A context it does not name is silent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextPolicy {
    /// Per context (in `Context::ALL` order): not reported, reported at the rule's
    /// severity, or reported at the given level.
    levels: [Level; 5],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Silent,
    Severity,
    At(crate::diagnostic::Severity),
}

impl ContextPolicy {
    /// Parses `production, test=note, example=note`.
    pub fn parse(text: &str) -> Result<ContextPolicy, String> {
        let mut levels = [Level::Silent; 5];
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (name, level) = match item.split_once('=') {
                Some((name, level)) => {
                    let level = crate::diagnostic::Severity::parse(level.trim())
                        .ok_or_else(|| format!("`{item}`: expected note, warning or error"))?;
                    (name, Level::At(level))
                }
                None => (item, Level::Severity),
            };
            let context = Context::parse(name).ok_or_else(|| {
                format!("`{name}` is not a context (production, development, test, example, ci)")
            })?;
            levels[context as usize] = level;
        }
        if levels.iter().all(|l| *l == Level::Silent) {
            return Err("names no context".to_string());
        }
        Ok(ContextPolicy { levels })
    }

    pub fn level(&self, context: Context) -> Level {
        self.levels[context as usize]
    }

    /// Does the rule report anything in `context`?
    pub fn reports_in(&self, context: Context) -> bool {
        self.level(context) != Level::Silent
    }

    /// The contexts it reports in, as the doc would say them (for `explain`).
    pub fn describe(&self) -> String {
        Context::ALL
            .into_iter()
            .filter_map(|c| match self.level(c) {
                Level::Silent => None,
                Level::Severity => Some(c.as_str().to_string()),
                Level::At(level) => Some(format!("{c} (as {})", level.as_str())),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(path: &str) -> Context {
        decide(Path::new(path), Path::new(path), &ContextGlobs::default()).context
    }

    #[test]
    fn folders_decide_first() {
        assert_eq!(context(".github/workflows/ci.yml"), Context::Ci);
        assert_eq!(context(".woodpecker.yml"), Context::Ci);
        assert_eq!(context(".gitlab-ci.yml"), Context::Ci);
        assert_eq!(context("dojo/unittests/scans/report.json"), Context::Test);
        assert_eq!(context("tests/e2etests/app.py"), Context::Test);
        assert_eq!(context("frontend/selenium_tests/x.py"), Context::Test);
        assert_eq!(context("docs/howto/docker-compose.yml"), Context::Example);
        assert_eq!(context("_archived/old/Dockerfile"), Context::Example);
        assert_eq!(
            context(".devcontainer/docker-compose.yml"),
            Context::Development
        );
        assert_eq!(context("deploy/k8s/deployment.yaml"), Context::Production);
        // Helm's templates folder is what ships.
        assert_eq!(
            context("chart/templates/deployment.yaml"),
            Context::Production
        );
    }

    #[test]
    fn names_of_compose_files_dockerfiles_and_env_files() {
        assert_eq!(context("docker-compose.dev.yml"), Context::Development);
        assert_eq!(context("compose.local.yaml"), Context::Development);
        assert_eq!(context("docker-compose-test.yml"), Context::Test);
        assert_eq!(context("docker-compose.e2e.yml"), Context::Test);
        assert_eq!(context("src/frontend/Dockerfile.cypress"), Context::Test);
        assert_eq!(
            context("playwright/compose/warden/Dockerfile"),
            Context::Test
        );
        assert_eq!(context("docker-compose.ci.yml"), Context::Ci);
        assert_eq!(context("Dockerfile.dev"), Context::Development);
        assert_eq!(context(".env.example"), Context::Example);
        assert_eq!(context(".env.template"), Context::Example);
        assert_eq!(context("scripts/start-reload.sh"), Context::Development);
        assert_eq!(context("docker-compose.yml"), Context::Production);
        assert_eq!(context("compose.override.yml"), Context::Production);
        assert_eq!(context("Dockerfile"), Context::Production);
        // `devices`, `latest`, `contest` are not `dev`, `test`.
        assert_eq!(context("k8s/devices-latest.yaml"), Context::Production);
    }

    #[test]
    fn python_modules() {
        assert_eq!(context("app/test_views.py"), Context::Test);
        assert_eq!(context("app/views_test.py"), Context::Test);
        assert_eq!(context("conftest.py"), Context::Test);
        assert_eq!(context("dojo/settings/unittests.py"), Context::Test);
        assert_eq!(context("proj/settings/test.py"), Context::Test);
        assert_eq!(context("proj/test_settings.py"), Context::Test);
        assert_eq!(context("proj/configuration_testing.py"), Context::Test);
        assert_eq!(context("proj/configuration.py"), Context::Production);
        assert_eq!(context("proj/settings/dev.py"), Context::Development);
        assert_eq!(context("proj/local_settings.py"), Context::Development);
        // Module names alone say nothing about production code.
        assert_eq!(context("app/debug.py"), Context::Production);
        assert_eq!(context("app/local.py"), Context::Production);
        assert_eq!(context("app/testing.py"), Context::Production);
        // Maintainer scripts at the top, not a package's own `tools/` or a shell script.
        assert_eq!(context("tools/global_domains.py"), Context::Development);
        assert_eq!(context("bin/release_manager.py"), Context::Development);
        assert_eq!(
            context("scripts/smoketest_configuration.py"),
            Context::Development
        );
        assert_eq!(context("dojo/tools/parser.py"), Context::Production);
        assert_eq!(context("backend/scripts/prestart.py"), Context::Production);
        assert_eq!(context("scripts/entrypoint.sh"), Context::Production);
    }

    #[test]
    fn test_configuration_classes() {
        for name in [
            "TestingConfig",
            "TestConfig",
            "UnitTestSettings",
            "IntegrationTestingConfiguration",
        ] {
            assert!(is_test_config_class(name), "{name}");
        }
        for name in [
            "ProductionConfig",
            "Config",
            "TestView",
            "LatestConfig",
            "ContestSettings",
        ] {
            assert!(!is_test_config_class(name), "{name}");
        }
        assert_eq!(context("proj/settings/production.py"), Context::Production);
    }

    #[test]
    fn rule_tests_are_known_by_their_folder_not_their_markers() {
        let globs = ContextGlobs::default();
        let decide_at = |path: &str| decide(Path::new(path), Path::new(""), &globs);
        assert_eq!(decide_at(".semgrep/requests.py").context, Context::Test);
        assert_eq!(
            decide_at("rules/python/requests.py").context,
            Context::Production
        );
    }

    #[test]
    fn configured_globs_win() {
        let mut builder = globset::GlobSetBuilder::new();
        builder.add(globset::Glob::new("tests/**").unwrap());
        let globs = ContextGlobs {
            globs: vec![(Context::Production, builder.build().unwrap())],
            test_paths: None,
        };
        let path = Path::new("tests/app.py");
        let decision = decide(path, path, &globs);
        assert_eq!(decision.context, Context::Production);
        assert_eq!(decision.reason, Reason::Config);
    }

    #[test]
    fn test_paths_replace_the_built_in_test_lists() {
        let mut builder = globset::GlobSetBuilder::new();
        builder.add(globset::Glob::new("qa/**").unwrap());
        let globs = ContextGlobs {
            globs: Vec::new(),
            test_paths: Some(builder.build().unwrap()),
        };
        let of = |p: &str| decide(Path::new(p), Path::new(p), &globs).context;
        assert_eq!(of("qa/app.py"), Context::Test);
        assert_eq!(of("tests/app.py"), Context::Production);
        // CI and development are not test paths.
        assert_eq!(of(".github/workflows/ci.yml"), Context::Ci);
        assert_eq!(of("docker-compose.dev.yml"), Context::Development);
    }

    #[test]
    fn policies() {
        let policy = ContextPolicy::parse("production, test=note").unwrap();
        assert_eq!(policy.level(Context::Production), Level::Severity);
        assert_eq!(
            policy.level(Context::Test),
            Level::At(crate::diagnostic::Severity::Note)
        );
        assert!(!policy.reports_in(Context::Development));
        assert_eq!(policy.describe(), "production, test (as note)");
        assert!(ContextPolicy::parse("staging").is_err());
        assert!(ContextPolicy::parse("test=loud").is_err());
        assert!(ContextPolicy::parse("").is_err());
    }
}
