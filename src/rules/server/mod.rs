//! Server rules: checks over `ServerSettings`, wherever the settings were written
//! (command lines in Dockerfiles and manifests, gunicorn config modules).

pub mod reload_enabled;
