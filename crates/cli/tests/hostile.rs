//! Hostile input and output faults through the real binary (issue: reliability). Each
//! shape gives the spec's output or a clear error; none panics, hangs or grows memory
//! past the limits.

mod common;
use common::*;
use inspector_report_bench::Layout;
use std::io::Write;
use std::time::Duration;

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[test]
fn a_500_mb_string_stops_at_the_finding_limit() {
    let d = TempDir::new("500mb");
    let summary = d.path("summary.json");
    let (child, mut w) = spawn_piped(
        bin()
            .args(["-q", "-o", "/dev/null", "--summary-json"])
            .arg(&summary),
    );
    let writer = std::thread::spawn(move || {
        let _ = w.write_all(b"[{\"status\":\"ACTIVE\",\"title\":\"");
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..500 {
            if w.write_all(&chunk).is_err() {
                return; // the converter stopped reading: expected
            }
        }
        let _ = w.write_all(b"\"}]");
    });
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    fails_with(
        &o,
        1,
        &[
            "a single finding is larger than the limit of 67108864 bytes (MAX_FINDING_BYTES)",
            "finding 1 (byte 1)",
        ],
    );
    // The kernel's high-water mark of the process (VmHWM), as the summary reports it: one
    // finding of at most MAX_FINDING_BYTES plus a read, never the 500 MB.
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    let peak = s["peakRssBytes"].as_u64().expect("peakRssBytes on Linux");
    assert!(peak < 200 << 20, "peak RSS {} KiB", peak >> 10);
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
    let (_, rows) = parse_csv(&ok_with(&o, &["timestamp of no known form: 1"]));
    assert_eq!(rows[0][0], format!("{big}.5"), "number text kept exactly");
    assert_eq!(rows[0][1], big, "not a timestamp: written unchanged");
    assert_eq!(rows[0][2], "");
    // Compared exactly by a number filter (the bound as a string, as the API's numbers are
    // doubles and a JSON number this long is out of their range).
    let kept = |bound: &str| {
        let doc = format!(r#"{{"inspectorScore":[{{"lowerInclusive":"{bound}"}}]}}"#);
        let args = [
            "-q",
            "--filter-criteria",
            &doc,
            "--columns",
            "Inspector Score",
        ];
        parse_csv(&ok(&run_stdin(&args, f.as_bytes()))).1.len()
    };
    assert_eq!(kept(&big), 1);
    assert_eq!(kept(&format!("{big}.6")), 0);
    let doc = format!(r#"{{"inspectorScore":[{{"lowerInclusive":{big}}}]}}"#);
    let o = run_stdin(&["--filter-criteria", &doc], f.as_bytes());
    fails_with(&o, 2, &["number out of range"]);
}

#[test]
fn a_million_tiny_findings() {
    let one = b"{\"status\":\"ACTIVE\",\"title\":\"t\"}\n";
    let mut data = Vec::with_capacity(one.len() * 1_000_000);
    for _ in 0..1_000_000 {
        data.extend_from_slice(one);
    }
    let o = run_stdin(&["--columns", "Title", "--quote", "necessary"], &data);
    let out = ok_with(&o, &["findings: 1000000 read, 1000000 written"]);
    assert_eq!(out.len(), "Title\n".len() + 2 * 1_000_000);
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
    // No input named: standard input, empty here.
    assert_eq!(ok(&run(&["-q", "--columns", "Title"])), "\"Title\"\n");
    for p in [d.path("dir"), d.path("empty.json")] {
        let o = run(&["--columns", "Title", p.to_str().unwrap()]);
        assert_eq!(ok_with(&o, &["findings: 0 read, 0 written"]), "\"Title\"\n");
    }
}

#[test]
fn unreadable_inputs_and_link_loops_are_clear_errors() {
    let d = TempDir::new("unreadable");
    // A dangling link, named and inside a directory.
    std::os::unix::fs::symlink(d.path("nowhere.json"), d.path("dangling.json")).unwrap();
    fails_with(
        &run(&[d.path("dangling.json").to_str().unwrap()]),
        1,
        &["dangling.json"],
    );
    fails_with(&run(&[d.0.to_str().unwrap()]), 1, &["dangling.json"]);
    std::fs::remove_file(d.path("dangling.json")).unwrap();
    // A directory link loop.
    std::fs::create_dir_all(d.path("a/b")).unwrap();
    std::os::unix::fs::symlink(d.path("a"), d.path("a/b/loop")).unwrap();
    fails_with(&run(&[d.path("a").to_str().unwrap()]), 1, &["loop"]);
    std::fs::remove_file(d.path("a/b/loop")).unwrap();
    // Permission denied. Root reads every file whatever its mode, so as root the binary
    // runs as `nobody` (setpriv from util-linux).
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&d.0, std::fs::Permissions::from_mode(0o755)).unwrap();
    let p = d.path("secret.json");
    std::fs::write(&p, "[]").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut unprivileged = if is_root() {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_inspector-report"));
        c
    } else {
        bin()
    };
    let o = unprivileged
        .arg(&p)
        .output()
        .expect("setpriv(1) runs the binary as nobody");
    fails_with(&o, 1, &["secret.json", "Permission denied"]);
}

#[test]
fn a_write_error_exits_1_and_removes_the_temporary_file() {
    // /dev/full answers every write with ENOSPC.
    let input = testdata("pass/rules.json");
    let o = run(&["-o", "/dev/full", input.to_str().unwrap()]);
    fails_with(&o, 1, &["No space left on device"]);
    // A real full file system: a 256 KiB tmpfs, mounted in a mount namespace of the run's
    // own (a user namespace too when not root, where the kernel allows one), so the
    // report's temporary file is created and must be removed.
    let d = TempDir::new("full");
    let mnt = d.path("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    let big = d.path("big.json");
    std::fs::write(&big, generated(Layout::Ndjson, 5, 3_000_000)).unwrap();
    let namespaces: &[&str] = if is_root() {
        &["--mount"]
    } else {
        &["--user", "--map-root-user", "--mount"]
    };
    // Prints `mounted`, runs the binary, then lists what is left on the file system.
    let script = r#"mount -t tmpfs -o size=256k tmpfs "$1" || exit 125
        echo mounted; mnt=$1; shift; "$@"; code=$?; ls -A "$mnt"; exit $code"#;
    let out = mnt.join("report.csv");
    let o = std::process::Command::new("unshare")
        .args(namespaces)
        .args(["sh", "-c", script, "sh"])
        .arg(&mnt)
        .arg(env!("CARGO_BIN_EXE_inspector-report"))
        .args(["--all-statuses", "-o"])
        .arg(&out)
        .arg(&big)
        .output()
        .expect("unshare(1) from util-linux");
    let shown = stdout(&o);
    let Some(left) = shown.strip_prefix("mounted\n") else {
        // Written to the process's stderr, past the test harness's capture of eprintln!,
        // so that a passing run shows it too.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED the full tmpfs case of a_write_error_exits_1_and_removes_the_temporary_file: \
             no tmpfs could be mounted here (unshare {namespaces:?}: {}); /dev/full above \
             covered the write error",
            stderr(&o).trim()
        );
        return;
    };
    fails_with(&o, 1, &["No space left on device"]);
    assert_eq!(left, "", "left behind on the full file system");
}

/// SIGINT or SIGTERM while input still arrives on a pipe: exit 128+signal, and neither the
/// report nor its temporary file remains.
#[test]
fn signals_leave_nothing_behind() {
    for (sig, code) in [("-INT", 130), ("-TERM", 143)] {
        let d = TempDir::new("signal");
        let out = d.path("report.csv");
        let (child, mut sin) = spawn_piped(bin().args(["-q", "-o", out.to_str().unwrap()]));
        sin.write_all(&generated(Layout::Ndjson, 9, 2_000_000))
            .unwrap();
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
        fails_with(&o, code, &["interrupted"]);
        assert!(d.names().is_empty(), "left behind: {:?}", d.names());
    }
}
