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
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../rules/python/blocking.toml");

/// An `async def`, and a word of some blocking call of the table (tested below).
pub const TRIGGERS: Gate = Gate::All(&[&["async def"], BLOCKING_WORDS]);

/// Where a finding can be: at the blocking call.
pub const REGION: Gate = Gate::Any(BLOCKING_WORDS);

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
    "system",
    "os.wait",
    "waitpid",
    "import wait",
    "socket",
    "smtplib",
    "ftplib",
    "open(",
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "psycopg",
    "pymysql",
    "MySQLdb",
    "Redis",
    "redis",
    "input(",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockingEntry {
    pub names: Vec<String>,
    pub help: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    call: Vec<BlockingEntry>,
}

/// The compiled-in table (validated by the test suite).
pub fn table() -> &'static [BlockingEntry] {
    static DATA: OnceLock<Vec<BlockingEntry>> = OnceLock::new();
    DATA.get_or_init(|| {
        toml::from_str::<Table>(TABLE)
            .expect("blocking.toml is valid")
            .call
    })
}

const USER_HELP: &str =
    "run it in a thread with `await asyncio.to_thread(...)`, or use an async equivalent";

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    if !module.functions.iter().any(|f| f.is_async) {
        return;
    }
    let builtin = table().iter().flat_map(|entry| {
        entry
            .names
            .iter()
            .map(move |name| (name, entry.help.as_str()))
    });
    let user = file
        .options
        .extend_blocking_calls
        .iter()
        .map(|name| (name, USER_HELP));
    let mut findings = Vec::new();
    for (name, help) in builtin.chain(user) {
        for call in module.calls_to(name) {
            if !module.in_async_context(call) {
                continue;
            }
            let Some(function) = call.function.map(|id| module.function(id)) else {
                continue;
            };
            findings.push((
                call.callee_span,
                call.callee_text.clone(),
                function.name.clone(),
                help,
            ));
        }
    }
    // One finding per call even when a name is listed twice (table and config).
    findings.sort_by_key(|(span, ..)| (span.start, span.end));
    findings.dedup_by_key(|(span, ..)| *span);
    for (span, callee, function, help) in findings {
        out.report(
            span,
            format!("`{callee}(...)` blocks the event loop inside `async def {function}`"),
        )
        .help(help);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
