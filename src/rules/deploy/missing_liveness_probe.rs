//! DP002 missing-liveness-probe: a long-running container without a livenessProbe.

use super::probes::{ProbeKind, require_probe};
use crate::diagnostic::Emitter;
use crate::model::container::ContainerSpec;

pub const TRIGGERS: &[&str] = &["containers"];

pub fn check(spec: &ContainerSpec, out: &mut Emitter) {
    require_probe(spec, ProbeKind::Liveness, out);
}
