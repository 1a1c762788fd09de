//! What a run reads: the inputs named on the command line, expanded into sources, and
//! opened one after another as the converter asks for them.
//!
//! A directory stands for the files below it, and each of them is admitted or skipped by
//! its content when it is opened ([`Rule::Found`]): the bytes that decide are the first
//! bytes of the stream the converter goes on to read. A source the core does not reach by
//! itself (an S3 object, the Inspector API) is another variant of [`Source`], opened into
//! the same [`Input`].

use crate::error::CliError;
use inspector_report_core::input::{self, Opened, Rule};
use inspector_report_core::{Error, Input, Progress, Result, SkippedFiles};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// One source of findings.
pub enum Source {
    /// Standard input or a file, read by the core.
    Local(input::Source),
}

impl Source {
    /// The name in messages and summaries.
    pub fn name(&self) -> String {
        match self {
            Source::Local(s) => s.name(),
        }
    }
}

/// A source as a run plans it: what it is, where it was found, and its size.
pub struct Planned {
    /// The source.
    pub source: Source,
    /// Its path below the directory that named it (the file name for a file named
    /// itself): batch mode names its report after it.
    pub relative: PathBuf,
    /// Named itself, or found in a directory (the content rule decides).
    pub rule: Rule,
    /// The index of the input argument it came from.
    pub argument: usize,
    /// Its size in bytes, where known before reading (for progress and shards).
    pub size: Option<u64>,
}

impl Planned {
    /// The name in messages and summaries.
    pub fn name(&self) -> String {
        self.source.name()
    }

    /// Opens it under its rule, counting the bytes read into `progress`.
    pub fn open(&self, progress: Option<&Arc<Progress>>) -> Result<Opened> {
        match &self.source {
            Source::Local(s) => s.open_as(self.rule, progress),
        }
    }
}

/// The sources `names` stand for, in order: a directory is expanded when the run starts,
/// so an unreadable or empty one is an input error (exit 1) that names it.
pub fn plan(names: &[String]) -> std::result::Result<Vec<Planned>, CliError> {
    let local = input::expand_relative(names).map_err(|e| CliError::failure(e.to_string()))?;
    Ok(local
        .into_iter()
        .map(|e| Planned {
            size: e.size.or_else(|| e.source.size()),
            source: Source::Local(e.source),
            relative: e.relative,
            rule: e.rule,
            argument: e.argument,
        })
        .collect())
}

/// The bytes of every source, when every size is known.
pub fn total_size(planned: &[Planned]) -> Option<u64> {
    planned.iter().map(|p| p.size).sum()
}

/// Opens `planned` in order as the converter asks for each input: a source skipped for
/// its content is counted in `skipped`, and an argument (a directory) whose sources are
/// all skipped ends the run with an error that names it. `names` are the input arguments
/// as given.
pub fn inputs<'a>(
    planned: &'a [Planned],
    names: &'a [String],
    progress: Option<&'a Arc<Progress>>,
    skipped: &'a Mutex<SkippedFiles>,
) -> impl Iterator<Item = Result<Input>> + Send + 'a {
    Opening {
        planned: planned.iter(),
        names,
        progress,
        skipped,
        argument: None,
        failed: false,
    }
}

/// The state of [`inputs`].
struct Opening<'a, I> {
    planned: I,
    names: &'a [String],
    progress: Option<&'a Arc<Progress>>,
    skipped: &'a Mutex<SkippedFiles>,
    /// The argument being opened: its index, and how many of its sources were admitted
    /// and skipped so far.
    argument: Option<(usize, u64, u64)>,
    failed: bool,
}

impl<'a, I: Iterator<Item = &'a Planned>> Opening<'a, I> {
    /// The error for the argument just finished, if it yielded no input.
    fn check_finished(&mut self) -> Option<Error> {
        match self.argument.take() {
            Some((n, 0, skipped)) if skipped > 0 => {
                Some(Error::no_input_file(&self.names[n], skipped))
            }
            _ => None,
        }
    }
}

impl<'a, I: Iterator<Item = &'a Planned>> Iterator for Opening<'a, I> {
    type Item = Result<Input>;

    fn next(&mut self) -> Option<Result<Input>> {
        if self.failed {
            return None;
        }
        loop {
            let Some(p) = self.planned.next() else {
                return self.check_finished().map(|e| {
                    self.failed = true;
                    Err(e)
                });
            };
            if self.argument.is_some_and(|(n, ..)| n != p.argument) {
                if let Some(e) = self.check_finished() {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
            let counts = self.argument.get_or_insert((p.argument, 0, 0));
            match p.open(self.progress) {
                Ok(Opened::Input(i)) => {
                    counts.1 += 1;
                    return Some(Ok(i));
                }
                Ok(Opened::Skipped(_)) => {
                    counts.2 += 1;
                    if let Ok(mut s) = self.skipped.lock() {
                        s.add(p.name());
                    }
                }
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

/// The arguments (by index) whose sources, found in a directory, were all skipped for
/// their content, each with how many were skipped, given which of `planned` were
/// skipped: for batch mode, which opens its sources in no set order.
pub fn arguments_without_input(planned: &[&Planned], skipped: &[bool]) -> Vec<(usize, u64)> {
    // Per argument: were all skipped so far, and how many.
    let mut found: BTreeMap<usize, (bool, u64)> = BTreeMap::new();
    for (p, s) in planned.iter().zip(skipped) {
        if p.rule == Rule::Found {
            let (all, n) = found.entry(p.argument).or_insert((true, 0));
            *all &= *s;
            *n += 1;
        }
    }
    found
        .into_iter()
        .filter(|(_, (all, _))| *all)
        .map(|(argument, (_, n))| (argument, n))
        .collect()
}
