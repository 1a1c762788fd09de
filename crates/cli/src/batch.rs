//! Batch mode (`--output-dir`): one report per input file or S3 object, several at once,
//! each written atomically (a file renamed into place, or an S3 multipart upload); a
//! source that fails is reported and the others still complete.
//!
//! Each report is named after its source's path below the directory or prefix that named
//! it, with the extension replaced or added (`2026/11/28/firehose-1-...-0a1b` becomes
//! `DIR/2026/11/28/firehose-1-...-0a1b.csv`). Each source is opened before its report is
//! begun, so a file that the content rule skips gets no report; a directory or prefix
//! whose files are all skipped is a failure.

use crate::config::{BatchOutput, RunConfig};
use crate::error::{CliError, Exit};
use crate::preflight;
use crate::run::{self, Outcome};
use crate::s3::{S3Options, S3Sink};
use crate::sink::{file::FileSink, folders, Sink};
use crate::source::{self, Plan, Planned};
use crate::summary::{OutputInfo, Summary};
use crate::terminal::say;
use inspector_report_core::input::{report_name, Opened};
use inspector_report_core::{Config, Error, InputStats, Progress, Stats};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Where one report of a batch goes.
enum Dest {
    /// A file below the output folder `dir`.
    File { dir: PathBuf, path: PathBuf },
    /// An S3 object (an exact key under the batch's prefix).
    S3(Box<S3Options>),
}

impl Dest {
    /// The report's name in the summary.
    fn name(&self) -> String {
        match self {
            Dest::File { path, .. } => path.display().to_string(),
            Dest::S3(o) => format!("s3://{}/{}", o.destination.bucket, o.destination.key),
        }
    }
}

/// Converts every input into its own report under `out` and summarises them; returns the
/// exit status (a failure if any file failed).
pub fn run(run: &RunConfig, out: &BatchOutput, started: Instant) -> Exit {
    let (plan, dests) = match plan(run, out) {
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
                downloaded: None,
            };
            return s.emit(run, Exit::Failure);
        }
    };
    let passes = if run.dedupe { 2 } else { 1 };
    let total = plan.total_size().map(|t| t * passes);
    let (progress, display) = run::start_progress(run, total, plan.sources.len());
    let (stats, outputs) = convert_all(run, &plan, &dests, progress.as_ref());
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
        downloaded: plan.downloads().map(|c| c.snapshot()),
    };
    s.emit(run, exit)
}

/// The sources and the report each becomes, with the output folder made. Two sources
/// that would write the same report (`a.json` and `a.json.gz`) are an error, since one
/// would overwrite the other, and so is a report that would replace one of the inputs.
fn plan(run: &RunConfig, out: &BatchOutput) -> Result<(Plan, Vec<Dest>), CliError> {
    let plan = source::plan(&run.inputs, &run.reach, run.live.as_ref())?;
    let plan = crate::shard::select(run.shard, plan)?;
    if let BatchOutput::Dir(dir) = out {
        folders::make_output_dir(dir, &run.files)
            .map_err(|e| CliError::failure(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut dests = Vec::with_capacity(plan.sources.len());
    for planned in &plan.sources {
        let dest = match out {
            BatchOutput::Dir(dir) => Dest::File {
                dir: dir.clone(),
                path: dir.join(report_name(&planned.relative, run.extension)),
            },
            BatchOutput::S3(base) => Dest::S3(Box::new(object_options(base, &planned.relative))),
        };
        let name = planned.name();
        if let Some(other) = seen.insert(dest.name(), name.clone()) {
            return Err(CliError::failure(format!(
                "{other} and {name} would both write {}; convert them in separate runs",
                dest.name()
            )));
        }
        dests.push(dest);
    }
    let mut outputs: Vec<preflight::Output> = dests
        .iter()
        .filter_map(|dest| match dest {
            Dest::File { path, .. } => Some(preflight::Output {
                what: format!("--output-dir: the report {}", path.display()),
                path,
            }),
            Dest::S3(_) => None,
        })
        .collect();
    if let Some(p) = &run.summary_json {
        outputs.push(preflight::Output::option("--summary-json", p));
    }
    preflight::no_output_is_an_input(&run::local_inputs(&plan.sources), &outputs)?;
    let objects = dests.iter().filter_map(|dest| match dest {
        Dest::S3(o) => Some(&o.destination),
        Dest::File { .. } => None,
    });
    preflight::no_object_is_an_input(objects, &plan.sources)?;
    Ok((plan, dests))
}

/// The options of the S3 report of the source at `relative` under the batch's prefix:
/// an exact key, the prefix's folder then the report name (`.gz` added for gzip), with a
/// report id of its own.
fn object_options(base: &S3Options, relative: &Path) -> S3Options {
    let d = &base.destination;
    let ext = if d.gzip {
        format!("{}.gz", base.extension)
    } else {
        base.extension.to_string()
    };
    let name = report_name(relative, &ext);
    let folder = d.key_prefix.trim_end_matches('/');
    let name = name.to_string_lossy();
    let key = if folder.is_empty() {
        name.into_owned()
    } else {
        format!("{folder}/{name}")
    };
    let mut o = base.clone();
    o.report_id = uuid::Uuid::new_v4().to_string();
    o.destination.key = key;
    // Named after its input, the key may name an object already there: the
    // no-overwrite rule of an exact key holds.
    o.destination.exact = true;
    o
}

/// Converts every job on a pool of `--threads` workers (default: one per core); returns
/// the totals and one entry per job, in input order (none for a source skipped for its
/// content), then one for each directory or prefix that yielded no input.
fn convert_all(
    run: &RunConfig,
    plan: &Plan,
    dests: &[Dest],
    progress: Option<&Arc<Progress>>,
) -> (Stats, Vec<OutputInfo>) {
    let jobs: Vec<(&Planned, &Dest)> = plan.sources.iter().zip(dests).collect();
    let workers = match run.config.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(jobs.len())
    .max(1);
    // Each file runs its own pipeline on one worker thread: the files are the
    // parallelism, and the machine is not oversubscribed.
    let config = Config {
        threads: 1,
        ..run.config.clone()
    };
    let one =
        |(planned, dest): &(&Planned, &Dest)| convert_one(run, &config, planned, dest, progress);
    let results: Vec<Option<(Stats, OutputInfo)>> = match rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .thread_name(|i| format!("inspector-report-batch-{i}"))
        .build()
    {
        // Files of unequal size balance by work stealing: a worker that runs out takes
        // half of what another has left.
        Ok(pool) => pool.install(|| jobs.par_iter().map(one).collect()),
        // No threads to be had: one file after another still does the job.
        Err(_) => jobs.iter().map(one).collect(),
    };
    let mut total = Stats::default();
    let mut outputs = Vec::with_capacity(results.len());
    let skipped: Vec<bool> = results.iter().map(Option::is_none).collect();
    for ((planned, _), result) in jobs.iter().zip(results) {
        match result {
            Some((stats, info)) => {
                total.merge(stats);
                outputs.push(info);
            }
            None => total.skipped_files.add(planned.name()),
        }
    }
    let planned: Vec<&Planned> = jobs.iter().map(|(p, _)| *p).collect();
    for (n, count) in source::arguments_without_input(&planned, &skipped) {
        let name = &run.inputs[n];
        outputs.push(OutputInfo {
            input: Some(name.clone()),
            path: String::new(),
            bytes: 0,
            findings: 0,
            error: Some(Error::no_input_file(name, count).to_string()),
        });
    }
    (total, outputs)
}

/// Converts one source into its report at `dest`: the stats and the summary's entry, or
/// `None` when the source is skipped for its content.
fn convert_one(
    run: &RunConfig,
    config: &Config,
    planned: &Planned,
    dest: &Dest,
    progress: Option<&Arc<Progress>>,
) -> Option<(Stats, OutputInfo)> {
    let name = planned.name();
    let outcome = match into(run, config, planned, dest, progress) {
        Ok(Some(outcome)) => outcome,
        Ok(None) => return None,
        Err(e) => Outcome::failed(e),
    };
    Some(match outcome.delivered {
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
                path: dest.name(),
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
    })
}

/// The conversion of one source into its report, which names itself in its errors;
/// `None` when the source is skipped for its content. A report file's folders below the
/// output folder are made private, and a link among them fails the source.
fn into(
    run: &RunConfig,
    config: &Config,
    planned: &Planned,
    dest: &Dest,
    progress: Option<&Arc<Progress>>,
) -> Result<Option<Outcome>, CliError> {
    if run.dedupe {
        source::rereadable(std::slice::from_ref(planned))?;
    }
    let input = match planned.open(progress)? {
        Opened::Input(input) => input,
        Opened::Skipped(_) => return Ok(None),
    };
    let mut sink: Box<dyn Sink> = match dest {
        Dest::File { dir, path } => {
            if let Some(parent) = path.parent() {
                folders::make_folders_below(dir, parent, &run.files).map_err(CliError::failure)?;
            }
            Box::new(FileSink::begin(
                path,
                path.display().to_string(),
                &run.files,
            )?)
        }
        Dest::S3(o) => Box::new(S3Sink::begin(o)?),
    };
    // De-duplication reads the source twice: the input opened above, then a new one.
    let first = Mutex::new(Some(input));
    let open = || {
        let taken = first.lock().ok().and_then(|mut f| f.take());
        let input = match taken {
            Some(input) => Some(Ok(input)),
            None => match planned.open(progress) {
                Ok(Opened::Input(input)) => Some(Ok(input)),
                // The same-inputs check of the second pass reports the change.
                Ok(Opened::Skipped(_)) => None,
                Err(e) => Some(Err(e)),
            },
        };
        input.into_iter()
    };
    let converted = run::write_out(run, config, sink.writer(), |out| match run.dedupe {
        false => inspector_report_core::convert(config, open(), out),
        true => inspector_report_core::dedupe::convert(config, open, out),
    });
    Ok(Some(run::finish(sink, converted)))
}
