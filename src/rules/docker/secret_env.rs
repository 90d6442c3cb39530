//! DF007 secret-in-env-or-arg: an ENV or ARG whose name looks like a credential and
//! whose value is a literal: it is baked into the image (ENV) or its build history
//! (ARG), readable by anyone who can pull it.

use crate::diagnostic::Emitter;
use crate::lang::dockerfile::Dockerfile;
use crate::rules::secrets::secret_names::{self, is_literal_secret};

/// Dockerfile gates ignore case, so any form of the words will do.
pub const TRIGGERS: &[&str] = secret_names::SECRET_NAME_LITERALS;

pub fn check(dockerfile: &Dockerfile, out: &mut Emitter) {
    for instruction in dockerfile.instructions() {
        if instruction.keyword != "ENV" && instruction.keyword != "ARG" {
            continue;
        }
        for pair in instruction.pairs() {
            let Some(value) = &pair.value else { continue };
            if !is_literal_secret(&pair.key.text, &value.text) {
                continue;
            }
            let where_ = if instruction.keyword == "ENV" {
                "is stored in the image: anyone who can pull it can read it"
            } else {
                "is recorded in the image's build history"
            };
            out.report(
                pair.span,
                format!(
                    "`{} {}` sets a literal credential, which {where_}",
                    instruction.keyword, pair.key.text
                ),
            )
            .secret(value.span)
            .help("pass it at run time (orchestrator secret, `--env-file`), or at build time with `RUN --mount=type=secret`");
        }
    }
}
