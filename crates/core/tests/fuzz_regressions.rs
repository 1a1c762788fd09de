//! Replays the fuzz corpora kept in the repository through the fuzz targets' invariants:
//! every crash a fuzzer found lives on in `fuzz/regressions/<target>/`, and the seeds in
//! `fuzz/seeds/<target>/` and `testdata/` run too.

mod fuzz_invariants;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                v.extend(files(&p));
            } else {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

fn replay(target: &str, extra: &[&str], check: fn(&[u8])) {
    let mut dirs = vec![
        root().join("fuzz/regressions").join(target),
        root().join("fuzz/seeds").join(target),
    ];
    dirs.extend(extra.iter().map(|d| root().join(d)));
    let mut n = 0;
    for d in dirs {
        for f in files(&d) {
            let data = std::fs::read(&f).unwrap();
            let r = std::panic::catch_unwind(|| check(&data));
            assert!(r.is_ok(), "{target}: {} fails its invariant", f.display());
            n += 1;
        }
    }
    assert!(n > 0, "{target}: no corpus found");
}

#[test]
fn scan_corpus() {
    replay("scan", &["testdata/pass"], fuzz_invariants::check_scan);
}

#[test]
fn convert_corpus() {
    replay(
        "convert",
        &["testdata/pass"],
        fuzz_invariants::check_convert,
    );
}

#[test]
fn timestamp_corpus() {
    replay("timestamp", &[], fuzz_invariants::check_timestamp);
}

#[test]
fn filter_corpus() {
    replay("filter", &[], fuzz_invariants::check_filter);
}

#[test]
fn walk_corpus() {
    replay(
        "walk",
        &["testdata/pass", "testdata/fail", "fuzz/seeds/convert"],
        fuzz_invariants::check_walk,
    );
}
