//! Django settings as deployed: which values of a shared settings module the deployed
//! settings module replaces.
//!
//! Django projects often keep `settings/base.py` with development values (`DEBUG = True`,
//! a throwaway `SECRET_KEY`) and a `settings/production.py` that does
//! `from .base import *` and sets its own. What ships is what the deployment names in
//! `DJANGO_SETTINGS_MODULE` (a Dockerfile `ENV`, a compose or Kubernetes environment, a
//! `.env` file): a value of the base module that every deployed module reassigns
//! unconditionally never takes effect, so it is not a finding.
//!
//! Only read, never imported: the deployed modules are scanned line by line for
//! star imports and for top-level assignments (also those made in every branch of a
//! top-level `if`/`else`), which is how settings modules are written.

use std::collections::{BTreeMap, BTreeSet};

/// The settings modules the deployment files name (`DJANGO_SETTINGS_MODULE=pkg.settings.prod`),
/// leaving out those named for development or tests: a deployment of `settings.dev` is a
/// development deployment and replaces nothing that ships.
pub fn deployed_modules<'t>(texts: impl Iterator<Item = &'t str>) -> BTreeSet<String> {
    let mut modules = BTreeSet::new();
    for text in texts {
        let mut rest = text;
        while let Some(at) = rest.find("DJANGO_SETTINGS_MODULE") {
            rest = &rest[at + "DJANGO_SETTINGS_MODULE".len()..];
            let value = rest
                .trim_start_matches(['"', '\''])
                .trim_start_matches([' ', '\t'])
                .strip_prefix(['=', ':'])
                .map(|v| v.trim_start_matches([' ', '\t', '"', '\'']));
            // A Kubernetes env entry: `- name: DJANGO_SETTINGS_MODULE` then `value: …`.
            let value = value.or_else(|| {
                let next_line = rest.split_once('\n')?.1.lines().next()?;
                let value = next_line.trim_start().strip_prefix("value:")?;
                Some(value.trim_start_matches([' ', '\t', '"', '\'']))
            });
            let Some(value) = value else { continue };
            let module: String = value
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            let last = module.rsplit('.').next().unwrap_or("");
            if module.contains('.') && !is_development_name(last) {
                modules.insert(module);
            }
        }
    }
    modules
}

fn is_development_name(stem: &str) -> bool {
    crate::rules::python::is_dev_named(std::path::Path::new(stem))
}

/// The file a dotted module is, among the project's Python files (`pkg.settings.prod` →
/// `…/pkg/settings/prod.py` or `…/pkg/settings/prod/__init__.py`); None when no file or
/// several unrelated ones match.
pub fn module_path<'p>(module: &str, python_paths: &'p [String]) -> Option<&'p str> {
    let relative = module.replace('.', "/");
    let candidates = [format!("{relative}.py"), format!("{relative}/__init__.py")];
    let mut found = python_paths.iter().filter(|path| {
        candidates
            .iter()
            .any(|c| path.as_str() == c || path.ends_with(&format!("/{c}")))
    });
    let first = found.next()?;
    found.next().is_none().then_some(first.as_str())
}

/// What a settings module does with the settings it imports: the modules it
/// star-imports (as written: `.base`, `pkg.settings.base`) and the names it always sets.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SettingsModule {
    pub star_imports: Vec<String>,
    pub always_sets: BTreeSet<String>,
}

pub fn read_module(text: &str) -> SettingsModule {
    let mut module = SettingsModule::default();
    // A top-level `if`/`elif`/`else` chain: the names each branch sets, and whether it
    // has an `else` (without one, a branch may not run).
    let mut branches: Vec<BTreeSet<String>> = Vec::new();
    let mut has_else = false;
    let mut in_chain = false;
    let finish =
        |branches: &mut Vec<BTreeSet<String>>, has_else: bool, into: &mut BTreeSet<String>| {
            if has_else && let Some((first, others)) = branches.split_first() {
                into.extend(
                    first
                        .iter()
                        .filter(|name| others.iter().all(|b| b.contains(*name)))
                        .cloned(),
                );
            }
            branches.clear();
        };
    for line in text.lines() {
        let code = line.split('#').next().unwrap_or("").trim_end();
        if code.is_empty() {
            continue;
        }
        let indented = code.starts_with([' ', '\t']);
        if indented {
            if in_chain
                && let (Some(name), Some(branch)) =
                    (assigned_name(code.trim_start()), branches.last_mut())
            {
                branch.insert(name);
            }
            continue;
        }
        let header = code.split_whitespace().next().unwrap_or("");
        match header {
            "elif" if in_chain => branches.push(BTreeSet::new()),
            "else:" | "else" if in_chain => {
                has_else = true;
                branches.push(BTreeSet::new());
            }
            _ => {
                if in_chain {
                    finish(&mut branches, has_else, &mut module.always_sets);
                    in_chain = false;
                }
                if header == "if" {
                    in_chain = true;
                    has_else = false;
                    branches.push(BTreeSet::new());
                } else if let Some(imported) = star_import(code) {
                    module.star_imports.push(imported.to_string());
                } else if let Some(name) = assigned_name(code) {
                    module.always_sets.insert(name);
                }
            }
        }
    }
    if in_chain {
        finish(&mut branches, has_else, &mut module.always_sets);
    }
    module
}

/// `from .base import *` → `.base`.
fn star_import(code: &str) -> Option<&str> {
    let rest = code.strip_prefix("from ")?.trim_start();
    let (module, imported) = rest.split_once(" import ")?;
    (imported.trim() == "*").then_some(module.trim())
}

/// The upper-case setting a statement assigns (`DEBUG = False`, `SECRET_KEY: str = …`),
/// not a comparison or an augmented assignment.
fn assigned_name(code: &str) -> Option<String> {
    let end = code
        .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
        .unwrap_or(code.len());
    let name = &code[..end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    let rest = code[end..].trim_start();
    let rest = match rest.strip_prefix(':') {
        Some(annotated) => &annotated[annotated.find('=')?..],
        None => rest,
    };
    (rest.starts_with('=') && !rest.starts_with("==")).then(|| name.to_string())
}

/// The module a star import names, as a dotted name: relative imports resolve against
/// the importing module's package.
fn resolve_import(importer: &str, imported: &str) -> String {
    let dots = imported.len() - imported.trim_start_matches('.').len();
    if dots == 0 {
        return imported.to_string();
    }
    let mut package: Vec<&str> = importer.split('.').collect();
    // `.x` is a sibling: drop the importer's own name, then one more per extra dot.
    for _ in 0..dots {
        package.pop();
    }
    let rest = &imported[dots..];
    if rest.is_empty() {
        package.join(".")
    } else if package.is_empty() {
        rest.to_string()
    } else {
        format!("{}.{rest}", package.join("."))
    }
}

/// For each settings file the deployed modules star-import (directly or through other
/// settings modules), the names that every deployed module importing it replaces.
/// `read` gives a module file's text (None when it cannot be read).
pub fn overridden_settings(
    deployed: &BTreeSet<String>,
    python_paths: &[String],
    read: impl Fn(&str) -> Option<String>,
) -> BTreeMap<String, BTreeSet<String>> {
    // path → the override sets of the deployed modules that reach it.
    let mut reached: BTreeMap<String, Vec<BTreeSet<String>>> = BTreeMap::new();
    for top in deployed {
        let mut module = top.clone();
        let mut set_above: BTreeSet<String> = BTreeSet::new();
        let mut seen = BTreeSet::new();
        // Settings chains are short (production → common → base); the cap stops cycles.
        for _ in 0..6 {
            let Some(path) = module_path(&module, python_paths) else {
                break;
            };
            if !seen.insert(path.to_string()) {
                break;
            }
            if module != *top {
                reached
                    .entry(path.to_string())
                    .or_default()
                    .push(set_above.clone());
            }
            let Some(text) = read(path) else { break };
            let read = read_module(&text);
            set_above.extend(read.always_sets);
            // One star import is the layering pattern; several leave the chain as is.
            match read.star_imports.as_slice() {
                [only] => module = resolve_import(&module, only),
                _ => break,
            }
        }
    }
    reached
        .into_iter()
        .filter_map(|(path, sets)| {
            let (first, others) = sets.split_first()?;
            let common: BTreeSet<String> = first
                .iter()
                .filter(|name| others.iter().all(|s| s.contains(*name)))
                .cloned()
                .collect();
            (!common.is_empty()).then_some((path, common))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployed_modules_from_env_spellings() {
        let texts = [
            "ENV DJANGO_SETTINGS_MODULE=shop.settings.production DJANGO_DEBUG=off\n",
            "    environment:\n      DJANGO_SETTINGS_MODULE: \"shop.settings.staging\"\n",
            "  - name: DJANGO_SETTINGS_MODULE\n    value: shop.settings.k8s\n",
            "DJANGO_SETTINGS_MODULE=shop.settings.dev\n",
        ];
        let modules = deployed_modules(texts.into_iter());
        let modules: Vec<&str> = modules.iter().map(String::as_str).collect();
        assert_eq!(
            modules,
            [
                "shop.settings.k8s",
                "shop.settings.production",
                "shop.settings.staging"
            ]
        );
    }

    #[test]
    fn names_always_set_include_every_branch_of_an_if_else() {
        let module = read_module(
            "from .base import *  # noqa\nDEBUG = False\nif X:\n    SECRET_KEY = a\nelse:\n    SECRET_KEY = b\n    ONLY_ELSE = 1\nif Y:\n    EMAIL = 1\nTIMEOUT: int = 3\nif DEBUG == True:\n    pass\n",
        );
        assert_eq!(module.star_imports, [".base"]);
        let names: Vec<&str> = module.always_sets.iter().map(String::as_str).collect();
        assert_eq!(names, ["DEBUG", "SECRET_KEY", "TIMEOUT"]);
    }

    #[test]
    fn relative_imports_resolve_against_the_package() {
        assert_eq!(
            resolve_import("a.settings.prod", ".base"),
            "a.settings.base"
        );
        assert_eq!(resolve_import("a.settings.prod", "..common"), "a.common");
        assert_eq!(resolve_import("a.settings.prod", "a.base"), "a.base");
    }

    #[test]
    fn a_base_value_is_overridden_only_when_every_deployed_module_replaces_it() {
        let paths = vec![
            "src/shop/settings/base.py".to_string(),
            "src/shop/settings/production.py".to_string(),
            "src/shop/settings/staging.py".to_string(),
        ];
        let read = |path: &str| {
            Some(
                match path {
                    "src/shop/settings/production.py" => {
                        "from .base import *\nDEBUG = False\nSECRET_KEY = x\n"
                    }
                    "src/shop/settings/staging.py" => {
                        "from shop.settings.base import *\nDEBUG = False\n"
                    }
                    _ => "DEBUG = True\nSECRET_KEY = 'dev'\n",
                }
                .to_string(),
            )
        };
        let one: BTreeSet<String> = ["shop.settings.production".to_string()].into();
        let map = overridden_settings(&one, &paths, read);
        let names: Vec<&str> = map["src/shop/settings/base.py"]
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(names, ["DEBUG", "SECRET_KEY"]);
        let both: BTreeSet<String> = [
            "shop.settings.production".to_string(),
            "shop.settings.staging".to_string(),
        ]
        .into();
        let map = overridden_settings(&both, &paths, read);
        let names: Vec<&str> = map["src/shop/settings/base.py"]
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(names, ["DEBUG"]);
    }
}
