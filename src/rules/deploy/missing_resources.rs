//! DP005 missing-resources: a container with no memory limit, or (Kubernetes) no cpu
//! and memory requests.

use crate::diagnostic::Emitter;
use crate::model::container::{ContainerOrigin, ContainerSpec};

pub const TRIGGERS: &[&str] = &["containers", "services"];

pub fn check(spec: &ContainerSpec, out: &mut Emitter) {
    if !spec.is_deployed()
        || spec.in_local_stack()
        || spec.resources.unknown
        || spec.partially_known
    {
        return;
    }
    // An init container runs before the pod's containers, never beside them, and is
    // done in a moment (a wait for a dependency, a config rewrite): where the pod's
    // containers are sized, so is the pod.
    if matches!(spec.origin, ContainerOrigin::Kubernetes { init: true, .. })
        && spec.pod_containers_sized
    {
        return;
    }
    let resources = &spec.resources;
    let kubernetes = matches!(spec.origin, ContainerOrigin::Kubernetes { .. });
    let mut missing = Vec::new();
    if resources.limits_memory.is_none() {
        missing.push("memory limit");
    }
    // Compose (outside swarm) schedules nothing: reservations mean little there.
    if kubernetes {
        if resources.requests_cpu.is_none() && resources.requests_memory.is_none() {
            missing.push("cpu or memory requests");
        } else if resources.requests_cpu.is_none() {
            // A missing memory request defaults to the memory limit; a cpu one to
            // the cpu limit, which is rarely set.
            missing.push("cpu request");
        }
    }
    if missing.is_empty() {
        return;
    }
    let span = resources.key_span.unwrap_or(spec.anchor);
    let help = if kubernetes {
        "set `resources.requests` (cpu, memory) from observed usage and `resources.limits.memory`"
    } else {
        "set `deploy.resources.limits.memory` (or `mem_limit`)"
    };
    out.report(
        span,
        format!("{} has no {}", spec.describe(), missing.join(", no ")),
    )
    .help(help);
}
