//! `--filter-criteria` and the shortcut options through the real binary.

mod common;
use common::*;

/// page.json holds a1 (HIGH, ACTIVE), a2 (MEDIUM, ACTIVE), a3 (LOW, CLOSED) and
/// a4 (CRITICAL, ACTIVE), all in account 123456789012.
fn arns(args: &[&str]) -> (Vec<String>, String) {
    let p = testdata("pass/layouts/page.json");
    let mut a = vec!["--as-of", AS_OF, "--columns", "Finding ARN"];
    a.extend_from_slice(args);
    a.push(p.to_str().unwrap());
    let o = run(&a);
    let out = ok(&o);
    let (_, rows) = parse_csv(&out);
    (
        rows.iter()
            .map(|r| r[0].rsplit('/').next().unwrap().to_string())
            .collect(),
        stderr(&o),
    )
}

#[test]
fn filter_document_inline_and_from_a_file() {
    let doc = r#"{"severity":[{"comparison":"EQUALS","value":"HIGH"},{"comparison":"EQUALS","value":"CRITICAL"}]}"#;
    let (got, err) = arns(&["--filter-criteria", doc]);
    assert_eq!(got, vec!["a1", "a4"]);
    assert!(err.contains("excluded by the filter: 2"), "{err}");
    assert!(!err.contains("default status rule"), "{err}");
    // a3 is LOW but CLOSED: the filter keeps it, the default status rule drops it.
    let (got, err) = arns(&["--severity", "LOW"]);
    assert!(got.is_empty());
    assert!(err.contains("excluded by the filter: 3"), "{err}");
    assert!(err.contains("excluded by the default status rule (only ACTIVE findings are reported unless a status filter is given): 1"), "{err}");
    let d = TempDir::new("filterdoc");
    let f = d.path("filter.json");
    std::fs::write(&f, doc).unwrap();
    assert_eq!(
        arns(&["--filter-criteria", f.to_str().unwrap()]).0,
        vec!["a1", "a4"]
    );
}

#[test]
fn a_create_findings_report_request_works_as_the_filter() {
    let req = r#"{"filterCriteria":{"findingStatus":[{"comparison":"EQUALS","value":"CLOSED"}]},
        "reportFormat":"JSON","s3Destination":{"bucketName":"b","keyPrefix":"p","kmsKeyArn":"arn:aws:kms:us-east-1:111122223333:key/k"}}"#;
    let p = testdata("pass/layouts/page.json");
    let out = ok(&run(&["-q", "--filter-criteria", req, p.to_str().unwrap()]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "reportFormat JSON chose the JSON report");
    assert!(f[0]["findingArn"].as_str().unwrap().ends_with("/a3"));
    // --format wins over reportFormat.
    let (got, _) = arns(&["--filter-criteria", req, "-f", "csv"]);
    assert_eq!(got, vec!["a3"]);
}

#[test]
fn shortcuts() {
    assert_eq!(arns(&["--severity", "CRITICAL,HIGH"]).0, vec!["a1", "a4"]);
    assert_eq!(arns(&["--status", "CLOSED"]).0, vec!["a3"]);
    assert_eq!(
        arns(&["--status", "ACTIVE,CLOSED"]).0,
        vec!["a1", "a2", "a3", "a4"]
    );
    assert_eq!(arns(&["--all-statuses"]).0, vec!["a1", "a2", "a3", "a4"]);
    assert_eq!(
        arns(&[
            "--account",
            "123456789012",
            "--severity",
            "LOW",
            "--all-statuses"
        ])
        .0,
        vec!["a3"]
    );
    assert_eq!(arns(&["--account", "999999999999"]).0, Vec::<String>::new());
    assert_eq!(
        arns(&["--resource-type", "AWS_EC2_INSTANCE"]).0,
        vec!["a1", "a2"]
    );
    assert_eq!(arns(&["--vulnerability-id", "CVE-2025-1111"]).0, vec!["a1"]);
    // a1 first seen 2025-05-29T17:28:07.919Z, a2 2021-12-03, a4 2025-01-01.
    assert_eq!(
        arns(&["--first-observed-after", "2025-01-01T00:00:00Z"]).0,
        vec!["a1", "a4"]
    );
    assert_eq!(
        arns(&["--first-observed-before", "1735689600"]).0,
        vec!["a2", "a4"]
    );
    assert_eq!(
        arns(&[
            "--first-observed-after",
            "2022-01-01T00:00:00Z",
            "--first-observed-before",
            "2025-05-29T17:28:07.918Z"
        ])
        .0,
        vec!["a4"]
    );
    // a1 last seen 2025-06-01T08:00:00Z; the others have no lastObservedAt.
    assert_eq!(
        arns(&["--last-observed-after", "2025-06-01T08:00:00Z"]).0,
        vec!["a1"]
    );
    assert_eq!(
        arns(&["--last-observed-before", "2025-06-01T07:59:59Z"]).0,
        Vec::<String>::new()
    );
    // Shortcuts AND with the document.
    let doc = r#"{"severity":[{"comparison":"NOT_EQUALS","value":"HIGH"}]}"#;
    assert_eq!(
        arns(&["--filter-criteria", doc, "--severity", "HIGH,CRITICAL"]).0,
        vec!["a4"]
    );
}

#[test]
fn bad_filter_documents_exit_2_naming_the_member() {
    let p = testdata("pass/layouts/page.json");
    let d = TempDir::new("badfilter");
    for (doc, want) in [
        (r#"{"severty":[{"comparison":"EQUALS","value":"HIGH"}]}"#.to_string(), "severty: unknown member; did you mean `severity`?"),
        (r#"{"severity":[{"comparison":"LIKE","value":"HIGH"}]}"#.to_string(), "severity[0]: unknown comparison \"LIKE\""),
        (format!(r#"{{"title":[{}]}}"#, [r#"{"comparison":"EQUALS","value":"x"}"#; 11].join(",")), "title: a member holds 1 to 10 filters; this one has 11"),
        (r#"{"inspectorScore":[{"comparison":"EQUALS","value":"9"}]}"#.to_string(), "inspectorScore[0]: `comparison` does not belong in this filter: `inspectorScore` takes NumberFilter"),
        (r#"{"updatedAt":[{"startInclusive":"next week"}]}"#.to_string(), "updatedAt[0]: `startInclusive` \"next week\" is not a timestamp"),
        (r#"{"resourceTags":[{"comparison":"EQUALS"}]}"#.to_string(), "resourceTags[0]: missing `key`"),
        (r#"{"vulnerablePackages":[{"version":{"comparison":"EQUALS","value":1}}]}"#.to_string(), "vulnerablePackages[0].version: `value` must be a string"),
        (r#"{"filterCriteria":{},"reportFormat":"PDF"}"#.to_string(), "reportFormat: expected \"CSV\" or \"JSON\""),
        ("{not json".to_string(), "filter criteria: not valid JSON"),
    ] {
        let f = d.path("f.json");
        std::fs::write(&f, &doc).unwrap();
        for arg in [doc.as_str(), f.to_str().unwrap()] {
            if !arg.starts_with('{') && arg == doc {
                continue;
            }
            let o = run(&["--filter-criteria", arg, p.to_str().unwrap()]);
            assert_eq!(o.status.code(), Some(2), "{doc}");
            assert!(stderr(&o).contains(want), "{doc}: {}", stderr(&o));
            assert!(o.stdout.is_empty(), "nothing written before the document is valid");
        }
    }
    let o = run(&[
        "--filter-criteria",
        "/nonexistent/filter.json",
        p.to_str().unwrap(),
    ]);
    fails_with(&o, 2, &["cannot read the filter document"]);
    let o = run(&["--first-observed-after", "soon", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["--status", "CLOSED", "--all-statuses", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn json_report_is_filtered_too() {
    let p = testdata("pass/layouts/page.json");
    let v = json_report(&["--severity", "MEDIUM"], &p);
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(v["findings"][0]["severity"], "MEDIUM");
}
