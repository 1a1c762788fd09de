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
    /// `csv` or `json`.
    pub extension: &'static str,
    /// The filters given, for the status document.
    pub filter: FilterEcho,
    /// The report is a shard (`--shard`): it carries this metadata, replaces its own
    /// earlier object, and is uploaded even with no finding (a piece may have none).
    pub shard: Option<ShardMeta>,
}

impl S3Options {
    /// Checks the options for `-o URL`, a report of format `extension` (`csv` or
    /// `json`). `gzip` is whether `--gzip` was given.
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

    /// `CSV` or `JSON`, as the status document names the format.
    pub fn report_format(&self) -> &'static str {
        if self.extension == "json" {
            "JSON"
        } else {
            "CSV"
        }
    }
}

/// The S3 destination's options mean nothing without an S3 destination, and the AWS
/// options nothing without S3 inputs or destination: giving one is a mistake.
/// `s3_inputs` says whether an input is in S3.
pub fn refuse_without_s3(a: &S3Args, s3_inputs: bool) -> Result<(), CliError> {
    for (given, flag, aws) in [
        (a.kms_key_arn.is_some(), "--kms-key-arn", false),
        (a.aws.region.is_some(), "--region", true),
        (a.aws.profile.is_some(), "--profile", true),
        (a.aws.endpoint_url.is_some(), "--endpoint-url", true),
    ] {
        if given && !(aws && s3_inputs) {
            let what = if aws {
                "S3 inputs or an S3 destination (s3://BUCKET/...)"
            } else {
                "an S3 destination (-o s3://BUCKET/PREFIX)"
            };
            return Err(CliError::usage(format!("{flag} is for {what}")));
        }
    }
    Ok(())
}
