//! Fuzz target: any bytes as `docker-compose.yml`, linted with every rule and rendered.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    prodlint_fuzz::lint_as("docker-compose.yml", data, &[("docker-compose.override.yml", "services: {}\n")]);
});
