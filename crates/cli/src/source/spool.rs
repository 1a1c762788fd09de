//! Sources read twice: de-duplication and `diff` read every source two times, so a
//! source that can be read only once (standard input, a region's live findings) is
//! refused by one and saved to a private temporary file by the other.

use super::{Planned, Source};
use crate::error::CliError;
use crate::sink::file;
use inspector_report_core::input::{self, Opened, Rule};
use inspector_report_core::{Progress, Result};
use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::sync::Arc;

/// Why `--dedupe` takes no live input: the API returns each finding once, in its latest
/// state, and filters it before de-duplication could choose (spec 6 chooses first).
pub const LIVE_NOT_DEDUPED: &str = "--dedupe merges snapshot files, and live findings \
    (inspector2://) hold each finding once, in its latest state, already; to merge them with \
    snapshots, save them first (-f json --all-statuses -o FILE inspector2://...)";

/// Checks that every source can be read twice, as de-duplication does.
pub fn rereadable(sources: &[Planned]) -> std::result::Result<(), CliError> {
    match sources.iter().map(|p| &p.source).find(|s| !s.rereadable()) {
        Some(Source::Live(_)) => Err(CliError::usage(LIVE_NOT_DEDUPED)),
        Some(s) => Err(CliError::usage(format!(
            "{}: this input can be read only once, and de-duplicating reads it twice; \
             save it to a file and name that",
            s.name()
        ))),
        None => Ok(()),
    }
}

/// Each of `sources` that can be read only once (standard input, a region's live
/// findings) read now into a [`Spool`] under `dir`, counting the bytes read into
/// `progress`.
pub fn spool_once_read(
    sources: &mut [Planned],
    dir: &Path,
    progress: Option<&Arc<Progress>>,
) -> std::result::Result<(), CliError> {
    for p in sources.iter_mut().filter(|p| !p.source.rereadable()) {
        let spool = Spool::save(&p.source, dir, progress)?;
        p.size = spool.size();
        p.source = Source::Spooled(spool);
    }
    Ok(())
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
            Source::Live(s) => s.open(progress)?.reader,
            _ => return Err(fail(&"it can be read again as it is")),
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

impl Spool {
    /// The name of the source it holds.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its size in bytes.
    pub fn size(&self) -> Option<u64> {
        self.file.as_file().metadata().ok().map(|m| m.len())
    }

    /// Opens the copy under `rule`, as its source would open, under the source's name.
    pub fn open(&self, rule: Rule, progress: Option<&Arc<Progress>>) -> Result<Opened> {
        let copy = input::Source::File(self.file.path().to_path_buf());
        Ok(match copy.open_as(rule, progress)? {
            Opened::Input(mut i) => {
                i.name = self.name.clone();
                Opened::Input(i)
            }
            skipped => skipped,
        })
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        file::unregister(self.file.path());
    }
}
