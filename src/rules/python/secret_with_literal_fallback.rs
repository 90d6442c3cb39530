//! PY093 secret-with-literal-fallback: a secret read from the environment falls back to a
//! value written in the source (`SECRET_KEY = os.environ.get("SECRET_KEY", "dev-key")`),
//! so a deployment that forgets the variable runs with a published secret instead of
//! failing.

use super::{PythonFile, env_default, env_key, is_dev_named};
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use crate::model::python::{AssignTarget, Literal};
use crate::rules::secrets::secret_names::{is_secret_name, is_setting};

/// An environment read, and a secret-looking word somewhere in the file.
pub const TRIGGERS: Gate = Gate::Regex {
    literals: ENV_READ_WORDS,
    pattern: secret_words!(),
};

/// Where a finding can be: at the environment read (`os.environ.get`, `getenv`,
/// decouple's `config`; django-environ's `env.str` through the `environ` import that
/// binds `env`).
pub const REGION: Gate = Gate::Any(ENV_READ_WORDS);

const ENV_READ_WORDS: &[&str] = &["environ", "getenv", "config("];

pub fn check(file: &PythonFile, out: &mut Emitter) {
    if is_dev_named(&file.source.path) {
        return;
    }
    let module = file.module;
    for (index, call) in module.calls().enumerate() {
        let Some(default) = env_default(call) else {
            continue;
        };
        let Literal::Str(value) = &default.value else {
            continue;
        };
        // A setting, not a secret: a boolean, a number, a duration, a rate, algorithm
        // names. (A placeholder word is still a published secret when the variable is
        // missing: `"changeme"` is reported.)
        if value.trim().is_empty() || is_setting(value) {
            continue;
        }
        let key = env_key(call).filter(|k| is_secret_name(k));
        let assignment = module
            .assignments
            .iter()
            .find(|a| a.value_call.is_some_and(|id| id.0 == index));
        // The deployed settings module sets it itself: this fallback never ships.
        if assignment.is_some_and(|a| {
            a.function.is_none()
                && matches!(&a.target, AssignTarget::Name(name) if file.setting_replaced(name))
        }) {
            continue;
        }
        let target = assignment
            .and_then(|a| match &a.target {
                AssignTarget::Name(name) => Some(name.as_str()),
                AssignTarget::Attribute { attr, .. } => Some(attr.as_str()),
                AssignTarget::Subscript { key, .. } => key.as_str(),
            })
            .filter(|name| is_secret_name(name));
        let Some(name) = key.or(target) else {
            continue;
        };
        out.report(
            default.span,
            format!("`{name}` falls back to a literal when the environment does not set it"),
        )
        .secret(default.value_span)
        .help("read it without a default (`os.environ[\"...\"]`) so a missing secret fails at startup");
    }
}
