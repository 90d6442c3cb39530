//! DP016 tls-verify-disabled: a kubeconfig cluster entry with
//! `insecure-skip-tls-verify: true`: kubectl, Helm, CI deploy jobs and operators using it
//! accept any server certificate for the cluster's API, credentials included.

use crate::diagnostic::Emitter;
use crate::lang::yaml::Node;
use crate::model::kubernetes::Manifest;

pub const TRIGGERS: &[&str] = &["insecure-skip-tls-verify"];

pub fn check(manifest: &Manifest<'_>, out: &mut Emitter) {
    for object in manifest.objects.iter().filter(|o| o.kind == "Config") {
        let clusters = object
            .node
            .get("clusters")
            .and_then(Node::as_seq)
            .unwrap_or_default();
        for entry in clusters {
            let Some((key, value)) = entry
                .get("cluster")
                .and_then(|c| c.get_entry("insecure-skip-tls-verify"))
            else {
                continue;
            };
            if value.as_bool() != Some(true) {
                continue;
            }
            let name = entry
                .get("name")
                .and_then(Node::as_str)
                .unwrap_or("(unnamed)");
            out.report(
                crate::source::Span::new(key.span.start, value.span.end),
                format!(
                    "kubeconfig cluster `{name}` skips TLS verification: whoever answers at its \
                     server address gets the client's credentials"
                ),
            );
        }
    }
}
