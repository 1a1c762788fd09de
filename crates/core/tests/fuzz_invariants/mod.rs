//! Invariants the fuzz targets check, shared with `cargo test` so that every input the
//! fuzzers ever found (the regression corpus in `fuzz/regressions/`) is replayed on each
//! test run. The fuzz crate includes this file by path.
//!
//! These are properties, not just "no panic": the scanner finds the same items at any read
//! size and the same findings as serde_json on valid input; a CSV report always parses back
//! to the header's column count; the JSON report always parses.

#![allow(dead_code)]

use inspector_report_core::decode::finding::Finding;
use inspector_report_core::filter::FilterDocument;
use inspector_report_core::scan::ItemReader;
use inspector_report_core::{
    convert, timestamp, Column, Config, Filter, Input, JsonTimestamps, Limits, QuoteStyle,
    ReportFormat,
};
use serde_json::Value;
use std::io::{self, Read};

/// A reader that returns at most `n` bytes per call, so every read-boundary path runs.
pub struct Trickle<B> {
    data: B,
    pos: usize,
    n: usize,
}

impl<B: AsRef<[u8]>> Trickle<B> {
    /// Reads `data` at most `n` bytes at a time.
    pub fn new(data: B, n: usize) -> Trickle<B> {
        Trickle { data, pos: 0, n }
    }
}

impl<B: AsRef<[u8]>> Read for Trickle<B> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let rest = &self.data.as_ref()[self.pos..];
        let n = self.n.min(out.len()).min(rest.len());
        out[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

/// Items (as bytes) or the error's (byte, finding, message).
type ScanResult = Result<Vec<Vec<u8>>, (Option<u64>, Option<u64>, String)>;

fn scan_with(data: &[u8], chunk: usize, limits: &Limits) -> ScanResult {
    let mut r = ItemReader::new(Trickle::new(data, chunk), "fuzz", limits);
    let mut items = Vec::new();
    loop {
        match r.next_item() {
            Ok(Some(it)) => items.push(it.bytes.to_vec()),
            Ok(None) => return Ok(items),
            Err(e) => {
                let p = e.position();
                return Err((p.byte, p.finding, e.to_string()));
            }
        }
    }
}

/// What serde_json says the findings of `data` are, when it can say.
fn serde_view(data: &[u8]) -> Option<Vec<Value>> {
    // Duplicate keys would hide a second `findings` array from `Value`, and a BOM is not
    // JSON: no oracle for those.
    if data.windows(10).filter(|w| w == b"\"findings\"").count() > 1
        || data.starts_with(b"\xEF\xBB\xBF")
    {
        return None;
    }
    let mut out = Vec::new();
    for v in serde_json::Deserializer::from_slice(data).into_iter::<Value>() {
        match v.ok()? {
            Value::Object(o) => match o.get("findings") {
                Some(Value::Array(a)) => {
                    for f in a {
                        if !f.is_object() {
                            return None;
                        }
                        out.push(f.clone());
                    }
                }
                Some(Value::Null) => {}
                Some(_) => return None,
                None => out.push(Value::Object(o)),
            },
            Value::Array(a) => {
                for f in a {
                    if !f.is_object() {
                        return None;
                    }
                    out.push(f);
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The scanner gives the same result for reads of 1, 7 and 4096 bytes as for the whole
/// input, and on valid input the same findings as serde_json.
pub fn check_scan(data: &[u8]) {
    let limits = Limits {
        read_buffer_bytes: 64,
        max_finding_bytes: 1 << 20,
        ..Limits::default()
    };
    let whole = scan_with(data, usize::MAX, &limits);
    for chunk in [1, 7, 4096] {
        assert_eq!(scan_with(data, chunk, &limits), whole, "read size {chunk}");
    }
    if let (Ok(items), Some(expected)) = (&whole, serde_view(data)) {
        let got: Vec<Value> = items
            .iter()
            .map(|i| serde_json::from_slice(i).expect("serde_json accepted the whole input"))
            .collect();
        assert_eq!(got, expected, "scanner and serde_json disagree");
    }
}

/// A timestamp that parses renders to 24 bytes that parse back to the same instant.
pub fn check_timestamp(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(ms) = timestamp::parse(s) {
        let r = timestamp::to_string(ms);
        assert_eq!(r.len(), 24, "{s:?} -> {r}");
        assert_eq!(timestamp::parse(&r), Some(ms), "{s:?} -> {r}");
        assert!(r.ends_with('Z') && r.as_bytes()[10] == b'T');
    }
}

fn run(config: &Config, data: &[u8]) -> Result<(Vec<u8>, u64), String> {
    let input = Input::from_reader("fuzz", Box::new(io::Cursor::new(data.to_vec())))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let stats = convert(config, [Ok(input)], &mut out).map_err(|e| e.to_string())?;
    Ok((out, stats.findings_written))
}

/// Whatever converts gives a CSV whose every record has the header's column count and one
/// row per finding, and a JSON report that parses with one element per finding; both
/// formats agree on success and counts. The CSV's second pass is `--excel-safe`, whose
/// cells are the first pass's with a `'` before each text cell that starts a formula.
pub fn check_convert(data: &[u8]) {
    let base = Config {
        filter: Filter::all_statuses(),
        as_of_ms: 1_750_000_000_000,
        threads: 1,
        limits: Limits {
            max_finding_bytes: 1 << 20,
            ..Limits::default()
        },
        ..Config::default()
    };
    let mut results = Vec::new();
    let mut plain_rows: Option<Vec<csv::ByteRecord>> = None;
    for (quote, excel_safe) in [(QuoteStyle::Always, false), (QuoteStyle::Necessary, true)] {
        let config = Config {
            format: ReportFormat::Csv {
                columns: Column::ALL.to_vec(),
                quote,
                excel_safe,
            },
            ..base.clone()
        };
        let r = run(&config, data);
        if quote == QuoteStyle::Always {
            // One thread runs every stage inline; two run the threaded pipeline. Same
            // report, or the same error.
            let threaded = Config {
                threads: 2,
                limits: Limits {
                    batch_findings: 3,
                    ..config.limits.clone()
                },
                ..config.clone()
            };
            assert_eq!(
                run(&threaded, data),
                r,
                "inline and threaded pipelines differ"
            );
        }
        if let Ok((out, n)) = &r {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(true)
                .from_reader(&out[..]);
            assert_eq!(rdr.headers().expect("header").len(), Column::ALL.len());
            let mut rows = Vec::new();
            for rec in rdr.byte_records() {
                let rec = rec.expect("a CSV record");
                assert_eq!(rec.len(), Column::ALL.len());
                rows.push(rec);
            }
            assert_eq!(rows.len() as u64, *n);
            match &plain_rows {
                None => plain_rows = Some(rows),
                Some(plain) => check_excel_safe(plain, &rows),
            }
        }
        results.push(r.map(|(_, n)| n));
    }
    for ts in [JsonTimestamps::Iso, JsonTimestamps::Verbatim] {
        let config = Config {
            format: ReportFormat::Json { timestamps: ts },
            ..base.clone()
        };
        let r = run(&config, data);
        if let Ok((out, n)) = &r {
            let v: Value = serde_json::from_slice(out).expect("the JSON report parses");
            assert_eq!(v["findings"].as_array().map(|a| a.len() as u64), Some(*n));
        }
        results.push(r.map(|(_, n)| n));
    }
    let first = results[0].as_ref().ok();
    for r in &results[1..] {
        assert_eq!(r.as_ref().ok(), first, "formats disagree: {results:?}");
    }
}

/// Spec 2.2.1, cell by cell: `safe` is `plain` with a `'` before each text cell that
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return; number cells are as they were.
fn check_excel_safe(plain: &[csv::ByteRecord], safe: &[csv::ByteRecord]) {
    assert_eq!(plain.len(), safe.len());
    for (p, s) in plain.iter().zip(safe) {
        for (i, col) in Column::ALL.iter().enumerate() {
            let (p, s) = (&p[i], &s[i]);
            let formula = matches!(p.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'));
            if formula && !col.is_number() {
                assert_eq!(s, [b"'", p].concat(), "{}", col.name());
            } else {
                assert_eq!(s, p, "{}", col.name());
            }
        }
    }
}

const FINDINGS: &[&str] = &[
    r#"{"status":"ACTIVE","severity":"HIGH","inspectorScore":7.5,"firstObservedAt":1700000000,
       "resources":[{"id":"i-1","tags":{"k":"v"},"details":{"awsEcrContainerImage":{"imageTags":["a"]}}}],
       "networkReachabilityDetails":{"openPortRange":{"begin":1,"end":2}},
       "packageVulnerabilityDetails":{"vulnerablePackages":[{"name":"x","epoch":1}]}}"#,
    r#"{}"#,
    r#"{"status":1,"resources":"x","packageVulnerabilityDetails":[]}"#,
];

/// Any filter document either is rejected with a message or decides every finding
/// without panicking.
pub fn check_filter(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    match FilterDocument::parse(s) {
        Ok(doc) => {
            let f = Filter::new(doc.criteria);
            for text in FINDINGS {
                let finding: Finding = serde_json::from_str(text).expect("fixed finding");
                let _ = f.verdict(&finding);
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// `walk`: the fast decoder and serde_json agree on every input. Where the walker accepts a
/// finding, serde_json accepts it too, with the same view and no warnings; the full view
/// and the status-only view are both checked, on the input as given and on each object
/// nested in it (findings inside pages). Also: `unescape` equals serde_json's string
/// decoding on every string literal.
pub fn check_walk(data: &[u8]) {
    use inspector_report_core::decode::finding::StatusOnly;
    use inspector_report_core::decode::unescape;
    use inspector_report_core::decode::value::take_decode_warnings;
    use inspector_report_core::decode::walk::walk;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut starts = vec![0];
    starts.extend(text.match_indices('{').map(|(i, _)| i).take(64));
    for s in starts {
        let t = &text[s..];
        if let Ok(v) = walk::<Finding>(t) {
            take_decode_warnings();
            let d = serde_json::from_str::<Finding>(t)
                .unwrap_or_else(|e| panic!("walker accepted what serde_json rejects: {e}"));
            assert_eq!(
                take_decode_warnings(),
                (0, 0),
                "walker accepted a finding with warnings"
            );
            assert_eq!(format!("{v:?}"), format!("{d:?}"));
        }
        if let Ok(v) = walk::<StatusOnly>(t) {
            let d = serde_json::from_str::<StatusOnly>(t)
                .unwrap_or_else(|e| panic!("walker accepted what serde_json rejects: {e}"));
            assert_eq!(format!("{v:?}"), format!("{d:?}"));
        }
        check_json_fast_path(t.as_bytes());
    }
    for (i, _) in text.match_indices('"').take(64) {
        // The literal from this quote to the next unescaped quote, when serde_json
        // accepts it as a string.
        let rest = &text[i..];
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<String>();
        if let Some(Ok(s)) = values.next() {
            let end = values.byte_offset();
            assert_eq!(unescape(&rest[..end]), s.as_str());
        }
    }
}

/// The JSON report's fast path agrees with the decoder and the reference minifier on
/// every item it accepts: same status, same finding bytes, same report bytes and warnings.
fn check_json_fast_path(item: &[u8]) {
    use inspector_report_core::decode::finding::StatusOnly;
    use inspector_report_core::decode::{decode_as, Decoded};
    use inspector_report_core::report::json::{walk_item, write_finding, write_walked, WalkedItem};
    use inspector_report_core::stats::Warnings;
    use inspector_report_core::Breakdown;
    let Ok(fast) = walk_item(item) else {
        return;
    };
    let mut w = Warnings::default();
    let reference = decode_as::<StatusOnly>(item, &mut w)
        .unwrap_or_else(|e| panic!("the JSON fast path accepted what the decoder rejects: {e:?}"));
    match (fast, reference) {
        (WalkedItem::OtherEvent, Decoded::OtherEvent) => {}
        (WalkedItem::Finding(v, text), Decoded::Finding { finding, bytes, .. }) => {
            assert_eq!(text.as_bytes(), bytes);
            assert_eq!(format!("{:?}", v.status), format!("{:?}", finding.status));
            // The breakdown counts the same from the walk as from the typed view.
            let mut full = Warnings::default();
            match inspector_report_core::decode::decode(item, &mut full) {
                Ok(Decoded::Finding { finding, .. }) => {
                    let (mut a, mut b) = (Breakdown::default(), Breakdown::default());
                    a.count_walked(&v);
                    b.count_finding(&finding);
                    assert_eq!(a, b, "breakdown of the walk and of the view");
                }
                other => panic!("the full view rejects what the walk took: {other:?}"),
            }
            for ts in [JsonTimestamps::Iso, JsonTimestamps::Verbatim] {
                let (mut a, mut b) = (Vec::new(), Vec::new());
                let (mut wa, mut wb) = (Warnings::default(), Warnings::default());
                write_walked(text, &v.stamps, ts, &mut a, &mut wa);
                write_finding(bytes, ts, &mut b, &mut wb);
                assert_eq!(String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
                assert_eq!(wa, wb);
            }
        }
        (a, b) => panic!("the JSON fast path and the decoder disagree: {a:?} / {b:?}"),
    }
}
