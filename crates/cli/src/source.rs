//! What a run reads: the inputs named on the command line, expanded into sources.
//!
//! Every source today is local (a file, a directory's files, or `-`) and the core opens
//! it. A source the core does not reach by itself (an S3 object, the Inspector API) is
//! another variant here, opened into the same [`Input`].
//!
//! De-duplication and `diff` read their sources twice ([`Source::rereadable`]): a file or
//! an object can be opened again; standard input cannot, unless it was saved first
//! ([`Spool`]).

use crate::error::CliError;
use crate::sink::file;
use inspector_report_core::{input, Input, Progress, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One source of findings.
pub enum Source {
    /// Standard input or a file, read by the core.
    Local(input::Source),
    /// Standard input, saved to a temporary file to be read more than once.
    Spooled(Spool),
}

impl Source {
    /// The name in messages and summaries.
    pub fn name(&self) -> String {
        match self {
            Source::Local(s) => s.name(),
            Source::Spooled(_) => "-".to_string(),
        }
    }

    /// Its size in bytes, where known before reading (for the progress bar).
    pub fn size(&self) -> Option<u64> {
        match self {
            Source::Local(s) => s.size(),
            Source::Spooled(s) => std::fs::metadata(&s.0).ok().map(|m| m.len()),
        }
    }

    /// Opens it for the converter, counting the bytes read into `progress`.
    pub fn open(&self, progress: Option<&Arc<Progress>>) -> Result<Input> {
        let (local, name) = match self {
            Source::Local(s) => (s.clone(), s.name()),
            Source::Spooled(s) => (input::Source::File(s.0.clone()), self.name()),
        };
        local
            .open_counting(progress)
            .map(|reader| Input { name, reader })
    }

    /// True when it can be opened again and reads the same (a file; not standard input).
    pub fn rereadable(&self) -> bool {
        match self {
            Source::Local(input::Source::Stdin) => false,
            Source::Local(input::Source::File(_)) | Source::Spooled(_) => true,
        }
    }
}

/// Checks that every source can be read twice, as de-duplication and `diff` do.
pub fn rereadable(sources: &[Source]) -> std::result::Result<(), CliError> {
    match sources.iter().find(|s| !s.rereadable()) {
        Some(s) => Err(CliError::usage(format!(
            "{}: this input can be read only once, and de-duplicating reads it twice; \
             save it to a file and name that",
            s.name()
        ))),
        None => Ok(()),
    }
}

/// Standard input saved to a temporary file, removed when dropped (and on SIGINT or
/// SIGTERM, as temporary reports are).
pub struct Spool(PathBuf);

impl Spool {
    /// Copies standard input, as it comes (gzip or not), to a new file under `dir`.
    pub fn stdin(dir: &Path) -> std::result::Result<Spool, CliError> {
        let path = dir.join(format!(
            ".inspector-report-stdin.{}.{}.tmp",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let fail = |e: std::io::Error| {
            CliError::failure(format!(
                "cannot save standard input to {}: {e}",
                path.display()
            ))
        };
        file::register(&path);
        let spool = Spool(path.clone());
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(fail)?;
        std::io::copy(&mut std::io::stdin().lock(), &mut out).map_err(fail)?;
        Ok(spool)
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        file::unregister(&self.0);
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
