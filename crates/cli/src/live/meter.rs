//! Counting the API's work as it happens: calls, HTTP requests (every attempt, retries
//! included), throttled answers and pages, for the progress display and the summary.
//!
//! An interceptor on every region's client counts calls and attempts where the SDK makes
//! them, so retries the SDK does on its own are counted too.

use aws_sdk_inspector2::config::interceptors::{
    BeforeDeserializationInterceptorContextRef, BeforeSerializationInterceptorContextRef,
    BeforeTransmitInterceptorContextRef,
};
use aws_sdk_inspector2::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_inspector2::error::BoxError;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The counters of one run, shared by every region.
#[derive(Debug, Default)]
pub struct Meter {
    calls: AtomicU64,
    requests: AtomicU64,
    throttled: AtomicU64,
    pages: AtomicU64,
}

impl Meter {
    /// A page has reached the pipeline's queue.
    pub fn page(&self) {
        self.pages.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts so far.
    pub fn counts(&self) -> ApiCounts {
        let calls = self.calls.load(Ordering::Relaxed);
        let requests = self.requests.load(Ordering::Relaxed);
        ApiCounts {
            pages: self.pages.load(Ordering::Relaxed),
            requests,
            retries: requests.saturating_sub(calls),
            throttled: self.throttled.load(Ordering::Relaxed),
        }
    }

    /// The interceptor that counts into this meter.
    pub fn interceptor(self: &Arc<Self>) -> MeterInterceptor {
        MeterInterceptor(Arc::clone(self))
    }
}

/// What the API was asked, as the summary reports it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApiCounts {
    /// Pages received.
    pub pages: u64,
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Requests that repeated one that failed (throttled, a 5xx, a dropped connection).
    pub retries: u64,
    /// Answers that were ThrottlingException.
    pub throttled: u64,
}

impl ApiCounts {
    /// The summary's line.
    pub fn line(self) -> String {
        format!(
            "Inspector API: {} pages, {} requests ({} retries, {} throttled)",
            self.pages, self.requests, self.retries, self.throttled
        )
    }

    /// For the progress display.
    pub fn progress(self) -> String {
        format!("{} pages, {} throttled", self.pages, self.throttled)
    }

    /// For `--summary-json`.
    pub fn to_json(self) -> Value {
        json!({
            "pages": self.pages,
            "requests": self.requests,
            "retries": self.retries,
            "throttled": self.throttled,
        })
    }
}

/// Counts into a [`Meter`].
#[derive(Debug)]
pub struct MeterInterceptor(Arc<Meter>);

impl Intercept for MeterInterceptor {
    fn name(&self) -> &'static str {
        "inspector-report-meter"
    }

    fn read_before_execution(
        &self,
        _: &BeforeSerializationInterceptorContextRef<'_>,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.calls.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.requests.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn read_after_transmit(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let r = context.response();
        let error_type = r.headers().get("x-amzn-errortype").unwrap_or("");
        if r.status().as_u16() == 429 || error_type.starts_with("ThrottlingException") {
            self.0.throttled.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_are_requests_beyond_one_per_call() {
        let m = Arc::new(Meter::default());
        m.calls.store(3, Ordering::Relaxed);
        m.requests.store(5, Ordering::Relaxed);
        m.throttled.store(1, Ordering::Relaxed);
        m.page();
        m.page();
        let c = m.counts();
        assert_eq!(
            c,
            ApiCounts {
                pages: 2,
                requests: 5,
                retries: 2,
                throttled: 1
            }
        );
        assert_eq!(
            c.line(),
            "Inspector API: 2 pages, 5 requests (2 retries, 1 throttled)"
        );
        assert_eq!(
            c.to_json(),
            json!({"pages": 2, "requests": 5, "retries": 2, "throttled": 1})
        );
    }
}
