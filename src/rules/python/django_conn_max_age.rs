//! PY071 django-conn-max-age-without-health-checks: persistent Django database
//! connections (`CONN_MAX_AGE` > 0 or `None`) without `CONN_HEALTH_CHECKS: True`, so a
//! connection the database closed is handed to the next request and fails it.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::model::python::{AssignTarget, Literal};

pub const TRIGGERS: &[&str] = &["CONN_MAX_AGE", "conn_max_age"];

const DJ_DATABASE_URL: &[&str] = &["dj_database_url.config", "dj_database_url.parse"];

fn persistent(value: &Literal) -> Option<String> {
    match value {
        Literal::Int(n) if *n > 0 => Some(n.to_string()),
        Literal::None => Some("None".to_owned()),
        _ => None,
    }
}

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    for assignment in &module.assignments {
        if assignment.function.is_some() || assignment.in_class {
            continue;
        }
        if assignment.target != AssignTarget::Name("DATABASES".into()) {
            continue;
        }
        let Literal::Dict(databases) = &assignment.value else {
            continue;
        };
        for (alias, database) in databases {
            let Some(age) = database.get("CONN_MAX_AGE").and_then(persistent) else {
                continue;
            };
            if database.get("CONN_HEALTH_CHECKS") == Some(&Literal::Bool(true)) {
                continue;
            }
            let alias = alias.as_str().unwrap_or("?");
            out.report(
                assignment.target_span,
                format!("database `{alias}` keeps connections open (`CONN_MAX_AGE = {age}`) without `CONN_HEALTH_CHECKS: True`"),
            )
            .help("add `\"CONN_HEALTH_CHECKS\": True` (Django 4.1+) so stale connections are checked before reuse");
        }
    }
    for name in DJ_DATABASE_URL {
        for call in module.calls_to(name) {
            if call.has_star_kwargs {
                continue;
            }
            let Some(age) = call.keyword("conn_max_age") else {
                continue;
            };
            let Some(age) = persistent(&age.value) else {
                continue;
            };
            if call
                .keyword("conn_health_checks")
                .is_some_and(|a| a.value == Literal::Bool(true))
            {
                continue;
            }
            out.report(
                call.callee_span,
                format!("`{}(conn_max_age={age})` keeps connections open without `conn_health_checks=True`", call.callee_text),
            )
            .help("pass `conn_health_checks=True` so stale connections are checked before reuse");
        }
    }
}
