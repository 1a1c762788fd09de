//! What a run reads: the inputs named on the command line, expanded into sources, and
//! opened one after another as the converter asks for them.
//!
//! A directory or an S3 prefix stands for the files below it, and each of them is
//! admitted or skipped by its content when it is opened ([`Rule::Found`]): the bytes that
//! decide are the first bytes of the stream the converter goes on to read. A source the
//! core does not reach by itself (an S3 object, a region of the Inspector API) is another
//! variant of [`Source`], opened into the same [`Input`].
//!
//! De-duplication and `diff` read their sources twice ([`Source::rereadable`]): a file or
//! an S3 object can be opened again; standard input and live findings cannot. `diff`
//! saves those to a private temporary file first ([`Spool`]).

mod spool;

pub use spool::{rereadable, spool_once_read, Spool, LIVE_NOT_DEDUPED};

use crate::args::AwsArgs;
use crate::error::CliError;
use crate::live::{self, LiveOptions, RegionSource, Session};
use crate::s3_input::download::Counts;
use crate::s3_input::{self, S3Inputs, S3Source};
use inspector_report_core::input::{self, Opened, Rule};
use inspector_report_core::{Error, Input, Progress, Result, SkippedFiles};
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

/// One source of findings.
pub enum Source {
    /// Standard input or a file, read by the core.
    Local(input::Source),
    /// An S3 object, read in ranged GETs.
    S3(S3Source),
    /// One region's findings, read live (`inspector2://REGION`).
    Live(RegionSource),
    /// A source that can be read only once (standard input, a region), saved to a
    /// temporary file to be read more than once.
    Spooled(Spool),
}

impl Source {
    /// The name in messages and summaries.
    pub fn name(&self) -> String {
        match self {
            Source::Local(s) => s.name(),
            Source::S3(s) => s.object.name(),
            Source::Live(s) => s.name(),
            Source::Spooled(s) => s.name().to_string(),
        }
    }

    /// The local file it reads, when it is one (standard input is not).
    pub fn local_file(&self) -> Option<&std::path::Path> {
        match self {
            Source::Local(input::Source::File(p)) => Some(p),
            Source::Local(_) | Source::S3(_) | Source::Live(_) | Source::Spooled(_) => None,
        }
    }

    /// True when it can be opened again and reads the same (a file, an S3 object or a
    /// saved copy; not standard input, nor live findings).
    pub fn rereadable(&self) -> bool {
        match self {
            Source::Local(input::Source::Stdin) | Source::Live(_) => false,
            Source::Local(input::Source::File(_)) | Source::S3(_) | Source::Spooled(_) => true,
        }
    }
}

/// How a run reaches the inputs that are not local.
#[derive(Clone, Debug)]
pub struct Reach {
    /// The AWS options (`--region`, `--profile`, `--endpoint-url`).
    pub aws: AwsArgs,
    /// `--download-concurrency`: S3 ranges fetched or held at once.
    pub download_concurrency: usize,
}

/// Every source of a run, in order, and what reaching them needs.
pub struct Plan {
    /// The sources.
    pub sources: Vec<Planned>,
    /// The S3 client of the inputs, when an input is in S3. Dropped after the sources.
    s3: Option<S3Inputs>,
}

impl Plan {
    /// What the S3 inputs downloaded so far, when there are any.
    pub fn downloads(&self) -> Option<&Arc<Counts>> {
        self.s3.as_ref().map(S3Inputs::counts)
    }

    /// The bytes of every source, when every size is known.
    pub fn total_size(&self) -> Option<u64> {
        self.sources.iter().map(|p| p.size).sum()
    }

    /// Keeps only the sources in `range` (a shard's run).
    pub fn keep(&mut self, range: Range<usize>) {
        let outside: HashSet<usize> = self.sources[..range.start]
            .iter()
            .chain(&self.sources[range.end..])
            .map(|p| p.argument)
            .collect();
        self.sources.truncate(range.end);
        self.sources.drain(..range.start);
        for p in &mut self.sources {
            p.partial = outside.contains(&p.argument);
        }
    }

    /// Says that the sources are read one after another, in order (one report), so that
    /// S3 objects download ahead of the reader.
    pub fn read_in_order(&self) {
        s3_input::read_in_order(self.sources.iter().filter_map(|p| match &p.source {
            Source::S3(s) => Some(s),
            Source::Local(_) | Source::Live(_) | Source::Spooled(_) => None,
        }));
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
    /// Only some of that argument's sources are in this run (a shard): whether the
    /// argument yields an input at all is not this run's to tell.
    pub partial: bool,
    /// Its size in bytes, where known before reading (for progress and shards).
    pub size: Option<u64>,
}

impl Planned {
    /// The name in messages and summaries.
    pub fn name(&self) -> String {
        self.source.name()
    }

    /// Opens it under its rule, counting the bytes read (as stored, and after
    /// decompression) into `progress`.
    pub fn open(&self, progress: Option<&Arc<Progress>>) -> Result<Opened> {
        if let Some(p) = progress {
            p.inputs_opened.fetch_add(1, Ordering::Relaxed);
        }
        match &self.source {
            Source::Local(s) => s.open_as(self.rule, progress),
            Source::S3(s) => {
                let raw: Box<dyn std::io::Read + Send> = Box::new(s.reader());
                let raw = match progress {
                    Some(p) => input::counted(raw, p),
                    None => raw,
                };
                input::open_input(&self.name(), raw, self.rule, progress)
            }
            Source::Live(s) => s.open(progress).map(Opened::Input),
            Source::Spooled(s) => s.open(self.rule, progress),
        }
    }
}

/// Whether an input argument names S3.
pub fn is_s3(name: &str) -> bool {
    name.starts_with("s3://")
}

/// The sources `names` stand for, in order: directories are listed and S3 prefixes listed
/// when the run starts, so an unreadable or empty one is an input error (exit 1) that
/// names it. A live input stands for one source per region, connected with `live` (set
/// whenever a name is live).
pub fn plan(
    names: &[String],
    reach: &Reach,
    live: Option<&LiveOptions>,
) -> std::result::Result<Plan, CliError> {
    let mut regions = match live {
        Some(o) => Session::connect(o, names)?.into_iter(),
        None => Vec::new().into_iter(),
    };
    let mut s3: Option<S3Inputs> = None;
    let mut sources = Vec::new();
    for (argument, name) in names.iter().enumerate() {
        if let Some(Ok(named)) = live::regions(name) {
            // `inspector2://` is the one configured region.
            for region in regions.by_ref().take(named.len().max(1)) {
                sources.push(Planned {
                    relative: PathBuf::from(region.region()),
                    source: Source::Live(region),
                    rule: Rule::Named,
                    argument,
                    partial: false,
                    size: None,
                });
            }
            continue;
        }
        if is_s3(name) {
            let inputs = match &mut s3 {
                Some(s) => s,
                None => s3.insert(S3Inputs::connect(&reach.aws, reach.download_concurrency)?),
            };
            for found in inputs.expand(name)? {
                sources.push(Planned {
                    size: Some(found.source.object.size),
                    source: Source::S3(found.source),
                    relative: PathBuf::from(found.relative),
                    rule: found.rule,
                    argument,
                    partial: false,
                });
            }
            continue;
        }
        let local = input::expand_relative(std::slice::from_ref(name))
            .map_err(|e| CliError::failure(e.to_string()))?;
        sources.extend(local.into_iter().map(|e| Planned {
            size: e.size.or_else(|| e.source.size()),
            source: Source::Local(e.source),
            relative: e.relative,
            rule: e.rule,
            argument,
            partial: false,
        }));
    }
    Ok(Plan { sources, s3 })
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
            if p.partial {
                // Never "no input" for an argument only partly in this run.
                counts.1 += 1;
            }
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
        if p.rule == Rule::Found && !p.partial {
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
