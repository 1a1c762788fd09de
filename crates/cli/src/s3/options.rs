//! The S3 destination's options, checked before anything is read: the KMS key, the object
//! key, the part size and the upload concurrency.

use super::destination::{self, Destination};
use super::part_size;
use super::upload::MAX_CONCURRENCY;
use crate::args::{AwsArgs, S3Args};
use crate::error::CliError;
use crate::filter::FilterEcho;
use crate::shard::ShardMeta;
use crate::target::S3Url;

/// A checked S3 destination and how to reach it.
#[derive(Clone, Debug)]
pub struct S3Options {
    /// The run's report id (a UUID, as Inspector's).
    pub report_id: String,
    /// Bucket, key and KMS key.
    pub destination: Destination,
    /// How to reach AWS.
    pub aws: AwsArgs,
    /// The first part's size.
    pub part_size: u64,
    /// Most parts in flight.
    pub concurrency: usize,
    /// `csv`, `json` or `ndjson`.
    pub extension: &'static str,
    /// The filters given, for the status document.
    pub filter: FilterEcho,
    /// The report is a shard (`--shard`): it carries this metadata, replaces its own
    /// earlier object, and is uploaded even with no finding (a piece may have none).
    pub shard: Option<ShardMeta>,
    /// `--overwrite`: an object already at an exact key may be replaced.
    pub overwrite: bool,
}

impl S3Options {
    /// Checks the options for `-o URL`, a report of format `extension` (`csv`, `json`
    /// or `ndjson`). `gzip` is whether `--gzip` was given.
    pub fn new(
        url: &str,
        a: &S3Args,
        extension: &'static str,
        gzip: bool,
        filter: FilterEcho,
    ) -> Result<S3Options, CliError> {
        let Some(arn) = &a.kms_key_arn else {
            return Err(CliError::usage(format!(
                "{url}: an S3 destination needs --kms-key-arn (the customer-managed \
                 KMS key that encrypts the report, as in Inspector's destination)"
            )));
        };
        destination::check_kms_key_arn(arn)?;
        let report_id = uuid::Uuid::new_v4().to_string();
        let parsed: S3Url = url.parse()?;
        let destination = destination::resolve(&parsed, extension, gzip, arn, &report_id)?;
        let part_size = part_size::parse(&a.part_size)?;
        let concurrency = match a.upload_concurrency {
            n @ 1..=MAX_CONCURRENCY => n,
            n => {
                return Err(CliError::usage(format!(
                    "--upload-concurrency {n}: give 1 to {MAX_CONCURRENCY}"
                )))
            }
        };
        Ok(S3Options {
            report_id,
            destination,
            aws: a.aws.clone(),
            part_size,
            concurrency,
            extension,
            filter,
            shard: None,
            overwrite: a.overwrite,
        })
    }

    /// Names the report `name` (a shard's name) under the prefix, when the destination
    /// is a prefix; an exact key stays as given.
    pub fn name_shard(&mut self, name: &str) {
        let d = &mut self.destination;
        // Only a prefix's key is named after the report id.
        if !d.key.contains(&self.report_id) {
            return;
        }
        let folder = d.key_prefix.trim_end_matches('/');
        d.key = if folder.is_empty() {
            name.to_string()
        } else {
            format!("{folder}/{name}")
        };
    }

    /// `CSV`, `JSON` or `NDJSON`, as the status document names the format.
    pub fn report_format(&self) -> &'static str {
        match self.extension {
            "json" => "JSON",
            "ndjson" => "NDJSON",
            _ => "CSV",
        }
    }
}

/// The S3 options mean nothing without an S3 destination: giving one is a mistake. The
/// AWS options are for S3 and live inputs too (`aws_inputs`: an `s3://` or
/// `inspector2://` input is given).
pub fn refuse_without_s3(a: &S3Args, aws_inputs: bool) -> Result<(), CliError> {
    const FOR_S3: &str = "an S3 destination (-o s3://BUCKET/PREFIX)";
    const FOR_AWS: &str = "an S3 destination (-o s3://BUCKET/PREFIX), an S3 input \
                           (s3://BUCKET/...) or a live input (inspector2://)";
    for (given, flag, use_) in [
        (a.kms_key_arn.is_some(), "--kms-key-arn", FOR_S3),
        (a.aws.region.is_some(), "--region", FOR_AWS),
        (a.aws.profile.is_some(), "--profile", FOR_AWS),
        (a.aws.endpoint_url.is_some(), "--endpoint-url", FOR_AWS),
        (a.overwrite, "--overwrite", FOR_S3),
    ] {
        if given && (use_ == FOR_S3 || !aws_inputs) {
            return Err(CliError::usage(format!("{flag} is for {use_}")));
        }
    }
    Ok(())
}
