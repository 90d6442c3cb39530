//! DP012 termination-grace-too-short: the platform kills the container before its server
//! can finish in-flight requests — a grace period of 0, or one shorter than the graceful
//! timeout the container's server is started with.

use crate::diagnostic::Emitter;
use crate::model::command::recognize;
use crate::model::container::{ContainerOrigin, ContainerSpec};
use crate::model::server::{ServerContext, ServerKind, SettingValue, from_invocation};

pub const TRIGGERS: &[&str] = &[
    "terminationGracePeriodSeconds",
    "stop_grace_period",
    "graceful",
];

/// Kubernetes waits 30 s after SIGTERM by default; compose (docker) 10 s.
fn platform_default(spec: &ContainerSpec) -> i64 {
    match spec.origin {
        ContainerOrigin::Compose { .. } => 10,
        _ => 30,
    }
}

pub fn check(spec: &ContainerSpec, out: &mut Emitter) {
    if !spec.is_deployed() {
        return;
    }
    let who = spec.describe();
    if let Some(grace) = spec.stop_grace_seconds.as_ref().filter(|g| g.value == 0) {
        out.report(
            grace.span,
            format!("{who} is killed at once on shutdown (grace period 0): in-flight requests are cut off"),
        )
        .help("give the server time to drain: at least its graceful timeout plus a few seconds");
        return;
    }
    let grace = spec
        .stop_grace_seconds
        .as_ref()
        .map_or(platform_default(spec), |g| g.value);
    let words: Vec<_> = spec.command_words().cloned().collect();
    for invocation in recognize(&words) {
        let Some(settings) = from_invocation(&invocation, ServerContext::Container) else {
            continue;
        };
        let option = match settings.server {
            ServerKind::Gunicorn => "graceful_timeout",
            ServerKind::Uvicorn => "timeout_graceful_shutdown",
            _ => continue,
        };
        // Only a timeout written on the command line is compared: the servers' defaults
        // (gunicorn 30 s) fit Kubernetes' default grace period.
        let Some(setting) = settings.get(option) else {
            continue;
        };
        let SettingValue::Int(timeout) = setting.value else {
            continue;
        };
        if timeout <= grace {
            continue;
        }
        let granted = match &spec.stop_grace_seconds {
            Some(_) => format!("its grace period is {grace}s"),
            None => format!("the default grace period is {grace}s"),
        };
        let span = spec
            .stop_grace_seconds
            .as_ref()
            .map_or(setting.span, |g| g.span);
        out.report(
            span,
            format!(
                "{who}: {} waits up to {timeout}s for requests to finish, but {granted}: it is killed mid-request",
                settings.server.name()
            ),
        )
        .help("make the grace period longer than the server's graceful timeout");
    }
}
