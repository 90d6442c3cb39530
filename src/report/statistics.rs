//! `--statistics`: how many findings each rule has, most first (ties by rule id), for
//! triaging a large first run. `--format json` gives the same as a list of objects;
//! every other format gives aligned text lines `count  ID  slug`.

use crate::Report;
use crate::report::Format;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Serialize)]
pub(crate) struct RuleCount<'a> {
    pub(crate) rule: &'a str,
    pub(crate) slug: &'a str,
    pub(crate) count: usize,
}

/// The counts, sorted by count (highest first), then rule id (also the job summary's).
pub(crate) fn counts(report: &Report) -> Vec<RuleCount<'_>> {
    let mut by_rule: BTreeMap<&str, RuleCount> = BTreeMap::new();
    for d in &report.diagnostics {
        by_rule
            .entry(d.rule.id)
            .or_insert(RuleCount {
                rule: d.rule.id,
                slug: d.rule.slug,
                count: 0,
            })
            .count += 1;
    }
    let mut counts: Vec<RuleCount> = by_rule.into_values().collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(b.rule)));
    counts
}

pub fn render(report: &Report, format: Format) -> String {
    let counts = counts(report);
    if format == Format::Json {
        let mut out = serde_json::to_string_pretty(&counts).unwrap_or_else(|_| "[]".into());
        out.push('\n');
        return out;
    }
    let count_width = counts.first().map_or(1, |c| c.count.to_string().len());
    let id_width = counts.iter().map(|c| c.rule.len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in &counts {
        let _ = writeln!(
            out,
            "{:>count_width$}  {:<id_width$}  {}",
            c.count, c.rule, c.slug
        );
    }
    out
}
