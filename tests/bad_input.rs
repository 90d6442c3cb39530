//! Hostile and broken input, run as a user would: every run must end in bounded time
//! with exit 0 or 1 (2 for bad usage or config, or output that could not be written),
//! never a panic, and findings in well-formed sibling files must still be reported.

mod common;

use assert_cmd::Command;
use common::write;
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
            .any(|l| l.starts_with("planted.py:2:1: error PY001 ")),
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

/// Runs prodlint with its stdout (or stderr) a pipe whose reader has already exited,
/// as in `prodlint | head -0`, and returns prodlint's exit code. The shell starts it a
/// moment after the reader (`true`) so the pipe is surely closed when it writes.
#[cfg(unix)]
fn exit_code_with_closed(stream: &str, dir: &Path, args: &[&str]) -> Option<i32> {
    let redirect = if stream == "stdout" {
        "2>/dev/null"
    } else {
        "2>&1 >/dev/null"
    };
    let script = format!("(sleep 0.3; \"$0\" \"$@\" {redirect}; echo $? > exit-code) | true");
    let status = std::process::Command::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg(script)
        .arg(assert_cmd::cargo::cargo_bin("prodlint"))
        .args(args)
        .status()
        .expect("runs");
    assert!(status.success());
    let code = fs::read_to_string(dir.join("exit-code")).expect("exit code written");
    fs::remove_file(dir.join("exit-code")).expect("cleanup");
    code.trim().parse().ok()
}

#[cfg(unix)]
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
    write(
        dir.path(),
        "escape_before.py",
        "import requests\nx = \"\x1b[31m\"; requests.get(URL)\n",
    );
    let (code, stdout, _) = concise(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(!stdout.contains('\x1b'), "raw ESC in:\n{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(lines.contains(
        &"evil\\n\\e[31mname.py:2:1: error PY001 [http-call-without-timeout] `requests.get` is called without a timeout and can wait forever"
    ));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("back\\slash.py:2:1: error PY001"))
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
    // The column is the line's, not the escaped text's.
    assert!(human.contains("escape_before.py:2:14"), "{human}");
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

// --- work that input drives ----------------------------------------------------------

#[test]
fn self_doubling_env_values_are_bounded() {
    let dir = repo();
    let doubling = format!(
        "FROM python:3.12\nENV A=x\n{}CMD [\"python\"]\n",
        "ENV A=$A$A\n".repeat(40)
    );
    write(dir.path(), "Dockerfile", &doubling);
    let chain: String = (1..8000)
        .map(|i| format!("ENV V{i}=$V{}x\n", i - 1))
        .collect();
    write(
        dir.path(),
        "chain/Dockerfile",
        format!("FROM python:3.12\n{chain}CMD [\"python\"]\n"),
    );
    let stages: String = (1..2000)
        .map(|i| format!("FROM s{} AS s{i}\nENV E{i}=$E{}1\n", i - 1, i - 1))
        .collect();
    write(
        dir.path(),
        "stages/Dockerfile",
        format!("FROM python:3.12 AS s0\n{stages}CMD [\"python\"]\n"),
    );
    let (code, stdout, _) = concise(dir.path(), &[]);
    assert_eq!(code, 1);
    for path in ["Dockerfile", "chain/Dockerfile", "stages/Dockerfile"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&format!("{path}:")) && l.contains(" DF003 ")),
            "{path}: no DF003 in\n{stdout}"
        );
    }
    // The budgets that were hit are said, on the files that hit them.
    let noted: Vec<&str> = stdout.lines().filter(|l| l.contains(" PL001 ")).collect();
    assert!(
        noted.iter().any(|l| l.starts_with("Dockerfile:1:")),
        "{stdout}"
    );
    assert!(
        noted.iter().any(|l| l.starts_with("stages/Dockerfile:1:")),
        "{stdout}"
    );
    assert!(!noted.iter().any(|l| l.starts_with("chain/")), "{stdout}");
    assert_planted_found(&stdout);
}

#[test]
fn a_file_of_urls_is_scanned_in_linear_time() {
    let dir = repo();
    write(dir.path(), "notes.yaml", "x: http://a/b\n".repeat(280_000));
    let (code, stdout, _) = concise(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_planted_found(&stdout);
}

#[test]
fn findings_on_one_long_line_do_not_copy_it_each() {
    let dir = repo();
    write(
        dir.path(),
        "minified.py",
        format!("import requests\n{}\n", "requests.get(u);".repeat(20_000)),
    );
    let output = prodlint(dir.path()).arg("check").output().expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    // 200 of the line's 20,000 (the per-rule cap) and the planted one.
    let findings = stdout.matches("error[PY001]").count();
    assert_eq!(findings, 201);
    // A window of the line per finding, not the 320 KB line.
    assert!(stdout.len() < 300 * 1_000, "{} bytes", stdout.len());
    assert!(
        stdout.contains("minified.py:2:3185"),
        "the 200th finding's column"
    );
}

#[test]
fn findings_are_capped_per_rule_and_file_with_a_note() {
    let dir = repo();
    let tokens: String = (0..60_000)
        .map(|i| format!("API_TOKEN_{i}=q{i:07}x8Rk2vLp0zW7mNc4\n"))
        .collect();
    write(dir.path(), ".env", tokens);
    let (code, stdout, stderr) = concise(dir.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    let secrets: Vec<&str> = stdout.lines().filter(|l| l.contains(" SC002 ")).collect();
    assert_eq!(secrets.len(), 200);
    assert!(secrets[199].starts_with(".env:200:"), "{}", secrets[199]);
    let note: Vec<&str> = stdout.lines().filter(|l| l.contains(" PL001 ")).collect();
    assert_eq!(note.len(), 1, "{stdout}");
    assert!(note[0].starts_with(".env:201:"), "{}", note[0]);
    assert!(
        note[0].contains("SC002: 59800 more findings from here on are not shown"),
        "{}",
        note[0]
    );
    assert_planted_found(&stdout);
    // Output stays bounded by the cap, not by the file's 60,000 secrets.
    assert!(stdout.len() < 100_000, "{} bytes", stdout.len());
}

#[test]
fn the_cap_note_is_said_where_the_rule_reports_outside_production() {
    let dir = repo();
    // 300 distinct GitHub-token-shaped values (SC001 reports in development folders).
    let mut seed: u64 = 7;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let tokens: String = (0..300)
        .map(|_| {
            let body: String = (0..36)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    alphabet[(seed >> 33) as usize % alphabet.len()] as char
                })
                .collect();
            format!("ghp_{body}\n")
        })
        .collect();
    write(dir.path(), ".devcontainer/tokens.txt", tokens);
    let (_, stdout, _) = concise(dir.path(), &[]);
    let keys = stdout.lines().filter(|l| l.contains(" SC001 ")).count();
    assert_eq!(keys, 200, "{stdout}");
    let note: Vec<&str> = stdout.lines().filter(|l| l.contains(" PL001 ")).collect();
    assert_eq!(note.len(), 1, "{stdout}");
    assert!(
        note[0].starts_with(".devcontainer/tokens.txt:201:")
            && note[0].contains("SC001: 100 more findings"),
        "{}",
        note[0]
    );
}

#[test]
fn invalid_suppressions_are_capped_per_file() {
    let dir = repo();
    let comments: String = (0..5000)
        .map(|i| format!("# prodlint: ignore[NOPE{i}]\n"))
        .collect();
    write(
        dir.path(),
        "docker-compose.yml",
        format!("services:\n  web:\n    image: nginx\n{comments}"),
    );
    let (_, stdout, _) = concise(dir.path(), &[]);
    let invalid: Vec<&str> = stdout.lines().filter(|l| l.contains(" PL002 ")).collect();
    assert_eq!(invalid.len(), 20);
    assert!(invalid[19].ends_with("(and 4980 more in this file, not shown)"));
    assert_planted_found(&stdout);
}

#[test]
fn rust_nesting_through_commas_and_attributes_does_not_overflow() {
    let dir = repo();
    for (i, (unit, count, end)) in [
        ("|a,| ", 476, "x"),
        (".. #[a] ", 743, "x"),
        ("- #[a] ", 1_577, "x"),
        ("1 + #[a] ", 26_000, "1"),
    ]
    .into_iter()
    .enumerate()
    {
        write(
            dir.path(),
            &format!("crate{i}/src/lib.rs"),
            format!("fn f() {{ {}{end}; }}\n", unit.repeat(count)),
        );
    }
    let (code, stdout, stderr) = concise(dir.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_planted_found(&stdout);
}

// --- encodings, odd files and odd trees ------------------------------------------------

#[test]
fn encodings_and_line_ends_do_not_lose_findings() {
    let dir = repo();
    let call = "import requests\nrequests.get(URL)\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(call.encode_utf16().flat_map(u16::to_le_bytes));
    write(dir.path(), "utf16.py", utf16);
    write(dir.path(), "crlf.py", call.replace('\n', "\r\n"));
    write(
        dir.path(),
        "cr/pod.yaml",
        "apiVersion: v1\rkind: Pod\rmetadata:\r  name: x\rspec:\r  containers:\r  - name: a\r    image: nginx\r",
    );
    write(
        dir.path(),
        "bom/Procfile",
        "\u{feff}web: gunicorn app:app --reload --bind 0.0.0.0:$PORT\n",
    );
    write(
        dir.path(),
        "bom/.env",
        "\u{feff}API_TOKEN=Qx7vTm2Lw9RkZp4N\n",
    );
    write(
        dir.path(),
        "latin1.py",
        b"# caf\xe9\nimport requests\nrequests.get(URL)\n",
    );
    let (code, stdout, _) = concise(dir.path(), &[]);
    assert_eq!(code, 1);
    for expected in [
        "utf16.py:2:1: error PY001 ",
        "crlf.py:2:1: error PY001 ",
        "cr/pod.yaml:8:12: warning DP006 ",
        "bom/Procfile:1:23: error SV001 ",
        "bom/.env:1:11: error SC002 ",
        "latin1.py:3:1: error PY001 ",
    ] {
        assert!(
            stdout.lines().any(|l| l.starts_with(expected)),
            "no `{expected}` in\n{stdout}"
        );
    }
    assert_planted_found(&stdout);
}

#[cfg(unix)]
#[test]
fn odd_files_and_links_are_bounded_and_never_followed_out() {
    use std::os::unix::fs::symlink;
    let dir = repo();
    let outside = TempDir::new().expect("tempdir");
    write(outside.path(), "leak.py", PLANTED.1);
    symlink(outside.path(), dir.path().join("out")).expect("symlink");
    symlink(".", dir.path().join("loop")).expect("symlink");
    symlink(outside.path().join("leak.py"), dir.path().join("link.py")).expect("symlink");
    fs::create_dir(dir.path().join("Dockerfile")).expect("mkdir");
    write(dir.path(), "empty.py", "");
    write(dir.path(), "empty/Dockerfile", "");
    let mut late_nul = "x = 1\n".repeat(3000).into_bytes();
    late_nul.push(0);
    write(dir.path(), "late_nul.py", late_nul);
    write(dir.path(), "bad\u{fffd}name.py", PLANTED.1);
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n".to_string()
        + &(b'b'..=b'z')
            .map(|c| {
                let prev = (c - 1) as char;
                format!("{}: &{} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n", c as char, c as char)
            })
            .collect::<String>();
    write(dir.path(), "bomb.yaml", bomb);
    write(
        dir.path(),
        "dupes.yaml",
        "apiVersion: v1\nkind: Pod\nkind: Pod\nspec:\n  containers: []\n  containers: []\n",
    );
    write(
        dir.path(),
        "heredoc/Dockerfile",
        "FROM python:3.12\nRUN <<EOF\necho never closed\n",
    );
    write(dir.path(), "huge.py", "x = 1\n".repeat(2_000_000));
    let fifo = dir.path().join("app.py");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let (code, stdout, stderr) = concise(dir.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_planted_found(&stdout);
    assert!(
        !stdout.contains("leak.py"),
        "followed a link out of the tree:\n{stdout}"
    );
    assert!(stderr.contains("huge.py: skipped, larger than"), "{stderr}");
    if made {
        assert!(!stdout.contains("app.py"), "{stdout}");
    }
}

#[test]
fn a_template_line_of_many_actions_is_read_in_linear_time() {
    let dir = repo();
    write(
        dir.path(),
        "chart/Chart.yaml",
        "apiVersion: v2\nname: x\nversion: 1.0.0\n",
    );
    write(dir.path(), "chart/values.yaml", "a: 1\n");
    write(
        dir.path(),
        "chart/templates/deployment.yaml",
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  labels:\n    l: {}\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: nginx\n",
            "{{ .Values.a }}".repeat(250_000)
        ),
    );
    let (code, stdout, _) = concise(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("chart/templates/deployment.yaml:12:16: warning DP006 "),
        "{stdout}"
    );
    assert_planted_found(&stdout);
}

#[test]
fn too_many_exclude_globs_are_a_clear_config_error() {
    let dir = repo();
    let globs: Vec<String> = (0..20_000)
        .map(|i| format!("\"d{i}/**/x{i}_*.py\""))
        .collect();
    write(
        dir.path(),
        "prodlint.toml",
        format!("exclude = [{}]\n", globs.join(",")),
    );
    let (code, _, stderr) = concise(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the 20000 globs cannot be compiled together"),
        "{stderr}"
    );
}
