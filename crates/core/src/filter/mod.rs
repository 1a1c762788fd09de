//! Which findings the report keeps: the API's `FilterCriteria` with the semantics of spec
//! section 4, and Inspector's default rule that reports only ACTIVE findings.
//!
//! The pipeline asks [`Filter::verdict`] once per finding, on the typed view it already
//! decoded, before anything is rendered, so a finding that is left out costs only its
//! decode and no finding is decoded twice.
//!
//! Semantics in short: different members AND; within a member EQUALS/PREFIX filters OR
//! and NOT_EQUALS filters AND; date, number, port-range, map and package filters of one
//! member OR. An attribute with several values matches EQUALS/PREFIX when any value does,
//! and NOT_EQUALS when no value equals. A missing attribute matches only NOT_EQUALS.
//!
//! [`criteria`] reads a FilterCriteria document, [`shortcuts`] the plain-value shortcuts a
//! command line offers for the common members, [`members`] maps each member onto the
//! finding attributes it tests, and [`enums`] knows the values of the enum members.

pub mod criteria;
pub mod enums;
pub mod members;
pub mod shortcuts;

pub use criteria::{Condition, Criteria, FilterDocument, FilterError, RequestFormat, StringTest};
pub use members::{Kind, Member};
pub use shortcuts::{Shortcut, ShortcutError, ShortcutKind, SHORTCUTS};

use crate::decode::finding::{Finding, OptionalObject, Package};
use crate::decode::value::Leaf;
use crate::number::Decimal;
use crate::timestamp;
use criteria::{PackageField, PackageTest, Range};

/// What the filter decided for one finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Written to the report.
    Keep,
    /// Left out by the filter criteria.
    ExcludedByFilter,
    /// Passed the criteria, but left out by the default rule that reports only ACTIVE
    /// findings (there was no `findingStatus` criterion).
    ExcludedByStatusRule,
}

/// The filter of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    criteria: Criteria,
}

impl Filter {
    /// A filter from validated criteria. Without a `findingStatus` member, the default
    /// ACTIVE-only rule applies.
    pub fn new(criteria: Criteria) -> Filter {
        Filter { criteria }
    }

    /// Keeps findings of every status (no other criteria).
    pub fn all_statuses() -> Filter {
        let mut c = Criteria::default();
        c.all_statuses();
        Filter::new(c)
    }

    /// The criteria in force.
    pub fn criteria(&self) -> &Criteria {
        &self.criteria
    }

    /// True when deciding needs more of a finding than its `status`.
    pub fn needs_full_view(&self) -> bool {
        !self.criteria.conditions.is_empty()
    }

    /// True when the default ACTIVE-only rule is in force.
    pub fn default_status_rule(&self) -> bool {
        !self.criteria.status_given
    }

    /// Decides one finding.
    pub fn verdict(&self, f: &Finding) -> Verdict {
        if !self.criteria.conditions.iter().all(|c| holds(c, f)) {
            return Verdict::ExcludedByFilter;
        }
        if self.default_status_rule() {
            let status = f.status.as_ref().and_then(|s| s.str_or_num());
            if status.as_deref() != Some("ACTIVE") {
                return Verdict::ExcludedByStatusRule;
            }
        }
        Verdict::Keep
    }
}

/// The text a string filter compares: a string's contents, a number's text, or
/// `true`/`false`. Objects and lists have none.
fn text<'a>(v: &Leaf<'a>) -> Option<std::borrow::Cow<'a, str>> {
    v.text()
}

/// A list of string filters against a set of values (spec 4).
fn strings_hold<'a>(
    tests: &[StringTest],
    mut values: impl FnMut(&mut dyn FnMut(&Leaf<'a>)),
) -> bool {
    let has_positive = tests.iter().any(|t| !matches!(t, StringTest::NotEquals(_)));
    let mut positive = false;
    let mut violated = false;
    values(&mut |v| {
        let Some(t) = text(v) else { return };
        for test in tests {
            match test {
                StringTest::Equals(s) => positive |= t == s.as_str(),
                StringTest::Prefix(s) => positive |= t.starts_with(s.as_str()),
                StringTest::NotEquals(s) => violated |= t == s.as_str(),
            }
        }
    });
    (!has_positive || positive) && !violated
}

fn holds(c: &Condition, f: &Finding) -> bool {
    match c {
        Condition::Strings(m, tests) => strings_hold(tests, |each| m.visit(f, &mut |v| each(v))),
        Condition::Dates(m, ranges) => {
            let mut hit = false;
            m.visit(f, &mut |v| {
                if let Some(ms) = v.str_or_num().and_then(|t| timestamp::parse(&t)) {
                    hit |= ranges.iter().any(|r| r.contains(&ms));
                }
            });
            hit
        }
        Condition::Numbers(m, ranges) => {
            let mut hit = false;
            m.visit(f, &mut |v| {
                if let Some(d) = v.str_or_num().and_then(|t| Decimal::parse(&t)) {
                    hit |= ranges.iter().any(|r| r.contains(&d));
                }
            });
            hit
        }
        Condition::Tags(filters) => f.resources().iter().any(|r| {
            r.tags.object().is_some_and(|tags| {
                tags.0.iter().any(|(k, v)| {
                    filters.iter().any(|(key, value)| {
                        k.0 == key.as_str()
                            && value
                                .as_ref()
                                .is_none_or(|want| text(v).is_some_and(|t| t == want.as_str()))
                    })
                })
            })
        }),
        Condition::Ports(ranges) => {
            let range = f
                .network_reachability_details()
                .and_then(|n| n.open_port_range.object());
            let port = |v: &Option<Leaf>| {
                v.as_ref()
                    .and_then(|v| v.str_or_num())
                    .and_then(|t| t.parse::<u64>().ok())
            };
            match range.map(|r| (port(&r.begin), port(&r.end))) {
                Some((Some(b), Some(e))) => ranges.iter().any(|r| {
                    // Overlap of [b, e] with [low, high] (missing bounds are the port limits).
                    b <= r.high.unwrap_or(65_535) && r.low.unwrap_or(0) <= e
                }),
                _ => false,
            }
        }
        Condition::Packages(tests) => {
            let pkgs = f.packages();
            tests
                .iter()
                .any(|t| pkgs.iter().any(|p| package_holds(t, p)))
        }
    }
}

fn package_holds(t: &PackageTest, p: &Package) -> bool {
    let strings_ok = t.strings.iter().all(|(field, test)| {
        let v = match field {
            PackageField::Name => &p.name,
            PackageField::Version => &p.version,
            PackageField::Release => &p.release,
            PackageField::Architecture => &p.arch,
            PackageField::SourceLayerHash => &p.source_layer_hash,
            PackageField::SourceLambdaLayerArn => &p.source_lambda_layer_arn,
            PackageField::FilePath => &p.file_path,
        };
        strings_hold(std::slice::from_ref(test), |each| {
            if let Some(v) = v {
                each(v)
            }
        })
    });
    let epoch_ok = t.epoch.as_ref().is_none_or(|r: &Range<Decimal>| {
        p.epoch
            .as_ref()
            .and_then(|e| e.str_or_num())
            .and_then(|e| Decimal::parse(&e))
            .is_some_and(|e| r.contains(&e))
    });
    strings_ok && epoch_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Finding<'_> {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn default_rule_keeps_only_active() {
        let d = Filter::default();
        assert_eq!(d.verdict(&f(r#"{"status":"ACTIVE"}"#)), Verdict::Keep);
        assert_eq!(
            d.verdict(&f(r#"{"status":"CLOSED"}"#)),
            Verdict::ExcludedByStatusRule
        );
        assert_eq!(d.verdict(&f(r#"{}"#)), Verdict::ExcludedByStatusRule);
        assert_eq!(Filter::all_statuses().verdict(&f(r#"{}"#)), Verdict::Keep);
        let s = Filter::new(
            Criteria::parse(r#"{"findingStatus":[{"comparison":"EQUALS","value":"SUPPRESSED"}]}"#)
                .unwrap(),
        );
        assert_eq!(s.verdict(&f(r#"{"status":"SUPPRESSED"}"#)), Verdict::Keep);
        assert_eq!(
            s.verdict(&f(r#"{"status":"ACTIVE"}"#)),
            Verdict::ExcludedByFilter
        );
    }

    #[test]
    fn the_filter_is_asked_before_the_status_rule() {
        let s = Filter::new(
            Criteria::parse(r#"{"severity":[{"comparison":"EQUALS","value":"HIGH"}]}"#).unwrap(),
        );
        assert_eq!(
            s.verdict(&f(r#"{"status":"CLOSED","severity":"LOW"}"#)),
            Verdict::ExcludedByFilter
        );
        assert_eq!(
            s.verdict(&f(r#"{"status":"CLOSED","severity":"HIGH"}"#)),
            Verdict::ExcludedByStatusRule
        );
    }
}
