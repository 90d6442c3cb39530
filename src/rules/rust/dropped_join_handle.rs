//! RS006 dropped-join-handle: tasks spawned in a loop whose `JoinHandle` is dropped.
//!
//! `tokio::spawn(..);` as a statement detaches the task: nothing can wait for it, cancel
//! it, or see it panic. In a loop that is one orphan per iteration; on shutdown they are
//! cut off mid-work. One-off spawns outside loops (startup tasks) are not flagged, nor
//! are `let _ = tokio::spawn(..)` (an explicit choice) and handles that are kept.

use crate::diagnostic::Emitter;
use crate::model::rust::RustFile;

pub const TRIGGERS: &[&str] = &["spawn"];

const SPAWNS: &[&str] = &["tokio::spawn", "tokio::task::spawn"];

pub fn check(file: &RustFile, out: &mut Emitter) {
    for path in SPAWNS {
        for call in file
            .calls_to(path)
            .filter(|c| c.is_statement && c.in_loop && !c.in_test)
        {
            out.report(
                call.callee_span,
                format!("`{path}(..)` in a loop drops its JoinHandle: the task is detached"),
            );
        }
    }
}
