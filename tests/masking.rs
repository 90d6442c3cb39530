//! No planted secret may appear in any output format under any rule selection: the
//! masking layer (`prodlint::mask`) hides what any detector recognises, in every
//! message, help and snippet, whichever rule reported the line.

mod common;

use assert_cmd::Command;
use common::write;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

/// Made-up credentials in real formats (none is a real key). Each is checked by its
/// tail: a masked secret may keep a four-character prefix, never more.
const GITHUB_TOKEN: &str = "ghp_R8s2Kq9ZtLmW4xYp7NvB3cJd6HfQ1gTe5aUo";
const AWS_KEY: &str = "AKIAZ7QWERTYUIOP2345";
const SLACK_TOKEN: &str = "xoxb-5829104736-8261947305-Qm7ZkP2vXr9LtB4nWc6Hs1Jd";
const STRIPE_KEY: &str = "sk_live_51Hx9QmR2vTk8LpZ3wYc7Nb4Jd";
const URL_PASSWORD: &str = "Zq8vLm2Kx9RtWp4N";
const SCRIPT_PASSWORD: &str = "Hj5Tn8Qw2Ze7Rc4M";
const ASSIGNED_PASSWORD: &str = "Vb7Nq2Wk9Xz4Lp6R";
const PEM_BODY: &str =
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0";

fn planted() -> Vec<&'static str> {
    vec![
        GITHUB_TOKEN,
        AWS_KEY,
        SLACK_TOKEN,
        STRIPE_KEY,
        URL_PASSWORD,
        SCRIPT_PASSWORD,
        ASSIGNED_PASSWORD,
        PEM_BODY,
    ]
}

/// A repository where the secrets sit in container commands (quoted by SV006's
/// message), in Python lines other rules report (PY001), in an entrypoint script a
/// project rule reports (SV001), and in assignments.
fn project() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    fs::create_dir(dir.path().join(".git")).expect("mkdir .git");
    write(
        dir.path(),
        "web/Dockerfile",
        format!(
            "FROM python:3.12-slim\nUSER 10001\nCOPY . /app\n\
             ENTRYPOINT [\"python3\", \"app.py\", \"--db\", \"postgres://app:{URL_PASSWORD}@db.internal/app\", \"--token\", \"{GITHUB_TOKEN}\"]\n"
        ),
    );
    write(
        dir.path(),
        "web/app.py",
        format!(
            "import requests\nfrom flask import Flask\n\napp = Flask(__name__)\n\
             STRIPE = \"{STRIPE_KEY}\"; requests.get(\"https://hooks.internal/x\", headers={{\"k\": \"{AWS_KEY}\"}})\n\
             requests.post(\"https://bot:{URL_PASSWORD}@chat.internal/api\", data=\"{SLACK_TOKEN}\")\n\
             db_password = \"{ASSIGNED_PASSWORD}\"; requests.get(\"https://a.internal\")\n\
             KEY = \"-----BEGIN RSA PRIVATE KEY-----\\n{PEM_BODY}\\n-----END RSA PRIVATE KEY-----\\n\"; requests.get(KEY)\n\
             \nif __name__ == \"__main__\":\n    app.run(host=\"0.0.0.0\", port=8000)\n"
        ),
    );
    write(
        dir.path(),
        "worker/Dockerfile",
        "FROM python:3.12-slim\nUSER 10001\nCOPY start.sh /start.sh\nENTRYPOINT [\"/start.sh\"]\n",
    );
    write(
        dir.path(),
        "worker/start.sh",
        format!(
            "#!/bin/sh\nDATABASE_URL=postgres://worker:{SCRIPT_PASSWORD}@db.internal/app exec uvicorn api.main:app --reload --host 0.0.0.0\n"
        ),
    );
    dir
}

fn run(dir: &Path, format: &str, selection: &[&str]) -> String {
    let output = Command::cargo_bin("prodlint")
        .expect("binary builds")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(["check", "--format", format])
        .args(selection)
        .output()
        .expect("runs");
    let code = output.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "exit {code:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Human output puts its summary and notes on stderr: judge both streams.
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    text
}

#[test]
fn no_planted_secret_appears_in_any_format_under_any_selection() {
    let dir = project();
    let selections: [&[&str]; 6] = [
        &[],
        &["--select", "ALL"],
        &["--select", "PY001"],
        &["--select", "SV006"],
        &["--select", "SV001,SV004"],
        &["--ignore", "SC001,SC002"],
    ];
    let mut reported = 0;
    for format in ["human", "concise", "json", "sarif", "github"] {
        for selection in selections {
            let output = run(dir.path(), format, selection);
            reported += output.matches("PY001").count();
            for secret in planted() {
                let tail = &secret[4..];
                assert!(
                    !output.contains(tail),
                    "`{secret}` shows in --format {format} {selection:?}:\n{output}"
                );
            }
        }
    }
    // The lines holding the secrets were reported (so their snippets were rendered).
    assert!(reported > 0);
}

#[test]
fn the_reports_that_carry_secrets_are_still_made() {
    let dir = project();
    let output = run(dir.path(), "concise", &["--select", "ALL"]);
    for rule in ["SC001", "PY001", "SV006", "SV001"] {
        assert!(output.contains(rule), "no {rule} in:\n{output}");
    }
}
