//! The report streamed into an S3 multipart upload, as a [`Write`] the pipeline's
//! writer thread writes to.
//!
//! Memory: the part being filled plus at most `concurrency` parts in flight, so
//! `part size x (concurrency + 1)`. When that many are in flight the writer blocks until
//! one is acknowledged, which in turn holds back the pipeline through its bounded queues:
//! a slow network slows the run instead of growing memory.
//!
//! Part buffers are reused: a sent part's buffer comes back to [`Upload`] for a later part.
//! Allocating and freeing a fresh 16 MiB buffer per part would be simpler, but glibc raises
//! its mmap threshold after the first such free, so later parts come from the heap and are
//! not returned to the OS: measured on a 500 MB upload, peak RSS went from 97 MB to 142 MB.
//!
//! Parts grow as the upload goes on ([`super::part_size`]), so that any report fits in
//! S3's 10,000 parts.

use super::part_size::{part_size, MAX_PARTS};
use super::status::{ErrorCode, Failure};
use aws_sdk_s3::operation::complete_multipart_upload::CompleteMultipartUploadOutput;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    ChecksumAlgorithm, CompletedMultipartUpload, CompletedPart, ServerSideEncryption,
};
use aws_sdk_s3::Client;
use bytes::Bytes;
use std::io::{self, Write};
use std::sync::Arc;
use tokio::runtime::Handle;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Most parts in flight at once that `--upload-concurrency` accepts.
pub const MAX_CONCURRENCY: usize = 64;
/// Times an abort is retried until ListParts shows the upload gone.
const ABORT_ATTEMPTS: u32 = 5;

/// Addresses an SDK request to the upload `at` (its bucket, key and upload id). The
/// requests are builders of different types with no trait in common, hence a macro.
macro_rules! on_upload {
    ($request:expr, $at:expr) => {
        $request
            .bucket(&$at.bucket)
            .key(&$at.key)
            .upload_id(&$at.upload_id)
    };
}

/// Where an upload is, for the code that must abort it from elsewhere (the signal
/// thread).
#[derive(Clone)]
pub struct UploadRef {
    pub client: Client,
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
}

/// A multipart upload being written.
pub struct Upload {
    rt: Handle,
    at: UploadRef,
    kms_key_arn: String,
    base_part: u64,
    buf: Vec<u8>,
    next_part: i32,
    tasks: JoinSet<Result<CompletedPart, Failure>>,
    permits: Arc<Semaphore>,
    /// Buffers of parts already sent, for the next parts.
    spare: Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
    parts: Vec<CompletedPart>,
    failure: Option<Failure>,
    bytes: u64,
    /// Complete only if no object is at the key by then.
    if_absent: bool,
}

/// What a completed upload wrote.
#[derive(Debug)]
pub struct Completed {
    pub parts: u64,
    pub bytes: u64,
}

/// The options of CreateMultipartUpload.
pub struct Create<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    pub kms_key_arn: &'a str,
    pub content_type: &'a str,
    pub part_size: u64,
    pub concurrency: usize,
    /// Complete only if no object is at the key by then (`If-None-Match: *`).
    pub if_absent: bool,
}

impl Upload {
    /// Starts the upload with SSE-KMS (the key, bucket key enabled) and checks that S3
    /// confirms that encryption, so a wrong bucket, region, permission or key fails
    /// before any input is read.
    pub fn create(rt: &Handle, client: &Client, c: Create<'_>) -> Result<Upload, Failure> {
        let out = rt
            .block_on(
                client
                    .create_multipart_upload()
                    .bucket(c.bucket)
                    .key(c.key)
                    .server_side_encryption(ServerSideEncryption::AwsKms)
                    .ssekms_key_id(c.kms_key_arn)
                    .bucket_key_enabled(true)
                    .checksum_algorithm(ChecksumAlgorithm::Crc32)
                    .content_type(c.content_type)
                    .send(),
            )
            .map_err(|e| Failure::from_sdk("starting the multipart upload", e))?;
        let upload_id = out.upload_id().unwrap_or_default().to_string();
        if upload_id.is_empty() {
            return Err(Failure::new(
                ErrorCode::InternalError,
                "S3 started a multipart upload without an upload id",
            ));
        }
        let at = UploadRef {
            client: client.clone(),
            bucket: c.bucket.to_string(),
            key: c.key.to_string(),
            upload_id,
        };
        if let Err(why) = encryption_confirmed(
            out.server_side_encryption(),
            out.ssekms_key_id(),
            c.kms_key_arn,
        ) {
            let _ = rt.block_on(abort(&at));
            return Err(Failure::new(
                ErrorCode::InternalError,
                format!("starting the multipart upload: {why}; the upload was aborted"),
            ));
        }
        Ok(Upload {
            rt: rt.clone(),
            at,
            kms_key_arn: c.kms_key_arn.to_string(),
            base_part: c.part_size,
            buf: Vec::with_capacity(part_size(c.part_size, 1) as usize),
            next_part: 1,
            tasks: JoinSet::new(),
            permits: Arc::new(Semaphore::new(c.concurrency.max(1))),
            spare: Arc::default(),
            parts: Vec::new(),
            failure: None,
            bytes: 0,
            if_absent: c.if_absent,
        })
    }

    /// The upload, for aborting it from the signal thread.
    pub fn reference(&self) -> UploadRef {
        self.at.clone()
    }

    /// The first part that failed (after the SDK's retries), if any.
    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }

    fn current_part_size(&self) -> usize {
        part_size(self.base_part, self.next_part) as usize
    }

    /// Collects finished parts; with `all`, waits for every part in flight.
    fn reap(&mut self, all: bool) {
        loop {
            let done = if all {
                match self.rt.block_on(self.tasks.join_next()) {
                    Some(d) => d,
                    None => return,
                }
            } else {
                match self.tasks.try_join_next() {
                    Some(d) => d,
                    None => return,
                }
            };
            match done {
                Ok(Ok(part)) => self.parts.push(part),
                Ok(Err(f)) => {
                    self.failure.get_or_insert(f);
                }
                Err(e) => {
                    self.failure.get_or_insert(Failure::new(
                        ErrorCode::InternalError,
                        format!("uploading a part: the task ended: {e}"),
                    ));
                }
            }
        }
    }

    fn failed(&self) -> io::Error {
        let f = self
            .failure
            .as_ref()
            .map(|f| f.message.as_str())
            .unwrap_or("");
        io::Error::other(format!("S3 upload failed: {f}"))
    }

    /// Sends the filled buffer as the next part, waiting for a free slot first.
    fn ship(&mut self) -> io::Result<()> {
        self.reap(false);
        if self.failure.is_some() {
            return Err(self.failed());
        }
        if self.next_part > MAX_PARTS {
            self.failure = Some(Failure::new(
                ErrorCode::InternalError,
                format!("the report needs more than {MAX_PARTS} parts (S3's limit)"),
            ));
            return Err(self.failed());
        }
        let permit = self
            .rt
            .block_on(Arc::clone(&self.permits).acquire_owned())
            .map_err(io::Error::other)?;
        // A part may have failed while this one waited.
        self.reap(false);
        if self.failure.is_some() {
            return Err(self.failed());
        }
        let n = self.next_part;
        self.next_part += 1;
        let size = self.current_part_size();
        let mut next = self
            .spare
            .lock()
            .ok()
            .and_then(|mut s| s.pop())
            .unwrap_or_default();
        next.clear();
        next.reserve_exact(size);
        let body = Bytes::from(std::mem::replace(&mut self.buf, next));
        self.bytes += body.len() as u64;
        let at = self.at.clone();
        let spare = Arc::clone(&self.spare);
        self.tasks.spawn_on(
            async move {
                let r = upload_part(&at, n, body.clone()).await;
                // The SDK has dropped its references to the body by now; take the
                // buffer back (no copy) before the permit lets another part start.
                if let Ok(b) = body.try_into_mut() {
                    if let Ok(mut s) = spare.lock() {
                        s.push(Vec::from(b));
                    }
                }
                drop(permit);
                r
            },
            &self.rt,
        );
        Ok(())
    }

    /// Sends the last part, waits for all, and completes the upload. The response must
    /// confirm SSE-KMS with the requested key; otherwise the object is deleted.
    pub fn complete(&mut self) -> Result<Completed, Failure> {
        if !self.buf.is_empty() || self.next_part == 1 {
            if let Err(e) = self.ship() {
                return Err(self
                    .failure
                    .clone()
                    .unwrap_or_else(|| Failure::new(ErrorCode::InternalError, e.to_string())));
            }
        }
        self.reap(true);
        if let Some(f) = self.failure.clone() {
            return Err(f);
        }
        let mut parts = std::mem::take(&mut self.parts);
        parts.sort_by_key(|p| p.part_number());
        let count = parts.len() as u64;
        let at = &self.at;
        let out = self
            .rt
            .block_on(complete_upload(at, parts, self.if_absent))?;
        if let Err(why) = encryption_confirmed(
            out.server_side_encryption(),
            out.ssekms_key_id(),
            &self.kms_key_arn,
        ) {
            let deleted = self.rt.block_on(
                at.client
                    .delete_object()
                    .bucket(&at.bucket)
                    .key(&at.key)
                    .send(),
            );
            let what = match deleted {
                Ok(_) => "the object was deleted".to_string(),
                Err(e) => format!(
                    "deleting the object failed too ({}); delete s3://{}/{} by hand",
                    Failure::from_sdk("", e).message,
                    at.bucket,
                    at.key
                ),
            };
            let f = Failure::new(
                ErrorCode::InternalError,
                format!("completing the multipart upload: {why}; {what}"),
            );
            // Nothing is left to abort: the upload is complete.
            self.at.upload_id.clear();
            return Err(f);
        }
        Ok(Completed {
            parts: count,
            bytes: self.bytes,
        })
    }

    /// Stops every part in flight and aborts the upload until S3 shows no parts left.
    pub fn abort(mut self) -> Result<(), Failure> {
        self.tasks.abort_all();
        while self.rt.block_on(self.tasks.join_next()).is_some() {}
        if self.at.upload_id.is_empty() {
            return Ok(());
        }
        self.rt.block_on(abort(&self.at))
    }
}

impl Write for Upload {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = self.current_part_size() - self.buf.len();
        let n = data.len().min(room);
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() >= self.current_part_size() {
            self.ship()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        // Parts are sent when full; the last one by `complete`.
        self.reap(false);
        match self.failure {
            Some(_) => Err(self.failed()),
            None => Ok(()),
        }
    }
}

/// CompleteMultipartUpload with the parts in order. With `if_absent`, it is conditional
/// (`If-None-Match: *`), so an object that appeared at the key while the report was
/// uploading is kept and the completion refused. An endpoint that does not implement
/// conditional writes (501) gets the plain request: the object was not there when the
/// upload began ([`refuse_existing`]).
async fn complete_upload(
    at: &UploadRef,
    parts: Vec<CompletedPart>,
    if_absent: bool,
) -> Result<CompleteMultipartUploadOutput, Failure> {
    let what = "completing the multipart upload";
    let request = || {
        on_upload!(at.client.complete_multipart_upload(), at).multipart_upload(
            CompletedMultipartUpload::builder()
                .set_parts(Some(parts.clone()))
                .build(),
        )
    };
    if !if_absent {
        return request()
            .send()
            .await
            .map_err(|e| Failure::from_sdk(what, e));
    }
    match request().if_none_match("*").send().await {
        Ok(out) => Ok(out),
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 501) => request()
            .send()
            .await
            .map_err(|e| Failure::from_sdk(what, e)),
        Err(e) => {
            let f = Failure::from_sdk(what, e);
            match f.code {
                ErrorCode::ObjectExists => Err(object_exists(
                    &at.bucket,
                    &at.key,
                    " (it was written while the report was uploading)",
                )),
                _ => Err(f),
            }
        }
    }
}

/// Refuses an exact key that already names an object, before the upload begins: any
/// answer but 200 to HeadObject lets the upload go on (a 404, or a 403 for a caller
/// allowed to write but not to read), and the conditional completion stands guard for
/// the rest.
pub fn refuse_existing(
    rt: &Handle,
    client: &Client,
    bucket: &str,
    key: &str,
) -> Result<(), Failure> {
    match rt.block_on(client.head_object().bucket(bucket).key(key).send()) {
        Ok(_) => Err(object_exists(bucket, key, "")),
        Err(_) => Ok(()),
    }
}

/// The failure of a report whose key is taken; `when` says more about it.
fn object_exists(bucket: &str, key: &str, when: &str) -> Failure {
    Failure::new(
        ErrorCode::ObjectExists,
        format!(
            "s3://{bucket}/{key} already exists{when}; it was kept and nothing was \
             uploaded (--overwrite replaces it)"
        ),
    )
}

async fn upload_part(at: &UploadRef, n: i32, body: Bytes) -> Result<CompletedPart, Failure> {
    let len = body.len() as i64;
    let out = on_upload!(at.client.upload_part(), at)
        .part_number(n)
        .content_length(len)
        .checksum_algorithm(ChecksumAlgorithm::Crc32)
        .body(ByteStream::from(body))
        .send()
        .await
        .map_err(|e| Failure::from_sdk(&format!("uploading part {n}"), e))?;
    Ok(CompletedPart::builder()
        .part_number(n)
        .set_e_tag(out.e_tag().map(str::to_string))
        .set_checksum_crc32(out.checksum_crc32().map(str::to_string))
        .build())
}

/// Aborts the upload, and again until ListParts says it is gone: S3 documents that a
/// part still arriving during an abort can survive it.
pub async fn abort(at: &UploadRef) -> Result<(), Failure> {
    let mut last = None;
    for attempt in 0..ABORT_ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(200 << attempt)).await;
        }
        let aborted = on_upload!(at.client.abort_multipart_upload(), at)
            .send()
            .await;
        if let Err(e) = aborted {
            let f = Failure::from_sdk("aborting the multipart upload", e);
            if f.s3_code.as_deref() != Some("NoSuchUpload") {
                last = Some(f);
                continue;
            }
        }
        let listed = on_upload!(at.client.list_parts(), at).send().await;
        match listed {
            Err(e) => {
                let f = Failure::from_sdk("checking the aborted upload", e);
                if f.s3_code.as_deref() == Some("NoSuchUpload") {
                    return Ok(());
                }
                last = Some(f);
            }
            Ok(l) if l.parts().is_empty() => return Ok(()),
            Ok(l) => {
                last = Some(Failure::new(
                    ErrorCode::InternalError,
                    format!("{} parts remain after aborting", l.parts().len()),
                ))
            }
        }
    }
    let f = last.unwrap_or_else(|| Failure::new(ErrorCode::InternalError, "abort failed"));
    Err(Failure::new(
        f.code,
        format!(
            "{}; upload {} of s3://{}/{} may remain: {}",
            f.message,
            at.upload_id,
            at.bucket,
            at.key,
            abort_command(&at.bucket, &at.key, &at.upload_id)
        ),
    ))
}

/// The AWS CLI command that aborts an upload by hand, every value quoted for the shell:
/// the upload id is the server's and the key is the user's, and neither may become a
/// command of its own when pasted.
fn abort_command(bucket: &str, key: &str, upload_id: &str) -> String {
    crate::shell::command([
        "aws",
        "s3api",
        "abort-multipart-upload",
        "--bucket",
        bucket,
        "--key",
        key,
        "--upload-id",
        upload_id,
    ])
}

/// Did S3 confirm SSE-KMS with the key asked for? S3 answers with the key's ARN; a bare
/// key id that is the ARN's own id is accepted too.
pub fn encryption_confirmed(
    sse: Option<&ServerSideEncryption>,
    key: Option<&str>,
    wanted: &str,
) -> Result<(), String> {
    if sse != Some(&ServerSideEncryption::AwsKms) {
        return Err(format!(
            "S3 did not confirm SSE-KMS encryption (it answered {})",
            sse.map(|s| s.as_str())
                .unwrap_or("no server-side encryption")
        ));
    }
    let id = |arn: &str| arn.rsplit_once("key/").map(|(_, id)| id.to_string());
    match key {
        Some(k) if k == wanted || Some(k.to_string()) == id(wanted) => Ok(()),
        Some(k) => Err(format!(
            "S3 encrypted with KMS key {k}, not the requested {wanted}"
        )),
        None => Err("S3 did not say which KMS key encrypted the object".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_abort_hint_quotes_every_value() {
        assert_eq!(
            abort_command("bkt", "a/r.csv", "2~abc.DEF_1-x"),
            "aws s3api abort-multipart-upload --bucket bkt --key a/r.csv --upload-id '2~abc.DEF_1-x'"
        );
        let hint = abort_command("bkt", "my report.csv", "x'; rm -rf ~ #$(id)");
        assert_eq!(
            hint,
            "aws s3api abort-multipart-upload --bucket bkt --key 'my report.csv' \
             --upload-id 'x'\\''; rm -rf ~ #$(id)'"
        );
    }

    #[test]
    fn encryption_must_be_echoed() {
        let arn = "arn:aws:kms:us-east-1:1:key/k1";
        let kms = ServerSideEncryption::AwsKms;
        assert!(encryption_confirmed(Some(&kms), Some(arn), arn).is_ok());
        assert!(encryption_confirmed(Some(&kms), Some("k1"), arn).is_ok());
        assert!(
            encryption_confirmed(Some(&kms), Some("arn:aws:kms:us-east-1:1:key/k2"), arn)
                .unwrap_err()
                .contains("not the requested")
        );
        assert!(
            encryption_confirmed(Some(&ServerSideEncryption::Aes256), Some(arn), arn)
                .unwrap_err()
                .contains("AES256")
        );
        assert!(encryption_confirmed(None, None, arn).is_err());
        assert!(encryption_confirmed(Some(&kms), None, arn).is_err());
    }
}
