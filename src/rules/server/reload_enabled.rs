//! SV001 reload-enabled: a server's auto-reloader switched on where it ships.

use crate::diagnostic::Emitter;
use crate::model::server::{ServerSettings, SettingsSource};

/// `--reload`, `reload = True`, `UVICORN_RELOAD`.
pub const TRIGGERS: &[&str] = &["reload", "RELOAD"];

pub fn check(settings: &ServerSettings, out: &mut Emitter) {
    let Some(reload) = settings.get("reload") else {
        return;
    };
    if reload.value.is_on() != Some(true) {
        return;
    }
    let server = settings.server.name();
    let message = match settings.source {
        SettingsSource::CommandLine => {
            format!("{server} is started with `--reload`: the auto-reloader runs in production")
        }
        // `uvicorn.run(..., reload=True)` is PY020's (dev-server-call) finding.
        SettingsSource::PythonCall => return,
        SettingsSource::ConfigFile => {
            format!("{server} config sets `reload = True`: the auto-reloader runs in production")
        }
    };
    out.report(reload.span, message);
}
