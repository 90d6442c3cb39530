//! prodlint: a linter for production readiness.
//!
//! The pipeline (see README "Architecture"): discover → classify → parse (`lang`) →
//! models (`model`) → file rules → facts → project rules → filter → mask → report. The public
//! API is [`check`]: paths and settings in, a sorted [`Report`] out.

pub mod baseline;
pub mod cli;
pub mod collect;
pub mod config;
pub mod context;
pub mod diagnostic;
pub mod discover;
pub mod engine;
pub mod fingerprint;
pub mod gate;
pub mod kind;
pub mod lang;
pub mod mask;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;

use config::Settings;
use diagnostic::{Diagnostic, Severity};
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The result of a run.
#[derive(Debug)]
pub struct Report {
    /// Sorted by (path, line, column, rule, message): identical for any thread count.
    pub diagnostics: Vec<Diagnostic>,
    pub files_checked: usize,
    /// Files that were parsed: the others held none of the enabled rules' trigger words.
    pub files_parsed: usize,
    /// Things the user should know that are not findings (skipped files).
    pub notes: Vec<String>,
    /// Every file the walk found, sorted by path: its kind and context, or why it was
    /// skipped (`--show-files`).
    pub files: Vec<engine::FileListing>,
    pub elapsed: Duration,
    /// What a baseline hid and how many of its entries were fixed, when one was applied.
    pub baseline: Option<baseline::Outcome>,
}

impl Report {
    /// How many diagnostics have severity `level`.
    pub fn count(&self, level: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == level)
            .count()
    }

    /// Does any diagnostic reach `threshold`?
    pub fn fails(&self, threshold: Severity) -> bool {
        self.diagnostics.iter().any(|d| d.severity >= threshold)
    }
}

#[derive(Debug)]
pub enum Error {
    Config(config::ConfigError),
    MissingPath(PathBuf),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Config(e) => write!(f, "{e}"),
            Error::MissingPath(p) => write!(f, "{}: no such file or directory", p.display()),
        }
    }
}

/// Lints `targets` (files or folders) with `settings` on the current rayon pool.
pub fn check(targets: &[PathBuf], settings: &Settings) -> Result<Report, Error> {
    let started = Instant::now();
    let threads = rayon::current_num_threads();
    // Files only (pre-commit's call): the whole project is read, so that cross-file facts
    // (the module a Dockerfile runs, the PodDisruptionBudget of a Deployment) are all
    // there, and only the given files' findings are reported. Folders are projects of
    // their own, as before: `prodlint check examples/` lints the example alone.
    let scope = (!targets.is_empty() && targets.iter().all(|t| t.is_file()))
        .then(|| discover::file_scope(targets, settings))
        .flatten();
    let walked: Vec<PathBuf> = match &scope {
        Some(scope) => std::iter::once(scope.root.clone())
            .chain(scope.files.iter().cloned())
            .collect(),
        None => targets.to_vec(),
    };
    let discovered =
        discover::discover(&walked, settings, threads).map_err(|m| Error::MissingPath(m.0))?;
    let paths = discovered.paths;
    // Shown paths of the files to report on; `None`: all of them.
    let given: Option<HashSet<String>> = scope.as_ref().map(|scope| {
        let found: HashSet<&PathBuf> = paths.iter().collect();
        scope
            .files
            .iter()
            // A given file that a config `exclude` names was not found: it stays out.
            .filter(|f| found.contains(f))
            .map(|f| source::display_path(f))
            .collect()
    });
    let reported = |shown: &str| given.as_ref().is_none_or(|g| g.contains(shown));
    let deployment = engine::read_deployment(&paths);
    let plan = engine::Plan::new(settings, settings.project_root_for(targets), deployment);
    let outcomes = engine::run_files(&paths, settings, &plan);

    let mut diagnostics = Vec::new();
    let mut notes = discovered.notes;
    let mut files_checked = 0;
    let mut files_parsed = 0;
    let mut facts = model::facts::ProjectFacts::default();
    let mut contexts = Vec::new();
    let mut secrets = Vec::new();
    let mut listings = Vec::new();
    for (path, outcome) in paths.iter().zip(outcomes) {
        if reported(&source::display_path(path)) {
            files_checked += usize::from(outcome.checked);
            files_parsed += usize::from(outcome.parsed);
            notes.extend(outcome.note);
            diagnostics.extend(outcome.diagnostics);
            listings.extend(outcome.listing.clone());
        }
        facts.files.extend(outcome.facts);
        contexts.extend(outcome.listing);
        if !outcome.secrets.is_empty() {
            secrets.push(outcome.secrets);
        }
    }
    facts.files.sort_by(|a, b| a.path.cmp(&b.path));
    let contexts = engine::FileContexts::new(contexts);
    diagnostics.extend(
        engine::run_project_rules(&plan, facts, settings, &contexts)
            .into_iter()
            .filter(|d| reported(&d.anchor.path)),
    );
    mask::Secrets::new(secrets).apply(&mut diagnostics);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    listings.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Report {
        files: listings,
        diagnostics,
        files_checked,
        files_parsed,
        notes,
        elapsed: started.elapsed(),
        baseline: None,
    })
}
