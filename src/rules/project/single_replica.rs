//! DP010 single-replica: a Deployment or StatefulSet with `replicas: 1` and no
//! autoscaler (HorizontalPodAutoscaler, KEDA ScaledObject) targeting it anywhere in the
//! set of manifests, and no other manifest of the same object (a kustomize overlay's
//! replicas patch) scaling it up.

use super::ProjectEmitter;
use crate::model::facts::{AutoscalerFact, ProjectFacts, WorkloadFact, same_namespace};

pub const TRIGGERS: &[&str] = &["replicas", "HorizontalPodAutoscaler", "ScaledObject"];

/// Could `autoscaler` scale `workload`? Unknown (templated) parts match anything, and a
/// missing namespace is the namespace the manifests are applied to.
fn targets(autoscaler: &AutoscalerFact, workload: &WorkloadFact) -> bool {
    let kind = autoscaler
        .target_kind
        .as_ref()
        .is_none_or(|kind| *kind == workload.kind);
    let name = match (&autoscaler.target_name, &workload.name) {
        (Some(target), Some(name)) => target == name,
        _ => true,
    };
    let namespace = same_namespace(&autoscaler.namespace, &workload.namespace);
    kind && name && namespace
}

pub fn check(facts: &ProjectFacts, out: &mut ProjectEmitter) {
    let autoscalers: Vec<&AutoscalerFact> =
        facts.kubernetes().flat_map(|k| &k.autoscalers).collect();
    let workloads: Vec<&WorkloadFact> = facts.kubernetes().flat_map(|k| &k.workloads).collect();
    for workload in &workloads {
        if workload.replicas != 1 || autoscalers.iter().any(|a| targets(a, workload)) {
            continue;
        }
        // Another manifest of the same object (a kustomize overlay's patch, an
        // environment's copy) sets more replicas: the single one is only a base's.
        let scaled_elsewhere = workloads.iter().any(|other| {
            other.kind == workload.kind
                && other.name.is_some()
                && other.name == workload.name
                && other.replicas > 1
        });
        if scaled_elsewhere {
            continue;
        }
        let name = workload.name.as_deref().unwrap_or("(templated name)");
        out.report(
            workload.anchor.clone(),
            format!(
                "{} `{name}` runs a single replica and no autoscaler targets it: every restart, node drain or rollout is an outage",
                workload.kind
            ),
        );
    }
}
