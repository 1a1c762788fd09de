//! Progress, the JSON run summary, and batch mode through the real binary.

mod common;
use common::*;
use std::path::Path;

/// Runs the binary under a pseudo-terminal (util-linux `script`), returning what the
/// terminal showed.
fn under_pty(args: &[&str]) -> String {
    let mut cmd = String::from(env!("CARGO_BIN_EXE_inspector-report"));
    for a in args {
        cmd.push_str(" '");
        cmd.push_str(&a.replace('\'', "'\\''"));
        cmd.push('\'');
    }
    let o = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .output()
        .expect("script(1) from util-linux runs the binary under a pseudo-terminal");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn progress_on_a_terminal_never_in_a_pipe() {
    let d = TempDir::new("progress");
    let input = testdata("pass/layouts/page.json");
    let out = d.path("r.csv");
    let to_out = |options: &[&'static str]| {
        [
            options,
            &["-o", out.to_str().unwrap(), input.to_str().unwrap()],
        ]
        .concat()
    };
    let shown = under_pty(&to_out(&[]));
    assert!(
        shown.contains("findings (") && shown.contains("ETA"),
        "progress bar: {shown:?}"
    );
    assert!(
        shown.contains("findings: 4 read, 3 written"),
        "summary too: {shown:?}"
    );
    // --progress never, and -q in auto mode, silence it on a terminal.
    let never = under_pty(&to_out(&["--progress", "never"]));
    assert!(!never.contains("ETA"), "{never:?}");
    let quiet = under_pty(&to_out(&["-q"]));
    assert!(quiet.trim().is_empty(), "{quiet:?}");
    // Into a pipe: no progress in auto mode, but with always.
    let o = run(&to_out(&[]));
    assert!(!stderr(&o).contains("ETA"), "{}", stderr(&o));
    let o = run(&to_out(&["--progress", "always"]));
    assert!(stderr(&o).contains("ETA"), "{}", stderr(&o));
    // stdin: a spinner with counts, no total.
    let o = run_stdin(
        &["--progress", "always", "-o", out.to_str().unwrap()],
        &std::fs::read(&input).unwrap(),
    );
    assert!(
        stderr(&o).contains("read,") && !stderr(&o).contains("ETA"),
        "{}",
        stderr(&o)
    );
}

fn summary(p: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn summary_json_counts_equal_the_report() {
    let d = TempDir::new("summary");
    let input = testdata("pass/rules.json");
    let out = d.path("r.csv");
    let sj = d.path("s.json");
    ok(&run(&[
        "-q",
        "--severity",
        "HIGH,CRITICAL,LOW",
        "--summary-json",
        sj.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        input.to_str().unwrap(),
    ]));
    let s = summary(&sj);
    let (_, rows) = parse_csv(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(s["status"], "SUCCEEDED");
    assert_eq!(s["findings"]["written"], rows.len() as u64);
    assert_eq!(rows.len(), 3);
    // rules.json: HIGH, CRITICAL, MEDIUM, LOW, LOW (SUPPRESSED), no severity.
    assert_eq!(s["findings"]["read"], 6);
    assert_eq!(s["findings"]["excludedByFilter"], 2);
    assert_eq!(s["findings"]["excludedByStatusRule"], 1);
    assert_eq!(s["inputs"][0]["findings"], 6);
    assert_eq!(
        s["inputs"][0]["bytes"],
        std::fs::metadata(&input).unwrap().len()
    );
    assert_eq!(s["output"]["path"], out.to_str().unwrap());
    assert_eq!(s["output"]["bytes"], std::fs::metadata(&out).unwrap().len());
    assert!(s["durationSeconds"].as_f64().unwrap() > 0.0);
    assert!(s["megabytesPerSecond"].as_f64().is_some());
    // Warnings come with examples that point at the finding.
    let w = &s["warnings"]["byKind"];
    assert_eq!(w["singleForList"]["count"], 3);
    let ex = &w["singleForList"]["examples"][0];
    // Findings count from 1; the example names the member, its value and the ARN.
    assert_eq!(ex["finding"], 6);
    assert_eq!(
        ex["member"],
        "packageVulnerabilityDetails.vulnerablePackages"
    );
    assert_eq!(
        ex["value"],
        r#"{"name":"single-package","version":"1.0","release":"r1"}"#
    );
    assert_eq!(
        ex["findingArn"],
        "arn:aws:inspector2:us-east-1:111122223333:finding/odd-types"
    );
    let text = std::fs::read_to_string(&input).unwrap();
    let byte = ex["byte"].as_u64().unwrap() as usize;
    assert!(text[byte..].starts_with('{') && text[byte..].contains("odd-types"));
    // The odd finding is excluded by the filter, so its cells (and their warnings) are never
    // rendered; the decode warnings still count.
    // Of the three findings written, one lacks a required member (`remediation`).
    assert_eq!(s["warnings"]["total"], 5);
    assert_eq!(w["missingMember"]["count"], 1);
    assert_eq!(w["wrongType"]["count"], 1);
    assert_eq!(w["timestamp"]["count"], 0);

    // A failed run still writes the summary, with the error.
    let bad = d.path("bad.json");
    std::fs::write(&bad, "[{\"a\":1},").unwrap();
    let o = run(&[
        "--summary-json",
        sj.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let s = summary(&sj);
    assert_eq!(s["status"], "FAILED");
    assert!(s["error"].as_str().unwrap().contains("bad.json"));
}

#[test]
fn output_dir_converts_each_file_and_reports_the_broken_one() {
    let d = TempDir::new("batch");
    let src = d.path("archive");
    let layouts = testdata("pass/layouts");
    let files = [
        ("2024/01/page.json", "page.json"),
        ("2024/01/events.jsonl", "events.jsonl"),
        ("2024/02/deep/array.json", "array.json"),
        ("top.ndjson", "findings.ndjson"),
    ];
    for (dest, from) in files {
        let p = src.join(dest);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::copy(layouts.join(from), &p).unwrap();
    }
    // A gzip file and a broken one.
    std::fs::write(
        src.join("2024/02/report.json.gz"),
        gzip(&std::fs::read(layouts.join("report.json")).unwrap()),
    )
    .unwrap();
    std::fs::write(
        src.join("2024/02/broken.json"),
        b"{\"findings\":[{\"status\":\"ACTIVE\"},oops]}",
    )
    .unwrap();
    std::fs::write(src.join("2024/notes.txt"), b"not an input").unwrap();
    let out = d.path("reports");
    let sj = d.path("summary.json");
    let o = run(&[
        "--as-of",
        AS_OF,
        "--output-dir",
        out.to_str().unwrap(),
        "--summary-json",
        sj.to_str().unwrap(),
        src.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("reports: 5 written, 1 failed"), "{e}");
    assert!(
        e.contains("FAILED") && e.contains("broken.json") && e.contains("byte 33"),
        "{e}"
    );
    let want = std::fs::read_to_string(testdata("expected/layouts.csv")).unwrap();
    for rel in [
        "2024/01/page.csv",
        "2024/01/events.csv",
        "2024/02/deep/array.csv",
        "top.csv",
        "2024/02/report.csv",
    ] {
        let got = std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(got, want, "{rel} equals a single-file run");
    }
    assert!(!out.join("2024/02/broken.csv").exists());
    let leftovers: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let s = summary(&sj);
    assert_eq!(s["status"], "FAILED");
    let outs = s["outputs"].as_array().unwrap();
    assert_eq!(outs.len(), 6);
    let broken: Vec<_> = outs.iter().filter(|o| o["status"] == "FAILED").collect();
    assert_eq!(broken.len(), 1);
    assert!(broken[0]["input"]
        .as_str()
        .unwrap()
        .ends_with("broken.json"));
    assert_eq!(s["findings"]["written"], 15);

    // JSON reports in batch mode; a single good file exits 0.
    let out2 = d.path("json");
    ok(&run(&[
        "-q",
        "-f",
        "json",
        "--output-dir",
        out2.to_str().unwrap(),
        src.join("top.ndjson").to_str().unwrap(),
    ]));
    assert!(out2.join("top.json").exists());
}

#[test]
fn output_dir_refuses_stdin_and_name_collisions() {
    let d = TempDir::new("batch2");
    let o = run(&["--output-dir", d.path("o").to_str().unwrap(), "-"]);
    assert_eq!(o.status.code(), Some(2));
    let src = d.path("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("a.json"), "[]").unwrap();
    std::fs::write(src.join("a.json.gz"), gzip(b"[]")).unwrap();
    let o = run(&[
        "--output-dir",
        d.path("o").to_str().unwrap(),
        src.to_str().unwrap(),
    ]);
    fails_with(&o, 1, &["would both write"]);
}

fn walk(p: &Path) -> Vec<String> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(p).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            v.extend(walk(&path));
        } else {
            v.push(path.display().to_string());
        }
    }
    v
}
