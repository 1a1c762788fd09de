//! Render scheduling: which batch is rendered where and when, and in what order the
//! results go on to the writer.
//!
//! Both drivers route the scanner's messages through one [`Router`]. The parallel one
//! renders each batch on the pool ([`render_batches`]) while the scanner, a job on the same
//! pool, works ahead ([`send_or_help`]); the inline one renders each batch as it comes
//! ([`render_batch_in_turn`]). Batches are cut into chunks the same way in both, so the
//! report is the same.

use super::chunk::{finding_renderer, render_chunk, BatchNames, Rendered};
use super::examples::ExampleGate;
use super::recycle::{BatchReturn, SpareBuffers};
use super::scan_stage::Batch;
use super::{Config, Message};
use crate::error::{Error, ErrorKind, Position, Result};
use rayon::prelude::*;
use std::collections::{HashMap, VecDeque};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TryRecvError, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};

/// The render stage's bookkeeping, the same for both drivers: the names of the inputs
/// started so far, which a batch's errors need.
#[derive(Default)]
pub(super) struct Router {
    names: Vec<Arc<str>>,
}

/// Where a message from the scanner goes.
pub(super) enum Route {
    /// On to the writer as it is.
    Pass(Message<Vec<Rendered>>),
    /// To be rendered: a batch with the names of its inputs.
    Render(Batch, BatchNames),
    /// Nowhere: an empty batch.
    Drop,
}

impl Router {
    /// Notes the name of an input that starts, and says where `msg` goes.
    pub(super) fn route(&mut self, msg: Message<Batch>) -> Route {
        match msg {
            Message::Start(name) => {
                self.names.push(Arc::from(name.as_str()));
                Route::Pass(Message::Start(name))
            }
            Message::Done(n, bytes) => Route::Pass(Message::Done(n, bytes)),
            Message::Failed(e) => Route::Pass(Message::Failed(e)),
            Message::Batch(batch) => match BatchNames::of(&batch, &self.names) {
                Some(names) => Route::Render(batch, names),
                None => Route::Drop,
            },
        }
    }
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

/// Renders one batch on the calling thread, chunk by chunk.
pub(super) fn render_batch_in_turn(
    config: &Config,
    batch: &Batch,
    names: &BatchNames,
    shared: (&SpareBuffers, &ExampleGate),
) -> Vec<Rendered> {
    let mut renderer = finding_renderer(config);
    batch
        .items
        .chunks(chunk_len(batch))
        .map(|items| render_chunk(config, &mut renderer, batch, items, names, shared))
        .collect()
}

/// Renders one batch on the pool, split into chunks that idle workers can take.
fn render_batch(
    config: &Config,
    batch: &Batch,
    names: &BatchNames,
    shared: (&SpareBuffers, &ExampleGate),
) -> Vec<Rendered> {
    batch
        .items
        .par_chunks(chunk_len(batch))
        .map_init(
            || finding_renderer(config),
            |renderer, items| render_chunk(config, renderer, batch, items, names, shared),
        )
        .collect()
}

/// A place in the render stage's output, in input order: a message ready to go, or a batch
/// still being rendered on the pool.
enum Slot {
    /// An input's start or end, or a failure.
    Ready(Message<Vec<Rendered>>),
    /// A render job's result, when it is done.
    Rendering(Receiver<Vec<Rendered>>),
}

/// The render stage of the parallel pipeline: runs `scan` on the pool, hands each batch to
/// the pool as soon as it arrives, with up to [`Limits::batches_rendering`] batches in
/// flight, and passes results on in input order. With one batch at a time, workers sit
/// idle at the tail of every batch (one worker finishing the last chunks while the other
/// waits for the next batch); with two, an idle worker takes chunks of the next batch.
///
/// [`Limits::batches_rendering`]: crate::limits::Limits::batches_rendering
pub(super) fn render_batches(
    config: &Config,
    pool: &rayon::ThreadPool,
    scan: impl FnOnce() + Send,
    scanned: Receiver<Message<Batch>>,
    to_writer: SyncSender<Message<Vec<Rendered>>>,
    batches_back: BatchReturn,
    shared: (&SpareBuffers, &ExampleGate),
) {
    let in_flight = config.limits.batches_rendering.max(1);
    let batches_back = &batches_back;
    let mut router = Router::default();
    pool.in_place_scope(|scope| {
        scope.spawn(move |_| scan());
        let mut slots: VecDeque<Slot> = VecDeque::new();
        let mut rendering = 0usize;
        // Sends the finished slots at the front, in order, waiting for the front batch
        // while more than `keep` batches are rendering. False once the writer is gone.
        let forward = |slots: &mut VecDeque<Slot>, rendering: &mut usize, keep: usize| -> bool {
            while let Some(front) = slots.front() {
                let message = match front {
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
                                Err(TryRecvError::Empty) => break,
                                Err(TryRecvError::Disconnected) => None,
                            }
                        };
                        slots.pop_front();
                        *rendering -= 1;
                        match done {
                            Some(b) => Message::Batch(b),
                            None => Message::Failed(Error::new(
                                ErrorKind::Panic("a render job ended without its batch".into()),
                                Position::default(),
                            )),
                        }
                    }
                };
                if to_writer.send(message).is_err() {
                    return false;
                }
            }
            true
        };
        for msg in scanned {
            match router.route(msg) {
                Route::Pass(Message::Failed(e)) => {
                    slots.push_back(Slot::Ready(Message::Failed(e)));
                    forward(&mut slots, &mut rendering, 0);
                    return;
                }
                Route::Pass(message) => slots.push_back(Slot::Ready(message)),
                Route::Render(batch, names) => {
                    let (done, result) = sync_channel(1);
                    scope.spawn(move |_| {
                        let rendered = render_batch(config, &batch, &names, shared);
                        let _ = done.send(rendered);
                        batches_back.give(batch);
                    });
                    slots.push_back(Slot::Rendering(result));
                    rendering += 1;
                }
                Route::Drop => continue,
            }
            if !forward(&mut slots, &mut rendering, in_flight - 1) {
                return;
            }
        }
        forward(&mut slots, &mut rendering, 0);
    });
}

/// The scanner's hand-off in the parallel pipeline, where the scanner is a job on the
/// pool: while the queue is full it renders pending chunks instead of waiting, so that
/// `threads` threads keep `threads` cores busy. (A scanner thread of its own makes three
/// busy threads on two cores for the OS to time-slice; in A/B runs against that design, two
/// threads were up to 11% faster this way, and never slower.) With nothing to render, it
/// waits for room: the render
/// stage takes the next batch before it spawns more work, so a waiting scanner never
/// holds up work that is pending. (That holds because the pool is this conversion's
/// alone; see [`PoolLease`].)
pub(super) fn send_or_help(tx: &SyncSender<Message<Batch>>, mut m: Message<Batch>) -> bool {
    loop {
        match tx.try_send(m) {
            Ok(()) => return true,
            Err(TrySendError::Disconnected(_)) => return false,
            Err(TrySendError::Full(back)) => {
                m = back;
                if rayon::yield_now() != Some(rayon::Yield::Executed) {
                    return tx.send(m).is_ok();
                }
            }
        }
    }
}

/// Worker pools kept for reuse, by thread count: a library caller that converts many
/// small inputs one after another should not start threads for each.
type Pools = Mutex<HashMap<usize, Vec<rayon::ThreadPool>>>;

fn idle_pools() -> &'static Pools {
    static POOLS: OnceLock<Pools> = OnceLock::new();
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
pub(super) struct PoolLease {
    threads: usize,
    pool: Option<rayon::ThreadPool>,
}

impl PoolLease {
    /// An idle pool of `threads` threads, or a new one.
    pub(super) fn take(threads: usize) -> Result<PoolLease> {
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

    /// The leased pool.
    pub(super) fn pool(&self) -> &rayon::ThreadPool {
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
