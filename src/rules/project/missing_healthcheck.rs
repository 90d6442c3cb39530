//! DF002 missing-healthcheck: an image that serves (EXPOSE, or a server command) with
//! no HEALTHCHECK, where a runtime that acts on it runs the image — unless each such
//! deployment (a compose service) checks its health itself. Kubernetes ignores an image's
//! HEALTHCHECK and uses its probes, so images only Kubernetes runs are DP001's to judge.

use super::ProjectEmitter;
use crate::model::facts::ProjectFacts;

/// Dockerfiles that serve say EXPOSE or name a server in CMD/ENTRYPOINT.
pub const TRIGGERS: &[&str] = &["EXPOSE", "CMD", "ENTRYPOINT"];

pub fn check(facts: &ProjectFacts, out: &mut ProjectEmitter) {
    let compose = facts.files.iter().any(|f| f.compose);
    let kubernetes = facts.files.iter().any(|f| f.kubernetes_containers);
    for file in &facts.files {
        let Some(image) = &file.unchecked_image else {
            continue;
        };
        let covered = if image.runs.is_empty() {
            // No deployment names the image: a repository that runs its containers only
            // through Kubernetes runs this one there too.
            kubernetes && !compose
        } else {
            // Every deployment that would act on a HEALTHCHECK checks health itself
            // (none does when only Kubernetes runs the image).
            image
                .runs
                .iter()
                .filter(|run| run.uses_image_healthcheck)
                .all(|run| run.health_checked)
        };
        if covered {
            continue;
        }
        out.report(
            image.anchor.clone(),
            format!(
                "the image serves ({}) but has no HEALTHCHECK: a hung server still counts as up",
                image.reason
            ),
        );
    }
}
