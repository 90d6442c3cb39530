//! Python rules: small functions over one file's `python::Module`, which has already
//! resolved every call and assignment target through the file's imports.

/// The words that make an identifier secret-looking, as a regex alternation for trigger
/// gates: PY053 and PY093 need one near a log call or an environment read. It must match
/// wherever the classifier (`rules/secrets/secret-names.toml`) sees a secret word or pair,
/// or a gate would hide a finding; the test below checks that. Each word starts in lower,
/// title or upper case (`password`, `dbPassword`, `DB_PASSWORD`) and ends where the
/// classifier's words end (`pass` but not `passed`, `token` but not `tokens`); spelled out
/// rather than `(?i)` so the regex engine can skip to those literals with SIMD.
macro_rules! secret_words {
    () => {
        concat!(
            r"(?:[pP]ass(?:word|wd|phrase)?|[pP]wd|[sS]ecret|[tT]oken|[aA]uth(?:orization)?",
            r"|[cC]redentials?|[sS]sn|[cC]vv|[cC]vc)(?:[^a-z]|$)",
            r"|(?:PASS(?:WORD|WD|PHRASE)?|PWD|SECRET|TOKEN|AUTH(?:ORIZATION)?|CREDENTIALS?",
            r"|SSN|CVV|CVC)(?:[^A-Z]|$)",
            r"|(?:[aA]pi|API|[pP]rivate|PRIVATE|[aA]ccess|ACCESS|[sS]ecret|SECRET|[sS]igning|SIGNING|[eE]ncryption|ENCRYPTION|[mM]aster|MASTER)[_.\-]?(?i:key)",
            r"|(?:[cC]redit|CREDIT)[_.\-]?(?i:card)|(?:[cC]ard|CARD|[aA]ccount|ACCOUNT)[_.\-]?(?i:number)",
        )
    };
}

pub mod asgi_debug;
pub mod blocking_call_in_async;
pub mod client_without_timeout;
pub mod cors;
pub mod cors_wildcard_origin;
pub mod cors_wildcard_with_credentials;
pub mod dangling_task;
pub mod dev_server_call;
pub mod django_conn_max_age;
pub mod django_debug;
pub mod env_read_in_handler;
pub mod error_log_without_traceback;
pub mod flask_debug;
pub mod hardcoded_credential_argument;
pub mod http_call_without_timeout;
pub mod irreversible_migration;
pub mod pool_per_request;
pub mod print_in_handler;
pub mod retry_without_backoff;
pub mod secret_in_log;
pub mod secret_with_literal_fallback;
pub mod socket_without_timeout;
pub mod subprocess_without_timeout;
pub mod swallowed_cancellation;
pub mod swallowed_exception;
pub mod timeout_table;
pub mod tls_verify_disabled;
pub mod unbounded_queue;
pub mod wildcard_allowed_hosts;

use crate::config::PythonOptions;
use crate::gate::Gate;
use crate::model::python::{Argument, Call, Literal, Module};
use crate::source::{SourceFile, Span};
use std::path::Path;

/// Something in the file that can make a function a request handler: a route decorator
/// (`@app.get(`, `@bp.route(`), a view decorator or base class, a task decorator. Rules
/// about code inside handlers (PY052, PY070, PY092) need one (see `rules/python/handlers.toml`).
pub const HANDLER_GATE: Gate = Gate::Either(&[
    Gate::Any(&[
        "View", "Resource", "Endpoint", "api_view", "require_", "task", "actor",
    ]),
    Gate::Regex {
        literals: &["@"],
        pattern: r"@[\w.]+\.(?:route|get|post|put|patch|delete|head|options|api_route|websocket|api_operation)\(",
    },
]);

/// What a Python rule sees: the model and the file it was built from.
pub struct PythonFile<'a> {
    pub module: &'a Module,
    pub source: &'a SourceFile,
    /// The `[python]` options of the configuration (user additions to the tables).
    pub options: &'a PythonOptions,
    /// In a Django settings file, the settings every deployed settings module replaces
    /// (`from .base import *` then `DEBUG = False`): their values here do not ship.
    pub replaced_settings: Option<&'a std::collections::BTreeSet<String>>,
    /// The file is the script a Dockerfile HEALTHCHECK runs: the check's timeout kills
    /// it, so its calls cannot wait forever.
    pub runs_as_health_check: bool,
}

impl PythonFile<'_> {
    /// Is `name` a setting the deployed settings module replaces?
    pub fn setting_replaced(&self, name: &str) -> bool {
        self.replaced_settings
            .is_some_and(|names| names.contains(name))
    }

    /// The source text of `span`.
    pub fn text(&self, span: Span) -> &str {
        self.source.text.get(span.start..span.end).unwrap_or("")
    }

    /// The qualified name of an argument that is a bare name or attribute chain
    /// (`ssl.CERT_NONE`, `CORSMiddleware`), resolved through the file's module-level
    /// imports; an unimported name is returned as written. `None` for anything else.
    pub fn dotted_qualname(&self, arg_span: Span) -> Option<String> {
        let text = self.text(arg_span);
        if !is_dotted_name(text) {
            return None;
        }
        let (head, rest) = match text.split_once('.') {
            Some((head, rest)) => (head, Some(rest)),
            None => (text, None),
        };
        let base = self
            .module
            .imports
            .iter()
            .rev()
            .find(|i| i.function.is_none() && i.bound_name == head)
            .map_or(head, |i| i.qualname.as_str());
        Some(match rest {
            Some(rest) => format!("{base}.{rest}"),
            None => base.to_string(),
        })
    }

    /// Calls evaluated inside `span` (an assignment's value), in source order.
    pub fn calls_within(&self, span: Span) -> impl Iterator<Item = &Call> {
        self.module
            .calls()
            .filter(move |c| c.span.start >= span.start && c.span.end <= span.end)
    }
}

/// `a`, `a.b.c`: identifiers joined by dots.
pub fn is_dotted_name(text: &str) -> bool {
    !text.is_empty()
        && text.split('.').all(|part| {
            part.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && part.chars().all(|c| c.is_alphanumeric() || c == '_')
        })
}

/// The last segment of a dotted name.
pub fn last_segment(text: &str) -> &str {
    text.rsplit('.').next().unwrap_or(text)
}

/// For a call to a logger method (`logger.error`, `logging.warning`,
/// `logging.getLogger(__name__).error`, `self.log.error`), the method's name.
pub fn logger_method(call: &Call) -> Option<&str> {
    if let Some(qualname) = &call.qualname {
        let (receiver, method) = qualname.rsplit_once('.')?;
        let is_logging = receiver == "logging"
            || receiver.starts_with("logging.")
            || receiver.starts_with("structlog.");
        return is_logging.then_some(method);
    }
    let (receiver, method) = call.callee_text.rsplit_once('.')?;
    let last = receiver.rsplit('.').next().unwrap_or(receiver);
    let last = last.trim_start_matches('_').to_ascii_lowercase();
    matches!(last.as_str(), "logger" | "log").then_some(method)
}

/// Words that name a development or test environment in a settings module's name.
const DEV_WORDS: &[&str] = &[
    "dev",
    "devel",
    "develop",
    "development",
    "local",
    "test",
    "tests",
    "testing",
];

/// A Django-style settings module: `settings.py`, `settings_*.py`, `*_settings.py`, or any
/// module of a `settings/` package.
pub fn is_settings_module(path: &Path) -> bool {
    let stem = path.file_stem().and_then(|n| n.to_str()).unwrap_or("");
    stem == "settings"
        || stem.starts_with("settings_")
        || stem.ends_with("_settings")
        || path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|n| n == "settings")
}

/// A module named for development or tests (`settings/dev.py`, `local_settings.py`,
/// `settings_test.py`, `dev.py`): one of the `_`/`-`/`.`-separated words of its name is a
/// development word.
pub fn is_dev_named(path: &Path) -> bool {
    let stem = path.file_stem().and_then(|n| n.to_str()).unwrap_or("");
    stem.split(['_', '-', '.'])
        .any(|word| DEV_WORDS.contains(&word.to_ascii_lowercase().as_str()))
}

/// Calls that read one environment variable with a default, and the keyword of that
/// default when it is not the second positional argument.
pub const ENV_READS: &[&str] = &[
    "os.environ.get",
    "os.getenv",
    "os.environ.setdefault",
    "decouple.config",
    "environ.Env.str",
    "environ.Env.bool",
];

/// The default of an environment read (`os.environ.get("X", default)`), when `call` is one.
pub fn env_default(call: &Call) -> Option<&Argument> {
    let qualname = call.qualname.as_deref()?;
    if !ENV_READS.contains(&qualname) {
        return None;
    }
    call.keyword("default").or_else(|| call.positional(1))
}

/// The environment variable's name of an environment read, when it is a literal.
pub fn env_key(call: &Call) -> Option<&str> {
    call.positional(0)
        .or_else(|| call.keyword("key"))
        .and_then(|a| a.value.as_str())
}

/// Whether a literal reads as "on": `True`, a non-zero number, `"1"`, `"true"`, `"yes"`,
/// `"on"` (any case).
pub fn is_truthy(value: &Literal) -> bool {
    match value {
        Literal::Bool(b) => *b,
        Literal::Int(i) => *i != 0,
        Literal::Str(s) => matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on" | "y" | "t"
        ),
        _ => false,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A data table's callables: each listed once, and more than `at_least` of them (the
    /// table parsed).
    pub(crate) fn assert_unique_names<'a>(names: impl Iterator<Item = &'a str>, at_least: usize) {
        let mut names: Vec<&str> = names.collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a callable is listed twice");
        assert!(count > at_least, "only {count} callables");
    }

    #[test]
    fn secret_words_match_every_name_the_classifier_calls_secret() {
        let words = regex::Regex::new(secret_words!()).expect("compiles");
        let spellings = crate::rules::secrets::secret_names::secret_name_spellings();
        assert!(spellings.len() > 50, "{spellings:?}");
        for name in spellings {
            assert!(words.is_match(&name), "{name}");
        }
    }

    #[test]
    fn settings_and_dev_names() {
        assert!(is_settings_module(Path::new("proj/settings.py")));
        assert!(is_settings_module(Path::new("proj/settings/prod.py")));
        assert!(is_settings_module(Path::new("proj/prod_settings.py")));
        assert!(!is_settings_module(Path::new("proj/views.py")));
        assert!(is_dev_named(Path::new("proj/settings/dev.py")));
        assert!(is_dev_named(Path::new("proj/settings_local.py")));
        assert!(is_dev_named(Path::new("proj/settings/development.py")));
        assert!(!is_dev_named(Path::new("proj/settings/production.py")));
        assert!(!is_dev_named(Path::new("proj/settings/devops.py")));
    }

    #[test]
    fn dotted_names() {
        assert!(is_dotted_name("ssl.CERT_NONE"));
        assert!(is_dotted_name("_x"));
        assert!(!is_dotted_name("a.b()"));
        assert!(!is_dotted_name("a..b"));
        assert!(!is_dotted_name("\"x\""));
    }
}

#[cfg(test)]
mod gate_tests {
    use crate::gate::GateSet;

    /// Every decorator and base class of the handler table passes the handler gate, so a
    /// file defining a handler is parsed.
    #[test]
    fn every_handler_of_the_table_passes_the_handler_gate() {
        let table: toml::Table =
            toml::from_str(include_str!("../../../rules/python/handlers.toml"))
                .expect("handlers.toml");
        let set = GateSet::new(vec![super::HANDLER_GATE], &[], false);
        for key in ["view-decorators", "view-base-classes", "task-decorators"] {
            for name in table[key].as_array().expect("list") {
                let name = name.as_str().expect("string");
                let last = name.rsplit('.').next().unwrap_or(name);
                let text = if key == "view-base-classes" {
                    format!("class V({last}):\n    pass\n")
                } else {
                    format!("@{name}(\"/x\")\ndef f(): pass\n@{last}\ndef g(): pass\n")
                };
                assert!(
                    !set.passing(&set.scan(&text), &text).is_empty(),
                    "{name} does not pass the handler gate"
                );
            }
        }
        // Route decorators of apps and routers.
        let text = "@app.get(\"/x\")\ndef f(): ...";
        assert!(!set.passing(&set.scan(text), text).is_empty());
        let text = "x = {}.get(\"a\")";
        assert!(set.passing(&set.scan(text), text).is_empty());
    }
}
