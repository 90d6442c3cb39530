//! SV004 loopback-bind-in-container: a server started as a container's process that
//! listens on 127.0.0.1 — written so, or by its default (uvicorn, hypercorn, `flask run`
//! and `runserver` bind loopback unless told otherwise) — and is unreachable from
//! outside the container. gunicorn without a bind is judged in the project stage, with
//! the config module it reads.

use crate::diagnostic::Emitter;
use crate::model::facts::ProjectFacts;
use crate::model::server::{
    ServerContext, ServerKind, ServerSettings, SettingsSource, bind_host, is_loopback,
};
use crate::rules::project::{
    ProjectEmitter, container_env_of, gunicorn_conf_of, runs_in_container,
};

pub const TRIGGERS: &[&str] = &[
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "flask",
    "runserver",
    "bind",
];

pub fn check(settings: &ServerSettings, out: &mut Emitter) {
    if settings.context != ServerContext::Container
        || settings.source != SettingsSource::CommandLine
    {
        return;
    }
    let server = settings.server.name();
    let (key, default) = match settings.server {
        ServerKind::Gunicorn | ServerKind::Hypercorn => ("bind", "127.0.0.1:8000"),
        ServerKind::Uvicorn | ServerKind::FlaskRun => ("host", "127.0.0.1"),
        ServerKind::DjangoRunserver => ("addrport", "127.0.0.1:8000"),
    };
    let written: Vec<_> = settings.settings.iter().filter(|s| s.name == key).collect();
    if written.is_empty() {
        // gunicorn reads its bind from a config module: the project stage judges it.
        if settings.server == ServerKind::Gunicorn
            || settings.get("uds").is_some()
            || settings.get("fd").is_some()
            || settings.get("config").is_some()
        {
            return;
        }
        out.report(
            settings.program_span,
            format!(
                "{server} listens on {default} by default: in a container nothing outside can reach it"
            ),
        )
        .help(help(settings.server));
        return;
    }
    // Several binds (gunicorn `-b a -b b`) listen on all of them: one reachable is enough.
    // For a host option the last one wins.
    let effective: Vec<_> = match settings.server {
        ServerKind::Gunicorn | ServerKind::Hypercorn => written,
        _ => written.into_iter().rev().take(1).collect(),
    };
    let hosts: Vec<(String, &crate::model::server::Setting)> = effective
        .iter()
        .flat_map(|s| s.value.texts().into_iter().map(move |t| (t, *s)))
        .collect();
    let loopback = |text: &str| match settings.server {
        ServerKind::Uvicorn | ServerKind::FlaskRun => is_loopback(text),
        // runserver's addrport may be a bare port: it then binds 127.0.0.1.
        ServerKind::DjangoRunserver => {
            text.chars().all(|c| c.is_ascii_digit()) || bind_host(text).is_some_and(is_loopback)
        }
        _ => bind_host(text).is_some_and(is_loopback),
    };
    if hosts.is_empty() || !hosts.iter().all(|(text, _)| loopback(text)) {
        return;
    }
    let (text, setting) = &hosts[hosts.len() - 1];
    out.report(
        setting.span,
        format!("{server} listens on `{text}` inside a container: nothing outside can reach it"),
    )
    .help(help(settings.server));
}

fn help(server: ServerKind) -> &'static str {
    match server {
        ServerKind::Gunicorn => "bind all interfaces: `--bind 0.0.0.0:8000`",
        ServerKind::Hypercorn => "bind all interfaces: `--bind 0.0.0.0:8000`",
        ServerKind::Uvicorn => "listen on all interfaces: `--host 0.0.0.0`",
        ServerKind::FlaskRun => {
            "listen on all interfaces: `--host 0.0.0.0` (and use a production server)"
        }
        ServerKind::DjangoRunserver => {
            "give the address: `runserver 0.0.0.0:8000` (and use a production server)"
        }
    }
}

/// gunicorn started in a container with no bind of its own: it binds what its config
/// module says, or 127.0.0.1:8000.
pub fn check_project(facts: &ProjectFacts, out: &mut ProjectEmitter) {
    for file in &facts.files {
        for run in &file.gunicorn_runs {
            if run.sets.iter().any(|s| s == "bind") || !runs_in_container(facts, run) {
                continue;
            }
            // A script's gunicorn reads the environment of the container that runs it.
            if run.context == ServerContext::Script
                && container_env_of(facts, &run.anchor.path)
                    .iter()
                    .any(|n| n == "PORT" || n == "GUNICORN_CMD_ARGS")
            {
                continue;
            }
            // A config module that is not in the repository may bind anything.
            let Some(conf) = gunicorn_conf_of(facts, run) else {
                continue;
            };
            let message = match conf {
                None => "gunicorn listens on 127.0.0.1:8000 by default: in a container nothing outside can reach it".to_string(),
                Some(conf) => match (&conf.loopback_bind, conf.sets.iter().any(|s| s == "bind")) {
                    (Some(bind), _) => format!(
                        "gunicorn's config binds `{bind}` and this container gives no other bind: nothing outside can reach it"
                    ),
                    (None, true) => continue,
                    (None, false) => "gunicorn listens on 127.0.0.1:8000 by default (its config sets no `bind`): in a container nothing outside can reach it".to_string(),
                },
            };
            out.report(run.anchor.clone(), message);
        }
    }
}
