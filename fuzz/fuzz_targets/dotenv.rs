//! Fuzz target: any bytes as `.env`, linted with every rule and rendered.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    prodlint_fuzz::lint_as(".env", data, &[]);
});
