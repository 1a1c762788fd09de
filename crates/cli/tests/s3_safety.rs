//! S3 outputs against moto's server (started by scripts/test.sh): an exact key never
//! silently replaces an object, and --max-output-bytes aborts the upload.

mod common;

use common::s3::{self, run_s3, status, Answer, Bucket, Intercept};

fn page() -> String {
    common::testdata("pass/layouts/page.json")
        .display()
        .to_string()
}

/// PutObject of `body` at `bucket/key`, readable by the unsigned checks of these tests.
fn put(bucket: &str, key: &str, body: &[u8]) {
    let r = s3::http(
        &s3::endpoint(),
        "PUT",
        &format!("/{bucket}/{key}"),
        &[("x-amz-acl", "public-read")],
        body,
    );
    assert_eq!(r.status, 200, "PutObject: {}", r.text());
}

const OLD: &[u8] = b"last week's report, which must survive\n";

#[test]
fn an_existing_exact_key_is_refused_and_kept_unless_overwrite() {
    let b = Bucket::new("exists");
    put(&b.name, "r.csv", OLD);
    let url = format!("s3://{}/r.csv", b.name);
    let o = run_s3(&s3::endpoint(), &["-o", &url, &page()]);
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    let st = status(&o);
    assert_eq!(st["status"], "FAILED", "{st}");
    assert_eq!(st["errorCode"], "OBJECT_EXISTS", "{st}");
    let said = format!("s3://{}/r.csv already exists", b.name);
    assert!(st["errorMessage"].as_str().unwrap().contains(&said), "{st}");
    assert!(
        common::stderr(&o).contains("--overwrite"),
        "{}",
        common::stderr(&o)
    );
    assert_eq!(b.get("r.csv").body, OLD);
    assert_eq!(b.uploads(), Vec::<String>::new(), "no upload was begun");

    let o = run_s3(&s3::endpoint(), &["-o", &url, "--overwrite", &page()]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    assert_eq!(status(&o)["status"], "SUCCEEDED");
    let expected = std::fs::read(common::testdata("expected/layouts.csv")).unwrap();
    assert!(b.get("r.csv").body == expected);
}

/// An object that appears at the key while the report uploads (after the check at the
/// start) is kept: the completion is conditional, and S3 refuses it.
#[test]
fn an_object_written_during_the_upload_is_kept() {
    let b = Bucket::new("race");
    let name = b.name.clone();
    let proxy = Intercept::start(Some(s3::endpoint()), move |req| {
        let completing = req.method == "POST" && req.target.contains("uploadId=");
        if completing {
            put(&name, "r.csv", OLD);
        }
        Answer::Forward
    });
    let url = format!("s3://{}/r.csv", b.name);
    let o = run_s3(&proxy.url, &["-o", &url, &page()]);
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    let st = status(&o);
    assert_eq!(st["errorCode"], "OBJECT_EXISTS", "{st}");
    assert!(
        st["errorMessage"]
            .as_str()
            .unwrap()
            .contains("written while the report was uploading"),
        "{st}"
    );
    let seen = proxy.seen();
    let head = seen
        .iter()
        .position(|s| s.method == "HEAD")
        .expect("HeadObject");
    let create = seen
        .iter()
        .position(|s| s.method == "POST" && s.target.contains("uploads"))
        .expect("CreateMultipartUpload");
    assert!(head < create, "the key is checked before the upload begins");
    let complete = seen
        .iter()
        .find(|s| s.method == "POST" && s.target.contains("uploadId="))
        .unwrap();
    assert!(
        complete
            .headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("if-none-match") && v == "*"),
        "{:?}",
        complete.headers
    );
    assert_eq!(complete.status, 412);
    assert_eq!(b.get("r.csv").body, OLD);
    assert_eq!(b.uploads(), Vec::<String>::new(), "the upload was aborted");
}

/// A prefix's key is a fresh report id: no check, no condition.
#[test]
fn prefix_keys_are_not_checked() {
    let b = Bucket::new("prefix");
    let proxy = Intercept::start(Some(s3::endpoint()), |_| Answer::Forward);
    let url = format!("s3://{}/reports/", b.name);
    let o = run_s3(&proxy.url, &["-o", &url, &page()]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let seen = proxy.seen();
    assert!(seen.iter().all(|s| s.method != "HEAD"), "{seen:?}");
    assert!(seen.iter().all(|s| !s
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("if-none-match"))));
    assert_eq!(b.keys().len(), 1);
}

#[test]
fn max_output_bytes_aborts_the_upload() {
    let b = Bucket::new("bound");
    let data = common::generated(inspector_report_bench::Layout::Cli, 3, 400_000);
    let dir = common::TempDir::new("s3-bound");
    let input = dir.path("in.json");
    std::fs::write(&input, &data).unwrap();
    let url = format!("s3://{}/r.csv", b.name);
    let o = run_s3(
        &s3::endpoint(),
        &[
            "-o",
            &url,
            "--part-size",
            "16KiB",
            "--max-output-bytes",
            "100KiB",
            input.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    let st = status(&o);
    assert_eq!(st["status"], "FAILED");
    assert!(
        st["errorMessage"]
            .as_str()
            .unwrap()
            .contains("--max-output-bytes (102400 bytes)"),
        "{st}"
    );
    assert_eq!(b.keys(), Vec::<String>::new(), "no object");
    assert_eq!(b.uploads(), Vec::<String>::new(), "no multipart upload");
}
