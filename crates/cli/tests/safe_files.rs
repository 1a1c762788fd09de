//! Files a run writes are private from the first system call, whatever the umask, and
//! never written through a symbolic link unless --follow-output-links says so.

mod common;
use common::*;
use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under `umask`, through sh (a test may not call `umask` itself: the
/// workspace forbids the `unsafe` a `pre_exec` hook needs).
fn under_umask(umask: &str) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_inspector-report"))
        .args(["-q", "--as-of", AS_OF]);
    c
}

fn mode(p: &Path) -> u32 {
    fs::symlink_metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o7777
}

fn page() -> String {
    testdata("pass/layouts/page.json").display().to_string()
}

/// The report of [`page`].
fn page_csv() -> String {
    expected("layouts.csv")
}

/// A run under `umask` with `options` that writes `r.csv` and `s.json` in `d`; their
/// paths.
#[track_caller]
fn report_and_summary(d: &TempDir, umask: &str, options: &[&str]) -> (PathBuf, PathBuf) {
    let (report, summary) = (d.path("r.csv"), d.path("s.json"));
    let o = under_umask(umask)
        .args(options)
        .arg("-o")
        .arg(&report)
        .arg("--summary-json")
        .arg(&summary)
        .arg(page())
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(fs::read_to_string(&report).unwrap(), page_csv());
    (report, summary)
}

/// A folder of inputs in `d` with one file a folder down, for batch mode.
fn input_tree(d: &TempDir) -> PathBuf {
    let input = d.path("in");
    fs::create_dir_all(input.join("sub")).unwrap();
    fs::copy(page(), input.join("sub/a.json")).unwrap();
    input
}

#[test]
fn reports_summaries_and_batch_folders_are_private_whatever_the_umask() {
    for umask in ["022", "077", "000"] {
        let d = TempDir::new("private");
        let (report, summary) = report_and_summary(&d, umask, &[]);
        assert_eq!(mode(&report), 0o600, "report, umask {umask}");
        assert_eq!(mode(&summary), 0o600, "summary, umask {umask}");

        // Batch mode: the output folder, the folders below it and the reports.
        let input = input_tree(&d);
        let out = d.path("out/reports");
        let o = under_umask(umask)
            .arg("--output-dir")
            .arg(&out)
            .arg(&input)
            .output()
            .unwrap();
        ok(&o);
        for folder in [d.path("out"), out.clone(), out.join("sub")] {
            assert_eq!(mode(&folder), 0o700, "{}, umask {umask}", folder.display());
        }
        assert_eq!(mode(&out.join("sub/a.csv")), 0o600, "umask {umask}");
    }
}

#[test]
fn mode_gives_what_it_says_and_a_replaced_report_keeps_its_mode() {
    let d = TempDir::new("mode");
    // --mode holds under a umask that would take the group's bits away.
    let (report, summary) = report_and_summary(&d, "077", &["--mode", "0640"]);
    assert_eq!((mode(&report), mode(&summary)), (0o640, 0o640));
    let out = d.path("out/reports");
    let input = input_tree(&d);
    let o = under_umask("077")
        .args(["--mode", "640", "--output-dir"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(
        mode(&d.path("out")),
        0o750,
        "readers of the reports may enter"
    );
    assert_eq!(mode(&out), 0o750);
    assert_eq!(mode(&out.join("sub")), 0o750);
    assert_eq!(mode(&out.join("sub/a.csv")), 0o640);

    // A report that replaces a file keeps that file's mode, unless --mode says otherwise.
    let old = d.path("old.csv");
    fs::write(&old, "old").unwrap();
    fs::set_permissions(&old, fs::Permissions::from_mode(0o644)).unwrap();
    ok(&under_umask("077")
        .arg("-o")
        .arg(&old)
        .arg(page())
        .output()
        .unwrap());
    assert_eq!(fs::read_to_string(&old).unwrap(), page_csv());
    assert_eq!(mode(&old), 0o644);
    let o = under_umask("077")
        .args(["--mode", "600", "-o"])
        .arg(&old)
        .arg(page())
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(mode(&old), 0o600);

    for bad in ["0888", "4755", "rw-r--r--", ""] {
        let o = run(&["--mode", bad, "-o", report.to_str().unwrap(), &page()]);
        fails_with(&o, 2, &["--mode"]);
    }
}

/// While the run waits for its input on a FIFO, its temporary report is already there:
/// private, with a name no one could have guessed and prepared.
#[test]
fn the_temporary_report_is_private_from_the_start() {
    for umask in ["022", "077"] {
        let d = TempDir::new("temporary");
        let fifo = d.path("in.json");
        assert!(Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let report = d.path("r.csv");
        let child = under_umask(umask)
            .arg("-o")
            .arg(&report)
            .arg(&fifo)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let temporary = loop {
            let found = d.names().into_iter().find(|n| n.starts_with(".r.csv."));
            if let Some(name) = found {
                break d.path(&name);
            }
            assert!(
                Instant::now() < deadline,
                "no temporary file: {:?}",
                d.names()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(mode(&temporary), 0o600, "umask {umask}");
        let name = temporary.file_name().unwrap().to_str().unwrap().to_string();
        assert!(name.ends_with(".tmp"), "{name}");
        assert!(
            !name.contains(&child.id().to_string()),
            "the process id makes a guessable name: {name}"
        );
        fs::write(&fifo, fs::read(page()).unwrap()).unwrap();
        let o = child.wait_with_output().unwrap();
        ok(&o);
        assert_eq!(fs::read_to_string(&report).unwrap(), page_csv());
        assert_eq!(
            d.names(),
            ["in.json", "r.csv"],
            "the temporary file was renamed"
        );
    }
}

#[test]
fn a_long_target_name_still_works() {
    let d = TempDir::new("long");
    let name = format!("{}.csv", "r".repeat(251));
    let report = d.path(&name);
    ok(&run(&[
        "-q",
        "--as-of",
        AS_OF,
        "-o",
        report.to_str().unwrap(),
        &page(),
    ]));
    assert_eq!(fs::read_to_string(&report).unwrap(), page_csv());
    assert_eq!(d.names(), [name]);
}

/// A planted file, its content, and the link that points at it.
struct Planted {
    target: std::path::PathBuf,
    link: std::path::PathBuf,
}

const PRECIOUS: &str = "export PATH=/usr/bin # someone's .bashrc\n";

fn plant(d: &TempDir, link: &str) -> Planted {
    let target = d.path(&format!("precious-{}", link.replace('/', "-")));
    fs::write(&target, PRECIOUS).unwrap();
    let link = d.path(link);
    symlink(&target, &link).unwrap();
    Planted { target, link }
}

#[track_caller]
fn untouched(p: &Planted) {
    assert_eq!(fs::read_to_string(&p.target).unwrap(), PRECIOUS);
    assert!(fs::symlink_metadata(&p.link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn links_at_the_paths_given_are_refused_before_anything_is_read() {
    let d = TempDir::new("given-links");
    let report = plant(&d, "r.csv");
    let summary = plant(&d, "s.json");
    let real = d.path("real.csv");
    let elsewhere = d.path("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    let out_dir = d.path("out");
    symlink(&elsewhere, &out_dir).unwrap();
    let flag = Path::new;
    let runs: [(&str, Vec<&Path>, &Path); 3] = [
        ("-o", vec![flag("-o"), report.link.as_path()], &report.link),
        (
            "--summary-json",
            vec![
                flag("-o"),
                real.as_path(),
                flag("--summary-json"),
                summary.link.as_path(),
            ],
            &summary.link,
        ),
        (
            "--output-dir",
            vec![flag("--output-dir"), out_dir.as_path()],
            &out_dir,
        ),
    ];
    for (option, args, link) in runs {
        let o = bin()
            .args(["-q", "--as-of", AS_OF])
            .args(&args)
            .arg(page())
            .output()
            .unwrap();
        let said = format!("{option}: {} is a symbolic link to ", link.display());
        fails_with(&o, 2, &[&said, "--follow-output-links"]);
    }
    untouched(&report);
    untouched(&summary);
    assert!(
        !real.exists(),
        "nothing is written when an output is refused"
    );
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
    let left = d.names();
    assert!(left.iter().all(|n| !n.ends_with(".tmp")), "{left:?}");

    // With --follow-output-links the files the links name are replaced, the links stay.
    let o = bin()
        .args(["-q", "--as-of", AS_OF, "--follow-output-links", "-o"])
        .arg(&report.link)
        .arg("--summary-json")
        .arg(&summary.link)
        .arg(page())
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(fs::read_to_string(&report.target).unwrap(), page_csv());
    let s: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&summary.target).unwrap()).unwrap();
    assert_eq!(s["status"], "SUCCEEDED");
    for p in [&report.link, &summary.link] {
        assert!(fs::symlink_metadata(p).unwrap().file_type().is_symlink());
    }
}

#[test]
fn links_inside_the_output_folder_fail_their_file_only() {
    let d = TempDir::new("batch-links");
    let input = d.path("in");
    for f in ["a.json", "sub/b.json", "c.json"] {
        fs::create_dir_all(input.join(f).parent().unwrap()).unwrap();
        fs::copy(page(), input.join(f)).unwrap();
    }
    let out = d.path("out");
    fs::create_dir_all(&out).unwrap();
    let report = plant(&d, "out/a.csv");
    let elsewhere = d.path("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    symlink(&elsewhere, out.join("sub")).unwrap();
    let o = bin()
        .args(["--as-of", AS_OF, "--output-dir"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    let said: Vec<String> = [out.join("a.csv"), out.join("sub")]
        .iter()
        .map(|link| format!("{} is a symbolic link to ", link.display()))
        .collect();
    fails_with(&o, 1, &["reports: 1 written, 2 failed", &said[0], &said[1]]);
    assert_eq!(fs::read_to_string(out.join("c.csv")).unwrap(), page_csv());
    untouched(&report);
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);

    let o = bin()
        .args([
            "-q",
            "--as-of",
            AS_OF,
            "--follow-output-links",
            "--output-dir",
        ])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(fs::read_to_string(&report.target).unwrap(), page_csv());
    assert_eq!(
        fs::read_to_string(elsewhere.join("b.csv")).unwrap(),
        page_csv()
    );
}

/// The process's own descriptors are links too, and stay usable: the person running the
/// tool set them up.
#[test]
fn standard_output_by_name_still_works() {
    for name in ["/dev/stdout", "/dev/fd/1"] {
        let o = run(&["-q", "--as-of", AS_OF, "-o", name, &page()]);
        assert_eq!(ok(&o), page_csv(), "{name}");
    }
}
