//! The breakdown of a report: its written findings counted by severity, status, finding
//! type, resource type, account and vulnerability id, for the run summary.
//!
//! Workers count the findings they write, each chunk into its own [`Breakdown`], from what
//! the report already decoded (the CSV report's typed [`Finding`], or the JSON report's
//! walk, [`Walked`]); the writer merges the chunks' counts in input order. So the counts are
//! those of the report's rows, for any number of threads.
//!
//! Each finding counts once under its severity, status and finding type (the value's text;
//! [`MISSING`] when absent or not a value), and once under its account. It counts once
//! under each distinct resource type of its resources, and once under each vulnerability
//! id: `packageVulnerabilityDetails.vulnerabilityId`, or for a finding without one each
//! CWE of `codeVulnerabilityDetails.cwes` (as the `Vulnerability Id` column shows them).
//!
//! A dimension keeps at most [`MAX_BREAKDOWN_VALUES`] distinct values; findings with a
//! value first seen after that count under [`OTHER`], so memory never grows with the input.

use crate::decode::finding::{items, Finding, OptionalObject};
use crate::decode::value::Leaf;
use crate::limits::MAX_BREAKDOWN_VALUES;
use crate::report::json::Walked;
use foldhash::fast::FixedState;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// The key of findings that lack the value (or hold an object or list where it belongs).
pub const MISSING: &str = "(missing)";

/// The key of findings whose value came after a dimension held [`MAX_BREAKDOWN_VALUES`].
pub const OTHER: &str = "(other)";

/// Inspector's severities that rank, lowest first; `UNTRIAGED` and unknown values do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// `INFORMATIONAL`.
    Informational,
    /// `LOW`.
    Low,
    /// `MEDIUM`.
    Medium,
    /// `HIGH`.
    High,
    /// `CRITICAL`.
    Critical,
}

impl Severity {
    /// Every ranked severity, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Informational,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The severity as Inspector writes it.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Informational => "INFORMATIONAL",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// The severity named `text` exactly (case-sensitive, as the API's enum); `None` for
    /// `UNTRIAGED` and anything else.
    pub fn from_name(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.name() == text)
    }
}

/// What the workers count of the findings they write. Counting every dimension costs
/// about 6% of a CSV run's instructions (six tallies per finding), so a run counts only
/// what it will show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BreakdownScope {
    /// Nothing: [`Stats::breakdown`](crate::Stats) stays empty.
    Nothing,
    /// The severity tally only (a human summary's line, a `--fail-on` gate).
    Severity,
    /// Every dimension.
    #[default]
    All,
}

/// Counts by value of one dimension. The hash has a fixed seed, so which values overflow
/// into [`OTHER`] is the same for every run; [`Tally::sorted`] gives the values in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    counts: HashMap<Box<str>, u64, FixedState>,
}

impl Tally {
    /// Counts `n` more under `key` (or [`OTHER`] once the tally is full).
    pub fn add(&mut self, key: &str, n: u64) {
        if let Some(c) = self.counts.get_mut(key) {
            *c += n;
            return;
        }
        let key = if self.counts.len() < MAX_BREAKDOWN_VALUES {
            key
        } else {
            OTHER
        };
        *self.counts.entry(key.into()).or_default() += n;
    }

    /// The count under `key`.
    pub fn get(&self, key: &str) -> u64 {
        self.counts.get(key).copied().unwrap_or(0)
    }

    /// Adds another tally's counts (a later chunk's: which values overflow into
    /// [`OTHER`] depends on the order of the merges, which is the input's).
    pub fn merge(&mut self, o: Tally) {
        if self.counts.is_empty() {
            self.counts = o.counts;
            return;
        }
        for (k, n) in o.counts {
            if let Some(c) = self.counts.get_mut(&k) {
                *c += n;
                continue;
            }
            // The other tally's key moves over: no new allocation.
            let k = if self.counts.len() < MAX_BREAKDOWN_VALUES {
                k
            } else {
                OTHER.into()
            };
            *self.counts.entry(k).or_default() += n;
        }
    }

    /// Every value with its count, most first, then by value.
    pub fn sorted(&self) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = self.counts.iter().map(|(k, n)| (&**k, *n)).collect();
        v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }

    /// The `n` values with the highest counts, most first (ties by value).
    pub fn top(&self, n: usize) -> Vec<(&str, u64)> {
        let mut v = self.sorted();
        v.truncate(n);
        v
    }

    /// The sum of the counts.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// True when nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

/// The written findings of a run, counted by several dimensions (see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Breakdown {
    /// By `severity`.
    pub severity: Tally,
    /// By `status`.
    pub status: Tally,
    /// By `type`.
    pub finding_type: Tally,
    /// By each distinct `resources[].type`.
    pub resource_type: Tally,
    /// By `awsAccountId`.
    pub account: Tally,
    /// By vulnerability id.
    pub vulnerability: Tally,
}

/// The members of one finding that the breakdown counts.
pub(crate) struct Facets<'f, 'a, R, V>
where
    R: Iterator<Item = &'f Leaf<'a>>,
    V: Iterator<Item = &'f Leaf<'a>>,
    'a: 'f,
{
    pub(crate) severity: Option<&'f Leaf<'a>>,
    pub(crate) status: Option<&'f Leaf<'a>>,
    pub(crate) finding_type: Option<&'f Leaf<'a>>,
    pub(crate) account: Option<&'f Leaf<'a>>,
    pub(crate) resource_types: R,
    pub(crate) vulnerabilities: V,
}

impl Breakdown {
    /// Adds another breakdown's counts (a later chunk's, or batch mode's next report).
    pub fn merge(&mut self, o: Breakdown) {
        self.severity.merge(o.severity);
        self.status.merge(o.status);
        self.finding_type.merge(o.finding_type);
        self.resource_type.merge(o.resource_type);
        self.account.merge(o.account);
        self.vulnerability.merge(o.vulnerability);
    }

    /// The severities in the order a summary shows them: Inspector's from `CRITICAL` down,
    /// `UNTRIAGED`, then any other value by count.
    pub fn severities(&self) -> Vec<(&str, u64)> {
        let ranked = Severity::ALL.iter().rev().map(|s| s.name());
        let known: Vec<&str> = ranked.chain(["UNTRIAGED"]).collect();
        let mut v: Vec<(&str, u64)> = known
            .iter()
            .map(|k| (*k, self.severity.get(k)))
            .filter(|(_, n)| *n > 0)
            .collect();
        v.extend(
            self.severity
                .sorted()
                .into_iter()
                .filter(|(k, _)| !known.contains(k)),
        );
        v
    }
}

impl Tally {
    /// How many of the counted severities are `level` or above. `UNTRIAGED` and unknown
    /// severities never count.
    pub fn at_or_above(&self, level: Severity) -> u64 {
        Severity::ALL
            .iter()
            .filter(|s| **s >= level)
            .map(|s| self.get(s.name()))
            .sum()
    }
}

impl Breakdown {
    /// Counts one written finding of the typed view.
    pub fn count_finding(&mut self, f: &Finding<'_>) {
        let pvd_id = f
            .package_vulnerability_details()
            .and_then(|p| p.vulnerability_id.as_ref());
        let cwes = match pvd_id {
            Some(_) => &[][..],
            None => f
                .code_vulnerability_details
                .object()
                .map(|c| items(&c.cwes))
                .unwrap_or(&[]),
        };
        self.count(Facets {
            severity: f.severity.as_ref(),
            status: f.status.as_ref(),
            finding_type: f.finding_type.as_ref(),
            account: f.aws_account_id.as_ref(),
            resource_types: f
                .resources()
                .iter()
                .filter_map(|r| r.resource_type.as_ref()),
            vulnerabilities: pvd_id.into_iter().chain(cwes),
        });
    }

    /// Counts one written finding of the JSON report's walk: the same counts as
    /// [`Breakdown::count_finding`] of the finding.
    pub fn count_walked(&mut self, w: &Walked<'_>) {
        let cwes = match (&w.vulnerability_id, &w.cwes) {
            (None, Some(c)) => &c.0[..],
            _ => &[],
        };
        self.count(Facets {
            severity: w.severity.as_ref(),
            status: w.status.as_ref(),
            finding_type: w.finding_type.as_ref(),
            account: w.account.as_ref(),
            resource_types: w.resource_types.iter(),
            vulnerabilities: w.vulnerability_id.iter().chain(cwes),
        });
    }

    /// Counts one written finding's severity alone ([`BreakdownScope::Severity`]).
    pub(crate) fn count_severity(&mut self, severity: Option<&Leaf<'_>>) {
        let text = severity.and_then(Leaf::text);
        self.severity.add(text.as_deref().unwrap_or(MISSING), 1);
    }

    pub(crate) fn count<'f, 'a: 'f, R, V>(&mut self, f: Facets<'f, 'a, R, V>)
    where
        R: Iterator<Item = &'f Leaf<'a>>,
        V: Iterator<Item = &'f Leaf<'a>>,
    {
        let text = |l: Option<&Leaf<'a>>| l.and_then(Leaf::text);
        let key = |l: Option<&Leaf<'a>>| text(l).unwrap_or(Cow::Borrowed(MISSING));
        self.severity.add(&key(f.severity), 1);
        self.status.add(&key(f.status), 1);
        self.finding_type.add(&key(f.finding_type), 1);
        self.account.add(&key(f.account), 1);
        add_distinct(&mut self.resource_type, f.resource_types);
        add_distinct(&mut self.vulnerability, f.vulnerabilities);
    }
}

/// Counts each distinct text of `values` once (a finding with two EC2 resources is one
/// finding on EC2). Real findings have one or two; a hostile one may have 100,000, which a
/// set keeps linear.
fn add_distinct<'f, 'a: 'f>(tally: &mut Tally, values: impl Iterator<Item = &'f Leaf<'a>>) {
    let mut seen: Vec<Cow<'a, str>> = Vec::new();
    let mut many: Option<HashSet<Cow<'a, str>>> = None;
    for t in values.filter_map(Leaf::text) {
        let new = match &mut many {
            Some(set) => set.insert(t.clone()),
            None if seen.contains(&t) => false,
            None if seen.len() >= 8 => {
                let mut set: HashSet<_> = seen.drain(..).collect();
                let new = set.insert(t.clone());
                many = Some(set);
                new
            }
            None => {
                seen.push(t.clone());
                true
            }
        };
        if new {
            tally.add(&t, 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{decode, Decoded};
    use crate::report::json::{walk_item, WalkedItem};
    use crate::stats::Warnings;

    fn by_view(item: &str) -> Breakdown {
        let mut b = Breakdown::default();
        match decode(item.as_bytes(), &mut Warnings::default()).unwrap() {
            Decoded::Finding { finding, .. } => b.count_finding(&finding),
            Decoded::OtherEvent => panic!("not a finding"),
        }
        b
    }

    fn by_walk(item: &str) -> Option<Breakdown> {
        let mut b = Breakdown::default();
        match walk_item(item.as_bytes()).ok()? {
            WalkedItem::Finding(w, _) => b.count_walked(&w),
            WalkedItem::OtherEvent => panic!("not a finding"),
        }
        Some(b)
    }

    #[test]
    fn a_finding_counts_once_per_dimension_and_distinct_value() {
        let f = r#"{"severity":"HIGH","status":"ACTIVE","type":"PACKAGE_VULNERABILITY",
            "awsAccountId":"111122223333","resources":[{"type":"AWS_EC2_INSTANCE"},
            {"type":"AWS_EC2_INSTANCE"},{"type":"AWS_ECR_CONTAINER_IMAGE"},{"id":"x"}],
            "packageVulnerabilityDetails":{"vulnerabilityId":"CVE-2024-1"},
            "codeVulnerabilityDetails":{"cwes":["CWE-1"]}}"#;
        let b = by_view(f);
        assert_eq!(by_walk(f).unwrap(), b);
        assert_eq!(b.severity.sorted(), [("HIGH", 1)]);
        assert_eq!(b.account.sorted(), [("111122223333", 1)]);
        assert_eq!(
            b.resource_type.sorted(),
            [("AWS_EC2_INSTANCE", 1), ("AWS_ECR_CONTAINER_IMAGE", 1)]
        );
        assert_eq!(b.vulnerability.sorted(), [("CVE-2024-1", 1)]);

        let code = r#"{"status":"ACTIVE","severity":{"x":1},"codeVulnerabilityDetails":{"cwes":["CWE-798","CWE-259","CWE-798",null]}}"#;
        let b = by_view(code);
        assert_eq!(by_walk(code).unwrap(), b);
        assert_eq!(b.severity.sorted(), [(MISSING, 1)]);
        assert_eq!(b.finding_type.sorted(), [(MISSING, 1)]);
        assert_eq!(b.vulnerability.sorted(), [("CWE-259", 1), ("CWE-798", 1)]);
    }

    /// The walk reads the last of a repeated member, as the typed view does.
    #[test]
    fn the_walk_and_the_view_agree() {
        for f in [
            r#"{"severity":"LOW","severity":"HIGH","resources":[{"type":"A"}],"resources":[{"type":"B","type":"C"}]}"#,
            r#"{"status":"ACTIVE","packageVulnerabilityDetails":{"vulnerabilityId":"CVE-1"},"packageVulnerabilityDetails":{}}"#,
            r#"{"status":"ACTIVE","codeVulnerabilityDetails":{"cwes":["a"]},"codeVulnerabilityDetails":[1]}"#,
            r#"{"resources":{"type":"ONE"},"awsAccountId":12,"status":null}"#,
            r#"{"detail-type":"Inspector2 Finding","detail":{"severity":"CRITICAL"},"severity":"LOW"}"#,
            r#"{"status":"ACTIVE","resources":[[{"type":"nested"}],null,"x",{"type":null}]}"#,
        ] {
            assert_eq!(by_walk(f).unwrap(), by_view(f), "{f}");
        }
        // A single CWE where a list belongs: the walk leaves the finding to the view.
        assert!(by_walk(r#"{"codeVulnerabilityDetails":{"cwes":"CWE-1"}}"#).is_none());
    }

    #[test]
    fn many_resources_count_each_type_once() {
        let resources: Vec<String> = (0..1000)
            .map(|i| format!(r#"{{"type":"T{}"}}"#, i % 20))
            .collect();
        let f = format!(r#"{{"resources":[{}]}}"#, resources.join(","));
        let b = by_view(&f);
        assert_eq!(b.resource_type.sorted().len(), 20);
        assert_eq!(b.resource_type.total(), 20);
    }

    #[test]
    fn a_full_tally_counts_new_values_as_other() {
        let mut t = Tally::default();
        for i in 0..MAX_BREAKDOWN_VALUES + 5 {
            t.add(&format!("v{i}"), 1);
        }
        t.add("v0", 1);
        assert_eq!(t.get("v0"), 2);
        assert_eq!(t.get(OTHER), 5);
        assert_eq!(t.total(), MAX_BREAKDOWN_VALUES as u64 + 6);
        assert_eq!(t.top(2), [(OTHER, 5), ("v0", 2)]);
    }

    #[test]
    fn severities_rank_and_untriaged_never_reaches() {
        let mut b = Breakdown::default();
        b.severity.add("UNTRIAGED", 3);
        b.severity.add("BOGUS", 1);
        b.severity.add("MEDIUM", 1);
        assert_eq!(b.severity.at_or_above(Severity::Medium), 1);
        assert_eq!(b.severity.at_or_above(Severity::Informational), 1);
        assert_eq!(b.severity.at_or_above(Severity::High), 0);
        assert_eq!(
            b.severities(),
            [("MEDIUM", 1), ("UNTRIAGED", 3), ("BOGUS", 1)]
        );
        assert_eq!(Severity::from_name("HIGH"), Some(Severity::High));
        assert_eq!(Severity::from_name("high"), None);
        assert_eq!(Severity::from_name("UNTRIAGED"), None);
    }

    /// A conversion counts what its scope asks for, in the CSV and the JSON report.
    #[test]
    fn a_conversion_counts_only_its_scope() {
        use crate::pipeline::{convert, Config, Input};
        use crate::report::{JsonTimestamps, ReportFormat};
        let page = br#"{"findings":[
            {"findingArn":"a","awsAccountId":"1","type":"PACKAGE_VULNERABILITY","severity":"HIGH","status":"ACTIVE",
             "packageVulnerabilityDetails":{"vulnerabilityId":"CVE-1"},"resources":[{"type":"AWS_EC2_INSTANCE","id":"i"}]},
            {"findingArn":"b","awsAccountId":"1","type":"PACKAGE_VULNERABILITY","severity":"LOW","status":"ACTIVE"}]}"#;
        let json = ReportFormat::Json {
            timestamps: JsonTimestamps::Iso,
        };
        for format in [ReportFormat::default(), json] {
            for scope in [
                BreakdownScope::Nothing,
                BreakdownScope::Severity,
                BreakdownScope::All,
            ] {
                let config = Config {
                    format: format.clone(),
                    breakdown: scope,
                    threads: 1,
                    ..Config::default()
                };
                let input = Input::from_reader("page", Box::new(&page[..])).unwrap();
                let stats = convert(&config, [Ok(input)], &mut Vec::new()).unwrap();
                let b = &stats.breakdown;
                assert_eq!(stats.findings_written, 2);
                let severities = match scope {
                    BreakdownScope::Nothing => vec![],
                    _ => vec![("HIGH", 1), ("LOW", 1)],
                };
                assert_eq!(b.severities(), severities, "{scope:?} {format:?}");
                let all = scope == BreakdownScope::All;
                assert_eq!(b.account.get("1"), if all { 2 } else { 0 }, "{scope:?}");
                assert_eq!(b.vulnerability.get("CVE-1"), all as u64, "{scope:?}");
                assert_eq!(b.resource_type.get("AWS_EC2_INSTANCE"), all as u64);
            }
        }
    }
}
