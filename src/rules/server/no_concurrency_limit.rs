//! SV008 no-concurrency-limit: uvicorn with no `--limit-concurrency`, and gunicorn's
//! async workers (gevent, eventlet) with no `worker_connections` of their own: excess
//! connections queue without bound instead of being refused. Off by default.

use crate::diagnostic::Emitter;
use crate::model::server::{ServerKind, ServerSettings, SettingsSource};

pub const TRIGGERS: &[&str] = &["uvicorn", "gevent", "eventlet"];

const ASYNC_WORKERS: &[&str] = &["gevent", "eventlet"];

pub fn check(settings: &ServerSettings, out: &mut Emitter) {
    match settings.server {
        ServerKind::Uvicorn => {
            if settings.get("limit_concurrency").is_some()
                || settings.get("uds").is_some()
                || settings.get("fd").is_some()
            {
                return;
            }
            out.report(
                settings.program_span,
                "uvicorn runs without `--limit-concurrency`: under overload requests pile up instead of getting a 503",
            )
            .help("add `--limit-concurrency N` sized to what one process can serve");
        }
        ServerKind::Gunicorn => {
            let Some(class) = settings.get("worker_class") else {
                return;
            };
            let Some(name) = class.value.text() else {
                return;
            };
            let lower = name.to_ascii_lowercase();
            if !ASYNC_WORKERS.iter().any(|w| lower.contains(w))
                || settings.get("worker_connections").is_some()
                // A config module named with -c may set it.
                || (settings.source == SettingsSource::CommandLine && settings.config_file().is_some())
            {
                return;
            }
            out.report(
                class.span,
                format!(
                    "gunicorn `{name}` workers with no `worker_connections`: each accepts up to 1000 concurrent connections by default"
                ),
            )
            .help("set `--worker-connections` to what one worker can really serve");
        }
        _ => {}
    }
}
