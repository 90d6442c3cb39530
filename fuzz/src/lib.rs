//! What every fuzz target does: write the input as one file of a given name into a
//! fresh folder (beside whatever that kind needs, such as a Helm chart's `Chart.yaml`),
//! lint the folder as `prodlint check` would with every rule selected, and render the
//! report in all five formats. libFuzzer catches panics, and its `-timeout` flag bounds
//! the time per input; nothing here asserts findings.

use prodlint::config::{CliOverrides, Settings};
use prodlint::report::{self, Format};
use std::fs;
use std::path::PathBuf;

/// Lints `data` as the file `name` (a path inside the folder), with `extra` files.
pub fn lint_as(name: &str, data: &[u8], extra: &[(&str, &str)]) {
    let dir = tempfile::TempDir::new().expect("tempdir");
    for (path, text) in extra.iter().copied().chain([(name, "")]) {
        let full = dir.path().join(path);
        fs::create_dir_all(full.parent().expect("has parent")).expect("mkdir");
        if path == name {
            fs::write(&full, data).expect("write input");
        } else {
            fs::write(&full, text).expect("write extra");
        }
    }
    let overrides = CliOverrides {
        select: Some(vec!["ALL".into()]),
        ..Default::default()
    };
    let mut settings = Settings::resolve(None, &overrides).expect("every rule resolves");
    settings.root = dir.path().to_path_buf();
    let targets = [PathBuf::from(dir.path())];
    if let Ok(report) = prodlint::check(&targets, &settings) {
        for format in [
            Format::Human,
            Format::Concise,
            Format::Json,
            Format::Sarif,
            Format::Github,
        ] {
            let _ = report::render(&report, format, true);
        }
    }
}

/// Reads `data` as a config file and resolves it, as `prodlint check` does first.
pub fn load_config(data: &[u8]) {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let path = dir.path().join("prodlint.toml");
    fs::write(&path, data).expect("write input");
    if let Ok(Some(file)) = prodlint::config::load(&path) {
        let _ = Settings::resolve(Some((path, file)), &CliOverrides::default());
    }
}
