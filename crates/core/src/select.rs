//! The seam between a conversion and the passes of a de-duplicated or compared report: which
//! items a conversion reads at all, and what it makes of each finding the filter keeps.
//!
//! A plain conversion has no [`Selection`] and writes every finding its filter keeps. A
//! de-duplicated one ([`crate::dedupe`]) admits only the occurrence of each `findingArn`
//! that won; the sections of a compared report ([`crate::diff`]) admit their side's
//! findings and mark each with its [`Change`].
//!
//! Items are named by their input's number in the conversion (from 0, in the order of the
//! inputs) and their index in that input (from 0, as the scanner counts them, EventBridge
//! events of other kinds included), so a selection made in an earlier pass over the same
//! inputs names the same items.

use crate::decode::finding::Finding;
use crate::report::Change;
use std::fmt;

/// What a conversion makes of a finding the filter kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Written as a finding of the findings report.
    Finding,
    /// Written as an entry of the compared report, with its change.
    Change(Change),
    /// Counted as this change, and not written (`UNCHANGED` findings, unless asked for).
    Omit(Change),
}

/// Which items one conversion reads, and what it makes of each finding it keeps.
pub trait Selection: Send + Sync + fmt::Debug {
    /// Whether item `index` of input `input` is read at all; an item that is not is not
    /// decoded and counts nowhere.
    fn admits(&self, input: usize, index: u64) -> bool;

    /// True when [`Selection::mark`] reads more of a finding than its `status`, so that a
    /// JSON report decodes the typed view of each finding instead of its status alone.
    fn reads_findings(&self) -> bool {
        false
    }

    /// What becomes of `finding`, which the filter kept.
    fn mark(&self, finding: &Finding<'_>) -> Mark {
        let _ = finding;
        Mark::Finding
    }
}
