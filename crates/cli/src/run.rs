//! One conversion, from the sources to the summary: the sources are expanded, the sink is
//! begun, the core converts with progress into the sink's writer, the sink is committed
//! (or aborted), and the summary tells how it went.
//!
//! Batch mode ([`crate::batch`]) runs the middle of this, [`convert`] then [`finish`],
//! once per file.

use crate::bom;
use crate::config::{Output, RunConfig};
use crate::error::{CliError, Exit};
use crate::preflight;
use crate::progress;
use crate::s3::S3Sink;
use crate::sink::bounded::Bounded;
use crate::sink::{file::FileSink, Delivered, Sink, StdoutSink};
use crate::source::{self, Source};
use crate::summary::{OutputInfo, Summary};
use crate::terminal::say;
use inspector_report_core::{Config, Progress, Stats};
use std::io::Write;
use std::path::{Path, PathBuf};
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
            say(&error);
            Exit::Usage
        }
        Err(error) => {
            say(&error);
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
    let sources = source::expand(&run.inputs, run.live.as_ref())?;
    if run.dedupe {
        source::rereadable(&sources)?;
    }
    no_output_is_an_input(run, output, &sources)?;
    let mut sink = begin(run, output)?;
    let passes = if run.dedupe { 2 } else { 1 };
    let total = sources.iter().map(Source::size).sum::<Option<u64>>();
    let (progress, display) = start_progress(run, total.map(|t| t * passes));
    let config = Config {
        progress: progress.clone(),
        ..run.config.clone()
    };
    let converted = convert(run, &config, &sources, progress.as_ref(), sink.writer());
    if let Some(d) = display {
        d.finish();
    }
    Ok(finish(sink, converted))
}

/// Checks that no output of a single report (`-o FILE`, standard output redirected to a
/// file, `--summary-json`) is one of `sources`, nor another output.
pub fn no_output_is_an_input<'a>(
    run: &RunConfig,
    output: &Output,
    sources: impl IntoIterator<Item = &'a Source>,
) -> Result<(), CliError> {
    let mut outputs: Vec<preflight::Output> = Vec::new();
    match output {
        Output::File(p) => outputs.push(preflight::Output::option("-o", p)),
        Output::Stdout => outputs.extend(preflight::Output::stdout()),
        Output::S3(_) => {}
    }
    if let Some(p) = &run.summary_json {
        outputs.push(preflight::Output::option("--summary-json", p));
    }
    preflight::no_output_is_an_input(&local_inputs(sources), &outputs)
}

/// Each source's name, with the local file it reads, for [`preflight::no_output_is_an_input`].
pub fn local_inputs<'a>(
    sources: impl IntoIterator<Item = &'a Source>,
) -> Vec<(String, Option<PathBuf>)> {
    sources
        .into_iter()
        .map(|s| (s.name(), s.local_file().map(Path::to_path_buf)))
        .collect()
}

/// Begins the sink for `output`: the only place a run looks at where its report goes.
pub fn begin(run: &RunConfig, output: &Output) -> Result<Box<dyn Sink>, CliError> {
    Ok(match output {
        Output::Stdout => Box::new(StdoutSink::begin()),
        Output::File(p) => Box::new(FileSink::begin(p, "the report", &run.files)?),
        Output::S3(o) => Box::new(S3Sink::begin(o)?),
    })
}

/// Converts `sources`, in order, into one report written to `out` by `config`, counting
/// the bytes read into `progress`; with `--dedupe`, each finding once (two passes over the
/// sources, which the caller has checked can be read twice). The run's options the core
/// does not know apply on the way out ([`write_out`]).
pub fn convert(
    run: &RunConfig,
    config: &Config,
    sources: &[Source],
    progress: Option<&Arc<Progress>>,
    out: &mut dyn Write,
) -> inspector_report_core::Result<Stats> {
    let open = || sources.iter().map(|s| s.open(progress));
    write_out(run, config, out, |out| match run.dedupe {
        false => inspector_report_core::convert(config, open(), out),
        true => inspector_report_core::dedupe::convert(config, open, out),
    })
}

/// Writes the report that `write` makes into `out`, with the run's options the core does
/// not know: the byte-order mark first (`--bom`), and every byte within
/// `--max-output-bytes`.
pub fn write_out(
    run: &RunConfig,
    config: &Config,
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> inspector_report_core::Result<Stats>,
) -> inspector_report_core::Result<Stats> {
    let mut bounded;
    let out: &mut dyn Write = match run.max_output_bytes {
        Some(max) => {
            bounded = Bounded::new(out, max);
            &mut bounded
        }
        None => out,
    };
    if !run.bom {
        return write(out);
    }
    let mark = bom::bytes(config.gzip);
    let marked = mark.len() as u64;
    let mut stats = write(&mut bom::Prefixed::new(out, mark))?;
    stats.bytes_written += marked;
    Ok(stats)
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
    let extra = run.live.as_ref().map(|l| {
        let meter = Arc::clone(&l.meter);
        Box::new(move || meter.counts().progress()) as progress::Extra
    });
    let d = progress::Display::start(Arc::clone(&p), total, run.progress_forced, extra);
    (Some(p), Some(d))
}
