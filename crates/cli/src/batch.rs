//! Batch mode (`--output-dir`): one report per input file, several files at once, each
//! written atomically; a file that fails is reported and the others still complete.

use crate::config::RunConfig;
use crate::error::{CliError, Exit};
use crate::preflight;
use crate::run::{self, Outcome};
use crate::sink::{file::FileSink, folders, Sink};
use crate::source::{self, Source};
use crate::summary::{OutputInfo, Summary};
use crate::terminal::say;
use inspector_report_core::input::report_name;
use inspector_report_core::{Config, InputStats, Progress, Stats};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Converts every input into its own report under `dir` and summarises them; returns the
/// exit status (a failure if any file failed).
pub fn run(run: &RunConfig, dir: &Path, started: Instant) -> Exit {
    let plan = match plan(run, dir) {
        Ok(p) => p,
        // A usage error is said as every usage error is, with no summary.
        Err(error) if error.exit == Exit::Usage => {
            say(&error);
            return Exit::Usage;
        }
        Err(error) => {
            say(&error);
            let s = Summary {
                stats: &Stats::default(),
                outputs: &[],
                batch: true,
                duration: started.elapsed(),
                error: Some(&error.message),
            };
            return s.emit(run, Exit::Failure);
        }
    };
    let passes = if run.dedupe { 2 } else { 1 };
    let total = plan
        .iter()
        .map(|(s, _)| s.size())
        .sum::<Option<u64>>()
        .map(|t| t * passes);
    let (progress, display) = run::start_progress(run, total);
    let (stats, outputs) = convert_all(run, dir, &plan, progress.as_ref());
    if let Some(d) = display {
        d.finish();
    }
    let failed: Vec<&OutputInfo> = outputs.iter().filter(|o| o.error.is_some()).collect();
    // The summary lists the failures; with --quiet they are still said.
    if run.quiet {
        for o in &failed {
            say(format_args!(
                "FAILED {}: {}",
                o.input.as_deref().unwrap_or("?"),
                o.error.as_deref().unwrap_or("")
            ));
        }
    }
    let exit = if failed.is_empty() {
        Exit::Success
    } else {
        Exit::Failure
    };
    let s = Summary {
        stats: &stats,
        outputs: &outputs,
        batch: true,
        duration: started.elapsed(),
        error: None,
    };
    s.emit(run, exit)
}

/// Each input and the report it becomes, with the output folder made. Two inputs that
/// would write the same report (`a.json` and `a.json.gz`) are an error, since one would
/// overwrite the other.
fn plan(run: &RunConfig, dir: &Path) -> Result<Vec<(Source, PathBuf)>, CliError> {
    let expanded = source::expand_relative(&run.inputs, run.live.as_ref())?;
    folders::make_output_dir(dir, &run.files)
        .map_err(|e| CliError::failure(format!("cannot create {}: {e}", dir.display())))?;
    let mut seen: HashMap<PathBuf, String> = HashMap::new();
    let mut jobs = Vec::with_capacity(expanded.len());
    for (source, relative) in expanded {
        let dest = dir.join(report_name(&relative, run.extension));
        let name = source.name();
        if let Some(other) = seen.insert(dest.clone(), name.clone()) {
            return Err(CliError::failure(format!(
                "{other} and {name} would both write {}; convert them in separate runs",
                dest.display()
            )));
        }
        jobs.push((source, dest));
    }
    let mut outputs: Vec<preflight::Output> = jobs
        .iter()
        .map(|(_, dest)| preflight::Output {
            what: format!("--output-dir: the report {}", dest.display()),
            path: dest,
        })
        .collect();
    if let Some(p) = &run.summary_json {
        outputs.push(preflight::Output::option("--summary-json", p));
    }
    let inputs = run::local_inputs(jobs.iter().map(|(s, _)| s));
    preflight::no_output_is_an_input(&inputs, &outputs)?;
    Ok(jobs)
}

/// Converts every job on a pool of `--threads` workers (default: one per core); returns
/// the totals and one entry per job, in input order.
fn convert_all(
    run: &RunConfig,
    dir: &Path,
    plan: &[(Source, PathBuf)],
    progress: Option<&Arc<Progress>>,
) -> (Stats, Vec<OutputInfo>) {
    let workers = match run.config.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(plan.len())
    .max(1);
    // Each file runs its own pipeline on one worker thread: the files are the
    // parallelism, and the machine is not oversubscribed.
    let config = Config {
        threads: 1,
        ..run.config.clone()
    };
    let one =
        |(source, dest): &(Source, PathBuf)| convert_one(run, &config, dir, source, dest, progress);
    let results: Vec<(Stats, OutputInfo)> = match rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .thread_name(|i| format!("inspector-report-batch-{i}"))
        .build()
    {
        // Files of unequal size balance by work stealing: a worker that runs out takes
        // half of what another has left.
        Ok(pool) => pool.install(|| plan.par_iter().map(one).collect()),
        // No threads to be had: one file after another still does the job.
        Err(_) => plan.iter().map(one).collect(),
    };
    let mut total = Stats::default();
    let mut outputs = Vec::with_capacity(results.len());
    for (stats, info) in results {
        total.merge(stats);
        outputs.push(info);
    }
    (total, outputs)
}

/// Converts one file into its report at `dest`, below `dir`: the stats and the
/// summary's entry.
fn convert_one(
    run: &RunConfig,
    config: &Config,
    dir: &Path,
    source: &Source,
    dest: &Path,
    progress: Option<&Arc<Progress>>,
) -> (Stats, OutputInfo) {
    let name = source.name();
    let outcome =
        into_file(run, config, dir, source, dest, progress).unwrap_or_else(Outcome::failed);
    match outcome.delivered {
        Ok(d) => {
            let info = OutputInfo {
                input: Some(name),
                path: d.path,
                bytes: d.bytes,
                findings: outcome.stats.findings_written,
                error: None,
            };
            (outcome.stats, info)
        }
        Err(error) => {
            let info = OutputInfo {
                input: Some(name.clone()),
                path: dest.display().to_string(),
                bytes: 0,
                findings: 0,
                error: Some(error.message),
            };
            // The input is counted, with nothing read from it.
            let stats = Stats {
                inputs: vec![InputStats {
                    name,
                    ..Default::default()
                }],
                ..Stats::default()
            };
            (stats, info)
        }
    }
}

/// The conversion of one file, into a report file below `dir` that names itself in its
/// errors. The folders on the way are made private, and a link among them fails the file.
fn into_file(
    run: &RunConfig,
    config: &Config,
    dir: &Path,
    source: &Source,
    dest: &Path,
    progress: Option<&Arc<Progress>>,
) -> Result<Outcome, CliError> {
    if let Some(parent) = dest.parent() {
        folders::make_folders_below(dir, parent, &run.files).map_err(CliError::failure)?;
    }
    if run.dedupe {
        source::rereadable(std::slice::from_ref(source))?;
    }
    let mut sink = Box::new(FileSink::begin(
        dest,
        dest.display().to_string(),
        &run.files,
    )?);
    let converted = run::convert(
        run,
        config,
        std::slice::from_ref(source),
        progress,
        sink.writer(),
    );
    Ok(run::finish(sink, converted))
}
