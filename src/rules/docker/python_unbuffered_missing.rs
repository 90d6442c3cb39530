//! DF008 python-unbuffered-missing: a Python image that does not set
//! `PYTHONUNBUFFERED`, so stdout is block-buffered when it is not a terminal and logs
//! arrive late — or never, when the container is killed.

use crate::diagnostic::Emitter;
use crate::lang::dockerfile::{Arguments, Dockerfile};
use crate::model::dockerfile::{final_base_image, final_stage_container, stage_chain};

pub const TRIGGERS: &[&str] = &["python", "pip"];

pub fn check(dockerfile: &Dockerfile, out: &mut Emitter) {
    let Some(stage) = dockerfile.final_stage() else {
        return;
    };
    let chain = stage_chain(dockerfile, stage.index);
    let base = final_base_image(dockerfile);
    let base_name = base.rsplit('/').next().unwrap_or(&base);
    let python_base = base_name.starts_with("python") || base_name.starts_with("pypy");
    let installs = chain.iter().any(|s| {
        s.instructions.iter().any(|i| {
            i.keyword == "RUN"
                && matches!(&i.args, Arguments::Shell(_) | Arguments::Exec(_))
                && i.words().windows(2).any(|w| {
                    let program = w[0].text.rsplit('/').next().unwrap_or(&w[0].text);
                    (program.starts_with("pip") || program == "uv" || program == "poetry")
                        && (w[1].text == "install" || w[1].text == "sync")
                })
        })
    });
    if !python_base && !installs {
        return;
    }
    let sets_unbuffered = chain.iter().any(|s| {
        s.instructions
            .iter()
            .filter(|i| i.keyword == "ENV")
            .any(|i| {
                i.pairs().iter().any(|p| {
                    p.key.text == "PYTHONUNBUFFERED"
                        && p.value.as_ref().is_some_and(|v| !v.text.is_empty())
                })
            })
    });
    // `python -u` does the same for the one process it starts.
    let unbuffered_flag = final_stage_container(dockerfile).is_some_and(|spec| {
        let words: Vec<&str> = spec.command_words().map(|w| w.text.as_str()).collect();
        words.windows(2).any(|w| {
            let program = w[0].rsplit('/').next().unwrap_or(w[0]);
            program.starts_with("python")
                && w[1].starts_with('-')
                && !w[1].starts_with("--")
                && w[1].contains('u')
        }) || words
            .iter()
            .any(|w| w.contains("python -u") || w.contains("python3 -u"))
    });
    if sets_unbuffered || unbuffered_flag {
        return;
    }
    out.report(
        stage.from.span,
        "Python image without `PYTHONUNBUFFERED=1`: print output and logs to stdout are buffered and can be lost on a crash",
    )
    .help("add `ENV PYTHONUNBUFFERED=1` to the final stage");
}
