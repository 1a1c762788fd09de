//! The compared report of `diff` (spec 6): each entry is a finding with its change.
//!
//! * CSV: the report's columns with one more in front, `Change`, holding the change.
//! * JSON: `{"changes":[{"change":"NEW","finding":F},...]}`, each `F` as the JSON report
//!   writes it.
//! * NDJSON: the same objects, one per line.

use super::{csv, ReportFormat};

/// What became of a finding between two exports (spec 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    /// Its `findingArn` is in NEW and not in OLD.
    New,
    /// In both, and a compared member differs.
    Changed,
    /// In both, and no compared member differs.
    Unchanged,
    /// In OLD and not in NEW (fixed, closed, or filtered out).
    Resolved,
}

impl Change {
    /// Every change, in the order a summary lists them.
    pub const ALL: [Change; 4] = [
        Change::New,
        Change::Changed,
        Change::Unchanged,
        Change::Resolved,
    ];

    /// The change as the report writes it: `NEW`, `CHANGED`, `UNCHANGED`, `RESOLVED`.
    pub fn name(self) -> &'static str {
        match self {
            Change::New => "NEW",
            Change::Changed => "CHANGED",
            Change::Unchanged => "UNCHANGED",
            Change::Resolved => "RESOLVED",
        }
    }
}

/// What each entry of a report is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Entries {
    /// A finding: the findings report (the default).
    #[default]
    Findings,
    /// A change with its finding: the compared report of `diff`.
    Changes,
}

/// The compared report's name of the CSV column that holds the change.
pub const CHANGE_COLUMN: &str = "Change";

/// The bytes before the first entry of a compared report: the CSV header with `Change` in
/// front, or `{"changes":[`.
pub(crate) fn prologue(format: &ReportFormat) -> Vec<u8> {
    match format {
        ReportFormat::Csv { columns, quote, .. } => {
            let mut out = Vec::new();
            let names = std::iter::once(CHANGE_COLUMN).chain(columns.iter().map(|c| c.name()));
            let names: Vec<&[u8]> = names.map(str::as_bytes).collect();
            csv::write_record(&mut out, *quote, names.into_iter());
            out
        }
        ReportFormat::Json { .. } => b"{\"changes\":[".to_vec(),
        ReportFormat::Ndjson { .. } => Vec::new(),
    }
}

/// Opens an entry of `change`, after the format's separator: the CSV `Change` cell and its
/// comma, or `{"change":"NEW","finding":` before the finding's bytes.
pub(crate) fn open_entry(format: &ReportFormat, change: Change, out: &mut Vec<u8>) {
    match format {
        ReportFormat::Csv { quote, .. } => {
            csv::write_field(out, change.name().as_bytes(), *quote);
            out.push(b',');
        }
        ReportFormat::Json { .. } | ReportFormat::Ndjson { .. } => {
            out.extend_from_slice(b"{\"change\":\"");
            out.extend_from_slice(change.name().as_bytes());
            out.extend_from_slice(b"\",\"finding\":");
        }
    }
}

/// Closes the entry [`open_entry`] opened, before the format's line end.
pub(crate) fn close_entry(format: &ReportFormat, out: &mut Vec<u8>) {
    if !matches!(format, ReportFormat::Csv { .. }) {
        out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{JsonTimestamps, QuoteStyle};
    use crate::Column;

    #[test]
    fn the_change_comes_first() {
        let csv = ReportFormat::Csv {
            columns: Column::parse_list("Severity,Title").unwrap(),
            quote: QuoteStyle::Always,
            excel_safe: false,
        };
        assert_eq!(prologue(&csv), b"\"Change\",\"Severity\",\"Title\"\n");
        let mut out = Vec::new();
        open_entry(&csv, Change::Resolved, &mut out);
        close_entry(&csv, &mut out);
        assert_eq!(out, b"\"RESOLVED\",");
        let necessary = ReportFormat::Csv {
            columns: Column::parse_list("Severity").unwrap(),
            quote: QuoteStyle::Necessary,
            excel_safe: false,
        };
        assert_eq!(prologue(&necessary), b"Change,Severity\n");

        let json = ReportFormat::Json {
            timestamps: JsonTimestamps::Iso,
        };
        assert_eq!(prologue(&json), b"{\"changes\":[");
        let mut out = Vec::new();
        open_entry(&json, Change::New, &mut out);
        out.extend_from_slice(b"{}");
        close_entry(&json, &mut out);
        assert_eq!(out, br#"{"change":"NEW","finding":{}}"#);
    }
}
