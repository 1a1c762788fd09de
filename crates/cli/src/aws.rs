//! The one place the AWS SDK's configuration is made: from `--region`, `--profile` and
//! `--endpoint-url`, then the environment and the AWS config files, as the AWS CLI does.
//! Every AWS client (the S3 upload, the live source's Inspector clients) starts from it.

use crate::args::AwsArgs;
use crate::error::CliError;
use aws_config::SdkConfig;
use tokio::runtime::Runtime;

/// The runtime the SDK's requests run on: two threads, since the requests mostly wait on
/// the network and the converter needs the cores.
pub fn runtime() -> std::io::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("inspector-report-aws")
        .enable_all()
        .build()
}

/// Loads the configuration for reaching `what` (for messages: "the S3 destination").
/// No region anywhere is a usage error: every AWS request needs one.
pub fn config(rt: &Runtime, a: &AwsArgs, what: &str) -> Result<SdkConfig, CliError> {
    let shared = load(rt, a);
    if shared.region().is_none() {
        return Err(CliError::usage(format!(
            "no AWS region for {what}: give --region, set AWS_REGION, or set one in the \
             profile"
        )));
    }
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
