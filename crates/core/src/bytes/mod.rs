//! Finding bytes of a class many at a time, for the scanner, the walker and the reports.
//!
//! * [`swar`]: eight bytes in a `u64`, a few ALU operations per word; for the scanner's
//!   short runs and the search for escapes.
//! * [`classify`]: sixteen bytes per SIMD compare; for the walker's strings and
//!   whitespace, the CSV report's quotes and the search for escapes. (Whole 64-byte blocks
//!   as bit masks, for the scanner and the JSON report's minifier, are in the
//!   `inspector-report-simd` crate.)

pub(crate) mod classify;
pub(crate) mod swar;
