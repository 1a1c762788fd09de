//! What a run prints and writes is safe to look at: messages cannot drive the terminal,
//! a gzip bomb cannot fill the disk (--max-output-bytes, and progress shows what input
//! decompresses to), and --bom marks a CSV report's encoding for Excel.

mod common;
use common::*;
use std::fs;
use std::io::{Read, Write};
use std::time::Duration;

fn page() -> String {
    testdata("pass/layouts/page.json").display().to_string()
}

/// The report of [`page`].
fn page_csv() -> Vec<u8> {
    expected("layouts.csv").into_bytes()
}

/// Findings whose titles are `mb` MB of one letter: a few KB of gzip that grows a
/// thousandfold.
fn bomb(mb: usize) -> (Vec<u8>, usize) {
    let title = "A".repeat(100_000);
    let mut plain = Vec::new();
    for i in 0..mb * 10 {
        writeln!(
            plain,
            r#"{{"status":"ACTIVE","awsAccountId":"{i}","title":"{title}"}}"#
        )
        .unwrap();
    }
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&plain).unwrap();
    (e.finish().unwrap(), plain.len())
}

#[track_caller]
fn no_raw_controls(text: &[u8]) {
    let raw: Vec<u8> = text
        .iter()
        .copied()
        .filter(|&b| b < 0x20 && b != b'\n')
        .collect();
    assert!(
        raw.is_empty(),
        "raw control bytes {raw:?} in {}",
        String::from_utf8_lossy(text)
    );
}

#[test]
fn file_names_cannot_drive_the_terminal() {
    let d = TempDir::new("escape");
    let input = d.path("in");
    fs::create_dir_all(&input).unwrap();
    let hostile = "bad\x1b[2J\x1b]0;pwned\x07\r.json";
    fs::write(input.join(hostile), "[{\"status\":\"ACTIVE\"},").unwrap();
    let shown = "bad\\x1b[2J\\x1b]0;pwned\\x07\\x0d.json";

    // The failing directory, as one report: the error names the file.
    let o = run(&[
        "--as-of",
        AS_OF,
        "-o",
        d.path("r.csv").to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    no_raw_controls(&o.stderr);
    assert!(stderr(&o).contains(shown), "{}", stderr(&o));

    // Batch mode: the summary's FAILED line, with and without -q.
    fs::copy(page(), input.join("good.json")).unwrap();
    for quiet in [false, true] {
        let mut batch = bin();
        batch
            .args(["--as-of", AS_OF, "--output-dir"])
            .arg(d.path("out"));
        if quiet {
            batch.arg("-q");
        }
        let o = batch.arg(&input).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        no_raw_controls(&o.stderr);
        assert!(
            stderr(&o).contains(&format!("FAILED {}/{shown}", input.display())),
            "{}",
            stderr(&o)
        );
    }

    // A value clap quotes in a usage error (clap drops ESC sequences itself, but not a
    // carriage return, which would hide the start of the line).
    let o = run(&["--format", "json\rcsv"]);
    assert_eq!(o.status.code(), Some(2));
    no_raw_controls(&o.stderr);
    assert!(stderr(&o).contains("'json\\x0dcsv'"), "{}", stderr(&o));
}

#[test]
fn max_output_bytes_stops_a_gzip_bomb_and_leaves_nothing() {
    let d = TempDir::new("bomb");
    let (gz, plain) = bomb(20);
    assert!(gz.len() * 200 < plain, "{} bytes of gzip", gz.len());
    let input = d.path("bomb.json.gz");
    fs::write(&input, &gz).unwrap();
    let report = d.path("r.csv");
    let o = run(&[
        "--as-of",
        AS_OF,
        "--max-output-bytes",
        "1MiB",
        "-o",
        report.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    fails_with(
        &o,
        1,
        &["the report would pass --max-output-bytes (1048576 bytes)"],
    );
    assert_eq!(d.names(), ["bomb.json.gz"], "nothing is left");

    // To standard output: what went out stays within the bound.
    let o = run(&[
        "-q",
        "--as-of",
        AS_OF,
        "--max-output-bytes",
        "300KiB",
        input.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        o.stdout.len() <= 300 << 10 && o.stdout.len() > 100_000,
        "{}",
        o.stdout.len()
    );

    // Batch mode bounds each report: the bomb fails, the page beside it does not.
    let batch_in = d.path("in");
    fs::create_dir_all(&batch_in).unwrap();
    fs::write(batch_in.join("bomb.json.gz"), &gz).unwrap();
    fs::copy(page(), batch_in.join("page.json")).unwrap();
    let out = d.path("out");
    let o = bin()
        .args([
            "-q",
            "--as-of",
            AS_OF,
            "--max-output-bytes",
            "64KiB",
            "--output-dir",
        ])
        .arg(&out)
        .arg(&batch_in)
        .output()
        .unwrap();
    fails_with(&o, 1, &["bomb.json.gz: write error"]);
    assert_eq!(fs::read(out.join("page.csv")).unwrap(), page_csv());
    assert!(!out.join("bomb.csv").exists());
}

/// The bound is exact: a report of exactly SIZE bytes is written, one byte less is not.
#[test]
fn max_output_bytes_is_exact() {
    let d = TempDir::new("bound");
    let report = d.path("r.csv");
    let size = page_csv().len();
    for (max, code) in [(size, 0), (size - 1, 1)] {
        let o = run(&[
            "-q",
            "--as-of",
            AS_OF,
            "--max-output-bytes",
            &max.to_string(),
            "-o",
            report.to_str().unwrap(),
            &page(),
        ]);
        assert_eq!(o.status.code(), Some(code), "{max}: {}", stderr(&o));
    }
    assert_eq!(fs::read(&report).unwrap(), page_csv());
    for bad in ["0", "lots", "-5"] {
        let o = run(&["--max-output-bytes", bad, &page()]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
    }
}

/// The progress bar shows what the input decompresses to beside what was read, so a
/// bomb is plain to see while it goes off.
#[test]
fn progress_shows_decompressed_bytes() {
    let (gz, _) = bomb(20);
    let args = [
        "--progress",
        "always",
        "--severity",
        "CRITICAL",
        "-o",
        "/dev/null",
    ];
    let (mut child, mut sin) = spawn_piped(bin().args(args));
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        err.read_to_end(&mut text).unwrap();
        String::from_utf8_lossy(&text).into_owned()
    });
    // Half the input, then a pause of several progress ticks, then the rest.
    sin.write_all(&gz[..gz.len() / 2]).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    sin.write_all(&gz[gz.len() / 2..]).unwrap();
    drop(sin);
    let status = child.wait().unwrap();
    let shown = reader.join().unwrap();
    assert_eq!(status.code(), Some(0), "{shown}");
    assert!(shown.contains("MiB decompressed"), "{shown}");
}

#[test]
fn bom_marks_the_csv_report_plain_or_gzip() {
    let d = TempDir::new("bom");
    let o = run(&["-q", "--as-of", AS_OF, "--bom", &page()]);
    let mut want = b"\xef\xbb\xbf".to_vec();
    want.extend(page_csv());
    assert_eq!(o.stdout, want);
    assert_eq!(o.status.code(), Some(0));

    // Into a gzip report, and with the summary, which counts the mark as a byte of the
    // report.
    let (gz, summary) = (d.path("r.csv.gz"), d.path("s.json"));
    let to = |report: &std::path::Path| {
        let (report, summary) = (report.to_str().unwrap(), summary.to_str().unwrap());
        ok(&run(&[
            "-q",
            "--as-of",
            AS_OF,
            "--bom",
            "-o",
            report,
            "--summary-json",
            summary,
            &page(),
        ]))
    };
    to(&gz);
    let mut plain = Vec::new();
    flate2::read::MultiGzDecoder::new(&fs::read(&gz).unwrap()[..])
        .read_to_end(&mut plain)
        .unwrap();
    assert_eq!(plain, want);
    to(&d.path("r.csv"));
    let s: serde_json::Value = serde_json::from_slice(&fs::read(&summary).unwrap()).unwrap();
    assert_eq!(s["output"]["bytes"], want.len() as u64);

    let o = run(&["--bom", "-f", "json", &page()]);
    fails_with(&o, 2, &["--bom is for the CSV report"]);
}

/// One finding with a formula in text cells of every trigger character, and negative
/// numbers in the number columns.
const FORMULAS: &str = r#"{"status":"ACTIVE","awsAccountId":"111122223333",
 "title":"=HYPERLINK(\"http://evil.example\",\"open me\")",
 "description":"+cmd|' /C calc'!A0",
 "remediation":{"recommendation":{"text":"-2+3"}},
 "findingArn":"@SUM(1+1)",
 "severity":"\tHIGH",
 "type":"\rPACKAGE_VULNERABILITY",
 "inspectorScore":-1.5,
 "epss":{"score":-0.25},
 "packageVulnerabilityDetails":{"source":"NVD","vulnerabilityId":"CVE-1","cvss":[
   {"source":"NVD","version":"3.1","baseScore":-9.8,"scoringVector":"=v3"},
   {"source":"NVD","version":"2.0","baseScore":-5,"scoringVector":"v2"}]},
 "resources":[{"id":"i-1","type":"AWS_EC2_INSTANCE","tags":{"=k":"v"}}]}"#;

/// Text where the number columns expect numbers: a string a spreadsheet would run, and a
/// negative number sent as a string (which stays a number).
const FORMULAS_IN_NUMBER_COLUMNS: &str = r#"{"status":"ACTIVE","findingArn":"arn:1",
 "inspectorScore":"=HYPERLINK(\"http://evil.example\")",
 "epss":{"score":"-0.5"},
 "packageVulnerabilityDetails":{"source":"NVD","cvss":[
   {"source":"NVD","version":"3.1","baseScore":"@SUM(1+1)"},
   {"source":"NVD","version":"2.0","baseScore":"-2+3"}]}}"#;

#[test]
fn excel_safe_defuses_text_in_number_columns() {
    let columns = "Inspector Score,Epss Score,NVD CVSS3 Score,NVD CVSS2 Score";
    let args = ["-q", "--excel-safe", "--columns", columns];
    for quote in ["always", "necessary"] {
        let mut args = args.to_vec();
        args.extend(["--quote", quote]);
        let out = ok(&run_stdin(&args, FORMULAS_IN_NUMBER_COLUMNS.as_bytes()));
        let (_, rows) = parse_csv(&out);
        assert_eq!(
            rows,
            [[
                "'=HYPERLINK(\"http://evil.example\")",
                "-0.5",
                "'@SUM(1+1)",
                "'-2+3"
            ]],
            "{out}"
        );
    }
}

#[test]
fn excel_safe_defuses_every_trigger_and_leaves_numbers() {
    let cells = |extra: &[&str]| {
        let mut args = vec!["-q", "--as-of", AS_OF];
        args.extend_from_slice(extra);
        let out = ok(&run_stdin(&args, FORMULAS.as_bytes()));
        let (header, rows) = parse_csv(&out);
        assert_eq!(rows.len(), 1);
        (header, rows.into_iter().next().unwrap(), out)
    };
    let (plain_header, plain, plain_text) = cells(&[]);
    for quote in ["always", "necessary"] {
        let (header, safe, text) = cells(&["--excel-safe", "--quote", quote]);
        assert_eq!(header, plain_header, "the header is never changed");
        let (mut defused, mut numbers) = (0, 0);
        for (i, name) in header.iter().enumerate() {
            let (p, s) = (&plain[i], &safe[i]);
            let number = [
                "Age (Days)",
                "Inspector Score",
                "NVD CVSS3 Score",
                "NVD CVSS2 Score",
                "Vendor CVSS3 Score",
                "Vendor CVSS2 Score",
                "Epss Score",
            ]
            .contains(&name.as_str());
            if number {
                assert_eq!(s, p, "{name}");
                numbers += p.starts_with('-') as usize;
            } else if p.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                assert_eq!(*s, format!("'{p}"), "{name}");
                defused += 1;
            } else {
                assert_eq!(s, p, "{name}");
            }
        }
        // Title, Description, Remediation, Finding ARN, Severity, Finding Type, the NVD
        // and vendor CVSS3 vectors, Resource Tags; and six negative scores.
        assert_eq!((defused, numbers), (9, 6), "{text}");
        assert!(
            text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"open me\"\")\""),
            "{text}"
        );
    }
    assert!(
        plain_text.contains("\"=HYPERLINK("),
        "off by default: {plain_text}"
    );
    let o = run(&["--excel-safe", "-f", "json", &page()]);
    fails_with(&o, 2, &["--excel-safe is for the CSV report"]);
    for (option, value) in [
        ("--columns", "Severity"),
        ("--layout", "documented"),
        ("--quote", "necessary"),
    ] {
        for format in ["json", "ndjson"] {
            let o = run(&[option, value, "-f", format, &page()]);
            fails_with(&o, 2, &[&format!("{option} shapes the CSV report")]);
        }
    }
}
