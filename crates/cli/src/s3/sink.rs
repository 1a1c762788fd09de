//! The S3 upload as a [`Sink`]: begun with CreateMultipartUpload before any input is read,
//! committed with CompleteMultipartUpload, and aborted on any failure, an empty report,
//! SIGINT or SIGTERM, with the status document on stdout in every case.
//!
//! An exact key is never replaced silently: an object already there is refused before the
//! upload begins (HeadObject), and one written meanwhile by the conditional completion
//! (`If-None-Match: *`), unless `--overwrite`.

use super::options::S3Options;
use super::status::{ErrorCode, Failure, State, Status};
use super::upload::{self, Create, Upload, UploadRef};
use crate::aws::SetupError;
use crate::error::CliError;
use crate::sink::{Delivered, Sink};
use inspector_report_core::Stats;
use std::io::Write;
use std::sync::{Mutex, MutexGuard};
use tokio::runtime::Runtime;

/// A report in progress, for the signal thread: what to abort and what to report.
struct Active {
    rt: tokio::runtime::Handle,
    upload: Option<UploadRef>,
    status: Status,
}

/// The reports in progress (batch mode uploads several at once). Held by a thread while
/// it creates or completes an upload, and by the signal thread while it aborts: so a
/// signal never races an upload id into existence unseen, nor aborts an upload that is
/// being completed.
static ACTIVE: Mutex<Vec<Active>> = Mutex::new(Vec::new());

fn lock() -> MutexGuard<'static, Vec<Active>> {
    ACTIVE.lock().unwrap_or_else(|p| p.into_inner())
}

/// SIGINT/SIGTERM: aborts every upload in progress and prints each one's CANCELLED
/// status. Returns with the lock held, so no thread can go on to complete an upload; the
/// caller exits the process.
pub fn cancel(signal: &str) {
    let guard = lock();
    for a in guard.iter() {
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

/// A report streaming into a multipart upload.
pub struct S3Sink {
    upload: Upload,
    status: Status,
    /// A report of no finding is uploaded all the same (a shard: a piece may have none).
    empty_allowed: bool,
    /// Kept alive, and dropped last: the upload's tasks run on it.
    _runtime: Runtime,
}

impl S3Sink {
    /// Starts the upload, so that a wrong bucket, region, permission or KMS key fails
    /// before any input is read.
    pub fn begin(o: &S3Options) -> Result<S3Sink, CliError> {
        let mut status = Status {
            report_id: o.report_id.clone(),
            destination: o.destination.clone(),
            filter: o.filter.clone(),
            report_format: o.report_format(),
            state: State::Failed,
            error: None,
            bytes: 0,
            parts: 0,
            findings: Some(0),
        };
        let rt = crate::aws::runtime().map_err(|e| {
            fail(
                &mut status,
                Failure::new(ErrorCode::InternalError, e.to_string()),
            )
        })?;
        let shared = match crate::aws::config(&rt, &o.aws, "the S3 destination") {
            Ok(shared) => shared,
            Err(SetupError::Credentials(why)) => {
                let f = Failure::new(ErrorCode::InvalidPermissions, why);
                return Err(fail(&mut status, f));
            }
            Err(e) => return Err(e.into()),
        };
        let client =
            aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&shared).build());
        let dest = &o.destination;
        // A prefix's key is a fresh report id: only an exact key can name an object. A
        // shard replaces its own earlier object: a rerun after a failure is normal.
        let keep_existing = dest.exact && !o.overwrite && o.shard.is_none();
        if keep_existing {
            upload::refuse_existing(rt.handle(), &client, &dest.bucket, &dest.key)
                .map_err(|f| fail(&mut status, f))?;
        }
        let mut active = lock();
        active.push(Active {
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
                content_type: content_type(o.extension, dest.gzip),
                part_size: o.part_size,
                concurrency: o.concurrency,
                metadata: o.shard.as_ref().map(|m| m.pairs()).unwrap_or_default(),
                if_absent: keep_existing,
            },
        );
        let upload = match created {
            Ok(u) => u,
            Err(f) => {
                clear(active, &o.report_id);
                return Err(fail(&mut status, f));
            }
        };
        if let Some(a) = active
            .iter_mut()
            .find(|a| a.status.report_id == o.report_id)
        {
            a.upload = Some(upload.reference());
        }
        Ok(S3Sink {
            upload,
            status,
            empty_allowed: o.shard.is_some(),
            _runtime: rt,
        })
    }

    /// Aborts the upload and reports `f` (with the abort's own failure, if any).
    fn abort_with(mut self, mut f: Failure) -> CliError {
        let active = lock();
        if let Err(a) = self.upload.abort() {
            f.message = format!("{}; and then {}", f.message, a.message);
        }
        clear(active, &self.status.report_id);
        fail(&mut self.status, f)
    }
}

impl Sink for S3Sink {
    fn writer(&mut self) -> &mut dyn Write {
        &mut self.upload
    }

    /// An empty report is refused, as Inspector refuses one: nothing is uploaded (but a
    /// shard is a piece, which may have no finding).
    fn commit(self: Box<Self>, stats: &Stats) -> Result<Delivered, CliError> {
        if stats.findings_written == 0 && !self.empty_allowed {
            let f = Failure::new(
                ErrorCode::NoFindingsFound,
                format!(
                    "no finding matched ({} read, {} excluded by the filter, {} not ACTIVE); \
                     nothing was uploaded",
                    stats.findings_read, stats.excluded_by_filter, stats.excluded_by_status_rule
                ),
            );
            return Err(self.abort_with(f));
        }
        self.complete(Some(stats.findings_written))
    }

    /// A part that failed says more than the write error it caused.
    fn abort(self: Box<Self>, error: CliError) -> CliError {
        let f = self
            .upload
            .failure()
            .cloned()
            .unwrap_or_else(|| Failure::new(ErrorCode::InternalError, error.message));
        self.abort_with(f)
    }
}

impl S3Sink {
    /// The upload itself, for a writer that chooses its own parts (`compose` copies
    /// ranges of other objects).
    pub fn upload(&mut self) -> &mut Upload {
        &mut self.upload
    }

    /// Completes a report joined from pieces without counting its findings; `any` says
    /// whether it holds one (a report of none is refused, as [`Sink::commit`] refuses it).
    pub fn commit_joined(self: Box<Self>, any: bool) -> Result<Delivered, CliError> {
        if !any {
            let f = Failure::new(
                ErrorCode::NoFindingsFound,
                "no shard holds a finding; nothing was uploaded",
            );
            return Err(self.abort_with(f));
        }
        self.complete(None)
    }

    /// Completes the upload and prints the SUCCEEDED status, or aborts it.
    fn complete(mut self: Box<Self>, findings: Option<u64>) -> Result<Delivered, CliError> {
        let active = lock();
        let done = match self.upload.complete() {
            Ok(done) => done,
            Err(f) => {
                drop(active);
                return Err(self.abort_with(f));
            }
        };
        clear(active, &self.status.report_id);
        let s = &mut self.status;
        s.state = State::Succeeded;
        s.bytes = done.bytes;
        s.parts = done.parts;
        s.findings = findings;
        s.print();
        let d = &s.destination;
        Ok(Delivered {
            path: format!("s3://{}/{}", d.bucket, d.key),
            bytes: done.bytes,
        })
    }
}

/// The report `report_id` is no longer in progress: a signal from now on does not abort
/// it.
fn clear(mut active: MutexGuard<'static, Vec<Active>>, report_id: &str) {
    active.retain(|a| a.status.report_id != report_id);
}

/// Prints the FAILED status; the error the run reports.
fn fail(status: &mut Status, f: Failure) -> CliError {
    status.state = State::Failed;
    status.error = Some((f.code, f.message.clone()));
    status.print();
    CliError::failure(f.to_string())
}

fn content_type(ext: &str, gzip: bool) -> &'static str {
    match (ext, gzip) {
        (_, true) => "application/gzip",
        ("json", false) => "application/json",
        ("ndjson", false) => "application/x-ndjson",
        _ => "text/csv; charset=utf-8",
    }
}
