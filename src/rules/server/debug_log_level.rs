//! SV003 debug-log-level: a server's own log level set to `debug` or `trace`.

use crate::diagnostic::Emitter;
use crate::model::server::ServerSettings;

pub const TRIGGERS: &[&str] = &["log-level", "log_level", "loglevel", "LOG_LEVEL"];

pub fn check(settings: &ServerSettings, out: &mut Emitter) {
    let Some(level) = settings.get("log_level") else {
        return;
    };
    let Some(text) = level.value.text() else {
        return;
    };
    let text = text.trim().to_ascii_lowercase();
    if text == "debug" || text == "trace" {
        out.report(
            level.span,
            format!(
                "{} logs at `{text}` level: verbose output, request details included, at production volume",
                settings.server.name()
            ),
        )
        .help("use `info` (or `warning`) where it ships");
    }
}
