//! DF001 shell-form-entrypoint: the image's main process is `/bin/sh -c "..."`, which
//! does not forward SIGTERM. Judged on the instruction that decides PID 1 in the final
//! stage (a shell-form ENTRYPOINT, else the CMD), inherited stages included.

use crate::diagnostic::Emitter;
use crate::lang::dockerfile::{Arguments, Dockerfile};
use crate::model::dockerfile::main_process_instruction;

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
