//! `ServerSettings`: the settings of a gunicorn / uvicorn / hypercorn / flask / django
//! server, each with the span where it was written — from a command line in any artifact
//! (Dockerfile, Kubernetes, Procfile, shell scripts), the container's environment
//! (`GUNICORN_CMD_ARGS`, `UVICORN_*`, `FLASK_RUN_HOST`, `PORT`), gunicorn config modules'
//! module-level assignments (parsed, never executed) and `uvicorn.run(...)` keyword
//! arguments. Server rules are written once against this model.

use crate::lang::shell::Word;
use crate::model::command::{Invocation, Program};
use crate::model::python::{AssignTarget, Literal, Module};
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    Gunicorn,
    Uvicorn,
    Hypercorn,
    FlaskRun,
    DjangoRunserver,
}

impl ServerKind {
    pub fn name(self) -> &'static str {
        match self {
            ServerKind::Gunicorn => "gunicorn",
            ServerKind::Uvicorn => "uvicorn",
            ServerKind::Hypercorn => "hypercorn",
            ServerKind::FlaskRun => "flask run",
            ServerKind::DjangoRunserver => "runserver",
        }
    }
}

/// Where the settings were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsSource {
    CommandLine,
    ConfigFile,
    /// `uvicorn.run(...)` in a Python module.
    PythonCall,
}

/// Where the server runs, as far as the artifact that starts it tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerContext {
    /// A container's command: Dockerfile CMD/ENTRYPOINT, Kubernetes, compose.
    Container,
    /// A Procfile process (Heroku-style platforms).
    Procfile,
    /// A shell script in the repository (a container runs it only if something says so).
    Script,
    /// A config module or a Python call: where it runs is not known here.
    Unknown,
}

/// A setting's value as written.
#[derive(Debug, Clone, PartialEq)]
pub enum SettingValue {
    /// A flag present on a command line (`--reload`).
    Flag,
    Bool(bool),
    Int(i64),
    Text(String),
    /// A list of literal strings (`bind = ["0.0.0.0:8000", "[::]:8000"]`).
    List(Vec<String>),
    /// Written, but not as a literal (`reload = DEBUG`): cannot be judged.
    Unknown,
}

impl SettingValue {
    /// Is the setting switched on? None when it cannot be told.
    pub fn is_on(&self) -> Option<bool> {
        match self {
            SettingValue::Flag => Some(true),
            SettingValue::Bool(b) => Some(*b),
            SettingValue::Int(i) => Some(*i != 0),
            SettingValue::Text(t) => match t.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Some(true),
                "false" | "0" | "no" | "off" => Some(false),
                _ => None,
            },
            SettingValue::List(_) | SettingValue::Unknown => None,
        }
    }

    /// The value as text (`Int` written as digits); None for flags, lists, unknowns.
    pub fn text(&self) -> Option<String> {
        match self {
            SettingValue::Text(t) => Some(t.clone()),
            SettingValue::Int(i) => Some(i.to_string()),
            SettingValue::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Every text the value holds (one for text, each element for a list).
    pub fn texts(&self) -> Vec<String> {
        match self {
            SettingValue::List(items) => items.clone(),
            other => other.text().into_iter().collect(),
        }
    }
}

/// One setting: its canonical name (the long option without dashes, underscores for
/// dashes: `reload`, `graceful_timeout`), its value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub name: String,
    pub value: SettingValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerSettings {
    pub server: ServerKind,
    pub source: SettingsSource,
    pub context: ServerContext,
    /// The command line or config file the settings came from.
    pub span: Span,
    /// The words naming the program (`gunicorn`, `python -m uvicorn`), for findings about
    /// something absent; the config file's first line or the call's callee otherwise.
    pub program_span: Span,
    /// Settings in the order they take effect: environment first, then the command line
    /// (so [`ServerSettings::get`] returns the one that wins).
    pub settings: Vec<Setting>,
}

impl ServerSettings {
    /// The last value given for `name` (later flags win, as in the servers' own parsers).
    pub fn get(&self, name: &str) -> Option<&Setting> {
        self.settings.iter().rev().find(|s| s.name == name)
    }

    /// Settings read from the environment come first: the command line overrides them.
    pub fn prepend(&mut self, settings: Vec<Setting>) {
        let mut all = settings;
        all.append(&mut self.settings);
        self.settings = all;
    }

    /// The gunicorn config module named with `-c`/`--config` (`python:pkg.conf` or a
    /// path), when the command line or `GUNICORN_CMD_ARGS` names one.
    pub fn config_file(&self) -> Option<&Setting> {
        (self.server == ServerKind::Gunicorn && self.source == SettingsSource::CommandLine)
            .then(|| self.get("config"))
            .flatten()
    }
}

/// Canonical setting name of a long option: `--graceful-timeout` → `graceful_timeout`.
/// gunicorn's config-module names that differ from its long options are mapped to the
/// option's name (`loglevel` → `log_level`).
fn canonical(option: &str) -> String {
    let name = option.trim_start_matches('-').replace('-', "_");
    match name.as_str() {
        "loglevel" => "log_level".to_string(),
        _ => name,
    }
}

/// The settings of a server started by `invocation`, or None when it starts no server.
pub fn from_invocation(invocation: &Invocation, context: ServerContext) -> Option<ServerSettings> {
    let server = match invocation.program {
        Program::Gunicorn => ServerKind::Gunicorn,
        Program::Uvicorn => ServerKind::Uvicorn,
        Program::Hypercorn => ServerKind::Hypercorn,
        Program::FlaskRun => ServerKind::FlaskRun,
        Program::DjangoRunserver => ServerKind::DjangoRunserver,
        _ => return None,
    };
    let mut settings: Vec<Setting> = invocation
        .options
        .iter()
        .map(|option| {
            let value = match &option.value {
                None => SettingValue::Flag,
                Some(word) => match word.text.parse::<i64>() {
                    Ok(i) => SettingValue::Int(i),
                    Err(_) => SettingValue::Text(word.text.clone()),
                },
            };
            let span = option
                .value
                .as_ref()
                .map_or(option.name_span, |v| option.name_span.cover(v.span));
            Setting {
                name: canonical(&option.name),
                value,
                span,
            }
        })
        .collect();
    // runserver's `[addrport]` positional: the address it binds.
    if server == ServerKind::DjangoRunserver
        && let Some(addrport) = invocation.positionals.first()
    {
        settings.push(Setting {
            name: "addrport".into(),
            value: SettingValue::Text(addrport.text.clone()),
            span: addrport.span,
        });
    }
    Some(ServerSettings {
        server,
        source: SettingsSource::CommandLine,
        context,
        span: invocation.span,
        program_span: invocation.program_span,
        settings,
    })
}

/// gunicorn settings from a config module's module-level assignments.
pub fn from_gunicorn_conf(
    module: &Module,
    file_len: usize,
    first_line_end: usize,
) -> ServerSettings {
    let settings = module
        .assignments
        .iter()
        .filter(|a| a.function.is_none() && !a.in_class && !a.augmented)
        .filter_map(|a| {
            let AssignTarget::Name(name) = &a.target else {
                return None;
            };
            Some(Setting {
                name: canonical(name),
                value: literal_value(&a.value),
                span: a.span,
            })
        })
        .collect();
    let first_line = Span::new(0, first_line_end);
    ServerSettings {
        server: ServerKind::Gunicorn,
        source: SettingsSource::ConfigFile,
        context: ServerContext::Unknown,
        span: Span::new(0, file_len),
        program_span: first_line,
        settings,
    }
}

fn literal_value(literal: &Literal) -> SettingValue {
    match literal {
        Literal::Bool(b) => SettingValue::Bool(*b),
        Literal::Int(i) => SettingValue::Int(*i),
        Literal::Str(s) => SettingValue::Text(s.clone()),
        Literal::List(items) => {
            let texts: Option<Vec<String>> = items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect();
            texts.map_or(SettingValue::Unknown, SettingValue::List)
        }
        _ => SettingValue::Unknown,
    }
}

/// The settings of each `uvicorn.run(app, host=..., ...)` call: its literal keyword
/// arguments. A call passing `**kwargs` may set anything, so it is left out.
pub fn from_uvicorn_calls(module: &Module) -> Vec<ServerSettings> {
    module
        .calls_to("uvicorn.run")
        .filter(|call| !call.has_star_kwargs)
        .map(|call| {
            let settings = call
                .arguments
                .iter()
                .filter_map(|arg| {
                    let name = arg.keyword.as_ref()?;
                    Some(Setting {
                        name: canonical(name),
                        value: literal_value(&arg.value),
                        span: arg.span,
                    })
                })
                .collect();
            ServerSettings {
                server: ServerKind::Uvicorn,
                source: SettingsSource::PythonCall,
                context: ServerContext::Unknown,
                span: call.span,
                program_span: call.callee_span,
                settings,
            }
        })
        .collect()
}

/// Environment variables through which a server gets its listening address.
pub const ADDRESS_ENV: &[&str] = &[
    "PORT",
    "GUNICORN_CMD_ARGS",
    "UVICORN_HOST",
    "UVICORN_UDS",
    "UVICORN_FD",
    "FLASK_RUN_HOST",
];

/// An environment variable of the server's process, with where its value was written.
pub struct EnvValue<'a> {
    pub name: &'a str,
    pub value: &'a str,
    /// The value as written in the file (quotes included when it was quoted).
    pub span: Span,
    /// The file text, to map the value's words exactly.
    pub source: &'a str,
}

/// Settings a server reads from its environment: gunicorn's `GUNICORN_CMD_ARGS` (parsed
/// like its command line) and `PORT` (gunicorn binds `0.0.0.0:$PORT` when no bind is
/// given), uvicorn's `UVICORN_*` options, `flask run`'s `FLASK_RUN_HOST`/`FLASK_RUN_PORT`.
pub fn from_environment(server: ServerKind, env: &[EnvValue]) -> Vec<Setting> {
    let mut out = Vec::new();
    for var in env {
        match (server, var.name) {
            (ServerKind::Gunicorn, "GUNICORN_CMD_ARGS") => {
                let base = exact_base(var);
                let mut words = vec![Word::new("gunicorn", var.span)];
                words.extend(
                    crate::lang::shell::split_words(var.value, base.unwrap_or(var.span.start))
                        .into_iter()
                        .map(|w| match base {
                            Some(_) => w,
                            None => Word::new(w.text, var.span),
                        }),
                );
                for invocation in crate::model::command::recognize(&words) {
                    if let Some(settings) = from_invocation(&invocation, ServerContext::Unknown) {
                        out.extend(settings.settings);
                    }
                }
            }
            (ServerKind::Gunicorn, "PORT") => out.push(Setting {
                name: "bind".into(),
                value: SettingValue::Text(format!("0.0.0.0:{}", var.value)),
                span: var.span,
            }),
            (ServerKind::Uvicorn, name) if name.starts_with("UVICORN_") => out.push(Setting {
                name: name["UVICORN_".len()..].to_ascii_lowercase(),
                value: env_value(var.value),
                span: var.span,
            }),
            (ServerKind::FlaskRun, "FLASK_RUN_HOST" | "FLASK_RUN_PORT") => out.push(Setting {
                name: var.name["FLASK_RUN_".len()..].to_ascii_lowercase(),
                value: env_value(var.value),
                span: var.span,
            }),
            _ => {}
        }
    }
    out
}

fn env_value(text: &str) -> SettingValue {
    match text.parse::<i64>() {
        Ok(i) => SettingValue::Int(i),
        Err(_) => SettingValue::Text(text.to_string()),
    }
}

/// Where the value's text starts in the file when it is written byte for byte (bare or
/// in one pair of quotes).
fn exact_base(var: &EnvValue) -> Option<usize> {
    let written = var.source.get(var.span.start..var.span.end)?;
    if written == var.value {
        return Some(var.span.start);
    }
    let quoted = written.len() == var.value.len() + 2
        && (written.starts_with('"') || written.starts_with('\''))
        && written.get(1..written.len() - 1) == Some(var.value);
    quoted.then_some(var.span.start + 1)
}

/// The host part of a bind address (`127.0.0.1:8000` → `127.0.0.1`, `[::1]:80` →
/// `::1`, `unix:/tmp/s` → None, `localhost` → `localhost`).
pub fn bind_host(bind: &str) -> Option<&str> {
    if bind.starts_with("unix:") || bind.starts_with("fd://") || bind.starts_with('/') {
        return None;
    }
    if let Some(rest) = bind.strip_prefix('[') {
        return rest.split(']').next();
    }
    Some(bind.rsplit_once(':').map_or(bind, |(host, _)| host))
}

/// A host only reachable from inside the container / machine.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim().to_ascii_lowercase();
    host == "localhost" || host == "::1" || host.starts_with("127.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::command::recognize;

    fn env<'a>(source: &'a str, name: &'a str, value: &'a str) -> EnvValue<'a> {
        let start = source.find(value).unwrap_or(0);
        let quoted = source[..start].ends_with('"');
        let span = if quoted {
            Span::new(start - 1, start + value.len() + 1)
        } else {
            Span::new(start, start + value.len())
        };
        EnvValue {
            name,
            value,
            span,
            source,
        }
    }

    #[test]
    fn gunicorn_cmd_args_are_parsed_like_the_command_line_with_exact_spans() {
        let source = r#"ENV GUNICORN_CMD_ARGS="--timeout 0 -b 127.0.0.1:9000""#;
        let value = "--timeout 0 -b 127.0.0.1:9000";
        let settings = from_environment(
            ServerKind::Gunicorn,
            &[env(source, "GUNICORN_CMD_ARGS", value)],
        );
        let timeout = settings.iter().find(|s| s.name == "timeout").unwrap();
        assert_eq!(timeout.value, SettingValue::Int(0));
        assert_eq!(&source[timeout.span.start..timeout.span.end], "--timeout 0");
        let bind = settings.iter().find(|s| s.name == "bind").unwrap();
        assert_eq!(&source[bind.span.start..bind.span.end], "-b 127.0.0.1:9000");
    }

    #[test]
    fn environment_of_each_server() {
        let source = "PORT=8080 UVICORN_HOST=0.0.0.0 FLASK_RUN_HOST=0.0.0.0";
        let port = env(source, "PORT", "8080");
        let gunicorn = from_environment(ServerKind::Gunicorn, &[port]);
        assert_eq!(gunicorn[0].name, "bind");
        assert_eq!(gunicorn[0].value.text().as_deref(), Some("0.0.0.0:8080"));
        let host = env(source, "UVICORN_HOST", "0.0.0.0");
        let uvicorn = from_environment(ServerKind::Uvicorn, std::slice::from_ref(&host));
        assert_eq!(uvicorn[0].name, "host");
        // A variable for another server is not read.
        assert!(from_environment(ServerKind::Hypercorn, &[host]).is_empty());
    }

    #[test]
    fn environment_settings_lose_to_the_command_line() {
        let words = crate::lang::shell::split_words("uvicorn app:app --host 127.0.0.1", 0);
        let invocation = &recognize(&words)[0];
        let mut settings = from_invocation(invocation, ServerContext::Container).unwrap();
        let source = "UVICORN_HOST=0.0.0.0";
        settings.prepend(from_environment(
            ServerKind::Uvicorn,
            &[env(source, "UVICORN_HOST", "0.0.0.0")],
        ));
        assert_eq!(
            settings.get("host").unwrap().value.text().as_deref(),
            Some("127.0.0.1")
        );
    }

    #[test]
    fn runserver_addrport_is_a_setting() {
        let words = crate::lang::shell::split_words("python manage.py runserver 8000", 0);
        let invocation = &recognize(&words)[0];
        let settings = from_invocation(invocation, ServerContext::Container).unwrap();
        assert_eq!(
            settings.get("addrport").unwrap().value,
            SettingValue::Text("8000".into())
        );
    }

    #[test]
    fn bind_hosts_and_loopback() {
        assert_eq!(bind_host("127.0.0.1:8000"), Some("127.0.0.1"));
        assert_eq!(bind_host("[::1]:8000"), Some("::1"));
        assert_eq!(bind_host(":8000"), Some(""));
        assert_eq!(bind_host("unix:/run/app.sock"), None);
        assert_eq!(bind_host("localhost"), Some("localhost"));
        assert!(is_loopback("127.0.0.1") && is_loopback("LOCALHOST") && is_loopback("::1"));
        assert!(!is_loopback("0.0.0.0") && !is_loopback("") && !is_loopback("::"));
    }

    #[test]
    fn gunicorn_conf_names_and_lists() {
        let text = "loglevel = 'debug'\nbind = ['127.0.0.1:8000', '[::1]:8000']\nworkers = n\n";
        let mut parser = crate::lang::python::PythonParser::new();
        let tree = parser.parse(text).unwrap();
        let module = crate::model::python::build(text, &tree);
        let conf = from_gunicorn_conf(&module, text.len(), text.find('\n').unwrap());
        assert_eq!(
            conf.get("log_level").unwrap().value.text().as_deref(),
            Some("debug")
        );
        assert_eq!(conf.get("bind").unwrap().value.texts().len(), 2);
        assert_eq!(conf.get("workers").unwrap().value, SettingValue::Unknown);
    }
}
