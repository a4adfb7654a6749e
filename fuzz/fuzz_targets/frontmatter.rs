//! Fuzz target `frontmatter`: see `harness::frontmatter` for what it feeds carnet and checks.
#![no_main]

#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::frontmatter(data));
