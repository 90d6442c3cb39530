//! SV006 dev-server-in-production: a container runs `python app.py` / `python -m pkg`
//! and that module, found in the repository, starts Flask's development server.

use super::ProjectEmitter;
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
            );
        }
    }
}

/// Repository-relative path suffixes a script or module can be found at, most specific
/// first. A script's leading folders may be the image's own (`/srv/orders/app.py` →
/// `srv/orders/app.py`, `orders/app.py`, `app.py`); a module's dotted path is kept whole
/// (`orders.app` → `orders/app.py`, `orders/app/__main__.py`), since Python resolves it
/// from a folder on `sys.path`.
fn candidate_suffixes(target: &ScriptTarget) -> Vec<String> {
    match target {
        ScriptTarget::Script(path) => {
            let parts: Vec<&str> = path
                .split('/')
                .filter(|p| !p.is_empty() && *p != ".")
                .collect();
            (0..parts.len())
                .map(|start| parts[start..].join("/"))
                .collect()
        }
        ScriptTarget::Module(module) => {
            let base = module.replace('.', "/");
            vec![format!("{base}.py"), format!("{base}/__main__.py")]
        }
    }
}

/// The Python file a run means, if exactly one is the best match: the most specific
/// suffix that matches any file, preferring files under the artifact's folder.
fn resolve<'a>(facts: &'a ProjectFacts, run: &ScriptRun) -> Option<&'a FileFacts> {
    let python: Vec<&FileFacts> = facts.python_files().collect();
    for suffix in candidate_suffixes(&run.target) {
        let matches: Vec<&FileFacts> = python
            .iter()
            .copied()
            .filter(|f| f.path == suffix || f.path.ends_with(&format!("/{suffix}")))
            .collect();
        if matches.is_empty() {
            continue;
        }
        let prefix = if run.base_dir.is_empty() {
            String::new()
        } else {
            format!("{}/", run.base_dir)
        };
        let local: Vec<&FileFacts> = matches
            .iter()
            .copied()
            .filter(|f| f.path.starts_with(&prefix))
            .collect();
        return match (local.len(), matches.len()) {
            (1, _) => Some(local[0]),
            (0, 1) => Some(matches[0]),
            // Several files could be meant: stay silent rather than guess.
            _ => None,
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_go_from_specific_to_general() {
        assert_eq!(
            candidate_suffixes(&ScriptTarget::Script("/srv/orders/app.py".into())),
            ["srv/orders/app.py", "orders/app.py", "app.py"]
        );
        assert_eq!(
            candidate_suffixes(&ScriptTarget::Script("./app.py".into())),
            ["app.py"]
        );
        assert_eq!(
            candidate_suffixes(&ScriptTarget::Module("orders.app".into())),
            ["orders/app.py", "orders/app/__main__.py"]
        );
    }
}
