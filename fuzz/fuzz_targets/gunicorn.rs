//! Fuzz target: any bytes as `gunicorn.conf.py`, linted with every rule and rendered.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    prodlint_fuzz::lint_as("gunicorn.conf.py", data, &[]);
});
