//! Dockerfile rules: over the parsed Dockerfile (all stages) or, for what the image runs,
//! over its final stage as a `ContainerSpec`.

pub mod dev_server_command;
pub mod shell_form_entrypoint;
