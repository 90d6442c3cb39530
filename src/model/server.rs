//! `ServerSettings`: the settings of a gunicorn / uvicorn / hypercorn / flask / django
//! server, each with the span where it was written — from a command line in any artifact
//! (Dockerfile, Kubernetes) or from `gunicorn.conf.py` module-level assignments (parsed,
//! never executed). Server rules are written once against this model.

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
}

/// A setting's value as written.
#[derive(Debug, Clone, PartialEq)]
pub enum SettingValue {
    /// A flag present on a command line (`--reload`).
    Flag,
    Bool(bool),
    Int(i64),
    Text(String),
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
            SettingValue::Unknown => None,
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
    /// The command line or config file the settings came from.
    pub span: Span,
    pub settings: Vec<Setting>,
}

impl ServerSettings {
    /// The last value given for `name` (later flags win, as in the servers' own parsers).
    pub fn get(&self, name: &str) -> Option<&Setting> {
        self.settings.iter().rev().find(|s| s.name == name)
    }
}

/// Canonical setting name of a long option: `--graceful-timeout` → `graceful_timeout`.
fn canonical(option: &str) -> String {
    option.trim_start_matches('-').replace('-', "_")
}

/// The settings of a server started by `invocation`, or None when it starts no server.
pub fn from_invocation(invocation: &Invocation) -> Option<ServerSettings> {
    let server = match invocation.program {
        Program::Gunicorn => ServerKind::Gunicorn,
        Program::Uvicorn => ServerKind::Uvicorn,
        Program::Hypercorn => ServerKind::Hypercorn,
        Program::FlaskRun => ServerKind::FlaskRun,
        Program::DjangoRunserver => ServerKind::DjangoRunserver,
        _ => return None,
    };
    let settings = invocation
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
    Some(ServerSettings {
        server,
        source: SettingsSource::CommandLine,
        span: invocation.span,
        settings,
    })
}

/// gunicorn settings from a config module's module-level assignments.
pub fn from_gunicorn_conf(module: &Module, file_len: usize) -> ServerSettings {
    let settings = module
        .assignments
        .iter()
        .filter(|a| a.function.is_none() && !a.in_class && !a.augmented)
        .filter_map(|a| {
            let AssignTarget::Name(name) = &a.target else {
                return None;
            };
            let value = match &a.value {
                Literal::Bool(b) => SettingValue::Bool(*b),
                Literal::Int(i) => SettingValue::Int(*i),
                Literal::Str(s) => SettingValue::Text(s.clone()),
                _ => SettingValue::Unknown,
            };
            Some(Setting {
                name: name.clone(),
                value,
                span: a.span,
            })
        })
        .collect();
    ServerSettings {
        server: ServerKind::Gunicorn,
        source: SettingsSource::ConfigFile,
        span: Span::new(0, file_len),
        settings,
    }
}
