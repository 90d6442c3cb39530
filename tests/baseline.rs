//! End-to-end tests of baselines: `--write-baseline`, `--baseline`, the config's
//! `baseline` key and `--no-baseline`, run with the built binary on temporary projects
//! that are then edited the way real code changes.

mod common;

use assert_cmd::Command;
use common::write;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

const BASELINE: &str = "prodlint-baseline.json";

fn prodlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("prodlint").expect("binary builds");
    cmd.env_remove("NO_COLOR").current_dir(dir);
    cmd
}

/// Two HTTP calls without a timeout (PY001), each inside a function with neighbours.
const APP: &str = "import requests\n\nURL = \"https://api.example.com\"\n\n\ndef orders(session_id):\n    headers = {\"x\": session_id}\n    return requests.get(URL, headers=headers)\n\n\ndef users(token):\n    params = {\"t\": token}\n    return requests.post(URL, params=params)\n";

fn project() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "app/api.py", APP);
    let out = prodlint(dir.path())
        .args(["check", "--isolated", "--write-baseline", BASELINE])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Wrote 2 findings"), "{stderr}");
    dir
}

/// Runs a check with the baseline: (exit code, concise findings, summary line).
fn check(dir: &Path, extra: &[&str]) -> (Option<i32>, Vec<String>, String) {
    let out = prodlint(dir)
        .args(["check", "--isolated", "--baseline", BASELINE])
        .args(extra)
        .args(["--format", "concise"])
        .output()
        .expect("runs");
    let findings = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(str::to_owned)
        .collect();
    let human = prodlint(dir)
        .args(["check", "--isolated", "--baseline", BASELINE])
        .args(extra)
        .output()
        .expect("runs");
    let summary = String::from_utf8(human.stderr).expect("utf-8");
    (out.status.code(), findings, summary)
}

fn edit(dir: &Path, rel: &str, from: &str, to: &str) {
    let path = dir.join(rel);
    let text = fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{rel} has {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn the_baseline_file_is_versioned_sorted_json_without_source_text() {
    let dir = project();
    let text = fs::read_to_string(dir.path().join(BASELINE)).expect("written");
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(json["format"], "prodlint-baseline");
    assert_eq!(json["version"], 1);
    let findings = json["findings"].as_array().expect("a list");
    assert_eq!(findings.len(), 2);
    assert!(findings.iter().all(|f| f["rule"] == "PY001"));
    assert!(findings.iter().all(|f| f["path"] == "app/api.py"));
    // Hashes, not the lines themselves.
    assert!(!text.contains("requests.get"));
    // Writing again gives the same bytes.
    prodlint(dir.path())
        .args(["check", "--isolated", "--write-baseline", "again.json"])
        .assert()
        .success();
    assert_eq!(
        fs::read_to_string(dir.path().join("again.json")).unwrap(),
        text
    );
}

#[test]
fn an_unchanged_project_has_no_findings_left() {
    let dir = project();
    let (code, findings, summary) = check(dir.path(), &[]);
    assert_eq!(code, Some(0));
    assert!(findings.is_empty(), "{findings:?}");
    assert!(
        summary.contains("no findings (2 hidden by baseline, 0 fixed since baseline)"),
        "{summary}"
    );
}

#[test]
fn inserting_lines_above_keeps_findings_hidden() {
    let dir = project();
    edit(
        dir.path(),
        "app/api.py",
        "import requests\n",
        "import os\nimport requests\n\nTIMEOUT = int(os.environ.get(\"T\", \"5\"))\n",
    );
    let (code, findings, _) = check(dir.path(), &[]);
    assert_eq!((code, findings), (Some(0), vec![]));
}

#[test]
fn renaming_a_variable_on_a_nearby_line_keeps_findings_hidden() {
    let dir = project();
    edit(
        dir.path(),
        "app/api.py",
        "headers = {\"x\": session_id}",
        "headers = {\"x-session\": session_id}",
    );
    let (code, findings, summary) = check(dir.path(), &[]);
    assert_eq!((code, findings), (Some(0), vec![]));
    assert!(summary.contains("0 fixed since baseline"), "{summary}");
}

#[test]
fn moving_a_function_within_the_file_keeps_findings_hidden() {
    let dir = project();
    let (head, tail) = APP.split_at(APP.find("def orders").unwrap());
    let (orders, users) = tail.split_at(tail.find("def users").unwrap());
    fs::write(
        dir.path().join("app/api.py"),
        format!("{head}{users}\n\n{orders}"),
    )
    .unwrap();
    let (code, findings, _) = check(dir.path(), &[]);
    assert_eq!((code, findings), (Some(0), vec![]));
}

#[test]
fn moving_the_file_keeps_findings_hidden() {
    let dir = project();
    fs::create_dir_all(dir.path().join("service")).unwrap();
    fs::rename(
        dir.path().join("app/api.py"),
        dir.path().join("service/client.py"),
    )
    .unwrap();
    let (code, findings, summary) = check(dir.path(), &[]);
    assert_eq!((code, findings), (Some(0), vec![]));
    assert!(
        summary.contains("2 hidden by baseline, 0 fixed"),
        "{summary}"
    );
}

#[test]
fn a_fixed_finding_is_counted_and_a_new_one_reported() {
    let dir = project();
    edit(
        dir.path(),
        "app/api.py",
        "requests.post(URL, params=params)",
        "requests.post(URL, params=params, timeout=5)",
    );
    let (code, findings, summary) = check(dir.path(), &[]);
    assert_eq!((code, findings), (Some(0), vec![]));
    assert!(
        summary.contains("1 hidden by baseline, 1 fixed since baseline"),
        "{summary}"
    );

    fs::write(
        dir.path().join("app/jobs.py"),
        "import requests\n\n\ndef ping():\n    requests.head(\"https://example.com\")\n",
    )
    .unwrap();
    let (code, findings, summary) = check(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0].starts_with("app/jobs.py:5:5: ") && findings[0].contains("PY001"),
        "{findings:?}"
    );
    assert!(
        summary.contains("1 finding (") && summary.contains("1 hidden by baseline"),
        "{summary}"
    );
}

#[test]
fn a_second_identical_finding_is_new() {
    let dir = project();
    edit(
        dir.path(),
        "app/api.py",
        "    return requests.get(URL, headers=headers)\n",
        "    requests.get(URL, headers=headers)\n    return requests.get(URL, headers=headers)\n",
    );
    let (code, findings, _) = check(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(findings.len(), 1, "{findings:?}");
}

#[test]
fn a_missing_or_malformed_baseline_is_an_error() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app/api.py", APP);
    let out = prodlint(dir.path())
        .args(["check", "--isolated", "--baseline", "nope.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nope.json: cannot read baseline"),
        "{stderr}"
    );

    for (name, text) in [
        (
            "bad.json",
            "{\"format\": \"prodlint-baseline\", \"version\": 1",
        ),
        (
            "other.json",
            "{\"format\": \"eslint\", \"version\": 1, \"findings\": []}",
        ),
        (
            "future.json",
            "{\"format\": \"prodlint-baseline\", \"version\": 9, \"findings\": []}",
        ),
    ] {
        write(dir.path(), name, text);
        let out = prodlint(dir.path())
            .args(["check", "--isolated", "--baseline", name])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("{name}: ")), "{stderr}");
        assert!(stderr.contains("baseline"), "{stderr}");
    }
}

#[test]
fn the_config_key_is_relative_to_the_config_and_no_baseline_ignores_it() {
    let dir = project();
    fs::create_dir_all(dir.path().join("conf")).unwrap();
    fs::rename(
        dir.path().join(BASELINE),
        dir.path().join("conf/accepted.json"),
    )
    .unwrap();
    write(
        dir.path(),
        "prodlint.toml",
        "baseline = \"conf/accepted.json\"\n",
    );
    let run = |extra: &[&str]| {
        prodlint(dir.path())
            .args(["check", "--format", "concise"])
            .args(extra)
            .output()
            .unwrap()
    };
    let hidden = run(&[]);
    assert_eq!(hidden.status.code(), Some(0));
    assert!(hidden.stdout.is_empty());
    // From a subfolder the config (and its baseline) are found all the same.
    let nested = prodlint(&dir.path().join("app"))
        .args(["check", "--format", "concise", "."])
        .output()
        .unwrap();
    assert_eq!(nested.status.code(), Some(0), "{nested:?}");
    let all = run(&["--no-baseline"]);
    assert_eq!(all.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&all.stdout).lines().count(), 2);
}
