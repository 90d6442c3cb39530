//! DP003 probe-target-mismatch: a probe aimed at a port the container does not declare
//! (a named port no `ports` entry has, or a number missing from the declared ports), or
//! at a port declared only for UDP or SCTP (HTTP, TCP and gRPC probes connect over TCP).
//!
//! The cross-file half (an HTTP probe path the Python app does not serve) is the
//! project check in `rules::project::probe_path_not_served`.

use crate::diagnostic::Emitter;
use crate::model::container::{ContainerOrigin, ContainerSpec, Probe};

/// `port` for the port half; the web frameworks for the app side of the path half.
pub const TRIGGERS: &[&str] = &["port", "flask", "fastapi", "quart"];

pub fn check(spec: &ContainerSpec, out: &mut Emitter) {
    if !matches!(spec.origin, ContainerOrigin::Kubernetes { .. }) {
        return;
    }
    let probes = [
        ("readinessProbe", &spec.readiness_probe),
        ("livenessProbe", &spec.liveness_probe),
        ("startupProbe", &spec.startup_probe),
    ];
    for (key, probe) in probes {
        let Some(Probe { action, .. }) = probe else {
            continue;
        };
        let Some(port) = action.port() else {
            continue;
        };
        let who = spec.describe();
        let targeted: Vec<&crate::model::container::Port> = spec
            .ports
            .iter()
            .filter(|p| match port.value.parse::<u32>() {
                Ok(number) => p.number == Some(number),
                Err(_) => p.name.as_deref() == Some(&port.value),
            })
            .collect();
        if !targeted.is_empty() && targeted.iter().all(|p| !p.tcp) {
            out.report(
                port.span,
                format!(
                    "{key} of {who} checks port `{}`, which the container declares for UDP or \
                     SCTP only: the probe connects over TCP and can never succeed",
                    port.value
                ),
            )
            .help("probe a TCP port the app serves, or use an `exec` probe for a UDP service");
            continue;
        }
        if let Ok(number) = port.value.parse::<u32>() {
            // Ports are informational in Kubernetes: with none declared (or a templated
            // one) there is nothing to compare with.
            let known: Vec<u32> = spec.ports.iter().filter_map(|p| p.number).collect();
            if known.is_empty() || known.len() < spec.ports.len() || known.contains(&number) {
                continue;
            }
            let list: Vec<String> = known.iter().map(u32::to_string).collect();
            out.report(
                port.span,
                format!(
                    "{key} of {who} checks port {number}, but the container declares {}",
                    list.join(", ")
                ),
            )
            .help("point the probe at the port the app listens on (or a named port)");
        } else if !spec
            .ports
            .iter()
            .any(|p| p.name.as_deref() == Some(&port.value))
        {
            if spec
                .ports
                .iter()
                .any(|p| p.name.is_none() && p.number.is_none())
            {
                continue;
            }
            out.report(
                port.span,
                format!(
                    "{key} of {who} checks the named port `{}`, which no `ports` entry declares: the probe can never succeed",
                    port.value
                ),
            )
            .help("add `name:` to the container port, or use the port number");
        }
    }
}
