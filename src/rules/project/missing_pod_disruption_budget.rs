//! DP011 missing-pod-disruption-budget: a Deployment with several replicas and no
//! PodDisruptionBudget selecting its pods anywhere in the set of manifests.

use super::ProjectEmitter;
use crate::model::facts::{BudgetFact, ProjectFacts, WorkloadFact, same_namespace};

pub const TRIGGERS: &[&str] = &["replicas", "PodDisruptionBudget"];

/// Could `budget` select the pods of `workload`? Unknown selectors or labels match.
fn selects(budget: &BudgetFact, workload: &WorkloadFact) -> bool {
    let namespace = same_namespace(&budget.namespace, &workload.namespace);
    let labels = match (&budget.match_labels, &workload.pod_labels) {
        (Some(selector), Some(labels)) => {
            !selector.is_empty()
                && selector
                    .iter()
                    .all(|(key, value)| labels.get(key) == Some(value))
        }
        _ => true,
    };
    namespace && labels
}

pub fn check(facts: &ProjectFacts, out: &mut ProjectEmitter) {
    let budgets: Vec<&BudgetFact> = facts
        .kubernetes()
        .flat_map(|k| &k.disruption_budgets)
        .collect();
    for workload in facts
        .kubernetes()
        .flat_map(|k| &k.workloads)
        .filter(|w| w.kind == "Deployment" && w.replicas > 1)
    {
        if budgets.iter().any(|b| selects(b, workload)) {
            continue;
        }
        let name = workload.name.as_deref().unwrap_or("(templated name)");
        out.report(
            workload.anchor.clone(),
            format!(
                "Deployment `{name}` has {} replicas but no PodDisruptionBudget selects its pods: a node drain may evict them all at once",
                workload.replicas
            ),
        );
    }
}
