//! What a run reads: the inputs named on the command line, expanded into sources.
//!
//! A local source (a file, a directory's files, or `-`) is opened by the core. A source
//! the core does not reach by itself (the Inspector API) is another variant here, opened
//! into the same [`Input`].
//!
//! De-duplication and `diff` read their sources twice ([`Source::rereadable`]): a file can
//! be opened again; standard input and live findings cannot. `diff` saves those to a
//! private temporary file first ([`Spool`]).

use crate::error::CliError;
use crate::live::{self, LiveOptions, RegionSource, Session};
use crate::sink::file;
use inspector_report_core::{input, Input, Progress, Result};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One source of findings.
pub enum Source {
    /// Standard input or a file, read by the core.
    Local(input::Source),
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
            Source::Live(s) => s.name(),
            Source::Spooled(s) => s.name.clone(),
        }
    }

    /// The local file it reads, when it is one (standard input is not, nor a saved copy).
    pub fn local_file(&self) -> Option<&std::path::Path> {
        match self {
            Source::Local(input::Source::File(p)) => Some(p),
            Source::Local(_) | Source::Live(_) | Source::Spooled(_) => None,
        }
    }

    /// Its size in bytes, where known before reading (for the progress bar).
    pub fn size(&self) -> Option<u64> {
        match self {
            Source::Local(s) => s.size(),
            Source::Live(_) => None,
            Source::Spooled(s) => s.file.as_file().metadata().ok().map(|m| m.len()),
        }
    }

    /// Opens it for the converter, counting the bytes read into `progress`.
    pub fn open(&self, progress: Option<&Arc<Progress>>) -> Result<Input> {
        let (local, name) = match self {
            Source::Local(s) => (s.clone(), s.name()),
            Source::Live(s) => return s.open(progress),
            Source::Spooled(s) => (
                input::Source::File(s.file.path().to_path_buf()),
                s.name.clone(),
            ),
        };
        local
            .open_counting(progress)
            .map(|reader| Input { name, reader })
    }

    /// True when it can be opened again and reads the same (a file or a saved copy; not
    /// standard input, nor live findings).
    pub fn rereadable(&self) -> bool {
        match self {
            Source::Local(input::Source::Stdin) | Source::Live(_) => false,
            Source::Local(input::Source::File(_)) | Source::Spooled(_) => true,
        }
    }
}

/// Why `--dedupe` takes no live input: the API returns each finding once, in its latest
/// state, and filters it before de-duplication could choose (spec 6 chooses first).
pub const LIVE_NOT_DEDUPED: &str = "--dedupe merges snapshot files, and live findings \
    (inspector2://) hold each finding once, in its latest state, already; to merge them with \
    snapshots, save them first (-f json --all-statuses -o FILE inspector2://...)";

/// Checks that every source can be read twice, as de-duplication does.
pub fn rereadable(sources: &[Source]) -> std::result::Result<(), CliError> {
    match sources.iter().find(|s| !s.rereadable()) {
        Some(Source::Live(_)) => Err(CliError::usage(LIVE_NOT_DEDUPED)),
        Some(s) => Err(CliError::usage(format!(
            "{}: this input can be read only once, and de-duplicating reads it twice; \
             save it to a file and name that",
            s.name()
        ))),
        None => Ok(()),
    }
}

/// `sources`, each that can be read only once (standard input, a region's live findings)
/// read now into a [`Spool`] under `dir`, counting the bytes read into `progress`.
pub fn spool_once_read(
    sources: Vec<Source>,
    dir: &Path,
    progress: Option<&Arc<Progress>>,
) -> std::result::Result<Vec<Source>, CliError> {
    sources
        .into_iter()
        .map(|s| match s.rereadable() {
            true => Ok(s),
            false => Spool::save(&s, dir, progress).map(Source::Spooled),
        })
        .collect()
}

/// A source saved to a temporary file, private (0600) as reports are, removed when
/// dropped (and on SIGINT or SIGTERM, as temporary reports are).
pub struct Spool {
    /// The name of the source it holds, for messages and summaries.
    name: String,
    file: tempfile::NamedTempFile,
}

impl Spool {
    /// Copies what `source` reads, as it comes (gzip or not), to a new file under `dir`.
    pub fn save(
        source: &Source,
        dir: &Path,
        progress: Option<&Arc<Progress>>,
    ) -> std::result::Result<Spool, CliError> {
        let name = source.name();
        let shown = if name == "-" {
            "standard input".to_string()
        } else {
            name.clone()
        };
        let fail = |e: &dyn std::fmt::Display| {
            CliError::failure(format!("cannot save {shown} to a temporary file: {e}"))
        };
        let file = tempfile::Builder::new()
            .prefix(".inspector-report-input.")
            .tempfile_in(dir)
            .map_err(|e| fail(&format!("in {}: {e}", dir.display())))?;
        file::register(file.path());
        let spool = Spool { name, file };
        let mut input = match source {
            // Standard input as it comes: the core detects gzip when it reads the copy.
            Source::Local(input::Source::Stdin) => {
                Box::new(std::io::stdin().lock()) as Box<dyn Read>
            }
            _ => source.open(progress)?.reader,
        };
        let mut out = BufWriter::new(spool.file.as_file());
        let mut buf = vec![0; 64 * 1024];
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(CliError::failure(format!("read error: {shown}: {e}"))),
            };
            out.write_all(&buf[..n]).map_err(|e| fail(&e))?;
        }
        out.flush().map_err(|e| fail(&e))?;
        drop(out);
        Ok(spool)
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        file::unregister(self.file.path());
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
