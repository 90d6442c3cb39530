//! RS004 tls-verify-disabled: TLS certificate or hostname verification switched off.
//!
//! `danger_accept_invalid_certs(true)` and `danger_accept_invalid_hostnames(true)` (reqwest's
//! `ClientBuilder`, native-tls's and tokio-native-tls's `TlsConnectorBuilder`) make the
//! client trust anyone who answers. Only a literal `true` is flagged: a value read from
//! configuration is a deliberate, switchable choice. The same holds for openssl's
//! `set_verify(SslVerifyMode::NONE)` (`SSL_VERIFY_NONE` in old versions) and for a rustls
//! `ServerCertVerifier` whose `verify_server_cert` returns `ServerCertVerified::assertion()`
//! without looking at the certificate (a verifier that pins or checks something is not
//! flagged).

use crate::diagnostic::Emitter;
use crate::model::rust::{Literal, RustFile};

pub const TRIGGERS: &[&str] = &["danger_accept_invalid", "VERIFY_NONE", "verify_server_cert"];

/// openssl methods whose first argument is the verification mode.
const VERIFY_MODE_SETTERS: &[&str] = &["set_verify", "set_verify_callback"];

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
    for method in VERIFY_MODE_SETTERS {
        for call in file
            .method_calls(method)
            .filter(|c| !c.in_test && c.arg(0).is_some_and(is_verify_none))
        {
            out.report(
                call.callee_span,
                format!("`.{method}(..NONE)` turns off openssl's certificate verification"),
            );
        }
    }
    for verifier in file.trust_all_verifiers().iter().filter(|v| !v.in_test) {
        out.report(
            verifier.span,
            format!(
                "`{}` accepts every server certificate without checking it: a rustls client \
                 using it trusts anyone who answers",
                verifier.type_name
            ),
        );
    }
}

/// `SslVerifyMode::NONE`, `openssl::ssl::SslVerifyMode::NONE`, `SSL_VERIFY_NONE`.
fn is_verify_none(value: &Literal) -> bool {
    let Literal::Path(path) = value else {
        return false;
    };
    path == "SSL_VERIFY_NONE"
        || path.ends_with("::SSL_VERIFY_NONE")
        || path == "SslVerifyMode::NONE"
        || path.ends_with("::SslVerifyMode::NONE")
}
