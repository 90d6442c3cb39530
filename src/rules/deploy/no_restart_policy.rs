//! DP015 no-restart-policy: a compose service with no `restart:` policy stays down after
//! a crash or a host reboot.

use crate::diagnostic::Emitter;
use crate::model::container::{ContainerOrigin, ContainerSpec};

pub const TRIGGERS: &[&str] = &["services"];

pub fn check(spec: &ContainerSpec, out: &mut Emitter) {
    let ContainerOrigin::Compose { service, .. } = &spec.origin else {
        return;
    };
    if spec.restart.is_some()
        || spec.partially_known
        || spec.is_run_to_completion()
        || spec.in_local_stack()
    {
        return;
    }
    out.report(
        spec.anchor,
        format!("compose service `{service}` has no `restart:` policy: after a crash or reboot it stays down"),
    )
    .help("add `restart: unless-stopped` (or `on-failure` for tasks that may exit)");
}
