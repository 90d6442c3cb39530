//! DF001 shell-form-entrypoint: the image's main process is `/bin/sh -c "..."`, which
//! does not forward SIGTERM. Judged on the instruction that decides PID 1 in the final
//! stage (a shell-form ENTRYPOINT, else the CMD), inherited stages included; a single
//! command under BusyBox `ash` (Alpine bases) is exec'd by the shell and not flagged.

use crate::diagnostic::Emitter;
use crate::lang::dockerfile::{Arguments, Dockerfile};
use crate::lang::shell::is_simple_command;
use crate::model::dockerfile::{final_shell_is_busybox, main_process_instruction};

pub const TRIGGERS: &[&str] = &["CMD", "ENTRYPOINT"];

pub fn check(dockerfile: &Dockerfile, out: &mut Emitter) {
    let Some(stage) = dockerfile.final_stage() else {
        return;
    };
    let Some(instruction) = main_process_instruction(dockerfile, stage.index) else {
        return;
    };
    let Arguments::Shell(shell) = &instruction.args else {
        return;
    };
    if shell.starts_with_exec() {
        return;
    }
    // BusyBox ash execs a lone simple command itself: the app is PID 1 and gets SIGTERM.
    if is_simple_command(&shell.text) && final_shell_is_busybox(dockerfile) {
        return;
    }
    out.report(
        instruction.span,
        format!(
            "{} in shell form runs under `/bin/sh -c`, which does not pass SIGTERM to the app",
            instruction.keyword
        ),
    )
    .help(format!(
        "write it in exec form: {} [\"...\", \"...\"] (or start the command with `exec`)",
        instruction.keyword
    ));
}

/// The project part: an exec-form ENTRYPOINT/CMD that runs a shell script from the
/// repository. The script is PID 1; unless it `exec`s its last program (`exec "$@"`,
/// `exec gunicorn ...`) or traps SIGTERM, the app runs as its child and never gets the
/// signal. Scripts not in the repository are not judged.
pub fn check_scripts(
    facts: &crate::model::facts::ProjectFacts,
    out: &mut crate::rules::project::ProjectEmitter,
) {
    for file in &facts.files {
        for entry in file
            .entry_scripts
            .iter()
            .filter(|e| e.dockerfile_main_process && !e.group_signalled)
        {
            let Some(script) = crate::rules::project::resolve_script(facts, entry) else {
                continue;
            };
            let Some(shell) = &script.shell_script else {
                continue;
            };
            if shell.forwards_signals {
                continue;
            }
            let Some(last) = &shell.last_command else {
                continue;
            };
            out.report(
                entry.anchor.clone(),
                format!(
                    "`{}` ({}) runs `{last}` as a child of the shell, not with `exec`: SIGTERM stops at the script",
                    entry.written, script.path
                ),
            );
        }
    }
}
