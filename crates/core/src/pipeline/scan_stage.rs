//! The scan stage: cuts items from each input and hands them on in bounded batches.

use super::recycle::SpareBatches;
use super::{Input, Message};
use crate::error::Result;
use crate::limits::Limits;
use crate::scan::ItemReader;
use std::ops::Range;

/// One item inside a batch.
pub(super) struct BatchItem {
    /// Its bytes in [`Batch::data`].
    pub(super) range: Range<usize>,
    /// Absolute offset of its first byte in its input.
    pub(super) offset: u64,
    /// Zero-based index of the item in its input.
    pub(super) index: u64,
    /// Its input's number, counted from 0 in the order of the inputs.
    pub(super) input: usize,
}

/// Items cut by the scanner, copied into one buffer. Batches are reused
/// ([`SpareBatches`]).
pub(super) struct Batch {
    pub(super) data: Vec<u8>,
    pub(super) items: Vec<BatchItem>,
}

/// Scans `inputs` in order and hands on what it finds as [`Message`]s.
///
/// `emit` passes a message on and says whether to go on (false once the next stage is gone
/// or failed); batches to fill come from `spares`. The stage runs as a job on the pool in
/// the parallel pipeline and on the calling thread with one thread.
pub(super) fn scan_inputs(
    inputs: impl Iterator<Item = Result<Input>>,
    limits: &Limits,
    mut emit: impl FnMut(Message<Batch>) -> bool,
    spares: &SpareBatches,
) {
    let mut batch = spares.take();
    for (n, input) in inputs.enumerate() {
        let input = match input {
            Ok(i) => i,
            Err(e) => {
                let _ = emit(Message::Batch(batch)) && emit(Message::Failed(e));
                return;
            }
        };
        if !emit(Message::Start(input.name.clone())) {
            return;
        }
        let mut reader = ItemReader::new(input.reader, &input.name, limits);
        loop {
            match reader.next_item() {
                Ok(Some(item)) => {
                    // Close the batch before this item would take it past its size: a
                    // buffer that grows is a realloc that copies the whole batch again.
                    // (The bound is the limit, not the buffer's capacity, so that batch
                    // boundaries depend on the input alone, recycled buffers or not.)
                    if !batch.items.is_empty()
                        && batch.data.len() + item.bytes.len() > limits.batch_bytes
                    {
                        let full = std::mem::replace(&mut batch, spares.take());
                        if !emit(Message::Batch(full)) {
                            return;
                        }
                    }
                    let start = batch.data.len();
                    batch.data.extend_from_slice(item.bytes);
                    batch.items.push(BatchItem {
                        range: start..batch.data.len(),
                        offset: item.offset,
                        index: item.index,
                        input: n,
                    });
                    if batch.data.len() >= limits.batch_bytes
                        || batch.items.len() >= limits.batch_findings
                    {
                        let full = std::mem::replace(&mut batch, spares.take());
                        if !emit(Message::Batch(full)) {
                            return;
                        }
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    let _ = emit(Message::Batch(batch)) && emit(Message::Failed(e));
                    return;
                }
            }
        }
        if !emit(Message::Done(n, reader.bytes_read())) {
            return;
        }
    }
    let _ = emit(Message::Batch(batch));
}
