//! Bad input (spec section 5): exit status 1, a message that names the input, the byte
//! and the finding, and nothing left at `-o`.

mod common;
use common::*;

/// Runs the binary on `input` written to a file, with `-o` in the same directory, and
/// returns stderr after checking exit 1 and that only the input file remains.
#[track_caller]
fn fails(name: &str, input: &[u8], args: &[&str]) -> String {
    let d = TempDir::new("bad");
    let inp = d.path(name);
    std::fs::write(&inp, input).unwrap();
    let out = d.path("report.csv");
    let mut a = vec!["-o", out.to_str().unwrap()];
    a.extend_from_slice(args);
    a.push(inp.to_str().unwrap());
    let o = run(&a);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "stderr: {e}");
    assert_eq!(
        d.names(),
        vec![name.to_string()],
        "no report and no temporary file left"
    );
    assert!(e.starts_with("inspector-report: "), "{e}");
    assert!(e.contains(inp.to_str().unwrap()), "names the input: {e}");
    e.replace(inp.to_str().unwrap(), "IN")
        .trim_end()
        .to_string()
}

const GOOD: &str = r#"{"status":"ACTIVE","title":"ok"}"#;

#[test]
fn truncated_file() {
    let input = format!("{{\"findings\":[{GOOD},{{\"status\":\"ACT");
    let e = fails("t.json", input.as_bytes(), &[]);
    assert_eq!(
        e,
        format!(
            "inspector-report: input error: IN: finding 1 (byte {}): unexpected end of input inside a finding (truncated file?)",
            input.len()
        )
    );
    let e = fails("t2.json", format!("[{GOOD}").as_bytes(), &[]);
    assert!(
        e.contains("unexpected end of input inside an array of findings"),
        "{e}"
    );
}

#[test]
fn invalid_utf8() {
    let mut input = format!("[{GOOD},{{\"title\":\"caf").into_bytes();
    let bad = input.len();
    input.extend_from_slice(b"\xff\"}]");
    let e = fails("u.json", &input, &["-f", "json"]);
    assert_eq!(
        e,
        format!("inspector-report: input error: IN: finding 1 (byte {bad}): invalid UTF-8; inputs must be UTF-8 JSON")
    );
}

#[test]
fn truncated_gzip() {
    let whole = gzip(format!("[{GOOD},{GOOD},{GOOD}]").repeat(1).as_bytes());
    let e = fails("t.json.gz", &whole[..whole.len() - 12], &[]);
    assert!(e.contains("inspector-report: read error: IN: byte "), "{e}");
    assert!(e.contains("gzip stream is corrupt or ends early"), "{e}");
}

#[test]
fn a_number_inside_findings() {
    let input = format!("{{\"findings\":[{GOOD}, 42]}}");
    let e = fails("n.json", input.as_bytes(), &[]);
    assert_eq!(
        e,
        format!(
            "inspector-report: input error: IN: finding 1 (byte {}): expected a finding object, found a number",
            input.find("42").unwrap()
        )
    );
}

#[test]
fn trailing_garbage() {
    let input = format!("{{\"findings\":[{GOOD}]}}\nnot json");
    let e = fails("g.json", input.as_bytes(), &[]);
    assert_eq!(
        e,
        format!(
            "inspector-report: input error: IN: finding 1 (byte {}): expected `{{` or `[` to start a page, finding, event or array, found `n`",
            input.find("not").unwrap()
        )
    );
}

#[test]
fn raw_newline_inside_a_string() {
    let input = format!("[{GOOD},\n{{\"status\":\"ACTIVE\",\n  \"title\":\"two\nlines\"}}]");
    let e = fails("nl.json", input.as_bytes(), &[]);
    assert_eq!(
        e,
        format!(
            "inspector-report: input error: IN: finding 1 (byte {}): invalid finding JSON: control character (\\u0000-\\u001F) found while parsing a string",
            input.find("two\n").unwrap() + 3
        )
    );
}

#[test]
fn malformed_finding_json() {
    let input = format!("[{GOOD},{{\"status\":\"ACTIVE\",\"title\":tru}}]");
    let e = fails("m.json", input.as_bytes(), &[]);
    assert!(
        e.contains(&format!(
            "finding 1 (byte {})",
            input.find("tru}").unwrap() + 3
        )),
        "{e}"
    );
    assert!(e.contains("invalid finding JSON: expected ident"), "{e}");
}

#[test]
fn limits_are_named() {
    let deep = format!(
        "[{}{}]",
        "{\"a\":".repeat(200),
        "1".to_string() + &"}".repeat(200)
    );
    let e = fails("deep.json", deep.as_bytes(), &[]);
    assert!(
        e.contains("nests deeper than the limit of 128 levels (MAX_DEPTH)"),
        "{e}"
    );
    // 128 levels are accepted.
    let ok128 = format!("[{}{}]", "{\"a\":".repeat(127) + "{", "}".repeat(128));
    let o = run_stdin(&["-q"], ok128.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn missing_input_file() {
    let o = run(&["/nonexistent/findings.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("/nonexistent/findings.json"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_error_in_a_later_input_still_fails_the_run() {
    let d = TempDir::new("later");
    let good = d.path("a.json");
    std::fs::write(&good, format!("[{GOOD}]")).unwrap();
    let bad = d.path("b.json");
    std::fs::write(&bad, "[{\"x\":}]").unwrap();
    let out = d.path("r.csv");
    let o = run(&[
        "-o",
        out.to_str().unwrap(),
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("b.json: finding 0 (byte 6)"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
}
