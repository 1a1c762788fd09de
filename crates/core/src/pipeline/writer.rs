//! The writer stage: the report's frame and each rendered chunk, in order, and the counts.

use super::chunk::Rendered;
use super::examples::ExampleGate;
use super::recycle::SpareBuffers;
use super::{Config, Message};
use crate::error::{Error, Result};
use crate::report::framing::Framing;
use crate::stats::{InputStats, Stats, WarningExample, WarningKind, MAX_WARNING_EXAMPLES};
use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;

/// The parallel pipeline's writer, on the calling thread: writes each rendered batch, in
/// order, and keeps the counts.
pub(super) fn write_report(
    config: &Config,
    rendered: Receiver<Message<Vec<Rendered>>>,
    out: &mut dyn Write,
    shared: (&SpareBuffers, &ExampleGate),
) -> Result<Stats> {
    let mut writer = ReportWriter::start(config, out, shared)?;
    for message in rendered {
        writer.write(message)?;
    }
    writer.finish()
}

/// Writes the report: the prologue, each rendered chunk in order, the epilogue; and keeps
/// the counts of the run.
pub(super) struct ReportWriter<'c, 'o> {
    config: &'c Config,
    out: &'o mut dyn Write,
    /// Where written chunks' buffers go back.
    spares: &'c SpareBuffers,
    /// Closed for each warning kind once the examples are complete.
    gate: &'c ExampleGate,
    stats: Stats,
    framing: Framing,
}

impl<'c, 'o> ReportWriter<'c, 'o> {
    /// Writes the prologue.
    pub(super) fn start(
        config: &'c Config,
        out: &'o mut dyn Write,
        (spares, gate): (&'c SpareBuffers, &'c ExampleGate),
    ) -> Result<ReportWriter<'c, 'o>> {
        let mut w = ReportWriter {
            config,
            out,
            spares,
            gate,
            stats: Stats::default(),
            framing: Framing::new(&config.format, config.gzip, config.piece),
        };
        put(w.out, &mut w.stats, w.framing.prologue())?;
        Ok(w)
    }

    /// Takes in the render stage's next message: an input's start or end, or a rendered
    /// batch to write; an error ends the run.
    pub(super) fn write(&mut self, message: Message<Vec<Rendered>>) -> Result<()> {
        let rendered = match message {
            Message::Start(name) => {
                self.stats.inputs.push(InputStats {
                    name,
                    ..InputStats::default()
                });
                return Ok(());
            }
            Message::Done(n, bytes) => {
                self.stats.inputs[n].bytes = bytes;
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
            self.spares.give(r.bytes);
            let stats = &mut self.stats;
            for (n, k) in r.per_input {
                stats.inputs[n].findings += k;
            }
            for e in r.examples {
                stats.add_example(WarningExample {
                    kind: e.kind,
                    input: stats.inputs[e.input].name.clone(),
                    byte: e.byte,
                    finding: e.finding,
                    member: e.located.member,
                    value: e.located.value,
                    finding_arn: e.located.arn,
                });
            }
            for kind in WarningKind::ALL {
                if stats.examples_of(kind) == MAX_WARNING_EXAMPLES {
                    self.gate.close(kind);
                }
            }
            if let Some(p) = &self.config.progress {
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
    pub(super) fn finish(mut self) -> Result<Stats> {
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
