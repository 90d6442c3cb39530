//! Fuzz target: any bytes as `src/lib.rs`, linted with every rule and rendered.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    prodlint_fuzz::lint_as("src/lib.rs", data, &[]);
});
