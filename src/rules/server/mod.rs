//! Server rules: checks over `ServerSettings`, wherever the settings were written
//! (command lines in Dockerfiles, manifests, Procfiles and scripts, the container's
//! environment, gunicorn config modules, `uvicorn.run(...)` calls).

pub mod debug_log_level;
pub mod infinite_worker_timeout;
pub mod loopback_bind;
pub mod no_concurrency_limit;
pub mod reload_enabled;
