//! SC002 secret-assignment: a secret-looking name bound to a literal value — a Python
//! assignment or keyword argument, a YAML key, a Dockerfile ENV/ARG, a `.env` line, a Rust
//! `const`/`static`/`let`. Judged with the shared name/value classifier
//! ([`super::secret_names`]) on the artifact-independent [`NamedValue`] view.
//!
//! Where a more specific rule reports the same secret (SC001's provider formats, DF007,
//! DP009), the engine keeps that finding and drops this one.

use crate::diagnostic::Emitter;
use crate::gate::{Gate, Syntax};
use crate::mask;
use crate::model::named::{Binding, NamedValue};
use crate::rules::secrets::secret_names::{
    self, is_compared_secret, is_label_constant, is_literal_secret,
};

/// A name holding a secret word that the name then ends or goes on after a separator,
/// digit or hump (`DB_PASSWORD`, `apiKey`, `password2`; not `tokens`, `author`, a
/// parameter `token):`), bound with `=` or `:` (not `==`), in any syntax: `NAME=` /
/// `name:` / `"name":` / `x["NAME"] =` (Python, YAML, `.env`, Rust, a Dockerfile
/// `ENV`/`ARG`). The words are the classifier's (`secret_names`): a plain `key` is not
/// secret, `api_key` is.
macro_rules! binding {
    () => {
        concat!(
            // Each word starts in lower, title or upper case and goes on in any case,
            // spelled out (not `(?i)`) so the regex engine skips to those literals with SIMD.
            r"(?:(?:[pP]ass|PASS)(?i:word|wd|phrase)?|[pP]wd|PWD|[sS]ecret|SECRET|[tT]oken|TOKEN",
            r"|(?:[cC]redential|CREDENTIAL)(?i:s)?|(?:[aA]uth|AUTH)(?i:orization)?",
            r"|[sS]sn|SSN|[cC]vv|CVV|[cC]vc|CVC",
            r"|(?:[aA]pi|API|[pP]rivate|PRIVATE|[aA]ccess|ACCESS|[sS]ecret|SECRET|[sS]igning|SIGNING|[eE]ncryption|ENCRYPTION|[mM]aster|MASTER)[_.\-]?(?i:key)",
            r"|(?:[cC]redit|CREDIT)[_.\-]?(?i:card)|(?:[cC]ard|CARD|[aA]ccount|ACCOUNT)[_.\-]?(?i:number))",
            // (`+=` too: the model reports augmented assignments of literals; and `==`/`!=`:
            // it reports comparisons with literals.)
            r"(?:[_.\-A-Z0-9][\w.\-]*)?[`'\x22]?\]?[ \t]*[+!]?[:=]=?",
            // ...to a quoted value (perhaps parenthesized on the next line), or to an
            // unquoted one with no call on the rest of its line (`token =
            // parser.next_token()` binds no literal; YAML's `password: hunter2` and `.env`'s
            // `PASSWORD=x` do, also before a comment with parentheses in it).
            r#"(?m:\s*\(?\s*[rRbBuUfF]{0,2}[`'\x22]|[ \t]*(?:$|[^\s=(\[{`'\x22][^\n(#]*(?:#[^\n]*)?$))"#,
        )
    };
}

/// The secret words of the forms below, where the name is not where the binding starts.
macro_rules! any_secret_word {
    () => {
        r"(?i:pass|pwd|secret|token|credential|auth|key|ssn|cvv|cvc|card|number)"
    };
}

/// Where SC002 can fire, per syntax: a binding (above), and the forms only one syntax has.
/// Searching a Python file for YAML's `name:` or a Dockerfile's `ARG` would stop at every
/// `name` and `args` of the code, which made this gate the slowest search of a run.
pub const TRIGGERS: Gate = Gate::BySyntax(&[
    (
        &[Syntax::Python, Syntax::Rust],
        Gate::Regex {
            literals: secret_names::SECRET_NAME_LITERALS,
            // ...and a literal compared with a secret-looking name (`"x" == password`).
            pattern: concat!(binding!(), r"|[!=]=[ \t]*[\w.]*", any_secret_word!()),
        },
    ),
    (
        &[Syntax::Yaml],
        Gate::Regex {
            literals: secret_names::SECRET_NAME_LITERALS,
            // ...and a Kubernetes env entry's name (`- name: DB_PASSWORD`).
            pattern: concat!(
                binding!(),
                r"|name[`'\x22]?\s*:\s*[`'\x22]?[\w.\-]*",
                any_secret_word!()
            ),
        },
    ),
    (
        &[Syntax::Dockerfile],
        Gate::Regex {
            literals: secret_names::SECRET_NAME_LITERALS,
            // ...and an ENV/ARG in its legacy `ENV KEY value` form (any case).
            pattern: concat!(
                binding!(),
                r"|(?:ENV|ARG|[eE]nv|[aA]rg)[ \t]+[\w.\-]*",
                any_secret_word!()
            ),
        },
    ),
    (
        &[Syntax::Dotenv, Syntax::Other],
        Gate::Regex {
            literals: secret_names::SECRET_NAME_LITERALS,
            pattern: binding!(),
        },
    ),
]);

pub fn check(values: &[NamedValue], out: &mut Emitter) {
    for named in values {
        let secret = match named.binding {
            Binding::Comparison => is_compared_secret(&named.name, &named.value),
            Binding::Assignment => {
                is_literal_secret(&named.name, &named.value)
                    && !is_label_constant(&named.name, &named.value)
            }
            _ => is_literal_secret(&named.name, &named.value),
        };
        if !secret {
            continue;
        }
        // `${DB_PASSWORD:-s3cret}`: what is written down is the default.
        let (value, value_span) = named.written();
        let help = match named.binding {
            Binding::EnvEntry => {
                "keep real values out of tracked `.env` files: commit a `.env.example` with placeholders and add `.env` to .gitignore"
            }
            Binding::DockerfileEnv | Binding::DockerfileArg => {
                "pass it at run time (orchestrator secret, `--env-file`), or at build time with `RUN --mount=type=secret`"
            }
            Binding::RustConst => {
                "read it at startup (`std::env::var(\"...\")` or a secret store), not from a literal"
            }
            Binding::YamlKey => {
                "reference it (`${VAR}`, a Kubernetes Secret, a secret store) instead of writing the value"
            }
            Binding::Assignment
            | Binding::KeywordArgument
            | Binding::DictEntry
            | Binding::DefaultArgument
            | Binding::Comparison => {
                "read it from the environment or a secret store (`os.environ[\"...\"]`), not from a literal"
            }
        };
        let how = if value.len() < named.value.len() {
            "falls back (when its variable is unset) to"
        } else {
            named.binding.describe()
        };
        out.report(
            value_span,
            format!(
                "`{}` {how} a literal secret (`{}`)",
                named.name,
                mask::mask(value)
            ),
        )
        .help(help)
        .secret(value_span);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::GateSet;

    #[test]
    fn gate_passes_every_binding_of_a_name_the_classifier_calls_secret() {
        let gate_for = |syntax| GateSet::new(vec![TRIGGERS.for_syntax(syntax)], &[], false);
        let (python, yaml, dockerfile, dotenv) = (
            gate_for(Syntax::Python),
            gate_for(Syntax::Yaml),
            gate_for(Syntax::Dockerfile),
            gate_for(Syntax::Dotenv),
        );
        let passes = |gate: &GateSet, text: &str| !gate.passing(&gate.scan(text), text).is_empty();
        let spellings = secret_names::secret_name_spellings();
        assert!(spellings.len() > 50, "{spellings:?}");
        for name in spellings {
            for text in [
                format!("{name} = \"v4lue-9\"\n"),
                format!("{name} += \"-v4lue\"\n"),
                format!("connect({name}=\"v4lue-9\")\n"),
                format!("{{\"{name}\": \"v4lue-9\"}}\n"),
                format!("if {name} == \"v4lue-9\":\n"),
                format!("if \"v4lue-9\" != self.{name}:\n"),
            ] {
                assert!(passes(&python, &text), "{text}");
            }
            for text in [
                format!("{name}: v4lue-9\n"),
                format!("{name}: v4lue-9  # rotate (see runbook)\n"),
                format!("- name: {name}\n  value: v4lue-9\n"),
            ] {
                assert!(passes(&yaml, &text), "{text}");
            }
            let legacy_env = format!("ENV {name} v4lue-9\n");
            assert!(passes(&dockerfile, &legacy_env), "{legacy_env}");
            assert!(passes(&dockerfile, &format!("ENV {name}=v4lue-9\n")));
            assert!(passes(&dotenv, &format!("{name}=v4lue-9\n")));
            assert!(passes(
                &dotenv,
                &format!("{name}=v4lue-9 # rotate (see runbook)\n")
            ));
        }
        // Each syntax's own forms only: no `name:` entries in Python, no ENV in YAML.
        assert!(!passes(&python, "x = {\"name\": \"token\"}\n"));
        assert!(!passes(&yaml, "ENV api_token abc\n"));
    }
}
