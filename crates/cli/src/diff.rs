//! `inspector-report diff [OPTIONS] OLD NEW`: the compared report of two exports (spec 6),
//! with the options of a conversion (filters, formats, `-o` with S3, `--summary-json`,
//! `--fail-on`), written and summarised as a conversion's report is.
//!
//! Each side is read twice ([`inspector_report_core::diff`]); NEW given as `-` is saved
//! to a temporary file first ([`Spool`]).

use crate::args::{Args, DiffArgs, NAME};
use crate::config::{Mode, Output, RunConfig};
use crate::error::{CliError, Exit};
use crate::run::{self, Outcome};
use crate::signals;
use crate::source::{self, Source, Spool};
use inspector_report_core::diff::{compare, DiffOptions};
use inspector_report_core::Config;
use std::time::Instant;

/// Runs `diff`; returns the exit status.
pub fn main(d: DiffArgs) -> Exit {
    let DiffArgs {
        old,
        new,
        include_unchanged,
        mut args,
    } = d;
    let checked = refuse(&args, &old).and_then(|()| {
        args.inputs = vec![old.clone(), new.clone()];
        RunConfig::from_args(args)
    });
    let mut run = match checked {
        Ok(run) => run,
        Err(e) => {
            eprintln!("{NAME}: {e}");
            return e.exit;
        }
    };
    run.diff = Some(DiffOptions { include_unchanged });
    let Mode::Single(output) = &run.mode else {
        unreachable!("--output-dir is refused above")
    };
    signals::clean_up_on_signals();
    let started = Instant::now();
    run::summarise(&run, started, deliver(&run, output, &old, &new))
}

/// The options of a conversion that mean nothing to a comparison.
fn refuse(args: &Args, old: &str) -> Result<(), CliError> {
    if !args.inputs.is_empty() {
        return Err(CliError::usage(format!(
            "diff compares two exports, OLD and NEW; {:?} is one more (a side with several \
             files is a directory)",
            args.inputs[0]
        )));
    }
    if args.output_dir.is_some() {
        return Err(CliError::usage(
            "diff writes one report; give it with -o, not --output-dir",
        ));
    }
    if args.list_columns {
        return Err(CliError::usage(
            "--list-columns is an option of its own: inspector-report --list-columns",
        ));
    }
    if old == "-" {
        return Err(CliError::usage(
            "OLD cannot be standard input: only NEW may be `-`",
        ));
    }
    Ok(())
}

/// Expands both sides, begins the sink, compares and finishes.
fn deliver(run: &RunConfig, output: &Output, old: &str, new: &str) -> Result<Outcome, CliError> {
    let old_sources = source::expand(&[old.to_string()])?;
    let new_local = match new {
        "-" => Vec::new(),
        _ => source::expand(&[new.to_string()])?,
    };
    source::rereadable(&old_sources)?;
    source::rereadable(&new_local)?;
    let mut sink = run::begin(output)?;
    // The destination is ready (an S3 upload started) before standard input is read.
    let new_sources = match new {
        "-" => match Spool::stdin(&std::env::temp_dir()) {
            Ok(spool) => vec![Source::Spooled(spool)],
            Err(e) => return Ok(Outcome::failed(sink.abort(e))),
        },
        _ => new_local,
    };
    let total = old_sources
        .iter()
        .chain(&new_sources)
        .map(Source::size)
        .sum::<Option<u64>>();
    let (progress, display) = run::start_progress(run, total.map(|t| t * 2));
    let config = Config {
        progress: progress.clone(),
        ..run.config.clone()
    };
    let options = run.diff.unwrap_or_default();
    let p = progress.as_ref();
    let compared = compare(
        &config,
        options,
        || old_sources.iter().map(|s| s.open(p)),
        || new_sources.iter().map(|s| s.open(p)),
        sink.writer(),
    );
    if let Some(d) = display {
        d.finish();
    }
    Ok(run::finish(sink, compared))
}
