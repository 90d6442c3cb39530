//! PY080 tls-verify-disabled: TLS certificate or host name verification turned off:
//! `verify=False` on requests/httpx, `ssl=False` on aiohttp, `ssl.CERT_NONE`,
//! `ssl._create_unverified_context()`, `check_hostname = False` on an SSL context.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use crate::model::python::{AssignTarget, Assignment, Literal};

pub const TRIGGERS: Gate = Gate::Either(&[
    Gate::Any(&["CERT_NONE", "check_hostname", "_create_unverified_context"]),
    // Every keyword of `VERIFY_KEYWORDS` set to `False`.
    Gate::Regex {
        literals: &["verify", "ssl"],
        pattern: r"\b(?:verify|verify_ssl|ssl)\s*=\s*False",
    },
]);

const UNVERIFIED_CONTEXT: &str = "ssl._create_unverified_context";
const CERT_NONE: &[&str] = &["ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE"];

/// Library prefixes and the keyword whose `False` disables verification.
const VERIFY_KEYWORDS: &[(&str, &str)] = &[
    ("requests.", "verify"),
    ("httpx.", "verify"),
    ("aiohttp.", "ssl"),
    ("aiohttp.", "verify_ssl"),
];

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    for call in module.calls() {
        let qualname = call.qualname.as_deref().unwrap_or("");
        if qualname == UNVERIFIED_CONTEXT {
            out.report(
                call.callee_span,
                "`ssl._create_unverified_context()` accepts any certificate",
            )
            .help("use `ssl.create_default_context()` (with `cafile=` for a private CA)");
            continue;
        }
        for (prefix, keyword) in VERIFY_KEYWORDS {
            if !qualname.starts_with(prefix) {
                continue;
            }
            if let Some(arg) = call
                .keyword(keyword)
                .filter(|a| a.value == Literal::Bool(false))
            {
                out.report(
                    arg.span,
                    format!(
                        "`{keyword}=False` turns off TLS certificate verification for `{}`",
                        call.callee_text
                    ),
                )
                .help("keep verification on; point it at a CA bundle (`verify=\"/path/ca.pem\"`) for private certificates");
            }
        }
        // `cert_reqs=CERT_NONE` on a client: on a server (`server_side=True`) it only means
        // that clients need no certificate.
        let server_side = call
            .keyword("server_side")
            .is_some_and(|a| a.value == Literal::Bool(true));
        if let Some(arg) = call.keyword("cert_reqs").filter(|_| !server_side) {
            let cert_none = match &arg.value {
                Literal::Str(s) => matches!(s.as_str(), "CERT_NONE" | "NONE"),
                Literal::Other => file
                    .dotted_qualname(arg.value_span)
                    .is_some_and(|q| CERT_NONE.contains(&q.as_str())),
                _ => false,
            };
            if cert_none {
                out.report(arg.span, "`CERT_NONE` accepts any certificate")
                    .help(
                        "use `ssl.CERT_REQUIRED` (the default of `ssl.create_default_context()`)",
                    );
            }
        }
    }
    for assignment in &module.assignments {
        let value = file.dotted_qualname(assignment.value_span);
        if is_server_context(file, assignment) {
            continue;
        }
        // `self.verify_mode = ...` sets a default inside a class (a context look-alike), not
        // a context's verification.
        let verify_mode = matches!(
            &assignment.target,
            AssignTarget::Attribute { attr, object_text, .. }
                if attr == "verify_mode" && object_text != "self"
        );
        if verify_mode && value.as_deref().is_some_and(|q| CERT_NONE.contains(&q)) {
            out.report(assignment.span, "`CERT_NONE` accepts any certificate")
                .help("use `ssl.CERT_REQUIRED` (the default of `ssl.create_default_context()`)");
            continue;
        }
        if value.as_deref() == Some(UNVERIFIED_CONTEXT) {
            out.report(
                assignment.span,
                "`ssl._create_unverified_context` is installed as a context factory: nothing is verified",
            );
            continue;
        }
        if assignment.value != Literal::Bool(false) {
            continue;
        }
        if let AssignTarget::Attribute {
            object_qualname: Some(q),
            attr,
            ..
        } = &assignment.target
        {
            let ssl_context = q.starts_with("ssl.") && attr == "check_hostname";
            let session =
                (q.starts_with("requests.") || q.starts_with("httpx.")) && attr == "verify";
            if ssl_context || session {
                out.report(
                    assignment.span,
                    format!("`{attr} = False` turns off TLS verification"),
                )
                .help("keep verification on; load a private CA instead");
            }
        }
    }
}

/// Whether the object of an attribute assignment (`ctx.verify_mode = ...`) was built in the
/// same scope as a server-side context: `ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)` or
/// `ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)`. A server that does not ask
/// clients for certificates verifies nothing by design.
fn is_server_context(file: &PythonFile, assignment: &Assignment) -> bool {
    let AssignTarget::Attribute { object_text, .. } = &assignment.target else {
        return false;
    };
    let module = file.module;
    let Some(call) = module
        .assignments
        .iter()
        .rfind(|a| {
            a.function == assignment.function
                && a.span.end <= assignment.span.start
                && matches!(&a.target, AssignTarget::Name(n) if n == object_text)
        })
        .and_then(|a| a.value_call)
        .map(|id| module.call(id))
    else {
        return false;
    };
    let argument = match call.qualname.as_deref() {
        Some("ssl.SSLContext") => call.keyword("protocol").or_else(|| call.positional(0)),
        Some("ssl.create_default_context") => {
            call.keyword("purpose").or_else(|| call.positional(0))
        }
        _ => None,
    };
    argument
        .and_then(|a| file.dotted_qualname(a.value_span))
        .is_some_and(|q| q == "ssl.PROTOCOL_TLS_SERVER" || q == "ssl.Purpose.CLIENT_AUTH")
}
