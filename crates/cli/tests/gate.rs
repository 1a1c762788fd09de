//! The summary's breakdown of the written findings, and the `--fail-on` gate (issue 19).

mod common;
use common::*;
use inspector_report_bench::Layout;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Runs with `--summary-json` into a file report; the exit code, the report, the summary.
fn run_summarised(args: &[&str], input: &std::path::Path) -> (Option<i32>, String, Value) {
    let d = TempDir::new("gate");
    let (out, sj) = (d.path("report"), d.path("summary.json"));
    let o = bin()
        .args(["-q", "--as-of", AS_OF, "-o"])
        .arg(&out)
        .arg("--summary-json")
        .arg(&sj)
        .args(args)
        .arg(input)
        .output()
        .unwrap();
    let summary = serde_json::from_str(&std::fs::read_to_string(&sj).unwrap()).unwrap();
    let report = std::fs::read_to_string(&out).unwrap_or_default();
    (o.status.code(), report, summary)
}

/// The breakdown the report's rows give: counts of the Severity, Status, Finding Type and
/// AWS Account Id cells, of each distinct resource type of a row, and of each vulnerability
/// id (the column lists a code finding's CWEs with commas).
fn breakdown_of_rows(csv: &str) -> Value {
    let (h, rows) = parse_csv(csv);
    let mut tallies: BTreeMap<&str, BTreeMap<String, u64>> = BTreeMap::new();
    for row in &rows {
        for (dim, column) in [
            ("severity", "Severity"),
            ("status", "Status"),
            ("findingType", "Finding Type"),
            ("account", "AWS Account Id"),
        ] {
            let v = cell(&h, row, column);
            let v = if v.is_empty() { "(missing)" } else { v };
            *tallies.entry(dim).or_default().entry(v.into()).or_default() += 1;
        }
        for (dim, column) in [
            ("resourceType", "Resource Type"),
            ("vulnerability", "Vulnerability Id"),
        ] {
            let distinct: BTreeSet<&str> = cell(&h, row, column)
                .split(',')
                .filter(|v| !v.is_empty())
                .collect();
            for v in distinct {
                *tallies.entry(dim).or_default().entry(v.into()).or_default() += 1;
            }
        }
    }
    json!(tallies)
}

/// Most first, ties by value, as the summary lists them.
fn top(t: &Value, n: usize) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = t
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, n)| (k.clone(), n.as_u64().unwrap()))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

#[test]
fn breakdown_counts_equal_the_reports_rows() {
    let d = TempDir::new("breakdown");
    let input = d.path("in.json");
    std::fs::write(&input, generated(Layout::Cli, 11, 3 << 20)).unwrap();
    let (code, csv, s) = run_summarised(&["--all-statuses"], &input);
    assert_eq!(code, Some(0));
    let rows = breakdown_of_rows(&csv);
    let b = &s["breakdown"];
    for dim in ["severity", "status", "findingType", "resourceType"] {
        assert_eq!(b[dim], rows[dim], "{dim}");
    }
    let written = s["findings"]["written"].as_u64().unwrap();
    assert!(written > 500, "{written}");
    let sum: u64 = b["severity"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(sum, written);
    let accounts: Vec<(String, u64)> = top(&b["account"], 20);
    assert_eq!(accounts, top(&rows["account"], 20));
    let vulns: Vec<(String, u64)> = b["topVulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap().into(),
                v["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(vulns.len(), 10);
    assert_eq!(vulns, top(&rows["vulnerability"], 10));

    // The JSON and NDJSON reports count from their own fast path, the same; one thread too.
    for args in [
        &["--all-statuses", "-f", "json"][..],
        &["--all-statuses", "-f", "ndjson", "--threads", "1"],
        &["--all-statuses", "--threads", "1"],
    ] {
        let (code, _, other) = run_summarised(args, &input);
        assert_eq!(code, Some(0));
        assert_eq!(other["breakdown"], s["breakdown"], "{args:?}");
    }
}

#[test]
fn the_human_summary_has_the_severity_line() {
    let o = run(&[
        "--as-of",
        AS_OF,
        testdata("pass/rules.json").to_str().unwrap(),
    ]);
    ok_with(
        &o,
        &["inspector-report: written by severity: CRITICAL 1, HIGH 1, MEDIUM 1, LOW 1, (missing) 1\n"],
    );
}

/// rules.json writes one finding of each of CRITICAL, HIGH, MEDIUM and LOW, and one without
/// a severity (its LOW SUPPRESSED finding is left out).
#[test]
fn fail_on_at_above_and_below_the_level() {
    let rules = testdata("pass/rules.json");
    let plain = report(&["--as-of", AS_OF], &rules);
    for (args, code, n) in [
        (&["--fail-on", "CRITICAL"][..], 3, 1),
        (&["--fail-on", "high"], 3, 2),
        (&["--fail-on", "INFORMATIONAL"], 3, 4),
        (&["--fail-on", "HIGH", "--severity", "MEDIUM,LOW"], 0, 0),
        (&["--fail-on", "CRITICAL", "--severity", "HIGH"], 0, 0),
        (&["--fail-on", "MEDIUM", "--severity", "MEDIUM"], 3, 1),
    ] {
        let (got, csv, s) = run_summarised(args, &rules);
        assert_eq!(got, Some(code), "{args:?}");
        assert_eq!(s["status"], "SUCCEEDED", "{args:?}");
        assert_eq!(s["failOn"]["findings"], n, "{args:?}");
        assert_eq!(s["failOn"]["failed"], code == 3, "{args:?}");
        if args.len() == 2 {
            assert_eq!(csv, plain, "the report is written in full: {args:?}");
        }
    }
    // Said on stderr, unless -q.
    let o = run(&[
        "--as-of",
        AS_OF,
        "--fail-on",
        "CRITICAL",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("--fail-on CRITICAL: 1 written finding(s) at CRITICAL or above"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), plain);
    // A level the gate does not know is a usage error.
    fails_with(&run(&["--fail-on", "UNTRIAGED"]), 2, &["invalid value"]);
}

#[test]
fn untriaged_and_unknown_severities_never_count() {
    let input = br#"[{"status":"ACTIVE","severity":"UNTRIAGED"},{"status":"ACTIVE","severity":"SEVERE"},{"status":"ACTIVE"},{"status":"ACTIVE","severity":"critical"}]"#;
    let o = run_stdin(&["-q", "--fail-on", "INFORMATIONAL"], input);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(parse_csv(&stdout(&o)).1.len(), 4);
}

#[test]
fn fail_on_in_batch_mode_and_after_a_failure() {
    let d = TempDir::new("gate-batch");
    let out = d.path("out");
    let args = |extra: &str| {
        vec![
            "-q".to_string(),
            "--fail-on".into(),
            "HIGH".into(),
            "--output-dir".into(),
            out.to_str().unwrap().into(),
            testdata("pass/layouts/page.json").to_str().unwrap().into(),
            extra.to_string(),
        ]
    };
    let o = bin()
        .args(args(testdata("pass/rules.json").to_str().unwrap()))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(out.join("page.csv").exists() && out.join("rules.csv").exists());
    // A failed file is a failure (1), whatever the gate says.
    let bad = d.path("bad.json");
    std::fs::write(&bad, "[{\"status\":\"ACTIVE\"},oops]").unwrap();
    let o = bin().args(args(bad.to_str().unwrap())).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}
