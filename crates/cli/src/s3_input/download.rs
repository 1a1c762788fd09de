//! An S3 object as a [`Read`]: ranged GETs fetched ahead of the reader, under one memory
//! limit for the whole run.
//!
//! Each object is read in ranges of [`RANGE_BYTES`]. A range is fetched by one GET (the
//! SDK retries the request; a body cut short is fetched again, up to
//! [`BODY_ATTEMPTS`] times) and held whole until the reader has consumed it. Every range
//! in flight or held needs one of the run's `--download-concurrency` permits, so at most
//! that many ranges are in memory at once, whatever the sizes of the objects:
//! `--download-concurrency x RANGE_BYTES` (32 MiB with the defaults).
//!
//! Ranges are fetched in the order they will be read. Objects that are read one after
//! another (one report of many objects) share one [`ReadAhead`]: while one object is
//! read, the permits left over fetch the next ranges, of this object and then of the
//! objects after it, so small objects download several at once and a large one in
//! several ranges at once. Objects read at the same time in no set order (batch mode)
//! each have their own.
//!
//! Each GET asks for the object's ETag as listed (`If-Match`), so an object replaced while
//! it is read fails the run instead of mixing two versions.

use super::{describe_sdk_error, S3Object};
use aws_sdk_s3::Client;
use bytes::Bytes;
use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::runtime::Handle;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;

/// Bytes asked for in one ranged GET (8 MiB, the AWS CLI's chunk size): large enough that
/// request latency is small against transfer time, small enough that
/// `--download-concurrency` ranges stay well inside the memory budget.
pub const RANGE_BYTES: u64 = 8 * 1024 * 1024;

/// Times one range is fetched when its body is cut short (a reset connection); the SDK
/// retries failed requests by itself, but not a body that fails after the response began.
pub const BODY_ATTEMPTS: u32 = 3;

/// The default of `--download-concurrency`: ranges fetched or held at once.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// The largest `--download-concurrency` accepted.
pub const MAX_CONCURRENCY: usize = 64;

/// What the run's downloads came to, for progress and the summary.
#[derive(Debug, Default)]
pub struct Counts {
    /// Objects opened for reading.
    pub objects: AtomicU64,
    /// Bytes received, as stored.
    pub bytes: AtomicU64,
    /// Requests sent (HEAD, LIST and GET; retries by the SDK not included).
    pub requests: AtomicU64,
}

impl Counts {
    /// The counts as they are now.
    pub fn snapshot(&self) -> Downloaded {
        Downloaded {
            objects: self.objects.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            requests: self.requests.load(Ordering::Relaxed),
        }
    }
}

/// What a run downloaded from S3, for the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Downloaded {
    /// Objects opened.
    pub objects: u64,
    /// Bytes received, as stored.
    pub bytes: u64,
    /// Requests sent.
    pub requests: u64,
}

/// What every download of a run shares: the client, the permits, the buffers and the
/// counts.
pub struct Downloads {
    rt: Handle,
    client: Client,
    permits: Arc<Semaphore>,
    spare: Spare,
    counts: Arc<Counts>,
}

impl Downloads {
    /// Downloads with `client` on `rt`, at most `concurrency` ranges at once.
    pub fn new(rt: Handle, client: Client, concurrency: usize, counts: Arc<Counts>) -> Downloads {
        Downloads {
            rt,
            client,
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            spare: Spare::default(),
            counts,
        }
    }
}

/// Buffers of ranges already read, for the next ranges. A fresh 8 MiB buffer per range
/// would be simpler, but glibc raises its mmap threshold after the first such free, and
/// later buffers then come from heap arenas (one per thread) that are not given back to
/// the OS: resident memory would grow past the permits' bound.
#[derive(Default)]
struct Spare(Mutex<Vec<Vec<u8>>>);

impl Spare {
    /// An empty buffer, reused when one is spare.
    fn take(&self) -> Vec<u8> {
        let spare = self.0.lock().ok().and_then(|mut s| s.pop());
        let mut v = spare.unwrap_or_default();
        v.clear();
        v
    }

    /// Gives back the buffer of a range that is read, unless something else still holds
    /// it.
    fn give(&self, bytes: Bytes) {
        if let Ok(b) = bytes.try_into_mut() {
            if let Ok(mut s) = self.0.lock() {
                s.push(Vec::from(b));
            }
        }
    }
}

/// One range scheduled: where it starts, and the task fetching it.
struct Fetch {
    object: usize,
    start: u64,
    task: JoinHandle<io::Result<(Bytes, OwnedSemaphorePermit)>>,
}

/// The ranges of a sequence of objects, fetched ahead in reading order.
pub struct ReadAhead {
    downloads: Arc<Downloads>,
    objects: Vec<Arc<S3Object>>,
    state: Mutex<Schedule>,
}

/// Which ranges are scheduled, and which comes next.
struct Schedule {
    scheduled: VecDeque<Fetch>,
    /// The next range to schedule: an object (index into `objects`) and an offset in it.
    next: (usize, u64),
}

impl ReadAhead {
    /// The read-ahead of `objects`, read in this order.
    pub fn new(downloads: Arc<Downloads>, objects: Vec<Arc<S3Object>>) -> Arc<ReadAhead> {
        Arc::new(ReadAhead {
            downloads,
            objects,
            state: Mutex::new(Schedule {
                scheduled: VecDeque::new(),
                next: (0, 0),
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Schedule> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A reader of object `index`. Ranges of objects before it that are still scheduled
    /// are dropped: they will not be read.
    pub fn open(self: &Arc<ReadAhead>, index: usize) -> ObjectReader {
        self.downloads
            .counts
            .objects
            .fetch_add(1, Ordering::Relaxed);
        let mut s = self.lock();
        while s.scheduled.front().is_some_and(|f| f.object < index) {
            if let Some(f) = s.scheduled.pop_front() {
                f.task.abort();
            }
        }
        if s.next.0 < index {
            s.next = (index, 0);
        }
        drop(s);
        ObjectReader {
            ahead: Arc::clone(self),
            index,
            size: self.objects[index].size,
            at: 0,
            current: None,
            pos: 0,
        }
    }

    /// Starts fetching `[start, start + len)` of object `index`, holding `permit`.
    fn spawn(&self, index: usize, start: u64, permit: OwnedSemaphorePermit) -> Fetch {
        let object = Arc::clone(&self.objects[index]);
        let client = self.downloads.client.clone();
        let counts = Arc::clone(&self.downloads.counts);
        let buf = self.downloads.spare.take();
        let end = (start + RANGE_BYTES).min(object.size);
        let task = self.downloads.rt.spawn(async move {
            let bytes = fetch_into(buf, &client, &object, start, end, &counts).await?;
            Ok((bytes, permit))
        });
        Fetch {
            object: index,
            start,
            task,
        }
    }

    /// The range after `s.next`, moving `s.next` past it; None after the last object.
    fn advance(&self, s: &mut Schedule) -> Option<(usize, u64)> {
        let (mut index, mut start) = s.next;
        while index < self.objects.len() && start >= self.objects[index].size {
            index += 1;
            start = 0;
        }
        if index >= self.objects.len() {
            s.next = (index, 0);
            return None;
        }
        s.next = (index, start + RANGE_BYTES);
        Some((index, start))
    }

    /// Schedules further ranges, in reading order, while permits are free.
    fn top_up(&self, s: &mut Schedule) {
        loop {
            let Ok(permit) = Arc::clone(&self.downloads.permits).try_acquire_owned() else {
                return;
            };
            let Some((index, start)) = self.advance(s) else {
                return;
            };
            let f = self.spawn(index, start, permit);
            s.scheduled.push_back(f);
        }
    }

    /// The range of object `index` at `start`, fetched: scheduled now (waiting for a
    /// permit) if it was not already.
    fn take(&self, index: usize, start: u64) -> io::Result<(Bytes, OwnedSemaphorePermit)> {
        let mut s = self.lock();
        // Anything scheduled before this range will not be read.
        while s
            .scheduled
            .front()
            .is_some_and(|f| (f.object, f.start) < (index, start))
        {
            if let Some(f) = s.scheduled.pop_front() {
                f.task.abort();
            }
        }
        let fetch = match s.scheduled.front() {
            Some(f) if (f.object, f.start) == (index, start) => s.scheduled.pop_front(),
            _ => None,
        };
        let fetch = match fetch {
            Some(f) => f,
            None => {
                // Not scheduled: every permit is held elsewhere, or the schedule was
                // behind. Wait for a permit without holding the lock.
                if s.next <= (index, start) {
                    s.next = (index, start + RANGE_BYTES);
                }
                drop(s);
                let permits = Arc::clone(&self.downloads.permits);
                let permit = self
                    .downloads
                    .rt
                    .block_on(permits.acquire_owned())
                    .map_err(io::Error::other)?;
                let f = self.spawn(index, start, permit);
                s = self.lock();
                f
            }
        };
        self.top_up(&mut s);
        drop(s);
        match self.downloads.rt.block_on(fetch.task) {
            Ok(result) => result,
            Err(e) => Err(io::Error::other(format!("the download task ended: {e}"))),
        }
    }

    /// Object `index` is no longer read: its scheduled ranges are dropped, and the
    /// schedule goes on with the next object.
    fn close(&self, index: usize) {
        let mut s = self.lock();
        s.scheduled.retain(|f| {
            let mine = f.object == index;
            if mine {
                f.task.abort();
            }
            !mine
        });
        if s.next.0 == index {
            s.next = (index + 1, 0);
        }
    }
}

/// One object's bytes, in order.
pub struct ObjectReader {
    ahead: Arc<ReadAhead>,
    index: usize,
    size: u64,
    /// Offset of the first byte of the next range to take.
    at: u64,
    /// The range being read, with the permit it holds.
    current: Option<(Bytes, OwnedSemaphorePermit)>,
    pos: usize,
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some((bytes, _)) = &self.current {
                if self.pos < bytes.len() {
                    let n = buf.len().min(bytes.len() - self.pos);
                    buf[..n].copy_from_slice(&bytes[self.pos..self.pos + n]);
                    self.pos += n;
                    return Ok(n);
                }
            }
            if self.at >= self.size {
                return Ok(0);
            }
            // The permit of the range just read goes back before the next is waited for,
            // and its buffer to be reused.
            if let Some((bytes, permit)) = self.current.take() {
                self.ahead.downloads.spare.give(bytes);
                drop(permit);
            }
            let fetched = self.ahead.take(self.index, self.at)?;
            self.at = (self.at + RANGE_BYTES).min(self.size);
            self.current = Some(fetched);
            self.pos = 0;
        }
    }
}

impl Drop for ObjectReader {
    fn drop(&mut self) {
        if let Some((bytes, _)) = self.current.take() {
            self.ahead.downloads.spare.give(bytes);
        }
        self.ahead.close(self.index);
    }
}

/// Fetches `[start, end)` of `object`: one ranged GET, fetched again when its body is cut
/// short.
pub async fn fetch(
    client: &Client,
    object: &S3Object,
    start: u64,
    end: u64,
    counts: &Counts,
) -> io::Result<Bytes> {
    fetch_into(Vec::new(), client, object, start, end, counts).await
}

/// [`fetch`] into `buf`, whose memory is reused.
async fn fetch_into(
    mut buf: Vec<u8>,
    client: &Client,
    object: &S3Object,
    start: u64,
    end: u64,
    counts: &Counts,
) -> io::Result<Bytes> {
    let len = (end - start) as usize;
    buf.reserve_exact(len);
    let mut attempt = 0;
    loop {
        attempt += 1;
        counts.requests.fetch_add(1, Ordering::Relaxed);
        let mut request = client
            .get_object()
            .bucket(&*object.bucket)
            .key(&object.key)
            .range(format!("bytes={start}-{}", end - 1));
        if let Some(etag) = &object.etag {
            request = request.if_match(etag);
        }
        let out = request.send().await.map_err(|e| {
            let status = e.raw_response().map(|r| r.status().as_u16());
            if status == Some(412) {
                io::Error::other(
                    "the object changed while it was read (its ETag is no longer the one \
                     listed); run again",
                )
            } else {
                io::Error::other(describe_sdk_error("reading the object", e))
            }
        })?;
        // The body's chunks go straight into the buffer, so a range is held once.
        buf.clear();
        let mut body = out.body;
        let received = loop {
            match body.try_next().await {
                Ok(Some(chunk)) => {
                    counts
                        .bytes
                        .fetch_add(chunk.len() as u64, Ordering::Relaxed);
                    buf.extend_from_slice(&chunk);
                }
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        match received {
            Ok(()) if buf.len() == len => return Ok(Bytes::from(buf)),
            Ok(()) if attempt >= BODY_ATTEMPTS => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "S3 sent {} bytes of the range {start}-{} (the object is shorter \
                         than listed?)",
                        buf.len(),
                        end - 1
                    ),
                ));
            }
            Err(e) if attempt >= BODY_ATTEMPTS => {
                return Err(io::Error::other(format!(
                    "reading the object: the connection failed {BODY_ATTEMPTS} times: {e}"
                )))
            }
            _ => {}
        }
    }
}
