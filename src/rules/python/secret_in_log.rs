//! PY053 secret-in-log: a logging call (or `print`) passes a value whose name says it is a
//! secret (`logger.info("login %s %s", user, password)`). Which names are secret is data
//! (`rules/secrets/secret-names.toml`); only arguments that are a bare name or attribute
//! chain are judged, by their last segment. A model field named only `token`
//! (`checkout.token`) is not: there it is as often an identifier as a credential; a
//! variable or parameter `token` (an invite link being validated) is judged.

use super::{PythonFile, is_dotted_name, last_segment};
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use crate::model::python::{ArgumentKind, Call};
use crate::rules::secrets::secret_names::{is_qualified_secret_name, is_secret_name};

/// A logging call or print whose arguments (up to one level of nested parentheses, over
/// several lines) hold a secret-looking word.
pub const TRIGGERS: Gate = Gate::Regex {
    literals: &["log", "print("],
    pattern: concat!(
        r"(?:(?:[lL]og|LOG)\w*|print)[\w.]*\s*\((?:[^()]|\([^()]*\))*?(?:",
        secret_words!(),
        ")"
    ),
};

const LOG_METHODS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
    "msg",
];

/// Keywords of the standard logging methods that are not logged values.
const LOGGING_KEYWORDS: &[&str] = &["exc_info", "stack_info", "stacklevel", "extra"];

fn is_logging_call(call: &Call) -> bool {
    if call.qualname.as_deref() == Some("builtins.print") {
        return true;
    }
    let name = call.qualname.as_deref().unwrap_or(&call.callee_text);
    let Some((receiver, method)) = name.rsplit_once('.') else {
        return false;
    };
    if !LOG_METHODS.contains(&method) {
        return false;
    }
    receiver == "logging"
        || receiver.starts_with("logging.")
        || receiver.starts_with("structlog.")
        || receiver.starts_with("loguru.")
        || last_segment(receiver).to_ascii_lowercase().contains("log")
}

pub fn check(file: &PythonFile, out: &mut Emitter) {
    for call in file.module.calls().filter(|c| is_logging_call(c)) {
        for arg in &call.arguments {
            if arg.kind != ArgumentKind::Positional && arg.kind != ArgumentKind::Keyword {
                continue;
            }
            if let Some(keyword) = &arg.keyword {
                if LOGGING_KEYWORDS.contains(&keyword.as_str()) {
                    continue;
                }
                if is_secret_name(keyword) {
                    out.report(
                        arg.span,
                        format!("`{}` logs a value named `{keyword}`", call.callee_text),
                    )
                    .help("log that the secret is set (or a masked form), never its value");
                    continue;
                }
            }
            let text = file.text(arg.value_span);
            // A field of an object needs a qualified name; a variable is judged by its name.
            let secret = if text.contains('.') {
                is_qualified_secret_name(last_segment(text))
            } else {
                is_secret_name(text)
            };
            if is_dotted_name(text) && secret {
                let sink = if call.qualname.as_deref() == Some("builtins.print") {
                    "the output"
                } else {
                    "the log"
                };
                out.report(
                    arg.value_span,
                    format!("`{}` writes `{text}` to {sink}", call.callee_text),
                )
                .help("log that the secret is set (or a masked form), never its value");
            }
        }
    }
}
