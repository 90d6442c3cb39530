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
    Compose { service: String },
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// The span of the probe's key (`readinessProbe:`), for findings about the probe.
    pub key_span: Span,
    pub action: ProbeAction,
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
    pub span: Span,
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
    pub readiness_probe: Option<Probe>,
    pub liveness_probe: Option<Probe>,
    pub startup_probe: Option<Probe>,
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
        }
    }

    /// A container that runs to completion (init containers, Jobs, CronJobs) rather than
    /// serving: probe rules do not apply to it.
    pub fn is_run_to_completion(&self) -> bool {
        matches!(
            self.origin,
            ContainerOrigin::Kubernetes { init: true, .. }
                | ContainerOrigin::Kubernetes { one_shot: true, .. }
        )
    }

    /// All words the container runs, entrypoint then arguments.
    pub fn command_words(&self) -> impl Iterator<Item = &Word> {
        self.command.command.iter().chain(self.command.args.iter())
    }
}
