//! RS001 http-client-without-timeout: async reqwest clients built without a timeout.
//!
//! reqwest's async client has no default timeout; its blocking client defaults to 30
//! seconds, so only the async API is flagged (RULES.md listed the blocking one too; the
//! rule doc records why it is not).

use crate::diagnostic::Emitter;
use crate::model::rust::{Call, RustFile};

pub const TRIGGERS: &[&str] = &["reqwest"];

/// Constructors of a client that has no timeout and cannot be given one later.
const UNBOUNDED_CONSTRUCTORS: &[&str] = &["reqwest::Client::new", "reqwest::Client::default"];
/// Free functions that build such a client for one request.
const UNBOUNDED_FUNCTIONS: &[&str] = &["reqwest::get"];
/// Builders whose chain must set a timeout before `.build()`.
const BUILDERS: &[&str] = &["reqwest::Client::builder", "reqwest::ClientBuilder::new"];

pub fn check(file: &RustFile, out: &mut Emitter) {
    for path in UNBOUNDED_CONSTRUCTORS.iter().chain(UNBOUNDED_FUNCTIONS) {
        for call in file.calls_to(path).filter(|c| !c.in_test) {
            out.report(
                call.callee_span,
                format!("`{path}` builds an HTTP client with no timeout"),
            );
        }
    }
    for path in BUILDERS {
        for call in file.calls_to(path).filter(|c| !c.in_test) {
            if builder_lacks_timeout(file, call) {
                out.report(
                    call.callee_span,
                    "reqwest client is built without `.timeout(..)`",
                );
            }
        }
    }
}

/// The builder's chain reaches `.build()` without `.timeout(..)` (or both the connect and
/// read timeouts). A chain that stops before `.build()` (the builder is stored and
/// configured elsewhere) cannot be judged.
fn builder_lacks_timeout(file: &RustFile, builder: &Call) -> bool {
    let methods: Vec<&str> = file.chain_after(builder).filter_map(Call::method).collect();
    let Some(build_at) = methods.iter().position(|m| *m == "build") else {
        return false;
    };
    let before_build = &methods[..build_at];
    let has = |name: &str| before_build.contains(&name);
    !(has("timeout") || (has("connect_timeout") && has("read_timeout")))
}
