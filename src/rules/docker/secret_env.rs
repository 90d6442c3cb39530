//! DF007 secret-in-env-or-arg: an ENV or ARG whose name looks like a credential and
//! whose value is a literal: it is baked into the image (ENV) or its build history
//! (ARG), readable by anyone who can pull it.

use crate::diagnostic::Emitter;
use crate::lang::dockerfile::Dockerfile;

pub const TRIGGERS: &[&str] = &["PASS", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "AUTH"];

/// Words in a variable name that make it a credential.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "PRIVATEKEY",
];

/// Name parts that say the variable holds something else about the secret (where it
/// is, how long it lives, whether it is on).
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "FILE",
    "PATH",
    "DIR",
    "URL",
    "URI",
    "HOST",
    "PORT",
    "USER",
    "USERNAME",
    "NAME",
    "ID",
    "LENGTH",
    "LEN",
    "TTL",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "TIMEOUT",
    "ALGORITHM",
    "HEADER",
    "ENABLED",
    "TYPE",
    "LIFETIME",
    "AGE",
    "COUNT",
    "SIZE",
    "VERSION",
    "ENDPOINT",
    "REF",
    "ARN",
];

/// Does an environment variable named `name` hold a credential? Minimal on purpose:
/// the shared name/value classifier (SC002 / DP009) should replace it.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let parts: Vec<&str> = upper
        .split(['_', '-', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    let Some(last) = parts.last() else {
        return false;
    };
    if NOT_SECRET_SUFFIXES.contains(last) {
        return false;
    }
    let joined = parts.join("");
    parts.iter().any(|p| SECRET_WORDS.contains(p))
        || joined.contains("APIKEY")
        || joined.contains("PRIVATEKEY")
        || joined.contains("SECRETKEY")
        || joined.contains("ACCESSKEY")
        || joined.ends_with("PASSWORD")
        || joined.ends_with("TOKEN")
}

/// Is `value` a real literal (not empty, not a reference, not a placeholder)?
pub fn is_literal_secret_value(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    // `${DB_PASSWORD}` is a reference; `s3cr3t$x` is a literal with a stray `$`: what
    // counts is the literal text left once references are taken out.
    let literal_len = without_references(v).len();
    !(v.len() < 4
        || literal_len < 4
        || (v.starts_with('<') && v.ends_with('>'))
        || v.starts_with("{{")
        || v.chars().all(|c| c == 'x' || c == 'X' || c == '*')
        || lower.starts_with("your")
        || matches!(
            lower.as_str(),
            "none" | "null" | "true" | "false" | "placeholder" | "dummy" | "example" | "unset"
        ))
}

pub fn check(dockerfile: &Dockerfile, out: &mut Emitter) {
    let instructions = dockerfile
        .global_args
        .iter()
        .chain(dockerfile.stages.iter().flat_map(|s| s.instructions.iter()));
    for instruction in instructions {
        if instruction.keyword != "ENV" && instruction.keyword != "ARG" {
            continue;
        }
        for pair in instruction.pairs() {
            let Some(value) = &pair.value else { continue };
            if !is_secret_name(&pair.key.text) || !is_literal_secret_value(&value.text) {
                continue;
            }
            let where_ = if instruction.keyword == "ENV" {
                "is stored in the image: anyone who can pull it can read it"
            } else {
                "is recorded in the image's build history"
            };
            out.report(
                pair.span,
                format!(
                    "`{} {}` sets a literal credential, which {where_}",
                    instruction.keyword, pair.key.text
                ),
            )
            .secret(value.span)
            .help("pass it at run time (orchestrator secret, `--env-file`), or at build time with `RUN --mount=type=secret`");
        }
    }
}

/// `text` with `$NAME` and `${...}` references removed.
fn without_references(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'{') {
            for c in chars.by_ref() {
                if c == '}' {
                    break;
                }
            }
        } else {
            while chars
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
            {
                chars.next();
            }
        }
    }
    out
}
