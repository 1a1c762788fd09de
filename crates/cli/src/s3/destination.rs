//! `-o s3://BUCKET/PATH`: which bucket, which object key, and whether the report is
//! gzip, decided before anything is read.
//!
//! PATH ending in `.csv`, `.json`, `.ndjson` (each with `.gz` or not) is the exact object key;
//! anything else is a key prefix, and the key is `PREFIX/<reportId>.<ext>` (no doubled
//! slash; no prefix gives `<reportId>.<ext>`), as Inspector names the reports it
//! delivers.

use crate::error::CliError;
use crate::target::S3Url;

/// Where an S3 report goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destination {
    /// The bucket.
    pub bucket: String,
    /// The key prefix as given (`Destination.keyPrefix`); for an exact key, the key's
    /// folder part.
    pub key_prefix: String,
    /// The object key.
    pub key: String,
    /// The customer-managed KMS key the object is encrypted with.
    pub kms_key_arn: String,
    /// The report is gzip-compressed.
    pub gzip: bool,
    /// The key was given exactly (it may name an object that exists), not made from a
    /// prefix and a fresh report id.
    pub exact: bool,
}

/// Decides the object key for a report of format `ext` (`csv`, `json` or `ndjson`).
///
/// `gzip` is whether `--gzip` was given; an exact key ending in `.gz` turns gzip on, and
/// an exact key whose extension disagrees with the format or with `--gzip` is refused,
/// since the object would be named for something it is not.
pub fn resolve(
    url: &S3Url,
    ext: &str,
    gzip: bool,
    kms_key_arn: &str,
    report_id: &str,
) -> Result<Destination, CliError> {
    let path = &url.path;
    let exact = exact_ending(path);
    let (key, key_prefix, gzip) = match &exact {
        Some(e) => {
            let key_gz = e.ends_with(".gz");
            let key_ext = e.trim_start_matches('.').trim_end_matches(".gz");
            if key_ext != ext {
                return Err(CliError::usage(format!(
                    "{url}: the key ends in {e} but the report is {}; use -f {key_ext} or name the key .{ext}{}",
                    ext.to_uppercase(),
                    if key_gz { ".gz" } else { "" }
                )));
            }
            if gzip && !key_gz {
                return Err(CliError::usage(format!(
                    "{url}: --gzip compresses the report, so name the key {path}.gz"
                )));
            }
            let prefix = path.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
            (path.clone(), prefix.to_string(), key_gz)
        }
        None => {
            let name = format!("{report_id}.{ext}{}", if gzip { ".gz" } else { "" });
            let prefix = path.trim_end_matches('/');
            let key = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            (key, path.clone(), gzip)
        }
    };
    if key.len() > 1024 {
        return Err(CliError::usage(format!(
            "{url}: an S3 object key is at most 1024 bytes"
        )));
    }
    Ok(Destination {
        bucket: url.bucket.clone(),
        key_prefix,
        key,
        kms_key_arn: kms_key_arn.to_string(),
        gzip,
        exact: exact.is_some(),
    })
}

/// The report ending (`.csv`, `.json`, `.csv.gz`, `.json.gz`) that makes `path` (or an
/// `s3://` URL) an exact object key rather than a prefix; `None` for a prefix.
pub fn exact_ending(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or("");
    [
        ".csv",
        ".json",
        ".ndjson",
        ".csv.gz",
        ".json.gz",
        ".ndjson.gz",
    ]
    .into_iter()
    .find(|e| name.len() > e.len() && name.ends_with(e))
}

/// Checks that `arn` names a KMS key (`arn:PARTITION:kms:REGION:ACCOUNT:key/ID`), as
/// Inspector's `Destination.kmsKeyArn` must.
pub fn check_kms_key_arn(arn: &str) -> Result<(), CliError> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "kms"
        && !parts[3].is_empty()
        && parts[5]
            .strip_prefix("key/")
            .is_some_and(|id| !id.is_empty());
    if ok {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "--kms-key-arn {arn:?} is not a KMS key ARN \
             (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID), as Inspector's destination requires"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn key(url: &str, ext: &str, gzip: bool) -> Result<(String, String, bool), String> {
        let url: S3Url = url.parse().unwrap();
        resolve(&url, ext, gzip, ARN, "RID")
            .map(|d| {
                assert_eq!(d.exact, !d.key.contains("RID"), "{url}");
                (d.key, d.key_prefix, d.gzip)
            })
            .map_err(|e| e.message)
    }

    #[test]
    fn prefixes_get_the_report_id() {
        for (url, ext, gzip, want_key, want_prefix) in [
            ("s3://bkt", "csv", false, "RID.csv", ""),
            ("s3://bkt/", "csv", false, "RID.csv", ""),
            (
                "s3://bkt/reports",
                "csv",
                false,
                "reports/RID.csv",
                "reports",
            ),
            (
                "s3://bkt/reports/",
                "json",
                false,
                "reports/RID.json",
                "reports/",
            ),
            ("s3://bkt/a/b//", "csv", true, "a/b/RID.csv.gz", "a/b//"),
            // A folder called csv is a prefix, not a key.
            ("s3://bkt/x/.csv", "csv", false, "x/.csv/RID.csv", "x/.csv"),
        ] {
            let got = key(url, ext, gzip).unwrap();
            assert_eq!(got, (want_key.into(), want_prefix.into(), gzip), "{url}");
        }
    }

    #[test]
    fn exact_keys() {
        assert_eq!(
            key("s3://bkt/a/r.csv", "csv", false).unwrap(),
            ("a/r.csv".into(), "a".into(), false)
        );
        assert_eq!(
            key("s3://bkt/r.json.gz", "json", false).unwrap(),
            ("r.json.gz".into(), "".into(), true)
        );
        assert!(key("s3://bkt/r.json", "csv", false)
            .unwrap_err()
            .contains("-f json"));
        assert_eq!(
            key("s3://bkt/r.ndjson.gz", "ndjson", false).unwrap(),
            ("r.ndjson.gz".into(), "".into(), true)
        );
        assert!(key("s3://bkt/r.ndjson", "json", false)
            .unwrap_err()
            .contains("-f ndjson"));
        assert_eq!(
            key("s3://bkt/p/", "ndjson", false).unwrap().0,
            "p/RID.ndjson"
        );
        assert!(key("s3://bkt/r.csv", "csv", true)
            .unwrap_err()
            .contains("r.csv.gz"));
    }

    #[test]
    fn kms_arns() {
        assert!(check_kms_key_arn(ARN).is_ok());
        assert!(check_kms_key_arn("arn:aws-us-gov:kms:us-gov-west-1:1:key/k").is_ok());
        assert!(check_kms_key_arn("1234abcd-12ab").is_err());
        assert!(check_kms_key_arn("arn:aws:kms:us-east-1:1:alias/x").is_err());
        assert!(check_kms_key_arn("arn:aws:s3:::bucket").is_err());
    }
}
