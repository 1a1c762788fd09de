//! One chunk of a batch, on one worker: each item rendered into one buffer by the report's
//! [`FindingRenderer`] (which decodes it and asks the filter), and the count of what
//! became of them.

use super::examples::{self, Example, ExampleGate};
use super::recycle::SpareBuffers;
use super::scan_stage::{Batch, BatchItem};
use super::Config;
use crate::columns::CellContext;
use crate::error::{Error, ErrorKind, Position};
use crate::filter::Verdict;
use crate::report::framing::compress_chunk;
use crate::report::renderer::{FindingRenderer, ItemOutcome};
use crate::stats::Stats;
use std::sync::Arc;

/// What one chunk of a batch produced.
#[derive(Default)]
pub(super) struct Rendered {
    /// The chunk's findings in the report's format, each with its leading separator; with
    /// gzip, one member of them without the first separator
    /// ([`crate::report::framing`]).
    pub(super) bytes: Vec<u8>,
    /// Findings read, written and excluded, events skipped, warnings: the chunk's share of
    /// the run's [`Stats`], added with [`Stats::merge`] (its `inputs` stay empty).
    pub(super) counts: Stats,
    /// Findings per input number.
    pub(super) per_input: Vec<(usize, u64)>,
    /// The first warnings of each kind, while the run wants them.
    pub(super) examples: Vec<Example>,
    /// The error that stopped the chunk; the run stops there.
    pub(super) error: Option<Error>,
}

/// The names of the inputs a batch's items come from (items are in input order, so a
/// contiguous run of input numbers), for the positions in its errors.
pub(super) struct BatchNames {
    first: usize,
    names: Vec<Arc<str>>,
}

impl BatchNames {
    /// The names of `batch`'s inputs, out of the names of every input so far; `None` for
    /// an empty batch.
    pub(super) fn of(batch: &Batch, names: &[Arc<str>]) -> Option<BatchNames> {
        let (first, last) = (batch.items.first()?, batch.items.last()?);
        Some(BatchNames {
            first: first.input,
            names: names
                .get(first.input..=last.input)
                .map(<[_]>::to_vec)
                .unwrap_or_default(),
        })
    }

    fn get(&self, input: usize) -> &str {
        input
            .checked_sub(self.first)
            .and_then(|k| self.names.get(k))
            .map_or("", |n| n)
    }
}

/// The renderer a worker keeps for the chunks it renders.
pub(super) fn finding_renderer(config: &Config) -> FindingRenderer<'_> {
    FindingRenderer::new(
        &config.format,
        &config.filter,
        CellContext {
            as_of_ms: config.as_of_ms,
        },
    )
    .selecting(config.selection.as_deref(), config.entries)
    .counting(config.breakdown)
}

/// Renders (and compresses) one chunk. A panic while rendering is a bug; it becomes an
/// error for this run instead of tearing the pool down or hanging.
pub(super) fn render_chunk(
    config: &Config,
    renderer: &mut FindingRenderer<'_>,
    batch: &Batch,
    items: &[BatchItem],
    names: &BatchNames,
    (spares, gate): (&SpareBuffers, &ExampleGate),
) -> Rendered {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // Half the input: a first guess for a fresh buffer (a CSV report is about 0.65 of
        // pretty input). Spares come back grown to what chunks need. Asking for the whole
        // input size saved no measurable time and raised peak RSS on 2 GB by 10%.
        let want = items.iter().map(|i| i.range.len()).sum::<usize>() / 2;
        let out = spares.take(want);
        let mut r = render_items(renderer, &batch.data, items, names, out, gate);
        if let Some(level) = config.gzip {
            let member = compress_chunk(&config.format, &r.bytes, level);
            spares.give(std::mem::replace(&mut r.bytes, member));
        }
        r
    }))
    .unwrap_or_else(|p| Rendered {
        error: Some(Error::new(
            ErrorKind::Panic(panic_message(&*p)),
            Position::default(),
        )),
        ..Rendered::default()
    })
}

/// Renders a run of items into `out` and counts what became of them.
fn render_items(
    renderer: &mut FindingRenderer<'_>,
    data: &[u8],
    items: &[BatchItem],
    names: &BatchNames,
    out: Vec<u8>,
    gate: &ExampleGate,
) -> Rendered {
    let mut r = Rendered {
        bytes: out,
        ..Rendered::default()
    };
    for item in items {
        if !renderer.admits(item.input, item.index) {
            continue;
        }
        let before = r.counts.warnings;
        let outcome = renderer.render(&data[item.range.clone()], &mut r.bytes, &mut r.counts);
        let (verdict, written) = match outcome {
            Ok(ItemOutcome::Finding { verdict, written }) => (verdict, written),
            Ok(ItemOutcome::OtherEvent) => {
                r.counts.events_skipped += 1;
                continue;
            }
            Err((at, kind)) => {
                r.error = Some(Error::new(
                    kind,
                    Position {
                        input: names.get(item.input).to_string(),
                        byte: Some(item.offset + at as u64),
                        finding: Some(item.index + 1),
                    },
                ));
                return r;
            }
        };
        r.counts.findings_read += 1;
        match r.per_input.last_mut() {
            Some((n, k)) if *n == item.input => *k += 1,
            _ => r.per_input.push((item.input, 1)),
        }
        match verdict {
            Verdict::Keep => r.counts.findings_written += u64::from(written),
            Verdict::ExcludedByFilter => r.counts.excluded_by_filter += 1,
            Verdict::ExcludedByStatusRule => r.counts.excluded_by_status_rule += 1,
        }
        if r.counts.warnings != before {
            let bytes = &data[item.range.clone()];
            let counts = (&before, &r.counts.warnings);
            examples::note(&mut r.examples, counts, item, bytes, renderer, gate);
        }
    }
    r
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}
