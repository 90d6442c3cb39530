//! The Python distribution as a user gets it: maturin (pinned, from PyPI) builds the
//! wheel of `pyproject.toml`, pip installs it into a fresh virtual environment, and the
//! installed `prodlint` runs; the wheel-based pre-commit hook of
//! `packaging/pre-commit-mirror/` installs that wheel under the real pre-commit client.
//!
//! The wheel is built with `maturin build --release --locked` into the same target folder
//! as this test run (so a release build already made by cargo is reused, and a second
//! run compiles nothing). The first run installs maturin and pre-commit into virtual
//! environments under the target folder (needs `python3` and network access to PyPI
//! then); later runs reuse them. Skipped, saying why, only when `python3` is missing.

mod common;
#[path = "common/hooks.rs"]
mod hooks;
#[path = "common/venv.rs"]
mod venv;

use common::write;
use hooks::prodlint_hook;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;
use tempfile::TempDir;
use venv::{bin_dir, exe_name, fresh_venv, pip_install, run_ok, tmp_root, tool_venv};

const MATURIN_VERSION: &str = "1.16.0";
const PRE_COMMIT_VERSION: &str = "4.7.0";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The target folder of this test run: `CARGO_TARGET_TMPDIR` is its `tmp/`.
fn target_dir() -> PathBuf {
    tmp_root()
        .parent()
        .expect("CARGO_TARGET_TMPDIR is <target>/tmp")
        .to_path_buf()
}

/// The folder holding the one wheel built by this run (built on the first call).
fn wheel_dir() -> Option<&'static Path> {
    static WHEEL: OnceLock<Option<PathBuf>> = OnceLock::new();
    WHEEL.get_or_init(build_wheel).as_deref()
}

fn build_wheel() -> Option<PathBuf> {
    let maturin = tool_venv(
        &format!("maturin-{MATURIN_VERSION}"),
        &format!("maturin=={MATURIN_VERSION}"),
        "maturin",
    )?;
    let out = tmp_root().join("wheel/dist");
    if out.exists() {
        std::fs::remove_dir_all(&out).expect("rm the old wheels");
    }
    let started = Instant::now();
    let output = run_ok(
        Command::new(&maturin)
            .current_dir(manifest_dir())
            .args(["build", "--release", "--locked", "--out"])
            .arg(&out)
            .env("CARGO_TARGET_DIR", target_dir())
            // Set by `cargo test` for the test process; not meant for a nested build.
            .env_remove("CARGO_MAKEFLAGS")
            .env_remove("MAKEFLAGS")
            .env_remove("MFLAGS"),
    );
    let wheels = wheels_in(&out);
    assert_eq!(
        wheels.len(),
        1,
        "one wheel expected in {}: {wheels:?}\n{}",
        out.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let size = std::fs::metadata(&wheels[0]).expect("stat").len();
    println!(
        "built {} ({size} bytes) in {:.1} s",
        wheels[0].file_name().unwrap().to_string_lossy(),
        started.elapsed().as_secs_f64()
    );
    Some(out)
}

fn wheels_in(dir: &Path) -> Vec<PathBuf> {
    let mut wheels: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the wheel folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    wheels.sort();
    wheels
}

/// A small project with one finding: an HTTP call without a timeout (PY001).
fn project_with_a_finding() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "app.py",
        "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n",
    );
    dir
}

#[test]
fn the_wheel_installs_with_pip_and_runs() {
    let Some(dist) = wheel_dir() else {
        println!("skipped: python3 is not installed, so maturin and pip cannot be");
        return;
    };
    let wheel = &wheels_in(dist)[0];
    let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
    // A binary-only wheel: any Python 3, no ABI, this platform.
    assert!(
        name.starts_with(&format!("prodlint-{VERSION}-py3-none-")),
        "{name}"
    );
    let venv = tmp_root().join("wheel/venv");
    fresh_venv(&venv);
    // The wheel alone, nothing from an index: it has no dependencies.
    pip_install(&venv, &["--no-index", &wheel.to_string_lossy()]);

    // Its content: the executable in the scripts folder, and no Python or Rust sources.
    let listing = run_ok(
        Command::new(bin_dir(&venv).join(exe_name("python")))
            .args(["-m", "zipfile", "-l"])
            .arg(wheel),
    );
    let listing = String::from_utf8_lossy(&listing.stdout);
    let script = format!("prodlint-{VERSION}.data/scripts/{}", exe_name("prodlint"));
    assert!(listing.contains(&script), "{listing}");
    assert!(
        !listing.contains(".rs ") && !listing.contains(".py "),
        "{listing}"
    );

    let prodlint = bin_dir(&venv).join(exe_name("prodlint"));
    assert!(
        prodlint.is_file(),
        "pip installed no {}",
        prodlint.display()
    );
    let version = run_ok(Command::new(&prodlint).arg("--version"));
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("prodlint {VERSION}")
    );

    let project = project_with_a_finding();
    let output = Command::new(&prodlint)
        .current_dir(project.path())
        .args(["check", "--format", "concise"])
        .output()
        .expect("the installed prodlint starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let findings: Vec<&str> = stdout.lines().filter(|l| l.contains(" PY001 ")).collect();
    assert_eq!(findings.len(), 1, "{stdout}");
    assert!(
        findings[0].starts_with("app.py:5:12: error PY001 "),
        "{stdout}"
    );
}

#[test]
fn the_mirror_hook_matches_this_repository_and_pins_this_version() {
    let mirror = manifest_dir().join("packaging/pre-commit-mirror");
    let hook = prodlint_hook(&mirror.join(".pre-commit-hooks.yaml"));
    let source = prodlint_hook(&manifest_dir().join(".pre-commit-hooks.yaml"));
    assert_eq!(hook.language.as_deref(), Some("python"));
    assert_eq!(hook.name, source.name);
    assert_eq!(hook.entry, source.entry);
    assert_eq!(hook.types, source.types);
    assert_eq!(hook.require_serial, Some(true));
    assert_eq!(source.require_serial, Some(true));

    let pyproject: toml::Table = std::fs::read_to_string(mirror.join("pyproject.toml"))
        .expect("read")
        .parse()
        .expect("TOML");
    let project = pyproject["project"].as_table().expect("[project]");
    assert_eq!(project["version"].as_str(), Some(VERSION));
    let dependencies: Vec<&str> = project["dependencies"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    assert_eq!(dependencies, [format!("prodlint=={VERSION}")]);
}

#[test]
fn the_wheel_hook_installs_the_wheel_under_pre_commit() {
    let Some(dist) = wheel_dir() else {
        println!("skipped: python3 is not installed, so pre-commit cannot be");
        return;
    };
    let pre_commit = tool_venv(
        &format!("pre-commit-{PRE_COMMIT_VERSION}"),
        &format!("pre-commit=={PRE_COMMIT_VERSION}"),
        "pre-commit",
    )
    .expect("python3 is there");
    let git = |dir: &Path, args: &[&str]| {
        run_ok(
            Command::new("git")
                .current_dir(dir)
                .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
                .args(args)
                .env_remove("GIT_DIR")
                .env_remove("GIT_INDEX_FILE")
                .env_remove("GIT_WORK_TREE"),
        )
    };

    // The mirror repository, as published: the template folder at a repository's root.
    let mirror = TempDir::new().expect("tempdir");
    let template = manifest_dir().join("packaging/pre-commit-mirror");
    for entry in std::fs::read_dir(&template).expect("read the template") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, mirror.path().join(path.file_name().unwrap())).expect("copy");
    }
    git(mirror.path(), &["init", "-q", "-b", "main"]);
    git(mirror.path(), &["add", "-A"]);
    git(mirror.path(), &["commit", "-q", "-m", "mirror"]);
    let rev = git(mirror.path(), &["rev-parse", "HEAD"]);
    let rev = String::from_utf8_lossy(&rev.stdout).trim().to_owned();

    let project = project_with_a_finding();
    let root = project.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(
        root,
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: prodlint\n",
            mirror.path().display()
        ),
    );
    git(root, &["add", "-A"]);

    // A fresh pre-commit home, so the hook environment is really installed; pip takes
    // `prodlint==VERSION` from the wheel just built (it is not on PyPI before a release)
    // and the mirror's build backend from PyPI.
    let home = TempDir::new().expect("tempdir");
    let output = Command::new(&pre_commit)
        .current_dir(root)
        .args(["run", "--color", "never", "--all-files"])
        .env("PRE_COMMIT_HOME", home.path())
        .env("PIP_FIND_LINKS", dist)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("pre-commit starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        !stdout.contains("An unexpected error"),
        "{stdout}\n{stderr}"
    );
    let findings: Vec<&str> = stdout.lines().filter(|l| l.contains(" PY001 ")).collect();
    assert_eq!(findings.len(), 1, "{stdout}");
    assert!(
        findings[0].starts_with("app.py:5:12: error PY001 "),
        "{stdout}"
    );

    // The hook's environment runs the wheel's binary: pip installed the wheel, not a
    // source build (the wheel has no sources to build from).
    let installed: Vec<PathBuf> = std::fs::read_dir(home.path())
        .expect("read the pre-commit home")
        .filter_map(|e| {
            let repo = e.ok()?.path();
            let envs = std::fs::read_dir(&repo).ok()?;
            envs.filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("py_env-"))
                })
                .map(|env| bin_dir(&env).join(exe_name("prodlint")))
        })
        .filter(|p| p.is_file())
        .collect();
    assert_eq!(installed.len(), 1, "{installed:?}");
    let version = run_ok(Command::new(&installed[0]).arg("--version"));
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("prodlint {VERSION}")
    );
}
