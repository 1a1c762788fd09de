//! `--shard K/N` and `compose`: N shards joined equal one run over all the inputs (CSV,
//! JSON, gzip after decompression), locally and in S3, where S3 copies the parts itself;
//! a missing shard makes compose fail and write nothing.

mod common;

use common::s3::{self, Answer, Bucket, Intercept};
use common::{TempDir, AS_OF};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

fn kms() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(s3::kms_key)
}

/// The report as read: gunzipped when it is gzip.
fn plain(b: &[u8]) -> Vec<u8> {
    if b.starts_with(&[0x1f, 0x8b]) {
        common::gunzip(b)
    } else {
        b.to_vec()
    }
}

/// A folder of inputs: the layouts fixtures (8 files of 3 findings) and a larger
/// generated file, so that shards differ in size.
fn inputs(d: &TempDir) -> PathBuf {
    let dir = d.path("in");
    std::fs::create_dir_all(&dir).unwrap();
    for name in common::corpus(&common::testdata("pass/layouts")) {
        std::fs::copy(
            common::testdata(&format!("pass/layouts/{name}")),
            dir.join(&name),
        )
        .unwrap();
    }
    let big = common::generated(inspector_report_bench::Layout::Cli, 3, 200_000);
    std::fs::write(dir.join("m-generated.json"), big).unwrap();
    dir
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().unwrap()
}

#[track_caller]
fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(o));
}

/// One run over `input` with `args`, to a file named `name`: its bytes.
fn single(d: &TempDir, args: &[&str], input: &Path, name: &str) -> Vec<u8> {
    let out = d.path(name);
    ok(&run(common::bin()
        .args(["-q", "--as-of", AS_OF, "-o"])
        .arg(&out)
        .args(args)
        .arg(input)));
    std::fs::read(out).unwrap()
}

const FORMATS: [(&[&str], &str); 4] = [
    (&[], "csv"),
    (&["-f", "json"], "json"),
    (&["--gzip"], "csv.gz"),
    (&["-f", "json", "--gzip"], "json.gz"),
];

#[test]
fn local_shards_compose_into_one_run() {
    let d = TempDir::new("shards-local");
    let dir = inputs(&d);
    for (args, ext) in FORMATS {
        let want = single(&d, args, &dir, &format!("one.{ext}"));
        let shards = d.path(&format!("shards-{}", ext.replace('.', "-")));
        for k in 1..=3 {
            ok(&run(common::bin()
                .args(["-q", "--as-of", AS_OF, "--shard", &format!("{k}/3"), "-o"])
                .arg(format!("{}/", shards.display()))
                .args(args)
                .arg(&dir)));
        }
        let mut files: Vec<PathBuf> = (1..=3)
            .map(|k| shards.join(format!("shard-{k:05}-of-00003.{ext}")))
            .collect();
        assert!(files.iter().all(|f| f.exists()), "{files:?}");
        let whole = d.path(&format!("whole.{ext}"));
        ok(&run(common::bin()
            .args(["compose", "-q", "-o"])
            .arg(&whole)
            .args(&files)));
        let got = std::fs::read(&whole).unwrap();
        assert_eq!(plain(&got), plain(&want), "{ext}");
        // The folder as the source, and standard output as the destination.
        let o = run(common::bin()
            .args(["compose", "-q", "-o", "-"])
            .arg(&shards));
        ok(&o);
        assert_eq!(plain(&o.stdout), plain(&want), "{ext} from the folder");
        // A shard given an exact name keeps it, and composes alone.
        let exact = d.path(&format!("exact.{ext}"));
        ok(&run(common::bin()
            .args(["-q", "--as-of", AS_OF, "--shard", "1/1", "-o"])
            .arg(&exact)
            .args(args)
            .arg(&dir)));
        let o = run(common::bin().args(["compose", "-q", "-o", "-"]).arg(&exact));
        ok(&o);
        assert_eq!(plain(&o.stdout), plain(&want), "{ext} from one exact shard");
        // Out of order, the files are refused.
        files.swap(0, 1);
        let o = run(common::bin()
            .args(["compose", "-o"])
            .arg(d.path("x"))
            .args(&files));
        common::fails_with(&o, 2, &["give the shard files in shard order"]);
    }
}

/// More shards than inputs, and a filter that leaves the first ones without a finding:
/// empty shards still compose, and a JSON shard's leading `,` goes only where a finding
/// came before.
#[test]
fn empty_shards_compose_and_the_index_comes_from_the_environment() {
    let d = TempDir::new("shards-empty");
    let dir = inputs(&d);
    for (args, ext) in FORMATS {
        let mut args = args.to_vec();
        args.extend(["--severity", "CRITICAL"]);
        let want = single(&d, &args, &dir, &format!("one.{ext}"));
        let shards = d.path(&format!("empty-{}", ext.replace('.', "-")));
        for index in 0..12 {
            // AWS Batch array jobs on even indexes, Kubernetes Indexed Jobs on odd ones.
            let variable = if index % 2 == 0 {
                "AWS_BATCH_JOB_ARRAY_INDEX"
            } else {
                "JOB_COMPLETION_INDEX"
            };
            ok(&run(common::bin()
                .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
                .env_remove("JOB_COMPLETION_INDEX")
                .env(variable, index.to_string())
                .args(["-q", "--as-of", AS_OF, "--shard", "12", "-o"])
                .arg(format!("{}/", shards.display()))
                .args(&args)
                .arg(&dir)));
        }
        let sizes: Vec<u64> = (1..=12)
            .map(|k| {
                let p = shards.join(format!("shard-{k:05}-of-00012.{ext}"));
                std::fs::metadata(p).unwrap().len()
            })
            .collect();
        assert!(sizes.contains(&0), "some shards are empty: {sizes:?}");
        let o = run(common::bin()
            .args(["compose", "-q", "-o", "-"])
            .arg(&shards));
        ok(&o);
        assert_eq!(plain(&o.stdout), plain(&want), "{ext}");
    }
}

/// Shards in S3 with no finding are uploaded all the same (a piece of a report is not a
/// report of no finding), and compose in S3 joins them.
#[test]
fn empty_s3_shards_are_uploaded_and_compose() {
    let d = TempDir::new("shards-s3-empty");
    let dir = inputs(&d);
    let b = Bucket::new("empty-shards");
    for (args, ext) in [FORMATS[1], FORMATS[2]] {
        let mut args = args.to_vec();
        args.extend(["--severity", "CRITICAL"]);
        let want = single(&d, &args, &dir, &format!("one.{ext}"));
        let prefix = format!("s/{}/", ext.replace('.', "-"));
        for k in 1..=12 {
            ok(&run(s3_bin(&s3::endpoint())
                .args(["--as-of", AS_OF, "--kms-key-arn", kms()])
                .args(["--shard", &format!("{k}/12")])
                .args(["-o", &format!("s3://{}/{prefix}", b.name)])
                .args(&args)
                .arg(&dir)));
        }
        let sizes: Vec<usize> = (1..=12)
            .map(|k| {
                let r = b.get(&format!("{prefix}shard-{k:05}-of-00012.{ext}"));
                assert_eq!(r.status, 200, "shard {k}");
                r.body.len()
            })
            .collect();
        assert!(sizes.contains(&0), "some shards are empty: {sizes:?}");
        let key = format!("whole/{ext}.{ext}");
        ok(&run(compose(&s3::endpoint())
            .args(["--kms-key-arn", kms(), "-o"])
            .arg(format!("s3://{}/{key}", b.name))
            .arg(format!("s3://{}/{prefix}", b.name))));
        assert_eq!(plain(&b.get(&key).body), plain(&want), "{ext}");
    }
}

#[test]
fn a_missing_or_foreign_shard_fails_and_writes_nothing() {
    let d = TempDir::new("shards-missing");
    let dir = inputs(&d);
    let shards = d.path("s");
    for k in 1..=3 {
        ok(&run(common::bin()
            .args(["-q", "--as-of", AS_OF, "--shard", &format!("{k}/3"), "-o"])
            .arg(format!("{}/", shards.display()))
            .arg(&dir)));
    }
    let out = d.path("r.csv");
    std::fs::remove_file(shards.join("shard-00002-of-00003.csv")).unwrap();
    let o = run(common::bin().args(["compose", "-o"]).arg(&out).arg(&shards));
    common::fails_with(&o, 1, &["shard(s) 2 of 3 missing; nothing was written"]);
    assert!(!out.exists());
    // Shard 2 made with other columns.
    ok(&run(common::bin()
        .args([
            "-q",
            "--as-of",
            AS_OF,
            "--shard",
            "2/3",
            "--columns",
            "Severity",
            "-o",
        ])
        .arg(format!("{}/", shards.display()))
        .arg(&dir)));
    let o = run(common::bin().args(["compose", "-o"]).arg(&out).arg(&shards));
    common::fails_with(&o, 1, &["were made with different options"]);
    assert!(!out.exists());
    // A shard cut short after it was written.
    ok(&run(common::bin()
        .args(["-q", "--as-of", AS_OF, "--shard", "2/3", "-o"])
        .arg(format!("{}/", shards.display()))
        .arg(&dir)));
    let f = shards.join("shard-00003-of-00003.csv");
    let bytes = std::fs::read(&f).unwrap();
    std::fs::write(&f, &bytes[..bytes.len() / 2]).unwrap();
    let o = run(common::bin().args(["compose", "-o"]).arg(&out).arg(&shards));
    common::fails_with(
        &o,
        1,
        &["incomplete or from another run; rerun shard 3 of 3"],
    );
    assert!(!out.exists());
    // The name of the report must agree with the shards.
    std::fs::write(&f, &bytes).unwrap();
    let o = run(common::bin()
        .args(["compose", "-o"])
        .arg(d.path("r.json"))
        .arg(&shards));
    common::fails_with(&o, 2, &["name it *.csv"]);
    // And a shard needs somewhere to go.
    let o = run(common::bin().args(["--shard", "1/2"]).arg(&dir));
    common::fails_with(&o, 2, &["--shard writes a piece of a report"]);
    // A folder that cannot be made is said before anything is read.
    let o = run(common::bin()
        .args(["--shard", "1/2", "-o"])
        .arg(format!("{}/sub/", f.display()))
        .arg(&dir));
    common::fails_with(&o, 2, &["-o ", "is not a folder"]);
}

/// The binary, reaching `endpoint`, quiet.
fn s3_bin(endpoint: &str) -> Command {
    let mut c = s3::bin_for(endpoint);
    c.args(["-q"]);
    c
}

/// `compose`, reaching `endpoint`, quiet.
fn compose(endpoint: &str) -> Command {
    let mut c = s3::compose_for(endpoint);
    c.args(["-q"]);
    c
}

/// Shards of a prefix of S3 inputs, written to an S3 prefix; compose in S3 copies them
/// with UploadPartCopy (the requests the server received say so), into an object equal
/// to one run; a missing shard fails it with nothing left in the bucket.
#[test]
fn s3_shards_compose_by_copying_parts() {
    let d = TempDir::new("shards-s3");
    let dir = inputs(&d);
    let b = Bucket::new("shards");
    for name in common::corpus(&dir) {
        b.put(
            &format!("in/{name}"),
            &std::fs::read(dir.join(&name)).unwrap(),
        );
    }
    let input = format!("s3://{}/in/", b.name);
    for (args, ext) in FORMATS {
        let want = single(&d, args, &dir, &format!("one.{ext}"));
        let prefix = format!("shards/{}/", ext.replace('.', "-"));
        for k in 1..=3 {
            let o = run(s3_bin(&s3::endpoint())
                .args([
                    "--as-of",
                    AS_OF,
                    "--kms-key-arn",
                    kms(),
                    "--shard",
                    &format!("{k}/3"),
                ])
                .args(["-o", &format!("s3://{}/{prefix}", b.name)])
                .args(args)
                .arg(&input));
            ok(&o);
            let key = format!("{prefix}shard-{k:05}-of-00003.{ext}");
            let head = b.head(&key);
            assert_eq!(head.status, 200, "{key}");
            assert_eq!(
                head.header("x-amz-meta-inspector-report-shard"),
                Some(format!("{k}/3").as_str())
            );
        }
        // A rerun replaces its own shard.
        ok(&run(s3_bin(&s3::endpoint())
            .args(["--as-of", AS_OF, "--kms-key-arn", kms(), "--shard", "2/3"])
            .args(["-o", &format!("s3://{}/{prefix}", b.name)])
            .args(args)
            .arg(&input)));
        let log = Intercept::start(Some(s3::endpoint()), |_| Answer::Forward);
        let key = format!("reports/whole.{ext}");
        let o = run(compose(&log.url)
            .args(["--kms-key-arn", kms(), "-o"])
            .arg(format!("s3://{}/{key}", b.name))
            .arg(format!("s3://{}/{prefix}", b.name)));
        ok(&o);
        let status: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(status["status"], "SUCCEEDED", "{status}");
        assert_eq!(status["destination"]["kmsKeyArn"], kms());
        assert_eq!(plain(&b.get(&key).body), plain(&want), "{ext}");
        let seen = log.seen();
        let copies = seen.iter().filter(|s| s.is_copy_part()).count();
        let uploads = seen
            .iter()
            .filter(|s| s.is_upload_part() && !s.is_copy_part())
            .count();
        assert_eq!(copies, 3, "each shard copied by S3: {seen:?}");
        assert_eq!(uploads, 0, "no byte uploaded: {seen:?}");
        assert!(
            seen.iter()
                .all(|s| !(s.method == "GET" && s.target.contains("shard-"))),
            "no shard downloaded"
        );
        // S3 shards into a local report: the same bytes.
        let local = d.path(&format!("from-s3.{ext}"));
        ok(&run(compose(&s3::endpoint())
            .args(["-o"])
            .arg(&local)
            .arg(format!("s3://{}/{prefix}", b.name))));
        assert_eq!(std::fs::read(&local).unwrap(), b.get(&key).body);
        // An exact key is not replaced without --overwrite.
        let o = run(compose(&s3::endpoint())
            .args(["--kms-key-arn", kms(), "-o"])
            .arg(format!("s3://{}/{key}", b.name))
            .arg(format!("s3://{}/{prefix}", b.name)));
        common::fails_with(&o, 1, &["already exists; it was kept"]);
    }
    // A shard replaced under compose's feet: the copy fails, and the upload is aborted.
    let changed = Intercept::start(Some(s3::endpoint()), |seen| {
        if seen.is_copy_part() {
            Answer::Reply(
                412,
                "application/xml",
                s3::s3_error(
                    "PreconditionFailed",
                    "At least one of the preconditions failed",
                ),
            )
        } else {
            Answer::Forward
        }
    });
    let o = run(compose(&changed.url)
        .args(["--kms-key-arn", kms(), "-o"])
        .arg(format!("s3://{}/changed/", b.name))
        .arg(format!("s3://{}/shards/csv/", b.name)));
    let e = common::fails_with(&o, 1, &["copying part"]);
    let status: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(status["status"], "FAILED", "{e}");
    assert!(b.keys().iter().all(|k| !k.starts_with("changed/")));
    assert_eq!(b.uploads(), Vec::<String>::new());
    // A missing shard: compose fails, and leaves no object and no upload.
    b.delete("shards/csv/shard-00003-of-00003.csv");
    let o = run(compose(&s3::endpoint())
        .args(["--kms-key-arn", kms(), "-o"])
        .arg(format!("s3://{}/missing/", b.name))
        .arg(format!("s3://{}/shards/csv/", b.name)));
    common::fails_with(&o, 1, &["shard(s) 3 of 3 missing; nothing was written"]);
    assert!(b.keys().iter().all(|k| !k.starts_with("missing/")));
    assert_eq!(b.uploads(), Vec::<String>::new());
}

/// Small shards between large ones are downloaded and uploaded with their neighbours'
/// first bytes, so that every part but the last has S3's minimum; local shards go into S3
/// as an upload.
#[test]
fn small_shards_are_uploaded_with_their_neighbours() {
    let d = TempDir::new("shards-small");
    let b = Bucket::new("small");
    let dir = d.path("in");
    std::fs::create_dir_all(&dir).unwrap();
    // Large, small, large: the middle shard is a few hundred bytes.
    let big = common::generated(inspector_report_bench::Layout::Cli, 5, 60_000);
    std::fs::write(dir.join("a.json"), &big).unwrap();
    std::fs::copy(
        common::testdata("pass/layouts/page.json"),
        dir.join("b.json"),
    )
    .unwrap();
    std::fs::write(dir.join("c.json"), &big).unwrap();
    let want = single(&d, &["-f", "json"], &dir, "one.json");
    let shards = d.path("s");
    for k in 1..=3 {
        ok(&run(common::bin()
            .args([
                "-q",
                "--as-of",
                AS_OF,
                "-f",
                "json",
                "--shard",
                &format!("{k}/3"),
                "-o",
            ])
            .arg(format!("{}/", shards.display()))
            .arg(&dir)));
        let name = format!("shard-{k:05}-of-00003.json");
        b.put(
            &format!("s/{name}"),
            &std::fs::read(shards.join(&name)).unwrap(),
        );
    }
    let sizes: Vec<u64> = (1..=3)
        .map(|k| {
            std::fs::metadata(shards.join(format!("shard-{k:05}-of-00003.json")))
                .unwrap()
                .len()
        })
        .collect();
    assert!(
        sizes[1] < 8192 && sizes[0] > 8192 && sizes[2] > 8192,
        "{sizes:?}"
    );
    // Objects put by hand carry no shard metadata: compose says so.
    let o = run(compose(&s3::endpoint())
        .args(["-o", "-"])
        .arg(format!("s3://{}/s/", b.name)));
    common::fails_with(&o, 1, &["carries no shard metadata"]);
    // Written by the tool, with a part minimum above the small shard's size.
    let files: Vec<PathBuf> = (1..=3)
        .map(|k| shards.join(format!("shard-{k:05}-of-00003.json")))
        .collect();
    ok(&run(compose(&s3::endpoint())
        .args(["--kms-key-arn", kms(), "-o"])
        .arg(format!("s3://{}/local-in/whole.json", b.name))
        .args(&files)));
    assert_eq!(b.get("local-in/whole.json").body, want);
    for k in 1..=3 {
        ok(&run(s3_bin(&s3::endpoint())
            .args([
                "--as-of",
                AS_OF,
                "-f",
                "json",
                "--kms-key-arn",
                kms(),
                "--shard",
                &format!("{k}/3"),
            ])
            .args(["-o", &format!("s3://{}/t/", b.name)])
            .arg(&dir)));
    }
    let log = Intercept::start(Some(s3::endpoint()), |_| Answer::Forward);
    ok(&run(compose(&log.url)
        .env("INSPECTOR_REPORT_MIN_PART_SIZE", "8192")
        .args(["--kms-key-arn", kms(), "-o"])
        .arg(format!("s3://{}/whole.json", b.name))
        .arg(format!("s3://{}/t/", b.name))));
    assert_eq!(b.get("whole.json").body, want);
    let seen = log.seen();
    let copies = seen.iter().filter(|s| s.is_copy_part()).count();
    let uploads: Vec<_> = seen
        .iter()
        .filter(|s| s.is_upload_part() && !s.is_copy_part())
        .collect();
    assert_eq!((copies, uploads.len()), (2, 1), "{seen:?}");
    // The SDK may frame a body with its checksum (aws-chunked): the data's own length.
    let data_len = uploads[0]
        .header("x-amz-decoded-content-length")
        .map_or(uploads[0].body_len, |n| n.parse().unwrap());
    assert_eq!(
        data_len, 8192,
        "the small shard and the next one's first bytes"
    );
}

/// Shard files are written as reports are: private (0600 in a folder made 0700), their
/// metadata too, and never through a link. `--bom` goes in shard 1 only, so the shards
/// still compose into one `--bom` run.
#[test]
fn local_shards_are_private_and_the_bom_is_in_the_first() {
    use std::os::unix::fs::PermissionsExt;
    let d = TempDir::new("shards-safe");
    let dir = inputs(&d);
    for (args, ext) in [FORMATS[0], FORMATS[2]] {
        let mut args = args.to_vec();
        args.push("--bom");
        let want = single(&d, &args, &dir, &format!("one.{ext}"));
        assert!(plain(&want).starts_with(b"\xef\xbb\xbf"), "{ext}");
        let shards = d.path(&format!("bom-{}", ext.replace('.', "-")));
        for k in 1..=3 {
            ok(&run(common::bin()
                .args(["-q", "--as-of", AS_OF, "--shard", &format!("{k}/3"), "-o"])
                .arg(format!("{}/", shards.display()))
                .args(&args)
                .arg(&dir)));
        }
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&shards), 0o700, "the folder a shard makes");
        for k in 1..=3 {
            let f = shards.join(format!("shard-{k:05}-of-00003.{ext}"));
            assert_eq!(mode(&f), 0o600, "{f:?}");
            let meta = shards.join(format!(".shard-{k:05}-of-00003.{ext}.shard.json"));
            assert_eq!(mode(&meta), 0o600, "{meta:?}");
            let bom = plain(&std::fs::read(&f).unwrap()).starts_with(b"\xef\xbb\xbf");
            assert_eq!(bom, k == 1, "shard {k} of {ext}");
        }
        let sj = d.path(&format!("compose-{ext}.json"));
        let o = run(common::bin()
            .args(["compose", "-q", "-o", "-", "--summary-json"])
            .arg(&sj)
            .arg(&shards));
        ok(&o);
        assert_eq!(plain(&o.stdout), plain(&want), "{ext} with --bom");
        assert_eq!(mode(&sj), 0o600);
        // Shards without the mark are another job's.
        ok(&run(common::bin()
            .args(["-q", "--as-of", AS_OF, "--shard", "2/3", "-o"])
            .arg(format!("{}/", shards.display()))
            .args(&args[..args.len() - 1])
            .arg(&dir)));
        let o = run(common::bin().args(["compose", "-o", "-"]).arg(&shards));
        common::fails_with(&o, 1, &["were made with different options"]);
    }
    // A link where the shard goes is refused before anything is read, and compose
    // refuses one at -o; neither writes through it.
    let shards = d.path("linked");
    std::fs::create_dir_all(&shards).unwrap();
    let victim = d.path("victim.csv");
    std::fs::write(&victim, "keep").unwrap();
    let name = shards.join("shard-00001-of-00001.csv");
    std::os::unix::fs::symlink(&victim, &name).unwrap();
    let o = run(common::bin()
        .args(["-q", "--as-of", AS_OF, "--shard", "1/1", "-o"])
        .arg(format!("{}/", shards.display()))
        .arg(&dir));
    common::fails_with(&o, 2, &["is a symbolic link"]);
    let o = run(common::bin()
        .args(["compose", "-o"])
        .arg(&name)
        .arg(d.path("bom-csv")));
    common::fails_with(&o, 2, &["is a symbolic link"]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    // Nor is a shard composed over itself.
    ok(&run(common::bin()
        .args(["-q", "--as-of", AS_OF, "--bom", "--shard", "2/3", "-o"])
        .arg(format!("{}/", d.path("bom-csv").display()))
        .arg(&dir)));
    let first = d.path("bom-csv").join("shard-00001-of-00003.csv");
    let o = run(common::bin()
        .args(["compose", "-o"])
        .arg(&first)
        .arg(d.path("bom-csv")));
    common::fails_with(&o, 2, &["is the same file as the input"]);
}
