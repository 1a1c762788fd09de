//! Validates [`Args`] into what the run needs; every usage error is found here, before
//! any input is read.

use crate::args::{Args, Format, JsonTsArg, LayoutArg, ProgressArg, QuoteArg};
use inspector_report_core::filter::{
    Condition, Criteria, FilterDocument, Member, RequestFormat, StringTest,
};
use inspector_report_core::{
    timestamp, Column, Config, Filter, JsonTimestamps, Layout, QuoteStyle, ReportFormat,
};
use std::path::PathBuf;

/// Where the report goes.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// Standard output.
    Stdout,
    /// A file, written atomically.
    File(PathBuf),
}

impl std::str::FromStr for Target {
    type Err = String;
    fn from_str(s: &str) -> Result<Target, String> {
        match s {
            "-" => Ok(Target::Stdout),
            "" => Err("--output needs a path or `-`".into()),
            s if s.starts_with("s3://") => Err(format!(
                "{s}: S3 destinations are not supported by this build yet; write to a file"
            )),
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
            a.inputs
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
            quiet: a.quiet,
        })
    }
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

/// The filter document (if any) ANDed with the shortcut options, and the report format a
/// CreateFindingsReport request asked for.
fn criteria(a: &Args) -> Result<(Criteria, Option<Format>), UsageError> {
    let mut doc = FilterDocument::default();
    if let Some(arg) = &a.filter_criteria {
        let text = if arg.trim_start().starts_with('{') {
            arg.clone()
        } else {
            std::fs::read_to_string(arg).map_err(|e| {
                UsageError(format!(
                    "--filter-criteria {arg}: cannot read the filter document: {e}"
                ))
            })?
        };
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
