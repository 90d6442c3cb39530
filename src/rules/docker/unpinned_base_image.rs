//! DF004 unpinned-base-image: a FROM whose image has no tag or the `latest` tag, so the
//! same Dockerfile builds a different image whenever upstream moves.

use crate::diagnostic::Emitter;
use crate::lang::dockerfile::Dockerfile;

pub const TRIGGERS: &[&str] = &["FROM"];

pub fn check(dockerfile: &Dockerfile, out: &mut Emitter) {
    for stage in &dockerfile.stages {
        let Some(image) = &stage.base_image else {
            continue;
        };
        // Built from an earlier stage (also one the build's ARGs pick): pinned as that
        // stage is.
        if !dockerfile.stages_built_from(stage).is_empty() {
            continue;
        }
        let written = image.text.as_str();
        if written.eq_ignore_ascii_case("scratch") || written.contains('@') {
            continue;
        }
        // Entirely a build argument (`FROM $BASE_IMAGE`): the builder picks the image.
        if is_whole_variable(written) {
            continue;
        }
        let text = match dockerfile.substitute(written, None) {
            Some(text) => text,
            // A reference whose value is not in the file: judge what is written, and
            // leave it alone when the variable may well be the tag.
            None => {
                if has_variable_tag(written) {
                    continue;
                }
                written.to_string()
            }
        };
        if text.contains('@') || text.eq_ignore_ascii_case("scratch") || text.trim().is_empty() {
            continue;
        }
        let message = match tag(&text) {
            None => format!("`FROM {text}` has no tag: it builds on whatever `latest` is that day"),
            Some(t) if t.eq_ignore_ascii_case("latest") => {
                format!("`FROM {text}` uses the `latest` tag: every build may get a different base")
            }
            Some(_) => continue,
        };
        out.report(image.span, message)
            .help("pin a version tag (`python:3.12-slim`), or a digest (`@sha256:...`) for reproducible builds");
    }
}

/// The tag of an image reference: after the last `:` that follows the last `/`.
fn tag(reference: &str) -> Option<&str> {
    let name = reference.rsplit('/').next().unwrap_or(reference);
    name.split_once(':').map(|(_, tag)| tag)
}

/// `python:${VERSION}`: the tag comes from a variable.
fn has_variable_tag(reference: &str) -> bool {
    tag(reference).is_some_and(|t| t.contains('$'))
}

/// `$NAME`, `${NAME}`, `${NAME:-default}`: one variable reference and nothing else.
fn is_whole_variable(reference: &str) -> bool {
    if let Some(inner) = reference.strip_prefix("${") {
        return inner.ends_with('}') && inner.matches('}').count() == 1;
    }
    reference.strip_prefix('$').is_some_and(|name| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}
