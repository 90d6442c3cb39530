//! DF006 debug-env: the image sets an environment variable that switches a framework's
//! debug mode on (`FLASK_DEBUG=1`, `FLASK_ENV=development`, `DJANGO_DEBUG=true`,
//! `DEBUG=1`).

use crate::diagnostic::Emitter;
use crate::lang::dockerfile::Dockerfile;
use crate::model::dockerfile::stage_chain;
use crate::rules::deploy::debug_env::debug_env;

pub const TRIGGERS: &[&str] = &["DEBUG", "FLASK_ENV"];

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
                        format!(
                            "`ENV {}={text}` turns on {what} in the image",
                            pair.key.text
                        ),
                    )
                    .help(
                        "leave debug switches out of the image; set them only in local development",
                    );
                }
            }
        }
    }
}
