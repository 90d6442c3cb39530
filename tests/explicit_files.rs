//! Files given on the command line (what pre-commit passes) are checked inside their
//! whole project: cross-file facts come from every file of it, and only the given files'
//! findings are reported.

mod common;

use assert_cmd::Command;
use common::write;
use std::path::Path;
use tempfile::TempDir;

fn prodlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("prodlint").expect("binary builds");
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .args(["check", "--format", "concise", "--quiet"]);
    cmd
}

fn lines_of(cmd: &mut Command) -> Vec<String> {
    let output = cmd.output().expect("runs");
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "prodlint failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8 output")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn rules_of(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| l.split_whitespace().nth(1).map(str::to_owned))
        .collect()
}

/// A repository whose Dockerfile runs a Flask module's own `app.run` (SV006), with a
/// secret in an unrelated settings module.
fn flask_repository() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir .git");
    write(
        dir.path(),
        "app/Dockerfile",
        "FROM python:3.12-alpine\nWORKDIR /app\nCOPY . /app\nUSER 1000\n\
         ENTRYPOINT [\"python3\"]\nCMD [\"app.py\"]\n",
    );
    write(
        dir.path(),
        "app/app.py",
        "from flask import Flask\n\napp = Flask(__name__)\n\n\
         if __name__ == \"__main__\":\n    app.run(host=\"0.0.0.0\", port=8000, debug=False)\n",
    );
    write(
        dir.path(),
        "other/settings.py",
        "AWS_KEY = \"AKIAZ7QWERTYUIOP2345\"\n",
    );
    dir
}

#[test]
fn a_given_dockerfile_is_joined_with_the_module_it_runs() {
    let dir = flask_repository();
    let whole = lines_of(prodlint(dir.path()).arg("."));
    assert!(
        whole
            .iter()
            .any(|l| l.starts_with("app/Dockerfile:") && l.contains(" SV006 ")),
        "the project run finds SV006: {whole:?}"
    );
    assert!(whole.iter().any(|l| l.starts_with("other/settings.py:")));

    let only_dockerfile = lines_of(prodlint(dir.path()).arg("app/Dockerfile"));
    assert!(
        only_dockerfile
            .iter()
            .any(|l| l.starts_with("app/Dockerfile:") && l.contains(" SV006 ")),
        "SV006 needs app/app.py, which was not given: {only_dockerfile:?}"
    );
    assert!(
        only_dockerfile
            .iter()
            .all(|l| l.starts_with("app/Dockerfile:")),
        "only the given file is reported on: {only_dockerfile:?}"
    );
    // The same file spelled another way, and given from inside the project.
    let spelled = lines_of(prodlint(dir.path()).arg("./app/../app/Dockerfile"));
    assert_eq!(rules_of(&spelled), rules_of(&only_dockerfile));
    let from_inside = lines_of(prodlint(&dir.path().join("app")).arg("Dockerfile"));
    assert_eq!(rules_of(&from_inside), rules_of(&only_dockerfile));
}

#[test]
fn findings_of_files_not_given_are_not_reported() {
    let dir = flask_repository();
    let module = lines_of(prodlint(dir.path()).arg("app/app.py"));
    assert!(
        module.iter().all(|l| l.starts_with("app/app.py:")),
        "{module:?}"
    );
    let both = lines_of(prodlint(dir.path()).args(["other/settings.py", "app/Dockerfile"]));
    assert!(both.iter().any(|l| l.starts_with("other/settings.py:")));
    assert!(both.iter().any(|l| l.contains(" SV006 ")));
    assert!(
        both.iter()
            .all(|l| l.starts_with("other/settings.py:") || l.starts_with("app/Dockerfile:")),
        "{both:?}"
    );
}

/// Two Deployments of three and two replicas; a PodDisruptionBudget in another file
/// covers the first only.
fn kubernetes_repository() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir .git");
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
        dir.path(),
        "k8s/deployments.yaml",
        format!("{}---\n{}", deployment("api", 3), deployment("search", 2)),
    );
    write(
        dir.path(),
        "k8s/pdb.yaml",
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  \
         maxUnavailable: 1\n  selector:\n    matchLabels: {app: api}\n",
    );
    dir
}

#[test]
fn a_given_deployment_sees_the_disruption_budget_of_another_file() {
    let dir = kubernetes_repository();
    // DP011 is pedantic: off unless selected.
    let given = lines_of(prodlint(dir.path()).args(["--select", "DP011", "k8s/deployments.yaml"]));
    let dp011: Vec<&String> = given.iter().filter(|l| l.contains(" DP011 ")).collect();
    assert_eq!(
        dp011.len(),
        1,
        "only `search` lacks a budget (the budget of `api` is in k8s/pdb.yaml): {given:?}"
    );
    assert!(dp011[0].contains("search"), "{dp011:?}");
    // Without the budget file, both Deployments lack one: the join is real.
    std::fs::remove_file(dir.path().join("k8s/pdb.yaml")).expect("rm");
    let alone = lines_of(prodlint(dir.path()).args(["--select", "DP011", "k8s/deployments.yaml"]));
    assert_eq!(alone.iter().filter(|l| l.contains(" DP011 ")).count(), 2);
}

#[test]
fn a_given_file_that_the_config_excludes_stays_out() {
    let dir = flask_repository();
    write(
        dir.path(),
        "prodlint.toml",
        "exclude = [\"other/settings.py\"]\n",
    );
    let excluded = lines_of(prodlint(dir.path()).arg("other/settings.py"));
    assert!(excluded.is_empty(), "{excluded:?}");
    let mixed = lines_of(prodlint(dir.path()).args(["other/settings.py", "app/Dockerfile"]));
    assert!(mixed.iter().any(|l| l.contains(" SV006 ")), "{mixed:?}");
    assert!(mixed.iter().all(|l| l.starts_with("app/Dockerfile:")));
}

#[test]
fn show_files_lists_only_the_given_files() {
    let dir = flask_repository();
    let output = prodlint(dir.path())
        .args(["--show-files", "app/Dockerfile"])
        .output()
        .expect("runs");
    let listing = String::from_utf8(output.stdout).expect("utf-8");
    let paths: Vec<&str> = listing
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(paths, ["app/Dockerfile"], "{listing}");
}

#[test]
fn a_given_folder_is_still_a_project_of_its_own() {
    let dir = flask_repository();
    // The folder `other/` alone: the Dockerfile in `app/` is neither read nor reported.
    let folder = lines_of(prodlint(dir.path()).arg("other"));
    assert!(!folder.is_empty());
    assert!(folder.iter().all(|l| l.starts_with("other/")), "{folder:?}");
}
