//! Helpers the end-to-end test files share (each `tests/*.rs` is its own crate and
//! includes this module).

use std::fs;
use std::path::Path;

/// Writes `bytes` to `rel` under `dir`, creating the folders on the way.
pub fn write(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
    fs::write(path, bytes).expect("write");
}
