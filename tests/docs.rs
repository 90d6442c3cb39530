//! Docs and registry agree: every rule doc under `rules/` is registered and every
//! registered rule has a complete doc; the README's rule table is the registry's.

use std::path::Path;

fn rule_docs(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("rules/ is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rule_docs(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

#[test]
fn every_doc_is_a_registered_rule_and_named_after_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut docs = Vec::new();
    rule_docs(&root, &mut docs);
    let registry = prodlint::rules::registry();
    assert_eq!(docs.len(), registry.rules.len(), "doc files: {docs:?}");
    for doc in docs {
        let name = doc
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 name");
        let (id, slug) = name
            .trim_end_matches(".md")
            .split_once('-')
            .expect("ID-slug.md");
        let rule = registry
            .find(id)
            .unwrap_or_else(|| panic!("{name}: no registered rule {id}"));
        assert_eq!(rule.meta.slug, slug, "{name}");
        let relative = doc
            .strip_prefix(&root)
            .expect("under rules/")
            .to_string_lossy()
            .replace('\\', "/");
        assert_eq!(rule.meta.doc_path, relative, "{name}");
    }
}

#[test]
fn every_doc_has_the_fixed_sections() {
    for rule in &prodlint::rules::registry().rules {
        let body = rule.meta.body;
        let why = if rule.meta.category == "meta" {
            "## Why it matters"
        } else {
            "## Why it hurts in production"
        };
        for section in ["## What it finds", why, "## Example", "## Fix"] {
            assert!(
                body.contains(section),
                "{}: missing `{section}`",
                rule.meta.id
            );
        }
        assert!(
            !rule.meta.summary.is_empty() && !rule.meta.help.is_empty(),
            "{}",
            rule.meta.id
        );
    }
}

#[test]
fn readme_rule_table_matches_the_registry() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = readme
        .find("<!-- rules:start -->")
        .expect("README has <!-- rules:start -->");
    let end = readme
        .find("<!-- rules:end -->")
        .expect("README has <!-- rules:end -->");
    let table = readme[start + "<!-- rules:start -->".len()..end].trim();
    let mut expected =
        String::from("| id | slug | category | severity | summary |\n|---|---|---|---|---|\n");
    for rule in &prodlint::rules::registry().rules {
        let m = &rule.meta;
        expected.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            m.id,
            m.slug,
            m.category,
            m.severity.as_str(),
            m.summary.replace('|', "\\|")
        ));
    }
    assert_eq!(
        table,
        expected.trim(),
        "README rule table is stale; expected:\n{expected}"
    );
}
