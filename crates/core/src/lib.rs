//! Streams Amazon Inspector findings into Inspector's findings reports.
//!
//! Input is ListFindings JSON as people keep it (pages, concatenated pages, reports,
//! arrays, NDJSON, EventBridge events; plain or gzip); output is the exact CSV report of
//! Inspector's columns, the full-field JSON report, or NDJSON of the same findings. The contract is
//! `shared/spec/report-format.md`; each module names the section it implements.
//!
//! # How the pieces connect
//!
//! * [`input`] names and opens sources (stdin, files, directories; gzip by magic bytes).
//! * [`scan::ItemReader`] owns one rolling buffer per input and drives the
//!   [`scan::Scanner`], a no-allocation state machine that cuts each finding's bytes out
//!   of the stream without building a DOM.
//! * [`decode`] turns one finding's bytes into a borrowed, typed
//!   [`decode::finding::Finding`] (lenient where real data breaks the model, see
//!   [`decode::value`]). Its fast path is the validating [`decode::walk`]er; serde_json
//!   takes every finding the walker gives back.
//! * [`filter::Filter`] keeps or drops the finding (default: only ACTIVE findings).
//! * [`columns`] computes each CSV cell; [`report`] frames rows into the CSV or JSON
//!   report ([`report::json`] copies the finding's own bytes, minified, with timestamps
//!   patched).
//! * [`pipeline::convert`] runs it all: the scanner and ordered rayon batches on one
//!   pool, one writer, memory bounded by [`Limits`].
//! * [`breakdown`] counts the written findings for the run summary, in the workers.
//! * [`dedupe::convert`] (one occurrence per `findingArn`) and [`diff::compare`] (the
//!   changes between two exports) run several passes over inputs that can be read twice:
//!   a [`pipeline::survey`] into an index, then conversions that read only the items a
//!   [`Selection`] admits, into one [`SectionedReport`].
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
pub mod decode;
pub mod dedupe;
pub mod diff;
pub mod error;
pub mod filter;
pub mod input;
pub mod limits;
pub mod number;
pub mod pipeline;
pub mod report;
pub mod scan;
pub mod select;
pub mod stats;
pub mod timestamp;

pub use breakdown::{Breakdown, Severity};
pub use columns::{Column, Layout};
pub use error::{Error, ErrorKind, Position, Result};
pub use filter::{Filter, Verdict};
pub use input::Source;
pub use limits::Limits;
pub use pipeline::{convert, Config, Input, SectionedReport};
pub use report::{Change, Entries, JsonTimestamps, QuoteStyle, ReportFormat};
pub use select::{Mark, Selection};
pub use stats::{ChangeCounts, InputStats, Progress, Stats, WarningExample, WarningKind, Warnings};
