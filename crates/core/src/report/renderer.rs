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
use super::{changes, csv, Entries, ReportFormat};
use crate::breakdown::BreakdownScope;
use crate::columns::CellContext;
use crate::decode::finding::Finding;
use crate::decode::value::Leaf;
use crate::decode::{decode, Decoded};
use crate::error::ErrorKind;
use crate::filter::{Filter, Verdict};
use crate::select::{Mark, Selection};
use crate::stats::{Stats, Warnings};

/// Renders the findings a filter keeps in one report's format; one per worker, for its
/// scratch buffer.
pub(crate) struct FindingRenderer<'c> {
    format: &'c ReportFormat,
    filter: &'c Filter,
    cells: CellContext,
    /// A JSON report whose filter (and selection) reads only `status`, with its timestamp
    /// rule: decode nothing else.
    status_only: Option<JsonTimestamps>,
    /// The pass this conversion is of a de-duplicated or compared report, if it is one.
    selection: Option<&'c dyn Selection>,
    /// What each entry of the report is.
    entries: Entries,
    /// What of the written findings the stats' breakdown counts.
    breakdown: BreakdownScope,
    /// Scratch space for one CSV cell.
    cell: Vec<u8>,
}

/// What became of one item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ItemOutcome {
    /// A finding, with the filter's verdict and whether it was written (a kept finding
    /// is, unless its selection omits it).
    Finding {
        /// The filter's verdict.
        verdict: Verdict,
        /// Written to the report.
        written: bool,
    },
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
            selection: None,
            entries: Entries::Findings,
            breakdown: BreakdownScope::All,
            cell: Vec::with_capacity(4096),
        }
    }

    /// The same renderer, counting `scope` of the findings it writes.
    pub(crate) fn counting(mut self, scope: BreakdownScope) -> FindingRenderer<'c> {
        self.breakdown = scope;
        self
    }

    /// The same renderer for one pass of a de-duplicated or compared report: it reads only
    /// the items `selection` admits, and writes each entry as `entries` says.
    pub(crate) fn selecting(
        mut self,
        selection: Option<&'c dyn Selection>,
        entries: Entries,
    ) -> FindingRenderer<'c> {
        if selection.is_some_and(|s| s.reads_findings()) {
            self.status_only = None;
        }
        self.selection = selection;
        self.entries = entries;
        self
    }

    /// Whether item `index` of input `input` is to be read at all.
    #[inline]
    pub(crate) fn admits(&self, input: usize, index: u64) -> bool {
        self.selection.is_none_or(|s| s.admits(input, index))
    }

    /// Decodes `item`, asks the filter about it and appends it to `out` if it is kept (a
    /// CSV row, a JSON report's finding after its leading `,`, or an NDJSON line; in a
    /// compared report, with its change), counting its warnings, its breakdown and its
    /// change in `counts`. An error gives the byte offset inside the item, as [`decode`]
    /// does.
    pub(crate) fn render(
        &mut self,
        item: &[u8],
        out: &mut Vec<u8>,
        counts: &mut Stats,
    ) -> Result<ItemOutcome, (usize, ErrorKind)> {
        let Some(timestamps) = self.status_only else {
            return match decode(item, &mut counts.warnings) {
                Ok(Decoded::Finding {
                    ref finding, bytes, ..
                }) => Ok(self.judge_and_write(finding, bytes, out, counts)),
                Ok(Decoded::OtherEvent) => Ok(ItemOutcome::OtherEvent),
                Err(e) => Err(e),
            };
        };
        match json::walk_item(item) {
            Ok(json::WalkedItem::Finding(walked, text)) => {
                let status_only = Finding {
                    status: walked.status.clone(),
                    ..Finding::default()
                };
                let verdict = self.filter.verdict(&status_only);
                let mut written = false;
                if verdict == Verdict::Keep {
                    let mark = self.mark(&status_only);
                    written = self.open(mark, walked.severity.as_ref(), out, counts);
                    if written {
                        let w = &mut counts.warnings;
                        w.missing_member += walked.missing_required();
                        json::write_walked(text, &walked.stamps, timestamps, out, w);
                        self.close(mark, out);
                        match self.breakdown {
                            BreakdownScope::All => counts.breakdown.count_walked(&walked),
                            BreakdownScope::Severity => {
                                counts.breakdown.count_severity(walked.severity.as_ref())
                            }
                            BreakdownScope::Nothing => {}
                        }
                    }
                }
                Ok(ItemOutcome::Finding { verdict, written })
            }
            Ok(json::WalkedItem::OtherEvent) => Ok(ItemOutcome::OtherEvent),
            // The walk left the item to serde_json, which reads the whole view (what the
            // breakdown counts is spread over it). Its warnings are not the JSON report's:
            // that report copies the finding, and only its timestamps can warn.
            Err(_) => match decode(item, &mut Warnings::default()) {
                Ok(Decoded::Finding {
                    ref finding, bytes, ..
                }) => Ok(self.judge_and_write(finding, bytes, out, counts)),
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
        counts: &mut Stats,
    ) -> ItemOutcome {
        let verdict = self.filter.verdict(finding);
        let mut written = false;
        if verdict == Verdict::Keep {
            let mark = self.mark(finding);
            written = self.open(mark, finding.severity.as_ref(), out, counts);
            if written {
                counts.warnings.missing_member += finding.missing_required();
                match self.breakdown {
                    BreakdownScope::All => counts.breakdown.count_finding(finding),
                    BreakdownScope::Severity => {
                        counts.breakdown.count_severity(finding.severity.as_ref())
                    }
                    BreakdownScope::Nothing => {}
                }
                let w = &mut counts.warnings;
                // One row function per `--excel-safe` setting: the default pays nothing.
                match self.format {
                    ReportFormat::Csv {
                        columns,
                        quote,
                        excel_safe: false,
                    } => {
                        let (cells, cell) = (&self.cells, &mut self.cell);
                        csv::write_row::<false>(finding, columns, *quote, cells, cell, out, w)
                    }
                    ReportFormat::Csv {
                        columns,
                        quote,
                        excel_safe: true,
                    } => {
                        let (cells, cell) = (&self.cells, &mut self.cell);
                        csv::write_row::<true>(finding, columns, *quote, cells, cell, out, w)
                    }
                    ReportFormat::Json { timestamps } | ReportFormat::Ndjson { timestamps } => {
                        json::write_finding(bytes, *timestamps, out, w)
                    }
                }
                self.close(mark, out);
            }
        }
        ItemOutcome::Finding { verdict, written }
    }

    /// What becomes of a kept finding.
    fn mark(&self, finding: &Finding<'_>) -> Mark {
        self.selection.map_or(Mark::Finding, |s| s.mark(finding))
    }

    /// Counts the change of a kept finding of severity `severity` and starts its entry:
    /// the separator, and in a compared report the change. False when the finding is not
    /// to be written.
    fn open(
        &self,
        mark: Mark,
        severity: Option<&Leaf<'_>>,
        out: &mut Vec<u8>,
        counts: &mut Stats,
    ) -> bool {
        let change = match mark {
            Mark::Finding => None,
            Mark::Change(c) | Mark::Omit(c) => Some(c),
        };
        if let Some(c) = change {
            let severity = severity.and_then(|s| s.text()).unwrap_or_default();
            counts.changes.add(c, &severity);
        }
        if let Mark::Omit(_) = mark {
            return false;
        }
        out.extend_from_slice(self.format.separator());
        if let (Entries::Changes, Some(c)) = (self.entries, change) {
            changes::open_entry(self.format, c, out);
        }
        true
    }

    /// Ends the entry [`FindingRenderer::open`] started.
    fn close(&self, mark: Mark, out: &mut Vec<u8>) {
        if let (Entries::Changes, Mark::Change(_)) = (self.entries, mark) {
            changes::close_entry(self.format, out);
        }
        out.extend_from_slice(self.format.terminator());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::Criteria;
    use crate::report::{Change, QuoteStyle};
    use crate::Column;

    /// Renders `items` into one buffer, with the outcome of each and the counts.
    fn render_selecting(
        format: &ReportFormat,
        filter: &Filter,
        selection: Option<&dyn Selection>,
        items: &[&str],
    ) -> (String, Vec<ItemOutcome>, Stats) {
        let entries = match selection {
            Some(_) => Entries::Changes,
            None => Entries::Findings,
        };
        let mut renderer = FindingRenderer::new(format, filter, CellContext { as_of_ms: 0 })
            .selecting(selection, entries);
        let (mut out, mut counts) = (Vec::new(), Stats::default());
        let mut outcomes = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if renderer.admits(0, i as u64) {
                outcomes.push(
                    renderer
                        .render(item.as_bytes(), &mut out, &mut counts)
                        .unwrap(),
                );
            }
        }
        (String::from_utf8(out).unwrap(), outcomes, counts)
    }

    fn render(
        format: &ReportFormat,
        filter: &Filter,
        items: &[&str],
    ) -> (String, Vec<ItemOutcome>, Warnings) {
        let (out, outcomes, counts) = render_selecting(format, filter, None, items);
        (out, outcomes, counts.warnings)
    }

    const KEPT: ItemOutcome = ItemOutcome::Finding {
        verdict: Verdict::Keep,
        written: true,
    };

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
                    KEPT,
                    ItemOutcome::Finding {
                        verdict: Verdict::ExcludedByStatusRule,
                        written: false
                    },
                    KEPT,
                    ItemOutcome::OtherEvent,
                    KEPT,
                ]
            );
            assert_eq!(fast.0.matches(",{").count(), 3, "{}", fast.0);
        }
    }

    /// Admits every item but the second; marks each finding by its title.
    #[derive(Debug)]
    struct ByTitle;

    impl Selection for ByTitle {
        fn admits(&self, _input: usize, index: u64) -> bool {
            index != 1
        }
        fn reads_findings(&self) -> bool {
            true
        }
        fn mark(&self, f: &Finding<'_>) -> Mark {
            match f.title.as_ref().and_then(|t| t.text()).as_deref() {
                Some("new") => Mark::Change(Change::New),
                Some("same") => Mark::Omit(Change::Unchanged),
                _ => Mark::Change(Change::Resolved),
            }
        }
    }

    #[test]
    fn a_selection_admits_marks_and_omits() {
        let items = [
            r#"{"status":"ACTIVE","title":"new","severity":"HIGH"}"#,
            r#"{"status":"ACTIVE","title":"not admitted"}"#,
            r#"{"status":"ACTIVE","title":"same","severity":"CRITICAL"}"#,
            r#"{"status":"ACTIVE","title":"gone","severity":"LOW"}"#,
            r#"{"status":"CLOSED","title":"new"}"#,
        ];
        let csv = ReportFormat::Csv {
            columns: Column::parse_list("Title").unwrap(),
            quote: QuoteStyle::Always,
            excel_safe: false,
        };
        let (out, outcomes, counts) =
            render_selecting(&csv, &Filter::default(), Some(&ByTitle), &items);
        assert_eq!(out, "\"NEW\",\"new\"\n\"RESOLVED\",\"gone\"\n");
        assert_eq!(outcomes.len(), 4);
        assert_eq!(
            outcomes[1],
            ItemOutcome::Finding {
                verdict: Verdict::Keep,
                written: false
            }
        );
        let c = &counts.changes;
        assert_eq!((c.new, c.changed, c.unchanged, c.resolved), (1, 0, 1, 1));
        assert_eq!(c.arrived_severity.sorted(), [("HIGH", 1)]);
        assert_eq!(
            counts.breakdown.severity.total(),
            2,
            "written findings only"
        );

        for (format, want) in [
            (
                ReportFormat::Json {
                    timestamps: JsonTimestamps::Iso,
                },
                ",{\"change\":\"NEW\",\"finding\":{\"status\":\"ACTIVE\",\"title\":\"new\",\"severity\":\"HIGH\"}}",
            ),
            (
                ReportFormat::Ndjson {
                    timestamps: JsonTimestamps::Iso,
                },
                "{\"change\":\"NEW\",\"finding\":{\"status\":\"ACTIVE\",\"title\":\"new\",\"severity\":\"HIGH\"}}\n",
            ),
        ] {
            let (out, _, _) = render_selecting(&format, &Filter::default(), Some(&ByTitle), &items);
            assert!(out.starts_with(want), "{out}");
            assert!(out.contains("\"RESOLVED\""), "{out}");
        }
    }
}
