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
use crate::gate::Gate;
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
    /// One Kubernetes manifest file: its objects (PrometheusRules, HPAs, ...).
    Manifest(fn(&crate::model::kubernetes::Manifest<'_>, &mut Emitter)),
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
    /// The named literal values of one file, whatever its kind (secret assignments).
    Named(fn(&[crate::model::named::NamedValue], &mut Emitter)),
    /// Emitted by the engine itself (parse errors, suppression problems).
    Engine,
}

/// A project-stage check: runs once over the merged facts.
pub type ProjectCheck = fn(&ProjectFacts, &mut project::ProjectEmitter);

/// A registered rule.
pub struct Rule {
    pub meta: RuleMeta,
    /// What a file must contain for the rule to possibly fire (see `gate`): a rule's
    /// `TRIGGERS` list (any of these words, case-sensitive; Dockerfiles ignore case) or
    /// a richer `Gate`. An empty list: no gate, the rule runs on every file of its kind.
    pub gate: Gate,
    pub check: Check,
    /// A second, project-stage part of a file rule (DF001 reads the entrypoint script
    /// a Dockerfile runs; SV004 judges gunicorn's default bind with its config module).
    pub project: Option<ProjectCheck>,
    pub scope: Scope,
}

/// How much of a Python module a rule must see to judge it.
#[derive(Clone, Copy)]
pub enum Scope {
    /// The whole module.
    Module,
    /// The functions and classes holding a hit of this gate (and everything the model
    /// resolves names through: imports and module-level bindings, which carry hits on to
    /// the names they bind). What the rule reports lies inside one function and depends
    /// on nothing else of the module, so the engine may parse only those parts; see
    /// `lang::python_outline`.
    Function(Gate),
    /// Only the statements holding a hit of this gate, inside the headers enclosing
    /// them: what the rule reports is one statement's own syntax (a literal bound to a
    /// name), resolved through nothing.
    Statement(Gate),
}

impl Rule {
    /// Does the rule look at the project's facts (so every kind of file must collect
    /// them when it is enabled)?
    pub fn uses_facts(&self) -> bool {
        matches!(self.check, Check::Project(_)) || self.project.is_some()
    }
}

/// A rule's `TRIGGERS`: a plain list of words (any of them) or a `Gate`.
pub trait IntoGate {
    fn into_gate(self) -> Gate;
}

impl IntoGate for &'static [&'static str] {
    fn into_gate(self) -> Gate {
        Gate::Any(self)
    }
}

impl IntoGate for Gate {
    fn into_gate(self) -> Gate {
        self
    }
}

struct RuleDef {
    doc_path: &'static str,
    doc: &'static str,
    gate: Gate,
    check: Check,
    project: Option<ProjectCheck>,
    scope: Scope,
}

macro_rules! rule {
    (@def $doc:literal, $triggers:expr, $check:expr, $project:expr, $scope:expr) => {
        RuleDef {
            doc_path: $doc,
            doc: include_str!(concat!("../../rules/", $doc)),
            gate: IntoGate::into_gate($triggers),
            check: $check,
            project: $project,
            scope: $scope,
        }
    };
    ($doc:literal, $triggers:expr, $check:expr) => {
        rule!(@def $doc, $triggers, $check, None, Scope::Module)
    };
    ($doc:literal, $triggers:expr, $check:expr, region: $region:expr) => {
        rule!(@def $doc, $triggers, $check, None, Scope::Function(IntoGate::into_gate($region)))
    };
    ($doc:literal, $triggers:expr, $check:expr, statement_region: $region:expr) => {
        rule!(@def $doc, $triggers, $check, None, Scope::Statement(IntoGate::into_gate($region)))
    };
    ($doc:literal, $triggers:expr, $check:expr, $project:expr) => {
        rule!(@def $doc, $triggers, $check, Some($project), Scope::Module)
    };
}

/// Every rule prodlint has, in id order.
fn definitions() -> Vec<RuleDef> {
    vec![
        rule!("meta/PL001-parse-error.md", Gate::Any(&[]), Check::Engine),
        rule!(
            "meta/PL002-invalid-suppression.md",
            Gate::Any(&[]),
            Check::Engine
        ),
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
            "deploy/DP003-probe-target-mismatch.md",
            deploy::probe_target_mismatch::TRIGGERS,
            Check::Container(deploy::probe_target_mismatch::check),
            project::probe_path_not_served::check
        ),
        rule!(
            "deploy/DP004-liveness-equals-readiness.md",
            deploy::liveness_equals_readiness::TRIGGERS,
            Check::Container(deploy::liveness_equals_readiness::check)
        ),
        rule!(
            "deploy/DP005-missing-resources.md",
            deploy::missing_resources::TRIGGERS,
            Check::Container(deploy::missing_resources::check)
        ),
        rule!(
            "deploy/DP006-unpinned-image.md",
            deploy::unpinned_image::TRIGGERS,
            Check::Container(deploy::unpinned_image::check)
        ),
        rule!(
            "deploy/DP007-privileged-container.md",
            deploy::privileged_container::TRIGGERS,
            Check::Container(deploy::privileged_container::check)
        ),
        rule!(
            "deploy/DP008-run-as-root-allowed.md",
            deploy::run_as_root_allowed::TRIGGERS,
            Check::Container(deploy::run_as_root_allowed::check)
        ),
        rule!(
            "deploy/DP009-literal-secret-env.md",
            deploy::literal_secret_env::TRIGGERS,
            Check::Container(deploy::literal_secret_env::check)
        ),
        rule!(
            "deploy/DP010-single-replica.md",
            project::single_replica::TRIGGERS,
            Check::Project(project::single_replica::check)
        ),
        rule!(
            "deploy/DP011-missing-pod-disruption-budget.md",
            project::missing_pod_disruption_budget::TRIGGERS,
            Check::Project(project::missing_pod_disruption_budget::check)
        ),
        rule!(
            "deploy/DP012-termination-grace-too-short.md",
            deploy::termination_grace::TRIGGERS,
            Check::Container(deploy::termination_grace::check)
        ),
        rule!(
            "deploy/DP013-alert-without-runbook.md",
            deploy::alert_without_runbook::TRIGGERS,
            Check::Manifest(deploy::alert_without_runbook::check)
        ),
        rule!(
            "deploy/DP014-dev-server-or-debug-env.md",
            deploy::dev_server_command::TRIGGERS,
            Check::Container(deploy::dev_server_command::check)
        ),
        rule!(
            "deploy/DP015-no-restart-policy.md",
            deploy::no_restart_policy::TRIGGERS,
            Check::Container(deploy::no_restart_policy::check)
        ),
        rule!(
            "deploy/DP016-tls-verify-disabled.md",
            deploy::tls_verify_disabled::TRIGGERS,
            Check::Manifest(deploy::tls_verify_disabled::check)
        ),
        rule!(
            "docker/DF001-shell-form-entrypoint.md",
            docker::shell_form_entrypoint::TRIGGERS,
            Check::Dockerfile(docker::shell_form_entrypoint::check),
            docker::shell_form_entrypoint::check_scripts
        ),
        rule!(
            "project/DF002-missing-healthcheck.md",
            project::missing_healthcheck::TRIGGERS,
            Check::Project(project::missing_healthcheck::check)
        ),
        rule!(
            "docker/DF003-runs-as-root.md",
            docker::runs_as_root::TRIGGERS,
            Check::Dockerfile(docker::runs_as_root::check),
            docker::runs_as_root::check_scripts
        ),
        rule!(
            "docker/DF004-unpinned-base-image.md",
            docker::unpinned_base_image::TRIGGERS,
            Check::Dockerfile(docker::unpinned_base_image::check)
        ),
        rule!(
            "docker/DF005-dev-server-command.md",
            docker::dev_server_command::TRIGGERS,
            Check::Container(docker::dev_server_command::check)
        ),
        rule!(
            "docker/DF006-debug-env.md",
            docker::debug_env::TRIGGERS,
            Check::Dockerfile(docker::debug_env::check)
        ),
        rule!(
            "docker/DF007-secret-in-env-or-arg.md",
            docker::secret_env::TRIGGERS,
            Check::Dockerfile(docker::secret_env::check)
        ),
        rule!(
            "docker/DF008-python-unbuffered-missing.md",
            docker::python_unbuffered_missing::TRIGGERS,
            Check::Dockerfile(docker::python_unbuffered_missing::check)
        ),
        rule!(
            "docker/DF009-tls-verify-disabled.md",
            docker::tls_verify_disabled::TRIGGERS,
            Check::Dockerfile(docker::tls_verify_disabled::check)
        ),
        rule!(
            "docker/DF010-secret-build-arg.md",
            docker::secret_build_arg::TRIGGERS,
            Check::Dockerfile(docker::secret_build_arg::check)
        ),
        rule!(
            "python/PY001-http-call-without-timeout.md",
            python::http_call_without_timeout::TRIGGERS,
            Check::Python(python::http_call_without_timeout::check),
            region: python::http_call_without_timeout::TRIGGERS
        ),
        rule!(
            "python/PY002-socket-without-timeout.md",
            python::socket_without_timeout::TRIGGERS,
            Check::Python(python::socket_without_timeout::check),
            region: python::socket_without_timeout::TRIGGERS
        ),
        rule!(
            "python/PY003-client-without-timeout.md",
            python::client_without_timeout::TRIGGERS,
            Check::Python(python::client_without_timeout::check),
            region: python::client_without_timeout::TRIGGERS
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
            "python/PY040-blocking-call-in-async.md",
            python::blocking_call_in_async::TRIGGERS,
            Check::Python(python::blocking_call_in_async::check),
            region: python::blocking_call_in_async::REGION
        ),
        rule!(
            "python/PY041-dangling-task.md",
            python::dangling_task::TRIGGERS,
            // The whole module: whether the message says the task's errors are lost
            // depends on the coroutine's own definition, elsewhere in the module.
            Check::Python(python::dangling_task::check)
        ),
        rule!(
            "python/PY042-swallowed-cancellation.md",
            python::swallowed_cancellation::TRIGGERS,
            Check::Python(python::swallowed_cancellation::check),
            region: python::swallowed_cancellation::REGION
        ),
        rule!(
            "python/PY050-swallowed-exception.md",
            python::swallowed_exception::TRIGGERS,
            Check::Python(python::swallowed_exception::check),
            region: python::swallowed_exception::TRIGGERS
        ),
        rule!(
            "python/PY051-error-log-without-traceback.md",
            python::error_log_without_traceback::TRIGGERS,
            Check::Python(python::error_log_without_traceback::check),
            region: python::error_log_without_traceback::REGION
        ),
        rule!(
            "python/PY052-print-in-handler.md",
            python::print_in_handler::TRIGGERS,
            Check::Python(python::print_in_handler::check),
            region: python::print_in_handler::REGION
        ),
        rule!(
            "python/PY060-retry-without-backoff.md",
            python::retry_without_backoff::TRIGGERS,
            Check::Python(python::retry_without_backoff::check),
            region: python::retry_without_backoff::TRIGGERS
        ),
        rule!(
            "python/PY070-pool-per-request.md",
            python::pool_per_request::TRIGGERS,
            Check::Python(python::pool_per_request::check),
            region: python::pool_per_request::REGION
        ),
        rule!(
            "python/PY071-django-conn-max-age-without-health-checks.md",
            python::django_conn_max_age::TRIGGERS,
            Check::Python(python::django_conn_max_age::check)
        ),
        rule!(
            "python/PY092-env-read-in-handler.md",
            python::env_read_in_handler::TRIGGERS,
            Check::Python(python::env_read_in_handler::check),
            region: python::env_read_in_handler::REGION
        ),
        rule!(
            "python/PY011-django-debug.md",
            python::django_debug::TRIGGERS,
            Check::Python(python::django_debug::check)
        ),
        rule!(
            "python/PY012-asgi-debug.md",
            python::asgi_debug::TRIGGERS,
            Check::Python(python::asgi_debug::check),
            region: python::asgi_debug::REGION
        ),
        rule!(
            "python/PY020-dev-server-call.md",
            python::dev_server_call::TRIGGERS,
            Check::Python(python::dev_server_call::check)
        ),
        rule!(
            "python/PY030-unbounded-queue.md",
            python::unbounded_queue::TRIGGERS,
            Check::Python(python::unbounded_queue::check),
            region: python::unbounded_queue::TRIGGERS
        ),
        rule!(
            "python/PY053-secret-in-log.md",
            python::secret_in_log::TRIGGERS,
            Check::Python(python::secret_in_log::check),
            region: python::secret_in_log::TRIGGERS
        ),
        rule!(
            "python/PY080-tls-verify-disabled.md",
            python::tls_verify_disabled::TRIGGERS,
            Check::Python(python::tls_verify_disabled::check),
            region: python::tls_verify_disabled::TRIGGERS
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
            Check::Python(python::secret_with_literal_fallback::check),
            region: python::secret_with_literal_fallback::REGION
        ),
        rule!(
            "python/PY094-cors-wildcard-origin.md",
            python::cors_wildcard_origin::TRIGGERS,
            Check::Python(python::cors_wildcard_origin::check)
        ),
        rule!(
            "python/PY095-hardcoded-credential-argument.md",
            python::hardcoded_credential_argument::TRIGGERS,
            Check::Python(python::hardcoded_credential_argument::check),
            region: python::hardcoded_credential_argument::TRIGGERS
        ),
        rule!(
            "python/PY100-irreversible-migration.md",
            python::irreversible_migration::TRIGGERS,
            Check::Python(python::irreversible_migration::check),
            region: python::irreversible_migration::TRIGGERS
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
            "server/SV002-infinite-worker-timeout.md",
            server::infinite_worker_timeout::TRIGGERS,
            Check::Server(server::infinite_worker_timeout::check)
        ),
        rule!(
            "server/SV003-debug-log-level.md",
            server::debug_log_level::TRIGGERS,
            Check::Server(server::debug_log_level::check)
        ),
        rule!(
            "server/SV004-loopback-bind-in-container.md",
            server::loopback_bind::TRIGGERS,
            Check::Server(server::loopback_bind::check),
            server::loopback_bind::check_project
        ),
        rule!(
            "project/SV006-dev-server-in-production.md",
            project::dev_server_in_production::TRIGGERS,
            Check::Project(project::dev_server_in_production::check)
        ),
        rule!(
            "project/SV007-no-worker-recycling.md",
            project::no_worker_recycling::TRIGGERS,
            Check::Project(project::no_worker_recycling::check)
        ),
        rule!(
            "server/SV008-no-concurrency-limit.md",
            server::no_concurrency_limit::TRIGGERS,
            Check::Server(server::no_concurrency_limit::check)
        ),
        rule!(
            "secrets/SC001-provider-credential.md",
            secrets::provider_credential::TRIGGERS,
            Check::Text(secrets::provider_credential::check)
        ),
        rule!(
            "secrets/SC002-secret-assignment.md",
            secrets::secret_assignment::TRIGGERS,
            Check::Named(secrets::secret_assignment::check),
            statement_region: secrets::secret_assignment::TRIGGERS
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
                gate: def.gate,
                check: def.check,
                project: def.project,
                scope: def.scope,
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

    /// Indices of the rules a selector names: `ALL`, a group (`pedantic`), an id
    /// (`PY001`), a slug, a category (`missing-timeout`) or an id prefix (`PY`, `DF0`). None when it names nothing.
    pub fn select(&self, selector: &str) -> Option<BTreeSet<usize>> {
        let sel = selector.trim();
        let chosen: BTreeSet<usize> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                sel.eq_ignore_ascii_case("ALL")
                    || r.meta.group.as_str().eq_ignore_ascii_case(sel)
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
