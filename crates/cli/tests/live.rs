//! `inspector2://` inputs, through the binary.
//!
//! - Against moto's ListFindings (scripts/test.sh starts moto): moto answers each new
//!   request shape with the next page queued for its region, with no `nextToken`, so these
//!   runs use `--api-concurrency 1`. Each test queues pages for regions of its own, since
//!   the tests run at once against one server.
//! - Against a stub server here (no moto): pages with `nextToken`, one ThrottlingException
//!   and one 500, partitions, access denied; it checks every request it receives.
//! - Without any server: no credentials, an unknown region.

mod common;

use common::s3::{self, Answer, Intercept, Seen};
use common::{ok, parse_csv, stderr, testdata, AS_OF};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The findings of a fixture page.
fn findings_of(path: &std::path::Path) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v["findings"].as_array().unwrap().clone()
}

/// Queues one ListFindings page of `findings` in moto for `region`.
fn seed(region: &str, findings: &[Value]) {
    let body = json!({"results": [findings], "account_id": "123456789012", "region": region});
    let r = s3::http(
        &s3::endpoint(),
        "POST",
        "/moto-api/static/inspector2/findings-results",
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    );
    assert_eq!(r.status, 201, "seeding moto: {}", r.text());
}

/// The page moto answers for `region` to a ListFindings request with `criteria`, asked
/// directly (moto checks no signature): moto answers a request shape it has seen with the
/// same page again, so this is the page a run with those criteria received, as the
/// service's bytes (moto writes its own key order and number text).
fn page_moto_sent(region: &str, criteria: Value) -> Vec<u8> {
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential=testing/20260101/{region}/inspector2/aws4_request, \
         SignedHeaders=host, Signature=0"
    );
    let body = json!({"filterCriteria": criteria, "maxResults": 100});
    let r = s3::http(
        &s3::endpoint(),
        "POST",
        "/findings/list",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", &auth),
        ],
        body.to_string().as_bytes(),
    );
    assert_eq!(r.status, 200, "ListFindings: {}", r.text());
    r.body
}

/// `page` saved in a file of `dir`.
fn saved(dir: &std::path::Path, name: &str, page: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, page).unwrap();
    p.to_str().unwrap().to_string()
}

/// The binary with test credentials, sending AWS requests to `endpoint`.
fn live(endpoint: &str, args: &[&str]) -> Output {
    s3::bin_for(endpoint)
        .args(["--as-of", AS_OF])
        .args(args)
        .output()
        .unwrap()
}

/// The same conversion of local files.
fn local(args: &[&str]) -> Output {
    common::run(&[&["--as-of", AS_OF], args].concat())
}

fn active_only() -> Value {
    json!({"findingStatus": [{"comparison": "EQUALS", "value": "ACTIVE"}]})
}

#[test]
fn one_region_reads_as_the_same_page_saved_in_a_file() {
    seed("us-east-2", &findings_of(&testdata("pass/rules.json")));
    let dir = tempfile_dir();
    for format in ["csv", "json"] {
        let got = live(
            &s3::endpoint(),
            &[
                "-f",
                format,
                "--api-concurrency",
                "1",
                "inspector2://us-east-2",
            ],
        );
        let page = saved(
            &dir,
            "page.json",
            &page_moto_sent("us-east-2", active_only()),
        );
        let want = ok(&local(&["-f", format, &page]));
        assert_eq!(ok(&got), want, "{format}");
        let err = stderr(&got);
        assert!(
            err.contains("Inspector API: 1 pages, 1 requests (0 retries, 0 throttled)"),
            "{err}"
        );
        assert!(err.contains("findings: 6 read, 5 written"), "{err}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn regions_are_reported_in_the_order_given() {
    seed("ap-southeast-2", &findings_of(&testdata("pass/rules.json")));
    let wire = common::sample("elastic_integrations_listfindings_wire_response.json");
    seed("eu-west-3", &findings_of(&wire));
    let got = live(
        &s3::endpoint(),
        &[
            "--all-statuses",
            "--api-concurrency",
            "1",
            "inspector2://eu-west-3,ap-southeast-2",
        ],
    );
    let dir = tempfile_dir();
    let first = saved(&dir, "1.json", &page_moto_sent("eu-west-3", json!({})));
    let second = saved(&dir, "2.json", &page_moto_sent("ap-southeast-2", json!({})));
    let want = ok(&local(&["--all-statuses", &first, &second]));
    assert_eq!(ok(&got), want);
    let rows = parse_csv(&want).1;
    assert!(rows.len() > 6, "{}", rows.len());
    assert_eq!(
        rows.last().unwrap()[1],
        "",
        "rules.json's last finding comes last"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_filter_is_applied_to_what_arrives() {
    // moto answers whatever the filterCriteria: the run keeps only what the filter keeps.
    seed("ca-central-1", &findings_of(&testdata("pass/rules.json")));
    let args = ["--severity", "LOW", "-f", "json"];
    let got = live(
        &s3::endpoint(),
        &[
            &args[..],
            &["--api-concurrency", "1", "inspector2://ca-central-1"],
        ]
        .concat(),
    );
    let mut criteria = active_only();
    criteria["severity"] = json!([{"comparison": "EQUALS", "value": "LOW"}]);
    let dir = tempfile_dir();
    let page = saved(&dir, "page.json", &page_moto_sent("ca-central-1", criteria));
    let want = ok(&local(&[&args[..], &[page.as_str()]].concat()));
    assert_eq!(ok(&got), want);
    let report: Value = serde_json::from_str(&want).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 1, "{want}");
    let err = stderr(&got);
    assert!(err.contains("findings: 6 read, 1 written"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A finding of `severity` with a findingArn that names it.
fn finding(arn: &str, severity: &str) -> Value {
    json!({"awsAccountId": "111122223333", "description": "d", "findingArn": arn,
           "firstObservedAt": 1748539687.919, "lastObservedAt": 1.7485396879190E9,
           "remediation": {}, "resources": [], "severity": severity, "status": "ACTIVE",
           "type": "PACKAGE_VULNERABILITY", "title": "t", "unknownMember": {"kept": 1.50}})
}

/// A page of one finding, `arn` of `severity`, leading on to `token` when there is one.
fn page(arn: &str, severity: &str, token: Option<String>) -> Answer {
    let mut p = json!({"findings": [finding(arn, severity)]});
    if let Some(t) = token {
        p["nextToken"] = json!(t);
    }
    Answer::Reply(200, "application/json", p.to_string())
}

/// An error answer as the API sends it.
fn api_error(status: u16, code: &str) -> Answer {
    Answer::Reply(
        status,
        "application/json",
        json!({"__type": code, "message": format!("a {code}")}).to_string(),
    )
}

/// The ListFindings requests a stub saw, as JSON.
fn requests(stub: &Intercept) -> Vec<Value> {
    stub.seen()
        .iter()
        .map(|s| {
            assert_eq!(
                (s.method.as_str(), s.target.as_str()),
                ("POST", "/findings/list")
            );
            serde_json::from_slice(&s.body).unwrap()
        })
        .collect()
}

/// Three pages: `t1` and `t2` lead on; the second page is throttled once and the third
/// fails with a 500 once before they are served.
#[test]
fn pages_follow_next_token_through_throttling_and_a_500() {
    let calls = AtomicUsize::new(0);
    let stub = Intercept::start(None, move |seen: &Seen| {
        let body: Value = serde_json::from_slice(&seen.body).unwrap();
        let page = |n: usize, token: Option<&str>| {
            page(&format!("arn:{n}"), "HIGH", token.map(String::from))
        };
        match (
            calls.fetch_add(1, Ordering::SeqCst),
            body["nextToken"].as_str(),
        ) {
            (0, None) => page(1, Some("t1")),
            (1, Some("t1")) => api_error(429, "ThrottlingException"),
            (2, Some("t1")) => page(2, Some("t2")),
            (3, Some("t2")) => api_error(500, "InternalServerException"),
            (4, Some("t2")) => page(3, None),
            other => panic!("unexpected request {other:?}: {body}"),
        }
    });
    let dir = tempfile_dir();
    let summary = dir.join("summary.json");
    let got = live(
        &stub.url,
        &[
            "--api-concurrency",
            "1",
            "--severity",
            "HIGH,CRITICAL",
            "--columns",
            "Finding ARN",
            "--summary-json",
            summary.to_str().unwrap(),
            "inspector2://us-west-2",
        ],
    );
    assert_eq!(
        ok(&got),
        "\"Finding ARN\"\n\"arn:1\"\n\"arn:2\"\n\"arn:3\"\n"
    );
    let want_criteria = json!({
        "severity": [{"comparison": "EQUALS", "value": "HIGH"},
                     {"comparison": "EQUALS", "value": "CRITICAL"}],
        "findingStatus": [{"comparison": "EQUALS", "value": "ACTIVE"}],
    });
    let sent = requests(&stub);
    assert_eq!(sent.len(), 5);
    for r in &sent {
        assert_eq!(r["filterCriteria"], want_criteria, "{r}");
        assert_eq!(r["maxResults"], 100, "{r}");
    }
    let s: Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    assert_eq!(
        s["api"],
        json!({"pages": 3, "requests": 5, "retries": 2, "throttled": 1})
    );
    assert_eq!(s["findings"]["written"], 3);
    let _ = std::fs::remove_dir_all(dir);
}

/// The JSON report keeps the service's own bytes: unknown members and number text.
#[test]
fn the_json_report_keeps_the_services_bytes() {
    let finding = r#"{"awsAccountId":"111122223333","description":"d","findingArn":"a","firstObservedAt":1748539687.919,"lastObservedAt":1748539687.919,"remediation":{},"resources":[],"severity":"HIGH","status":"ACTIVE","type":"PACKAGE_VULNERABILITY","inspectorScore":7.50,"brandNewMember":{"x":1.0E2}}"#;
    let page = format!(r#"{{"findings":[{finding}]}}"#);
    let stub = Intercept::start(None, move |_: &Seen| {
        Answer::Reply(200, "application/json", page.clone())
    });
    let got = live(
        &stub.url,
        &[
            "-f",
            "json",
            "--json-timestamps",
            "verbatim",
            "--api-concurrency",
            "1",
            "inspector2://us-west-2",
        ],
    );
    let report = ok(&got);
    assert!(report.contains(finding), "{report}");
    let v: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
}

/// With `--api-concurrency` above 1, a region's query is split by severity: every known
/// severity once, and one query for any other value, each paginated, none repeated; the
/// report holds every finding once.
#[test]
fn partitions_split_the_query_by_severity() {
    let served = Mutex::new(BTreeSet::new());
    let stub = Intercept::start(None, move |seen: &Seen| {
        let body: Value = serde_json::from_slice(&seen.body).unwrap();
        let filters = body["filterCriteria"]["severity"]
            .as_array()
            .unwrap()
            .clone();
        let key = Value::Array(filters.clone()).to_string();
        let severity = match filters[0]["comparison"].as_str() {
            Some("EQUALS") => filters[0]["value"].as_str().unwrap().to_string(),
            _ => "CUSTOM".to_string(),
        };
        // Two pages per partition.
        let (n, token) = match body["nextToken"].as_str() {
            None => (1, Some(format!("{severity}-2"))),
            Some(t) => {
                assert_eq!(t, format!("{severity}-2"));
                (2, None)
            }
        };
        assert!(served.lock().unwrap().insert(format!("{key}{n}")), "{body}");
        page(&format!("{severity}/{n}"), &severity, token)
    });
    let got = live(
        &stub.url,
        &["--columns", "Finding ARN", "inspector2://us-west-2"],
    );
    let (_, rows) = parse_csv(&ok(&got));
    let arns: BTreeSet<String> = rows.iter().map(|r| r[0].clone()).collect();
    // Every known severity, and CUSTOM for the partition of any other value.
    let want: BTreeSet<String> = "CRITICAL HIGH MEDIUM LOW INFORMATIONAL UNTRIAGED CUSTOM"
        .split(' ')
        .flat_map(|s| [format!("{s}/1"), format!("{s}/2")])
        .collect();
    assert_eq!(rows.len(), 14);
    assert_eq!(arns, want);
    assert_eq!(requests(&stub).len(), 14);
}

#[test]
fn access_denied_names_the_iam_action() {
    let stub = Intercept::start(None, |_: &Seen| api_error(403, "AccessDeniedException"));
    let got = live(
        &stub.url,
        &[
            "--api-concurrency",
            "1",
            "-o",
            "/dev/null",
            "inspector2://us-west-2",
        ],
    );
    assert_eq!(got.status.code(), Some(1));
    assert_eq!(
        stderr(&got),
        "inspector-report: inspector2://us-west-2: access denied (AccessDeniedException: a \
         AccessDeniedException); the caller needs the IAM permission inspector2:ListFindings\n"
    );
    assert_eq!(requests(&stub).len(), 1, "access denied is not retried");
}

/// Into S3, a live failure aborts the upload and the status document says why.
#[test]
fn a_live_failure_into_s3_leaves_nothing_and_says_why() {
    let bucket = s3::Bucket::new("live");
    let proxy = Intercept::start(Some(s3::endpoint()), |seen: &Seen| {
        if seen.target == "/findings/list" {
            api_error(403, "AccessDeniedException")
        } else {
            Answer::Forward
        }
    });
    let kms = s3::kms_key();
    let url = format!("s3://{}/r.csv", bucket.name);
    let got = live(
        &proxy.url,
        &["-o", &url, "--kms-key-arn", &kms, "inspector2://us-west-2"],
    );
    assert_eq!(got.status.code(), Some(1));
    let status: Value = serde_json::from_slice(&got.stdout).unwrap();
    assert_eq!(status["status"], "FAILED", "{status}");
    assert_eq!(status["errorCode"], "INTERNAL_ERROR", "{status}");
    let message = status["errorMessage"].as_str().unwrap();
    assert!(
        message.starts_with("inspector2://us-west-2: access denied")
            && message.contains("inspector2:ListFindings"),
        "{status}"
    );
    assert_eq!(stderr(&got).lines().count(), 1, "{}", stderr(&got));
    assert_eq!(bucket.uploads(), Vec::<String>::new());
    assert_eq!(bucket.keys(), Vec::<String>::new());
}

/// The region of a request, from its signature's credential scope (.../REGION/inspector2/...).
fn region_of(seen: &Seen) -> String {
    let auth = seen
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.clone())
        .unwrap();
    auth.split('/').nth(2).unwrap().to_string()
}

/// A region later in the report is fetched at the API's pace while an earlier one is still
/// being read: its pages past the ones kept in memory wait in the spool file, and the
/// report is still in region order.
#[test]
fn a_later_region_does_not_wait_for_an_earlier_one() {
    const LATER_PAGES: usize = 12;
    let stub = Intercept::start(None, |seen: &Seen| {
        let body: Value = serde_json::from_slice(&seen.body).unwrap();
        if region_of(seen) == "us-west-2" {
            // The first region answers slowly, once.
            std::thread::sleep(std::time::Duration::from_millis(1500));
            return page("first", "HIGH", None);
        }
        let n: usize = body["nextToken"].as_str().map_or(1, |t| t.parse().unwrap());
        let next = (n < LATER_PAGES).then(|| (n + 1).to_string());
        page(&format!("later-{n}"), "HIGH", next)
    });
    let got = live(
        &stub.url,
        &[
            "--api-concurrency",
            "1",
            "--columns",
            "Finding ARN",
            "inspector2://us-west-2,eu-central-1",
        ],
    );
    let (_, rows) = parse_csv(&ok(&got));
    let mut want = vec!["first".to_string()];
    want.extend((1..=LATER_PAGES).map(|n| format!("later-{n}")));
    assert_eq!(rows.iter().map(|r| r[0].clone()).collect::<Vec<_>>(), want);
    // The log has a request when it was answered: every later page came before the first.
    let answered: Vec<String> = stub.seen().iter().map(region_of).collect();
    assert_eq!(
        answered.last().map(String::as_str),
        Some("us-west-2"),
        "{answered:?}"
    );
}

/// `--output-dir`: one report per region, named after it.
#[test]
fn batch_mode_writes_one_report_per_region() {
    let stub = Intercept::start(None, |seen: &Seen| {
        page(&format!("arn:{}", region_of(seen)), "HIGH", None)
    });
    let dir = tempfile_dir();
    let got = live(
        &stub.url,
        &[
            "--api-concurrency",
            "1",
            "--columns",
            "Finding ARN",
            "--output-dir",
            dir.to_str().unwrap(),
            "inspector2://us-west-2,eu-central-1",
        ],
    );
    ok(&got);
    for region in ["us-west-2", "eu-central-1"] {
        let report = std::fs::read_to_string(dir.join(format!("{region}.csv"))).unwrap();
        assert_eq!(report, format!("\"Finding ARN\"\n\"arn:{region}\"\n"));
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn no_credentials_is_one_short_line() {
    let got = s3::bin_for("http://127.0.0.1:9")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["-o", "/dev/null", "inspector2://us-west-2"])
        .output()
        .unwrap();
    assert_eq!(got.status.code(), Some(1));
    let err = stderr(&got);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("inspector-report: inspector2://us-west-2: no AWS credentials: "),
        "{err}"
    );
}

/// An unknown region fails at once: its endpoint's host name does not resolve, and that
/// is not retried before the region has ever answered.
#[test]
fn an_unknown_region_is_said_so() {
    let started = std::time::Instant::now();
    // No --endpoint-url: the region's own endpoint, which does not exist.
    let got = s3::bin_with_test_credentials()
        .args(["-o", "/dev/null", "inspector2://xx-nowhere-1"])
        .output()
        .unwrap();
    assert_eq!(got.status.code(), Some(1));
    assert_eq!(
        stderr(&got),
        "inspector-report: inspector2://xx-nowhere-1: unknown region \"xx-nowhere-1\": \
         Inspector has no endpoint there (its host name does not resolve); check the region \
         name\n"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "retried: {:?}",
        started.elapsed()
    );
}

#[test]
fn live_names_are_checked_before_anything_is_read() {
    for (args, message) in [
        (
            vec!["inspector2://us-east-1,us-east-1"],
            "region us-east-1 is named twice",
        ),
        (vec!["inspector2://US-EAST-1"], "is not a region name"),
        (
            vec!["--api-concurrency", "0", "inspector2://us-east-1"],
            "--api-concurrency 0: give 1 to 16",
        ),
        (
            vec!["--region", "us-east-1", "x.json"],
            "--region is for an S3 destination",
        ),
        (
            vec!["--dedupe", "inspector2://us-east-1"],
            "--dedupe merges snapshot files",
        ),
    ] {
        let got = common::run(&args);
        assert_eq!(got.status.code(), Some(2), "{args:?}");
        assert!(stderr(&got).contains(message), "{args:?}: {}", stderr(&got));
    }
}

/// `diff OLD inspector2://REGION`: the region's findings are fetched once, saved to a
/// private temporary file (read twice, as every side is), and removed after the run.
#[test]
fn a_comparison_against_live_findings() {
    let stub = Intercept::start(None, |_: &Seen| {
        let p =
            json!({"findings": [finding("arn:kept", "HIGH"), finding("arn:fresh", "CRITICAL")]});
        Answer::Reply(200, "application/json", p.to_string())
    });
    let dir = tempfile_dir();
    let spool = dir.join("tmp");
    std::fs::create_dir(&spool).unwrap();
    let old = dir.join("last-week.json");
    let last_week = json!({"findings": [finding("arn:kept", "HIGH"), finding("arn:gone", "LOW")]});
    std::fs::write(&old, last_week.to_string()).unwrap();
    let got = s3::bin_with_test_credentials()
        .env("TMPDIR", &spool)
        .args(["diff", "--endpoint-url", &stub.url, "-q", "--as-of", AS_OF])
        .args(["--api-concurrency", "1"])
        .args(["--columns", "Finding ARN,Severity", "--fail-on", "CRITICAL"])
        .args([old.to_str().unwrap(), "inspector2://us-west-2"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&got.stdout),
        "\"Change\",\"Finding ARN\",\"Severity\"\n\
         \"NEW\",\"arn:fresh\",\"CRITICAL\"\n\
         \"RESOLVED\",\"arn:gone\",\"LOW\"\n",
        "{}",
        stderr(&got)
    );
    assert_eq!(got.status.code(), Some(3), "{}", stderr(&got));
    assert_eq!(requests(&stub).len(), 1, "fetched once");
    let left: Vec<_> = std::fs::read_dir(&spool).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A temporary directory for one test.
fn tempfile_dir() -> std::path::PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "ir-live-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}
