//! The one place the AWS SDK's configuration is made: from `--region`, `--profile` and
//! `--endpoint-url`, then the environment and the AWS config files, as the AWS CLI does.
//! Every AWS client (the S3 upload, the live source's Inspector clients) starts from it,
//! so every one of them gets the same checks and the same one-line errors:
//!
//! * no region is a usage error, and no credentials a failure that says how to provide
//!   them ([`config`]), both before any request;
//! * a failed request is one line ([`describe`]): the service's code and message, or the
//!   HTTP status, request id and the start of the body, never the SDK's whole debug text.

use crate::args::AwsArgs;
use crate::error::CliError;
use aws_config::SdkConfig;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::config::ProvideCredentials;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::RequestId;
use inspector_report_core::decode::escaped;
use tokio::runtime::Runtime;

/// Most characters of a response body an error shows.
const BODY_CHARS: usize = 200;

/// What it takes to provide credentials, for the message that finds none.
const HOW_TO_PROVIDE: &str = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, name a \
     profile with --profile or AWS_PROFILE (`aws configure`, `aws sso login`), or run where \
     a role provides them (EC2, ECS, Lambda)";

/// The runtime the SDK's requests run on: two threads, since the requests mostly wait on
/// the network and the converter needs the cores.
pub fn runtime() -> std::io::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("inspector-report-aws")
        .enable_all()
        .build()
}

/// Why AWS cannot be used at all, found before any request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetupError {
    /// No region anywhere: a usage error, as every AWS request needs one.
    NoRegion(CliError),
    /// No credentials, or credentials that cannot be loaded: what to do about it. A
    /// destination reports it as `INVALID_PERMISSIONS`.
    Credentials(String),
}

impl From<SetupError> for CliError {
    fn from(e: SetupError) -> CliError {
        match e {
            SetupError::NoRegion(e) => e,
            SetupError::Credentials(m) => CliError::failure(m),
        }
    }
}

/// Loads the configuration for reaching `what` (for messages: "the S3 destination") and
/// checks that it has a region and credentials.
pub fn config(rt: &Runtime, a: &AwsArgs, what: &str) -> Result<SdkConfig, SetupError> {
    let shared = load(rt, a);
    if shared.region().is_none() {
        return Err(SetupError::NoRegion(CliError::usage(format!(
            "no AWS region for {what}: give --region, set AWS_REGION, or set one in the \
             profile"
        ))));
    }
    credentials(rt, &shared, what)?;
    Ok(shared)
}

/// Loads the configuration, with or without a region (a client may be given its own).
pub fn load(rt: &Runtime, a: &AwsArgs) -> SdkConfig {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(r) = &a.region {
        loader = loader.region(aws_config::Region::new(r.clone()));
    }
    if let Some(p) = &a.profile {
        loader = loader.profile_name(p);
    }
    if let Some(e) = &a.endpoint_url {
        loader = loader.endpoint_url(e);
    }
    rt.block_on(loader.load())
}

/// Loads the credentials once, so that having none is said plainly before any request
/// (the SDK would otherwise fail the request with its whole resolution trace).
fn credentials(rt: &Runtime, shared: &SdkConfig, what: &str) -> Result<(), SetupError> {
    let Some(provider) = shared.credentials_provider() else {
        return Err(SetupError::Credentials(format!(
            "no AWS credentials found for {what}: {HOW_TO_PROVIDE}"
        )));
    };
    match rt.block_on(provider.provide_credentials()) {
        Ok(_) => Ok(()),
        Err(CredentialsError::CredentialsNotLoaded(_)) => Err(SetupError::Credentials(format!(
            "no AWS credentials found for {what}: {HOW_TO_PROVIDE}"
        ))),
        Err(e) => Err(SetupError::Credentials(format!(
            "the AWS credentials for {what} could not be loaded: {}",
            chain(&e)
        ))),
    }
}

/// A failed request in one line: `CODE: message` when the service sent them; else the
/// HTTP status, the request id and the start of the body; with no response, what stopped
/// the request.
pub fn describe<E>(e: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match (e.code(), e.message()) {
        (Some(c), Some(m)) => return format!("{c}: {}", escaped(m, 4 * BODY_CHARS)),
        (Some(c), None) => return c.to_string(),
        _ => {}
    }
    match e {
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => {
            let Some(r) = e.raw_response() else {
                return chain(e);
            };
            let mut s = format!("HTTP {}", r.status().as_u16());
            if let Some(id) = e.request_id() {
                s.push_str(&format!(", request id {id}"));
            }
            let body = r.body().bytes().map(String::from_utf8_lossy);
            let body = body.as_deref().map(one_line).unwrap_or_default();
            if !body.is_empty() {
                s.push_str(&format!(": {}", escaped(&body, BODY_CHARS)));
            }
            s
        }
        SdkError::TimeoutError(_) => "the request timed out".to_string(),
        SdkError::DispatchFailure(_) => format!("the request was not answered: {}", chain(e)),
        _ => format!("the request could not be made: {}", chain(e)),
    }
}

/// An error and its sources in one line, each said once, cut to a few hundred characters.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = e.source();
    while let Some(s) = next {
        let text = one_line(&s.to_string());
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = s.source();
    }
    if parts.is_empty() {
        parts.push(one_line(&e.to_string()));
    }
    escaped(&parts.join(": "), 2 * BODY_CHARS)
}

/// `text` with every run of whitespace one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
