//! The one check for environment variables that switch a web framework into debug or
//! development mode, shared by DP014 (container environments in Kubernetes and compose)
//! and DF006 (Dockerfile `ENV`).

/// Is `value` a truthy switch (`1`, `true`, `yes`, `on`, any case)?
pub fn is_truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

/// What the variable `name=value` switches on, for messages; `None` when it is harmless.
/// `FLASK_DEBUG` truthy (the Werkzeug debugger and reloader), `FLASK_ENV=development`,
/// `DJANGO_DEBUG` / `DEBUG` truthy (Django and most settings modules read these).
pub fn debug_env(name: &str, value: &str) -> Option<&'static str> {
    match name {
        "FLASK_DEBUG" if is_truthy(value) => {
            Some("Flask's debug mode (the interactive Werkzeug debugger)")
        }
        "FLASK_ENV" if value.trim().eq_ignore_ascii_case("development") => {
            Some("Flask's development mode (debugger and reloader)")
        }
        "DJANGO_DEBUG" | "DEBUG" if is_truthy(value) => {
            Some("debug mode (Django `DEBUG` shows tracebacks and settings to visitors)")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_switches() {
        assert!(debug_env("FLASK_DEBUG", "1").is_some());
        assert!(debug_env("FLASK_DEBUG", "True").is_some());
        assert!(debug_env("FLASK_DEBUG", "0").is_none());
        assert!(debug_env("FLASK_ENV", "development").is_some());
        assert!(debug_env("FLASK_ENV", "production").is_none());
        assert!(debug_env("DEBUG", "true").is_some());
        assert!(debug_env("DJANGO_DEBUG", "yes").is_some());
        assert!(debug_env("DEBUG", "false").is_none());
        assert!(debug_env("LOG_LEVEL", "debug").is_none());
    }
}
