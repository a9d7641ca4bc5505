//! The `gitops` check of `fuzz/checks.rs` under libFuzzer: the GitOps
//! reader and `mark`'s planner on any file.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::gitops(data));
