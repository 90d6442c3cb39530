//! End-to-end tests of the triage options: `--statistics`, the severity in concise
//! lines, `-q` in every format, `--min-severity`, and Kubernetes messages that name the
//! workload and the container.

mod common;

use assert_cmd::Command;
use common::write;
use std::path::Path;
use tempfile::TempDir;

fn prodlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("prodlint").expect("binary builds");
    cmd.env_remove("NO_COLOR").current_dir(dir);
    cmd.args(["check", "--isolated"]);
    cmd
}

/// Three PY001 findings (error), one SC001 (error), and a Deployment whose container
/// has no resources (DP005, warning) and no readiness probe (DP001, error).
fn project() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "app/api.py",
        "import requests\n\n\ndef a():\n    requests.get(\"https://x\")\n    requests.post(\"https://x\")\n    requests.put(\"https://x\")\n",
    );
    write(
        dir.path(),
        "app/settings.py",
        "AWS_KEY = \"AKIAZ7QWERTYUIOP2345\"\n",
    );
    write(
        dir.path(),
        "deploy/orders.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/orders:1.4.2\n          ports:\n            - containerPort: 8080\n",
    );
    dir
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = prodlint(dir).args(args).output().expect("runs");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

#[test]
fn statistics_count_per_rule_most_first_then_by_id() {
    let dir = project();
    let (code, stdout, _) = run(dir.path(), &["--statistics"]);
    assert_eq!(code, Some(1));
    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0], ["3", "PY001", "http-call-without-timeout"]);
    let rest: Vec<(&str, &str)> = rows[1..].iter().map(|r| (r[0], r[1])).collect();
    assert!(rest.iter().all(|(count, _)| *count == "1"), "{stdout}");
    let ids: Vec<&str> = rest.iter().map(|(_, id)| *id).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "ties sorted by id:\n{stdout}");
    assert!(ids.contains(&"SC001") && ids.contains(&"DP005"), "{stdout}");
    // The findings themselves are not printed.
    assert!(!stdout.contains("timeout and can wait"), "{stdout}");

    let (_, json, _) = run(dir.path(), &["--statistics", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(json[0]["rule"], "PY001");
    assert_eq!(json[0]["slug"], "http-call-without-timeout");
    assert_eq!(json[0]["count"], 3);
}

#[test]
fn concise_lines_carry_the_severity_word() {
    let dir = project();
    let (_, stdout, _) = run(dir.path(), &["--format", "concise"]);
    let severities: Vec<&str> = stdout
        .lines()
        .map(|line| {
            let rest = line.splitn(4, ':').nth(3).expect("path:line:col: rest");
            rest.split_whitespace().next().expect("a word")
        })
        .collect();
    assert!(!severities.is_empty());
    assert!(
        severities
            .iter()
            .all(|s| ["error", "warning", "note"].contains(s)),
        "{stdout}"
    );
    assert!(
        stdout.contains("deploy/orders.yaml:9:17: warning DP005 [missing-resources] "),
        "{stdout}"
    );
}

#[test]
fn quiet_prints_only_the_findings_in_every_format() {
    let dir = project();
    // A file over the size limit gives a note on stderr.
    write(dir.path(), "big.py", "x = 1\n".repeat(800_000));
    let (_, _, loud) = run(dir.path(), &[]);
    assert!(
        loud.contains("note: ") && loud.contains("Checked "),
        "{loud}"
    );
    for format in ["human", "concise", "json", "sarif", "github"] {
        let (code, stdout, stderr) = run(dir.path(), &["-q", "--format", format]);
        assert_eq!(code, Some(1), "{format}");
        assert!(stderr.is_empty(), "{format}: {stderr}");
        assert!(stdout.contains("PY001"), "{format}");
    }
    let (_, _, stderr) = run(dir.path(), &["--quiet", "--statistics"]);
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn min_severity_hides_lower_findings_from_output_and_exit_code() {
    let dir = project();
    let (_, all, _) = run(dir.path(), &["--format", "concise"]);
    assert!(all.contains(" warning DP005 "), "{all}");
    let (code, errors, stderr) = run(
        dir.path(),
        &["--format", "concise", "--min-severity", "error"],
    );
    assert_eq!(code, Some(1));
    assert!(!errors.contains(" warning "), "{errors}");
    assert_eq!(
        errors.lines().count(),
        all.lines().filter(|l| l.contains(": error ")).count()
    );
    let _ = stderr;

    // Only warnings selected: they fail the run, unless hidden by --min-severity error.
    let (code, warnings, _) = run(dir.path(), &["--format", "concise", "--select", "DP005"]);
    assert_eq!(code, Some(1), "{warnings}");
    assert!(!warnings.is_empty());
    let (code, hidden, _) = run(
        dir.path(),
        &[
            "--format",
            "concise",
            "--select",
            "DP005",
            "--min-severity",
            "error",
        ],
    );
    assert_eq!((code, hidden.as_str()), (Some(0), ""));

    let (code, _, stderr) = run(dir.path(), &["--min-severity", "loud"]);
    assert_eq!(code, Some(2), "{stderr}");
}

#[test]
fn kubernetes_messages_name_the_workload_and_the_container() {
    let dir = project();
    let (_, stdout, _) = run(dir.path(), &["--format", "concise", "--select", "DP"]);
    let deploy: Vec<&str> = stdout.lines().filter(|l| l.contains(" DP")).collect();
    assert!(!deploy.is_empty(), "{stdout}");
    for line in &deploy {
        assert!(
            line.contains("Deployment `orders`, container `api`"),
            "{line}"
        );
    }
}
