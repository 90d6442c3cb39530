//! DF002 missing-healthcheck: an image that serves (EXPOSE, or a server command) with
//! no HEALTHCHECK — unless the repository runs its containers only through Kubernetes
//! manifests whose long-running containers all have probes (Kubernetes ignores the
//! image's HEALTHCHECK and uses its probes instead).

use super::ProjectEmitter;
use crate::model::facts::ProjectFacts;

/// Dockerfiles that serve say EXPOSE or name a server in CMD/ENTRYPOINT; manifests
/// with probes name them.
pub const TRIGGERS: &[&str] = &["EXPOSE", "CMD", "ENTRYPOINT", "Probe"];

pub fn check(facts: &ProjectFacts, out: &mut ProjectEmitter) {
    let kubernetes: Vec<bool> = facts
        .files
        .iter()
        .flat_map(|f| f.kubernetes_probes.iter().copied())
        .collect();
    let compose = facts.files.iter().any(|f| f.compose);
    let covered_by_probes = !kubernetes.is_empty() && kubernetes.iter().all(|&p| p) && !compose;
    if covered_by_probes {
        return;
    }
    for file in &facts.files {
        let Some(image) = &file.unchecked_image else {
            continue;
        };
        out.report(
            image.anchor.clone(),
            format!(
                "the image serves ({}) but has no HEALTHCHECK: nothing restarts it when it hangs",
                image.reason
            ),
        );
    }
}
