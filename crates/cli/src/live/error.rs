//! What went wrong with the API, in one line that says what to do: no credentials, access
//! denied (naming the IAM action), an unknown region, throttling that outlasted the
//! retries, a request the service refused.
//!
//! The error travels to the pipeline inside the page stream's `io::Error`, and
//! [`crate::error`] takes it out again, so the run reports this message rather than a
//! byte offset in a stream of pages.

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_inspector2::config::http::HttpResponse;
use aws_sdk_inspector2::config::interceptors::InterceptorContext;
use aws_sdk_inspector2::config::retry::{ClassifyRetry, RetryAction};
use aws_sdk_inspector2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_inspector2::operation::list_findings::ListFindingsError;
use std::error::Error as StdError;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The IAM action a caller needs to read findings live.
pub const IAM_ACTION: &str = "inspector2:ListFindings";

/// A failure of the live source `input` (`inspector2://REGION`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The source, as messages name it.
    pub input: String,
    /// What went wrong and what to do, in one line.
    pub message: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.input, self.message)
    }
}

impl StdError for ApiError {}

/// Where a request went, for the messages that depend on it.
#[derive(Clone, Debug)]
pub struct RegionTarget {
    /// `inspector2://REGION`.
    pub input: String,
    /// The region.
    pub region: String,
    /// `--endpoint-url` (or its variables) was given: a host that does not resolve is
    /// that endpoint's, not the region's.
    pub custom_endpoint: bool,
}

impl ApiError {
    /// A failure that the SDK did not report.
    pub fn new(input: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            input: input.to_string(),
            message: one_line(&message.into()),
        }
    }

    /// Words a failed ListFindings call after the SDK's retries; `attempts` is how many
    /// the SDK may make.
    pub fn from_sdk(
        at: &RegionTarget,
        e: &SdkError<ListFindingsError, HttpResponse>,
        attempts: u32,
    ) -> ApiError {
        let message = match e {
            SdkError::ServiceError(_) | SdkError::ResponseError(_) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                service_message(e.code(), e.message(), status, attempts)
            }
            SdkError::DispatchFailure(_) => {
                if let Some(c) = chain(e).find_map(|s| s.downcast_ref::<CredentialsError>()) {
                    credentials_message(c)
                } else if host_not_found(e) {
                    if at.custom_endpoint {
                        format!(
                            "cannot reach the endpoint: its host name does not resolve ({})",
                            DisplayErrorContext(e)
                        )
                    } else {
                        format!(
                            "unknown region {:?}: Inspector has no endpoint there (its host name \
                             does not resolve); check the region name",
                            at.region
                        )
                    }
                } else {
                    format!("cannot reach Inspector: {}", DisplayErrorContext(e))
                }
            }
            SdkError::TimeoutError(_) => {
                format!("no answer from Inspector in time, after {attempts} attempts")
            }
            _ => format!("the request failed: {}", DisplayErrorContext(e)),
        };
        ApiError::new(&at.input, message)
    }
}

/// An error answer, worded by its code.
fn service_message(
    code: Option<&str>,
    message: Option<&str>,
    status: Option<u16>,
    attempts: u32,
) -> String {
    let said = match (code, message) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_string(),
        (None, Some(m)) => m.to_string(),
        (None, None) => format!("HTTP {}", status.unwrap_or(0)),
    };
    match code.unwrap_or("") {
        "AccessDeniedException" | "AccessDenied" => {
            format!("access denied ({said}); the caller needs the IAM permission {IAM_ACTION}")
        }
        "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "InvalidClientTokenId"
        | "ExpiredTokenException"
        | "IncompleteSignature" => format!(
            "the AWS credentials were refused ({said}); check them, and that the region is \
             enabled for the account"
        ),
        "ThrottlingException" => format!(
            "still throttled after {attempts} attempts ({said}); try a lower --api-concurrency, \
             or AWS_MAX_ATTEMPTS"
        ),
        "ValidationException" => format!("Inspector refused the request ({said})"),
        _ => match status {
            Some(403) => {
                format!("access denied ({said}); the caller needs the IAM permission {IAM_ACTION}")
            }
            Some(s) if s >= 500 => format!("Inspector failed after {attempts} attempts ({said})"),
            _ => format!("Inspector answered with an error ({said})"),
        },
    }
}

fn credentials_message(c: &CredentialsError) -> String {
    match c {
        CredentialsError::CredentialsNotLoaded(_) => "no AWS credentials: set \
            AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, name a --profile, or run where a role \
            provides them"
            .to_string(),
        other => format!(
            "cannot load AWS credentials: {}",
            DisplayErrorContext(other)
        ),
    }
}

/// `e` and its sources.
fn chain<'a>(
    e: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(e), |s: &&'a (dyn StdError + 'static)| (*s).source())
}

/// Did the connection fail because the host name did not resolve? The HTTP client says
/// so only in words (`dns error`).
fn host_not_found(e: &(dyn StdError + 'static)) -> bool {
    chain(e).any(|s| s.to_string().contains("dns error"))
}

/// The error's message with any line breaks made spaces: errors are one line.
fn one_line(s: &str) -> String {
    s.split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Refuses to retry a host name that does not resolve until a region has answered once:
/// an unknown region fails at once instead of after every backoff. Once a page has
/// come, such a failure is the network's, and retried as the SDK retries any.
#[derive(Debug)]
pub struct UnknownHost {
    /// Set when the region has answered.
    pub answered: Arc<AtomicBool>,
}

impl ClassifyRetry for UnknownHost {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        if self.answered.load(Ordering::Relaxed) {
            return RetryAction::NoActionIndicated;
        }
        match ctx.output_or_error() {
            Some(Err(e)) if e.as_connector_error().is_some_and(|c| host_not_found(c)) => {
                RetryAction::RetryForbidden
            }
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "inspector-report-unknown-host"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_worded_by_their_code() {
        let denied = service_message(
            Some("AccessDeniedException"),
            Some("User: arn:aws:iam::1:user/x is not authorized"),
            Some(403),
            10,
        );
        assert_eq!(
            denied,
            "access denied (AccessDeniedException: User: arn:aws:iam::1:user/x is not \
             authorized); the caller needs the IAM permission inspector2:ListFindings"
        );
        assert!(service_message(None, None, Some(403), 10).contains(IAM_ACTION));
        assert!(
            service_message(Some("ThrottlingException"), None, Some(429), 10)
                .starts_with("still throttled after 10 attempts")
        );
        assert_eq!(
            service_message(Some("InternalServerException"), Some("oops"), Some(500), 3),
            "Inspector failed after 3 attempts (InternalServerException: oops)"
        );
        assert_eq!(
            service_message(Some("ValidationException"), Some("bad"), Some(400), 3),
            "Inspector refused the request (ValidationException: bad)"
        );
    }

    #[test]
    fn messages_are_one_line() {
        let e = ApiError::new("inspector2://us-east-1", "a\n  b\r\nc\n");
        assert_eq!(e.to_string(), "inspector2://us-east-1: a b c");
    }
}
