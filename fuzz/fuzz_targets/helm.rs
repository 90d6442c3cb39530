//! Fuzz target: any bytes as `chart/templates/deployment.yaml`, linted with every rule and rendered.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    prodlint_fuzz::lint_as("chart/templates/deployment.yaml", data, &[("chart/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n"), ("chart/values.yaml", "image: {tag: 1.0}\n")]);
});
