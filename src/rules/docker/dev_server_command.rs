//! DF005 dev-server-command: the image runs a development server. The recognition of a
//! dev-server command is shared with the Kubernetes and compose rules (`dev_server`).

use crate::diagnostic::Emitter;
use crate::model::command::{Invocation, Program, recognize};
use crate::model::container::{ContainerOrigin, ContainerSpec};
use crate::model::server::{ServerContext, SettingValue, from_invocation};

pub const TRIGGERS: &[&str] = &["flask", "runserver", "http.server", "cargo", "reload"];

/// What development server `invocation` starts, if it starts one.
pub fn dev_server(invocation: &Invocation) -> Option<&'static str> {
    match invocation.program {
        Program::FlaskRun => Some("`flask run` (Werkzeug's development server)"),
        Program::DjangoRunserver => Some("Django's `runserver` development server"),
        Program::HttpServer => Some("`python -m http.server`"),
        Program::CargoRun => Some("`cargo run` (compiles at start-up)"),
        Program::Gunicorn | Program::Uvicorn | Program::Hypercorn => {
            let settings = from_invocation(invocation, ServerContext::Container)?;
            let reload = settings.get("reload")?;
            (reload.value == SettingValue::Flag)
                .then_some("a server with `--reload` (the auto-reloader)")
        }
        _ => None,
    }
}

pub fn check(spec: &ContainerSpec, out: &mut Emitter) {
    if spec.origin != ContainerOrigin::Dockerfile {
        return;
    }
    let words: Vec<_> = spec.command_words().cloned().collect();
    for invocation in recognize(&words) {
        if let Some(what) = dev_server(&invocation) {
            out.report(invocation.span, format!("the image's command runs {what}"));
        }
    }
}
