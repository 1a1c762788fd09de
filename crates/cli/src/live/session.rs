//! One run's connection to the API: the AWS configuration, a client per region, and the
//! runtime the requests run on. Every region starts fetching when the pipeline opens the
//! first one, so regions are read at the same time; each is then one input of the run.

use super::error::{self, ApiError};
use super::pages::{self, PageSender, Pages};
use super::{check_distinct, fetch, regions, LiveOptions, MAX_ATTEMPTS, SCHEME};
use crate::error::CliError;
use aws_sdk_inspector2::config::retry::RetryConfig;
use aws_sdk_inspector2::config::Region as SdkRegion;
use inspector_report_core::{Input, Progress};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, Once};
use tokio::runtime::Runtime;

/// One run's connection to the API.
pub struct Session {
    runtime: Option<Runtime>,
    /// Each region's fetch, until [`Session::start`] spawns them all.
    pending: Mutex<Vec<(fetch::Region, PageSender)>>,
    /// Each region's reading end, until its source is opened.
    readers: Vec<Mutex<Option<Pages>>>,
    started: Once,
}

/// One region, as an input of the run.
pub struct RegionSource {
    session: Arc<Session>,
    index: usize,
    name: String,
    region: String,
}

impl Session {
    /// Connects to every region that the live inputs among `names` name, in order; each
    /// becomes one [`RegionSource`]. Nothing is requested until one is opened.
    pub fn connect(o: &LiveOptions, names: &[String]) -> Result<Vec<RegionSource>, CliError> {
        let runtime = crate::aws::runtime()
            .map_err(|e| CliError::failure(format!("cannot start the AWS runtime: {e}")))?;
        let shared = crate::aws::load(&runtime, &o.aws);
        let mut regions = Vec::new();
        for name in names {
            let Some(named) = regions_of(name) else {
                continue;
            };
            if named.is_empty() {
                let configured = shared.region().ok_or_else(|| {
                    CliError::usage(format!(
                        "{SCHEME} reads the configured region, and none is configured: give \
                         --region, set AWS_REGION, or name it ({SCHEME}us-east-1)"
                    ))
                })?;
                regions.push(configured.to_string());
            }
            regions.extend(named);
        }
        check_distinct(&regions)?;
        let attempts = match std::env::var_os("AWS_MAX_ATTEMPTS") {
            Some(_) => shared
                .retry_config()
                .map_or(MAX_ATTEMPTS, |r| r.max_attempts()),
            None => MAX_ATTEMPTS,
        };
        let custom_endpoint = shared.endpoint_url().is_some()
            || std::env::var_os("AWS_ENDPOINT_URL_INSPECTOR2").is_some();
        let mut pending = Vec::new();
        let mut readers = Vec::new();
        for region in &regions {
            let answered = Arc::new(AtomicBool::new(false));
            let config = aws_sdk_inspector2::config::Builder::from(&shared)
                .region(SdkRegion::new(region.clone()))
                .retry_config(RetryConfig::adaptive().with_max_attempts(attempts))
                .interceptor(o.meter.interceptor())
                .retry_classifier(error::UnknownHost {
                    answered: Arc::clone(&answered),
                })
                .build();
            let input = format!("{SCHEME}{region}");
            let (tx, reader) = pages::queue(&input);
            pending.push((
                fetch::Region {
                    target: error::RegionTarget {
                        input,
                        region: region.clone(),
                        custom_endpoint,
                    },
                    client: aws_sdk_inspector2::Client::from_conf(config),
                    partitions: o.partitions.clone(),
                    concurrency: o.concurrency,
                    attempts,
                    meter: Arc::clone(&o.meter),
                    answered,
                },
                tx,
            ));
            readers.push(Mutex::new(Some(reader)));
        }
        let session = Arc::new(Session {
            runtime: Some(runtime),
            pending: Mutex::new(pending),
            readers,
            started: Once::new(),
        });
        Ok(regions
            .into_iter()
            .enumerate()
            .map(|(index, region)| RegionSource {
                session: Arc::clone(&session),
                index,
                name: format!("{SCHEME}{region}"),
                region,
            })
            .collect())
    }

    /// Starts every region's fetch, once.
    fn start(&self) {
        self.started.call_once(|| {
            let Some(rt) = &self.runtime else { return };
            let pending =
                std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()));
            for (region, tx) in pending {
                rt.spawn(fetch::run(region, tx));
            }
        });
    }
}

/// The runtime's requests stop with the run; none waits for a slow answer.
impl Drop for Session {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl RegionSource {
    /// `inspector2://REGION`.
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// The region, as batch mode names its report.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Starts the fetch (every region's, the first time) and reads this region's pages,
    /// counting their bytes into `progress`.
    pub fn open(&self, progress: Option<&Arc<Progress>>) -> inspector_report_core::Result<Input> {
        self.session.start();
        let pages = self.session.readers[self.index]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        let pages = pages.unwrap_or_else(|| {
            // Each region is one input, opened once; a second reading says so.
            let (tx, pages) = pages::queue(&self.name);
            tx.fail(ApiError::new(&self.name, "read twice in one run"));
            pages
        });
        let keep = Arc::clone(&self.session) as Arc<dyn Send + Sync>;
        Ok(Input {
            name: self.name(),
            reader: Box::new(pages.reading(progress.cloned(), keep)),
        })
    }
}

/// The regions of a name that [`LiveOptions::new`] has checked already.
fn regions_of(name: &str) -> Option<Vec<String>> {
    regions(name).and_then(Result::ok)
}
