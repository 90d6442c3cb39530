//! SV002 infinite-worker-timeout: gunicorn's worker timeout set to 0, which disables
//! the arbiter's check that kills hung workers.

use crate::diagnostic::Emitter;
use crate::model::server::{ServerKind, ServerSettings};

pub const TRIGGERS: &[&str] = &["timeout", "-t"];

pub fn check(settings: &ServerSettings, out: &mut Emitter) {
    if settings.server != ServerKind::Gunicorn {
        return;
    }
    let Some(timeout) = settings.get("timeout") else {
        return;
    };
    if timeout.value.text().is_some_and(|t| t.trim() == "0") {
        out.report(
            timeout.span,
            "gunicorn worker timeout is 0: a hung worker is never killed and restarted",
        )
        .help("set a finite timeout (gunicorn's default is 30 seconds), e.g. `--timeout 60`");
    }
}
