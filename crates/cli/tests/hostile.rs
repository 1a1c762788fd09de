//! Hostile input and output faults through the real binary (issue: reliability). Each
//! shape gives the spec's output or a clear error; none panics, hangs or grows memory
//! past the limits.

mod common;
use common::*;
use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs with `/usr/bin/time -f %M` when available; returns (output, peak RSS in KiB).
fn run_measured(
    args: &[&str],
    stdin: Option<Box<dyn FnOnce(std::process::ChildStdin) + Send>>,
) -> (std::process::Output, Option<u64>) {
    let time = std::path::Path::new("/usr/bin/time");
    let mut cmd = if time.exists() {
        let mut c = std::process::Command::new(time);
        c.args([
            "-f",
            "peak-rss-kib %M",
            env!("CARGO_BIN_EXE_inspector-report"),
        ]);
        c
    } else {
        bin()
    };
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().unwrap();
    let writer = stdin.map(|f| {
        let sin = child.stdin.take().unwrap();
        std::thread::spawn(move || f(sin))
    });
    let out = child.wait_with_output().unwrap();
    if let Some(w) = writer {
        let _ = w.join();
    }
    let rss = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|l| l.strip_prefix("peak-rss-kib "))
        .next_back()
        .and_then(|v| v.trim().parse().ok());
    (out, rss)
}

#[test]
fn a_500_mb_string_stops_at_the_finding_limit() {
    let (o, rss) = run_measured(
        &["-q", "-o", "/dev/null"],
        Some(Box::new(|mut w| {
            let _ = w.write_all(b"[{\"status\":\"ACTIVE\",\"title\":\"");
            let chunk = vec![b'x'; 1 << 20];
            for _ in 0..500 {
                if w.write_all(&chunk).is_err() {
                    return; // the converter stopped reading: expected
                }
            }
            let _ = w.write_all(b"\"}]");
        })),
    );
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains(
            "a single finding is larger than the limit of 67108864 bytes (MAX_FINDING_BYTES)"
        ),
        "{e}"
    );
    assert!(e.contains("finding 0 (byte 1)"), "{e}");
    if let Some(kib) = rss {
        // One finding of at most MAX_FINDING_BYTES plus a read, never the 500 MB.
        assert!(kib < 200 * 1024, "peak RSS {kib} KiB");
    }
}

#[test]
fn a_finding_with_100000_resources() {
    let mut f = String::from(r#"[{"status":"ACTIVE","resources":["#);
    for i in 0..100_000 {
        if i > 0 {
            f.push(',');
        }
        f.push_str(&format!(r#"{{"id":"i-{i}","type":"AWS_EC2_INSTANCE"}}"#));
    }
    f.push_str("]}]");
    let out = ok(&run_stdin(
        &["-q", "--columns", "Resource ID,Resource Type"],
        f.as_bytes(),
    ));
    let (_, rows) = parse_csv(&out);
    assert_eq!(rows.len(), 1);
    let ids: Vec<&str> = rows[0][0].split(',').collect();
    assert_eq!(ids.len(), 100_000);
    assert_eq!(ids[99_999], "i-99999");
}

#[test]
fn numbers_with_10000_digits() {
    let big = "9".repeat(10_000);
    let f = format!(r#"{{"status":"ACTIVE","inspectorScore":{big}.5,"firstObservedAt":{big}}}"#);
    let o = run_stdin(
        &["--columns", "Inspector Score,First Seen,Age (Days)"],
        f.as_bytes(),
    );
    let out = ok(&o);
    let (_, rows) = parse_csv(&out);
    assert_eq!(rows[0][0], format!("{big}.5"), "number text kept exactly");
    assert_eq!(rows[0][1], big, "not a timestamp: written unchanged");
    assert_eq!(rows[0][2], "");
    assert!(
        stderr(&o).contains("timestamp of no known form: 1"),
        "{}",
        stderr(&o)
    );
    // Compared exactly by a number filter (the bound as a string, as the API's numbers are
    // doubles and a JSON number this long is out of their range).
    let doc = format!(r#"{{"inspectorScore":[{{"lowerInclusive":"{big}"}}]}}"#);
    let out = ok(&run_stdin(
        &[
            "-q",
            "--filter-criteria",
            &doc,
            "--columns",
            "Inspector Score",
        ],
        f.as_bytes(),
    ));
    assert_eq!(parse_csv(&out).1.len(), 1);
    let doc = format!(r#"{{"inspectorScore":[{{"lowerInclusive":"{big}.6"}}]}}"#);
    let out = ok(&run_stdin(
        &[
            "-q",
            "--filter-criteria",
            &doc,
            "--columns",
            "Inspector Score",
        ],
        f.as_bytes(),
    ));
    assert_eq!(parse_csv(&out).1.len(), 0);
    let doc = format!(r#"{{"inspectorScore":[{{"lowerInclusive":{big}}}]}}"#);
    let o = run_stdin(&["--filter-criteria", &doc], f.as_bytes());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("number out of range"), "{}", stderr(&o));
}

#[test]
fn a_million_tiny_findings() {
    let one = b"{\"status\":\"ACTIVE\",\"title\":\"t\"}\n";
    let mut data = Vec::with_capacity(one.len() * 1_000_000);
    for _ in 0..1_000_000 {
        data.extend_from_slice(one);
    }
    let o = run_stdin(&["--columns", "Title", "--quote", "necessary"], &data);
    let out = ok(&o);
    assert_eq!(out.len(), "Title\n".len() + 2 * 1_000_000);
    assert!(
        stderr(&o).contains("findings: 1000000 read, 1000000 written"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn nul_and_control_bytes_escaped_in_strings() {
    let f = br#"{"status":"ACTIVE","title":"a\u0000b\u001fc\r\nd\"e"}"#;
    let out = ok(&run_stdin(&["-q", "--columns", "Title"], f));
    let (_, rows) = parse_csv(&out);
    assert_eq!(rows[0][0], "a\u{0}b\u{1f}c\r\nd\"e");
    // The JSON report keeps the escapes as they were.
    let json = ok(&run_stdin(&["-q", "-f", "json"], f));
    assert!(
        json.contains(r#""title":"a\u0000b\u001fc\r\nd\"e""#),
        "{json}"
    );
}

#[test]
fn empty_files_and_empty_directories() {
    let d = TempDir::new("empty");
    std::fs::create_dir_all(d.path("dir/sub")).unwrap();
    std::fs::write(d.path("empty.json"), b"").unwrap();
    let header = ok(&run(&["-q", "--columns", "Title"]));
    let _ = header;
    for p in [d.path("dir"), d.path("empty.json")] {
        let o = run(&["--columns", "Title", p.to_str().unwrap()]);
        assert_eq!(ok(&o), "\"Title\"\n");
        assert!(
            stderr(&o).contains("findings: 0 read, 0 written"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn unreadable_inputs_and_link_loops_are_clear_errors() {
    let d = TempDir::new("unreadable");
    // A dangling link, named and inside a directory.
    std::os::unix::fs::symlink(d.path("nowhere.json"), d.path("dangling.json")).unwrap();
    let o = run(&[d.path("dangling.json").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("dangling.json"), "{}", stderr(&o));
    let o = run(&[d.0.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("dangling.json"), "{}", stderr(&o));
    std::fs::remove_file(d.path("dangling.json")).unwrap();
    // A directory link loop.
    std::fs::create_dir_all(d.path("a/b")).unwrap();
    std::os::unix::fs::symlink(d.path("a"), d.path("a/b/loop")).unwrap();
    let o = run(&[d.path("a").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("loop"), "{}", stderr(&o));
    std::fs::remove_file(d.path("a/b/loop")).unwrap();
    // Permission denied (root reads everything, so only as another user).
    if !is_root() {
        use std::os::unix::fs::PermissionsExt;
        let p = d.path("secret.json");
        std::fs::write(&p, "[]").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
        let o = run(&[p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("secret.json"));
    }
}

#[test]
fn a_write_error_exits_1_and_removes_the_temporary_file() {
    // /dev/full answers every write with ENOSPC.
    let input = testdata("pass/rules.json");
    let o = run(&["-o", "/dev/full", input.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("No space left on device"),
        "{}",
        stderr(&o)
    );
    // A real full file system, where the tool runs as root and may mount a small tmpfs.
    if !is_root() {
        return;
    }
    let d = TempDir::new("full");
    let mnt = d.path("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    let mounted = std::process::Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            "size=256k",
            "tmpfs",
            mnt.to_str().unwrap(),
        ])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !mounted {
        eprintln!("tmpfs mount not permitted here; /dev/full covered the write error");
        return;
    }
    let big = d.path("big.json");
    let mut data = Vec::new();
    inspector_report_bench::generate(
        inspector_report_bench::Layout::Ndjson,
        5,
        3_000_000,
        &mut data,
    )
    .unwrap();
    std::fs::write(&big, data).unwrap();
    let out = mnt.join("report.csv");
    let o = run(&[
        "--all-statuses",
        "-o",
        out.to_str().unwrap(),
        big.to_str().unwrap(),
    ]);
    let left: Vec<_> = std::fs::read_dir(&mnt)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    let _ = std::process::Command::new("umount").arg(&mnt).status();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("No space left on device"),
        "{}",
        stderr(&o)
    );
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// SIGINT or SIGTERM while input still arrives on a pipe: exit 128+signal, and neither the
/// report nor its temporary file remains.
#[test]
fn signals_leave_nothing_behind() {
    for (sig, code) in [("-INT", 130), ("-TERM", 143)] {
        let d = TempDir::new("signal");
        let out = d.path("report.csv");
        let mut child = bin()
            .args(["-q", "-o", out.to_str().unwrap()])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut sin = child.stdin.take().unwrap();
        let mut data = Vec::new();
        inspector_report_bench::generate(
            inspector_report_bench::Layout::Ndjson,
            9,
            2_000_000,
            &mut data,
        )
        .unwrap();
        sin.write_all(&data).unwrap();
        // The temporary file exists while the run waits for more input.
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while d.names().is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(d.names().len(), 1, "a temporary file is being written");
        std::thread::sleep(Duration::from_millis(200));
        let st = std::process::Command::new("kill")
            .args([sig, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        let o = child.wait_with_output().unwrap();
        drop(sin);
        assert_eq!(o.status.code(), Some(code), "{}", stderr(&o));
        assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
        assert!(d.names().is_empty(), "left behind: {:?}", d.names());
    }
}
