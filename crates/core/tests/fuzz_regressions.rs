//! Replays the fuzz corpora kept in the repository through the fuzz targets' invariants:
//! every crash a fuzzer found lives on in `fuzz/regressions/<target>/`, and the seeds in
//! `fuzz/seeds/<target>/` and the fixtures of `testdata/pass` and `testdata/fail` run too.
//!
//! Dot files (`.keep` holds an empty folder in git) are not corpus entries. A regressions
//! folder must exist but may hold no entry (no crash found for that target); every other
//! folder must hold at least one, so a corpus that moved away fails instead of replaying
//! nothing.

mod fuzz_invariants;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file below `dir`, in path order, passing over dot names (files and folders).
fn entries(dir: &Path) -> Vec<PathBuf> {
    assert!(dir.is_dir(), "corpus folder {} is missing", dir.display());
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.unwrap_or_else(|err| panic!("reading {}: {err}", dir.display())))
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// Runs `check` on every entry of the target's regressions and seeds and of `more`.
fn replay(target: &str, more: &[&str], check: fn(&[u8])) {
    let regressions = format!("fuzz/regressions/{target}");
    let seeds = format!("fuzz/seeds/{target}");
    let folders = [regressions.as_str(), seeds.as_str()]
        .into_iter()
        .chain(more.iter().copied());
    for folder in folders {
        let files = entries(&root().join(folder));
        assert!(
            !files.is_empty() || folder == regressions,
            "{target}: corpus folder {folder} holds no entry"
        );
        for f in &files {
            let data = std::fs::read(f).unwrap();
            let r = std::panic::catch_unwind(|| check(&data));
            assert!(r.is_ok(), "{target}: {} fails its invariant", f.display());
        }
        eprintln!("{target}: {folder}: {} entries replayed", files.len());
    }
}

/// The folders every target replays besides its own: the fixtures and the bad inputs.
const FIXTURES: &[&str] = &["testdata/pass", "testdata/fail"];

#[test]
fn scan_corpus() {
    replay("scan", FIXTURES, fuzz_invariants::check_scan);
}

#[test]
fn convert_corpus() {
    replay("convert", FIXTURES, fuzz_invariants::check_convert);
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

/// Each fuzz target has a test above and a regressions and a seeds folder, and no such
/// folder is left over from a target that is gone: a crash found by a new or renamed target
/// is replayed here too.
#[test]
fn every_fuzz_target_is_replayed() {
    let replayed = ["convert", "filter", "scan", "timestamp", "walk"];
    let stems = |dir: &str, ending: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(root().join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .map(|n| n.strip_suffix(ending).unwrap_or(&n).to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(stems("fuzz/fuzz_targets", ".rs"), replayed, "fuzz targets");
    assert_eq!(
        stems("fuzz/regressions", ""),
        replayed,
        "regression folders"
    );
    assert_eq!(stems("fuzz/seeds", ""), replayed, "seed folders");
}
