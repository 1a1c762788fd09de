//! Checks [`Args`] into what the run needs; every usage error is found here, before any
//! input is read.

use crate::args::{Args, Format, JsonTsArg, LayoutArg, ProgressArg, QuoteArg};
use crate::error::CliError;
use crate::filter::{FilterEcho, Filters};
use crate::live::LiveOptions;
use crate::preflight::{self, OutputPath};
use crate::s3::{self, destination, S3Options};
use crate::s3_input::download::MAX_CONCURRENCY as MAX_DOWNLOAD_CONCURRENCY;
use crate::shard::{self, Shard, ShardMeta};
use crate::sink::{links, rules};
use crate::source::{self as sources, Reach};
use crate::target::Target;
use inspector_report_core::diff::DiffOptions;
use inspector_report_core::filter::shortcuts::parse_instant;
use inspector_report_core::report::gzip::DEFAULT_LEVEL;
use inspector_report_core::{
    BreakdownScope, Column, Config, Filter, JsonTimestamps, Layout, QuoteStyle, ReportFormat,
    Severity,
};
use std::path::{Path, PathBuf};

/// The most worker threads `--threads` takes. Each is an OS thread with its own stack and
/// a share of the batches; tens of thousands exhaust the process's memory maps long
/// before they could help, and no machine this runs on has more cores.
pub const MAX_THREADS: usize = 1024;

/// A checked run.
pub struct RunConfig {
    /// The converter's configuration.
    pub config: Config,
    /// `csv`, `json` or `ndjson`: the extension of batch-mode reports.
    pub extension: &'static str,
    /// Show progress on stderr.
    pub progress: bool,
    /// Draw progress even when stderr is no terminal.
    pub progress_forced: bool,
    /// Where `--summary-json` writes the summary.
    pub summary_json: Option<PathBuf>,
    /// No summary on stderr.
    pub quiet: bool,
    /// Warnings about the filter document, for the summary.
    pub filter_warnings: Vec<String>,
    /// No input was named: standard input is read by default.
    pub stdin_by_default: bool,
    /// Inputs as named; see [`crate::source::plan`].
    pub inputs: Vec<String>,
    /// How to reach the inputs that are not local.
    pub reach: Reach,
    /// The live inputs' options, when an input is `inspector2://`.
    pub live: Option<LiveOptions>,
    /// One report, or one per input.
    pub mode: Mode,
    /// `--shard`: this run converts one of N runs of the inputs.
    pub shard: Option<Shard>,
    /// The metadata a single run's shard report carries (none in batch mode, whose
    /// reports are whole).
    pub shard_meta: Option<ShardMeta>,
    /// `--fail-on`: exit 3 when a written finding is at this severity or above.
    pub fail_on: Option<Severity>,
    /// `--dedupe`: one occurrence per findingArn, in two passes over the inputs.
    pub dedupe: bool,
    /// `diff`: the run compares two exports, with these options.
    pub diff: Option<DiffOptions>,
    /// How report and summary files are created: their mode, and links.
    pub files: rules::FileRules,
    /// `--bom`: a UTF-8 byte-order mark before the CSV header.
    pub bom: bool,
    /// `--max-output-bytes`: the most bytes a report may have, as written.
    pub max_output_bytes: Option<u64>,
}

/// How many reports a run writes, and where.
pub enum Mode {
    /// One report of every input.
    Single(Output),
    /// `--output-dir`: one report per input file or object.
    Batch(BatchOutput),
}

/// Where batch mode writes its reports.
pub enum BatchOutput {
    /// Files under a directory.
    Dir(PathBuf),
    /// Objects under an S3 prefix (an exact key each, with a report id of its own).
    S3(Box<S3Options>),
}

/// Where the one report of a single run goes.
pub enum Output {
    /// Standard output.
    Stdout,
    /// A file, written atomically.
    File(PathBuf),
    /// An S3 object.
    S3(Box<S3Options>),
}

impl RunConfig {
    /// Checks the command line.
    pub fn from_args(a: Args) -> Result<RunConfig, CliError> {
        let mut config = Config::default();
        if let Some(t) = &a.as_of {
            config.as_of_ms = parse_instant(t).ok_or_else(|| {
                CliError::usage(format!(
                    "--as-of {t:?} is not a time; use a date (2026-01-01, midnight UTC), ISO \
                     8601 (2025-05-29T17:28:07Z), epoch seconds (1748539687.919) or an \
                     EventBridge form"
                ))
            })?;
        }
        let filters = Filters::new(&a.filters, config.as_of_ms)?;
        let inputs = if a.inputs.is_empty() {
            vec!["-".to_string()]
        } else {
            a.inputs.clone()
        };
        if inputs[0] == "diff" && !std::path::Path::new("diff").exists() {
            return Err(CliError::usage(
                "`diff` takes its options after it: inspector-report diff [OPTIONS] OLD NEW",
            ));
        }
        let live = LiveOptions::new(&inputs, &a.live, &a.s3.aws, &filters)?;
        let format = match a.format.or(filters.requested_format).unwrap_or(Format::Csv) {
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
                excel_safe: a.excel_safe,
            },
            Format::Json => ReportFormat::Json {
                timestamps: json_timestamps(a.json_timestamps),
            },
            Format::Ndjson => ReportFormat::Ndjson {
                timestamps: json_timestamps(a.json_timestamps),
            },
        };
        config.format = format;
        config.filter = Filter::new(filters.criteria);
        // The workers count only what the run shows: the JSON summary has every
        // dimension, the human summary and the gate the severities.
        config.breakdown = if a.summary_json.is_some() {
            BreakdownScope::All
        } else if !a.quiet || a.fail_on.is_some() {
            BreakdownScope::Severity
        } else {
            BreakdownScope::Nothing
        };
        if let Some(n) = a.threads {
            if !(1..=MAX_THREADS).contains(&n) {
                return Err(CliError::usage(format!(
                    "--threads {n}: give 1 to {MAX_THREADS} (one per core is the default; \
                     more threads than cores only add overhead)"
                )));
            }
            config.threads = n;
        }
        if inputs.iter().filter(|i| *i == "-").count() > 1 {
            return Err(CliError::usage(
                "standard input (`-`) can be read only once",
            ));
        }
        if a.dedupe && inputs.iter().any(|i| i == "-") {
            return Err(CliError::usage(
                "--dedupe reads its inputs twice, and standard input can be read only once; \
                 save it to a file and name that",
            ));
        }
        if a.dedupe && live.is_some() {
            return Err(CliError::usage(sources::LIVE_NOT_DEDUPED));
        }
        let target: Target = a.output.parse()?;
        if a.output_dir.is_some() && inputs.iter().any(|i| i == "-") {
            return Err(CliError::usage(
                "--output-dir makes one report per input file; standard input has no name to \
                 give its report (use -o for a single report)",
            ));
        }
        let extension = config.format.extension();
        let shard = a
            .shard
            .as_deref()
            .map(|t| Shard::parse(t, |v| std::env::var(v).ok()))
            .transpose()?;
        // A single run's shard is named after its shard under a prefix or folder.
        let shard_name = shard
            .filter(|_| a.output_dir.is_none())
            .map(|s| s.file_name(extension, a.gzip));
        let batch = match &a.output_dir {
            Some(dir) => Some(batch_output(dir, &a, extension, &filters.echo)?),
            None => None,
        };
        let output = match target {
            Target::Stdout if shard_name.is_some() => {
                return Err(CliError::usage(
                    "--shard writes a piece of a report for `compose`: give -o a file, a \
                     folder or an S3 location",
                ))
            }
            Target::Stdout => Output::Stdout,
            Target::File(p) => Output::File(match &shard_name {
                Some(name) if a.output.ends_with('/') || p.is_dir() => p.join(name),
                _ => p,
            }),
            Target::S3(url) => {
                let mut o = S3Options::new(&url, &a.s3, extension, a.gzip, filters.echo.clone())?;
                if let Some(name) = &shard_name {
                    o.name_shard(name);
                }
                Output::S3(Box::new(o))
            }
        };
        let s3_inputs = inputs.iter().any(|i| sources::is_s3(i));
        let s3_destination =
            matches!(output, Output::S3(_)) || matches!(batch, Some(BatchOutput::S3(_)));
        if !s3_destination {
            s3::refuse_without_s3(&a.s3, live.is_some() || s3_inputs)?;
        }
        if !(1..=MAX_DOWNLOAD_CONCURRENCY).contains(&a.s3.download_concurrency) {
            return Err(CliError::usage(format!(
                "--download-concurrency {}: give 1 to {MAX_DOWNLOAD_CONCURRENCY}",
                a.s3.download_concurrency
            )));
        }
        if let Output::File(p) = &output {
            preflight::name_agrees(p, extension, a.gzip)?;
        }
        config.gzip = match &output {
            Output::File(p) => a.gzip || p.extension().is_some_and(|e| e == "gz"),
            Output::S3(o) => o.destination.gzip,
            Output::Stdout => a.gzip,
        }
        .then_some(DEFAULT_LEVEL);
        let files = rules::FileRules {
            mode: a.mode.as_deref().map(rules::parse_mode).transpose()?,
            follow_links: a.follow_output_links,
        };
        check_output_paths(&a, &output, &files)?;
        if a.bom && !matches!(config.format, ReportFormat::Csv { .. }) {
            return Err(CliError::usage(
                "--bom is for the CSV report, for Excel; a JSON report is UTF-8 without a \
                 byte-order mark, as JSON must be",
            ));
        }
        if a.excel_safe && !matches!(config.format, ReportFormat::Csv { .. }) {
            return Err(CliError::usage(
                "--excel-safe is for the CSV report; a JSON report keeps every value exactly",
            ));
        }
        let csv_shape = [
            ("--columns", a.columns.is_some()),
            ("--layout", !matches!(a.layout, LayoutArg::Inspector)),
            ("--quote", !matches!(a.quote, QuoteArg::Always)),
        ];
        if let Some((option, _)) = csv_shape.iter().find(|(_, given)| *given) {
            if !matches!(config.format, ReportFormat::Csv { .. }) {
                return Err(CliError::usage(format!(
                    "{option} shapes the CSV report; a JSON report keeps every member of every \
                     finding"
                )));
            }
        }
        let max_output_bytes = match &a.max_output_bytes {
            None => None,
            Some(text) => Some(crate::size::parse(text).filter(|&n| n > 0).ok_or_else(|| {
                CliError::usage(format!(
                    "--max-output-bytes {text:?}: give bytes or a size like 10GiB"
                ))
            })?),
        };
        let shard_meta = match (shard, &batch) {
            (Some(s), None) => {
                config.piece = s.piece();
                Some(shard_meta(s, &config, extension, a.bom, &filters.echo))
            }
            _ => None,
        };
        let mut output = output;
        if let (Output::S3(o), Some(meta)) = (&mut output, &shard_meta) {
            o.shard = Some(meta.clone());
        }
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
            quiet: a.quiet,
            filter_warnings: filters.warnings,
            stdin_by_default: a.inputs.is_empty(),
            inputs,
            reach: Reach {
                aws: a.s3.aws.clone(),
                download_concurrency: a.s3.download_concurrency,
            },
            live,
            mode: match batch {
                Some(b) => Mode::Batch(b),
                None => Mode::Single(output),
            },
            shard,
            shard_meta,
            fail_on: a.fail_on.map(Severity::from),
            dedupe: a.dedupe,
            diff: None,
            files,
            bom: a.bom,
            max_output_bytes,
        })
    }
}

/// `--output-dir`: a directory, or an S3 prefix (never an exact key: each report is named
/// after its input).
fn batch_output(
    dir: &Path,
    a: &Args,
    extension: &'static str,
    echo: &FilterEcho,
) -> Result<BatchOutput, CliError> {
    let Some(url) = dir.to_str().filter(|d| d.starts_with("s3://")) else {
        return Ok(BatchOutput::Dir(dir.to_path_buf()));
    };
    if destination::exact_ending(url).is_some() {
        return Err(CliError::usage(format!(
            "--output-dir {url}: batch mode names each report after its input under a \
             prefix; give a prefix, not an object key"
        )));
    }
    let o = S3Options::new(url, &a.s3, extension, a.gzip, echo.clone())?;
    Ok(BatchOutput::S3(Box::new(o)))
}

/// What shard `s` of a report made by `config` says of itself. The fingerprint covers
/// everything that shapes the report's bytes but the inputs, so that compose refuses
/// shards made with different options; `bom` (`--bom`) is part of the prologue.
fn shard_meta(
    s: Shard,
    config: &Config,
    extension: &str,
    bom: bool,
    echo: &FilterEcho,
) -> ShardMeta {
    let settings = shard::fingerprint(&format!(
        "{}\n{:?}\n{:?}\n{bom}\n{}\n{}",
        env!("CARGO_PKG_VERSION"),
        config.format,
        config.gzip,
        echo.document,
        serde_json::Value::Object(echo.options.clone()),
    ));
    let mut frame = config.format.frame(config.gzip);
    if bom {
        frame.prologue = [crate::bom::bytes(config.gzip), frame.prologue].concat();
    }
    ShardMeta::new(
        s,
        extension,
        &frame,
        config.gzip.is_some(),
        settings,
        config.as_of_ms,
    )
}

fn json_timestamps(a: JsonTsArg) -> JsonTimestamps {
    match a {
        JsonTsArg::Iso => JsonTimestamps::Iso,
        JsonTsArg::Verbatim => JsonTimestamps::Verbatim,
    }
}

impl RunConfig {
    /// Every local output the run writes: `-o FILE` or `--output-dir`, and
    /// `--summary-json`. A shard's folder may be missing (every worker of a job names
    /// the same one, and the first makes it), as `--output-dir` may.
    pub fn output_paths(&self) -> Vec<OutputPath<'_>> {
        let mut v = Vec::new();
        match &self.mode {
            Mode::Single(Output::File(p)) if self.shard_meta.is_some() => {
                let folder = p.parent().filter(|f| !f.as_os_str().is_empty());
                v.push(OutputPath::Dir("-o", folder.unwrap_or(Path::new("."))));
            }
            Mode::Single(Output::File(p)) => v.push(OutputPath::File("-o", p)),
            Mode::Batch(BatchOutput::Dir(dir)) => v.push(OutputPath::Dir("--output-dir", dir)),
            Mode::Single(_) | Mode::Batch(BatchOutput::S3(_)) => {}
        }
        if let Some(p) = &self.summary_json {
            v.push(OutputPath::File("--summary-json", p));
        }
        v
    }
}

/// The output paths given on the command line, before anything is read: a symbolic link
/// at any of them is a usage error, unless `--follow-output-links`.
fn check_output_paths(a: &Args, output: &Output, files: &rules::FileRules) -> Result<(), CliError> {
    if let Output::File(p) = output {
        links::check_given("-o", p, files)?;
    }
    if let Some(p) = &a.summary_json {
        links::check_given("--summary-json", p, files)?;
    }
    let local_dir = a
        .output_dir
        .as_ref()
        .filter(|p| !p.to_str().is_some_and(|s| s.starts_with("s3://")));
    if let Some(p) = local_dir {
        links::check_given("--output-dir", p, files)?;
    }
    Ok(())
}

/// `--columns`: header names, checked against the known columns.
fn columns(list: &str) -> Result<Vec<Column>, CliError> {
    let cols = Column::parse_list(list).map_err(|bad| {
        let valid: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
        CliError::usage(format!(
            "--columns: unknown column {bad:?}; valid names (exact case) are: {}",
            valid.join(", ")
        ))
    })?;
    if cols.is_empty() {
        return Err(CliError::usage("--columns needs at least one column name"));
    }
    Ok(cols)
}
