//! PY001 http-call-without-timeout: outbound HTTP calls that can wait forever.
//!
//! Which callables take a timeout, by which keyword and at which position, is data:
//! `rules/python/timeouts.toml`. The model resolved every call's qualified name, so the
//! rule is one hash lookup per table entry.

use super::PythonFile;
use super::timeout_table::{self, TimeoutEntry};
use crate::diagnostic::Emitter;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../rules/python/timeouts.toml");

/// Imports of the table's modules (the word "requests" alone is common English, and
/// `urllib.parse` opens no connection).
pub const TRIGGERS: &[&str] = &[
    "import requests",
    "from requests",
    "urllib.request",
    "urlopen",
    "urllib3",
    "http.client",
    "HTTPConnection",
    "HTTPSConnection",
    "httpx",
    "aiohttp",
];

/// The compiled-in table (validated by the test suite).
pub fn table() -> &'static [TimeoutEntry] {
    static TABLE_DATA: OnceLock<Vec<TimeoutEntry>> = OnceLock::new();
    TABLE_DATA.get_or_init(|| timeout_table::parse(TABLE))
}

pub fn check(file: &PythonFile, out: &mut Emitter) {
    // Test suites call local test servers on purpose (as PY002/PY003 do, tests are skipped).
    timeout_table::check(file, table(), |_| true, Some("(3.05, 30)"), out);
    // The user's own callables (`[python] extend-timeout-calls`).
    timeout_table::check(
        file,
        &file.options.extend_timeout_calls,
        |_| true,
        Some("(3.05, 30)"),
        out,
    );
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

    /// A file can only call a table entry after importing its top-level module (or one of
    /// its classes), and every such import contains a trigger.
    #[test]
    fn every_name_is_gated_by_a_trigger() {
        for entry in table() {
            for name in &entry.names {
                let root = name.split('.').next().unwrap_or(name);
                let imports = [
                    format!("import {root}"),
                    format!("from {root}"),
                    name.clone(),
                ];
                assert!(
                    imports
                        .iter()
                        .any(|i| TRIGGERS.iter().any(|t| i.contains(t))),
                    "{name} has no trigger"
                );
            }
        }
    }
}
