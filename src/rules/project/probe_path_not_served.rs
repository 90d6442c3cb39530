//! DP003's cross-file half: an HTTP probe aimed at the app server's port whose path the
//! Python app never serves — the probe gets 404, so the pod is never ready (readiness) or
//! is restarted forever (liveness).
//!
//! Judged only when every link is known: the container runs gunicorn/uvicorn/hypercorn on
//! `module:app`, the probe's port is the server's, the module is in the repository, it
//! defines that app at module level, and its routes are complete (no routers, blueprints,
//! mounts, URL rules added by call, or middleware that could answer first).

use super::{ProjectEmitter, resolve_python_module};
use crate::model::facts::ProjectFacts;

pub fn check(facts: &ProjectFacts, out: &mut ProjectEmitter) {
    for file in &facts.files {
        for probe in &file.probe_paths {
            let Some(module) =
                resolve_python_module(facts, &probe.module, "__init__.py", &probe.base_dir)
            else {
                continue;
            };
            let Some(routes) = &module.python_routes else {
                continue;
            };
            if !routes.complete || !routes.apps.contains(&probe.attribute) {
                continue;
            }
            if routes
                .paths
                .iter()
                .any(|route| path_matches(route, &probe.path))
            {
                continue;
            }
            let consequence = match probe.probe {
                "livenessProbe" => "the container is restarted over and over",
                "startupProbe" => "the container never finishes starting",
                _ => "the pod never becomes ready",
            };
            let mut served: Vec<&str> = routes.paths.iter().map(String::as_str).collect();
            served.sort_unstable();
            served.dedup();
            let listed = if served.len() > 6 {
                format!("{}, …", served[..6].join(", "))
            } else {
                served.join(", ")
            };
            out.report(
                probe.anchor.clone(),
                format!(
                    "{} checks `{}`, which `{}` ({}) does not serve (it serves {}): the probe gets 404 and {consequence}",
                    probe.probe, probe.path, probe.app_spec, module.path, listed
                ),
            );
        }
    }
}

/// Does a route pattern serve `path`? Parameters (`{id}`, `<int:id>`) match one
/// segment, path parameters (`{p:path}`, `<path:p>`) the rest; trailing slashes and the
/// query string do not matter (frameworks redirect, and Kubernetes counts a redirect as
/// success).
pub fn path_matches(route: &str, path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let route_parts: Vec<&str> = route.split('/').filter(|p| !p.is_empty()).collect();
    let path_parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    for (i, part) in route_parts.iter().enumerate() {
        let is_param = (part.starts_with('{') && part.ends_with('}'))
            || (part.starts_with('<') && part.ends_with('>'));
        let takes_rest = is_param && (part.contains(":path") || part.starts_with("<path:"));
        if takes_rest {
            return path_parts.len() > i;
        }
        match path_parts.get(i) {
            Some(_) if is_param => {}
            Some(segment) if segment == part => {}
            _ => return false,
        }
    }
    route_parts.len() == path_parts.len()
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn routes_match_paths() {
        assert!(path_matches("/healthz", "/healthz"));
        assert!(path_matches("/healthz/", "/healthz"));
        assert!(path_matches("/", "/"));
        assert!(path_matches("/health", "/health?full=1"));
        assert!(path_matches("/items/{id}", "/items/7"));
        assert!(path_matches("/users/<int:uid>", "/users/3"));
        assert!(path_matches("/files/{p:path}", "/files/a/b"));
        assert!(!path_matches("/healthz", "/readyz"));
        assert!(!path_matches("/items/{id}", "/items"));
        assert!(!path_matches("/", "/health"));
    }
}
