//! De-duplication (spec 6, `--dedupe`): one occurrence per `findingArn` (the one with the
//! greatest `updatedAt`, the later one on a tie; a missing or unknown `updatedAt` is less
//! than any), chosen before the filter and the status rule, which then apply to it. A
//! finding ACTIVE on Monday and CLOSED on Friday is thus not in Friday's ACTIVE report.
//!
//! Two passes over inputs that can be read twice (files, directories, S3 objects), and no
//! finding held in memory:
//!
//! 1. a survey ([`crate::pipeline::survey`]) reads each finding's `findingArn` and
//!    `updatedAt` alone (the [`Identity`] view) into an [`ArnIndex`]: the key of each
//!    distinct ARN and where its winning occurrence is, at most 48 bytes a finding;
//! 2. the conversion reads only the winners ([`Winners`], its [`Selection`]), and the
//!    filter and status rule apply to them. They come in input order.
//!
//! A finding without an ARN (or whose ARN is no string) is never matched with another:
//! each such occurrence is kept.

mod index;

pub use index::{ArnIndex, ArnKey, Entry, Full, KeyHasher, Place};

use crate::decode::finding::Identity;
use crate::decode::value::Leaf;
use crate::decode::{decode_as, Decoded};
use crate::error::{Error, ErrorKind, Position, Result};
use crate::pipeline::{self, Config, Input, ItemAt};
use crate::select::Selection;
use crate::stats::{Stats, Warnings};
use crate::timestamp;
use std::io::Write;
use std::sync::Arc;

/// Converts the inputs that `open` opens (each time alike) into one report of their
/// de-duplicated findings, written to `out`: `open` is called twice, once for each pass.
///
/// The [`Stats`] count every occurrence read (`findings_read`, and each input's), the
/// occurrences left out as [`Stats::duplicates`], and the rest as a conversion does. An
/// input that reads differently the second time is an error
/// ([`ErrorKind::InputChanged`]).
pub fn convert<F, I>(config: &Config, open: F, out: &mut dyn Write) -> Result<Stats>
where
    F: Fn() -> I,
    I: IntoIterator<Item = Result<Input>>,
    I::IntoIter: Send,
{
    let hasher = KeyHasher::default();
    let (winners, first) = winners(config, open(), &hasher)?;
    let distinct = winners.len();
    let pass = Config {
        selection: Some(Arc::new(winners)),
        ..config.clone()
    };
    let second = pipeline::convert(&pass, open(), out)?;
    same_inputs(&first, &second)?;
    Ok(with_first_pass(second, first, distinct))
}

/// The winning occurrences, as a [`Selection`] that admits them alone.
#[derive(Debug, Default)]
pub struct Winners {
    /// Winners with an ARN, sorted by place.
    named: Vec<Place>,
    /// Occurrences without an ARN, in input order.
    unnamed: Vec<Place>,
}

impl Winners {
    /// Distinct findings: one per ARN, and every occurrence without one.
    pub fn len(&self) -> usize {
        self.named.len() + self.unnamed.len()
    }

    /// True when there is no finding.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when the occurrence at `place` won.
    pub fn contains(&self, place: Place) -> bool {
        self.named.binary_search(&place).is_ok() || self.unnamed.binary_search(&place).is_ok()
    }
}

impl Selection for Winners {
    fn admits(&self, input: usize, index: u64) -> bool {
        Place::new(input, index).is_some_and(|p| self.contains(p))
    }
}

/// What the first pass reads of one occurrence: its ARN's key and its `updatedAt`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Occurrence {
    /// `None` for a finding without an ARN.
    pub(crate) key: Option<ArnKey>,
    /// Epoch milliseconds; `i64::MIN` when missing or not a timestamp.
    pub(crate) updated: i64,
}

impl Occurrence {
    /// The occurrence of a finding with these members.
    pub(crate) fn of(
        hasher: &KeyHasher,
        arn: Option<&Leaf<'_>>,
        updated: Option<&Leaf<'_>>,
    ) -> Self {
        Occurrence {
            key: arn.and_then(Leaf::str_or_num).map(|t| hasher.key(&t)),
            updated: updated
                .and_then(Leaf::str_or_num)
                .and_then(|t| timestamp::parse(&t))
                .unwrap_or(i64::MIN),
        }
    }
}

/// The place of the item at `at`, or the index's limit error.
pub(crate) fn place(at: ItemAt) -> Result<Place, ErrorKind> {
    Place::new(at.input, at.index).ok_or(ErrorKind::IndexLimit {
        limit: Place::MAX_INPUTS,
    })
}

/// The index's error, in the library's words.
pub(crate) fn full(f: Full) -> ErrorKind {
    ErrorKind::IndexLimit { limit: f.limit }
}

/// The first pass: every occurrence's identity into an index, and from it the winners;
/// with the survey's counts.
pub(crate) fn winners<I>(config: &Config, inputs: I, hasher: &KeyHasher) -> Result<(Winners, Stats)>
where
    I: IntoIterator<Item = Result<Input>>,
{
    let mut index: ArnIndex<()> = ArnIndex::new(&config.limits);
    let mut unnamed = Vec::new();
    let read = |item: &[u8]| match decode_as::<Identity>(item, &mut Warnings::default())? {
        Decoded::Finding { finding, .. } => Ok(Some(Occurrence::of(
            hasher,
            finding.finding_arn.as_ref(),
            finding.updated_at.as_ref(),
        ))),
        Decoded::OtherEvent => Ok(None),
    };
    let stats = pipeline::survey(config, inputs, read, |at, o: Occurrence| {
        let place = place(at)?;
        match o.key {
            Some(key) => index.offer(key, o.updated, place, ()).map_err(full),
            None => {
                index.count_unnamed().map_err(full)?;
                unnamed.push(place);
                Ok(())
            }
        }
    })?;
    index.finish();
    let mut named: Vec<Place> = Vec::with_capacity(index.len());
    named.extend(index.entries().iter().map(|e| e.place));
    drop(index);
    named.sort_unstable();
    Ok((Winners { named, unnamed }, stats))
}

/// Checks that the second pass read the inputs the first did, byte for byte as counted.
pub(crate) fn same_inputs(first: &Stats, second: &Stats) -> Result<()> {
    let changed = |input: &str, how: String| {
        Err(Error::new(
            ErrorKind::InputChanged(how),
            Position {
                input: input.to_string(),
                ..Position::default()
            },
        ))
    };
    if first.inputs.len() != second.inputs.len() {
        let how = format!(
            "{} inputs, then {}",
            first.inputs.len(),
            second.inputs.len()
        );
        return changed("", how);
    }
    for (a, b) in first.inputs.iter().zip(&second.inputs) {
        if a.name != b.name || a.bytes != b.bytes {
            return changed(&b.name, format!("{} bytes, then {}", a.bytes, b.bytes));
        }
    }
    Ok(())
}

/// The counts of a de-duplicated conversion: what the first pass read, and what the
/// second did with the `distinct` findings.
pub(crate) fn with_first_pass(mut second: Stats, first: Stats, distinct: usize) -> Stats {
    second.duplicates = first.findings_read - distinct as u64;
    second.findings_read = first.findings_read;
    second.events_skipped = first.events_skipped;
    second.inputs = first.inputs;
    second
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::Filter;
    use crate::report::{JsonTimestamps, ReportFormat};

    fn open<'t>(texts: &'t [&'static str]) -> impl Fn() -> Vec<Result<Input>> + 't {
        move || {
            texts
                .iter()
                .enumerate()
                .map(|(k, t)| Input::from_reader(&format!("day{k}"), Box::new(t.as_bytes())))
                .collect()
        }
    }

    fn titles(config: &Config, texts: &[&'static str]) -> (Vec<String>, Stats) {
        let mut out = Vec::new();
        let stats = convert(config, open(texts), &mut out).unwrap();
        let titles = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["title"].as_str().unwrap_or("").to_string()
            })
            .collect();
        (titles, stats)
    }

    fn ndjson(threads: usize) -> Config {
        Config {
            format: ReportFormat::Ndjson {
                timestamps: JsonTimestamps::Verbatim,
            },
            filter: Filter::all_statuses(),
            threads,
            ..Config::default()
        }
    }

    #[test]
    fn the_latest_occurrence_of_each_arn_in_input_order() {
        let days = [
            r#"[{"findingArn":"a","updatedAt":1,"title":"a1"},{"findingArn":"b","updatedAt":5,"title":"b-newest"},{"status":"ACTIVE","title":"no arn 1"}]"#,
            r#"[{"findingArn":"a","updatedAt":"1970-01-01T00:00:02Z","title":"a2"},{"findingArn":"b","updatedAt":4,"title":"b-older-later"},
               {"detail-type":"Inspector2 Scan","detail":{}},{"findingArn":"c","title":"c-none"},{"status":"ACTIVE","title":"no arn 2"}]"#,
            r#"{"findingArn":"c","title":"c-none-later"}{"findingArn":"a","updatedAt":2,"title":"a-tie-later"}{"findingArn":"c","updatedAt":"soon","title":"c-unknown"}"#,
        ];
        for threads in [1, 2] {
            let (got, stats) = titles(&ndjson(threads), &days);
            assert_eq!(
                got,
                [
                    "b-newest",
                    "no arn 1",
                    "no arn 2",
                    "a-tie-later",
                    "c-unknown"
                ]
            );
            assert_eq!(stats.findings_read, 10);
            assert_eq!(stats.duplicates, 5);
            assert_eq!(stats.findings_written, 5);
            assert_eq!(stats.events_skipped, 1);
            assert_eq!(
                stats.inputs.iter().map(|i| i.findings).collect::<Vec<_>>(),
                [3, 4, 3]
            );
        }
    }

    /// The filter and the status rule apply to the winner alone.
    #[test]
    fn the_status_rule_applies_after_the_choice() {
        let days = [
            r#"{"findingArn":"a","updatedAt":1,"status":"ACTIVE","title":"monday"}"#,
            r#"{"findingArn":"a","updatedAt":5,"status":"CLOSED","title":"friday"}"#,
        ];
        let config = Config {
            filter: Filter::default(),
            ..ndjson(1)
        };
        let (got, stats) = titles(&config, &days);
        assert!(got.is_empty(), "{got:?}");
        assert_eq!(stats.excluded_by_status_rule, 1);
        assert_eq!(stats.duplicates, 1);
    }

    #[test]
    fn the_limit_stops_the_run_with_its_name() {
        let config = Config {
            limits: crate::Limits {
                max_indexed_findings: 2,
                ..crate::Limits::default()
            },
            ..ndjson(1)
        };
        let texts =
            [r#"[{"findingArn":"a"},{"findingArn":"a"},{"findingArn":"b"},{"findingArn":"c"}]"#];
        let e = convert(&config, open(&texts), &mut Vec::new()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "limit error: day0: finding 4 (byte 58): more than 2 distinct findings to \
             de-duplicate or compare (MAX_INDEXED_FINDINGS; the index holds up to 48 bytes for each)"
        );
    }

    #[test]
    fn an_input_that_changes_between_the_passes_is_an_error() {
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let open = || {
            let n = calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let text: &'static str = if n == 0 {
                r#"[{"findingArn":"a"}]"#
            } else {
                r#"[{"findingArn":"a"} ]"#
            };
            vec![Input::from_reader("grows", Box::new(text.as_bytes()))]
        };
        let e = convert(&ndjson(1), open, &mut Vec::new()).unwrap_err();
        assert!(
            e.to_string()
                .contains("grows: the input changed while it was read twice (20 bytes, then 21)"),
            "{e}"
        );
    }
}
