//! Deployment rules: Kubernetes workloads and compose services through the shared
//! `ContainerSpec` model, and Kubernetes manifests as a whole.

pub mod alert_without_runbook;
pub mod debug_env;
pub mod dev_server_command;
pub mod literal_secret_env;
pub mod liveness_equals_readiness;
pub mod missing_liveness_probe;
pub mod missing_readiness_probe;
pub mod missing_resources;
pub mod no_restart_policy;
pub mod privileged_container;
pub mod probe_target_mismatch;
pub mod probes;
pub mod run_as_root_allowed;
pub mod termination_grace;
pub mod tls_verify_disabled;
pub mod unpinned_image;
