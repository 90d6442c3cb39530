//! Facts collection: what each kind of file contributes to the project stage — the
//! servers and scripts its containers run, the dev servers and routes a Python module has,
//! the settings a gunicorn config module makes — built from the models the engine already
//! has for the file (nothing here parses or reads anything).

use crate::diagnostic::Anchor;
use crate::engine::base_dir;
use crate::model::command::Invocation;
use crate::model::container::ContainerSpec;
use crate::model::facts::{DevServerStart, GunicornConf, GunicornRun, ProbePathFact, PythonRoutes};
use crate::model::python::{Literal, Module};
use crate::model::server::{self, ServerKind, ServerSettings};
use crate::source::SourceFile;

pub(crate) fn gunicorn_conf_facts(conf: &ServerSettings) -> GunicornConf {
    let loopback_bind = conf.get("bind").and_then(|bind| {
        bind.value
            .texts()
            .into_iter()
            .find(|b| server::bind_host(b).is_some_and(server::is_loopback))
    });
    GunicornConf {
        sets: conf.settings.iter().map(|s| s.name.clone()).collect(),
        loopback_bind,
        anchor: None,
    }
}

/// Where a module starts a development server: Flask's `app.run()`, and
/// `uvicorn.run(..., reload=True)`.
pub(crate) fn dev_server_starts(file: &SourceFile, module: &Module) -> Vec<DevServerStart> {
    let flask = module.calls_to("flask.Flask.run");
    let uvicorn = module.calls_to("uvicorn.run").filter(|c| {
        c.keyword("reload")
            .is_some_and(|a| a.value == Literal::Bool(true))
    });
    flask
        .chain(uvicorn)
        .map(|call| DevServerStart {
            what: format!("{}()", call.callee_text),
            line: file.line_col(call.span.start).line,
        })
        .collect()
}

/// The last path part of an image reference, without tag or digest:
/// `gcr.io/team/orders:1.2@sha256:...` → `orders`.
pub(crate) fn image_repository_name(image: &str) -> String {
    let without_digest = image.split('@').next().unwrap_or(image);
    let name = without_digest.rsplit('/').next().unwrap_or(without_digest);
    name.split(':').next().unwrap_or(name).to_ascii_lowercase()
}

/// The facts of a gunicorn server for the project stage.
pub(crate) fn gunicorn_run(
    file: &SourceFile,
    settings: &ServerSettings,
    base_dir: &str,
) -> Option<GunicornRun> {
    (settings.server == ServerKind::Gunicorn).then(|| GunicornRun {
        anchor: Anchor::new(file, settings.program_span),
        config: settings.config_file().and_then(|c| c.value.text()),
        sets: settings.settings.iter().map(|s| s.name.clone()).collect(),
        context: settings.context,
        judged_alone: true,
        base_dir: base_dir.to_string(),
    })
}

/// The HTTP probes of `spec` aimed at the port its app server listens on, with the app
/// module the server loads — what DP003 needs to compare probe paths with routes. Silent
/// (nothing collected) whenever a link is unknown: a probe port that is a name no port
/// declares, a server port set through the environment, an app factory.
pub(crate) fn probe_paths(
    file: &SourceFile,
    spec: &ContainerSpec,
    invocation: &Invocation,
    settings: &ServerSettings,
) -> Vec<ProbePathFact> {
    use crate::model::container::ProbeAction;
    use crate::model::server::{ServerKind, SettingValue};
    let default_port = match settings.server {
        ServerKind::Gunicorn | ServerKind::Uvicorn | ServerKind::Hypercorn => 8000,
        _ => return Vec::new(),
    };
    let Some(spec_word) = invocation.app_spec() else {
        return Vec::new();
    };
    // `module:attr`; gunicorn alone defaults the attribute to `application`. Factories
    // (`create_app()`, uvicorn `--factory`) build the app at run time: unknown.
    let (module, attribute) = match spec_word.text.split_once(':') {
        Some((m, a)) => (m.to_string(), a.to_string()),
        None if settings.server == ServerKind::Gunicorn => {
            (spec_word.text.clone(), "application".to_string())
        }
        None => return Vec::new(),
    };
    let is_identifier = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    };
    if !is_identifier(&module) || !is_identifier(&attribute) || settings.get("factory").is_some() {
        return Vec::new();
    }
    // The ports the server listens on; `None` when one cannot be read.
    let mut ports: Vec<u32> = Vec::new();
    for setting in settings
        .settings
        .iter()
        .filter(|s| s.name == "bind" || s.name == "port")
    {
        let text = match &setting.value {
            SettingValue::Int(i) => i.to_string(),
            SettingValue::Text(t) => t.clone(),
            _ => return Vec::new(),
        };
        match text.rsplit(':').next().and_then(|p| p.parse::<u32>().ok()) {
            Some(port) => ports.push(port),
            None if text.starts_with("unix:") || text.starts_with("fd:") => {}
            None => return Vec::new(),
        }
    }
    if ports.is_empty() {
        ports.push(default_port);
    }
    let probes = [
        ("readinessProbe", &spec.readiness_probe),
        ("livenessProbe", &spec.liveness_probe),
        ("startupProbe", &spec.startup_probe),
    ];
    let mut out = Vec::new();
    for (name, probe) in probes {
        let Some(probe) = probe else { continue };
        let ProbeAction::Http {
            path: Some(path),
            port: Some(port),
        } = &probe.action
        else {
            continue;
        };
        let number = port.value.parse::<u32>().ok().or_else(|| {
            spec.ports
                .iter()
                .find(|p| p.name.as_deref() == Some(port.value.as_str()))
                .and_then(|p| p.number)
        });
        if !number.is_some_and(|n| ports.contains(&n)) {
            continue;
        }
        out.push(ProbePathFact {
            probe: name,
            path: path.value.clone(),
            anchor: Anchor::new(file, path.span),
            module: module.clone(),
            attribute: attribute.clone(),
            app_spec: spec_word.text.clone(),
            base_dir: base_dir(file),
        });
    }
    out
}

/// The routes a module declares, when it defines a web app at module level; `complete`
/// only when nothing outside its route decorators can add a path (see `PythonRoutes`).
pub(crate) fn python_routes(module: &Module) -> Option<PythonRoutes> {
    let apps: Vec<String> = module
        .app_objects
        .iter()
        .filter(|a| a.function.is_none())
        .map(|a| a.name.clone())
        .collect();
    if apps.is_empty() {
        return None;
    }
    // Only frameworks whose routes are all decorators in the common case.
    let decorator_routed = module.app_objects.iter().all(|a| {
        matches!(
            a.qualname.as_str(),
            "flask.Flask" | "fastapi.FastAPI" | "quart.Quart"
        )
    });
    const ROUTES_FROM_ELSEWHERE: &[&str] = &[
        "include_router",
        "register_blueprint",
        "add_url_rule",
        "add_api_route",
        "add_route",
        "mount",
        "add_middleware",
        "middleware",
        "before_request",
        "wsgi_app",
        "add_websocket_route",
        "route",
        "api_route",
    ];
    let added_by_call = module.calls().any(|call| {
        let method = call.callee_text.rsplit('.').next().unwrap_or("");
        // A route decorator is a call too; only calls that are not decorators count.
        ROUTES_FROM_ELSEWHERE.contains(&method)
            && !module
                .routes
                .iter()
                .any(|r| r.span.start <= call.span.start && call.span.end <= r.span.end)
    });
    let wraps_wsgi_app = module.assignments.iter().any(|a| {
        matches!(&a.target, crate::model::python::AssignTarget::Attribute { attr, .. } if attr == "wsgi_app")
    });
    // Every route-looking decorator produced a route (a non-literal path would not).
    const ROUTE_METHODS: &[&str] = &[
        "route",
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "api_route",
    ];
    let unread_decorator = module
        .functions
        .iter()
        .enumerate()
        .any(|(index, function)| {
            function.decorators.iter().any(|d| {
                let looks_like_route = d.call.is_some()
                    && d.qualname.as_deref().is_some_and(|q| {
                        let method = q.rsplit('.').next().unwrap_or("");
                        ROUTE_METHODS.contains(&method)
                            && (q.starts_with("flask.")
                                || q.starts_with("fastapi.")
                                || q.starts_with("quart."))
                    });
                looks_like_route && !module.routes.iter().any(|r| r.function.0 == index)
            })
        });
    Some(PythonRoutes {
        apps,
        paths: module.routes.iter().map(|r| r.path.clone()).collect(),
        complete: decorator_routed && !added_by_call && !wraps_wsgi_app && !unread_decorator,
    })
}

/// The words of `invocation` as one line (`python3 app.py`), even when they come from
/// two instructions (an ENTRYPOINT and a CMD) or span continuation lines.
pub(crate) fn command_text(containers: &[ContainerSpec], invocation: &Invocation) -> String {
    let words: Vec<&str> = containers
        .iter()
        .flat_map(ContainerSpec::command_words)
        .filter(|w| w.span.start >= invocation.span.start && w.span.end <= invocation.span.end)
        .map(|w| w.text.as_str())
        .collect();
    words.join(" ")
}
