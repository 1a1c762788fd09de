//! Directories by content (spec 1, "Directories"): every regular file below, in byte order
//! of the relative paths; dot names and links passed over; the content decides, and what
//! is skipped is counted in the summary; a directory that yields nothing is bad input.
//! And the archives that are not read say what they are.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

/// A `rules.json`-style page of findings, as bytes.
fn page() -> Vec<u8> {
    std::fs::read(testdata("pass/layouts/page.json")).unwrap()
}

/// An archive folder as people keep one: a Firehose object with no extension (gzip
/// NDJSON), an upper-case `.JSON`, a README, a dot file, a `.git/` folder with JSON in it,
/// a link to a file, a link loop and a CSV.
fn archive(d: &TempDir) -> std::path::PathBuf {
    let root = d.path("archive");
    let firehose = root.join("2026/11/28/00");
    std::fs::create_dir_all(&firehose).unwrap();
    let ndjson = {
        let v: Value = serde_json::from_slice(&page()).unwrap();
        let mut out = Vec::new();
        for f in v["findings"].as_array().unwrap() {
            out.extend(serde_json::to_vec(f).unwrap());
            out.push(b'\n');
        }
        out
    };
    std::fs::write(
        firehose.join("firehose-1-2026-11-28-00-00-00-0a1b"),
        gzip(&ndjson),
    )
    .unwrap();
    std::fs::write(root.join("X.JSON"), page()).unwrap();
    std::fs::write(root.join("README"), "Findings archive; see the wiki.\n").unwrap();
    std::fs::write(root.join("export.csv"), "a,b\n1,2\n").unwrap();
    std::fs::write(root.join(".hidden.json"), page()).unwrap();
    std::fs::create_dir_all(root.join(".git/objects")).unwrap();
    std::fs::write(root.join(".git/objects/page.json"), page()).unwrap();
    std::os::unix::fs::symlink(root.join("X.JSON"), root.join("link.json")).unwrap();
    std::os::unix::fs::symlink(&root, root.join("2026/loop")).unwrap();
    root
}

fn summary(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn a_directory_is_read_by_content_in_path_order() {
    let d = TempDir::new("by-content");
    let root = archive(&d);
    let sj = d.path("summary.json");
    let o = bin()
        .args(["--as-of", AS_OF, "--summary-json"])
        .arg(&sj)
        .arg(&root)
        .output()
        .unwrap();
    let out = ok_with(
        &o,
        &[
            "skipped, not JSON: 2 (first: ",
            "README",
            "export.csv",
            "inputs: 2 (",
        ],
    );
    // The firehose object (2026/...) sorts before X.JSON; both hold the page's findings.
    let one = report(&["--as-of", AS_OF], &testdata("pass/layouts/page.json"));
    let (header, rows) = parse_csv(&one);
    let (got_header, got) = parse_csv(&out);
    assert_eq!(got_header, header);
    assert_eq!(got.len(), rows.len() * 2);
    assert_eq!(&got[..rows.len()], &rows[..]);
    assert_eq!(&got[rows.len()..], &rows[..]);
    let s = summary(&sj);
    let names = common::input_names(&s);
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[0].ends_with("archive/2026/11/28/00/firehose-1-2026-11-28-00-00-00-0a1b"));
    assert!(names[1].ends_with("archive/X.JSON"));
    assert_eq!(s["skippedFiles"]["count"], 2);
    let examples: Vec<&str> = s["skippedFiles"]["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert_eq!(examples.len(), 2);
    assert!(examples[0].ends_with("archive/README"), "{examples:?}");
    assert!(examples[1].ends_with("archive/export.csv"), "{examples:?}");
}

#[test]
fn the_summary_keeps_five_examples_of_many_skipped_files() {
    let d = TempDir::new("many-skipped");
    let root = d.path("in");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("a.json"), page()).unwrap();
    for i in 0..7 {
        std::fs::write(root.join(format!("note-{i}.txt")), "text").unwrap();
    }
    let sj = d.path("s.json");
    let o = bin()
        .args(["-q", "-o", "/dev/null", "--summary-json"])
        .arg(&sj)
        .arg(&root)
        .output()
        .unwrap();
    ok(&o);
    let s = summary(&sj);
    assert_eq!(s["skippedFiles"]["count"], 7);
    assert_eq!(s["skippedFiles"]["examples"].as_array().unwrap().len(), 5);
    assert!(s["skippedFiles"]["examples"][4]
        .as_str()
        .unwrap()
        .ends_with("note-4.txt"));
}

#[test]
fn a_directory_that_yields_no_input_is_bad_input() {
    let d = TempDir::new("no-input");
    // Only things passed over: a dot file, a dot folder, a link.
    let quiet = d.path("quiet");
    std::fs::create_dir_all(quiet.join(".git")).unwrap();
    std::fs::write(quiet.join(".hidden.json"), page()).unwrap();
    std::fs::write(d.path("real.json"), page()).unwrap();
    std::os::unix::fs::symlink(d.path("real.json"), quiet.join("link.json")).unwrap();
    let out = d.path("r.csv");
    let o = run(&["-o", out.to_str().unwrap(), quiet.to_str().unwrap()]);
    fails_with(&o, 1, &["quiet: no input file"]);
    assert!(!out.exists());
    // Only files skipped for their content.
    let texts = d.path("texts");
    std::fs::create_dir_all(&texts).unwrap();
    std::fs::write(texts.join("README.md"), "# notes").unwrap();
    std::fs::write(texts.join("data.zip"), b"PK\x03\x04zipped").unwrap();
    let o = run(&[
        "-o",
        out.to_str().unwrap(),
        d.path("real.json").to_str().unwrap(),
        texts.to_str().unwrap(),
    ]);
    fails_with(
        &o,
        1,
        &["texts: no input file: 2 file(s) found below it, none holding JSON"],
    );
    assert!(!out.exists());
}

#[test]
fn batch_mode_follows_the_same_rule() {
    let d = TempDir::new("batch-content");
    let root = archive(&d);
    let reports = d.path("reports");
    let sj = d.path("s.json");
    let o = bin()
        .args(["--as-of", AS_OF, "--output-dir"])
        .arg(&reports)
        .arg("--summary-json")
        .arg(&sj)
        .arg(&root)
        .output()
        .unwrap();
    ok_with(
        &o,
        &["reports: 2 written, 0 failed", "skipped, not JSON: 2"],
    );
    let mut written: Vec<String> = Vec::new();
    let mut stack = vec![reports.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                written.push(p.strip_prefix(&reports).unwrap().display().to_string());
            }
        }
    }
    written.sort();
    assert_eq!(
        written,
        vec![
            "2026/11/28/00/firehose-1-2026-11-28-00-00-00-0a1b.csv",
            "X.csv"
        ]
    );
    let s = summary(&sj);
    assert_eq!(s["skippedFiles"]["count"], 2);
    assert_eq!(s["outputs"].as_array().unwrap().len(), 2);

    // A folder of nothing but text fails, naming the folder; the other input is written.
    let texts = d.path("texts");
    std::fs::create_dir_all(&texts).unwrap();
    std::fs::write(texts.join("README"), "text").unwrap();
    std::fs::write(d.path("one.json"), page()).unwrap();
    let o = run(&[
        "--output-dir",
        d.path("r2").to_str().unwrap(),
        d.path("one.json").to_str().unwrap(),
        texts.to_str().unwrap(),
    ]);
    fails_with(
        &o,
        1,
        &["reports: 1 written, 1 failed", "texts: no input file"],
    );
    assert!(d.path("r2/one.csv").exists());
    assert!(!d.path("r2/README.csv").exists());
}

#[test]
fn archives_that_are_not_read_say_what_they_are() {
    let d = TempDir::new("archives");
    let mut tar = vec![0u8; 1024];
    tar[..9].copy_from_slice(b"page.json");
    tar[257..262].copy_from_slice(b"ustar");
    for (name, bytes, what) in [
        (
            "f.zip",
            b"PK\x03\x04\x14\x00\x00\x00".to_vec(),
            "is a zip file; only gzip is read",
        ),
        (
            "f.json.bz2",
            b"BZh91AY&SY".to_vec(),
            "is a bzip2 file; only gzip is read",
        ),
        (
            "f.json.xz",
            b"\xFD7zXZ\x00\x00\x04".to_vec(),
            "is an xz file; only gzip is read",
        ),
        (
            "f.json.zst",
            b"\x28\xB5\x2F\xFD\x24\x00".to_vec(),
            "is a zstd file; only gzip is read",
        ),
        (
            "f.tar.gz",
            gzip(&tar),
            "is a tar archive inside gzip; only gzip is read",
        ),
    ] {
        let p = d.path(name);
        std::fs::write(&p, &bytes).unwrap();
        let o = run(&[p.to_str().unwrap()]);
        let e = fails_with(&o, 1, &[&format!("{name} {what}")]);
        assert!(!e.contains("JSON"), "{e}");
        // On standard input too.
        let o = run_stdin(&[], &bytes);
        fails_with(&o, 1, &[&format!("- {what}")]);
    }
}
