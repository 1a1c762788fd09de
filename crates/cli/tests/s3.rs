//! `-o s3://...` against a real S3 endpoint (moto's server, started by scripts/test.sh):
//! multipart round trips, naming, gzip, error codes, and that a run that does not succeed
//! leaves no object and no multipart upload behind.

mod common;

use common::s3::{self, kms, run_s3, s3_bin, status, Answer, Bucket, Intercept};
use common::{TempDir, AS_OF};
use serde_json::Value;
use std::io::Write;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// `gen`-style findings of about `mb` MB in the CLI layout.
fn findings(mb: u64) -> Vec<u8> {
    common::generated(inspector_report_bench::Layout::Cli, 7, mb << 20)
}

fn input_file(name: &str, data: &[u8]) -> (TempDir, std::path::PathBuf) {
    let d = TempDir::new("s3-input");
    let p = d.path(name);
    std::fs::write(&p, data).unwrap();
    (d, p)
}

/// The same run written to a local file.
fn local(args: &[&str], input: &std::path::Path) -> Vec<u8> {
    let d = TempDir::new("s3-local");
    let out = d.path("report");
    let o = common::bin()
        .args(["--as-of", AS_OF, "-q", "-o"])
        .arg(&out)
        .args(args)
        .arg(input)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    std::fs::read(&out).unwrap()
}

#[track_caller]
fn assert_nothing_left(b: &Bucket) {
    assert_eq!(b.keys(), Vec::<String>::new(), "no object may remain");
    assert_eq!(
        b.uploads(),
        Vec::<String>::new(),
        "no multipart upload may remain"
    );
}

#[test]
fn many_part_round_trip_is_byte_identical_and_encrypted_with_the_key() {
    let b = Bucket::new("round");
    let (_d, input) = input_file("in.json", &findings(3));
    for (format, key) in [("csv", "report.csv"), ("json", "nested/report.json")] {
        let url = format!("s3://{}/{key}", b.name);
        let o = run_s3(
            &s3::endpoint(),
            &[
                "-f",
                format,
                "-o",
                &url,
                "--part-size",
                "64KiB",
                "--upload-concurrency",
                "3",
                input.to_str().unwrap(),
            ],
        );
        let st = status(&o);
        assert_eq!(o.status.code(), Some(0), "{st}");
        assert_eq!(st["status"], "SUCCEEDED");
        assert_eq!(st["objectKey"], key);
        assert_eq!(st["destination"]["bucketName"], b.name.as_str());
        assert_eq!(st["destination"]["kmsKeyArn"], kms());
        assert!(st.get("errorCode").is_none(), "{st}");
        let want = local(&["-f", format], &input);
        let got = b.get(key);
        assert_eq!(got.status, 200);
        assert!(
            got.body == want,
            "{format}: the uploaded report differs from the local one"
        );
        assert_eq!(st["bytes"], want.len() as u64);
        let parts = st["parts"].as_u64().unwrap();
        assert!(
            parts as usize == want.len().div_ceil(64 * 1024),
            "{parts} parts for {} bytes",
            want.len()
        );
        assert!(parts > 5, "{parts}");
        let head = b.head(key);
        assert_eq!(head.header("x-amz-server-side-encryption"), Some("aws:kms"));
        assert_eq!(
            head.header("x-amz-server-side-encryption-aws-kms-key-id"),
            Some(kms())
        );
        // The ETag of a multipart object ends in -<parts>.
        assert!(
            head.header("etag")
                .unwrap()
                .ends_with(&format!("-{parts}\"")),
            "{:?}",
            head.header("etag")
        );
    }
    assert_eq!(b.uploads(), Vec::<String>::new());
}

#[test]
fn prefixes_name_the_object_after_the_report_id() {
    let b = Bucket::new("names");
    let input = common::testdata("pass/rules.json");
    let input = input.to_str().unwrap();
    for (dest, prefix) in [
        ("", ""),
        ("/", ""),
        ("/reports", "reports/"),
        ("/a/b/", "a/b/"),
    ] {
        let url = format!("s3://{}{dest}", b.name);
        let o = run_s3(&s3::endpoint(), &["-o", &url, input]);
        let st = status(&o);
        assert_eq!(o.status.code(), Some(0), "{st}");
        let id = st["reportId"].as_str().unwrap();
        assert_eq!(id.len(), 36, "a UUID: {id}");
        assert_eq!(st["objectKey"], format!("{prefix}{id}.csv"), "{url}");
        assert!(
            b.keys().contains(&format!("{prefix}{id}.csv")),
            "{:?}",
            b.keys()
        );
    }
    // Two runs to one prefix never collide.
    assert_eq!(b.keys().len(), 4);
}

#[test]
fn gzip_reports_decompress_to_the_plain_report() {
    let b = Bucket::new("gzip");
    let (_d, input) = input_file("in.json", &findings(2));
    let input = input.to_str().unwrap();
    let plain_csv = local(&[], std::path::Path::new(input));
    let url = format!("s3://{}/gz", b.name);
    let o = run_s3(
        &s3::endpoint(),
        &["--gzip", "-o", &url, "--part-size", "32KiB", input],
    );
    let st = status(&o);
    assert_eq!(o.status.code(), Some(0), "{st}");
    let key = st["objectKey"].as_str().unwrap();
    assert!(key.starts_with("gz/") && key.ends_with(".csv.gz"), "{key}");
    let got = b.get(key);
    assert_eq!(got.header("content-type"), Some("application/gzip"));
    assert!(
        got.body.len() < plain_csv.len() / 2,
        "compressed: {} of {}",
        got.body.len(),
        plain_csv.len()
    );
    assert!(
        common::gunzip(&got.body) == plain_csv,
        "gunzip of the object is the plain report"
    );
    assert!(st["parts"].as_u64().unwrap() > 1);

    // An exact key ending in .gz turns gzip on by itself; the JSON report too.
    let url = format!("s3://{}/exact/report.json.gz", b.name);
    let o = run_s3(&s3::endpoint(), &["-f", "json", "-o", &url, input]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let got = b.get("exact/report.json.gz");
    assert!(common::gunzip(&got.body) == local(&["-f", "json"], std::path::Path::new(input)));

    // NDJSON under a prefix: `<reportId>.ndjson.gz`, format NDJSON in the status document.
    let url = format!("s3://{}/nd/", b.name);
    let o = run_s3(
        &s3::endpoint(),
        &["-f", "ndjson", "--gzip", "-o", &url, input],
    );
    let st = status(&o);
    assert_eq!(o.status.code(), Some(0), "{st}");
    assert_eq!(st["reportFormat"], "NDJSON");
    let key = st["objectKey"].as_str().unwrap();
    assert!(
        key.starts_with("nd/") && key.ends_with(".ndjson.gz"),
        "{key}"
    );
    assert!(
        common::gunzip(&b.get(key).body) == local(&["-f", "ndjson"], std::path::Path::new(input))
    );
}

/// `diff` writes its compared report to S3 as a conversion does.
#[test]
fn a_comparison_uploads_its_report() {
    let b = Bucket::new("diff");
    let (old, new) = (
        common::testdata("pass/diff/last-week.json"),
        common::testdata("pass/diff/this-week.json"),
    );
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let url = format!("s3://{}/changes/", b.name);
    // The options go after `diff`, the endpoint's too.
    let o = s3::bin_with_test_credentials()
        .args([
            "diff",
            "--endpoint-url",
            &s3::endpoint(),
            "-q",
            "--as-of",
            AS_OF,
            "--kms-key-arn",
            kms(),
            "-f",
            "ndjson",
        ])
        .args(["-o", &url, old, new])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let st = status(&o);
    assert_eq!(o.status.code(), Some(0), "{st}");
    assert_eq!(st["reportFormat"], "NDJSON");
    let key = st["objectKey"].as_str().unwrap();
    assert!(
        key.starts_with("changes/") && key.ends_with(".ndjson"),
        "{key}"
    );
    let local = common::bin()
        .args(["diff", "-q", "--as-of", AS_OF, "-f", "ndjson", old, new])
        .output()
        .unwrap();
    assert!(b.get(key).body == local.stdout);
    assert_eq!(st["findings"], 10);
}

#[test]
fn missing_bucket_is_bucket_not_found() {
    let o = run_s3(
        &s3::endpoint(),
        &[
            "-o",
            "s3://no-such-bucket-here/x/",
            common::testdata("pass/rules.json").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let st = status(&o);
    assert_eq!(st["status"], "FAILED");
    assert_eq!(st["errorCode"], "BUCKET_NOT_FOUND");
    assert!(
        st["errorMessage"]
            .as_str()
            .unwrap()
            .contains("NoSuchBucket"),
        "{st}"
    );
    assert!(common::stderr(&o).contains("BUCKET_NOT_FOUND"));
}

/// No credentials anywhere (environment, files, instance metadata): one line that says
/// how to provide them, `INVALID_PERMISSIONS` in the status document, and no request sent.
#[test]
fn missing_credentials_say_how_to_provide_them() {
    let moto = Intercept::start(Some(s3::endpoint()), |_| Answer::Forward);
    let home = TempDir::new("no-aws-home");
    let mut cmd = s3_bin(&moto.url);
    for v in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        cmd.env_remove(v);
    }
    let o = cmd
        .env("HOME", &home.0)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args([
            "-o",
            "s3://some-bucket/r/",
            common::testdata("pass/rules.json").to_str().unwrap(),
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let st = status(&o);
    assert_eq!(st["status"], "FAILED");
    assert_eq!(st["errorCode"], "INVALID_PERMISSIONS", "{st}");
    let e = common::stderr(&o);
    assert_eq!(e.lines().count(), 1, "one line: {e}");
    assert!(
        e.contains("no AWS credentials found") && e.contains("AWS_ACCESS_KEY_ID"),
        "{e}"
    );
    assert!(e.len() < 400, "{} bytes: {e}", e.len());
    assert!(moto.seen.lock().unwrap().is_empty(), "no request was sent");
}

/// An error response without an S3 error code (a proxy's HTML page) is told by its HTTP
/// status, request id and the start of its body: one short line, not the whole response.
#[test]
fn an_error_without_a_code_is_one_short_line() {
    let page = format!(
        "<html><body><h1>Bad gateway</h1>{}</body></html>",
        "x".repeat(2000)
    );
    let fake = Intercept::start(None, move |_| Answer::Reply(502, "text/html", page.clone()));
    let input = common::testdata("pass/rules.json");
    let o = run_s3(
        &fake.url,
        &["-o", "s3://some-bucket/r/", input.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    let st = status(&o);
    let m = st["errorMessage"].as_str().unwrap();
    assert!(
        m.contains("HTTP 502") && m.contains("request id TEST") && m.contains("Bad gateway"),
        "{m}"
    );
    assert!(m.len() < 400, "{} bytes: {m}", m.len());
    let e = common::stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
}

#[test]
fn no_findings_is_no_findings_found_and_nothing_is_uploaded() {
    let b = Bucket::new("empty");
    let url = format!("s3://{}/r/", b.name);
    let input = common::testdata("pass/rules.json");
    // Tiny parts, so the CSV header alone fills parts before the run knows nothing matched.
    let o = run_s3(
        &s3::endpoint(),
        &[
            "-o",
            &url,
            "--part-size",
            "1KiB",
            "--account",
            "000000000000",
            input.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    let st = status(&o);
    assert_eq!(st["status"], "FAILED");
    assert_eq!(st["errorCode"], "NO_FINDINGS_FOUND");
    assert_eq!(st["filterOptions"]["account"][0], "000000000000");
    assert_nothing_left(&b);

    // A local report of nothing is still written, and succeeds.
    let o = common::run(&[
        "--as-of",
        AS_OF,
        "-q",
        "--account",
        "000000000000",
        input.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(common::stdout(&o).lines().count(), 1, "the header only");
}

#[test]
fn an_input_error_after_several_parts_aborts_the_upload() {
    let b = Bucket::new("inputerr");
    let proxy = Intercept::start(Some(s3::endpoint()), |_| Answer::Forward);
    let mut data = findings(3);
    // A truncated finding at the end: the error comes after the parts are out.
    data.extend_from_slice(b"{\"findings\":[{\"findingArn\":\"x\",");
    let (_d, input) = input_file("bad.json", &data);
    let url = format!("s3://{}/r.csv", b.name);
    let input_arg = input.to_str().unwrap();
    let o = run_s3(&proxy.url, &["-o", &url, "--part-size", "16KiB", input_arg]);
    assert_eq!(o.status.code(), Some(1));
    let st = status(&o);
    assert_eq!(st["status"], "FAILED");
    assert_eq!(st["errorCode"], "INTERNAL_ERROR");
    assert!(
        st["errorMessage"].as_str().unwrap().contains("bad.json"),
        "names the input: {st}"
    );
    let seen = proxy.seen();
    let parts = seen
        .iter()
        .filter(|s| s.is_upload_part() && s.status == 200)
        .count();
    assert!(
        parts >= 3,
        "several parts were uploaded before the error: {parts}"
    );
    assert!(
        seen.iter()
            .any(|s| s.method == "DELETE" && s.target.contains("uploadId=")),
        "AbortMultipartUpload sent"
    );
    assert_nothing_left(&b);
}

#[test]
fn sigint_while_input_still_arrives_aborts_the_upload() {
    let b = Bucket::new("sigint");
    let url = format!("s3://{}/r.csv", b.name);
    let data = findings(12);
    let (child, mut stdin) =
        common::spawn_piped(s3_bin(&s3::endpoint()).args(["-o", &url, "--part-size", "16KiB"]));
    // Most of the input, and then the pipe stays open: the run cannot finish by itself.
    stdin.write_all(&data[..data.len() * 3 / 4]).unwrap();
    stdin.flush().unwrap();
    let t = Instant::now();
    let upload = loop {
        let ids = b.uploads();
        if let Some(id) = ids.first() {
            if b.parts("r.csv", id).len() >= 2 {
                break id.clone();
            }
        }
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "no parts arrived in 60 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(out.status.code(), Some(130), "{}", common::stderr(&out));
    let st = status(&out);
    assert_eq!(st["status"], "CANCELLED");
    assert!(st.get("errorCode").is_none(), "{st}");
    assert!(
        st["errorMessage"].as_str().unwrap().contains("aborted"),
        "{st}"
    );
    assert_nothing_left(&b);
    assert!(b.parts("r.csv", &upload).is_empty());
}

#[test]
fn a_part_that_fails_once_is_retried_and_the_report_completes() {
    let b = Bucket::new("retry");
    let failed = AtomicBool::new(false);
    let proxy = Intercept::start(Some(s3::endpoint()), move |req| {
        let part3 =
            req.is_upload_part() && req.target.split(['?', '&']).any(|q| q == "partNumber=3");
        if part3 && !failed.swap(true, Ordering::SeqCst) {
            return Answer::Reply(
                500,
                "application/xml",
                s3::s3_error(
                    "InternalError",
                    "We encountered an internal error. Please try again.",
                ),
            );
        }
        Answer::Forward
    });
    let (_d, input) = input_file("in.json", &findings(2));
    let url = format!("s3://{}/r.csv", b.name);
    let input_arg = input.to_str().unwrap();
    let o = run_s3(&proxy.url, &["-o", &url, "--part-size", "32KiB", input_arg]);
    let st = status(&o);
    assert_eq!(o.status.code(), Some(0), "{st}");
    let seen = proxy.seen();
    let part3: Vec<u16> = seen
        .iter()
        .filter(|s| s.is_upload_part() && s.target.split(['?', '&']).any(|q| q == "partNumber=3"))
        .map(|s| s.status)
        .collect();
    assert_eq!(part3, [500, 200], "part 3 failed once and was sent again");
    assert!(b.get("r.csv").body == local(&[], &input));
    assert_eq!(b.uploads(), Vec::<String>::new());
}

/// The error responses S3 sends, answered by a fake endpoint, through the real SDK.
#[test]
fn s3_error_responses_map_to_inspector_error_codes() {
    let input = common::testdata("pass/rules.json");
    let cases = [
        (403, "AccessDenied", "Access Denied", "INVALID_PERMISSIONS"),
        (400, "KMS.NotFoundException", "Invalid keyId arn:aws:kms:us-east-1:1:key/x", "MALFORMED_KMS_KEY"),
        (
            403,
            "AccessDenied",
            "User: arn:aws:iam::1:user/ci is not authorized to perform: kms:GenerateDataKey on resource: arn:aws:kms:us-east-1:1:key/x",
            "MALFORMED_KMS_KEY",
        ),
        (301, "PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint.", "INCOMPATIBLE_BUCKET_REGION"),
        (400, "AuthorizationHeaderMalformed", "the region 'us-east-1' is wrong; expecting 'eu-west-1'", "INCOMPATIBLE_BUCKET_REGION"),
        (404, "NoSuchBucket", "The specified bucket does not exist", "BUCKET_NOT_FOUND"),
        (400, "InvalidRequest", "Something else entirely", "INTERNAL_ERROR"),
    ];
    for (status_code, code, message, want) in cases {
        let fake = Intercept::start(None, move |_| {
            Answer::Reply(status_code, "application/xml", s3::s3_error(code, message))
        });
        let input_arg = input.to_str().unwrap();
        let o = run_s3(&fake.url, &["-o", "s3://some-bucket/r/", input_arg]);
        assert_eq!(o.status.code(), Some(1), "{code}");
        let st = status(&o);
        assert_eq!(st["status"], "FAILED");
        assert_eq!(st["errorCode"], want, "{status_code} {code}: {st}");
        assert!(st["errorMessage"].as_str().unwrap().contains(code), "{st}");
    }
}

/// S3 must echo SSE-KMS with the requested key; an endpoint that does not is refused and
/// what it stored is removed.
#[test]
fn an_object_not_encrypted_as_asked_is_deleted() {
    let b = Bucket::new("sse");
    // Strip the SSE headers from moto's answer to CompleteMultipartUpload.
    let strip = Intercept::start(Some(s3::endpoint()), |req| {
        if req.method == "POST" && req.target.contains("uploadId=") {
            return Answer::ForwardWithout(&[
                "x-amz-server-side-encryption",
                "x-amz-server-side-encryption-aws-kms-key-id",
            ]);
        }
        Answer::Forward
    });
    let url = format!("s3://{}/r.csv", b.name);
    let input = common::testdata("pass/rules.json");
    let o = run_s3(&strip.url, &["-o", &url, input.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let st = status(&o);
    assert!(
        st["errorMessage"].as_str().unwrap().contains("SSE-KMS"),
        "{st}"
    );
    let seen = strip.seen();
    assert!(
        seen.iter().any(|s| s.method == "DELETE"
            && s.target.contains("/r.csv")
            && !s.target.contains("uploadId")),
        "DeleteObject sent: {seen:?}"
    );
    assert_nothing_left(&b);
}

/// Peak memory of a 500 MB report upload: the part being filled plus the parts in flight
/// (part size x (concurrency + 1)) on top of the pipeline's own bound.
#[test]
fn a_large_upload_keeps_memory_bounded() {
    let mb: u64 = std::env::var("INSPECTOR_REPORT_TEST_S3_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let b = Bucket::new("memory");
    let d = TempDir::new("s3-memory");
    let summary = d.path("summary.json");
    let url = format!("s3://{}/big.json", b.name);
    let part: u64 = 5 << 20;
    let concurrency: u64 = 4;
    let (child, mut stdin) = common::spawn_piped(
        s3_bin(&s3::endpoint())
            .args(["-f", "json", "--all-statuses", "-o", &url])
            .args(["--part-size", "5MiB", "--upload-concurrency", "4"])
            .arg("--summary-json")
            .arg(&summary),
    );
    // Generated straight into the pipe: the input is never held whole, here or there.
    let feeder = std::thread::spawn(move || {
        inspector_report_bench::generate(
            inspector_report_bench::Layout::Ndjson,
            11,
            mb << 20,
            &mut stdin,
        )
        .unwrap()
    });
    let out = child.wait_with_output().unwrap();
    let fed = feeder.join().unwrap();
    let st = status(&out);
    assert_eq!(out.status.code(), Some(0), "{st} {}", common::stderr(&out));
    let bytes = st["bytes"].as_u64().unwrap();
    assert!(
        bytes >= (mb << 20) * 9 / 10,
        "a report of about {mb} MB: {bytes} bytes from {fed} input bytes"
    );
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    let peak = s["peakRssBytes"].as_u64().expect("peak RSS on Linux");
    // The pipeline's own bound is its largest single finding (MAX_FINDING_BYTES, 64 MiB)
    // in the worst case; these findings are small, so it sits far below that.
    let bound = part * (concurrency + 1) + (64 << 20);
    eprintln!(
        "uploaded {bytes} bytes in {} parts; peak RSS {} MiB (bound {} MiB)",
        st["parts"],
        peak >> 20,
        bound >> 20
    );
    assert!(peak < bound, "peak RSS {peak} over the bound {bound}");
    assert_eq!(b.uploads(), Vec::<String>::new());
}

/// Mistakes in the S3 options are usage errors (exit 2), found before anything is read
/// or any request is sent.
#[test]
fn s3_usage_errors() {
    let arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let cases: &[(&[&str], &str)] = &[
        (&["-o", "s3://bucket/r/"], "--kms-key-arn"),
        (
            &["-o", "s3://bucket/r/", "--kms-key-arn", "1234abcd"],
            "not a KMS key ARN",
        ),
        (
            &["-o", "report.csv", "--kms-key-arn", arn],
            "for an S3 destination",
        ),
        (
            &["-o", "s3://Bad_Bucket/r/", "--kms-key-arn", arn],
            "bucket name",
        ),
        (
            &["-o", "s3://bucket/r.json", "--kms-key-arn", arn],
            "-f json",
        ),
        (
            &["-o", "s3://bucket/r.csv", "--gzip", "--kms-key-arn", arn],
            "r.csv.gz",
        ),
        (
            &[
                "-o",
                "s3://bucket/r/",
                "--kms-key-arn",
                arn,
                "--part-size",
                "1MiB",
            ],
            "at least",
        ),
        (
            &[
                "-o",
                "s3://bucket/r/",
                "--kms-key-arn",
                arn,
                "--upload-concurrency",
                "0",
            ],
            "--upload-concurrency",
        ),
    ];
    for (args, says) in cases {
        let o = common::bin()
            .env_remove("INSPECTOR_REPORT_MIN_PART_SIZE")
            .args(*args)
            .arg(common::testdata("pass/rules.json"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", common::stderr(&o));
        assert!(
            common::stderr(&o).contains(says),
            "{args:?}: {}",
            common::stderr(&o)
        );
        assert!(o.stdout.is_empty(), "no status document for a usage error");
    }
}

/// `--gzip`, or an output named *.gz, compresses a local report too.
#[test]
fn local_gzip_reports() {
    let input = common::testdata("pass/rules.json");
    let input = input.to_str().unwrap();
    let plain = common::run(&["--as-of", AS_OF, "-q", input]);
    let zipped = common::run(&["--as-of", AS_OF, "-q", "--gzip", input]);
    assert_eq!(zipped.status.code(), Some(0));
    assert_eq!(&zipped.stdout[..2], b"\x1f\x8b");
    assert!(common::gunzip(&zipped.stdout) == plain.stdout);
    let d = TempDir::new("s3-gzip");
    let out = d.path("r.json.gz");
    let o = common::bin()
        .args(["--as-of", AS_OF, "-q", "-f", "json", "-o"])
        .arg(&out)
        .arg(input)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let json = common::run(&["--as-of", AS_OF, "-q", "-f", "json", input]);
    assert!(common::gunzip(&std::fs::read(&out).unwrap()) == json.stdout);
}
