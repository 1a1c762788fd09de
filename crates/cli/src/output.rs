//! The report's destination: standard output, or a file written atomically.
//!
//! A file report is written to `.NAME.PID.tmp` beside the target and renamed over it only
//! after the last byte is flushed and synced, so a reader never sees a partial report
//! under the target's name, and a failed run removes its temporary file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Bytes buffered before a write reaches the OS. Batches are written whole, so this
/// matters only for the small framing writes.
const WRITE_BUFFER_BYTES: usize = 256 * 1024;

/// An output being written.
pub enum Output {
    Stdout(BufWriter<io::StdoutLock<'static>>),
    File(AtomicFile),
}

impl Output {
    pub fn stdout() -> Output {
        Output::Stdout(BufWriter::with_capacity(
            WRITE_BUFFER_BYTES,
            io::stdout().lock(),
        ))
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Output::Stdout(w) => w,
            Output::File(f) => &mut f.w,
        }
    }

    /// Makes the report visible under its name.
    pub fn commit(self) -> io::Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush(),
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
        Ok(AtomicFile {
            w: BufWriter::with_capacity(WRITE_BUFFER_BYTES, file),
            tmp,
            target: target.to_path_buf(),
            done: false,
        })
    }

    /// The temporary file's path (tests check it is gone).
    #[allow(dead_code)]
    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }

    fn commit(mut self) -> io::Result<()> {
        self.w.flush()?;
        self.w.get_ref().sync_all()?;
        fs::rename(&self.tmp, &self.target)?;
        self.done = true;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}
