//! `inspector-report`: the command-line shell around `inspector-report-core`.
//!
//! The data flows one way: [`args`] (what was typed) -> [`config`] (checked) -> [`run`]
//! (one conversion: [`source`]s in, a [`sink`] out) -> [`summary`]. [`batch`] runs one
//! conversion per input file; [`diff`] compares two exports into one report. Errors are
//! [`error::CliError`]s, which carry the exit status: 0 success (a closed stdout, as in
//! `| head`, counts as success), 1 bad input, I/O or S3 failure, 2 usage error or a bad
//! filter document, 3 a report written with findings at or above `--fail-on`.

mod args;
mod aws;
mod batch;
mod config;
mod diff;
mod error;
mod filter;
mod progress;
mod run;
mod s3;
mod signals;
mod sink;
mod source;
mod summary;
mod target;

use args::{Cli, Command, NAME};
use clap::{CommandFactory, Parser};
use config::{Mode, RunConfig};
use error::Exit;
use inspector_report_core::{Layout, ReportFormat};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut Cli::command(), NAME, &mut std::io::stdout());
            return ExitCode::SUCCESS;
        }
        Some(Command::Diff(d)) => return diff::main(*d).into(),
        None => cli.args,
    };
    let list_columns = args.list_columns;
    let run = match RunConfig::from_args(args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{NAME}: {e}");
            return e.exit.into();
        }
    };
    if list_columns {
        print_columns(&run);
        return ExitCode::SUCCESS;
    }
    signals::clean_up_on_signals();
    let started = Instant::now();
    let exit: Exit = match &run.mode {
        Mode::Single(output) => run::single(&run, output, started),
        Mode::Batch(dir) => batch::run(&run, dir, started),
    };
    exit.into()
}

/// `--list-columns`: each column of the chosen layout with its rule.
fn print_columns(run: &RunConfig) {
    let columns = match &run.config.format {
        ReportFormat::Csv { columns, .. } => columns.clone(),
        _ => Layout::Inspector.columns(),
    };
    let width = columns.iter().map(|c| c.name().len()).max().unwrap_or(0);
    let mut out = std::io::stdout().lock();
    for c in columns {
        if writeln!(out, "{:width$}  {}", c.name(), c.rule()).is_err() {
            break;
        }
    }
}
