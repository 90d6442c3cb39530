//! Project rules: checks that need more than one file. They run once, after the parallel
//! phase, over the merged facts — this is where prodlint sees what no single-file linter
//! can.

pub mod dev_server_in_production;
pub mod missing_pod_disruption_budget;
pub mod single_replica;

use crate::diagnostic::Anchor;

/// A project rule's finding: already located (facts carry anchors).
pub struct ProjectFinding {
    pub anchor: Anchor,
    pub message: String,
}

/// Collects one project rule's findings.
pub struct ProjectEmitter<'a> {
    pub(crate) out: &'a mut Vec<(&'static str, ProjectFinding)>,
    pub(crate) rule: &'static str,
}

impl ProjectEmitter<'_> {
    pub fn report(&mut self, anchor: Anchor, message: impl Into<String>) {
        self.out.push((
            self.rule,
            ProjectFinding {
                anchor,
                message: message.into(),
            },
        ));
    }
}
