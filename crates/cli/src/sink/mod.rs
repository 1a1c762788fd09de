//! Where a report's bytes go: standard output, a file ([`mod@file`]), or an S3 object
//! ([`crate::s3::S3Sink`]), all behind [`Sink`].
//!
//! A sink is begun by its constructor before any input is read, so that a wrong path,
//! bucket or key fails first. The converter writes the report into [`Sink::writer`]; then
//! the run either commits the sink (the whole report appears where it was asked for) or
//! aborts it (nothing is left behind).
//!
//! Every file and folder is created privately and never through a symbolic link
//! ([`rules`], [`links`], [`folders`]); [`bounded`] caps the report's size.

pub mod bounded;
pub mod file;
pub mod folders;
pub mod links;
pub mod rules;

use crate::error::{write_error, CliError};
use inspector_report_core::Stats;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::fd::AsFd;

/// Where a committed report went, for the summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivered {
    /// A path, `-` for standard output, or `s3://BUCKET/KEY`.
    pub path: String,
    /// Bytes of the report as stored (compressed, for gzip).
    pub bytes: u64,
}

/// A report being written somewhere.
pub trait Sink {
    /// Where the converter writes the report.
    fn writer(&mut self) -> &mut dyn Write;

    /// Makes the report visible where it was asked for, after a conversion that
    /// succeeded with `stats`; a sink may still refuse it (an S3 report of no findings).
    fn commit(self: Box<Self>, stats: &Stats) -> Result<Delivered, CliError>;

    /// Discards what was written after the conversion failed with `error`, and returns
    /// the error the run reports (the sink may know the cause better, or add to it).
    fn abort(self: Box<Self>, error: CliError) -> CliError;
}

/// Bytes buffered before a write reaches the OS. Rendered chunks (a 32nd of a 2 MiB batch,
/// 20 to 60 KiB) are larger and go straight to the OS; `BufWriter` copies a write smaller
/// than its capacity, and at 256 KiB that copy of every report byte is 2% of the CSV
/// profile (at 32 KiB, 1.7%, as many chunks are smaller). What stays buffered is framing
/// and the chunks of small batches.
const WRITE_BUFFER_BYTES: usize = 8 * 1024;

/// Standard output (`-o -`, the default).
pub struct StdoutSink(BufWriter<Box<dyn Write>>);

impl StdoutSink {
    /// Takes standard output for the report: a duplicate of descriptor 1 as a plain file.
    /// `io::Stdout` is line-buffered, and its `LineWriter` searches every write for its
    /// last line feed: on a JSON report, whose only line feed ends it, that search read
    /// every byte again (`memrchr`, 4.7% of the instructions of a run to stdout). Where
    /// the descriptor cannot be duplicated, the report goes through `io::Stdout`.
    pub fn begin() -> StdoutSink {
        let out: Box<dyn Write> = match io::stdout().as_fd().try_clone_to_owned() {
            Ok(fd) => Box::new(File::from(fd)),
            Err(_) => Box::new(io::stdout().lock()),
        };
        StdoutSink(BufWriter::with_capacity(WRITE_BUFFER_BYTES, out))
    }
}

impl Sink for StdoutSink {
    fn writer(&mut self) -> &mut dyn Write {
        &mut self.0
    }

    fn commit(mut self: Box<Self>, stats: &Stats) -> Result<Delivered, CliError> {
        self.0
            .flush()
            .map_err(|e| write_error("finishing the report", &e))?;
        Ok(Delivered {
            path: "-".into(),
            bytes: stats.bytes_written,
        })
    }

    /// What was written has gone already; there is nothing to take back.
    fn abort(self: Box<Self>, error: CliError) -> CliError {
        error
    }
}
