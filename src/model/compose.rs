//! docker-compose files as rules see them: each service of `services:` as the shared
//! [`ContainerSpec`] model, so the container rules written for Kubernetes apply to compose
//! unchanged.
//!
//! What compose means is followed here: `entrypoint:` replaces the image's ENTRYPOINT
//! (the spec's `command`) and `command:` its CMD (the spec's `args`); a string command is
//! split into words by compose itself (no shell runs it); `${VAR}` / `$VAR` interpolation
//! is a reference to the environment compose runs in, never a literal; `healthcheck:` is
//! the service's readiness signal (`depends_on: condition: service_healthy` waits on it).
//! Services whose settings may come from elsewhere (`<<:` merge keys, `extends:`) are
//! marked `partially_known`.

use std::collections::{BTreeMap, BTreeSet};

use crate::lang::shell::{Word, split_words};
use crate::lang::yaml::{Node, NodeValue, ScalarStyle, YamlStream};
use crate::model::container::{
    ContainerCommand, ContainerOrigin, ContainerSpec, EnvVar, HostNamespaces, Port, Probe,
    ProbeAction, Resources, SecurityContext, Spanned, spanned_literal,
};
use crate::source::Span;

/// Every service of the file's first document, in source order. `text` is the file the
/// stream was parsed from (for exact word spans inside string commands).
pub fn services(stream: &YamlStream, text: &str) -> Vec<ContainerSpec> {
    services_of(service_entries(stream), text)
}

/// The `services:` mapping of a compose file's first document (empty when absent).
pub fn service_entries(stream: &YamlStream) -> &[(Node, Node)] {
    stream
        .documents
        .first()
        .and_then(|d| d.root.as_ref())
        .and_then(|r| r.get("services"))
        .and_then(Node::as_map)
        .unwrap_or_default()
}

/// A compose value with its `${VAR}` / `$VAR` references replaced the way compose does it
/// from the project's `.env` (`env`): `${VAR:-default}` and `${VAR-default}` fall back,
/// `${VAR:?message}` needs the variable, `${VAR:+other}` gives `other` when it is set, and
/// `$$` is a literal `$`. `None` when a variable the value needs is not in `env`: the
/// value then depends on the shell compose runs in, and is unknown here.
pub fn interpolate(value: &str, env: &BTreeMap<String, String>) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        rest = &rest[dollar + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
        } else if let Some(braced) = rest.strip_prefix('{') {
            let close = braced.find('}')?;
            let inner = &braced[..close];
            rest = &braced[close + 1..];
            let name_end = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            let (name, operation) = inner.split_at(name_end);
            let set = env.get(name);
            let non_empty = set.filter(|v| !v.is_empty());
            let resolved = match operation {
                "" => set.cloned(),
                _ if operation.starts_with(":-") => Some(
                    non_empty
                        .cloned()
                        .unwrap_or_else(|| operation[2..].to_string()),
                ),
                _ if operation.starts_with('-') => {
                    Some(set.cloned().unwrap_or_else(|| operation[1..].to_string()))
                }
                _ if operation.starts_with(":?") => non_empty.cloned(),
                _ if operation.starts_with('?') => set.cloned(),
                _ if operation.starts_with(":+") => {
                    Some(non_empty.map_or(String::new(), |_| operation[2..].to_string()))
                }
                _ if operation.starts_with('+') => {
                    Some(set.map_or(String::new(), |_| operation[1..].to_string()))
                }
                _ => None,
            };
            out.push_str(&resolved?);
        } else {
            let name_end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if name_end == 0 {
                out.push('$');
                continue;
            }
            out.push_str(env.get(&rest[..name_end])?);
            rest = &rest[name_end..];
        }
    }
    out.push_str(rest);
    Some(out)
}

/// The services of a `services:` mapping (of one file, or of a merged stack whose spans
/// point into the stack's virtual text `text`).
pub fn services_of(entries: &[(Node, Node)], text: &str) -> Vec<ContainerSpec> {
    let one_shot = completed_dependencies(entries);
    entries
        .iter()
        .filter(|(_, body)| body.as_map().is_some())
        .filter_map(|(key, body)| {
            let name = key.as_str()?;
            Some(service(name, key.span, body, one_shot.contains(name), text))
        })
        .collect()
}

/// The services another service waits on to exit successfully.
fn completed_dependencies(entries: &[(Node, Node)]) -> BTreeSet<String> {
    entries
        .iter()
        .filter_map(|(_, body)| body.get("depends_on")?.as_map())
        .flatten()
        .filter(|(_, condition)| {
            condition.get("condition").and_then(Node::as_str)
                == Some("service_completed_successfully")
        })
        .filter_map(|(name, _)| name.as_str().map(str::to_string))
        .collect()
}

fn service(name: &str, key: Span, body: &Node, one_shot: bool, text: &str) -> ContainerSpec {
    let origin = ContainerOrigin::Compose {
        service: name.to_string(),
        one_shot,
        deployed: false,
    };
    let mut spec = ContainerSpec::new(origin, key);
    spec.name = Some(name.to_string());
    spec.image = body
        .get("image")
        .and_then(spanned_literal)
        .filter(|image| !image.value.contains('$'));
    spec.command = ContainerCommand {
        command: body
            .get("entrypoint")
            .map(|n| words(n, text))
            .unwrap_or_default(),
        args: body
            .get("command")
            .map(|n| words(n, text))
            .unwrap_or_default(),
        span: match (body.get("entrypoint"), body.get("command")) {
            (Some(a), Some(b)) => Some(a.span.cover(b.span)),
            (Some(only), None) | (None, Some(only)) => Some(only.span),
            (None, None) => None,
        },
    };
    spec.env = body
        .get("environment")
        .map(|n| environment(n, text))
        .unwrap_or_default();
    spec.ports = body
        .get("ports")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(port)
        .collect();
    spec.readiness_probe = body
        .get_entry("healthcheck")
        .and_then(|(key, check)| healthcheck(key, check, text));
    spec.resources = resources(body);
    spec.restart = body.get("restart").and_then(spanned_literal).or_else(|| {
        body.get_entry("deploy")
            .and_then(|(_, deploy)| deploy.get_entry("restart_policy"))
            .map(|(key, _)| Spanned::new("restart_policy".to_string(), key.span))
    });
    spec.user = body.get("user").and_then(spanned_literal);
    spec.security = SecurityContext {
        key_span: None,
        unknown: false,
        privileged: body
            .get("privileged")
            .and_then(|v| v.as_bool().map(|b| Spanned::new(b, v.span))),
        allow_privilege_escalation: None,
        run_as_user: spec
            .user
            .as_ref()
            .filter(|user| {
                let who = user.value.split(':').next().unwrap_or("");
                who == "0" || who == "root"
            })
            .map(|user| Spanned::new(0, user.span)),
        run_as_non_root: None,
        capabilities_add: body
            .get("cap_add")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(spanned_literal)
            .collect(),
    };
    let host = |key: &str| {
        body.get(key)
            .filter(|v| v.as_str() == Some("host"))
            .map(|v| v.span)
    };
    spec.host = HostNamespaces {
        network: host("network_mode"),
        pid: host("pid"),
        ipc: host("ipc"),
    };
    spec.stop_grace_seconds = body.get("stop_grace_period").and_then(|v| {
        let seconds = v
            .as_i64()
            .or_else(|| v.as_str().and_then(duration_seconds))?;
        Some(Spanned::new(seconds, v.span))
    });
    spec.partially_known = body.get("<<").is_some() || body.get("extends").is_some();
    if spec.partially_known {
        spec.resources.unknown = true;
        spec.security.unknown = true;
    }
    spec
}

/// A compose command: a list of words, or a string compose splits like a shell would
/// (no shell runs it).
fn words(node: &Node, text: &str) -> Vec<Word> {
    if let Some(items) = node.as_seq() {
        return items
            .iter()
            .filter_map(|item| item.as_str().map(|t| Word::new(t, item.span)))
            .collect();
    }
    let Some(value) = node.literal() else {
        return Vec::new();
    };
    match content_offset(node, text) {
        Some(base) => split_words(value, base),
        // Escapes or folding: word positions are unknown; each word points at the value.
        None => split_words(value, 0)
            .into_iter()
            .map(|w| Word::new(w.text, node.span))
            .collect(),
    }
}

/// The file offset where a scalar's value starts, when its value is its source text
/// (plain, or quoted without escapes), so offsets inside the value are file offsets.
fn content_offset(node: &Node, text: &str) -> Option<usize> {
    let NodeValue::Scalar { text: value, style } = &node.value else {
        return None;
    };
    let source = text.get(node.span.start..node.span.end)?;
    let (inner, offset) = match style {
        ScalarStyle::Plain => (source, 0),
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => (
            source.get(1..source.len().saturating_sub(1)).unwrap_or(""),
            1,
        ),
        _ => return None,
    };
    (inner == value).then_some(node.span.start + offset)
}

/// `environment:` as a map (`KEY: value`) or a list (`- KEY=value`, `- KEY`).
fn environment(node: &Node, text: &str) -> Vec<EnvVar> {
    if let Some(entries) = node.as_map() {
        return entries
            .iter()
            .filter_map(|(key, value)| {
                let name = spanned_literal(key)?;
                let literal = (!value.is_null())
                    .then(|| value.as_str())
                    .flatten()
                    .map(|v| {
                        Spanned::new(
                            v.to_string(),
                            crate::model::named::inside_quotes(text, value.span),
                        )
                    });
                Some(env_var(name, literal))
            })
            .collect();
    }
    node.as_seq()
        .unwrap_or_default()
        .iter()
        .filter_map(|item| {
            let entry = item.as_str()?;
            let base = content_offset(item, text);
            let at = |start: usize, end: usize| match base {
                Some(base) => Span::new(base + start, base + end),
                None => item.span,
            };
            match entry.split_once('=') {
                Some((name, value)) => Some(env_var(
                    Spanned::new(name.to_string(), at(0, name.len())),
                    Some(Spanned::new(
                        value.to_string(),
                        at(name.len() + 1, entry.len()),
                    )),
                )),
                // `- KEY` alone passes the variable through from compose's environment.
                None => Some(env_var(
                    Spanned::new(entry.to_string(), at(0, entry.len())),
                    None,
                )),
            }
        })
        .collect()
}

/// A variable whose value is interpolated (`${DB_PASSWORD}`) or passed through is a
/// reference, not a literal. One interpolated with a literal default
/// (`${DB_PASSWORD:-s3cret}`) is a reference whose value, when the variable is unset, is
/// the default written here: its value is that default.
fn env_var(name: Spanned<String>, value: Option<Spanned<String>>) -> EnvVar {
    if let Some(v) = &value {
        let part = crate::rules::secrets::secret_names::written_part(&v.value);
        if part.len() < v.value.len() {
            let span = crate::model::named::part_span(v.span, &v.value, part.clone());
            return EnvVar {
                name,
                value: Some(Spanned::new(v.value[part].to_string(), span)),
                from_reference: true,
            };
        }
    }
    let literal = value.filter(|v| !v.value.contains('$'));
    EnvVar {
        from_reference: literal.is_none(),
        name,
        value: literal,
    }
}

/// A published port: the container side of `"8080:80"`, `"127.0.0.1:8080:80/tcp"`, `80`,
/// or `{target: 80}`.
fn port(item: &Node) -> Option<Port> {
    let (number, tcp) = if let Some(target) = item.get("target") {
        let protocol = item.get("protocol").and_then(Node::as_str);
        (
            target.as_i64().and_then(|n| u32::try_from(n).ok()),
            protocol.is_none_or(|p| p.eq_ignore_ascii_case("tcp")),
        )
    } else {
        let text = item.as_str()?;
        let container = text.rsplit(':').next().unwrap_or(text);
        Port::number_and_tcp(container)
    };
    Some(Port {
        name: item.get("name").and_then(Node::as_str).map(str::to_string),
        number,
        tcp,
        span: item.span,
    })
}

fn healthcheck(key: &Node, check: &Node, text: &str) -> Option<Probe> {
    if check.is_null() || check.get("disable").and_then(Node::as_bool) == Some(true) {
        return None;
    }
    let test = check.get("test");
    let command = test.map(|t| words(t, text)).unwrap_or_default();
    // `test: ["NONE"]` disables the image's healthcheck.
    if command.first().is_some_and(|w| w.text == "NONE") {
        return None;
    }
    let action = if command.is_empty() {
        ProbeAction::Unknown
    } else {
        ProbeAction::Exec { command }
    };
    let mut timing: Vec<(String, String)> = check
        .as_map()
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| {
            let k = k.as_str()?;
            (k != "test").then(|| Some((k.to_string(), v.as_str()?.to_string())))?
        })
        .collect();
    timing.sort();
    Some(Probe {
        key_span: key.span,
        action,
        timing,
    })
}

/// `deploy.resources` limits and reservations, and the legacy service keys.
fn resources(body: &Node) -> Resources {
    let deploy = body.get_entry("deploy");
    let section = |name: &str| deploy.and_then(|(_, d)| d.get_path(&["resources", name]));
    fn value<'n>(section: Option<&'n Node>, key: &str) -> Option<&'n Node> {
        section.and_then(|s| s.get(key))
    }
    let pick = |primary: Option<&Node>, legacy: &str| {
        primary.or(body.get(legacy)).and_then(spanned_literal)
    };
    let limits = section("limits");
    let reservations = section("reservations");
    let legacy_key = ["mem_limit", "cpus", "mem_reservation", "cpu_shares"]
        .iter()
        .find_map(|k| body.get_entry(k).map(|(key, _)| key.span));
    let key_span = deploy
        .filter(|(_, d)| d.get("resources").is_some())
        .map(|(key, _)| key.span)
        .or(legacy_key);
    Resources {
        key_span,
        unknown: deploy.is_some_and(|(_, d)| d.get("<<").is_some()),
        limits_memory: pick(value(limits, "memory"), "mem_limit"),
        limits_cpu: pick(value(limits, "cpus"), "cpus"),
        requests_memory: pick(value(reservations, "memory"), "mem_reservation"),
        requests_cpu: value(reservations, "cpus").and_then(spanned_literal),
    }
}

/// Seconds of a compose duration: `30s`, `1m30s`, `2m`, `1h`, `500ms` (rounded down).
pub fn duration_seconds(text: &str) -> Option<i64> {
    let mut total_ms: i64 = 0;
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "h" => 3_600_000.0,
            "m" => 60_000.0,
            "s" => 1000.0,
            "ms" => 1.0,
            "us" | "µs" => 0.001,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total_ms = total_ms.checked_add((number * factor) as i64)?;
    }
    Some(total_ms / 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::yaml::parse;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn interpolation_follows_compose() {
        let env: BTreeMap<String, String> =
            [("AD_DOCKERFILE", "./src/ad/Dockerfile"), ("EMPTY", "")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let get = |value: &str| interpolate(value, &env);
        assert_eq!(
            get("${AD_DOCKERFILE}").as_deref(),
            Some("./src/ad/Dockerfile")
        );
        assert_eq!(
            get("$AD_DOCKERFILE.x").as_deref(),
            Some("./src/ad/Dockerfile.x")
        );
        assert_eq!(get("${MISSING:-Dockerfile}").as_deref(), Some("Dockerfile"));
        assert_eq!(get("${EMPTY:-d}").as_deref(), Some("d"));
        assert_eq!(get("${EMPTY-d}").as_deref(), Some(""));
        assert_eq!(get("${EMPTY:+set}").as_deref(), Some(""));
        assert_eq!(get("${AD_DOCKERFILE:+set}").as_deref(), Some("set"));
        assert_eq!(get("a$$b").as_deref(), Some("a$b"));
        assert_eq!(get("${MISSING}"), None);
        assert_eq!(get("${MISSING:?needed}"), None);
        assert_eq!(get("$MISSING/x"), None);
        assert_eq!(get("${UNCLOSED"), None);
        assert_eq!(get("plain").as_deref(), Some("plain"));
    }

    const COMPOSE: &str = r#"x-defaults: &defaults
  restart: always
services:
  web:
    image: "registry.example.com/web:1.2.0"
    entrypoint: ["/docker-entrypoint.sh"]
    command: gunicorn -b 0.0.0.0:8000 'app:create_app()'
    environment:
      - DATABASE_URL=postgres://db/app
      - "SECRET_KEY=hunter22"
      - API_TOKEN=${API_TOKEN}
      - PASSTHROUGH
    ports: ["8000:8000", "127.0.0.1:9090:90/tcp", {target: 7000}]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/healthz"]
      interval: 10s
    deploy:
      resources:
        limits: {memory: 512M, cpus: "0.5"}
      restart_policy: {condition: on-failure}
    user: "0:0"
    privileged: true
    cap_add: [NET_ADMIN]
    network_mode: host
    stop_grace_period: 1m30s
  migrate:
    image: ${IMAGE}
    command: python manage.py migrate
    restart: "no"
    environment:
      DB_PASSWORD: changeme
      EMPTY:
    healthcheck:
      disable: true
  worker:
    <<: *defaults
    depends_on:
      migrate: {condition: service_completed_successfully}
"#;

    #[test]
    fn services_with_exact_spans() {
        let text = COMPOSE;
        let stream = parse(text);
        let found = services(&stream, text);
        assert_eq!(found.len(), 3);
        let web = &found[0];
        assert_eq!(slice(text, web.anchor), "web");
        assert_eq!(
            web.image.as_ref().unwrap().value,
            "registry.example.com/web:1.2.0"
        );
        let args: Vec<_> = web
            .command
            .args
            .iter()
            .map(|w| (w.text.as_str(), slice(text, w.span)))
            .collect();
        assert_eq!(
            args,
            [
                ("gunicorn", "gunicorn"),
                ("-b", "-b"),
                ("0.0.0.0:8000", "0.0.0.0:8000"),
                ("app:create_app()", "'app:create_app()'")
            ]
        );
        assert_eq!(web.command.command[0].text, "/docker-entrypoint.sh");
        let env: Vec<_> = web
            .env
            .iter()
            .map(|e| {
                (
                    slice(text, e.name.span),
                    e.value.as_ref().map(|v| slice(text, v.span)),
                    e.from_reference,
                )
            })
            .collect();
        assert_eq!(
            env,
            [
                ("DATABASE_URL", Some("postgres://db/app"), false),
                ("SECRET_KEY", Some("hunter22"), false),
                ("API_TOKEN", None, true),
                ("PASSTHROUGH", None, true),
            ]
        );
        let ports: Vec<_> = web.ports.iter().map(|p| p.number).collect();
        assert_eq!(ports, [Some(8000), Some(90), Some(7000)]);
        let health = web.readiness_probe.as_ref().unwrap();
        assert_eq!(slice(text, health.key_span), "healthcheck");
        assert_eq!(health.timing, [("interval".into(), "10s".into())]);
        assert_eq!(web.resources.limits_memory.as_ref().unwrap().value, "512M");
        assert_eq!(web.resources.limits_cpu.as_ref().unwrap().value, "0.5");
        assert_eq!(web.resources.requests_memory, None);
        assert_eq!(slice(text, web.resources.key_span.unwrap()), "deploy");
        assert_eq!(
            slice(text, web.restart.as_ref().unwrap().span),
            "restart_policy"
        );
        assert_eq!(web.security.run_as_user.as_ref().unwrap().value, 0);
        assert!(web.security.privileged.as_ref().unwrap().value);
        assert_eq!(web.security.capabilities_add[0].value, "NET_ADMIN");
        assert_eq!(slice(text, web.host.network.unwrap()), "host");
        assert_eq!(web.stop_grace_seconds.as_ref().unwrap().value, 90);
        assert!(!web.is_run_to_completion());

        let migrate = &found[1];
        assert_eq!(migrate.image, None);
        assert!(migrate.is_run_to_completion());
        assert_eq!(migrate.readiness_probe, None);
        assert_eq!(migrate.restart.as_ref().unwrap().value, "no");
        assert_eq!(migrate.env[0].value.as_ref().unwrap().value, "changeme");
        assert!(migrate.env[1].from_reference);

        assert!(found[2].partially_known);
    }

    #[test]
    fn durations() {
        assert_eq!(duration_seconds("10s"), Some(10));
        assert_eq!(duration_seconds("1m30s"), Some(90));
        assert_eq!(duration_seconds("1h"), Some(3600));
        assert_eq!(duration_seconds("500ms"), Some(0));
        assert_eq!(duration_seconds("soon"), None);
        assert_eq!(duration_seconds(""), None);
    }

    #[test]
    fn odd_shapes_never_panic() {
        for text in [
            "services: []\n",
            "services:\n  a: 1\n  b:\n    command: [1, {x: y}]\n    environment: oops\n",
            "services:\n  a:\n    command: \"esc\\tape \\\"x\\\"\"\n    ports: [\"a:b\"]\n",
            "services:\n  a:\n    healthcheck: {test: NONE}\n    stop_grace_period: 9999999999999h\n",
        ] {
            let stream = parse(text);
            let _ = services(&stream, text);
        }
    }
}
