//! What a run reads: the inputs named on the command line, expanded into sources.
//!
//! A local source (a file, a directory's files, or `-`) is opened by the core. A source
//! the core does not reach by itself (the Inspector API) is another variant here, opened
//! into the same [`Input`].

use crate::error::CliError;
use crate::live::{self, LiveOptions, RegionSource, Session};
use inspector_report_core::{input, Input, Progress, Result};
use std::path::PathBuf;
use std::sync::Arc;

/// One source of findings.
pub enum Source {
    /// Standard input or a file, read by the core.
    Local(input::Source),
    /// One region's findings, read live (`inspector2://REGION`).
    Live(RegionSource),
}

impl Source {
    /// The name in messages and summaries.
    pub fn name(&self) -> String {
        match self {
            Source::Local(s) => s.name(),
            Source::Live(s) => s.name(),
        }
    }

    /// Its size in bytes, where known before reading (for the progress bar).
    pub fn size(&self) -> Option<u64> {
        match self {
            Source::Local(s) => s.size(),
            Source::Live(_) => None,
        }
    }

    /// Opens it for the converter, counting the bytes read into `progress`.
    pub fn open(&self, progress: Option<&Arc<Progress>>) -> Result<Input> {
        match self {
            Source::Local(s) => s.open_counting(progress).map(|reader| Input {
                name: s.name(),
                reader,
            }),
            Source::Live(s) => s.open(progress),
        }
    }
}

/// The sources `names` stand for, in order: a directory is expanded when the run starts,
/// so an unreadable one is an input error (exit 1) that names it. A live input stands for
/// one source per region, connected with `live` (set whenever a name is live).
pub fn expand(
    names: &[String],
    live: Option<&LiveOptions>,
) -> std::result::Result<Vec<Source>, CliError> {
    Ok(expand_relative(names, live)?
        .into_iter()
        .map(|(s, _)| s)
        .collect())
}

/// As [`expand`], each source with its path relative to the input that named it (a file
/// found in a directory keeps the folders below that directory, a region is its name),
/// for batch mode.
pub fn expand_relative(
    names: &[String],
    live: Option<&LiveOptions>,
) -> std::result::Result<Vec<(Source, PathBuf)>, CliError> {
    let mut regions = match live {
        Some(o) => Session::connect(o, names)?.into_iter(),
        None => Vec::new().into_iter(),
    };
    let mut out = Vec::new();
    for name in names {
        if let Some(Ok(named)) = live::regions(name) {
            // `inspector2://` is the one configured region.
            for region in regions.by_ref().take(named.len().max(1)) {
                let relative = PathBuf::from(region.region());
                out.push((Source::Live(region), relative));
            }
            continue;
        }
        let local = input::expand_relative(std::slice::from_ref(name))
            .map_err(|e| CliError::failure(e.to_string()))?;
        out.extend(
            local
                .into_iter()
                .map(|e| (Source::Local(e.source), e.relative)),
        );
    }
    Ok(out)
}
