//! DF002 missing-healthcheck: an image that serves (EXPOSE, or a server command) with
//! no HEALTHCHECK — unless every deployment the model finds running it (a compose
//! service with a healthcheck, a Kubernetes container with probes) checks its health
//! itself, or, when none is found, the repository runs its containers only through
//! Kubernetes manifests whose long-running containers all have probes (Kubernetes
//! ignores the image's HEALTHCHECK and uses its probes instead).

use super::ProjectEmitter;
use crate::model::facts::ProjectFacts;

/// Dockerfiles that serve say EXPOSE or name a server in CMD/ENTRYPOINT; manifests
/// with probes name them.
pub const TRIGGERS: &[&str] = &["EXPOSE", "CMD", "ENTRYPOINT", "Probe"];

pub fn check(facts: &ProjectFacts, out: &mut ProjectEmitter) {
    let kubernetes: Vec<&(Option<String>, bool)> = facts
        .files
        .iter()
        .flat_map(|f| f.kubernetes_probes.iter())
        .collect();
    let compose = facts.files.iter().any(|f| f.compose);
    let all_probed = !kubernetes.is_empty() && kubernetes.iter().all(|(_, probed)| *probed);
    for file in &facts.files {
        let Some(image) = &file.unchecked_image else {
            continue;
        };
        // The deployments that run the image check its health themselves.
        if !image.runs.is_empty() {
            if image.runs.iter().all(|r| r.health_checked) {
                continue;
            }
        } else if !compose {
            // The containers that run this image, when their image is named after the
            // Dockerfile's folder (`src/orders/Dockerfile` → `.../orders:1.2`); else
            // every container of the repository.
            let folder = folder_name(&file.path);
            let matching: Vec<bool> = kubernetes
                .iter()
                .filter(|(name, _)| name.is_some() && name.as_deref() == folder.as_deref())
                .map(|(_, probed)| *probed)
                .collect();
            let covered = if matching.is_empty() {
                all_probed
            } else {
                matching.iter().all(|&p| p)
            };
            if covered {
                continue;
            }
        }
        out.report(
            image.anchor.clone(),
            format!(
                "the image serves ({}) but has no HEALTHCHECK: nothing restarts it when it hangs",
                image.reason
            ),
        );
    }
}

/// The lowercased name of the folder holding `path` (`src/orders/Dockerfile` → `orders`).
fn folder_name(path: &str) -> Option<String> {
    let mut parts = path.rsplit('/');
    parts.next()?;
    parts.next().map(str::to_ascii_lowercase)
}
