//! Kubernetes manifests as rules see them: the objects of a YAML stream (List items
//! unpacked), the pod spec each workload carries, and its containers as the shared
//! [`ContainerSpec`] model.
//!
//! Templated values (Helm `{{ ... }}`) are unknown, never missing: a probe whose body a
//! template wrote is still a probe (`ProbeAction::Unknown`), an image a template wrote is
//! `None` (image rules cannot judge it), a container list a template wrote yields no
//! containers.

use crate::diagnostic::Anchor;
use crate::lang::shell::Word;
use crate::lang::yaml::{Node, NodeValue, YamlStream};
use crate::model::container::{
    ContainerCommand, ContainerOrigin, ContainerSpec, EnvVar, HostNamespaces, Port, Probe,
    ProbeAction, Resources, SecurityContext, Spanned, spanned_literal,
};
use crate::model::facts::{AutoscalerFact, BudgetFact, KubernetesFacts, WorkloadFact};
use crate::source::{SourceFile, Span};
use std::collections::BTreeMap;

/// One Kubernetes object: a document (or an item of a `List`) with `apiVersion` and a
/// literal `kind`.
#[derive(Debug, Clone, PartialEq)]
pub struct Object<'a> {
    pub kind: String,
    /// The span of the `kind` value.
    pub kind_span: Span,
    /// `None` when a template wrote it.
    pub api_version: Option<String>,
    /// `metadata.name`, when literal.
    pub name: Option<String>,
    /// The span of the `metadata.name` value, when present.
    pub name_span: Option<Span>,
    /// `metadata.namespace`, when literal.
    pub namespace: Option<String>,
    /// The object's mapping.
    pub node: &'a Node,
    /// The object's source (its mapping's span).
    pub span: Span,
    /// Index of the document holding the object in `YamlStream::documents`.
    pub document: usize,
}

impl<'a> Object<'a> {
    /// `metadata`, when it is there.
    pub fn metadata(&self) -> Option<&'a Node> {
        self.node.get("metadata")
    }

    /// Runs to completion and never serves: Jobs and CronJobs, bare Pods that are not
    /// restarted when they exit (`restartPolicy: Never`/`OnFailure`), and Helm and Argo CD
    /// hooks (`helm test` pods, install/upgrade hooks, PreSync/PostSync hooks) which the
    /// deploy tool runs once and waits on.
    pub fn is_one_shot(&self) -> bool {
        if matches!(self.kind.as_str(), "Job" | "CronJob") {
            return true;
        }
        let annotations = self.metadata().and_then(|m| m.get("annotations"));
        let hooked = ["helm.sh/hook", "argocd.argoproj.io/hook"]
            .iter()
            .any(|key| annotations.is_some_and(|a| a.get(key).is_some()));
        let not_restarted = self.kind == "Pod"
            && matches!(
                self.node
                    .get_path(&["spec", "restartPolicy"])
                    .and_then(Node::as_str),
                Some("Never" | "OnFailure")
            );
        hooked || not_restarted
    }
}

/// A workload: an object carrying a pod spec, with its containers.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload<'a> {
    pub object: Object<'a>,
    /// The pod spec mapping (`spec`, `spec.template.spec`, ...).
    pub pod_spec: &'a Node,
    /// Init containers first, then the app containers, each in source order.
    pub containers: Vec<Container<'a>>,
}

/// A container of a workload: the shared model plus its mapping, for rules that read
/// what the shared model leaves out (resources, securityContext).
#[derive(Debug, Clone, PartialEq)]
pub struct Container<'a> {
    pub spec: ContainerSpec,
    pub node: &'a Node,
}

/// A Kubernetes file as the manifest rules see it: its objects and its containers.
pub struct Manifest<'a> {
    pub stream: &'a YamlStream,
    pub objects: Vec<Object<'a>>,
    /// Every container of every workload (init containers included), see
    /// [`containers_in`].
    pub containers: Vec<ContainerSpec>,
}

impl<'a> Manifest<'a> {
    pub fn new(stream: &'a YamlStream, text: &str) -> Self {
        Manifest {
            stream,
            objects: objects(stream),
            containers: containers_in(stream, text),
        }
    }

    /// What the file tells rules over the whole set of manifests; `None` when nothing.
    pub fn facts(&self, file: &SourceFile) -> Option<KubernetesFacts> {
        let mut facts = KubernetesFacts::default();
        for object in &self.objects {
            match object.kind.as_str() {
                "Deployment" | "StatefulSet" => {
                    let Some(replicas) = object.node.get_path(&["spec", "replicas"]) else {
                        continue;
                    };
                    let Some(count) = replicas.as_i64() else {
                        continue;
                    };
                    let pod_labels = match object
                        .node
                        .get_path(&["spec", "template", "metadata", "labels"])
                    {
                        Some(labels) => literal_map(labels),
                        None => Some(BTreeMap::new()),
                    };
                    facts.workloads.push(WorkloadFact {
                        kind: object.kind.clone(),
                        name: object.name.clone(),
                        namespace: object.namespace.clone(),
                        replicas: count,
                        anchor: Anchor::new(file, replicas.span),
                        pod_labels,
                    });
                }
                "HorizontalPodAutoscaler" | "ScaledObject" => {
                    let target = object.node.get_path(&["spec", "scaleTargetRef"]);
                    let field = |key: &str| {
                        target
                            .and_then(|t| t.get(key))
                            .and_then(Node::literal)
                            .map(str::to_string)
                    };
                    facts.autoscalers.push(AutoscalerFact {
                        target_kind: field("kind"),
                        target_name: field("name"),
                        namespace: object.namespace.clone(),
                    });
                }
                "PodDisruptionBudget" => {
                    let selector = object.node.get_path(&["spec", "selector"]);
                    let match_labels = selector
                        .filter(|s| s.get("matchExpressions").is_none())
                        .and_then(|s| s.get("matchLabels"))
                        .and_then(literal_map);
                    facts.disruption_budgets.push(BudgetFact {
                        namespace: object.namespace.clone(),
                        match_labels,
                    });
                }
                _ => {}
            }
        }
        (!facts.is_empty()).then_some(facts)
    }
}

/// A mapping of literal strings; `None` when any key or value is templated or the
/// mapping is not one (its content is unknown).
pub fn literal_map(node: &Node) -> Option<BTreeMap<String, String>> {
    node.as_map()?
        .iter()
        .map(|(key, value)| Some((key.as_str()?.to_string(), value.as_str()?.to_string())))
        .collect()
}

/// Nesting of `List`s followed (a List of Lists is legal, deeper is absurd).
const MAX_LIST_DEPTH: usize = 4;

/// Every object of the stream, in document order; items of a `List` (any `kind` ending in
/// `List` with an `items` sequence) in place of the list.
pub fn objects(stream: &YamlStream) -> Vec<Object<'_>> {
    let mut found = Vec::new();
    for (index, document) in stream.documents.iter().enumerate() {
        if let Some(root) = &document.root {
            collect_objects(root, index, 0, &mut found);
        }
    }
    found
}

fn collect_objects<'a>(node: &'a Node, document: usize, depth: usize, found: &mut Vec<Object<'a>>) {
    let Some(object) = object_of(node, document) else {
        return;
    };
    let items = node.get("items").and_then(Node::as_seq);
    match items {
        Some(items) if object.kind.ends_with("List") && depth < MAX_LIST_DEPTH => {
            for item in items {
                collect_objects(item, document, depth + 1, found);
            }
        }
        _ => found.push(object),
    }
}

fn object_of(node: &Node, document: usize) -> Option<Object<'_>> {
    let api_version = node.get("apiVersion")?;
    let kind_node = node.get("kind")?;
    let kind = kind_node.as_str().filter(|kind| !kind.is_empty())?;
    let metadata = node.get("metadata");
    let name_node = metadata.and_then(|metadata| metadata.get("name"));
    Some(Object {
        kind: kind.to_string(),
        kind_span: kind_node.span,
        api_version: api_version.as_str().map(str::to_string),
        name: name_node.and_then(Node::literal).map(str::to_string),
        name_span: name_node.map(|name| name.span),
        namespace: metadata
            .and_then(|metadata| metadata.get("namespace"))
            .and_then(Node::literal)
            .map(str::to_string),
        node,
        span: node.span,
        document,
    })
}

/// The pod spec an object carries: `spec` of a Pod, `spec.template.spec` of the
/// workload controllers (and of any other kind whose `spec.template.spec` has
/// `containers`, such as Argo Rollouts or Knative Services),
/// `spec.jobTemplate.spec.template.spec` of a CronJob, `template.spec` of a PodTemplate.
pub fn pod_spec_node<'a>(object: &Object<'a>) -> Option<&'a Node> {
    let node = object.node;
    let pod_spec = match object.kind.as_str() {
        "Pod" => node.get("spec"),
        "CronJob" => node.get_path(&["spec", "jobTemplate", "spec", "template", "spec"]),
        "PodTemplate" => node.get_path(&["template", "spec"]),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => node.get_path(&["spec", "template", "spec"]),
        _ => node
            .get_path(&["spec", "template", "spec"])
            .filter(|spec| spec.get("containers").is_some()),
    };
    pod_spec.filter(|spec| spec.as_map().is_some())
}

/// Every object with a pod spec, with its containers.
pub fn workloads(stream: &YamlStream) -> Vec<Workload<'_>> {
    objects(stream)
        .into_iter()
        .filter_map(|object| {
            let pod_spec = pod_spec_node(&object)?;
            let containers = pod_containers(&object, pod_spec);
            Some(Workload {
                object,
                pod_spec,
                containers,
            })
        })
        .collect()
}

/// The containers of every workload of the stream, init containers included.
pub fn containers(stream: &YamlStream) -> Vec<ContainerSpec> {
    workloads(stream)
        .into_iter()
        .flat_map(|workload| {
            workload
                .containers
                .into_iter()
                .map(|container| container.spec)
        })
        .collect()
}

/// The containers of every workload, with what templates hide marked: a container whose
/// mapping holds a Helm `include`/`toYaml`/`tpl` action on a line of its own (keys the
/// model cannot see) is `partially_known`. `text` is the file the stream was parsed from.
pub fn containers_in(stream: &YamlStream, text: &str) -> Vec<ContainerSpec> {
    workloads(stream)
        .into_iter()
        .flat_map(|workload| workload.containers)
        .map(|container| {
            let mut spec = container.spec;
            let span = container.node.span;
            spec.partially_known |= stream
                .template_actions
                .iter()
                .any(|action| within_container(text, span, *action) && hides_keys(text, *action));
            spec
        })
        .collect()
}

/// Is the action inside the container's mapping: within its span, or after it on lines
/// indented at least as deep as the container's keys (an action on the last lines of a
/// container is past the span of its last parsed value)?
fn within_container(text: &str, container: Span, action: Span) -> bool {
    if action.start < container.start {
        return false;
    }
    if action.end <= container.end {
        return true;
    }
    let indent_of = |offset: usize| {
        let before = text.get(..offset).unwrap_or("");
        offset - before.rfind('\n').map_or(0, |i| i + 1)
    };
    let column = indent_of(container.start);
    let Some(between) = text.get(container.end..action.start) else {
        return false;
    };
    // Every line from the container's end to the action belongs to the container.
    between
        .split('\n')
        .skip(1)
        .all(|line| line.trim().is_empty() || line.len() - line.trim_start().len() >= column)
}

/// A template action alone on its line that writes YAML (`{{- include ... | nindent }}`,
/// `{{ toYaml .Values.extra }}`), as opposed to control flow (`if`, `end`, `with`).
fn hides_keys(text: &str, action: Span) -> bool {
    let Some(source) = text.get(action.start..action.end) else {
        return false;
    };
    let before = text.get(..action.start).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let alone = before[line_start..].trim().is_empty();
    // Right under `resources:` it is that key's value, which the parser already reads
    // as templated; only an action that writes keys of its own hides something.
    let value_of_key = before[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .is_some_and(|line| line.ends_with(':'));
    alone
        && !value_of_key
        && ["include", "toYaml", "tpl"]
            .iter()
            .any(|f| source.contains(f))
}

fn pod_containers<'a>(object: &Object<'a>, pod_spec: &'a Node) -> Vec<Container<'a>> {
    let mut found = Vec::new();
    let pod_security = security_context(pod_spec);
    let host = HostNamespaces {
        network: true_flag(pod_spec, "hostNetwork"),
        pid: true_flag(pod_spec, "hostPID"),
        ipc: true_flag(pod_spec, "hostIPC"),
    };
    // A bare Pod's own labels, else the pod template's (which sits next to its spec).
    let labels_path: &[&str] = if object.kind == "Pod" {
        &["metadata", "labels"]
    } else {
        &["spec", "template", "metadata", "labels"]
    };
    let pod_labels = match object.node.get_path(labels_path) {
        Some(labels) => literal_map(labels),
        None => Some(BTreeMap::new()),
    };
    let stop_grace_seconds = pod_spec
        .get("terminationGracePeriodSeconds")
        .and_then(|value| value.as_i64().map(|n| Spanned::new(n, value.span)));
    for (key, init) in [("initContainers", true), ("containers", false)] {
        let Some(list) = pod_spec.get(key).and_then(Node::as_seq) else {
            continue;
        };
        for node in list.iter().filter(|node| node.as_map().is_some()) {
            let origin = ContainerOrigin::Kubernetes {
                workload_kind: object.kind.clone(),
                workload_name: object.name.clone(),
                init,
                one_shot: object.is_one_shot(),
            };
            let mut spec = container_spec(node, origin);
            // `<<: *base` merges keys this model does not follow (kubectl does): what
            // the container lacks is then not known, as for a compose service.
            spec.partially_known |= node.get("<<").is_some();
            spec.pod_security = pod_security.clone();
            spec.host = host.clone();
            spec.stop_grace_seconds = stop_grace_seconds.clone();
            spec.pod_labels = pod_labels.clone();
            spec.pod_namespace = object.namespace.clone();
            found.push(Container { spec, node });
        }
    }
    // A pod is Ready when all its containers are: the main container's readiness probe
    // gates the sidecars after it. The first container is the main one by convention
    // (kubectl's default); a probe on a sidecar does not gate an unprobed main container,
    // which then takes traffic before it can serve.
    let main = |c: &Container| {
        matches!(
            c.spec.origin,
            ContainerOrigin::Kubernetes { init: false, .. }
        )
    };
    let probed: Vec<bool> = found
        .iter()
        .map(|c| main(c) && c.spec.readiness_probe.is_some())
        .collect();
    let sized = found
        .iter()
        .filter(|c| main(c))
        .all(|c| c.spec.resources.limits_memory.is_some() || c.spec.resources.unknown);
    for (i, container) in found.iter_mut().enumerate() {
        container.spec.pod_gated_by_sibling = probed[..i].iter().any(|&probed| probed);
        container.spec.pod_containers_sized = sized;
    }
    found
}

/// The shared container model of one container mapping.
pub fn container_spec(node: &Node, origin: ContainerOrigin) -> ContainerSpec {
    let name = node.get("name");
    let image = node.get("image");
    // Where findings about an absent setting point: the name, else the image, else
    // the whole container.
    let anchor = name
        .filter(|name| !name.span.is_empty())
        .or(image.filter(|image| !image.span.is_empty()))
        .map_or(node.span, |anchor| anchor.span);
    let mut spec = ContainerSpec::new(origin, anchor);
    spec.name = name.and_then(Node::literal).map(str::to_string);
    spec.image = image.and_then(spanned_literal);
    spec.command = container_command(node);
    spec.env = node
        .get("env")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(env_var)
        .collect();
    spec.ports = node
        .get("ports")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(port)
        .collect();
    spec.readiness_probe = probe(node, "readinessProbe");
    spec.liveness_probe = probe(node, "livenessProbe");
    spec.startup_probe = probe(node, "startupProbe");
    spec.security = security_context(node);
    spec.resources = resources(node);
    spec.command_unknown = ["command", "args"].iter().any(|key| {
        node.get(key).is_some_and(|value| {
            value.is_templated()
                || value
                    .as_seq()
                    .unwrap_or_default()
                    .iter()
                    .any(Node::is_templated)
        })
    });
    spec
}

/// A `securityContext` (container or pod level) of `owner`.
fn security_context(owner: &Node) -> SecurityContext {
    let Some((key, context)) = owner.get_entry("securityContext") else {
        return SecurityContext::default();
    };
    let flag = |name: &str| {
        context
            .get(name)
            .and_then(|value| value.as_bool().map(|b| Spanned::new(b, value.span)))
    };
    SecurityContext {
        key_span: Some(key.span),
        unknown: context.is_templated(),
        privileged: flag("privileged"),
        allow_privilege_escalation: flag("allowPrivilegeEscalation"),
        run_as_user: context
            .get("runAsUser")
            .and_then(|value| value.as_i64().map(|n| Spanned::new(n, value.span))),
        run_as_non_root: flag("runAsNonRoot"),
        capabilities_add: context
            .get_path(&["capabilities", "add"])
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(spanned_literal)
            .collect(),
    }
}

/// The span of `key`'s value when it is literally true.
fn true_flag(owner: &Node, key: &str) -> Option<Span> {
    owner
        .get(key)
        .filter(|value| value.as_bool() == Some(true))
        .map(|value| value.span)
}

fn resources(container: &Node) -> Resources {
    let Some((key, body)) = container.get_entry("resources") else {
        return Resources::default();
    };
    let value =
        |section: &str, name: &str| body.get_path(&[section, name]).and_then(spanned_literal);
    let unknown = body.is_templated()
        || ["limits", "requests"]
            .iter()
            .any(|section| body.get(section).is_some_and(Node::is_templated))
        || ["limits", "requests"].iter().any(|section| {
            ["memory", "cpu"].iter().any(|name| {
                body.get_path(&[section, name])
                    .is_some_and(Node::is_templated)
            })
        });
    Resources {
        key_span: Some(key.span),
        unknown,
        limits_memory: value("limits", "memory"),
        limits_cpu: value("limits", "cpu"),
        requests_memory: value("requests", "memory"),
        requests_cpu: value("requests", "cpu"),
    }
}

fn container_command(node: &Node) -> ContainerCommand {
    let command = node.get("command");
    let args = node.get("args");
    let span = match (command, args) {
        (Some(command), Some(args)) => Some(command.span.cover(args.span)),
        (Some(only), None) | (None, Some(only)) => Some(only.span),
        (None, None) => None,
    };
    ContainerCommand {
        command: command.map(words).unwrap_or_default(),
        args: args.map(words).unwrap_or_default(),
        span,
    }
}

/// The items of a command sequence as words: one word per scalar item, its text the
/// scalar's value. A templated item keeps its source text (`--port={{ .Values.port }}`),
/// so a rule sees the flag even when its value is unknown.
fn words(node: &Node) -> Vec<Word> {
    node.as_seq()
        .unwrap_or_default()
        .iter()
        .filter_map(|item| match &item.value {
            NodeValue::Scalar { text, .. } => Some(Word::new(text.clone(), item.span)),
            NodeValue::Templated { source } => Some(Word::new(unquote(source), item.span)),
            _ => None,
        })
        .collect()
}

fn env_var(item: &Node) -> Option<EnvVar> {
    let name = item.get("name").and_then(spanned_literal)?;
    Some(EnvVar {
        name,
        value: item.get("value").and_then(spanned_literal),
        from_reference: item.get("valueFrom").is_some(),
    })
}

fn port(item: &Node) -> Option<Port> {
    item.as_map()?;
    Some(Port {
        name: item.get("name").and_then(Node::literal).map(str::to_string),
        number: item
            .get("containerPort")
            .and_then(Node::as_i64)
            .and_then(|number| u32::try_from(number).ok()),
        tcp: item
            .get("protocol")
            .and_then(Node::literal)
            .is_none_or(|protocol| protocol.eq_ignore_ascii_case("TCP")),
        span: item.span,
    })
}

fn probe(container: &Node, key: &str) -> Option<Probe> {
    let (key_node, body) = container.get_entry(key)?;
    // `readinessProbe: null` sets nothing: the container has no probe.
    if body.is_null() {
        return None;
    }
    let mut timing: Vec<(String, String)> = body
        .as_map()
        .unwrap_or_default()
        .iter()
        .filter_map(|(key, value)| {
            let key = key.as_str()?;
            if matches!(key, "httpGet" | "tcpSocket" | "exec" | "grpc") {
                return None;
            }
            let value = match &value.value {
                NodeValue::Scalar { text, .. } => text.clone(),
                NodeValue::Templated { source } => source.clone(),
                _ => return None,
            };
            Some((key.to_string(), value))
        })
        .collect();
    timing.sort();
    Some(Probe {
        key_span: key_node.span,
        action: probe_action(body),
        timing,
    })
}

fn probe_action(body: &Node) -> ProbeAction {
    if let Some(http) = body.get("httpGet") {
        return ProbeAction::Http {
            path: http.get("path").and_then(spanned_literal),
            port: http.get("port").and_then(spanned_literal),
        };
    }
    if let Some(tcp) = body.get("tcpSocket") {
        return ProbeAction::Tcp {
            port: tcp.get("port").and_then(spanned_literal),
        };
    }
    if let Some(exec) = body.get("exec") {
        return ProbeAction::Exec {
            command: exec.get("command").map(words).unwrap_or_default(),
        };
    }
    if let Some(grpc) = body.get("grpc") {
        return ProbeAction::Grpc {
            port: grpc.get("port").and_then(spanned_literal),
        };
    }
    ProbeAction::Unknown
}

/// Template source text without the quotes of a quoted scalar (`"{{ .x }}"`).
fn unquote(source: &str) -> String {
    for quote in ['"', '\''] {
        if let Some(inner) = source
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner.to_string();
        }
    }
    source.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::yaml::parse;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    fn texts(words: &[Word]) -> Vec<&str> {
        words.iter().map(|word| word.text.as_str()).collect()
    }

    const DEPLOYMENT: &str = r#"# Déploiement — commentaire non-ASCII ☃
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  replicas: 2
  template:
    spec:
      initContainers:
        - name: migrate
          image: app:1.0
          command: ["python", "manage.py", "migrate"]
      containers:
        # conteneur principal — ü
        - name: wëb
          image: "registry/app:1.0"
          command:
            - gunicorn
          args: ["-b", '0.0.0.0:8000', app:app]
          env:
            - name: PASSWORD
              value: hunter22
            - name: TOKEN
              valueFrom:
                secretKeyRef: {name: s, key: k}
            - name: PORT
              value: 8000
          ports:
            - containerPort: 8000
              name: http
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
          livenessProbe:
            tcpSocket:
              port: 8000
          startupProbe:
            exec:
              command: [cat, /tmp/ready]
"#;

    #[test]
    fn deployment_containers_with_exact_spans() {
        let text = DEPLOYMENT;
        let stream = parse(text);
        assert_eq!(stream.error, None);
        let found = containers(&stream);
        assert_eq!(found.len(), 2);

        let init = &found[0];
        assert_eq!(init.name.as_deref(), Some("migrate"));
        assert!(init.is_run_to_completion());
        assert_eq!(
            init.origin,
            ContainerOrigin::Kubernetes {
                workload_kind: "Deployment".into(),
                workload_name: Some("web".into()),
                init: true,
                one_shot: false,
            }
        );
        assert_eq!(
            texts(&init.command.command),
            ["python", "manage.py", "migrate"]
        );

        let web = &found[1];
        assert!(!web.is_run_to_completion());
        assert_eq!(web.name.as_deref(), Some("wëb"));
        assert_eq!(slice(text, web.anchor), "wëb");
        let image = web.image.as_ref().unwrap();
        assert_eq!(image.value, "registry/app:1.0");
        assert_eq!(slice(text, image.span), "\"registry/app:1.0\"");

        assert_eq!(texts(&web.command.command), ["gunicorn"]);
        assert_eq!(slice(text, web.command.command[0].span), "gunicorn");
        assert_eq!(texts(&web.command.args), ["-b", "0.0.0.0:8000", "app:app"]);
        let spans: Vec<_> = web
            .command
            .args
            .iter()
            .map(|w| slice(text, w.span))
            .collect();
        assert_eq!(spans, ["\"-b\"", "'0.0.0.0:8000'", "app:app"]);
        assert_eq!(
            slice(text, web.command.span.unwrap()),
            "- gunicorn\n          args: [\"-b\", '0.0.0.0:8000', app:app]"
        );
        let all: Vec<_> = web.command_words().map(|w| w.text.as_str()).collect();
        assert_eq!(all, ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]);

        assert_eq!(web.env.len(), 3);
        assert_eq!(web.env[0].name.value, "PASSWORD");
        assert_eq!(slice(text, web.env[0].name.span), "PASSWORD");
        let value = web.env[0].value.as_ref().unwrap();
        assert_eq!(
            (value.value.as_str(), slice(text, value.span)),
            ("hunter22", "hunter22")
        );
        assert!(!web.env[0].from_reference);
        assert_eq!(web.env[1].value, None);
        assert!(web.env[1].from_reference);
        assert_eq!(
            web.env[2].value.as_ref().map(|v| v.value.as_str()),
            Some("8000")
        );

        assert_eq!(web.ports.len(), 1);
        assert_eq!(web.ports[0].number, Some(8000));
        assert_eq!(web.ports[0].name.as_deref(), Some("http"));
        assert_eq!(
            slice(text, web.ports[0].span),
            "containerPort: 8000\n              name: http"
        );

        let readiness = web.readiness_probe.as_ref().unwrap();
        assert_eq!(slice(text, readiness.key_span), "readinessProbe");
        let ProbeAction::Http { path, port } = &readiness.action else {
            panic!("http probe expected: {:?}", readiness.action);
        };
        let path = path.as_ref().unwrap();
        assert_eq!(
            (path.value.as_str(), slice(text, path.span)),
            ("/healthz", "/healthz")
        );
        assert_eq!(port.as_ref().unwrap().value, "http");

        let liveness = web.liveness_probe.as_ref().unwrap();
        assert_eq!(slice(text, liveness.key_span), "livenessProbe");
        let ProbeAction::Tcp { port: Some(port) } = &liveness.action else {
            panic!("tcp probe expected");
        };
        assert_eq!(
            (port.value.as_str(), slice(text, port.span)),
            ("8000", "8000")
        );

        let startup = web.startup_probe.as_ref().unwrap();
        let ProbeAction::Exec { command } = &startup.action else {
            panic!("exec probe expected");
        };
        assert_eq!(texts(command), ["cat", "/tmp/ready"]);
    }

    #[test]
    fn objects_and_workloads_carry_metadata_and_pod_spec() {
        let stream = parse(DEPLOYMENT);
        let found = objects(&stream);
        assert_eq!(found.len(), 1);
        let object = &found[0];
        assert_eq!(object.kind, "Deployment");
        assert_eq!(slice(DEPLOYMENT, object.kind_span), "Deployment");
        assert_eq!(object.api_version.as_deref(), Some("apps/v1"));
        assert_eq!(object.name.as_deref(), Some("web"));
        assert_eq!(slice(DEPLOYMENT, object.name_span.unwrap()), "web");
        assert_eq!(object.namespace.as_deref(), Some("prod"));
        assert_eq!(object.document, 0);
        assert!(slice(DEPLOYMENT, object.span).starts_with("apiVersion: apps/v1"));
        let workload = &workloads(&stream)[0];
        assert!(workload.pod_spec.get("containers").is_some());
        assert_eq!(workload.containers.len(), 2);
        assert!(workload.containers[1].node.get("readinessProbe").is_some());
        let replicas = object
            .node
            .get_path(&["spec", "replicas"])
            .and_then(Node::as_i64);
        assert_eq!(replicas, Some(2));
    }

    #[test]
    fn multi_document_file_with_pod_job_cronjob_and_podtemplate() {
        let text = "\
apiVersion: v1
kind: Service
metadata: {name: svc}
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata:
  name: single
spec:
  containers:
    - name: one
      image: busybox
---
apiVersion: batch/v1
kind: Job
metadata:
  name: once
spec:
  template:
    spec:
      containers:
        - name: job
          image: job:1
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: '0 0 * * *'
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: cron
              image: cron:1
---
apiVersion: v1
kind: PodTemplate
metadata:
  name: tpl
template:
  spec:
    containers:
      - name: templ
";
        let stream = parse(text);
        assert_eq!(stream.error, None);
        assert_eq!(objects(&stream).len(), 5);
        let found = containers(&stream);
        let summary: Vec<_> = found
            .iter()
            .map(|c| {
                let ContainerOrigin::Kubernetes {
                    workload_kind,
                    one_shot,
                    ..
                } = &c.origin
                else {
                    panic!("kubernetes origin expected");
                };
                (
                    c.name.as_deref().unwrap(),
                    workload_kind.as_str(),
                    *one_shot,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("one", "Pod", false),
                ("job", "Job", true),
                ("cron", "CronJob", true),
                ("templ", "PodTemplate", false)
            ]
        );
        assert!(found[2].is_run_to_completion());
        assert_eq!(slice(text, found[2].anchor), "cron");
        assert_eq!(found[3].image, None);
    }

    #[test]
    fn list_items_are_objects() {
        let text = "\
apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: db}
    spec:
      template:
        spec:
          containers: [{name: pg, image: 'postgres:16'}]
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: cfg}
";
        let stream = parse(text);
        let found = objects(&stream);
        let kinds: Vec<_> = found.iter().map(|o| o.kind.as_str()).collect();
        assert_eq!(kinds, ["StatefulSet", "ConfigMap"]);
        assert_eq!(
            slice(text, found[1].span),
            "apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: cfg}"
        );
        let found = containers(&stream);
        assert_eq!(found.len(), 1);
        assert_eq!(slice(text, found[0].anchor), "pg");
        assert_eq!(
            slice(text, found[0].image.as_ref().unwrap().span),
            "'postgres:16'"
        );
    }

    #[test]
    fn custom_kinds_with_a_pod_template_count() {
        let text = "\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  template:
    spec:
      containers:
        - image: app:2
---
apiVersion: example.com/v1
kind: Widget
spec:
  template:
    spec:
      color: blue
";
        let stream = parse(text);
        let found = workloads(&stream);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].object.kind, "Rollout");
        let container = &found[0].containers[0].spec;
        assert_eq!(container.name, None);
        // No name: the anchor falls back to the image value.
        assert_eq!(slice(text, container.anchor), "app:2");
    }

    #[test]
    fn malformed_document_after_a_valid_one() {
        let text = "\
apiVersion: v1
kind: Pod
metadata: {name: ok}
spec:
  containers:
    - name: fine
---
apiVersion: v1
kind: Pod
spec:
  containers: [{name: broken
";
        let stream = parse(text);
        assert!(stream.error.is_some());
        let found = containers(&stream);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name.as_deref(), Some("fine"));
    }

    #[test]
    fn helm_template_values_are_unknown_not_missing() {
        let text = r#"apiVersion: {{ include "common.capabilities.deployment.apiVersion" . }}
kind: Deployment
metadata:
  name: {{ include "chart.fullname" . }}
  labels:
    {{- include "chart.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          args:
            - --port={{ .Values.port }}
            - --workers
            - "{{ .Values.workers }}"
          env:
            {{- range $k, $v := .Values.env }}
            - name: {{ $k }}
              value: {{ $v | quote }}
            {{- end }}
            - name: MODE
              value: prod
          readinessProbe:
            {{- toYaml .Values.readinessProbe | nindent 12 }}
          livenessProbe:
            httpGet:
              path: {{ .Values.probePath }}
              port: http
          ports:
            - name: http
              containerPort: {{ .Values.service.port }}
"#;
        let stream = parse(text);
        assert_eq!(stream.error, None);
        assert!(stream.is_templated());
        let found = objects(&stream);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].api_version, None);
        assert_eq!(found[0].name, None);
        let found = containers(&stream);
        assert_eq!(found.len(), 1);
        let app = &found[0];
        assert_eq!(app.name, None);
        assert_eq!(slice(text, app.anchor), "{{ .Chart.Name }}");
        assert_eq!(app.image, None);
        assert_eq!(
            texts(&app.command.args),
            [
                "--port={{ .Values.port }}",
                "--workers",
                "{{ .Values.workers }}"
            ]
        );
        assert_eq!(
            slice(text, app.command.args[0].span),
            "--port={{ .Values.port }}"
        );
        let env: Vec<_> = app.env.iter().map(|e| e.name.value.as_str()).collect();
        assert_eq!(env, ["MODE"]);
        let readiness = app.readiness_probe.as_ref().unwrap();
        assert_eq!(readiness.action, ProbeAction::Unknown);
        assert_eq!(slice(text, readiness.key_span), "readinessProbe");
        let liveness = app.liveness_probe.as_ref().unwrap();
        let ProbeAction::Http { path, port } = &liveness.action else {
            panic!("http probe expected");
        };
        assert_eq!(path, &None);
        assert_eq!(port.as_ref().unwrap().value, "http");
        assert_eq!(app.ports.len(), 1);
        assert_eq!(
            (app.ports[0].name.as_deref(), app.ports[0].number),
            (Some("http"), None)
        );
    }

    #[test]
    fn whole_container_list_templated_gives_no_containers_and_no_error() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        {{- toYaml .Values.containers | nindent 8 }}\n";
        let stream = parse(text);
        assert_eq!(stream.error, None);
        assert_eq!(workloads(&stream).len(), 1);
        assert!(containers(&stream).is_empty());
    }

    #[test]
    fn null_and_odd_shapes_do_not_count() {
        let text = "\
apiVersion: v1
kind: Pod
spec:
  containers:
    - name: a
      readinessProbe:
      livenessProbe: {}
      command: \"python app.py\"
      env: [oops, {value: x}]
      ports: [80]
    - just-a-string
---
kind: Pod
spec: {containers: [{name: no-api-version}]}
---
apiVersion: v1
kind: Pod
spec: oops
";
        let stream = parse(text);
        assert_eq!(stream.error, None);
        let found = containers(&stream);
        assert_eq!(found.len(), 1);
        let a = &found[0];
        assert_eq!(a.readiness_probe, None);
        assert_eq!(
            a.liveness_probe.as_ref().map(|p| &p.action),
            Some(&ProbeAction::Unknown)
        );
        assert!(a.command.command.is_empty());
        assert!(a.env.is_empty());
        assert!(a.ports.is_empty());
    }

    #[test]
    fn helm_create_deployment_parses_cleanly() {
        let text = r#"{{- if .Values.enabled -}}
{{- /* the chart's main workload */ -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "mychart.fullname" . }}
  labels:
    {{- include "mychart.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "mychart.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      {{- with .Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      labels:
        {{- include "mychart.labels" . | nindent 8 }}
    spec:
      serviceAccountName: {{ include "mychart.serviceAccountName" . }}
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ .Chart.Name }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .Values.service.port }}
              protocol: TCP
          livenessProbe:
            {{- toYaml .Values.livenessProbe | nindent 12 }}
          readinessProbe:
            {{- toYaml .Values.readinessProbe | nindent 12 }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          {{- with .Values.volumeMounts }}
          volumeMounts:
            {{- toYaml . | nindent 12 }}
          {{- end }}
{{- end }}
"#;
        let stream = parse(text);
        assert_eq!(stream.error, None);
        let found = workloads(&stream);
        assert_eq!(found.len(), 1);
        let workload = &found[0];
        assert!(
            workload
                .pod_spec
                .get("securityContext")
                .unwrap()
                .is_templated()
        );
        let replicas = workload
            .object
            .node
            .get_path(&["spec", "replicas"])
            .unwrap();
        assert!(replicas.is_templated());
        assert_eq!(slice(text, replicas.span), "{{ .Values.replicaCount }}");
        let container = &workload.containers[0];
        assert!(container.node.get("resources").unwrap().is_templated());
        let spec = &container.spec;
        assert_eq!(
            spec.readiness_probe.as_ref().map(|p| &p.action),
            Some(&ProbeAction::Unknown)
        );
        assert_eq!(
            spec.liveness_probe.as_ref().map(|p| &p.action),
            Some(&ProbeAction::Unknown)
        );
        assert_eq!(spec.ports[0].name.as_deref(), Some("http"));
    }
}
