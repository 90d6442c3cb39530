//! PY092 env-read-in-handler: `os.environ[...]` / `os.getenv(...)` inside a request
//! handler: configuration parsed per request, which fails mid-request when it is missing.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::gate::Gate;

/// An environment read and something that makes a function a handler.
pub const TRIGGERS: Gate = Gate::Every(&[REGION, super::HANDLER_GATE]);

/// Where a finding can be: at the environment read.
pub const REGION: Gate = Gate::Any(&["environ", "getenv"]);

const ENV_CALLS: &[&str] = &[
    "os.getenv",
    "os.environ.get",
    "os.getenvb",
    "os.environb.get",
];

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    let help = "read configuration once at startup (settings module, app factory) and pass it in";
    for name in ENV_CALLS {
        for call in module.calls_to(name) {
            let Some(handler) = module.request_handler_of(call) else {
                continue;
            };
            out.report(
                call.span,
                format!(
                    "`{}(...)` reads the environment on every request to `{}`",
                    call.callee_text,
                    module.function(handler).name
                ),
            )
            .help(help);
        }
    }
    for read in &module.environ_reads {
        if read.object_qualname.as_deref() != Some("os.environ") {
            continue;
        }
        let mut next = read.function;
        let mut handler = None;
        while let Some(id) = next {
            if module.is_request_handler(id) {
                handler = Some(id);
                break;
            }
            next = module.function(id).parent;
        }
        let Some(handler) = handler else {
            continue;
        };
        out.report(
            read.span,
            format!(
                "`os.environ[...]` is read on every request to `{}` and raises `KeyError` mid-request when unset",
                module.function(handler).name
            ),
        )
        .help(help);
    }
}
