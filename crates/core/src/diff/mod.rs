//! The comparison of two exports (spec 6, `inspector-report diff OLD NEW`): which findings
//! are `NEW`, `CHANGED`, `UNCHANGED` and `RESOLVED`, as one report.
//!
//! Each side is de-duplicated ([`crate::dedupe`]), then filtered. A finding is matched by
//! its `findingArn` (one without an ARN never is: it is `NEW` in NEW, `RESOLVED` in OLD);
//! one in both sides is `CHANGED` when a compared member differs (`severity`,
//! `inspectorScore`, `status`, `fixAvailable`, `exploitAvailable`, `epss.score`, as JSON
//! text after minifying; absent equals `null`).
//!
//! Four passes, and no finding held in memory:
//!
//! 1. a survey of OLD indexes each ARN's winning occurrence with the filter's verdict on
//!    it and a digest of its compared members (`sides::OldState`);
//! 2. a survey of NEW finds its winners, as de-duplication does;
//! 3. the first section of the report converts NEW's winners, each marked by what OLD had
//!    (and noting which of OLD's findings NEW has), in NEW's order;
//! 4. the second converts OLD's kept findings that NEW does not have, as `RESOLVED`, in
//!    OLD's order.
//!
//! Memory: OLD's index (at most 48 bytes a finding, as de-duplication's, and a bit a
//! finding for "NEW has it") and NEW's winners (8 bytes a finding). Each side's inputs
//! are read twice, so they must stay the same meanwhile.

mod sides;

use crate::decode::finding::{Compared, Finding};
use crate::decode::{decode, decode_as, Decoded};
use crate::dedupe::{self, ArnIndex, KeyHasher, Occurrence, Place};
use crate::error::{Error, ErrorKind, Position, Result};
use crate::filter::Verdict;
use crate::pipeline::{self, Config, Input, SectionedReport};
use crate::report::Entries;
use crate::stats::{Stats, Warnings};
use sides::{digest, ComparedView, NewSection, OldSide, OldState};
use std::io::Write;
use std::sync::Arc;

/// How to compare, beyond the conversion's [`Config`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DiffOptions {
    /// Write the `UNCHANGED` findings too (they are counted either way). Default: no.
    pub include_unchanged: bool,
}

/// Compares the findings of the inputs `old` opens with those `new` opens into one report,
/// written to `out` in `config`'s format as a compared report (`config.entries` and
/// `config.selection` are the comparison's own). Each side's opener is called twice.
///
/// The [`Stats`] list OLD's inputs, then NEW's, each with every occurrence read; count the
/// duplicates left out on both sides, the findings the filter and the status rule left out
/// on both sides, each change ([`Stats::changes`]), and the report's entries as written.
pub fn compare<FO, IO, FN, IN>(
    config: &Config,
    options: DiffOptions,
    old: FO,
    new: FN,
    out: &mut dyn Write,
) -> Result<Stats>
where
    FO: Fn() -> IO,
    IO: IntoIterator<Item = Result<Input>>,
    IO::IntoIter: Send,
    FN: Fn() -> IN,
    IN: IntoIterator<Item = Result<Input>>,
    IN::IntoIter: Send,
{
    let hasher = KeyHasher::default();
    let old_pass = index_old(config, old(), &hasher)?;
    let (new_winners, new_first) = dedupe::winners(config, new(), &hasher)?;
    let new_distinct = new_winners.len();

    let report_config = Config {
        entries: Entries::Changes,
        selection: None,
        ..config.clone()
    };
    let mut report = SectionedReport::start(&report_config, out)?;
    let old_side = Arc::new(OldSide::new(
        hasher,
        old_pass.index,
        options.include_unchanged,
    ));
    let new_section = Config {
        selection: Some(Arc::new(NewSection {
            winners: new_winners,
            old: Arc::clone(&old_side),
        })),
        ..report_config.clone()
    };
    report.convert(&new_section, new())?;
    drop(new_section);
    let old_side = Arc::try_unwrap(old_side).map_err(|_| {
        Error::new(
            ErrorKind::Panic("OLD's index is still shared after the NEW section".into()),
            Position::default(),
        )
    })?;
    let resolved = Config {
        selection: Some(Arc::new(old_side.resolved(old_pass.unnamed))),
        ..report_config
    };
    report.convert(&resolved, old())?;
    drop(resolved);
    let written = report.finish()?;

    let (new_read, old_read) = written
        .inputs
        .split_at(new_first.inputs.len().min(written.inputs.len()));
    dedupe::same_inputs(
        &new_first,
        &Stats {
            inputs: new_read.to_vec(),
            ..Stats::default()
        },
    )?;
    let old_first = old_pass.stats;
    dedupe::same_inputs(
        &old_first,
        &Stats {
            inputs: old_read.to_vec(),
            ..Stats::default()
        },
    )?;
    let mut stats = written;
    stats.inputs = old_first.inputs;
    stats.inputs.extend(new_first.inputs);
    stats.duplicates = (old_first.findings_read - old_pass.distinct as u64)
        + (new_first.findings_read - new_distinct as u64);
    stats.findings_read = old_first.findings_read + new_first.findings_read;
    stats.events_skipped = old_first.events_skipped + new_first.events_skipped;
    // The RESOLVED section reads only findings OLD's filter kept: OLD's exclusions are
    // its survey's.
    stats.excluded_by_filter += old_pass.excluded_by_filter;
    stats.excluded_by_status_rule += old_pass.excluded_by_status_rule;
    Ok(stats)
}

/// What the survey of OLD found.
struct OldPass {
    index: ArnIndex<OldState>,
    /// OLD's findings without an ARN that its filter kept.
    unnamed: Vec<Place>,
    /// Distinct findings: ARNs, and occurrences without one.
    distinct: usize,
    excluded_by_filter: u64,
    excluded_by_status_rule: u64,
    stats: Stats,
}

/// What the survey reads of one occurrence of OLD.
struct OldOccurrence {
    occurrence: Occurrence,
    state: OldState,
}

/// The first pass over OLD: each occurrence's identity, the filter's verdict and the
/// digest of its compared members. The narrow view suffices unless the filter reads more
/// than `status`.
fn index_old<I>(config: &Config, inputs: I, hasher: &KeyHasher) -> Result<OldPass>
where
    I: IntoIterator<Item = Result<Input>>,
{
    let filter = &config.filter;
    let full = filter.needs_full_view();
    let occurrence = |f: &dyn ComparedView<'_>, verdict| OldOccurrence {
        occurrence: Occurrence::of(hasher, f.arn(), f.updated()),
        state: OldState::new(verdict, digest(hasher, f.members())),
    };
    let read = |item: &[u8]| -> Result<Option<OldOccurrence>, (usize, ErrorKind)> {
        let w = &mut Warnings::default();
        Ok(match full {
            true => match decode(item, w)? {
                Decoded::Finding { finding: f, .. } => Some(occurrence(&f, filter.verdict(&f))),
                Decoded::OtherEvent => None,
            },
            false => match decode_as::<Compared>(item, w)? {
                Decoded::Finding { finding: f, .. } => {
                    let status = Finding {
                        status: f.status.clone(),
                        ..Finding::default()
                    };
                    Some(occurrence(&f, filter.verdict(&status)))
                }
                Decoded::OtherEvent => None,
            },
        })
    };
    let mut index: ArnIndex<OldState> = ArnIndex::new(&config.limits);
    let mut unnamed = Vec::new();
    let mut unnamed_excluded = [0u64; 2];
    let stats = pipeline::survey(config, inputs, read, |at, o: OldOccurrence| {
        let place = dedupe::place(at)?;
        let Some(key) = o.occurrence.key else {
            index.count_unnamed().map_err(dedupe::full)?;
            match o.state.verdict() {
                Verdict::Keep => unnamed.push(place),
                Verdict::ExcludedByFilter => unnamed_excluded[0] += 1,
                Verdict::ExcludedByStatusRule => unnamed_excluded[1] += 1,
            }
            return Ok(());
        };
        index
            .offer(key, o.occurrence.updated, place, o.state)
            .map_err(dedupe::full)
    })?;
    index.finish();
    let [mut by_filter, mut by_status] = unnamed_excluded;
    for e in index.entries() {
        match e.payload.verdict() {
            Verdict::Keep => {}
            Verdict::ExcludedByFilter => by_filter += 1,
            Verdict::ExcludedByStatusRule => by_status += 1,
        }
    }
    let distinct =
        index.len() + unnamed.len() + (unnamed_excluded[0] + unnamed_excluded[1]) as usize;
    Ok(OldPass {
        index,
        unnamed,
        distinct,
        excluded_by_filter: by_filter,
        excluded_by_status_rule: by_status,
        stats,
    })
}

#[cfg(test)]
mod tests;
