//! `inspector2://` and `inspector2://REGION[,REGION...]`: findings read live from
//! Inspector's ListFindings API (spec 1.4), page by page, as if each page were a page
//! input. The library sees one input per region, the pages one after another.
//!
//! - [`LiveOptions`] checks the command line: the regions named, `--api-concurrency`,
//!   and the query, whose `filterCriteria` is the filter document and shortcut options
//!   ([`criteria`]), split into disjoint partitions by severity.
//! - [`session`] is one run's connection to the API: the AWS configuration, a client per
//!   region with adaptive retry, and a small runtime. Every region starts fetching when
//!   the pipeline opens the first one, so regions are read at the same time.
//! - [`fetch`] paginates a region's partitions in parallel; [`capture`] makes each
//!   request with the service's own JSON both ways; [`pages`] hands the pages to the
//!   pipeline in arrival order, at most [`pages::PAGES_WAITING`] in memory and the rest in
//!   a temporary file, so no region waits for the pipeline; [`meter`] counts
//!   requests, retries, throttling and pages; [`error`] words what goes wrong.
//!
//! Report order: the regions in the order given, and within a region the order in which
//! pages arrive from its partitions.

pub mod capture;
pub mod criteria;
pub mod error;
pub mod fetch;
pub mod meter;
pub mod pages;
pub mod session;

pub use error::ApiError;
pub use meter::{ApiCounts, Meter};
pub use session::{RegionSource, Session};

use crate::args::{AwsArgs, LiveArgs};
use crate::error::CliError;
use crate::filter::Filters;
use serde_json::{Map, Value};
use std::sync::Arc;

/// How a live input begins.
pub const SCHEME: &str = "inspector2://";

/// Most `--api-concurrency`: more partitions than severities (and one more) exist to
/// paginate, and the API's request rate is shared by all.
pub const MAX_API_CONCURRENCY: usize = 16;

/// Attempts per ListFindings call (the first and its retries) unless `AWS_MAX_ATTEMPTS`
/// says otherwise. More than the SDK's default of 3: a long pagination meets throttling,
/// and one page that runs out of attempts ends the whole run.
pub const MAX_ATTEMPTS: u32 = 10;

/// The live inputs of a run, checked.
#[derive(Debug)]
pub struct LiveOptions {
    /// How to reach AWS.
    pub aws: AwsArgs,
    /// Partitions paginated at once per region.
    pub concurrency: usize,
    /// The queries each region runs: disjoint, together all that the filter may keep.
    pub partitions: Vec<Map<String, Value>>,
    /// The run's API counters.
    pub meter: Arc<Meter>,
}

/// The regions `name` names when it is a live input: empty for the configured region.
/// `None` when it is no live input.
pub fn regions(name: &str) -> Option<Result<Vec<String>, CliError>> {
    let list = name.strip_prefix(SCHEME)?;
    let list = list.strip_suffix('/').unwrap_or(list);
    if list.is_empty() {
        return Some(Ok(Vec::new()));
    }
    Some(
        list.split(',')
            .map(|r| {
                check_region(r).map(|()| r.to_string()).map_err(|why| {
                    CliError::usage(format!(
                        "{name}: {why}; write {SCHEME}REGION[,REGION...], for example \
                         {SCHEME}us-east-1,eu-west-1"
                    ))
                })
            })
            .collect(),
    )
}

/// A region name's shape (the API decides whether it exists).
fn check_region(r: &str) -> Result<(), String> {
    if r.is_empty() {
        return Err("an empty region name".into());
    }
    let ok = r.starts_with(|c: char| c.is_ascii_lowercase())
        && r.len() <= 50
        && r.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{r:?} is not a region name (lowercase letters, digits and hyphens)"
        ))
    }
}

impl LiveOptions {
    /// The live options of a run reading `inputs`, or `None` when none is live.
    pub fn new(
        inputs: &[String],
        a: &LiveArgs,
        aws: &AwsArgs,
        filters: &Filters,
    ) -> Result<Option<LiveOptions>, CliError> {
        if !inputs.iter().any(|i| i.starts_with(SCHEME)) {
            return Ok(None);
        }
        let mut named = Vec::new();
        for name in inputs {
            if let Some(regions) = regions(name) {
                named.extend(regions?);
            }
        }
        check_distinct(&named)?;
        let concurrency = match a.api_concurrency {
            n @ 1..=MAX_API_CONCURRENCY => n,
            n => {
                return Err(CliError::usage(format!(
                    "--api-concurrency {n}: give 1 to {MAX_API_CONCURRENCY}"
                )))
            }
        };
        let sent = criteria::api_criteria(
            &filters.echo.document,
            &filters.shortcuts,
            filters.criteria.status_given,
        );
        let partitions = if concurrency == 1 {
            vec![sent]
        } else {
            criteria::partitions(&sent, &filters.criteria)
        };
        Ok(Some(LiveOptions {
            aws: aws.clone(),
            concurrency,
            partitions,
            meter: Arc::default(),
        }))
    }

    /// The counts so far, for the summary.
    pub fn counts(&self) -> ApiCounts {
        self.meter.counts()
    }
}

fn check_distinct(regions: &[String]) -> Result<(), CliError> {
    for (i, r) in regions.iter().enumerate() {
        if regions[..i].contains(r) {
            return Err(CliError::usage(format!(
                "region {r} is named twice; its findings would be reported twice"
            )));
        }
    }
    Ok(())
}

/// The API failure behind a conversion error, when a live source failed.
pub fn api_error(e: &inspector_report_core::Error) -> Option<&ApiError> {
    match e.kind() {
        inspector_report_core::ErrorKind::Io(io) => io.get_ref()?.downcast_ref::<ApiError>(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_names() {
        assert!(regions("dump.json").is_none());
        assert!(regions("s3://b/k").is_none());
        assert_eq!(
            regions("inspector2://").unwrap().unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(
            regions("inspector2://us-east-1,eu-west-1/")
                .unwrap()
                .unwrap(),
            vec!["us-east-1", "eu-west-1"]
        );
        for bad in [
            "inspector2://us-east-1,",
            "inspector2://US-EAST-1",
            "inspector2://a b",
        ] {
            let e = regions(bad).unwrap().unwrap_err();
            assert_eq!(e.exit, crate::error::Exit::Usage, "{bad}");
            assert!(e.message.starts_with(bad), "{e}");
        }
        assert!(check_distinct(&["a".into(), "b".into(), "a".into()]).is_err());
    }
}
