//! The run summary: a few lines on stderr for people, and `--summary-json` for machines.

use crate::config::RunConfig;
use crate::error::{CliError, Exit};
use crate::live::ApiCounts;
use crate::s3_input::download::Downloaded;
use crate::sink::file;
use crate::terminal::say;
use inspector_report_core::breakdown::Tally;
use inspector_report_core::{Breakdown, Change, Severity, Stats, WarningKind};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

/// Where a report went.
pub struct OutputInfo {
    /// The input it came from (batch mode), or None for the one report of a run.
    pub input: Option<String>,
    /// Path, or `-` for standard output.
    pub path: String,
    /// Bytes written.
    pub bytes: u64,
    /// Findings written.
    pub findings: u64,
    /// The error, when this output failed.
    pub error: Option<String>,
}

/// The process's peak resident memory so far (`VmHWM`), where the OS tells it (Linux),
/// so CI can gate on memory as it does on counts.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Everything a summary reports.
pub struct Summary<'a> {
    pub stats: &'a Stats,
    pub outputs: &'a [OutputInfo],
    pub batch: bool,
    pub duration: Duration,
    /// The error that ended a single run, if any.
    pub error: Option<&'a str>,
    /// What was downloaded from S3, when an input is there.
    pub downloaded: Option<Downloaded>,
}

impl Summary<'_> {
    fn mb_per_s(&self) -> f64 {
        let secs = self.duration.as_secs_f64().max(1e-9);
        self.stats.bytes_read() as f64 / 1e6 / secs
    }

    /// The human lines (without the program-name prefix).
    pub fn lines(&self) -> Vec<String> {
        let mut v: Vec<String> = self.stats.to_string().lines().map(String::from).collect();
        if let Some(d) = self.downloaded {
            v.insert(
                1,
                format!(
                    "S3: {} objects, {} bytes downloaded, {} requests",
                    d.objects, d.bytes, d.requests
                ),
            );
        }
        if self.batch {
            let failed = self.outputs.iter().filter(|o| o.error.is_some()).count();
            v.push(format!(
                "reports: {} written, {failed} failed",
                self.outputs.len() - failed
            ));
            for o in self.outputs.iter().filter(|o| o.error.is_some()) {
                v.push(format!(
                    "FAILED {}: {}",
                    o.input.as_deref().unwrap_or("?"),
                    o.error.as_deref().unwrap_or("")
                ));
            }
        }
        v.push(format!(
            "time: {:.2} s, {:.1} MB/s",
            self.duration.as_secs_f64(),
            self.mb_per_s()
        ));
        v
    }

    /// Prints the human lines (unless `--quiet`; a single run that failed has said why
    /// already), with the run's warnings about its filter, and writes `--summary-json`;
    /// returns `exit` (3 instead of success when `--fail-on` finds its level), or a
    /// failure if the JSON summary cannot be written. A run that fails so takes back the
    /// report files it wrote, since a failed run leaves none (the checks before the run
    /// make that rare: the summary's folder takes new files).
    pub fn emit(&self, run: &RunConfig, exit: Exit) -> Exit {
        let api = run.live.as_ref().map(|l| l.counts());
        let gate = run.fail_on.map(|level| FailOn {
            level,
            findings: self.gated(level, run.diff.is_some()),
        });
        if !run.quiet && (exit == Exit::Success || self.batch) {
            let mut lines = self.lines();
            if let Some(a) = api {
                // Before the closing `time:` line.
                lines.insert(lines.len().saturating_sub(1), a.line());
            }
            for line in lines {
                say(line);
            }
            for w in &run.filter_warnings {
                say(format!("warning: {w}"));
            }
        }
        let exit = match gate {
            Some(g) if g.findings > 0 && exit == Exit::Success => {
                if !run.quiet {
                    let what = match run.diff {
                        Some(_) => "NEW or CHANGED finding(s)",
                        None => "written finding(s)",
                    };
                    let level = g.level.name();
                    say(format!(
                        "--fail-on {level}: {} {what} at {level} or above; exit status 3",
                        g.findings
                    ));
                }
                Exit::FailOn
            }
            _ => exit,
        };
        if let Some(p) = &run.summary_json {
            if let Err(e) = self.write_json(p, api, gate, run) {
                say(&e);
                self.remove_reports();
                return Exit::Failure;
            }
        }
        exit
    }

    /// Removes the report files this run wrote (regular files only: never a device that
    /// was written in place).
    fn remove_reports(&self) {
        for o in self.outputs.iter().filter(|o| o.error.is_none()) {
            let p = Path::new(&o.path);
            if o.path == "-" || o.path.starts_with("s3://") {
                continue;
            }
            let regular = std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file());
            if regular && std::fs::remove_file(p).is_ok() {
                say(format!("removed the report {}", p.display()));
            }
        }
    }

    /// The machine-readable summary.
    pub fn to_json(&self) -> Value {
        let s = self.stats;
        let by_kind: serde_json::Map<String, Value> = WarningKind::ALL
            .iter()
            .map(|k| {
                let examples: Vec<Value> = s
                    .warning_examples
                    .iter()
                    .filter(|e| e.kind == *k)
                    .map(|e| {
                        json!({"input": e.input, "byte": e.byte, "finding": e.finding,
                            "findingArn": e.finding_arn, "member": e.member, "value": e.value})
                    })
                    .collect();
                (
                    k.id().to_string(),
                    json!({"count": s.warnings.get(*k), "examples": examples}),
                )
            })
            .collect();
        let failed = self.error.is_some() || self.outputs.iter().any(|o| o.error.is_some());
        let outputs: Vec<Value> = self
            .outputs
            .iter()
            .map(|o| {
                let mut v = json!({"path": o.path, "bytes": o.bytes, "findingsWritten": o.findings,
                    "status": if o.error.is_some() { "FAILED" } else { "SUCCEEDED" }});
                if let Some(i) = &o.input {
                    v["input"] = json!(i);
                }
                if let Some(e) = &o.error {
                    v["error"] = json!(e);
                }
                v
            })
            .collect();
        let mut v = json!({
            "status": if failed { "FAILED" } else { "SUCCEEDED" },
            "inputs": s.inputs.iter().map(|i| json!({"name": i.name, "bytes": i.bytes, "findings": i.findings})).collect::<Vec<_>>(),
            "findings": {
                "read": s.findings_read,
                "written": s.findings_written,
                "excludedByFilter": s.excluded_by_filter,
                "excludedByStatusRule": s.excluded_by_status_rule,
                "duplicates": s.duplicates,
            },
            "eventsSkipped": s.events_skipped,
            "skippedFiles": {
                "count": s.skipped_files.count,
                "examples": s.skipped_files.examples,
            },
            "warnings": {"total": s.warnings.total(), "byKind": by_kind},
            "bytesRead": s.bytes_read(),
            "durationSeconds": self.duration.as_secs_f64(),
            "megabytesPerSecond": self.mb_per_s(),
        });
        if self.batch {
            v["outputs"] = json!(outputs);
        } else if let Some(o) = outputs.into_iter().next() {
            v["output"] = o;
        }
        if let Some(d) = self.downloaded {
            v["s3"] = json!({
                "objects": d.objects,
                "bytesDownloaded": d.bytes,
                "requests": d.requests,
            });
        }
        v["breakdown"] = breakdown(&s.breakdown);
        if let Some(e) = self.error {
            v["error"] = json!(e);
        }
        if let Some(b) = peak_rss_bytes() {
            v["peakRssBytes"] = json!(b);
        }
        v
    }

    /// The findings `--fail-on` looks at, counted at `level` or above: the written ones,
    /// or in a comparison the NEW and CHANGED ones (a finding that went away or stayed
    /// the same is no news).
    fn gated(&self, level: Severity, compared: bool) -> u64 {
        match compared {
            true => self.stats.changes.arrived_severity.at_or_above(level),
            false => self.stats.breakdown.severity.at_or_above(level),
        }
    }

    /// Writes the JSON summary to `path`, with the live inputs' `api` counts if any, the
    /// counts of each change of a comparison, and what `--fail-on` found, atomically and
    /// privately, as a report is written.
    pub fn write_json(
        &self,
        path: &Path,
        api: Option<ApiCounts>,
        gate: Option<FailOn>,
        run: &RunConfig,
    ) -> Result<(), CliError> {
        let mut v = self.to_json();
        v["filterWarnings"] = json!(run.filter_warnings);
        if let Some(a) = api {
            v["api"] = a.to_json();
        }
        if run.diff.is_some() {
            let c = &self.stats.changes;
            let counts: serde_json::Map<String, Value> = Change::ALL
                .iter()
                .map(|k| (k.name().to_string(), json!(c.get(*k))))
                .collect();
            v["changes"] = Value::Object(counts);
        }
        if let Some(g) = gate {
            v["failOn"] =
                json!({"level": g.level.name(), "findings": g.findings, "failed": g.findings > 0});
        }
        let mut text =
            serde_json::to_string_pretty(&v).map_err(|e| CliError::failure(e.to_string()))?;
        text.push('\n');
        file::write_whole(path, "the summary", &run.files, text.as_bytes())
    }
}

/// What `--fail-on` found: the findings at or above its level.
#[derive(Clone, Copy)]
pub struct FailOn {
    /// `--fail-on LEVEL`.
    pub level: Severity,
    /// The findings it looks at, at `level` or above.
    pub findings: u64,
}

/// Accounts the summary lists, most findings first.
const TOP_ACCOUNTS: usize = 20;

/// Vulnerability ids the summary lists, most findings first.
const TOP_VULNERABILITIES: usize = 10;

/// The breakdown of the written findings, as `--summary-json` has it.
fn breakdown(b: &Breakdown) -> Value {
    let counts = |pairs: Vec<(&str, u64)>| -> Value {
        Value::Object(
            pairs
                .into_iter()
                .map(|(k, n)| (k.to_string(), json!(n)))
                .collect(),
        )
    };
    let all = |t: &Tally| counts(t.sorted());
    json!({
        "severity": all(&b.severity),
        "status": all(&b.status),
        "findingType": all(&b.finding_type),
        "resourceType": all(&b.resource_type),
        "account": counts(b.account.top(TOP_ACCOUNTS)),
        "topVulnerabilities": b.vulnerability.top(TOP_VULNERABILITIES).into_iter()
            .map(|(id, n)| json!({"id": id, "count": n})).collect::<Vec<_>>(),
    })
}
