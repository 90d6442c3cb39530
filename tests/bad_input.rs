//! Hostile and broken input, run as a user would: every run must end in bounded time
//! with exit 0 or 1 (2 for bad usage or config, or output that could not be written),
//! never a panic, and findings in well-formed sibling files must still be reported.

use assert_cmd::Command;
use std::fs;
use std::path::Path;
use std::time::Duration;
use tempfile::TempDir;

/// Generous: these inputs take milliseconds when handled right, and minutes or forever
/// when not.
const BOUND: Duration = Duration::from_secs(60);

/// A sibling file with one certain finding, planted next to every bad input.
const PLANTED: (&str, &str) = ("planted.py", "import requests\nrequests.get(URL)\n");

fn prodlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("prodlint").expect("binary builds");
    cmd.current_dir(dir).env_remove("NO_COLOR").timeout(BOUND);
    cmd
}

fn write(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
    fs::write(path, bytes).expect("write");
}

/// A git repository holding the planted finding.
fn repo() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    fs::create_dir(dir.path().join(".git")).expect("mkdir .git");
    write(dir.path(), PLANTED.0, PLANTED.1);
    dir
}

fn concise(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = prodlint(dir)
        .args(["check", "--format", "concise"])
        .args(args)
        .output()
        .expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_planted_found(stdout: &str) {
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("planted.py:2:1: PY001 ")),
        "the planted finding is missing from:\n{stdout}"
    );
}

// --- process edges -------------------------------------------------------------------

#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_exit_2_with_a_message() {
    let dir = repo();
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("prodlint"))
        .current_dir(dir.path())
        .arg("check")
        .stdout(full)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot write to standard output"),
        "{stderr}"
    );
}

/// Runs prodlint with its stdout (or stderr) a pipe whose read end is already closed,
/// as `prodlint | head -0` ends up, and returns its exit code.
fn exit_code_with_closed(stream: &str, dir: &Path, args: &[&str]) -> Option<i32> {
    use std::process::Stdio;
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("prodlint"));
    cmd.current_dir(dir).args(args).stdin(Stdio::null());
    if stream == "stdout" {
        cmd.stdout(writer).stderr(Stdio::null());
    } else {
        cmd.stdout(Stdio::null()).stderr(writer);
    }
    cmd.status().expect("runs").code()
}

#[test]
fn a_closed_pipe_is_exit_2_not_a_panic() {
    let dir = repo();
    assert_eq!(
        exit_code_with_closed("stdout", dir.path(), &["check"]),
        Some(2)
    );
    assert_eq!(
        exit_code_with_closed("stdout", dir.path(), &["rules"]),
        Some(2)
    );
    // Human output ends with a summary on stderr.
    assert_eq!(
        exit_code_with_closed("stderr", dir.path(), &["check"]),
        Some(2)
    );
}

#[test]
fn a_thread_count_beyond_the_cores_is_capped() {
    let dir = repo();
    let (code, many, _) = concise(dir.path(), &["--threads", "5000"]);
    assert_eq!(code, 1);
    let (_, one, _) = concise(dir.path(), &["--threads", "1"]);
    assert_eq!(many, one);
}

// --- output integrity ----------------------------------------------------------------

#[cfg(unix)]
#[test]
fn control_characters_in_names_and_lines_are_escaped() {
    let dir = repo();
    let evil = "evil\n\x1b[31mname.py";
    write(
        dir.path(),
        evil,
        "import requests\nrequests.get(URL)  # \x1b]0;pwned\x07\n",
    );
    write(dir.path(), "back\\slash.py", PLANTED.1);
    let (code, stdout, _) = concise(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(!stdout.contains('\x1b'), "raw ESC in:\n{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines.contains(
        &"evil\\n\\e[31mname.py:2:1: PY001 [http-call-without-timeout] `requests.get` is called without a timeout and can wait forever"
    ));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("back\\slash.py:2:1: PY001"))
    );
    assert_planted_found(&stdout);

    let human = prodlint(dir.path()).arg("check").output().expect("runs");
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        !human.contains('\x1b') && !human.contains('\x07'),
        "{human}"
    );
    assert!(human.contains("evil\\n\\e[31mname.py:2:1"), "{human}");
    assert!(human.contains("# \\e]0;pwned\\u{7}"), "{human}");
}

#[test]
fn an_unknown_rule_name_is_not_echoed_in_full() {
    let dir = repo();
    let long = "Z".repeat(100_000);
    for args in [
        vec!["check", "--select", long.as_str()],
        vec!["explain", long.as_str()],
    ] {
        let output = prodlint(dir.path()).args(&args).output().expect("runs");
        assert_eq!(output.status.code(), Some(2));
        assert!(output.stderr.len() < 500, "{} bytes", output.stderr.len());
    }
}

// --- configuration -------------------------------------------------------------------

#[test]
fn an_exclude_that_matches_everything_is_a_config_error() {
    for glob in ["", ".", "./", "/"] {
        let dir = repo();
        write(
            dir.path(),
            "prodlint.toml",
            format!("exclude = [{glob:?}]\n"),
        );
        let (code, _, stderr) = concise(dir.path(), &[]);
        assert_eq!(code, 2, "exclude = [{glob:?}]");
        assert!(stderr.contains("matches every path"), "{stderr}");
    }
}

#[test]
fn config_discovery_stops_at_the_repository_root() {
    let outer = TempDir::new().expect("tempdir");
    write(
        outer.path(),
        "pyproject.toml",
        "[tool.prodlint\nbroken = \n",
    );
    write(outer.path(), "prodlint.toml", "select = [\"NOPE\"]\n");
    let inner = outer.path().join("checkout");
    fs::create_dir_all(inner.join(".git")).expect("mkdir");
    write(&inner, PLANTED.0, PLANTED.1);
    let (code, stdout, stderr) = concise(&inner, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_planted_found(&stdout);
}

#[test]
fn a_broken_pyproject_that_never_names_prodlint_is_not_an_error() {
    let dir = repo();
    write(dir.path(), "pyproject.toml", "[project\nname = \"x\n");
    let (code, stdout, stderr) = concise(dir.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_planted_found(&stdout);
}
