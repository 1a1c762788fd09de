//! One finding into a chunk's buffer, in the report's format.
//!
//! [`FindingRenderer::render`] is the one entry point the pipeline's workers call for each
//! item, so that no stage outside `report` looks inside a format. It reads the item as the
//! report needs it, asks the filter, and writes the finding if it is kept:
//!
//! * the CSV report, and any report whose filter reads more than `status`, decode the
//!   whole typed [`Finding`] ([`crate::decode`]);
//! * the JSON and NDJSON reports copy the finding's own bytes, so with a filter that reads only
//!   `status` one walk finds the status and the timestamp values ([`json::walk_item`]);
//!   items the walker leaves alone are decoded whole.
//!
//! The decoded finding never leaves `render`: it is about a kilobyte, and moving it out
//! costs a `memcpy` per finding.

use super::json::{self, JsonTimestamps};
use super::{csv, ReportFormat};
use crate::breakdown::Breakdown;
use crate::columns::CellContext;
use crate::decode::finding::Finding;
use crate::decode::{decode, Decoded};
use crate::error::ErrorKind;
use crate::filter::{Filter, Verdict};
use crate::stats::Warnings;

/// Renders the findings a filter keeps in one report's format; one per worker, for its
/// scratch buffer.
pub(crate) struct FindingRenderer<'c> {
    format: &'c ReportFormat,
    filter: &'c Filter,
    cells: CellContext,
    /// A JSON report whose filter reads only `status`, with its timestamp rule: decode
    /// nothing else.
    status_only: Option<JsonTimestamps>,
    /// Scratch space for one CSV cell.
    cell: Vec<u8>,
}

/// What became of one item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ItemOutcome {
    /// A finding, with the filter's verdict; written when that is [`Verdict::Keep`].
    Finding(Verdict),
    /// An EventBridge event of another kind (scan, coverage): nothing to write.
    OtherEvent,
}

impl<'c> FindingRenderer<'c> {
    /// A renderer of `format` for the findings that `filter` keeps; `cells` is what CSV
    /// cells need beyond the finding.
    pub(crate) fn new(
        format: &'c ReportFormat,
        filter: &'c Filter,
        cells: CellContext,
    ) -> FindingRenderer<'c> {
        let status_only = format
            .json_timestamps()
            .filter(|_| !filter.needs_full_view());
        FindingRenderer {
            format,
            filter,
            cells,
            status_only,
            cell: Vec::with_capacity(4096),
        }
    }

    /// Decodes `item`, asks the filter about it and appends it to `out` if it is kept (a
    /// CSV row, a JSON report's finding after its leading `,`, or an NDJSON line), counting
    /// it in `tally`. Warnings are added to `w`; an error gives the byte offset inside the
    /// item, as [`decode`] does.
    pub(crate) fn render(
        &mut self,
        item: &[u8],
        out: &mut Vec<u8>,
        w: &mut Warnings,
        tally: &mut Breakdown,
    ) -> Result<ItemOutcome, (usize, ErrorKind)> {
        let Some(timestamps) = self.status_only else {
            return match decode(item, w) {
                Ok(Decoded::Finding {
                    ref finding, bytes, ..
                }) => Ok(self.judge_and_write(finding, bytes, out, w, tally)),
                Ok(Decoded::OtherEvent) => Ok(ItemOutcome::OtherEvent),
                Err(e) => Err(e),
            };
        };
        match json::walk_item(item) {
            Ok(json::WalkedItem::Finding(walked, text)) => {
                let verdict = self.filter.verdict(&Finding {
                    status: walked.status.clone(),
                    ..Finding::default()
                });
                if verdict == Verdict::Keep {
                    out.extend_from_slice(self.format.separator());
                    json::write_walked(text, &walked.stamps, timestamps, out, w);
                    out.extend_from_slice(self.format.terminator());
                    tally.count_walked(&walked);
                }
                Ok(ItemOutcome::Finding(verdict))
            }
            Ok(json::WalkedItem::OtherEvent) => Ok(ItemOutcome::OtherEvent),
            // The walk left the item to serde_json, which reads the whole view (what the
            // breakdown counts is spread over it). Its warnings are not the JSON report's:
            // that report copies the finding, and only its timestamps can warn.
            Err(_) => match decode(item, &mut Warnings::default()) {
                Ok(Decoded::Finding {
                    ref finding, bytes, ..
                }) => Ok(self.judge_and_write(finding, bytes, out, w, tally)),
                Ok(Decoded::OtherEvent) => Ok(ItemOutcome::OtherEvent),
                Err(e) => Err(e),
            },
        }
    }

    /// Asks the filter about `finding` (whose own bytes are `bytes`) and writes it if it
    /// is kept.
    fn judge_and_write(
        &mut self,
        finding: &Finding<'_>,
        bytes: &[u8],
        out: &mut Vec<u8>,
        w: &mut Warnings,
        tally: &mut Breakdown,
    ) -> ItemOutcome {
        let verdict = self.filter.verdict(finding);
        if verdict == Verdict::Keep {
            tally.count_finding(finding);
            match self.format {
                ReportFormat::Csv { columns, quote } => csv::write_row(
                    finding,
                    columns,
                    *quote,
                    &self.cells,
                    &mut self.cell,
                    out,
                    w,
                ),
                ReportFormat::Json { timestamps } | ReportFormat::Ndjson { timestamps } => {
                    out.extend_from_slice(self.format.separator());
                    json::write_finding(bytes, *timestamps, out, w);
                    out.extend_from_slice(self.format.terminator());
                }
            }
        }
        ItemOutcome::Finding(verdict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::Criteria;

    /// Renders `items` into one buffer, with the outcome of each.
    fn render(
        format: &ReportFormat,
        filter: &Filter,
        items: &[&str],
    ) -> (String, Vec<ItemOutcome>, Warnings) {
        let mut renderer = FindingRenderer::new(format, filter, CellContext { as_of_ms: 0 });
        let (mut out, mut w) = (Vec::new(), Warnings::default());
        let outcomes = items
            .iter()
            .map(|item| {
                renderer
                    .render(item.as_bytes(), &mut out, &mut w, &mut Breakdown::default())
                    .unwrap()
            })
            .collect();
        (String::from_utf8(out).unwrap(), outcomes, w)
    }

    /// The status-only path (one walk, or the status decoded alone) writes the bytes and
    /// warnings of the full decode, with the same verdicts.
    #[test]
    fn status_only_and_full_view_agree() {
        let items = [
            r#"{"status":"ACTIVE","firstObservedAt":1748539687.919,"title":"t"}"#,
            r#"{ "status" : "CLOSED", "updatedAt": 1 }"#,
            r#"{"detail-type":"Inspector2 Finding","detail":{"status":"ACTIVE","updatedAt":"x"}}"#,
            r#"{"detail-type":"Inspector2 Scan","detail":{}}"#,
            // An escaped key: the walker leaves it to serde_json.
            r#"{"st\u0061tus":"ACTIVE","lastObservedAt":0}"#,
        ];
        for timestamps in [JsonTimestamps::Iso, JsonTimestamps::Verbatim] {
            let json = ReportFormat::Json { timestamps };
            let fast = render(&json, &Filter::default(), &items);
            assert!(!Filter::default().needs_full_view());
            // A filter that keeps every ACTIVE finding but needs the full view.
            let criteria =
                Criteria::parse(r#"{"findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}]}"#)
                    .unwrap();
            let full = render(&json, &Filter::new(criteria), &items);
            assert_eq!(fast.0, full.0);
            assert_eq!(fast.2, full.2);
            assert_eq!(
                fast.1,
                [
                    ItemOutcome::Finding(Verdict::Keep),
                    ItemOutcome::Finding(Verdict::ExcludedByStatusRule),
                    ItemOutcome::Finding(Verdict::Keep),
                    ItemOutcome::OtherEvent,
                    ItemOutcome::Finding(Verdict::Keep),
                ]
            );
            assert_eq!(fast.0.matches(",{").count(), 3, "{}", fast.0);
        }
    }
}
