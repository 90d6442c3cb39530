//! DP001 missing-readiness-probe: a long-running container without a readinessProbe.

use super::probes::{ProbeKind, require_probe};
use crate::diagnostic::Emitter;
use crate::model::container::ContainerSpec;

/// Every pod spec has a `containers:` key, every compose file `services:`; without them
/// there is nothing to check.
pub const TRIGGERS: &[&str] = &["containers", "services"];

pub fn check(spec: &ContainerSpec, out: &mut Emitter) {
    // A sidecar's pod is already gated by the main container's readiness probe.
    if spec.pod_gated_by_sibling {
        return;
    }
    // No port and no Service selecting the pod (a load generator, a queue consumer):
    // readiness gates nothing.
    if !spec.may_take_traffic {
        return;
    }
    require_probe(spec, ProbeKind::Readiness, out);
}
