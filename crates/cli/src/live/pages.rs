//! A region's pages as one byte stream for the pipeline: the pages in the order they
//! arrive, each followed by a newline (concatenated pages, a layout the core reads).
//!
//! The fetch never waits for the pipeline. Up to [`PAGES_WAITING`] pages wait in memory;
//! past that, a page is appended to the region's spool, a temporary file, and only its
//! place in the file waits in the queue. So every region is fetched at the API's pace
//! while the pipeline converts the regions one after another (report order), and memory
//! stays bounded however far ahead a region gets: a region that waits its turn for an
//! hour costs disk, not memory, and its `nextToken`s never sit idle.

use super::error::ApiError;
use bytes::Bytes;
use inspector_report_core::Progress;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Fetched pages a region keeps in memory for the pipeline; more wait in its spool file.
/// A region's memory is then at most `PAGES_WAITING + --api-concurrency + 1` pages (those
/// waiting, one being fetched by each partition, the one being read), a page being 100
/// findings as the service sends them (typically 0.1 to 1 MB).
pub const PAGES_WAITING: usize = 4;

/// One entry of a region's queue, in arrival order.
enum Waiting {
    /// A page in memory, holding one of the region's [`PAGES_WAITING`] places.
    Page(Bytes, OwnedSemaphorePermit),
    /// A page in the spool file: its offset and length.
    Spooled(u64, usize),
    /// The failure that ends the region.
    Failed(ApiError),
}

/// A region's pages in a queue: the fetch sends, the pipeline reads.
pub fn queue(input: &str) -> (PageSender, Pages) {
    let (tx, rx) = unbounded_channel();
    let spool = Arc::new(Spool::default());
    let sender = PageSender {
        input: input.to_string(),
        tx,
        memory: Arc::new(Semaphore::new(PAGES_WAITING)),
        spool: Arc::clone(&spool),
    };
    let pages = Pages {
        rx,
        spool,
        page: Bytes::new(),
        pos: 0,
        newline: false,
        progress: None,
        _keep: Arc::new(()),
    };
    (sender, pages)
}

/// The sending end, shared by a region's partitions.
#[derive(Clone)]
pub struct PageSender {
    input: String,
    tx: UnboundedSender<Waiting>,
    memory: Arc<Semaphore>,
    spool: Arc<Spool>,
}

/// Why a page could not be queued.
pub enum NotQueued {
    /// The run has ended.
    ReaderGone,
    /// The spool file could not take it.
    Spool(ApiError),
}

impl PageSender {
    /// Queues `page` behind the pages before it: in memory when a place is free, else in
    /// the spool file (a blocking write of one page to a local file, done on the runtime's
    /// thread: short beside the request that fetched the page).
    pub fn send(&self, page: Bytes) -> Result<(), NotQueued> {
        let entry = match Arc::clone(&self.memory).try_acquire_owned() {
            Ok(place) => Waiting::Page(page, place),
            Err(_) => {
                let at = self.spool.append(&page).map_err(|e| {
                    NotQueued::Spool(ApiError::new(
                        &self.input,
                        format!(
                            "cannot keep fetched pages in a temporary file (in {}): {e}",
                            std::env::temp_dir().display()
                        ),
                    ))
                })?;
                Waiting::Spooled(at, page.len())
            }
        };
        self.tx.send(entry).map_err(|_| NotQueued::ReaderGone)
    }

    /// Ends the region with `e`, after the pages queued before it.
    pub fn fail(&self, e: ApiError) {
        let _ = self.tx.send(Waiting::Failed(e));
    }
}

/// The region's temporary file, made when the first page does not fit in memory: created
/// private and without a name, so nothing is left behind whatever way the run ends.
#[derive(Default)]
struct Spool {
    file: OnceLock<io::Result<Mutex<File>>>,
}

impl Spool {
    fn file(&self) -> io::Result<&Mutex<File>> {
        self.file
            .get_or_init(|| {
                // Private (0600) and unnamed where the OS allows (O_TMPFILE), so no
                // other user can open it and nothing is left behind.
                let file = tempfile::tempfile()?;
                Ok(Mutex::new(file))
            })
            .as_ref()
            .map_err(|e| io::Error::new(e.kind(), e.to_string()))
    }

    /// Writes `page` at the end; its offset.
    fn append(&self, page: &[u8]) -> io::Result<u64> {
        let mut f = self.file()?.lock().unwrap_or_else(|p| p.into_inner());
        let at = f.seek(SeekFrom::End(0))?;
        f.write_all(page)?;
        Ok(at)
    }

    /// The `len` bytes at `at`.
    fn read(&self, at: u64, len: usize) -> io::Result<Bytes> {
        let mut f = self.file()?.lock().unwrap_or_else(|p| p.into_inner());
        f.seek(SeekFrom::Start(at))?;
        let mut page = vec![0; len];
        f.read_exact(&mut page)?;
        Ok(Bytes::from(page))
    }
}

/// The reading end.
pub struct Pages {
    rx: UnboundedReceiver<Waiting>,
    spool: Arc<Spool>,
    page: Bytes,
    pos: usize,
    /// The newline after the current page is still to come.
    newline: bool,
    progress: Option<Arc<Progress>>,
    /// Kept alive while the pages are read: the runtime the fetch runs on.
    _keep: Arc<dyn Send + Sync>,
}

impl Pages {
    /// Counts the bytes read into `progress`, and holds `keep` as long as the stream.
    pub fn reading(mut self, progress: Option<Arc<Progress>>, keep: Arc<dyn Send + Sync>) -> Pages {
        self.progress = progress;
        self._keep = keep;
        self
    }

    /// The next page, `None` at the end.
    fn next_page(&mut self) -> io::Result<Option<Bytes>> {
        // Called on the pipeline's threads, never inside the runtime.
        match self.rx.blocking_recv() {
            // The place is free again once the page is taken.
            Some(Waiting::Page(page, _place)) => Ok(Some(page)),
            Some(Waiting::Spooled(at, len)) => self.spool.read(at, len).map(Some),
            Some(Waiting::Failed(e)) => Err(io::Error::other(e)),
            None => Ok(None),
        }
    }
}

impl Read for Pages {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while self.pos == self.page.len() {
            if self.newline {
                self.newline = false;
                buf[0] = b'\n';
                return Ok(1);
            }
            let Some(page) = self.next_page()? else {
                return Ok(0);
            };
            if let Some(p) = &self.progress {
                p.bytes_read.fetch_add(page.len() as u64, Ordering::Relaxed);
            }
            self.page = page;
            self.pos = 0;
            self.newline = true;
        }
        let n = buf.len().min(self.page.len() - self.pos);
        buf[..n].copy_from_slice(&self.page[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize) -> Bytes {
        Bytes::from(format!("{{\"findings\":[],\"n\":{n}}}"))
    }

    /// More pages than fit in memory: the rest go to the spool, and all come out in order,
    /// each followed by a newline, then the failure that ended the region.
    #[test]
    fn pages_come_out_in_order_from_memory_and_spool() {
        let (tx, pages) = queue("inspector2://r");
        let n = PAGES_WAITING * 3;
        for i in 0..n {
            assert!(tx.send(page(i)).is_ok());
        }
        assert!(
            tx.spool.file.get().is_some(),
            "pages past the limit were spooled"
        );
        assert_eq!(tx.memory.available_permits(), 0);
        tx.fail(ApiError::new("inspector2://r", "gone"));
        let progress = Arc::new(Progress::default());
        let mut pages = pages.reading(Some(Arc::clone(&progress)), Arc::new(()));
        let mut got = Vec::new();
        let e = pages.read_to_end(&mut got).unwrap_err();
        let want: String = (0..n)
            .map(|i| format!("{}\n", std::str::from_utf8(&page(i)).unwrap()))
            .collect();
        assert_eq!(String::from_utf8(got).unwrap(), want);
        assert_eq!(
            progress.bytes_read.load(Ordering::Relaxed),
            (want.len() - n) as u64
        );
        let api = e.get_ref().and_then(|r| r.downcast_ref::<ApiError>());
        assert_eq!(api, Some(&ApiError::new("inspector2://r", "gone")));
        assert_eq!(
            tx.memory.available_permits(),
            PAGES_WAITING,
            "places are freed as read"
        );
    }

    #[test]
    fn a_region_that_sent_nothing_is_an_empty_input() {
        let (tx, pages) = queue("inspector2://r");
        drop(tx);
        let mut got = Vec::new();
        pages
            .reading(None, Arc::new(()))
            .read_to_end(&mut got)
            .unwrap();
        assert!(got.is_empty());
    }

    #[test]
    fn a_page_for_a_reader_gone_is_refused() {
        let (tx, pages) = queue("inspector2://r");
        drop(pages);
        assert!(matches!(tx.send(page(0)), Err(NotQueued::ReaderGone)));
    }
}
