//! RS003 blocking-call-in-async: blocking std and reqwest calls made on an async task.
//!
//! A blocking call inside `async fn` or an `async` block parks the executor thread it runs
//! on; every other task scheduled there stalls with it. Closures passed to
//! `spawn_blocking`/`block_in_place` are not async context (the model marks them so).

use crate::diagnostic::Emitter;
use crate::model::rust::{Call, RustFile};

pub const TRIGGERS: &[&str] = &["async"];

/// Blocking functions, by resolved path, with the async replacement to suggest.
const BLOCKING_FUNCTIONS: &[(&str, &str)] = &[
    ("std::thread::sleep", "tokio::time::sleep(..).await"),
    (
        "std::net::TcpStream::connect",
        "tokio::net::TcpStream::connect(..).await",
    ),
    (
        "std::net::TcpStream::connect_timeout",
        "tokio::time::timeout(.., tokio::net::TcpStream::connect(..)).await",
    ),
];

/// Every function under these modules blocks (`std::fs::read`, `std::fs::File::open`,
/// `reqwest::blocking::get`, ..), except the constructors below.
const BLOCKING_MODULES: &[(&str, &str)] = &[
    (
        "std::fs::",
        "tokio::fs (or wrap the call in tokio::task::spawn_blocking)",
    ),
    ("reqwest::blocking::", "the async reqwest API"),
];

/// `std::fs` calls that do no I/O: constructors and conversions (`OpenOptions::new()`,
/// `File::from(owned_fd)`, `File::options()`) and the plain-data types.
const STD_FS_NO_IO_FUNCTIONS: &[&str] = &[
    "new",
    "default",
    "options",
    "from",
    "from_raw_fd",
    "from_raw_handle",
    "from_mode",
];
const STD_FS_DATA_TYPES: &[&str] = &["Permissions", "FileTimes", "FileType", "Metadata"];

/// Blocking methods, by the call their chain starts from: `Command::new(..).output()`.
const BLOCKING_METHODS: &[(&str, &str, &str)] = &[
    (
        "std::process::Command::new",
        "output",
        "tokio::process::Command",
    ),
    (
        "std::process::Command::new",
        "status",
        "tokio::process::Command",
    ),
    (
        "std::fs::OpenOptions::new",
        "open",
        "tokio::fs::OpenOptions",
    ),
    ("std::fs::File::options", "open", "tokio::fs::OpenOptions"),
];

pub fn check(file: &RustFile, out: &mut Emitter) {
    for call in file.calls().iter().filter(|c| c.in_async && !c.in_test) {
        if let Some((path, instead)) = blocking_function(call) {
            out.report(
                call.callee_span,
                format!("`{path}` blocks the async executor thread"),
            )
            .help(format!("use {instead}"));
        } else if let Some((root, method, instead)) = blocking_method(file, call) {
            out.report(
                call.callee_span,
                format!("`.{method}()` on `{root}(..)` blocks the async executor thread"),
            )
            .help(format!("use {instead} and `.await` it"));
        }
    }
}

fn blocking_function(call: &Call) -> Option<(&str, &'static str)> {
    let path = call.path.as_deref()?;
    if let Some((_, instead)) = BLOCKING_FUNCTIONS.iter().find(|(p, _)| *p == path) {
        return Some((path, instead));
    }
    if does_no_io(path) {
        return None;
    }
    BLOCKING_MODULES
        .iter()
        .find(|(module, _)| path.starts_with(module))
        .map(|(_, instead)| (path, *instead))
}

/// `std::fs::OpenOptions::new`, `std::fs::File::from`, `std::fs::Permissions::from_mode`, ..
fn does_no_io(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("std::fs::") else {
        return false;
    };
    let first = rest.split("::").next().unwrap_or_default();
    let last = rest.rsplit("::").next().unwrap_or_default();
    STD_FS_DATA_TYPES.contains(&first)
        || (rest.contains("::") && STD_FS_NO_IO_FUNCTIONS.contains(&last))
}

/// A blocking method on a chain that starts at a std constructor.
fn blocking_method<'a>(
    file: &'a RustFile,
    call: &'a Call,
) -> Option<(&'a str, &'a str, &'static str)> {
    let method = call.method()?;
    let root = file.chain_root_path(call)?;
    BLOCKING_METHODS
        .iter()
        .find(|(r, m, _)| *r == root && *m == method)
        .map(|(_, _, instead)| (root, method, *instead))
}
