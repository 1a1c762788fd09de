//! The report's destination: standard output, or a file written atomically.
//!
//! A file report is written to `.NAME.PID.tmp` beside the target and renamed over it only
//! after the last byte is flushed and synced, so a reader never sees a partial report
//! under the target's name, and a failed run removes its temporary file.
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

/// Bytes buffered before a write reaches the OS. Rendered chunks (tens of KiB each) are
/// at least this size and go straight to the OS; `BufWriter` copies a write smaller than
/// its capacity, and at 256 KiB that copy of every report byte was 2% of the CSV profile.
/// What stays buffered is framing and the chunks of small batches.
const WRITE_BUFFER_BYTES: usize = 32 * 1024;

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
    w: BufWriter<File>,
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
            w: BufWriter::with_capacity(WRITE_BUFFER_BYTES, file),
            tmp,
            target: target.to_path_buf(),
            done: false,
        })
    }

    fn commit(mut self) -> io::Result<()> {
        self.w.flush()?;
        self.w.get_ref().sync_all()?;
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
