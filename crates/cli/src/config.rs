//! Validates [`Args`] into what the run needs; every usage error is found here, before
//! any input is read.

use crate::args::{Args, Format, JsonTsArg, LayoutArg, QuoteArg};
use inspector_report_core::{
    timestamp, Column, Config, JsonTimestamps, Layout, QuoteStyle, ReportFormat,
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
        let format = match a.format {
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
        Ok(RunConfig {
            config,
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
