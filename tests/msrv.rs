//! The minimum Rust version that `Cargo.toml` (`rust-version`) and the README state is
//! the real one: no locked dependency declares a higher `rust-version`, the code's own
//! language features fit it, and — when every locked crate's manifest could be read — it
//! is no higher than what they need.
//!
//! Each locked crate's manifest is read from cargo's registry source folder
//! (`$CARGO_HOME/registry/src/*/NAME-VERSION/Cargo.toml`). A build extracts only the
//! crates of the host platform; `cargo fetch --locked` extracts them all. Crates whose
//! source is not there are listed and skipped; the test fails if none is found.

use std::path::{Path, PathBuf};

type Version = (u64, u64, u64);

fn parse_version(text: &str) -> Version {
    let mut parts = text.trim().split('.').map(|p| {
        p.parse::<u64>()
            .unwrap_or_else(|_| panic!("not a Rust version: {text:?}"))
    });
    let major = parts.next().expect("a major version");
    (major, parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

fn show((major, minor, patch): Version) -> String {
    if patch == 0 {
        format!("{major}.{minor}")
    } else {
        format!("{major}.{minor}.{patch}")
    }
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn declared() -> Version {
    let text = env!("CARGO_PKG_RUST_VERSION");
    assert!(!text.is_empty(), "Cargo.toml has no `rust-version`");
    parse_version(text)
}

fn cargo_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return PathBuf::from(home);
    }
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .expect("HOME or CARGO_HOME is set");
    PathBuf::from(home).join(".cargo")
}

/// The registry source folders (one per registry index cargo has used).
fn registry_sources() -> Vec<PathBuf> {
    let src = cargo_home().join("registry/src");
    let Ok(entries) = std::fs::read_dir(&src) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Every `*.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read a source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The newest language feature the crate's own code uses, as (version, what, where).
fn code_minimum() -> (Version, String) {
    // Edition 2024 is stable from 1.85.
    let mut minimum = ((1, 85, 0), "edition 2024".to_owned());
    let mut files = Vec::new();
    for dir in ["src", "tests"] {
        rust_files(&manifest_dir().join(dir), &mut files);
    }
    files.sort();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read a source file");
        // `if let A = a && let B = b` (let chains): stable in edition 2024 from 1.88.
        if let Some(line) = text.lines().position(|l| {
            let l = l.trim_start();
            l.starts_with("&& let ") || (l.starts_with("if let ") && l.contains(" && let "))
        }) {
            let rel = file.strip_prefix(manifest_dir()).unwrap_or(file);
            if minimum.0 < (1, 88, 0) {
                minimum = (
                    (1, 88, 0),
                    format!("let chains ({}:{})", rel.display(), line + 1),
                );
            }
        }
    }
    minimum
}

#[test]
fn no_locked_dependency_needs_a_newer_rust_than_cargo_toml_says() {
    let declared = declared();
    let lock: toml::Table = std::fs::read_to_string(manifest_dir().join("Cargo.lock"))
        .expect("read Cargo.lock")
        .parse()
        .expect("Cargo.lock is TOML");
    let sources = registry_sources();
    let mut found: Vec<(Version, String)> = Vec::new();
    let mut without_rust_version = 0;
    let mut missing: Vec<String> = Vec::new();
    let mut too_new: Vec<String> = Vec::new();
    for package in lock["package"].as_array().expect("[[package]] entries") {
        let name = package["name"].as_str().expect("a name");
        let version = package["version"].as_str().expect("a version");
        let Some(source) = package.get("source").and_then(|s| s.as_str()) else {
            continue; // this crate itself
        };
        let id = format!("{name} {version}");
        if !source.starts_with("registry+") && !source.starts_with("sparse+") {
            missing.push(format!("{id} (from {source})"));
            continue;
        }
        let Some(manifest) = sources
            .iter()
            .map(|s| s.join(format!("{name}-{version}/Cargo.toml")))
            .find(|m| m.is_file())
        else {
            missing.push(id);
            continue;
        };
        let manifest: toml::Table = std::fs::read_to_string(&manifest)
            .expect("read a manifest")
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
        let Some(rust_version) = manifest
            .get("package")
            .and_then(|p| p.get("rust-version"))
            .and_then(|v| v.as_str())
        else {
            without_rust_version += 1;
            found.push(((0, 0, 0), id));
            continue;
        };
        let needed = parse_version(rust_version);
        if needed > declared {
            too_new.push(format!("{id} needs {rust_version}"));
        }
        found.push((needed, id));
    }
    assert!(
        !found.is_empty(),
        "no locked crate's source was found under {}: build once (or `cargo fetch \
         --locked`) so cargo extracts them",
        cargo_home().join("registry/src").display()
    );
    if !missing.is_empty() {
        println!(
            "skipped {} locked crates whose source is not under {} (`cargo fetch --locked` \
             extracts them): {}",
            missing.len(),
            cargo_home().join("registry/src").display(),
            missing.join(", ")
        );
    }
    assert!(
        too_new.is_empty(),
        "Cargo.toml says rust-version = \"{}\", but: {}",
        show(declared),
        too_new.join("; ")
    );

    found.sort();
    let (dependency_minimum, by) = found.last().expect("not empty").clone();
    let (code_minimum, feature) = code_minimum();
    assert!(
        code_minimum <= declared,
        "the code uses {feature}, which needs Rust {}; Cargo.toml says {}",
        show(code_minimum),
        show(declared)
    );
    let (real, why) = if dependency_minimum >= code_minimum {
        (dependency_minimum, by)
    } else {
        (code_minimum, feature)
    };
    println!(
        "rust-version {}: {} locked crates read ({without_rust_version} declare none), \
         the highest need is {} ({why})",
        show(declared),
        found.len(),
        show(real)
    );
    // Too high a claim turns users away for nothing; it can only be judged when every
    // locked crate was read (a skipped one might need more).
    if missing.is_empty() {
        assert_eq!(
            show(declared),
            show(real),
            "Cargo.toml's rust-version is higher than anything needs: {why} sets {}",
            show(real)
        );
    }
}

#[test]
fn the_readme_states_the_same_minimum() {
    let readme = std::fs::read_to_string(manifest_dir().join("README.md")).expect("README");
    let claim = format!("Rust {} or newer", show(declared()));
    assert!(
        readme.contains(&claim),
        "the README should say \"{claim}\" (Cargo.toml's rust-version)"
    );
    // No other minimum stated anywhere in it.
    for (n, line) in readme.lines().enumerate() {
        if let Some(at) = line.find(" or newer") {
            let before = &line[..at];
            if let Some(rust) = before.rfind("Rust 1.") {
                assert_eq!(
                    &line[rust..at],
                    format!("Rust {}", show(declared())),
                    "README line {}: {line}",
                    n + 1
                );
            }
        }
    }
}
