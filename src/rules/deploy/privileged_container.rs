//! DP007 privileged-container: a container (or its pod / compose service) given root-
//! equivalent powers: privileged mode, privilege escalation, the host's namespaces, user
//! 0, or dangerous capabilities.

use crate::diagnostic::Emitter;
use crate::model::container::{ContainerSpec, SecurityContext};

pub const TRIGGERS: &[&str] = &[
    "privileged",
    "allowPrivilegeEscalation",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "runAsUser",
    "capabilities",
    "cap_add",
    "network_mode",
    "pid:",
    "ipc:",
    "user:",
];

/// Capabilities that amount to root on the node (or all of them).
const DANGEROUS_CAPABILITIES: &[&str] =
    &["SYS_ADMIN", "NET_ADMIN", "ALL", "SYS_PTRACE", "SYS_MODULE"];

pub fn check(spec: &ContainerSpec, out: &mut Emitter) {
    // A local stack runs on a developer's or CI machine by choice: a profiler that needs
    // the host, a test browser on the host network.
    if !spec.is_deployed() || spec.in_local_stack() {
        return;
    }
    let who = spec.describe();
    check_context(&spec.security, &who, out);
    check_context(&spec.pod_security, &format!("the pod of {who}"), out);
    for (span, what) in [
        (spec.host.network, "the host's network namespace"),
        (spec.host.pid, "the host's process namespace"),
        (spec.host.ipc, "the host's IPC namespace"),
    ] {
        if let Some(span) = span {
            out.report(span, format!("{who} shares {what}"))
                .help("remove it; expose ports through a Service (or `ports:`) instead");
        }
    }
}

fn check_context(context: &SecurityContext, who: &str, out: &mut Emitter) {
    if let Some(privileged) = context.privileged.as_ref().filter(|p| p.value) {
        out.report(
            privileged.span,
            format!("{who} runs privileged: root on the node, every device visible"),
        )
        .help("drop `privileged`; add only the capability the container needs");
    }
    if let Some(escalation) = context
        .allow_privilege_escalation
        .as_ref()
        .filter(|p| p.value)
    {
        out.report(
            escalation.span,
            format!("{who} allows privilege escalation (setuid binaries can gain root)"),
        )
        .help("set `allowPrivilegeEscalation: false`");
    }
    if let Some(user) = context.run_as_user.as_ref().filter(|u| u.value == 0) {
        out.report(user.span, format!("{who} runs as root (user 0)"))
            .help("run as an unprivileged user id (and set `runAsNonRoot: true`)");
    }
    for capability in &context.capabilities_add {
        let name = capability
            .value
            .trim_start_matches("CAP_")
            .to_ascii_uppercase();
        if DANGEROUS_CAPABILITIES.contains(&name.as_str()) {
            out.report(
                capability.span,
                format!(
                    "{who} adds capability {}, close to full root",
                    capability.value
                ),
            )
            .help("add the narrowest capability that works (NET_BIND_SERVICE, ...)");
        }
    }
}
