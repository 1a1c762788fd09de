//! Bad input (spec section 5): exit status 1, a message that names the input, the byte
//! and the finding, and nothing left at `-o`.

mod common;
use common::*;

/// Options a bad input's message must not depend on (the report format, and whether the
/// stages run inline or on threads), each with a report name that agrees with its format.
const VARIANTS: [(&[&str], &str); 3] = [
    (&[], "report.csv"),
    (&["--threads", "1"], "report.csv"),
    (&["-f", "json"], "report.json"),
];

/// Every file of `testdata/fail/` exits 1 with exactly the message of
/// `testdata/expected/fail/NAME.stderr`, writes nothing to stdout and leaves nothing in the
/// folder of `-o`. The run is in `testdata/fail/`, so the message names the input as
/// `NAME`.
#[test]
fn every_file_of_the_fail_corpus_gives_its_message() {
    let dir = testdata("fail");
    let names = corpus(&dir);
    let mut wrong = Vec::new();
    for name in &names {
        let expected = testdata(&format!("expected/fail/{name}.stderr"));
        let want = std::fs::read_to_string(&expected).unwrap_or_else(|e| {
            panic!(
                "testdata/fail/{name}: no message {}: {e}",
                expected.display()
            )
        });
        for (variant, report) in VARIANTS {
            let d = TempDir::new("fail");
            let out = d.path(report);
            let o = bin()
                .current_dir(&dir)
                .args(variant)
                .arg("-o")
                .arg(&out)
                .arg(name)
                .output()
                .expect("run inspector-report");
            let got = stderr(&o);
            let left = d.names();
            if o.status.code() != Some(1) || got != want || !o.stdout.is_empty() || !left.is_empty()
            {
                wrong.push(format!(
                    "testdata/fail/{name} {variant:?}: exit {:?}, {} bytes on stdout, left {left:?}\n  want: {want}  got:  {got}",
                    o.status.code(),
                    o.stdout.len()
                ));
            }
        }
    }
    for message in corpus(&testdata("expected/fail")) {
        let input = message.strip_suffix(".stderr").unwrap_or(&message);
        if !names.iter().any(|n| n == input) {
            wrong.push(format!(
                "testdata/expected/fail/{message} has no input testdata/fail/{input}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_deepest_nesting_accepted_is_128_levels() {
    // testdata/fail/too-deep.json nests 200 levels and names the limit.
    let ok128 = format!(
        "[{}{}]",
        "{\"status\":\"ACTIVE\",\"a\":".to_string() + &"{\"a\":".repeat(126) + "{",
        "}".repeat(128)
    );
    let o = run_stdin(&["-q"], ok128.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn missing_input_file() {
    let o = run(&["/nonexistent/findings.json"]);
    fails_with(&o, 1, &["/nonexistent/findings.json"]);
}

#[test]
fn an_error_in_a_later_input_still_fails_the_run() {
    let d = TempDir::new("later");
    let good = d.path("a.json");
    std::fs::write(&good, r#"[{"status":"ACTIVE","title":"ok"}]"#).unwrap();
    let bad = d.path("b.json");
    std::fs::write(&bad, "[{\"x\":}]").unwrap();
    let out = d.path("r.csv");
    let o = run(&[
        "-o",
        out.to_str().unwrap(),
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    fails_with(&o, 1, &["b.json: finding 1 (byte 6)"]);
    assert!(!out.exists());
}

#[test]
fn a_finding_without_some_required_members_is_converted_with_a_warning_each() {
    // `severity` and `status` absent, `remediation` null: converted with what it has, and
    // three warnings (spec 5), whatever the report's format, with or without a filter
    // (which makes the JSON reports decode the whole finding).
    let finding = r#"{"awsAccountId":"111122223333","description":"d","findingArn":"arn:1",
        "firstObservedAt":1700000000,"lastObservedAt":1700000000,"remediation":null,
        "resources":[{"id":"i-1","type":"AWS_EC2_INSTANCE"}],"type":"PACKAGE_VULNERABILITY"}"#;
    let account = r#"{"awsAccountId":[{"comparison":"EQUALS","value":"111122223333"}]}"#;
    let d = TempDir::new("missing");
    let summary_path = d.path("s.json");
    let summary_path = summary_path.to_str().unwrap();
    for format in ["csv", "json", "ndjson"] {
        for filter in [&[][..], &["--filter-criteria", account]] {
            let mut args = vec!["-q", "--all-statuses", "-f", format];
            args.extend_from_slice(&["--summary-json", summary_path]);
            args.extend_from_slice(filter);
            args.push("-");
            let out = ok(&run_stdin(&args, format!("[{finding}]").as_bytes()));
            let s: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(summary_path).unwrap()).unwrap();
            let what = format!("{format} {filter:?}: {s}");
            assert!(out.contains("arn:1"), "{what}");
            let w = &s["warnings"]["byKind"]["missingMember"];
            assert_eq!(w["count"], 3, "{what}");
            assert_eq!(w["examples"][0]["member"], "remediation", "{what}");
            assert_eq!(s["warnings"]["total"], 3, "{what}");
        }
    }
}
