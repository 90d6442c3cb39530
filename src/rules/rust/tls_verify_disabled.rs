//! RS004 tls-verify-disabled: TLS certificate or hostname verification switched off.
//!
//! `danger_accept_invalid_certs(true)` and `danger_accept_invalid_hostnames(true)` (reqwest's
//! `ClientBuilder`, native-tls's and tokio-native-tls's `TlsConnectorBuilder`) make the
//! client trust anyone who answers. Only a literal `true` is flagged: a value read from
//! configuration is a deliberate, switchable choice.

use crate::diagnostic::Emitter;
use crate::model::rust::{Literal, RustFile};

pub const TRIGGERS: &[&str] = &["danger_accept_invalid"];

const METHODS: &[(&str, &str)] = &[
    ("danger_accept_invalid_certs", "certificate"),
    ("danger_accept_invalid_hostnames", "hostname"),
];

pub fn check(file: &RustFile, out: &mut Emitter) {
    for (method, what) in METHODS {
        for call in file
            .method_calls(method)
            .filter(|c| !c.in_test && c.arg(0) == Some(&Literal::Bool(true)))
        {
            out.report(
                call.callee_span,
                format!("`.{method}(true)` disables TLS {what} verification"),
            );
        }
    }
}
