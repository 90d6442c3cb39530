//! Rule metadata, read from the rule docs under `rules/` (compiled into the binary):
//! the front-matter gives id, slug, category, severity, artifacts, summary and help; the
//! Markdown body is what `prodlint explain` prints and SARIF carries as help.

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
    /// Part of the default selection (front-matter `default_enabled: false` keeps a
    /// rule out of it: it runs only when a selector names it, `ALL` included).
    pub default_enabled: bool,
    /// The severity findings in test and example folders get (front-matter
    /// `severity_in_tests: note`); `None`: the same as anywhere else.
    pub severity_in_tests: Option<Severity>,
    /// Not run on Python test code (front-matter `test_code: skip`): test suites start
    /// debug servers and call local services without timeouts on purpose.
    pub skips_test_code: bool,
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
    let default_enabled = match optional("default_enabled") {
        None | Some("true") => true,
        Some("false") => false,
        Some(other) => {
            return Err(format!(
                "{doc_path}: default_enabled = `{other}`: expected true or false"
            ));
        }
    };
    let severity_in_tests = match optional("severity_in_tests") {
        None => None,
        Some(text) => Some(Severity::parse(text).ok_or_else(|| {
            format!("{doc_path}: severity_in_tests = `{text}`: expected note, warning or error")
        })?),
    };
    let skips_test_code = match optional("test_code") {
        None | Some("check") => false,
        Some("skip") => true,
        Some(other) => {
            return Err(format!(
                "{doc_path}: test_code = `{other}`: expected skip or check"
            ));
        }
    };
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
        default_enabled,
        severity_in_tests,
        skips_test_code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "---\nid: XX001\nslug: s\ncategory: availability\nseverity: note\nartifacts: a\nsummary: s\nhelp: h\n";

    #[test]
    fn default_enabled_front_matter() {
        let on = parse_doc(
            "a.md",
            Box::leak(format!("{DOC}---\nbody").into_boxed_str()),
        )
        .unwrap();
        assert!(on.default_enabled);
        let off = parse_doc(
            "b.md",
            Box::leak(format!("{DOC}default_enabled: false\n---\nbody").into_boxed_str()),
        )
        .unwrap();
        assert!(!off.default_enabled);
        let bad = parse_doc(
            "c.md",
            Box::leak(format!("{DOC}default_enabled: maybe\n---\nbody").into_boxed_str()),
        );
        assert!(bad.is_err());
    }

    #[test]
    fn severity_in_tests_front_matter() {
        let doc = parse_doc(
            "d.md",
            Box::leak(format!("{DOC}severity_in_tests: note\n---\nbody").into_boxed_str()),
        )
        .unwrap();
        assert_eq!(doc.severity_in_tests, Some(Severity::Note));
        let bad = parse_doc(
            "e.md",
            Box::leak(format!("{DOC}severity_in_tests: loud\n---\nbody").into_boxed_str()),
        );
        assert!(bad.is_err());
    }

    #[test]
    fn test_code_front_matter() {
        let parse = |name: &'static str, extra: &str| {
            parse_doc(
                name,
                Box::leak(format!("{DOC}{extra}---\nbody").into_boxed_str()),
            )
        };
        assert!(!parse("f.md", "").unwrap().skips_test_code);
        assert!(parse("g.md", "test_code: skip\n").unwrap().skips_test_code);
        assert!(!parse("h.md", "test_code: check\n").unwrap().skips_test_code);
        assert!(parse("i.md", "test_code: sometimes\n").is_err());
    }
}
