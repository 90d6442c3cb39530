//! Discovery: one parallel walk over the targets, honouring `.gitignore` (also outside a
//! git repository), `.prodlintignore` and config excludes, seeing hidden files such as
//! `.env` and `.github/`. Explicit file arguments are linted as given (pre-commit passes
//! them), even where the walk would not go (ignored, in a virtual environment), except
//! when a config `exclude` names them. Output: a sorted path list.

use crate::config::Settings;
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A target that could not be walked (missing path), reported as a usage error.
#[derive(Debug)]
pub struct MissingPath(pub PathBuf);

/// What the walk found: the files to lint, sorted, and what it could not enter (an
/// unreadable folder, a name too long for the system), said as notes.
pub struct Discovered {
    pub paths: Vec<PathBuf>,
    pub notes: Vec<String>,
}

pub fn discover(
    targets: &[PathBuf],
    settings: &Settings,
    threads: usize,
) -> Result<Discovered, MissingPath> {
    let root = std::path::absolute(&settings.root).unwrap_or_else(|_| settings.root.clone());
    let found = Mutex::new(Vec::new());
    let notes = Mutex::new(Vec::new());
    for target in targets {
        if !target.exists() {
            return Err(MissingPath(target.clone()));
        }
        if target.is_file() {
            if !is_excluded(target, &root, settings) {
                found.lock().expect("walk results lock").push(clean(target));
            }
            continue;
        }
        let mut builder = WalkBuilder::new(target);
        builder
            .hidden(false)
            .require_git(false)
            .add_custom_ignore_filename(".prodlintignore")
            .threads(threads)
            .filter_entry(|entry| entry.depth() == 0 || !is_default_excluded(entry.file_name()));
        builder.build_parallel().run(|| {
            let found = &found;
            let notes = &notes;
            let root = &root;
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(error) => {
                        let note = format!("skipped: {error}");
                        notes.lock().expect("walk notes lock").push(note);
                        return WalkState::Continue;
                    }
                };
                let path = entry.path();
                if is_excluded(path, root, settings) {
                    return if entry.file_type().is_some_and(|t| t.is_dir()) {
                        WalkState::Skip
                    } else {
                        WalkState::Continue
                    };
                }
                if entry.file_type().is_some_and(|t| t.is_file()) && !is_binary_by_name(path) {
                    found.lock().expect("walk results lock").push(clean(path));
                }
                WalkState::Continue
            })
        });
    }
    let mut paths = found.into_inner().expect("walk results lock");
    paths.sort();
    paths.dedup();
    let mut notes = notes.into_inner().expect("walk notes lock");
    notes.sort();
    Ok(Discovered { paths, notes })
}

/// A run on files only (what pre-commit passes) is checked inside their project: the
/// folder the whole project is walked from, and the given files written the way that walk
/// writes them, so that a given file and the same file found by the walk are one path.
pub struct FileScope {
    /// The walk root: relative to the working directory when the files were given
    /// relatively (`.`, `app`, `..`), absolute when one of them was absolute.
    pub root: PathBuf,
    /// The given files, in the walk's spelling.
    pub files: Vec<PathBuf>,
}

/// The project around `files` (all existing files): the nearest folder above them all
/// that holds `.git`; else the folder of the config file in use, when it holds them all;
/// else their common parent. `None` when that would be a filesystem root (files from
/// unrelated trees with no repository around them: walking `/` helps no one).
pub fn file_scope(files: &[PathBuf], settings: &Settings) -> Option<FileScope> {
    let cwd = std::env::current_dir().ok()?;
    let absolute: Vec<PathBuf> = files.iter().map(|f| lexical(&cwd.join(f))).collect();
    let mut common = absolute.first()?.parent()?.to_path_buf();
    for file in &absolute[1..] {
        while !file.starts_with(&common) {
            common = common.parent()?.to_path_buf();
        }
    }
    let repository = common.ancestors().find(|d| d.join(".git").exists());
    let config_dir = settings
        .source
        .as_ref()
        .and_then(|p| p.parent())
        .map(|d| lexical(&cwd.join(d)))
        .filter(|d| common.starts_with(d));
    let root = match (repository, config_dir) {
        (Some(repository), _) => repository.to_path_buf(),
        (None, Some(config_dir)) => config_dir,
        (None, None) => common,
    };
    root.parent()?;
    let shown_root = if files.iter().any(|f| f.is_absolute()) {
        root.clone()
    } else {
        relative_path(&cwd, &root)
    };
    let files = absolute
        .iter()
        .map(|file| {
            let inside = file.strip_prefix(&root).unwrap_or(file);
            if shown_root == Path::new(".") {
                inside.to_path_buf()
            } else {
                shown_root.join(inside)
            }
        })
        .collect();
    Some(FileScope {
        root: shown_root,
        files,
    })
}

/// `/a/./b/../c` → `/a/c`, without asking the file system (an absolute path in).
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `to` written relative to the folder `from` (both absolute and lexical): `.` for the
/// same folder, `..` segments where `to` is not below `from`.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in shared..from.len() {
        out.push("..");
    }
    for component in &to[shared..] {
        out.push(component);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Folders never walked into (unless given as a target themselves): version control,
/// virtual environments, installed packages, caches and build outputs — the same set
/// ruff skips by default, so a checked-in venv does not flood the report.
const DEFAULT_EXCLUDES: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".eggs",
    "__pypackages__",
    "site-packages",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "_build",
    "buck-out",
];

/// Extensions of formats that are binary by definition (images, fonts, archives,
/// compiled code and translations, databases). Files walked into with these names are
/// not even opened; they would be skipped on their first NUL byte anyway, after a read.
/// A file named on the command line is read whatever its name.
const BINARY_EXTENSIONS: &[&str] = &[
    "7z", "a", "avif", "bin", "bmp", "bz2", "class", "db", "dbf", "dll", "dylib", "egg", "eot",
    "exe", "gif", "gz", "ico", "jar", "jpeg", "jpg", "mmdb", "mo", "mp3", "mp4", "o", "otf", "pdf",
    "png", "pyc", "pyd", "pyo", "shp", "shx", "so", "sqlite", "sqlite3", "tgz", "ttf", "webp",
    "whl", "woff", "woff2", "xz", "zip", "zst",
];

fn is_binary_by_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| BINARY_EXTENSIONS.binary_search(&e).is_ok())
}

fn is_default_excluded(name: &std::ffi::OsStr) -> bool {
    DEFAULT_EXCLUDES.iter().any(|excluded| name == *excluded)
}

/// The path relative to the config root, which is what exclude and per-file-ignore
/// globs are written against.
pub fn relative_to_root(path: &Path, root: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    absolute
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or(absolute)
}

fn is_excluded(path: &Path, root: &Path, settings: &Settings) -> bool {
    !settings.exclude.is_empty() && settings.exclude.is_match(relative_to_root(path, root))
}

/// `./a/b` → `a/b`, so paths print the way users type them.
fn clean(path: &Path) -> PathBuf {
    path.strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_extensions_are_sorted_and_matched_by_extension_only() {
        assert!(BINARY_EXTENSIONS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_binary_by_name(Path::new(
            "locale/fr/LC_MESSAGES/django.mo"
        )));
        assert!(is_binary_by_name(Path::new("static/logo.png")));
        assert!(!is_binary_by_name(Path::new(
            "locale/fr/LC_MESSAGES/django.po"
        )));
        assert!(!is_binary_by_name(Path::new("png")));
        assert!(!is_binary_by_name(Path::new("app.py")));
    }

    #[test]
    fn paths_are_made_relative_and_lexical() {
        assert_eq!(lexical(Path::new("/a/./b/../c")), Path::new("/a/c"));
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/b")),
            Path::new(".")
        );
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/b/c")),
            Path::new("c")
        );
        assert_eq!(
            relative_path(Path::new("/a/b/c"), Path::new("/a")),
            Path::new("../..")
        );
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/d/e")),
            Path::new("../d/e")
        );
    }
}
