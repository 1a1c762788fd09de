//! The run summary: a few lines on stderr for people, and `--summary-json` for machines.

use crate::args::NAME;
use crate::config::RunConfig;
use crate::error::Exit;
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
}

impl Summary<'_> {
    fn mb_per_s(&self) -> f64 {
        let secs = self.duration.as_secs_f64().max(1e-9);
        self.stats.bytes_read() as f64 / 1e6 / secs
    }

    /// The human lines (without the program-name prefix).
    pub fn lines(&self) -> Vec<String> {
        let mut v: Vec<String> = self.stats.to_string().lines().map(String::from).collect();
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
    /// already) and writes `--summary-json`; returns `exit` (3 instead of success when
    /// `--fail-on` finds its level), or a failure if the JSON summary cannot be written.
    pub fn emit(&self, run: &RunConfig, exit: Exit) -> Exit {
        let gate = run
            .fail_on
            .map(|level| (level, self.gated(level, run.diff.is_some())));
        if !run.quiet && (exit == Exit::Success || self.batch) {
            for line in self.lines() {
                eprintln!("{NAME}: {line}");
            }
        }
        let exit = match gate {
            Some((level, n)) if n > 0 && exit == Exit::Success => {
                if !run.quiet {
                    let what = match run.diff {
                        Some(_) => "NEW or CHANGED finding(s)",
                        None => "written finding(s)",
                    };
                    eprintln!(
                        "{NAME}: --fail-on {}: {n} {what} at {} or above; exit status 3",
                        level.name(),
                        level.name()
                    );
                }
                Exit::FailOn
            }
            _ => exit,
        };
        if let Some(p) = &run.summary_json {
            let mut v = self.to_json();
            if run.diff.is_some() {
                let c = &self.stats.changes;
                let counts: serde_json::Map<String, Value> = Change::ALL
                    .iter()
                    .map(|k| (k.name().to_string(), json!(c.get(*k))))
                    .collect();
                v["changes"] = Value::Object(counts);
            }
            if let Some((level, n)) = gate {
                v["failOn"] = json!({"level": level.name(), "findings": n, "failed": n > 0});
            }
            if let Err(e) = write_json(p, &v) {
                eprintln!("{NAME}: cannot write the summary to {}: {e}", p.display());
                return Exit::Failure;
            }
        }
        exit
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
                    .map(|e| json!({"input": e.input, "byte": e.byte, "finding": e.finding}))
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
}

/// Writes the JSON summary `v` to `path`.
fn write_json(path: &Path, v: &Value) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(v).map_err(std::io::Error::other)?;
    text.push('\n');
    std::fs::write(path, text)
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
