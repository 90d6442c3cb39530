//! Compose layering: what `docker compose` itself does before it runs anything, so rules
//! judge the service that runs and not a fragment of it.
//!
//! - `<<: *anchor` merge keys (and plain `*alias` values) are expanded in place;
//! - `extends:` pulls in the service it names (in the same file or another one);
//! - an override file (`compose.override.yml`, a fragment such as
//!   `docker-compose.prod.yml` that only adjusts services of the base file) is merged
//!   onto its base with compose's merge rules: mappings merge key by key, the command,
//!   entrypoint and healthcheck test are replaced, `environment` and `labels` merge by
//!   variable, `volumes` by target, other lists append.
//!
//! Files of one stack are laid out one after another in one virtual text (see
//! [`StackText`]) so that every span of the merged tree is still exact; findings are
//! mapped back to the file and offset they came from.

use crate::lang::yaml::{Document, Node, NodeValue};
use crate::source::Span;

/// How many nodes expanding merge keys may copy in one file: a file of nested aliases
/// cannot make the expansion big (past the budget the service stays partially known).
const EXPANSION_BUDGET: usize = 20_000;
/// Deepest chain of aliases, merge keys and `extends:` followed.
const MAX_DEPTH: usize = 16;

/// Compose's canonical file names: the base a plain `docker compose up` reads.
pub const BASE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// The override a plain `docker compose up` merges onto `base_name` automatically.
pub fn is_override_of(name: &str, base_name: &str) -> bool {
    let (Some((stem, _)), Some((base_stem, _))) =
        (name.rsplit_once('.'), base_name.rsplit_once('.'))
    else {
        return false;
    };
    stem.strip_suffix(".override") == Some(base_stem)
        || (stem == "compose.override" && base_stem == "docker-compose")
        || (stem == "docker-compose.override" && base_stem == "compose")
}

/// Expands `<<:` merge keys and aliases in `node`, whose aliases point into `doc`.
/// `None` when an alias cannot be resolved or the budget runs out: what the service
/// holds is then not fully known.
pub fn expand(node: &Node, doc: &Document) -> Option<Node> {
    let mut budget = EXPANSION_BUDGET;
    expand_in(node, doc, &mut budget, 0)
}

fn expand_in(node: &Node, doc: &Document, budget: &mut usize, depth: usize) -> Option<Node> {
    *budget = budget.checked_sub(1)?;
    if depth > MAX_DEPTH {
        return None;
    }
    match &node.value {
        NodeValue::Alias { id, .. } => {
            let target = doc.anchored(*id)?;
            expand_in(target, doc, budget, depth + 1)
        }
        NodeValue::Sequence(items) => {
            let items = items
                .iter()
                .map(|item| expand_in(item, doc, budget, depth + 1))
                .collect::<Option<Vec<_>>>()?;
            Some(Node {
                value: NodeValue::Sequence(items),
                ..node.clone_shallow()
            })
        }
        NodeValue::Mapping(entries) => {
            let mut merged: Vec<(Node, Node)> = Vec::new();
            // Merged-in maps first: the first source that sets a key wins among them,
            // and the mapping's own keys win over all of them.
            for (_, value) in entries.iter().filter(|(k, _)| is_merge_key(k)) {
                let sources: Vec<&Node> = match &value.value {
                    NodeValue::Sequence(items) => items.iter().collect(),
                    _ => vec![value],
                };
                for source in sources {
                    let source = expand_in(source, doc, budget, depth + 1)?;
                    let NodeValue::Mapping(source_entries) = source.value else {
                        return None;
                    };
                    for (k, v) in source_entries {
                        if !merged.iter().any(|(m, _)| same_key(m, &k)) {
                            merged.push((k, v));
                        }
                    }
                }
            }
            for (key, value) in entries.iter().filter(|(k, _)| !is_merge_key(k)) {
                let value = expand_in(value, doc, budget, depth + 1)?;
                set_entry(&mut merged, key.clone(), value);
            }
            Some(Node {
                value: NodeValue::Mapping(merged),
                ..node.clone_shallow()
            })
        }
        _ => Some(node.clone()),
    }
}

fn is_merge_key(key: &Node) -> bool {
    key.as_str() == Some("<<")
}

fn same_key(a: &Node, b: &Node) -> bool {
    a.as_str().is_some() && a.as_str() == b.as_str()
}

/// Replaces the entry with `key`'s name, or appends it.
fn set_entry(entries: &mut Vec<(Node, Node)>, key: Node, value: Node) {
    match entries.iter_mut().find(|(k, _)| same_key(k, &key)) {
        Some(entry) => *entry = (key, value),
        None => entries.push((key, value)),
    }
}

impl Node {
    /// The node without its children (for rebuilding a collection).
    fn clone_shallow(&self) -> Node {
        Node {
            value: NodeValue::Sequence(Vec::new()),
            span: self.span,
            tag: self.tag.clone(),
            anchor: self.anchor,
        }
    }
}

/// Lists whose items replace the base's instead of joining them.
const REPLACED_LISTS: &[&str] = &["command", "entrypoint", "test", "dns_search"];
/// Lists of `KEY=VALUE` (or maps) merged by key.
const KEYED_LISTS: &[&str] = &[
    "environment",
    "labels",
    "extra_hosts",
    "sysctls",
    "annotations",
];

/// `over` merged onto `base` as compose merges an override onto a service (and a
/// service onto the one it `extends`). Spans stay those of the node each value came
/// from; the result's own span is the base's.
pub fn merge(base: &Node, over: &Node) -> Node {
    merge_at(base, over, "")
}

fn merge_at(base: &Node, over: &Node, key: &str) -> Node {
    match (&base.value, &over.value) {
        (NodeValue::Mapping(base_entries), NodeValue::Mapping(over_entries)) => {
            if KEYED_LISTS.contains(&key) {
                return merge_keyed(base, over);
            }
            let mut entries = base_entries.clone();
            for (k, v) in over_entries {
                let name = k.as_str().unwrap_or("");
                match entries.iter_mut().find(|(m, _)| same_key(m, k)) {
                    Some(entry) => {
                        let merged = merge_at(&entry.1, v, name);
                        *entry = (k.clone(), merged);
                    }
                    None => entries.push((k.clone(), v.clone())),
                }
            }
            Node {
                value: NodeValue::Mapping(entries),
                ..base.clone_shallow()
            }
        }
        (NodeValue::Sequence(base_items), NodeValue::Sequence(over_items)) => {
            if REPLACED_LISTS.contains(&key) {
                return over.clone();
            }
            if KEYED_LISTS.contains(&key) {
                return merge_keyed(base, over);
            }
            let identity: fn(&Node) -> Option<String> = if key == "volumes" {
                volume_target
            } else {
                |n: &Node| n.as_str().map(str::to_string)
            };
            replace_items(base, base_items, over_items, identity)
        }
        _ => over.clone(),
    }
}

/// A list merge: the base's items whose identity an override item has are dropped, the
/// override's items appended. Items without an identity are all kept.
fn replace_items(
    base: &Node,
    base_items: &[Node],
    over_items: &[Node],
    identity: impl Fn(&Node) -> Option<String>,
) -> Node {
    let mut items: Vec<Node> = base_items
        .iter()
        .filter(|b| {
            let id = identity(b);
            id.is_none() || !over_items.iter().any(|o| identity(o) == id)
        })
        .cloned()
        .collect();
    items.extend(over_items.iter().cloned());
    Node {
        value: NodeValue::Sequence(items),
        ..base.clone_shallow()
    }
}

/// `environment`-like settings, map or `KEY=VALUE` list: the override's variables
/// replace the base's of the same name.
fn merge_keyed(base: &Node, over: &Node) -> Node {
    fn name_of_item(item: &Node) -> Option<&str> {
        let text = item.as_str()?;
        Some(text.split_once('=').map_or(text, |(name, _)| name))
    }
    match (&base.value, &over.value) {
        (NodeValue::Sequence(base_items), NodeValue::Sequence(over_items)) => {
            replace_items(base, base_items, over_items, |item| {
                name_of_item(item).map(str::to_string)
            })
        }
        (NodeValue::Mapping(base_entries), NodeValue::Mapping(over_entries)) => {
            let mut entries = base_entries.clone();
            for (k, v) in over_entries {
                set_entry(&mut entries, k.clone(), v.clone());
            }
            Node {
                value: NodeValue::Mapping(entries),
                ..base.clone_shallow()
            }
        }
        // Written in different forms: the override's (the base's other variables are
        // not carried over; rare, and never a reason to report something absent).
        _ => over.clone(),
    }
}

/// The container path of a volume (`./src:/app:ro` → `/app`, `{target: /app}`).
fn volume_target(volume: &Node) -> Option<String> {
    if let Some(target) = volume.get("target").and_then(Node::as_str) {
        return Some(target.to_string());
    }
    let text = volume.as_str()?;
    let mut parts = text.split(':');
    let first = parts.next()?;
    Some(parts.next().unwrap_or(first).to_string())
}

/// Several files of one stack laid out in one text, each at its own offset, so the
/// spans of a merged tree are unambiguous: `locate` maps one back to its file.
#[derive(Debug, Clone, Default)]
pub struct StackText {
    pub text: String,
    /// (offset in `text`, the file's index in the caller's list), in offset order.
    parts: Vec<(usize, usize)>,
}

impl StackText {
    /// Appends a file's text; returns the offset its spans must be shifted by.
    pub fn push(&mut self, file: usize, text: &str) -> usize {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        // One blank byte between files, so that no span touches two of them.
        self.text.push('\n');
        let offset = self.text.len();
        self.text.push_str(text);
        self.parts.push((offset, file));
        offset
    }

    /// The offset of a file's text, if the stack holds it.
    pub fn offset_of(&self, file: usize) -> Option<usize> {
        self.parts.iter().find(|(_, f)| *f == file).map(|(o, _)| *o)
    }

    /// The file a span lies in, and the span relative to that file.
    pub fn locate(&self, span: Span) -> Option<(usize, Span)> {
        let index = self
            .parts
            .partition_point(|(offset, _)| *offset <= span.start);
        let (offset, file) = *self.parts.get(index.checked_sub(1)?)?;
        let end = self
            .parts
            .get(index)
            .map_or(self.text.len(), |(next, _)| *next);
        (span.end <= end).then(|| (file, Span::new(span.start - offset, span.end - offset)))
    }
}

/// Words in a compose file's name that say a server runs it (`compose.prod.yml`,
/// `docker-compose.deploy.yml`, `stack.yml` for `docker stack deploy`).
const DEPLOYMENT_NAME_PARTS: &[&str] = &[
    "prod",
    "production",
    "deploy",
    "deployment",
    "release",
    "live",
    "swarm",
    "stack",
];

/// Swarm `deploy:` settings: only a stack that is deployed sets them. (`resources` is
/// not one: plain `docker compose up` applies its limits, and quick starts set them.)
const DEPLOY_KEYS: &[&str] = &[
    "replicas",
    "placement",
    "update_config",
    "rollback_config",
    "restart_policy",
    "mode",
];

/// Does a compose stack say a server runs it? By a file's name, or by swarm `deploy:`
/// settings on a service. Returns what it saw. Without either, a compose file is a
/// local stack (a developer's, a quick start, a test environment): prodlint judges
/// what its services do, not the production settings they leave out.
pub fn declares_deployment(names: &[&str], services: &[(Node, Node)]) -> Option<&'static str> {
    let named = names.iter().any(|name| {
        let stem = name.rsplit_once('.').map_or(*name, |(stem, _)| stem);
        stem.to_ascii_lowercase()
            .split(['.', '-', '_'])
            .any(|part| DEPLOYMENT_NAME_PARTS.contains(&part))
    });
    if named {
        return Some("its file name says it is deployed");
    }
    let swarm = services.iter().any(|(_, body)| {
        body.get("deploy")
            .and_then(Node::as_map)
            .is_some_and(|deploy| {
                deploy
                    .iter()
                    .any(|(k, _)| k.as_str().is_some_and(|k| DEPLOY_KEYS.contains(&k)))
            })
    });
    if swarm {
        return Some("a service has `deploy:` settings");
    }
    let routed = services.iter().any(|(_, body)| routes_public_host(body));
    routed.then_some("a reverse proxy routes a host name to a service")
}

/// A service whose labels give Traefik a `Host(...)` rule: the stack serves a domain
/// from a server (local stacks publish ports instead).
fn routes_public_host(service: &Node) -> bool {
    let Some(labels) = service.get("labels") else {
        return false;
    };
    let is_host_rule = |key: &str, value: &str| {
        key.starts_with("traefik.http.routers.")
            && key.ends_with(".rule")
            && value.contains("Host(")
    };
    match &labels.value {
        NodeValue::Sequence(items) => items.iter().filter_map(Node::as_str).any(|label| {
            label
                .split_once('=')
                .is_some_and(|(key, value)| is_host_rule(key.trim(), value))
        }),
        NodeValue::Mapping(entries) => entries.iter().any(|(k, v)| {
            k.as_str()
                .zip(v.as_str())
                .is_some_and(|(key, value)| is_host_rule(key, value))
        }),
        _ => false,
    }
}

/// What an override file does that only local development wants: a reloader or a dev
/// server in a command, the source tree mounted into the container, a dev build
/// target, a debug switch. Returns what it saw, for `--show-files`.
pub fn development_signal(services: &[(Node, Node)]) -> Option<&'static str> {
    for (_, body) in services {
        let command_words: Vec<String> = ["command", "entrypoint"]
            .iter()
            .filter_map(|k| body.get(k))
            .flat_map(|n| -> Vec<String> {
                match &n.value {
                    NodeValue::Sequence(items) => items
                        .iter()
                        .filter_map(Node::as_str)
                        .map(str::to_string)
                        .collect(),
                    _ => n.as_str().map(str::to_string).into_iter().collect(),
                }
            })
            .collect();
        let command = command_words.join(" ");
        if [
            "--reload",
            "runserver",
            "flask run",
            "--debug",
            "npm run dev",
            "watch",
        ]
        .iter()
        .any(|w| command.contains(w))
        {
            return Some("the override runs a reloader or a development server");
        }
        let mounts_source = body
            .get("volumes")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .any(|v| {
                let source = v
                    .get("source")
                    .and_then(Node::as_str)
                    .or_else(|| v.as_str().and_then(|t| t.split(':').next()))
                    .unwrap_or("");
                source == "." || source.starts_with("./") || source.starts_with("../")
            });
        if mounts_source {
            return Some("the override mounts the source tree into the container");
        }
        let target = body
            .get("build")
            .and_then(|b| b.get("target"))
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        if ["dev", "debug", "local"].iter().any(|w| target.contains(w)) {
            return Some("the override builds a development stage");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::yaml::parse;

    fn doc(text: &str) -> Document {
        parse(text)
            .documents
            .into_iter()
            .next()
            .expect("a document")
    }

    fn text_of(text: &str, node: &Node) -> String {
        text[node.span.start..node.span.end].to_string()
    }

    #[test]
    fn merge_keys_and_aliases_expand_with_own_keys_winning() {
        let text = "x-base: &base\n  restart: always\n  image: app:1\nx-env: &env\n  A: 1\nservices:\n  web:\n    <<: *base\n    image: app:2\n    environment: *env\n";
        let d = doc(text);
        let web = d
            .root
            .as_ref()
            .unwrap()
            .get_path(&["services", "web"])
            .unwrap();
        let expanded = expand(web, &d).unwrap();
        assert_eq!(expanded.get("restart").unwrap().as_str(), Some("always"));
        assert_eq!(text_of(text, expanded.get("image").unwrap()), "app:2");
        assert_eq!(
            expanded.get_path(&["environment", "A"]).unwrap().as_str(),
            Some("1")
        );
        assert!(expanded.get("<<").is_none());
    }

    #[test]
    fn unresolved_aliases_and_bombs_are_unknown() {
        // An alias the parser cannot resolve ends the document; a merge of a scalar is unknown.
        let d = doc("x-port: &port 80\nservices:\n  web:\n    <<: *port\n");
        let web = d
            .root
            .as_ref()
            .unwrap()
            .get_path(&["services", "web"])
            .unwrap();
        assert!(expand(web, &d).is_none());
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        bomb.push_str("services:\n  web:\n    command: *a11\n");
        let d = doc(&bomb);
        let web = d
            .root
            .as_ref()
            .unwrap()
            .get_path(&["services", "web"])
            .unwrap();
        assert!(
            expand(web, &d).is_none(),
            "the budget stops a billion laughs"
        );
    }

    #[test]
    fn compose_merge_rules() {
        let base_text = "command: gunicorn app:app\nports: ['8000:8000']\nenvironment:\n  - A=1\n  - B=2\nvolumes: ['data:/data', './old:/app']\nhealthcheck:\n  test: [CMD, curl, -f, http://localhost/]\n  interval: 10s\n";
        let over_text = "command: gunicorn app:app --reload\nports: ['9000:9000']\nenvironment:\n  - B=3\nvolumes: ['./src:/app']\nhealthcheck:\n  test: [CMD, true]\n";
        let base = doc(base_text).root.unwrap();
        let over = doc(over_text).root.unwrap();
        let merged = merge(&base, &over);
        assert_eq!(
            merged.get("command").unwrap().as_str(),
            Some("gunicorn app:app --reload")
        );
        let items = |key: &str| -> Vec<String> {
            merged
                .get(key)
                .and_then(Node::as_seq)
                .unwrap()
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect()
        };
        assert_eq!(items("ports"), ["8000:8000", "9000:9000"]);
        assert_eq!(items("environment"), ["A=1", "B=3"]);
        assert_eq!(items("volumes"), ["data:/data", "./src:/app"]);
        let health = merged.get("healthcheck").unwrap();
        assert_eq!(health.get("interval").unwrap().as_str(), Some("10s"));
        assert_eq!(health.get("test").unwrap().as_seq().unwrap().len(), 2);
    }

    #[test]
    fn stack_text_maps_spans_back() {
        let mut stack = StackText::default();
        let a = stack.push(7, "services: {}\n");
        let b = stack.push(9, "x: 1\n");
        assert_eq!(&stack.text[a..a + 8], "services");
        assert_eq!(&stack.text[b..b + 1], "x");
        assert_eq!(
            stack.locate(Span::new(a, a + 8)),
            Some((7, Span::new(0, 8)))
        );
        assert_eq!(
            stack.locate(Span::new(b, b + 1)),
            Some((9, Span::new(0, 1)))
        );
        assert_eq!(stack.locate(Span::new(0, 1)), None);
        assert_eq!(stack.offset_of(9), Some(b));
    }

    #[test]
    fn override_names() {
        assert!(is_override_of("compose.override.yml", "compose.yml"));
        assert!(is_override_of(
            "docker-compose.override.yaml",
            "docker-compose.yml"
        ));
        assert!(is_override_of(
            "compose.override.yaml",
            "docker-compose.yml"
        ));
        assert!(!is_override_of(
            "docker-compose.prod.yml",
            "docker-compose.yml"
        ));
    }

    #[test]
    fn development_overrides() {
        let services = |text: &str| {
            doc(text)
                .root
                .unwrap()
                .get("services")
                .unwrap()
                .as_map()
                .unwrap()
                .to_vec()
        };
        assert!(
            development_signal(&services(
                "services:\n  web:\n    command: uvicorn app:app --reload\n"
            ))
            .is_some()
        );
        assert!(
            development_signal(&services(
                "services:\n  web:\n    volumes: ['./backend:/app']\n"
            ))
            .is_some()
        );
        assert!(development_signal(&services("services:\n  web:\n    volumes: ['data:/var/lib/data']\n    deploy: {replicas: 3}\n")).is_none());
    }
}
