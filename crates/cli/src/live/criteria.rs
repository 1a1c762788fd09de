//! The `filterCriteria` sent to ListFindings (spec 1.4), and the disjoint partitions a
//! region's query is split into.
//!
//! What is sent may select more than the run keeps, never less: the core applies the
//! whole filter again to every finding that arrives. So a member that the document and a
//! shortcut both filter is sent as the document has it, and the shortcut is applied
//! locally only (one member cannot say "these AND those" in the API's terms).
//!
//! Values go out in the API's wire form: a date bound as epoch seconds (a filter document
//! may write it in any timestamp form of spec 1.2), a number bound as a JSON number (a
//! document may write `"7.5"`). Everything else goes out as written.

use inspector_report_core::filter::criteria::MAX_FILTERS_PER_MEMBER;
use inspector_report_core::filter::{Condition, Criteria, Kind, Member, StringTest};
use inspector_report_core::timestamp::{self, EpochMillis};
use serde_json::{json, Map, Number, Value};

/// The severities the API model knows, in the order their partitions are queried. Real
/// data may hold others (every enum is open, spec 1.1); one more partition catches them.
pub const SEVERITIES: [&str; 6] = [
    "CRITICAL",
    "HIGH",
    "MEDIUM",
    "LOW",
    "INFORMATIONAL",
    "UNTRIAGED",
];

/// The `filterCriteria` object to send: the filter `document` (the FilterCriteria object
/// as written, already checked by the core) in wire form, the members the `shortcuts`
/// filter that the document does not, and `findingStatus` EQUALS ACTIVE when
/// `status_given` is false (the default rule, made explicit).
pub fn api_criteria(
    document: &Value,
    shortcuts: &Criteria,
    status_given: bool,
) -> Map<String, Value> {
    let mut sent = Map::new();
    if let Value::Object(members) = document {
        for (name, filters) in members {
            let wire = match Member::from_name(name) {
                Some(m) => wire_filters(m.kind(), filters),
                None => filters.clone(),
            };
            sent.insert(name.clone(), wire);
        }
    }
    for c in &shortcuts.conditions {
        let (member, filters) = match c {
            Condition::Strings(m, tests) => (m, tests.iter().map(string_filter).collect()),
            Condition::Dates(m, ranges) => (
                m,
                ranges
                    .iter()
                    .map(|r| {
                        let mut f = Map::new();
                        if let Some(low) = r.low {
                            f.insert("startInclusive".into(), epoch_seconds(low));
                        }
                        if let Some(high) = r.high {
                            f.insert("endInclusive".into(), epoch_seconds(high));
                        }
                        Value::Object(f)
                    })
                    .collect(),
            ),
            // The shortcuts make string and date conditions only.
            _ => continue,
        };
        sent.entry(member.name().to_string())
            .or_insert_with(|| Value::Array(filters));
    }
    if !status_given {
        sent.entry(Member::FindingStatus.name().to_string())
            .or_insert_with(|| json!([{"comparison": "EQUALS", "value": "ACTIVE"}]));
    }
    sent
}

fn string_filter(t: &StringTest) -> Value {
    let (comparison, value) = match t {
        StringTest::Equals(v) => ("EQUALS", v),
        StringTest::Prefix(v) => ("PREFIX", v),
        StringTest::NotEquals(v) => ("NOT_EQUALS", v),
    };
    json!({"comparison": comparison, "value": value})
}

/// A member's list of filters in wire form.
fn wire_filters(kind: Kind, filters: &Value) -> Value {
    let Value::Array(list) = filters else {
        return filters.clone();
    };
    let bounds: &[&str] = match kind {
        Kind::Date => &["startInclusive", "endInclusive"],
        Kind::Number => &["lowerInclusive", "upperInclusive"],
        Kind::Package => &["epoch"],
        _ => return filters.clone(),
    };
    Value::Array(
        list.iter()
            .map(|f| {
                let Value::Object(o) = f else {
                    return f.clone();
                };
                let mut o = o.clone();
                for key in bounds {
                    match (kind, o.get_mut(*key)) {
                        (Kind::Date, Some(v)) => *v = date_bound(v),
                        (Kind::Number, Some(v)) => *v = number_bound(v),
                        (Kind::Package, Some(Value::Object(epoch))) => {
                            for b in ["lowerInclusive", "upperInclusive"] {
                                if let Some(v) = epoch.get_mut(b) {
                                    *v = number_bound(v);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                // A null bound is no bound; the API wants it left out.
                o.retain(|_, v| !v.is_null());
                Value::Object(o)
            })
            .collect(),
    )
}

/// A date bound in any timestamp form as epoch seconds; a value that is no timestamp
/// (the core has refused such a document already) is left as it is.
fn date_bound(v: &Value) -> Value {
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return v.clone(),
    };
    timestamp::parse(&text).map_or_else(|| v.clone(), epoch_seconds)
}

/// A number bound written as a string (`"7.5"`) as a JSON number.
fn number_bound(v: &Value) -> Value {
    match v {
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or_else(|| v.clone(), Value::Number),
        _ => v.clone(),
    }
}

/// Epoch milliseconds as the API's epoch seconds: whole seconds as an integer, else with
/// the milliseconds as a fraction.
fn epoch_seconds(ms: EpochMillis) -> Value {
    if ms % 1000 == 0 {
        Value::from(ms / 1000)
    } else {
        Number::from_f64(ms as f64 / 1000.0).map_or(Value::Null, Value::Number)
    }
}

/// The disjoint queries that together return every finding `sent` selects, for
/// paginating in parallel: one per known severity that the run's `criteria` can keep,
/// then one for every other severity value, when the filter can keep such a value.
///
/// A known severity's partition replaces the `severity` member with EQUALS that severity:
/// exact, since the filter's verdict on one known value is known here. The last partition
/// adds NOT_EQUALS each known severity to the `severity` member as sent (NOT_EQUALS
/// filters AND, spec 4), so it keeps what `sent` keeps minus the known severities. When
/// that would make more than the API's 10 filters in the member, the query is not split.
pub fn partitions(sent: &Map<String, Value>, criteria: &Criteria) -> Vec<Map<String, Value>> {
    let severity = Member::Severity.name();
    let tests: Vec<&[StringTest]> = criteria
        .conditions
        .iter()
        .filter_map(|c| match c {
            Condition::Strings(Member::Severity, t) => Some(&t[..]),
            _ => None,
        })
        .collect();
    let with_severity = |filters: Vec<Value>| {
        let mut p = sent.clone();
        p.insert(severity.into(), Value::Array(filters));
        p
    };
    let mut parts: Vec<Map<String, Value>> = SEVERITIES
        .iter()
        .filter(|v| tests.iter().all(|t| strings_hold(t, v)))
        .map(|v| with_severity(vec![json!({"comparison": "EQUALS", "value": v})]))
        .collect();
    if other_values_may_pass(&tests) {
        let mut filters = match sent.get(severity) {
            Some(Value::Array(f)) => f.clone(),
            _ => Vec::new(),
        };
        filters.extend(
            SEVERITIES
                .iter()
                .map(|v| json!({"comparison": "NOT_EQUALS", "value": v})),
        );
        if filters.len() > MAX_FILTERS_PER_MEMBER {
            return vec![sent.clone()];
        }
        parts.push(with_severity(filters));
    }
    if parts.is_empty() {
        // The filter keeps no severity at all: one query, which finds nothing (and still
        // checks that the caller may list findings).
        return vec![sent.clone()];
    }
    parts
}

/// Spec 4 for one value: an EQUALS or PREFIX filter matches (when there is one) and no
/// NOT_EQUALS filter equals it.
fn strings_hold(tests: &[StringTest], value: &str) -> bool {
    let positive: Vec<bool> = tests
        .iter()
        .filter_map(|t| match t {
            StringTest::Equals(s) => Some(value == s),
            StringTest::Prefix(s) => Some(value.starts_with(s.as_str())),
            StringTest::NotEquals(_) => None,
        })
        .collect();
    let violated = tests
        .iter()
        .any(|t| matches!(t, StringTest::NotEquals(s) if value == s));
    (positive.is_empty() || positive.contains(&true)) && !violated
}

/// Can a severity outside [`SEVERITIES`] pass every one of `tests`? Not when one list
/// holds only EQUALS filters of known severities.
fn other_values_may_pass(tests: &[&[StringTest]]) -> bool {
    !tests.iter().any(|t| {
        t.iter()
            .all(|f| matches!(f, StringTest::Equals(v) if SEVERITIES.contains(&v.as_str())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use inspector_report_core::filter::{shortcuts, FilterDocument, SHORTCUTS};
    use inspector_report_core::{convert, Column, Config, Filter, Input, QuoteStyle, ReportFormat};

    fn document(text: &str) -> (Value, Criteria) {
        let d = FilterDocument::parse(text).unwrap();
        (d.filter_criteria, d.criteria)
    }

    fn shortcut(name: &str, values: &[&str]) -> Criteria {
        let s = SHORTCUTS.iter().find(|s| s.name == name).unwrap();
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        shortcuts::criteria([(s, &values[..])], 0).unwrap()
    }

    #[test]
    fn the_default_status_rule_is_sent_explicitly() {
        let sent = api_criteria(&json!({}), &Criteria::default(), false);
        assert_eq!(
            Value::Object(sent),
            json!({"findingStatus": [{"comparison": "EQUALS", "value": "ACTIVE"}]})
        );
        let sent = api_criteria(&json!({}), &shortcut("all-statuses", &[]), true);
        assert!(sent.is_empty(), "{sent:?}");
    }

    #[test]
    fn dates_and_numbers_go_out_in_wire_form() {
        let (doc, c) = document(
            r#"{"firstObservedAt": [{"startInclusive": "2026-01-01T00:00:00Z", "endInclusive": null}],
                "lastObservedAt": [{"endInclusive": "1767225600.5"}],
                "inspectorScore": [{"lowerInclusive": "7.5", "upperInclusive": 10}],
                "vulnerablePackages": [{"name": {"comparison": "EQUALS", "value": "openssl"},
                                        "epoch": {"lowerInclusive": "1"}}],
                "severity": [{"comparison": "PREFIX", "value": "C"}],
                "findingStatus": [{"comparison": "NOT_EQUALS", "value": "CLOSED"}]}"#,
        );
        let sent = api_criteria(&doc, &Criteria::default(), c.status_given);
        assert_eq!(
            Value::Object(sent),
            json!({
                "firstObservedAt": [{"startInclusive": 1767225600}],
                "lastObservedAt": [{"endInclusive": 1767225600.5}],
                "inspectorScore": [{"lowerInclusive": 7.5, "upperInclusive": 10}],
                "vulnerablePackages": [{"name": {"comparison": "EQUALS", "value": "openssl"},
                                        "epoch": {"lowerInclusive": 1.0}}],
                "severity": [{"comparison": "PREFIX", "value": "C"}],
                "findingStatus": [{"comparison": "NOT_EQUALS", "value": "CLOSED"}],
            })
        );
    }

    #[test]
    fn shortcuts_add_members_the_document_leaves_out() {
        let (doc, _) = document(r#"{"severity": [{"comparison": "EQUALS", "value": "HIGH"}]}"#);
        let mut s = shortcut("severity", &["CRITICAL"]);
        s.extend(shortcut("account", &["111122223333", "444455556666"]));
        s.extend(shortcut(
            "first-observed-after",
            &["2026-01-01T00:00:00.250Z"],
        ));
        let sent = api_criteria(&doc, &s, false);
        assert_eq!(
            Value::Object(sent),
            json!({
                // The document's own: the shortcut's is applied locally.
                "severity": [{"comparison": "EQUALS", "value": "HIGH"}],
                "awsAccountId": [{"comparison": "EQUALS", "value": "111122223333"},
                                 {"comparison": "EQUALS", "value": "444455556666"}],
                "firstObservedAt": [{"startInclusive": 1767225600.25}],
                "findingStatus": [{"comparison": "EQUALS", "value": "ACTIVE"}],
            })
        );
    }

    fn severities_of(parts: &[Map<String, Value>]) -> Vec<Value> {
        parts.iter().map(|p| p["severity"].clone()).collect()
    }

    #[test]
    fn without_a_severity_filter_every_severity_has_a_partition() {
        let sent = api_criteria(&json!({}), &Criteria::default(), false);
        let parts = partitions(&sent, &Criteria::default());
        assert_eq!(parts.len(), 7);
        for (p, v) in parts.iter().zip(SEVERITIES) {
            assert_eq!(p["severity"], json!([{"comparison": "EQUALS", "value": v}]));
            assert_eq!(p["findingStatus"], sent["findingStatus"]);
        }
        let others: Vec<Value> = SEVERITIES
            .iter()
            .map(|v| json!({"comparison": "NOT_EQUALS", "value": v}))
            .collect();
        assert_eq!(parts[6]["severity"], Value::Array(others));
    }

    #[test]
    fn partitions_never_widen_the_severity_filter() {
        let c = shortcut("severity", &["HIGH", "CRITICAL"]);
        let sent = api_criteria(&json!({}), &c, false);
        assert_eq!(
            severities_of(&partitions(&sent, &c)),
            vec![
                json!([{"comparison": "EQUALS", "value": "CRITICAL"}]),
                json!([{"comparison": "EQUALS", "value": "HIGH"}]),
            ],
            "only known severities asked for: no partition for other values"
        );

        let (doc, c) = document(
            r#"{"severity": [{"comparison": "PREFIX", "value": "C"},
                             {"comparison": "NOT_EQUALS", "value": "CRITICAL"}]}"#,
        );
        let sent = api_criteria(&doc, &Criteria::default(), false);
        let parts = partitions(&sent, &c);
        assert_eq!(
            parts.len(),
            1,
            "no known severity passes; others may: {parts:?}"
        );
        let filters = parts[0]["severity"].as_array().unwrap();
        assert_eq!(filters.len(), 2 + SEVERITIES.len());
        assert_eq!(filters[..2], doc["severity"].as_array().unwrap()[..]);
    }

    #[test]
    fn a_query_the_member_limit_cannot_split_is_sent_whole() {
        let (doc, c) = document(
            r#"{"severity": [{"comparison": "NOT_EQUALS", "value": "A"},
                             {"comparison": "NOT_EQUALS", "value": "B"},
                             {"comparison": "NOT_EQUALS", "value": "C"},
                             {"comparison": "NOT_EQUALS", "value": "D"},
                             {"comparison": "NOT_EQUALS", "value": "E"}]}"#,
        );
        let sent = api_criteria(&doc, &c, c.status_given);
        assert_eq!(partitions(&sent, &c), vec![sent.clone()]);

        let (doc, c) = document(
            r#"{"severity": [{"comparison": "EQUALS", "value": "HIGH"}],
                "title": [{"comparison": "EQUALS", "value": "x"}]}"#,
        );
        let mut both = c.clone();
        both.extend(shortcut("severity", &["LOW"]));
        let sent = api_criteria(&doc, &both, false);
        assert_eq!(
            partitions(&sent, &both),
            vec![sent.clone()],
            "HIGH and LOW: nothing"
        );
    }

    /// The partitions' severity filters, applied by the core to findings of every known
    /// severity and two unknown ones, keep each finding that the run's own filter keeps
    /// exactly once.
    #[test]
    fn partitions_are_disjoint_and_cover_what_the_filter_keeps() {
        let values: Vec<&str> = SEVERITIES
            .iter()
            .copied()
            .chain(["CUSTOM", "HYPER"])
            .collect();
        for filters in [
            json!({}),
            json!({"severity": [{"comparison": "PREFIX", "value": "H"}]}),
            json!({"severity": [{"comparison": "NOT_EQUALS", "value": "LOW"}]}),
            json!({"severity": [{"comparison": "EQUALS", "value": "CUSTOM"},
                                {"comparison": "EQUALS", "value": "MEDIUM"}]}),
            json!({"severity": [{"comparison": "PREFIX", "value": "C"},
                                {"comparison": "NOT_EQUALS", "value": "CUSTOM"}]}),
        ] {
            let (doc, c) = document(&filters.to_string());
            let sent = api_criteria(&doc, &Criteria::default(), true);
            let parts = partitions(&sent, &c);
            for v in &values {
                let kept = keeps(&Value::Object(doc.as_object().unwrap().clone()), v);
                let hits = parts
                    .iter()
                    .filter(|p| keeps(&json!({"severity": p["severity"]}), v))
                    .count();
                assert_eq!(hits, usize::from(kept), "{filters} on {v}: {parts:?}");
            }
        }
    }

    /// Does the core keep a finding of severity `v` under the filter `doc` (any status)?
    fn keeps(doc: &Value, v: &str) -> bool {
        let mut criteria = FilterDocument::parse(&doc.to_string()).unwrap().criteria;
        criteria.all_statuses();
        let config = Config {
            filter: Filter::new(criteria),
            format: ReportFormat::Csv {
                columns: Column::parse_list("Severity").unwrap(),
                quote: QuoteStyle::Always,
                excel_safe: false,
            },
            threads: 1,
            ..Config::default()
        };
        let page = json!({"findings": [{"awsAccountId": "1", "description": "d",
            "findingArn": "a", "firstObservedAt": 1, "lastObservedAt": 1, "remediation": {},
            "resources": [], "severity": v, "status": "ACTIVE", "type": "PACKAGE_VULNERABILITY"}]});
        let input = Input::from_reader(
            "t",
            Box::new(std::io::Cursor::new(page.to_string().into_bytes())),
        )
        .unwrap();
        let mut out = Vec::new();
        convert(&config, [Ok(input)], &mut out)
            .unwrap()
            .findings_written
            == 1
    }
}
