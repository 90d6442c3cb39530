//! Fuzz target: any bytes as `Dockerfile`, linted with every rule and rendered.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    prodlint_fuzz::lint_as("Dockerfile", data, &[("app.py", "app.run()\n")]);
});
