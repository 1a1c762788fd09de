//! Reader → scanner → ordered parallel batches → one writer.
//!
//! ```text
//!  scan_stage.rs            schedule.rs                            writer.rs
//!  scanner (a pool job)     render thread                          calling thread
//!  ────────────────────     ─────────────                          ──────────────
//!  open, gunzip by magic    recv batch, spawn it on the pool:      recv rendered batch
//!  ItemReader cuts items    par_chunks(..).map_init(render)        write chunks in order
//!  ──batches──▶             .collect() (indexed: keeps order)      keep the counts
//!  queue full: renders      results passed on in batch order
//!  pending chunks itself    ──rendered batches──▶
//!                           chunk.rs: decode, filter and render
//!                           one chunk (report::FindingRenderer)
//! ```
//!
//! Three stages joined by bounded channels: the scanner works ahead while the pool renders
//! up to `batches_rendering` batches at once and the caller writes the one before. Memory
//! is set by [`Limits`]: the scanner's buffer, `queue_depth + 1` scanned batches of at
//! most `batch_bytes` (plus one finding), the batches being rendered and one rendered batch
//! waiting for the writer. Nothing depends on the size of an input.
//!
//! A report may be written by several conversions in turn ([`SectionedReport`], the
//! sections of a compared report), each with a [`Selection`] that admits some items and
//! marks the findings it keeps; `survey` is the pass before them, which reads each item
//! into a small record instead of rendering it.
//!
//! Threads: `--threads N` is a pool of N threads, and the scanner runs on it as one long
//! job. When its queue is full it renders instead of waiting, so N threads keep N cores
//! busy and the render thread and the writer mostly wait; a scanner thread of its own
//! would make three busy threads on two cores. Each conversion has its pool to itself
//! (`PoolLease` in `schedule.rs`).
//!
//! Order: a batch is rendered by an indexed parallel iterator and collected into a `Vec`
//! in input order; the render thread passes batches on in the order they were scanned,
//! waiting for the oldest; each stage has one channel. So the report is byte-identical for
//! any number of threads.
//!
//! With one thread there are no threads at all: the same stages run in turn on the
//! calling thread, one batch at a time (`convert_inline`). Both drivers pass the same
//! `Message`s and route them through the same bookkeeping (`schedule::Router`). Buffers
//! are recycled in both (`recycle.rs`): emptied batches go back to the scanner, and written
//! chunks' buffers to the workers.

mod chunk;
mod examples;
mod recycle;
mod scan_stage;
mod schedule;
mod survey;
mod writer;

pub use survey::{survey, ItemAt};

use crate::breakdown::BreakdownScope;
use crate::error::{Error, ErrorKind, Position, Result};
use crate::filter::Filter;
use crate::input::Source;
use crate::limits::Limits;
use crate::report::{Entries, Piece, ReportFormat};
use crate::select::Selection;
use crate::stats::{Progress, Stats};
use chunk::Rendered;
use examples::ExampleGate;
use recycle::{batch_recycling, SpareBuffers};
use scan_stage::{scan_inputs, Batch};
use schedule::{render_batch_in_turn, render_batches, send_or_help, PoolLease, Route, Router};
use std::io::{Read, Write};
use std::sync::mpsc::sync_channel;
use std::sync::Arc;
use writer::{write_report, ReportWriter};

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
    /// gzip member compressed by the worker that rendered it (see
    /// [`crate::report::gzip`]). Default: none, a plain report.
    pub gzip: Option<u32>,
    /// The piece of the report to write. Default: [`Piece::WHOLE`].
    pub piece: Piece,
    /// What of the written findings [`Stats::breakdown`] counts. Default:
    /// [`BreakdownScope::All`].
    pub breakdown: BreakdownScope,
    /// The pass of a de-duplicated or compared report this conversion is: which items it
    /// reads and what it makes of each finding ([`crate::select`]). Default: none, every
    /// finding the filter keeps is written.
    pub selection: Option<Arc<dyn Selection>>,
    /// What each entry of the report is. Default: [`Entries::Findings`].
    pub entries: Entries,
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
            piece: Piece::WHOLE,
            breakdown: BreakdownScope::All,
            selection: None,
            entries: Entries::Findings,
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
        let reader =
            crate::input::decompressed(reader).map_err(|e| crate::input::read_error(name, e))?;
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

/// What one stage hands the next, in input order: the scanner sends scanned batches
/// (`Message<Batch>`), the render stage rendered ones (`Message<Vec<Rendered>>`).
enum Message<B> {
    /// The next input (numbered in order from 0) has this name; sent before its items.
    Start(String),
    /// Input number `.0` ended after this many bytes.
    Done(usize, u64),
    /// Items of one or more inputs, in order.
    Batch(B),
    /// The run stops with this error.
    Failed(Error),
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
    let mut report = SectionedReport::start(config, out)?;
    report.convert(config, inputs)?;
    report.finish()
}

/// One report written by several conversions in turn, as one document: one prologue, the
/// entries of each conversion in the order they ran, one epilogue. The compared report of
/// [`crate::diff`] is two of them: the findings of NEW, then those of OLD that resolved.
///
/// Every conversion must use the report's format, gzip level and entries; the counts of all
/// of them add up in the [`Stats`] that [`SectionedReport::finish`] returns (the inputs of
/// each, in turn). As with [`convert`], the report is complete only when `finish` returns
/// `Ok`.
pub struct SectionedReport<'o> {
    writer: ReportWriter<'o>,
    /// The warning kinds whose examples the report still wants, over all its sections.
    gate: ExampleGate,
}

impl<'o> SectionedReport<'o> {
    /// Writes the prologue of `config`'s report to `out`.
    pub fn start(config: &Config, out: &'o mut dyn Write) -> Result<SectionedReport<'o>> {
        Ok(SectionedReport {
            writer: ReportWriter::start(config, out)?,
            gate: ExampleGate::default(),
        })
    }

    /// Converts `inputs`, in order, into the report: its findings follow those of the
    /// conversions before.
    pub fn convert<I>(&mut self, config: &Config, inputs: I) -> Result<()>
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
        let shared = (&SpareBuffers::for_limits(&config.limits), &self.gate);
        let writer = &mut self.writer;
        writer.section();
        if threads == 1 {
            convert_inline(config, inputs.into_iter(), writer, shared)
        } else {
            convert_parallel(config, threads, inputs.into_iter(), writer, shared)
        }
    }

    /// Writes the epilogue and flushes: the report is complete.
    pub fn finish(self) -> Result<Stats> {
        self.writer.finish()
    }
}

/// The three stages on their threads: the scanner as a job on the pool, the render stage
/// on a thread of its own that spawns render jobs on the pool, the writer on the calling
/// thread.
fn convert_parallel(
    config: &Config,
    threads: usize,
    inputs: impl Iterator<Item = Result<Input>> + Send,
    writer: &mut ReportWriter<'_>,
    shared: (&SpareBuffers, &ExampleGate),
) -> Result<()> {
    let lease = PoolLease::take(threads)?;
    let pool = lease.pool();
    let limits = &config.limits;
    let (to_render, scanned) = sync_channel::<Message<Batch>>(limits.queue_depth.max(1));
    let (to_writer, rendered) = sync_channel::<Message<Vec<Rendered>>>(1);
    // Never more emptied batches than are in flight.
    let (batches_back, spare_batches) =
        batch_recycling(limits, limits.queue_depth + limits.batches_rendering + 2);
    let scan = move || {
        scan_inputs(
            inputs,
            limits,
            |m| send_or_help(&to_render, m),
            &spare_batches,
        )
    };
    std::thread::scope(|s| {
        let renderer = std::thread::Builder::new()
            .name("inspector-report-renderer".into())
            .spawn_scoped(s, move || {
                render_batches(config, pool, scan, scanned, to_writer, batches_back, shared)
            })
            .map_err(|e| Error::new(ErrorKind::Io(e), Position::default()))?;
        let result = write_report(writer, rendered, shared);
        // Dropping the receiver (inside write_report) unblocks the other stages on error.
        let joined = renderer.join();
        if joined.is_err() {
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
    writer: &mut ReportWriter<'_>,
    shared: (&SpareBuffers, &ExampleGate),
) -> Result<()> {
    let limits = &config.limits;
    let mut failed: Option<Error> = None;
    let mut router = Router::default();
    // The scanner takes a fresh batch before it hands on the full one, so two batches
    // take turns.
    let (batches_back, spare_batches) = batch_recycling(limits, 1);
    scan_inputs(
        inputs,
        limits,
        |msg| {
            let message = match router.route(msg) {
                Route::Pass(message) => message,
                Route::Render(batch, names) => {
                    let rendered = render_batch_in_turn(config, &batch, &names, shared);
                    batches_back.give(batch);
                    Message::Batch(rendered)
                }
                Route::Drop => return true,
            };
            match writer.write(message, shared) {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            }
        },
        &spare_batches,
    );
    match failed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
