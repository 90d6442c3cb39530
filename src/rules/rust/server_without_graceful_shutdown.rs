//! RS005 server-without-graceful-shutdown: axum and hyper servers awaited without
//! `.with_graceful_shutdown(..)`.
//!
//! axum 0.7+ serves with `axum::serve(listener, app)`; axum ≤ 0.6 re-exported hyper 0.14's
//! `Server` (`axum::Server::bind(&addr).serve(make_service)`). Both run until the process
//! is killed unless given a shutdown signal, so a deploy cuts in-flight requests off.
//! actix-web's `HttpServer` drains on SIGTERM by default and is not flagged.

use crate::diagnostic::Emitter;
use crate::model::rust::{Call, RustFile};

pub const TRIGGERS: &[&str] = &["axum", "hyper"];

/// Functions that return a server future directly.
const SERVE_FUNCTIONS: &[&str] = &["axum::serve", "axum::serve::serve"];

/// Builders of hyper 0.14's `Server` (re-exported by axum ≤ 0.6), on whose chain
/// `.serve(make_service)` returns the server future.
const SERVER_BUILDERS: &[&str] = &[
    "hyper::Server::bind",
    "hyper::Server::try_bind",
    "hyper::Server::from_tcp",
    "hyper::Server::builder",
    "hyper::server::Server::bind",
    "hyper::server::Server::try_bind",
    "hyper::server::Server::from_tcp",
    "hyper::server::Server::builder",
    "axum::Server::bind",
    "axum::Server::try_bind",
    "axum::Server::from_tcp",
    "axum::Server::builder",
    "axum::server::Server::bind",
    "axum::server::Server::from_tcp",
    "axum::server::Server::builder",
];

const GRACEFUL: &str = "with_graceful_shutdown";

pub fn check(file: &RustFile, out: &mut Emitter) {
    for path in SERVE_FUNCTIONS {
        for call in file.calls_to(path).filter(|c| !c.in_test) {
            if awaited_without_graceful_shutdown(file, call) {
                out.report(
                    call.callee_span,
                    format!("`{path}(..)` is awaited without `.with_graceful_shutdown(..)`"),
                );
            }
        }
    }
    for serve in file.method_calls("serve").filter(|c| !c.in_test) {
        let Some(root) = file.chain_root_path(serve) else {
            continue;
        };
        if SERVER_BUILDERS.contains(&root) && awaited_without_graceful_shutdown(file, serve) {
            out.report(
                serve.callee_span,
                "hyper server is awaited without `.with_graceful_shutdown(..)`",
            );
        }
    }
}

/// The server future (`call`, or a later link of its chain) is `.await`ed before any
/// `.with_graceful_shutdown(..)`. A server stored in a variable and awaited elsewhere
/// cannot be judged and is not flagged.
fn awaited_without_graceful_shutdown(file: &RustFile, call: &Call) -> bool {
    for step in std::iter::once(call).chain(file.chain_after(call)) {
        if step.method() == Some(GRACEFUL) {
            return false;
        }
        if step.is_awaited {
            return true;
        }
    }
    false
}
