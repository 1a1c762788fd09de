//! What the user typed, exactly; doc comments are the help text.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The program's name, as messages begin with it.
pub const NAME: &str = "inspector-report";

/// Turn Amazon Inspector findings you already hold into Inspector's findings report.
///
/// Reads ListFindings JSON as people keep it: `aws inspector2 list-findings` output,
/// SDK dumps, concatenated pages, JSON reports, arrays, NDJSON and EventBridge archives,
/// plain or gzip; or reads the findings live from Inspector (`inspector2://REGION`). Writes the CSV report with Inspector's exact header (or the full-field
/// JSON report). Only ACTIVE findings are reported, as Inspector does.
#[derive(Debug, Parser)]
#[command(
    name = NAME,
    version,
    args_conflicts_with_subcommands = true,
    after_long_help = "EXAMPLES:
    Live findings of two regions, straight from Inspector's API:
        inspector-report -o report.csv inspector2://us-east-1,eu-west-1

    Pipe from the AWS CLI:
        aws inspector2 list-findings --output json | inspector-report > report.csv

    A folder of archived exports (every file below it that holds JSON, gzip or not):
        inspector-report -o report.csv archive/

    One report per archived export, keeping the folder structure, with a summary for CI:
        inspector-report --output-dir reports/ --summary-json summary.json archive/

    The JSON report, with timestamps as UTC strings:
        inspector-report -f json -o report.json findings.json.gz

    Critical and high findings of one account, first seen in the last 30 days:
        inspector-report --severity critical,high --account 111122223333 \\
            --first-observed-after 30d dump.json

    The filter document you give `aws inspector2 create-findings-report`:
        inspector-report --filter-criteria filter.json -o report.csv archive/
        inspector-report --filter-criteria '{\"vulnerabilityId\":[{\"comparison\":\"PREFIX\",\"value\":\"CVE-2024-\"}]}' dump.json

    Only some columns, in your order:
        inspector-report --columns 'AWS Account Id,Severity,Title,Resource ID' dump.json

    Into S3, as Inspector delivers reports (prints a status document on stdout):
        inspector-report -o s3://my-bucket/inspector/ --kms-key-arn arn:aws:kms:us-east-1:111122223333:key/... \
            --gzip archive/

    Daily snapshots merged, each finding once in its latest state:
        inspector-report --dedupe -o findings.csv snapshots/

    What changed since last week (NEW, CHANGED, RESOLVED), failing CI on a new critical:
        inspector-report diff --fail-on CRITICAL -o changes.csv last-week/ this-week/

WHAT IS A FINDING:
    An object with none of the members a finding requires (awsAccountId, description,
    findingArn, firstObservedAt, lastObservedAt, remediation, resources, severity, status,
    type), such as a Security Hub or ListCoverage document, is bad input, never an empty row.

EXIT STATUS:
    0 success (also when the reader of stdout goes away, as in `| head`)
    1 bad input, read, write or S3 failure; nothing is left at --output. Messages name the
      input, the byte and the finding's number, counted from 1
    2 usage error or a bad filter document, found before anything is read: also an output
      that cannot be written, whose name says another format, or that is one of the inputs
    3 the report was written in full, and --fail-on found a finding at or above its level"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub args: Args,
}

// The options of a conversion, and of `diff`. (A doc comment here would be the help's
// description of a flattened struct.)
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Inputs: files, directories, `s3://BUCKET/KEY` objects, `s3://BUCKET/PREFIX/`
    /// prefixes, or `-` for standard input (the default; on a terminal, a hint says so);
    /// or `inspector2://REGION[,REGION...]` (`inspector2://` for the configured region) to
    /// read the findings live from Inspector's ListFindings API.
    ///
    /// A directory stands for every regular file below it, in path order, whose content
    /// (after gzip) is JSON or empty; other files are skipped and counted in the summary.
    /// Names that start with `.` and symbolic links below it are passed over. An S3
    /// prefix (or a key that names no object) stands for the objects under it, by the
    /// same rules, in key order.
    ///
    /// A live input sends the filter (the document and the shortcuts, with `findingStatus`
    /// ACTIVE when no status is asked for) as the API's filterCriteria, and applies it
    /// again to what arrives. Regions are read at the same time and reported in the order
    /// given; within a region, pages are reported in the order they arrive. The caller
    /// needs the IAM permission inspector2:ListFindings.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Report format [default: csv, or the `reportFormat` of a CreateFindingsReport
    /// request given to --filter-criteria].
    #[arg(short, long, value_enum)]
    pub format: Option<Format>,

    /// Where to write the report: a file path, `-` for standard output, or
    /// `s3://BUCKET/PREFIX` (with --kms-key-arn).
    ///
    /// A file is written to a temporary name beside it and renamed only when the whole
    /// report is written, so a failed run never leaves a partial report under PATH. A name
    /// ending in .csv, .json or .ndjson (with or without .gz) must agree with -f and --gzip;
    /// its folder must exist; and it may not be one of the inputs (by any path or link).
    ///
    /// An S3 path ending in .csv, .json or .ndjson (with .gz or not) is the exact object
    /// key; otherwise it is a prefix and the key is PREFIX/<reportId>.csv (or .json,
    /// .ndjson, .gz), as
    /// Inspector names reports. The report streams into a multipart upload encrypted
    /// with SSE-KMS; a run that fails or is interrupted aborts it, and a status document
    /// like GetFindingsReportStatus is printed on stdout.
    #[arg(short, long, value_name = "PATH", default_value = "-")]
    pub output: String,

    /// Compress the report with gzip (on by itself for an output named *.gz). Chunks are
    /// compressed in parallel as gzip members, which every gzip reader concatenates.
    #[arg(long)]
    pub gzip: bool,

    /// CSV column set: `inspector` (55 columns, as real Inspector exports) or
    /// `documented` (the 52 of the user guide).
    #[arg(long, value_enum, default_value_t = LayoutArg::Inspector, conflicts_with = "columns")]
    pub layout: LayoutArg,

    /// CSV columns by header name, comma-separated, in output order
    /// (for example `Severity,Title,Resource ID`).
    #[arg(long, value_name = "NAMES")]
    pub columns: Option<String>,

    /// Report time for `Age (Days)` and relative dates, in any timestamp form the inputs
    /// may use (epoch seconds, ISO 8601, EventBridge forms) or a date (2026-01-01, midnight
    /// UTC). Default: now.
    #[arg(long, value_name = "TIMESTAMP")]
    pub as_of: Option<String>,

    /// CSV quoting: `always` quotes every field (as Inspector does); `necessary` only
    /// fields that hold a quote, comma or line break.
    #[arg(long, value_enum, default_value_t = QuoteArg::Always)]
    pub quote: QuoteArg,

    /// JSON report timestamps: `iso` rewrites them as UTC strings
    /// (`2025-05-29T17:28:07.919Z`); `verbatim` keeps them as they came.
    #[arg(long, value_enum, default_value_t = JsonTsArg::Iso)]
    pub json_timestamps: JsonTsArg,

    /// Worker threads, 1 to 1024 (default: one per core). With 1, reading, converting and
    /// writing all run on one thread (a gzip input is still inflated on a thread of its
    /// own). The report is the same for any number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// No run summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,

    /// Progress on stderr: `auto` shows it when stderr is a terminal (and not --quiet).
    #[arg(long, value_enum, default_value_t = ProgressArg::Auto, value_name = "WHEN")]
    pub progress: ProgressArg,

    /// Also write the run summary as JSON to FILE (counts, warnings with examples that name
    /// the finding, member and value, filter warnings, outputs, duration, throughput), for
    /// CI to gate on. Its folder must exist.
    #[arg(long, value_name = "FILE")]
    pub summary_json: Option<PathBuf>,

    /// Batch mode: one report per input file under DIR, named after the input with its
    /// extension changed, keeping the folder structure of a directory input. Files are
    /// converted several at once; a file that fails is reported and the others still
    /// complete (exit status 1 if any failed).
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub output_dir: Option<PathBuf>,

    /// Print the columns of the chosen layout (or --columns) with the rule for each cell,
    /// then exit.
    #[arg(long)]
    pub list_columns: bool,

    /// Make this run shard K of N (1-based) of one report, for a job spread over machines;
    /// `inspector-report compose` joins the shards.
    ///
    /// The inputs (the files of directories and the objects of prefixes, in order) are cut
    /// into N contiguous runs balanced by bytes; this run converts run K. `--shard N` alone
    /// takes K from AWS_BATCH_JOB_ARRAY_INDEX or JOB_COMPLETION_INDEX (0-based, so K is
    /// the index + 1). With -o a folder or an S3 prefix the shard is named
    /// shard-0000K-of-0000N.csv (.json, .ndjson, .gz); a rerun replaces it. Give every shard the
    /// same options, --as-of included.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,

    /// Exit with status 3 when a written finding has this severity or a higher one
    /// (INFORMATIONAL < LOW < MEDIUM < HIGH < CRITICAL), for CI.
    ///
    /// The report is written in full first. UNTRIAGED and unknown severities never count.
    #[arg(long, value_enum, value_name = "LEVEL", ignore_case = true)]
    pub fail_on: Option<SeverityArg>,

    /// Report each finding once: of the occurrences of one findingArn (daily snapshots of
    /// the same account, say), the one updated last (`updatedAt`; the later in input
    /// order on a tie).
    ///
    /// The choice comes before the filter and the default status rule, which then apply
    /// to it: a finding ACTIVE on Monday and CLOSED on Friday is not in the ACTIVE report.
    /// The inputs are read twice (not standard input, nor live findings); memory grows by
    /// at most 48 bytes per distinct finding.
    #[arg(long)]
    pub dedupe: bool,

    /// Put a `'` before every text cell that starts with =, +, -, @, a tab or a carriage
    /// return, so that a spreadsheet shows it instead of running it as a formula (CSV
    /// only). The header and the numbers of number columns are left as they are. Off by
    /// default: the report is then exactly as Inspector writes it.
    #[arg(long)]
    pub excel_safe: bool,

    /// Write a UTF-8 byte-order mark before the CSV header, so that Excel reads the
    /// report as UTF-8 (CSV only).
    #[arg(long)]
    pub bom: bool,

    /// Permissions of every file written (reports and the JSON summary), in octal, for
    /// example 0640 to let the file's group read them [default: 0600 for a new file; a
    /// replaced file keeps its mode]. The umask does not change them. Folders made by
    /// --output-dir are 0700, plus read and search for each class the mode lets read.
    #[arg(long, value_name = "OCTAL")]
    pub mode: Option<String>,

    /// Write through symbolic links: at -o, at --summary-json, at --output-dir and
    /// below it. Without it a link there is refused, so that a planted link cannot
    /// send a report over another file (names of the process's own descriptors, such
    /// as /dev/stdout, are always followed).
    #[arg(long)]
    pub follow_output_links: bool,

    /// Stop the run when the report would grow past SIZE (bytes, or with
    /// KiB/MiB/GiB/TiB), counted as written (compressed, with --gzip), so a small
    /// input that decompresses to a huge one cannot fill the disk or the bucket. The
    /// run then fails (exit 1) and leaves nothing; in batch mode each report is bounded.
    #[arg(long, value_name = "SIZE")]
    pub max_output_bytes: Option<String>,

    // The headed groups come last: a group's heading holds for the options after it.
    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub live: LiveArgs,

    #[command(flatten)]
    pub s3: S3Args,
}

/// The options of live inputs (`inspector2://`).
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Live findings (inspector2://)")]
pub struct LiveArgs {
    /// ListFindings paginations in flight at once, per region.
    ///
    /// Above 1, a region's query is split into disjoint partitions by severity (one per
    /// severity the filter can keep, and one for any other value), paginated side by
    /// side; 1 reads each region with one unpartitioned query. Throttled requests are
    /// retried with the SDK's adaptive retry, up to 10 attempts (AWS_MAX_ATTEMPTS).
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub api_concurrency: usize,
}

/// The filter options: a FilterCriteria document and the shortcuts for common members.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Filters")]
pub struct FilterArgs {
    /// Keep only findings that match a FilterCriteria document: a file, or the JSON
    /// itself when the argument starts with `{`.
    ///
    /// The document is the one `aws inspector2 create-findings-report --filter-criteria`
    /// takes, with the same semantics; a whole CreateFindingsReport request
    /// (`{"filterCriteria": {...}, "reportFormat": "CSV", ...}`) works too. Without a
    /// `findingStatus` member only ACTIVE findings are kept, as Inspector does.
    #[arg(long, value_name = "FILE|JSON")]
    pub filter_criteria: Option<String>,

    /// Only these severities (CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNTRIAGED), in any
    /// case; another value is an error that names the nearest.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub severity: Vec<String>,

    /// Only these statuses (ACTIVE, SUPPRESSED, CLOSED), in any case; replaces the default
    /// ACTIVE-only rule.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        conflicts_with = "all_statuses"
    )]
    pub status: Vec<String>,

    /// Keep findings of every status (turns the default ACTIVE-only rule off).
    #[arg(long)]
    pub all_statuses: bool,

    /// Only these AWS account ids.
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub account: Vec<String>,

    /// Only findings on these resource types (AWS_EC2_INSTANCE, AWS_ECR_CONTAINER_IMAGE,
    /// AWS_ECR_REPOSITORY, AWS_LAMBDA_FUNCTION, CODE_REPOSITORY), in any case.
    #[arg(long, value_name = "TYPE", value_delimiter = ',')]
    pub resource_type: Vec<String>,

    /// Only these vulnerability ids (CVE-2024-3094, ...).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub vulnerability_id: Vec<String>,

    /// Only findings first observed at or after this time: any timestamp form, a date
    /// (2026-01-01, midnight UTC), or 30d / 12h before --as-of. A range that ends before it
    /// starts is an error.
    #[arg(long, value_name = "TS")]
    pub first_observed_after: Option<String>,

    /// Only findings first observed at or before this time.
    #[arg(long, value_name = "TS")]
    pub first_observed_before: Option<String>,

    /// Only findings last observed at or after this time.
    #[arg(long, value_name = "TS")]
    pub last_observed_after: Option<String>,

    /// Only findings last observed at or before this time.
    #[arg(long, value_name = "TS")]
    pub last_observed_before: Option<String>,
}

impl FilterArgs {
    /// The values given for the shortcut named `name` (see the core's
    /// [`SHORTCUTS`](inspector_report_core::filter::SHORTCUTS)): a list as given, a
    /// timestamp as one value, the flag as none; `None` when it was not given.
    pub fn shortcut(&self, name: &str) -> Option<&[String]> {
        fn given(values: &[String]) -> Option<&[String]> {
            (!values.is_empty()).then_some(values)
        }
        match name {
            "severity" => given(&self.severity),
            "status" => given(&self.status),
            "account" => given(&self.account),
            "resource-type" => given(&self.resource_type),
            "vulnerability-id" => given(&self.vulnerability_id),
            "first-observed-after" => given(self.first_observed_after.as_slice()),
            "first-observed-before" => given(self.first_observed_before.as_slice()),
            "last-observed-after" => given(self.last_observed_after.as_slice()),
            "last-observed-before" => given(self.last_observed_before.as_slice()),
            "all-statuses" => self.all_statuses.then_some(&[]),
            _ => None,
        }
    }
}

/// The S3 options: of the destination, of the inputs, and how to reach AWS (for live
/// inputs too).
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "S3")]
pub struct S3Args {
    /// The customer-managed KMS key that encrypts an S3 report (required for S3, as in
    /// Inspector's destination): arn:aws:kms:REGION:ACCOUNT:key/KEY-ID.
    #[arg(long, value_name = "ARN")]
    pub kms_key_arn: Option<String>,

    #[command(flatten)]
    pub aws: AwsArgs,

    /// Size of each uploaded part, at least 5MiB: bytes, or with KiB/MiB/GiB. Parts grow
    /// after every 900 so an upload never needs more than S3's 10,000 parts.
    #[arg(long, value_name = "SIZE", default_value = "16MiB")]
    pub part_size: String,

    /// Most parts uploading at once. Memory for the upload is at most
    /// part size x (this + 1).
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub upload_concurrency: usize,

    /// S3 inputs: most ranges of 8 MiB downloading or waiting to be read at once, across
    /// objects (the next objects download while one is read). Memory for the downloads
    /// is at most 8 MiB x this.
    #[arg(long, value_name = "N", default_value_t = crate::s3_input::download::DEFAULT_CONCURRENCY)]
    pub download_concurrency: usize,

    /// Replace the object at an exact key (a path ending in .csv, .json or .ndjson, with
    /// .gz or not) if one is there. Without it, an existing object is refused (exit 1)
    /// and kept. Keys under a prefix are fresh report ids and never exist; a shard
    /// (--shard) replaces its own object, since a rerun is normal.
    #[arg(long)]
    pub overwrite: bool,
}

/// How to reach AWS: the options every AWS service call shares.
#[derive(Clone, Debug, clap::Args)]
pub struct AwsArgs {
    /// AWS region of the buckets (S3 inputs and the S3 destination alike), and of
    /// `inspector2://` (default: AWS_REGION, then the profile's region).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Named profile from the AWS config and credentials files (default: AWS_PROFILE).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Send AWS requests (S3, for inputs and the destination, and Inspector) to this URL
    /// instead of AWS (default: AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL_INSPECTOR2, then
    /// AWS_ENDPOINT_URL), for S3-compatible stores and test servers.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Join the shards of a `--shard K/N` job into one report, equal byte for byte to what
    /// one run over all the inputs writes (a gzip report: after decompression).
    ///
    /// Checks first that shards 1..N are all there and made with the same options; a
    /// missing shard fails the run and nothing is written (rerun that shard). In S3 the
    /// shards are joined by S3 itself (UploadPartCopy) wherever a piece is at least 5 MiB.
    Compose(ComposeArgs),
    /// Compare two exports: which findings are NEW, CHANGED and RESOLVED since OLD.
    ///
    /// Each side is one input (a file, a directory, an S3 object or prefix, or
    /// inspector2://REGION for live findings; NEW may be `-`), de-duplicated by findingArn
    /// as --dedupe does, then filtered. A finding is NEW when only NEW has it, RESOLVED
    /// when only OLD has it (fixed, closed, or filtered out), CHANGED when its severity,
    /// inspectorScore, status, fixAvailable, exploitAvailable or epss.score differ, and
    /// otherwise UNCHANGED (written with --include-unchanged).
    /// Entries come in NEW's order, then the RESOLVED ones in OLD's. The CSV report has a
    /// `Change` column in front; the JSON report is {"changes":[{"change":..,"finding":..}]};
    /// NDJSON has one such object per line. With --fail-on, only NEW and CHANGED findings
    /// count.
    #[command(
        override_usage = "inspector-report diff [OPTIONS] OLD NEW",
        after_long_help = "EXAMPLES:
    This week's export against last week's, as CSV with a Change column:
        inspector-report diff -o changes.csv exports/2026-05-04/ exports/2026-05-11/

    Only what got worse or appeared, critical and high, failing CI on any:
        inspector-report diff --severity CRITICAL,HIGH --fail-on HIGH -q -o changes.csv \\
            last-week.json.gz this-week.json.gz

    Against a region's live findings, one change per line:
        inspector-report diff -f ndjson last-week.json inspector2://us-east-1

    Against findings piped in:
        aws inspector2 list-findings | inspector-report diff last-week.json -

EXIT STATUS:
    0 success
    1 bad input, read, write, S3 or Inspector API failure; nothing is left at --output
    2 usage error or a bad filter document, found before anything is read: also an output
      that cannot be written, whose name says another format, or that is one of the inputs
    3 the report was written in full, and --fail-on found a NEW or CHANGED finding at or
      above its level",
        mut_arg("inputs", |a| a.hide(true)),
        mut_arg("output_dir", |a| a.hide(true)),
        mut_arg("list_columns", |a| a.hide(true)),
        mut_arg("dedupe", |a| a.hide(true))
    )]
    Diff(Box<DiffArgs>),
    /// Print a shell completion script (`inspector-report completions bash > ...`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `inspector-report compose`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "EXAMPLES:
    The shards of an AWS Batch array job, joined in S3:
        inspector-report compose --kms-key-arn arn:aws:kms:... \\
            -o s3://my-bucket/reports/2026-11.csv s3://my-bucket/shards/2026-11/

    Local shards, given in shard order:
        inspector-report compose -o report.json shards/shard-*.json")]
pub struct ComposeArgs {
    /// The shards: an S3 prefix (s3://BUCKET/PREFIX/) or a local folder holding
    /// shard-0000K-of-0000N files, or local shard files in shard order.
    #[arg(value_name = "SOURCE", required = true)]
    pub sources: Vec<String>,

    /// Where the report goes: a file, `-` for standard output, or s3://BUCKET/KEY.csv
    /// (.json, .ndjson, .gz) or s3://BUCKET/PREFIX (named PREFIX/<reportId>.csv, as Inspector
    /// names reports; needs --kms-key-arn).
    #[arg(short, long, value_name = "DEST")]
    pub output: String,

    /// No summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,

    /// Also write a summary as JSON to FILE (status, shards, bytes, parts copied and
    /// uploaded).
    #[arg(long, value_name = "FILE")]
    pub summary_json: Option<PathBuf>,

    /// The customer-managed KMS key that encrypts an S3 report.
    #[arg(long, value_name = "ARN")]
    pub kms_key_arn: Option<String>,

    #[command(flatten)]
    pub aws: AwsArgs,

    /// Replace an object already at an exact S3 key (refused otherwise).
    #[arg(long)]
    pub overwrite: bool,
}

/// `diff OLD NEW` and its options.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The earlier export: a file, a directory, an S3 object or prefix, or
    /// inspector2://REGION (live findings, saved to a temporary file, since they are read
    /// twice).
    #[arg(value_name = "OLD")]
    pub old: String,

    /// The later export: a file, a directory, an S3 object or prefix, inspector2://REGION,
    /// or `-` for standard input (live findings and standard input are saved to a private
    /// temporary file, since they are read twice).
    #[arg(value_name = "NEW")]
    pub new: String,

    /// Also write the findings that did not change, as UNCHANGED.
    #[arg(long)]
    pub include_unchanged: bool,

    #[command(flatten)]
    pub args: Args,
}

/// `--progress`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProgressArg {
    /// On a terminal only.
    Auto,
    /// Always, even into a file or pipe.
    Always,
    /// Never.
    Never,
}

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The CSV report.
    Csv,
    /// The JSON report.
    Json,
    /// One finding per line, as in the JSON report (for log pipelines and SIEMs).
    Ndjson,
}

/// `--fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum SeverityArg {
    /// INFORMATIONAL and above: every ranked severity.
    Informational,
    /// LOW and above.
    Low,
    /// MEDIUM and above.
    Medium,
    /// HIGH and above.
    High,
    /// CRITICAL only.
    Critical,
}

impl From<SeverityArg> for inspector_report_core::Severity {
    fn from(s: SeverityArg) -> Self {
        use inspector_report_core::Severity;
        match s {
            SeverityArg::Informational => Severity::Informational,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

/// `--layout`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    /// 55 columns, as in real Inspector exports.
    Inspector,
    /// 52 columns, as in the Inspector user guide.
    Documented,
}

/// `--quote`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum QuoteArg {
    /// Quote every field.
    Always,
    /// Quote only where needed.
    Necessary,
}

/// `--json-timestamps`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum JsonTsArg {
    /// UTC strings.
    Iso,
    /// As in the input.
    Verbatim,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use inspector_report_core::filter::{ShortcutKind, SHORTCUTS};

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults() {
        let a = Cli::parse_from(["inspector-report"]).args;
        assert!(a.inputs.is_empty());
        assert_eq!(a.output, "-");
        assert_eq!(a.format, None);
        assert_eq!(a.quote, QuoteArg::Always);
        assert_eq!(a.json_timestamps, JsonTsArg::Iso);
    }

    /// The core's shortcut table and the options under "Filters" name the same shortcuts,
    /// and each shortcut is read from its own option.
    #[test]
    fn every_filter_shortcut_is_an_option_of_its_own() {
        let command = Cli::command();
        let mut options: Vec<&str> = command
            .get_arguments()
            .filter(|a| a.get_help_heading() == Some("Filters"))
            .filter_map(|a| a.get_long())
            .filter(|long| *long != "filter-criteria")
            .collect();
        let mut names: Vec<&str> = SHORTCUTS.iter().map(|s| s.name).collect();
        options.sort_unstable();
        names.sort_unstable();
        assert_eq!(options, names);

        let mut argv = vec!["x".to_string()];
        for s in SHORTCUTS
            .iter()
            .filter(|s| s.kind != ShortcutKind::AllStatuses)
        {
            argv.extend([format!("--{}", s.name), s.name.to_string()]);
        }
        let a = Cli::parse_from(&argv).args;
        for s in SHORTCUTS
            .iter()
            .filter(|s| s.kind != ShortcutKind::AllStatuses)
        {
            assert_eq!(a.filters.shortcut(s.name), Some(&[s.name.to_string()][..]));
        }
        assert_eq!(a.filters.shortcut("all-statuses"), None);
        let a = Cli::parse_from(["x", "--all-statuses"]).args;
        assert_eq!(a.filters.shortcut("all-statuses"), Some(&[][..]));
        assert_eq!(a.filters.shortcut("severity"), None);
    }

    #[test]
    fn layout_and_columns_conflict() {
        assert!(
            Cli::try_parse_from(["x", "--layout", "documented", "--columns", "Severity"]).is_err()
        );
    }

    #[test]
    fn diff_takes_the_conversion_options_after_it() {
        let c = Cli::parse_from(["x", "diff", "-f", "json", "--include-unchanged", "a", "-"]);
        let Some(Command::Diff(d)) = c.command else {
            panic!("{c:?}")
        };
        assert_eq!((d.old.as_str(), d.new.as_str()), ("a", "-"));
        assert!(d.include_unchanged);
        assert_eq!(d.args.format, Some(Format::Json));
        assert!(d.args.inputs.is_empty());
        assert!(Cli::try_parse_from(["x", "diff", "a"]).is_err());
    }
}
