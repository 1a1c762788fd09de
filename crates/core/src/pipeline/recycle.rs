//! Buffer recycling: emptied batches go back to the scanner, and the buffers of written
//! chunks back to the workers.
//!
//! A fresh buffer of a few MiB is handed out by the kernel as zeroed pages, one page fault
//! at a time, and glibc gives freed ones back; reusing them keeps those faults and the
//! system time they cost out of the run.

use super::scan_stage::Batch;
use crate::limits::Limits;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Mutex;

/// A channel of emptied batches with room for `capacity` of them: the scanner takes from
/// the [`SpareBatches`] end, the render stage gives to the [`BatchReturn`] end.
pub(super) fn batch_recycling(limits: &Limits, capacity: usize) -> (BatchReturn, SpareBatches) {
    let (back, spare) = sync_channel(capacity);
    (
        BatchReturn {
            back,
            batch_bytes: limits.batch_bytes,
        },
        SpareBatches {
            spare,
            batch_bytes: limits.batch_bytes,
            batch_findings: limits.batch_findings,
        },
    )
}

/// Where the scanner takes an empty batch to fill.
pub(super) struct SpareBatches {
    spare: Receiver<Batch>,
    batch_bytes: usize,
    batch_findings: usize,
}

impl SpareBatches {
    /// An emptied batch if one is back, else a new one with room for a full batch, so that
    /// filling it never reallocates.
    pub(super) fn take(&self) -> Batch {
        self.spare.try_recv().unwrap_or_else(|_| Batch {
            data: Vec::with_capacity(self.batch_bytes),
            items: Vec::with_capacity(self.batch_findings.min(4096)),
        })
    }
}

/// Where a rendered batch goes back to the scanner.
pub(super) struct BatchReturn {
    back: SyncSender<Batch>,
    batch_bytes: usize,
}

impl BatchReturn {
    /// Empties `batch` and keeps it for the scanner, unless the channel is full. A buffer
    /// that grew for one oversized finding is let go.
    pub(super) fn give(&self, mut batch: Batch) {
        if batch.data.capacity() > 2 * self.batch_bytes.max(1) {
            return;
        }
        batch.data.clear();
        batch.items.clear();
        let _ = self.back.try_send(batch);
    }
}

/// Output buffers of rendered chunks, handed back by the writer for the next chunks.
///
/// A chunk's buffer is tens of KiB, allocated by a worker and freed by the writer: without
/// reuse, glibc returns the pages to the kernel and faults them in again for the next
/// chunk (19,000 page faults and a third of the system time for 200 MB of input). The
/// spares add up to at most `max_bytes` (a few batches' worth of output, see
/// [`SpareBuffers::for_limits`]).
pub(super) struct SpareBuffers {
    free: Mutex<FreeBuffers>,
    max_bytes: usize,
}

/// The buffers kept, and their capacity in all.
#[derive(Default)]
struct FreeBuffers {
    buffers: Vec<Vec<u8>>,
    bytes: usize,
}

impl SpareBuffers {
    /// Room for the output of `batches_rendering + 2` batches: what is in flight between
    /// the workers and the writer at any time.
    pub(super) fn for_limits(limits: &Limits) -> SpareBuffers {
        SpareBuffers {
            free: Mutex::default(),
            max_bytes: limits
                .batch_bytes
                .saturating_mul(limits.batches_rendering + 2),
        }
    }

    /// An empty buffer with room for `want` bytes, a spare one if there is one.
    pub(super) fn take(&self, want: usize) -> Vec<u8> {
        let spare = self.free.lock().ok().and_then(|mut free| {
            let b = free.buffers.pop()?;
            free.bytes -= b.capacity();
            Some(b)
        });
        match spare {
            Some(b) if b.capacity() >= want => b,
            // Growing an emptied buffer is a `realloc`, which copies all of its old
            // capacity: a fresh one costs nothing to fill.
            _ => Vec::with_capacity(want),
        }
    }

    /// Keeps `b` for a later chunk, unless the spares are full.
    pub(super) fn give(&self, mut b: Vec<u8>) {
        if b.capacity() == 0 {
            return;
        }
        b.clear();
        if let Ok(mut free) = self.free.lock() {
            if free.bytes + b.capacity() <= self.max_bytes {
                free.bytes += b.capacity();
                free.buffers.push(b);
            }
        }
    }
}
