//! Shortcuts: the common filters spelled as plain values (`--severity CRITICAL,HIGH`,
//! `--first-observed-after 2026-01-01T00:00:00Z`) instead of a FilterCriteria document.
//!
//! [`SHORTCUTS`] is the one table of them: each shortcut's name, the member it filters and
//! how its values become a condition. A front end maps its own options onto the names and
//! hands the values given to [`criteria`], which ANDs them as the document's members AND.

use super::criteria::{Condition, Criteria, Range, StringTest, MAX_FILTERS_PER_MEMBER};
use super::members::Member;
use crate::timestamp::{self, EpochMillis};
use std::fmt;

/// How a shortcut's values become part of the criteria.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShortcutKind {
    /// A list of values: the member EQUALS one of them (a string member).
    Equals,
    /// One timestamp: the member's date is at or after it (inclusive).
    After,
    /// One timestamp: the member's date is at or before it (inclusive).
    Before,
    /// A flag with no value: turns the default ACTIVE-only rule off.
    AllStatuses,
}

/// One shortcut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shortcut {
    /// Its name, lowercase with hyphens, as the command line spells it without `--`.
    pub name: &'static str,
    /// The FilterCriteria member it filters.
    pub member: Member,
    /// How its values apply.
    pub kind: ShortcutKind,
}

const fn shortcut(name: &'static str, member: Member, kind: ShortcutKind) -> Shortcut {
    Shortcut { name, member, kind }
}

/// Every shortcut. [`criteria`] applies them in this order, so with several mistakes the
/// first one here is the one reported.
pub const SHORTCUTS: &[Shortcut] = &[
    shortcut("severity", Member::Severity, ShortcutKind::Equals),
    shortcut("status", Member::FindingStatus, ShortcutKind::Equals),
    shortcut("account", Member::AwsAccountId, ShortcutKind::Equals),
    shortcut("resource-type", Member::ResourceType, ShortcutKind::Equals),
    shortcut(
        "vulnerability-id",
        Member::VulnerabilityId,
        ShortcutKind::Equals,
    ),
    shortcut(
        "first-observed-after",
        Member::FirstObservedAt,
        ShortcutKind::After,
    ),
    shortcut(
        "first-observed-before",
        Member::FirstObservedAt,
        ShortcutKind::Before,
    ),
    shortcut(
        "last-observed-after",
        Member::LastObservedAt,
        ShortcutKind::After,
    ),
    shortcut(
        "last-observed-before",
        Member::LastObservedAt,
        ShortcutKind::Before,
    ),
    shortcut(
        "all-statuses",
        Member::FindingStatus,
        ShortcutKind::AllStatuses,
    ),
];

/// A shortcut value the API would refuse in the equivalent document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShortcutError {
    /// More values than a FilterCriteria member may hold.
    TooManyValues {
        /// The shortcut's name.
        shortcut: &'static str,
    },
    /// A date shortcut's value is no timestamp.
    NotATimestamp {
        /// The shortcut's name.
        shortcut: &'static str,
        /// The value given.
        value: String,
    },
}

/// Names the shortcut as the option it is on the command line (`--severity`).
impl fmt::Display for ShortcutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShortcutError::TooManyValues { shortcut } => write!(
                f,
                "--{shortcut}: at most {MAX_FILTERS_PER_MEMBER} values, as in a FilterCriteria member"
            ),
            ShortcutError::NotATimestamp { shortcut, value } => {
                write!(f, "--{shortcut} {value:?} is not a timestamp")
            }
        }
    }
}

impl std::error::Error for ShortcutError {}

/// The criteria the given shortcuts stand for: each shortcut given, with its values (a date
/// shortcut takes one, the flag none). A member's `After` and `Before` make one date range.
///
/// The conditions come in table order, string members before dates, whatever the order of
/// `given`.
pub fn criteria<'a>(
    given: impl IntoIterator<Item = (&'a Shortcut, &'a [String])>,
) -> Result<Criteria, ShortcutError> {
    let mut given: Vec<(&Shortcut, &[String])> = given.into_iter().collect();
    given.sort_by_key(|(s, _)| SHORTCUTS.iter().position(|t| t == *s));
    let mut c = Criteria::default();
    let mut dates: Vec<(Member, Range<EpochMillis>)> = Vec::new();
    for (s, values) in given {
        match s.kind {
            ShortcutKind::Equals => {
                if values.len() > MAX_FILTERS_PER_MEMBER {
                    return Err(ShortcutError::TooManyValues { shortcut: s.name });
                }
                let tests = values.iter().map(|v| StringTest::Equals(v.clone()));
                c.push(Condition::Strings(s.member, tests.collect()));
            }
            ShortcutKind::After | ShortcutKind::Before => {
                let Some(text) = values.first() else { continue };
                let ms = timestamp::parse(text).ok_or_else(|| ShortcutError::NotATimestamp {
                    shortcut: s.name,
                    value: text.clone(),
                })?;
                let range = match dates.iter_mut().find(|(m, _)| *m == s.member) {
                    Some((_, r)) => r,
                    None => {
                        dates.push((
                            s.member,
                            Range {
                                low: None,
                                high: None,
                            },
                        ));
                        &mut dates.last_mut().expect("just pushed").1
                    }
                };
                if s.kind == ShortcutKind::After {
                    range.low = Some(ms);
                } else {
                    range.high = Some(ms);
                }
            }
            ShortcutKind::AllStatuses => c.all_statuses(),
        }
    }
    for (m, range) in dates {
        c.push(Condition::Dates(m, vec![range]));
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::members::Kind;

    fn named(name: &str) -> &'static Shortcut {
        SHORTCUTS.iter().find(|s| s.name == name).unwrap()
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn each_shortcut_suits_its_member() {
        for s in SHORTCUTS {
            let want = match s.kind {
                ShortcutKind::Equals | ShortcutKind::AllStatuses => Kind::String,
                ShortcutKind::After | ShortcutKind::Before => Kind::Date,
            };
            assert_eq!(s.member.kind(), want, "{}", s.name);
        }
    }

    #[test]
    fn values_become_conditions_in_table_order() {
        let sev = strings(&["CRITICAL", "HIGH"]);
        let after = strings(&["2025-01-01T00:00:00Z"]);
        let before = strings(&["1735689600"]);
        let given = [
            (named("first-observed-before"), &before[..]),
            (named("all-statuses"), &[][..]),
            (named("severity"), &sev[..]),
            (named("first-observed-after"), &after[..]),
        ];
        let c = criteria(given).unwrap();
        assert!(
            c.status_given,
            "--all-statuses turns the ACTIVE-only rule off"
        );
        assert_eq!(
            c.conditions,
            vec![
                Condition::Strings(
                    Member::Severity,
                    vec![
                        StringTest::Equals("CRITICAL".into()),
                        StringTest::Equals("HIGH".into())
                    ]
                ),
                Condition::Dates(
                    Member::FirstObservedAt,
                    vec![Range {
                        low: Some(1_735_689_600_000),
                        high: Some(1_735_689_600_000)
                    }]
                ),
            ]
        );
    }

    #[test]
    fn a_status_list_replaces_the_default_rule() {
        let closed = strings(&["CLOSED"]);
        assert!(
            criteria([(named("status"), &closed[..])])
                .unwrap()
                .status_given
        );
        let sev = strings(&["LOW"]);
        assert!(
            !criteria([(named("severity"), &sev[..])])
                .unwrap()
                .status_given
        );
    }

    #[test]
    fn mistakes_name_the_option() {
        let many: Vec<String> = (0..=MAX_FILTERS_PER_MEMBER)
            .map(|i| i.to_string())
            .collect();
        let e = criteria([(named("account"), &many[..])]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--account: at most 10 values, as in a FilterCriteria member"
        );
        let bad = strings(&["yesterday"]);
        let e = criteria([(named("last-observed-before"), &bad[..])]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--last-observed-before \"yesterday\" is not a timestamp"
        );
    }
}
