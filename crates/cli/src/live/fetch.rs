//! One region's query on the runtime: its partitions paginated by `--api-concurrency`
//! workers at once, each page sent on as it arrives (so within a region the report
//! follows arrival order), and the first failure sent after the pages that came before
//! it.

use super::capture::{PageCapture, PAGE_FINDINGS};
use super::error::{ApiError, RegionTarget};
use super::meter::Meter;
use super::pages::{NotQueued, PageSender};
use aws_sdk_inspector2::Client;
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::task::JoinSet;

/// Everything one region's fetch needs.
pub struct Region {
    /// Where the requests go, for messages.
    pub target: RegionTarget,
    /// The region's client.
    pub client: Client,
    /// The queries, disjoint; each is paginated on its own.
    pub partitions: Vec<Map<String, Value>>,
    /// Partitions paginated at once.
    pub concurrency: usize,
    /// Attempts the SDK makes per call, for messages.
    pub attempts: u32,
    /// The run's counters.
    pub meter: Arc<Meter>,
    /// Set once the region has answered (see [`super::error::UnknownHost`]).
    pub answered: Arc<AtomicBool>,
}

/// Why a worker stopped early.
enum Stop {
    /// A call failed after its retries.
    Failed(ApiError),
    /// The reader went away (the run ended): nothing more to do.
    ReaderGone,
}

/// Fetches every page of `region` into `tx`; the queue ends when all are sent, or with
/// the first failure.
pub async fn run(region: Region, tx: PageSender) {
    let region = Arc::new(region);
    let queue = Arc::new(Mutex::new(VecDeque::from(region.partitions.clone())));
    let mut workers = JoinSet::new();
    for _ in 0..region.concurrency.clamp(1, region.partitions.len().max(1)) {
        let (region, queue, tx) = (Arc::clone(&region), Arc::clone(&queue), tx.clone());
        workers.spawn(async move {
            loop {
                let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front();
                let Some(criteria) = next else {
                    return Ok(());
                };
                paginate(&region, &criteria, &tx).await?;
            }
        });
    }
    while let Some(done) = workers.join_next().await {
        let failure = match done {
            Ok(Ok(())) => continue,
            Ok(Err(Stop::ReaderGone)) => None,
            Ok(Err(Stop::Failed(e))) => Some(e),
            Err(e) => Some(ApiError::new(
                &region.target.input,
                format!("a request task ended: {e}"),
            )),
        };
        workers.abort_all();
        if let Some(e) = failure {
            tx.fail(e);
        }
        return;
    }
}

/// Pages through one query, from the first page to the one without a `nextToken`.
async fn paginate(
    region: &Region,
    criteria: &Map<String, Value>,
    tx: &PageSender,
) -> Result<(), Stop> {
    let mut token: Option<String> = None;
    loop {
        let (capture, slot) = PageCapture::new(criteria, token.as_deref());
        let out = region
            .client
            .list_findings()
            .max_results(PAGE_FINDINGS)
            .set_next_token(token.clone())
            .customize()
            .interceptor(capture)
            .send()
            .await
            .map_err(|e| Stop::Failed(ApiError::from_sdk(&region.target, &e, region.attempts)))?;
        region.answered.store(true, Ordering::Relaxed);
        let page = slot.take().ok_or_else(|| {
            Stop::Failed(ApiError::new(
                &region.target.input,
                "a successful ListFindings answer had no body to read",
            ))
        })?;
        region.meter.page();
        tx.send(page).map_err(|e| match e {
            NotQueued::ReaderGone => Stop::ReaderGone,
            NotQueued::Spool(e) => Stop::Failed(e),
        })?;
        match out.next_token {
            Some(t) if !t.is_empty() => {
                if token.as_deref() == Some(t.as_str()) {
                    return Err(Stop::Failed(ApiError::new(
                        &region.target.input,
                        "ListFindings returned the nextToken it was given; stopping rather \
                         than reading the same page forever",
                    )));
                }
                token = Some(t);
            }
            _ => return Ok(()),
        }
    }
}
