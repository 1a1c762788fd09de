use super::*;
use crate::filter::{Criteria, Filter};
use crate::report::{JsonTimestamps, ReportFormat};

fn inputs(name: &str, texts: &[&'static str]) -> Vec<Result<Input>> {
    texts
        .iter()
        .enumerate()
        .map(|(k, t)| Input::from_reader(&format!("{name}{k}"), Box::new(t.as_bytes())))
        .collect()
}

fn ndjson(threads: usize) -> Config {
    Config {
        format: ReportFormat::Ndjson {
            timestamps: JsonTimestamps::Verbatim,
        },
        threads,
        ..Config::default()
    }
}

/// `(change, title)` of each entry of the report, and the counts.
fn changes(
    config: &Config,
    options: DiffOptions,
    old: &[&'static str],
    new: &[&'static str],
) -> (Vec<(String, String)>, Stats) {
    let mut out = Vec::new();
    let stats = compare(
        config,
        options,
        || inputs("old", old),
        || inputs("new", new),
        &mut out,
    )
    .unwrap();
    let entries = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["change"].as_str().unwrap().to_string(),
                v["finding"]["title"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    (entries, stats)
}

const OLD: &str = r#"[
  {"findingArn":"gone","status":"ACTIVE","title":"gone"},
  {"findingArn":"same","status":"ACTIVE","severity":"HIGH","title":"same-old"},
  {"findingArn":"worse","status":"ACTIVE","severity":"HIGH","title":"worse-old"},
  {"status":"ACTIVE","title":"old without arn"},
  {"findingArn":"closed","status":"ACTIVE","title":"closed-old"},
  {"findingArn":"was-suppressed","status":"SUPPRESSED","title":"suppressed-old"}
]"#;

const NEW: &str = r#"[
  {"findingArn":"worse","status":"ACTIVE","severity":"CRITICAL","title":"worse"},
  {"findingArn":"fresh","status":"ACTIVE","title":"fresh"},
  {"findingArn":"same","status":"ACTIVE","severity":"HIGH","title":"same","description":"reworded"},
  {"status":"ACTIVE","title":"new without arn"},
  {"findingArn":"closed","status":"CLOSED","title":"closed-now"},
  {"findingArn":"was-suppressed","status":"ACTIVE","title":"active-again"}
]"#;

#[test]
fn every_change_in_order() {
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    for threads in [1, 2] {
        let (got, stats) = changes(&ndjson(threads), DiffOptions::default(), &[OLD], &[NEW]);
        assert_eq!(
            got,
            pairs(&[
                ("CHANGED", "worse"),
                ("NEW", "fresh"),
                ("NEW", "new without arn"),
                // Out of OLD's filter (SUPPRESSED), into NEW's: new to this report.
                ("NEW", "active-again"),
                ("RESOLVED", "gone"),
                ("RESOLVED", "old without arn"),
                // CLOSED now, so out of NEW's ACTIVE report.
                ("RESOLVED", "closed-old"),
            ])
        );
        let c = &stats.changes;
        assert_eq!((c.new, c.changed, c.unchanged, c.resolved), (3, 1, 1, 3));
        assert_eq!(stats.findings_written, 7);
        assert_eq!(stats.findings_read, 12);
        assert_eq!(
            stats.excluded_by_status_rule, 2,
            "OLD's SUPPRESSED, NEW's CLOSED"
        );
        assert_eq!(
            stats
                .inputs
                .iter()
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>(),
            ["old0", "new0"]
        );
        let (got, stats) = changes(
            &ndjson(threads),
            DiffOptions {
                include_unchanged: true,
            },
            &[OLD],
            &[NEW],
        );
        assert_eq!(got[2], ("UNCHANGED".to_string(), "same".to_string()));
        assert_eq!(stats.findings_written, 8);
    }
}

/// Each side is de-duplicated before it is compared: OLD's latest state counts, and NEW's.
#[test]
fn both_sides_are_deduplicated_first() {
    let old = [
        r#"{"findingArn":"a","updatedAt":1,"status":"ACTIVE","severity":"LOW","title":"a1"}"#,
        r#"{"findingArn":"a","updatedAt":2,"status":"ACTIVE","severity":"HIGH","title":"a2"}"#,
    ];
    let new = [
        r#"{"findingArn":"a","updatedAt":3,"status":"ACTIVE","severity":"HIGH","title":"a3"}
           {"findingArn":"b","updatedAt":3,"status":"ACTIVE","title":"b3"}"#,
        r#"{"findingArn":"b","updatedAt":4,"status":"ACTIVE","title":"b4"}"#,
    ];
    let (got, stats) = changes(
        &ndjson(2),
        DiffOptions {
            include_unchanged: true,
        },
        &old,
        &new,
    );
    assert_eq!(
        got,
        [
            ("UNCHANGED".to_string(), "a3".to_string()),
            ("NEW".to_string(), "b4".to_string())
        ]
    );
    assert_eq!(stats.duplicates, 2);
}

/// A filter that needs the full view applies on both sides.
#[test]
fn the_filter_applies_to_both_sides() {
    let criteria =
        Criteria::parse(r#"{"severity":[{"comparison":"EQUALS","value":"HIGH"}]}"#).unwrap();
    let config = Config {
        filter: Filter::new(criteria),
        ..ndjson(1)
    };
    let (got, stats) = changes(&config, DiffOptions::default(), &[OLD], &[NEW]);
    // OLD's HIGH findings: same, worse. NEW's: same. So worse (CRITICAL now) resolved.
    assert_eq!(got, [("RESOLVED".to_string(), "worse-old".to_string())]);
    assert_eq!(stats.changes.unchanged, 1);
    assert_eq!(stats.excluded_by_filter, 4 + 5);
}
