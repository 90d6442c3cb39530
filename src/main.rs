//! The `prodlint` binary: parse arguments, call the library, map the outcome to an exit
//! code (0 clean, 1 findings at or above `--fail-on`, 2 usage/config/internal error).

use clap::Parser;
use prodlint::cli::{CheckArgs, Cli, Command};
use prodlint::config::{self, CliOverrides, Settings};
use prodlint::diagnostic::Severity;
use prodlint::report::{self, Format};
use prodlint::rules::registry;
use prodlint::{baseline, fingerprint};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Why a command could not finish: exit code 2 either way.
enum Failure {
    /// Bad usage, bad config, an unreadable target: said on stderr.
    Error(String),
    /// Standard output or error could not be written (a closed pipe, a full disk). A run
    /// whose report did not arrive must not look clean, so this is exit 2, never 0.
    Write(&'static str, std::io::Error),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Error(message)
    }
}

/// Writes `text` to standard output and flushes it, so a failure is seen here.
fn out(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::Write("standard output", e))
}

/// Writes `text` and a newline to standard error.
fn err_line(text: &str) -> Result<(), Failure> {
    let mut stderr = std::io::stderr().lock();
    writeln!(stderr, "{text}")
        .and_then(|()| stderr.flush())
        .map_err(|e| Failure::Write("standard error", e))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let outcome = match cli.command {
        Some(Command::Check(args)) => run_check(*args),
        None => run_check(cli.check),
        Some(Command::Rules { json }) => list_rules(json),
        Some(Command::Explain { rule }) => explain(&rule),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            let message = match failure {
                Failure::Error(message) => message,
                Failure::Write(stream, e) => format!("cannot write to {stream}: {e}"),
            };
            // If standard error is what failed, there is nowhere left to say it: the exit
            // code carries it.
            let _ = err_line(&format!("prodlint: error: {message}"));
            ExitCode::from(2)
        }
    }
}

/// The number of worker threads: what was asked, but never more than the machine has
/// cores (more only adds scheduling cost), and all cores when nothing or 0 was asked.
fn worker_threads(asked: Option<usize>) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match asked {
        None | Some(0) => cores,
        Some(n) => n.min(cores),
    }
}

fn run_check(args: CheckArgs) -> Result<u8, Failure> {
    let targets = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let config = if args.isolated {
        None
    } else if let Some(path) = &args.config {
        match config::load(path).map_err(|e| e.to_string())? {
            Some(file) => Some((path.clone(), file)),
            None => {
                return Err(Failure::Error(format!(
                    "{}: has no [tool.prodlint] section",
                    path.display()
                )));
            }
        }
    } else {
        config::discover(&targets[0]).map_err(|e| e.to_string())?
    };
    let overrides = CliOverrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        extend_exclude: args.exclude.clone(),
        fail_on: args.fail_on.as_deref().and_then(Severity::parse),
    };
    let mut settings = Settings::resolve(config, &overrides).map_err(|e| e.to_string())?;
    settings.trigger_gates = !args.no_trigger_gates;
    // `--config` and `--isolated` name the one config of the run.
    settings.hierarchical = !args.isolated && args.config.is_none();
    if args.show_settings {
        // The config found from the first path is the nearest one above it: the one
        // that applies there.
        out(&settings.describe(&targets[0]))?;
        return Ok(0);
    }

    let threads = worker_threads(args.threads);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    let mut report = pool
        .install(|| prodlint::check(&targets, &settings))
        .map_err(|e| e.to_string())?;

    if args.show_files {
        return show_files(&report);
    }
    if let Some(path) = &args.write_baseline {
        let root = fingerprint::project_root(&targets[0], &settings.root);
        let keys = fingerprint::keys(&report.diagnostics, &root);
        let shown = prodlint::report::escape::echo(&path.display().to_string());
        std::fs::write(path, baseline::render(&keys))
            .map_err(|e| format!("{shown}: cannot write baseline: {e}"))?;
        if !args.quiet {
            let plural = if keys.len() == 1 { "" } else { "s" };
            err_line(&format!(
                "Wrote {} finding{plural} to {shown}; runs with `--baseline {shown}` report only new ones.",
                keys.len()
            ))?;
        }
        return Ok(0);
    }
    let baseline_path = if args.no_baseline {
        None
    } else {
        args.baseline.clone().or_else(|| settings.baseline.clone())
    };
    if let Some(path) = baseline_path {
        let baseline = baseline::load(&path)?;
        let root = fingerprint::project_root(&targets[0], &settings.root);
        let keys = fingerprint::keys(&report.diagnostics, &root);
        report.baseline = Some(baseline.apply(&mut report.diagnostics, &keys));
    }
    if let Some(level) = args.min_severity.as_deref().and_then(Severity::parse) {
        report.diagnostics.retain(|d| d.severity >= level);
    }
    let color = args.format == Format::Human
        && args.output.is_none()
        && !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal();
    let sarif_options = || {
        let mut options = report::sarif::SarifOptions::for_targets(&targets, &settings.root);
        if let Some(base) = args
            .sarif_help_base
            .clone()
            .or(settings.sarif_help_base.clone())
        {
            options.help_base = base;
        }
        options.category = args
            .sarif_category
            .clone()
            .or(settings.sarif_category.clone());
        options
    };
    let rendered = if args.statistics {
        report::statistics::render(&report, args.format)
    } else if args.format == Format::Sarif {
        report::sarif::render_with(&report, &sarif_options())
    } else {
        report::render(&report, args.format, color)
    };
    if let Some(path) = &args.sarif_output {
        std::fs::write(path, report::sarif::render_with(&report, &sarif_options()))
            .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    }
    if let Some(path) = &args.summary_output {
        append(path, &report::summary::render(&report))?;
    }
    match &args.output {
        Some(path) => std::fs::write(path, &rendered)
            .map_err(|e| format!("{}: cannot write: {e}", path.display()))?,
        None => out(&rendered)?,
    }
    if !args.quiet {
        for note in &report.notes {
            err_line(&format!("note: {note}"))?;
        }
        if args.format == Format::Human {
            err_line(&report::human::summary(&report))?;
        }
    }
    Ok(u8::from(!args.exit_zero && report.fails(settings.fail_on)))
}

/// Appends `text` to `path`, creating it: `$GITHUB_STEP_SUMMARY` collects every step's.
fn append(path: &Path, text: &str) -> Result<(), Failure> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(|e| Failure::Error(format!("{}: cannot write: {e}", path.display())))
}

/// `--show-files`: one line per file, `path  kind  context (reason)`.
fn show_files(report: &prodlint::Report) -> Result<u8, Failure> {
    let width = report.files.iter().map(|f| f.path.len()).max().unwrap_or(0);
    let mut listing = String::new();
    for file in &report.files {
        let what = match (&file.context, &file.skipped) {
            (Some(decision), _) => format!("{} ({})", decision.context, decision.reason),
            (None, Some(why)) => format!("skipped: {why}"),
            (None, None) => String::new(),
        };
        listing.push_str(&format!(
            "{:<width$}  {:<10}  {what}\n",
            file.path, file.kind
        ));
    }
    out(&listing)?;
    Ok(0)
}

fn list_rules(json: bool) -> Result<u8, Failure> {
    let rules = &registry().rules;
    if json {
        let items: Vec<serde_json::Value> = rules
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.meta.id, "slug": r.meta.slug, "category": r.meta.category,
                    "severity": r.meta.severity.as_str(), "artifacts": r.meta.artifacts,
                    "summary": r.meta.summary, "group": r.meta.group.as_str(),
                    "contexts": r.meta.contexts.describe(),
                })
            })
            .collect();
        out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&items).unwrap_or_default()
        ))?;
        return Ok(0);
    }
    let slug_width = rules.iter().map(|r| r.meta.slug.len()).max().unwrap_or(0);
    let category_width = rules
        .iter()
        .map(|r| r.meta.category.len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for r in rules {
        text.push_str(&format!(
            "{:<6} {:<slug_width$}  {:<category_width$}  {:<7}  {}\n",
            r.meta.id,
            r.meta.slug,
            r.meta.category,
            r.meta.severity.as_str(),
            r.meta.summary
        ));
    }
    out(&text)?;
    Ok(0)
}

fn explain(key: &str) -> Result<u8, Failure> {
    let Some(rule) = registry().find(key) else {
        return Err(Failure::Error(format!(
            "no rule `{}` (see `prodlint rules`)",
            prodlint::report::escape::echo(key)
        )));
    };
    let m = &rule.meta;
    let mut text = format!("{} {}\n\n", m.id, m.slug);
    text.push_str(&format!(
        "Category: {}   Default severity: {}   Applies to: {}\n",
        m.category,
        m.severity.as_str(),
        m.artifacts.join(", ")
    ));
    text.push_str(&format!("Reports in: {}\n", m.contexts.describe()));
    if m.group != prodlint::rules::meta::Group::Default {
        text.push_str(&format!(
            "Group: {} (off by default; select it by id or `--select {}`)\n",
            m.group.as_str(),
            m.group.as_str()
        ));
    }
    text.push_str(&format!("\n{}\n\n{}", m.summary, m.body));
    out(&text)?;
    Ok(0)
}
