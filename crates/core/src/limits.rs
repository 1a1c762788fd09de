//! Every memory bound of the converter, in one place.
//!
//! The converter's resident memory is a constant set by these numbers, never by the size
//! of the input: roughly
//! `read_buffer + max(largest finding) + batch_bytes x (queue_depth + batches_rendering + 2) x 2`
//! (input batches in the queue, one being filled, those being rendered, one rendered batch
//! waiting for the writer, and their rendered output). With the defaults that is well under 64 MiB for real findings (a few KiB each).

/// Largest single finding accepted, in bytes (64 MiB). A finding is held whole while it
/// is decoded, so this bounds the one allocation that depends on the data. Real findings
/// are 2 to 200 KiB; a larger object is almost always a page that was mistaken for a
/// finding or a corrupt file, and the error says which limit stopped it.
pub const MAX_FINDING_BYTES: usize = 64 * 1024 * 1024;

/// Deepest nesting accepted inside one finding (the finding object itself is level 1).
/// The decoder recurses once per level, so this bounds its stack use. Real findings nest
/// 6 levels deep.
pub const MAX_DEPTH: usize = 128;

/// Bytes asked of the input per read (1 MiB). Large reads keep syscalls and gzip
/// framing off the profile; the rolling buffer only grows past this to hold one finding
/// that straddles a read boundary.
pub const READ_BUFFER_BYTES: usize = 1024 * 1024;

/// A batch is closed when its findings add up to this many bytes (2 MiB)...
pub const BATCH_BYTES: usize = 2 * 1024 * 1024;

/// ...or hold this many findings, whichever comes first. Small enough that the writer
/// starts early, large enough that rayon's per-batch overhead is noise.
pub const BATCH_FINDINGS: usize = 2048;

/// Blocks of [`GUNZIP_BLOCK_BYTES`] that the gunzip thread may decompress ahead of the
/// scanner: 4 x 1 MiB, enough to ride out a scanner stall of a few milliseconds.
pub const GUNZIP_AHEAD_BLOCKS: usize = 4;

/// Size of one block handed from the gunzip thread to the scanner (1 MiB).
pub const GUNZIP_BLOCK_BYTES: usize = 1024 * 1024;

/// Batches scanned ahead of the renderer. Bounds the memory between the scanner
/// and the workers; 2 keeps both cores busy.
pub const QUEUE_DEPTH: usize = 2;

/// Batches rendered at once. One batch at a time left a worker idle at the tail of each
/// batch; with two, it starts on the next. Each holds at most [`BATCH_BYTES`] of input
/// and its rendered output.
pub const BATCHES_RENDERING: usize = 2;

/// Distinct values one dimension of the run summary's breakdown keeps (severity, account,
/// vulnerability id, ...; see [`crate::breakdown`]): 65,536. Real reports have a few
/// thousand vulnerability ids and accounts at most; findings with a value first seen after
/// this many count as `(other)`, so the summary never grows with a hostile input.
pub const MAX_BREAKDOWN_VALUES: usize = 65_536;

/// Distinct findings (one per `findingArn`) that de-duplication and comparison index at
/// most: 50 million. The index holds at most 48 bytes for each (2.4 GB at the limit; for 1
/// million findings the `index` bench measures 32.5 bytes each once built, 36.8 at most
/// while building, and 43 bytes of peak resident memory with the allocator's share; a
/// comparison's index of OLD, 8 bytes more an entry, 40.5, 41.0 and 47.4), and it is the
/// one structure of those reports that grows with the input; beyond the limit the run
/// stops with an error that names it.
pub const MAX_INDEXED_FINDINGS: usize = 50_000_000;

/// The limits one conversion runs with. `Limits::default()` uses the constants above.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest finding in bytes. Default [`MAX_FINDING_BYTES`].
    pub max_finding_bytes: usize,
    /// Deepest nesting inside a finding. Default [`MAX_DEPTH`].
    pub max_depth: usize,
    /// Read size. Default [`READ_BUFFER_BYTES`].
    pub read_buffer_bytes: usize,
    /// Batch size in bytes. Default [`BATCH_BYTES`].
    pub batch_bytes: usize,
    /// Batch size in findings. Default [`BATCH_FINDINGS`].
    pub batch_findings: usize,
    /// Batches queued between scanner and renderer. Default [`QUEUE_DEPTH`].
    pub queue_depth: usize,
    /// Batches rendered at once. Default [`BATCHES_RENDERING`].
    pub batches_rendering: usize,
    /// Distinct findings a de-duplicated or compared report indexes. Default
    /// [`MAX_INDEXED_FINDINGS`].
    pub max_indexed_findings: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_finding_bytes: MAX_FINDING_BYTES,
            max_depth: MAX_DEPTH,
            read_buffer_bytes: READ_BUFFER_BYTES,
            batch_bytes: BATCH_BYTES,
            batch_findings: BATCH_FINDINGS,
            queue_depth: QUEUE_DEPTH,
            batches_rendering: BATCHES_RENDERING,
            max_indexed_findings: MAX_INDEXED_FINDINGS,
        }
    }
}
