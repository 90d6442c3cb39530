//! Python virtual environments under the target folder, for the tests that run real
//! Python clients (pre-commit, maturin, pip). Included with `#[path]` by the test files
//! that need it, so the others do not carry unused helpers.
//!
//! Policy, the same in every such test: skipped (saying why) only when `python3` is
//! missing; a venv or pip failure (no PyPI on the first run, say) fails the test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn tmp_root() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// `bin` on Unix, `Scripts` on Windows: where a venv keeps its executables.
pub fn bin_dir(venv: &Path) -> PathBuf {
    venv.join(if cfg!(windows) { "Scripts" } else { "bin" })
}

pub fn exe_name(name: &str) -> String {
    if cfg!(windows) {
        format!("{name}.exe")
    } else {
        name.to_owned()
    }
}

pub fn python_available() -> bool {
    Command::new("python3").arg("--version").output().is_ok()
}

/// A fresh virtual environment at `venv` (an old one there is removed first).
pub fn fresh_venv(venv: &Path) {
    if venv.exists() {
        std::fs::remove_dir_all(venv).expect("rm the old venv");
    }
    std::fs::create_dir_all(venv.parent().expect("a parent")).expect("mkdir");
    run_ok(Command::new("python3").args(["-m", "venv"]).arg(venv));
}

/// `python -m pip install --quiet ARGS` in `venv`.
pub fn pip_install(venv: &Path, args: &[&str]) -> Output {
    run_ok(
        Command::new(bin_dir(venv).join(exe_name("python")))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(args),
    )
}

/// The executable `exe` of a venv under the target folder named `name`, into which
/// `requirement` (pinned, `tool==1.2.3`) was pip-installed; installed on the first call,
/// reused later. `None` when `python3` is missing.
pub fn tool_venv(name: &str, requirement: &str, exe: &str) -> Option<PathBuf> {
    if !python_available() {
        return None;
    }
    let home = tmp_root().join(name);
    let venv = home.join("venv");
    let exe = bin_dir(&venv).join(exe_name(exe));
    // Written once pip has finished: an interrupted install is never taken as done.
    let done = home.join("installed");
    if done.is_file() && exe.is_file() {
        return Some(exe);
    }
    fresh_venv(&venv);
    pip_install(&venv, &[requirement]);
    assert!(exe.is_file(), "pip installed no {}", exe.display());
    std::fs::write(&done, requirement).expect("write the marker");
    Some(exe)
}

pub fn run_ok(cmd: &mut Command) -> Output {
    let output = cmd.output().expect("starts");
    assert!(
        output.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}
