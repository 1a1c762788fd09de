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
mod bom;
mod compose;
mod config;
mod diff;
mod error;
mod filter;
mod live;
mod preflight;
mod progress;
mod run;
mod s3;
mod s3_input;
mod shard;
mod shell;
mod signals;
mod sink;
mod size;
mod source;
mod summary;
mod target;
mod terminal;

use args::{Cli, Command, NAME};
use clap::{CommandFactory, Parser};
use config::{Mode, RunConfig};
use error::Exit;
use inspector_report_core::{Layout, ReportFormat};
use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => return parse_error(e),
    };
    let args = match cli.command {
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut Cli::command(), NAME, &mut std::io::stdout());
            return ExitCode::SUCCESS;
        }
        Some(Command::Compose(c)) => {
            signals::clean_up_on_signals();
            return compose::run(&c).into();
        }
        Some(Command::Diff(d)) => return diff::main(*d).into(),
        None => cli.args,
    };
    let list_columns = args.list_columns;
    let run = match RunConfig::from_args(args) {
        Ok(r) => r,
        Err(e) => {
            terminal::say(&e);
            return e.exit.into();
        }
    };
    if list_columns {
        print_columns(&run);
        return ExitCode::SUCCESS;
    }
    if let Err(e) = preflight::outputs_writable(&run.output_paths()) {
        terminal::say(&e);
        return e.exit.into();
    }
    if run.stdin_by_default && !run.quiet && std::io::stdin().is_terminal() {
        terminal::say("reading findings from standard input (end with Ctrl-D; --help for usage)");
    }
    signals::clean_up_on_signals();
    let started = Instant::now();
    let exit: Exit = match &run.mode {
        Mode::Single(output) => run::single(&run, output, started),
        Mode::Batch(out) => batch::run(&run, out, started),
    };
    exit.into()
}

/// What clap says about the command line: help and version as clap prints them, and a
/// usage error escaped for the terminal, as every message is, since it quotes the values
/// given (styled as clap styles it when there is nothing to escape).
fn parse_error(e: clap::Error) -> ExitCode {
    let code = ExitCode::from(e.exit_code().clamp(0, 255) as u8);
    let plain = e.render().to_string();
    match terminal::escape_lines(&plain) {
        Cow::Owned(safe) if e.use_stderr() => eprint!("{safe}"),
        _ => {
            let _ = e.print();
        }
    }
    code
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
