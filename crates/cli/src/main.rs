//! `inspector-report`: the command-line shell around `inspector-report-core`.
//!
//! Exit status: 0 success (a closed stdout, as in `| head`, counts as success), 1 bad
//! input or I/O failure, 2 usage error.

mod args;
mod config;
mod output;

use args::Args;
use clap::Parser;
use config::{RunConfig, Target, UsageError};
use inspector_report_core::{convert, input, Input};
use output::Output;
use std::process::ExitCode;

const NAME: &str = "inspector-report";

fn main() -> ExitCode {
    let args = Args::parse();
    let run = match RunConfig::from_args(args) {
        Ok(r) => r,
        Err(UsageError(msg)) => {
            eprintln!("{NAME}: {msg}");
            return ExitCode::from(2);
        }
    };
    match execute(&run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Error(msg)) => {
            eprintln!("{NAME}: {msg}");
            ExitCode::from(1)
        }
    }
}

enum Failure {
    /// The reader of stdout went away: not an error.
    BrokenPipe,
    Error(String),
}

fn execute(run: &RunConfig) -> Result<(), Failure> {
    let sources = input::expand(&run.inputs).map_err(|e| Failure::Error(e.to_string()))?;
    let mut out = match &run.target {
        Target::Stdout => Output::stdout(),
        Target::File(p) => Output::file(p).map_err(|e| {
            Failure::Error(format!("cannot write the report to {}: {e}", p.display()))
        })?,
    };
    let inputs = sources.iter().map(Input::open);
    let stats = match convert(&run.config, inputs, out.writer()) {
        Ok(s) => s,
        Err(e) if e.is_broken_pipe() => return Err(Failure::BrokenPipe),
        // `out` is dropped here: a file target's temporary file is removed.
        Err(e) => return Err(Failure::Error(e.to_string())),
    };
    out.commit().map_err(|e| match e.kind() {
        std::io::ErrorKind::BrokenPipe => Failure::BrokenPipe,
        _ => Failure::Error(format!("write error: finishing the report: {e}")),
    })?;
    if !run.quiet {
        for line in stats.to_string().lines() {
            eprintln!("{NAME}: {line}");
        }
    }
    Ok(())
}
