//! The command recognizer: given the words of a command line, find the program that
//! really runs and read its options.
//!
//! Shared by every place a command is written (Dockerfile CMD/ENTRYPOINT, Kubernetes
//! `command`/`args`, compose `command:`, Procfile). It looks through wrappers (`exec`,
//! `env`, `tini --`, `gosu user`, `poetry run`, `python -m`, `sh -c "..."`) and reads the
//! options of the servers prodlint knows (gunicorn, uvicorn, hypercorn, flask run,
//! Django runserver, `python -m http.server`, `cargo run`) by the real CLIs' tables, so
//! `-b x`, `-bx`, `--bind=x` and `--bind x` all become `--bind` with value `x`.

use crate::lang::shell::{Word, split_commands};
use crate::source::Span;

/// What program an invocation runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    Gunicorn,
    Uvicorn,
    Hypercorn,
    /// `flask run` (also `python -m flask run`).
    FlaskRun,
    /// `manage.py runserver`, `django-admin runserver`, `python -m django runserver`.
    DjangoRunserver,
    /// `python -m http.server`.
    HttpServer,
    CargoRun,
    /// `python script.py`.
    PythonScript {
        script: Word,
    },
    /// `python -m module` for a module not listed above.
    PythonModule {
        module: Word,
    },
    /// Anything else, by the base name of its executable (`nginx`, `cd`, `python`).
    Other(String),
}

/// One command-line option, by its canonical long name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliOption {
    /// The long name (`--bind` for `-b`); for an option the table does not know, the
    /// name as written (`--foo`, `-x`).
    pub name: String,
    /// The option as written (`-b` inside `-b0.0.0.0` when it can be located exactly,
    /// else the whole word).
    pub name_span: Span,
    pub value: Option<Word>,
}

/// One program run by a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub program: Program,
    /// The words naming the program (`gunicorn`, `python -m gunicorn`, `flask run`).
    pub program_span: Span,
    pub options: Vec<CliOption>,
    /// Arguments that are not options, in order (the app spec `app:app`, runserver's
    /// `0.0.0.0:8000`, a script's own arguments).
    pub positionals: Vec<Word>,
    /// The program replaces its parent process: it was started with `exec`, or it is
    /// the command itself (exec form, Kubernetes `command`) or behind wrappers that exec
    /// it. A simple command inside a shell line without `exec` is not.
    pub via_exec: bool,
    /// From the program's first word to its last argument.
    pub span: Span,
}

impl Invocation {
    /// The option `name` (canonical long name), the last one when repeated.
    pub fn option(&self, name: &str) -> Option<&CliOption> {
        self.options.iter().rev().find(|o| o.name == name)
    }

    /// Every occurrence of option `name`.
    pub fn options_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a CliOption> + 'a {
        self.options.iter().filter(move |o| o.name == name)
    }

    /// The application the server serves: gunicorn/uvicorn/hypercorn's `module:app`,
    /// flask's `--app`, runserver's `addr:port`, http.server's port.
    pub fn app_spec(&self) -> Option<&Word> {
        match self.program {
            Program::FlaskRun => self.option("--app").and_then(|o| o.value.as_ref()),
            // The servers take one positional; when an option the tables do not know
            // swallowed a value as a positional, the app is still the last one.
            Program::Gunicorn | Program::Uvicorn | Program::Hypercorn => self.positionals.last(),
            Program::DjangoRunserver | Program::HttpServer => self.positionals.first(),
            _ => None,
        }
    }
}

/// Recognizes the programs an argv runs: words executed directly (Dockerfile exec
/// form, Kubernetes `command` + `args`, compose `command:` lists). Usually one
/// invocation; several when the command is `sh -c "a && b"`.
///
/// Inside a `sh -c` string, inner words get exact spans when the string's source
/// maps byte for byte: an unquoted word, or (assumed, since the source is not at hand)
/// a word whose span is two bytes longer than its text, i.e. quoted whole. Use
/// [`recognize_in`] with the file text to have that checked.
pub fn recognize(words: &[Word]) -> Vec<Invocation> {
    recognize_in(words, None)
}

/// [`recognize`], with the file text the word spans point into, so a `sh -c` string
/// is only mapped byte for byte when its source really is the text, bare or in quotes.
pub fn recognize_in(words: &[Word], source: Option<&str>) -> Vec<Invocation> {
    let mut out = Vec::new();
    let context = Context { source };
    recognize_into(words, true, 0, context, &mut out);
    out
}

/// Recognizes the programs of shell simple commands (from
/// [`crate::lang::shell::split_commands`]): each runs under the shell, so only an
/// `exec` prefix makes it replace the shell.
pub fn recognize_shell(commands: &[Vec<Word>]) -> Vec<Invocation> {
    let mut out = Vec::new();
    for command in commands {
        recognize_into(command, false, 0, Context { source: None }, &mut out);
    }
    out
}

/// What the recognizer knows besides the words.
#[derive(Clone, Copy)]
struct Context<'s> {
    /// The file text the spans point into, when the caller has it.
    source: Option<&'s str>,
}

impl Context<'_> {
    /// The file offset where `word`'s text starts when its source is that text byte for
    /// byte (bare, or inside one pair of quotes).
    fn exact_base(&self, word: &Word) -> Option<usize> {
        let span = word.span;
        match self.source {
            Some(source) => {
                let written = source.get(span.start..span.end)?;
                if written == word.text {
                    return Some(span.start);
                }
                let quoted = written.len() == word.text.len() + 2
                    && (written.starts_with('"') && written.ends_with('"')
                        || written.starts_with('\'') && written.ends_with('\''))
                    && written.get(1..written.len() - 1) == Some(word.text.as_str());
                quoted.then_some(span.start + 1)
            }
            None if span.len() == word.text.len() => Some(span.start),
            None if span.len() == word.text.len() + 2 => Some(span.start + 1),
            None => None,
        }
    }
}

/// How deeply `sh -c` strings may nest.
const MAX_SHELL_DEPTH: usize = 8;

fn recognize_into(
    words: &[Word],
    direct: bool,
    depth: usize,
    context: Context,
    out: &mut Vec<Invocation>,
) {
    let mut via_exec = direct;
    let mut i = 0;
    // Wrappers: each step consumes one wrapper; bounded by the number of words.
    while i < words.len() {
        let name = base_name(&words[i].text);
        let next = match name {
            _ if is_assignment(&words[i].text) => Some(i + 1),
            "exec" => {
                via_exec = true;
                Some(skip_options(words, i + 1, &["-a"], false))
            }
            "env" => {
                let mut j = skip_options(
                    words,
                    i + 1,
                    &["-u", "--unset", "-C", "--chdir", "-S", "--split-string"],
                    false,
                );
                while j < words.len() && is_assignment(&words[j].text) {
                    j += 1;
                }
                Some(j)
            }
            "tini" | "tini-static" => Some(skip_options(words, i + 1, &["-p", "-e"], true)),
            "dumb-init" => Some(skip_options(words, i + 1, &["-r", "--rewrite"], true)),
            "gosu" | "su-exec" => Some(i + 2),
            "nohup" => Some(i + 1),
            "ddtrace-run" => Some(skip_options(words, i + 1, &[], true)),
            // Every option of opentelemetry-instrument takes a value.
            "opentelemetry-instrument" => Some(skip_valued_options(words, i + 1)),
            "newrelic-admin" if words.get(i + 1).is_some_and(|w| w.text == "run-program") => {
                Some(i + 2)
            }
            "poetry" | "pipenv" | "pdm" | "hatch" | "uv"
                if words.get(i + 1).is_some_and(|w| w.text == "run") =>
            {
                let j = skip_options(
                    words,
                    i + 2,
                    &[
                        "--with",
                        "--with-requirements",
                        "--python",
                        "-p",
                        "--env-file",
                        "--package",
                        "--directory",
                        "--project",
                        "-P",
                        "-C",
                        "--extra",
                        "--group",
                        "--index",
                        "--index-url",
                        "--extra-index-url",
                        "-e",
                        "--env",
                    ],
                    true,
                );
                // `uv run -m module`: what `python -m module` would run.
                if name == "uv" {
                    let module_flag = words[i + 2..j.min(words.len())]
                        .iter()
                        .position(|w| w.text == "-m" || w.text == "--module");
                    if let Some(k) = module_flag {
                        return python(words, i, i + 2 + k, via_exec, out);
                    }
                }
                Some(j)
            }
            _ => None,
        };
        match next {
            Some(j) => i = j.max(i + 1),
            None => break,
        }
    }
    let Some(first) = words.get(i) else { return };
    let name = base_name(&first.text);
    match name {
        "gunicorn" => server(Program::Gunicorn, GUNICORN, words, i, i + 1, via_exec, out),
        "uvicorn" => server(Program::Uvicorn, UVICORN, words, i, i + 1, via_exec, out),
        "hypercorn" => server(
            Program::Hypercorn,
            HYPERCORN,
            words,
            i,
            i + 1,
            via_exec,
            out,
        ),
        "flask" => flask(words, i, i + 1, via_exec, out),
        "django-admin" | "django-admin.py" => django(words, i, i + 1, via_exec, out),
        "cargo" => cargo(words, i, via_exec, out),
        "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "busybox" => {
            shell(words, i, via_exec, depth, context, out)
        }
        _ if is_python(name) => python(words, i, i + 1, via_exec, out),
        _ => out.push(generic(
            Program::Other(name.to_owned()),
            words,
            i,
            i + 1,
            via_exec,
        )),
    }
}

/// Does this simple command start a program as another user than root — `gosu app ...`,
/// `su-exec`, `chpst -u`, `setuidgid`/`s6-setuidgid`, `runuser`, `setpriv --reuid`,
/// `chroot --userspec`, `su app -c ...` (also `su -s /bin/sh app -c`)? The switcher may
/// follow wrappers (`exec gosu app "$@"`). `su -c ...` without a user, or to root, is
/// still root, and `su app` without `-c` starts no program.
pub fn switches_user(words: &[Word]) -> bool {
    words.iter().enumerate().any(|(i, word)| {
        let rest = &words[i + 1..];
        match base_name(&word.text) {
            "gosu" | "su-exec" | "chpst" | "setuidgid" | "s6-setuidgid" | "runuser" => true,
            "setpriv" => rest.iter().any(|w| {
                ["--reuid", "--ruid", "--euid"]
                    .iter()
                    .any(|o| w.text.starts_with(o))
            }),
            "chroot" => rest.iter().any(|w| w.text.starts_with("--userspec")),
            "su" => su_switches_user(rest),
            _ => false,
        }
    })
}

/// `su [options] user -c command`: the user, found past su's options (`-s shell`,
/// `-g group`, `-`, `-l`, `-p`), is not root, and a command is given.
fn su_switches_user(args: &[Word]) -> bool {
    let mut user = None;
    let mut command = false;
    let mut j = 0;
    while let Some(word) = args.get(j) {
        let text = word.text.as_str();
        match text {
            "-c" | "--command" | "--session-command" => {
                command = true;
                j += 2;
                continue;
            }
            "-s"
            | "--shell"
            | "-g"
            | "--group"
            | "-G"
            | "--supp-group"
            | "-w"
            | "--whitelist-environment" => j += 2,
            _ if text.starts_with("--command=") => {
                command = true;
                j += 1;
            }
            _ if text.starts_with('-') => j += 1,
            _ => {
                if user.is_none() {
                    user = Some(text);
                }
                j += 1;
            }
        }
    }
    command && user.is_some_and(|u| u != "root" && u != "0")
}

/// The executable's base name: `/usr/local/bin/gunicorn` → `gunicorn`.
fn base_name(text: &str) -> &str {
    text.rsplit('/').next().unwrap_or(text)
}

/// `NAME=value` (a shell assignment or an `env` argument).
pub fn is_assignment(text: &str) -> bool {
    match text.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && !name.as_bytes()[0].is_ascii_digit()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        }
        None => false,
    }
}

/// `python`, `python3`, `python3.12`, `pypy3`.
pub fn is_python(name: &str) -> bool {
    let rest = name
        .strip_prefix("python")
        .or_else(|| name.strip_prefix("pypy"));
    rest.is_some_and(|r| r.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// Skips options from `start`; `valued` lists the options that take a separate value.
/// With `double_dash`, a `--` ending the options is skipped too. Returns the index of
/// the first non-option word.
fn skip_options(words: &[Word], start: usize, valued: &[&str], double_dash: bool) -> usize {
    let mut j = start;
    while let Some(word) = words.get(j) {
        let text = word.text.as_str();
        if text == "--" {
            return if double_dash { j + 1 } else { j };
        }
        if !text.starts_with('-') || text == "-" {
            break;
        }
        j += if valued.contains(&text) { 2 } else { 1 };
    }
    j.min(words.len())
}

/// Skips `--option value` pairs (and `--option=value` words).
fn skip_valued_options(words: &[Word], start: usize) -> usize {
    let mut j = start;
    while let Some(word) = words.get(j) {
        if word.text == "--" {
            return j + 1;
        }
        if !word.text.starts_with('-') {
            break;
        }
        j += if word.text.contains('=') { 1 } else { 2 };
    }
    j.min(words.len())
}

/// A part of a word: exact when the word's text is its source text (no quotes or
/// escapes), else the whole word's span.
fn sub_span(word: &Word, start: usize, end: usize) -> Span {
    if word.span.len() == word.text.len() {
        Span::new(word.span.start + start, word.span.start + end)
    } else {
        word.span
    }
}

fn sub_word(word: &Word, start: usize) -> Word {
    Word::new(
        word.text.get(start..).unwrap_or(""),
        sub_span(word, start, word.text.len()),
    )
}

fn cover(words: &[Word], from: usize, to: usize) -> Span {
    let first = words.get(from).map(|w| w.span);
    let last = words.get(to.saturating_sub(1).max(from)).map(|w| w.span);
    match (first, last) {
        (Some(a), Some(b)) => a.cover(b),
        (Some(a), None) => a,
        _ => Span::default(),
    }
}

/// One option a CLI accepts.
struct OptionSpec {
    long: &'static str,
    short: Option<char>,
    takes_value: bool,
}

const fn value(long: &'static str, short: Option<char>) -> OptionSpec {
    OptionSpec {
        long,
        short,
        takes_value: true,
    }
}

const fn flag(long: &'static str, short: Option<char>) -> OptionSpec {
    OptionSpec {
        long,
        short,
        takes_value: false,
    }
}

/// A CLI's options and whether it accepts unambiguous prefixes of long names
/// (argparse does, click does not).
struct Cli {
    options: &'static [OptionSpec],
    prefixes: bool,
}

/// gunicorn (argparse), from its settings reference.
const GUNICORN: &Cli = &Cli {
    prefixes: true,
    options: &[
        value("--config", Some('c')),
        value("--bind", Some('b')),
        value("--backlog", None),
        value("--workers", Some('w')),
        value("--worker-class", Some('k')),
        value("--threads", None),
        value("--worker-connections", None),
        value("--max-requests", None),
        value("--max-requests-jitter", None),
        value("--timeout", Some('t')),
        value("--graceful-timeout", None),
        value("--keep-alive", None),
        value("--limit-request-line", None),
        value("--limit-request-fields", None),
        value("--limit-request-field_size", None),
        flag("--reload", None),
        value("--reload-engine", None),
        value("--reload-extra-file", None),
        flag("--spew", None),
        flag("--check-config", None),
        flag("--print-config", None),
        flag("--preload", None),
        flag("--no-sendfile", None),
        flag("--reuse-port", None),
        value("--chdir", None),
        flag("--daemon", Some('D')),
        value("--env", Some('e')),
        value("--pid", Some('p')),
        value("--worker-tmp-dir", None),
        value("--user", Some('u')),
        value("--group", Some('g')),
        value("--umask", Some('m')),
        flag("--initgroups", None),
        value("--forwarded-allow-ips", None),
        value("--access-logfile", None),
        flag("--disable-redirect-access-to-syslog", None),
        value("--access-logformat", None),
        value("--error-logfile", None),
        value("--log-file", None),
        value("--log-level", None),
        flag("--capture-output", None),
        value("--logger-class", None),
        value("--log-config", None),
        value("--log-config-json", None),
        value("--log-syslog-to", None),
        flag("--log-syslog", None),
        value("--log-syslog-prefix", None),
        value("--log-syslog-facility", None),
        flag("--enable-stdio-inheritance", Some('R')),
        value("--statsd-host", None),
        value("--dogstatsd-tags", None),
        value("--statsd-prefix", None),
        value("--name", Some('n')),
        value("--pythonpath", None),
        value("--paste", None),
        value("--paster", None),
        flag("--proxy-protocol", None),
        value("--proxy-allow-from", None),
        value("--keyfile", None),
        value("--certfile", None),
        value("--ssl-version", None),
        value("--cert-reqs", None),
        value("--ca-certs", None),
        flag("--suppress-ragged-eofs", None),
        flag("--do-handshake-on-connect", None),
        value("--ciphers", None),
        value("--paste-global", None),
        flag("--strip-header-spaces", None),
        flag("--version", Some('v')),
    ],
};

/// uvicorn (click: no short options, no prefixes).
const UVICORN: &Cli = &Cli {
    prefixes: false,
    options: &[
        value("--host", None),
        value("--port", None),
        value("--uds", None),
        value("--fd", None),
        flag("--reload", None),
        value("--reload-dir", None),
        value("--reload-include", None),
        value("--reload-exclude", None),
        value("--reload-delay", None),
        value("--workers", None),
        value("--loop", None),
        value("--http", None),
        value("--ws", None),
        value("--ws-max-size", None),
        value("--ws-max-queue", None),
        value("--ws-ping-interval", None),
        value("--ws-ping-timeout", None),
        flag("--ws-per-message-deflate", None),
        value("--lifespan", None),
        value("--interface", None),
        value("--env-file", None),
        value("--log-config", None),
        value("--log-level", None),
        flag("--access-log", None),
        flag("--no-access-log", None),
        flag("--use-colors", None),
        flag("--no-use-colors", None),
        flag("--proxy-headers", None),
        flag("--no-proxy-headers", None),
        flag("--server-header", None),
        flag("--no-server-header", None),
        flag("--date-header", None),
        flag("--no-date-header", None),
        value("--forwarded-allow-ips", None),
        value("--root-path", None),
        value("--limit-concurrency", None),
        value("--backlog", None),
        value("--limit-max-requests", None),
        value("--timeout-keep-alive", None),
        value("--timeout-graceful-shutdown", None),
        value("--ssl-keyfile", None),
        value("--ssl-certfile", None),
        value("--ssl-keyfile-password", None),
        value("--ssl-version", None),
        value("--ssl-cert-reqs", None),
        value("--ssl-ca-certs", None),
        value("--ssl-ciphers", None),
        value("--header", None),
        flag("--version", None),
        value("--app-dir", None),
        value("--h11-max-incomplete-event-size", None),
        flag("--factory", None),
    ],
};

/// hypercorn (argparse).
const HYPERCORN: &Cli = &Cli {
    prefixes: true,
    options: &[
        value("--access-logfile", None),
        value("--access-logformat", None),
        value("--backlog", None),
        value("--bind", Some('b')),
        value("--ca-certs", None),
        value("--certfile", None),
        value("--cert-reqs", None),
        value("--ciphers", None),
        value("--config", Some('c')),
        flag("--debug", None),
        value("--error-logfile", None),
        value("--log-file", None),
        value("--graceful-timeout", None),
        value("--read-timeout", None),
        value("--max-requests", None),
        value("--max-requests-jitter", None),
        value("--group", Some('g')),
        value("--worker-class", Some('k')),
        value("--keep-alive", None),
        value("--keyfile", None),
        value("--keyfile-password", None),
        value("--insecure-bind", None),
        value("--quic-bind", None),
        value("--log-config", None),
        value("--log-level", None),
        value("--pid", Some('p')),
        value("--root-path", None),
        flag("--reload", None),
        value("--server-name", None),
        value("--ssl-handshake-timeout", None),
        value("--statsd-host", None),
        value("--statsd-prefix", None),
        value("--umask", Some('m')),
        value("--user", Some('u')),
        value("--verify-mode", None),
        value("--websocket-ping-interval", None),
        value("--workers", Some('w')),
    ],
};

/// `flask` group options (before the subcommand) and `flask run` options (click).
const FLASK: &Cli = &Cli {
    prefixes: false,
    options: &[
        value("--app", Some('A')),
        value("--env-file", Some('e')),
        flag("--debug", None),
        flag("--no-debug", None),
        flag("--version", None),
        value("--host", Some('h')),
        value("--port", Some('p')),
        value("--cert", None),
        value("--key", None),
        flag("--reload", None),
        flag("--no-reload", None),
        flag("--debugger", None),
        flag("--no-debugger", None),
        flag("--with-threads", None),
        flag("--without-threads", None),
        value("--extra-files", None),
        value("--exclude-patterns", None),
        flag("--eager-loading", None),
        flag("--lazy-loading", None),
    ],
};

/// Django `runserver` (argparse).
const RUNSERVER: &Cli = &Cli {
    prefixes: true,
    options: &[
        flag("--ipv6", Some('6')),
        flag("--nothreading", None),
        flag("--noreload", None),
        flag("--nostatic", None),
        flag("--insecure", None),
        value("--settings", None),
        value("--pythonpath", None),
        value("--verbosity", Some('v')),
        flag("--traceback", None),
        flag("--no-color", None),
        flag("--force-color", None),
        flag("--skip-checks", None),
    ],
};

/// `python -m http.server` (argparse).
const HTTP_SERVER: &Cli = &Cli {
    prefixes: true,
    options: &[
        value("--bind", Some('b')),
        value("--directory", Some('d')),
        value("--protocol", Some('p')),
        flag("--cgi", None),
    ],
};

/// `cargo run`.
const CARGO_RUN: &Cli = &Cli {
    prefixes: false,
    options: &[
        value("--bin", None),
        value("--example", None),
        value("--package", Some('p')),
        flag("--release", Some('r')),
        value("--features", Some('F')),
        flag("--all-features", None),
        flag("--no-default-features", None),
        value("--profile", None),
        value("--target", None),
        value("--target-dir", None),
        value("--jobs", Some('j')),
        value("--manifest-path", None),
        value("--color", None),
        value("--config", None),
        flag("--locked", None),
        flag("--offline", None),
        flag("--frozen", None),
        flag("--quiet", Some('q')),
        flag("--verbose", Some('v')),
    ],
};

/// A CLI nobody described: `--name=value` splits, every other option is a flag.
const UNKNOWN: &Cli = &Cli {
    prefixes: false,
    options: &[],
};

impl Cli {
    fn long(&self, name: &str) -> Option<&OptionSpec> {
        if let Some(spec) = self.options.iter().find(|o| o.long == name) {
            return Some(spec);
        }
        if !self.prefixes || name.len() < 3 {
            return None;
        }
        let mut candidates = self.options.iter().filter(|o| o.long.starts_with(name));
        match (candidates.next(), candidates.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    }

    fn short(&self, c: char) -> Option<&OptionSpec> {
        self.options.iter().find(|o| o.short == Some(c))
    }
}

/// Parsed options and positionals of `words[start..]`; stops early (returning where)
/// when `stop_at` says a positional ends the options (a subcommand).
struct ParsedArgs {
    options: Vec<CliOption>,
    positionals: Vec<Word>,
    end: usize,
}

fn parse_args(cli: &Cli, words: &[Word], start: usize, stop_at_positional: bool) -> ParsedArgs {
    let mut options = Vec::new();
    let mut positionals = Vec::new();
    let mut i = start;
    let mut only_positionals = false;
    while let Some(word) = words.get(i) {
        let text = word.text.as_str();
        i += 1;
        if only_positionals || text == "-" || !text.starts_with('-') {
            if stop_at_positional && !only_positionals {
                return ParsedArgs {
                    options,
                    positionals,
                    end: i - 1,
                };
            }
            positionals.push(word.clone());
            continue;
        }
        if text == "--" {
            only_positionals = true;
            continue;
        }
        if let Some(body) = text.strip_prefix("--") {
            let (name_len, inline) = match body.find('=') {
                Some(eq) => (eq + 2, Some(sub_word(word, eq + 3))),
                None => (text.len(), None),
            };
            let written = &text[..name_len];
            let spec = cli.long(written);
            let name = spec.map_or(written, |s| s.long).to_owned();
            let value = match (spec, inline) {
                (_, Some(inline)) => Some(inline),
                (Some(spec), None) if spec.takes_value => {
                    let next = words.get(i).cloned();
                    i += 1;
                    next
                }
                _ => None,
            };
            options.push(CliOption {
                name,
                name_span: sub_span(word, 0, name_len),
                value,
            });
            continue;
        }
        // A cluster of short options: `-Dw4`, `-b0.0.0.0:80`.
        for (offset, c) in text.char_indices().skip(1) {
            let spec = cli.short(c);
            let name_span = sub_span(word, offset, offset + c.len_utf8());
            let name = spec.map_or_else(|| format!("-{c}"), |s| s.long.to_owned());
            if spec.is_some_and(|s| s.takes_value) {
                let rest = offset + c.len_utf8();
                let value = if rest < text.len() {
                    Some(sub_word(word, rest))
                } else {
                    let next = words.get(i).cloned();
                    i += 1;
                    next
                };
                options.push(CliOption {
                    name,
                    name_span: cover_span(word, name_span, offset),
                    value,
                });
                break;
            }
            options.push(CliOption {
                name,
                name_span: cover_span(word, name_span, offset),
                value: None,
            });
        }
    }
    ParsedArgs {
        options,
        positionals,
        end: words.len(),
    }
}

/// The span of a short option including its dash when it is the cluster's first
/// (`-b` rather than `b`).
fn cover_span(word: &Word, name_span: Span, offset: usize) -> Span {
    if offset == 1 && name_span != word.span {
        Span::new(name_span.start - 1, name_span.end)
    } else {
        name_span
    }
}

fn invocation(
    program: Program,
    words: &[Word],
    program_from: usize,
    program_to: usize,
    parsed: ParsedArgs,
    via_exec: bool,
) -> Invocation {
    Invocation {
        program,
        program_span: cover(words, program_from, program_to),
        options: parsed.options,
        positionals: parsed.positionals,
        via_exec,
        span: cover(words, program_from, words.len().max(program_to)),
    }
}

fn server(
    program: Program,
    cli: &Cli,
    words: &[Word],
    from: usize,
    args: usize,
    via_exec: bool,
    out: &mut Vec<Invocation>,
) {
    let parsed = parse_args(cli, words, args, false);
    out.push(invocation(program, words, from, args, parsed, via_exec));
}

fn generic(
    program: Program,
    words: &[Word],
    from: usize,
    args: usize,
    via_exec: bool,
) -> Invocation {
    let parsed = parse_args(UNKNOWN, words, args, false);
    invocation(program, words, from, args, parsed, via_exec)
}

/// `flask [group options] run [options]`.
fn flask(words: &[Word], from: usize, args: usize, via_exec: bool, out: &mut Vec<Invocation>) {
    out.push(subcommand(
        words,
        from,
        args,
        via_exec,
        (FLASK, "run", Program::FlaskRun),
    ));
}

/// `django-admin runserver ...` / `manage.py runserver ...`: `args` is where the
/// subcommand should be.
fn django(words: &[Word], from: usize, args: usize, via_exec: bool, out: &mut Vec<Invocation>) {
    out.push(subcommand(
        words,
        from,
        args,
        via_exec,
        (RUNSERVER, "runserver", Program::DjangoRunserver),
    ));
}

/// A tool whose server is one subcommand (`flask run`, `manage.py runserver`): options
/// before the subcommand belong to the same invocation. Any other subcommand is a
/// generic program named after the tool.
fn subcommand(
    words: &[Word],
    from: usize,
    args: usize,
    via_exec: bool,
    (table, name, program): (&Cli, &str, Program),
) -> Invocation {
    let group = parse_args(table, words, args, true);
    if words.get(group.end).is_some_and(|w| w.text == name) {
        let mut run = parse_args(table, words, group.end + 1, false);
        let mut options = group.options;
        options.append(&mut run.options);
        run.options = options;
        invocation(program, words, from, group.end + 1, run, via_exec)
    } else {
        let tool = base_name(&words[from].text).to_owned();
        generic(Program::Other(tool), words, from, args, via_exec)
    }
}

/// `cargo [+toolchain] [global options] run ...`.
fn cargo(words: &[Word], from: usize, via_exec: bool, out: &mut Vec<Invocation>) {
    let mut j = from + 1;
    if words.get(j).is_some_and(|w| w.text.starts_with('+')) {
        j += 1;
    }
    let j = skip_options(words, j, &["-Z", "-C", "--config", "--color"], false);
    if words
        .get(j)
        .is_some_and(|w| w.text == "run" || w.text == "r")
    {
        let parsed = parse_args(CARGO_RUN, words, j + 1, false);
        out.push(invocation(
            Program::CargoRun,
            words,
            from,
            j + 1,
            parsed,
            via_exec,
        ));
    } else {
        out.push(generic(
            Program::Other("cargo".to_owned()),
            words,
            from,
            from + 1,
            via_exec,
        ));
    }
}

/// `python [options] -m module ...`, `python script.py ...`; `options_from` is where
/// the interpreter's options start.
fn python(
    words: &[Word],
    from: usize,
    options_from: usize,
    via_exec: bool,
    out: &mut Vec<Invocation>,
) {
    let interpreter = base_name(&words[from].text).to_owned();
    let mut j = options_from;
    while let Some(word) = words.get(j) {
        let text = word.text.as_str();
        if text == "--" {
            j += 1;
            break;
        }
        if !text.starts_with('-') || text == "-" {
            break;
        }
        if text.starts_with("--") {
            // `--module` is uv's spelling of `-m`.
            if text == "--module" {
                return python_module(words, from, j + 1, words.get(j + 1).cloned(), via_exec, out);
            }
            j += 1;
            continue;
        }
        // A cluster like `-u`, `-OO`, `-um`, `-mgunicorn`, `-Xdev`.
        let mut consumed = false;
        for (offset, c) in text.char_indices().skip(1) {
            let rest = offset + c.len_utf8();
            match c {
                'm' => {
                    let (module, next) = if rest < text.len() {
                        (Some(sub_word(word, rest)), j + 1)
                    } else {
                        (words.get(j + 1).cloned(), j + 2)
                    };
                    return python_module(words, from, next, module, via_exec, out);
                }
                'c' => {
                    out.push(generic(
                        Program::Other(interpreter),
                        words,
                        from,
                        j,
                        via_exec,
                    ));
                    return;
                }
                'X' | 'W' | 'Q' => {
                    j += if rest < text.len() { 1 } else { 2 };
                    consumed = true;
                    break;
                }
                _ => {}
            }
        }
        if !consumed {
            j += 1;
        }
    }
    let Some(script) = words.get(j) else {
        out.push(generic(
            Program::Other(interpreter),
            words,
            from,
            words.len(),
            via_exec,
        ));
        return;
    };
    if base_name(&script.text) == "manage.py" {
        return django(words, from, j + 1, via_exec, out);
    }
    let program = Program::PythonScript {
        script: script.clone(),
    };
    out.push(generic(program, words, from, j + 1, via_exec));
}

/// `python -m module args...`: `args` is the index after the module name.
fn python_module(
    words: &[Word],
    from: usize,
    args: usize,
    module: Option<Word>,
    via_exec: bool,
    out: &mut Vec<Invocation>,
) {
    let Some(module) = module else {
        let interpreter = base_name(&words[from].text).to_owned();
        out.push(generic(
            Program::Other(interpreter),
            words,
            from,
            words.len(),
            via_exec,
        ));
        return;
    };
    let args = args.min(words.len());
    match module.text.as_str() {
        "gunicorn" => server(
            Program::Gunicorn,
            GUNICORN,
            words,
            from,
            args,
            via_exec,
            out,
        ),
        "uvicorn" => server(Program::Uvicorn, UVICORN, words, from, args, via_exec, out),
        "hypercorn" => server(
            Program::Hypercorn,
            HYPERCORN,
            words,
            from,
            args,
            via_exec,
            out,
        ),
        "http.server" | "SimpleHTTPServer" => server(
            Program::HttpServer,
            HTTP_SERVER,
            words,
            from,
            args,
            via_exec,
            out,
        ),
        "flask" => flask(words, from, args, via_exec, out),
        "django" => django(words, from, args, via_exec, out),
        _ => out.push(generic(
            Program::PythonModule { module },
            words,
            from,
            args,
            via_exec,
        )),
    }
}

/// `sh [options] -c "command string" ...`: recognizes each simple command of the
/// string. Inner spans are exact when the string's source maps byte for byte (an
/// unquoted word, or one quoted whole without escapes); otherwise every inner word
/// points at the whole string.
fn shell(
    words: &[Word],
    from: usize,
    via_exec: bool,
    depth: usize,
    context: Context,
    out: &mut Vec<Invocation>,
) {
    let mut j = from + 1;
    if base_name(&words[from].text) == "busybox" {
        if words
            .get(j)
            .is_some_and(|w| matches!(w.text.as_str(), "sh" | "ash"))
        {
            j += 1;
        } else {
            out.push(generic(
                Program::Other("busybox".to_owned()),
                words,
                from,
                j,
                via_exec,
            ));
            return;
        }
    }
    let mut has_command_string = false;
    while let Some(word) = words.get(j) {
        let text = word.text.as_str();
        if text == "--" {
            j += 1;
            break;
        }
        let is_option = (text.starts_with('-') || text.starts_with('+')) && text.len() > 1;
        if !is_option {
            break;
        }
        j += 1;
        if text.contains('c') && !text.starts_with("--") {
            has_command_string = true;
        }
        if text.ends_with('o') && !text.starts_with("--") {
            j += 1; // `-o option`
        }
    }
    let string = if has_command_string {
        words.get(j)
    } else {
        None
    };
    let Some(string) = string else {
        out.push(generic(
            Program::Other(base_name(&words[from].text).to_owned()),
            words,
            from,
            j,
            via_exec,
        ));
        return;
    };
    if depth >= MAX_SHELL_DEPTH {
        return;
    }
    let exact_base = context.exact_base(string);
    let mut commands = split_commands(&string.text, exact_base.unwrap_or(0));
    if exact_base.is_none() {
        for word in commands.iter_mut().flatten() {
            word.span = string.span;
        }
    }
    // Each command runs as the shell's child unless the string says `exec` (some
    // shells exec a lone last command themselves; not counted on here).
    for command in &commands {
        recognize_into(command, false, depth + 1, context, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::shell::split_words;

    fn one(line: &str) -> Invocation {
        let invocations = recognize(&split_words(line, 0));
        assert_eq!(invocations.len(), 1, "{invocations:?}");
        invocations.into_iter().next().unwrap()
    }

    fn value<'a>(inv: &'a Invocation, name: &str) -> Option<&'a str> {
        inv.option(name)
            .and_then(|o| o.value.as_ref())
            .map(|v| v.text.as_str())
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn gunicorn_option_syntaxes() {
        let line = "/usr/local/bin/gunicorn -b0.0.0.0:80 -w4 --threads=2 -k uvicorn.workers.UvicornWorker --reload -D --timeout 0 app.main:app";
        let inv = one(line);
        assert_eq!(inv.program, Program::Gunicorn);
        assert_eq!(slice(line, inv.program_span), "/usr/local/bin/gunicorn");
        assert_eq!(value(&inv, "--bind"), Some("0.0.0.0:80"));
        assert_eq!(value(&inv, "--workers"), Some("4"));
        assert_eq!(value(&inv, "--threads"), Some("2"));
        assert_eq!(
            value(&inv, "--worker-class"),
            Some("uvicorn.workers.UvicornWorker")
        );
        assert_eq!(value(&inv, "--timeout"), Some("0"));
        assert!(inv.option("--reload").unwrap().value.is_none());
        assert!(inv.option("--daemon").is_some());
        assert_eq!(inv.app_spec().unwrap().text, "app.main:app");
        assert_eq!(slice(line, inv.option("--bind").unwrap().name_span), "-b");
        assert_eq!(
            slice(
                line,
                inv.option("--bind").unwrap().value.as_ref().unwrap().span
            ),
            "0.0.0.0:80"
        );
        assert_eq!(
            slice(line, inv.option("--threads").unwrap().name_span),
            "--threads"
        );
        assert_eq!(
            slice(line, inv.option("--reload").unwrap().name_span),
            "--reload"
        );
        assert!(inv.via_exec);
        assert_eq!(inv.span, Span::new(0, line.len()));
    }

    #[test]
    fn argparse_prefixes_for_gunicorn_only() {
        let inv = one("gunicorn --grace 3 app:app");
        assert_eq!(value(&inv, "--graceful-timeout"), Some("3"));
        // Ambiguous prefixes (`--workers`, `--worker-class`...) are not guessed.
        let inv = one("gunicorn --work 3 app:app");
        assert_eq!(inv.options[0].name, "--work");
        assert_eq!(inv.app_spec().unwrap().text, "app:app");
        let inv = one("uvicorn --hos 0.0.0.0 app:app");
        assert!(inv.option("--host").is_none());
    }

    #[test]
    fn quoted_values_use_the_word_span() {
        let line = r#"gunicorn --bind="0.0.0.0:80" app:app"#;
        let inv = one(line);
        let bind = inv.option("--bind").unwrap();
        assert_eq!(bind.value.as_ref().unwrap().text, "0.0.0.0:80");
        assert_eq!(
            slice(line, bind.value.as_ref().unwrap().span),
            r#"--bind="0.0.0.0:80""#
        );
    }

    #[test]
    fn user_switches() {
        let switches = |line: &str| switches_user(&crate::lang::shell::split_words(line, 0));
        for line in [
            "exec gosu app \"$@\"",
            "su-exec app:app gunicorn app:app",
            "su cassandra -c \"$CASSANDRA_HOME/bin/cassandra -f\"",
            "su -s /bin/sh app -c 'exec worker'",
            "exec su - app --command=worker",
            "runuser -u app -- worker",
            "setpriv --reuid=app --regid=app --init-groups worker",
            "chroot --userspec=app:app / worker",
            "s6-setuidgid app worker",
            "chpst -u app worker",
        ] {
            assert!(switches(line), "{line}");
        }
        for line in [
            "su -c 'worker'",
            "su root -c worker",
            "su app",
            "setpriv --no-new-privs worker",
            "chroot /srv worker",
            "echo superuser",
        ] {
            assert!(!switches(line), "{line}");
        }
    }

    #[test]
    fn wrappers_are_skipped() {
        for line in [
            "exec gunicorn app:app",
            "env -i A=1 B=2 gunicorn app:app",
            "A=1 gunicorn app:app",
            "tini -- gunicorn app:app",
            "/usr/bin/dumb-init -- gunicorn app:app",
            "gosu app gunicorn app:app",
            "su-exec app:app gunicorn app:app",
            "poetry run gunicorn app:app",
            "pipenv run gunicorn app:app",
            "uv run --no-dev gunicorn app:app",
            "pdm run gunicorn app:app",
            "ddtrace-run gunicorn app:app",
            "opentelemetry-instrument --traces_exporter otlp gunicorn app:app",
            "newrelic-admin run-program gunicorn app:app",
            "python -m gunicorn app:app",
            "python3.12 -u -m gunicorn app:app",
            "uv run -m gunicorn app:app",
        ] {
            let inv = one(line);
            assert_eq!(inv.program, Program::Gunicorn, "{line}");
            assert_eq!(
                inv.app_spec().map(|w| w.text.as_str()),
                Some("app:app"),
                "{line}"
            );
        }
        let inv = one("python -m gunicorn app:app");
        assert_eq!(inv.program_span, Span::new(0, "python -m gunicorn".len()));
    }

    #[test]
    fn uvicorn_and_hypercorn() {
        let inv = one("uvicorn main:app --host 0.0.0.0 --port=8000 --reload --factory");
        assert_eq!(inv.program, Program::Uvicorn);
        assert_eq!(value(&inv, "--host"), Some("0.0.0.0"));
        assert_eq!(value(&inv, "--port"), Some("8000"));
        assert!(inv.option("--reload").is_some());
        assert_eq!(inv.app_spec().unwrap().text, "main:app");
        let inv = one("hypercorn -b 0.0.0.0:8000 -w 2 -k uvloop main:app");
        assert_eq!(inv.program, Program::Hypercorn);
        assert_eq!(value(&inv, "--worker-class"), Some("uvloop"));
        assert_eq!(inv.app_spec().unwrap().text, "main:app");
    }

    #[test]
    fn flask_django_http_server_cargo() {
        let inv = one("flask --app hello --debug run -h 0.0.0.0 -p 5000");
        assert_eq!(inv.program, Program::FlaskRun);
        assert_eq!(value(&inv, "--app"), Some("hello"));
        assert!(inv.option("--debug").is_some());
        assert_eq!(value(&inv, "--host"), Some("0.0.0.0"));
        assert_eq!(inv.app_spec().unwrap().text, "hello");
        assert_eq!(one("python -m flask run").program, Program::FlaskRun);
        assert_eq!(
            one("flask db upgrade").program,
            Program::Other("flask".into())
        );

        let inv = one("python manage.py runserver 0.0.0.0:8000 --noreload");
        assert_eq!(inv.program, Program::DjangoRunserver);
        assert_eq!(inv.app_spec().unwrap().text, "0.0.0.0:8000");
        assert!(inv.option("--noreload").is_some());
        assert_eq!(
            one("django-admin runserver").program,
            Program::DjangoRunserver
        );
        assert_eq!(
            one("python manage.py migrate").program,
            Program::Other("python".into())
        );

        let inv = one("python3 -m http.server 8080 --bind 127.0.0.1");
        assert_eq!(inv.program, Program::HttpServer);
        assert_eq!(inv.app_spec().unwrap().text, "8080");
        assert_eq!(value(&inv, "--bind"), Some("127.0.0.1"));

        let inv = one("cargo run --release --bin server -- --port 80");
        assert_eq!(inv.program, Program::CargoRun);
        assert_eq!(value(&inv, "--bin"), Some("server"));
        let positionals: Vec<&str> = inv.positionals.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(positionals, ["--port", "80"]);
        assert_eq!(one("cargo build").program, Program::Other("cargo".into()));
    }

    #[test]
    fn python_scripts_and_modules() {
        let inv = one("python -u app.py --port 80");
        match &inv.program {
            Program::PythonScript { script } => assert_eq!(script.text, "app.py"),
            other => panic!("{other:?}"),
        }
        let inv = one("python -m mypkg.server x");
        match &inv.program {
            Program::PythonModule { module } => assert_eq!(module.text, "mypkg.server"),
            other => panic!("{other:?}"),
        }
        assert_eq!(inv.positionals[0].text, "x");
        let inv = one("python -mhttp.server");
        assert_eq!(inv.program, Program::HttpServer);
        assert_eq!(
            one("python -c 'print(1)'").program,
            Program::Other("python".into())
        );
        assert_eq!(one("python").program, Program::Other("python".into()));
        assert_eq!(one("python -m").program, Program::Other("python".into()));
    }

    #[test]
    fn sh_c_strings_are_recognized() {
        let line = r#"sh -c "cd /app && exec gunicorn --reload app:app""#;
        let invocations = recognize(&split_words(line, 0));
        assert_eq!(invocations.len(), 2);
        assert_eq!(invocations[0].program, Program::Other("cd".into()));
        let gunicorn = &invocations[1];
        assert_eq!(gunicorn.program, Program::Gunicorn);
        assert!(gunicorn.via_exec);
        assert_eq!(
            slice(line, gunicorn.option("--reload").unwrap().name_span),
            "--reload"
        );
        assert!(!invocations[0].via_exec);

        // An escaped quote breaks the byte-for-byte mapping: spans fall back to the string.
        let line = r#"/bin/bash -ec "gunicorn --bind \"0.0.0.0\" app:app""#;
        let invocations = recognize(&split_words(line, 0));
        assert_eq!(invocations.len(), 1);
        assert_eq!(invocations[0].program, Program::Gunicorn);
        assert!(!invocations[0].via_exec);
        assert_eq!(value(&invocations[0], "--bind"), Some("0.0.0.0"));
        assert_eq!(
            slice(line, invocations[0].program_span),
            r#""gunicorn --bind \"0.0.0.0\" app:app""#
        );

        assert_eq!(one("sh entrypoint.sh").program, Program::Other("sh".into()));
        assert!(recognize(&split_words("sh -c", 0)).len() == 1);
    }

    #[test]
    fn source_checks_the_byte_for_byte_mapping() {
        // Partly quoted: the span is two bytes longer than the text, yet not quoted whole.
        let line = "sh -c é<<'x y'z --reload";
        let words = split_words(line, 0);
        let invocations = recognize_in(&words, Some(line));
        assert_eq!(slice(line, invocations[0].program_span), "é<<'x y'z");
        let line = "sh -c 'gunicorn --reload app:app'";
        let invocations = recognize_in(&split_words(line, 0), Some(line));
        assert_eq!(
            slice(line, invocations[0].option("--reload").unwrap().name_span),
            "--reload"
        );
    }

    #[test]
    fn shell_commands_need_exec() {
        let commands = split_commands("python migrate.py && gunicorn app:app", 0);
        let invocations = recognize_shell(&commands);
        assert_eq!(invocations.len(), 2);
        assert!(!invocations[1].via_exec);
        let invocations = recognize_shell(&split_commands("exec uvicorn main:app", 0));
        assert!(invocations[0].via_exec);
    }

    #[test]
    fn nested_sh_depth_is_capped() {
        let mut line = "gunicorn app:app".to_owned();
        for _ in 0..9 {
            line = format!("sh -c {}", crate_quote(&line));
        }
        let invocations = recognize(&split_words(&line, 0));
        assert!(invocations.is_empty());
    }

    fn crate_quote(s: &str) -> String {
        format!("'{}'", s.replace('\'', r"'\''"))
    }

    #[test]
    fn empty_and_odd_input() {
        assert!(recognize(&[]).is_empty());
        assert!(recognize(&split_words("exec", 0)).is_empty());
        assert!(recognize(&split_words("env A=1", 0)).is_empty());
        assert_eq!(one("gunicorn -b").option("--bind").unwrap().value, None);
        assert_eq!(one("gunicorn -").positionals[0].text, "-");
        let inv = one("gunicorn -é");
        assert_eq!(inv.options[0].name, "-é");
    }
}
