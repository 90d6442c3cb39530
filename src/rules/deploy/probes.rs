//! The one implementation behind every "probe is missing" rule: the rules differ only in
//! which probe they ask for.

use crate::diagnostic::Emitter;
use crate::model::container::{ContainerOrigin, ContainerSpec, Probe};

/// Which probe a rule requires.
#[derive(Clone, Copy)]
pub enum ProbeKind {
    Readiness,
    Liveness,
}

impl ProbeKind {
    fn key(self) -> &'static str {
        match self {
            ProbeKind::Readiness => "readinessProbe",
            ProbeKind::Liveness => "livenessProbe",
        }
    }

    fn of(self, spec: &ContainerSpec) -> Option<&Probe> {
        match self {
            ProbeKind::Readiness => spec.readiness_probe.as_ref(),
            ProbeKind::Liveness => spec.liveness_probe.as_ref(),
        }
    }
}

/// Reports a long-running container that lacks the probe, at its name (Kubernetes) or
/// service key (compose). Compose has one signal, `healthcheck:`, read as the readiness
/// probe; it has no liveness probe to ask for.
pub fn require_probe(spec: &ContainerSpec, kind: ProbeKind, out: &mut Emitter) {
    let compose = match &spec.origin {
        ContainerOrigin::Kubernetes { .. } => false,
        ContainerOrigin::Compose { .. } => match kind {
            ProbeKind::Readiness => true,
            ProbeKind::Liveness => return,
        },
        ContainerOrigin::Dockerfile => return,
    };
    if spec.is_run_to_completion()
        || kind.of(spec).is_some()
        || spec.partially_known
        || spec.in_local_stack()
    {
        return;
    }
    if compose {
        out.report(
            spec.anchor,
            format!(
                "{} has no `healthcheck:`: dependents start before it can serve",
                spec.describe()
            ),
        )
        .help("add a `healthcheck:` (`test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/readyz\"]`) and have dependents wait with `condition: service_healthy`");
        return;
    }
    out.report(
        spec.anchor,
        format!("{} has no {}", spec.describe(), kind.key()),
    );
}
