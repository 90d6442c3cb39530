//! The `prodlint` binary: parse arguments, call the library, map the outcome to an exit
//! code (0 clean, 1 findings at or above `--fail-on`, 2 usage/config/internal error).

use clap::Parser;
use prodlint::cli::{CheckArgs, Cli, Command};
use prodlint::config::{self, CliOverrides, Settings};
use prodlint::diagnostic::Severity;
use prodlint::report::{self, Format};
use prodlint::rules::registry;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

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
        Some(Command::Check(args)) => run_check(args),
        None => run_check(cli.check),
        Some(Command::Rules { json }) => list_rules(json),
        Some(Command::Explain { rule }) => explain(&rule),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("prodlint: error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run_check(args: CheckArgs) -> Result<u8, String> {
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
                return Err(format!(
                    "{}: has no [tool.prodlint] section",
                    path.display()
                ));
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

    let threads = args.threads.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    let report = pool
        .install(|| prodlint::check(&targets, &settings))
        .map_err(|e| e.to_string())?;

    if args.show_files {
        return show_files(&report);
    }
    let color = args.format == Format::Human
        && args.output.is_none()
        && !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal();
    let rendered = report::render(&report, args.format, color);
    match &args.output {
        Some(path) => std::fs::write(path, &rendered)
            .map_err(|e| format!("{}: cannot write: {e}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`prodlint | head`) is not an error worth a message.
            let _ = stdout.write_all(rendered.as_bytes());
        }
    }
    if !args.quiet {
        for note in &report.notes {
            eprintln!("note: {note}");
        }
        if args.format == Format::Human {
            eprintln!("{}", report::human::summary(&report));
        }
    }
    Ok(u8::from(!args.exit_zero && report.fails(settings.fail_on)))
}

/// `--show-files`: one line per file, `path  kind  context (reason)`.
fn show_files(report: &prodlint::Report) -> Result<u8, String> {
    let width = report.files.iter().map(|f| f.path.len()).max().unwrap_or(0);
    let mut out = String::new();
    for file in &report.files {
        let what = match (&file.context, &file.skipped) {
            (Some(decision), _) => format!("{} ({})", decision.context, decision.reason),
            (None, Some(why)) => format!("skipped: {why}"),
            (None, None) => String::new(),
        };
        out.push_str(&format!(
            "{:<width$}  {:<10}  {what}\n",
            file.path, file.kind
        ));
    }
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(|e| format!("cannot write: {e}"))?;
    Ok(0)
}

fn list_rules(json: bool) -> Result<u8, String> {
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
        println!(
            "{}",
            serde_json::to_string_pretty(&items).unwrap_or_default()
        );
        return Ok(0);
    }
    let slug_width = rules.iter().map(|r| r.meta.slug.len()).max().unwrap_or(0);
    let category_width = rules
        .iter()
        .map(|r| r.meta.category.len())
        .max()
        .unwrap_or(0);
    for r in rules {
        println!(
            "{:<6} {:<slug_width$}  {:<category_width$}  {:<7}  {}",
            r.meta.id,
            r.meta.slug,
            r.meta.category,
            r.meta.severity.as_str(),
            r.meta.summary
        );
    }
    Ok(0)
}

fn explain(key: &str) -> Result<u8, String> {
    let rule = registry()
        .find(key)
        .ok_or_else(|| format!("no rule `{key}` (see `prodlint rules`)"))?;
    let m = &rule.meta;
    println!("{} {}", m.id, m.slug);
    println!();
    println!(
        "Category: {}   Default severity: {}   Applies to: {}",
        m.category,
        m.severity.as_str(),
        m.artifacts.join(", ")
    );
    println!("Reports in: {}", m.contexts.describe());
    if m.group != prodlint::rules::meta::Group::Default {
        println!(
            "Group: {} (off by default; select it by id or `--select {}`)",
            m.group.as_str(),
            m.group.as_str()
        );
    }
    println!();
    println!("{}", m.summary);
    println!();
    print!("{}", m.body);
    Ok(0)
}
