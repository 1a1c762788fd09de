//! A region's pages as one byte stream for the pipeline: the pages in the order they
//! arrive, each followed by a newline (concatenated pages, a layout the core reads).

use super::error::ApiError;
use bytes::Bytes;
use inspector_report_core::Progress;
use std::io::{self, Read};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::mpsc::Receiver;

/// Pages a region may have fetched that wait for the pipeline. When that many wait, the
/// region's requests pause until the pipeline takes one. A region's memory is then at
/// most `PAGES_WAITING + --api-concurrency + 1` pages (those waiting, one being fetched
/// by each partition, the one being read), a page being 100 findings as the service
/// sends them (typically 0.1 to 1 MB).
pub const PAGES_WAITING: usize = 4;

/// What a region's fetcher sends: a page, or the error that ends the region.
pub type Message = Result<Bytes, ApiError>;

/// The reading end.
pub struct Pages {
    rx: Receiver<Message>,
    page: Bytes,
    pos: usize,
    /// The newline after the current page is still to come.
    newline: bool,
    progress: Option<Arc<Progress>>,
    /// Kept alive while the pages are read: the runtime the fetcher runs on.
    _keep: Arc<dyn Send + Sync>,
}

impl Pages {
    /// Reads what `rx` receives, counting the bytes into `progress`; `keep` is held as
    /// long as the stream is.
    pub fn new(
        rx: Receiver<Message>,
        progress: Option<Arc<Progress>>,
        keep: Arc<dyn Send + Sync>,
    ) -> Pages {
        Pages {
            rx,
            page: Bytes::new(),
            pos: 0,
            newline: false,
            progress,
            _keep: keep,
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
            // Called on the pipeline's threads, never inside the runtime.
            match self.rx.blocking_recv() {
                Some(Ok(page)) => {
                    if let Some(p) = &self.progress {
                        p.bytes_read.fetch_add(page.len() as u64, Ordering::Relaxed);
                    }
                    self.page = page;
                    self.pos = 0;
                    self.newline = true;
                }
                Some(Err(e)) => return Err(io::Error::other(e)),
                None => return Ok(0),
            }
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

    #[test]
    fn pages_are_concatenated_with_newlines_and_end_with_an_error() {
        let (tx, rx) = tokio::sync::mpsc::channel(PAGES_WAITING);
        tx.try_send(Ok(Bytes::from_static(b"{\"findings\":[]}")))
            .unwrap();
        tx.try_send(Ok(Bytes::from_static(b"{}"))).unwrap();
        tx.try_send(Err(ApiError::new("inspector2://r", "gone")))
            .unwrap();
        let progress = Arc::new(Progress::default());
        let mut pages = Pages::new(rx, Some(Arc::clone(&progress)), Arc::new(()));
        let mut got = Vec::new();
        let e = pages.read_to_end(&mut got).unwrap_err();
        assert_eq!(got, b"{\"findings\":[]}\n{}\n");
        assert_eq!(progress.bytes_read.load(Ordering::Relaxed), 17);
        let api = e.get_ref().and_then(|r| r.downcast_ref::<ApiError>());
        assert_eq!(api, Some(&ApiError::new("inspector2://r", "gone")));

        let (tx, rx) = tokio::sync::mpsc::channel(1);
        drop(tx);
        let mut got = Vec::new();
        Pages::new(rx, None, Arc::new(()))
            .read_to_end(&mut got)
            .unwrap();
        assert!(
            got.is_empty(),
            "a region that sent nothing is an empty input"
        );
    }
}
