//! Command-line interface: `check` (the default), `rules`, `explain`.

use crate::report::Format;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "prodlint",
    version,
    about = "A linter for production readiness: timeouts, probes, shutdown, dev servers, secrets",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `prodlint [PATH...]` is `prodlint check [PATH...]`.
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and folders (the default command). Boxed: the check options dwarf
    /// the other commands'.
    Check(Box<CheckArgs>),
    /// List every rule: id, slug, category, default severity, summary.
    Rules {
        /// Print the list as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a rule's documentation.
    Explain {
        /// A rule id (PY001) or slug (http-call-without-timeout).
        rule: String,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to lint (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write SARIF to FILE, from the same run (e.g. `--format github` annotations
    /// on standard output and SARIF for code scanning).
    #[arg(long, value_name = "FILE")]
    pub sarif_output: Option<PathBuf>,
    /// Base URL of the rule docs in SARIF `helpUri` (the doc's path under `rules/` is
    /// appended); also the config key `sarif-help-base`.
    #[arg(long, value_name = "URL")]
    pub sarif_help_base: Option<String>,
    /// SARIF `automationDetails.id` is `prodlint/<CATEGORY>/` (one per analysis when a
    /// repository uploads several prodlint runs); also the config key `sarif-category`.
    #[arg(long, value_name = "CATEGORY")]
    pub sarif_category: Option<String>,
    /// Also append a Markdown summary (counts, then the findings) to FILE, e.g.
    /// `$GITHUB_STEP_SUMMARY`; appended because a job's steps share that file.
    #[arg(long, value_name = "FILE")]
    pub summary_output: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_name = "LEVEL", value_parser = ["note", "warning", "error"])]
    pub fail_on: Option<String>,
    /// Exit 0 even when there are findings (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Rules to run (ids, slugs, categories, group prefixes, ALL), comma-separated;
    /// replaces the config's `select`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,
    /// Rules not to run, added to the config's `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Extra paths or globs to exclude.
    #[arg(long, value_delimiter = ',', value_name = "GLOBS")]
    pub exclude: Vec<String>,
    /// Use this config file instead of searching for one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every config file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Print diagnostics only: no summary line, no notes.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Parse every file, even those holding none of the rules' trigger words (slower;
    /// for checking that the gates hide nothing).
    #[arg(long, hide = true)]
    pub no_trigger_gates: bool,
    /// Never color the output (also: the NO_COLOR environment variable).
    #[arg(long)]
    pub no_color: bool,
    /// Hide the findings recorded in this baseline file (see `--write-baseline`);
    /// overrides the config's `baseline`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_baseline")]
    pub baseline: Option<PathBuf>,
    /// Ignore the config's `baseline`: report every finding.
    #[arg(long)]
    pub no_baseline: bool,
    /// Record every current finding in FILE (JSON) and exit 0; later runs with
    /// `--baseline FILE` report only new findings.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "statistics"])]
    pub write_baseline: Option<PathBuf>,
    /// Print how many findings each rule has (most first) instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Hide findings below LEVEL from the output and the exit code.
    #[arg(long, value_name = "LEVEL", value_parser = ["note", "warning", "error"])]
    pub min_severity: Option<String>,
    /// List every file found with its kind and context (production, development, test,
    /// example, ci) and why, or why it was skipped; report no findings.
    #[arg(long)]
    pub show_files: bool,
    /// Print the settings that apply to the first PATH (the nearest config above it,
    /// what it extends, the command line's part) and where each comes from; lint nothing.
    #[arg(long, conflicts_with = "show_files")]
    pub show_settings: bool,
}
