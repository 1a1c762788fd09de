//! The writer stage: the report's frame and each rendered chunk, in order, and the counts.

use super::chunk::Rendered;
use super::examples::ExampleGate;
use super::recycle::SpareBuffers;
use super::{Config, Message};
use crate::error::{Error, Result};
use crate::report::framing::Framing;
use crate::stats::{
    InputStats, Progress, Stats, WarningExample, WarningKind, MAX_WARNING_EXAMPLES,
};
use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;
use std::sync::Arc;

/// The parallel pipeline's writer, on the calling thread: writes each rendered batch, in
/// order, and keeps the counts.
pub(super) fn write_report(
    writer: &mut ReportWriter<'_>,
    rendered: Receiver<Message<Vec<Rendered>>>,
    shared: (&SpareBuffers, &ExampleGate),
) -> Result<()> {
    for message in rendered {
        writer.write(message, shared)?;
    }
    Ok(())
}

/// Writes the report: the prologue, each rendered chunk in order, the epilogue; and keeps
/// the counts of the run. A report may be written by several conversions one after another
/// (the sections of a compared report), each starting with [`ReportWriter::section`].
pub(crate) struct ReportWriter<'o> {
    out: &'o mut dyn Write,
    stats: Stats,
    framing: Framing,
    progress: Option<Arc<Progress>>,
    /// The number of the current section's first input among all inputs of the report:
    /// a section numbers its inputs from 0.
    base: usize,
}

impl<'o> ReportWriter<'o> {
    /// Writes the prologue of `config`'s report.
    pub(crate) fn start(config: &Config, out: &'o mut dyn Write) -> Result<ReportWriter<'o>> {
        let mut w = ReportWriter {
            out,
            stats: Stats::default(),
            framing: Framing::new(&config.format, config.entries, config.gzip, config.piece),
            progress: config.progress.clone(),
            base: 0,
        };
        put(w.out, &mut w.stats, w.framing.prologue())?;
        Ok(w)
    }

    /// Starts the next conversion into the report: its inputs are numbered from 0 again.
    pub(crate) fn section(&mut self) {
        self.base = self.stats.inputs.len();
    }

    /// Takes in the render stage's next message: an input's start or end, or a rendered
    /// batch to write (whose buffers go back to `spares`); an error ends the run. The
    /// `gate` closes for each warning kind once the report has all its examples.
    pub(super) fn write(
        &mut self,
        message: Message<Vec<Rendered>>,
        (spares, gate): (&SpareBuffers, &ExampleGate),
    ) -> Result<()> {
        let base = self.base;
        let rendered = match message {
            Message::Start(name) => {
                self.stats.inputs.push(InputStats {
                    name,
                    ..InputStats::default()
                });
                return Ok(());
            }
            Message::Done(n, bytes) => {
                self.stats.inputs[base + n].bytes = bytes;
                return Ok(());
            }
            Message::Failed(e) => return Err(e),
            Message::Batch(b) => b,
        };
        for r in rendered {
            if let Some(e) = r.error {
                return Err(e);
            }
            let (before, bytes) = self.framing.join(&r.bytes);
            put(self.out, &mut self.stats, before)?;
            put(self.out, &mut self.stats, bytes)?;
            spares.give(r.bytes);
            let stats = &mut self.stats;
            for (n, k) in r.per_input {
                stats.inputs[base + n].findings += k;
            }
            for e in r.examples {
                stats.add_example(WarningExample {
                    kind: e.kind,
                    input: stats.inputs[base + e.input].name.clone(),
                    byte: e.byte,
                    finding: e.finding,
                    member: e.located.member,
                    value: e.located.value,
                    finding_arn: e.located.arn,
                });
            }
            for kind in WarningKind::ALL {
                if stats.examples_of(kind) == MAX_WARNING_EXAMPLES {
                    gate.close(kind);
                }
            }
            if let Some(p) = &self.progress {
                p.findings_read
                    .fetch_add(r.counts.findings_read, Ordering::Relaxed);
                p.findings_written
                    .fetch_add(r.counts.findings_written, Ordering::Relaxed);
            }
            stats.merge(r.counts);
        }
        Ok(())
    }

    /// Writes the epilogue and flushes; the report is complete.
    pub(crate) fn finish(mut self) -> Result<Stats> {
        put(self.out, &mut self.stats, self.framing.epilogue())?;
        self.out.flush().map_err(Error::write)?;
        Ok(self.stats)
    }
}

/// Writes `bytes` and counts them.
fn put(out: &mut dyn Write, stats: &mut Stats, bytes: &[u8]) -> Result<()> {
    out.write_all(bytes).map_err(Error::write)?;
    stats.bytes_written += bytes.len() as u64;
    Ok(())
}
