//! DF010 secret-build-arg: a credential that reaches the image as a build argument. An
//! `ARG` whose name says it holds a credential is filled with `--build-arg`, and build
//! arguments are recorded in the image's history (for every `RUN` that sees them) and in
//! provenance attestations; an `ENV` that copies such an argument stores it in the image
//! config. BuildKit secret mounts exist for exactly this.
//!
//! A literal default is DF007's (a hardcoded secret); names about a secret rather than the
//! secret (`*_FILE`, `*_PATH`, `*_URL`) are not credentials.

use crate::diagnostic::Emitter;
use crate::lang::dockerfile::Dockerfile;
use crate::rules::secrets::secret_names::{self, is_literal_secret, is_secret_name};
use std::collections::HashSet;

pub const TRIGGERS: &[&str] = secret_names::SECRET_NAME_LITERALS;

const HELP: &str = "mount it for the one `RUN` that needs it: `RUN --mount=type=secret,id=token ...` \
                    and `docker build --secret id=token,env=TOKEN`";

pub fn check(dockerfile: &Dockerfile, out: &mut Emitter) {
    let mut secret_args: HashSet<&str> = HashSet::new();
    for instruction in dockerfile.instructions().filter(|i| i.keyword == "ARG") {
        for pair in instruction.pairs() {
            let name = pair.key.text.as_str();
            if !is_secret_name(name)
                || pair
                    .value
                    .as_ref()
                    .is_some_and(|v| is_literal_secret(name, &v.text))
            {
                continue;
            }
            secret_args.insert(name);
            out.report(
                pair.span,
                format!(
                    "`ARG {name}` takes a credential as a build argument: its value is \
                     recorded in the image's build history"
                ),
            )
            .help(HELP);
        }
    }
    for instruction in dockerfile.instructions().filter(|i| i.keyword == "ENV") {
        for pair in instruction.pairs() {
            let Some(argument) = pair.value.as_ref().and_then(|v| referenced_name(&v.text)) else {
                continue;
            };
            if secret_args.contains(argument) {
                out.report(
                    pair.span,
                    format!(
                        "`ENV {}` copies the build argument `{argument}` into the image, \
                         where anyone who can pull it reads the credential",
                        pair.key.text
                    ),
                )
                .help(HELP);
            }
        }
    }
}

/// `NAME` for a value that is only `$NAME` or `${NAME}` (with an optional `:-default`).
fn referenced_name(value: &str) -> Option<&str> {
    let rest = value.strip_prefix('$')?;
    let name = match rest.strip_prefix('{') {
        Some(braced) => {
            let inner = braced.strip_suffix('}')?;
            inner.split([':', '-', '+', '?']).next()?
        }
        None => rest,
    };
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::referenced_name;

    #[test]
    fn only_whole_references_name_an_argument() {
        assert_eq!(referenced_name("$NPM_TOKEN"), Some("NPM_TOKEN"));
        assert_eq!(referenced_name("${NPM_TOKEN}"), Some("NPM_TOKEN"));
        assert_eq!(referenced_name("${NPM_TOKEN:-}"), Some("NPM_TOKEN"));
        assert_eq!(referenced_name("prefix-$NPM_TOKEN"), None);
        assert_eq!(referenced_name("${NPM_TOKEN"), None);
        assert_eq!(referenced_name("$"), None);
    }
}
