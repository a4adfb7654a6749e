//! Fuzz target `repair`: see `harness::repair` for what it feeds carnet and checks.
#![no_main]

#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::repair(data));
