//! Fuzz target: any bytes as `docker/start.sh`, linted with every rule and rendered.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    prodlint_fuzz::lint_as("docker/start.sh", data, &[("Dockerfile", "FROM python:3.12\nCOPY docker/start.sh /start.sh\nENTRYPOINT [\"/start.sh\"]\n")]);
});
