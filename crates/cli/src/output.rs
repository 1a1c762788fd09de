//! The report's destination: standard output, or a file written atomically.
//!
//! A file report is written to `.NAME.PID.tmp` beside the target and renamed over it only
//! after the last byte is flushed and synced (writeback starts early, see [`SyncingFile`]),
//! so a reader never sees a partial report under the target's name, and a failed run
//! removes its temporary file.
//!
//! Only regular files are replaced that way. A target that exists and is something else
//! (`/dev/null`, a FIFO, a terminal) is written in place: renaming over it would replace
//! the device itself with a regular file, which as root breaks the whole machine. A
//! symbolic link is followed, so the link stays and the file it names is replaced.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files being written, so that SIGINT or SIGTERM can remove them before the
/// process exits (see [`remove_temporaries`]).
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn register(p: &Path) {
    if let Ok(mut v) = TEMPORARIES.lock() {
        v.push(p.to_path_buf());
    }
}

fn unregister(p: &Path) {
    if let Ok(mut v) = TEMPORARIES.lock() {
        v.retain(|x| x != p);
    }
}

/// Removes every temporary report file still being written. Called on SIGINT/SIGTERM:
/// an interrupted run leaves neither the report nor its temporary file.
pub fn remove_temporaries() {
    if let Ok(v) = TEMPORARIES.lock() {
        for p in v.iter() {
            let _ = fs::remove_file(p);
        }
    }
}

/// Bytes buffered before a write reaches the OS. Rendered chunks (a 32nd of a 2 MiB batch,
/// 20 to 60 KiB) are larger and go straight to the OS; `BufWriter` copies a write smaller
/// than its capacity, and at 256 KiB that copy of every report byte was 2% of the CSV
/// profile (at 32 KiB, 1.7%, as many chunks are smaller). What stays buffered is framing
/// and the chunks of small batches.
const WRITE_BUFFER_BYTES: usize = 8 * 1024;

/// Report bytes written between two background syncs of a file report (8 MiB). The final
/// sync then waits for at most this much; 32 MiB left 20 to 30 ms of it on this machine.
const SYNC_EVERY_BYTES: u64 = 8 * 1024 * 1024;

/// An output being written.
pub enum Output {
    Stdout(BufWriter<io::StdoutLock<'static>>),
    File(AtomicFile),
    /// A device or FIFO named with `-o`: written in place.
    Special(BufWriter<File>),
}

impl Output {
    pub fn stdout() -> Output {
        Output::Stdout(BufWriter::with_capacity(
            WRITE_BUFFER_BYTES,
            io::stdout().lock(),
        ))
    }

    /// Opens `-o PATH`: atomically for a regular file (or a new one), in place otherwise.
    pub fn file(target: &Path) -> io::Result<Output> {
        match fs::metadata(target) {
            Ok(m) if m.is_dir() => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "is a directory; name a file for the report",
            )),
            Ok(m) if !m.is_file() => {
                let f = OpenOptions::new().write(true).open(target)?;
                Ok(Output::Special(BufWriter::with_capacity(
                    WRITE_BUFFER_BYTES,
                    f,
                )))
            }
            Ok(m) => {
                let real = fs::canonicalize(target)?;
                let f = AtomicFile::create(&real)?;
                // Replacing a report keeps its permissions.
                fs::set_permissions(&f.tmp, m.permissions())?;
                Ok(Output::File(f))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Ok(Output::File(AtomicFile::create(target)?))
            }
            Err(e) => Err(e),
        }
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Output::Stdout(w) => w,
            Output::File(f) => &mut f.w,
            Output::Special(w) => w,
        }
    }

    /// Makes the report visible under its name.
    pub fn commit(self) -> io::Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush(),
            Output::Special(mut w) => w.flush(),
            Output::File(f) => f.commit(),
        }
    }
}

/// A file written under a temporary name and renamed into place on [`AtomicFile::commit`].
/// Dropped without commit, it removes the temporary file.
pub struct AtomicFile {
    w: BufWriter<SyncingFile>,
    tmp: PathBuf,
    target: PathBuf,
    done: bool,
}

impl AtomicFile {
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?
            .to_string_lossy();
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        register(&tmp);
        Ok(AtomicFile {
            w: BufWriter::with_capacity(WRITE_BUFFER_BYTES, SyncingFile::new(file)),
            tmp,
            target: target.to_path_buf(),
            done: false,
        })
    }

    fn commit(mut self) -> io::Result<()> {
        self.w.flush()?;
        self.w.get_mut().finish()?;
        fs::rename(&self.tmp, &self.target)?;
        self.done = true;
        unregister(&self.tmp);
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_file(&self.tmp);
            unregister(&self.tmp);
        }
    }
}

/// A report file whose writeback starts while the report is still being written.
///
/// The commit syncs the file before the rename, so that a crash cannot leave an empty or
/// partial report under the target's name (ext4 happens to order that case itself; other
/// file systems do not). Synced only at the end, that sync waited for the whole report to
/// reach the disk: 60 to 70 ms of a 550 ms run writing a 130 MB report. A helper thread
/// syncs what has been written so far every [`SYNC_EVERY_BYTES`], so the disk works while
/// the converter does, and the final sync waits for the tail only.
struct SyncingFile {
    file: File,
    since_sync: u64,
    helper: Option<SyncHelper>,
}

struct SyncHelper {
    /// One pending request at most: a kick while a sync runs is dropped.
    kick: std::sync::mpsc::SyncSender<()>,
    done: std::thread::JoinHandle<io::Result<()>>,
}

impl SyncingFile {
    fn new(file: File) -> SyncingFile {
        SyncingFile {
            file,
            since_sync: 0,
            helper: None,
        }
    }

    /// Asks the helper to sync what is written so far, starting it on the first call (so
    /// that the many small reports of batch mode start no thread). Without a second handle
    /// or a thread, the file is synced once, at the end.
    fn kick(&mut self) {
        if self.helper.is_none() {
            self.helper = self.file.try_clone().ok().and_then(|f| {
                let (kick, kicks) = std::sync::mpsc::sync_channel::<()>(1);
                std::thread::Builder::new()
                    .name("inspector-report-sync".into())
                    .spawn(move || {
                        for () in kicks {
                            // A write-back error must reach the commit: the handles share
                            // one open file, so the final sync might not see it again.
                            f.sync_data()?;
                        }
                        Ok(())
                    })
                    .ok()
                    .map(|done| SyncHelper { kick, done })
            });
        }
        if let Some(h) = &self.helper {
            let _ = h.kick.try_send(());
        }
    }

    /// Waits for the helper, then syncs the rest.
    fn finish(&mut self) -> io::Result<()> {
        if let Some(SyncHelper { kick, done }) = self.helper.take() {
            drop(kick);
            done.join()
                .map_err(|_| io::Error::other("the sync thread panicked"))??;
        }
        self.file.sync_all()
    }
}

impl Write for SyncingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.since_sync += n as u64;
        if self.since_sync >= SYNC_EVERY_BYTES {
            self.since_sync = 0;
            self.kick();
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Past the sync interval, so the helper thread syncs while writing goes on; the
    /// committed file holds every byte, and no temporary file is left.
    #[test]
    fn a_report_past_the_sync_interval_is_whole() {
        let dir = std::env::temp_dir().join(format!("ir-sync-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("report.csv");
        let mut out = Output::File(AtomicFile::create(&target).unwrap());
        let chunk: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
        let chunks = SYNC_EVERY_BYTES as usize / chunk.len() * 2 + 3;
        for _ in 0..chunks {
            out.writer().write_all(&chunk).unwrap();
        }
        out.commit().unwrap();
        let got = fs::read(&target).unwrap();
        assert_eq!(got.len(), chunks * chunk.len());
        assert!(got.chunks(chunk.len()).all(|c| c == &chunk[..]));
        let left: Vec<_> = fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "only the report is left");
        fs::remove_dir_all(&dir).unwrap();
    }
}
