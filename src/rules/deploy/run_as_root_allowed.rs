//! DP008 run-as-root-allowed: a Kubernetes container that may run as root, because
//! neither it nor its pod sets `runAsNonRoot: true`.

use crate::diagnostic::Emitter;
use crate::model::container::{ContainerOrigin, ContainerSpec};

pub const TRIGGERS: &[&str] = &["containers"];

pub fn check(spec: &ContainerSpec, out: &mut Emitter) {
    if !matches!(spec.origin, ContainerOrigin::Kubernetes { .. }) || spec.partially_known {
        return;
    }
    let (container, pod) = (&spec.security, &spec.pod_security);
    if container.unknown || pod.unknown {
        return;
    }
    // The container's setting wins over the pod's.
    let non_root = container
        .run_as_non_root
        .as_ref()
        .or(pod.run_as_non_root.as_ref())
        .is_some_and(|v| v.value);
    // A non-zero user id is enforced as well as runAsNonRoot would.
    let non_zero_user = container
        .run_as_user
        .as_ref()
        .or(pod.run_as_user.as_ref())
        .is_some_and(|u| u.value != 0);
    if non_root || non_zero_user {
        return;
    }
    out.report(
        spec.anchor,
        format!(
            "{} may run as root: no `runAsNonRoot: true` on it or its pod",
            spec.describe()
        ),
    )
    .help("set `securityContext.runAsNonRoot: true` (and a `runAsUser`) on the pod or container");
}
