//! S3 objects and prefixes as inputs (spec 1.3).
//!
//! `s3://BUCKET/KEY` is one object, read whatever it holds; `s3://BUCKET/PREFIX/` (or a
//! key that names no object) stands for every object under the prefix, in the order
//! ListObjectsV2 returns them (UTF-8 byte order of the keys), with a directory's rules:
//! `.` names below the prefix are passed over, and the content decides, when the object
//! is opened, whether it is read or skipped. An object reads exactly as a local file with
//! the same bytes: it becomes a [`std::io::Read`] ([`download`]) fed to the converter.
//!
//! The core has no AWS or async code; this module, like the S3 destination, runs the SDK
//! on a small tokio runtime of its own.

pub mod download;
mod listing;

use crate::args::AwsArgs;
use crate::error::CliError;
use crate::s3::status::Failure;
use crate::target::S3Url;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::Client;
use download::{Counts, Downloads, ObjectReader, ReadAhead};
use inspector_report_core::input::Rule;
use inspector_report_core::Error;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use tokio::runtime::Runtime;

/// One S3 object to read.
#[derive(Debug)]
pub struct S3Object {
    /// Its bucket.
    pub bucket: Arc<str>,
    /// Its key.
    pub key: String,
    /// Its size in bytes, as listed.
    pub size: u64,
    /// Its ETag as listed: every ranged GET asks for this version.
    pub etag: Option<String>,
}

impl S3Object {
    /// `s3://BUCKET/KEY`, its name in messages and summaries.
    pub fn name(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

/// An object as an input of the run, and how its bytes are fetched.
pub struct S3Source {
    /// The object.
    pub object: Arc<S3Object>,
    downloads: Arc<Downloads>,
    /// The run's read-ahead of objects read in order, and this object's place in it; none
    /// when objects are read in no set order (batch mode).
    ahead: OnceLock<(Arc<ReadAhead>, usize)>,
}

impl S3Source {
    /// A reader of the object's bytes, as stored.
    pub fn reader(&self) -> ObjectReader {
        match self.ahead.get() {
            Some((ahead, index)) => ahead.open(*index),
            None => {
                ReadAhead::new(Arc::clone(&self.downloads), vec![Arc::clone(&self.object)]).open(0)
            }
        }
    }
}

/// Makes `sources`, which are read one after another in this order, share one read-ahead,
/// so that the next objects download while one is read.
pub fn read_in_order<'a>(sources: impl Iterator<Item = &'a S3Source>) {
    let sources: Vec<&S3Source> = sources.collect();
    let Some(first) = sources.first() else {
        return;
    };
    let objects = sources.iter().map(|s| Arc::clone(&s.object)).collect();
    let ahead = ReadAhead::new(Arc::clone(&first.downloads), objects);
    for (index, s) in sources.iter().enumerate() {
        let _ = s.ahead.set((Arc::clone(&ahead), index));
    }
}

/// An object an `s3://` input stands for.
pub struct Found {
    /// The object, ready to open.
    pub source: S3Source,
    /// Its key below the prefix (the last segment of a key named itself).
    pub relative: String,
    /// Named itself, or found under a prefix.
    pub rule: Rule,
}

/// How a run reaches S3 for its inputs: made when the first `s3://` input is met.
pub struct S3Inputs {
    client: Client,
    downloads: Arc<Downloads>,
    counts: Arc<Counts>,
    /// Last: the requests above run on it. Shut down without waiting when the run ends.
    runtime: Option<Runtime>,
}

impl Drop for S3Inputs {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl S3Inputs {
    /// Loads the AWS configuration (`--region`, `--profile`, `--endpoint-url`, then the
    /// environment) for reading inputs, `concurrency` ranges at once.
    pub fn connect(aws: &AwsArgs, concurrency: usize) -> Result<S3Inputs, CliError> {
        let rt = crate::aws::runtime()
            .map_err(|e| CliError::failure(format!("starting the S3 client: {e}")))?;
        let shared = crate::aws::config(&rt, aws, "the S3 inputs")?;
        let client =
            aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&shared).build());
        let counts = Arc::new(Counts::default());
        let downloads = Arc::new(Downloads::new(
            rt.handle().clone(),
            client.clone(),
            concurrency,
            Arc::clone(&counts),
        ));
        Ok(S3Inputs {
            client,
            downloads,
            counts,
            runtime: Some(rt),
        })
    }

    /// What was downloaded so far.
    pub fn counts(&self) -> &Arc<Counts> {
        &self.counts
    }

    fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.counts.requests.fetch_add(1, Ordering::Relaxed);
        match &self.runtime {
            Some(rt) => rt.block_on(f),
            None => unreachable!("the runtime lives as long as the inputs"),
        }
    }

    /// The objects the input `url` stands for, in order: the object it names, or those
    /// under it as a prefix. A missing bucket, a refusal, or a prefix with no object is an
    /// error (exit 1) that names the input.
    pub fn expand(&self, url: &str) -> Result<Vec<Found>, CliError> {
        let u: S3Url = url.parse()?;
        let bucket: Arc<str> = Arc::from(u.bucket.as_str());
        let named_key = !u.path.is_empty() && !u.path.ends_with('/');
        if named_key {
            if let Some(object) = self.head(&u, &bucket)? {
                let relative = listing::last_segment(&object.key).to_string();
                return Ok(vec![self.found(object, relative, Rule::Named)]);
            }
        }
        let listed = self.list(&u, &bucket)?;
        if listed.is_empty() {
            return Err(CliError::failure(if named_key {
                format!("{url}: no such object, and no object under it as a prefix")
            } else {
                format!("{url}: no object under this prefix")
            }));
        }
        let found: Vec<Found> = listed
            .into_iter()
            .filter_map(|object| {
                let relative = listing::below_prefix(&u.path, &object.key)?.to_string();
                Some(self.found(object, relative, Rule::Found))
            })
            .collect();
        if found.is_empty() {
            return Err(CliError::failure(Error::no_input_file(url, 0).to_string()));
        }
        Ok(found)
    }

    fn found(&self, object: S3Object, relative: String, rule: Rule) -> Found {
        Found {
            source: self.source(object),
            relative,
            rule,
        }
    }

    /// `object` as a source read through this client.
    pub fn source(&self, object: S3Object) -> S3Source {
        S3Source {
            object: Arc::new(object),
            downloads: Arc::clone(&self.downloads),
            ahead: OnceLock::new(),
        }
    }

    /// The objects right under the prefix `url` (not in folders below it), in key order,
    /// each with its name below the prefix.
    pub fn list_folder(&self, url: &str) -> Result<Vec<(S3Object, String)>, CliError> {
        let u: S3Url = url.parse()?;
        let bucket: Arc<str> = Arc::from(u.bucket.as_str());
        let mut folder = u.clone();
        if !folder.path.is_empty() && !folder.path.ends_with('/') {
            folder.path.push('/');
        }
        Ok(self
            .list(&folder, &bucket)?
            .into_iter()
            .filter_map(|o| {
                let name = o.key.get(folder.path.len()..)?.to_string();
                (!name.is_empty() && !name.contains('/')).then_some((o, name))
            })
            .collect())
    }

    /// The user metadata of `object` (HeadObject), by name without `x-amz-meta-`; its
    /// size and ETag are checked against the listing's.
    pub fn metadata(&self, object: &S3Object) -> Result<HashMap<String, String>, CliError> {
        let out = self
            .block_on(
                self.client
                    .head_object()
                    .bucket(&*object.bucket)
                    .key(&object.key)
                    .send(),
            )
            .map_err(|e| {
                CliError::failure(format!(
                    "{}: {}",
                    object.name(),
                    describe_sdk_error("reading its metadata", e)
                ))
            })?;
        Ok(out.metadata().cloned().unwrap_or_default())
    }

    /// `[start, end)` of `object`, in one ranged GET.
    pub fn get_range(
        &self,
        object: &S3Object,
        start: u64,
        end: u64,
    ) -> Result<bytes::Bytes, CliError> {
        self.block_on(download::fetch(
            &self.client,
            object,
            start,
            end,
            &self.counts,
        ))
        .map_err(|e| CliError::failure(format!("{}: {e}", object.name())))
    }

    /// The object `u` names, or `None` when there is none (so `u` is a prefix).
    fn head(&self, u: &S3Url, bucket: &Arc<str>) -> Result<Option<S3Object>, CliError> {
        let answer = self.block_on(
            self.client
                .head_object()
                .bucket(&u.bucket)
                .key(&u.path)
                .send(),
        );
        match answer {
            Ok(out) => Ok(Some(S3Object {
                bucket: Arc::clone(bucket),
                key: u.path.clone(),
                size: out.content_length().unwrap_or(0).max(0) as u64,
                etag: out.e_tag().map(str::to_string),
            })),
            Err(e) => match e.raw_response().map(|r| r.status().as_u16()) {
                Some(404) => Ok(None),
                Some(403) => Err(CliError::failure(format!(
                    "{u}: access denied: reading an object needs s3:GetObject (and \
                     s3:ListBucket on the bucket to tell a missing key)"
                ))),
                _ => Err(input_error(
                    u,
                    describe_sdk_error("looking up the object", e),
                )),
            },
        }
    }

    /// Every object under the prefix `u.path`, in key order, page by page.
    fn list(&self, u: &S3Url, bucket: &Arc<str>) -> Result<Vec<S3Object>, CliError> {
        let mut objects = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .block_on(
                    self.client
                        .list_objects_v2()
                        .bucket(&u.bucket)
                        .prefix(&u.path)
                        .set_continuation_token(token.take())
                        .send(),
                )
                .map_err(|e| list_error(u, e))?;
            for o in page.contents() {
                let Some(key) = o.key() else { continue };
                objects.push(S3Object {
                    bucket: Arc::clone(bucket),
                    key: key.to_string(),
                    size: o.size().unwrap_or(0).max(0) as u64,
                    etag: o.e_tag().map(str::to_string),
                });
            }
            match page.next_continuation_token() {
                Some(t) if page.is_truncated() == Some(true) => token = Some(t.to_string()),
                _ => return Ok(objects),
            }
        }
    }
}

/// The one-line error of a failed ListObjectsV2 on the input `u`.
fn list_error<E>(u: &S3Url, e: SdkError<E, aws_sdk_s3::config::http::HttpResponse>) -> CliError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let status = e.raw_response().map(|r| r.status().as_u16());
    match (e.code(), status) {
        (Some("NoSuchBucket"), _) => {
            CliError::failure(format!("{u}: no such bucket: {}", u.bucket))
        }
        (Some("AccessDenied"), _) | (_, Some(403)) => CliError::failure(format!(
            "{u}: access denied: listing a prefix needs s3:ListBucket on the bucket"
        )),
        (Some("PermanentRedirect"), _) | (_, Some(301)) => CliError::failure(format!(
            "{u}: the bucket is in another region than the one configured; give --region"
        )),
        _ => input_error(u, describe_sdk_error("listing the prefix", e)),
    }
}

fn input_error(u: &S3Url, why: String) -> CliError {
    CliError::failure(format!("{u}: {why}"))
}

/// An SDK error in one line: what was being done, S3's code and message (or the HTTP
/// status).
pub fn describe_sdk_error<E>(
    what: &str,
    e: SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> String
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    Failure::from_sdk(what, e).message
}
