//! One conversion, from the sources to the summary: the sources are expanded, the sink is
//! begun, the core converts with progress into the sink's writer, the sink is committed
//! (or aborted), and the summary tells how it went.
//!
//! Batch mode ([`crate::batch`]) runs the middle of this, [`convert`] then [`finish`],
//! once per file.

use crate::args::NAME;
use crate::config::{Output, RunConfig};
use crate::error::{CliError, Exit};
use crate::progress;
use crate::s3::S3Sink;
use crate::sink::{file::FileSink, Delivered, Sink, StdoutSink};
use crate::source::{self, Source};
use crate::summary::{OutputInfo, Summary};
use inspector_report_core::{Config, Progress, Stats};
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

/// What one conversion came to.
pub struct Outcome {
    /// What was converted: nothing when the conversion itself failed.
    pub stats: Stats,
    /// Where the report went, or why it did not get there.
    pub delivered: Result<Delivered, CliError>,
}

impl Outcome {
    /// A conversion that failed before it converted anything.
    pub fn failed(error: CliError) -> Outcome {
        Outcome {
            stats: Stats::default(),
            delivered: Err(error),
        }
    }
}

/// Runs one conversion into `output` and summarises it; returns the exit status.
pub fn single(run: &RunConfig, output: &Output, started: Instant) -> Exit {
    summarise(run, started, deliver(run, output))
}

/// Summarises the run that made one report (a conversion, or a comparison) and came to
/// `outcome`; returns the exit status.
pub fn summarise(run: &RunConfig, started: Instant, outcome: Result<Outcome, CliError>) -> Exit {
    let Outcome { stats, delivered } = outcome.unwrap_or_else(Outcome::failed);
    match delivered {
        Ok(delivered) => {
            let outputs = [OutputInfo {
                input: None,
                path: delivered.path,
                bytes: delivered.bytes,
                findings: stats.findings_written,
                error: None,
            }];
            let s = Summary {
                stats: &stats,
                outputs: &outputs,
                batch: false,
                duration: started.elapsed(),
                error: None,
            };
            s.emit(run, Exit::Success)
        }
        // The reader of stdout went away: not an error, and nothing more to say.
        Err(error) if error.reader_gone() => Exit::Success,
        // Found only once the run starts (no AWS region), but the command line's fault:
        // said as every usage error is, with no summary.
        Err(error) if error.exit == Exit::Usage => {
            eprintln!("{NAME}: {error}");
            Exit::Usage
        }
        Err(error) => {
            eprintln!("{NAME}: {error}");
            let s = Summary {
                stats: &stats,
                outputs: &[],
                batch: false,
                duration: started.elapsed(),
                error: Some(&error.message),
            };
            s.emit(run, Exit::Failure)
        }
    }
}

/// Expands the sources, begins the sink, converts and finishes; an error is a failure
/// before anything was converted.
fn deliver(run: &RunConfig, output: &Output) -> Result<Outcome, CliError> {
    let sources = source::expand(&run.inputs)?;
    if run.dedupe {
        source::rereadable(&sources)?;
    }
    let mut sink = begin(output)?;
    let passes = if run.dedupe { 2 } else { 1 };
    let total = sources.iter().map(Source::size).sum::<Option<u64>>();
    let (progress, display) = start_progress(run, total.map(|t| t * passes));
    let config = Config {
        progress: progress.clone(),
        ..run.config.clone()
    };
    let converted = convert(
        &config,
        &sources,
        progress.as_ref(),
        run.dedupe,
        sink.writer(),
    )?;
    if let Some(d) = display {
        d.finish();
    }
    Ok(finish(sink, converted))
}

/// Begins the sink for `output`: the only place a run looks at where its report goes.
pub fn begin(output: &Output) -> Result<Box<dyn Sink>, CliError> {
    Ok(match output {
        Output::Stdout => Box::new(StdoutSink::begin()),
        Output::File(p) => Box::new(FileSink::begin(p, "the report")?),
        Output::S3(o) => Box::new(S3Sink::begin(o)?),
    })
}

/// Converts `sources`, in order, into one report written to `out`, counting the bytes
/// read into `progress`; with `dedupe`, each finding once (two passes over the sources,
/// which must be re-readable). The outer error is the command line's (a source that cannot
/// be read twice), the inner one the conversion's.
pub fn convert(
    config: &Config,
    sources: &[Source],
    progress: Option<&Arc<Progress>>,
    dedupe: bool,
    out: &mut dyn Write,
) -> Result<inspector_report_core::Result<Stats>, CliError> {
    let open = || sources.iter().map(|s| s.open(progress));
    if !dedupe {
        return Ok(inspector_report_core::convert(config, open(), out));
    }
    source::rereadable(sources)?;
    Ok(inspector_report_core::dedupe::convert(config, open, out))
}

/// Commits `sink` after a conversion that succeeded, aborts it after one that failed.
pub fn finish(sink: Box<dyn Sink>, converted: inspector_report_core::Result<Stats>) -> Outcome {
    match converted {
        Ok(stats) => Outcome {
            delivered: sink.commit(&stats),
            stats,
        },
        Err(e) => Outcome::failed(sink.abort(e.into())),
    }
}

/// Starts progress, when asked, against `total` bytes.
pub fn start_progress(
    run: &RunConfig,
    total: Option<u64>,
) -> (Option<Arc<Progress>>, Option<progress::Display>) {
    if !run.progress {
        return (None, None);
    }
    let p = Arc::new(Progress::default());
    let d = progress::Display::start(Arc::clone(&p), total, run.progress_forced);
    (Some(p), Some(d))
}
