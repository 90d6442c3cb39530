//! DF009 tls-verify-disabled: the image's build or runtime turns off TLS certificate
//! verification — an ENV/ARG that tells git, Node.js, Python, pip or npm to accept any
//! certificate (also set for one RUN command, `VAR=value cmd` / `export VAR=value`), or a
//! RUN command that does (`curl -k`, `wget --no-check-certificate`, `pip install
//! --trusted-host`, `npm config set strict-ssl false`, `git config http.sslVerify false`).
//! Every stage counts: what a build stage downloads unverified ends up in the image.

use crate::diagnostic::Emitter;
use crate::lang::dockerfile::{Arguments, Dockerfile};
use crate::lang::shell::{Word, split_commands, without_leading_keywords};
use crate::model::command::{is_assignment, is_python};
use crate::source::Span;

/// Dockerfile gates ignore case.
pub const TRIGGERS: &[&str] = &[
    "GIT_SSL_NO_VERIFY",
    "NODE_TLS_REJECT_UNAUTHORIZED",
    "PYTHONHTTPSVERIFY",
    "PIP_TRUSTED_HOST",
    "trusted-host",
    "STRICT_SSL",
    "strict-ssl",
    "curl",
    "no-check-certificate",
    "sslverify",
    "Verify-Peer",
];

const HELP: &str = "keep certificate verification on; trust a private CA by adding its certificate to the image's trust store (`COPY ca.crt /usr/local/share/ca-certificates/` and `update-ca-certificates`)";

pub fn check(dockerfile: &Dockerfile, out: &mut Emitter) {
    for stage in &dockerfile.stages {
        for instruction in &stage.instructions {
            match instruction.keyword.as_str() {
                "ENV" | "ARG" => {
                    for pair in instruction.pairs() {
                        let Some(value) = &pair.value else { continue };
                        if let Some(what) = insecure_setting(&pair.key.text, &value.text) {
                            out.report(pair.span, format!("`{}` {what}", pair.key.text))
                                .help(HELP);
                        }
                    }
                }
                "RUN" => {
                    for (span, what) in run_commands(instruction)
                        .iter()
                        .filter_map(|command| insecure_command(command))
                    {
                        out.report(span, what).help(HELP);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The simple commands a RUN instruction runs: its shell form, exec form, and heredoc
/// bodies.
fn run_commands(instruction: &crate::lang::dockerfile::Instruction) -> Vec<Vec<Word>> {
    let mut commands = match &instruction.args {
        Arguments::Shell(shell) => shell.commands.clone(),
        Arguments::Exec(words) => vec![words.clone()],
        _ => Vec::new(),
    };
    for heredoc in &instruction.heredocs {
        commands.extend(split_commands(&heredoc.body, heredoc.body_span.start));
    }
    commands
}

/// What an environment variable set to `value` turns off, if it does.
fn insecure_setting(name: &str, value: &str) -> Option<&'static str> {
    if value.contains('$') {
        return None;
    }
    let off = matches!(
        value.to_ascii_lowercase().as_str(),
        "0" | "false" | "no" | "off"
    );
    match name.to_ascii_uppercase().as_str() {
        // git skips verification when the variable is set to anything at all.
        "GIT_SSL_NO_VERIFY" if !value.is_empty() => Some("is set: git accepts any TLS certificate"),
        "NODE_TLS_REJECT_UNAUTHORIZED" if value == "0" => {
            Some("is `0`: Node.js accepts any TLS certificate")
        }
        "PYTHONHTTPSVERIFY" if value == "0" => {
            Some("is `0`: Python's HTTPS clients accept any certificate")
        }
        "PIP_TRUSTED_HOST" if !value.is_empty() => {
            Some("is set: pip installs from that host without verifying its certificate")
        }
        "NPM_CONFIG_STRICT_SSL" | "YARN_STRICT_SSL" if off => {
            Some("is off: the package manager accepts any TLS certificate")
        }
        _ => None,
    }
}

/// The finding one simple command gives: a variable assignment before the program or
/// in an `export`, or a program run with verification off.
fn insecure_command(command: &[Word]) -> Option<(Span, String)> {
    let words = without_leading_keywords(command);
    let exported = words.first().is_some_and(|w| w.text == "export");
    let assignments = if exported { &words[1..] } else { words };
    for word in assignments {
        let Some((name, value)) = word.text.split_once('=') else {
            if exported {
                continue;
            }
            break;
        };
        if !is_assignment(&word.text) {
            break;
        }
        if let Some(what) = insecure_setting(name, value) {
            return Some((word.span, format!("`{name}` {what}")));
        }
    }
    if exported {
        return None;
    }
    let start = words.iter().position(|w| !is_assignment(&w.text))?;
    let words = &words[start..];
    let program = words.first()?;
    let name = program.text.rsplit('/').next().unwrap_or(&program.text);
    let args = &words[1..];
    let found = |word: &Word, what: &str| Some((word.span, what.to_string()));
    match name {
        "curl" => args
            .iter()
            .find(|w| w.text == "--insecure" || is_short_cluster_with(&w.text, 'k'))
            .and_then(|w| {
                found(
                    w,
                    "`curl` runs with `-k`/`--insecure`: it accepts any TLS certificate, so a man in the middle can swap what the build downloads",
                )
            }),
        "wget" => args
            .iter()
            .find(|w| w.text == "--no-check-certificate")
            .and_then(|w| {
                found(
                    w,
                    "`wget --no-check-certificate` accepts any TLS certificate, so a man in the middle can swap what the build downloads",
                )
            }),
        _ if is_pip(name, args) => trusted_host(args).and_then(|w| {
            found(
                w,
                "`--trusted-host` makes pip install from that host without verifying its certificate",
            )
        }),
        "npm" | "yarn" | "pnpm" => strict_ssl_off(args).and_then(|w| {
            found(
                w,
                "`strict-ssl` off: the package manager accepts any TLS certificate",
            )
        }),
        "git" => git_ssl_verify_off(args).and_then(|w| {
            found(
                w,
                "`http.sslVerify` off: git accepts any TLS certificate",
            )
        }),
        "yum-config-manager" | "dnf" | "yum" => args
            .iter()
            .find(|w| {
                let lower = w.text.to_ascii_lowercase();
                lower.starts_with("--setopt=")
                    && lower
                        .split_once("sslverify=")
                        .is_some_and(|(_, v)| matches!(v, "0" | "false" | "no" | "off"))
            })
            .and_then(|w| {
                found(
                    w,
                    "`sslverify` off: the package manager accepts any TLS certificate from its repositories",
                )
            }),
        "apt" | "apt-get" => args
            .iter()
            .find(|w| {
                let lower = w.text.to_ascii_lowercase();
                lower.contains("verify-peer=false") || lower.contains("verify-host=false")
            })
            .and_then(|w| {
                found(
                    w,
                    "`Verify-Peer=false`: apt accepts any TLS certificate from its repositories",
                )
            }),
        _ => None,
    }
}

/// `-k`, `-fsSLk`: a cluster of short options holding `letter`.
fn is_short_cluster_with(word: &str, letter: char) -> bool {
    word.strip_prefix('-').is_some_and(|rest| {
        !rest.starts_with('-')
            && !rest.is_empty()
            && rest.chars().all(|c| c.is_ascii_alphabetic())
            && rest.contains(letter)
    })
}

/// `pip`, `pip3`, `pip3.12`, and `python -m pip`.
fn is_pip(name: &str, args: &[Word]) -> bool {
    let pip = |n: &str| {
        n == "pip"
            || n.strip_prefix("pip")
                .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
    };
    pip(name)
        || (is_python(name)
            && args
                .windows(2)
                .any(|w| w[0].text == "-m" && pip(&w[1].text)))
}

/// `--trusted-host HOST`, `--trusted-host=HOST`, or `pip config set global.trusted-host`.
fn trusted_host(args: &[Word]) -> Option<&Word> {
    args.iter().find(|w| {
        w.text == "--trusted-host"
            || w.text.starts_with("--trusted-host=")
            || w.text.ends_with(".trusted-host")
            || w.text.contains(".trusted-host=")
    })
}

/// `config set strict-ssl false`, `set strict-ssl=false` (npm, yarn, pnpm).
fn strict_ssl_off(args: &[Word]) -> Option<&Word> {
    let set = args.iter().position(|w| w.text == "set")?;
    let rest = &args[set + 1..];
    let key = rest.first()?;
    let lower = key.text.to_ascii_lowercase();
    let value = match lower.split_once('=') {
        Some(("strict-ssl", value)) => value.to_string(),
        None if lower == "strict-ssl" => rest.get(1)?.text.to_ascii_lowercase(),
        _ => return None,
    };
    (value == "false").then_some(key)
}

/// `git config [--global] http.sslVerify false`, `git -c http.sslVerify=false clone`.
fn git_ssl_verify_off(args: &[Word]) -> Option<&Word> {
    args.iter().enumerate().find_map(|(i, w)| {
        let lower = w.text.to_ascii_lowercase();
        let is_key = |k: &str| {
            k == "http.sslverify" || (k.starts_with("http.") && k.ends_with(".sslverify"))
        };
        match lower.split_once('=') {
            Some((key, value)) if is_key(key) => {
                matches!(value, "false" | "0" | "no" | "off").then_some(w)
            }
            None if is_key(&lower) => args
                .get(i + 1)
                .filter(|v| {
                    matches!(
                        v.text.to_ascii_lowercase().as_str(),
                        "false" | "0" | "no" | "off"
                    )
                })
                .map(|_| w),
            _ => None,
        }
    })
}
