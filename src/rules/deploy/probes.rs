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

/// Reports a long-running Kubernetes container that lacks the probe, at its name.
pub fn require_probe(spec: &ContainerSpec, kind: ProbeKind, out: &mut Emitter) {
    let ContainerOrigin::Kubernetes { workload_kind, .. } = &spec.origin else {
        return;
    };
    if spec.is_run_to_completion() || kind.of(spec).is_some() {
        return;
    }
    let name = spec.name.as_deref().unwrap_or("(unnamed)");
    out.report(
        spec.anchor,
        format!(
            "container `{name}` of {workload_kind} has no {}",
            kind.key()
        ),
    );
}
