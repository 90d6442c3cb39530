//! PY080 tls-verify-disabled: TLS certificate or host name verification turned off, in the
//! spellings of the common clients (see the rule doc):
//! `verify=False` on requests/httpx, `ssl=False` on aiohttp, `ssl.CERT_NONE`,
//! `ssl._create_unverified_context()`, `check_hostname = False` on an SSL context.

use super::{PythonFile, last_segment};
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use crate::model::python::{Argument, AssignTarget, Assignment, Call, Literal};
use crate::source::Span;

pub const TRIGGERS: Gate = Gate::Either(&[
    Gate::Any(&[
        "CERT_NONE",
        "check_hostname",
        "_create_unverified_context",
        "wrap_socket",
        "VERIFY_NONE",
        "tlsInsecure",
        "tlsAllowInvalid",
        "AutoAddPolicy",
        "WarningPolicy",
    ]),
    // A verification keyword (or attribute) set to `False`, directly or through a name:
    // `verify=False`, `verify_ssl = False`, `ssl=VERIFY`.
    Gate::Regex {
        literals: &["verify", "ssl", "validate_cert", "assert_hostname"],
        pattern: r"\b(?:verify|verify_ssl|ssl_verify|verify_certs|verify_tls|tls_verify|validate_certs?|assert_hostname|ssl)\s*=\s*(?:False|[A-Za-z_]\w*\s*[,)\n])",
    },
]);

const UNVERIFIED_CONTEXT: &str = "ssl._create_unverified_context";
const CERT_NONE: &[&str] = &["ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE"];
const OPENSSL_VERIFY_NONE: &[&str] = &["OpenSSL.SSL.VERIFY_NONE"];

/// Keywords that name TLS verification whatever the library, and the value that turns it
/// off: `verify_ssl=False` (aiohttp, kubernetes), `verify_certs=False` (elasticsearch),
/// `validate_cert=False` (tornado), `assert_hostname=False` (urllib3),
/// `tlsAllowInvalidCertificates=True` (pymongo).
const VERIFICATION_KEYWORDS: &[(&str, bool)] = &[
    ("verify_ssl", false),
    ("ssl_verify", false),
    ("verify_certs", false),
    ("verify_tls", false),
    ("tls_verify", false),
    ("validate_cert", false),
    ("validate_certs", false),
    ("assert_hostname", false),
    ("check_hostname", false),
    ("tlsAllowInvalidCertificates", true),
    ("tlsAllowInvalidHostnames", true),
    ("tlsInsecure", true),
];

/// Libraries whose `verify=False` is TLS verification (PyJWT's is signature verification,
/// and in numeric libraries it is something else again).
const VERIFY_LIBRARIES: &[&str] = &[
    "requests.",
    "httpx.",
    "boto3.",
    "botocore.",
    "aiobotocore.",
    "hvac.",
    "zeep.",
    "gitlab.",
    "jenkins.",
    "jira.",
    "openai.",
    "anthropic.",
    "elasticsearch.",
    "opensearchpy.",
    "docker.",
    "pip.",
    "urllib3.",
];

/// Calls whose `verify=False` (or aiohttp's `ssl=False`) is an HTTP request's whatever the
/// receiver: `self.session.get(url, verify=False)`.
const HTTP_METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "request",
    "send",
    "stream",
    "fetch",
    "urlopen",
    "ws_connect",
    "Session",
    "Client",
    "AsyncClient",
    "TCPConnector",
];

/// `cert_reqs=` (ssl, urllib3), `ssl_cert_reqs=` (redis, pymongo): `ssl.CERT_NONE` or its
/// string spellings.
const CERT_REQS_KEYS: &[&str] = &["cert_reqs", "ssl_cert_reqs"];

/// An argument's value: the literal written there, or the one its name is bound to.
fn value(argument: &Argument) -> &Literal {
    argument
        .constant
        .as_ref()
        .map_or(&argument.value, |c| &c.value)
}

/// Whether a value (written as `span`) is `CERT_NONE`: `ssl.CERT_NONE` however imported, or
/// the strings urllib3 and redis take (`"CERT_NONE"`, `"none"`).
fn is_cert_none(file: &PythonFile, literal: &Literal, span: Span) -> bool {
    match literal {
        Literal::Str(s) => matches!(s.to_ascii_uppercase().as_str(), "CERT_NONE" | "NONE"),
        Literal::Other => file
            .dotted_qualname(span)
            .is_some_and(|q| CERT_NONE.contains(&q.as_str())),
        _ => false,
    }
}

/// Why a keyword argument of `call` turns verification off, if it does.
fn disabling_keyword(file: &PythonFile, call: &Call, argument: &Argument) -> Option<String> {
    let keyword = argument.keyword.as_deref()?;
    let qualname = call.qualname.as_deref().unwrap_or("");
    let method = last_segment(&call.callee_text);
    let http_call = HTTP_METHODS.contains(&method);
    let literal = value(argument);
    let off = |disabling: bool| *literal == Literal::Bool(disabling);
    let disables = match keyword {
        "verify" => {
            off(false)
                && !qualname.starts_with("jwt.")
                && (VERIFY_LIBRARIES.iter().any(|l| qualname.starts_with(l))
                    || http_call
                    || qualname.starts_with("aiohttp."))
        }
        // aiohttp's `ssl=False`; elsewhere (asyncpg, redis, smtplib) it means plain text.
        "ssl" => {
            off(false)
                && (qualname.starts_with("aiohttp.")
                    || (call.qualname.is_none()
                        && http_call
                        && file.module.imports_module("aiohttp")))
        }
        _ => VERIFICATION_KEYWORDS
            .iter()
            .any(|(k, disabling)| *k == keyword && off(*disabling)),
    };
    disables.then(|| {
        let shown = file.text(argument.value_span);
        format!(
            "`{keyword}={shown}` turns off TLS certificate verification for `{}`",
            call.callee_text
        )
    })
}

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
        for argument in &call.arguments {
            if let Some(message) = disabling_keyword(file, call, argument) {
                out.report(argument.span, message)
                    .help("keep verification on; point it at a CA bundle (`verify=\"/path/ca.pem\"`) for private certificates");
            }
        }
        // `cert_reqs=CERT_NONE` on a client: on a server (`server_side=True`) it only means
        // that clients need no certificate. `ssl.wrap_socket` without it is the same.
        let server_side = call
            .keyword("server_side")
            .is_some_and(|a| a.value == Literal::Bool(true));
        if server_side {
            continue;
        }
        let cert_reqs = CERT_REQS_KEYS.iter().find_map(|k| call.keyword(k));
        if let Some(arg) = cert_reqs {
            let (literal, span) = match &arg.constant {
                Some(constant) => (&constant.value, constant.value_span),
                None => (&arg.value, arg.value_span),
            };
            if is_cert_none(file, literal, span) {
                out.report(arg.span, "`CERT_NONE` accepts any certificate")
                    .help(
                        "use `ssl.CERT_REQUIRED` (the default of `ssl.create_default_context()`)",
                    );
            }
        } else if qualname == "ssl.wrap_socket" && !call.has_star_kwargs {
            out.report(
                call.callee_span,
                "`ssl.wrap_socket()` without `cert_reqs=` verifies no certificate (its default is `CERT_NONE`)",
            )
            .help("use `ssl.create_default_context().wrap_socket(sock, server_hostname=...)`");
        }
        // paramiko: a missing host key policy that accepts any server key, the SSH
        // counterpart of `CERT_NONE` (`AutoAddPolicy`, `WarningPolicy`, class or instance).
        if last_segment(&call.callee_text) == "set_missing_host_key_policy"
            && let Some(policy) = call.positional(0).or_else(|| call.keyword("policy"))
        {
            let written = file.text(policy.value_span);
            let written = written.strip_suffix("()").unwrap_or(written);
            if file
                .dotted_qualname(Span::new(
                    policy.value_span.start,
                    policy.value_span.start + written.len(),
                ))
                .is_some_and(|q| {
                    q.starts_with("paramiko.")
                        && matches!(last_segment(&q), "AutoAddPolicy" | "WarningPolicy")
                })
            {
                out.report(
                    policy.span,
                    format!("`{written}` accepts any SSH host key: the server is never verified"),
                )
                .help(
                    "load known hosts (`client.load_system_host_keys()`) and keep `RejectPolicy`",
                );
            }
        }
        // pyOpenSSL: `context.set_verify(SSL.VERIFY_NONE, ...)`.
        if last_segment(&call.callee_text) == "set_verify"
            && call
                .positional(0)
                .and_then(|a| file.dotted_qualname(a.value_span))
                .is_some_and(|q| OPENSSL_VERIFY_NONE.contains(&q.as_str()))
        {
            out.report(
                call.span,
                "`set_verify(VERIFY_NONE)` accepts any certificate",
            )
            .help("use `SSL.VERIFY_PEER` and load the CA certificates");
        }
    }
    // `{"cert_reqs": ssl.CERT_NONE}` option dicts (websocket-client's `sslopt`, tornado's
    // `ssl_options`, SQLAlchemy `connect_args`).
    for entry in &module.dict_entries {
        if CERT_REQS_KEYS.contains(&entry.key.as_str())
            && is_cert_none(file, &entry.value, entry.value_span)
        {
            out.report(
                Span::new(entry.key_span.start, entry.value_span.end),
                "`CERT_NONE` accepts any certificate",
            )
            .help("use `ssl.CERT_REQUIRED`");
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
            object_qualname,
            object_text,
            attr,
        } = &assignment.target
        {
            let q = object_qualname.as_deref().unwrap_or("");
            let receiver = last_segment(object_text).to_ascii_lowercase();
            let ssl_context = q.starts_with("ssl.") && attr == "check_hostname";
            // `session.verify = False` on a requests/httpx session, or on anything named
            // like one (`self.session`, `api_client`).
            let session = attr == "verify"
                && (q.starts_with("requests.")
                    || q.starts_with("httpx.")
                    || (object_qualname.is_none()
                        && (receiver.contains("session") || receiver.contains("client"))));
            // `configuration.verify_ssl = False` (kubernetes, OpenAPI-generated clients).
            let named = attr == "verify_ssl" && object_text != "self";
            if ssl_context || session || named {
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
