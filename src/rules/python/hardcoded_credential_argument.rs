//! PY095 hardcoded-credential-argument: a literal passed as the credential parameter of a
//! known API — a JWT signing key (`jwt.encode(payload, "secret")`), an `itsdangerous`
//! key, AWS keys to boto3, a password to an auth helper, an SMTP/IMAP/FTP login or a
//! client, the password of `auth=(user, password)` — directly or through a name whose one
//! binding is a literal (`KEY = "..."; jwt.encode(payload, KEY)`).
//!
//! A literal keyword argument whose keyword itself says "secret"
//! (`boto3.client(aws_secret_access_key="...")`) is SC002's finding; this rule adds the
//! positional spellings, the parameters whose keyword says nothing (`key=`), and the
//! literals that reach the parameter through a name. The table is data
//! (`rules/python/credential-arguments.toml`).

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::gate::Gate;
use crate::mask;
use crate::model::python::{Argument, Call, Literal};
use crate::rules::secrets::secret_names::is_secret_name;
use crate::source::Span;
use serde::Deserialize;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../rules/python/credential-arguments.toml");

/// A word of every callable of the table (tested below).
pub const TRIGGERS: Gate = Gate::Any(WORDS);

const WORDS: &[&str] = &[
    "jwt",
    "jose",
    "itsdangerous",
    "boto3",
    "BasicAuth",
    "DigestAuth",
    "ProxyAuth",
    "smtplib",
    "imaplib",
    "ftplib",
    "paramiko",
    "Redis",
    "ldap3",
    // `requests.get(url, auth=("user", "..."))`
    "auth=",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    pub names: Vec<String>,
    pub keyword: String,
    pub position: Option<usize>,
    pub element: Option<usize>,
    pub what: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    parameter: Vec<Parameter>,
}

pub fn table() -> &'static [Parameter] {
    static DATA: OnceLock<Vec<Parameter>> = OnceLock::new();
    DATA.get_or_init(|| {
        toml::from_str::<Table>(TABLE)
            .expect("credential-arguments.toml is valid")
            .parameter
    })
}

fn names_call(parameter: &Parameter, qualname: &str) -> bool {
    parameter
        .names
        .iter()
        .any(|name| match name.strip_suffix(".*") {
            Some(prefix) => qualname
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('.')),
            None => name == qualname,
        })
}

/// A string written in the call, or reached through a constant: its text, where it is
/// written, and whether that is inside this call.
struct Found<'a> {
    value: &'a str,
    span: Span,
    through_name: bool,
}

fn credential<'a>(call: &'a Call, parameter: &Parameter) -> Option<(&'a Argument, Found<'a>)> {
    let argument = call
        .keyword(&parameter.keyword)
        .or_else(|| parameter.position.and_then(|p| call.positional(p)))?;
    let (literal, span, through_name) = match &argument.constant {
        Some(constant) => (&constant.value, constant.value_span, true),
        None => (&argument.value, argument.value_span, false),
    };
    let value = match (parameter.element, literal) {
        (None, Literal::Str(s)) => s.as_str(),
        // `auth=("svc", "...")`: a user name that is not written down either
        // (`(token, "x-oauth-basic")`) makes the literal a fixed protocol word.
        (Some(index), Literal::List(items))
            if items.len() > index && items.iter().all(|item| item.as_str().is_some()) =>
        {
            items[index].as_str()?
        }
        _ => return None,
    };
    // A tuple's element has no span of its own in the model: point at the tuple.
    Some((
        argument,
        Found {
            value,
            span,
            through_name,
        },
    ))
}

/// Not a credential: nothing, or a reference to one (`"${JWT_KEY}"`, `"{{ key }}"`).
fn is_empty_or_reference(value: &str) -> bool {
    let value = value.trim();
    value.is_empty() || value.starts_with('$') || value.contains("${") || value.contains("{{")
}

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    for call in module.calls() {
        let Some(qualname) = call.qualname.as_deref() else {
            continue;
        };
        for parameter in table() {
            if !names_call(parameter, qualname) {
                continue;
            }
            let Some((argument, found)) = credential(call, parameter) else {
                continue;
            };
            if is_empty_or_reference(found.value) {
                continue;
            }
            // SC002 reports `aws_secret_access_key="..."` itself.
            let keyword_says_secret = argument.keyword.as_deref().is_some_and(is_secret_name);
            if keyword_says_secret && !found.through_name && parameter.element.is_none() {
                continue;
            }
            let shown = mask::mask(found.value);
            let finding = if found.through_name {
                out.report(
                    argument.value_span,
                    format!(
                        "`{}` is given a {} written in the code: `{}` is bound to a literal (`{shown}`)",
                        call.callee_text,
                        parameter.what,
                        file.text(argument.value_span),
                    ),
                )
            } else {
                out.report(
                    argument.value_span,
                    format!(
                        "`{}` is given a literal {} (`{shown}`)",
                        call.callee_text, parameter.what
                    ),
                )
            };
            finding
                .help("read it at startup from the environment or a secret store (`os.environ[\"...\"]`), and rotate the one that was written down")
                .secret(crate::model::named::inside_quotes(&file.source.text, found.span));
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_and_every_callable_is_gated() {
        assert!(table().len() > 5);
        for parameter in table() {
            for name in &parameter.names {
                let call = match name.strip_suffix(".*") {
                    Some(prefix) => format!("{prefix}.get(u, {}=(a, b))", parameter.keyword),
                    None => format!("{name}(a, b)"),
                };
                assert!(
                    WORDS.iter().any(|w| call.contains(w)),
                    "{name} is not gated"
                );
            }
        }
    }
}
