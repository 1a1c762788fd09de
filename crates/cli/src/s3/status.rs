//! The status document an S3 run prints on stdout, shaped like Inspector's
//! `GetFindingsReportStatus` response, and the mapping of S3 failures onto Inspector's
//! report error codes.

use super::destination::Destination;
use crate::filter::FilterEcho;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use serde_json::{json, Value};

/// `ReportingErrorCode`, as Inspector reports why a findings report failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// Anything not below, including input errors.
    InternalError,
    /// Access denied by S3 (the bucket policy or the caller's permissions).
    InvalidPermissions,
    /// No finding passed the filter; nothing was uploaded.
    NoFindingsFound,
    /// The bucket does not exist.
    BucketNotFound,
    /// The bucket is in another region than the request was sent to.
    IncompatibleBucketRegion,
    /// The KMS key is unusable: unknown, disabled, the wrong kind, or its policy refuses.
    MalformedKmsKey,
    /// An object is already at the exact key asked for, and `--overwrite` was not given.
    /// Ours: Inspector always writes a fresh key, so its codes have no such case.
    ObjectExists,
}

impl ErrorCode {
    /// The API's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InternalError => "INTERNAL_ERROR",
            ErrorCode::InvalidPermissions => "INVALID_PERMISSIONS",
            ErrorCode::NoFindingsFound => "NO_FINDINGS_FOUND",
            ErrorCode::BucketNotFound => "BUCKET_NOT_FOUND",
            ErrorCode::IncompatibleBucketRegion => "INCOMPATIBLE_BUCKET_REGION",
            ErrorCode::MalformedKmsKey => "MALFORMED_KMS_KEY",
            ErrorCode::ObjectExists => "OBJECT_EXISTS",
        }
    }
}

/// Maps what S3 answered (its error code, message and HTTP status, any of which may be
/// missing) onto Inspector's error codes.
///
/// S3 reports a KMS problem in three ways: a `KMS.*` error code (`KMS.NotFoundException`,
/// `KMS.DisabledException`, ...), an `AccessDenied` whose message names a `kms:` action
/// (the key policy refuses), or an `InvalidArgument`/`KMS`-worded message for a key id it
/// cannot parse. All are the key's fault, so they are checked before plain access denial.
pub fn classify(code: Option<&str>, message: Option<&str>, status: Option<u16>) -> ErrorCode {
    let code = code.unwrap_or("");
    let message = message.unwrap_or("");
    let kms_words =
        message.contains("kms:") || message.contains("KMS") || message.contains("kms key");
    match code {
        "NoSuchBucket" => ErrorCode::BucketNotFound,
        // Only the conditional completion of an exact key asks a precondition.
        "PreconditionFailed" => ErrorCode::ObjectExists,
        c if c.starts_with("KMS.") || c.starts_with("KMS") => ErrorCode::MalformedKmsKey,
        "InvalidArgument" | "InvalidRequest" | "AccessDenied" if kms_words => {
            ErrorCode::MalformedKmsKey
        }
        "PermanentRedirect"
        | "TemporaryRedirect"
        | "AuthorizationHeaderMalformed"
        | "IllegalLocationConstraintException" => ErrorCode::IncompatibleBucketRegion,
        "AccessDenied"
        | "AllAccessDisabled"
        | "InvalidAccessKeyId"
        | "SignatureDoesNotMatch"
        | "InvalidToken"
        | "ExpiredToken"
        | "AccountProblem" => ErrorCode::InvalidPermissions,
        _ => match status {
            Some(301) | Some(307) => ErrorCode::IncompatibleBucketRegion,
            Some(403) => ErrorCode::InvalidPermissions,
            Some(412) => ErrorCode::ObjectExists,
            _ => ErrorCode::InternalError,
        },
    }
}

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
    /// A failure that S3 did not report itself.
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
        let text = crate::aws::describe(&e);
        Failure {
            code: classify(code.as_deref(), message.as_deref(), status),
            message: if what.is_empty() {
                text
            } else {
                format!("{what}: {text}")
            },
            s3_code: code,
        }
    }
}

/// The run's error, as the summary and stderr tell it: the code, then the message.
impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

/// `SUCCEEDED`, `FAILED` or `CANCELLED`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// The object is in the bucket.
    Succeeded,
    /// Nothing is in the bucket; see the error code.
    Failed,
    /// Interrupted (SIGINT/SIGTERM); nothing is in the bucket.
    Cancelled,
}

/// Everything the status document says.
#[derive(Clone, Debug)]
pub struct Status {
    /// The run's report id (a UUID, as Inspector's).
    pub report_id: String,
    /// Where the report goes.
    pub destination: Destination,
    /// The filter document and shortcut options given.
    pub filter: FilterEcho,
    /// `CSV` or `JSON`.
    pub report_format: &'static str,
    /// How it ended.
    pub state: State,
    /// Why it failed.
    pub error: Option<(ErrorCode, String)>,
    /// Report bytes uploaded (compressed size for gzip).
    pub bytes: u64,
    /// Parts uploaded.
    pub parts: u64,
    /// Findings in the report.
    pub findings: u64,
}

impl Status {
    /// The document, one JSON object.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "reportId": self.report_id,
            "status": match self.state {
                State::Succeeded => "SUCCEEDED",
                State::Failed => "FAILED",
                State::Cancelled => "CANCELLED",
            },
        });
        let o = v.as_object_mut().expect("an object");
        if let Some((code, message)) = &self.error {
            // A cancelled report has a reason but no error code, as in Inspector.
            if self.state != State::Cancelled {
                o.insert("errorCode".into(), code.as_str().into());
            }
            o.insert("errorMessage".into(), message.clone().into());
        }
        o.insert(
            "destination".into(),
            json!({
                "bucketName": self.destination.bucket,
                "keyPrefix": self.destination.key_prefix,
                "kmsKeyArn": self.destination.kms_key_arn,
            }),
        );
        o.insert("filterCriteria".into(), self.filter.document.clone());
        if !self.filter.options.is_empty() {
            o.insert(
                "filterOptions".into(),
                Value::Object(self.filter.options.clone()),
            );
        }
        o.insert("reportFormat".into(), self.report_format.into());
        o.insert("objectKey".into(), self.destination.key.clone().into());
        o.insert("gzip".into(), self.destination.gzip.into());
        o.insert("bytes".into(), self.bytes.into());
        o.insert("parts".into(), self.parts.into());
        o.insert("findings".into(), self.findings.into());
        v
    }

    /// Prints the document on stdout (one line, pretty when stdout is a terminal).
    pub fn print(&self) {
        use std::io::{IsTerminal, Write};
        let v = self.to_json();
        let text = if std::io::stdout().is_terminal() {
            serde_json::to_string_pretty(&v)
        } else {
            serde_json::to_string(&v)
        }
        .unwrap_or_default();
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ErrorCode::*;

    /// Error responses as S3 sends them (code, message, status), from the S3 error code
    /// list and real answers.
    #[test]
    fn s3_answers_map_to_inspector_codes() {
        #[rustfmt::skip]
        let cases: &[(Option<&str>, &str, Option<u16>, ErrorCode)] = &[
            (Some("NoSuchBucket"), "The specified bucket does not exist", Some(404), BucketNotFound),
            (Some("AccessDenied"), "Access Denied", Some(403), InvalidPermissions),
            (Some("AccessDenied"), "User: arn:aws:iam::1:user/x is not authorized to perform: kms:GenerateDataKey on resource: arn:aws:kms:us-east-1:1:key/k", Some(403), MalformedKmsKey),
            (Some("KMS.NotFoundException"), "Invalid keyId k", Some(400), MalformedKmsKey),
            (Some("KMS.DisabledException"), "arn:aws:kms:... is disabled.", Some(400), MalformedKmsKey),
            (Some("KMS.KMSInvalidStateException"), "pending deletion", Some(400), MalformedKmsKey),
            (Some("InvalidArgument"), "Invalid arn for the KMS key", Some(400), MalformedKmsKey),
            (Some("InvalidArgument"), "Part number must be an integer", Some(400), InternalError),
            (Some("PermanentRedirect"), "The bucket you are attempting to access must be addressed using the specified endpoint.", Some(301), IncompatibleBucketRegion),
            (Some("AuthorizationHeaderMalformed"), "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'", Some(400), IncompatibleBucketRegion),
            (None, "", Some(301), IncompatibleBucketRegion),
            (None, "", Some(403), InvalidPermissions),
            (Some("InvalidAccessKeyId"), "The AWS Access Key Id you provided does not exist", Some(403), InvalidPermissions),
            (Some("InternalError"), "We encountered an internal error", Some(500), InternalError),
            (Some("SlowDown"), "Reduce your request rate", Some(503), InternalError),
            (None, "", None, InternalError),
            (Some("PreconditionFailed"), "At least one of the pre-conditions you specified did not hold", Some(412), ObjectExists),
            (None, "", Some(412), ObjectExists),
        ];
        for (code, msg, status, want) in cases {
            assert_eq!(classify(*code, Some(msg), *status), *want, "{code:?} {msg}");
        }
    }

    #[test]
    fn document_shape() {
        let s = Status {
            report_id: "r".into(),
            destination: Destination {
                bucket: "b".into(),
                key_prefix: "p/".into(),
                key: "p/r.csv".into(),
                kms_key_arn: "arn".into(),
                gzip: false,
                exact: false,
            },
            filter: FilterEcho::default(),
            report_format: "CSV",
            state: State::Failed,
            error: Some((NoFindingsFound, "no finding matched".into())),
            bytes: 0,
            parts: 0,
            findings: 0,
        };
        let v = s.to_json();
        assert_eq!(v["status"], "FAILED");
        assert_eq!(v["errorCode"], "NO_FINDINGS_FOUND");
        assert_eq!(v["destination"]["keyPrefix"], "p/");
        assert_eq!(v["objectKey"], "p/r.csv");
        assert!(v.get("filterOptions").is_none());
    }
}
