//! prodlint under the real pre-commit client, with the hook fields of this repository's
//! `.pre-commit-hooks.yaml`: staged subsets still see the whole project's facts.
//!
//! The first run installs a pinned pre-commit from PyPI into a virtual environment under
//! the target folder (needs `python3` and network access then); later runs reuse it. The
//! test is skipped, saying why, only when `python3` is missing.

mod common;
#[path = "common/hooks.rs"]
mod hooks;
#[path = "common/venv.rs"]
mod venv;

use common::write;
use hooks::prodlint_hook;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;
use venv::{run_ok, tmp_root};

const PRE_COMMIT_VERSION: &str = "4.7.0";

/// The `pre-commit` executable of the test's virtual environment, installed if absent.
fn pre_commit() -> Option<PathBuf> {
    venv::tool_venv(
        &format!("pre-commit-{PRE_COMMIT_VERSION}"),
        &format!("pre-commit=={PRE_COMMIT_VERSION}"),
        "pre-commit",
    )
}

/// The `prodlint` hook of `.pre-commit-hooks.yaml`, as a `repo: local` hook that runs the
/// binary under test with the same arguments and file selection.
fn local_hook_config() -> String {
    let hook = prodlint_hook(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"));
    // pre-commit runs several hook processes at once unless told not to; each would
    // walk the whole project again (the results would be right, the time not).
    assert_eq!(
        hook.require_serial,
        Some(true),
        "the hook must say require_serial: true"
    );
    // Built from this repository's sources with its lock file (`language: rust`); the
    // test stands in the binary under test for that build.
    assert_eq!(hook.language.as_deref(), Some("rust"));
    let entry = hook.entry.expect("an entry");
    let arguments = entry
        .strip_prefix("prodlint")
        .expect("the entry runs prodlint");
    let types = hook.types;
    let binary = env!("CARGO_BIN_EXE_prodlint");
    format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: prodlint\n        name: {}\n        \
         entry: '{binary}{arguments}'\n        language: unsupported\n        \
         types: [{}]\n        require_serial: true\n",
        hook.name.unwrap_or_else(|| "prodlint".into()),
        types.join(", ")
    )
}

fn git(dir: &Path, args: &[&str]) {
    run_ok(
        Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
            .args(args)
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE"),
    );
}

/// `pre-commit run ARGS` in `dir`: (exit code, standard output).
fn pre_commit_run(exe: &Path, dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(exe)
        .current_dir(dir)
        .args(["run", "--color", "never"])
        .args(args)
        .env("PRE_COMMIT_HOME", tmp_root().join("pre-commit-home"))
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("pre-commit starts");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stdout.contains("An unexpected error") && !stderr.contains("An unexpected error"),
        "{stdout}\n{stderr}"
    );
    (output.status.code().unwrap_or(-1), stdout)
}

/// The paths of the finding lines (`path:line:col: ...`) in the hook's output.
fn finding_paths(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter_map(|l| {
            let mut parts = l.splitn(3, ':');
            let path = parts.next()?;
            parts.next()?.parse::<usize>().ok().map(|_| path)
        })
        .collect()
}

fn finding_lines<'a>(stdout: &'a str, rule: &str) -> Vec<&'a str> {
    stdout
        .lines()
        .filter(|l| l.contains(&format!(" {rule} ")))
        .collect()
}

#[test]
fn staged_subsets_see_the_whole_project() {
    let Some(exe) = pre_commit() else {
        println!("skipped: python3 is not installed, so pre-commit cannot be");
        return;
    };
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(root, ".pre-commit-config.yaml", local_hook_config());
    // The two cross-file rules only (DP011 is pedantic: off unless selected, and a
    // note: the hook fails, and pre-commit shows its output, from notes up).
    write(
        root,
        "prodlint.toml",
        "select = [\"SV006\", \"DP011\"]\nfail-on = \"note\"\n",
    );
    write(
        root,
        "app/Dockerfile",
        "FROM python:3.12-alpine\nWORKDIR /app\nCOPY . /app\nUSER 1000\n\
         ENTRYPOINT [\"python3\"]\nCMD [\"app.py\"]\n",
    );
    write(
        root,
        "app/app.py",
        "from flask import Flask\n\napp = Flask(__name__)\n\n\
         if __name__ == \"__main__\":\n    app.run(host=\"0.0.0.0\", port=8000, debug=False)\n",
    );
    let deployment = |name: &str, replicas: u32| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  \
             replicas: {replicas}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    \
             spec:\n      securityContext: {{runAsNonRoot: true}}\n      containers:\n        \
             - name: {name}\n          image: registry.example.com/{name}:1.0.0\n          \
             readinessProbe: {{httpGet: {{path: /readyz, port: 8000}}}}\n          \
             livenessProbe: {{httpGet: {{path: /livez, port: 8000}}}}\n          \
             resources: {{requests: {{cpu: 50m, memory: 64Mi}}, limits: {{memory: 128Mi}}}}\n"
        )
    };
    write(
        root,
        "k8s/deployments.yaml",
        format!("{}---\n{}", deployment("api", 3), deployment("search", 2)),
    );
    write(
        root,
        "k8s/pdb.yaml",
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  \
         maxUnavailable: 1\n  selector:\n    matchLabels: {app: api}\n",
    );
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "--no-verify", "-m", "project"]);

    // Only the Dockerfile staged: SV006 needs app/app.py, which pre-commit does not pass.
    std::fs::write(
        root.join("app/Dockerfile"),
        std::fs::read_to_string(root.join("app/Dockerfile")).expect("read") + "# touched\n",
    )
    .expect("write");
    git(root, &["add", "app/Dockerfile"]);
    let (code, stdout) = pre_commit_run(&exe, root, &[]);
    assert_eq!(code, 1, "{stdout}");
    let sv006 = finding_lines(&stdout, "SV006");
    assert_eq!(sv006.len(), 1, "{stdout}");
    assert!(sv006[0].starts_with("app/Dockerfile:"), "{stdout}");
    assert_eq!(finding_paths(&stdout), ["app/Dockerfile"], "{stdout}");
    git(
        root,
        &["commit", "-q", "--no-verify", "-m", "touch the Dockerfile"],
    );

    // Only the Deployments staged: the budget of `api` is in k8s/pdb.yaml.
    std::fs::write(
        root.join("k8s/deployments.yaml"),
        std::fs::read_to_string(root.join("k8s/deployments.yaml")).expect("read") + "# touched\n",
    )
    .expect("write");
    git(root, &["add", "k8s/deployments.yaml"]);
    let (code, stdout) = pre_commit_run(&exe, root, &[]);
    assert_eq!(code, 1, "{stdout}");
    let dp011 = finding_lines(&stdout, "DP011");
    assert_eq!(dp011.len(), 1, "only `search` lacks a budget: {stdout}");
    assert!(dp011[0].starts_with("k8s/deployments.yaml:") && dp011[0].contains("search"));
    assert_eq!(finding_paths(&stdout), ["k8s/deployments.yaml"], "{stdout}");
    git(
        root,
        &["commit", "-q", "--no-verify", "-m", "touch the Deployments"],
    );

    // Every file: the same two joins, each found once.
    let (code, stdout) = pre_commit_run(&exe, root, &["--all-files"]);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(finding_lines(&stdout, "SV006").len(), 1, "{stdout}");
    assert_eq!(finding_lines(&stdout, "DP011").len(), 1, "{stdout}");
    assert_eq!(finding_paths(&stdout).len(), 2, "{stdout}");

    // Nothing staged: the hook does not run, and pre-commit passes.
    let (code, stdout) = pre_commit_run(&exe, root, &[]);
    assert_eq!(code, 0, "{stdout}");
}
