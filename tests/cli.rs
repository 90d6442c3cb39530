//! End-to-end tests of the `prodlint` binary as a user runs it: exit codes, formats,
//! config discovery and errors, suppressions, file discovery, redaction, determinism.

mod common;

use assert_cmd::Command;
use common::write;
use predicates::prelude::*;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

/// A made-up AWS key id (valid format, not a real key).
const FAKE_KEY: &str = "AKIAZ7QWERTYUIOP2345";
/// A made-up password inside a URL.
const FAKE_PASSWORD: &str = "Tr0ub4dor3xQ";

fn prodlint() -> Command {
    let mut cmd = Command::cargo_bin("prodlint").expect("binary builds");
    cmd.env_remove("NO_COLOR");
    cmd
}

/// A folder with one secret finding (error) in `app/settings.py`.
fn project_with_secret() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "app/settings.py",
        format!("AWS_KEY = \"{FAKE_KEY}\"\nDEBUG = False\n"),
    );
    dir
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().expect("runs").stdout).expect("utf-8 output")
}

#[test]
fn exit_code_is_1_with_findings_and_0_when_clean() {
    let dir = project_with_secret();
    prodlint()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .code(1);
    let clean = TempDir::new().expect("tempdir");
    write(clean.path(), "ok.py", "print('hello')\n");
    prodlint()
        .current_dir(clean.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("no findings"));
}

#[test]
fn fail_on_threshold_decides_the_exit_code() {
    let dir = TempDir::new().expect("tempdir");
    // PL002 is a warning: fails at the default threshold, passes with --fail-on error.
    write(dir.path(), "a.py", "x = 1  # prodlint: ignore[NOPE1]\n");
    prodlint().current_dir(dir.path()).assert().code(1);
    prodlint()
        .current_dir(dir.path())
        .args(["--fail-on", "error"])
        .assert()
        .code(0);
    prodlint()
        .current_dir(dir.path())
        .args(["--fail-on", "note", "--exit-zero"])
        .assert()
        .code(0);
}

#[test]
fn usage_and_config_errors_exit_2() {
    prodlint()
        .arg("no/such/path")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file"));
    prodlint().args(["--format", "xml"]).assert().code(2);
    prodlint()
        .args(["--select", "NOPE999", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("NOPE999"));

    let dir = project_with_secret();
    write(
        dir.path(),
        "prodlint.toml",
        "select = [\"SC001\"]\ncolour = true\n",
    );
    prodlint().current_dir(dir.path()).assert().code(2).stderr(
        predicate::str::contains("prodlint.toml:2:1").and(predicate::str::contains("colour")),
    );
}

#[test]
fn concise_format_is_one_line_per_finding() {
    let dir = project_with_secret();
    let out = stdout_of(
        prodlint()
            .current_dir(dir.path())
            .args(["--format", "concise"]),
    );
    assert_eq!(
        out,
        "app/settings.py:1:12: error SC001 [provider-credential] AWS access key id `AKIA********` is written in the file\n"
    );
}

/// PY041 says a dropped task's errors are lost only when nothing catches them: a
/// coroutine of the module that ends in a broad `except` which logs has its errors seen.
#[test]
fn a_dropped_task_whose_coroutine_logs_its_errors_is_not_said_to_lose_them() {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "app/tasks.py",
        "import asyncio\nimport logging\n\nlog = logging.getLogger(__name__)\n\n\n\
         async def report():\n    await asyncio.sleep(1)\n    try:\n        await send()\n\
         \x20   except Exception:\n        log.exception(\"report failed\")\n\n\n\
         async def bare():\n    await send()\n\n\n\
         async def send():\n    await asyncio.sleep(0)\n\n\n\
         async def start():\n    asyncio.create_task(report())\n    asyncio.create_task(bare())\n",
    );
    let out = stdout_of(
        prodlint()
            .current_dir(dir.path())
            .args(["--format", "concise", "--select", "PY041"]),
    );
    assert_eq!(
        out,
        "app/tasks.py:24:5: warning PY041 [dangling-task] the task from `asyncio.create_task(...)` is dropped: it can be garbage-collected before it finishes\n\
         app/tasks.py:25:5: warning PY041 [dangling-task] the task from `asyncio.create_task(...)` is dropped: it can be garbage-collected before it finishes, and its exception is never seen\n"
    );
}

#[test]
fn a_secret_written_twice_on_one_line_is_one_finding() {
    let dir = TempDir::new().expect("tempdir");
    // A minified report that repeats the same key on its one line, and a second key.
    write(
        dir.path(),
        "report.json",
        format!(
            "{{\"found\": \"{FAKE_KEY}\", \"again\": \"{FAKE_KEY}\", \"other\": \"AKIAQ4MZ7XK2P7R3T6VW\"}}\n"
        ),
    );
    let out = stdout_of(
        prodlint()
            .current_dir(dir.path())
            .args(["--format", "concise"]),
    );
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.starts_with("report.json:1:12: error SC001"), "{out}");
}

#[test]
fn a_quoted_yaml_secret_with_a_comment_after_it_is_masked_whole() {
    let dir = TempDir::new().expect("tempdir");
    // The span of a quoted scalar ends at its quote: the mask is the value's own length,
    // so no prefix of a short secret shows, and the comment after it stays readable.
    write(
        dir.path(),
        "values.yaml",
        "db:\n  password: \"Wq8vLm2pZx\"  # rotated monthly\n",
    );
    let out = stdout_of(prodlint().current_dir(dir.path()));
    assert!(
        out.contains("password: \"**********\"  # rotated monthly"),
        "{out}"
    );
    assert!(!out.contains("Wq8"), "{out}");
}

#[test]
fn json_format_has_the_documented_fields() {
    let dir = project_with_secret();
    let out = stdout_of(
        prodlint()
            .current_dir(dir.path())
            .args(["--format", "json"]),
    );
    let value: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let items = value.as_array().expect("a list");
    assert_eq!(items.len(), 1);
    let d = &items[0];
    assert_eq!(d["path"], "app/settings.py");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(12))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(1), Some(32))
    );
    assert_eq!(d["rule"], "SC001");
    assert_eq!(d["slug"], "provider-credential");
    assert_eq!(d["category"], "hardcoded-secret");
    assert_eq!(d["severity"], "error");
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("AWS access key id"))
    );
}

#[test]
fn github_format_emits_workflow_commands() {
    let dir = project_with_secret();
    let out = stdout_of(
        prodlint()
            .current_dir(dir.path())
            .args(["--format", "github"]),
    );
    assert!(
        out.starts_with("::error file=app/settings.py,line=1,endLine=1,col=12,endColumn=32,title=SC001 provider-credential::"),
        "{out}"
    );
}

#[test]
fn output_flag_writes_the_report_to_a_file() {
    let dir = project_with_secret();
    let target = dir.path().join("report.json");
    prodlint()
        .current_dir(dir.path())
        .args(["--format", "json", "--output"])
        .arg(&target)
        .assert()
        .code(1)
        .stdout("");
    let written = fs::read_to_string(&target).expect("report written");
    assert!(written.contains("\"rule\": \"SC001\""));
}

#[test]
fn human_format_shows_rule_location_source_and_help() {
    let dir = project_with_secret();
    let assert = prodlint()
        .current_dir(dir.path())
        .arg("--no-color")
        .assert()
        .code(1);
    let out = String::from_utf8(assert.get_output().stdout.clone()).expect("utf-8");
    assert!(out.contains("error[SC001]: AWS access key id"), "{out}");
    assert!(out.contains("app/settings.py:1:12"), "{out}");
    assert!(out.contains("AWS_KEY = \"AKIA****************\""), "{out}");
    assert!(out.contains("^^^^^^^^^^^^^^^^^^^^"), "{out}");
    assert!(out.contains("help: revoke the credential"), "{out}");
    assert!(out.contains("provider-credential"), "{out}");
    assert!(
        !out.contains('\u{1b}'),
        "--no-color output has escape codes"
    );
    let err = String::from_utf8(assert.get_output().stderr.clone()).expect("utf-8");
    assert!(
        err.contains("Checked 1 file") && err.contains("1 error"),
        "{err}"
    );
    // --quiet drops the summary.
    prodlint()
        .current_dir(dir.path())
        .arg("--quiet")
        .assert()
        .code(1)
        .stderr("");
}

#[test]
fn secrets_never_appear_in_full_in_any_format() {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "deploy/app.env",
        format!(
            "AWS_ACCESS_KEY_ID={FAKE_KEY}\nDATABASE_URL=postgres://app:{FAKE_PASSWORD}@db/app  # prodlint: ignore[NOPE1]\n"
        ),
    );
    for format in ["human", "concise", "json", "sarif", "github"] {
        let out =
            stdout_of(
                prodlint()
                    .current_dir(dir.path())
                    .args(["--format", format, "--no-color"]),
            );
        assert!(out.contains("SC001"), "{format}: {out}");
        assert!(!out.contains(FAKE_KEY), "{format} printed the key: {out}");
        assert!(
            !out.contains(FAKE_PASSWORD),
            "{format} printed the password: {out}"
        );
    }
}

/// Made-up credentials in every provider format SC001 knows, written as two halves so this
/// source file holds none of them whole.
fn provider_secrets() -> Vec<(&'static str, String)> {
    vec![
        ("AWS_SECRET_ACCESS_KEY", ["RHtU", "VQcDMpg0TMkxpdzPaEMM1ZA7V0FhHVJWDBt2"].concat()),
        ("GH_CLASSIC", ["ghp_", "Rd03Q2ybv097SHzxgQA6TCvY4dhKMlRdZQ9Q"].concat()),
        ("GH_FINE", ["github_pat_", "NdV40J599dTCZWZYvRSZey_x4Ag8SsaxTmknuj64AX6VM2ewMuBY6rfNcAKEIOUttYpATIk27f4t3tGolU"].concat()),
        ("GL", ["glpat-", "3XVy27dFanUrOSE62chn"].concat()),
        ("SLACK_BOT", ["xoxb-", "72900840643-074224602910-W18vjsgJ0Wu8FxTwXqxni7z9"].concat()),
        ("SLACK_HOOK", ["https://hooks.slack.com/", "services/TWKRA4UZE/BPZ1QSSK384/DL0Y6wu1JOSNta0PKhe37ak1"].concat()),
        ("STRIPE", ["sk_live_", "aSJARa7717tzNlIrTtfkbSh2"].concat()),
        ("GOOGLE", ["AIza", "5R-j_8U_m7aSz7NRSOtv75y4SXvE9rwLbAt"].concat()),
        ("TWILIO_API_KEY", ["SK", "1e1f037860cf29ae36563d8b6da25a43"].concat()),
        ("TWILIO_AUTH_TOKEN", ["a846", "eb31e7ea468c6414ce9da201e0c0"].concat()),
        ("SENDGRID", ["SG.", "3eOa1Zcc_a4CgOFfqRgz7I.hYePP2lny2pg17-dUM2jNKogorTAuRVpQ09oiVeZWJ9"].concat()),
        ("NPM", ["npm_", "vmkXbI8P0GwAESV5nkthBGJd8xncwjxTZVcU"].concat()),
        ("PYPI", ["pypi-", "AgEIcHlwaS5vcmcFgUl8oPK-HJN45P_ED75cNRqsKz5b70CO8W7RQHy2Yp-ptzsJqLOJqu3g9DY"].concat()),
        ("JWT", ["eyJ", "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtb3JkZXJzIiwiaWF0IjoxNzE4MDAwMDAwfQ.PVnaawqrczLJWImKMG4hEbuUVDPDR_m0k5iqkwUONAI"].concat()),
    ]
}

#[test]
fn no_provider_or_assignment_secret_appears_in_full_in_any_format() {
    let dir = TempDir::new().expect("tempdir");
    let secrets = provider_secrets();
    let mut env = String::new();
    for (name, value) in &secrets {
        env.push_str(&format!("{name}={value}\n"));
    }
    let azure = [
        "pQaxEN+cNljiRkV71kDRuIr2jhTxs+OHKDpnJh/rgiOaPq/N9RtlnnudS",
        "kpmKog0Qwp/vaQcT7xl2cwC6dT0ct==",
    ]
    .concat();
    env.push_str(&format!(
        "AZURE=DefaultEndpointsProtocol=https;AccountName=a;AccountKey={azure};EndpointSuffix=core.windows.net\n"
    ));
    write(dir.path(), "deploy/.env.production", &env);
    // SC002: weak and strong literals, short and long, in Python, YAML, .env and Rust.
    let long_secret = ["k9x2LmQ", "p0w8vRtZq"].concat();
    let short_secret = "Zq8wLp2m";
    write(
        dir.path(),
        "app/settings.py",
        format!("SECRET_KEY = \"{long_secret}\"\nDB_PASSWORD = \"{short_secret}\"\n"),
    );
    write(
        dir.path(),
        "deploy/values.yaml",
        format!("auth:\n  clientSecret: {long_secret}\n"),
    );
    write(
        dir.path(),
        "deploy/app.env",
        format!("SESSION_SECRET='{short_secret}'\n"),
    );
    write(
        dir.path(),
        "src/config.rs",
        format!("pub const API_TOKEN: &str = \"{long_secret}\";\n"),
    );
    let mut all: Vec<String> = secrets.into_iter().map(|(_, v)| v).collect();
    all.extend([azure, long_secret, short_secret.to_string()]);
    for format in ["human", "concise", "json", "sarif", "github"] {
        let out = stdout_of(prodlint().current_dir(dir.path()).args([
            "--format",
            format,
            "--no-color",
            "--select",
            "SC",
        ]));
        let sc001 = out.matches("SC001").count();
        assert!(sc001 >= 15, "{format}: {sc001} SC001 in {out}");
        assert!(out.contains("SC002"), "{format}: {out}");
        for secret in &all {
            assert!(
                !out.contains(secret.as_str()),
                "{format} printed {secret}: {out}"
            );
        }
    }
}

#[test]
fn provider_keys_in_test_folders_are_silent_unless_configured() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "app/keys.py", format!("K = \"{FAKE_KEY}\"\n"));
    write(
        dir.path(),
        "tests/test_keys.py",
        format!("K = \"{FAKE_KEY}\"\n"),
    );
    write(dir.path(), "qa/keys.py", format!("K = \"{FAKE_KEY}\"\n"));
    let json: serde_json::Value = serde_json::from_str(&stdout_of(
        prodlint()
            .current_dir(dir.path())
            .args(["--format", "json"]),
    ))
    .expect("json");
    let severities = |json: &serde_json::Value| -> Vec<(String, String)> {
        json.as_array()
            .expect("an array of diagnostics")
            .iter()
            .map(|d| {
                (
                    d["path"].as_str().unwrap_or("").to_string(),
                    d["severity"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        severities(&json),
        [
            ("app/keys.py".to_string(), "error".to_string()),
            ("qa/keys.py".to_string(), "error".to_string()),
        ]
    );
    // test-paths replaces the default folders; [severity-in-tests] turns the rule on
    // there at its level.
    write(
        dir.path(),
        "prodlint.toml",
        "test-paths = [\"qa\"]\n[severity-in-tests]\nprovider-credential = \"warning\"\n",
    );
    let json: serde_json::Value = serde_json::from_str(&stdout_of(
        prodlint()
            .current_dir(dir.path())
            .args(["--format", "json"]),
    ))
    .expect("json");
    assert_eq!(
        severities(&json),
        [
            ("app/keys.py".to_string(), "error".to_string()),
            ("qa/keys.py".to_string(), "warning".to_string()),
            ("tests/test_keys.py".to_string(), "error".to_string()),
        ]
    );
    // Unknown rules and levels are configuration errors.
    write(
        dir.path(),
        "prodlint.toml",
        "[severity-in-tests]\nSC001 = \"loud\"\n",
    );
    prodlint()
        .current_dir(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("severity-in-tests"));
}

#[test]
fn contexts_come_from_folders_names_and_config_and_show_files_lists_them() {
    let dir = TempDir::new().expect("tempdir");
    let call = "import requests\nrequests.get(u)\n";
    write(dir.path(), "app/client.py", call);
    write(dir.path(), "docs/client.py", call);
    write(dir.path(), "deploy/dev/client.py", call);
    write(dir.path(), "ops/client.py", call);
    // A top-level tools/ script is what maintainers run by hand.
    write(dir.path(), "tools/release.py", call);
    write(dir.path(), "blob", "\u{0}data");
    let listing = stdout_of(
        prodlint()
            .current_dir(dir.path())
            .args(["check", "--show-files"]),
    );
    let lines: Vec<Vec<&str>> = listing
        .lines()
        .map(|l| l.split_whitespace().take(3).collect())
        .collect();
    assert_eq!(
        lines,
        [
            vec!["app/client.py", "python", "production"],
            vec!["blob", "skipped", "skipped:"],
            vec!["deploy/dev/client.py", "python", "development"],
            vec!["docs/client.py", "python", "example"],
            vec!["ops/client.py", "python", "production"],
            vec!["tools/release.py", "python", "development"],
        ],
        "{listing}"
    );
    let flagged = |dir: &Path| -> Vec<String> {
        stdout_of(prodlint().current_dir(dir).args(["--format", "concise"]))
            .lines()
            .map(|l| l.split(':').next().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(flagged(dir.path()), ["app/client.py", "ops/client.py"]);
    // Globs of `[contexts]` come first: docs/ made production, ops/ development.
    write(
        dir.path(),
        "prodlint.toml",
        "[contexts]\nproduction = [\"docs\"]\ndevelopment = [\"ops\"]\n",
    );
    assert_eq!(flagged(dir.path()), ["app/client.py", "docs/client.py"]);
    write(
        dir.path(),
        "prodlint.toml",
        "[contexts]\nstaging = [\"x\"]\n",
    );
    prodlint()
        .current_dir(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("staging"));
}

#[test]
fn suppressions_on_the_line_and_the_line_above() {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "a.py",
        format!(
            "A = \"{FAKE_KEY}\"  # prodlint: ignore[SC001]\n\
             # prodlint: ignore[provider-credential]\n\
             B = \"{FAKE_KEY}\"\n\
             C = \"{FAKE_KEY}\"  # prodlint: ignore\n\
             D = \"{FAKE_KEY}\"  # prodlint: ignore[PL002]\n\
             E = \"{FAKE_KEY}\"\n"
        ),
    );
    let out = stdout_of(
        prodlint()
            .current_dir(dir.path())
            .args(["--format", "concise"]),
    );
    let lines: Vec<&str> = out
        .lines()
        .map(|l| l.split(": ").next().unwrap_or(""))
        .collect();
    assert_eq!(lines, ["a.py:5:6", "a.py:6:6"], "{out}");
}

#[test]
fn config_select_ignore_and_per_file_ignores() {
    let dir = project_with_secret();
    write(
        dir.path(),
        "tests/test_keys.py",
        format!("K = \"{FAKE_KEY}\"\n"),
    );
    // per-file-ignores silences tests/ only.
    write(
        dir.path(),
        "prodlint.toml",
        "[per-file-ignores]\n\"tests/**\" = [\"hardcoded-secret\"]\n",
    );
    let out = stdout_of(
        prodlint()
            .current_dir(dir.path())
            .args(["--format", "concise"]),
    );
    assert!(
        out.contains("app/settings.py") && !out.contains("tests/"),
        "{out}"
    );
    // ignore by slug.
    write(
        dir.path(),
        "prodlint.toml",
        "ignore = [\"provider-credential\"]\n",
    );
    prodlint().current_dir(dir.path()).assert().code(0);
    // exclude.
    write(
        dir.path(),
        "prodlint.toml",
        "exclude = [\"app\", \"tests\"]\n",
    );
    prodlint().current_dir(dir.path()).assert().code(0);
    // the CLI's --select replaces the config's select.
    write(dir.path(), "prodlint.toml", "select = [\"PL\"]\n");
    prodlint().current_dir(dir.path()).assert().code(0);
    prodlint()
        .current_dir(dir.path())
        .args(["--select", "SC"])
        .assert()
        .code(1);
    // severity override.
    write(
        dir.path(),
        "prodlint.toml",
        "[severity]\nSC001 = \"note\"\n",
    );
    prodlint().current_dir(dir.path()).assert().code(0);
}

#[test]
fn pyproject_tool_section_is_read_and_checked() {
    let dir = project_with_secret();
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.prodlint]\nignore = [\"SC001\"]\n",
    );
    prodlint().current_dir(dir.path()).assert().code(0);
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.prodlint]\nignored = [\"SC001\"]\n",
    );
    prodlint()
        .current_dir(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pyproject.toml:5:1"));
    // Found by walking up from a target deeper in the tree.
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.prodlint]\nignore = [\"SC001\"]\n",
    );
    prodlint()
        .current_dir(dir.path())
        .arg("app")
        .assert()
        .code(0);
}

#[test]
fn discovery_honours_ignore_files_and_sees_hidden_files() {
    let dir = TempDir::new().expect("tempdir");
    let secret = format!("K={FAKE_KEY}\n");
    write(dir.path(), ".env.production", &secret);
    write(
        dir.path(),
        ".github/workflows/deploy.yml",
        format!("env:\n  KEY: {FAKE_KEY}\n"),
    );
    write(dir.path(), "build/generated.py", &secret);
    write(dir.path(), "vendor/lib.py", &secret);
    write(dir.path(), ".gitignore", "build/\n");
    write(dir.path(), ".prodlintignore", "vendor/\n");
    // Binary by content (a NUL byte up front), and by name: a `.png` is never opened.
    let mut binary = vec![0u8, 1, 2];
    binary.extend_from_slice(secret.as_bytes());
    fs::write(dir.path().join("blob.dat"), binary).expect("write");
    write(dir.path(), "static/logo.png", &secret);
    let out = stdout_of(
        prodlint()
            .current_dir(dir.path())
            .args(["--format", "concise"]),
    );
    let paths: Vec<&str> = out
        .lines()
        .map(|l| l.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(
        paths,
        [".env.production", ".github/workflows/deploy.yml"],
        "{out}"
    );
    // An explicit file is linted as given, even if ignored (pre-commit passes files).
    let out = stdout_of(prodlint().current_dir(dir.path()).args([
        "--format",
        "concise",
        "build/generated.py",
    ]));
    assert!(
        out.starts_with("build/generated.py:1:3: error SC001"),
        "{out}"
    );
}

#[test]
fn oversized_files_are_skipped_with_a_note() {
    let dir = TempDir::new().expect("tempdir");
    let mut big = format!("K = \"{FAKE_KEY}\"\n");
    big.push_str(&"x".repeat(5 * 1024 * 1024));
    write(dir.path(), "dump.sql", &big);
    let mut big_binary = vec![0u8; 16];
    big_binary.extend_from_slice(big.as_bytes());
    fs::write(dir.path().join("lib.data"), big_binary).expect("write");
    prodlint().current_dir(dir.path()).assert().code(0).stderr(
        predicate::str::contains("dump.sql: skipped, larger than")
            .and(predicate::str::contains("lib.data").not()),
    );
}

#[test]
fn output_is_identical_with_one_thread_and_many() {
    let dir = TempDir::new().expect("tempdir");
    for i in 0..40 {
        write(
            dir.path(),
            &format!("pkg{}/mod{i}.py", i % 7),
            format!("K{i} = \"{FAKE_KEY}\"\nU = \"redis://:{FAKE_PASSWORD}@h/0\"\n"),
        );
    }
    for format in ["concise", "json", "sarif"] {
        let one = stdout_of(prodlint().current_dir(dir.path()).args([
            "--threads",
            "1",
            "--format",
            format,
        ]));
        let many = stdout_of(prodlint().current_dir(dir.path()).args([
            "--threads",
            "4",
            "--format",
            format,
        ]));
        assert_eq!(one, many, "{format}");
        assert!(one.contains("SC001"));
    }
}

#[test]
fn rules_and_explain_subcommands() {
    let out = stdout_of(prodlint().arg("rules"));
    for rule in &prodlint::rules::registry().rules {
        assert!(
            out.lines()
                .any(|l| l.starts_with(rule.meta.id) && l.contains(rule.meta.slug)),
            "{}",
            rule.meta.id
        );
    }
    let by_id = stdout_of(prodlint().args(["explain", "SC001"]));
    let by_slug = stdout_of(prodlint().args(["explain", "provider-credential"]));
    assert_eq!(by_id, by_slug);
    assert!(
        by_id.starts_with("SC001 provider-credential")
            && by_id.contains("## Why it hurts in production")
    );
    prodlint().args(["explain", "NOPE1"]).assert().code(2);
    prodlint()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("prodlint "));
}

#[test]
fn sarif_output_validates_against_the_official_schema() {
    let dir = project_with_secret();
    let out = stdout_of(
        prodlint()
            .current_dir(dir.path())
            .args(["--format", "sarif"]),
    );
    let sarif: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif-schema-2.1.0.json"),
        )
        .expect("schema"),
    )
    .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The validator really checks: a wrong version or a result without a message fails.
    // A target given as an absolute path under the root (here the working directory: no
    // `.git`) is still relative to it; one outside it gets an absolute `file://` URI,
    // still valid SARIF.
    let under_root: serde_json::Value = serde_json::from_str(&stdout_of(
        prodlint()
            .current_dir(dir.path())
            .args(["--format", "sarif"])
            .arg(dir.path().join("app")),
    ))
    .expect("valid JSON");
    assert_eq!(
        under_root["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "app/settings.py"
    );
    let elsewhere = TempDir::new().expect("tempdir");
    let absolute: serde_json::Value = serde_json::from_str(&stdout_of(
        prodlint()
            .current_dir(elsewhere.path())
            .args(["--format", "sarif"])
            .arg(dir.path().join("app")),
    ))
    .expect("valid JSON");
    assert!(validator.is_valid(&absolute));
    let uri =
        &absolute["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert!(
        uri["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("file:///")),
        "{uri}"
    );
    assert!(uri.get("uriBaseId").is_none(), "{uri}");
    let mut broken = sarif.clone();
    broken["version"] = "9.9".into();
    assert!(!validator.is_valid(&broken));
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["message"] = serde_json::json!({});
    assert!(!validator.is_valid(&broken));

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), prodlint::rules::registry().rules.len());
    for rule in rules {
        let id = rule["id"].as_str().expect("id");
        let meta = &prodlint::rules::registry()
            .find(id)
            .expect("registered")
            .meta;
        assert!(
            rule["properties"]["tags"]
                .as_array()
                .expect("tags")
                .iter()
                .any(|t| t == meta.category),
            "{id}"
        );
        assert!(
            rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty()),
            "{id}"
        );
        assert!(
            rule["fullDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty()),
            "{id}"
        );
    }
    let result = &run["results"][0];
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "app/settings.py");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert!(
        result["partialFingerprints"]
            .as_object()
            .is_some_and(|f| !f.is_empty())
    );
    assert_eq!(
        rules[result["ruleIndex"].as_u64().expect("index") as usize]["id"],
        result["ruleId"]
    );
}

#[test]
fn files_without_any_trigger_keyword_are_not_parsed() {
    // The same syntax error is noted only where a rule could fire: a file with none of
    // the enabled rules' trigger keywords is never parsed (the speed lever on big trees),
    // nor is a function none of the rules can report on.
    let dir = TempDir::new().expect("tempdir");
    // (`pass` would be a trigger of SC002: a name word of `REDIS_PASS`.)
    write(dir.path(), "quiet.py", "def broken(:\n    return 1\n");
    write(
        dir.path(),
        "loud.py",
        "import requests\ndef broken(:\n    return requests.get(url, timeout=5)\n",
    );
    write(
        dir.path(),
        "elsewhere.py",
        format!(
            "import requests\n\ndef fetch():\n    return requests.get(url, timeout=5)\n\ndef broken(:\n    return 1\n{}",
            "\ndef other():\n    return 2\n".repeat(10)
        ),
    );
    let out = stdout_of(prodlint().current_dir(dir.path()).args([
        "--format",
        "concise",
        "--fail-on",
        "error",
    ]));
    assert_eq!(
        out.lines()
            .map(|l| l.split(':').next().unwrap_or(""))
            .collect::<Vec<_>>(),
        ["loud.py"],
        "{out}"
    );
    // Selecting a rule whose triggers the file lacks skips it too.
    let out = stdout_of(prodlint().current_dir(dir.path()).args([
        "--format",
        "concise",
        "--select",
        "PY010,PL001",
    ]));
    assert_eq!(out, "");
}

#[test]
fn python_options_extend_the_blocking_and_timeout_tables() {
    let dir = TempDir::new().expect("tempdir");
    // Neither `ourhttp` nor `vendor_sdk` contains a built-in trigger of PY001: the config's
    // names must open the keyword gate themselves.
    write(
        dir.path(),
        "svc/client.py",
        "from ourhttp import fetch\nimport vendor_sdk\n\ndef sync(u):\n    return fetch(u)\n\ndef fine(u):\n    return fetch(u, deadline=3)\n\nasync def handler(u):\n    vendor_sdk.call(u)\n\nimport ourdb\nconn = ourdb.connect(\"db\")\n",
    );
    let run = |dir: &Path| {
        stdout_of(prodlint().current_dir(dir).args([
            "--select",
            "PY001,PY003,PY040",
            "--format",
            "concise",
        ]))
    };
    assert_eq!(run(dir.path()), "", "nothing without the config");
    write(
        dir.path(),
        "prodlint.toml",
        "[python]\nextend-blocking-calls = [\"vendor_sdk.call\"]\nextend-timeout-calls = [{ names = [\"ourhttp.fetch\"], keyword = \"deadline\" }]\nextend-client-timeout-calls = [{ names = [\"ourdb.connect\"], keyword = \"connect_timeout\" }]\n",
    );
    let out = run(dir.path());
    assert!(
        out.contains("client.py:14:") && out.contains("PY003"),
        "{out}"
    );
    assert!(
        out.contains("client.py:5:") && out.contains("PY001"),
        "{out}"
    );
    assert!(!out.contains("client.py:8:"), "{out}");
    assert!(
        out.contains("client.py:11:") && out.contains("PY040"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 3, "{out}");
    // Unknown keys are errors, in [python] and in a table entry.
    write(
        dir.path(),
        "prodlint.toml",
        "[python]\nextend-blocking = [\"x.y\"]\n",
    );
    prodlint()
        .current_dir(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("prodlint.toml:2:1"));
    write(
        dir.path(),
        "prodlint.toml",
        "[python]\nextend-timeout-calls = [{ names = [\"a.b\"], keyword = \"t\", wait = 1 }]\n",
    );
    prodlint().current_dir(dir.path()).assert().code(2);
}
