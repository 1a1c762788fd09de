//! The report file of `-o PATH` and of batch mode, and the `--summary-json` file,
//! written atomically and privately.
//!
//! A file is written to a temporary file beside the target and renamed over it only
//! after the last byte is flushed and synced (writeback starts early, see
//! [`SyncingFile`]), so a reader never sees a partial report under the target's name,
//! and a failed run removes its temporary file.
//!
//! The temporary file is created by [`tempfile`]: `O_EXCL`, an unpredictable name, mode
//! 0600 from the first system call whatever the umask. Its final mode ([`FileRules`]) is
//! set on the open handle before any byte is written, so no other user can open it in
//! between: `--mode`, or the mode of the file it replaces, or 0600.
//!
//! Only regular files are replaced that way. A target that exists and is something else
//! (`/dev/null`, a FIFO, a terminal) is written in place: renaming over it would replace
//! the device itself with a regular file, which as root breaks the whole machine. It is
//! opened with `O_NOFOLLOW`. A symbolic link is refused ([`super::links`]).

use super::links;
use super::rules::FileRules;
use super::{Delivered, Sink, WRITE_BUFFER_BYTES};
use crate::error::{write_error, CliError};
use inspector_report_core::Stats;
use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, BufWriter, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files being written, so that SIGINT or SIGTERM can remove them before the
/// process exits (see [`remove_temporaries`]).
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Notes a temporary file that SIGINT or SIGTERM must remove (see [`remove_temporaries`]).
pub fn register(p: &Path) {
    if let Ok(mut v) = TEMPORARIES.lock() {
        v.push(p.to_path_buf());
    }
}

/// Forgets a temporary file that is gone.
pub fn unregister(p: &Path) {
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

/// Report bytes written between two background syncs of a file report (8 MiB). The final
/// sync then waits for at most this much; 32 MiB left 20 to 30 ms of it on this machine.
const SYNC_EVERY_BYTES: u64 = 8 * 1024 * 1024;

/// A report file being written.
pub struct FileSink {
    out: FileOut,
    /// The path, as the summary shows it.
    path: String,
    /// What a failed commit's message calls the report, before its path.
    what: String,
}

enum FileOut {
    /// A regular file (or a new one): written beside it, renamed over it on commit.
    Atomic(AtomicFile),
    /// A device or FIFO: written in place.
    InPlace(BufWriter<File>),
}

impl FileSink {
    /// Opens `target` under `rules`: atomically for a regular file (or a new one), in
    /// place for a device or FIFO. `what` names the file in the message of a failed
    /// commit. A symbolic link the rules refuse is a failure that names it.
    pub fn begin(
        target: &Path,
        what: impl Into<String>,
        rules: &FileRules,
    ) -> Result<FileSink, CliError> {
        let what = what.into();
        let out = open(target, rules).map_err(|e| match e {
            Refused::Link => CliError::failure(links::refusal(target)),
            Refused::Io(e) => {
                CliError::failure(format!("cannot write to {}: {e}", target.display()))
            }
        })?;
        Ok(FileSink {
            out,
            path: target.display().to_string(),
            what,
        })
    }
}

/// Writes `bytes` as the whole of the file at `target`, by the same rules as a report
/// (the `--summary-json` file).
pub fn write_whole(
    target: &Path,
    what: &str,
    rules: &FileRules,
    bytes: &[u8],
) -> Result<(), CliError> {
    let mut sink = Box::new(FileSink::begin(target, what, rules)?);
    sink.writer()
        .write_all(bytes)
        .map_err(|e| write_error(&format!("writing {what} {}", target.display()), &e))?;
    sink.commit(&Stats::default()).map(|_| ())
}

/// Why a target could not be opened.
enum Refused {
    /// A symbolic link the rules do not follow.
    Link,
    Io(io::Error),
}

impl From<io::Error> for Refused {
    fn from(e: io::Error) -> Refused {
        Refused::Io(e)
    }
}

fn open(target: &Path, rules: &FileRules) -> Result<FileOut, Refused> {
    let found = match fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(FileOut::Atomic(AtomicFile::create(
                target,
                rules.file_mode(None),
            )?))
        }
        Err(e) => return Err(e.into()),
    };
    if found.file_type().is_symlink() {
        if !links::followed(target, rules) {
            return Err(Refused::Link);
        }
        return open_through_link(target, rules);
    }
    if found.is_dir() {
        return Err(is_a_directory().into());
    }
    if found.is_file() {
        let mode = rules.file_mode(Some(found.permissions().mode()));
        return Ok(FileOut::Atomic(AtomicFile::create(target, mode)?));
    }
    // The check above saw no link; O_NOFOLLOW keeps one swapped in since from counting.
    let f = OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(target)?;
    Ok(FileOut::InPlace(BufWriter::with_capacity(
        WRITE_BUFFER_BYTES,
        f,
    )))
}

/// A link the rules follow: the file it names is replaced, the link stays.
fn open_through_link(target: &Path, rules: &FileRules) -> Result<FileOut, Refused> {
    match fs::metadata(target) {
        Ok(m) if m.is_dir() => Err(is_a_directory().into()),
        Ok(m) if m.is_file() => {
            let real = fs::canonicalize(target)?;
            let mode = rules.file_mode(Some(m.permissions().mode()));
            Ok(FileOut::Atomic(AtomicFile::create(&real, mode)?))
        }
        Ok(_) => {
            let f = OpenOptions::new().write(true).open(target)?;
            Ok(FileOut::InPlace(BufWriter::with_capacity(
                WRITE_BUFFER_BYTES,
                f,
            )))
        }
        // A dangling link: the new file takes the link's place.
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(FileOut::Atomic(AtomicFile::create(
            target,
            rules.file_mode(None),
        )?)),
        Err(e) => Err(e.into()),
    }
}

fn is_a_directory() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "is a directory; name a file for the report",
    )
}

impl Sink for FileSink {
    fn writer(&mut self) -> &mut dyn Write {
        match &mut self.out {
            FileOut::Atomic(f) => &mut f.w,
            FileOut::InPlace(w) => w,
        }
    }

    fn commit(self: Box<Self>, stats: &Stats) -> Result<Delivered, CliError> {
        let done = match self.out {
            FileOut::Atomic(f) => f.commit(),
            FileOut::InPlace(mut w) => w.flush(),
        };
        done.map_err(|e| write_error(&format!("finishing {} {}", self.what, self.path), &e))?;
        Ok(Delivered {
            path: self.path,
            bytes: stats.bytes_written,
        })
    }

    /// Dropping the file removes its temporary file.
    fn abort(self: Box<Self>, error: CliError) -> CliError {
        error
    }
}

/// A file written under a temporary name and renamed into place on [`AtomicFile::commit`].
/// Dropped without commit, it removes the temporary file.
struct AtomicFile {
    w: BufWriter<SyncingFile>,
    /// Removes the temporary file when dropped.
    tmp: tempfile::TempPath,
    target: PathBuf,
    /// Dropped last: the signal handler forgets the file once it is gone.
    _registered: Registered,
}

/// A temporary file's place in [`TEMPORARIES`], for as long as it lives.
struct Registered(PathBuf);

impl Registered {
    fn new(p: &Path) -> Registered {
        register(p);
        Registered(p.to_path_buf())
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        unregister(&self.0);
    }
}

/// The longest part of the target's name that goes into the temporary file's name: with
/// the dot, the random part and `.tmp`, a name stays under the 255 bytes file systems
/// allow, however long the target's name is.
const NAME_IN_TEMPORARY: usize = 200;

impl AtomicFile {
    /// Creates the temporary file beside `target` with `mode`.
    fn create(target: &Path, mode: u32) -> io::Result<AtomicFile> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?
            .as_bytes();
        let mut prefix = b".".to_vec();
        prefix.extend_from_slice(&name[..name.len().min(NAME_IN_TEMPORARY)]);
        prefix.push(b'.');
        let (file, tmp) = tempfile::Builder::new()
            .prefix(OsStr::from_bytes(&prefix))
            .suffix(".tmp")
            .rand_bytes(12)
            .permissions(Permissions::from_mode(0o600))
            .tempfile_in(dir)?
            .into_parts();
        let registered = Registered::new(&tmp);
        // On the handle, before any byte: exact whatever the umask, and no window in
        // which the file is more open than asked.
        file.set_permissions(Permissions::from_mode(mode))?;
        Ok(AtomicFile {
            w: BufWriter::with_capacity(WRITE_BUFFER_BYTES, SyncingFile::new(file)),
            tmp,
            target: target.to_path_buf(),
            _registered: registered,
        })
    }

    /// Syncs the file and renames it over the target (rename replaces a link at the
    /// target itself, never the file the link names).
    fn commit(mut self) -> io::Result<()> {
        self.w.flush()?;
        self.w.get_mut().finish()?;
        self.tmp.persist(&self.target).map_err(|e| e.error)
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
        let mut out =
            Box::new(FileSink::begin(&target, "the report", &FileRules::default()).unwrap());
        let chunk: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
        let chunks = SYNC_EVERY_BYTES as usize / chunk.len() * 2 + 3;
        for _ in 0..chunks {
            out.writer().write_all(&chunk).unwrap();
        }
        let stats = Stats {
            bytes_written: 42,
            ..Stats::default()
        };
        let done = out.commit(&stats).unwrap();
        assert_eq!(
            (done.path.as_str(), done.bytes),
            (target.to_str().unwrap(), 42)
        );
        let got = fs::read(&target).unwrap();
        assert_eq!(got.len(), chunks * chunk.len());
        assert!(got.chunks(chunk.len()).all(|c| c == &chunk[..]));
        let left: Vec<_> = fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "only the report is left");
        fs::remove_dir_all(&dir).unwrap();
    }

    /// An aborted report leaves nothing, and a report it was to replace stays as it was.
    #[test]
    fn an_aborted_report_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("ir-abort-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let new = dir.join("new.csv");
        let old = dir.join("old.csv");
        fs::write(&old, "the old report").unwrap();
        for target in [&new, &old] {
            let mut out =
                Box::new(FileSink::begin(target, "the report", &FileRules::default()).unwrap());
            out.writer().write_all(b"half a report").unwrap();
            let e = out.abort(CliError::failure("input error"));
            assert_eq!(e.message, "input error");
        }
        let mut left: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        left.sort();
        assert_eq!(left, ["old.csv"]);
        assert_eq!(fs::read_to_string(&old).unwrap(), "the old report");
        fs::remove_dir_all(&dir).unwrap();
    }
}
