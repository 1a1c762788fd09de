//! The report formats: how a report starts, how one finding is written, how it ends.
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
//! * NDJSON (spec section 3): the JSON report's findings, the same bytes each, one per
//!   line, each line ending in `\n`; no finding gives an empty report.
//!
//! Rows are rendered by the workers, each into its own buffer, through one entry point
//! (`renderer.rs`); the writer only concatenates, and asks `framing.rs` what goes around
//! and between the chunks (the prologue and epilogue here, separators, gzip members). The
//! few findings whose warnings become the run summary's examples are rendered once more
//! to tell where each warning came from (`explain.rs`).

pub mod changes;
#[doc(hidden)]
pub mod csv;
pub(crate) mod explain;
pub(crate) mod framing;
#[doc(hidden)]
pub mod gzip;
#[doc(hidden)]
pub mod json;
pub(crate) mod renderer;

use crate::columns::{Column, Layout};

pub use self::changes::{Change, Entries};
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
    /// One finding per line, each as the JSON report writes it.
    Ndjson {
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

/// Which piece of a report a conversion writes: the whole report, or one of several
/// pieces that, concatenated in order, make the report a single conversion of all their
/// inputs would write (a shard of a run spread over machines).
///
/// The first piece carries the prologue (the CSV header, `{"findings":[`) and the last the
/// epilogue. A piece after the first keeps the separator before its first finding (the
/// JSON report's `,`; a gzip member of its own in a gzip report), and writes nothing at
/// all when it has no finding: so whoever joins the pieces never parses one, and drops
/// that separator, [`Frame::separator`] bytes at the start of a piece, only when no
/// finding came before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// It starts the report.
    pub first: bool,
    /// It ends the report.
    pub last: bool,
}

impl Piece {
    /// The whole report.
    pub const WHOLE: Piece = Piece {
        first: true,
        last: true,
    };
}

impl Default for Piece {
    fn default() -> Piece {
        Piece::WHOLE
    }
}

/// The bytes of a report's frame, as stored: plain, or each a gzip member of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Before the first finding.
    pub prologue: Vec<u8>,
    /// Between two findings (empty for CSV).
    pub separator: Vec<u8>,
    /// After the last finding.
    pub epilogue: Vec<u8>,
}

impl ReportFormat {
    /// The frame of this report, plain or (with a level) as gzip members.
    pub fn frame(&self, gzip: Option<u32>) -> Frame {
        let enclose = |bytes: &[u8]| match gzip {
            Some(level) => gzip::member(bytes, level),
            None => bytes.to_vec(),
        };
        Frame {
            prologue: enclose(&self.prologue()),
            separator: enclose(self.separator()),
            epilogue: enclose(self.epilogue()),
        }
    }

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
            ReportFormat::Ndjson { .. } => Vec::new(),
        }
    }

    /// The bytes after the last finding.
    pub fn epilogue(&self) -> &'static [u8] {
        match self {
            ReportFormat::Csv { .. } | ReportFormat::Ndjson { .. } => b"",
            ReportFormat::Json { .. } => b"]}\n",
        }
    }

    /// In the JSON report every finding is written with a leading `,` (the workers do not
    /// know which finding comes first); the writer drops this many bytes from the first.
    pub fn leading_separator(&self) -> usize {
        self.separator().len()
    }

    /// The separator each rendered finding starts with: `,` in the JSON report, none in
    /// the CSV and NDJSON reports.
    pub(crate) fn separator(&self) -> &'static [u8] {
        match self {
            ReportFormat::Csv { .. } | ReportFormat::Ndjson { .. } => b"",
            ReportFormat::Json { .. } => b",",
        }
    }

    /// What ends each rendered finding of a JSON or NDJSON report: the NDJSON report's line
    /// end (a CSV row ends itself).
    pub(crate) fn terminator(&self) -> &'static [u8] {
        match self {
            ReportFormat::Ndjson { .. } => b"\n",
            ReportFormat::Csv { .. } | ReportFormat::Json { .. } => b"",
        }
    }

    /// The file extension of this report (without gzip's `.gz`): `csv`, `json` or
    /// `ndjson`.
    pub fn extension(&self) -> &'static str {
        match self {
            ReportFormat::Csv { .. } => "csv",
            ReportFormat::Json { .. } => "json",
            ReportFormat::Ndjson { .. } => "ndjson",
        }
    }

    /// The timestamp rule of a report that copies each finding's bytes (JSON, NDJSON);
    /// `None` for CSV.
    pub fn json_timestamps(&self) -> Option<JsonTimestamps> {
        match self {
            ReportFormat::Csv { .. } => None,
            ReportFormat::Json { timestamps } | ReportFormat::Ndjson { timestamps } => {
                Some(*timestamps)
            }
        }
    }
}
