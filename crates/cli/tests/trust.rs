//! A new user's mistakes get an answer, never a silent wrong report or lost data (issue 15
//! of the project): shortcut values and dates as people type them, output names, outputs
//! that cannot be written or that are inputs, warning examples to act on, and the hint
//! for a run that waits on a terminal. Objects that are not findings are in the bad-input
//! corpus (`testdata/fail/not-a-finding-*`, replayed by `bad_input.rs`).

mod common;
use common::*;
use std::path::Path;

fn rules() -> String {
    testdata("pass/rules.json").to_str().unwrap().to_string()
}

/// `--severity`, `--status` and `--resource-type` take the API's values in any case; a
/// typo is a usage error that names the nearest value, and nothing is written.
#[test]
fn shortcut_values_in_any_case_and_typos_name_the_nearest_value() {
    let input = testdata("pass/rules.json");
    for (option, lower, canonical) in [
        ("--severity", "critical,high", "CRITICAL,HIGH"),
        ("--status", "suppressed", "SUPPRESSED"),
        (
            "--resource-type",
            "aws_lambda_function",
            "AWS_LAMBDA_FUNCTION",
        ),
    ] {
        let typed = report(&["--as-of", AS_OF, option, lower], &input);
        let (_, rows) = parse_csv(&typed);
        assert!(!rows.is_empty(), "{option} {lower} matches findings");
        assert_eq!(
            typed,
            report(&["--as-of", AS_OF, option, canonical], &input)
        );
    }
    for (option, typo, nearest) in [
        ("--severity", "CRITCAL", "CRITICAL"),
        ("--status", "activ", "ACTIVE"),
        (
            "--resource-type",
            "aws_lamda_function",
            "AWS_LAMBDA_FUNCTION",
        ),
    ] {
        let o = run(&[option, typo, &rules()]);
        fails_with(&o, 2, &[typo, &format!("did you mean {nearest}?")]);
        assert!(o.stdout.is_empty());
    }
}

/// A FilterCriteria document keeps the API's case-sensitive meaning; a value no enum value
/// spells that way is a warning in both summaries, not an error.
#[test]
fn a_document_value_in_the_wrong_case_is_kept_with_a_warning() {
    let d = TempDir::new("doc-enum");
    let sj = d.path("s.json");
    let o = run(&[
        "--filter-criteria",
        r#"{"severity":[{"comparison":"EQUALS","value":"medium"}]}"#,
        "--summary-json",
        sj.to_str().unwrap(),
        &rules(),
    ]);
    let report = ok_with(
        &o,
        &[
            "warning: filter criteria: severity[0]: EQUALS \"medium\"",
            "did you mean \"MEDIUM\"?",
        ],
    );
    let (_, rows) = parse_csv(&report);
    assert!(rows.is_empty(), "comparisons stay case-sensitive");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sj).unwrap()).unwrap();
    let w = s["filterWarnings"].as_array().unwrap();
    assert_eq!(w.len(), 1);
    assert!(w[0].as_str().unwrap().contains("\"MEDIUM\""), "{w:?}");
}

/// Date shortcuts take a bare date (midnight UTC) and `Nd`/`Nh` before `--as-of`; a range
/// that ends before it starts, or a date of no form, is a usage error.
#[test]
fn dates_bare_relative_and_reversed() {
    let input = testdata("pass/rules.json");
    let after = |v: &str| {
        let args = [
            "--as-of",
            AS_OF,
            "--all-statuses",
            "--first-observed-after",
            v,
        ];
        report(&args, &input)
    };
    let bare = after("2025-01-01");
    assert_eq!(bare, after("2025-01-01T00:00:00Z"));
    assert_eq!(parse_csv(&bare).1.len(), 3);
    // AS_OF is 2025-06-10: 300 days (7200 hours) before is 2024-08-14.
    let explicit = after("2024-08-14T00:00:00Z");
    assert_eq!(after("300d"), explicit);
    assert_eq!(after("7200h"), explicit);
    assert_ne!(explicit, bare, "the dates tell findings apart");

    let o = run(&[
        "--first-observed-after",
        "2025-02-01",
        "--first-observed-before",
        "2025-01-01",
        &rules(),
    ]);
    fails_with(
        &o,
        2,
        &["is later than --first-observed-before", "no finding can be"],
    );
    let o = run(&["--last-observed-before", "soon", &rules()]);
    fails_with(
        &o,
        2,
        &["\"soon\" is not a time", "2026-01-01", "30d / 12h"],
    );
    let o = run(&[
        "--as-of",
        "2025-06-10",
        "--first-observed-after",
        "30d",
        &rules(),
    ]);
    ok(&o);
}

/// A local report named for another format or compression is refused before anything is
/// written.
#[test]
fn an_output_name_must_agree_with_its_format_and_gzip() {
    let d = TempDir::new("names");
    for (args, says) in [
        (
            vec!["-f", "json", "-o", "r.csv"],
            "the name says a CSV report, but the report is JSON",
        ),
        (
            vec!["-o", "r.json"],
            "the name says a JSON report, but the report is CSV",
        ),
        (vec!["-o", "r.ndjson"], "the name says a NDJSON report"),
        (
            vec!["--gzip", "-o", "r.csv"],
            "--gzip compresses the report, so name it",
        ),
        (vec!["-f", "json", "-o", "r.csv.gz"], "name it r.json.gz"),
    ] {
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if a.starts_with('r') {
                    d.path(a).to_str().unwrap().to_string()
                } else {
                    a.to_string()
                }
            })
            .chain([rules()])
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fails_with(&run(&args), 2, &[says]);
        assert!(d.names().is_empty(), "{args:?} left {:?}", d.names());
    }
    // A name that agrees, or says no format, is fine; `.gz` turns gzip on.
    let gz = d.path("r.csv.gz");
    ok(&run(&["-q", "-o", gz.to_str().unwrap(), &rules()]));
    assert_eq!(std::fs::read(&gz).unwrap()[..2], [0x1f, 0x8b]);
    ok(&run(&[
        "-q",
        "--gzip",
        "-o",
        d.path("report").to_str().unwrap(),
        &rules(),
    ]));
}

/// Every output is checked writable before any input is read: a summary in a missing
/// folder, a report in a missing folder, a batch folder under a file. Each is a usage
/// error that leaves no report.
#[test]
fn unwritable_outputs_are_refused_before_anything_is_written() {
    let d = TempDir::new("unwritable");
    let report = d.path("r.csv");
    let missing = d.path("missing/s.json");
    let o = run(&[
        "-o",
        report.to_str().unwrap(),
        "--summary-json",
        missing.to_str().unwrap(),
        &rules(),
    ]);
    fails_with(&o, 2, &["--summary-json", "does not exist"]);
    assert!(!report.exists(), "no report is left");
    let o = run(&["-o", d.path("missing/r.csv").to_str().unwrap(), &rules()]);
    fails_with(&o, 2, &["-o ", "does not exist"]);
    let file = d.path("file");
    std::fs::write(&file, "x").unwrap();
    let o = run(&["--output-dir", file.join("sub").to_str().unwrap(), &rules()]);
    fails_with(&o, 2, &["--output-dir", "is not a folder"]);
    let o = run(&["--summary-json", d.0.to_str().unwrap(), &rules()]);
    fails_with(&o, 2, &["is a folder"]);
    assert_eq!(d.names(), ["file"]);
    // A summary that fails only at the end (a full device) takes the report back with it:
    // a run that exits 1 leaves no report.
    let o = run(&[
        "-q",
        "-o",
        report.to_str().unwrap(),
        "--summary-json",
        "/dev/full",
        &rules(),
    ]);
    fails_with(
        &o,
        1,
        &[
            "write error: finishing the summary /dev/full: No space left on device",
            "removed the report",
        ],
    );
    assert!(!report.exists());
}

fn same_content(a: &Path, b: &Path) {
    assert_eq!(
        std::fs::read(a).unwrap(),
        std::fs::read(b).unwrap(),
        "{} changed",
        a.display()
    );
}

/// An output that is also an input, through `..`, a symbolic link, a hard link or standard
/// input, is refused before anything is read or written, in single and batch mode.
#[test]
fn an_output_that_is_an_input_is_refused_in_both_modes() {
    let d = TempDir::new("self");
    let dir = d.path("a");
    std::fs::create_dir(&dir).unwrap();
    let input = dir.join("in.json");
    std::fs::copy(testdata("pass/rules.json"), &input).unwrap();
    let original = testdata("pass/rules.json");
    let in_arg = input.to_str().unwrap();

    let dotdot = dir.join("../a/in.json");
    let link = d.path("link.json");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    let hard = d.path("hard.json");
    std::fs::hard_link(&input, &hard).unwrap();
    // A link at an output path is refused as a link before anything else is checked;
    // followed on purpose, it is still never written through to its input.
    let o = run(&["-f", "json", "-o", link.to_str().unwrap(), in_arg]);
    fails_with(&o, 2, &["is a symbolic link to", "--follow-output-links"]);
    same_content(&input, &original);
    for out in [&dotdot, &link, &hard] {
        let o = run(&[
            "--follow-output-links",
            "-f",
            "json",
            "-o",
            out.to_str().unwrap(),
            in_arg,
        ]);
        fails_with(
            &o,
            2,
            &[
                "is the same file as the input",
                "never overwrites its source",
            ],
        );
        same_content(&input, &original);
    }
    let o = run(&[
        "--follow-output-links",
        "--summary-json",
        link.to_str().unwrap(),
        in_arg,
    ]);
    fails_with(&o, 2, &["--summary-json", "is the same file as the input"]);
    // Standard input redirected from the file.
    let o = bin()
        .args(["-f", "json", "-o", in_arg])
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    fails_with(&o, 2, &["is the same file as the input standard input"]);
    // Standard output appended to the input (`>> in.json`).
    let append = std::fs::OpenOptions::new()
        .append(true)
        .open(&input)
        .unwrap();
    let o = bin().arg(in_arg).stdout(append).output().unwrap();
    fails_with(&o, 2, &["standard output is the same file as the input"]);
    same_content(&input, &original);
    // -o and --summary-json naming one file.
    let r = d.path("r.csv");
    let o = run(&[
        "-o",
        r.to_str().unwrap(),
        "--summary-json",
        r.to_str().unwrap(),
        in_arg,
    ]);
    fails_with(&o, 2, &["are the same file"]);
    same_content(&input, &original);

    // Batch mode: a JSON report of a.json into its own folder would replace it.
    let dir_link = d.path("dir-link");
    std::os::unix::fs::symlink(&dir, &dir_link).unwrap();
    for out_dir in [dir.join("../a"), dir_link] {
        let o = run(&[
            "--follow-output-links",
            "-f",
            "json",
            "--output-dir",
            out_dir.to_str().unwrap(),
            dir.to_str().unwrap(),
        ]);
        fails_with(&o, 2, &["--output-dir", "is the same file as the input"]);
        same_content(&input, &original);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    }
}

/// Each warning example names the input, the finding's number from 1, its byte, its ARN,
/// the member and the value, which is escaped and cut at 80 characters.
#[test]
fn a_warning_example_names_member_value_arn_and_number() {
    let o = run(&["--as-of", AS_OF, "--all-statuses", &rules()]);
    ok_with(
        &o,
        &[
            "  timestamp of no known form: 2\n",
            "rules.json: finding 6 (byte 9165, \
             arn:aws:inspector2:us-east-1:111122223333:finding/odd-types): firstObservedAt = \
             \"last tuesday\"",
            "odd-types): severity = {\"label\":\"HIGH\"}",
        ],
    );
    let d = TempDir::new("warn");
    let input = d.path("in.ndjson");
    let long = "9".repeat(200);
    std::fs::write(
        &input,
        format!(
            "{{\"findingArn\":\"a\",\"status\":\"ACTIVE\",\"lastObservedAt\":\"x\u{9b}31m\"}}\n\
             {{\"findingArn\":\"b\",\"status\":\"ACTIVE\",\"resources\":[{{\"details\":\
             {{\"awsEc2Instance\":{{\"launchedAt\":\"{long}\"}}}}}}]}}\n"
        ),
    )
    .unwrap();
    let o = run(&["-f", "json", "-o", "/dev/null", input.to_str().unwrap()]);
    ok_with(
        &o,
        &[
            "in.ndjson: finding 1 (byte 0, a): lastObservedAt = \"x\\u{9b}31m\"",
            "in.ndjson: finding 2 (byte 63, b): resources[0].details.awsEc2Instance.launchedAt = \"",
        ],
    );
    let e = stderr(&o);
    let cut = e.lines().find(|l| l.contains("launchedAt")).unwrap();
    let value = cut.split(" = ").nth(1).unwrap();
    assert_eq!(value, format!("\"{}…", &long[..79]));
    assert!(
        !e.contains('\u{9b}'),
        "no raw control character reaches the terminal"
    );
}

/// With no input named and a terminal on stdin, one hint line says what the tool waits
/// for; a pipe or a named input gets none.
#[test]
fn waiting_on_a_terminal_says_so() {
    use std::io::Read;
    let cmd = format!(
        "{} --progress never -o /dev/null",
        env!("CARGO_BIN_EXE_inspector-report")
    );
    let mut child = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux runs the binary under a pseudo-terminal");
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 256];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            if String::from_utf8_lossy(&seen).contains("--help for usage") {
                break;
            }
        }
        String::from_utf8_lossy(&seen).into_owned()
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !reader.is_finished() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // The binary waits for Ctrl-D: end script (and so the terminal it reads) by its id.
    let _ = child.kill();
    let _ = child.wait();
    let shown = reader.join().unwrap();
    assert!(
        shown.contains(
            "inspector-report: reading findings from standard input (end with Ctrl-D; --help \
             for usage)"
        ),
        "{shown:?}"
    );
    let o = run_stdin(&["-o", "/dev/null"], b"[]");
    assert!(!stderr(&o).contains("reading findings"), "{}", stderr(&o));
}
