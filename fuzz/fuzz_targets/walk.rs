//! Fuzz target `walk`: see `check_walk` in crates/core/tests/fuzz_invariants for the invariant.
#![no_main]

#[path = "../../crates/core/tests/fuzz_invariants/mod.rs"]
mod fuzz_invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzz_invariants::check_walk(data);
});
