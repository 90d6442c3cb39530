//! The rule registry: every rule's doc (metadata + prose, from `rules/*.md`), the trigger
//! keywords without which it cannot fire, and the function that checks it on a model.
//!
//! Adding a rule: write `rules/<group>/<ID>-<slug>.md`, a function in
//! `src/rules/<group>/<slug>.rs`, fixtures in `fixtures/<ID>/`, and one `rule!` line below.

pub mod deploy;
pub mod docker;
pub mod meta;
pub mod project;
pub mod python;
pub mod rust;
pub mod secrets;
pub mod server;

pub use meta::RuleMeta;

use crate::diagnostic::Emitter;
use crate::lang::dockerfile::Dockerfile;
use crate::model::container::ContainerSpec;
use crate::model::facts::ProjectFacts;
use crate::model::rust::RustFile;
use crate::model::server::ServerSettings;
use crate::source::SourceFile;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// What a rule looks at, and so when the engine calls it.
#[derive(Clone, Copy)]
pub enum Check {
    /// Any text file prodlint reads (secrets).
    Text(fn(&SourceFile, &mut Emitter)),
    /// One container spec (Kubernetes, compose or a Dockerfile's final stage).
    Container(fn(&ContainerSpec, &mut Emitter)),
    /// One Python module.
    Python(fn(&python::PythonFile, &mut Emitter)),
    /// One Rust file.
    Rust(fn(&RustFile, &mut Emitter)),
    /// One Dockerfile, all stages.
    Dockerfile(fn(&Dockerfile, &mut Emitter)),
    /// The settings of one server (a command line or a gunicorn config module).
    Server(fn(&ServerSettings, &mut Emitter)),
    /// The whole project's facts, after every file was read.
    Project(fn(&ProjectFacts, &mut project::ProjectEmitter)),
    /// Emitted by the engine itself (parse errors, suppression problems).
    Engine,
}

/// A registered rule.
pub struct Rule {
    pub meta: RuleMeta,
    /// Keywords (ASCII case-insensitive) of which a file must contain at least one for the
    /// rule to possibly fire. Empty: the rule needs no gate (it always runs when enabled).
    pub triggers: &'static [&'static str],
    pub check: Check,
}

struct RuleDef {
    doc_path: &'static str,
    doc: &'static str,
    triggers: &'static [&'static str],
    check: Check,
}

macro_rules! rule {
    ($doc:literal, $triggers:expr, $check:expr) => {
        RuleDef {
            doc_path: $doc,
            doc: include_str!(concat!("../../rules/", $doc)),
            triggers: $triggers,
            check: $check,
        }
    };
}

/// Every rule prodlint has, in id order.
fn definitions() -> Vec<RuleDef> {
    vec![
        rule!("meta/PL001-parse-error.md", &[], Check::Engine),
        rule!("meta/PL002-invalid-suppression.md", &[], Check::Engine),
        rule!(
            "deploy/DP001-missing-readiness-probe.md",
            deploy::missing_readiness_probe::TRIGGERS,
            Check::Container(deploy::missing_readiness_probe::check)
        ),
        rule!(
            "deploy/DP002-missing-liveness-probe.md",
            deploy::missing_liveness_probe::TRIGGERS,
            Check::Container(deploy::missing_liveness_probe::check)
        ),
        rule!(
            "docker/DF001-shell-form-entrypoint.md",
            docker::shell_form_entrypoint::TRIGGERS,
            Check::Dockerfile(docker::shell_form_entrypoint::check)
        ),
        rule!(
            "docker/DF005-dev-server-command.md",
            docker::dev_server_command::TRIGGERS,
            Check::Container(docker::dev_server_command::check)
        ),
        rule!(
            "python/PY001-http-call-without-timeout.md",
            python::http_call_without_timeout::TRIGGERS,
            Check::Python(python::http_call_without_timeout::check)
        ),
        rule!(
            "python/PY002-socket-without-timeout.md",
            python::socket_without_timeout::TRIGGERS,
            Check::Python(python::socket_without_timeout::check)
        ),
        rule!(
            "python/PY003-client-without-timeout.md",
            python::client_without_timeout::TRIGGERS,
            Check::Python(python::client_without_timeout::check)
        ),
        rule!(
            "python/PY004-subprocess-without-timeout.md",
            python::subprocess_without_timeout::TRIGGERS,
            Check::Python(python::subprocess_without_timeout::check)
        ),
        rule!(
            "python/PY010-flask-debug.md",
            python::flask_debug::TRIGGERS,
            Check::Python(python::flask_debug::check)
        ),
        rule!(
            "python/PY011-django-debug.md",
            python::django_debug::TRIGGERS,
            Check::Python(python::django_debug::check)
        ),
        rule!(
            "python/PY012-asgi-debug.md",
            python::asgi_debug::TRIGGERS,
            Check::Python(python::asgi_debug::check)
        ),
        rule!(
            "python/PY020-dev-server-call.md",
            python::dev_server_call::TRIGGERS,
            Check::Python(python::dev_server_call::check)
        ),
        rule!(
            "python/PY030-unbounded-queue.md",
            python::unbounded_queue::TRIGGERS,
            Check::Python(python::unbounded_queue::check)
        ),
        rule!(
            "python/PY053-secret-in-log.md",
            python::secret_in_log::TRIGGERS,
            Check::Python(python::secret_in_log::check)
        ),
        rule!(
            "python/PY080-tls-verify-disabled.md",
            python::tls_verify_disabled::TRIGGERS,
            Check::Python(python::tls_verify_disabled::check)
        ),
        rule!(
            "python/PY090-wildcard-allowed-hosts.md",
            python::wildcard_allowed_hosts::TRIGGERS,
            Check::Python(python::wildcard_allowed_hosts::check)
        ),
        rule!(
            "python/PY091-cors-wildcard-with-credentials.md",
            python::cors_wildcard_with_credentials::TRIGGERS,
            Check::Python(python::cors_wildcard_with_credentials::check)
        ),
        rule!(
            "python/PY093-secret-with-literal-fallback.md",
            python::secret_with_literal_fallback::TRIGGERS,
            Check::Python(python::secret_with_literal_fallback::check)
        ),
        rule!(
            "python/PY100-irreversible-migration.md",
            python::irreversible_migration::TRIGGERS,
            Check::Python(python::irreversible_migration::check)
        ),
        rule!(
            "rust/RS001-http-client-without-timeout.md",
            rust::http_client_without_timeout::TRIGGERS,
            Check::Rust(rust::http_client_without_timeout::check)
        ),
        rule!(
            "rust/RS002-unbounded-channel.md",
            rust::unbounded_channel::TRIGGERS,
            Check::Rust(rust::unbounded_channel::check)
        ),
        rule!(
            "rust/RS003-blocking-call-in-async.md",
            rust::blocking_call_in_async::TRIGGERS,
            Check::Rust(rust::blocking_call_in_async::check)
        ),
        rule!(
            "rust/RS004-tls-verify-disabled.md",
            rust::tls_verify_disabled::TRIGGERS,
            Check::Rust(rust::tls_verify_disabled::check)
        ),
        rule!(
            "rust/RS005-server-without-graceful-shutdown.md",
            rust::server_without_graceful_shutdown::TRIGGERS,
            Check::Rust(rust::server_without_graceful_shutdown::check)
        ),
        rule!(
            "rust/RS006-dropped-join-handle.md",
            rust::dropped_join_handle::TRIGGERS,
            Check::Rust(rust::dropped_join_handle::check)
        ),
        rule!(
            "server/SV001-reload-enabled.md",
            server::reload_enabled::TRIGGERS,
            Check::Server(server::reload_enabled::check)
        ),
        rule!(
            "project/SV006-dev-server-in-production.md",
            project::dev_server_in_production::TRIGGERS,
            Check::Project(project::dev_server_in_production::check)
        ),
        rule!(
            "secrets/SC001-provider-credential.md",
            secrets::provider_credential::TRIGGERS,
            Check::Text(secrets::provider_credential::check)
        ),
    ]
}

/// The id of the rule the engine reports parse errors under.
pub const PARSE_ERROR: &str = "PL001";
/// The id of the rule the engine reports bad suppression comments under.
pub const INVALID_SUPPRESSION: &str = "PL002";

pub struct Registry {
    pub rules: Vec<Rule>,
}

/// The registry, built once: docs are parsed at first use.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut rules: Vec<Rule> = definitions()
            .into_iter()
            .map(|def| Rule {
                // A malformed doc is a build-time mistake caught by the test suite.
                meta: meta::parse_doc(def.doc_path, def.doc).unwrap_or_else(|e| panic!("{e}")),
                triggers: def.triggers,
                check: def.check,
            })
            .collect();
        rules.sort_by(|a, b| a.meta.id.cmp(b.meta.id));
        Registry { rules }
    })
}

impl Registry {
    /// A rule by id or slug (case-insensitive).
    pub fn find(&self, key: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.meta.id.eq_ignore_ascii_case(key) || r.meta.slug.eq_ignore_ascii_case(key))
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.meta.id == id)
    }

    /// Indices of the rules a selector names: `ALL`, an id (`PY001`), a slug, a category
    /// (`missing-timeout`) or a group prefix (`PY`, `DF0`). None when it names nothing.
    pub fn select(&self, selector: &str) -> Option<BTreeSet<usize>> {
        let sel = selector.trim();
        let chosen: BTreeSet<usize> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                sel.eq_ignore_ascii_case("ALL")
                    || r.meta.id.eq_ignore_ascii_case(sel)
                    || r.meta.slug.eq_ignore_ascii_case(sel)
                    || r.meta.category.eq_ignore_ascii_case(sel)
                    || (sel.len() >= 2
                        && sel.chars().take(2).all(|c| c.is_ascii_alphabetic())
                        && r.meta.id.len() >= sel.len()
                        && r.meta.id[..sel.len()].eq_ignore_ascii_case(sel))
            })
            .map(|(i, _)| i)
            .collect();
        (!chosen.is_empty()).then_some(chosen)
    }
}
