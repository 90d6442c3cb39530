//! Fuzz target: any bytes as `prodlint.toml`, loaded and resolved.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    prodlint_fuzz::load_config(data);
});
