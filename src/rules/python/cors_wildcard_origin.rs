//! PY094 cors-wildcard-origin: CORS that allows every origin, without credentials
//! (read by [`super::cors`]); with credentials it is PY091's error instead.

use super::PythonFile;
use super::cors::any_origin_configs;
use crate::diagnostic::Emitter;

pub const TRIGGERS: &[&str] = super::cors::TRIGGERS;

pub fn check(file: &PythonFile, out: &mut Emitter) {
    for config in any_origin_configs(file) {
        if config.credentials {
            continue;
        }
        out.report(
            config.span,
            format!(
                "{} allows every origin: any web page can call this API from a visitor's browser and read the answers",
                config.what
            ),
        )
        .help("list the origins that may call the API, unless it is public by design");
    }
}
