//! Reader → scanner → ordered parallel batches → one writer.
//!
//! ```text
//!  scanner (a pool job)     render thread                          calling thread
//!  ────────────────────     ─────────────                          ──────────────
//!  open, gunzip by magic    recv batch, spawn it on the pool:      recv rendered batch
//!  ItemReader cuts items    par_chunks(..).map_init(render)        write chunks in order
//!  ──batches──▶             .collect() (indexed: keeps order)      keep the counts
//!  queue full: renders      results passed on in batch order
//!  pending chunks itself    ──rendered batches──▶
//! ```
//!
//! Three stages joined by bounded channels: the scanner works ahead while the pool renders
//! up to `batches_rendering` batches at once and the caller writes the one before. Memory
//! is set by [`Limits`]: the scanner's buffer, `queue_depth + 1` scanned batches of at
//! most `batch_bytes` (plus one finding), the batches being rendered and one rendered batch
//! waiting for the writer. Nothing depends on the size of an input.
//!
//! Threads: `--threads N` is a pool of N threads, and the scanner runs on it as one long
//! job. When its queue is full it renders instead of waiting, so N threads keep N cores
//! busy; the render thread and the writer mostly wait. (With a scanner thread of its own
//! there were three busy threads on two cores.) Each conversion has its pool to itself
//! ([`PoolLease`]).
//!
//! Order: a batch is rendered by an indexed parallel iterator and collected into a `Vec`
//! in input order; the render thread passes batches on in the order they were scanned,
//! waiting for the oldest; each stage has one channel. So the report is byte-identical for
//! any number of threads.
//!
//! With one thread there are no threads at all: the same stages run in turn on the
//! calling thread, one batch at a time (`convert_inline`). Buffers are recycled in both
//! forms: emptied batches go back to the scanner, and written chunks' buffers to the
//! workers (`Spares`).

use crate::columns::{self, CellContext, Column};
use crate::decode::{decode, decode_as, Decoded};
use crate::error::{Error, ErrorKind, Position, Result};
use crate::filter::{Filter, Verdict};
use crate::finding::{Finding, StatusOnly};
use crate::input::Source;
use crate::limits::Limits;
use crate::read::ItemReader;
use crate::report::{csv, gzip, json, QuoteStyle, ReportFormat};
use crate::stats::{InputStats, Progress, Stats, WarningExample, WarningKind, Warnings};
use rayon::prelude::*;
use std::io::{Read, Write};
use std::ops::Range;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

/// Everything one conversion needs besides its inputs and output.
#[derive(Clone, Debug)]
pub struct Config {
    /// The report. Default: CSV, `inspector` layout, every field quoted.
    pub format: ReportFormat,
    /// Which findings to keep. Default: ACTIVE only.
    pub filter: Filter,
    /// The report time for `Age (Days)`, epoch milliseconds. Default: now.
    pub as_of_ms: i64,
    /// Memory bounds. Default: [`Limits::default`].
    pub limits: Limits,
    /// Worker threads; 0 means one per core. Default 0.
    pub threads: usize,
    /// Counters a progress display may poll while the run goes on. Default: none.
    pub progress: Option<Arc<Progress>>,
    /// Write the report gzip-compressed at this level (1..=9), each rendered chunk a
    /// gzip member compressed by the worker that rendered it (see [`gzip`]). Default:
    /// none, a plain report.
    pub gzip: Option<u32>,
}

impl Default for Config {
    fn default() -> Config {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Config {
            format: ReportFormat::default(),
            filter: Filter::default(),
            as_of_ms: now,
            limits: Limits::default(),
            threads: 0,
            progress: None,
            gzip: None,
        }
    }
}

/// An input to convert: a name for messages and a byte stream (already decompressed).
pub struct Input {
    /// The name used in errors and summaries.
    pub name: String,
    /// The bytes.
    pub reader: Box<dyn Read + Send>,
}

impl Input {
    /// An input from memory or any reader; gzip is detected by its magic bytes.
    pub fn from_reader(name: &str, reader: Box<dyn Read + Send>) -> Result<Input> {
        let reader = crate::input::decompressed(reader).map_err(|e| {
            Error::new(
                ErrorKind::Io(e),
                Position {
                    input: name.to_string(),
                    byte: Some(0),
                    finding: None,
                },
            )
        })?;
        Ok(Input {
            name: name.to_string(),
            reader,
        })
    }

    /// Opens a [`Source`].
    pub fn open(source: &Source) -> Result<Input> {
        Ok(Input {
            name: source.name(),
            reader: source.open()?,
        })
    }
}

/// One item inside a batch.
struct Item {
    range: Range<usize>,
    offset: u64,
    index: u64,
    input: usize,
}

/// Items cut by the scanner, copied into one buffer.
#[derive(Default)]
struct Batch {
    data: Vec<u8>,
    items: Vec<Item>,
}

impl Batch {
    /// An empty batch with room for a full one, so filling it never reallocates.
    fn new(limits: &Limits) -> Batch {
        Batch {
            data: Vec::with_capacity(limits.batch_bytes),
            items: Vec::with_capacity(limits.batch_findings.min(4096)),
        }
    }

    /// The same buffers, emptied for the next batch. Reusing them spares the scanner a
    /// fresh 2 MiB allocation per batch, which the kernel hands out as zeroed pages, one
    /// page fault at a time. A buffer that grew for one oversized finding is let go.
    fn recycled(mut self, limits: &Limits) -> Option<Batch> {
        if self.data.capacity() > 2 * limits.batch_bytes.max(1) {
            return None;
        }
        self.data.clear();
        self.items.clear();
        Some(self)
    }
}

enum Msg {
    /// The next input (numbered in order from 0) has this name; sent before its items.
    Start(String),
    /// Input number `.0` ended after this many bytes.
    Done(usize, u64),
    Batch(Batch),
    Failed(Error),
}

/// What one parallel chunk of a batch produced.
#[derive(Default)]
struct Rendered {
    bytes: Vec<u8>,
    /// Findings read, written and excluded, events skipped, warnings: the chunk's share of
    /// the run's [`Stats`], added with [`Stats::merge`] (its `inputs` stay empty).
    counts: Stats,
    /// Findings per input number.
    per_input: Vec<(usize, u64)>,
    /// The first warnings of each kind: (kind, input number, byte, finding index).
    examples: Vec<(WarningKind, usize, u64, u64)>,
    error: Option<Error>,
    /// `bytes` is a gzip member of the chunk's findings without their leading separator
    /// (the writer puts a separator member between non-empty members).
    gzipped: bool,
}

/// Output buffers of rendered chunks, handed back by the writer for the next chunks.
///
/// Without it every chunk was a fresh allocation of tens of KiB, freed by another stage;
/// glibc gave the pages back to the kernel and faulted them in again for the next chunk:
/// 19,000 page faults and a third of the system time for 200 MB of input. The spares add
/// up to at most `max_bytes` (a few batches' worth of output, see [`Spares::for_limits`]).
struct Spares {
    free: std::sync::Mutex<(Vec<Vec<u8>>, usize)>,
    max_bytes: usize,
}

impl Spares {
    /// Room for the output of `batches_rendering + 2` batches: what is in flight between
    /// the workers and the writer at any time.
    fn for_limits(limits: &Limits) -> Spares {
        Spares {
            free: std::sync::Mutex::new((Vec::new(), 0)),
            max_bytes: limits
                .batch_bytes
                .saturating_mul(limits.batches_rendering + 2),
        }
    }

    /// An empty buffer with room for `want` bytes, a spare one if there is one.
    fn take(&self, want: usize) -> Vec<u8> {
        let spare = self.free.lock().ok().and_then(|mut f| {
            let b = f.0.pop()?;
            f.1 -= b.capacity();
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
    fn give(&self, mut b: Vec<u8>) {
        if b.capacity() == 0 {
            return;
        }
        b.clear();
        if let Ok(mut f) = self.free.lock() {
            if f.1 + b.capacity() <= self.max_bytes {
                f.1 += b.capacity();
                f.0.push(b);
            }
        }
    }
}

/// Converts `inputs`, in order, into one report written to `out`.
///
/// The report is complete only when this returns `Ok`; on `Err` the caller must discard
/// what was written (the CLI writes to a temporary file and renames it on success).
pub fn convert<I>(config: &Config, inputs: I, out: &mut dyn Write) -> Result<Stats>
where
    I: IntoIterator<Item = Result<Input>>,
    I::IntoIter: Send,
{
    let threads = if config.threads == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    } else {
        config.threads
    };
    let spares = &Spares::for_limits(&config.limits);
    if threads == 1 {
        return convert_inline(config, inputs.into_iter(), out, spares);
    }
    let lease = PoolLease::take(threads)?;
    let pool = lease.pool();
    let limits = &config.limits;
    let (tx, rx) = sync_channel::<Msg>(limits.queue_depth.max(1));
    let (rtx, rrx) = sync_channel::<Staged>(1);
    // Emptied batches go back to the scanner; never more than are in flight.
    let (back, spare_batches) =
        sync_channel::<Batch>(limits.queue_depth + limits.batches_rendering + 2);
    let inputs = inputs.into_iter();
    let scan = move || {
        let spare = || {
            spare_batches
                .try_recv()
                .unwrap_or_else(|_| Batch::new(limits))
        };
        scan_inputs(inputs, limits, |m| send_or_help(&tx, m), spare)
    };
    std::thread::scope(|s| {
        let renderer = std::thread::Builder::new()
            .name("inspector-report-renderer".into())
            .spawn_scoped(s, move || {
                render_batches(config, pool, scan, rx, rtx, back, spares)
            })
            .map_err(|e| Error::new(ErrorKind::Io(e), Position::default()))?;
        let result = write_report(config, rrx, out, spares);
        // Dropping the receiver (inside write_report) unblocks the other stages on error.
        let rendered = renderer.join();
        if rendered.is_err() {
            return Err(Error::new(
                ErrorKind::Panic("a pipeline thread panicked".into()),
                Position::default(),
            ));
        }
        result
    })
}

/// With one thread, every stage runs on the calling thread, one batch at a time: scan,
/// render, write. `--threads 1` then means one core, which is what a user who asks for
/// it wants (a shared CI runner, or batch mode, which runs one file per thread). The
/// report is the same as the parallel pipeline's: batches and their chunks are cut the
/// same way, and rendered in order.
fn convert_inline(
    config: &Config,
    inputs: impl Iterator<Item = Result<Input>>,
    out: &mut dyn Write,
    spares: &Spares,
) -> Result<Stats> {
    let ctx = CellContext {
        as_of_ms: config.as_of_ms,
    };
    let limits = &config.limits;
    let mut writer = ReportWriter::start(config, out, spares)?;
    let mut failed: Option<Error> = None;
    let mut names: Vec<Arc<str>> = Vec::new();
    let spare = std::cell::RefCell::new(None::<Batch>);
    scan_inputs(
        inputs,
        limits,
        |msg| {
            let staged = match msg {
                Msg::Start(name) => {
                    names.push(Arc::from(name.as_str()));
                    Staged::Start(name)
                }
                Msg::Done(n, bytes) => Staged::Done(n, bytes),
                Msg::Failed(e) => Staged::Failed(e),
                Msg::Batch(batch) => {
                    let Some(batch_names) = BatchNames::of(&batch, &names) else {
                        return true;
                    };
                    let mut cell = Vec::with_capacity(4096);
                    let rendered = chunks_of(&batch)
                        .map(|items| {
                            render_guarded(
                                config,
                                &ctx,
                                &batch,
                                items,
                                &batch_names,
                                &mut cell,
                                spares,
                            )
                        })
                        .collect();
                    *spare.borrow_mut() = batch.recycled(limits);
                    Staged::Batch(rendered)
                }
            };
            match writer.stage(staged) {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            }
        },
        || {
            spare
                .borrow_mut()
                .take()
                .unwrap_or_else(|| Batch::new(limits))
        },
    );
    match failed {
        Some(e) => Err(e),
        None => writer.finish(),
    }
}

/// What the render stage hands the writer, in input order.
enum Staged {
    /// An input started; sent before any of its findings.
    Start(String),
    /// Input number `.0` ended after this many bytes.
    Done(usize, u64),
    /// One batch, rendered, chunk by chunk in input order.
    Batch(Vec<Rendered>),
    Failed(Error),
}

/// The names of the inputs a batch's items come from (items are in input order, so a
/// contiguous run of input numbers), for the positions in its errors.
struct BatchNames {
    first: usize,
    names: Vec<Arc<str>>,
}

impl BatchNames {
    /// The names of `batch`'s inputs, out of the names of every input so far; `None` for
    /// an empty batch.
    fn of(batch: &Batch, names: &[Arc<str>]) -> Option<BatchNames> {
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

/// A place in the render stage's output, in input order: a message ready to go, or a batch
/// still being rendered on the pool.
enum Slot {
    Ready(Staged),
    Rendering(Receiver<Vec<Rendered>>),
}

/// The render stage: hands each batch to the pool as soon as it arrives, with up to
/// [`Limits::batches_rendering`] batches in flight, and passes results on in input order.
/// With one batch at a time, workers sat idle at the tail of every batch (one worker
/// finishing the last chunks while the other waited for the next batch); with two, an
/// idle worker takes chunks of the next batch.
fn render_batches(
    config: &Config,
    pool: &rayon::ThreadPool,
    scan: impl FnOnce() + Send,
    rx: Receiver<Msg>,
    tx: SyncSender<Staged>,
    back: SyncSender<Batch>,
    spares: &Spares,
) {
    let ctx = CellContext {
        as_of_ms: config.as_of_ms,
    };
    let ctx = &ctx;
    let in_flight = config.limits.batches_rendering.max(1);
    let mut names: Vec<Arc<str>> = Vec::new();
    pool.in_place_scope(|scope| {
        scope.spawn(move |_| scan());
        let mut slots: std::collections::VecDeque<Slot> = std::collections::VecDeque::new();
        let mut rendering = 0usize;
        // Sends the finished slots at the front, in order, waiting for the front batch
        // while more than `keep` batches are rendering. False once the writer is gone.
        let forward = |slots: &mut std::collections::VecDeque<Slot>,
                       rendering: &mut usize,
                       keep: usize|
         -> bool {
            while let Some(front) = slots.front() {
                let staged = match front {
                    Slot::Ready(_) => match slots.pop_front() {
                        Some(Slot::Ready(m)) => m,
                        _ => unreachable!("the front was a ready slot"),
                    },
                    Slot::Rendering(r) => {
                        let done = if *rendering > keep {
                            r.recv().ok()
                        } else {
                            match r.try_recv() {
                                Ok(b) => Some(b),
                                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                                Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
                            }
                        };
                        slots.pop_front();
                        *rendering -= 1;
                        match done {
                            Some(b) => Staged::Batch(b),
                            None => Staged::Failed(Error::new(
                                ErrorKind::Panic("a render job ended without its batch".into()),
                                Position::default(),
                            )),
                        }
                    }
                };
                if tx.send(staged).is_err() {
                    return false;
                }
            }
            true
        };
        for msg in rx {
            match msg {
                Msg::Start(name) => {
                    names.push(Arc::from(name.as_str()));
                    slots.push_back(Slot::Ready(Staged::Start(name)));
                }
                Msg::Done(n, bytes) => slots.push_back(Slot::Ready(Staged::Done(n, bytes))),
                Msg::Failed(e) => {
                    slots.push_back(Slot::Ready(Staged::Failed(e)));
                    forward(&mut slots, &mut rendering, 0);
                    return;
                }
                Msg::Batch(batch) => {
                    let Some(batch_names) = BatchNames::of(&batch, &names) else {
                        continue;
                    };
                    let (done, result) = sync_channel(1);
                    let back = back.clone();
                    scope.spawn(move |_| {
                        let rendered = render_batch(config, ctx, &batch, &batch_names, spares);
                        let _ = done.send(rendered);
                        if let Some(b) = batch.recycled(&config.limits) {
                            let _ = back.try_send(b);
                        }
                    });
                    slots.push_back(Slot::Rendering(result));
                    rendering += 1;
                }
            }
            if !forward(&mut slots, &mut rendering, in_flight - 1) {
                return;
            }
        }
        forward(&mut slots, &mut rendering, 0);
    });
}

/// Renders one batch on the pool, split into chunks that idle workers can take.
fn render_batch(
    config: &Config,
    ctx: &CellContext,
    batch: &Batch,
    names: &BatchNames,
    spares: &Spares,
) -> Vec<Rendered> {
    batch
        .items
        .par_chunks(chunk_len(batch))
        .map_init(
            || Vec::with_capacity(4096),
            |cell, items| render_guarded(config, ctx, batch, items, names, cell, spares),
        )
        .collect()
}

/// Chunks a batch is cut into: enough that a worker that finishes early finds work (with
/// two batches rendering, 64 chunks for the pool), few enough that a chunk's fixed costs
/// stay small.
const CHUNKS_PER_BATCH: usize = 32;

/// Findings per chunk. It depends on the batch alone, never on the thread count: a gzip
/// report compresses each chunk as one member, so the chunks are part of the compressed
/// bytes, and those must be the same for any `--threads`.
fn chunk_len(batch: &Batch) -> usize {
    batch.items.len().div_ceil(CHUNKS_PER_BATCH).max(1)
}

/// The chunks of a batch, in order, as the pool cuts them.
fn chunks_of(batch: &Batch) -> std::slice::Chunks<'_, Item> {
    batch.items.chunks(chunk_len(batch))
}

/// Renders (and compresses) one chunk. A panic while rendering is a bug; it becomes an
/// error for this run instead of tearing the pool down or hanging.
fn render_guarded(
    config: &Config,
    ctx: &CellContext,
    batch: &Batch,
    items: &[Item],
    names: &BatchNames,
    cell: &mut Vec<u8>,
    spares: &Spares,
) -> Rendered {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // Half the input: a first guess for a fresh buffer (a CSV report is about 0.65 of
        // pretty input). Spares come back grown to what chunks need. Asking for the whole
        // input size saved no measurable time and raised peak RSS on 2 GB by 10%.
        let want = items.iter().map(|i| i.range.len()).sum::<usize>() / 2;
        let out = spares.take(want);
        let mut r = render_chunk(config, ctx, &batch.data, items, names, cell, out);
        if let Some(level) = config.gzip {
            compress(&mut r, config.format.leading_separator(), level, spares);
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

/// Worker pools kept for reuse, by thread count: a library caller that converts many
/// small inputs one after another should not start threads for each.
type Pools = std::sync::Mutex<std::collections::HashMap<usize, Vec<rayon::ThreadPool>>>;

fn idle_pools() -> &'static Pools {
    static POOLS: std::sync::OnceLock<Pools> = std::sync::OnceLock::new();
    POOLS.get_or_init(Default::default)
}

/// A worker pool of `threads` threads that this conversion has to itself until it drops
/// the lease, which puts the pool back for the next conversion.
///
/// Why not one shared pool: the scanner is a job on the pool, and rayon runs any pending
/// job on a thread that waits inside a `join`. On a shared pool, one conversion's render
/// job could start another conversion's scanner beneath it; that scanner, blocked on its
/// full queue, would wait for a render stage that waits for the job it sits on. With a
/// pool per conversion the scanner starts before any render job exists, and nothing else
/// on the pool blocks.
struct PoolLease {
    threads: usize,
    pool: Option<rayon::ThreadPool>,
}

impl PoolLease {
    fn take(threads: usize) -> Result<PoolLease> {
        let idle = idle_pools()
            .lock()
            .ok()
            .and_then(|mut p| p.get_mut(&threads)?.pop());
        let pool = match idle {
            Some(p) => p,
            None => rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("inspector-report-worker-{i}"))
                .build()
                .map_err(|e| Error::new(ErrorKind::Panic(e.to_string()), Position::default()))?,
        };
        Ok(PoolLease {
            threads,
            pool: Some(pool),
        })
    }

    fn pool(&self) -> &rayon::ThreadPool {
        self.pool
            .as_ref()
            .expect("a lease holds its pool until dropped")
    }
}

impl Drop for PoolLease {
    fn drop(&mut self) {
        if let (Some(pool), Ok(mut idle)) = (self.pool.take(), idle_pools().lock()) {
            idle.entry(self.threads).or_default().push(pool);
        }
    }
}

/// The scanner's hand-off in the parallel pipeline, where the scanner is a job on the
/// pool: while the queue is full it renders pending chunks instead of waiting, so that
/// `threads` threads keep `threads` cores busy. (A scanner thread of its own made three
/// busy threads on two cores for the OS to time-slice; this way two threads were up to
/// 11% faster in A/B runs, none slower.) With nothing to render, it waits for room: the
/// render stage takes the next batch before it spawns more work, so a waiting scanner
/// never holds up work that is pending. (That holds because the pool is this
/// conversion's alone; see [`PoolLease`].)
fn send_or_help(tx: &SyncSender<Msg>, mut m: Msg) -> bool {
    loop {
        match tx.try_send(m) {
            Ok(()) => return true,
            Err(std::sync::mpsc::TrySendError::Disconnected(_)) => return false,
            Err(std::sync::mpsc::TrySendError::Full(back)) => {
                m = back;
                if rayon::yield_now() != Some(rayon::Yield::Executed) {
                    return tx.send(m).is_ok();
                }
            }
        }
    }
}

/// The scanner stage: cuts items from each input and hands them on in bounded batches.
///
/// `emit` passes a message on and says whether to go on (false once the next stage is gone
/// or failed); `spare` gives an empty batch to fill, recycled when one is to be had. The
/// stage runs as a job on the pool in the parallel pipeline and on the calling thread with
/// one thread.
fn scan_inputs(
    inputs: impl Iterator<Item = Result<Input>>,
    limits: &Limits,
    mut emit: impl FnMut(Msg) -> bool,
    mut spare: impl FnMut() -> Batch,
) {
    let mut batch = spare();
    for (n, input) in inputs.enumerate() {
        let input = match input {
            Ok(i) => i,
            Err(e) => {
                let _ = emit(Msg::Batch(batch)) && emit(Msg::Failed(e));
                return;
            }
        };
        if !emit(Msg::Start(input.name.clone())) {
            return;
        }
        let mut rdr = ItemReader::new(input.reader, &input.name, limits);
        loop {
            match rdr.next_item() {
                Ok(Some(item)) => {
                    // Close the batch before this item would take it past its size: a
                    // buffer that grows is a realloc that copies the whole batch again.
                    // (The bound is the limit, not the buffer's capacity, so that batch
                    // boundaries depend on the input alone, recycled buffers or not.)
                    if !batch.items.is_empty()
                        && batch.data.len() + item.bytes.len() > limits.batch_bytes
                    {
                        let full = std::mem::replace(&mut batch, spare());
                        if !emit(Msg::Batch(full)) {
                            return;
                        }
                    }
                    let start = batch.data.len();
                    batch.data.extend_from_slice(item.bytes);
                    batch.items.push(Item {
                        range: start..batch.data.len(),
                        offset: item.offset,
                        index: item.index,
                        input: n,
                    });
                    if batch.data.len() >= limits.batch_bytes
                        || batch.items.len() >= limits.batch_findings
                    {
                        let full = std::mem::replace(&mut batch, spare());
                        if !emit(Msg::Batch(full)) {
                            return;
                        }
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    let _ = emit(Msg::Batch(batch)) && emit(Msg::Failed(e));
                    return;
                }
            }
        }
        if !emit(Msg::Done(n, rdr.bytes_read())) {
            return;
        }
    }
    let _ = emit(Msg::Batch(batch));
}

/// Replaces a chunk's rendering with one gzip member of it, minus the leading separator
/// of its first finding: in a compressed report the writer cannot drop bytes from inside
/// a member, so it writes the separators between members itself.
fn compress(r: &mut Rendered, separator: usize, level: u32, spares: &Spares) {
    let member = r
        .bytes
        .get(separator..)
        .map(|b| gzip::member(b, level))
        .unwrap_or_default();
    spares.give(std::mem::replace(&mut r.bytes, member));
    r.gzipped = true;
}

/// The calling thread: writes each rendered batch, in order, and keeps the counts.
fn write_report(
    config: &Config,
    rx: Receiver<Staged>,
    out: &mut dyn Write,
    spares: &Spares,
) -> Result<Stats> {
    let mut writer = ReportWriter::start(config, out, spares)?;
    for msg in rx {
        writer.stage(msg)?;
    }
    writer.finish()
}

/// The writer stage: the report's prologue, each rendered chunk in order, the epilogue,
/// and the counts.
struct ReportWriter<'c, 'o> {
    config: &'c Config,
    out: &'o mut dyn Write,
    /// Where written chunks' buffers go back.
    spares: &'c Spares,
    stats: Stats,
    /// Bytes still to drop before the first finding (its leading separator).
    skip: usize,
    /// In a gzip report: the member holding the separator between findings of two chunks.
    separator: Vec<u8>,
    first_member: bool,
}

impl<'c, 'o> ReportWriter<'c, 'o> {
    fn start(
        config: &'c Config,
        out: &'o mut dyn Write,
        spares: &'c Spares,
    ) -> Result<ReportWriter<'c, 'o>> {
        let mut w = ReportWriter {
            config,
            out,
            spares,
            stats: Stats::default(),
            skip: config.format.leading_separator(),
            separator: Vec::new(),
            first_member: true,
        };
        w.separator = w.gz(&b","[..w.skip]);
        let prologue = w.gz(&config.format.prologue());
        w.put(&prologue)?;
        Ok(w)
    }

    fn gz(&self, b: &[u8]) -> Vec<u8> {
        match self.config.gzip {
            Some(level) => gzip::member(b, level),
            None => b.to_vec(),
        }
    }

    fn put(&mut self, b: &[u8]) -> Result<()> {
        self.out.write_all(b).map_err(Error::write)?;
        self.stats.bytes_written += b.len() as u64;
        Ok(())
    }

    fn stage(&mut self, msg: Staged) -> Result<()> {
        let rendered = match msg {
            Staged::Start(name) => {
                self.stats.inputs.push(InputStats {
                    name,
                    ..InputStats::default()
                });
                return Ok(());
            }
            Staged::Done(n, bytes) => {
                self.stats.inputs[n].bytes = bytes;
                return Ok(());
            }
            Staged::Failed(e) => return Err(e),
            Staged::Batch(b) => b,
        };
        for r in rendered {
            if let Some(e) = r.error {
                return Err(e);
            }
            let mut bytes = &r.bytes[..];
            if r.gzipped && !bytes.is_empty() {
                if !self.first_member && !self.separator.is_empty() {
                    let sep = std::mem::take(&mut self.separator);
                    let put = self.put(&sep);
                    self.separator = sep;
                    put?;
                }
                self.first_member = false;
            } else if self.skip > 0 && !bytes.is_empty() {
                bytes = &bytes[self.skip..];
                self.skip = 0;
            }
            self.put(bytes)?;
            self.spares.give(r.bytes);
            let stats = &mut self.stats;
            for (n, k) in r.per_input {
                stats.inputs[n].findings += k;
            }
            for (kind, n, byte, finding) in r.examples {
                stats.add_example(WarningExample {
                    kind,
                    input: stats.inputs[n].name.clone(),
                    byte,
                    finding,
                });
            }
            if let Some(p) = &self.config.progress {
                p.findings_read
                    .fetch_add(r.counts.findings_read, Ordering::Relaxed);
                p.findings_written
                    .fetch_add(r.counts.findings_written, Ordering::Relaxed);
            }
            stats.merge(r.counts);
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Stats> {
        let epilogue = self.gz(self.config.format.epilogue());
        self.put(&epilogue)?;
        self.out.flush().map_err(Error::write)?;
        Ok(self.stats)
    }
}

/// Decodes, filters and renders a run of items into one buffer.
fn render_chunk(
    config: &Config,
    ctx: &CellContext,
    data: &[u8],
    items: &[Item],
    names: &BatchNames,
    cell: &mut Vec<u8>,
    out: Vec<u8>,
) -> Rendered {
    let mut r = Rendered {
        bytes: out,
        ..Rendered::default()
    };
    // The JSON report copies the finding's bytes; when the filter needs only `status`,
    // decode nothing else.
    let status_only =
        matches!(config.format, ReportFormat::Json { .. }) && !config.filter.needs_full_view();
    for item in items {
        let bytes = &data[item.range.clone()];
        let before = r.counts.warnings;
        // The JSON report's fast path: one walk finds the status and the timestamps.
        let mut walked: Option<(&str, Vec<&str>)> = None;
        let decoded = if status_only {
            match json::walk_item(bytes) {
                Ok(json::WalkedItem::Finding(v, text)) => {
                    walked = Some((text, v.stamps));
                    Ok(Decoded::Finding {
                        finding: Finding {
                            status: v.status,
                            ..Finding::default()
                        },
                        bytes: text.as_bytes(),
                        offset: 0,
                    })
                }
                Ok(json::WalkedItem::OtherEvent) => Ok(Decoded::OtherEvent),
                Err(_) => decode_status(bytes, &mut r.counts.warnings),
            }
        } else {
            decode(bytes, &mut r.counts.warnings)
        };
        let (finding, fbytes) = match decoded {
            Ok(Decoded::Finding { finding, bytes, .. }) => (finding, bytes),
            Ok(Decoded::OtherEvent) => {
                r.counts.events_skipped += 1;
                continue;
            }
            Err((at, kind)) => {
                r.error = Some(Error::new(
                    kind,
                    Position {
                        input: names.get(item.input).to_string(),
                        byte: Some(item.offset + at as u64),
                        finding: Some(item.index),
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
        match config.filter.verdict(&finding) {
            Verdict::Keep => {}
            Verdict::ExcludedByFilter => {
                r.counts.excluded_by_filter += 1;
                note_examples(&mut r, &before, item);
                continue;
            }
            Verdict::ExcludedByStatusRule => {
                r.counts.excluded_by_status_rule += 1;
                note_examples(&mut r, &before, item);
                continue;
            }
        }
        r.counts.findings_written += 1;
        match &config.format {
            // One row function per setting, so the default pays nothing per cell.
            ReportFormat::Csv {
                columns,
                quote,
                excel_safe: false,
            } => write_row::<false>(
                &finding,
                columns,
                *quote,
                ctx,
                cell,
                &mut r.bytes,
                &mut r.counts.warnings,
            ),
            ReportFormat::Csv {
                columns,
                quote,
                excel_safe: true,
            } => write_row::<true>(
                &finding,
                columns,
                *quote,
                ctx,
                cell,
                &mut r.bytes,
                &mut r.counts.warnings,
            ),
            ReportFormat::Json { timestamps } => match &walked {
                Some((text, stamps)) => json::write_walked(
                    text,
                    stamps,
                    *timestamps,
                    &mut r.bytes,
                    &mut r.counts.warnings,
                ),
                None => {
                    json::write_finding(fbytes, *timestamps, &mut r.bytes, &mut r.counts.warnings)
                }
            },
        }
        note_examples(&mut r, &before, item);
    }
    r
}

/// The status-only view, as a full [`Finding`] with nothing else set.
fn decode_status<'a>(
    bytes: &'a [u8],
    w: &mut Warnings,
) -> std::result::Result<Decoded<'a>, (usize, ErrorKind)> {
    decode_as::<StatusOnly>(bytes, w).map(|d| match d {
        Decoded::Finding {
            finding,
            bytes,
            offset,
        } => Decoded::Finding {
            finding: Finding {
                status: finding.status,
                ..Finding::default()
            },
            bytes,
            offset,
        },
        Decoded::OtherEvent => Decoded::OtherEvent,
    })
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// Remembers where the first warnings of each kind were raised (cheap: four compares).
#[inline]
fn note_examples(r: &mut Rendered, before: &Warnings, item: &Item) {
    if r.counts.warnings == *before {
        return;
    }
    for k in WarningKind::ALL {
        if r.counts.warnings.get(k) > before.get(k)
            && r.examples.iter().filter(|e| e.0 == k).count() < crate::stats::MAX_WARNING_EXAMPLES
        {
            r.examples.push((k, item.input, item.offset, item.index));
        }
    }
}

/// One CSV row. Quoting every field (the default), each cell is written straight into
/// `out` between its quotes; otherwise it is assembled in `cell`, then quoted if it needs
/// to be. `EXCEL_SAFE` defuses formulas in text cells (spec 2.2.1).
fn write_row<const EXCEL_SAFE: bool>(
    f: &Finding,
    columns: &[Column],
    quote: QuoteStyle,
    ctx: &CellContext,
    cell: &mut Vec<u8>,
    out: &mut Vec<u8>,
    w: &mut Warnings,
) {
    for (i, &col) in columns.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if quote == QuoteStyle::Always {
            let start = csv::open_quoted(out);
            columns::write_cell(col, f, ctx, out, w);
            if EXCEL_SAFE && !csv::is_number(col) {
                csv::defuse_formula(out, start);
            }
            csv::close_quoted(out, start, cell);
            continue;
        }
        cell.clear();
        columns::write_cell(col, f, ctx, cell, w);
        if EXCEL_SAFE && !csv::is_number(col) {
            csv::defuse_formula(cell, 0);
        }
        if columns.len() == 1 && cell.is_empty() {
            out.extend_from_slice(b"\"\"");
        } else {
            csv::write_field(out, cell, quote);
        }
    }
    out.push(b'\n');
}
