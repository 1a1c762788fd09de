//! `inspector-report diff OLD NEW` (spec 6).
//!
//! `testdata/pass/diff/last-week.json` and `this-week.json` hold one finding for each
//! compared member that changes (`severity`, `inspectorScore`, `status`, `fixAvailable`,
//! `exploitAvailable`, `epss.score`), one that only changed elsewhere (`same`: a new
//! description and `lastObservedAt`, an `inspectorScore` of `null` that is now absent), one
//! gone, one fresh, a finding without an ARN on each side, and an older copy of `severity`
//! after its newer one in NEW.

mod common;
use common::*;
use serde_json::Value;

const COLUMNS: &str = "Finding ARN,Severity,Status,Title";

fn old() -> String {
    testdata("pass/diff/last-week.json")
        .to_str()
        .unwrap()
        .to_string()
}

fn new() -> String {
    testdata("pass/diff/this-week.json")
        .to_str()
        .unwrap()
        .to_string()
}

/// `diff -q ARGS OLD NEW`, which must succeed; its report.
fn diff(args: &[&str], old: &str, new: &str) -> String {
    let o = bin()
        .args(["diff", "-q"])
        .args(args)
        .args([old, new])
        .output()
        .unwrap();
    ok(&o)
}

/// `(change, title)` of each row of a compared CSV report.
fn changes(csv: &str) -> Vec<(String, String)> {
    let (h, rows) = parse_csv(csv);
    assert_eq!(h[0], "Change");
    rows.iter()
        .map(|r| (r[0].clone(), cell(&h, r, "Title").to_string()))
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn every_kind_of_change_in_order() {
    let got = diff(&["--columns", COLUMNS], &old(), &new());
    assert_eq!(got, expected("diff.csv"));
    assert_eq!(
        changes(&got),
        pairs(&[
            ("NEW", "fresh"),
            ("CHANGED", "severity"),
            ("CHANGED", "score"),
            ("CHANGED", "fix"),
            ("CHANGED", "exploit"),
            ("CHANGED", "epss"),
            ("NEW", "new without an ARN"),
            ("RESOLVED", "gone: fixed since"),
            // SUPPRESSED now: out of NEW's ACTIVE report.
            ("RESOLVED", "status"),
            ("RESOLVED", "old without an ARN"),
        ])
    );
    // CHANGED rows are rendered from NEW: the severity is this week's.
    let (h, rows) = parse_csv(&got);
    assert_eq!(cell(&h, &rows[1], "Severity"), "CRITICAL");
}

/// Every compared member makes a change; `--include-unchanged` writes the rest.
#[test]
fn each_compared_member_and_include_unchanged() {
    let got = diff(
        &[
            "--all-statuses",
            "--include-unchanged",
            "--columns",
            "Title",
        ],
        &old(),
        &new(),
    );
    assert_eq!(
        changes(&got),
        pairs(&[
            ("NEW", "fresh"),
            ("UNCHANGED", "same"),
            ("CHANGED", "severity"),
            ("CHANGED", "score"),
            ("CHANGED", "status"),
            ("CHANGED", "fix"),
            ("CHANGED", "exploit"),
            ("CHANGED", "epss"),
            ("NEW", "new without an ARN"),
            ("RESOLVED", "gone: fixed since"),
            ("RESOLVED", "old without an ARN"),
        ])
    );
    let without = diff(&["--all-statuses", "--columns", "Title"], &old(), &new());
    assert!(!without.contains("UNCHANGED"));
    assert_eq!(changes(&without).len(), 10);
}

#[test]
fn json_and_ndjson_hold_change_objects() {
    let args = ["--all-statuses", "--include-unchanged"];
    let ndjson = diff(&[&args[..], &["-f", "ndjson"]].concat(), &old(), &new());
    assert_eq!(ndjson, expected("diff-all.ndjson"));
    let json = diff(&[&args[..], &["-f", "json"]].concat(), &old(), &new());
    assert!(
        json.starts_with("{\"changes\":[{\"change\":\"NEW\",\"finding\":{"),
        "{json}"
    );
    assert!(json.ends_with("}}]}\n"));
    assert_eq!(
        json,
        format!(
            "{{\"changes\":[{}]}}\n",
            ndjson.lines().collect::<Vec<_>>().join(",")
        )
    );
    let v: Value = serde_json::from_str(&json).unwrap();
    let c = &v["changes"][1];
    assert_eq!(c["change"], "UNCHANGED");
    assert_eq!(
        c["finding"]["description"], "seen again",
        "rendered from NEW"
    );
    assert_eq!(c["finding"]["lastObservedAt"], "1970-01-01T00:00:08.000Z");
    let resolved = &v["changes"][9];
    assert_eq!(resolved["change"], "RESOLVED");
    assert_eq!(resolved["finding"]["title"], "gone: fixed since");
}

#[test]
fn columns_and_layouts_get_the_change_column_in_front() {
    let got = diff(&[], &old(), &new());
    assert!(got.starts_with("\"Change\",\"AWS Account Id\",\"Severity\","));
    let (h, rows) = parse_csv(&got);
    assert_eq!(h.len(), 56);
    assert_eq!(rows.len(), 10);
    let doc = diff(
        &["--layout", "documented", "--quote", "necessary"],
        &old(),
        &new(),
    );
    assert!(doc.starts_with("Change,AWS Account Id,Severity,"));
    assert_eq!(parse_csv(&doc).0.len(), 53);
}

#[test]
fn new_on_standard_input_plain_or_gzip() {
    let want = diff(&["--columns", COLUMNS], &old(), &new());
    let data = std::fs::read(new()).unwrap();
    let spool = TempDir::new("diff-spool");
    for input in [data.clone(), gzip(&data)] {
        let (child, mut stdin) = spawn_piped(bin().env("TMPDIR", &spool.0).args([
            "diff",
            "-q",
            "--columns",
            COLUMNS,
            &old(),
            "-",
        ]));
        std::io::Write::write_all(&mut stdin, &input).unwrap();
        drop(stdin);
        let o = child.wait_with_output().unwrap();
        assert_eq!(ok(&o), want);
        assert!(spool.names().is_empty(), "left behind: {:?}", spool.names());
    }
    // Standard input is saved under TMPDIR: where there is none, the run says so.
    let missing = spool.path("missing");
    let o = run_stdin_env(
        &["diff", &old(), "-"],
        &data,
        ("TMPDIR", missing.to_str().unwrap()),
    );
    fails_with(
        &o,
        1,
        &["cannot save standard input to", missing.to_str().unwrap()],
    );
}

fn run_stdin_env(args: &[&str], input: &[u8], env: (&str, &str)) -> std::process::Output {
    let (child, mut stdin) = spawn_piped(bin().env(env.0, env.1).args(args));
    let _ = std::io::Write::write_all(&mut stdin, input);
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn directories_as_sides_and_a_gzip_report() {
    let d = TempDir::new("diff-dirs");
    let (a, b) = (d.path("old"), d.path("new"));
    std::fs::create_dir(&a).unwrap();
    std::fs::create_dir(&b).unwrap();
    // OLD split over two files; NEW gzip-compressed.
    let old_text = std::fs::read_to_string(old()).unwrap();
    let v: Value = serde_json::from_str(&old_text).unwrap();
    let f = v["findings"].as_array().unwrap();
    let half =
        |part: &[Value]| serde_json::to_string(&serde_json::json!({ "findings": part })).unwrap();
    std::fs::write(a.join("1.json"), half(&f[..4])).unwrap();
    std::fs::write(a.join("2.json"), half(&f[4..])).unwrap();
    std::fs::write(b.join("w.json.gz"), gzip(&std::fs::read(new()).unwrap())).unwrap();
    let want = diff(&["--columns", COLUMNS], &old(), &new());
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    assert_eq!(diff(&["--columns", COLUMNS], a, b), want);
    let out = d.path("changes.csv.gz");
    let o = run(&[
        "diff",
        "-q",
        "--columns",
        COLUMNS,
        "-o",
        out.to_str().unwrap(),
        a,
        b,
    ]);
    ok(&o);
    assert_eq!(
        String::from_utf8(gunzip(&std::fs::read(&out).unwrap())).unwrap(),
        want
    );
}

#[test]
fn the_summary_counts_each_change() {
    let d = TempDir::new("diff-summary");
    let sj = d.path("s.json");
    let o = run(&[
        "diff",
        "--include-unchanged",
        "--summary-json",
        sj.to_str().unwrap(),
        "-o",
        d.path("r.csv").to_str().unwrap(),
        &old(),
        &new(),
    ]);
    ok_with(&o, &["changes: NEW 2, CHANGED 5, UNCHANGED 1, RESOLVED 3"]);
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&sj).unwrap()).unwrap();
    assert_eq!(
        s["changes"],
        serde_json::json!({"NEW": 2, "CHANGED": 5, "UNCHANGED": 1, "RESOLVED": 3})
    );
    assert_eq!(s["findings"]["read"], 19);
    assert_eq!(s["findings"]["duplicates"], 1);
    assert_eq!(s["findings"]["written"], 11);
    // NEW's `status` finding is SUPPRESSED now: left out by the status rule.
    assert_eq!(s["findings"]["excludedByStatusRule"], 1);
    let names = common::input_names(&s);
    assert_eq!(names, [old(), new()]);
}

/// `--fail-on` in a comparison looks at NEW and CHANGED findings only.
#[test]
fn fail_on_counts_new_and_changed_findings() {
    let run_diff = |args: &[&str], old: &str, new: &str| {
        bin()
            .args(["diff", "-q"])
            .args(args)
            .args([old, new])
            .output()
            .unwrap()
            .status
            .code()
    };
    // This week: `fresh` is a NEW CRITICAL, `severity` CHANGED to CRITICAL.
    assert_eq!(
        run_diff(&["--fail-on", "CRITICAL"], &old(), &new()),
        Some(3)
    );
    // Reversed, `fresh` is RESOLVED and `same` (CRITICAL) UNCHANGED: neither counts.
    let unchanged = ["--fail-on", "CRITICAL", "--include-unchanged"];
    assert_eq!(run_diff(&unchanged, &new(), &old()), Some(0));
    // ... while `severity`, CHANGED back to HIGH, counts at HIGH.
    assert_eq!(run_diff(&["--fail-on", "HIGH"], &new(), &old()), Some(3));
}

#[test]
fn usage_errors() {
    let o = run_stdin(&["diff", "-", &new()], b"[]");
    fails_with(&o, 2, &["OLD cannot be standard input"]);
    fails_with(&run(&["diff", &old(), &new(), &old()]), 2, &["one more"]);
    fails_with(
        &run(&["diff", "--output-dir", "x", &old(), &new()]),
        2,
        &["-o"],
    );
    let d = TempDir::new("diff-shard");
    let shards = d.path("x");
    let shards = shards.to_str().unwrap();
    let o = run(&["diff", "--shard", "1/2", "-o", shards, &old(), &new()]);
    fails_with(&o, 2, &["cannot be split into shards"]);
    assert!(!d.path("x").exists(), "nothing written");
    fails_with(
        &run(&["-q", "diff", &old(), &new()]),
        2,
        &["takes its options after it"],
    );
    fails_with(&run(&["diff", &old()]), 2, &["NEW"]);
}

/// The outputs of a comparison are checked and written as a conversion's are: before
/// anything is read, none may be one of either side, a link, or in a missing folder; the
/// report is private, takes `--bom`, and stays within `--max-output-bytes`.
#[test]
fn outputs_are_checked_and_written_as_a_conversions_are() {
    let d = TempDir::new("diff-outputs");
    let (old_copy, new_copy) = (d.path("old.json"), d.path("new.json"));
    std::fs::copy(old(), &old_copy).unwrap();
    std::fs::copy(new(), &new_copy).unwrap();
    let (o, n) = (old_copy.to_str().unwrap(), new_copy.to_str().unwrap());
    for side in [o, n] {
        fails_with(
            &run(&["diff", "-f", "json", "-o", side, o, n]),
            2,
            &[
                "is the same file as the input",
                "never overwrites its source",
            ],
        );
    }
    let link = d.path("link.csv");
    std::os::unix::fs::symlink(&old_copy, &link).unwrap();
    fails_with(
        &run(&["diff", "-o", link.to_str().unwrap(), o, n]),
        2,
        &["is a symbolic link"],
    );
    let missing = d.path("missing/r.csv");
    fails_with(
        &run(&["diff", "-o", missing.to_str().unwrap(), o, n]),
        2,
        &["does not exist"],
    );
    let json_name = d.path("r.json");
    fails_with(
        &run(&["diff", "-o", json_name.to_str().unwrap(), o, n]),
        2,
        &["the name says a JSON report"],
    );
    assert_eq!(
        std::fs::read(&old_copy).unwrap(),
        std::fs::read(old()).unwrap()
    );
    assert_eq!(d.names(), ["link.csv", "new.json", "old.json"]);

    let report = d.path("r.csv");
    let r = report.to_str().unwrap();
    ok(&run(&[
        "diff",
        "-q",
        "--bom",
        "--columns",
        COLUMNS,
        "-o",
        r,
        o,
        n,
    ]));
    let bytes = std::fs::read(&report).unwrap();
    let want = diff(&["--columns", COLUMNS], &old(), &new());
    assert_eq!(bytes, [b"\xEF\xBB\xBF", want.as_bytes()].concat());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&report).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    std::fs::remove_file(&report).unwrap();

    fails_with(
        &run(&["diff", "-q", "--max-output-bytes", "100", "-o", r, o, n]),
        1,
        &["--max-output-bytes (100 bytes)"],
    );
    assert!(!report.exists(), "nothing is left at -o");
}
