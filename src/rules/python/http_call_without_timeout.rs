//! PY001 http-call-without-timeout: outbound HTTP calls that can wait forever.
//!
//! Which callables take a timeout, by which keyword and at which position, is data:
//! `rules/python/timeouts.toml`. The model resolved every call's qualified name, so the
//! rule is one hash lookup per table entry.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::model::python::{Call, Literal};
use serde::Deserialize;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../rules/python/timeouts.toml");

/// Every table entry's module is named by one of these in any file that can fire.
pub const TRIGGERS: &[&str] = &[
    "requests",
    "urllib",
    "HTTPConnection",
    "HTTPSConnection",
    "httpx",
    "aiohttp",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlagWhen {
    #[default]
    /// The library waits forever by default: flag a missing timeout and `None`.
    Missing,
    /// The library has a finite default: flag only an explicit `None`.
    ExplicitNone,
}

/// One table entry; also the form of `[python] extend-timeout-calls` in the config,
/// where `flag` defaults to `"missing"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeoutEntry {
    pub names: Vec<String>,
    pub keyword: String,
    pub position: Option<usize>,
    #[serde(default)]
    pub flag: FlagWhen,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    call: Vec<TimeoutEntry>,
}

/// The compiled-in table (validated by the test suite).
pub fn table() -> &'static [TimeoutEntry] {
    static TABLE_DATA: OnceLock<Vec<TimeoutEntry>> = OnceLock::new();
    TABLE_DATA.get_or_init(|| {
        toml::from_str::<Table>(TABLE)
            .expect("timeouts.toml is valid")
            .call
    })
}

/// How a call passes its timeout.
enum Timeout<'a> {
    Missing,
    ExplicitNone(&'a crate::model::python::Argument),
    Given,
    /// `*args`/`**kwargs` may hold it.
    Unknown,
}

fn timeout_of<'a>(call: &'a Call, entry: &TimeoutEntry) -> Timeout<'a> {
    let argument = call
        .keyword(&entry.keyword)
        .or_else(|| entry.position.and_then(|p| call.positional(p)));
    match argument {
        Some(arg) if arg.value == Literal::None => Timeout::ExplicitNone(arg),
        Some(_) => Timeout::Given,
        None if call.has_star_kwargs || (call.has_star_args && entry.position.is_some()) => {
            Timeout::Unknown
        }
        None => Timeout::Missing,
    }
}

pub fn check(file: &PythonFile, out: &mut Emitter) {
    for entry in table().iter().chain(&file.options.extend_timeout_calls) {
        for name in &entry.names {
            for call in file.module.calls_to(name) {
                match timeout_of(call, entry) {
                    Timeout::Missing if entry.flag == FlagWhen::Missing => {
                        out.report(
                            call.callee_span,
                            format!(
                                "`{}` is called without a timeout and can wait forever",
                                call.callee_text
                            ),
                        )
                        .help(format!(
                            "pass `{}=` (e.g. `{}=(3.05, 30)`)",
                            entry.keyword, entry.keyword
                        ));
                    }
                    Timeout::ExplicitNone(arg) => {
                        out.report(
                            arg.span,
                            format!(
                                "`{}=None` lets `{}` wait forever",
                                entry.keyword, call.callee_text
                            ),
                        )
                        .help(format!("give `{}` a finite value", entry.keyword));
                    }
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_and_names_are_unique() {
        let mut names: Vec<&str> = table()
            .iter()
            .flat_map(|e| e.names.iter().map(String::as_str))
            .collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a callable is listed twice");
        assert!(count > 40);
    }

    #[test]
    fn every_name_is_gated_by_a_trigger() {
        for entry in table() {
            for name in &entry.names {
                assert!(
                    TRIGGERS.iter().any(|t| name.contains(t)),
                    "{name} has no trigger"
                );
            }
        }
    }
}
