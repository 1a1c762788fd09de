//! Golden tests: fixtures in `testdata/pass` against reports in `testdata/expected`,
//! through the real binary, for every input layout and every way of feeding it.

mod common;
use common::*;

fn expected(name: &str) -> String {
    std::fs::read_to_string(testdata(&format!("expected/{name}"))).unwrap()
}

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
        let got = ok(&run(&["-q", "--as-of", AS_OF, p.to_str().unwrap()]));
        assert_eq!(got, want, "layout {l}");
    }
}

#[test]
fn every_layout_through_stdin_gzip_and_threads() {
    let want = expected("layouts.csv");
    for l in LAYOUTS {
        let data = std::fs::read(testdata(&format!("pass/layouts/{l}"))).unwrap();
        // stdin, named `-` and by default.
        assert_eq!(
            ok(&run_stdin(&["-q", "--as-of", AS_OF, "-"], &data)),
            want,
            "{l} on -"
        );
        assert_eq!(
            ok(&run_stdin(&["-q", "--as-of", AS_OF], &data)),
            want,
            "{l} default stdin"
        );
        // gzip, as two members split mid-value: one stream.
        let mid = data.len() / 2;
        let mut gz = gzip(&data[..mid]);
        gz.extend(gzip(&data[mid..]));
        assert_eq!(
            ok(&run_stdin(&["-q", "--as-of", AS_OF], &gz)),
            want,
            "{l} gzip"
        );
        assert_eq!(
            ok(&run_stdin(
                &["-q", "--as-of", AS_OF, "--threads", "1"],
                &data
            )),
            want,
            "{l} one thread"
        );
    }
}

#[test]
fn documented_layout_with_necessary_quoting() {
    let p = testdata("pass/layouts/page.json");
    let got = ok(&run(&[
        "-q",
        "--as-of",
        AS_OF,
        "--layout",
        "documented",
        "--quote",
        "necessary",
        p.to_str().unwrap(),
    ]));
    assert_eq!(got, expected("layouts-documented-necessary.csv"));
}

#[test]
fn json_report_of_every_layout() {
    // Bytes of each finding are kept (escapes too), so layouts written with different
    // escaping differ in bytes but not in meaning.
    let want = expected("layouts.json");
    let events = testdata("pass/layouts/events.jsonl");
    assert_eq!(
        ok(&run(&["-q", "-f", "json", events.to_str().unwrap()])),
        want
    );
    let want: serde_json::Value = serde_json::from_str(&want).unwrap();
    for l in LAYOUTS {
        let p = testdata(&format!("pass/layouts/{l}"));
        let got = ok(&run(&["-q", "-f", "json", p.to_str().unwrap()]));
        assert!(
            got.starts_with("{\"findings\":[{") && got.ends_with("}]}\n"),
            "{l}"
        );
        let got: serde_json::Value = serde_json::from_str(&got).unwrap();
        assert_eq!(got, want, "layout {l}");
    }
}

#[test]
fn column_rules() {
    let p = testdata("pass/rules.json");
    let got = ok(&run(&[
        "-q",
        "--as-of",
        "2025-06-01T00:00:00Z",
        p.to_str().unwrap(),
    ]));
    assert_eq!(got, expected("rules.csv"));
    let (h, rows) = parse_csv(&got);
    assert_eq!(rows.len(), 5, "the SUPPRESSED finding is left out");
    // Spot checks of rules that are easy to get subtly wrong (spec 2.3, 2.4).
    let r = &rows[0];
    assert_eq!(
        cell(&h, r, "Package Installed Version"),
        "1:3.0.2-0ubuntu1.10,0:3.0.2-0ubuntu1.10,41.0.0"
    );
    assert_eq!(
        cell(&h, r, "Package Remediation"),
        "apt-get install openssl,,"
    );
    assert_eq!(cell(&h, r, "NVD CVSS3 Vector"), "CVSS:3.1/NVD-31-first");
    assert_eq!(cell(&h, r, "Vendor CVSS2 Score"), "4.30");
    assert_eq!(cell(&h, r, "Inspector Score"), "7.50");
    assert_eq!(cell(&h, r, "Ami"), "ami-0abc,");
    assert_eq!(
        cell(&h, r, "Resource Public Ipv4"),
        "54.1.2.3,not-an-ip,172.32.0.1"
    );
    assert_eq!(
        cell(&h, r, "Resource Private Ipv4"),
        "10.0.0.5,172.20.1.1,100.64.9.9,192.168.0.1,169.254.169.254,127.0.0.1"
    );
    assert_eq!(cell(&h, r, "Resource Tags"), "Name:web, primary,env:prod");
    assert_eq!(
        cell(&h, r, "Title"),
        "CVE-2024-0001 - openssl, \"libssl\" and 1 more"
    );
    assert_eq!(
        cell(&h, r, "Description"),
        "Line one, with a comma.\nLine two: “unicode” — ünïcödé ✓ and a tab\there."
    );
    assert_eq!(cell(&h, r, "First Seen"), "2023-11-14T22:13:20.123Z");
    assert_eq!(cell(&h, r, "Age (Days)"), "564");
    let code = &rows[1];
    assert_eq!(cell(&h, code, "Vulnerability Id"), "CWE-798,CWE-259");
    assert_eq!(cell(&h, code, "File Path"), "src/handler.py");
    assert_eq!(cell(&h, code, "Detector Name"), "Hardcoded credentials");
    assert_eq!(cell(&h, code, "Resource Vpc"), "vpc-lambda");
    let net = &rows[2];
    assert_eq!(cell(&h, net, "Network Paths"), "igw-1 > sg-1 > i-net");
    assert_eq!(cell(&h, net, "Port Range"), "1024-65535");
    let multi = &rows[3];
    assert_eq!(
        cell(&h, multi, "Platform"),
        "UBUNTU_20_04,ALPINE_3_19,NODEJS_20_X"
    );
    assert_eq!(
        cell(&h, multi, "Lambda Last Updated At"),
        ",,2024-07-01T10:00:00.000Z"
    );
    assert_eq!(cell(&h, multi, "Resource Vpc"), "vnet-1,,");
    let odd = &rows[4];
    assert_eq!(cell(&h, odd, "AWS Account Id"), "111122223333");
    assert_eq!(cell(&h, odd, "Severity"), "");
    assert_eq!(cell(&h, odd, "First Seen"), "last tuesday");
    assert_eq!(cell(&h, odd, "Container Image Tags"), "only-tag");
    assert_eq!(cell(&h, odd, "Platform"), "FALLBACK");
    assert_eq!(cell(&h, odd, "Resource Tags"), "k:c,d,empty:");
    assert_eq!(cell(&h, odd, "Exploit Available"), "true");
}

#[test]
fn run_summary_counts_warnings_and_exclusions() {
    let p = testdata("pass/rules.json");
    let d = TempDir::new("summary");
    let out = d.path("r.csv");
    let out = out.to_str().unwrap();
    let o = run(&["--as-of", AS_OF, "-o", out, p.to_str().unwrap()]);
    ok(&o);
    let e = stderr(&o);
    for line in [
        "inspector-report: findings: 6 read, 5 written",
        "inspector-report: excluded by the default status rule (only ACTIVE findings are reported unless a status filter is given): 1",
        "inspector-report: warnings: 8",
        "timestamp of no known form: 2",
        "object or list where a value belongs: 2",
        "member of the wrong type: 1",
        "single value where a list belongs: 3",
    ] {
        assert!(e.contains(line), "missing {line:?} in:\n{e}");
    }
    let q = run(&["-q", "-o", out, p.to_str().unwrap()]);
    assert_eq!(stderr(&q), "");
}

#[test]
fn json_report_keeps_every_member() {
    let p = testdata("pass/rules.json");
    let got = ok(&run(&["-q", "-f", "json", p.to_str().unwrap()]));
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
    let verbatim = ok(&run(&[
        "-q",
        "-f",
        "json",
        "--json-timestamps",
        "verbatim",
        p.to_str().unwrap(),
    ]));
    let mut input: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    let findings = input["findings"].as_array_mut().unwrap();
    findings.retain(|f| f["status"] == "ACTIVE");
    let out: serde_json::Value = serde_json::from_str(&verbatim).unwrap();
    assert_eq!(out["findings"], input["findings"]);
    assert_eq!(out.as_object().unwrap().len(), 1);
}

#[test]
fn timestamp_forms() {
    let p = testdata("pass/timestamps.ndjson");
    let got = ok(&run(&[
        "-q",
        "--as-of",
        "1748736000",
        "--columns",
        "Finding ARN,First Seen,Last Seen,Last Updated,Age (Days)",
        p.to_str().unwrap(),
    ]));
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
    }
}

#[test]
fn several_inputs_and_directories_make_one_report_in_order() {
    let layouts = testdata("pass/layouts");
    let one = ok(&run(&[
        "-q",
        "--as-of",
        AS_OF,
        testdata("pass/layouts/page.json").to_str().unwrap(),
    ]));
    let (_, rows) = parse_csv(&one);
    let dir = ok(&run(&["-q", "--as-of", AS_OF, layouts.to_str().unwrap()]));
    let (_, all) = parse_csv(&dir);
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
    let got = ok(&run(&[
        "-q",
        "--columns",
        "Severity,AWS Account Id,Port Range",
        p.to_str().unwrap(),
    ]));
    assert_eq!(
        got,
        "\"Severity\",\"AWS Account Id\",\"Port Range\"\n\"HIGH\",\"123456789012\",\"\"\n\"MEDIUM\",\"123456789012\",\"22-22\"\n\"CRITICAL\",\"123456789012\",\"\"\n"
    );
}
