//! PY003 client-without-timeout: Redis, PostgreSQL and RabbitMQ clients whose defaults
//! wait forever. The table is data (`rules/python/client-timeouts.toml`, extended by
//! `[python] extend-client-timeout-calls` in the config), checked by the shared timeout
//! checker.

use super::PythonFile;
use super::timeout_table::{self, TimeoutEntry};
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../rules/python/client-timeouts.toml");

/// The client's library, and the name of a constructor of the table (bare, so an alias
/// import still names it): `redis` + `Redis`, `psycopg` + `connect`.
pub const TRIGGERS: Gate = Gate::All(&[
    &["redis", "psycopg", "pika"],
    &[
        "Redis",
        "ConnectionPool",
        "from_url",
        "connect",
        "ConnectionParameters",
        "URLParameters",
    ],
]);

pub fn table() -> &'static [TimeoutEntry] {
    static TABLE_DATA: OnceLock<Vec<TimeoutEntry>> = OnceLock::new();
    TABLE_DATA.get_or_init(|| timeout_table::parse(TABLE))
}

pub fn check(file: &PythonFile, out: &mut Emitter) {
    timeout_table::check(file, table(), |_| true, None, out);
    // The user's own clients (`[python] extend-client-timeout-calls`).
    timeout_table::check(
        file,
        &file.options.extend_client_timeout_calls,
        |_| true,
        None,
        out,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_gated_by_a_trigger() {
        let Gate::All(groups) = TRIGGERS else {
            panic!("expected an All gate")
        };
        for entry in table() {
            for name in &entry.names {
                assert!(
                    groups.iter().all(|g| g.iter().any(|t| name.contains(t))),
                    "{name}"
                );
            }
        }
    }
}
