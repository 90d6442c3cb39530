//! SARIF and the GitHub outputs as GitHub code scanning and Actions take them: the log
//! validates against the SARIF 2.1.0 schema and keeps GitHub's documented limits
//! (results per run, tags per rule, `helpUri`, `security-severity` only where a result
//! is a security problem at error or warning, `relatedLocations` for a cross-file
//! finding, URIs relative to the repository root); annotations come most severe first
//! and end with the counts; the action's run script takes its inputs from the
//! environment only.

mod common;

use assert_cmd::Command;
use common::write;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

/// A made-up AWS access key id (the format SC001 knows).
const FAKE_KEY: &str = "AKIAZ7QWERTYUIOP2345";

fn prodlint() -> Command {
    let mut cmd = Command::cargo_bin("prodlint").expect("binary builds");
    cmd.env_remove("NO_COLOR");
    cmd
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().expect("runs").stdout).expect("utf-8 output")
}

fn sarif_of(cmd: &mut Command) -> Value {
    serde_json::from_str(&stdout_of(cmd)).expect("SARIF is JSON")
}

/// A repository (it has `.git`) with the service in `svc/`: a Dockerfile whose command
/// starts a module that runs Flask's development server (SV006, across two files), a
/// call without a timeout (PY001, error), a credential (SC001, error, security), a
/// worker image that runs as root (DF003, warning, security) and logs at debug level
/// (SV003, a note, security), and a CronJob without resources (DP005, warning). The
/// worker's folder sorts before the others, so path order puts its note first.
fn repository() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    fs::create_dir(dir.path().join(".git")).expect("mkdir .git");
    let root = dir.path();
    write(
        root,
        "svc/Dockerfile",
        "FROM python:3.12-slim\nCOPY . .\nUSER 10001\nEXPOSE 8000\nCMD [\"python\", \"orders/app.py\"]\n",
    );
    write(
        root,
        "svc/orders/app.py",
        "from flask import Flask\nimport requests\n\napp = Flask(__name__)\n\n\n@app.get(\"/x\")\ndef x():\n    return requests.get(\"http://a\").text\n\n\nif __name__ == \"__main__\":\n    app.run(host=\"0.0.0.0\")\n",
    );
    write(
        root,
        "svc/orders/settings.py",
        format!("AWS_KEY = \"{FAKE_KEY}\"\n"),
    );
    write(
        root,
        "svc/Api/Dockerfile",
        "FROM python:3.12-slim\nCMD [\"uvicorn\", \"app:app\", \"--host\", \"0.0.0.0\", \"--log-level\", \"debug\"]\n",
    );
    write(
        root,
        "svc/k8s/cron.yaml",
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: r\nspec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: r\n              image: r:1.0\n",
    );
    dir
}

fn schema_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif-schema-2.1.0.json"),
        )
        .expect("schema"),
    )
    .expect("schema JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, sarif: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn results(sarif: &Value) -> &Vec<Value> {
    sarif["runs"][0]["results"].as_array().expect("results")
}

fn result_of<'a>(sarif: &'a Value, rule: &str) -> &'a Value {
    results(sarif)
        .iter()
        .find(|r| r["ruleId"] == rule)
        .unwrap_or_else(|| panic!("no {rule} result in {sarif:#}"))
}

fn uri_of(location: &Value) -> &str {
    location["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("uri")
}

#[test]
fn sarif_from_a_subdirectory_meets_the_schema_and_githubs_rules() {
    let repo = repository();
    let sarif = sarif_of(
        prodlint()
            .current_dir(repo.path().join("svc"))
            .args(["--format", "sarif", "."]),
    );
    let validator = schema_validator();
    assert_valid(&validator, &sarif);
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["automationDetails"]["id"], "prodlint/");

    // URIs are relative to the repository root, not to where prodlint ran, and the
    // base says where that root is.
    let root_uri = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("%SRCROOT% is declared");
    assert!(
        root_uri.starts_with("file:///") && root_uri.ends_with('/'),
        "{root_uri}"
    );
    let root = repo.path().canonicalize().expect("canonical root");
    assert!(
        root_uri.trim_end_matches('/').ends_with(
            root.file_name()
                .expect("named")
                .to_str()
                .expect("utf-8 name")
        ),
        "{root_uri} is not {}",
        root.display()
    );
    assert!(!results(&sarif).is_empty());
    for result in results(&sarif) {
        let location = &result["locations"][0];
        assert!(uri_of(location).starts_with("svc/"), "{result:#}");
        assert_eq!(
            location["physicalLocation"]["artifactLocation"]["uriBaseId"],
            "%SRCROOT%"
        );
        let hash = result["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .expect("primaryLocationLineHash");
        let (digest, occurrence) = hash.split_once(':').expect("<hash>:<occurrence>");
        assert!(
            digest.len() == 16 && digest.chars().all(|c| c.is_ascii_hexdigit()),
            "{hash}"
        );
        assert!(occurrence.parse::<usize>().is_ok_and(|n| n >= 1), "{hash}");
    }

    // The cross-file finding points at the other file's line.
    let sv006 = result_of(&sarif, "SV006");
    assert_eq!(uri_of(&sv006["locations"][0]), "svc/Dockerfile");
    let related = sv006["relatedLocations"]
        .as_array()
        .expect("SV006 has relatedLocations");
    assert_eq!(related.len(), 1);
    assert_eq!(uri_of(&related[0]), "svc/orders/app.py");
    assert_eq!(related[0]["physicalLocation"]["region"]["startLine"], 13);
    assert!(
        related[0]["message"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    // A finding in one file has none.
    assert!(result_of(&sarif, "PY001").get("relatedLocations").is_none());

    // security-severity follows each result's level, on security rules only.
    let severity_of = |rule: &str| {
        let result = result_of(&sarif, rule);
        (
            result["level"].as_str().expect("level").to_string(),
            result["properties"]["security-severity"]
                .as_str()
                .map(str::to_string),
        )
    };
    assert_eq!(severity_of("SC001"), ("error".into(), Some("7.5".into())));
    assert_eq!(severity_of("DF003"), ("warning".into(), Some("5.0".into())));
    assert_eq!(severity_of("SV003"), ("note".into(), None));
    assert_eq!(severity_of("PY001"), ("error".into(), None));
    assert_eq!(severity_of("DP005"), ("warning".into(), None));
    for result in results(&sarif) {
        if result["level"] == "note" {
            assert!(
                result["properties"].get("security-severity").is_none(),
                "{result:#}"
            );
        }
    }

    // Every rule: a helpUri to its doc under rules/, help as text and Markdown, at most
    // 10 distinct tags, `security` exactly on the security categories.
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), prodlint::rules::registry().rules.len());
    for rule in rules {
        let id = rule["id"].as_str().expect("id");
        let meta = &prodlint::rules::registry()
            .find(id)
            .expect("registered")
            .meta;
        assert_eq!(
            rule["helpUri"].as_str().expect("helpUri"),
            format!(
                "{}{}",
                prodlint::report::sarif::DEFAULT_HELP_BASE,
                meta.doc_path
            )
        );
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("rules")
                .join(meta.doc_path)
                .is_file(),
            "{id}: helpUri names {} which is not in rules/",
            meta.doc_path
        );
        assert_eq!(rule["help"]["markdown"].as_str(), Some(meta.body), "{id}");
        let text = rule["help"]["text"].as_str().expect("help.text");
        assert!(!text.is_empty() && !text.contains("```"), "{id}");
        let tags: Vec<&str> = rule["properties"]["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .map(|t| t.as_str().expect("tag"))
            .collect();
        assert!(tags.len() <= prodlint::report::sarif::MAX_TAGS, "{id}");
        assert_eq!(
            tags.iter().collect::<BTreeSet<_>>().len(),
            tags.len(),
            "{id}"
        );
        assert_eq!(
            tags.contains(&"security"),
            prodlint::report::sarif::SECURITY_CATEGORIES.contains(&meta.category),
            "{id} {}",
            meta.category
        );
    }

    // The validator is not a rubber stamp: fingerprints that are not an object fail.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["partialFingerprints"] = serde_json::json!([]);
    assert!(!validator.is_valid(&broken));
}

#[test]
fn the_help_base_and_category_come_from_the_command_line_or_the_config() {
    let repo = repository();
    write(
        repo.path(),
        "prodlint.toml",
        "sarif-help-base = \"https://docs.example/prodlint/rules\"\nsarif-category = \"backend\"\n",
    );
    let from_config = sarif_of(
        prodlint()
            .current_dir(repo.path())
            .args(["--format", "sarif"]),
    );
    let doc = &prodlint::rules::registry().rules[0].meta.doc_path;
    let rule = &from_config["runs"][0]["tool"]["driver"]["rules"][0];
    // A base without its trailing slash still joins as a folder.
    assert_eq!(
        rule["helpUri"],
        format!("https://docs.example/prodlint/rules/{doc}")
    );
    assert_eq!(
        from_config["runs"][0]["automationDetails"]["id"],
        "prodlint/backend/"
    );
    let from_cli = sarif_of(prodlint().current_dir(repo.path()).args([
        "--format",
        "sarif",
        "--sarif-help-base",
        "https://other.example/r/",
        "--sarif-category",
        "/frontend/",
    ]));
    assert_eq!(
        from_cli["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"],
        format!("https://other.example/r/{doc}")
    );
    assert_eq!(
        from_cli["runs"][0]["automationDetails"]["id"],
        "prodlint/frontend/"
    );
}

#[test]
fn fingerprints_survive_lines_added_above() {
    let repo = repository();
    let run = || {
        sarif_of(
            prodlint()
                .current_dir(repo.path())
                .args(["--format", "sarif"]),
        )
    };
    let fingerprints = |sarif: &Value| -> BTreeSet<(String, String)> {
        results(sarif)
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().expect("rule").to_string(),
                    r["partialFingerprints"]["primaryLocationLineHash"]
                        .as_str()
                        .expect("hash")
                        .to_string(),
                )
            })
            .collect()
    };
    let before = run();
    let app = repo.path().join("svc/orders/app.py");
    let source = fs::read_to_string(&app).expect("read");
    fs::write(&app, format!("\"\"\"Docs.\"\"\"\n\n# a comment\n{source}")).expect("write");
    let after = run();
    assert_ne!(
        result_of(&before, "PY001")["locations"][0]["physicalLocation"]["region"]["startLine"],
        result_of(&after, "PY001")["locations"][0]["physicalLocation"]["region"]["startLine"],
        "the edit moved the finding"
    );
    assert_eq!(fingerprints(&before), fingerprints(&after));
    // A changed line is a new fingerprint.
    let source = fs::read_to_string(&app).expect("read");
    fs::write(
        &app,
        source.replace("requests.get(\"http://a\")", "requests.get(\"http://b\")"),
    )
    .expect("write");
    assert_ne!(fingerprints(&before), fingerprints(&run()));
}

#[test]
fn a_run_keeps_at_most_githubs_result_limit_most_severe_first() {
    let dir = TempDir::new().expect("tempdir");
    let limit = prodlint::report::sarif::MAX_RESULTS;
    // Spread over files: one rule reports at most 200 findings in one file.
    let calls = limit + 3;
    let per_file = 100;
    for file in 0..calls.div_ceil(per_file) {
        let mut source = String::from("import requests\n");
        for _ in 0..per_file.min(calls - file * per_file) {
            source.push_str("requests.get(u)\n");
        }
        write(dir.path(), &format!("app{file}.py"), source);
    }
    // A warning (the image runs as root) that sorts first by path and must give way.
    write(
        dir.path(),
        "a/Dockerfile",
        "FROM python:3.12-slim\nCMD [\"python\", \"-c\", \"print(1)\"]\n",
    );
    let sarif = sarif_of(
        prodlint()
            .current_dir(dir.path())
            .args(["--format", "sarif"]),
    );
    let kept = results(&sarif);
    assert_eq!(kept.len(), limit);
    assert!(kept.iter().all(|r| r["level"] == "error"));
    let all: Value = serde_json::from_str(&stdout_of(
        prodlint()
            .current_dir(dir.path())
            .args(["--format", "json"]),
    ))
    .expect("JSON");
    let all = all.as_array().expect("list");
    assert!(all.iter().any(|d| d["severity"] == "warning"));
    let message =
        sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .expect("a notification says results were left out");
    assert!(
        message.starts_with(&format!("{} results left out", all.len() - limit)),
        "{message}"
    );
    assert_valid(&schema_validator(), &sarif);
}

#[test]
fn annotations_are_most_severe_first_and_end_with_the_counts() {
    let repo = repository();
    let out = stdout_of(
        prodlint()
            .current_dir(repo.path())
            .args(["--format", "github"]),
    );
    let lines: Vec<&str> = out.lines().collect();
    let (summary, findings) = lines.split_last().expect("output");
    let kinds: Vec<&str> = findings
        .iter()
        .map(|l| l.split(' ').next().expect("command"))
        .collect();
    let rank = |kind: &str| match kind {
        "::error" => 0,
        "::warning" => 1,
        "::notice" => 2,
        other => panic!("not an annotation: {other}"),
    };
    assert!(
        kinds.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&"::notice") && kinds[0] == "::error",
        "{kinds:?}"
    );
    // The note sorts first by path, yet comes last.
    assert!(
        findings
            .last()
            .expect("a note")
            .contains("file=svc/Api/Dockerfile")
    );
    let count = |kind: &str| kinds.iter().filter(|k| **k == kind).count();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    assert_eq!(
        *summary,
        format!(
            "::notice title=prodlint::{} findings ({}, {}, {}) in 5 files",
            findings.len(),
            plural(count("::error"), "error"),
            plural(count("::warning"), "warning"),
            plural(count("::notice"), "note"),
        )
    );
}

#[test]
fn the_summary_line_says_when_githubs_cap_hides_annotations() {
    let dir = TempDir::new().expect("tempdir");
    let mut source = String::from("import requests\n");
    for _ in 0..11 {
        source.push_str("requests.get(u)\n");
    }
    write(dir.path(), "app.py", source);
    let out = stdout_of(
        prodlint()
            .current_dir(dir.path())
            .args(["--format", "github"]),
    );
    let summary = out.lines().last().expect("summary");
    assert!(
        summary.starts_with("::notice title=prodlint::11 findings (11 errors, 0 warnings, 0 notes) in 1 file; GitHub shows 10 annotations of each kind"),
        "{summary}"
    );
    let clean = TempDir::new().expect("tempdir");
    write(clean.path(), "app.py", "x = 1\n");
    assert_eq!(
        stdout_of(
            prodlint()
                .current_dir(clean.path())
                .args(["--format", "github"])
        ),
        "::notice title=prodlint::no findings in 1 file\n"
    );
}

#[test]
fn one_run_writes_annotations_sarif_and_an_appended_job_summary() {
    let repo = repository();
    let sarif_path = repo.path().join("out.sarif");
    let summary_path = repo.path().join("summary.md");
    fs::write(&summary_path, "earlier step\n").expect("write");
    let annotations = stdout_of(
        prodlint()
            .current_dir(repo.path())
            .args(["--format", "github", "--sarif-output"])
            .arg(&sarif_path)
            .arg("--summary-output")
            .arg(&summary_path)
            .arg("svc"),
    );
    let sarif: Value =
        serde_json::from_str(&fs::read_to_string(&sarif_path).expect("SARIF written"))
            .expect("JSON");
    let annotated = annotations.lines().filter(|l| l.contains(" file=")).count();
    assert_eq!(results(&sarif).len(), annotated);
    let summary = fs::read_to_string(&summary_path).expect("summary written");
    assert!(
        summary.starts_with("earlier step\n## prodlint\n"),
        "{summary}"
    );
    assert!(
        summary.contains("| SV006 dev-server-in-production | 1 |"),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("({annotated} of {annotated})")),
        "{summary}"
    );
    assert!(!summary.contains(FAKE_KEY), "the summary leaks the key");
}

/// The `run:` block of the action step named `name`, unindented.
fn action_script(action: &str, name: &str) -> String {
    let start = action
        .find(&format!("- name: {name}\n"))
        .unwrap_or_else(|| panic!("no step {name}"));
    let step = &action[start..];
    let run = step.find("run: |\n").expect("a run block") + "run: |\n".len();
    let mut script = String::new();
    let mut indent = None;
    for line in step[run..].lines() {
        let width = line.len() - line.trim_start().len();
        if !line.trim().is_empty() {
            let block = *indent.get_or_insert(width);
            if width < block {
                break;
            }
        }
        script.push_str(line.get(indent.unwrap_or(0)..).unwrap_or(""));
        script.push('\n');
    }
    script
}

#[test]
fn the_action_passes_inputs_only_through_the_environment() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("action.yml")];
    for entry in fs::read_dir(root.join(".github/workflows")).expect("workflows") {
        files.push(entry.expect("entry").path());
    }
    for file in files {
        let text = fs::read_to_string(&file).expect("read");
        // Inside a `run:` block every line is indented deeper than the `run:` key; no
        // expression may appear there (an input's text would become shell code).
        let mut run_indent = None;
        for (n, line) in text.lines().enumerate() {
            let width = line.len() - line.trim_start().len();
            if let Some(indent) = run_indent {
                if line.trim().is_empty() || width > indent {
                    assert!(
                        !line.contains("${{"),
                        "{}:{}: expression in a run script: {line}",
                        file.display(),
                        n + 1
                    );
                    continue;
                }
                run_indent = None;
            }
            let trimmed = line.trim_start().trim_start_matches("- ");
            if let Some(value) = trimmed.strip_prefix("run:") {
                assert!(
                    !value.contains("${{"),
                    "{}:{}: expression in a run script: {line}",
                    file.display(),
                    n + 1
                );
                run_indent = Some(width);
            }
        }
    }
    let action = fs::read_to_string(root.join("action.yml")).expect("action.yml");
    assert!(action.contains("uses: actions/cache@v4"));
    let workflows = fs::read_to_string(root.join(".github/workflows/code-scanning.yml"))
        .expect("code-scanning.yml");
    for needed in [
        "github/codeql-action/upload-sarif@v4",
        "if: always()",
        "security-events: write",
        "contents: read",
        "category: prodlint",
    ] {
        assert!(
            workflows.contains(needed),
            "code-scanning.yml lacks {needed}"
        );
    }
    let readme = fs::read_to_string(root.join("README.md")).expect("README");
    for needed in [
        "github/codeql-action/upload-sarif@v4",
        "if: always()",
        "security-events: write",
        "category: prodlint",
    ] {
        assert!(readme.contains(needed), "README's workflow lacks {needed}");
    }
    let self_test =
        fs::read_to_string(root.join(".github/workflows/action.yml")).expect("self-test workflow");
    assert!(self_test.contains("uses: ./") && self_test.contains("path: examples"));
}

/// Runs the action's `Run prodlint` script with bash as the runner would, with `env`.
fn run_action_script(repo: &Path, env: &[(&str, &str)]) -> (i32, String, String, String) {
    let action = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
        .expect("action.yml");
    let script = action_script(&action, "Run prodlint");
    let temp = repo.join("runner-temp");
    fs::create_dir_all(&temp).expect("mkdir");
    let output_file = temp.join("github-output");
    let summary_file = temp.join("step-summary");
    let mut cmd = std::process::Command::new("bash");
    cmd.arg("-c")
        .arg(&script)
        .current_dir(repo)
        .env("PRODLINT", assert_cmd::cargo::cargo_bin("prodlint"))
        .env("RUNNER_TEMP", &temp)
        .env("GITHUB_OUTPUT", &output_file)
        .env("GITHUB_STEP_SUMMARY", &summary_file)
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "me/service")
        .env("GITHUB_SHA", "0123abc")
        .env("ACTION_REPOSITORY", "")
        .env("ACTION_REF", "")
        .env("PRODLINT_FAIL_ON", "error")
        .env("PRODLINT_SARIF", "")
        .env("PRODLINT_CATEGORY", "")
        .env("PRODLINT_HELP_BASE", "")
        .env("PRODLINT_JOB_SUMMARY", "true");
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = cmd.output().expect("bash runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        fs::read_to_string(&output_file).unwrap_or_default(),
        fs::read_to_string(&summary_file).unwrap_or_default(),
    )
}

#[test]
fn the_action_script_runs_prodlint_once_and_sets_its_outputs() {
    let repo = repository();
    let (status, stdout, outputs, summary) = run_action_script(
        repo.path(),
        &[("PRODLINT_PATH", "svc"), ("PRODLINT_CATEGORY", "api")],
    );
    assert_eq!(status, 1, "{stdout}");
    let output = |key: &str| {
        outputs
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("no output {key} in {outputs}"))
            .to_string()
    };
    let sarif_path = output("sarif");
    assert!(
        sarif_path.ends_with("runner-temp/prodlint.sarif"),
        "{sarif_path}"
    );
    let sarif: Value =
        serde_json::from_str(&fs::read_to_string(&sarif_path).expect("SARIF")).expect("JSON");
    let level_count = |level: &str| {
        results(&sarif)
            .iter()
            .filter(|r| r["level"] == level)
            .count()
            .to_string()
    };
    assert_eq!(output("errors"), level_count("error"));
    assert_eq!(output("warnings"), level_count("warning"));
    assert_eq!(output("notes"), level_count("note"));
    assert_eq!(output("findings"), results(&sarif).len().to_string());
    assert_eq!(output("exit-code"), "1");
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "prodlint/api/");
    // A local action links the docs of this repository at this commit.
    assert!(
        sarif["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://github.com/me/service/blob/0123abc/rules/"))
    );
    assert!(
        stdout
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("::notice title=prodlint::"))
    );
    assert!(summary.starts_with("## prodlint\n"), "{summary}");
}

#[test]
fn the_action_script_never_runs_an_input_as_shell() {
    let repo = repository();
    let marker = repo.path().join("pwned");
    let input = format!("svc $(touch {0}) `touch {0}` ; touch {0}", marker.display());
    let (status, stdout, outputs, _) = run_action_script(
        repo.path(),
        &[
            ("PRODLINT_PATH", input.as_str()),
            ("PRODLINT_CATEGORY", "$(touch pwned)"),
        ],
    );
    assert!(!marker.exists(), "an input ran as shell code");
    // The words are paths that do not exist: prodlint's error, reported as such.
    assert_eq!(status, 2, "{stdout}");
    assert!(outputs.contains("exit-code=2"), "{outputs}");
}
