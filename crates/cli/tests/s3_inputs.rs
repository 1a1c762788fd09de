//! S3 objects and prefixes as inputs (spec 1.3), against moto's server (started by
//! scripts/test.sh): an object reads exactly as a local file with the same bytes, a prefix
//! as a directory; the errors are one line; batch mode names reports after the keys.

mod common;

use common::s3::{self, Answer, Bucket, Intercept};
use common::{TempDir, AS_OF};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

fn kms() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(s3::kms_key)
}

/// The binary, reaching `endpoint`, with a fixed report time.
fn s3_bin(endpoint: &str) -> Command {
    let mut c = s3::bin_for(endpoint);
    c.args(["--as-of", AS_OF]);
    c
}

fn run_s3(endpoint: &str, args: &[&str]) -> Output {
    s3_bin(endpoint)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// The same run over local inputs; its report.
fn local(args: &[&str], inputs: &[&Path]) -> Vec<u8> {
    let o = common::bin()
        .args(["--as-of", AS_OF, "-q"])
        .args(args)
        .args(inputs)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    o.stdout
}

fn page() -> Vec<u8> {
    std::fs::read(common::testdata("pass/layouts/page.json")).unwrap()
}

fn ndjson() -> Vec<u8> {
    std::fs::read(common::testdata("pass/layouts/findings.ndjson")).unwrap()
}

/// An archive as Firehose and people leave one, as `(path, bytes)`: an extensionless gzip
/// NDJSON object under date folders, an upper-case `.JSON`, a README, dot names.
fn archive() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "2026/11/28/00/firehose-1-2026-11-28-00-00-00-0a1b",
            common::gzip(&ndjson()),
        ),
        (
            "2026/11/28/01/firehose-1-2026-11-28-01-00-00-77c2",
            ndjson(),
        ),
        ("X.JSON", page()),
        ("README", b"Findings archive.\n".to_vec()),
        (".hidden.json", page()),
        (".git/config", b"[core]\n".to_vec()),
        ("2026/.staging/part.json", page()),
    ]
}

/// `archive()` under `prefix` in a fresh bucket, and the same files in a local folder.
fn both(tag: &str, prefix: &str) -> (Bucket, TempDir) {
    let b = Bucket::new(tag);
    let d = TempDir::new(tag);
    for (path, bytes) in archive() {
        b.put(&format!("{prefix}{path}"), &bytes);
        let p = d.path("archive").join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    // Beside the prefix, not under it.
    b.put("archived.json", &page());
    (b, d)
}

fn summary(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn a_prefix_of_mixed_objects_reads_as_the_same_files_locally() {
    let (b, d) = both("mixed", "archive/");
    let folder = d.path("archive");
    for format in ["csv", "json"] {
        let sj = d.path(&format!("{format}.summary.json"));
        let url = format!("s3://{}/archive/", b.name);
        let o = run_s3(
            &s3::endpoint(),
            &["-f", format, "--summary-json", sj.to_str().unwrap(), &url],
        );
        let e = common::stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{e}");
        assert_eq!(o.stdout, local(&["-f", format], &[&folder]), "{format}");
        assert!(e.contains("S3: 4 objects, "), "{e}");
        assert!(e.contains("skipped, not JSON: 1 (first: s3://"), "{e}");
        let s = summary(&sj);
        let names = common::input_names(&s);
        let prefix = format!("s3://{}/archive/", b.name);
        assert_eq!(
            names,
            vec![
                format!("{prefix}2026/11/28/00/firehose-1-2026-11-28-00-00-00-0a1b"),
                format!("{prefix}2026/11/28/01/firehose-1-2026-11-28-01-00-00-77c2"),
                format!("{prefix}X.JSON"),
            ]
        );
        assert_eq!(s["skippedFiles"]["count"], 1);
        assert_eq!(s["skippedFiles"]["examples"][0], format!("{prefix}README"));
        assert_eq!(s["s3"]["objects"], 4);
        let stored: u64 = archive()
            .iter()
            .filter(|(p, _)| !p.starts_with('.') && !p.contains("/."))
            .map(|(_, b)| b.len() as u64)
            .sum();
        assert_eq!(s["s3"]["bytesDownloaded"], stored);
    }
    // A prefix that ends inside a name, mixed with a local file and standard input.
    let url = format!("s3://{}/archive/X.J", b.name);
    let mut child = s3_bin(&s3::endpoint())
        .args([
            "-q",
            common::testdata("pass/rules.json").to_str().unwrap(),
            &url,
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&ndjson()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let d2 = TempDir::new("mixed-stdin");
    std::fs::write(d2.path("stdin.ndjson"), ndjson()).unwrap();
    let want = local(
        &[],
        &[
            &common::testdata("pass/rules.json"),
            &folder.join("X.JSON"),
            &d2.path("stdin.ndjson"),
        ],
    );
    assert_eq!(o.stdout, want);
}

#[test]
fn one_object_reads_whatever_it_holds() {
    let (b, d) = both("one", "a/");
    let folder = d.path("archive");
    let url = format!(
        "s3://{}/a/2026/11/28/00/firehose-1-2026-11-28-00-00-00-0a1b",
        b.name
    );
    let o = run_s3(&s3::endpoint(), &["-q", "-f", "json", &url]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let file = folder.join("2026/11/28/00/firehose-1-2026-11-28-00-00-00-0a1b");
    assert_eq!(o.stdout, local(&["-f", "json"], &[&file]));
    // Named, a README is read, and fails as JSON does; a zip says what it is.
    let o = run_s3(
        &s3::endpoint(),
        &["-q", &format!("s3://{}/a/README", b.name)],
    );
    common::fails_with(&o, 1, &["a/README", "byte 0"]);
    b.put("a/export.zip", b"PK\x03\x04\x14\x00\x00\x00");
    let o = run_s3(
        &s3::endpoint(),
        &["-q", &format!("s3://{}/a/export.zip", b.name)],
    );
    common::fails_with(&o, 1, &["a/export.zip is a zip file; only gzip is read"]);
    // An empty object is an input of no finding (and no GET is needed).
    b.put("a/empty.json", b"");
    let o = run_s3(
        &s3::endpoint(),
        &[
            "-q",
            "--columns",
            "Title",
            &format!("s3://{}/a/empty.json", b.name),
        ],
    );
    assert_eq!(common::ok(&o), "\"Title\"\n");
}

/// Each mistake is exit 1 and one line that names the input, before anything is written.
#[test]
fn missing_buckets_keys_prefixes_and_refusals_are_one_line() {
    let b = Bucket::new("errors");
    b.put("p/README", b"text");
    b.put("q/.hidden.json", &page());
    let d = TempDir::new("s3-errors");
    let out = d.path("r.csv");
    let missing_bucket = format!("s3://{}-gone/x/", b.name);
    let cases = [
        (
            missing_bucket.clone(),
            format!("{missing_bucket}: no such bucket"),
        ),
        (
            format!("s3://{}/nothing/", b.name),
            "nothing/: no object under this prefix".to_string(),
        ),
        (
            format!("s3://{}/p/missing.json", b.name),
            "p/missing.json: no such object, and no object under it as a prefix".to_string(),
        ),
        (
            format!("s3://{}/p/", b.name),
            "p/: no input file: 1 file(s) found below it, none holding JSON".to_string(),
        ),
        (
            format!("s3://{}/q/", b.name),
            "q/: no input file: nothing below it but names that start with".to_string(),
        ),
    ];
    for (url, says) in &cases {
        let o = run_s3(&s3::endpoint(), &["-q", "-o", out.to_str().unwrap(), url]);
        let e = common::fails_with(&o, 1, &[says]);
        assert_eq!(e.lines().count(), 1, "one line: {e}");
        assert!(!out.exists());
    }
    // Access denied, as S3 answers it.
    let deny = Intercept::start(Some(s3::endpoint()), |seen| {
        if seen.method == "GET" || seen.method == "HEAD" {
            Answer::Reply(
                403,
                "application/xml",
                s3::s3_error("AccessDenied", "Access Denied"),
            )
        } else {
            Answer::Forward
        }
    });
    for (url, says) in [
        (
            format!("s3://{}/p/", b.name),
            "access denied: listing a prefix needs s3:ListBucket",
        ),
        (
            format!("s3://{}/p/README", b.name),
            "access denied: reading an object needs s3:GetObject",
        ),
    ] {
        let o = run_s3(&deny.url, &["-q", &url]);
        let e = common::fails_with(&o, 1, &[says]);
        assert_eq!(e.lines().count(), 1, "{e}");
    }
}

#[test]
fn batch_mode_over_a_prefix_into_a_folder_and_into_s3() {
    let (b, d) = both("batch", "in/");
    let folder = d.path("archive");
    let reports = d.path("reports");
    let url = format!("s3://{}/in/", b.name);
    let o = run_s3(
        &s3::endpoint(),
        &["--output-dir", reports.to_str().unwrap(), &url],
    );
    let e = common::stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(e.contains("reports: 3 written, 0 failed"), "{e}");
    let names = [
        (
            "2026/11/28/00/firehose-1-2026-11-28-00-00-00-0a1b",
            "2026/11/28/00/firehose-1-2026-11-28-00-00-00-0a1b.csv",
        ),
        (
            "2026/11/28/01/firehose-1-2026-11-28-01-00-00-77c2",
            "2026/11/28/01/firehose-1-2026-11-28-01-00-00-77c2.csv",
        ),
        ("X.JSON", "X.csv"),
    ];
    for (input, report) in names {
        let got = std::fs::read(reports.join(report)).unwrap_or_else(|e| panic!("{report}: {e}"));
        assert_eq!(got, local(&[], &[&folder.join(input)]), "{report}");
    }
    assert!(!reports.join("README.csv").exists());

    // S3 in, S3 out: one upload per object, each with its status document.
    let out = format!("s3://{}/reports/", b.name);
    let o = run_s3(
        &s3::endpoint(),
        &[
            "-q",
            "--output-dir",
            &out,
            "--kms-key-arn",
            kms(),
            "--gzip",
            &url,
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let statuses: Vec<Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(statuses.len(), 3);
    assert!(statuses
        .iter()
        .all(|s| s["status"] == "SUCCEEDED" && s["destination"]["kmsKeyArn"] == kms()));
    for (input, report) in names {
        let key = format!("reports/{report}.gz");
        let got = b.get(&key);
        assert_eq!(got.status, 200, "{key}");
        assert_eq!(
            common::gunzip(&got.body),
            local(&[], &[&folder.join(input)]),
            "{key}"
        );
    }
    assert_eq!(b.uploads(), Vec::<String>::new());

    // One report of the whole prefix, S3 to S3.
    let o = run_s3(
        &s3::endpoint(),
        &[
            "-q",
            "-o",
            &format!("s3://{}/all.csv", b.name),
            "--kms-key-arn",
            kms(),
            &url,
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    assert_eq!(b.get("all.csv").body, local(&[], &[&folder]));
}

/// An object of many ranges streams through ranged GETs, each pinned to the listed ETag,
/// at memory that does not grow with the object: peak RSS at most 128 MiB with the
/// defaults for a 150 MB object (INSPECTOR_REPORT_TEST_S3_MB sets the size).
#[test]
fn a_large_object_streams_in_ranges_at_bounded_memory() {
    let mb: u64 = std::env::var("INSPECTOR_REPORT_TEST_S3_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let b = Bucket::new("large");
    let d = TempDir::new("s3-large");
    let data = common::generated(inspector_report_bench::Layout::Ndjson, 23, mb << 20);
    b.put("big/findings", &data);
    let local_copy = d.path("findings");
    std::fs::write(&local_copy, &data).unwrap();
    let size = data.len() as u64;
    drop(data);
    let log = Intercept::start(Some(s3::endpoint()), |_| Answer::Forward);
    let sj = d.path("summary.json");
    let report = d.path("report.csv");
    let columns = [
        "--columns",
        "Finding ARN,Severity,First Seen,Resource ID",
        "--all-statuses",
    ];
    let o = run_s3(
        &log.url,
        &[
            &columns[..],
            &[
                "-q",
                "-o",
                report.to_str().unwrap(),
                "--summary-json",
                sj.to_str().unwrap(),
            ],
            &[&format!("s3://{}/big/findings", b.name)],
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    assert!(std::fs::read(&report).unwrap() == local(&columns, &[&local_copy]));
    let gets: Vec<_> = log
        .seen()
        .into_iter()
        .filter(|s| s.method == "GET" && !s.target.contains("list-type"))
        .collect();
    let range = 8u64 << 20;
    assert_eq!(
        gets.len() as u64,
        size.div_ceil(range),
        "one GET per 8 MiB range"
    );
    for g in &gets {
        assert!(
            g.header("range").is_some_and(|r| r.starts_with("bytes=")),
            "{g:?}"
        );
        assert!(
            g.header("if-match").is_some(),
            "pinned to the listed ETag: {g:?}"
        );
    }
    let s = summary(&sj);
    assert_eq!(s["s3"]["bytesDownloaded"], size);
    let peak = s["peakRssBytes"].as_u64().expect("peak RSS on Linux");
    eprintln!(
        "{size} bytes in {} ranges; peak RSS {} MiB",
        gets.len(),
        peak >> 20
    );
    assert!(peak <= 128 << 20, "peak RSS {} MiB", peak >> 20);
}

/// The AWS options serve S3 inputs as they serve the destination; without S3 they are
/// mistakes, and so is a download concurrency of 0.
#[test]
fn aws_options_need_s3_somewhere() {
    let input = common::testdata("pass/rules.json");
    let o = common::run(&["--region", "eu-west-1", input.to_str().unwrap()]);
    common::fails_with(
        &o,
        2,
        &["--region is for an S3 destination (-o s3://BUCKET/PREFIX), an S3 input"],
    );
    let o = common::run(&["--download-concurrency", "0", input.to_str().unwrap()]);
    common::fails_with(&o, 2, &["--download-concurrency 0: give 1 to 64"]);
    let b = Bucket::new("region");
    b.put("x.json", &page());
    let o = run_s3(
        &s3::endpoint(),
        &[
            "-q",
            "--region",
            "us-east-1",
            "--download-concurrency",
            "1",
            &format!("s3://{}/x.json", b.name),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
}

/// Batch mode's keys follow the no-overwrite rule of exact keys; no report may be one of
/// the objects read (a shard written under the prefix it reads would be read back by
/// its rerun).
#[test]
fn s3_reports_keep_what_is_there_and_never_replace_an_input() {
    let (b, _d) = both("keep", "in/");
    let url = format!("s3://{}/in/", b.name);
    let out = format!("s3://{}/reports/", b.name);
    let batch = ["-q", "--output-dir", &out, "--kms-key-arn", kms(), &url];
    let o = run_s3(&s3::endpoint(), &batch);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let before = b.get("reports/X.csv").body;
    let o = run_s3(&s3::endpoint(), &batch);
    let e = common::fails_with(&o, 1, &["reports/X.csv already exists; it was kept"]);
    assert_eq!(e.matches("already exists; it was kept").count(), 3, "{e}");
    assert_eq!(b.get("reports/X.csv").body, before);
    assert_eq!(b.uploads(), Vec::<String>::new());
    let o = run_s3(&s3::endpoint(), &[&batch[..], &["--overwrite"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));

    // The exact key of an input (a report put there by an earlier run).
    let page = common::testdata("pass/layouts/page.json");
    let old = format!("{url}old.csv");
    let o = run_s3(
        &s3::endpoint(),
        &[
            "-q",
            "--kms-key-arn",
            kms(),
            "-o",
            &old,
            page.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let before = b.get("in/old.csv").body;
    let o = run_s3(
        &s3::endpoint(),
        &[
            "-q",
            "--kms-key-arn",
            kms(),
            "--overwrite",
            "-o",
            &format!("{url}old.csv"),
            &url,
        ],
    );
    common::fails_with(&o, 2, &["in/old.csv is one of the inputs"]);
    assert_eq!(b.get("in/old.csv").body, before);
    // A shard under the prefix it reads: the first run writes it, the rerun would read it.
    let shard = [
        "-q",
        "--kms-key-arn",
        kms(),
        "--shard",
        "1/1",
        "-o",
        &url,
        &url,
    ];
    let o = run_s3(&s3::endpoint(), &shard);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let o = run_s3(&s3::endpoint(), &shard);
    common::fails_with(&o, 2, &["in/shard-00001-of-00001.csv is one of the inputs"]);
}

/// `--dedupe` reads an S3 prefix twice, and `diff` takes S3 on either side, each giving
/// the report the same files give locally.
#[test]
fn dedupe_and_diff_read_s3_as_they_read_files() {
    let (b, d) = both("twice", "archive/");
    let folder = d.path("archive");
    let url = format!("s3://{}/archive/", b.name);
    for format in ["csv", "ndjson"] {
        let args = ["--dedupe", "--all-statuses", "-f", format];
        let sj = d.path(&format!("{format}.summary.json"));
        let o = run_s3(
            &s3::endpoint(),
            &[&args[..], &["--summary-json", sj.to_str().unwrap(), &url]].concat(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
        assert_eq!(o.stdout, local(&args, &[&folder]), "{format}");
        // The two NDJSON objects hold the same findings: one of each pair is left out.
        let s = summary(&sj);
        assert!(s["findings"]["duplicates"].as_u64().unwrap() > 0, "{s}");
        assert_eq!(s["skippedFiles"]["count"], 1, "{s}");
    }
    // OLD is the object beside the prefix, NEW the prefix; then the other way round.
    let old_local = d.path("archived.json");
    std::fs::write(&old_local, page()).unwrap();
    let old_url = format!("s3://{}/archived.json", b.name);
    let sides: [(&str, &str, &Path, &Path); 2] = [
        (&old_url, &url, &old_local, &folder),
        (&url, &old_url, &folder, &old_local),
    ];
    for (old, new, old_path, new_path) in sides {
        let o = s3::bin_with_test_credentials()
            .args(["diff", "--endpoint-url", &s3::endpoint(), "--as-of", AS_OF])
            .args(["-q", "--include-unchanged", old, new])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
        let want = common::bin()
            .args(["diff", "--as-of", AS_OF, "-q", "--include-unchanged"])
            .args([old_path, new_path])
            .output()
            .unwrap();
        assert_eq!(want.status.code(), Some(0), "{}", common::stderr(&want));
        assert!(!want.stdout.is_empty());
        assert_eq!(o.stdout, want.stdout, "diff {old} {new}");
    }
}
