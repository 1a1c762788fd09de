//! Streams Amazon Inspector findings into Inspector's findings reports.
//!
//! Input is ListFindings JSON as people keep it (pages, concatenated pages, reports,
//! arrays, NDJSON, EventBridge events; plain or gzip); output is the exact CSV report of
//! Inspector's columns, the full-field JSON report, or NDJSON of the same findings. The contract is
//! `shared/spec/report-format.md`; each module names the section it implements.
//!
//! # The API
//!
//! A conversion is [`convert`]`(&`[`Config`]`, inputs, &mut out) -> `[`Stats`]. Each input is
//! an [`Input`] (a name and a byte stream, made from a [`Source`] or any reader; gzip is
//! detected by its magic bytes). [`Config`] holds the [`ReportFormat`] (CSV with its
//! [`Column`]s or a [`Layout`], the JSON report, or NDJSON), the [`Filter`] (a FilterCriteria
//! document, default ACTIVE only), the report time, the [`Limits`] and an optional
//! [`Progress`] to poll. Every failure is one [`Error`] with the input, byte offset and
//! finding it happened at.
//!
//! [`dedupe::convert`] (one occurrence per `findingArn`) and [`diff::compare`] (the
//! changes between two exports, spec 6) read inputs that can be read twice: a first pass
//! builds an index of the findings ([`dedupe::ArnIndex`]), then conversions read only the
//! items a [`Selection`] admits, into one [`SectionedReport`].
//!
//! The documented modules are the ones a user of the crate needs: [`breakdown`],
//! [`columns`], [`dedupe`], [`diff`], [`error`], [`filter`], [`input`], [`limits`],
//! [`report`], [`select`], [`stats`] and [`timestamp`].
//! The others are the engine; they are public only for the fuzz targets and benches and
//! hidden from these docs.
//!
//! # A newcomer's tour: the data flow, and the module that owns each step
//!
//! ```text
//! Source ─▶ input ─▶ scan ─▶ pipeline ─▶ report::renderer ─▶ pipeline::writer ─▶ out
//!          (open,    (cut     (batches,   (decode, filter,    (framing: header,
//!           gunzip)   items)   workers)    cells / JSON)       commas, gzip)
//! ```
//!
//! 1. `input` opens each source: standard input, files, directories in sorted order,
//!    gzip by magic bytes on a read-ahead thread; the first bytes decide whether a
//!    directory's file is read or skipped (`input::sniff`, one content rule).
//! 2. `scan` cuts each finding's bytes out of the stream: `scan::ItemReader` owns one
//!    rolling buffer per input and drives `scan::Scanner`, a no-allocation state machine
//!    that tracks strings, escapes and nesting across reads and detects the layout
//!    (page, array, NDJSON, EventBridge events) without building a DOM.
//! 3. `pipeline` groups the findings into batches bounded by count and bytes, renders
//!    them on a rayon pool in input order, and hands them to one writer; with one
//!    thread every stage runs in turn on the calling thread.
//! 4. `report::renderer` does one finding: `decode` turns its bytes into a borrowed,
//!    typed view (`decode::walk` is the validating fast path, serde_json decides whenever
//!    it gives up, `decode::value` holds the lenient leaves) and refuses an object that
//!    is no Inspector finding, [`filter`] keeps or drops it, then [`columns`] computes its CSV cells or `report::json` copies its own bytes,
//!    minified, with timestamps rewritten by [`timestamp`].
//! 5. `pipeline::writer` writes the rendered chunks in order, framed by the report (the
//!    CSV header, the JSON report's brackets and commas, gzip members), and keeps the
//!    [`stats`]: counts, warnings with examples that name the member and value that
//!    raised them, and the [`breakdown`] of the written findings the workers counted.
//! 6. De-duplication and comparison run `pipeline::survey` first: a pass that decodes
//!    the narrowest view that suffices (`findingArn` and `updatedAt`, say) into the index
//!    of [`dedupe`], without rendering; the conversions after it render only the winners.
//!
//! Memory is bounded by [`Limits`], whatever the size of the input.
//!
//! # Example
//!
//! ```
//! use inspector_report_core::{convert, Config, Input};
//!
//! let page = br#"{"findings":[{"awsAccountId":"111122223333","severity":"HIGH",
//!   "status":"ACTIVE","firstObservedAt":1748539687.919}],"nextToken":"abc"}"#;
//! let mut config = Config::default();
//! config.format = inspector_report_core::ReportFormat::Csv {
//!     columns: inspector_report_core::Column::parse_list("AWS Account Id,Severity,First Seen").unwrap(),
//!     quote: inspector_report_core::QuoteStyle::Always,
//!     excel_safe: false,
//! };
//! let mut out = Vec::new();
//! let input = Input::from_reader("page.json", Box::new(&page[..])).unwrap();
//! let stats = convert(&config, [Ok(input)], &mut out).unwrap();
//! assert_eq!(stats.findings_written, 1);
//! assert_eq!(
//!     String::from_utf8(out).unwrap(),
//!     "\"AWS Account Id\",\"Severity\",\"First Seen\"\n\
//!      \"111122223333\",\"HIGH\",\"2025-05-29T17:28:07.919Z\"\n"
//! );
//! ```

#![deny(missing_docs)]

pub mod breakdown;
mod bytes;
pub mod columns;
#[doc(hidden)]
pub mod decode;
pub mod dedupe;
pub mod diff;
pub mod error;
pub mod filter;
pub mod input;
pub mod limits;
#[doc(hidden)]
pub mod number;
#[doc(hidden)]
pub mod pipeline;
pub mod report;
#[doc(hidden)]
pub mod scan;
pub mod select;
pub mod stats;
pub mod timestamp;
mod witness;

pub use breakdown::{Breakdown, BreakdownScope, Severity};
pub use columns::{Column, Layout};
pub use error::{Error, ErrorKind, Position, Result};
pub use filter::{Filter, Verdict};
pub use input::Source;
pub use limits::Limits;
pub use pipeline::{convert, Config, Input, SectionedReport};
pub use report::{Change, Entries, Frame, JsonTimestamps, Piece, QuoteStyle, ReportFormat};
pub use select::{Mark, Selection};
pub use stats::{
    ChangeCounts, InputStats, Progress, SkippedFiles, Stats, WarningExample, WarningKind, Warnings,
};
