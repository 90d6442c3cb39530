//! SV006 dev-server-in-production: a container runs `python app.py` / `python -m pkg`
//! and that module, found in the repository, starts Flask's development server.

use super::{ProjectEmitter, resolve_path, resolve_python_module};
use crate::diagnostic::Related;
use crate::model::facts::{FileFacts, ProjectFacts, ScriptRun, ScriptTarget};

/// Container commands name `python`; Python modules start the server with `.run(`.
pub const TRIGGERS: &[&str] = &["python", ".run("];

pub fn check(facts: &ProjectFacts, out: &mut ProjectEmitter) {
    for file in &facts.files {
        for run in &file.script_runs {
            let Some(module) = resolve(facts, run) else {
                continue;
            };
            let Some(start) = module.python_dev_servers.as_ref().and_then(|s| s.first()) else {
                continue;
            };
            out.report(
                run.anchor.clone(),
                format!(
                    "`{}` serves with Flask's development server: `{}` at {}:{} starts it",
                    run.command_text, start.what, module.path, start.line
                ),
            )
            .related(Related::line(
                &module.path,
                start.line,
                format!("`{}` starts the development server", start.what),
            ));
        }
    }
}

/// The Python file a run means: a script by its path (an image path like
/// `/srv/orders/app.py` is found by its repository suffix), a module by its dotted name
/// (`python -m orders` runs `orders/__main__.py`).
fn resolve<'a>(facts: &'a ProjectFacts, run: &ScriptRun) -> Option<&'a FileFacts> {
    match &run.target {
        ScriptTarget::Script(path) => {
            let python: Vec<&FileFacts> = facts.python_files().collect();
            resolve_path(&python, &[], path, &run.base_dir)
        }
        ScriptTarget::Module(module) => {
            resolve_python_module(facts, module, "__main__.py", &run.base_dir)
        }
    }
}
