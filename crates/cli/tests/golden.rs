//! Golden tests: fixtures in `testdata/pass` against reports in `testdata/expected`,
//! through the real binary, for every input layout and every way of feeding it.

mod common;
use common::*;

const LAYOUTS: &[&str] = &[
    "page.json",
    "pages.json",
    "report.json",
    "array.json",
    "findings.ndjson",
    "ndjson-multiline.json",
    "events.jsonl",
    "events-array.json",
];

#[test]
fn every_layout_gives_the_same_report() {
    let want = expected("layouts.csv");
    for l in LAYOUTS {
        let p = testdata(&format!("pass/layouts/{l}"));
        assert_eq!(report(&["--as-of", AS_OF], &p), want, "layout {l}");
    }
}

#[test]
fn every_layout_through_stdin_gzip_and_threads() {
    let want = expected("layouts.csv");
    for l in LAYOUTS {
        let data = std::fs::read(testdata(&format!("pass/layouts/{l}"))).unwrap();
        // gzip, as two members split mid-value: one stream.
        let mid = data.len() / 2;
        let mut gz = gzip(&data[..mid]);
        gz.extend(gzip(&data[mid..]));
        for (args, input, how) in [
            (&["-"][..], &data, "on -"),
            (&[], &data, "default stdin"),
            (&[], &gz, "gzip"),
            (&["--threads", "1"], &data, "one thread"),
        ] {
            let args = [&["-q", "--as-of", AS_OF][..], args].concat();
            assert_eq!(ok(&run_stdin(&args, input)), want, "{l} {how}");
        }
    }
}

#[test]
fn documented_layout_with_necessary_quoting() {
    let p = testdata("pass/layouts/page.json");
    let args = [
        "--as-of",
        AS_OF,
        "--layout",
        "documented",
        "--quote",
        "necessary",
    ];
    assert_eq!(
        report(&args, &p),
        expected("layouts-documented-necessary.csv")
    );
}

#[test]
fn json_report_of_every_layout() {
    // Bytes of each finding are kept (escapes too), so layouts written with different
    // escaping differ in bytes but not in meaning.
    let want = expected("layouts.json");
    let events = testdata("pass/layouts/events.jsonl");
    assert_eq!(report(&["-f", "json"], &events), want);
    let want: serde_json::Value = serde_json::from_str(&want).unwrap();
    for l in LAYOUTS {
        let p = testdata(&format!("pass/layouts/{l}"));
        let got = report(&["-f", "json"], &p);
        assert!(
            got.starts_with("{\"findings\":[{") && got.ends_with("}]}\n"),
            "{l}"
        );
        let got: serde_json::Value = serde_json::from_str(&got).unwrap();
        assert_eq!(got, want, "layout {l}");
    }
}

/// NDJSON (spec 3): the JSON report's findings, the same bytes each, one per line.
#[test]
fn ndjson_report_of_every_layout() {
    let want = expected("layouts.ndjson");
    let events = testdata("pass/layouts/events.jsonl");
    assert_eq!(report(&["-f", "ndjson"], &events), want);
    let data = std::fs::read(&events).unwrap();
    for args in [&["--threads", "1"][..], &["--gzip"], &["-"]] {
        let args = [&["-q", "-f", "ndjson"][..], args].concat();
        let mut got = run_stdin(&args, &data).stdout;
        if args.contains(&"--gzip") {
            got = gunzip(&got);
        }
        assert_eq!(String::from_utf8(got).unwrap(), want, "{args:?}");
    }
    let lines = |s: &str| -> Vec<serde_json::Value> {
        s.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    for l in LAYOUTS {
        let got = report(&["-f", "ndjson"], &testdata(&format!("pass/layouts/{l}")));
        assert!(got.ends_with("}\n") && !got.contains("\n\n"), "{l}");
        assert_eq!(lines(&got), lines(&want), "layout {l}");
    }
    // The same bytes per finding as the JSON report, timestamps and all.
    let rules = testdata("pass/rules.json");
    let got = report(&["-f", "ndjson"], &rules);
    assert_eq!(got, expected("rules.ndjson"));
    let json = expected("rules.json");
    assert_eq!(
        format!(
            "{{\"findings\":[{}]}}\n",
            got.lines().collect::<Vec<_>>().join(",")
        ),
        json
    );
}

/// Batch mode names each NDJSON report after its input, with the extension `.ndjson`.
#[test]
fn ndjson_in_batch_mode() {
    let d = TempDir::new("ndjson-batch");
    let out = d.path("out");
    let o = run(&[
        "-q",
        "-f",
        "ndjson",
        "--output-dir",
        out.to_str().unwrap(),
        testdata("pass/layouts/events.jsonl").to_str().unwrap(),
        testdata("pass/rules.json").to_str().unwrap(),
    ]);
    ok(&o);
    let read = |n: &str| std::fs::read_to_string(out.join(n)).unwrap();
    assert_eq!(read("events.ndjson"), expected("layouts.ndjson"));
    assert_eq!(read("rules.ndjson"), expected("rules.ndjson"));
}

#[test]
fn column_rules() {
    let p = testdata("pass/rules.json");
    let got = report(&["--as-of", "2025-06-01T00:00:00Z"], &p);
    assert_eq!(got, expected("rules.csv"));
    let (h, rows) = parse_csv(&got);
    assert_eq!(rows.len(), 5, "the SUPPRESSED finding is left out");
    // Spot checks of rules that are easy to get subtly wrong (spec 2.3, 2.4).
    let cells: [&[(&str, &str)]; 5] = [
        // finding/pkg-two-resources
        &[
            (
                "Package Installed Version",
                "1:3.0.2-0ubuntu1.10,0:3.0.2-0ubuntu1.10,41.0.0",
            ),
            ("Package Remediation", "apt-get install openssl,,"),
            ("NVD CVSS3 Vector", "CVSS:3.1/NVD-31-first"),
            ("Vendor CVSS2 Score", "4.30"),
            ("Inspector Score", "7.50"),
            ("Ami", "ami-0abc,"),
            ("Resource Public Ipv4", "54.1.2.3,not-an-ip,172.32.0.1"),
            (
                "Resource Private Ipv4",
                "10.0.0.5,172.20.1.1,100.64.9.9,192.168.0.1,169.254.169.254,127.0.0.1",
            ),
            ("Resource Tags", "Name:web, primary,env:prod"),
            ("Title", "CVE-2024-0001 - openssl, \"libssl\" and 1 more"),
            (
                "Description",
                "Line one, with a comma.\nLine two: “unicode” — ünïcödé ✓ and a tab\there.",
            ),
            ("First Seen", "2023-11-14T22:13:20.123Z"),
            ("Age (Days)", "564"),
        ],
        // finding/code
        &[
            ("Vulnerability Id", "CWE-798,CWE-259"),
            ("File Path", "src/handler.py"),
            ("Detector Name", "Hardcoded credentials"),
            ("Resource Vpc", "vpc-lambda"),
        ],
        // finding/net
        &[
            ("Network Paths", "igw-1 > sg-1 > i-net"),
            ("Port Range", "1024-65535"),
        ],
        // finding/multicloud
        &[
            ("Platform", "UBUNTU_20_04,ALPINE_3_19,NODEJS_20_X"),
            ("Lambda Last Updated At", ",,2024-07-01T10:00:00.000Z"),
            ("Resource Vpc", "vnet-1,,"),
        ],
        // finding/odd-types
        &[
            ("AWS Account Id", "111122223333"),
            ("Severity", ""),
            ("First Seen", "last tuesday"),
            ("Container Image Tags", "only-tag"),
            ("Platform", "FALLBACK"),
            ("Resource Tags", "k:c,d,empty:"),
            ("Exploit Available", "true"),
        ],
    ];
    for (row, cells) in rows.iter().zip(cells) {
        assert_cells(&h, row, cells);
    }
}

#[test]
fn run_summary_counts_warnings_and_exclusions() {
    let p = testdata("pass/rules.json");
    let d = TempDir::new("summary");
    let out = d.path("r.csv");
    let out = out.to_str().unwrap();
    let o = run(&["--as-of", AS_OF, "-o", out, p.to_str().unwrap()]);
    ok_with(
        &o,
        &[
            "inspector-report: findings: 6 read, 5 written",
            "inspector-report: excluded by the default status rule (only ACTIVE findings are reported unless a status filter is given): 1",
            // The object in a timestamp member is one warning, of the timestamp kind
            // (spec 1.2), as the JSON report counts it.
            "inspector-report: warnings: 12",
            "timestamp of no known form: 2",
            "object or list where a value belongs: 1",
            "member of the wrong type: 1",
            "single value where a list belongs: 3",
            // Counted for the findings written: finding 5 is excluded by the status rule.
            "required member missing or null: 5",
            "finding 3 (byte 6197, arn:aws:inspector2:eu-west-1:444455556666:finding/net): remediation",
        ],
    );
    let q = run(&["-q", "-o", out, p.to_str().unwrap()]);
    assert_eq!(stderr(&q), "");
}

#[test]
fn json_report_keeps_every_member() {
    let p = testdata("pass/rules.json");
    let got = report(&["-f", "json"], &p);
    assert_eq!(got, expected("rules.json"));
    let v: serde_json::Value = serde_json::from_str(&got).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["futureMember"]["kept"][3], "report");
    assert_eq!(f["firstObservedAt"], "2023-11-14T22:13:20.123Z");
    assert_eq!(
        f["packageVulnerabilityDetails"]["vendorUpdatedAt"],
        "2024-01-01T00:00:00.000Z"
    );
    assert_eq!(
        f["resources"][0]["details"]["awsEc2Instance"]["launchedAt"],
        "2023-07-22T04:26:40.000Z"
    );
    assert!(
        got.contains(r#""inspectorScore":7.50,"#),
        "number text kept as written"
    );
    // Verbatim keeps the input's values; the report is the input minus the excluded finding.
    let out = json_report(&["--json-timestamps", "verbatim"], &p);
    assert_eq!(out["findings"].as_array().unwrap(), &active_findings(&p));
    assert_eq!(out.as_object().unwrap().len(), 1);
}

#[test]
fn timestamp_forms() {
    let p = testdata("pass/timestamps.ndjson");
    let got = report(
        &[
            "--as-of",
            "1748736000",
            "--columns",
            "Finding ARN,First Seen,Last Seen,Last Updated,Age (Days)",
        ],
        &p,
    );
    assert_eq!(got, expected("timestamps.csv"));
}

#[test]
fn empty_inputs_hold_zero_findings() {
    let header = ok(&run_stdin(&["-q"], b""));
    assert_eq!(header.lines().count(), 1);
    assert!(header.starts_with("\"AWS Account Id\",\"Severity\""));
    for input in [
        &b"  \n\t "[..],
        b"[]",
        b"{\"findings\":null}",
        b"{\"findings\":[]}",
        b"\xEF\xBB\xBF[]",
    ] {
        assert_eq!(ok(&run_stdin(&["-q"], input)), header);
        assert_eq!(
            ok(&run_stdin(&["-q", "-f", "json"], input)),
            "{\"findings\":[]}\n"
        );
        assert_eq!(ok(&run_stdin(&["-q", "-f", "ndjson"], input)), "");
    }
}

#[test]
fn several_inputs_and_directories_make_one_report_in_order() {
    let layouts = testdata("pass/layouts");
    let (_, rows) = parse_csv(&report(
        &["--as-of", AS_OF],
        &testdata("pass/layouts/page.json"),
    ));
    let (_, all) = parse_csv(&report(&["--as-of", AS_OF], &layouts));
    // events-array.json, events.jsonl, findings.ndjson, ndjson-multiline.json, page.json,
    // pages.json, report.json are collected (array.json too): every one holds the same 3.
    assert_eq!(all.len(), rows.len() * 8);
    let both = ok(&run_stdin(
        &[
            "-q",
            "--as-of",
            AS_OF,
            testdata("pass/rules.json").to_str().unwrap(),
            "-",
            testdata("pass/layouts/page.json").to_str().unwrap(),
        ],
        &std::fs::read(testdata("pass/layouts/array.json")).unwrap(),
    ));
    let (_, r) = parse_csv(&both);
    assert_eq!(r.len(), 5 + 3 + 3);
    assert!(r[0][6].ends_with("pkg-two-resources"));
    assert!(r[5][6].ends_with("finding/a1"));
    assert!(r[8][6].ends_with("finding/a1"));
}

#[test]
fn columns_in_the_users_order() {
    let p = testdata("pass/layouts/page.json");
    let got = report(&["--columns", "Severity,AWS Account Id,Port Range"], &p);
    assert_eq!(
        got,
        "\"Severity\",\"AWS Account Id\",\"Port Range\"\n\"HIGH\",\"123456789012\",\"\"\n\"MEDIUM\",\"123456789012\",\"22-22\"\n\"CRITICAL\",\"123456789012\",\"\"\n"
    );
}
