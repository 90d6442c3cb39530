//! PY002 socket-without-timeout: standard-library socket clients (SMTP, FTP, IMAP, POP3,
//! Telnet, `socket.create_connection`) opened without a timeout. The table is data
//! (`rules/python/socket-timeouts.toml`), checked by the shared timeout checker.

use super::PythonFile;
use super::timeout_table::{self, TimeoutEntry};
use crate::diagnostic::Emitter;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../rules/python/socket-timeouts.toml");

pub const TRIGGERS: &[&str] = &[
    "create_connection",
    "smtplib",
    "ftplib",
    "imaplib",
    "poplib",
    "telnetlib",
];

pub fn table() -> &'static [TimeoutEntry] {
    static TABLE_DATA: OnceLock<Vec<TimeoutEntry>> = OnceLock::new();
    TABLE_DATA.get_or_init(|| timeout_table::parse(TABLE))
}

pub fn check(file: &PythonFile, out: &mut Emitter) {
    timeout_table::check(file, table(), |_| true, None, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_gated_by_a_trigger() {
        for entry in table() {
            for name in &entry.names {
                assert!(TRIGGERS.iter().any(|t| name.contains(t)), "{name}");
            }
        }
    }
}
