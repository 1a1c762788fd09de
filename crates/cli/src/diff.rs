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
use inspector_report_core::{Config, SkippedFiles};
use std::sync::Mutex;
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
    if args.shard.is_some() {
        // A comparison needs every finding of both sides in one place.
        return Err(CliError::usage(
            "diff compares whole exports and cannot be split into shards; run it once, \
             without --shard",
        ));
    }
    if old == "-" {
        return Err(CliError::usage(
            "OLD cannot be standard input: only NEW may be `-`",
        ));
    }
    Ok(())
}

/// Plans both sides, checks that no output is one of them, begins the sink, saves a
/// side that can be read only once, compares and finishes.
fn deliver(run: &RunConfig, output: &Output, old: &str, new: &str) -> Result<Outcome, CliError> {
    // Each side connects to the API only when it is live.
    let plan = |name: &str| {
        let live = run.live.as_ref().filter(|_| live::regions(name).is_some());
        source::plan(&[name.to_string()], &run.reach, live)
    };
    let (mut old_plan, mut new_plan) = (plan(old)?, plan(new)?);
    run::no_output_is_an_input(run, output, &old_plan.sources)?;
    run::no_output_is_an_input(run, output, &new_plan.sources)?;
    let mut sink = run::begin(run, output)?;
    let both = || old_plan.sources.iter().chain(&new_plan.sources);
    // Sizes are known when every side is a file or an object: each is read twice.
    let total = both()
        .map(|p| p.size.filter(|_| p.source.rereadable()))
        .sum::<Option<u64>>();
    let (progress, display) = run::start_progress(run, total.map(|t| t * 2), both().count());
    let p = progress.as_ref();
    // The destination is ready (an S3 upload started) before standard input is read.
    let dir = std::env::temp_dir();
    let spooled = source::spool_once_read(&mut old_plan.sources, &dir, p)
        .and_then(|()| source::spool_once_read(&mut new_plan.sources, &dir, p));
    if let Err(e) = spooled {
        if let Some(d) = display {
            d.finish();
        }
        return Ok(Outcome::failed(sink.abort(e)));
    }
    let config = Config {
        progress: progress.clone(),
        ..run.config.clone()
    };
    let options = run.diff.unwrap_or_default();
    let names = [vec![old.to_string()], vec![new.to_string()]];
    let skipped: [Mutex<SkippedFiles>; 2] = Default::default();
    // Each pass over a side counts its skipped files anew: the summary tells one pass's.
    let plans = [&old_plan, &new_plan];
    let open = |side: usize| {
        if let Ok(mut s) = skipped[side].lock() {
            *s = SkippedFiles::default();
        }
        source::inputs(&plans[side].sources, &names[side], p, &skipped[side])
    };
    let compared = run::write_out(run, &config, sink.writer(), |out| {
        compare(&config, options, || open(0), || open(1), out)
    });
    if let Some(d) = display {
        d.finish();
    }
    let mut outcome = run::finish(sink, compared);
    for s in skipped {
        outcome
            .stats
            .skipped_files
            .merge(s.into_inner().unwrap_or_default());
    }
    Ok(outcome)
}
