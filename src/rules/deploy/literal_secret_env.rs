//! DP009 literal-secret-env: an environment variable with a secret-looking name set to a
//! literal value in a manifest or compose file. (A URL with an inline password, under any
//! name, is SC001's.)

use crate::diagnostic::Emitter;
use crate::model::container::{ContainerOrigin, ContainerSpec};
use crate::rules::secrets::secret_names::{self, is_literal_secret};

pub const TRIGGERS: &[&str] = secret_names::SECRET_NAME_LITERALS;

pub fn check(spec: &ContainerSpec, out: &mut Emitter) {
    if !spec.is_deployed() {
        return;
    }
    let local = spec.in_local_stack();
    let help = match spec.origin {
        ContainerOrigin::Compose { .. } => {
            "interpolate it (`${DB_PASSWORD}`) from an untracked .env file, or use compose `secrets:`"
        }
        _ => "read it from a Secret: `valueFrom: {secretKeyRef: {name: ..., key: ...}}`",
    };
    for var in &spec.env {
        let Some(value) = &var.value else {
            continue;
        };
        let name = &var.name.value;
        if local && is_throwaway(&value.value, spec) {
            continue;
        }
        if is_literal_secret(name, &value.value) {
            // `${DB_PASSWORD:-s3cret}`: the model's value is the default written here.
            let how = if var.from_reference {
                "falls back to a literal secret written in the file when its variable is unset"
            } else {
                "is set to a literal secret in the file"
            };
            out.report(value.span, format!("`{name}` of {} {how}", spec.describe()))
                .help(help)
                .secret(value.span);
        }
    }
}

/// A local stack's password that is a word the stack spells out anyway — its user,
/// database or service name (`POSTGRES_USER: shop` with `POSTGRES_PASSWORD: shop`) — or a
/// word saying it is one (`password`, `adminpassword`, `secret`): a developer's
/// placeholder, not a credential that leaked. A value of any other shape is reported
/// even there: someone may run the stack as it is.
fn is_throwaway(value: &str, spec: &ContainerSpec) -> bool {
    let word = value.trim().to_ascii_lowercase();
    if word.is_empty()
        || !word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_')
    {
        return false;
    }
    if ["password", "passwd", "secret", "pass"]
        .iter()
        .any(|w| word.contains(w))
    {
        return true;
    }
    spec.name
        .as_deref()
        .is_some_and(|n| n.eq_ignore_ascii_case(&word))
        || spec.env.iter().any(|other| {
            other.value.as_ref().is_some_and(|v| {
                v.value.eq_ignore_ascii_case(&word)
                    && !is_literal_secret(&other.name.value, &v.value)
            })
        })
}
