//! Dockerfile rules: over the parsed Dockerfile (all stages) or, for what the image runs,
//! over its final stage as a `ContainerSpec`.

pub mod debug_env;
pub mod dev_server_command;
pub mod python_unbuffered_missing;
pub mod runs_as_root;
pub mod secret_build_arg;
pub mod secret_env;
pub mod shell_form_entrypoint;
pub mod tls_verify_disabled;
pub mod unpinned_base_image;
