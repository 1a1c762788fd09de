//! Output handling, exit codes and determinism through the real binary.

mod common;
use common::*;
use inspector_report_bench::Layout;
use std::io::Read;
use std::path::Path;
use std::process::Stdio;

#[test]
fn broken_pipe_is_success() {
    let d = TempDir::new("pipe");
    let p = d.path("big.json");
    std::fs::write(&p, generated(Layout::Cli, 42, 30_000_000)).unwrap();
    let mut child = bin()
        .arg(&p)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 100];
    out.read_exact(&mut first).unwrap();
    drop(out); // as `| head -c 100` does
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert!(!stderr(&o).contains("error"), "{}", stderr(&o));
}

/// Converts `testdata/pass/layouts/page.json` into `out` (a file, a FIFO or a link); the run
/// must succeed.
fn write_page_report(out: &Path) {
    let args = ["--as-of", AS_OF, "-o", out.to_str().unwrap()];
    report(&args, &testdata("pass/layouts/page.json"));
}

#[test]
fn output_file_is_replaced_atomically() {
    let d = TempDir::new("atomic");
    let out = d.path("report.csv");
    std::fs::write(&out, "old report").unwrap();
    write_page_report(&out);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        expected("layouts.csv")
    );
    assert_eq!(d.names(), vec!["report.csv"], "no temporary file left");
    // A failed run leaves the old file as it was.
    let bad = d.path("bad.json");
    std::fs::write(&bad, "[{\"a\":1},").unwrap();
    let o = run(&["-q", "-o", out.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        expected("layouts.csv")
    );
    assert_eq!(d.names(), vec!["bad.json", "report.csv"]);
}

#[test]
fn usage_errors_exit_2() {
    // The message lists the valid names.
    fails_with(
        &run(&["--columns", "Severity,Fixed In Version"]),
        2,
        &[
            "unknown column \"Fixed In Version\"",
            "Fixed in Version",
            "AWS Account Id",
            "Package Manager",
        ],
    );
    for args in [
        &["--as-of", "tomorrow"][..],
        &["-", "-"],
        &["--layout", "documented", "--columns", "Severity"],
        &["--format", "xml"],
        &["--threads", "0"],
        // Tens of thousands of threads would exhaust memory before any work is done.
        &["--threads", "100000"],
        &["--no-such-flag"],
        &["-o", "s3://bucket/prefix"],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty());
    }
}

#[test]
fn help_and_version() {
    let o = run(&["--help"]);
    let h = ok(&o);
    assert!(
        h.contains("--as-of") && h.contains("EXAMPLES") && h.contains("EXIT STATUS"),
        "{h}"
    );
    assert!(ok(&run(&["--version"])).starts_with("inspector-report "));
}

#[test]
fn same_bytes_for_any_thread_count_source_and_compression() {
    for layout in [Layout::Cli, Layout::Pages, Layout::Ndjson, Layout::Events] {
        let data = generated(layout, 42, 3_000_000);
        let d = TempDir::new("det");
        let p = d.path("in.json");
        std::fs::write(&p, &data).unwrap();
        let gz = d.path("in.json.gz");
        std::fs::write(&gz, gzip(&data)).unwrap();
        for format in ["csv", "json"] {
            let in_format = |extra: &[&str], input: &Path| {
                report(&[&["-f", format, "--as-of", AS_OF], extra].concat(), input)
            };
            let base = in_format(&["--threads", "1"], &p);
            assert!(base.len() > 500_000);
            for t in ["2", "3", "8"] {
                let got = in_format(&["--threads", t], &p);
                assert!(got == base, "{layout:?} {format} threads {t}");
            }
            let piped = ok(&run_stdin(&["-q", "-f", format, "--as-of", AS_OF], &data));
            assert!(piped == base, "{layout:?} {format} pipe");
            let z = in_format(&[], &gz);
            assert!(z == base, "{layout:?} {format} gzip");
        }
    }
}

#[test]
fn report_rows_match_the_generator() {
    // Every ACTIVE generated finding is one row, with its own ARN, in order.
    let data = generated(Layout::Report, 42, 3_000_000);
    let v: serde_json::Value = serde_json::from_slice(&data).unwrap();
    let active: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "ACTIVE")
        .collect();
    let out = ok(&run_stdin(&["-q", "--as-of", AS_OF], &data));
    let (h, rows) = parse_csv(&out);
    assert_eq!(h.len(), 55);
    assert_eq!(rows.len(), active.len());
    for (r, f) in rows.iter().zip(&active) {
        assert_eq!(r.len(), 55);
        assert_eq!(
            cell(&h, r, "Finding ARN"),
            f["findingArn"].as_str().unwrap()
        );
        assert_eq!(
            cell(&h, r, "Description"),
            f["description"].as_str().unwrap()
        );
        assert_eq!(cell(&h, r, "Title"), f["title"].as_str().unwrap());
    }
}

/// Regression: `-o /dev/null` once renamed a regular file over the device (as root this
/// breaks every program on the machine). Devices and FIFOs are written in place; symbolic
/// links, where they are followed (safe_files.rs has their refusal), stay links.
#[test]
fn special_files_and_links_are_written_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let d = TempDir::new("special");
    let fifo = d.path("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    write_page_report(&fifo);
    assert_eq!(reader.join().unwrap(), expected("layouts.csv"));
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());

    let real = d.path("real.csv");
    std::fs::write(&real, "old").unwrap();
    let link = d.path("link.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let followed = [
        "--as-of",
        AS_OF,
        "--follow-output-links",
        "-o",
        link.to_str().unwrap(),
    ];
    report(&followed, &testdata("pass/layouts/page.json"));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        expected("layouts.csv")
    );

    let input = testdata("pass/layouts/page.json");
    let o = run(&["-q", "-o", d.0.to_str().unwrap(), input.to_str().unwrap()]);
    // Checked before anything is read: a usage error.
    fails_with(&o, 2, &["is a folder; name a file"]);

    // /dev/null itself, checked without risk now that the rule above holds.
    ok(&run(&["-q", "-o", "/dev/null", input.to_str().unwrap()]));
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
}

/// The byte classes' AVX2 path (picked at run time where the CPU has it) and the portable
/// one give the same reports, on generated findings of every layout and on the samples.
#[test]
fn same_bytes_on_the_portable_simd_path() {
    let d = TempDir::new("simd");
    let mut inputs = Vec::new();
    for layout in [Layout::Cli, Layout::Pages, Layout::Report, Layout::Events] {
        let p = d.path(&format!("{layout:?}.json"));
        std::fs::write(&p, generated(layout, 7, 1_000_000)).unwrap();
        inputs.push(p);
    }
    inputs.extend(
        std::fs::read_dir(root().join("../shared/samples"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json")),
    );
    assert!(inputs.len() > 6);
    for input in &inputs {
        for format in ["csv", "json", "ndjson"] {
            let args = ["-q", "--all-statuses", "-f", format, "--as-of", AS_OF];
            let chosen = bin().args(args).arg(input).output().unwrap();
            let portable = bin()
                .env("INSPECTOR_REPORT_SIMD", "portable")
                .args(args)
                .arg(input)
                .output()
                .unwrap();
            assert_eq!(chosen.status.code(), portable.status.code(), "{input:?}");
            assert!(
                chosen.stdout == portable.stdout,
                "{input:?} {format}: the two paths differ"
            );
        }
    }
}
