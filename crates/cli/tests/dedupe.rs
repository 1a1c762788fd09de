//! `--dedupe` (spec 6): one occurrence per findingArn over daily snapshot files.
//!
//! `testdata/pass/snapshots`: `day1.json` (a page), `day2.json` (an array) and
//! `day3.ndjson` hold the same account's findings on three days:
//!
//! * `a`: updated 1, 2, then 3 and CLOSED on day 3;
//! * `b`: updated 10 on day 1, then 9 on day 2 (an older copy in a later file);
//! * `c`: no `updatedAt` on days 1 and 2, a timestamp on day 3;
//! * `d`: updated 5 on days 1 and 2 (`5` and `"5.000"`: a tie), then 4 on day 3;
//! * `e`: updated 3 on day 2, an `updatedAt` that is no timestamp on day 3;
//! * a finding without an ARN on days 1 and 2.

mod common;
use common::*;

const COLUMNS: &str = "Finding ARN,Status,Last Updated,Title";

fn snapshots() -> std::path::PathBuf {
    testdata("pass/snapshots")
}

fn titles(csv: &str) -> Vec<String> {
    let (h, rows) = parse_csv(csv);
    rows.iter()
        .map(|r| cell(&h, r, "Title").to_string())
        .collect()
}

#[test]
fn one_occurrence_per_arn_the_latest_in_input_order() {
    let got = report(&["--dedupe", "--columns", COLUMNS], &snapshots());
    assert_eq!(got, expected("dedupe.csv"));
    // b: the newer copy comes first; d: the later of a tie; c: a timestamp beats none;
    // e: an updatedAt that is no timestamp loses to any; each finding without an ARN is
    // its own; a: CLOSED in its latest state, so out of the ACTIVE report.
    assert_eq!(
        titles(&got),
        [
            "b-day1-newest",
            "no-arn-day1",
            "d-day2-tie",
            "e-day2",
            "no-arn-day2",
            "c-day3"
        ]
    );
    let all = report(
        &["--dedupe", "--all-statuses", "--columns", COLUMNS],
        &snapshots(),
    );
    assert!(titles(&all).contains(&"a-day3-closed".to_string()));
    assert_eq!(titles(&all).len(), 7);
    // Without --dedupe every occurrence is a row.
    assert_eq!(titles(&report(&["--all-statuses"], &snapshots())).len(), 15);
}

#[test]
fn every_format_thread_count_and_gzip_input() {
    let d = TempDir::new("dedupe-gz");
    for name in ["day1.json", "day2.json", "day3.ndjson"] {
        let data = std::fs::read(snapshots().join(name)).unwrap();
        std::fs::write(d.path(&format!("{name}.gz")), gzip(&data)).unwrap();
    }
    let want = expected("dedupe.csv");
    for threads in ["1", "2", "3"] {
        let args = ["--dedupe", "--threads", threads, "--columns", COLUMNS];
        assert_eq!(report(&args, &snapshots()), want, "threads {threads}");
        assert_eq!(report(&args, &d.0), want, "gzip, threads {threads}");
    }
    let json = json_report(&["--dedupe"], &snapshots());
    let titles: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 6);
    let lines = report(&["--dedupe", "-f", "ndjson"], &snapshots());
    assert_eq!(lines.lines().count(), 6);
}

#[test]
fn the_summary_counts_duplicates() {
    let d = TempDir::new("dedupe-summary");
    let sj = d.path("s.json");
    let o = run(&[
        "--dedupe",
        "-o",
        d.path("r.csv").to_str().unwrap(),
        "--summary-json",
        sj.to_str().unwrap(),
        snapshots().to_str().unwrap(),
    ]);
    ok_with(
        &o,
        &[
            "findings: 15 read, 6 written",
            "duplicates left out (an older or earlier occurrence of a findingArn): 8",
            "excluded by the default status rule (only ACTIVE findings are reported unless a status filter is given): 1",
        ],
    );
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sj).unwrap()).unwrap();
    assert_eq!(s["findings"]["read"], 15);
    assert_eq!(s["findings"]["duplicates"], 8);
    assert_eq!(s["findings"]["written"], 6);
    let per_input: Vec<u64> = s["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["findings"].as_u64().unwrap())
        .collect();
    assert_eq!(per_input, [5, 6, 4]);
    assert_eq!(s["breakdown"]["severity"]["CRITICAL"], 1);
}

#[test]
fn standard_input_is_a_usage_error() {
    let data = std::fs::read(snapshots().join("day1.json")).unwrap();
    for args in [&["--dedupe"][..], &["--dedupe", "-"]] {
        let o = run_stdin(args, &data);
        fails_with(
            &o,
            2,
            &["--dedupe reads its inputs twice", "standard input"],
        );
        assert!(o.stdout.is_empty());
    }
}

/// Batch mode de-duplicates each file by itself.
#[test]
fn batch_mode_deduplicates_each_file() {
    let d = TempDir::new("dedupe-batch");
    let src = d.path("in");
    std::fs::create_dir(&src).unwrap();
    let day1 = std::fs::read_to_string(snapshots().join("day1.json")).unwrap();
    // The same page twice in one file: each finding once, its second copy (a tie), and
    // both copies of the one without an ARN.
    std::fs::write(src.join("twice.json"), format!("{day1}\n{day1}")).unwrap();
    let out = d.path("out");
    let o = run(&[
        "-q",
        "--dedupe",
        "--columns",
        "Title",
        "--output-dir",
        out.to_str().unwrap(),
        src.to_str().unwrap(),
    ]);
    ok(&o);
    let got = std::fs::read_to_string(out.join("twice.csv")).unwrap();
    assert_eq!(
        titles(&got),
        [
            "no-arn-day1",
            "a-day1",
            "b-day1-newest",
            "c-day1-no-update",
            "d-day1",
            "no-arn-day1"
        ]
    );
}

/// Bad input stops the first pass with the position of the bad byte, and leaves no report.
#[test]
fn a_file_that_is_not_json_fails_in_the_first_pass() {
    let d = TempDir::new("dedupe-bad");
    let p = d.path("bad.json");
    std::fs::write(&p, "[{\"findingArn\":\"a\"},oops]").unwrap();
    let out = d.path("r.csv");
    let o = run(&["--dedupe", "-o", out.to_str().unwrap(), p.to_str().unwrap()]);
    fails_with(&o, 1, &["bad.json", "byte 20"]);
    assert!(!out.exists());
}
