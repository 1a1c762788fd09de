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
use crate::s3_input::download::Downloaded;
use crate::shard;
use crate::sink::bounded::Bounded;
use crate::sink::{file::FileSink, folders, Delivered, Sink, StdoutSink};
use crate::source::{self, Planned};
use crate::summary::{OutputInfo, Summary};
use crate::terminal::say;
use inspector_report_core::{Config, Progress, SkippedFiles, Stats};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// What one conversion came to.
pub struct Outcome {
    /// What was converted: nothing when the conversion itself failed.
    pub stats: Stats,
    /// Where the report went, or why it did not get there.
    pub delivered: Result<Delivered, CliError>,
    /// What was downloaded from S3, when an input is there.
    pub downloaded: Option<Downloaded>,
}

impl Outcome {
    /// A conversion that failed before it converted anything.
    pub fn failed(error: CliError) -> Outcome {
        Outcome {
            stats: Stats::default(),
            delivered: Err(error),
            downloaded: None,
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
    let Outcome {
        stats,
        delivered,
        downloaded,
    } = outcome.unwrap_or_else(Outcome::failed);
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
                downloaded,
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
                downloaded,
            };
            s.emit(run, Exit::Failure)
        }
    }
}

/// Expands the sources, begins the sink, converts and finishes; an error is a failure
/// before anything was converted.
fn deliver(run: &RunConfig, output: &Output) -> Result<Outcome, CliError> {
    let plan = shard::select(
        run.shard,
        source::plan(&run.inputs, &run.reach, run.live.as_ref())?,
    )?;
    if run.dedupe {
        source::rereadable(&plan.sources)?;
    }
    no_output_is_an_input(run, output, &plan.sources)?;
    // Read twice, S3 objects are fetched as they are read, not ahead.
    if !run.dedupe {
        plan.read_in_order();
    }
    let mut sink = begin(run, output)?;
    let passes = if run.dedupe { 2 } else { 1 };
    let total = plan.total_size().map(|t| t * passes);
    let (progress, display) = start_progress(run, total, plan.sources.len());
    let config = Config {
        progress: progress.clone(),
        ..run.config.clone()
    };
    let converted = convert(
        run,
        &config,
        &plan.sources,
        progress.as_ref(),
        sink.writer(),
    );
    if let Some(d) = display {
        d.finish();
    }
    let mut outcome = finish(sink, converted);
    outcome.downloaded = plan.downloads().map(|c| c.snapshot());
    // A local shard's metadata goes beside it (an S3 shard carries its own).
    if let (Some(meta), Output::File(p), Ok(d)) = (&run.shard_meta, output, &outcome.delivered) {
        if let Err(e) = shard::write_sidecar(p, meta, d.bytes, &run.files) {
            outcome.delivered = Err(e);
        }
    }
    Ok(outcome)
}

/// Checks that no output of a single report (`-o FILE`, standard output redirected to a
/// file, `--summary-json`, an S3 key) is one of `sources`, nor another output.
pub fn no_output_is_an_input(
    run: &RunConfig,
    output: &Output,
    sources: &[Planned],
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
    preflight::no_output_is_an_input(&local_inputs(sources), &outputs)?;
    if let Output::S3(o) = output {
        preflight::no_object_is_an_input([&o.destination], sources)?;
    }
    Ok(())
}

/// Each source's name, with the local file it reads, for [`preflight::no_output_is_an_input`].
pub fn local_inputs<'a>(
    sources: impl IntoIterator<Item = &'a Planned>,
) -> Vec<(String, Option<PathBuf>)> {
    sources
        .into_iter()
        .map(|p| (p.name(), p.source.local_file().map(Path::to_path_buf)))
        .collect()
}

/// Begins the sink for `output`: the only place a run looks at where its report goes.
/// A shard's folder is made if it is missing (every worker of a job names the same one),
/// as batch mode makes its folder.
pub fn begin(run: &RunConfig, output: &Output) -> Result<Box<dyn Sink>, CliError> {
    Ok(match output {
        Output::Stdout => Box::new(StdoutSink::begin()),
        Output::File(p) => {
            let folder = p.parent().filter(|f| !f.as_os_str().is_empty());
            if let Some(folder) = folder.filter(|_| run.shard_meta.is_some()) {
                folders::make_output_dir(folder, &run.files).map_err(|e| {
                    CliError::failure(format!("cannot create {}: {e}", folder.display()))
                })?;
            }
            Box::new(FileSink::begin(p, "the report", &run.files)?)
        }
        Output::S3(o) => Box::new(S3Sink::begin(o)?),
    })
}

/// Converts `planned`, in order, into one report written to `out` by `config`, counting
/// the bytes read into `progress`; with `--dedupe`, each finding once (two passes over
/// the sources, which the caller has checked can be read twice). Sources skipped for
/// their content are counted in the stats, and an input argument (a directory) that
/// yields no input is an error that names it.
pub fn convert(
    run: &RunConfig,
    config: &Config,
    planned: &[Planned],
    progress: Option<&Arc<Progress>>,
    out: &mut dyn Write,
) -> inspector_report_core::Result<Stats> {
    let skipped = Mutex::new(SkippedFiles::default());
    // Each pass counts the skipped files anew: the summary tells one pass's.
    let open = || {
        if let Ok(mut s) = skipped.lock() {
            *s = SkippedFiles::default();
        }
        source::inputs(planned, &run.inputs, progress, &skipped)
    };
    let mut stats = write_out(run, config, out, |out| match run.dedupe {
        false => inspector_report_core::convert(config, open(), out),
        true => inspector_report_core::dedupe::convert(config, open, out),
    })?;
    stats.skipped_files = skipped.into_inner().unwrap_or_default();
    Ok(stats)
}

/// Writes the report that `write` makes into `out`, with the run's options the core does
/// not know: the byte-order mark first (`--bom`, in the first piece of a report only),
/// and every byte within `--max-output-bytes`.
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
    if !(run.bom && config.piece.first) {
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
            downloaded: None,
        },
        Err(e) => Outcome::failed(sink.abort(e.into())),
    }
}

/// Starts progress, when asked, against `total` bytes of `inputs` inputs.
pub fn start_progress(
    run: &RunConfig,
    total: Option<u64>,
    inputs: usize,
) -> (Option<Arc<Progress>>, Option<progress::Display>) {
    if !run.progress {
        return (None, None);
    }
    let p = Arc::new(Progress::default());
    let extra = run.live.as_ref().map(|l| {
        let meter = Arc::clone(&l.meter);
        Box::new(move || meter.counts().progress()) as progress::Extra
    });
    let d = progress::Display::start(Arc::clone(&p), total, inputs, run.progress_forced, extra);
    (Some(p), Some(d))
}
