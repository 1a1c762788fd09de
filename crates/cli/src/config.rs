//! Validates [`Args`] into what the run needs; every usage error is found here, before
//! any input is read.

use crate::args::{Args, Format, JsonTsArg, LayoutArg, ProgressArg, QuoteArg};
use crate::s3::destination::{self, Destination};
use crate::s3::upload::{MAX_CONCURRENCY, MAX_PART_SIZE, MIN_PART_SIZE};
use inspector_report_core::filter::{
    Condition, Criteria, FilterDocument, Member, RequestFormat, StringTest,
};
use inspector_report_core::{
    timestamp, Column, Config, Filter, JsonTimestamps, Layout, QuoteStyle, ReportFormat,
};
use serde_json::{Map, Value};
use std::path::PathBuf;

/// Where the report goes.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// Standard output.
    Stdout,
    /// A file, written atomically.
    File(PathBuf),
    /// `s3://BUCKET/PATH`, as written.
    S3(String),
}

/// Lowers the smallest `--part-size` accepted, in bytes, for test servers that accept
/// small parts (moto with `S3_UPLOAD_PART_MIN_SIZE`); AWS itself refuses parts under
/// 5 MiB, so nothing else should set it.
pub const MIN_PART_SIZE_ENV: &str = "INSPECTOR_REPORT_MIN_PART_SIZE";

/// A validated S3 destination and how to reach it.
#[derive(Debug)]
pub struct S3Run {
    pub report_id: String,
    pub destination: Destination,
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub part_size: u64,
    pub concurrency: usize,
    /// The filter document as given (`{}` when none), for the status document.
    pub filter_criteria: Value,
    /// The shortcut filter options as given.
    pub filter_options: Map<String, Value>,
}

impl std::str::FromStr for Target {
    type Err = String;
    fn from_str(s: &str) -> Result<Target, String> {
        match s {
            "-" => Ok(Target::Stdout),
            "" => Err("--output needs a path or `-`".into()),
            s if s.starts_with("s3://") => Ok(Target::S3(s.to_string())),
            s => Ok(Target::File(PathBuf::from(s))),
        }
    }
}

/// A validated run.
pub struct RunConfig {
    pub config: Config,
    /// `csv` or `json`: the extension of batch-mode reports.
    pub extension: &'static str,
    /// Show progress on stderr.
    pub progress: bool,
    /// Draw progress even when stderr is no terminal.
    pub progress_forced: bool,
    pub summary_json: Option<PathBuf>,
    pub output_dir: Option<PathBuf>,
    /// Inputs as named; directories are expanded when the run starts, so an unreadable
    /// one is an input error (exit 1) that names it.
    pub inputs: Vec<String>,
    pub target: Target,
    /// Set when `target` is S3.
    pub s3: Option<S3Run>,
    pub quiet: bool,
}

/// A usage error: exit status 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl RunConfig {
    pub fn from_args(a: Args) -> Result<RunConfig, UsageError> {
        let (criteria, requested) = criteria(&a)?;
        let format = match a.format.or(requested).unwrap_or(Format::Csv) {
            Format::Csv => ReportFormat::Csv {
                columns: match &a.columns {
                    Some(list) => columns(list)?,
                    None => match a.layout {
                        LayoutArg::Inspector => Layout::Inspector.columns(),
                        LayoutArg::Documented => Layout::Documented.columns(),
                    },
                },
                quote: match a.quote {
                    QuoteArg::Always => QuoteStyle::Always,
                    QuoteArg::Necessary => QuoteStyle::Necessary,
                },
            },
            Format::Json => ReportFormat::Json {
                timestamps: match a.json_timestamps {
                    JsonTsArg::Iso => JsonTimestamps::Iso,
                    JsonTsArg::Verbatim => JsonTimestamps::Verbatim,
                },
            },
        };
        let mut config = Config {
            format,
            filter: Filter::new(criteria),
            ..Config::default()
        };
        if let Some(t) = &a.as_of {
            config.as_of_ms = timestamp::parse(t).ok_or_else(|| {
                UsageError(format!(
                    "--as-of {t:?} is not a timestamp; use epoch seconds (1748539687.919), \
                     ISO 8601 (2025-05-29T17:28:07Z) or an EventBridge form"
                ))
            })?;
        }
        if let Some(n) = a.threads {
            if n == 0 {
                return Err(UsageError("--threads must be at least 1".into()));
            }
            config.threads = n;
        }
        let inputs = if a.inputs.is_empty() {
            vec!["-".to_string()]
        } else {
            a.inputs.clone()
        };
        if inputs.iter().filter(|i| *i == "-").count() > 1 {
            return Err(UsageError(
                "standard input (`-`) can be read only once".into(),
            ));
        }
        let target: Target = a.output.parse().map_err(UsageError)?;
        if a.output_dir.is_some() && inputs.iter().any(|i| i == "-") {
            return Err(UsageError(
                "--output-dir makes one report per input file; standard input has no name to \
                 give its report (use -o for a single report)"
                    .into(),
            ));
        }
        let extension = match config.format {
            ReportFormat::Json { .. } => "json",
            _ => "csv",
        };
        let named_gz = match &target {
            Target::File(p) => p.extension().is_some_and(|e| e == "gz"),
            _ => false,
        };
        if a.gzip || named_gz {
            config.gzip = Some(inspector_report_core::report::gzip::DEFAULT_LEVEL);
        }
        let s3 = match &target {
            Target::S3(url) => {
                let Some(arn) = &a.kms_key_arn else {
                    return Err(UsageError(format!(
                        "{url}: an S3 destination needs --kms-key-arn (the customer-managed \
                         KMS key that encrypts the report, as in Inspector's destination)"
                    )));
                };
                destination::check_kms_key_arn(arn).map_err(UsageError)?;
                let report_id = uuid::Uuid::new_v4().to_string();
                let d = destination::resolve(url, extension, a.gzip, arn, &report_id)
                    .map_err(UsageError)?;
                if d.gzip {
                    config.gzip = Some(inspector_report_core::report::gzip::DEFAULT_LEVEL);
                }
                Some(S3Run {
                    report_id,
                    destination: d,
                    region: a.region.clone(),
                    profile: a.profile.clone(),
                    endpoint_url: a.endpoint_url.clone(),
                    part_size: part_size(&a.part_size)?,
                    concurrency: match a.upload_concurrency {
                        n @ 1..=MAX_CONCURRENCY => n,
                        n => {
                            return Err(UsageError(format!(
                                "--upload-concurrency {n}: give 1 to {MAX_CONCURRENCY}"
                            )))
                        }
                    },
                    filter_criteria: filter_document_json(&a)?,
                    filter_options: filter_options(&a),
                })
            }
            _ => {
                for (given, flag) in [
                    (a.kms_key_arn.is_some(), "--kms-key-arn"),
                    (a.region.is_some(), "--region"),
                    (a.profile.is_some(), "--profile"),
                    (a.endpoint_url.is_some(), "--endpoint-url"),
                ] {
                    if given {
                        return Err(UsageError(format!(
                            "{flag} is for an S3 destination (-o s3://BUCKET/PREFIX)"
                        )));
                    }
                }
                None
            }
        };
        use std::io::IsTerminal;
        let progress = match a.progress {
            ProgressArg::Never => false,
            ProgressArg::Always => true,
            ProgressArg::Auto => !a.quiet && std::io::stderr().is_terminal(),
        };
        Ok(RunConfig {
            config,
            extension,
            progress,
            progress_forced: a.progress == ProgressArg::Always,
            summary_json: a.summary_json,
            output_dir: a.output_dir,
            inputs,
            target,
            s3,
            quiet: a.quiet,
        })
    }
}

/// `--part-size`: bytes, or a number with KiB, MiB or GiB (K, M, G and KB, MB, GB are
/// read as the same binary units, as the AWS CLI reads them).
fn part_size(text: &str) -> Result<u64, UsageError> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let unit_bytes: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => 0,
    };
    let n: Option<u64> = digits.parse().ok();
    let bytes = n
        .filter(|_| unit_bytes > 0)
        .and_then(|n| n.checked_mul(unit_bytes))
        .ok_or_else(|| {
            UsageError(format!(
                "--part-size {text:?}: give bytes or a size like 16MiB"
            ))
        })?;
    let floor = std::env::var(MIN_PART_SIZE_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&v| v > 0)
        .unwrap_or(MIN_PART_SIZE);
    if bytes < floor {
        return Err(UsageError(format!(
            "--part-size {text}: S3 parts must be at least {floor} bytes (5MiB)"
        )));
    }
    if bytes > MAX_PART_SIZE {
        return Err(UsageError(format!(
            "--part-size {text}: S3 parts are at most 5GiB"
        )));
    }
    Ok(bytes)
}

/// The `filterCriteria` the user gave, as JSON, for the S3 status document.
fn filter_document_json(a: &Args) -> Result<Value, UsageError> {
    let Some(text) = filter_document_text(a)? else {
        return Ok(Value::Object(Map::new()));
    };
    let v: Value =
        serde_json::from_str(&text).map_err(|e| UsageError(format!("--filter-criteria: {e}")))?;
    Ok(match v {
        Value::Object(mut o) if o.contains_key("filterCriteria") => {
            o.remove("filterCriteria").unwrap_or_default()
        }
        v => v,
    })
}

/// The shortcut filter options given, named as the options are.
fn filter_options(a: &Args) -> Map<String, Value> {
    let mut m = Map::new();
    for (name, list) in [
        ("severity", &a.severity),
        ("status", &a.status),
        ("account", &a.account),
        ("resourceType", &a.resource_type),
        ("vulnerabilityId", &a.vulnerability_id),
    ] {
        if !list.is_empty() {
            m.insert(name.into(), list.clone().into());
        }
    }
    for (name, v) in [
        ("firstObservedAfter", &a.first_observed_after),
        ("firstObservedBefore", &a.first_observed_before),
        ("lastObservedAfter", &a.last_observed_after),
        ("lastObservedBefore", &a.last_observed_before),
    ] {
        if let Some(v) = v {
            m.insert(name.into(), v.clone().into());
        }
    }
    if a.all_statuses {
        m.insert("allStatuses".into(), true.into());
    }
    m
}

fn columns(list: &str) -> Result<Vec<Column>, UsageError> {
    let cols = Column::parse_list(list).map_err(|bad| {
        let valid: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
        UsageError(format!(
            "--columns: unknown column {bad:?}; valid names (exact case) are: {}",
            valid.join(", ")
        ))
    })?;
    if cols.is_empty() {
        return Err(UsageError(
            "--columns needs at least one column name".into(),
        ));
    }
    Ok(cols)
}

/// The text of `--filter-criteria`: the argument itself when it starts with `{`, else the
/// file it names.
fn filter_document_text(a: &Args) -> Result<Option<String>, UsageError> {
    let Some(arg) = &a.filter_criteria else {
        return Ok(None);
    };
    if arg.trim_start().starts_with('{') {
        return Ok(Some(arg.clone()));
    }
    std::fs::read_to_string(arg).map(Some).map_err(|e| {
        UsageError(format!(
            "--filter-criteria {arg}: cannot read the filter document: {e}"
        ))
    })
}

/// The filter document (if any) ANDed with the shortcut options, and the report format a
/// CreateFindingsReport request asked for.
fn criteria(a: &Args) -> Result<(Criteria, Option<Format>), UsageError> {
    let mut doc = FilterDocument::default();
    if let Some(text) = filter_document_text(a)? {
        doc = FilterDocument::parse(&text).map_err(|e| UsageError(e.to_string()))?;
    }
    let mut c = doc.criteria;
    let equals = |m: Member, list: &[String]| {
        Condition::Strings(
            m,
            list.iter().map(|v| StringTest::Equals(v.clone())).collect(),
        )
    };
    for (m, list) in [
        (Member::Severity, &a.severity),
        (Member::FindingStatus, &a.status),
        (Member::AwsAccountId, &a.account),
        (Member::ResourceType, &a.resource_type),
        (Member::VulnerabilityId, &a.vulnerability_id),
    ] {
        if list.is_empty() {
            continue;
        }
        if list.len() > inspector_report_core::filter::criteria::MAX_FILTERS_PER_MEMBER {
            return Err(UsageError(format!(
                "--{}: at most {} values, as in a FilterCriteria member",
                flag(m),
                inspector_report_core::filter::criteria::MAX_FILTERS_PER_MEMBER
            )));
        }
        c.push(equals(m, list));
    }
    for (m, after, before, name) in [
        (
            Member::FirstObservedAt,
            &a.first_observed_after,
            &a.first_observed_before,
            "first-observed",
        ),
        (
            Member::LastObservedAt,
            &a.last_observed_after,
            &a.last_observed_before,
            "last-observed",
        ),
    ] {
        if after.is_none() && before.is_none() {
            continue;
        }
        let ts = |v: &Option<String>, which: &str| -> Result<Option<i64>, UsageError> {
            v.as_ref()
                .map(|t| {
                    timestamp::parse(t).ok_or_else(|| {
                        UsageError(format!("--{name}-{which} {t:?} is not a timestamp"))
                    })
                })
                .transpose()
        };
        c.push(Condition::Dates(
            m,
            vec![inspector_report_core::filter::criteria::Range {
                low: ts(after, "after")?,
                high: ts(before, "before")?,
            }],
        ));
    }
    if a.all_statuses {
        c.all_statuses();
    }
    let requested = doc.report_format.map(|f| match f {
        RequestFormat::Csv => Format::Csv,
        RequestFormat::Json => Format::Json,
    });
    Ok((c, requested))
}

fn flag(m: Member) -> &'static str {
    match m {
        Member::Severity => "severity",
        Member::FindingStatus => "status",
        Member::AwsAccountId => "account",
        Member::ResourceType => "resource-type",
        _ => "vulnerability-id",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_sizes() {
        assert_eq!(part_size("16MiB").unwrap(), 16 << 20);
        assert_eq!(part_size("5242880").unwrap(), 5 << 20);
        assert_eq!(part_size("1G").unwrap(), 1 << 30);
        assert!(part_size("4MiB").unwrap_err().0.contains("at least"));
        assert!(part_size("6GiB").unwrap_err().0.contains("at most"));
        assert!(part_size("lots").is_err());
        assert!(part_size("16 furlongs").is_err());
    }
}
