//! `-o s3://...`: the report streamed into a multipart upload with SSE-KMS, as Inspector
//! delivers reports, with a status document on stdout.
//!
//! Nothing is left behind by a run that does not succeed: the upload is created before
//! any input is read (so a wrong bucket, region, permission or key fails at once), and
//! any failure, an empty report, SIGINT or SIGTERM aborts it.

pub mod destination;
pub mod status;
pub mod upload;

use crate::config::{RunConfig, S3Run};
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use inspector_report_core::{Source, Stats};
use status::{ErrorCode, State, Status};
use std::sync::Mutex;
use std::time::Instant;
use upload::{Create, Upload, UploadRef};

/// A classified S3 failure.
#[derive(Clone, Debug)]
pub struct Failure {
    /// Inspector's error code.
    pub code: ErrorCode,
    /// What happened, for the person reading the status.
    pub message: String,
    /// S3's own error code, when it sent one.
    pub s3_code: Option<String>,
}

impl Failure {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            s3_code: None,
        }
    }

    /// Classifies an SDK error from the request described by `what`.
    pub fn from_sdk<E>(
        what: &str,
        e: SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
    ) -> Failure
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let status = e.raw_response().map(|r| r.status().as_u16());
        let code = e.code().map(str::to_string);
        let message = e.message().map(str::to_string);
        let text = match (&code, &message) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            (Some(c), None) => c.clone(),
            _ => match status {
                Some(s) => format!("HTTP {s}: {}", DisplayErrorContext(&e)),
                None => DisplayErrorContext(&e).to_string(),
            },
        };
        Failure {
            code: status::classify(code.as_deref(), message.as_deref(), status),
            message: if what.is_empty() {
                text
            } else {
                format!("{what}: {text}")
            },
            s3_code: code,
        }
    }
}

/// The run in progress, for the signal thread: what to abort and what to report.
struct Active {
    rt: tokio::runtime::Handle,
    upload: Option<UploadRef>,
    status: Status,
}

/// Held by the main thread while it creates or completes the upload, and by the signal
/// thread while it aborts: so a signal never races an upload id into existence unseen,
/// nor aborts an upload that is being completed.
static ACTIVE: Mutex<Option<Active>> = Mutex::new(None);

/// SIGINT/SIGTERM: aborts the upload in progress, if any, and prints the CANCELLED
/// status. Returns with the lock held, so the main thread cannot go on to complete an
/// upload; the caller exits the process.
pub fn cancel(signal: &str) {
    let guard = match ACTIVE.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    if let Some(a) = guard.as_ref() {
        let mut s = a.status.clone();
        s.state = State::Cancelled;
        let mut msg = format!("interrupted by {signal}");
        if let Some(u) = &a.upload {
            match a.rt.block_on(upload::abort(u)) {
                Ok(()) => msg.push_str("; the multipart upload was aborted"),
                Err(f) => msg.push_str(&format!("; {}", f.message)),
            }
        }
        s.error = Some((ErrorCode::InternalError, msg));
        s.print();
    }
    std::mem::forget(guard);
}

fn client(rt: &tokio::runtime::Runtime, o: &S3Run) -> Result<aws_sdk_s3::Client, String> {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(r) = &o.region {
        loader = loader.region(aws_config::Region::new(r.clone()));
    }
    if let Some(p) = &o.profile {
        loader = loader.profile_name(p);
    }
    if let Some(e) = &o.endpoint_url {
        loader = loader.endpoint_url(e);
    }
    let shared = rt.block_on(loader.load());
    if shared.region().is_none() {
        return Err(
            "no AWS region for the S3 destination: give --region, set AWS_REGION, or set \
             one in the profile"
                .into(),
        );
    }
    Ok(aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&shared).build(),
    ))
}

/// Runs the conversion into S3; returns the exit status.
pub fn run(run: &RunConfig, o: &S3Run, sources: &[Source], started: Instant) -> u8 {
    let mut status = Status {
        report_id: o.report_id.clone(),
        destination: o.destination.clone(),
        filter_criteria: o.filter_criteria.clone(),
        filter_options: o.filter_options.clone(),
        report_format: if run.extension == "json" {
            "JSON"
        } else {
            "CSV"
        },
        state: State::Failed,
        error: None,
        bytes: 0,
        parts: 0,
        findings: 0,
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("inspector-report-s3")
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return fail(
                run,
                &mut status,
                Failure::new(ErrorCode::InternalError, e.to_string()),
                &Stats::default(),
                started,
            )
        }
    };
    let client = match client(&rt, o) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("{}: {msg}", crate::NAME);
            return 2;
        }
    };
    let dest = &o.destination;
    let mut active = lock();
    *active = Some(Active {
        rt: rt.handle().clone(),
        upload: None,
        status: status.clone(),
    });
    let created = Upload::create(
        rt.handle(),
        &client,
        Create {
            bucket: &dest.bucket,
            key: &dest.key,
            kms_key_arn: &dest.kms_key_arn,
            content_type: content_type(run.extension, dest.gzip),
            part_size: o.part_size,
            concurrency: o.concurrency,
        },
    );
    let mut up = match created {
        Ok(u) => u,
        Err(f) => {
            *active = None;
            drop(active);
            return fail(run, &mut status, f, &Stats::default(), started);
        }
    };
    if let Some(a) = active.as_mut() {
        a.upload = Some(up.reference());
    }
    drop(active);

    let result = crate::convert_sources(run, sources, &mut up);
    let stats = match result {
        Ok(s) if s.findings_written == 0 => {
            let f = Failure::new(
                ErrorCode::NoFindingsFound,
                format!(
                    "no finding matched ({} read, {} excluded by the filter, {} not ACTIVE); \
                     nothing was uploaded",
                    s.findings_read, s.excluded_by_filter, s.excluded_by_status_rule
                ),
            );
            return abort_and_fail(run, &mut status, up, f, &s, started);
        }
        Ok(s) => s,
        Err(e) => {
            let f = up
                .failure()
                .cloned()
                .unwrap_or_else(|| Failure::new(ErrorCode::InternalError, e.to_string()));
            return abort_and_fail(run, &mut status, up, f, &Stats::default(), started);
        }
    };
    let mut active = lock();
    match up.complete() {
        Ok(done) => {
            *active = None;
            drop(active);
            status.state = State::Succeeded;
            status.bytes = done.bytes;
            status.parts = done.parts;
            status.findings = stats.findings_written;
            status.print();
            let path = format!("s3://{}/{}", dest.bucket, dest.key);
            crate::report_written(run, &stats, path, done.bytes, started)
        }
        Err(f) => {
            drop(active);
            abort_and_fail(run, &mut status, up, f, &stats, started)
        }
    }
}

fn lock() -> std::sync::MutexGuard<'static, Option<Active>> {
    ACTIVE.lock().unwrap_or_else(|p| p.into_inner())
}

fn content_type(ext: &str, gzip: bool) -> &'static str {
    match (ext, gzip) {
        (_, true) => "application/gzip",
        ("json", false) => "application/json",
        _ => "text/csv; charset=utf-8",
    }
}

fn abort_and_fail(
    run: &RunConfig,
    status: &mut Status,
    up: Upload,
    mut f: Failure,
    stats: &Stats,
    started: Instant,
) -> u8 {
    let mut active = lock();
    if let Err(a) = up.abort() {
        f.message = format!("{}; and then {}", f.message, a.message);
    }
    *active = None;
    drop(active);
    fail(run, status, f, stats, started)
}

fn fail(run: &RunConfig, status: &mut Status, f: Failure, stats: &Stats, started: Instant) -> u8 {
    eprintln!("{}: {}: {}", crate::NAME, f.code.as_str(), f.message);
    status.state = State::Failed;
    status.error = Some((f.code, f.message.clone()));
    status.print();
    let msg = format!("{}: {}", f.code.as_str(), f.message);
    crate::report_failed(run, stats, &msg, started)
}
