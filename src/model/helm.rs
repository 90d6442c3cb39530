//! Helm charts as installed with their default values: which blocks of a chart's
//! templates (`{{- if .Values.hostNetwork }} ... {{- end }}`) the chart's own
//! `values.yaml` switches off. kube-linter judges a chart the same way, by rendering it
//! with its defaults: a setting an operator must opt into is not what ships.
//!
//! Only conditions prodlint can decide from the defaults are used — `.Values.a.b`, `not`,
//! `and`, `or`, each term a values path; anything else (`eq`, `include`, `$var`) leaves
//! the block as written.

use std::collections::BTreeMap;

use crate::lang::yaml::{Node, NodeValue};
use crate::source::Span;

/// The truth of every path of a chart's default values (`a.b.c` → is it truthy, as Go
/// templates judge: false, 0, "", null and empty collections are false).
#[derive(Debug, Default, Clone)]
pub struct ChartValues {
    truth: BTreeMap<String, bool>,
}

impl ChartValues {
    pub fn parse(text: &str) -> ChartValues {
        let stream = crate::lang::yaml::parse(text);
        let mut values = ChartValues::default();
        if let Some(root) = stream.documents.first().and_then(|d| d.root.as_ref()) {
            values.walk(root, String::new(), 0);
        }
        values
    }

    fn walk(&mut self, node: &Node, path: String, depth: usize) {
        if depth > 64 {
            return;
        }
        let truthy = match &node.value {
            NodeValue::Mapping(entries) => {
                for (key, value) in entries {
                    if let Some(key) = key.as_str() {
                        let child = if path.is_empty() {
                            key.to_string()
                        } else {
                            format!("{path}.{key}")
                        };
                        self.walk(value, child, depth + 1);
                    }
                }
                !entries.is_empty()
            }
            NodeValue::Sequence(items) => !items.is_empty(),
            // An alias or a templated value: unknown, so taken as set.
            NodeValue::Alias { .. } | NodeValue::Templated { .. } => true,
            _ if node.is_null() => false,
            _ => match node.as_bool() {
                Some(flag) => flag,
                None => node
                    .as_i64()
                    .map_or_else(|| node.as_str().is_some_and(|s| !s.is_empty()), |n| n != 0),
            },
        };
        if !path.is_empty() {
            self.truth.insert(path, truthy);
        }
    }

    /// A values path's default truth; a path the defaults do not set is nil: false.
    fn truth(&self, path: &str) -> bool {
        self.truth.get(path).copied().unwrap_or(false)
    }
}

/// The byte ranges of `text` (a template) the chart's defaults do not render: the body
/// of an `if`/`with`/`range` whose condition is false, the `else` branch of one whose
/// condition is true — when that body is literal YAML (`hostNetwork: true`). A body that
/// writes values itself (`resources: {{ toYaml . }}`, an included container) is what an
/// operator fills in: it stays, unknown rather than missing, as the rules treat templated
/// values. `actions` are the template actions' spans, in order.
pub fn disabled_by_default(text: &str, actions: &[Span], values: &ChartValues) -> Vec<Span> {
    /// An open block: its condition's truth when known, and where its current branch began.
    struct Open {
        truth: Option<bool>,
        branch_start: usize,
        /// A branch taken already (`else if` after a true `if` renders nothing).
        taken: bool,
        /// The block is one whose branches are judged (if/with/range; not define).
        judged: bool,
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut disabled = Vec::new();
    for action in actions {
        let body = action_body(&text[action.start..action.end]);
        let (word, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
        match word {
            "if" | "with" | "range" => stack.push(Open {
                truth: evaluate(rest, values),
                branch_start: action.end,
                taken: false,
                judged: true,
            }),
            "define" | "block" => stack.push(Open {
                truth: None,
                branch_start: action.end,
                taken: false,
                judged: false,
            }),
            "else" | "end" => {
                let Some(open) = stack.last_mut() else {
                    continue;
                };
                if open.judged {
                    // The branch that just ended renders when its condition holds and no
                    // earlier branch was taken.
                    if let Some(truth) = open.truth {
                        let branch = Span::new(open.branch_start, action.start);
                        let literal = !actions
                            .iter()
                            .any(|a| a.start >= branch.start && a.end <= branch.end);
                        if (!truth || open.taken) && literal {
                            disabled.push(branch);
                        }
                        open.taken |= truth;
                    }
                }
                if word == "end" {
                    stack.pop();
                } else {
                    // `else` or `else if COND`: the next branch.
                    let condition = rest.strip_prefix("if").map(str::trim_start);
                    open.truth = match (open.truth, condition) {
                        (None, _) => None,
                        (Some(_), None) => Some(true),
                        (Some(_), Some(condition)) => evaluate(condition, values),
                    };
                    if open.truth.is_none() && open.taken {
                        // Unknown, but an earlier branch was taken: nothing after renders.
                        open.truth = Some(false);
                    }
                    open.branch_start = action.end;
                }
            }
            _ => {}
        }
    }
    disabled
}

/// `{{- if .Values.x -}}` → `if .Values.x`: delimiters, trim markers and blanks removed.
fn action_body(action: &str) -> &str {
    let inner = action
        .strip_prefix("{{")
        .and_then(|a| a.strip_suffix("}}"))
        .unwrap_or(action);
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    let inner = inner.strip_suffix('-').unwrap_or(inner);
    inner.trim()
}

/// The truth of a condition under the default values, when it can be decided:
/// `.Values.a.b`, `not X`, `and X Y...`, `or X Y...`, parenthesized terms.
fn evaluate(condition: &str, values: &ChartValues) -> Option<bool> {
    let tokens = tokenize(condition)?;
    let (truth, used) = term(&tokens, 0, values)?;
    (used == tokens.len()).then_some(truth)
}

fn tokenize(text: &str) -> Option<Vec<&str>> {
    let mut tokens = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('(') {
            tokens.push("(");
            rest = after.trim_start();
        } else if let Some(after) = rest.strip_prefix(')') {
            tokens.push(")");
            rest = after.trim_start();
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '(' || c == ')')
                .unwrap_or(rest.len());
            let token = &rest[..end];
            if token.contains(['|', '"', '$', '=']) {
                return None;
            }
            tokens.push(token);
            rest = rest[end..].trim_start();
        }
    }
    Some(tokens)
}

/// One term from `tokens[at..]`: its truth and the index after it.
fn term(tokens: &[&str], at: usize, values: &ChartValues) -> Option<(bool, usize)> {
    let token = *tokens.get(at)?;
    match token {
        "(" => {
            let (truth, next) = call(tokens, at + 1, values)?;
            (tokens.get(next) == Some(&")")).then_some((truth, next + 1))
        }
        "not" | "and" | "or" => call(tokens, at, values),
        _ => {
            let path = token.strip_prefix(".Values.")?;
            (!path.is_empty()).then(|| (values.truth(path), at + 1))
        }
    }
}

/// A function call (`not X`, `and X Y ...`, `or X Y ...`) or a single term.
fn call(tokens: &[&str], at: usize, values: &ChartValues) -> Option<(bool, usize)> {
    match *tokens.get(at)? {
        "not" => term(tokens, at + 1, values).map(|(truth, next)| (!truth, next)),
        function @ ("and" | "or") => {
            let mut next = at + 1;
            let mut truths = Vec::new();
            while next < tokens.len() && tokens[next] != ")" {
                let (truth, after) = term(tokens, next, values)?;
                truths.push(truth);
                next = after;
            }
            if truths.len() < 2 {
                return None;
            }
            let truth = if function == "and" {
                truths.iter().all(|&t| t)
            } else {
                truths.iter().any(|&t| t)
            };
            Some((truth, next))
        }
        _ => term(tokens, at, values),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> ChartValues {
        ChartValues::parse(
            "hostNetwork: false\nmonitoring:\n  enabled: true\n  prometheus:\n    enabled: false\nreplicas: 0\nname: web\nextraEnv: []\n",
        )
    }

    #[test]
    fn conditions_decided_from_the_defaults() {
        let v = values();
        assert_eq!(evaluate(".Values.hostNetwork", &v), Some(false));
        assert_eq!(evaluate(".Values.monitoring.enabled", &v), Some(true));
        assert_eq!(evaluate(".Values.missing.key", &v), Some(false));
        assert_eq!(evaluate("not .Values.hostNetwork", &v), Some(true));
        assert_eq!(
            evaluate(
                "and .Values.monitoring.enabled .Values.monitoring.prometheus.enabled",
                &v
            ),
            Some(false)
        );
        assert_eq!(
            evaluate("or .Values.name (not .Values.replicas)", &v),
            Some(true)
        );
        assert_eq!(evaluate(".Values.extraEnv", &v), Some(false));
        assert_eq!(evaluate("eq .Values.name \"web\"", &v), None);
        assert_eq!(evaluate("$ctx.enabled", &v), None);
        assert_eq!(evaluate("include \"x\" .", &v), None);
    }

    fn rendered(template: &str) -> String {
        let actions: Vec<Span> = {
            let mut out = Vec::new();
            let mut at = 0;
            while let Some(start) = template[at..].find("{{") {
                let start = at + start;
                let end = start + template[start..].find("}}").unwrap() + 2;
                out.push(Span::new(start, end));
                at = end;
            }
            out
        };
        let mut text = template.to_string();
        for span in disabled_by_default(template, &actions, &values()) {
            text.replace_range(span.start..span.end, &" ".repeat(span.end - span.start));
        }
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn blocks_the_defaults_switch_off() {
        assert_eq!(
            rendered("a {{- if .Values.hostNetwork }} hostNetwork: true {{- end }} b"),
            "a {{- if .Values.hostNetwork }} {{- end }} b"
        );
        assert_eq!(
            rendered("{{ if .Values.monitoring.enabled }}on{{ else }}off{{ end }}"),
            "{{ if .Values.monitoring.enabled }}on{{ else }} {{ end }}"
        );
        assert_eq!(
            rendered(
                "{{ if .Values.hostNetwork }}x{{ else if .Values.name }}y{{ else }}z{{ end }}"
            ),
            "{{ if .Values.hostNetwork }} {{ else if .Values.name }}y{{ else }} {{ end }}"
        );
        // Unknown conditions and defined templates stay as written.
        assert_eq!(
            rendered(
                "{{ if eq .Values.name \"x\" }}kept{{ end }}{{ define \"t\" }}{{ if .Values.hostNetwork }}h{{ end }}{{ end }}"
            ),
            "{{ if eq .Values.name \"x\" }}kept{{ end }}{{ define \"t\" }}{{ if .Values.hostNetwork }} {{ end }}{{ end }}"
        );
        // A body that writes values itself stays: the operator fills it in.
        assert_eq!(
            rendered("{{ with .Values.extraEnv }}env: {{ toYaml . }}{{ end }}"),
            "{{ with .Values.extraEnv }}env: {{ toYaml . }}{{ end }}"
        );
        // Nested: the literal inner block of a false condition is off.
        assert_eq!(
            rendered("{{ if .Values.name }}{{ if .Values.hostNetwork }}h{{ end }}n{{ end }}"),
            "{{ if .Values.name }}{{ if .Values.hostNetwork }} {{ end }}n{{ end }}"
        );
    }
}
