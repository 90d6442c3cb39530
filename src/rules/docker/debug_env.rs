//! DF006 debug-env: the image sets an environment variable that switches a framework's
//! debug mode on (`FLASK_DEBUG=1`, `FLASK_ENV=development`, `DJANGO_DEBUG=true`,
//! `DEBUG=1`).

use crate::diagnostic::Emitter;
use crate::lang::dockerfile::Dockerfile;
use crate::model::dockerfile::stage_chain;

pub const TRIGGERS: &[&str] = &["DEBUG", "FLASK_ENV"];

/// Does `NAME=value` switch a framework's debug mode on? Returns what it does, for
/// messages. The one predicate for every place an environment is written: DP014 (the
/// Kubernetes / compose side) should share it rather than keep a copy.
pub fn debug_env(name: &str, value: &str) -> Option<&'static str> {
    let value = value.trim().to_ascii_lowercase();
    let truthy = matches!(value.as_str(), "1" | "true" | "yes" | "on");
    match name {
        "FLASK_DEBUG" if truthy => Some("turns on Flask's debugger and reloader"),
        "FLASK_ENV" if value == "development" => {
            Some("puts Flask in development mode (debugger and reloader on)")
        }
        "DJANGO_DEBUG" | "DEBUG" if truthy => {
            Some("turns debug mode on (Django and most settings modules read it)")
        }
        _ => None,
    }
}

pub fn check(dockerfile: &Dockerfile, out: &mut Emitter) {
    let Some(stage) = dockerfile.final_stage() else {
        return;
    };
    let chain = stage_chain(dockerfile, stage.index);
    for stage in chain.iter().rev() {
        for instruction in stage.instructions.iter().filter(|i| i.keyword == "ENV") {
            for pair in instruction.pairs() {
                let Some(value) = &pair.value else { continue };
                let text = dockerfile
                    .substitute(&value.text, Some(stage.index))
                    .unwrap_or_else(|| value.text.clone());
                if let Some(what) = debug_env(&pair.key.text, &text) {
                    out.report(
                        pair.span,
                        format!("`ENV {}={text}` {what} in the image", pair.key.text),
                    )
                    .help(
                        "leave debug switches out of the image; set them only in local development",
                    );
                }
            }
        }
    }
}
