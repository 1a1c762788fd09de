//! Helpers shared by the binary's integration tests.
#![allow(dead_code)]

pub mod s3;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

/// The report time every test fixes, so `Age (Days)` is stable.
pub const AS_OF: &str = "2025-06-10T00:00:00Z";

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_inspector-report"))
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn testdata(p: &str) -> PathBuf {
    root().join("testdata").join(p)
}

/// `testdata/expected/NAME`: a report the binary must write.
pub fn expected(name: &str) -> String {
    std::fs::read_to_string(testdata(&format!("expected/{name}"))).unwrap()
}

/// The names of the files in the fixture folder `dir`, sorted, without dot files (`.keep`
/// holds an empty folder in git and is no fixture). Fails when the folder is missing or
/// holds no fixture, so a corpus that went away cannot pass by replaying nothing.
#[track_caller]
pub fn corpus(dir: &Path) -> Vec<String> {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("fixture folder {} is missing: {e}", dir.display()));
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    assert!(
        !names.is_empty(),
        "fixture folder {} is empty",
        dir.display()
    );
    names
}

/// `../shared/samples/NAME` from the repository root, read at run time, never copied.
pub fn sample(name: &str) -> PathBuf {
    let p = root().join("../shared/samples").join(name);
    assert!(
        p.exists(),
        "sample {} is missing: CI and developers have ../shared beside the repo",
        p.display()
    );
    p
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run inspector-report")
}

/// Spawns `cmd` with stdin, stdout and stderr piped; the child and its stdin.
pub fn spawn_piped(cmd: &mut Command) -> (Child, ChildStdin) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn inspector-report");
    let stdin = child.stdin.take().unwrap();
    (child, stdin)
}

pub fn run_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let (child, mut sin) = spawn_piped(bin().args(args));
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = sin.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().unwrap();
    out
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 report")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
pub fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
    stdout(o)
}

/// Checks that the run succeeded and that its stderr holds each of `says`; returns stdout.
#[track_caller]
pub fn ok_with(o: &Output, says: &[&str]) -> String {
    let out = ok(o);
    let e = stderr(o);
    for s in says {
        assert!(e.contains(s), "stderr lacks {s:?}: {e}");
    }
    out
}

/// Checks that the run exited with `code` and that its stderr holds each of `says`;
/// returns stderr.
#[track_caller]
pub fn fails_with(o: &Output, code: i32, says: &[&str]) -> String {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stderr: {e}");
    for s in says {
        assert!(e.contains(s), "stderr lacks {s:?}: {e}");
    }
    e
}

/// The report of `input` with `-q` and `args`; the run must succeed.
#[track_caller]
pub fn report(args: &[&str], input: &Path) -> String {
    let o = bin()
        .arg("-q")
        .args(args)
        .arg(input)
        .output()
        .expect("run inspector-report");
    ok(&o)
}

/// The JSON report of `input` (`-q -f json` and `args`), parsed; the run must succeed.
#[track_caller]
pub fn json_report(args: &[&str], input: &Path) -> serde_json::Value {
    let o = bin()
        .args(["-q", "-f", "json"])
        .args(args)
        .arg(input)
        .output()
        .expect("run inspector-report");
    serde_json::from_str(&ok(&o)).expect("the JSON report parses")
}

/// The ACTIVE findings of a page or an EventBridge event, as the input holds them: what a
/// verbatim JSON report with the default status rule holds.
pub fn active_findings(input: &Path) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(input).unwrap()).unwrap();
    let mut findings = match v.get("findings") {
        Some(f) => f.as_array().unwrap().clone(),
        None => vec![v["detail"].clone()],
    };
    findings.retain(|f| f["status"] == "ACTIVE");
    findings
}

/// Parses a CSV report into its header and rows.
pub fn parse_csv(s: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(s.as_bytes());
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// The cell of `column` in `row`.
pub fn cell<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    let i = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    &row[i]
}

/// Checks the cell of each column in `row`, and names every cell that differs.
#[track_caller]
pub fn assert_cells(header: &[String], row: &[String], cells: &[(&str, &str)]) {
    let wrong: Vec<String> = cells
        .iter()
        .filter(|(column, want)| cell(header, row, column) != *want)
        .map(|(column, want)| {
            format!(
                "{column}: want {want:?}, got {:?}",
                cell(header, row, column)
            )
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        // The counter keeps the tests running at once apart, the time a reused process id.
        static MADE: AtomicU64 = AtomicU64::new(0);
        let d = std::env::temp_dir().join(format!(
            "ir-test-{tag}-{}-{}-{}",
            std::process::id(),
            MADE.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir(&d).unwrap();
        TempDir(d)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Every file name in the directory.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// About `bytes` of the benchmark generator's findings in `layout`, the same for a seed.
pub fn generated(layout: inspector_report_bench::Layout, seed: u64, bytes: u64) -> Vec<u8> {
    let mut v = Vec::new();
    inspector_report_bench::generate(layout, seed, bytes, &mut v).unwrap();
    v
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// `data` decompressed, every gzip member of it in turn.
pub fn gunzip(data: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(data)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The names of the inputs a JSON summary lists, in its order.
pub fn input_names(summary: &serde_json::Value) -> Vec<&str> {
    summary["inputs"]
        .as_array()
        .expect("the summary lists its inputs")
        .iter()
        .map(|i| i["name"].as_str().expect("each input has a name"))
        .collect()
}
