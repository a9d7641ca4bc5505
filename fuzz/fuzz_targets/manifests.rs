//! The `manifests` check of `fuzz/checks.rs` under libFuzzer.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::manifests(data));
