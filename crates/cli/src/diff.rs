//! `inspector-report diff [OPTIONS] OLD NEW`: the compared report of two exports (spec 6),
//! with the options of a conversion (filters, formats, `-o` with S3, `--summary-json`,
//! `--fail-on`), checked, written and summarised as a conversion's report is.
//!
//! Each side is read twice ([`inspector_report_core::diff`]); a side that can be read only
//! once (NEW given as `-`, or live findings) is saved to a private temporary file first
//! ([`source::Spool`]).

use crate::args::{Args, DiffArgs};
use crate::config::{Mode, Output, RunConfig};
use crate::error::{CliError, Exit};
use crate::live;
use crate::preflight;
use crate::run::{self, Outcome};
use crate::signals;
use crate::source;
use crate::terminal::say;
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
        let run = RunConfig::from_args(args)?;
        preflight::outputs_writable(&run.output_paths())?;
        Ok(run)
    });
    let mut run = match checked {
        Ok(run) => run,
        Err(e) => {
            say(&e);
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

/// Expands both sides, checks that no output is one of them, begins the sink, saves a
/// side that can be read only once, compares and finishes.
fn deliver(run: &RunConfig, output: &Output, old: &str, new: &str) -> Result<Outcome, CliError> {
    // Each side connects to the API only when it is live.
    let expand = |name: &str| {
        let live = run.live.as_ref().filter(|_| live::regions(name).is_some());
        source::expand(&[name.to_string()], live)
    };
    let old_sources = expand(old)?;
    let new_sources = expand(new)?;
    let both = || old_sources.iter().chain(&new_sources);
    run::no_output_is_an_input(run, output, both())?;
    let mut sink = run::begin(run, output)?;
    // Sizes are known when every side is a file: each is read twice.
    let total = both()
        .map(|s| s.size().filter(|_| s.rereadable()))
        .sum::<Option<u64>>();
    let (progress, display) = run::start_progress(run, total.map(|t| t * 2));
    let p = progress.as_ref();
    // The destination is ready (an S3 upload started) before standard input is read.
    let dir = std::env::temp_dir();
    let spooled = source::spool_once_read(old_sources, &dir, p).and_then(|old| {
        let new = source::spool_once_read(new_sources, &dir, p)?;
        Ok((old, new))
    });
    let (old_sources, new_sources) = match spooled {
        Ok(sides) => sides,
        Err(e) => {
            if let Some(d) = display {
                d.finish();
            }
            return Ok(Outcome::failed(sink.abort(e)));
        }
    };
    let config = Config {
        progress: progress.clone(),
        ..run.config.clone()
    };
    let options = run.diff.unwrap_or_default();
    let compared = run::write_out(run, &config, sink.writer(), |out| {
        compare(
            &config,
            options,
            || old_sources.iter().map(|s| s.open(p)),
            || new_sources.iter().map(|s| s.open(p)),
            out,
        )
    });
    if let Some(d) = display {
        d.finish();
    }
    Ok(run::finish(sink, compared))
}
