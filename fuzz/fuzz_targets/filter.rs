//! Fuzz target `filter`: see `check_filter` in crates/core/tests/fuzz_invariants for the invariant.
#![no_main]

#[path = "../../crates/core/tests/fuzz_invariants/mod.rs"]
mod fuzz_invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzz_invariants::check_filter(data);
});
