//! A survey: one pass over every item of the inputs that reads each into a small record,
//! in parallel, and hands the records on in input order. It writes no report; the first
//! pass of a de-duplicated or compared report ([`crate::dedupe`], [`crate::diff`]) builds
//! its index from the records.
//!
//! The scanner cuts batches as for a conversion, on the calling thread; each batch's items
//! are read on the worker pool (an indexed parallel iterator, so in order) while the
//! scanner waits, and their records are taken in turn. Memory is one batch and its records.

use super::recycle::batch_recycling;
use super::scan_stage::scan_inputs;
use super::schedule::PoolLease;
use super::{Config, Input, Message};
use crate::error::{Error, ErrorKind, Position, Result};
use crate::stats::{InputStats, Stats};
use rayon::prelude::*;

/// Where an item is: its input's number in the survey (from 0) and its index in that input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemAt {
    /// The input's number, from 0 in the order of the inputs.
    pub input: usize,
    /// The item's index in its input, from 0, as the scanner counts items.
    pub index: u64,
}

/// Reads every item of `inputs` with `read` (on `config.threads` threads) and gives each
/// finding's record to `take`, in input order. `read` returns `None` for an item that is no
/// finding (an EventBridge event of another kind), or the byte inside the item and the
/// error that stops the run; an error of `take` stops it too, at the item. The [`Stats`]
/// returned count the inputs (name, bytes, findings), the findings read and the events
/// skipped.
pub fn survey<T, I>(
    config: &Config,
    inputs: I,
    read: impl Fn(&[u8]) -> Result<Option<T>, (usize, ErrorKind)> + Sync,
    mut take: impl FnMut(ItemAt, T) -> Result<(), ErrorKind>,
) -> Result<Stats>
where
    T: Send,
    I: IntoIterator<Item = Result<Input>>,
{
    let threads = match config.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let lease = match threads {
        1 => None,
        n => Some(PoolLease::take(n)?),
    };
    let limits = &config.limits;
    let (batches_back, spare_batches) = batch_recycling(limits, 1);
    let mut stats = Stats::default();
    let mut failed: Option<Error> = None;
    let read = &read;
    scan_inputs(
        inputs.into_iter(),
        limits,
        |msg| {
            let batch = match msg {
                Message::Start(name) => {
                    stats.inputs.push(InputStats {
                        name,
                        ..InputStats::default()
                    });
                    return true;
                }
                Message::Done(n, bytes) => {
                    stats.inputs[n].bytes = bytes;
                    return true;
                }
                Message::Failed(e) => {
                    failed = Some(e);
                    return false;
                }
                Message::Batch(b) => b,
            };
            let one = |item: &super::scan_stage::BatchItem| read(&batch.data[item.range.clone()]);
            let records: Vec<_> = match &lease {
                Some(lease) => caught(|| {
                    lease
                        .pool()
                        .install(|| batch.items.par_iter().map(one).collect())
                }),
                None => caught(|| batch.items.iter().map(one).collect()),
            }
            .unwrap_or_else(|e| vec![Err((0, e))]);
            for (item, record) in batch.items.iter().zip(records) {
                let at = ItemAt {
                    input: item.input,
                    index: item.index,
                };
                let outcome = match record {
                    Ok(Some(t)) => {
                        stats.findings_read += 1;
                        stats.inputs[item.input].findings += 1;
                        take(at, t).map_err(|kind| (0, kind))
                    }
                    Ok(None) => {
                        stats.events_skipped += 1;
                        Ok(())
                    }
                    Err(e) => Err(e),
                };
                let outcome = outcome.map_err(|(offset, kind)| {
                    Error::new(
                        kind,
                        Position {
                            input: stats.inputs[item.input].name.clone(),
                            byte: Some(item.offset + offset as u64),
                            finding: Some(item.index + 1),
                        },
                    )
                });
                if let Err(e) = outcome {
                    failed = Some(e);
                    return false;
                }
            }
            batches_back.give(batch);
            true
        },
        &spare_batches,
    );
    match failed {
        Some(e) => Err(e),
        None => Ok(stats),
    }
}

/// Runs `f`; a panic in it (a bug) becomes an error instead of tearing the run down.
fn caught<T>(f: impl FnOnce() -> T) -> Result<T, ErrorKind> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        ErrorKind::Panic(msg)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;

    fn inputs(texts: &[&'static str]) -> Vec<Result<Input>> {
        texts
            .iter()
            .enumerate()
            .map(|(k, t)| Input::from_reader(&format!("in{k}"), Box::new(t.as_bytes())))
            .collect()
    }

    /// Records come in input order for any thread count and batch size, with the
    /// positions of their items; events count apart.
    #[test]
    fn records_in_input_order() {
        let texts = [
            r#"[{"n":1},{"detail-type":"Inspector2 Scan","detail":{}},{"n":2}]"#,
            "",
            r#"{"n":3}{"n":4}"#,
        ];
        let read = |item: &[u8]| -> Result<Option<String>, (usize, ErrorKind)> {
            let s = std::str::from_utf8(item).unwrap();
            Ok((!s.contains("Scan")).then(|| s.to_string()))
        };
        let mut want = None;
        for threads in [1, 2, 3] {
            for batch_findings in [1, 2, 100] {
                let config = Config {
                    threads,
                    limits: Limits {
                        batch_findings,
                        ..Limits::default()
                    },
                    ..Config::default()
                };
                let mut got = Vec::new();
                let stats = survey(&config, inputs(&texts), read, |at, s| {
                    got.push((at.input, at.index, s));
                    Ok(())
                })
                .unwrap();
                assert_eq!(stats.findings_read, 4);
                assert_eq!(stats.events_skipped, 1);
                assert_eq!(stats.inputs[2].findings, 2);
                assert_eq!(stats.inputs[2].bytes, texts[2].len() as u64);
                assert_eq!(got[1], (0, 2, r#"{"n":2}"#.to_string()));
                assert_eq!(got[3].0, 2);
                match &want {
                    None => want = Some(got),
                    Some(w) => assert_eq!(&got, w),
                }
            }
        }
    }

    #[test]
    fn errors_name_the_input_byte_and_finding() {
        let read = |item: &[u8]| -> Result<Option<()>, (usize, ErrorKind)> {
            match item.len() {
                7 => Err((3, ErrorKind::Syntax("bad".into()))),
                _ => Ok(Some(())),
            }
        };
        for threads in [1, 2] {
            let config = Config {
                threads,
                ..Config::default()
            };
            let e = survey(
                &config,
                inputs(&["[{}]", r#"[{},  {"a":1}]"#]),
                read,
                |_, _| Ok(()),
            )
            .unwrap_err();
            assert_eq!(e.to_string(), "input error: in1: finding 2 (byte 9): bad");
        }
    }
}
