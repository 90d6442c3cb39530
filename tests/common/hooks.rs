//! The `prodlint` hook of a `.pre-commit-hooks.yaml`, for the tests that check the
//! repository's hook and the mirror's against each other and run it (included with
//! `#[path = "common/hooks.rs"] mod hooks;`).

use prodlint::lang::yaml;
use std::path::Path;

/// The fields of the hook the tests read.
pub struct Hook {
    pub name: Option<String>,
    pub language: Option<String>,
    pub entry: Option<String>,
    pub types: Vec<String>,
    pub require_serial: Option<bool>,
}

/// The hook with id `prodlint` in the hooks file at `path`.
pub fn prodlint_hook(path: &Path) -> Hook {
    let text = std::fs::read_to_string(path).expect("read the hooks file");
    let stream = yaml::parse(&text);
    assert!(stream.error.is_none(), "{:?}", stream.error);
    let hooks = stream.documents[0].root.as_ref().expect("a hook list");
    let hook = hooks
        .as_seq()
        .expect("a hook list")
        .iter()
        .find(|h| h.get("id").and_then(|n| n.as_str()) == Some("prodlint"))
        .expect("a hook with id prodlint");
    let field = |key: &str| hook.get(key).and_then(|n| n.as_str()).map(str::to_owned);
    Hook {
        name: field("name"),
        language: field("language"),
        entry: field("entry"),
        types: hook
            .get("types")
            .and_then(|n| n.as_seq())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        require_serial: hook.get("require_serial").and_then(|n| n.as_bool()),
    }
}
