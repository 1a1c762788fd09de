//! `inspector-report`: the command-line shell around `inspector-report-core`.
//!
//! Exit status: 0 success (a closed stdout, as in `| head`, counts as success), 1 bad
//! input, I/O or S3 failure, 2 usage error or a bad filter document.

mod args;
mod batch;
mod config;
mod output;
mod progress;
mod s3;
mod summary;

use args::{Args, Command};
use clap::{CommandFactory, Parser};
use config::{RunConfig, Target, UsageError};
use inspector_report_core::{convert, input, Input, Progress, ReportFormat, Source, Stats};
use output::Output;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use summary::{OutputInfo, Summary};

pub(crate) const NAME: &str = "inspector-report";

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(Command::Completions { shell }) = args.command {
        clap_complete::generate(shell, &mut Args::command(), NAME, &mut std::io::stdout());
        return ExitCode::SUCCESS;
    }
    let list_columns = args.list_columns;
    let run = match RunConfig::from_args(args) {
        Ok(r) => r,
        Err(UsageError(msg)) => {
            eprintln!("{NAME}: {msg}");
            return ExitCode::from(2);
        }
    };
    if list_columns {
        return print_columns(&run);
    }
    on_signals_clean_up();
    let started = Instant::now();
    let code = match &run.output_dir {
        Some(dir) => batch_run(&run, dir, started),
        None => single_run(&run, started),
    };
    ExitCode::from(code)
}

/// SIGINT and SIGTERM stop the run: temporary report files are removed, an S3 upload in
/// progress is aborted, and the exit status is 128 + the signal, as shells report it. No
/// partial report is left behind.
fn on_signals_clean_up() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("inspector-report-signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                output::remove_temporaries();
                let name = if sig == SIGINT { "SIGINT" } else { "SIGTERM" };
                s3::cancel(name);
                eprintln!("{NAME}: interrupted by {name}; no report was written");
                std::process::exit(128 + sig);
            }
        });
}

/// `--list-columns`: each column of the chosen layout with its rule.
fn print_columns(run: &RunConfig) -> ExitCode {
    let columns = match &run.config.format {
        ReportFormat::Csv { columns, .. } => columns.clone(),
        _ => inspector_report_core::Layout::Inspector.columns(),
    };
    let width = columns.iter().map(|c| c.name().len()).max().unwrap_or(0);
    let mut out = std::io::stdout().lock();
    for c in columns {
        if writeln!(out, "{:width$}  {}", c.name(), c.rule()).is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}

/// Starts progress, when asked, against `total` bytes.
fn start_progress(
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

/// Prints the human summary and writes the JSON one; returns `code`, or 1 if the JSON
/// summary cannot be written.
pub(crate) fn report(run: &RunConfig, s: &Summary, code: u8) -> u8 {
    if !run.quiet && (code == 0 || s.batch) {
        for line in s.lines() {
            eprintln!("{NAME}: {line}");
        }
    }
    if let Some(p) = &run.summary_json {
        if let Err(e) = s.write_json(p) {
            eprintln!("{NAME}: cannot write the summary to {}: {e}", p.display());
            return 1;
        }
    }
    code
}

fn single_run(run: &RunConfig, started: Instant) -> u8 {
    let fail = |msg: String, stats: &Stats, started: Instant| -> u8 {
        eprintln!("{NAME}: {msg}");
        report_failed(run, stats, &msg, started)
    };
    let sources = match input::expand(&run.inputs) {
        Ok(s) => s,
        Err(e) => return fail(e.to_string(), &Stats::default(), started),
    };
    let mut out = match &run.target {
        Target::S3(_) => match &run.s3 {
            Some(o) => return s3::run(run, o, &sources, started),
            None => unreachable!("an S3 target is validated into RunConfig::s3"),
        },
        Target::Stdout => Output::stdout(),
        Target::File(p) => match Output::file(p) {
            Ok(o) => o,
            Err(e) => {
                return fail(
                    format!("cannot write the report to {}: {e}", p.display()),
                    &Stats::default(),
                    started,
                )
            }
        },
    };
    let result = convert_sources(run, &sources, out.writer());
    let stats = match result {
        Ok(s) => s,
        // The reader of stdout went away: not an error, and nothing more to say.
        Err(e) if e.is_broken_pipe() => return 0,
        // `out` is dropped here: a file target's temporary file is removed.
        Err(e) => return fail(e.to_string(), &Stats::default(), started),
    };
    if let Err(e) = out.commit() {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return 0;
        }
        return fail(
            format!("write error: finishing the report: {e}"),
            &stats,
            started,
        );
    }
    let path = match &run.target {
        Target::File(p) => p.display().to_string(),
        _ => "-".to_string(),
    };
    report_written(run, &stats, path, stats.bytes_written, started)
}

/// Summarises a single run that wrote its report, `bytes` long, to `path`; returns the
/// exit status.
pub(crate) fn report_written(
    run: &RunConfig,
    stats: &Stats,
    path: String,
    bytes: u64,
    started: Instant,
) -> u8 {
    let outputs = [OutputInfo {
        input: None,
        path,
        bytes,
        findings: stats.findings_written,
        error: None,
    }];
    let s = Summary {
        stats,
        outputs: &outputs,
        batch: false,
        duration: started.elapsed(),
        error: None,
    };
    report(run, &s, 0)
}

/// Summarises a single run that failed with `msg` (already printed); returns the exit
/// status.
pub(crate) fn report_failed(run: &RunConfig, stats: &Stats, msg: &str, started: Instant) -> u8 {
    let s = Summary {
        stats,
        outputs: &[],
        batch: false,
        duration: started.elapsed(),
        error: Some(msg),
    };
    report(run, &s, 1)
}

/// Converts `sources`, in order, into one report written to `out`, with progress.
pub(crate) fn convert_sources(
    run: &RunConfig,
    sources: &[Source],
    out: &mut dyn Write,
) -> inspector_report_core::Result<Stats> {
    let total = sources.iter().map(|s| s.size()).sum::<Option<u64>>();
    let (progress, display) = start_progress(run, total);
    let mut config = run.config.clone();
    config.progress = progress.clone();
    let inputs = sources.iter().map(|s| {
        s.open_counting(progress.as_ref()).map(|reader| Input {
            name: s.name(),
            reader,
        })
    });
    let result = convert(&config, inputs, out);
    if let Some(d) = display {
        d.finish();
    }
    result
}

fn batch_run(run: &RunConfig, dir: &std::path::Path, started: Instant) -> u8 {
    let plan = match batch::Plan::new(run, dir) {
        Ok(p) => p,
        Err(msg) => {
            eprintln!("{NAME}: {msg}");
            let s = Summary {
                stats: &Stats::default(),
                outputs: &[],
                batch: true,
                duration: started.elapsed(),
                error: Some(&msg),
            };
            return report(run, &s, 1);
        }
    };
    let (progress, display) = start_progress(run, plan.total_bytes());
    let (stats, outputs) = plan.run(run, progress.as_ref());
    if let Some(d) = display {
        d.finish();
    }
    let failed = outputs.iter().any(|o| o.error.is_some());
    if run.quiet {
        for o in outputs.iter().filter(|o| o.error.is_some()) {
            eprintln!(
                "{NAME}: FAILED {}: {}",
                o.input.as_deref().unwrap_or("?"),
                o.error.as_deref().unwrap_or("")
            );
        }
    }
    let s = Summary {
        stats: &stats,
        outputs: &outputs,
        batch: true,
        duration: started.elapsed(),
        error: None,
    };
    report(run, &s, u8::from(failed))
}
