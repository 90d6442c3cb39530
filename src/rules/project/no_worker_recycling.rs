//! SV007 no-worker-recycling: a gunicorn server whose workers are never recycled
//! (`max_requests` is set neither on its command line, nor in its environment, nor in
//! the config module it reads), so memory growth in a worker is never bounded.

use super::{ProjectEmitter, gunicorn_conf_of};
use crate::diagnostic::Related;
use crate::model::facts::ProjectFacts;

/// Command lines name gunicorn; a config module that sets it names `max_requests`.
pub const TRIGGERS: &[&str] = &["gunicorn", "max_requests", "max-requests"];

pub fn check(facts: &ProjectFacts, out: &mut ProjectEmitter) {
    let mut referenced: Vec<&str> = Vec::new();
    for file in &facts.files {
        for run in &file.gunicorn_runs {
            let conf = gunicorn_conf_of(facts, run);
            if let Some(Some(_)) = conf
                && let Some(path) = conf_path(facts, run)
            {
                referenced.push(path);
            }
            if run.sets.iter().any(|s| s == "max_requests")
                || !(run.judged_alone || super::runs_in_container(facts, run))
            {
                continue;
            }
            // A config module that is not in the repository may set it: stay silent.
            let Some(conf) = conf else { continue };
            if conf.is_some_and(|c| c.sets.iter().any(|s| s == "max_requests")) {
                continue;
            }
            let message = match (&run.config, conf) {
                (Some(config), _) => format!(
                    "gunicorn never recycles its workers: neither its command line nor `{config}` sets `max_requests`"
                ),
                (None, Some(_)) => "gunicorn never recycles its workers: neither its command line nor `gunicorn.conf.py` sets `max_requests`".to_string(),
                (None, None) => "gunicorn is started without `--max-requests`: its workers are never recycled".to_string(),
            };
            let finding = out.report(run.anchor.clone(), message);
            // The config module it reads, when prodlint located it, is the other half.
            if let Some(anchor) = conf.and_then(|c| c.anchor.as_ref())
                && anchor.path != run.anchor.path
            {
                finding.related(Related::at(
                    anchor,
                    "the gunicorn config module it reads, which sets no `max_requests`",
                ));
            }
        }
    }
    // Config modules no command line in the repository starts are judged on their own.
    for file in &facts.files {
        let Some(conf) = &file.gunicorn_conf else {
            continue;
        };
        if referenced.contains(&file.path.as_str()) || conf.sets.iter().any(|s| s == "max_requests")
        {
            continue;
        }
        if conf.sets.is_empty() {
            continue;
        }
        if let Some(anchor) = &conf.anchor {
            out.report(
                anchor.clone(),
                "this gunicorn config sets no `max_requests`: its workers are never recycled",
            );
        }
    }
}

/// The path of the config module a run reads, when it is in the repository.
fn conf_path<'a>(
    facts: &'a ProjectFacts,
    run: &crate::model::facts::GunicornRun,
) -> Option<&'a str> {
    let conf = gunicorn_conf_of(facts, run)??;
    facts
        .files
        .iter()
        .find(|f| {
            f.gunicorn_conf
                .as_ref()
                .is_some_and(|c| std::ptr::eq(c, conf))
        })
        .map(|f| f.path.as_str())
}
