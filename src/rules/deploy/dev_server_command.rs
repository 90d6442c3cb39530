//! DP014 dev-server-command: a deployed container runs a development server
//! (`flask run`, `manage.py runserver`, `--reload`, ...) or sets a debug-mode variable
//! (`FLASK_DEBUG=1`, `DEBUG=true`). The checks are DF005's and the shared
//! [`debug_env`](super::debug_env::debug_env), not copies.

use super::debug_env::debug_env;
use crate::diagnostic::Emitter;
use crate::model::command::recognize;
use crate::model::container::ContainerSpec;
use crate::rules::docker::dev_server_command::dev_server;

pub const TRIGGERS: &[&str] = &[
    "flask",
    "runserver",
    "http.server",
    "cargo",
    "reload",
    "DEBUG",
    "FLASK_ENV",
];

pub fn check(spec: &ContainerSpec, out: &mut Emitter) {
    if !spec.is_deployed() {
        return;
    }
    let who = spec.describe();
    let words: Vec<_> = spec.command_words().cloned().collect();
    for invocation in recognize(&words) {
        if let Some(what) = dev_server(&invocation) {
            out.report(invocation.span, format!("{who} runs {what}"))
                .help("run a production server (gunicorn, uvicorn without --reload, a release binary)");
        }
    }
    for var in &spec.env {
        // (A `${DEBUG:-1}` default is not judged here: only literal settings are.)
        let Some(value) = var.value.as_ref().filter(|_| !var.from_reference) else {
            continue;
        };
        if let Some(what) = debug_env(&var.name.value, &value.value) {
            out.report(
                value.span,
                format!("`{}` of {who} switches on {what}", var.name.value),
            )
            .help("leave debug mode off in deployed environments");
        }
    }
}
