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
    // A local stack's literal password is the developer's throwaway. Its `${VAR:-literal}`
    // fallback is not: the file expects to be configured, and a server that forgets the
    // variable runs with the key everyone can read.
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
        if local && !var.from_reference {
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
