//! Property tests: generated findings survive the trip through every input layout, the
//! scanner at any read size, and both reports.

mod fuzz_invariants;
use fuzz_invariants::Trickle;

use inspector_report_core::scan::ItemReader;
use inspector_report_core::{
    convert, Column, Config, Filter, Input, JsonTimestamps, Limits, QuoteStyle, ReportFormat,
};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::io;

/// Any text, weighted towards what breaks CSV and JSON: quotes, commas, newlines,
/// backslashes, control characters and non-ASCII.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,12}",
        "[\",\\n\\r\\\\\t{}\\[\\]:é漏😀\u{0}\u{1f}a ]{0,16}",
        any::<String>(),
    ]
}

fn finding() -> impl Strategy<Value = Value> {
    (
        text(),
        text(),
        proptest::collection::vec((text(), proptest::option::of(text())), 0..4),
        proptest::collection::vec((text(), text()), 0..4),
        0u64..4_000_000_000,
        0u32..1000,
    )
        .prop_map(|(title, account, resources, tags, secs, ms)| {
            let res: Vec<Value> = resources
                .iter()
                .map(|(id, region)| {
                    let mut r = json!({"id": id, "type": "AWS_EC2_INSTANCE"});
                    if let Some(reg) = region {
                        r["region"] = json!(reg);
                    }
                    r
                })
                .collect();
            let mut t = serde_json::Map::new();
            for (k, v) in &tags {
                t.insert(k.clone(), json!(v));
            }
            let mut f = json!({
                "awsAccountId": account,
                "title": title,
                "status": "ACTIVE",
                "firstObservedAt": serde_json::from_str::<Value>(&format!("{secs}.{ms:03}")).unwrap(),
                "resources": res,
            });
            if !res.is_empty() {
                f["resources"][0]["tags"] = Value::Object(t);
            }
            f
        })
}

#[derive(Debug, Clone, Copy)]
enum Shape {
    Page,
    Pages,
    Array,
    Ndjson,
    Events,
}

fn layout(findings: &[Value], shape: Shape, pretty: bool) -> Vec<u8> {
    let ser = |v: &Value| {
        if pretty {
            serde_json::to_string_pretty(v).unwrap()
        } else {
            serde_json::to_string(v).unwrap()
        }
    };
    match shape {
        Shape::Page => ser(&json!({"nextToken": "x", "findings": findings})).into_bytes(),
        Shape::Pages => findings
            .chunks(2)
            .map(|c| ser(&json!({"findings": c, "nextToken": "t"})))
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes(),
        Shape::Array => ser(&Value::Array(findings.to_vec())).into_bytes(),
        Shape::Ndjson => findings.iter().map(|f| ser(f) + "\n").collect::<String>().into_bytes(),
        Shape::Events => findings
            .iter()
            .map(|f| ser(&json!({"detail-type": "Inspector2 Finding", "source": "aws.inspector2", "detail": f})) + "\n")
            .collect::<String>()
            .into_bytes(),
    }
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Page),
        Just(Shape::Pages),
        Just(Shape::Array),
        Just(Shape::Ndjson),
        Just(Shape::Events)
    ]
}

fn run(config: &Config, bytes: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    let input = Input::from_reader("prop", Box::new(io::Cursor::new(bytes))).unwrap();
    convert(config, [Ok(input)], &mut out).unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The scanner's items, at any read size, are the findings serde_json sees.
    #[test]
    fn scanner_matches_serde_json(findings in proptest::collection::vec(finding(), 0..6),
                                  shape in shape(), pretty in any::<bool>(), chunk in 1usize..64) {
        let bytes = layout(&findings, shape, pretty);
        let limits = Limits { read_buffer_bytes: 16, ..Limits::default() };
        let mut r = ItemReader::new(Trickle::new(bytes, chunk), "prop", &limits);
        let mut items = Vec::new();
        while let Some(it) = r.next_item().unwrap() {
            let v: Value = serde_json::from_slice(it.bytes).unwrap();
            items.push(match shape { Shape::Events => v["detail"].clone(), _ => v });
        }
        prop_assert_eq!(items, findings);
    }

    /// CSV parses back to one row per finding with the expected cells; the JSON report
    /// parses back to the same findings.
    #[test]
    fn reports_round_trip(findings in proptest::collection::vec(finding(), 0..6),
                          shape in shape(), pretty in any::<bool>(), necessary in any::<bool>()) {
        let bytes = layout(&findings, shape, pretty);
        let columns = Column::parse_list("AWS Account Id,Title,Resource ID,Region,Resource Tags,First Seen").unwrap();
        let config = Config {
            format: ReportFormat::Csv { columns: columns.clone(), quote: if necessary { QuoteStyle::Necessary } else { QuoteStyle::Always }, excel_safe: false },
            filter: Filter::default(),
            as_of_ms: 0,
            limits: Limits::default(),
            threads: 2,
            ..Config::default()
        };
        let out = run(&config, bytes.clone());
        let mut rdr = csv::ReaderBuilder::new().from_reader(&out[..]);
        let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
        prop_assert_eq!(rows.len(), findings.len());
        for (row, f) in rows.iter().zip(&findings) {
            prop_assert_eq!(row.len(), columns.len());
            prop_assert_eq!(&row[0], f["awsAccountId"].as_str().unwrap());
            prop_assert_eq!(&row[1], f["title"].as_str().unwrap());
            let res = f["resources"].as_array().unwrap();
            let ids: Vec<&str> = res.iter().map(|r| r["id"].as_str().unwrap()).collect();
            let want_ids = if ids.iter().all(|s| s.is_empty()) { String::new() } else { ids.join(",") };
            prop_assert_eq!(&row[2], want_ids.as_str());
            let regions: Vec<&str> = res.iter().map(|r| r["region"].as_str().unwrap_or("")).collect();
            let want_regions = if regions.iter().all(|s| s.is_empty()) { String::new() } else { regions.join(",") };
            prop_assert_eq!(&row[3], want_regions.as_str());
            let tags: Vec<String> = res.first().and_then(|r| r["tags"].as_object())
                .map(|t| t.iter().map(|(k, v)| format!("{k}:{}", v.as_str().unwrap())).collect())
                .unwrap_or_default();
            let want_tags = tags.join(",");
            prop_assert_eq!(&row[4], want_tags.as_str());
            prop_assert_eq!(row[5].len(), 24);
        }

        let json_cfg = Config { format: ReportFormat::Json { timestamps: JsonTimestamps::Verbatim }, ..config };
        let out = run(&json_cfg, bytes);
        let v: Value = serde_json::from_slice(&out).unwrap();
        prop_assert_eq!(v, json!({"findings": findings}));
    }
}
