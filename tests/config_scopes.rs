//! End-to-end tests of configuration per folder: the nearest config above a file applies
//! to it (whatever order the paths are given in), `extend` starts a config from another,
//! `--config` and `--isolated` name the one config of the run, and `--show-settings`
//! says what applies to a path and where it comes from, and `--show-files` says what was
//! left out and why.

mod common;

use assert_cmd::Command;
use common::write;
use std::path::Path;
use tempfile::TempDir;

const CALL: &str = "import requests\n\n\ndef f():\n    return requests.get(\"https://x\")\n";

fn prodlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("prodlint").expect("binary builds");
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = prodlint(dir).args(args).output().expect("runs");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

/// Findings as `path severity rule`, sorted.
fn findings(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["check", "--format", "concise"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run(dir, &all);
    assert!(matches!(code, Some(0 | 1)), "{stderr}");
    let mut lines: Vec<String> = stdout
        .lines()
        .map(|line| {
            let (path, rest) = line.split_once(':').expect("path:");
            let words: Vec<&str> = rest.split_whitespace().collect();
            format!("{path} {} {}", words[1], words[2])
        })
        .collect();
    lines.sort();
    lines
}

/// A repository with a root config (PY001 a warning, one vendored file excluded), a
/// service that extends it and ignores PY001, a service with its own pyproject config
/// (only PY001, its `gen/` folder excluded), and a package with a pyproject that never
/// names prodlint.
fn monorepo() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).expect("mkdir .git");
    write(
        root,
        "prodlint.toml",
        "exclude = [\"lib/vendored.py\"]\n[severity]\nPY001 = \"warning\"\n",
    );
    write(
        root,
        "svc-a/prodlint.toml",
        "extend = \"../prodlint.toml\"\nignore = [\"PY001\"]\n",
    );
    write(
        root,
        "svc-b/pyproject.toml",
        "[project]\nname = \"b\"\n\n[tool.prodlint]\nselect = [\"PY001\"]\nexclude = [\"gen\"]\n",
    );
    write(root, "lib/pyproject.toml", "[project]\nname = \"lib\"\n");
    for file in [
        "svc-a/app.py",
        "svc-b/app.py",
        "svc-b/gen/client.py",
        "lib/util.py",
        "lib/vendored.py",
        "top.py",
    ] {
        write(root, file, CALL);
    }
    dir
}

#[test]
fn the_nearest_config_above_each_file_applies_to_it() {
    let dir = monorepo();
    assert_eq!(
        findings(dir.path(), &["."]),
        [
            // The pyproject without a prodlint section leaves lib/ to the root config.
            "lib/util.py warning PY001",
            "svc-b/app.py error PY001",
            "top.py warning PY001",
        ]
    );
}

#[test]
fn the_order_of_the_paths_does_not_change_the_result() {
    let dir = monorepo();
    let forward = findings(dir.path(), &["svc-a/app.py", "svc-b/app.py", "lib/util.py"]);
    let backward = findings(dir.path(), &["lib/util.py", "svc-b/app.py", "svc-a/app.py"]);
    assert_eq!(
        forward,
        ["lib/util.py warning PY001", "svc-b/app.py error PY001"]
    );
    assert_eq!(forward, backward);
    // Folders given one by one, too.
    assert_eq!(
        findings(dir.path(), &["svc-b", "svc-a"]),
        findings(dir.path(), &["svc-a", "svc-b"])
    );
}

#[test]
fn a_folder_config_excludes_relative_to_its_folder() {
    let dir = monorepo();
    let found = findings(dir.path(), &["svc-b"]);
    assert_eq!(found, ["svc-b/app.py error PY001"]);
    // A `gen` folder elsewhere is not svc-b's business.
    write(dir.path(), "gen/tool.py", CALL);
    assert!(findings(dir.path(), &["."]).contains(&"gen/tool.py warning PY001".to_string()));
}

#[test]
fn an_extended_config_gives_what_the_extending_one_does_not_set() {
    let dir = monorepo();
    // svc-a ignores PY001 but inherits the severity table: PY003 stays at its default,
    // and a Dockerfile finding shows the root config's other keys do not leak in.
    write(
        dir.path(),
        "svc-a/prodlint.toml",
        "extend = \"../prodlint.toml\"\n[severity]\nPY001 = \"note\"\n",
    );
    write(
        dir.path(),
        "prodlint.toml",
        "fail-on = \"error\"\n[severity]\nPY001 = \"warning\"\nDF003 = \"error\"\n",
    );
    write(
        dir.path(),
        "svc-a/Dockerfile",
        "FROM python:3.12-slim\nCMD [\"python\", \"app.py\"]\n",
    );
    let found = findings(dir.path(), &["svc-a"]);
    assert!(
        found.contains(&"svc-a/app.py note PY001".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"svc-a/Dockerfile error DF003".to_string()),
        "{found:?}"
    );
    // fail-on came from the base: notes and warnings alone do not fail the run.
    write(
        dir.path(),
        "svc-a/Dockerfile",
        "FROM python:3.12-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000\nUSER app\nCMD [\"python\", \"app.py\"]\n",
    );
    let (code, stdout, _) = run(dir.path(), &["check", "--format", "concise", "svc-a"]);
    assert!(stdout.contains(" note PY001 "), "{stdout}");
    assert!(!stdout.contains(" error "), "{stdout}");
    assert_eq!(code, Some(0), "{stdout}");
}

#[test]
fn broken_extend_chains_are_errors() {
    let dir = monorepo();
    write(
        dir.path(),
        "svc-a/prodlint.toml",
        "extend = \"loop.toml\"\n",
    );
    write(
        dir.path(),
        "svc-a/loop.toml",
        "extend = \"prodlint.toml\"\n",
    );
    let (code, _, stderr) = run(dir.path(), &["check", "."]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("makes a loop"), "{stderr}");

    write(
        dir.path(),
        "svc-a/prodlint.toml",
        "extend = \"missing.toml\"\n",
    );
    let (code, _, stderr) = run(dir.path(), &["check", "svc-a"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("missing.toml") && stderr.contains("no such file"),
        "{stderr}"
    );
}

#[test]
fn config_and_isolated_name_the_one_config_of_the_run() {
    let dir = monorepo();
    assert_eq!(
        findings(dir.path(), &["--config", "prodlint.toml", "."]),
        [
            "lib/util.py warning PY001",
            "svc-a/app.py warning PY001",
            "svc-b/app.py warning PY001",
            "svc-b/gen/client.py warning PY001",
            "top.py warning PY001",
        ]
    );
    assert_eq!(findings(dir.path(), &["--isolated", "svc-b"]).len(), 2);
}

#[test]
fn show_settings_says_what_applies_and_where_it_comes_from() {
    let dir = monorepo();
    let (code, stdout, _) = run(dir.path(), &["check", "--show-settings", "svc-a/app.py"]);
    assert_eq!(code, Some(0));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "settings for svc-a/app.py");
    assert!(
        lines[1].starts_with("config: ")
            && lines[1].ends_with("svc-a/prodlint.toml (the nearest above the path)"),
        "{stdout}"
    );
    assert!(
        lines[2].starts_with("extends: ") && lines[2].ends_with("prodlint.toml"),
        "{stdout}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("enabled: ") && !l.contains("PY001")),
        "{stdout}"
    );
    assert!(lines.contains(&"severity: PY001 = warning"), "{stdout}");
    assert!(lines.contains(&"exclude: lib/vendored.py"), "{stdout}");
    assert!(!stdout.contains("requests.get"), "lints nothing: {stdout}");

    let (_, stdout, _) = run(
        dir.path(),
        &[
            "check",
            "--show-settings",
            "svc-b/app.py",
            "--fail-on",
            "note",
        ],
    );
    assert!(
        stdout.contains("svc-b/pyproject.toml (the nearest above the path)"),
        "{stdout}"
    );
    assert!(stdout.contains("enabled: 1 of "), "{stdout}");
    assert!(stdout.contains("fail-on: note (command line)"), "{stdout}");

    let (_, stdout, _) = run(
        dir.path(),
        &["check", "--isolated", "--show-settings", "svc-b"],
    );
    assert!(stdout.contains("config: none (--isolated)"), "{stdout}");
}

#[test]
fn show_files_says_what_was_left_out_and_why() {
    let dir = monorepo();
    write(
        dir.path(),
        "assets/logo.png",
        [0x89, b'P', b'N', b'G', 0, 0],
    );
    write(dir.path(), "big.py", "x = 1\n".repeat(800_000));
    let (code, stdout, _) = run(dir.path(), &["check", "--show-files", "."]);
    assert_eq!(code, Some(0));
    let listing: Vec<Vec<&str>> = stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let row = |path: &str| -> String {
        listing
            .iter()
            .find(|r| r[0] == path)
            .map(|r| r[1..].join(" "))
            .unwrap_or_else(|| panic!("{path} is not listed:\n{stdout}"))
    };
    assert_eq!(
        row("assets/logo.png"),
        "skipped skipped: binary (by its name)"
    );
    assert_eq!(row("big.py"), "skipped skipped: larger than 4 MiB");
    // Excluded by the root config, and by svc-b's own (relative to svc-b).
    assert_eq!(
        row("lib/vendored.py"),
        "skipped skipped: excluded by the config"
    );
    assert_eq!(
        row("svc-b/gen/client.py"),
        "skipped skipped: excluded by the config"
    );
    assert_eq!(row("svc-b/app.py"), "python production (no marker)");

    // Given by name: listed with why, and only what was given.
    let (_, stdout, _) = run(
        dir.path(),
        &["check", "--show-files", "svc-b/gen/client.py", "top.py"],
    );
    let paths: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(paths, ["svc-b/gen/client.py", "top.py"], "{stdout}");
    assert!(stdout.contains("excluded by the config"), "{stdout}");
}
