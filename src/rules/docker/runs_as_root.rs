//! DF003 runs-as-root: the image's final stage runs as root — no USER in it (or in the
//! stages it is built from), or the last USER is root / 0.

use crate::diagnostic::Emitter;
use crate::lang::dockerfile::Dockerfile;
use crate::lang::shell::{Word, split_commands};
use crate::model::command::switches_user;
use crate::model::dockerfile::{
    final_base_image, final_stage_container, last_in_chain, main_process_script, starts_s6_overlay,
};
use crate::model::facts::ProjectFacts;
use crate::rules::project::{ProjectEmitter, resolve_script};
use crate::source::Span;

pub const TRIGGERS: &[&str] = &["FROM"];

const NO_USER: &str = "the final stage sets no USER: the app runs as root";
const NO_USER_HELP: &str =
    "add `RUN useradd --system app` (or `adduser -S app`) and `USER app` before CMD";

pub fn check(dockerfile: &Dockerfile, out: &mut Emitter) {
    let Some(stage) = dockerfile.final_stage() else {
        return;
    };
    match last_in_chain(dockerfile, stage.index, "USER") {
        Some(user) => {
            let Some(word) = user.words().first().map(|w| (*w).clone()) else {
                return;
            };
            let name = dockerfile
                .substitute(&word.text, Some(stage.index))
                .unwrap_or_else(|| word.text.clone());
            let name = name.split(':').next().unwrap_or("").trim();
            if name == "root" || name == "0" {
                out.report(
                    user.span,
                    format!("the image's last USER is `{name}`: the app runs as root"),
                )
                .help("create an unprivileged user and switch to it: `USER app` (or a numeric uid like `USER 10001`)");
            }
        }
        None => {
            let base = final_base_image(dockerfile);
            if base == "scratch" || is_nonroot_base(&base) || drops_privileges(dockerfile) {
                return;
            }
            // No CMD, ENTRYPOINT or EXPOSE of its own: a tool image (`docker run img
            // protoc ...`) or a base for other images, whose user is theirs to choose.
            if ["CMD", "ENTRYPOINT", "EXPOSE"]
                .iter()
                .all(|keyword| last_in_chain(dockerfile, stage.index, keyword).is_none())
            {
                return;
            }
            // Started through a script, or s6-overlay's service scripts: the project
            // stage reads them (they may switch user).
            if main_process_script(dockerfile).is_some() || starts_s6_overlay(dockerfile) {
                return;
            }
            out.report(stage.from.span, NO_USER).help(NO_USER_HELP);
        }
    }
}

/// Bases whose default user is not root: distroless `:nonroot` tags, Chainguard images.
fn is_nonroot_base(image: &str) -> bool {
    (image.contains("distroless") && image.contains("nonroot"))
        || image.starts_with("cgr.dev/chainguard/")
}

/// The command starts the app through a tool that switches user, also inside a
/// `sh -c "..."` word.
fn drops_privileges(dockerfile: &Dockerfile) -> bool {
    final_stage_container(dockerfile).is_some_and(|spec| {
        let words: Vec<Word> = spec.command_words().cloned().collect();
        switches_user(&words)
            || words
                .iter()
                .filter(|w| w.text.contains(char::is_whitespace))
                .any(|w| split_commands(&w.text, 0).iter().any(|c| switches_user(c)))
    })
}

/// The final FROM's span when the image sets no USER, is not a non-root base, and
/// starts through a shell script or s6-overlay (the flag): whether it stays root
/// depends on the script, or on the s6 service scripts.
pub fn root_via_script(dockerfile: &Dockerfile) -> Option<(Span, bool)> {
    let stage = dockerfile.final_stage()?;
    if last_in_chain(dockerfile, stage.index, "USER").is_some() || drops_privileges(dockerfile) {
        return None;
    }
    let base = final_base_image(dockerfile);
    if base == "scratch" || is_nonroot_base(&base) {
        return None;
    }
    let s6_overlay = starts_s6_overlay(dockerfile);
    (main_process_script(dockerfile).is_some() || s6_overlay)
        .then_some((stage.from.span, s6_overlay))
}

/// The project part: an image with no USER that starts through an entrypoint script
/// runs as root unless the script (read when it is in the repository) switches user.
pub fn check_scripts(facts: &ProjectFacts, out: &mut ProjectEmitter) {
    for file in &facts.files {
        let Some(root) = &file.root_via_script else {
            continue;
        };
        if root.s6_overlay {
            // Every s6 service of the repository switches user before its program.
            let services: Vec<&crate::model::facts::FileFacts> = facts
                .files
                .iter()
                .filter(|f| f.shell_script.as_ref().is_some_and(|s| s.s6_longrun))
                .collect();
            if !services.is_empty()
                && services
                    .iter()
                    .all(|s| s.shell_script.as_ref().is_some_and(|s| s.drops_privileges))
            {
                continue;
            }
            out.report(root.anchor.clone(), NO_USER);
            continue;
        }
        let script = file
            .entry_scripts
            .iter()
            .find(|e| e.dockerfile_main_process)
            .and_then(|entry| resolve_script(facts, entry));
        if script
            .and_then(|s| s.shell_script.as_ref())
            .is_some_and(|s| s.drops_privileges)
        {
            continue;
        }
        out.report(root.anchor.clone(), NO_USER);
    }
}
