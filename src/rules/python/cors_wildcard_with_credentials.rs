//! PY091 cors-wildcard-with-credentials: CORS that allows every origin and credentials at
//! once (Starlette/FastAPI's `CORSMiddleware`, flask-cors, django-cors-headers; read by
//! [`super::cors`]). The same wildcard without credentials is PY094's note.

use super::PythonFile;
use super::cors::any_origin_configs;
use crate::diagnostic::Emitter;

pub const TRIGGERS: &[&str] = super::cors::TRIGGERS;

pub fn check(file: &PythonFile, out: &mut Emitter) {
    for config in any_origin_configs(file) {
        if !config.credentials {
            continue;
        }
        out.report(
            config.span,
            format!(
                "{} allows every origin together with credentials: any site can make authenticated requests",
                config.what
            ),
        )
        .help("list the allowed origins explicitly");
    }
}
