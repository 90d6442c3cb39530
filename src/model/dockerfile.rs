//! The Dockerfile model: what the image built by a Dockerfile runs — its final stage
//! seen as a [`ContainerSpec`], the effective CMD/ENTRYPOINT (inherited through
//! `FROM <earlier stage>`), and the programs they start.
//!
//! Docker's rules followed here: the last CMD/ENTRYPOINT of a stage wins; a stage built
//! from an earlier stage inherits its CMD, ENTRYPOINT, ENV, EXPOSE, USER, HEALTHCHECK;
//! setting ENTRYPOINT in a stage drops an inherited CMD; a shell-form ENTRYPOINT ignores
//! CMD; shell form runs under the SHELL (default `/bin/sh -c`).

use crate::lang::dockerfile::{Arguments, Dockerfile, Instruction, ShellForm, Stage};
use crate::lang::shell::Word;
use crate::model::command::{Invocation, recognize, recognize_shell};
use crate::model::container::{
    ContainerCommand, ContainerOrigin, ContainerSpec, EnvVar, Port, Spanned,
};
use crate::source::normalize_slash_path;

/// The external image the final stage is ultimately built from (following `FROM <stage>`
/// chains), lower-cased, with literal ARG values substituted; empty when there is none.
pub fn final_base_image(df: &Dockerfile) -> String {
    let Some(stage) = df.final_stage() else {
        return String::new();
    };
    stage_chain(df, stage.index)
        .last()
        .and_then(|root| root.base_image.as_ref())
        .map(|image| {
            df.substitute(&image.text, None)
                .unwrap_or_else(|| image.text.clone())
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

/// Does the final stage run shell form under BusyBox `ash`: an Alpine or BusyBox base
/// (`python:3.12-alpine`, `alpine:3.20`, `busybox:1.36`, followed through local stages)
/// and no SHELL instruction choosing another shell? `ash -c` replaces itself with the
/// last simple command of its string, where other `/bin/sh`s (dash) fork it.
pub fn final_shell_is_busybox(df: &Dockerfile) -> bool {
    let Some(stage) = df.final_stage() else {
        return false;
    };
    if let Some(shell) = last_in_chain(df, stage.index, "SHELL") {
        let program = shell.words().first().map(|w| w.text.as_str()).unwrap_or("");
        let name = program.rsplit('/').next().unwrap_or(program);
        if !matches!(name, "sh" | "ash") {
            return false;
        }
    }
    let base = final_base_image(df);
    base.contains("alpine") || base.contains("busybox")
}

/// `stage` followed by the stages it is built from, most derived first.
pub fn stage_chain(df: &Dockerfile, stage: usize) -> Vec<&Stage> {
    let mut chain = Vec::new();
    let mut current = df.stages.get(stage);
    while let Some(stage) = current {
        // A parent always comes earlier, so this ends; the cap guards anyway.
        if chain.len() > df.stages.len() {
            break;
        }
        chain.push(stage);
        current = stage.parent.and_then(|p| df.stages.get(p));
    }
    chain
}

/// The last `keyword` instruction in effect for `stage`, inherited from parent stages
/// (USER, HEALTHCHECK, SHELL, ENTRYPOINT, WORKDIR, STOPSIGNAL...).
pub fn last_in_chain<'a>(
    df: &'a Dockerfile,
    stage: usize,
    keyword: &str,
) -> Option<&'a Instruction> {
    stage_chain(df, stage)
        .into_iter()
        .find_map(|s| s.instructions.iter().rev().find(|i| i.keyword == keyword))
}

/// The ENTRYPOINT the image of `stage` runs.
pub fn effective_entrypoint(df: &Dockerfile, stage: usize) -> Option<&Instruction> {
    last_in_chain(df, stage, "ENTRYPOINT")
}

/// The CMD the image of `stage` runs: the stage's last CMD; else none when the stage
/// sets an ENTRYPOINT (which resets an inherited CMD); else the parent stage's.
pub fn effective_cmd(df: &Dockerfile, stage: usize) -> Option<&Instruction> {
    for stage in stage_chain(df, stage) {
        if let Some(cmd) = stage.instructions.iter().rev().find(|i| i.keyword == "CMD") {
            return Some(cmd);
        }
        if stage.instructions.iter().any(|i| i.keyword == "ENTRYPOINT") {
            return None;
        }
    }
    None
}

/// The instruction that determines the container's main process: a shell-form
/// ENTRYPOINT (CMD is ignored then), else the CMD when there is no ENTRYPOINT, else the
/// ENTRYPOINT. The one DF001 judges for shell form.
pub fn main_process_instruction(df: &Dockerfile, stage: usize) -> Option<&Instruction> {
    match effective_entrypoint(df, stage) {
        Some(entrypoint) => Some(entrypoint),
        None => effective_cmd(df, stage),
    }
}

/// The words an instruction contributes to the container's argv. Exec form: its
/// words. Shell form with one simple command: that command's words (exact spans).
/// Shell form with several commands: the SHELL (default `/bin/sh -c`) followed by the
/// command text as one word, so `cd /app && gunicorn ...` stays one shell line; the
/// synthesized shell words point at the instruction keyword.
pub fn container_words(df: &Dockerfile, stage: usize, instruction: &Instruction) -> Vec<Word> {
    match &instruction.args {
        Arguments::Exec(words) => words.clone(),
        Arguments::Shell(shell) => match shell.commands.as_slice() {
            [] => Vec::new(),
            [single] => single.clone(),
            _ => {
                let mut words = shell_prefix(df, stage, instruction);
                words.push(Word::new(shell.text.clone(), shell.span));
                words
            }
        },
        _ => Vec::new(),
    }
}

/// The shell that runs shell form in `stage`: the SHELL instruction's words, or
/// `/bin/sh -c` pointing at `instruction`'s keyword.
fn shell_prefix(df: &Dockerfile, stage: usize, instruction: &Instruction) -> Vec<Word> {
    if let Some(Arguments::Exec(words)) = last_in_chain(df, stage, "SHELL").map(|i| &i.args)
        && !words.is_empty()
    {
        return words.clone();
    }
    vec![
        Word::new("/bin/sh", instruction.keyword_span),
        Word::new("-c", instruction.keyword_span),
    ]
}

/// The programs the image of `stage` starts (see [`crate::model::command`]), with
/// Docker's semantics: a shell-form command runs under the shell (so `via_exec` only
/// with `exec`), exec form runs directly, CMD words follow an exec-form ENTRYPOINT.
pub fn stage_invocations(df: &Dockerfile, stage: usize) -> Vec<Invocation> {
    let entrypoint = effective_entrypoint(df, stage);
    let cmd = effective_cmd(df, stage);
    match (entrypoint.map(|i| &i.args), cmd) {
        (Some(Arguments::Shell(shell)), _) => shell_invocations(shell),
        (Some(Arguments::Exec(words)), cmd) => {
            let mut argv = words.clone();
            match cmd.map(|c| &c.args) {
                Some(Arguments::Exec(args)) => argv.extend(args.iter().cloned()),
                Some(Arguments::Shell(shell)) => {
                    if let Some(cmd) = cmd {
                        argv.extend(shell_prefix(df, stage, cmd));
                    }
                    argv.push(Word::new(shell.text.clone(), shell.span));
                }
                _ => {}
            }
            recognize(&argv)
        }
        (_, Some(cmd)) => match &cmd.args {
            Arguments::Exec(words) => recognize(words),
            Arguments::Shell(shell) => shell_invocations(shell),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The programs the final stage starts.
pub fn final_stage_invocations(df: &Dockerfile) -> Vec<Invocation> {
    match df.final_stage() {
        None => Vec::new(),
        Some(stage) => stage_invocations(df, stage.index),
    }
}

fn shell_invocations(shell: &ShellForm) -> Vec<Invocation> {
    recognize_shell(&shell.commands)
}

/// The final stage as a container: image, command (ENTRYPOINT → `command`, CMD →
/// `args`), environment from ENV, ports from EXPOSE, all inherited through
/// `FROM <earlier stage>`. `None` for a file without stages.
pub fn final_stage_container(df: &Dockerfile) -> Option<ContainerSpec> {
    let final_stage = df.final_stage()?;
    let index = final_stage.index;
    let mut spec = ContainerSpec::new(ContainerOrigin::Dockerfile, final_stage.from.span);
    spec.name = final_stage.name.as_ref().map(|n| n.text.clone());
    let chain = stage_chain(df, index);
    // The image is the base of the chain's root: `FROM build` runs what `build` is built on.
    if let Some(root) = chain.last() {
        spec.image = root.base_image.as_ref().map(|image| {
            let text = df
                .substitute(&image.text, None)
                .unwrap_or_else(|| image.text.clone());
            Spanned::new(text, image.span)
        });
    }

    let entrypoint = effective_entrypoint(df, index);
    let cmd = effective_cmd(df, index);
    let mut command = ContainerCommand::default();
    if let Some(entrypoint) = entrypoint {
        command.command = container_words(df, index, entrypoint);
        command.span = Some(entrypoint.span);
    }
    let cmd_applies = !entrypoint.is_some_and(Instruction::is_shell_form);
    if let (Some(cmd), true) = (cmd, cmd_applies) {
        command.args = match (&cmd.args, entrypoint.is_some()) {
            // After an exec-form ENTRYPOINT a shell-form CMD is `/bin/sh -c "..."`.
            (Arguments::Shell(shell), true) => {
                let mut words = shell_prefix(df, index, cmd);
                words.push(Word::new(shell.text.clone(), shell.span));
                words
            }
            _ => container_words(df, index, cmd),
        };
        command.span = Some(cmd.span);
    }
    spec.command = command;

    for stage in chain.iter().rev() {
        let variables = df.variables(Some(stage.index));
        for instruction in &stage.instructions {
            match instruction.keyword.as_str() {
                "ENV" => {
                    for pair in instruction.pairs() {
                        let Some(value) = &pair.value else { continue };
                        let from_reference = value.text.contains('$');
                        let text = if from_reference {
                            df.substitute(&value.text, Some(stage.index))
                                .unwrap_or_else(|| value.text.clone())
                        } else {
                            value.text.clone()
                        };
                        spec.env.retain(|e| e.name.value != pair.key.text);
                        spec.env.push(EnvVar {
                            name: Spanned::new(pair.key.text.clone(), pair.key.span),
                            value: Some(Spanned::new(text, value.span)),
                            from_reference,
                        });
                    }
                }
                "EXPOSE" => {
                    for word in instruction.words() {
                        let text = if word.text.contains('$') {
                            Dockerfile::substitute_in(&word.text, &variables)
                        } else {
                            Some(word.text.clone())
                        };
                        let (number, tcp) =
                            text.as_deref().map_or((None, true), Port::number_and_tcp);
                        spec.ports.push(Port {
                            name: None,
                            number,
                            tcp,
                            span: word.span,
                        });
                    }
                }
                _ => {}
            }
        }
    }
    Some(spec)
}

/// Does `path` name a shell script (`/docker-entrypoint.sh`, `start.bash`,
/// `/usr/local/bin/docker-entrypoint`)?
pub fn looks_like_script(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.ends_with(".sh")
        || name.ends_with(".bash")
        || (!name.contains('.')
            && (name.starts_with("docker-entrypoint") || name.starts_with("entrypoint")))
}

/// The shell script an argv starts as its main process: the first word when it names a
/// script, or the script `sh`/`bash` is given (`["bash", "start.sh"]`), also behind an
/// init (`tini --`, `dumb-init`; see [`init_signals_group`]).
pub fn script_of_argv<'a>(words: &[&'a Word]) -> Option<&'a Word> {
    let (words, _) = skip_init(words);
    let first = words.first()?;
    let base = first.text.rsplit('/').next().unwrap_or(&first.text);
    let candidate = if matches!(base, "sh" | "bash" | "dash" | "ash") {
        let next = words.get(1)?;
        if next.text.starts_with('-') {
            return None;
        }
        next
    } else {
        first
    };
    looks_like_script(&candidate.text).then_some(*candidate)
}

/// Does the argv start with an init that signals its child's whole process group, so a
/// script behind it need not `exec` for SIGTERM to reach the app? `dumb-init` does by
/// default (`--single-child` turns it off), `tini` with `-g`.
pub fn init_signals_group(words: &[&Word]) -> bool {
    skip_init(words).1
}

/// `tini [options] -- cmd...`, `dumb-init [options] cmd...` → `cmd...`, and whether the
/// init signals the child's process group (see [`init_signals_group`]). Other argvs are
/// returned whole.
fn skip_init<'a, 'w>(words: &'a [&'w Word]) -> (&'a [&'w Word], bool) {
    let Some(first) = words.first() else {
        return (words, false);
    };
    let base = first.text.rsplit('/').next().unwrap_or(&first.text);
    let (mut group, group_flags, single_flags, valued): (bool, &[&str], &[&str], &[&str]) =
        match base {
            "tini" | "tini-static" => (false, &["-g"], &[], &["-p", "-e", "-l"]),
            "dumb-init" => (true, &[], &["-c", "--single-child"], &["-r", "--rewrite"]),
            _ => return (words, false),
        };
    let mut i = 1;
    while let Some(word) = words.get(i) {
        let flag = word.text.as_str();
        if flag == "--" {
            i += 1;
            break;
        }
        if !flag.starts_with('-') {
            break;
        }
        if group_flags.contains(&flag) {
            group = true;
        } else if single_flags.contains(&flag) {
            group = false;
        }
        i += if valued.contains(&flag) { 2 } else { 1 };
    }
    (&words[i.min(words.len())..], group)
}

/// The final stage starts s6-overlay: its main process is `/init`, which runs the
/// services under `/etc/s6-overlay/s6-rc.d/` (or `/etc/services.d/`).
pub fn starts_s6_overlay(df: &Dockerfile) -> bool {
    df.final_stage()
        .and_then(|stage| main_process_instruction(df, stage.index))
        .and_then(|instruction| instruction.words().first().map(|w| w.text == "/init"))
        .unwrap_or(false)
}

/// The script the final stage runs as PID 1 through an exec-form ENTRYPOINT (or CMD
/// when there is no ENTRYPOINT), with the instruction's span. Shell form is DF001's
/// own finding already.
pub fn main_process_script(df: &Dockerfile) -> Option<MainScript> {
    let stage = df.final_stage()?;
    let instruction = main_process_instruction(df, stage.index)?;
    let Arguments::Exec(words) = &instruction.args else {
        return None;
    };
    let words: Vec<&Word> = words.iter().collect();
    let script = script_of_argv(&words)?;
    Some(MainScript {
        path: script.text.clone(),
        span: instruction.span,
        group_signalled: init_signals_group(&words),
    })
}

/// The script an image starts as its main process (see [`main_process_script`]).
pub struct MainScript {
    /// As the container sees it (`/docker-entrypoint.sh`).
    pub path: String,
    /// The ENTRYPOINT or CMD instruction.
    pub span: crate::source::Span,
    /// An init before it signals its whole process group (see [`init_signals_group`]).
    pub group_signalled: bool,
}

/// The build-context paths COPY/ADD instructions of the final stage (and the stages it
/// is built from) copy to `path` in the image, most recent first. A relative `path` is
/// taken from the last WORKDIR. `COPY --from=...` copies from another image: skipped.
pub fn copy_sources_of(df: &Dockerfile, path: &str) -> Vec<String> {
    let Some(stage) = df.final_stage() else {
        return Vec::new();
    };
    let workdir = last_in_chain(df, stage.index, "WORKDIR")
        .and_then(|w| w.words().first().map(|w| w.text.clone()))
        .unwrap_or_else(|| "/".to_string());
    let absolute = |p: &str| -> String {
        if p.starts_with('/') {
            normalize_slash_path(p)
        } else {
            normalize_slash_path(&format!("{workdir}/{p}"))
        }
    };
    let final_index = stage.index;
    // `COPY entry.sh $APP_HOME/run.sh` with `ENV APP_HOME=/app`: the path the image has.
    let expanded = |p: &str| -> String {
        df.substitute(p, Some(final_index))
            .unwrap_or_else(|| p.to_string())
    };
    let target = absolute(&expanded(path));
    let mut out = Vec::new();
    for stage in stage_chain(df, stage.index) {
        for instruction in stage.instructions.iter().rev() {
            if !matches!(instruction.keyword.as_str(), "COPY" | "ADD")
                || instruction.flag("from").is_some()
            {
                continue;
            }
            let words = instruction.words();
            let Some((dest, sources)) = words.split_last() else {
                continue;
            };
            if sources.is_empty() {
                continue;
            }
            let dest_dir = dest.text.ends_with('/') || sources.len() > 1;
            let dest = absolute(&expanded(&dest.text));
            for source in sources {
                let src = normalize_slash_path(&source.text);
                let src_name = src.rsplit('/').next().unwrap_or(&src);
                if target == dest && !dest_dir {
                    out.push(src.clone());
                } else if let Some(rest) = target
                    .strip_prefix(&dest)
                    .and_then(|r| r.strip_prefix('/'))
                    .or_else(|| (dest == "/").then(|| &target[1..]))
                {
                    // The file copied into `dest`, or a folder whose `rest` it is.
                    let candidate = if rest == src_name {
                        src.clone()
                    } else if src.is_empty() {
                        rest.to_string()
                    } else {
                        format!("{src}/{rest}")
                    };
                    if !out.contains(&candidate) {
                        out.push(candidate);
                    }
                }
            }
        }
    }
    out
}

/// Why the final stage looks like a server with nothing checking its health: it
/// EXPOSEs a port or runs a server, and no HEALTHCHECK is in effect (`HEALTHCHECK NONE`
/// is a decision, not an omission). Returns the final FROM's span and the reason.
pub fn serves_without_healthcheck(df: &Dockerfile) -> Option<(crate::source::Span, String)> {
    let stage = df.final_stage()?;
    if last_in_chain(df, stage.index, "HEALTHCHECK").is_some() {
        return None;
    }
    let server = final_stage_invocations(df).into_iter().find_map(|i| {
        crate::model::server::from_invocation(&i, crate::model::server::ServerContext::Container)
            .map(|s| s.server.name())
    });
    let reason = match server {
        Some(name) => format!("it runs {name}"),
        None => {
            let expose = last_in_chain(df, stage.index, "EXPOSE")?;
            let ports: Vec<&str> = expose.words().iter().map(|w| w.text.as_str()).collect();
            format!("it exposes {}", ports.join(" "))
        }
    };
    Some((stage.from.span, reason))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::dockerfile::parse;
    use crate::model::command::Program;
    use crate::source::Span;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    fn texts(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn final_stage_container_from_shell_form_cmd() {
        let src = "FROM python:3.12-slim AS base\nENV PYTHONUNBUFFERED=1 SECRET=${TOKEN}\nEXPOSE 8000/tcp $PORT\nFROM base\nENV APP_ENV=prod\nCMD gunicorn app:app \\\n    --reload \\\n    -b 0.0.0.0:8000\n";
        let df = parse(src);
        let spec = final_stage_container(&df).unwrap();
        assert_eq!(spec.origin, ContainerOrigin::Dockerfile);
        assert_eq!(slice(src, spec.anchor), "FROM base");
        let image = spec.image.as_ref().unwrap();
        assert_eq!(image.value, "python:3.12-slim");
        assert_eq!(slice(src, image.span), "python:3.12-slim");
        assert!(spec.command.command.is_empty());
        assert_eq!(
            texts(&spec.command.args),
            ["gunicorn", "app:app", "--reload", "-b", "0.0.0.0:8000"]
        );
        assert_eq!(slice(src, spec.command.args[2].span), "--reload");
        assert!(slice(src, spec.command.span.unwrap()).starts_with("CMD gunicorn"));
        let names: Vec<&str> = spec.env.iter().map(|e| e.name.value.as_str()).collect();
        assert_eq!(names, ["PYTHONUNBUFFERED", "SECRET", "APP_ENV"]);
        assert!(spec.env[1].from_reference);
        assert!(!spec.env[0].from_reference);
        assert_eq!(spec.env[0].value.as_ref().unwrap().value, "1");
        assert_eq!(spec.ports.len(), 2);
        assert_eq!(spec.ports[0].number, Some(8000));
        assert_eq!(slice(src, spec.ports[0].span), "8000/tcp");
        assert_eq!(spec.ports[1].number, None);

        let invocations = final_stage_invocations(&df);
        assert_eq!(invocations.len(), 1);
        let gunicorn = &invocations[0];
        assert_eq!(gunicorn.program, Program::Gunicorn);
        assert!(!gunicorn.via_exec);
        assert_eq!(
            slice(src, gunicorn.option("--reload").unwrap().name_span),
            "--reload"
        );
        assert_eq!(
            gunicorn
                .option("--bind")
                .unwrap()
                .value
                .as_ref()
                .unwrap()
                .text,
            "0.0.0.0:8000"
        );
    }

    #[test]
    fn entrypoint_and_cmd_inheritance() {
        let src = "FROM x AS a\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"uvicorn\", \"m:app\"]\nFROM a AS b\nFROM a AS c\nENTRYPOINT [\"/docker-entrypoint.sh\"]\n";
        let df = parse(src);
        // b inherits both.
        assert_eq!(effective_cmd(&df, 1).unwrap().keyword, "CMD");
        let invocations = stage_invocations(&df, 1);
        assert_eq!(invocations.len(), 1);
        assert_eq!(invocations[0].program, Program::Uvicorn);
        assert!(invocations[0].via_exec);
        // c sets ENTRYPOINT: the inherited CMD is dropped.
        assert!(effective_cmd(&df, 2).is_none());
        let spec = final_stage_container(&df).unwrap();
        assert_eq!(texts(&spec.command.command), ["/docker-entrypoint.sh"]);
        assert!(spec.command.args.is_empty());
        assert_eq!(spec.image.unwrap().value, "x");
        assert_eq!(spec.name.as_deref(), Some("c"));
    }

    #[test]
    fn shell_form_with_several_commands_keeps_the_shell() {
        let src = "FROM x\nSHELL [\"/bin/bash\", \"-c\"]\nCMD cd /app && exec uvicorn main:app --reload\n";
        let df = parse(src);
        let spec = final_stage_container(&df).unwrap();
        assert_eq!(
            texts(&spec.command.args),
            [
                "/bin/bash",
                "-c",
                "cd /app && exec uvicorn main:app --reload"
            ]
        );
        // Recognizing the container words finds the same program with exact spans.
        let from_spec = recognize(&spec.command.args);
        let uvicorn = from_spec
            .iter()
            .find(|i| i.program == Program::Uvicorn)
            .unwrap();
        assert_eq!(
            slice(src, uvicorn.option("--reload").unwrap().name_span),
            "--reload"
        );
        assert!(uvicorn.via_exec);
        let invocations = final_stage_invocations(&df);
        assert_eq!(invocations.len(), 2);
        assert!(invocations[1].via_exec);
        assert!(main_process_instruction(&df, 0).unwrap().is_shell_form());
    }

    #[test]
    fn shell_entrypoint_ignores_cmd_and_exec_entrypoint_wraps_shell_cmd() {
        let df = parse("FROM x\nENTRYPOINT gunicorn app:app\nCMD [\"--reload\"]\n");
        let spec = final_stage_container(&df).unwrap();
        assert_eq!(texts(&spec.command.command), ["gunicorn", "app:app"]);
        assert!(spec.command.args.is_empty());
        let invocations = final_stage_invocations(&df);
        assert!(invocations[0].option("--reload").is_none());

        let df = parse("FROM x\nENTRYPOINT [\"dumb-init\"]\nCMD flask run --host 0.0.0.0\n");
        let spec = final_stage_container(&df).unwrap();
        assert_eq!(
            texts(&spec.command.args),
            ["/bin/sh", "-c", "flask run --host 0.0.0.0"]
        );
        let invocations = final_stage_invocations(&df);
        assert_eq!(invocations.len(), 1);
        assert_eq!(invocations[0].program, Program::FlaskRun);
        assert!(!invocations[0].via_exec);
    }

    #[test]
    fn substituted_image_and_env() {
        let src = "ARG IMAGE=python:3.11\nFROM $IMAGE\nARG PORT=8080\nENV PORT=$PORT DEBUG=1\nEXPOSE $PORT\n";
        let df = parse(src);
        let spec = final_stage_container(&df).unwrap();
        assert_eq!(spec.image.as_ref().unwrap().value, "python:3.11");
        assert_eq!(slice(src, spec.image.as_ref().unwrap().span), "$IMAGE");
        assert_eq!(spec.env[0].value.as_ref().unwrap().value, "8080");
        assert!(spec.env[0].from_reference);
        assert_eq!(spec.ports[0].number, Some(8080));
    }

    #[test]
    fn busybox_shells() {
        let busybox = |src: &str| final_shell_is_busybox(&parse(src));
        assert!(busybox("FROM python:3.14-alpine\nCMD app\n"));
        assert!(busybox(
            "ARG BASE=busybox:1.36\nFROM $BASE AS base\nFROM base\n"
        ));
        assert!(busybox(
            "FROM alpine:3.20\nSHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\n"
        ));
        assert!(!busybox(
            "FROM alpine:3.20\nSHELL [\"/bin/bash\", \"-c\"]\n"
        ));
        assert!(!busybox("FROM python:3.12-slim\n"));
        assert!(!busybox(""));
    }

    #[test]
    fn empty_and_commandless_files() {
        assert!(final_stage_container(&parse("")).is_none());
        assert!(final_stage_invocations(&parse("")).is_empty());
        let spec = final_stage_container(&parse("FROM scratch\nCOPY app /app\n")).unwrap();
        assert_eq!(spec.command, ContainerCommand::default());
        assert!(final_stage_invocations(&parse("FROM x\nCMD\n")).is_empty());
        assert!(
            final_stage_container(&parse("FROM\n"))
                .unwrap()
                .image
                .is_none()
        );
    }

    #[test]
    fn copy_sources_of_an_entrypoint_script() {
        let df = parse(
            "FROM x\nWORKDIR /app\nCOPY docker/entrypoint.sh /usr/local/bin/\nCOPY . .\nCOPY --from=build /out/run.sh /run.sh\nENTRYPOINT [\"entrypoint.sh\"]\n",
        );
        assert_eq!(
            copy_sources_of(&df, "/usr/local/bin/entrypoint.sh"),
            ["docker/entrypoint.sh"]
        );
        // Relative to WORKDIR, copied with the whole context.
        assert_eq!(
            copy_sources_of(&df, "./scripts/start.sh"),
            ["scripts/start.sh"]
        );
        // From another image: not a repository file.
        assert!(copy_sources_of(&df, "/run.sh").is_empty());
        let script = main_process_script(&df).unwrap().path;
        assert_eq!(script, "entrypoint.sh");
    }

    #[test]
    fn scripts_of_argv() {
        let words = |text: &str| crate::lang::shell::split_words(text, 0);
        let of = |text: &str| {
            let w = words(text);
            let refs: Vec<&Word> = w.iter().collect();
            script_of_argv(&refs).map(|w| w.text.clone())
        };
        assert_eq!(
            of("/docker-entrypoint.sh web").as_deref(),
            Some("/docker-entrypoint.sh")
        );
        assert_eq!(of("bash start.sh").as_deref(), Some("start.sh"));
        assert_eq!(
            of("docker-entrypoint").as_deref(),
            Some("docker-entrypoint")
        );
        assert_eq!(of("sh -c ./start.sh"), None);
        assert_eq!(
            of("/usr/bin/tini -- /entrypoint.sh web").as_deref(),
            Some("/entrypoint.sh")
        );
        assert_eq!(
            of("tini -g -- /entrypoint.sh").as_deref(),
            Some("/entrypoint.sh")
        );
        assert_eq!(
            of("/usr/bin/dumb-init /bin/bash /run.sh").as_deref(),
            Some("/run.sh")
        );
        let group = |text: &str| {
            let w = words(text);
            let refs: Vec<&Word> = w.iter().collect();
            init_signals_group(&refs)
        };
        assert!(group("dumb-init /run.sh"));
        assert!(group("tini -g -- /run.sh"));
        assert!(!group("dumb-init --single-child /run.sh"));
        assert!(!group("tini -- /run.sh"));
        assert!(!group("/run.sh"));
        assert_eq!(of("gunicorn app:app"), None);
    }

    #[test]
    fn serving_without_healthcheck() {
        assert!(serves_without_healthcheck(&parse("FROM x\nEXPOSE 80\n")).is_some());
        assert!(
            serves_without_healthcheck(&parse("FROM x\nCMD [\"uvicorn\", \"a:b\"]\n")).is_some()
        );
        assert!(
            serves_without_healthcheck(&parse("FROM x\nEXPOSE 80\nHEALTHCHECK NONE\n")).is_none()
        );
        assert!(
            serves_without_healthcheck(&parse("FROM x\nCMD [\"celery\", \"worker\"]\n")).is_none()
        );
    }
}
