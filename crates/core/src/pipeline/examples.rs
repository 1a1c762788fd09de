//! Warning examples: the first few warnings of each kind in input order, each with the
//! member, value and finding that raised it, for the run summary.
//!
//! A worker notes the first [`MAX_WARNING_EXAMPLES`] of each kind in its chunk and asks
//! the renderer where each came from ([`FindingRenderer::explain`], which renders the
//! finding again). The writer keeps the first of all chunks in input order, and once it
//! has enough of a kind it closes the [`ExampleGate`] for that kind, so that the workers
//! stop explaining examples that would be thrown away. An input full of warnings then
//! costs a few dozen explanations at the start of the run, never a share of every chunk.
//! The summary is the same for any number of threads: what a chunk notes depends on its
//! findings alone, and the gate only closes on kinds the writer has finished.

use super::scan_stage::BatchItem;
use crate::report::explain::Located;
use crate::report::renderer::FindingRenderer;
use crate::stats::{WarningKind, Warnings, MAX_WARNING_EXAMPLES};
use std::sync::atomic::{AtomicBool, Ordering};

/// The warning kinds whose examples the run still wants.
pub(super) struct ExampleGate([AtomicBool; WarningKind::ALL.len()]);

impl Default for ExampleGate {
    fn default() -> ExampleGate {
        ExampleGate(std::array::from_fn(|_| AtomicBool::new(true)))
    }
}

impl ExampleGate {
    fn wants(&self, kind: WarningKind) -> bool {
        self.0[kind as usize].load(Ordering::Relaxed)
    }

    /// The writer has all the examples of `kind` it keeps.
    pub(super) fn close(&self, kind: WarningKind) {
        self.0[kind as usize].store(false, Ordering::Relaxed);
    }
}

/// One warning example, as a worker found it.
pub(super) struct Example {
    /// The kind.
    pub(super) kind: WarningKind,
    /// The input's number.
    pub(super) input: usize,
    /// The finding's offset in its input.
    pub(super) byte: u64,
    /// The finding's number in its input, counted from 1.
    pub(super) finding: u64,
    /// The member, value and finding ARN.
    pub(super) located: Located,
}

/// Notes the warnings that `item` (whose bytes are `bytes`) raised, which took the chunk's
/// count from `before` to `after`, as examples of their kinds, while the chunk has fewer
/// than [`MAX_WARNING_EXAMPLES`] of a kind and the run still wants it.
#[cold]
#[inline(never)]
pub(super) fn note(
    examples: &mut Vec<Example>,
    (before, after): (&Warnings, &Warnings),
    item: &BatchItem,
    bytes: &[u8],
    renderer: &mut FindingRenderer<'_>,
    gate: &ExampleGate,
) {
    let kinds: Vec<WarningKind> = WarningKind::ALL
        .into_iter()
        .filter(|&k| {
            after.get(k) > before.get(k)
                && gate.wants(k)
                && examples.iter().filter(|e| e.kind == k).count() < MAX_WARNING_EXAMPLES
        })
        .collect();
    if kinds.is_empty() {
        return;
    }
    for (kind, located) in renderer.explain(bytes, &kinds) {
        examples.push(Example {
            kind,
            input: item.input,
            byte: item.offset,
            finding: item.index + 1,
            located,
        });
    }
}
