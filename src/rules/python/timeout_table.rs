//! The one checker behind the timeout rules (PY001-PY004): a data table of callables, the
//! keyword (and position) that carries their timeout, and when a missing one is a finding.
//! Each rule only chooses its table and, for PY004, the files it looks at.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::model::python::{Argument, Call, CallId, Literal};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlagWhen {
    /// The library waits forever by default: flag a missing timeout and `None`.
    #[default]
    Missing,
    /// The library has a finite default: flag only an explicit `None`.
    ExplicitNone,
}

/// Where a connection string may carry the timeout as a parameter
/// (`"dbname=app connect_timeout=5"`, `redis://h/0?socket_timeout=5`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DsnEntry {
    pub keyword: String,
    pub position: Option<usize>,
    /// The parameter name looked for in a literal string (`connect_timeout`).
    pub parameter: String,
    /// A string that is not a literal may hold the parameter: stay silent.
    #[serde(default)]
    pub silent_when_not_literal: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeoutEntry {
    pub names: Vec<String>,
    pub keyword: String,
    pub position: Option<usize>,
    /// Other keywords that bound the wait just as well.
    #[serde(default)]
    pub alternatives: Vec<String>,
    /// Defaults to `missing` (for entries users add in their config).
    #[serde(default)]
    pub flag: FlagWhen,
    pub dsn: Option<DsnEntry>,
    /// The constructor only connects when given this argument (keyword, position 0):
    /// `ftplib.FTP()` connects later, through `connect()`.
    pub connects_with: Option<String>,
    /// A later `<name>.settimeout(...)` (or `<name>.sock.settimeout(...)`) on the name the
    /// result is bound to, in the same scope, bounds the wait.
    #[serde(default)]
    pub settimeout: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    call: Vec<TimeoutEntry>,
}

/// Parse a compiled-in table (the test suite checks every table parses).
pub fn parse(text: &str) -> Vec<TimeoutEntry> {
    toml::from_str::<Table>(text)
        .map(|t| t.call)
        .unwrap_or_else(|e| panic!("invalid timeout table: {e}"))
}

/// How a call passes its timeout.
enum Timeout<'a> {
    Missing,
    ExplicitNone(&'a Argument),
    Given,
    /// `*args`/`**kwargs` or a non-literal connection string may hold it.
    Unknown,
}

fn argument<'a>(call: &'a Call, keyword: &str, position: Option<usize>) -> Option<&'a Argument> {
    call.keyword(keyword)
        .or_else(|| position.and_then(|p| call.positional(p)))
}

fn timeout_of<'a>(call: &'a Call, entry: &TimeoutEntry) -> Timeout<'a> {
    if let Some(arg) = argument(call, &entry.keyword, entry.position) {
        return if arg.value == Literal::None {
            Timeout::ExplicitNone(arg)
        } else {
            Timeout::Given
        };
    }
    if entry.alternatives.iter().any(|k| call.keyword(k).is_some()) {
        return Timeout::Given;
    }
    if let Some(dsn) = &entry.dsn
        && let Some(arg) = argument(call, &dsn.keyword, dsn.position)
    {
        match &arg.value {
            Literal::Str(s) if dsn_has(s, &dsn.parameter) => return Timeout::Given,
            Literal::Str(_) => {}
            _ if dsn.silent_when_not_literal => return Timeout::Unknown,
            _ => {}
        }
    }
    if call.has_star_kwargs || (call.has_star_args && entry.position.is_some()) {
        return Timeout::Unknown;
    }
    Timeout::Missing
}

/// Whether a connection string sets `parameter` (`key=value` in a libpq string, or a URL
/// query parameter).
fn dsn_has(dsn: &str, parameter: &str) -> bool {
    dsn.split(|c: char| c.is_whitespace() || c == '?' || c == '&')
        .any(|part| {
            part.split_once('=')
                .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case(parameter))
        })
}

/// Whether the call only builds an object that connects later.
fn connects(call: &Call, entry: &TimeoutEntry) -> bool {
    match &entry.connects_with {
        Some(keyword) => argument(call, keyword, Some(0)).is_some() || call.has_star_args,
        None => true,
    }
}

/// Whether the result of `id` is bound to a name that gets `settimeout(...)` later in the
/// same scope.
fn timeout_set_later(file: &PythonFile, id: CallId, call: &Call) -> bool {
    let module = file.module;
    let Some(name) = module.assignments.iter().find_map(|a| match &a.target {
        crate::model::python::AssignTarget::Name(n) if a.value_call == Some(id) => Some(n),
        _ => None,
    }) else {
        return false;
    };
    let direct = format!("{name}.settimeout");
    let on_socket = format!("{name}.sock.settimeout");
    module.calls().any(|c| {
        c.function == call.function
            && c.span.start > call.span.end
            && (c.callee_text == direct || c.callee_text == on_socket)
            && c.positional(0).is_some_and(|a| a.value != Literal::None)
    })
}

/// Report every call of `table` that can wait forever. `wanted` filters the calls (PY004
/// skips `__main__` blocks); `example` is a value shown in the help (`(3.05, 30)`).
pub fn check(
    file: &PythonFile,
    table: &[TimeoutEntry],
    wanted: impl Fn(&Call) -> bool,
    example: Option<&str>,
    out: &mut Emitter,
) {
    if file.runs_as_health_check {
        return;
    }
    let module = file.module;
    for entry in table {
        for name in &entry.names {
            for call in module.calls_to(name) {
                if !wanted(call) {
                    continue;
                }
                match timeout_of(call, entry) {
                    Timeout::Missing if entry.flag == FlagWhen::Missing => {
                        if !connects(call, entry) {
                            continue;
                        }
                        if entry.settimeout {
                            let id = call_id(file, call);
                            if id.is_some_and(|id| timeout_set_later(file, id, call)) {
                                continue;
                            }
                        }
                        out.report(
                            call.callee_span,
                            format!(
                                "`{}` is called without a timeout and can wait forever",
                                call.callee_text
                            ),
                        )
                        .help(help(entry, example));
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

fn help(entry: &TimeoutEntry, example: Option<&str>) -> String {
    let mut help = format!("pass `{}=`", entry.keyword);
    if let Some(example) = example {
        help.push_str(&format!(" (e.g. `{}={example}`)", entry.keyword));
    }
    for alternative in &entry.alternatives {
        help.push_str(&format!(" or `{alternative}=`"));
    }
    if let Some(dsn) = &entry.dsn {
        help.push_str(&format!(
            " (or `{}=` in the connection string)",
            dsn.parameter
        ));
    }
    help
}

fn call_id(file: &PythonFile, call: &Call) -> Option<CallId> {
    let calls = &file.module.calls;
    calls.iter().position(|c| std::ptr::eq(c, call)).map(CallId)
}

#[cfg(test)]
mod tests {
    use super::dsn_has;

    #[test]
    fn dsn_parameters() {
        assert!(dsn_has("dbname=app connect_timeout=5", "connect_timeout"));
        assert!(dsn_has(
            "postgresql://u@h/db?sslmode=require&connect_timeout=3",
            "connect_timeout"
        ));
        assert!(dsn_has(
            "redis://h:6379/0?socket_timeout=5",
            "socket_timeout"
        ));
        assert!(!dsn_has("dbname=app", "connect_timeout"));
        assert!(!dsn_has("dbname=connect_timeout", "connect_timeout"));
    }
}
