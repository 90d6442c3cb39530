//! Deployment rules: Kubernetes workloads (and, later, compose services) through the
//! shared `ContainerSpec` model.

pub mod missing_liveness_probe;
pub mod missing_readiness_probe;
pub mod probes;
