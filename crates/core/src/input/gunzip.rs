//! gunzip on a thread of its own, a bounded number of blocks ahead of the scanner.

use crate::limits::{GUNZIP_AHEAD_BLOCKS, GUNZIP_BLOCK_BYTES};
use flate2::read::MultiGzDecoder;
use std::io::{self, BufReader, Read};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// The decompressed stream of `gz`, a stream that starts with gzip's magic. Several gzip
/// members one after another are one stream (`cat a.gz b.gz`), as gzip(1) reads them.
pub(super) fn gunzip(gz: Box<dyn Read + Send>) -> Box<dyn Read + Send> {
    ReadAhead::spawn(GzipContext(MultiGzDecoder::new(BufReader::with_capacity(
        256 * 1024,
        gz,
    ))))
}

/// gunzip on its own thread: inflating costs about as much per byte as scanning, so
/// doing both on the scanner thread would make gzip input the slowest path. The thread
/// runs at most [`GUNZIP_AHEAD_BLOCKS`] blocks ahead (bounded memory), and ends when the
/// stream ends, fails, or the reader is dropped.
struct ReadAhead {
    blocks: Receiver<io::Result<Vec<u8>>>,
    /// Emptied blocks go back to the thread for reuse.
    spent: SyncSender<Vec<u8>>,
    cur: Vec<u8>,
    pos: usize,
    done: bool,
}

impl ReadAhead {
    fn spawn<R: Read + Send + 'static>(mut r: R) -> Box<dyn Read + Send> {
        let (tx, blocks) = sync_channel::<io::Result<Vec<u8>>>(GUNZIP_AHEAD_BLOCKS);
        let (spent, recycled) = sync_channel::<Vec<u8>>(GUNZIP_AHEAD_BLOCKS + 2);
        let fill = move || loop {
            let mut block = recycled
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(GUNZIP_BLOCK_BYTES));
            block.clear();
            block.resize(GUNZIP_BLOCK_BYTES, 0);
            let mut n = 0;
            let outcome = loop {
                if n == block.len() {
                    break Ok(());
                }
                match r.read(&mut block[n..]) {
                    Ok(0) => break Ok(()),
                    Ok(k) => n += k,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => break Err(e),
                }
            };
            block.truncate(n);
            let last = n == 0;
            let sent = match outcome {
                Ok(()) => tx.send(Ok(block)),
                Err(e) => {
                    let _ = n > 0 && tx.send(Ok(block)).is_ok();
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            if sent.is_err() || last {
                return;
            }
        };
        match std::thread::Builder::new()
            .name("inspector-report-gunzip".into())
            .spawn(fill)
        {
            Ok(_) => Box::new(ReadAhead {
                blocks,
                spent,
                cur: Vec::new(),
                pos: 0,
                done: false,
            }),
            // No thread to be had (the stream went with the closure): the first read
            // says so, as an I/O error of this input.
            Err(e) => Box::new(FailedSpawn(Some(e))),
        }
    }
}

impl Read for ReadAhead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.cur.len() {
            if self.done {
                return Ok(0);
            }
            match self.blocks.recv() {
                Ok(Ok(block)) => {
                    if block.is_empty() {
                        self.done = true;
                    }
                    let old = std::mem::replace(&mut self.cur, block);
                    let _ = self.spent.try_send(old);
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                // The thread ended without saying so: only after an error it already sent.
                Err(_) => {
                    self.done = true;
                    return Ok(0);
                }
            }
        }
        let n = buf.len().min(self.cur.len() - self.pos);
        buf[..n].copy_from_slice(&self.cur[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// The gunzip thread could not be started.
struct FailedSpawn(Option<io::Error>);

impl Read for FailedSpawn {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(self
            .0
            .take()
            .unwrap_or_else(|| io::Error::other("the gunzip thread could not be started")))
    }
}

/// Says that a read error came from the gzip layer, and that offsets in messages count
/// decompressed bytes.
struct GzipContext<R>(R);

impl<R: Read> Read for GzipContext<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "gzip stream is corrupt or ends early (byte counts decompressed data): {e}"
                ),
            )
        })
    }
}
