//! The CORS configurations of a module, read once for the two CORS rules: PY091 (every
//! origin *and* credentials, an error) and PY094 (every origin, a note). Each framework's
//! spelling is read here — Starlette/FastAPI's `CORSMiddleware`, flask-cors, and
//! django-cors-headers settings — so the rules only judge the result.

use super::{PythonFile, is_dev_named, last_segment};
use crate::model::python::{Argument, AssignTarget, Call, Literal};
use crate::source::Span;

/// Words every configuration below contains: `CORSMiddleware`, `flask_cors`, `CORS(`,
/// `cross_origin`, `CORS_ALLOW_ALL_ORIGINS`.
pub const TRIGGERS: &[&str] = &["cors", "CORS", "cross_origin"];

/// One place that sets which origins may call the app.
pub struct CorsConfig {
    /// Where the origins are set (or, when a default allows every origin, the call).
    pub span: Span,
    /// Every origin is allowed.
    pub any_origin: bool,
    /// Credentials (cookies, `Authorization`) are allowed too.
    pub credentials: bool,
    /// How the configuration is written, for messages (`CORSMiddleware`, `flask-cors`).
    pub what: &'static str,
}

const FLASK_CORS: &[&str] = &[
    "flask_cors.CORS",
    "flask_cors.CORS.init_app",
    "flask_cors.cross_origin",
    "flask_cors.extension.CORS",
    "flask_cors.decorator.cross_origin",
];

/// django-cors-headers settings that allow every origin (the second is the old name).
const DJANGO_ALLOW_ALL: &[&str] = &["CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"];
const DJANGO_REGEXES: &[&str] = &["CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST"];
const DJANGO_CREDENTIALS: &str = "CORS_ALLOW_CREDENTIALS";

/// An argument's value: the literal written there, or the one its name is bound to.
fn value(argument: &Argument) -> &Literal {
    argument
        .constant
        .as_ref()
        .map_or(&argument.value, |c| &c.value)
}

fn is_true(argument: Option<&Argument>) -> bool {
    argument.is_some_and(|a| *value(a) == Literal::Bool(true))
}

/// `"*"`, or a list holding it.
fn is_wildcard(value: &Literal) -> bool {
    match value {
        Literal::Str(s) => s.trim() == "*",
        Literal::List(items) => items.iter().any(is_wildcard),
        _ => false,
    }
}

/// A regular expression every origin matches: `.*`, `^.*$`, `https?://.*`, `(.+)`.
fn is_match_all_regex(value: &Literal) -> bool {
    match value {
        Literal::Str(s) => {
            let body = s.trim().trim_start_matches('^').trim_end_matches('$');
            let body = ["(https?://)?", "https?://", "https://", "http://"]
                .iter()
                .find_map(|scheme| body.strip_prefix(scheme))
                .unwrap_or(body);
            matches!(body, ".*" | ".+" | "(.*)" | "(.+)")
        }
        Literal::List(items) => items.iter().any(is_match_all_regex),
        _ => false,
    }
}

/// Starlette's `CORSMiddleware`: `app.add_middleware(CORSMiddleware, ...)`,
/// `Middleware(CORSMiddleware, ...)`, or `CORSMiddleware(app, ...)` wrapping an app. Its
/// default allows no origin.
fn starlette(file: &PythonFile, call: &Call) -> Option<CorsConfig> {
    let callee = last_segment(call.qualname.as_deref().unwrap_or(&call.callee_text));
    let adds = (callee == "add_middleware" || callee == "Middleware")
        && call
            .positional(0)
            .and_then(|a| file.dotted_qualname(a.value_span))
            .is_some_and(|q| last_segment(&q) == "CORSMiddleware");
    if !adds && callee != "CORSMiddleware" {
        return None;
    }
    let origins = call
        .keyword("allow_origins")
        .filter(|a| is_wildcard(value(a)))
        .or_else(|| {
            call.keyword("allow_origin_regex")
                .filter(|a| is_match_all_regex(value(a)))
        })?;
    Some(CorsConfig {
        span: origins.span,
        any_origin: true,
        credentials: is_true(call.keyword("allow_credentials")),
        what: "CORSMiddleware",
    })
}

/// flask-cors `CORS(app, ...)`, `init_app`, `@cross_origin(...)`: `origins` defaults to
/// `*`, also per resource (`resources={r"/api/*": {"origins": ...}}`).
fn flask_cors(call: &Call) -> Option<CorsConfig> {
    let qualname = call.qualname.as_deref()?;
    if !FLASK_CORS.contains(&qualname) || call.has_star_kwargs {
        return None;
    }
    let origins = call.keyword("origins");
    let resource_origins = match call.keyword("resources").map(value) {
        None | Some(Literal::Str(_) | Literal::List(_)) => None,
        // Each resource's options, or the call's when it sets none.
        Some(Literal::Dict(resources)) => {
            Some(
                resources
                    .iter()
                    .any(|(_, options)| match options.get("origins") {
                        Some(own) => is_wildcard(own),
                        None => origins.is_none_or(|a| is_wildcard(value(a))),
                    }),
            )
        }
        // Resources built elsewhere: their origins cannot be known.
        Some(_) => return None,
    };
    let any_origin = match (resource_origins, origins) {
        (Some(any), _) => any,
        (None, Some(arg)) => is_wildcard(value(arg)),
        (None, None) => true,
    };
    if !any_origin {
        return None;
    }
    let credentials = is_true(call.keyword("supports_credentials"));
    let span = match (resource_origins, origins) {
        (None, Some(arg)) => arg.span,
        _ => call.callee_span,
    };
    Some(CorsConfig {
        span,
        any_origin,
        credentials,
        what: "flask-cors",
    })
}

/// django-cors-headers: `CORS_ALLOW_ALL_ORIGINS = True` (or a match-all
/// `CORS_ALLOWED_ORIGIN_REGEXES`) at module level, with `CORS_ALLOW_CREDENTIALS = True`
/// anywhere at module level. Development and test settings modules are left alone.
fn django(file: &PythonFile, out: &mut Vec<CorsConfig>) {
    if is_dev_named(&file.source.path) {
        return;
    }
    let module_level = file
        .module
        .assignments
        .iter()
        .filter(|a| a.function.is_none() && !a.in_class);
    let named = |a: &&crate::model::python::Assignment, names: &[&str]| matches!(&a.target, AssignTarget::Name(n) if names.contains(&n.as_str()));
    let credentials = module_level
        .clone()
        .rfind(|a| named(a, &[DJANGO_CREDENTIALS]))
        .is_some_and(|a| a.value == Literal::Bool(true));
    for assignment in module_level {
        let any_origin = (named(&assignment, DJANGO_ALLOW_ALL)
            && assignment.value == Literal::Bool(true))
            || (named(&assignment, DJANGO_REGEXES) && is_match_all_regex(&assignment.value));
        if any_origin {
            out.push(CorsConfig {
                span: assignment.span,
                any_origin,
                credentials,
                what: "django-cors-headers",
            });
        }
    }
}

/// Every CORS configuration of the module that allows every origin.
pub fn any_origin_configs(file: &PythonFile) -> Vec<CorsConfig> {
    let mut out: Vec<CorsConfig> = file
        .module
        .calls()
        .filter_map(|call| starlette(file, call).or_else(|| flask_cors(call)))
        .collect();
    django(file, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_all_regexes() {
        for regex in [".*", "^.*$", "https?://.*", "^https://.+$", "(.*)"] {
            assert!(is_match_all_regex(&Literal::Str(regex.into())), "{regex}");
        }
        for regex in [
            r"^https://\w+\.example\.com$",
            "https://app.example.com",
            "",
        ] {
            assert!(!is_match_all_regex(&Literal::Str(regex.into())), "{regex}");
        }
    }
}
