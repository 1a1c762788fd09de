//! Naming and opening inputs: standard input, files, and directories of archived exports;
//! gzip detected by its magic bytes, not by the file name.

use crate::error::{Error, ErrorKind, Position, Result};
use crate::limits::{GUNZIP_AHEAD_BLOCKS, GUNZIP_BLOCK_BYTES};
use crate::stats::Progress;
use flate2::read::MultiGzDecoder;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

/// The file endings collected from a directory (spec section 1). Files named explicitly
/// are read whatever their name.
pub const DIRECTORY_ENDINGS: &[&str] = &[
    ".json",
    ".json.gz",
    ".ndjson",
    ".ndjson.gz",
    ".jsonl",
    ".jsonl.gz",
];

/// One input to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Standard input (`-`).
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Source {
    /// The name used in messages and summaries.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "-".to_string(),
            Source::File(p) => p.display().to_string(),
        }
    }

    /// Opens the source, decompressing gzip when the stream starts with its magic bytes.
    pub fn open(&self) -> Result<Box<dyn Read + Send>> {
        self.open_counting(None)
    }

    /// Size on disk, when known (a regular file).
    pub fn size(&self) -> Option<u64> {
        match self {
            Source::Stdin => None,
            Source::File(p) => std::fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len()),
        }
    }

    /// Like [`Source::open`], adding every byte read as stored (before decompression) to
    /// the progress's `bytes_read`, and every byte after decompression to its
    /// `bytes_decompressed`, for progress displays.
    pub fn open_counting(&self, progress: Option<&Arc<Progress>>) -> Result<Box<dyn Read + Send>> {
        let mut raw: Box<dyn Read + Send> = match self {
            Source::Stdin => Box::new(io::stdin()),
            Source::File(p) => Box::new(std::fs::File::open(p).map_err(|e| open_error(p, e))?),
        };
        if let Some(p) = progress {
            raw = Box::new(Counting(raw, Arc::clone(p), Counter::Stored));
        }
        let plain = decompressed(raw).map_err(|e| {
            Error::new(
                ErrorKind::Io(e),
                Position {
                    input: self.name(),
                    byte: Some(0),
                    finding: None,
                },
            )
        })?;
        Ok(match progress {
            Some(p) => Box::new(Counting(plain, Arc::clone(p), Counter::Decompressed)),
            None => plain,
        })
    }
}

#[cold]
fn open_error(p: &Path, e: io::Error) -> Error {
    Error::new(
        ErrorKind::Io(e),
        Position {
            input: p.display().to_string(),
            byte: None,
            finding: None,
        },
    )
}

/// Wraps `r` in a gzip decoder when its first two bytes are `1f 8b`. Several gzip members
/// one after another are one stream (`cat a.gz b.gz`), as gzip(1) reads them.
pub fn decompressed(mut r: Box<dyn Read + Send>) -> io::Result<Box<dyn Read + Send>> {
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match r.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let head = io::Cursor::new(magic[..got].to_vec());
    let whole = head.chain(r);
    if got == 2 && magic == [0x1f, 0x8b] {
        let gz = GzipContext(MultiGzDecoder::new(BufReader::with_capacity(
            256 * 1024,
            whole,
        )));
        Ok(ReadAhead::spawn(gz))
    } else {
        Ok(Box::new(whole))
    }
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

/// Counts the bytes that pass through it into one of the progress's counters.
struct Counting<R>(R, Arc<Progress>, Counter);

/// Which bytes a [`Counting`] reader sees.
#[derive(Clone, Copy)]
enum Counter {
    /// As stored: `bytes_read`.
    Stored,
    /// After decompression: `bytes_decompressed`.
    Decompressed,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        let counter = match self.2 {
            Counter::Stored => &self.1.bytes_read,
            Counter::Decompressed => &self.1.bytes_decompressed,
        };
        counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
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

/// Expands what the user named into sources, in order: `-` is standard input, a file is
/// itself, a directory is every file below it with one of [`DIRECTORY_ENDINGS`], in sorted
/// path order. Symbolic links are followed; a link loop is an error.
pub fn expand<S: AsRef<str>>(args: &[S]) -> Result<Vec<Source>> {
    Ok(expand_relative(args)?
        .into_iter()
        .map(|e| e.source)
        .collect())
}

/// One expanded source with its path relative to what the user named: the file name for
/// a file named directly, the path below the directory for a directory's files (batch
/// mode keeps that structure). Standard input has an empty relative path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expanded {
    /// The source.
    pub source: Source,
    /// Its path relative to the argument it came from.
    pub relative: PathBuf,
}

/// [`expand`], keeping each source's relative path.
pub fn expand_relative<S: AsRef<str>>(args: &[S]) -> Result<Vec<Expanded>> {
    let mut out = Vec::new();
    for a in args {
        let a = a.as_ref();
        if a == "-" {
            out.push(Expanded {
                source: Source::Stdin,
                relative: PathBuf::new(),
            });
            continue;
        }
        let p = Path::new(a);
        let meta = std::fs::metadata(p).map_err(|e| open_error(p, e))?;
        if !meta.is_dir() {
            out.push(Expanded {
                source: Source::File(p.to_path_buf()),
                relative: PathBuf::from(p.file_name().unwrap_or(p.as_os_str())),
            });
            continue;
        }
        for entry in walkdir::WalkDir::new(p)
            .follow_links(true)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(p).to_path_buf();
                let io = e
                    .into_io_error()
                    .unwrap_or_else(|| io::Error::other("symbolic link loop"));
                open_error(&path, io)
            })?;
            if entry.file_type().is_file() && has_report_ending(entry.path()) {
                let relative = entry
                    .path()
                    .strip_prefix(p)
                    .unwrap_or(entry.path())
                    .to_path_buf();
                out.push(Expanded {
                    source: Source::File(entry.into_path()),
                    relative,
                });
            }
        }
    }
    Ok(out)
}

fn has_report_ending(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    DIRECTORY_ENDINGS.iter().any(|e| name.ends_with(e))
}

/// `relative` with its input ending (one of [`DIRECTORY_ENDINGS`], else its last
/// extension) replaced by `.{ext}`: `a/b.json.gz` → `a/b.csv`.
pub fn report_name(relative: &Path, ext: &str) -> PathBuf {
    let name = relative
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("report");
    let stem = DIRECTORY_ENDINGS
        .iter()
        .filter(|e| name.ends_with(*e) && name.len() > e.len())
        .map(|e| &name[..name.len() - e.len()])
        .next()
        .map(str::to_string)
        .unwrap_or_else(|| {
            Path::new(name)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or(name)
                .to_string()
        });
    relative.with_file_name(format!("{stem}.{ext}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_by_magic_and_multi_member() {
        let mut gz = Vec::new();
        for part in ["{\"a\":1}\n", "{\"b\":2}\n"] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(part.as_bytes()).unwrap();
            gz.extend(e.finish().unwrap());
        }
        let mut s = String::new();
        decompressed(Box::new(io::Cursor::new(gz)))
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "{\"a\":1}\n{\"b\":2}\n");
        let mut s = String::new();
        decompressed(Box::new(io::Cursor::new(b"[]".to_vec())))
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "[]");
        let mut s = String::new();
        decompressed(Box::new(io::Cursor::new(b"{".to_vec())))
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "{");
    }

    /// Progress counts a gzip file's bytes as stored and as decompressed, and a plain
    /// file's the same in both.
    #[test]
    fn progress_counts_stored_and_decompressed_bytes() {
        let dir = std::env::temp_dir().join(format!("ir-counting-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let plain = vec![b' '; 100_000];
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&plain).unwrap();
        let gz = e.finish().unwrap();
        for (name, bytes) in [("in.json.gz", &gz), ("in.json", &plain)] {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            let p = Arc::new(Progress::default());
            let mut out = Vec::new();
            Source::File(path)
                .open_counting(Some(&p))
                .unwrap()
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out.len(), plain.len());
            assert_eq!(p.bytes_read.load(Ordering::Relaxed), bytes.len() as u64);
            assert_eq!(
                p.bytes_decompressed.load(Ordering::Relaxed),
                plain.len() as u64
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The gunzip thread hands over many blocks in order, reports a corrupt tail after
    /// the good bytes before it, and stops when its reader goes away mid-stream.
    #[test]
    fn gunzip_thread_blocks_errors_and_early_drop() {
        let data: Vec<u8> = (0..(GUNZIP_BLOCK_BYTES * 3 + 12345) as u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&data).unwrap();
        let gz = e.finish().unwrap();
        let mut out = Vec::new();
        decompressed(Box::new(io::Cursor::new(gz.clone())))
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        assert!(out == data);

        let cut = gz[..gz.len() - 100].to_vec();
        let mut r = decompressed(Box::new(io::Cursor::new(cut))).unwrap();
        let mut out = Vec::new();
        let err = r.read_to_end(&mut out).unwrap_err();
        assert!(err.to_string().contains("gzip stream is corrupt"), "{err}");
        assert!(out.len() > GUNZIP_BLOCK_BYTES * 2 && data.starts_with(&out));

        for _ in 0..5 {
            let mut r = decompressed(Box::new(io::Cursor::new(gz.clone()))).unwrap();
            let mut first = [0u8; 10];
            r.read_exact(&mut first).unwrap();
            drop(r);
        }
    }

    #[test]
    fn directories_in_sorted_order_with_endings() {
        let d = tempdir();
        for f in [
            "b.json",
            "a/z.json.gz",
            "a/y.txt",
            "c.ndjson",
            "a.jsonl",
            "a/x/w.json",
        ] {
            let p = d.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "[]").unwrap();
        }
        let got: Vec<String> = expand(&[d.to_str().unwrap()])
            .unwrap()
            .iter()
            .map(|s| s.name()[d.to_str().unwrap().len() + 1..].to_string())
            .collect();
        assert_eq!(
            got,
            vec!["a/x/w.json", "a/z.json.gz", "a.jsonl", "b.json", "c.ndjson"]
        );
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn report_names() {
        assert_eq!(
            report_name(Path::new("a/b.json.gz"), "csv"),
            PathBuf::from("a/b.csv")
        );
        assert_eq!(
            report_name(Path::new("b.ndjson"), "json"),
            PathBuf::from("b.json")
        );
        assert_eq!(
            report_name(Path::new("x/dump.txt"), "csv"),
            PathBuf::from("x/dump.csv")
        );
        assert_eq!(
            report_name(Path::new("noext"), "csv"),
            PathBuf::from("noext.csv")
        );
        assert_eq!(
            report_name(Path::new(".json"), "csv"),
            PathBuf::from(".json.csv")
        );
    }

    fn tempdir() -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "ir-input-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
