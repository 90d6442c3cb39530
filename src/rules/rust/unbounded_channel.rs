//! RS002 unbounded-channel: channels created without a capacity bound.
//!
//! A producer that outruns its consumer fills an unbounded channel until the process runs
//! out of memory; a bounded one pushes back on the producer instead.

use crate::diagnostic::Emitter;
use crate::model::rust::RustFile;

pub const TRIGGERS: &[&str] = &["unbounded", "mpsc"];

/// Constructors of unbounded channels, by resolved path (re-exports included), with the
/// bounded constructor to suggest.
const UNBOUNDED: &[(&str, &str)] = &[
    (
        "tokio::sync::mpsc::unbounded_channel",
        "tokio::sync::mpsc::channel(capacity)",
    ),
    (
        "std::sync::mpsc::channel",
        "std::sync::mpsc::sync_channel(capacity)",
    ),
    (
        "crossbeam_channel::unbounded",
        "crossbeam_channel::bounded(capacity)",
    ),
    (
        "crossbeam::channel::unbounded",
        "crossbeam::channel::bounded(capacity)",
    ),
    ("flume::unbounded", "flume::bounded(capacity)"),
    (
        "futures::channel::mpsc::unbounded",
        "futures::channel::mpsc::channel(capacity)",
    ),
    (
        "futures_channel::mpsc::unbounded",
        "futures_channel::mpsc::channel(capacity)",
    ),
    (
        "async_channel::unbounded",
        "async_channel::bounded(capacity)",
    ),
    (
        "async_std::channel::unbounded",
        "async_std::channel::bounded(capacity)",
    ),
];

pub fn check(file: &RustFile, out: &mut Emitter) {
    for (path, bounded) in UNBOUNDED {
        for call in file.calls_to(path).filter(|c| !c.in_test) {
            out.report(
                call.callee_span,
                format!("`{path}` creates a channel with no capacity bound"),
            )
            .help(format!(
                "use `{bounded}` so a slow consumer pushes back on producers"
            ));
        }
    }
}
