//! DP013 alert-without-runbook: a PrometheusRule alert with no `runbook_url` annotation.

use crate::diagnostic::Emitter;
use crate::lang::yaml::Node;
use crate::model::kubernetes::Manifest;

pub const TRIGGERS: &[&str] = &["PrometheusRule"];

pub fn check(manifest: &Manifest<'_>, out: &mut Emitter) {
    for object in manifest
        .objects
        .iter()
        .filter(|o| o.kind == "PrometheusRule")
    {
        let groups = object
            .node
            .get_path(&["spec", "groups"])
            .and_then(Node::as_seq)
            .unwrap_or_default();
        for rule in groups
            .iter()
            .filter_map(|group| group.get("rules").and_then(Node::as_seq))
            .flatten()
        {
            let Some(alert) = rule.get("alert") else {
                continue;
            };
            let annotations = rule.get("annotations");
            // Annotations a template wrote are unknown, not missing.
            if annotations.is_some_and(|a| a.is_templated() || a.get("runbook_url").is_some()) {
                continue;
            }
            let name = alert.as_str().unwrap_or("(templated)");
            out.report(
                alert.span,
                format!("alert `{name}` has no `runbook_url` annotation: whoever is paged gets no instructions"),
            )
            .help("add `annotations: {runbook_url: https://.../runbooks/<alert>}`");
        }
    }
}
