//! `ContainerSpec`: one source-independent view of a container, built alike from a
//! Kubernetes container, a compose service and a Dockerfile's final stage, so a rule
//! about containers is written once.

use crate::lang::shell::Word;
use crate::source::Span;

/// Where a container spec came from, with what the rules need to know about its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerOrigin {
    /// A container of a Kubernetes pod spec (directly or in a workload's pod template).
    Kubernetes {
        /// The object's `kind` (Deployment, Pod, CronJob, ...).
        workload_kind: String,
        /// The object's `metadata.name`, when literal.
        workload_name: Option<String>,
        /// Listed under `initContainers` (runs to completion before the app starts).
        init: bool,
        /// Belongs to a Job or CronJob: runs to completion, never serves.
        one_shot: bool,
    },
    /// A docker-compose service.
    Compose {
        /// The service's key under `services:`.
        service: String,
        /// Another service waits for this one to exit successfully
        /// (`depends_on: {svc: {condition: service_completed_successfully}}`): a task that
        /// runs to completion (migrations, seeding), not a server.
        one_shot: bool,
        /// The stack says a server runs it (see `compose_layers::declares_deployment`):
        /// what its services leave out (health checks, limits, restart policies) is
        /// judged. A local stack is judged only for what it does.
        deployed: bool,
    },
    /// The final stage of a Dockerfile.
    Dockerfile,
}

/// A string value together with the span it was written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// How a probe checks the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeAction {
    Http {
        path: Option<Spanned<String>>,
        port: Option<Spanned<String>>,
    },
    Tcp {
        port: Option<Spanned<String>>,
    },
    Exec {
        command: Vec<Word>,
    },
    Grpc {
        port: Option<Spanned<String>>,
    },
    /// A probe whose handler could not be read (templated, unknown).
    Unknown,
}

impl ProbeAction {
    /// Do two actions check the same thing (same handler, path and port), whatever
    /// their spans? Unknown actions are never the same as anything.
    pub fn same_check(&self, other: &ProbeAction) -> bool {
        fn value(v: &Option<Spanned<String>>) -> Option<&str> {
            v.as_ref().map(|v| v.value.as_str())
        }
        match (self, other) {
            (
                ProbeAction::Http { path, port },
                ProbeAction::Http {
                    path: other_path,
                    port: other_port,
                },
            ) => value(path) == value(other_path) && value(port) == value(other_port),
            (ProbeAction::Tcp { port }, ProbeAction::Tcp { port: other })
            | (ProbeAction::Grpc { port }, ProbeAction::Grpc { port: other }) => {
                value(port) == value(other)
            }
            (ProbeAction::Exec { command }, ProbeAction::Exec { command: other }) => {
                command.len() == other.len()
                    && command.iter().zip(other).all(|(a, b)| a.text == b.text)
            }
            _ => false,
        }
    }

    /// The port the probe connects to (HTTP, TCP, gRPC), as written.
    pub fn port(&self) -> Option<&Spanned<String>> {
        match self {
            ProbeAction::Http { port, .. }
            | ProbeAction::Tcp { port }
            | ProbeAction::Grpc { port } => port.as_ref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// The span of the probe's key (`readinessProbe:`, compose `healthcheck:`), for
    /// findings about the probe.
    pub key_span: Span,
    pub action: ProbeAction,
    /// The probe's scalar timing settings as written (`periodSeconds`,
    /// `failureThreshold`, ... in Kubernetes; `interval`, `retries`, ... in compose),
    /// sorted by name; a templated value keeps its template source.
    pub timing: Vec<(String, String)>,
}

/// An environment variable of the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: Spanned<String>,
    /// The literal value, when the variable is set to one (`value:` in Kubernetes).
    pub value: Option<Spanned<String>>,
    /// Set from a reference (`valueFrom`, `${VAR}`), never a literal.
    pub from_reference: bool,
}

/// A declared container port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    pub name: Option<String>,
    pub number: Option<u32>,
    /// The port speaks TCP (Kubernetes `protocol` absent or `TCP`; no `/udp` or `/sctp`
    /// suffix in compose or `EXPOSE`): probes and health checks connect over TCP.
    pub tcp: bool,
    pub span: Span,
}

impl Port {
    /// The number and whether it is TCP, of a port written `8080`, `8080/tcp` or
    /// `53/udp` (compose short syntax, `EXPOSE`).
    pub fn number_and_tcp(text: &str) -> (Option<u32>, bool) {
        let (number, protocol) = text.split_once('/').unwrap_or((text, "tcp"));
        (number.parse().ok(), protocol.eq_ignore_ascii_case("tcp"))
    }
}

/// The command a container runs.
///
/// `command` is what replaces the image's entrypoint (Kubernetes `command`, Dockerfile
/// ENTRYPOINT) and `args` what follows it (Kubernetes `args`, Dockerfile CMD). Words
/// carry exact spans. Dockerfile shell form is split into words by the shell splitter and
/// marked with `shell_form`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerCommand {
    pub command: Vec<Word>,
    pub args: Vec<Word>,
    /// The instruction or key the command was written at (whole `CMD ...` line,
    /// `command:` value), for findings about the command as a whole.
    pub span: Option<Span>,
}

/// A security context: Kubernetes `securityContext` (container or pod level), or the
/// compose service settings that mean the same. Each value with its span.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecurityContext {
    /// The `securityContext:` key (Kubernetes), for findings about the context itself.
    pub key_span: Option<Span>,
    /// The context was written by a template (Helm `toYaml`): its settings are unknown.
    pub unknown: bool,
    /// `privileged` (Kubernetes container level; compose `privileged:`).
    pub privileged: Option<Spanned<bool>>,
    /// `allowPrivilegeEscalation` (Kubernetes container level).
    pub allow_privilege_escalation: Option<Spanned<bool>>,
    /// `runAsUser` (Kubernetes; compose `user: 0`/`root` is read into this too).
    pub run_as_user: Option<Spanned<i64>>,
    /// `runAsNonRoot` (Kubernetes).
    pub run_as_non_root: Option<Spanned<bool>>,
    /// `capabilities.add` (Kubernetes) / `cap_add` (compose), each capability as
    /// written (`NET_ADMIN`, `CAP_SYS_ADMIN`, `ALL`).
    pub capabilities_add: Vec<Spanned<String>>,
}

/// Host namespaces a pod (or compose service) shares: Kubernetes pod `hostNetwork`,
/// `hostPID`, `hostIPC`; compose `network_mode: host`, `pid: host`, `ipc: host`. Each
/// set only when switched on, with the span of the value that switches it on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostNamespaces {
    pub network: Option<Span>,
    pub pid: Option<Span>,
    pub ipc: Option<Span>,
}

/// Resource limits and requests. Kubernetes `resources.limits/requests`; compose
/// `deploy.resources.limits/reservations` (and the legacy `mem_limit`, `cpus`,
/// `mem_reservation`). Values as written (`512Mi`, `0.5`, `"1g"`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources {
    /// The `resources:` key (Kubernetes) or `deploy:` key (compose), when written.
    pub key_span: Option<Span>,
    /// Some of it was written by a template (Helm `toYaml .Values.resources`), or
    /// could come from a YAML merge key: unknown, never missing.
    pub unknown: bool,
    pub limits_memory: Option<Spanned<String>>,
    pub limits_cpu: Option<Spanned<String>>,
    pub requests_memory: Option<Spanned<String>>,
    pub requests_cpu: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerSpec {
    pub origin: ContainerOrigin,
    pub name: Option<String>,
    /// Where findings about something *absent* from the container point: the span of
    /// the container's `name` value (Kubernetes), the service key (compose), or the
    /// final FROM instruction (Dockerfile).
    pub anchor: Span,
    pub image: Option<Spanned<String>>,
    pub command: ContainerCommand,
    pub env: Vec<EnvVar>,
    pub ports: Vec<Port>,
    /// Kubernetes `readinessProbe`. For compose, the service's `healthcheck:` (the
    /// signal compose uses for readiness: `depends_on: condition: service_healthy`);
    /// `healthcheck: {disable: true}` leaves it `None`.
    pub readiness_probe: Option<Probe>,
    pub liveness_probe: Option<Probe>,
    pub startup_probe: Option<Probe>,
    /// Container-level security context (Kubernetes container `securityContext`;
    /// compose `privileged`, `cap_add`, `user`).
    pub security: SecurityContext,
    /// Pod-level security context (Kubernetes `spec.securityContext`), copied into each
    /// container of the pod; empty for compose.
    pub pod_security: SecurityContext,
    /// Host namespaces the pod / service shares.
    pub host: HostNamespaces,
    /// The user the process runs as, as written (compose `user:`).
    pub user: Option<Spanned<String>>,
    pub resources: Resources,
    /// Compose `restart:` (or `deploy.restart_policy:`), the value as written (the key
    /// span for `deploy.restart_policy`). Always `None` for Kubernetes, where the pod's
    /// `restartPolicy` is not a container property.
    pub restart: Option<Spanned<String>>,
    /// How long the platform waits after SIGTERM before killing the process, in seconds:
    /// Kubernetes pod `terminationGracePeriodSeconds`, compose `stop_grace_period`.
    /// `None` when not written (the platform default applies) or not literal.
    pub stop_grace_seconds: Option<Spanned<i64>>,
    /// The command (or part of it) was written by a template (Helm `{{ }}`), so what
    /// runs is unknown: command rules must not conclude from its absence.
    pub command_unknown: bool,
    /// The command is shell form (Dockerfile `CMD gunicorn ...`): `/bin/sh -c` runs it.
    /// Compose string commands are split into words by compose itself, not a shell, so
    /// they are not shell form.
    pub shell_form: bool,
    /// Settings may come from somewhere the model cannot see (compose `<<:` merge keys
    /// or `extends:`, Helm `include`/`toYaml` lines inside the container): rules about
    /// something *absent* must stay silent.
    pub partially_known: bool,
    /// The project builds this image or sets its tag when it deploys (skaffold, kustomize
    /// `images:`, Tilt, compose `build:`, `docker build -t` in CI): the tag written
    /// here is not what runs. Set from the deployment model.
    pub tagged_at_deploy: bool,
    /// Another container of the same file or stack runs this image's repository at a
    /// pinned tag: the moving tag here is an oversight, not a choice.
    pub pinned_elsewhere: bool,
    /// An earlier container of the same pod (its main one comes first) has a readiness
    /// probe: the pod, and so the Services routing to it, wait for that one (Kubernetes).
    pub pod_gated_by_sibling: bool,
    /// Every (non-init) container of the pod sets a memory limit, or has its resources
    /// written by a template (Kubernetes).
    pub pod_containers_sized: bool,
    /// The pod's labels and namespace (Kubernetes), for the Services that select it;
    /// `None` labels when a template writes any of them.
    pub pod_labels: Option<std::collections::BTreeMap<String, String>>,
    pub pod_namespace: Option<String>,
    /// A Service of the project selects the pod, or may (a templated selector), or
    /// it declares a port: traffic can reach it, so its readiness matters. Set from the
    /// deployment model; true until known otherwise.
    pub may_take_traffic: bool,
}

impl ContainerSpec {
    pub fn new(origin: ContainerOrigin, anchor: Span) -> Self {
        ContainerSpec {
            origin,
            name: None,
            anchor,
            image: None,
            command: ContainerCommand::default(),
            env: Vec::new(),
            ports: Vec::new(),
            readiness_probe: None,
            liveness_probe: None,
            startup_probe: None,
            security: SecurityContext::default(),
            pod_security: SecurityContext::default(),
            host: HostNamespaces::default(),
            user: None,
            resources: Resources::default(),
            restart: None,
            stop_grace_seconds: None,
            command_unknown: false,
            shell_form: false,
            partially_known: false,
            tagged_at_deploy: false,
            pinned_elsewhere: false,
            pod_gated_by_sibling: false,
            pod_containers_sized: false,
            pod_labels: None,
            pod_namespace: None,
            may_take_traffic: true,
        }
    }

    /// A container a deployment runs (Kubernetes, compose), as opposed to the image
    /// a Dockerfile builds.
    pub fn is_deployed(&self) -> bool {
        !matches!(self.origin, ContainerOrigin::Dockerfile)
    }

    /// The workload it belongs to, for messages — the one place every deploy rule takes
    /// it from: `Deployment `orders`, container `api`` (kind, `metadata.name` when
    /// literal, container name), `compose service `web``, `the image`.
    pub fn describe(&self) -> String {
        let name = self.name.as_deref().unwrap_or("(unnamed)");
        match &self.origin {
            ContainerOrigin::Kubernetes {
                workload_kind,
                workload_name,
                ..
            } => match workload_name {
                Some(workload) => {
                    format!("{workload_kind} `{workload}`, container `{name}`")
                }
                None => format!("{workload_kind}, container `{name}`"),
            },
            ContainerOrigin::Compose { service, .. } => format!("compose service `{service}`"),
            ContainerOrigin::Dockerfile => "the image".to_string(),
        }
    }

    /// A container that runs to completion (init containers, Jobs, CronJobs) rather than
    /// serving: probe rules do not apply to it.
    pub fn is_run_to_completion(&self) -> bool {
        matches!(
            self.origin,
            ContainerOrigin::Kubernetes { init: true, .. }
                | ContainerOrigin::Kubernetes { one_shot: true, .. }
                | ContainerOrigin::Compose { one_shot: true, .. }
        )
    }

    /// A service of a compose stack that does not say a server runs it: rules about
    /// what a production deployment must add, or must not allow, stay silent on it.
    pub fn in_local_stack(&self) -> bool {
        matches!(
            self.origin,
            ContainerOrigin::Compose {
                deployed: false,
                ..
            }
        )
    }

    /// All words the container runs, entrypoint then arguments.
    pub fn command_words(&self) -> impl Iterator<Item = &Word> {
        self.command.command.iter().chain(self.command.args.iter())
    }
}

/// A YAML scalar's literal text with its span (see [`crate::lang::yaml::Node::literal`]);
/// the way Kubernetes and compose values enter the container model.
pub fn spanned_literal(node: &crate::lang::yaml::Node) -> Option<Spanned<String>> {
    node.literal()
        .map(|text| Spanned::new(text.to_string(), node.span))
}
