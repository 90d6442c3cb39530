//! DP004 liveness-equals-readiness: liveness and readiness probes that check the same
//! thing with the same thresholds.

use crate::diagnostic::Emitter;
use crate::model::container::{ContainerSpec, ProbeAction};

pub const TRIGGERS: &[&str] = &["livenessProbe"];

pub fn check(spec: &ContainerSpec, out: &mut Emitter) {
    let (Some(liveness), Some(readiness)) = (&spec.liveness_probe, &spec.readiness_probe) else {
        return;
    };
    if matches!(liveness.action, ProbeAction::Unknown)
        || !liveness.action.same_check(&readiness.action)
        || liveness.timing != readiness.timing
        || liveness.timing.iter().any(|(_, v)| v.contains("{{"))
    {
        return;
    }
    out.report(
        liveness.key_span,
        format!(
            "livenessProbe of {} is identical to its readinessProbe: an overloaded pod is restarted instead of just taken out of rotation",
            spec.describe()
        ),
    )
    .help("make liveness cheaper and more tolerant (a process-alive endpoint, higher failureThreshold) than readiness");
}
