//! Rule metadata, read from the rule docs under `rules/` (compiled into the binary):
//! the front-matter gives id, slug, category, severity, artifacts, summary and help; the
//! Markdown body is what `prodlint explain` prints and SARIF carries as help.

use crate::context::ContextPolicy;
use crate::diagnostic::Severity;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMeta {
    pub id: &'static str,
    pub slug: &'static str,
    pub category: &'static str,
    pub severity: Severity,
    pub artifacts: Vec<&'static str>,
    pub summary: &'static str,
    /// One line telling how to fix a finding, shown under each diagnostic.
    pub help: String,
    /// The Markdown documentation without the front-matter.
    pub body: &'static str,
    /// The doc's path under `rules/`, for tests and error messages.
    pub doc_path: &'static str,
    /// The rule's group (front-matter `group:`, default `default`). Rules of the
    /// `pedantic` group are out of the default selection — their precision on real
    /// repositories is under the bar of default rules — and run only when a selector
    /// names them: their id, slug, category, prefix, `pedantic` or `ALL`.
    pub group: Group,
    /// Where the rule reports and at what level (front-matter `contexts:`, e.g.
    /// `production, test=note`): test suites start debug servers and call local services
    /// without timeouts on purpose, dev compose files hold throwaway passwords. The
    /// engine drops a rule before parsing a file whose context it is silent in.
    pub contexts: ContextPolicy,
}

/// A rule group, as clippy has them: what a plain run selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// On by default: measured precise enough on real repositories.
    Default,
    /// Opt-in: right often enough to be useful to some, not to everyone.
    Pedantic,
}

impl Group {
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Default => "default",
            Group::Pedantic => "pedantic",
        }
    }
}

impl RuleMeta {
    /// Part of the default selection.
    pub fn default_enabled(&self) -> bool {
        self.group == Group::Default
    }
}

/// The categories of RULES.md; a doc naming another category is a bug caught by tests.
pub const CATEGORIES: &[&str] = &[
    "missing-timeout",
    "unbounded-queue",
    "retry-without-backoff",
    "swallowed-error",
    "blocking-in-async",
    "task-leak",
    "pool-misuse",
    "debug-mode",
    "dev-server",
    "graceful-shutdown",
    "health-check",
    "resource-limits",
    "availability",
    "image-hygiene",
    "hardcoded-secret",
    "sensitive-logging",
    "insecure-transport",
    "privileged-container",
    "observability",
    "config-hygiene",
    "deploy-safety",
];

/// Parses a rule doc: `---` front-matter of `key: value` lines, then Markdown.
pub fn parse_doc(doc_path: &'static str, source: &'static str) -> Result<RuleMeta, String> {
    let rest = source
        .strip_prefix("---\n")
        .ok_or_else(|| format!("{doc_path}: no front-matter"))?;
    let end = rest
        .find("\n---\n")
        .ok_or_else(|| format!("{doc_path}: front-matter not closed"))?;
    let (front, body) = (&rest[..end], &rest[end + 5..]);
    let optional = |key: &str| -> Option<&'static str> {
        front.lines().find_map(|line| {
            line.strip_prefix(key)
                .and_then(|r| r.strip_prefix(':'))
                .map(str::trim)
        })
    };
    let field = |key: &str| -> Result<&'static str, String> {
        optional(key).ok_or_else(|| format!("{doc_path}: front-matter has no `{key}`"))
    };
    let id = field("id")?;
    let slug = field("slug")?;
    let category = field("category")?;
    let severity_text = field("severity")?;
    let artifacts = field("artifacts")?;
    let summary = field("summary")?;
    let help = field("help")?;
    // Optional keys: absent means the default.
    let group = match optional("group") {
        None | Some("default") => Group::Default,
        Some("pedantic") => Group::Pedantic,
        Some(other) => {
            return Err(format!(
                "{doc_path}: group = `{other}`: expected default or pedantic"
            ));
        }
    };
    let contexts = ContextPolicy::parse(field("contexts")?)
        .map_err(|e| format!("{doc_path}: contexts: {e}"))?;
    let severity = Severity::parse(severity_text)
        .ok_or_else(|| format!("{doc_path}: unknown severity `{severity_text}`"))?;
    if !CATEGORIES.contains(&category) && category != "meta" {
        return Err(format!("{doc_path}: unknown category `{category}`"));
    }
    Ok(RuleMeta {
        id,
        slug,
        category,
        severity,
        artifacts: artifacts
            .trim_matches(|c| c == '[' || c == ']')
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect(),
        summary,
        help: help.to_string(),
        body: body.trim_start_matches('\n'),
        doc_path,
        group,
        contexts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "---\nid: XX001\nslug: s\ncategory: availability\nseverity: note\nartifacts: a\nsummary: s\nhelp: h\n";
    const CONTEXTS: &str = "contexts: production\n";

    #[test]
    fn group_front_matter() {
        let on = parse_doc(
            "a.md",
            Box::leak(format!("{DOC}{CONTEXTS}---\nbody").into_boxed_str()),
        )
        .unwrap();
        assert!(on.default_enabled());
        let off = parse_doc(
            "b.md",
            Box::leak(format!("{DOC}{CONTEXTS}group: pedantic\n---\nbody").into_boxed_str()),
        )
        .unwrap();
        assert!(!off.default_enabled());
        assert_eq!(off.group, Group::Pedantic);
        let bad = parse_doc(
            "c.md",
            Box::leak(format!("{DOC}{CONTEXTS}group: nursery\n---\nbody").into_boxed_str()),
        );
        assert!(bad.is_err());
    }

    #[test]
    fn contexts_front_matter() {
        let parse = |name: &'static str, extra: &str| {
            parse_doc(
                name,
                Box::leak(format!("{DOC}{extra}---\nbody").into_boxed_str()),
            )
        };
        let doc = parse("f.md", "contexts: production, test=note\n").unwrap();
        assert!(doc.contexts.reports_in(crate::context::Context::Test));
        assert!(!doc.contexts.reports_in(crate::context::Context::Ci));
        assert!(parse("g.md", "").is_err(), "contexts is required");
        assert!(parse("h.md", "contexts: staging\n").is_err());
    }
}
