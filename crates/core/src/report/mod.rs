//! The two report formats: how a report starts, how one finding is written, how it ends.
//!
//! # Format
//!
//! * CSV (spec section 2): a header row of the chosen columns, then one row per finding,
//!   in input order; UTF-8 without a byte-order mark; rows end with `\n`; every field
//!   quoted with `"` ([`QuoteStyle::Always`], the default) or only where needed
//!   ([`QuoteStyle::Necessary`]).
//! * JSON (spec section 3): `{"findings":[F,F,...]}` and a newline. Each `F` is the
//!   finding's own bytes, minified, with the timestamp members rewritten as UTC strings
//!   ([`JsonTimestamps::Iso`], the default) or kept as they came.
//!
//! Rows are rendered by the workers, each into its own buffer; the writer only
//! concatenates, so the framing here is the whole of what the writer adds.

pub mod csv;
pub mod gzip;
pub mod json;

use crate::columns::{Column, Layout};

pub use self::csv::QuoteStyle;
pub use self::json::JsonTimestamps;

/// Which report to write, with its options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// The CSV report with these columns, in this order.
    Csv {
        /// The columns. Default: [`Layout::Inspector`].
        columns: Vec<Column>,
        /// Quoting. Default: [`QuoteStyle::Always`].
        quote: QuoteStyle,
        /// Spec 2.2.1: a `'` before text cells a spreadsheet would run as formulas
        /// ([`csv::defuse_formula`]). Default: off, every cell as Inspector writes it.
        excel_safe: bool,
    },
    /// The JSON report.
    Json {
        /// Timestamp members. Default: [`JsonTimestamps::Iso`].
        timestamps: JsonTimestamps,
    },
}

impl Default for ReportFormat {
    fn default() -> Self {
        ReportFormat::Csv {
            columns: Layout::Inspector.columns(),
            quote: QuoteStyle::Always,
            excel_safe: false,
        }
    }
}

impl ReportFormat {
    /// The bytes before the first finding: the CSV header, or `{"findings":[`.
    pub fn prologue(&self) -> Vec<u8> {
        match self {
            ReportFormat::Csv { columns, quote, .. } => {
                let mut out = Vec::new();
                csv::write_record(
                    &mut out,
                    *quote,
                    columns.iter().map(|c| c.name().as_bytes()),
                );
                out
            }
            ReportFormat::Json { .. } => b"{\"findings\":[".to_vec(),
        }
    }

    /// The bytes after the last finding.
    pub fn epilogue(&self) -> &'static [u8] {
        match self {
            ReportFormat::Csv { .. } => b"",
            ReportFormat::Json { .. } => b"]}\n",
        }
    }

    /// In the JSON report every finding is written with a leading `,` (the workers do not
    /// know which finding comes first); the writer drops this many bytes from the first.
    pub fn leading_separator(&self) -> usize {
        match self {
            ReportFormat::Csv { .. } => 0,
            ReportFormat::Json { .. } => 1,
        }
    }
}
