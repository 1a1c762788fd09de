//! Parsing and validating a `FilterCriteria` document, as the Inspector API does, into
//! compiled conditions. Every error names the member (and the filter's index in its list)
//! and says what is wrong, because the person reading it is fixing a JSON file.

use super::members::{Kind, Member};
use crate::number::Decimal;
use crate::timestamp::{self, EpochMillis};
use serde_json::{Map, Value};
use std::fmt;

/// Most filters one member may hold (the API's limit).
pub const MAX_FILTERS_PER_MEMBER: usize = 10;

/// A filter document that the API would reject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    /// Where: `severity`, `severity[2]`, or empty for the document itself.
    pub at: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at.is_empty() {
            write!(f, "filter criteria: {}", self.message)
        } else {
            write!(f, "filter criteria: {}: {}", self.at, self.message)
        }
    }
}

impl std::error::Error for FilterError {}

#[cold]
fn err(at: impl Into<String>, message: impl Into<String>) -> FilterError {
    FilterError {
        at: at.into(),
        message: message.into(),
    }
}

/// One `StringFilter`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StringTest {
    /// `EQUALS`.
    Equals(String),
    /// `PREFIX`.
    Prefix(String),
    /// `NOT_EQUALS`.
    NotEquals(String),
}

/// An inclusive range with optional bounds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range<T> {
    /// Lower bound, inclusive.
    pub low: Option<T>,
    /// Upper bound, inclusive.
    pub high: Option<T>,
}

impl<T: PartialOrd> Range<T> {
    /// Is `v` inside?
    pub fn contains(&self, v: &T) -> bool {
        self.low.as_ref().is_none_or(|l| v >= l) && self.high.as_ref().is_none_or(|h| v <= h)
    }
}

/// The attribute of a package that a `PackageFilter` sub-filter tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackageField {
    /// `name`.
    Name,
    /// `version`.
    Version,
    /// `release`.
    Release,
    /// `architecture`, the package's `arch`.
    Architecture,
    /// `sourceLayerHash`.
    SourceLayerHash,
    /// `sourceLambdaLayerArn`.
    SourceLambdaLayerArn,
    /// `filePath`.
    FilePath,
}

const PACKAGE_FIELDS: &[(&str, Option<PackageField>)] = &[
    ("name", Some(PackageField::Name)),
    ("version", Some(PackageField::Version)),
    ("epoch", None),
    ("release", Some(PackageField::Release)),
    ("architecture", Some(PackageField::Architecture)),
    ("sourceLayerHash", Some(PackageField::SourceLayerHash)),
    (
        "sourceLambdaLayerArn",
        Some(PackageField::SourceLambdaLayerArn),
    ),
    ("filePath", Some(PackageField::FilePath)),
];

/// One `PackageFilter`: every named sub-filter must hold for one package.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PackageTest {
    /// String sub-filters.
    pub strings: Vec<(PackageField, StringTest)>,
    /// The `epoch` sub-filter.
    pub epoch: Option<Range<Decimal>>,
}

/// One member's list of filters, compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// String filters of a member.
    Strings(Member, Vec<StringTest>),
    /// Date filters (epoch milliseconds) of a member.
    Dates(Member, Vec<Range<EpochMillis>>),
    /// Number filters of a member.
    Numbers(Member, Vec<Range<Decimal>>),
    /// `resourceTags`: (key, value) pairs; no value means any value.
    Tags(Vec<(String, Option<String>)>),
    /// `portRange`.
    Ports(Vec<Range<u64>>),
    /// `vulnerablePackages`.
    Packages(Vec<PackageTest>),
}

/// A validated `FilterCriteria`: conditions ANDed together.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Criteria {
    /// Every condition; all must hold.
    pub conditions: Vec<Condition>,
    /// True when a `findingStatus` condition is present (or every status was asked for),
    /// which turns the default ACTIVE-only rule off.
    pub status_given: bool,
}

/// The report format a CreateFindingsReport request names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestFormat {
    /// `"reportFormat": "CSV"`.
    Csv,
    /// `"reportFormat": "JSON"`.
    Json,
}

/// What a filter document held: the criteria, and for a whole CreateFindingsReport
/// request, its `reportFormat`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilterDocument {
    /// The criteria.
    pub criteria: Criteria,
    /// `reportFormat`, when the document was a CreateFindingsReport request.
    pub report_format: Option<RequestFormat>,
    /// The FilterCriteria object as written (a request's `filterCriteria` member), for
    /// echoing back as Inspector's report status does.
    pub filter_criteria: Value,
}

impl Criteria {
    /// Parses a bare FilterCriteria object.
    pub fn parse(text: &str) -> Result<Criteria, FilterError> {
        Ok(FilterDocument::parse(text)?.criteria)
    }

    /// ANDs another condition in.
    pub fn push(&mut self, c: Condition) {
        if matches!(&c, Condition::Strings(Member::FindingStatus, _)) {
            self.status_given = true;
        }
        self.conditions.push(c);
    }

    /// ANDs all of `other` in.
    pub fn extend(&mut self, other: Criteria) {
        self.status_given |= other.status_given;
        self.conditions.extend(other.conditions);
    }

    /// Turns the default ACTIVE-only rule off without adding a condition.
    pub fn all_statuses(&mut self) {
        self.status_given = true;
    }

    fn from_object(doc: &Map<String, Value>) -> Result<Criteria, FilterError> {
        let mut c = Criteria::default();
        for (name, list) in doc {
            let member = Member::from_name(name).ok_or_else(|| {
                err(
                    name.as_str(),
                    format!(
                        "unknown member; did you mean `{}`? (members are case-sensitive)",
                        nearest(name)
                    ),
                )
            })?;
            c.push(compile_member(member, list)?);
        }
        Ok(c)
    }
}

impl FilterDocument {
    /// Parses a FilterCriteria object, or a whole CreateFindingsReport request
    /// (`{"filterCriteria": {...}, "reportFormat": "CSV", "s3Destination": {...}}`).
    pub fn parse(text: &str) -> Result<FilterDocument, FilterError> {
        let v: Value = serde_json::from_str(text).map_err(|e| {
            err(
                "",
                format!("not valid JSON ({e}); expected a FilterCriteria object"),
            )
        })?;
        let Value::Object(doc) = v else {
            return Err(err("", "expected a JSON object of filter members"));
        };
        if !doc.contains_key("filterCriteria") {
            return Ok(FilterDocument {
                criteria: Criteria::from_object(&doc)?,
                report_format: None,
                filter_criteria: Value::Object(doc),
            });
        }
        // A CreateFindingsReport request.
        let mut out = FilterDocument::default();
        for (k, v) in &doc {
            match k.as_str() {
                "filterCriteria" => {
                    let Value::Object(fc) = v else {
                        return Err(err("filterCriteria", "expected an object of filter members"));
                    };
                    out.criteria = Criteria::from_object(fc)?;
                    out.filter_criteria = v.clone();
                }
                "reportFormat" => {
                    out.report_format = Some(match v.as_str() {
                        Some("CSV") => RequestFormat::Csv,
                        Some("JSON") => RequestFormat::Json,
                        _ => return Err(err("reportFormat", format!("expected \"CSV\" or \"JSON\", found {v}"))),
                    })
                }
                // Where Inspector would write the report; this tool writes where -o says.
                "s3Destination" | "clientToken" => {}
                other => {
                    return Err(err(
                        other,
                        "unknown member of a CreateFindingsReport request (expected filterCriteria, reportFormat, s3Destination)",
                    ))
                }
            }
        }
        Ok(out)
    }
}

/// The valid member name closest to `name` (edit distance, ignoring case).
fn nearest(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    Member::ALL
        .iter()
        .map(|m| (distance(&lower, &m.name().to_ascii_lowercase()), m.name()))
        .min()
        .map(|(_, n)| n)
        .unwrap_or("findingArn")
}

/// Edit distance between `a` and `b`, in characters.
pub(super) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn compile_member(m: Member, list: &Value) -> Result<Condition, FilterError> {
    let name = m.name();
    let Value::Array(items) = list else {
        return Err(err(
            name,
            format!(
                "expected a list of 1 to {MAX_FILTERS_PER_MEMBER} {}",
                m.kind().shape()
            ),
        ));
    };
    if items.is_empty() || items.len() > MAX_FILTERS_PER_MEMBER {
        return Err(err(
            name,
            format!(
                "a member holds 1 to {MAX_FILTERS_PER_MEMBER} filters; this one has {}",
                items.len()
            ),
        ));
    }
    let objs = items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let at = format!("{name}[{i}]");
            match v {
                Value::Object(o) => Ok((at, o)),
                _ => Err(err(at, format!("expected one of the {}", m.kind().shape()))),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(match m.kind() {
        Kind::String => Condition::Strings(
            m,
            objs.iter()
                .map(|(at, o)| string_filter(m, at, o))
                .collect::<Result<_, _>>()?,
        ),
        Kind::Date => Condition::Dates(
            m,
            objs.iter()
                .map(|(at, o)| date_filter(m, at, o))
                .collect::<Result<_, _>>()?,
        ),
        Kind::Number => Condition::Numbers(
            m,
            objs.iter()
                .map(|(at, o)| number_filter(m, at, o))
                .collect::<Result<_, _>>()?,
        ),
        Kind::Map => Condition::Tags(
            objs.iter()
                .map(|(at, o)| map_filter(at, o))
                .collect::<Result<_, _>>()?,
        ),
        Kind::PortRange => Condition::Ports(
            objs.iter()
                .map(|(at, o)| port_filter(at, o))
                .collect::<Result<_, _>>()?,
        ),
        Kind::Package => Condition::Packages(
            objs.iter()
                .map(|(at, o)| package_filter(at, o))
                .collect::<Result<_, _>>()?,
        ),
    })
}

/// Rejects members of a filter object other than `allowed`, naming the filter kind.
fn only(m: Member, at: &str, o: &Map<String, Value>, allowed: &[&str]) -> Result<(), FilterError> {
    for k in o.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(err(
                at,
                format!(
                    "`{k}` does not belong in this filter: `{}` takes {}",
                    m.name(),
                    m.kind().shape()
                ),
            ));
        }
    }
    Ok(())
}

fn string_filter(m: Member, at: &str, o: &Map<String, Value>) -> Result<StringTest, FilterError> {
    only(m, at, o, &["comparison", "value"])?;
    string_test(at, o)
}

/// The API's length limits (in characters), checked as the API checks them.
fn length(at: &str, what: &str, s: &str, min: usize, max: usize) -> Result<(), FilterError> {
    let n = s.chars().count();
    if n < min || n > max {
        return Err(err(
            at,
            format!("`{what}` must be {min} to {max} characters long; it has {n}"),
        ));
    }
    Ok(())
}

fn string_test(at: &str, o: &Map<String, Value>) -> Result<StringTest, FilterError> {
    let value = match o.get("value") {
        Some(Value::String(s)) => {
            length(at, "value", s, 1, 1024)?;
            s.clone()
        }
        Some(other) => return Err(err(at, format!("`value` must be a string, found {other}"))),
        None => return Err(err(at, "missing `value`")),
    };
    match o.get("comparison").and_then(Value::as_str) {
        Some("EQUALS") => Ok(StringTest::Equals(value)),
        Some("PREFIX") => Ok(StringTest::Prefix(value)),
        Some("NOT_EQUALS") => Ok(StringTest::NotEquals(value)),
        Some(other) => Err(err(
            at,
            format!("unknown comparison {other:?}; use EQUALS, PREFIX or NOT_EQUALS"),
        )),
        None => Err(err(
            at,
            "missing `comparison` (EQUALS, PREFIX or NOT_EQUALS)",
        )),
    }
}

fn date_bound(at: &str, key: &str, v: Option<&Value>) -> Result<Option<EpochMillis>, FilterError> {
    let text = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(err(
                at,
                format!("`{key}` must be a timestamp, found {other}"),
            ))
        }
    };
    timestamp::parse(&text).map(Some).ok_or_else(|| {
        err(
            at,
            format!(
                "`{key}` {text:?} is not a timestamp; use epoch seconds (1748539687), ISO 8601 \
                 (2025-05-29T17:28:07Z) or an EventBridge form"
            ),
        )
    })
}

fn date_filter(
    m: Member,
    at: &str,
    o: &Map<String, Value>,
) -> Result<Range<EpochMillis>, FilterError> {
    only(m, at, o, &["startInclusive", "endInclusive"])?;
    let range = Range {
        low: date_bound(at, "startInclusive", o.get("startInclusive"))?,
        high: date_bound(at, "endInclusive", o.get("endInclusive"))?,
    };
    ordered(at, o, ["startInclusive", "endInclusive"], range)
}

/// `range`, unless its lower bound (`keys[0]` in `o`) is above its upper one (`keys[1]`):
/// no value can be in such a range, which is a mistake in the document (the shortcuts
/// refuse it too), not a filter that quietly keeps nothing.
fn ordered<T: PartialOrd>(
    at: &str,
    o: &Map<String, Value>,
    keys: [&str; 2],
    range: Range<T>,
) -> Result<Range<T>, FilterError> {
    match (&range.low, &range.high) {
        (Some(low), Some(high)) if low > high => {
            let shown = |k: &str| o.get(k).map(Value::to_string).unwrap_or_default();
            let (low, high) = (shown(keys[0]), shown(keys[1]));
            Err(err(
                at,
                format!(
                    "`{}` {low} is above `{}` {high}: no finding can be in that range",
                    keys[0], keys[1]
                ),
            ))
        }
        _ => Ok(range),
    }
}

fn number_bound(at: &str, key: &str, v: Option<&Value>) -> Result<Option<Decimal>, FilterError> {
    let text = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => return Err(err(at, format!("`{key}` must be a number, found {other}"))),
    };
    Decimal::parse(&text)
        .map(Some)
        .ok_or_else(|| err(at, format!("`{key}` {text:?} is not a number")))
}

fn number_filter(
    m: Member,
    at: &str,
    o: &Map<String, Value>,
) -> Result<Range<Decimal>, FilterError> {
    only(m, at, o, &["lowerInclusive", "upperInclusive"])?;
    number_range(at, o)
}

fn number_range(at: &str, o: &Map<String, Value>) -> Result<Range<Decimal>, FilterError> {
    let range = Range {
        low: number_bound(at, "lowerInclusive", o.get("lowerInclusive"))?,
        high: number_bound(at, "upperInclusive", o.get("upperInclusive"))?,
    };
    ordered(at, o, ["lowerInclusive", "upperInclusive"], range)
}

fn map_filter(at: &str, o: &Map<String, Value>) -> Result<(String, Option<String>), FilterError> {
    only(Member::ResourceTags, at, o, &["comparison", "key", "value"])?;
    match o.get("comparison").and_then(Value::as_str) {
        Some("EQUALS") => {}
        Some(other) => {
            return Err(err(
                at,
                format!("unknown comparison {other:?}; a MapFilter takes EQUALS"),
            ))
        }
        None => return Err(err(at, "missing `comparison` (EQUALS)")),
    }
    let key = match o.get("key") {
        Some(Value::String(s)) => {
            length(at, "key", s, 1, 128)?;
            s.clone()
        }
        Some(other) => return Err(err(at, format!("`key` must be a string, found {other}"))),
        None => return Err(err(at, "missing `key`")),
    };
    let value = match o.get("value") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            length(at, "value", s, 0, 256)?;
            Some(s.clone())
        }
        Some(other) => return Err(err(at, format!("`value` must be a string, found {other}"))),
    };
    Ok((key, value))
}

fn port_bound(at: &str, key: &str, v: Option<&Value>) -> Result<Option<u64>, FilterError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(p) if p <= 65_535 => Ok(Some(p)),
            _ => Err(err(
                at,
                format!("`{key}` must be a port from 0 to 65535, found {n}"),
            )),
        },
        Some(other) => Err(err(
            at,
            format!("`{key}` must be a port number, found {other}"),
        )),
    }
}

fn port_filter(at: &str, o: &Map<String, Value>) -> Result<Range<u64>, FilterError> {
    only(
        Member::PortRange,
        at,
        o,
        &["beginInclusive", "endInclusive"],
    )?;
    let range = Range {
        low: port_bound(at, "beginInclusive", o.get("beginInclusive"))?,
        high: port_bound(at, "endInclusive", o.get("endInclusive"))?,
    };
    ordered(at, o, ["beginInclusive", "endInclusive"], range)
}

fn package_filter(at: &str, o: &Map<String, Value>) -> Result<PackageTest, FilterError> {
    let mut t = PackageTest::default();
    for (k, v) in o {
        let Some((_, field)) = PACKAGE_FIELDS.iter().find(|(n, _)| n == k) else {
            return Err(err(
                at,
                format!(
                    "`{k}` is not a PackageFilter member; use name, version, epoch, release, \
                     architecture, sourceLayerHash, sourceLambdaLayerArn or filePath"
                ),
            ));
        };
        let sub_at = format!("{at}.{k}");
        let Value::Object(sub) = v else {
            return Err(err(sub_at, "expected a filter object"));
        };
        match field {
            Some(f) => {
                for key in sub.keys() {
                    if key != "comparison" && key != "value" {
                        return Err(err(
                            &sub_at,
                            format!(
                                "`{key}` does not belong in a StringFilter (comparison, value)"
                            ),
                        ));
                    }
                }
                t.strings.push((*f, string_test(&sub_at, sub)?));
            }
            None => {
                for key in sub.keys() {
                    if key != "lowerInclusive" && key != "upperInclusive" {
                        return Err(err(&sub_at, format!("`{key}` does not belong in a NumberFilter (lowerInclusive, upperInclusive)")));
                    }
                }
                t.epoch = Some(number_range(&sub_at, sub)?);
            }
        }
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(doc: &str) -> String {
        Criteria::parse(doc).unwrap_err().to_string()
    }

    #[test]
    fn validation_names_the_member() {
        assert_eq!(
            e(r#"{"severty":[{"comparison":"EQUALS","value":"HIGH"}]}"#),
            "filter criteria: severty: unknown member; did you mean `severity`? (members are case-sensitive)"
        );
        assert!(e(r#"{"FindingArn":[]}"#).contains("did you mean `findingArn`"));
        assert_eq!(
            e(r#"{"severity":[{"comparison":"EQUAL","value":"HIGH"}]}"#),
            "filter criteria: severity[0]: unknown comparison \"EQUAL\"; use EQUALS, PREFIX or NOT_EQUALS"
        );
        let eleven = format!(
            "{{\"title\":[{}]}}",
            [r#"{"comparison":"EQUALS","value":"x"}"#; 11].join(",")
        );
        assert_eq!(
            e(&eleven),
            "filter criteria: title: a member holds 1 to 10 filters; this one has 11"
        );
        assert!(e(r#"{"title":[]}"#).contains("this one has 0"));
        assert!(e(r#"{"severity":[{"startInclusive":1}]}"#).starts_with("filter criteria: severity[0]: `startInclusive` does not belong in this filter: `severity` takes StringFilter"));
        assert!(
            e(r#"{"firstObservedAt":[{"comparison":"EQUALS","value":"x"}]}"#)
                .contains("takes DateFilter")
        );
        assert!(e(r#"{"firstObservedAt":[{"startInclusive":"last week"}]}"#)
            .contains("firstObservedAt[0]: `startInclusive` \"last week\" is not a timestamp"));
        assert!(e(r#"{"inspectorScore":[{"lowerInclusive":"high"}]}"#)
            .contains("inspectorScore[0]: `lowerInclusive` \"high\" is not a number"));
        // A range no value can be in, as the shortcuts refuse it; equal bounds are fine.
        for (doc, want) in [
            (
                r#"{"firstObservedAt":[{"startInclusive":"2026-01-01T00:00:00Z","endInclusive":1735689600}]}"#,
                r#"firstObservedAt[0]: `startInclusive` "2026-01-01T00:00:00Z" is above `endInclusive` 1735689600: no finding can be in that range"#,
            ),
            (
                r#"{"inspectorScore":[{"lowerInclusive":9,"upperInclusive":"1.5"}]}"#,
                r#"inspectorScore[0]: `lowerInclusive` 9 is above `upperInclusive` "1.5""#,
            ),
            (
                r#"{"portRange":[{"beginInclusive":443,"endInclusive":22}]}"#,
                "portRange[0]: `beginInclusive` 443 is above `endInclusive` 22",
            ),
        ] {
            assert!(e(doc).contains(want), "{}", e(doc));
        }
        for doc in [
            r#"{"firstObservedAt":[{"startInclusive":1735689600,"endInclusive":"2025-01-01T00:00:00Z"}]}"#,
            r#"{"inspectorScore":[{"lowerInclusive":7.5,"upperInclusive":"7.50"}]}"#,
            r#"{"portRange":[{"beginInclusive":22,"endInclusive":22}]}"#,
        ] {
            assert!(Criteria::parse(doc).is_ok(), "{doc}");
        }
        assert!(e(r#"{"portRange":[{"beginInclusive":70000}]}"#).contains("portRange[0]"));
        assert!(e(r#"{"resourceTags":[{"comparison":"PREFIX","key":"k"}]}"#)
            .contains("resourceTags[0]: unknown comparison"));
        assert!(
            e(r#"{"vulnerablePackages":[{"nam":{"comparison":"EQUALS","value":"x"}}]}"#)
                .contains("vulnerablePackages[0]: `nam` is not a PackageFilter member")
        );
        assert!(
            e(r#"{"vulnerablePackages":[{"name":{"comparison":"EQ","value":"x"}}]}"#)
                .contains("vulnerablePackages[0].name: unknown comparison")
        );
        assert!(e(r#"{"title":{"comparison":"EQUALS","value":"x"}}"#)
            .contains("title: expected a list"));
        assert!(e(r#"[1]"#).contains("expected a JSON object"));
        assert!(e(r#"{"title":"#).contains("not valid JSON"));
    }

    #[test]
    fn request_documents() {
        let d = FilterDocument::parse(
            r#"{"filterCriteria":{"severity":[{"comparison":"EQUALS","value":"HIGH"}]},"reportFormat":"JSON",
               "s3Destination":{"bucketName":"b","keyPrefix":"p","kmsKeyArn":"arn:aws:kms:us-east-1:1:key/x"}}"#,
        )
        .unwrap();
        assert_eq!(d.report_format, Some(RequestFormat::Json));
        assert_eq!(d.criteria.conditions.len(), 1);
        assert!(!d.criteria.status_given);
        let severity = r#"{"severity":[{"comparison":"EQUALS","value":"HIGH"}]}"#;
        let echo: Value = serde_json::from_str(severity).unwrap();
        assert_eq!(
            d.filter_criteria, echo,
            "a request echoes its filterCriteria"
        );
        assert_eq!(
            FilterDocument::parse(severity).unwrap().filter_criteria,
            echo
        );
        assert!(FilterDocument::parse(r#"{"filterCriteria":{},"reportFormat":"XML"}"#).is_err());
        let s = Criteria::parse(r#"{"findingStatus":[{"comparison":"EQUALS","value":"CLOSED"}]}"#)
            .unwrap();
        assert!(s.status_given);
    }
}
