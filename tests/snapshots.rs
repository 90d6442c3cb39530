//! Snapshots of every output format on the bundled example service, so any change to
//! what prodlint reports on it, or how, shows up in review.

use assert_cmd::Command;
use std::path::Path;

fn run_on_examples(format: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::cargo_bin("prodlint")
        .expect("binary builds")
        .current_dir(root)
        .args(["check", "examples", "--no-color", "--format", format])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "the example has findings");
    String::from_utf8(output.stdout).expect("utf-8")
}

#[test]
fn human() {
    insta::assert_snapshot!(run_on_examples("human"));
}

#[test]
fn concise() {
    insta::assert_snapshot!(run_on_examples("concise"));
}

#[test]
fn json() {
    let value: serde_json::Value = serde_json::from_str(&run_on_examples("json")).expect("JSON");
    insta::assert_json_snapshot!(value);
}

#[test]
fn sarif() {
    let value: serde_json::Value = serde_json::from_str(&run_on_examples("sarif")).expect("JSON");
    // The rule catalog (help texts) is checked by the docs tests, and `ruleIndex` against
    // it by the CLI tests; keep the snapshot to what this run found, so adding a rule does
    // not churn it. The repository root's URI is the checkout's absolute path.
    insta::assert_json_snapshot!(value, { ".runs[0].tool.driver.rules" => "[rules]", ".runs[0].tool.driver.semanticVersion" => "[version]", ".runs[0].results[].ruleIndex" => "[index]", ".runs[0].originalUriBaseIds" => "[root]" });
}

#[test]
fn github() {
    insta::assert_snapshot!(run_on_examples("github"));
}
