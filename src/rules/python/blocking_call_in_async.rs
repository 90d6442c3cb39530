//! PY040 blocking-call-in-async: a call that blocks the thread (sleep, sync HTTP, a child
//! process, file or socket I/O) made directly in an `async def` body.
//!
//! The table of blocking callables is data (`rules/python/blocking.toml`), extended by the
//! user's `[python] extend-blocking-calls`. A callable passed as an argument
//! (`await asyncio.to_thread(requests.get, url)`, `loop.run_in_executor(None, f)`) is not
//! a call made, and a nested sync `def` or `lambda` leaves the async context, so both stay
//! silent without special cases.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../rules/python/blocking.toml");

/// An `async def`, and a word of some blocking call of the table (tested below).
pub const TRIGGERS: Gate = Gate::All(&[&["async def"], BLOCKING_WORDS]);

/// Where a finding can be: at the blocking call.
pub const REGION: Gate = Gate::Any(BLOCKING_WORDS);

/// Words of every callable of the table (tested below): module names, and the class
/// names a method's receiver is built or annotated with. A name imported from one of
/// these modules carries the hit to where it is called (see `lang::python_outline`).
const BLOCKING_WORDS: &[&str] = &[
    "sleep",
    "requests",
    "urlopen",
    "urllib",
    "http.client",
    "HTTPConnection",
    "HTTPSConnection",
    "httpx",
    "subprocess",
    "os.",
    "from os",
    "socket",
    "smtplib",
    "ftplib",
    "open(",
    "io.",
    "codecs",
    "Path",
    "pathlib",
    "shutil",
    "glob",
    "psycopg",
    "pymysql",
    "MySQLdb",
    "sqlite3",
    "Redis",
    "redis",
    "input(",
    "getpass",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockingEntry {
    pub names: Vec<String>,
    pub help: String,
}

/// A class whose listed members return an instance of it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chain {
    pub class: String,
    pub aliases: Vec<String>,
    pub members: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    chain: Vec<Chain>,
    call: Vec<BlockingEntry>,
}

fn data() -> &'static Table {
    static DATA: OnceLock<Table> = OnceLock::new();
    DATA.get_or_init(|| toml::from_str(TABLE).expect("blocking.toml is valid"))
}

/// The compiled-in table's entries (validated by the test suite).
pub fn table() -> &'static [BlockingEntry] {
    &data().call
}

/// Each blocking callable's help, by name.
fn help_by_name() -> &'static HashMap<&'static str, &'static str> {
    static MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        table()
            .iter()
            .flat_map(|entry| {
                entry
                    .names
                    .iter()
                    .map(move |name| (name.as_str(), entry.help.as_str()))
            })
            .collect()
    })
}

/// The name a chain of same-class members stands for: `pathlib.Path.resolve.parent.exists`
/// → `pathlib.Path.exists`, `redis.from_url.get` → `redis.Redis.get`. Other names are
/// returned as they are.
fn through_chains<'q>(qualname: &'q str, chains: &[Chain]) -> Cow<'q, str> {
    for chain in chains {
        for class in std::iter::once(&chain.class).chain(&chain.aliases) {
            let Some(rest) = qualname
                .strip_prefix(class.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
            else {
                continue;
            };
            let (members, method) = rest.rsplit_once('.').unwrap_or(("", rest));
            let all_chain_members = members.is_empty()
                || members
                    .split('.')
                    .all(|member| chain.members.iter().any(|m| m == member));
            if all_chain_members && (class != &chain.class || !members.is_empty()) {
                return Cow::Owned(format!("{}.{method}", chain.class));
            }
        }
    }
    Cow::Borrowed(qualname)
}

const USER_HELP: &str =
    "run it in a thread with `await asyncio.to_thread(...)`, or use an async equivalent";

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    if !module.functions.iter().any(|f| f.is_async) {
        return;
    }
    let help_by_name = help_by_name();
    let chains = &data().chain;
    let user = &file.options.extend_blocking_calls;
    for call in module.calls() {
        let Some(qualname) = call.qualname.as_deref() else {
            continue;
        };
        if !module.in_async_context(call) {
            continue;
        }
        let name = through_chains(qualname, chains);
        let help = match help_by_name.get(name.as_ref()) {
            Some(help) => *help,
            None if user.iter().any(|u| *u == name) => USER_HELP,
            None => continue,
        };
        let Some(function) = call.function.map(|id| module.function(id)) else {
            continue;
        };
        out.report(
            call.callee_span,
            format!(
                "`{}(...)` blocks the event loop inside `async def {}`",
                call.callee_text, function.name
            ),
        )
        .help(help);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_of_same_class_members_resolve_to_the_class() {
        let chains = &data().chain;
        for (written, meant) in [
            ("pathlib.Path.resolve.parent.exists", "pathlib.Path.exists"),
            ("pathlib.PosixPath.read_text", "pathlib.Path.read_text"),
            ("pathlib.Path.exists", "pathlib.Path.exists"),
            ("pathlib.Path.stem.exists", "pathlib.Path.stem.exists"),
            ("redis.from_url.get", "redis.Redis.get"),
            ("redis.from_url", "redis.from_url"),
            ("socket.create_connection.recv", "socket.socket.recv"),
            ("pathlib.PathLike.exists", "pathlib.PathLike.exists"),
        ] {
            assert_eq!(through_chains(written, chains), meant, "{written}");
        }
    }

    #[test]
    fn table_parses_and_names_are_unique() {
        crate::rules::python::tests::assert_unique_names(
            table()
                .iter()
                .flat_map(|e| e.names.iter().map(String::as_str)),
            40,
        );
    }
}

#[cfg(test)]
mod gate_tests {
    use super::*;

    /// Every callable of the blocking table contains one of the gate's words, so a file
    /// that calls it passes the gate.
    #[test]
    fn every_blocking_call_is_gated() {
        let Gate::All(groups) = TRIGGERS else {
            panic!("expected an All gate")
        };
        for name in table().iter().flat_map(|entry| entry.names.iter()) {
            let last = name.rsplit('.').next().unwrap_or(name);
            let call = format!("{name}( {last}(");
            assert!(
                groups[1].iter().any(|w| call.contains(w)),
                "{name} is not gated"
            );
        }
    }
}
