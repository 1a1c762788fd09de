//! What a run reads: the inputs named on the command line, expanded into sources.
//!
//! Every source today is local (a file, a directory's files, or `-`) and the core opens
//! it. A source the core does not reach by itself (an S3 object, the Inspector API) is
//! another variant here, opened into the same [`Input`].

use crate::error::CliError;
use inspector_report_core::{input, Input, Progress, Result};
use std::path::PathBuf;
use std::sync::Arc;

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

    /// The local file it reads, when it is one (standard input is not).
    pub fn local_file(&self) -> Option<&std::path::Path> {
        match self {
            Source::Local(input::Source::File(p)) => Some(p),
            Source::Local(_) => None,
        }
    }

    /// Its size in bytes, where known before reading (for the progress bar).
    pub fn size(&self) -> Option<u64> {
        match self {
            Source::Local(s) => s.size(),
        }
    }

    /// Opens it for the converter, counting the bytes read into `progress`.
    pub fn open(&self, progress: Option<&Arc<Progress>>) -> Result<Input> {
        match self {
            Source::Local(s) => s.open_counting(progress).map(|reader| Input {
                name: s.name(),
                reader,
            }),
        }
    }
}

/// The sources `names` stand for, in order: a directory is expanded when the run starts,
/// so an unreadable one is an input error (exit 1) that names it.
pub fn expand(names: &[String]) -> std::result::Result<Vec<Source>, CliError> {
    let local = input::expand(names).map_err(|e| CliError::failure(e.to_string()))?;
    Ok(local.into_iter().map(Source::Local).collect())
}

/// As [`expand`], each source with its path relative to the input that named it (a file
/// found in a directory keeps the folders below that directory), for batch mode.
pub fn expand_relative(names: &[String]) -> std::result::Result<Vec<(Source, PathBuf)>, CliError> {
    let local = input::expand_relative(names).map_err(|e| CliError::failure(e.to_string()))?;
    Ok(local
        .into_iter()
        .map(|e| (Source::Local(e.source), e.relative))
        .collect())
}
