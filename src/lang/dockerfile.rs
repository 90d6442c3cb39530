//! Dockerfile front-end: a hand-written parser that follows BuildKit's rules.
//!
//! It reads parser directives (`# escape=`, `# syntax=`), joins line continuations
//! (dropping the comment and blank lines BuildKit drops between continued lines), reads
//! heredocs (`RUN <<EOF`), instruction flags (`--mount=...`), JSON (exec) form vs shell
//! form, ENV/LABEL/ARG pairs in both syntaxes, and groups instructions into stages.
//! Every word keeps the exact byte span of its source text in the file, also across
//! continuation lines. Malformed input yields a best-effort tree plus `errors`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::lang::shell::{Offsets, Splitter, Word, mapped_span};
use crate::source::Span;

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    /// The escape character (`\` unless a `# escape=` directive says otherwise).
    pub escape: char,
    pub directives: Vec<Directive>,
    /// `ARG` instructions before the first `FROM` (visible in `FROM` lines).
    pub global_args: Vec<Instruction>,
    pub stages: Vec<Stage>,
    pub errors: Vec<ParseError>,
    /// The stage a build of this file names as its target (`docker build --target`,
    /// compose `build.target`), when the deployment model knows one; else the last.
    pub target: Option<usize>,
    /// [`Dockerfile::variables`] per scope, computed on first use: rules substitute many
    /// values per stage, and recomputing made 8,000 chained ENV lines take a minute.
    variables_cache: VariablesCache,
}

/// Slot 0 is the global scope, slot `i + 1` stage `i`; and whether computing them hit
/// a budget ([`MAX_SUBSTITUTED_BYTES`], [`MAX_STAGE_CHAIN`]).
#[derive(Debug, Default)]
struct VariablesCache {
    slots: Vec<OnceLock<Variables>>,
    over_budget: AtomicBool,
}

impl Clone for VariablesCache {
    fn clone(&self) -> Self {
        VariablesCache {
            slots: self.slots.clone(),
            over_budget: AtomicBool::new(self.over_budget.load(Ordering::Relaxed)),
        }
    }
}

/// Why a substitution has no value.
enum Unresolved {
    /// A referenced variable's value is not known.
    Unknown,
    /// The value would pass [`MAX_SUBSTITUTED_BYTES`].
    OverBudget,
}

/// A variable's value in a scope; `None`: declared, value unknown.
pub type Variables = HashMap<String, Option<String>>;

/// A cache says nothing about the file: two parses of the same text are equal.
impl PartialEq for VariablesCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for VariablesCache {}

/// Ancestor stages whose ENV values a stage is judged to inherit.
const MAX_STAGE_CHAIN: usize = 64;

/// Longest value a substitution may produce; past it the value counts as unknown.
/// `ENV A=$A$A` repeated doubles it per line: without a bound, 40 such lines of a
/// 500-byte file asked for gigabytes.
const MAX_SUBSTITUTED_BYTES: usize = 16 * 1024;

/// A parser directive at the top of the file (`# syntax=docker/dockerfile:1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lowercased name.
    pub name: String,
    pub value: String,
    /// The whole directive line.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
}

/// One build stage: a `FROM` and the instructions up to the next `FROM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// 0-based position among the stages.
    pub index: usize,
    pub from: Instruction,
    /// The image reference as written (quotes removed, `$VAR` not expanded).
    pub base_image: Option<Word>,
    /// The `AS name` of the stage.
    pub name: Option<Word>,
    /// The earlier stage this one is built `FROM` (by name), if any.
    pub parent: Option<usize>,
    pub instructions: Vec<Instruction>,
}

/// One instruction, possibly spanning continuation lines and heredoc bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// The keyword, uppercased.
    pub keyword: String,
    pub keyword_span: Span,
    /// From the keyword to the end of the instruction's last line (continuations and
    /// heredoc bodies included), without the trailing newline or trailing blanks.
    pub span: Span,
    pub flags: Vec<Flag>,
    pub args: Arguments,
    pub heredocs: Vec<Heredoc>,
}

/// An instruction flag: `--mount=type=cache,target=/root/.cache`, `--link`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The name without the leading `--`.
    pub name: String,
    /// What follows the first `=`, quotes removed; `None` for a bare `--flag`.
    pub value: Option<String>,
    pub span: Span,
}

/// The arguments of an instruction, by the syntax the instruction uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arguments {
    /// Nothing after the keyword (and flags).
    Empty,
    /// A JSON string array: exec form for RUN/CMD/ENTRYPOINT/SHELL/HEALTHCHECK CMD,
    /// list form for COPY/ADD/VOLUME. Word spans cover the JSON strings, quotes included.
    Exec(Vec<Word>),
    /// Shell form (RUN/CMD/ENTRYPOINT/HEALTHCHECK CMD not written as a JSON array).
    Shell(ShellForm),
    /// Whitespace-separated words, quotes removed (FROM, USER, EXPOSE, WORKDIR, COPY...).
    Words(Vec<Word>),
    /// Key/value pairs (ENV, LABEL, ARG).
    Pairs(Vec<KeyValue>),
    /// `HEALTHCHECK NONE` (`command: None`) or `HEALTHCHECK [flags] CMD ...`.
    Healthcheck {
        /// The span of the `NONE` or `CMD` word.
        kind_span: Span,
        command: Option<Box<Arguments>>,
    },
}

/// A shell-form command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellForm {
    /// The logical text as the shell receives it: continuations removed, quotes kept.
    pub text: String,
    /// From the first to the last byte of the command in the file.
    pub span: Span,
    /// The simple commands, split by the shell splitter, with exact file spans.
    pub commands: Vec<Vec<Word>>,
    /// `offsets[i]` is the file offset of byte `i` of `text`.
    pub offsets: Vec<usize>,
}

impl ShellForm {
    /// The file span of bytes `[start, end)` of `text`.
    pub fn span_of(&self, start: usize, end: usize) -> Span {
        mapped_span(&self.offsets, start, end)
    }

    /// The command's first word is `exec` (the shell replaces itself with the program).
    pub fn starts_with_exec(&self) -> bool {
        self.commands
            .first()
            .and_then(|c| c.first())
            .is_some_and(|w| w.text == "exec")
    }
}

/// `KEY=value` (or legacy `ENV KEY value`, or `ARG KEY` without value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Word,
    /// Quotes removed, `$VAR` not expanded; `None` for `ARG NAME` without default.
    pub value: Option<Word>,
    /// The whole pair.
    pub span: Span,
}

/// A heredoc attached to an instruction (`RUN <<EOF`, `COPY <<EOF /file`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter, quotes removed.
    pub name: String,
    /// The `<<EOF` word on the instruction line.
    pub marker_span: Span,
    /// `<<-`: leading tabs are stripped from the body and terminator.
    pub strip_tabs: bool,
    /// The delimiter was quoted (`<<"EOF"`): no expansion in the body.
    pub quoted: bool,
    /// The body as written (every line with its newline), up to the terminator.
    pub body: String,
    pub body_span: Span,
    /// The terminator line; `None` when the heredoc runs to the end of the file.
    pub terminator_span: Option<Span>,
}

impl Dockerfile {
    /// Every instruction in file order: the global `ARG`s, then each stage's.
    pub fn instructions(&self) -> impl Iterator<Item = &Instruction> {
        self.global_args
            .iter()
            .chain(self.stages.iter().flat_map(|s| s.instructions.iter()))
    }

    /// The stage that ships: the build's target when one is known, else the last.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.target
            .and_then(|i| self.stages.get(i))
            .or(self.stages.last())
    }

    /// Builds ship stage `name` (a compose `build.target`, a CI `--target`): rules judge
    /// it instead of the last stage. An unknown name changes nothing.
    pub fn set_target(&mut self, name: &str) {
        self.target = self.stage_named(name).map(|s| s.index);
    }

    /// The stage named `name` (case-insensitive, as BuildKit compares).
    pub fn stage_named(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| {
            s.name
                .as_ref()
                .is_some_and(|n| n.text.eq_ignore_ascii_case(name))
        })
    }

    /// `FROM base-${VARIANT}` with `ARG VARIANT=prod` builds from stage `base-prod`: a
    /// reference that names an earlier stage once the global ARG defaults are put in
    /// gets that stage as its parent, as a written name does.
    fn link_parents_through_args(&mut self) {
        for index in 0..self.stages.len() {
            let stage = &self.stages[index];
            let Some(image) = stage.base_image.as_ref().filter(|i| i.text.contains('$')) else {
                continue;
            };
            if stage.parent.is_some() {
                continue;
            }
            let Some(name) = self.substitute(&image.text, None) else {
                continue;
            };
            let parent = self.stages[..index]
                .iter()
                .rev()
                .find(|s| {
                    s.name
                        .as_ref()
                        .is_some_and(|n| n.text.eq_ignore_ascii_case(&name))
                })
                .map(|s| s.index);
            self.stages[index].parent = parent;
        }
    }

    /// The earlier stages `stage` may be built from: its parent when the name is known;
    /// for a name the build completes (`FROM build_${TARGETARCH}` after stages
    /// `build_amd64` and `build_arm64`, with no default for the platform ARG), every
    /// earlier stage whose name starts with the literal text before the first `$`. An
    /// image reference (with a `/` registry path or a `:` tag) is never a stage name.
    pub fn stages_built_from(&self, stage: &Stage) -> Vec<usize> {
        if let Some(parent) = stage.parent {
            return vec![parent];
        }
        let Some(image) = &stage.base_image else {
            return Vec::new();
        };
        let Some((prefix, _)) = image.text.split_once('$') else {
            return Vec::new();
        };
        if prefix.is_empty() || image.text.contains(['/', ':']) {
            return Vec::new();
        }
        let prefix = prefix.to_ascii_lowercase();
        self.stages[..stage.index]
            .iter()
            .filter(|s| {
                s.name
                    .as_ref()
                    .is_some_and(|n| n.text.to_ascii_lowercase().starts_with(&prefix))
            })
            .map(|s| s.index)
            .collect()
    }

    /// Variables whose value is known in `stage` (`None`: the global scope of FROM
    /// lines): global ARG defaults, and for a stage its ARG/ENV values (ENV inherited
    /// from a parent stage). A variable mapped to `None` is declared but its value is
    /// unknown (ARG without default, value built from unknown references).
    ///
    /// Best effort: the whole stage is considered, not the point of use.
    pub fn variables(&self, stage: Option<usize>) -> Cow<'_, Variables> {
        let slot = stage.map_or(0, |i| i + 1);
        match self.variables_cache.slots.get(slot) {
            Some(cell) => Cow::Borrowed(cell.get_or_init(|| self.compute_variables(stage))),
            None => Cow::Owned(self.compute_variables(stage)),
        }
    }

    fn compute_variables(&self, stage: Option<usize>) -> Variables {
        let mut globals = HashMap::new();
        for arg in &self.global_args {
            for pair in arg.pairs() {
                let value = pair
                    .value
                    .as_ref()
                    .and_then(|v| self.substitute_noting(&v.text, &globals));
                globals.insert(pair.key.text.clone(), value);
            }
        }
        let Some(index) = stage else { return globals };
        let mut chain = Vec::new();
        let mut current = self.stages.get(index);
        while let Some(stage) = current {
            // A cycle, or a chain longer than any real build: ENV from further up is
            // taken as unknown (2,000 chained stages were cubic work).
            if chain.len() >= MAX_STAGE_CHAIN.min(self.stages.len() + 1) {
                if chain.len() >= MAX_STAGE_CHAIN {
                    self.variables_cache
                        .over_budget
                        .store(true, Ordering::Relaxed);
                }
                break;
            }
            chain.push(stage);
            current = stage.parent.and_then(|p| self.stages.get(p));
        }
        // `env`: ENV values, which flow into child stages. `scope`: what a reference
        // sees in the current stage (ENV wins over an ARG of the same name).
        let mut env: Variables = HashMap::new();
        let mut scope = HashMap::new();
        for stage in chain.iter().rev() {
            // ARG values do not cross stages; ENV values do.
            scope.clone_from(&env);
            for instruction in &stage.instructions {
                let is_arg = instruction.keyword == "ARG";
                if !is_arg && instruction.keyword != "ENV" {
                    continue;
                }
                for pair in instruction.pairs() {
                    let value = match &pair.value {
                        Some(v) => self.substitute_noting(&v.text, &scope),
                        None => globals.get(&pair.key.text).cloned().flatten(),
                    };
                    let name = pair.key.text.clone();
                    if !is_arg {
                        env.insert(name.clone(), value.clone());
                        scope.insert(name, value);
                    } else if !env.contains_key(&name) {
                        scope.insert(name, value);
                    }
                }
            }
        }
        scope
    }

    /// `text` with `$VAR`, `${VAR}`, `${VAR:-default}`... replaced by their values in
    /// `stage` (see [`Dockerfile::variables`]); `None` when a referenced value is unknown.
    pub fn substitute(&self, text: &str, stage: Option<usize>) -> Option<String> {
        if !text.contains('$') {
            return Some(text.to_owned());
        }
        self.substitute_noting(text, &self.variables(stage))
    }

    /// Substitutes, remembering when a value passed the size budget.
    fn substitute_noting(&self, text: &str, variables: &Variables) -> Option<String> {
        match substitute_checked(text, variables) {
            Ok(value) => Some(value),
            Err(Unresolved::Unknown) => None,
            Err(Unresolved::OverBudget) => {
                self.variables_cache
                    .over_budget
                    .store(true, Ordering::Relaxed);
                None
            }
        }
    }

    /// Did reading variables hit a budget (a value over 16 KiB, a stage chain over 64)?
    /// The values past it were taken as unknown; the engine says so in a PL001 note.
    pub fn variables_over_budget(&self) -> bool {
        self.variables_cache.over_budget.load(Ordering::Relaxed)
    }

    /// [`Dockerfile::substitute`] with variables computed once by
    /// [`Dockerfile::variables`] (for many substitutions in one stage).
    pub fn substitute_in(text: &str, variables: &Variables) -> Option<String> {
        substitute_with(text, variables)
    }
}

impl Instruction {
    /// The flag `--name`, if given (the last one when repeated).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().rev().find(|f| f.name == name)
    }

    /// The key/value pairs of ENV, LABEL and ARG (empty for other instructions).
    pub fn pairs(&self) -> &[KeyValue] {
        match &self.args {
            Arguments::Pairs(pairs) => pairs,
            _ => &[],
        }
    }

    /// Written in shell form (for HEALTHCHECK: its CMD).
    pub fn is_shell_form(&self) -> bool {
        match &self.args {
            Arguments::Shell(_) => true,
            Arguments::Healthcheck {
                command: Some(command),
                ..
            } => matches!(**command, Arguments::Shell(_)),
            _ => false,
        }
    }

    /// The words of the arguments, whatever the form: exec/list words, plain words,
    /// shell-form words of all simple commands in order, pair keys for pairs.
    pub fn words(&self) -> Vec<&Word> {
        fn collect<'a>(args: &'a Arguments, out: &mut Vec<&'a Word>) {
            match args {
                Arguments::Empty => {}
                Arguments::Exec(words) | Arguments::Words(words) => out.extend(words.iter()),
                Arguments::Shell(shell) => out.extend(shell.commands.iter().flatten()),
                Arguments::Pairs(pairs) => out.extend(pairs.iter().map(|p| &p.key)),
                Arguments::Healthcheck { command, .. } => {
                    if let Some(command) = command {
                        collect(command, out);
                    }
                }
            }
        }
        let mut out = Vec::new();
        collect(&self.args, &mut out);
        out
    }
}

/// Replaces variable references in `text` from `vars`; `None` when one is unknown.
fn substitute_with(text: &str, vars: &Variables) -> Option<String> {
    substitute_checked(text, vars).ok()
}

fn substitute_checked(text: &str, vars: &Variables) -> Result<String, Unresolved> {
    let lookup = |name: &str| vars.get(name).cloned().flatten();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        if out.len() > MAX_SUBSTITUTED_BYTES {
            return Err(Unresolved::OverBudget);
        }
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        if let Some(inner) = after.strip_prefix('{') {
            let close = inner.find('}').ok_or(Unresolved::Unknown)?;
            let expr = &inner[..close];
            let name_len = expr
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            let (name, modifier) = expr.split_at(name_len);
            if name.is_empty() {
                return Err(Unresolved::Unknown);
            }
            let value = lookup(name);
            // An unknown value with a default: the default is the best guess (an ARG
            // without default is empty unless the build passes one).
            let resolved = if let Some(default) = modifier
                .strip_prefix(":-")
                .or_else(|| modifier.strip_prefix('-'))
            {
                match value {
                    Some(v) if !v.is_empty() || !modifier.starts_with(':') => Some(v),
                    _ => Some(default.to_owned()),
                }
            } else if let Some(alternative) = modifier
                .strip_prefix(":+")
                .or_else(|| modifier.strip_prefix('+'))
            {
                match value {
                    Some(v) if !v.is_empty() => Some(alternative.to_owned()),
                    Some(_) => Some(String::new()),
                    None if !vars.contains_key(name) => Some(String::new()),
                    None => None,
                }
            } else if modifier.is_empty() {
                value
            } else {
                None
            };
            out.push_str(&resolved.ok_or(Unresolved::Unknown)?);
            rest = &inner[close + 1..];
        } else {
            let name_len = after
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            if name_len == 0 {
                out.push('$');
                rest = after;
                continue;
            }
            out.push_str(&lookup(&after[..name_len]).ok_or(Unresolved::Unknown)?);
            rest = &after[name_len..];
        }
    }
    out.push_str(rest);
    if out.len() > MAX_SUBSTITUTED_BYTES {
        return Err(Unresolved::OverBudget);
    }
    Ok(out)
}

/// Parses a Dockerfile. Never fails: problems are reported in `errors`.
pub fn parse(text: &str) -> Dockerfile {
    Parser::new(text).run()
}

/// One physical line: `[start, end)` without its terminator, `next` where the next
/// line starts.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

/// An instruction's logical line: its text joined across continuations and the file
/// offset of each byte.
struct Logical {
    text: String,
    offsets: Vec<usize>,
}

impl Logical {
    fn span(&self, start: usize, end: usize) -> Span {
        mapped_span(&self.offsets, start, end)
    }
}

struct Parser<'t> {
    text: &'t str,
    lines: Vec<Line>,
    escape: char,
    errors: Vec<ParseError>,
    directives: Vec<Directive>,
}

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\r' || b == b'\x0b' || b == b'\x0c'
}

const HEREDOC_KEYWORDS: [&str; 3] = ["RUN", "COPY", "ADD"];

impl<'t> Parser<'t> {
    fn new(text: &'t str) -> Self {
        let mut lines = Vec::new();
        let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let bytes = text.as_bytes();
        while start < bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            let mut content_end = end;
            if content_end > start && bytes[content_end - 1] == b'\r' {
                content_end -= 1;
            }
            lines.push(Line {
                start,
                end: content_end,
            });
            start = end + 1;
        }
        Parser {
            text,
            lines,
            escape: '\\',
            errors: Vec::new(),
            directives: Vec::new(),
        }
    }

    fn line_text(&self, line: Line) -> &'t str {
        self.text.get(line.start..line.end).unwrap_or("")
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(ParseError {
            span,
            message: message.into(),
        });
    }

    fn run(mut self) -> Dockerfile {
        let mut index = self.read_directives();
        let mut global_args = Vec::new();
        let mut stages: Vec<Stage> = Vec::new();
        while index < self.lines.len() {
            let Some((instruction, next)) = self.read_instruction(index) else {
                index += 1;
                continue;
            };
            index = next;
            if instruction.keyword == "FROM" {
                let stage = self.new_stage(instruction, &stages);
                stages.push(stage);
            } else if let Some(stage) = stages.last_mut() {
                stage.instructions.push(instruction);
            } else if instruction.keyword == "ARG" {
                global_args.push(instruction);
            } else {
                self.error(
                    instruction.span,
                    format!("{} before the first FROM", instruction.keyword),
                );
            }
        }
        let mut dockerfile = Dockerfile {
            escape: self.escape,
            directives: self.directives,
            global_args,
            stages,
            errors: self.errors,
            target: None,
            variables_cache: VariablesCache::default(),
        };
        dockerfile.link_parents_through_args();
        // Only now: stage variables follow the parent links.
        dockerfile.variables_cache = VariablesCache {
            slots: (0..=dockerfile.stages.len())
                .map(|_| OnceLock::new())
                .collect(),
            over_budget: AtomicBool::new(false),
        };
        dockerfile
    }

    /// Reads the parser directives at the top of the file; returns the first line
    /// after them. Like BuildKit, the first line that is not a known directive (a
    /// comment, a blank line, an instruction, an unknown directive) ends them.
    fn read_directives(&mut self) -> usize {
        let mut index = 0;
        while let Some(&line) = self.lines.get(index) {
            let raw = self.line_text(line);
            let Some((name, value)) = parse_directive(raw) else {
                break;
            };
            let name = name.to_ascii_lowercase();
            if !matches!(name.as_str(), "escape" | "syntax" | "check") {
                break;
            }
            let span = Span::new(line.start, line.end);
            if self.directives.iter().any(|d| d.name == name) {
                self.error(
                    span,
                    format!("only one {name} parser directive can be used"),
                );
            } else {
                if name == "escape" {
                    match value {
                        "\\" => self.escape = '\\',
                        "`" => self.escape = '`',
                        _ => self.error(
                            span,
                            format!("invalid escape token '{value}': must be ` or \\"),
                        ),
                    }
                }
                self.directives.push(Directive {
                    name,
                    value: value.to_owned(),
                    span,
                });
            }
            index += 1;
        }
        index
    }

    /// Strips a trailing escape character (and blanks after it) from `[start, end)`.
    /// Returns the content end and whether the line continues.
    fn continuation(&self, start: usize, end: usize) -> (usize, bool) {
        let bytes = self.text.as_bytes();
        let mut last = end;
        while last > start && (bytes[last - 1] == b' ' || bytes[last - 1] == b'\t') {
            last -= 1;
        }
        if last > start && bytes[last - 1] as char == self.escape {
            (last - 1, true)
        } else {
            (end, false)
        }
    }

    /// Reads the instruction starting at line `index` (skipping comment and blank
    /// lines); returns it and the index of the line after it.
    fn read_instruction(&mut self, index: usize) -> Option<(Instruction, usize)> {
        let bytes = self.text.as_bytes();
        let first = self.lines[index];
        let mut start = first.start;
        while start < first.end && is_space(bytes[start]) {
            start += 1;
        }
        if start == first.end || bytes[start] == b'#' {
            return None;
        }
        let mut logical = Logical {
            text: String::new(),
            offsets: Vec::new(),
        };
        let (content_end, mut continued) = self.continuation(start, first.end);
        self.append(&mut logical, start, content_end);
        let mut span_end = trim_end(bytes, start, first.end);
        let mut next = index + 1;
        while continued && next < self.lines.len() {
            let line = self.lines[next];
            next += 1;
            let raw = self.line_text(line);
            let trimmed = raw.trim_start_matches(|c: char| c.is_ascii_whitespace());
            // BuildKit drops comment and blank lines between continued lines.
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let (content_end, more) = self.continuation(line.start, line.end);
            self.append(&mut logical, line.start, content_end);
            span_end = trim_end(bytes, line.start, line.end);
            continued = more;
        }
        let mut instruction =
            self.build_instruction(&logical, Span::new(start, span_end.max(start)));
        if HEREDOC_KEYWORDS.contains(&instruction.keyword.as_str()) && logical.text.contains("<<") {
            next = self.read_heredocs(&mut instruction, &logical, next);
        }
        Some((instruction, next))
    }

    fn append(&self, logical: &mut Logical, start: usize, end: usize) {
        let Some(piece) = self.text.get(start..end) else {
            return;
        };
        logical.text.push_str(piece);
        logical.offsets.extend(start..end);
    }

    fn build_instruction(&mut self, logical: &Logical, span: Span) -> Instruction {
        let text = logical.text.as_str();
        let keyword_end = text
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(text.len());
        let keyword = text[..keyword_end].to_ascii_uppercase();
        let keyword_span = logical.span(0, keyword_end);
        let mut rest_start = keyword_end;
        while rest_start < text.len() && is_space(text.as_bytes()[rest_start]) {
            rest_start += 1;
        }
        let (flags, args_start) = self.read_flags(logical, rest_start);
        let mut args_end = text.len();
        while args_end > args_start && is_space(text.as_bytes()[args_end - 1]) {
            args_end -= 1;
        }
        let args = self.read_arguments(&keyword, keyword_span, logical, args_start, args_end);
        Instruction {
            keyword,
            keyword_span,
            span,
            flags,
            args,
            heredocs: Vec::new(),
        }
    }

    /// The Dockerfile splitter for `[start, end)` of the logical text.
    fn splitter<'l>(&self, logical: &'l Logical, start: usize) -> Splitter<'l> {
        let offsets = logical.offsets.get(start..).unwrap_or(&[]);
        Splitter::new(Offsets::Mapped(offsets)).with_escape(self.escape)
    }

    /// Reads the leading `--name[=value]` flags; returns them and where the arguments
    /// start.
    fn read_flags(&self, logical: &Logical, start: usize) -> (Vec<Flag>, usize) {
        let text = &logical.text[start..];
        if !text.starts_with("--") {
            return (Vec::new(), start);
        }
        // Local spans, to know where each word sits in the text.
        let words = Splitter::new(Offsets::Base(0))
            .with_escape(self.escape)
            .words(text);
        let mut flags = Vec::new();
        for word in &words {
            let raw = &text[word.span.start..word.span.end];
            if !raw.starts_with("--") {
                return (flags, start + word.span.start);
            }
            if raw == "--" {
                return (flags, start + word.span.end);
            }
            let body = &word.text[2..];
            let (name, value) = match body.split_once('=') {
                Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
                None => (body.to_owned(), None),
            };
            flags.push(Flag {
                name,
                value,
                span: logical.span(start + word.span.start, start + word.span.end),
            });
        }
        (flags, logical.text.len())
    }

    fn read_arguments(
        &mut self,
        keyword: &str,
        keyword_span: Span,
        logical: &Logical,
        start: usize,
        end: usize,
    ) -> Arguments {
        if start >= end {
            self.error(
                keyword_span,
                format!("{keyword} requires at least one argument"),
            );
            return Arguments::Empty;
        }
        match keyword {
            "RUN" | "CMD" | "ENTRYPOINT" => self.maybe_json(logical, start, end, true),
            "SHELL" => {
                let args = self.maybe_json(logical, start, end, true);
                if !matches!(args, Arguments::Exec(_)) {
                    self.error(
                        logical.span(start, end),
                        "SHELL requires the arguments to be in JSON form",
                    );
                }
                args
            }
            "COPY" | "ADD" | "VOLUME" => self.maybe_json(logical, start, end, false),
            "ENV" | "LABEL" => self.name_values(keyword, logical, start, end),
            "ARG" => self.args(logical, start, end),
            "HEALTHCHECK" => self.healthcheck(logical, start, end),
            _ => {
                if !KNOWN_KEYWORDS.contains(&keyword) {
                    self.error(keyword_span, format!("unknown instruction: {keyword}"));
                }
                Arguments::Words(
                    self.splitter(logical, start)
                        .words(&logical.text[start..end]),
                )
            }
        }
    }

    /// A JSON string array if the text is one, else shell form (`shell`) or words.
    fn maybe_json(
        &mut self,
        logical: &Logical,
        start: usize,
        end: usize,
        shell: bool,
    ) -> Arguments {
        let text = &logical.text[start..end];
        if text.starts_with('[') {
            match parse_json_string_array(text) {
                JsonArray::Strings(items) => {
                    let words = items
                        .into_iter()
                        .map(|(value, a, b)| Word::new(value, logical.span(start + a, start + b)))
                        .collect();
                    return Arguments::Exec(words);
                }
                JsonArray::NotStrings => {
                    self.error(
                        logical.span(start, end),
                        "JSON array must contain only strings",
                    );
                }
                JsonArray::Invalid => {}
            }
        }
        if shell {
            // The shell reads the text: its escape is always the backslash.
            let offsets = logical.offsets[start..end].to_vec();
            let commands = Splitter::new(Offsets::Mapped(&offsets)).commands(text);
            Arguments::Shell(ShellForm {
                text: text.to_owned(),
                span: logical.span(start, end),
                commands,
                offsets,
            })
        } else {
            Arguments::Words(self.splitter(logical, start).words(text))
        }
    }

    /// ENV / LABEL: `KEY=value ...`, or the legacy `KEY value` (the first word has no
    /// `=`: the rest of the line is the value).
    fn name_values(
        &mut self,
        keyword: &str,
        logical: &Logical,
        start: usize,
        end: usize,
    ) -> Arguments {
        let text = &logical.text[start..end];
        let local = Splitter::new(Offsets::Base(0)).with_escape(self.escape);
        let words = local.words(text);
        let Some(first) = words.first() else {
            return Arguments::Empty;
        };
        let first_raw = &text[first.span.start..first.span.end];
        if !first_raw.contains('=') {
            let key = Word::new(
                first.text.clone(),
                logical.span(start + first.span.start, start + first.span.end),
            );
            let mut value_start = first.span.end;
            while value_start < text.len() && is_space(text.as_bytes()[value_start]) {
                value_start += 1;
            }
            if value_start >= text.len() {
                self.error(
                    logical.span(start, end),
                    format!("{keyword} must have two arguments"),
                );
                let span = key.span;
                return Arguments::Pairs(vec![KeyValue {
                    key,
                    value: None,
                    span,
                }]);
            }
            let value = self
                .splitter(logical, start + value_start)
                .whole(&text[value_start..])
                .unwrap_or_else(|| Word::new("", logical.span(start + value_start, end)));
            let span = key.span.cover(value.span);
            return Arguments::Pairs(vec![KeyValue {
                key,
                value: Some(value),
                span,
            }]);
        }
        let mut pairs = Vec::new();
        for word in &words {
            let raw = &text[word.span.start..word.span.end];
            match self.pair(logical, start, word, raw, true) {
                Some(pair) => pairs.push(pair),
                None => self.error(
                    logical.span(start + word.span.start, start + word.span.end),
                    format!(
                        "Syntax error - can't find = in \"{raw}\". Must be of the form: name=value"
                    ),
                ),
            }
        }
        Arguments::Pairs(pairs)
    }

    /// ARG: `NAME` or `NAME=default`, one or more.
    fn args(&mut self, logical: &Logical, start: usize, end: usize) -> Arguments {
        let text = &logical.text[start..end];
        let words = Splitter::new(Offsets::Base(0))
            .with_escape(self.escape)
            .words(text);
        let pairs = words
            .iter()
            .filter_map(|word| {
                let raw = &text[word.span.start..word.span.end];
                self.pair(logical, start, word, raw, false)
            })
            .collect();
        Arguments::Pairs(pairs)
    }

    /// One `key=value` word (local spans relative to `start`).
    fn pair(
        &self,
        logical: &Logical,
        start: usize,
        word: &Word,
        raw: &str,
        require_value: bool,
    ) -> Option<KeyValue> {
        let whole = logical.span(start + word.span.start, start + word.span.end);
        let Some(raw_eq) = raw.find('=') else {
            if require_value {
                return None;
            }
            return Some(KeyValue {
                key: Word::new(word.text.clone(), whole),
                value: None,
                span: whole,
            });
        };
        let (key_text, value_text) = match word.text.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (word.text.clone(), String::new()),
        };
        let eq = start + word.span.start + raw_eq;
        let key = Word::new(key_text, logical.span(start + word.span.start, eq));
        let value_span = logical.span(eq + 1, start + word.span.end);
        Some(KeyValue {
            key,
            value: Some(Word::new(value_text, value_span)),
            span: whole,
        })
    }

    /// `HEALTHCHECK NONE` or `HEALTHCHECK CMD ...`.
    fn healthcheck(&mut self, logical: &Logical, start: usize, end: usize) -> Arguments {
        let text = &logical.text[start..end];
        let kind_end = text
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(text.len());
        let kind = text[..kind_end].to_ascii_uppercase();
        let kind_span = logical.span(start, start + kind_end);
        match kind.as_str() {
            "NONE" => {
                if kind_end < text.len() {
                    self.error(
                        logical.span(start, end),
                        "HEALTHCHECK NONE takes no arguments",
                    );
                }
                Arguments::Healthcheck {
                    kind_span,
                    command: None,
                }
            }
            "CMD" => {
                let mut cmd_start = start + kind_end;
                while cmd_start < end && is_space(logical.text.as_bytes()[cmd_start]) {
                    cmd_start += 1;
                }
                let command = if cmd_start < end {
                    Some(Box::new(self.maybe_json(logical, cmd_start, end, true)))
                } else {
                    self.error(kind_span, "HEALTHCHECK CMD requires a command");
                    None
                };
                Arguments::Healthcheck { kind_span, command }
            }
            _ => {
                self.error(kind_span, "HEALTHCHECK must be followed by CMD or NONE");
                Arguments::Words(self.splitter(logical, start).words(text))
            }
        }
    }

    /// Reads the bodies of the heredocs the instruction line opens, from line `next`;
    /// returns the line after the last terminator.
    fn read_heredocs(
        &mut self,
        instruction: &mut Instruction,
        logical: &Logical,
        mut next: usize,
    ) -> usize {
        let text = logical.text.as_str();
        let words = Splitter::new(Offsets::Base(0)).words(text);
        for word in &words {
            let raw = &text[word.span.start..word.span.end];
            let after_digits = raw.trim_start_matches(|c: char| c.is_ascii_digit());
            let Some(marker) = after_digits.strip_prefix("<<") else {
                continue;
            };
            let (strip_tabs, name_raw) = match marker.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, marker),
            };
            if name_raw.is_empty() || name_raw.contains('<') {
                continue;
            }
            let name = crate::lang::shell::unquote(name_raw);
            if name.is_empty() {
                continue;
            }
            let quoted = name != name_raw;
            let marker_span = logical.span(word.span.start, word.span.end);
            let body_start = self.lines.get(next).map_or(self.text.len(), |l| l.start);
            let mut body_end = body_start;
            let mut terminator_span = None;
            while let Some(&line) = self.lines.get(next) {
                next += 1;
                let mut candidate = self.line_text(line);
                if strip_tabs {
                    candidate = candidate.trim_start_matches('\t');
                }
                if candidate == name {
                    terminator_span = Some(Span::new(line.start, line.end));
                    break;
                }
                body_end = self.lines.get(next).map_or(self.text.len(), |l| l.start);
            }
            if terminator_span.is_none() {
                self.error(marker_span, format!("unterminated heredoc {name}"));
            }
            let body_span = Span::new(body_start, body_end.max(body_start));
            let body = self
                .text
                .get(body_span.start..body_span.end)
                .unwrap_or("")
                .to_owned();
            let end = terminator_span
                .map_or(trim_end(self.text.as_bytes(), body_start, body_end), |t| {
                    t.end
                });
            instruction.span = instruction
                .span
                .cover(Span::new(instruction.span.start, end));
            instruction.heredocs.push(Heredoc {
                name,
                marker_span,
                strip_tabs,
                quoted,
                body,
                body_span,
                terminator_span,
            });
        }
        next
    }

    fn new_stage(&mut self, from: Instruction, earlier: &[Stage]) -> Stage {
        let words = match &from.args {
            Arguments::Words(words) => words.clone(),
            _ => Vec::new(),
        };
        let base_image = words.first().cloned();
        let mut name = None;
        match words.len() {
            0 | 1 => {}
            3 if words[1].text.eq_ignore_ascii_case("AS") => name = Some(words[2].clone()),
            _ => self.error(
                from.span,
                "FROM requires either one or three arguments (image [AS name])",
            ),
        }
        let parent = base_image.as_ref().and_then(|image| {
            earlier
                .iter()
                .rev()
                .find(|s| {
                    s.name
                        .as_ref()
                        .is_some_and(|n| n.text.eq_ignore_ascii_case(&image.text))
                })
                .map(|s| s.index)
        });
        Stage {
            index: earlier.len(),
            from,
            base_image,
            name,
            parent,
            instructions: Vec::new(),
        }
    }
}

const KNOWN_KEYWORDS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// The end of `[start, end)` without trailing whitespace (newlines included).
fn trim_end(bytes: &[u8], start: usize, end: usize) -> usize {
    let mut end = end;
    while end > start && (is_space(bytes[end - 1]) || bytes[end - 1] == b'\n') {
        end -= 1;
    }
    end
}

/// `# name = value` (BuildKit: `^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$`,
/// after leading whitespace is trimmed).
fn parse_directive(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let rest = line.strip_prefix('#')?.trim_start_matches([' ', '\t']);
    let name_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if name_len == 0 || !rest.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let (name, rest) = rest.split_at(name_len);
    let value = rest
        .trim_start_matches([' ', '\t'])
        .strip_prefix('=')?
        .trim_matches([' ', '\t']);
    if value.is_empty() {
        return None;
    }
    Some((name, value))
}

enum JsonArray {
    /// The decoded strings with their local byte ranges (quotes included).
    Strings(Vec<(String, usize, usize)>),
    /// Valid JSON, but not an array of strings.
    NotStrings,
    /// Not JSON: the text is shell form.
    Invalid,
}

/// Parses `text` as a JSON array of strings, keeping where each string was written.
fn parse_json_string_array(text: &str) -> JsonArray {
    let bytes = text.as_bytes();
    let skip_ws = |mut i: usize| {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        i
    };
    let not_strings = || {
        if serde_json::from_str::<serde_json::Value>(text).is_ok() {
            JsonArray::NotStrings
        } else {
            JsonArray::Invalid
        }
    };
    let mut i = skip_ws(0);
    if bytes.get(i) != Some(&b'[') {
        return JsonArray::Invalid;
    }
    i = skip_ws(i + 1);
    let mut items = Vec::new();
    if bytes.get(i) == Some(&b']') {
        i += 1;
    } else {
        loop {
            if bytes.get(i) != Some(&b'"') {
                return not_strings();
            }
            let start = i;
            let Some((value, end)) = parse_json_string(text, i) else {
                return JsonArray::Invalid;
            };
            items.push((value, start, end));
            i = skip_ws(end);
            match bytes.get(i) {
                Some(b',') => i = skip_ws(i + 1),
                Some(b']') => {
                    i += 1;
                    break;
                }
                _ => return JsonArray::Invalid,
            }
        }
    }
    if skip_ws(i) != bytes.len() {
        return JsonArray::Invalid;
    }
    JsonArray::Strings(items)
}

/// A JSON string starting at the `"` at `start`: its value and the index past its
/// closing quote.
fn parse_json_string(text: &str, start: usize) -> Option<(String, usize)> {
    let mut value = String::new();
    let mut chars = text[start + 1..].char_indices();
    while let Some((offset, c)) = chars.next() {
        match c {
            '"' => return Some((value, start + 1 + offset + 1)),
            '\\' => {
                let (_, escaped) = chars.next()?;
                match escaped {
                    '"' => value.push('"'),
                    '\\' => value.push('\\'),
                    '/' => value.push('/'),
                    'b' => value.push('\u{8}'),
                    'f' => value.push('\u{c}'),
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    'u' => {
                        let mut code = 0u32;
                        for _ in 0..4 {
                            let (_, h) = chars.next()?;
                            code = code * 16 + h.to_digit(16)?;
                        }
                        // Surrogate pairs are not recombined; lone halves become U+FFFD.
                        value.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    _ => return None,
                }
            }
            c if (c as u32) < 0x20 => return None,
            c => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    fn exec_words(args: &Arguments) -> Vec<&str> {
        match args {
            Arguments::Exec(words) | Arguments::Words(words) => {
                words.iter().map(|w| w.text.as_str()).collect()
            }
            other => panic!("not words: {other:?}"),
        }
    }

    fn shell(args: &Arguments) -> &ShellForm {
        match args {
            Arguments::Shell(shell) => shell,
            other => panic!("not shell form: {other:?}"),
        }
    }

    #[test]
    fn stages_named_through_variables() {
        let src = "ARG VARIANT=prod\nARG TARGETARCH\nFROM python:3.12 AS base-prod\nFROM alpine:3 AS build_amd64\nFROM alpine:3 AS build_arm64\nFROM base-${VARIANT} AS app\nFROM build_${TARGETARCH}${TARGETVARIANT} AS build\nFROM ${REGISTRY}/build_${TARGETARCH}\n";
        let df = parse(src);
        assert_eq!(df.stages[3].parent, Some(0));
        assert_eq!(df.stages_built_from(&df.stages[3]), [0]);
        assert_eq!(df.stages[4].parent, None);
        assert_eq!(df.stages_built_from(&df.stages[4]), [1, 2]);
        assert!(df.stages_built_from(&df.stages[5]).is_empty());
        assert!(df.stages_built_from(&df.stages[0]).is_empty());
    }

    #[test]
    fn stages_names_and_parents() {
        let src = "ARG PY=3.12\nFROM python:${PY}-slim AS build\nRUN pip install x\nfrom build as final\nCMD [\"gunicorn\", \"app:app\"]\n";
        let df = parse(src);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        assert_eq!(df.global_args.len(), 1);
        assert_eq!(df.stages.len(), 2);
        let build = &df.stages[0];
        assert_eq!(build.base_image.as_ref().unwrap().text, "python:${PY}-slim");
        assert_eq!(build.name.as_ref().unwrap().text, "build");
        assert_eq!(
            df.substitute(&build.base_image.as_ref().unwrap().text, None)
                .as_deref(),
            Some("python:3.12-slim")
        );
        let last = df.final_stage().unwrap();
        assert_eq!(last.parent, Some(0));
        assert_eq!(last.from.keyword, "FROM");
        assert_eq!(slice(src, last.from.keyword_span), "from");
        assert_eq!(slice(src, last.from.span), "from build as final");
        let cmd = &last.instructions[0];
        assert_eq!(exec_words(&cmd.args), ["gunicorn", "app:app"]);
        if let Arguments::Exec(words) = &cmd.args {
            assert_eq!(slice(src, words[1].span), "\"app:app\"");
        }
    }

    #[test]
    fn continuation_keeps_exact_spans() {
        let src = "FROM python\nCMD gunicorn app:app \\\n  # a comment\n\n    --reload \\\n    --bind 0.0.0.0:80\nUSER app\n";
        let df = parse(src);
        let stage = &df.stages[0];
        let cmd = &stage.instructions[0];
        let shell = shell(&cmd.args);
        assert_eq!(
            shell.text,
            "gunicorn app:app     --reload     --bind 0.0.0.0:80"
        );
        let words: Vec<&Word> = shell.commands[0].iter().collect();
        assert_eq!(words[2].text, "--reload");
        assert_eq!(slice(src, words[2].span), "--reload");
        assert_eq!(slice(src, words[4].span), "0.0.0.0:80");
        assert!(slice(src, cmd.span).starts_with("CMD gunicorn"));
        assert!(slice(src, cmd.span).ends_with("--bind 0.0.0.0:80"));
        assert_eq!(stage.instructions[1].keyword, "USER");
    }

    #[test]
    fn exec_form_across_lines_and_invalid_json() {
        let src = "FROM x\nENTRYPOINT [\"uvicorn\", \\\n  \"main:app\", \"--reload\"]\nCMD [\"a\", oops]\nRUN [1, 2]\nCMD [\"unterminated\n";
        let df = parse(src);
        let ins = &df.stages[0].instructions;
        assert_eq!(
            exec_words(&ins[0].args),
            ["uvicorn", "main:app", "--reload"]
        );
        if let Arguments::Exec(words) = &ins[0].args {
            assert_eq!(slice(src, words[1].span), "\"main:app\"");
        }
        assert_eq!(shell(&ins[1].args).text, "[\"a\", oops]");
        assert!(ins[1].is_shell_form());
        assert!(matches!(ins[2].args, Arguments::Shell(_)));
        assert!(df.errors.iter().any(|e| e.message.contains("only strings")));
        assert_eq!(shell(&ins[3].args).text, "[\"unterminated");
    }

    #[test]
    fn json_escapes_are_decoded() {
        let src = "FROM x\nCMD [\"echo\", \"a\\\"b\\u00e9\"]";
        let df = parse(src);
        let cmd = &df.stages[0].instructions[0];
        assert_eq!(exec_words(&cmd.args), ["echo", "a\"bé"]);
    }

    #[test]
    fn escape_directive_and_directives() {
        let src = "# syntax=docker/dockerfile:1\n# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  C:\\\nCOPY a` b c\\d /x\n";
        let df = parse(src);
        assert_eq!(df.escape, '`');
        assert_eq!(df.directives.len(), 2);
        assert_eq!(df.directives[0].value, "docker/dockerfile:1");
        let ins = &df.stages[0].instructions;
        assert_eq!(shell(&ins[0].args).text, "dir   C:\\");
        assert_eq!(exec_words(&ins[1].args), ["a b", "c\\d", "/x"]);
    }

    #[test]
    fn directive_after_comment_is_a_comment() {
        let df = parse("# hello\n# escape=`\nFROM x\n");
        assert_eq!(df.escape, '\\');
        assert!(df.directives.is_empty());
        let df = parse("# escape=x\nFROM x\n");
        assert_eq!(df.errors.len(), 1);
    }

    #[test]
    fn flags_are_split_off() {
        let src = "FROM --platform=$BUILDPLATFORM golang AS b\nRUN --mount=type=cache,target=/root/.cache --network=none go build\nCOPY --from=b --link /out /bin/\nHEALTHCHECK --interval=5s --timeout=3s CMD curl -f http://localhost/ || exit 1\n";
        let df = parse(src);
        let stage = &df.stages[0];
        assert_eq!(
            stage.from.flag("platform").unwrap().value.as_deref(),
            Some("$BUILDPLATFORM")
        );
        assert_eq!(stage.base_image.as_ref().unwrap().text, "golang");
        let run = &stage.instructions[0];
        assert_eq!(run.flags.len(), 2);
        assert_eq!(run.flags[0].name, "mount");
        assert_eq!(
            run.flags[0].value.as_deref(),
            Some("type=cache,target=/root/.cache")
        );
        assert_eq!(slice(src, run.flags[1].span), "--network=none");
        assert_eq!(shell(&run.args).text, "go build");
        let copy = &stage.instructions[1];
        assert_eq!(copy.flag("link").unwrap().value, None);
        assert_eq!(exec_words(&copy.args), ["/out", "/bin/"]);
        let hc = &stage.instructions[2];
        assert_eq!(hc.flag("interval").unwrap().value.as_deref(), Some("5s"));
        match &hc.args {
            Arguments::Healthcheck {
                kind_span,
                command: Some(command),
            } => {
                assert_eq!(slice(src, *kind_span), "CMD");
                assert_eq!(shell(command).commands.len(), 2);
            }
            other => panic!("{other:?}"),
        }
        assert!(hc.is_shell_form());
    }

    #[test]
    fn env_pairs_both_forms() {
        let src = "FROM x\nENV A=1 B=\"two words\" C=\nENV LEGACY some \"value here\"\nARG TOKEN\nARG V=1.0 W\nENV BAD\n";
        let df = parse(src);
        let ins = &df.stages[0].instructions;
        let pairs = ins[0].pairs();
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs[1].key.text, "B");
        assert_eq!(slice(src, pairs[1].key.span), "B");
        assert_eq!(pairs[1].value.as_ref().unwrap().text, "two words");
        assert_eq!(
            slice(src, pairs[1].value.as_ref().unwrap().span),
            "\"two words\""
        );
        assert_eq!(pairs[2].value.as_ref().unwrap().text, "");
        let legacy = &ins[1].pairs()[0];
        assert_eq!(legacy.key.text, "LEGACY");
        assert_eq!(legacy.value.as_ref().unwrap().text, "some value here");
        assert_eq!(
            slice(src, legacy.value.as_ref().unwrap().span),
            "some \"value here\""
        );
        assert_eq!(ins[2].pairs()[0].value, None);
        assert_eq!(ins[3].pairs().len(), 2);
        assert_eq!(ins[3].pairs()[0].value.as_ref().unwrap().text, "1.0");
        assert!(
            df.errors
                .iter()
                .any(|e| e.message.contains("two arguments"))
        );
    }

    #[test]
    fn variables_and_substitution() {
        let src = "ARG BASE=alpine\nARG TAG\nFROM ${BASE}:${TAG:-3.19} AS one\nENV HOME_DIR=/srv PORT=8000\nENV URL=http://localhost:$PORT/x\nARG VERSION=2\nFROM one\nARG BASE\nENV LABEL=$BASE-${VERSION}\n";
        let df = parse(src);
        let one = &df.stages[0];
        assert_eq!(
            df.substitute(&one.base_image.as_ref().unwrap().text, None)
                .as_deref(),
            Some("alpine:3.19")
        );
        let vars = df.variables(Some(0));
        assert_eq!(vars["URL"].as_deref(), Some("http://localhost:8000/x"));
        assert_eq!(vars["VERSION"].as_deref(), Some("2"));
        let vars = df.variables(Some(1));
        assert_eq!(vars["PORT"].as_deref(), Some("8000"));
        // ARG values do not cross stages: VERSION is unknown in the second stage.
        assert!(!vars.contains_key("VERSION"));
        assert_eq!(vars["BASE"].as_deref(), Some("alpine"));
        assert_eq!(vars["LABEL"], None);
        assert_eq!(df.substitute("$UNKNOWN", Some(1)), None);
        assert_eq!(
            df.substitute("cost: $ 5", Some(1)).as_deref(),
            Some("cost: $ 5")
        );
    }

    #[test]
    fn heredocs() {
        let src = "FROM x\nRUN <<EOF\napt-get update\nEOF\nRUN <<-\"A\" cat >/a && python3 <<'B'\n\techo $x\n\tA\nprint(1)\nB\nCOPY <<EOF /etc/conf\nkey=1\nEOF\nUSER app\n";
        let df = parse(src);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        let ins = &df.stages[0].instructions;
        assert_eq!(ins.len(), 4);
        let run = &ins[0];
        assert_eq!(run.heredocs.len(), 1);
        assert_eq!(run.heredocs[0].body, "apt-get update\n");
        assert_eq!(slice(src, run.heredocs[0].body_span), "apt-get update\n");
        assert_eq!(slice(src, run.span), "RUN <<EOF\napt-get update\nEOF");
        let two = &ins[1];
        assert_eq!(two.heredocs.len(), 2);
        assert_eq!(two.heredocs[0].name, "A");
        assert!(two.heredocs[0].strip_tabs && two.heredocs[0].quoted);
        assert_eq!(two.heredocs[0].body, "\techo $x\n");
        assert_eq!(slice(src, two.heredocs[0].marker_span), "<<-\"A\"");
        assert_eq!(two.heredocs[1].name, "B");
        assert_eq!(two.heredocs[1].body, "print(1)\n");
        let copy = &ins[2];
        assert_eq!(exec_words(&copy.args), ["<<EOF", "/etc/conf"]);
        assert_eq!(copy.heredocs[0].body, "key=1\n");
        assert_eq!(ins[3].keyword, "USER");
    }

    #[test]
    fn unterminated_heredoc_runs_to_end() {
        let src = "FROM x\nRUN <<EOF\necho hi\n";
        let df = parse(src);
        let run = &df.stages[0].instructions[0];
        assert_eq!(run.heredocs[0].body, "echo hi\n");
        assert_eq!(run.heredocs[0].terminator_span, None);
        assert_eq!(df.errors.len(), 1);
        assert_eq!(slice(src, run.span), "RUN <<EOF\necho hi");
    }

    #[test]
    fn malformed_and_edge_input() {
        for src in [
            "",
            "\n\n",
            "\\",
            "FROM x\nRUN echo \\",
            "FROM x\nRUN echo \\\n",
            "FROM x\nRUN \\\n\\\n",
            "RUN before from\n",
            "FROM\n",
            "FROM a b\n",
            "FROM x\nCMD [\n",
            "FROM x\nCMD [\"a\\u12\"]\n",
            "FROM x\nENV\n",
            "FROM x\nHEALTHCHECK\nHEALTHCHECK CMD\nHEALTHCHECK FOO\n",
            "\u{feff}FROM x\r\nCMD a \\\r\n  b\r\n",
            "FROM x\nRUN <<\nRUN <<''\n",
            "FROM x\nRUN --\nRUN --mount\n",
            "FROM é\nCMD [\"é\" ,\"ü\"]\nENV é=ü\n",
            "FROM x\nRUN echo ${\nRUN $(\n",
        ] {
            let df = parse(src);
            for stage in &df.stages {
                for instruction in std::iter::once(&stage.from).chain(&stage.instructions) {
                    assert!(
                        src.get(instruction.span.start..instruction.span.end)
                            .is_some(),
                        "{src:?}"
                    );
                    for word in instruction.words() {
                        assert!(src.get(word.span.start..word.span.end).is_some(), "{src:?}");
                    }
                }
            }
        }
        assert!(parse("").stages.is_empty());
        let df = parse("FROM x\nRUN echo \\");
        assert_eq!(shell(&df.stages[0].instructions[0].args).text, "echo");
        let df = parse("RUN before from\n");
        assert_eq!(df.errors.len(), 1);
        let df = parse("\u{feff}FROM x\r\nCMD a \\\r\n  b\r\n");
        let cmd = &df.stages[0].instructions[0];
        assert_eq!(shell(&cmd.args).text, "a   b");
        assert_eq!(df.stages[0].base_image.as_ref().unwrap().text, "x");
    }
}

#[cfg(test)]
mod robustness {
    use super::*;
    use crate::model::command::recognize_in;

    /// Random texts over the characters that matter to the grammar: nothing may panic
    /// and every span must slice the source at character boundaries.
    #[test]
    fn random_input_never_panics() {
        const PIECES: [&str; 40] = [
            "\\",
            "`",
            "\"",
            "'",
            "\n",
            "\r\n",
            "#",
            "<<",
            "<<-",
            "-",
            "=",
            "[",
            "]",
            ",",
            " ",
            "\t",
            "RUN ",
            "FROM ",
            "CMD ",
            "ENV ",
            "ARG ",
            "HEALTHCHECK ",
            "CMD",
            "COPY ",
            "EOF",
            "$",
            "${",
            "}",
            "$(",
            ")",
            "é",
            "&&",
            "|",
            ";",
            ">",
            "2>&1",
            "--mount=",
            "# escape=`\n",
            "sh -c ",
            "gunicorn -b",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let len = (next() % 40) as usize;
            let mut src = String::new();
            for _ in 0..len {
                src.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            let df = parse(&src);
            let check = |span: Span| {
                assert!(
                    src.get(span.start..span.end).is_some(),
                    "bad span {span:?} in {src:?}"
                );
            };
            for error in &df.errors {
                check(error.span);
            }
            for stage in &df.stages {
                for instruction in std::iter::once(&stage.from).chain(&stage.instructions) {
                    check(instruction.span);
                    check(instruction.keyword_span);
                    for flag in &instruction.flags {
                        check(flag.span);
                    }
                    for heredoc in &instruction.heredocs {
                        check(heredoc.body_span);
                    }
                    for pair in instruction.pairs() {
                        check(pair.key.span);
                        if let Some(value) = &pair.value {
                            check(value.span);
                        }
                    }
                    let words: Vec<Word> = instruction.words().into_iter().cloned().collect();
                    for word in &words {
                        check(word.span);
                    }
                    for invocation in recognize_in(&words, Some(&src)) {
                        check(invocation.span);
                        check(invocation.program_span);
                        for option in &invocation.options {
                            check(option.name_span);
                        }
                    }
                }
                let _ = df.substitute(&src, Some(stage.index));
            }
            let _ = crate::model::dockerfile::final_stage_container(&df);
            let _ = crate::model::dockerfile::final_stage_invocations(&df);
        }
    }
}
