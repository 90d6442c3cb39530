//! Named values: a literal bound to a name, in whatever artifact wrote it — a Python
//! assignment or keyword argument, a YAML key, a Dockerfile ENV/ARG, a `.env` line, a Rust
//! `const`/`static`/`let`. The one view the secret-assignment rule (SC002) judges, so the
//! name and value classifiers are applied the same way everywhere.

use crate::lang::dockerfile::Dockerfile;
use crate::lang::yaml::{Node, NodeValue, YamlStream};
use crate::model::python::{AssignTarget, Literal, Module};
use crate::model::rust::RustFile;
use crate::source::Span;

/// What kind of binding a named value comes from (used in messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    Assignment,
    KeywordArgument,
    DictEntry,
    DefaultArgument,
    /// `if password == "..."`: the literal the name is checked against.
    Comparison,
    YamlKey,
    EnvEntry,
    DockerfileEnv,
    DockerfileArg,
    RustConst,
}

impl Binding {
    pub fn describe(self) -> &'static str {
        match self {
            Binding::Assignment => "is assigned",
            Binding::KeywordArgument => "is passed",
            Binding::DictEntry => "maps to",
            Binding::DefaultArgument => "defaults to",
            Binding::Comparison => "is compared with",
            Binding::YamlKey => "is set to",
            Binding::EnvEntry => "is set to",
            Binding::DockerfileEnv => "is set by ENV to",
            Binding::DockerfileArg => "defaults (ARG) to",
            Binding::RustConst => "is bound to",
        }
    }
}

/// A literal string bound to a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedValue {
    pub name: String,
    pub value: String,
    /// The value's bytes in the file, quotes excluded: what gets masked.
    pub value_span: Span,
    pub binding: Binding,
}

impl NamedValue {
    /// The part of the value written in the file, and its bytes: the default of a
    /// `${VAR:-default}` interpolation, else the whole value.
    pub fn written(&self) -> (&str, Span) {
        let part = crate::rules::secrets::secret_names::written_part(&self.value);
        (
            &self.value[part.clone()],
            part_span(self.value_span, &self.value, part),
        )
    }
}

/// The bytes of `part` of a value written at `span`, when the file spells the value as
/// is (no escapes); else the whole span.
pub fn part_span(span: Span, value: &str, part: std::ops::Range<usize>) -> Span {
    if span.end - span.start == value.len() {
        Span::new(span.start + part.start, span.start + part.end)
    } else {
        span
    }
}

/// The bytes of a quoted literal inside its quotes (and Python string prefixes):
/// `"abc"` → `abc`, `r'x'` → `x`, `"""doc"""` → `doc`. Unquoted text is returned whole.
pub fn inside_quotes(text: &str, span: Span) -> Span {
    let Some(written) = text.get(span.start..span.end) else {
        return span;
    };
    let prefix = written
        .bytes()
        .take_while(|b| matches!(b, b'r' | b'R' | b'b' | b'B' | b'u' | b'U' | b'f' | b'F'))
        .count();
    let body = &written[prefix..];
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        if body.len() >= 2 * quote.len() && body.starts_with(quote) && body.ends_with(quote) {
            return Span::new(span.start + prefix + quote.len(), span.end - quote.len());
        }
    }
    span
}

/// Python: assignments to names, attributes and string subscripts, keyword arguments,
/// default arguments, comparisons with string literals and dict display entries. The
/// body of a test configuration class (`class TestingConfig(Config)`) is test data, as
/// a test settings module is, and holds no values here.
/// `replaced`: module-level settings the deployed Django settings module replaces, whose
/// values here never take effect (see `model::django_settings`).
pub fn from_python(
    module: &Module,
    text: &str,
    replaced: Option<&std::collections::BTreeSet<String>>,
) -> Vec<NamedValue> {
    let mut out = Vec::new();
    let test_config_classes: Vec<Span> = module
        .classes
        .iter()
        .filter(|class| crate::context::is_test_config_class(&class.name))
        .map(|class| class.span)
        .collect();
    for assignment in &module.assignments {
        let Literal::Str(value) = &assignment.value else {
            continue;
        };
        if assignment.in_class
            && test_config_classes.iter().any(|class| {
                class.start <= assignment.span.start && assignment.span.end <= class.end
            })
        {
            continue;
        }
        let name = match &assignment.target {
            AssignTarget::Name(name)
                if assignment.function.is_none()
                    && !assignment.in_class
                    && replaced.is_some_and(|names| names.contains(name)) =>
            {
                continue;
            }
            AssignTarget::Name(name) => name.as_str(),
            AssignTarget::Attribute { attr, .. } => attr.as_str(),
            AssignTarget::Subscript {
                key: Literal::Str(key),
                ..
            } => key.as_str(),
            AssignTarget::Subscript { .. } => continue,
        };
        out.push(NamedValue {
            name: name.to_string(),
            value: value.clone(),
            value_span: inside_quotes(text, assignment.value_span),
            binding: Binding::Assignment,
        });
    }
    for call in module.calls() {
        for argument in &call.arguments {
            let (Some(keyword), Literal::Str(value)) = (&argument.keyword, &argument.value) else {
                continue;
            };
            out.push(NamedValue {
                name: keyword.clone(),
                value: value.clone(),
                value_span: inside_quotes(text, argument.value_span),
                binding: Binding::KeywordArgument,
            });
        }
    }
    for default in &module.parameter_defaults {
        let Literal::Str(value) = &default.value else {
            continue;
        };
        out.push(NamedValue {
            name: default.name.clone(),
            value: value.clone(),
            value_span: inside_quotes(text, default.value_span),
            binding: Binding::DefaultArgument,
        });
    }
    for comparison in &module.comparisons {
        out.push(NamedValue {
            name: comparison.name.clone(),
            value: comparison.value.clone(),
            value_span: inside_quotes(text, comparison.value_span),
            binding: Binding::Comparison,
        });
    }
    for entry in &module.dict_entries {
        let Literal::Str(value) = &entry.value else {
            continue;
        };
        out.push(NamedValue {
            name: entry.key.clone(),
            value: value.clone(),
            value_span: inside_quotes(text, entry.value_span),
            binding: Binding::DictEntry,
        });
    }
    out
}

/// YAML: every `key: scalar` entry at any depth, `{name: KEY, value: literal}` pairs
/// (Kubernetes env lists and their look-alikes), and `KEY=value` items of an
/// `environment:`/`args:` list (compose).
pub fn from_yaml(stream: &YamlStream, text: &str) -> Vec<NamedValue> {
    let mut out = Vec::new();
    for document in &stream.documents {
        if let Some(root) = &document.root {
            walk_yaml(root, None, text, &mut out, 0);
        }
    }
    out
}

/// Deeper YAML is not walked (a guard for the walker's own recursion).
const MAX_YAML_DEPTH: usize = 200;

fn walk_yaml(node: &Node, key: Option<&str>, text: &str, out: &mut Vec<NamedValue>, depth: usize) {
    if depth > MAX_YAML_DEPTH {
        return;
    }
    match &node.value {
        NodeValue::Mapping(entries) => {
            if switched_off(entries) {
                return;
            }
            if let (Some(name), Some(value)) = (node.get("name"), node.get("value"))
                && let (Some(name), Some(value_text)) = (name.as_str(), single_line(value, text))
            {
                out.push(NamedValue {
                    name: name.to_string(),
                    value: value_text.to_string(),
                    value_span: inside_quotes(text, value.span),
                    binding: Binding::YamlKey,
                });
            }
            for (k, v) in entries {
                let Some(name) = k.as_str() else { continue };
                if let Some(value_text) = single_line(v, text) {
                    out.push(NamedValue {
                        name: name.to_string(),
                        value: value_text.to_string(),
                        value_span: inside_quotes(text, v.span),
                        binding: Binding::YamlKey,
                    });
                } else {
                    walk_yaml(v, Some(name), text, out, depth + 1);
                }
            }
        }
        NodeValue::Sequence(items) => {
            let env_list = matches!(key, Some("environment" | "args" | "env"));
            for item in items {
                if env_list
                    && let Some(entry) = single_line(item, text)
                    && let Some(named) = env_item(entry, item, text)
                {
                    out.push(named);
                    continue;
                }
                walk_yaml(item, key, text, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// A block that says it is not in use — `enabled: false` (a disabled subchart's or
/// feature's settings) or `internode_encryption: none` — holds values nothing reads: the
/// stock keystore passwords of a config whose encryption is off are not secrets.
fn switched_off(entries: &[(Node, Node)]) -> bool {
    entries.iter().any(|(key, value)| {
        let Some(key) = key.as_str() else {
            return false;
        };
        let key = key.to_ascii_lowercase();
        let off = value.as_bool() == Some(false)
            || value.as_str().is_some_and(|v| {
                matches!(
                    v.to_ascii_lowercase().as_str(),
                    "false" | "none" | "off" | "disabled"
                )
            });
        off && (matches!(key.as_str(), "enabled" | "enable") || key.ends_with("encryption"))
    })
}

/// A scalar's text when it is a one-line string value (not a block scalar, not templated).
fn single_line<'n>(node: &'n Node, text: &str) -> Option<&'n str> {
    let value = node.as_str()?;
    let written = text.get(node.span.start..node.span.end)?;
    (!written.contains('\n') && !value.is_empty()).then_some(value)
}

/// `KEY=value` as a compose environment list item.
fn env_item(entry: &str, item: &Node, text: &str) -> Option<NamedValue> {
    let (name, value) = entry.split_once('=')?;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return None;
    }
    let inner = inside_quotes(text, item.span);
    let written = text.get(inner.start..inner.end)?;
    let at = written.find('=')? + 1;
    Some(NamedValue {
        name: name.to_string(),
        value: value.to_string(),
        value_span: Span::new(inner.start + at, inner.end),
        binding: Binding::YamlKey,
    })
}

/// Dockerfile: every ENV and ARG with a value, in every stage.
pub fn from_dockerfile(dockerfile: &Dockerfile, text: &str) -> Vec<NamedValue> {
    let mut out = Vec::new();
    for instruction in dockerfile.instructions() {
        let binding = match instruction.keyword.as_str() {
            "ENV" => Binding::DockerfileEnv,
            "ARG" => Binding::DockerfileArg,
            _ => continue,
        };
        for pair in instruction.pairs() {
            let Some(value) = &pair.value else { continue };
            out.push(NamedValue {
                name: pair.key.text.clone(),
                value: value.text.clone(),
                value_span: inside_quotes(text, value.span),
                binding,
            });
        }
    }
    out
}

/// A `.env` file's entries.
pub fn from_dotenv(text: &str) -> Vec<NamedValue> {
    crate::lang::dotenv::parse(text)
        .into_iter()
        .map(|entry| NamedValue {
            name: entry.key,
            value: entry.value,
            value_span: entry.value_span,
            binding: Binding::EnvEntry,
        })
        .collect()
}

/// Rust: `const`/`static`/`let` bound to a string literal, outside test code.
pub fn from_rust(file: &RustFile, text: &str) -> Vec<NamedValue> {
    file.string_bindings()
        .iter()
        .filter(|b| !b.in_test)
        .map(|b| NamedValue {
            name: b.name.clone(),
            value: b.value.clone(),
            value_span: inside_quotes(text, b.value_span),
            binding: Binding::RustConst,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_stripped() {
        let text = r#"a = r"xyz" + '''q''' + "" + plain"#;
        let at = |s: &str| {
            let i = text.find(s).unwrap();
            Span::new(i, i + s.len())
        };
        let inner = |s: &str| {
            let span = inside_quotes(text, at(s));
            &text[span.start..span.end]
        };
        assert_eq!(inner(r#"r"xyz""#), "xyz");
        assert_eq!(inner("'''q'''"), "q");
        assert_eq!(inner("plain"), "plain");
    }

    #[test]
    fn yaml_keys_env_pairs_and_compose_lists() {
        let text = "a:\n  db_password: \"s3cr3t-pw\"\nenv:\n  - name: API_TOKEN\n    value: tok-123456\nservices:\n  web:\n    environment:\n      - SECRET_KEY=abc12345\n";
        let stream = crate::lang::yaml::parse(text);
        let named = from_yaml(&stream, text);
        let shown: Vec<(&str, &str)> = named
            .iter()
            .map(|n| (n.name.as_str(), &text[n.value_span.start..n.value_span.end]))
            .collect();
        assert!(shown.contains(&("db_password", "s3cr3t-pw")), "{shown:?}");
        assert!(shown.contains(&("API_TOKEN", "tok-123456")), "{shown:?}");
        assert!(shown.contains(&("SECRET_KEY", "abc12345")), "{shown:?}");
    }
}
