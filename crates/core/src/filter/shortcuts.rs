//! Shortcuts: the common filters spelled as plain values (`--severity CRITICAL,HIGH`,
//! `--first-observed-after 2026-01-01T00:00:00Z`) instead of a FilterCriteria document.
//!
//! [`SHORTCUTS`] is the one table of them: each shortcut's name, the member it filters and
//! how its values become a condition. A front end maps its own options onto the names and
//! hands the values given to [`criteria`], which ANDs them as the document's members AND.
//!
//! Values are checked as a person types them: an enum member's values match in any case
//! and are written as the API spells them ([`super::enums`]); a date takes every form of
//! spec 1.2, a bare `YYYY-MM-DD` (midnight UTC), or `30d` / `12h` before the report time
//! ([`parse_time`]); a date range that ends before it starts is refused.

use super::criteria::{Condition, Criteria, Range, StringTest, MAX_FILTERS_PER_MEMBER};
use super::enums;
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

/// The forms a date shortcut takes, for messages.
pub const TIME_FORMS: &str = "a date (2026-01-01, midnight UTC), ISO 8601 \
     (2026-01-01T00:00:00Z, any offset), epoch seconds (1767225600), an EventBridge form \
     (Dec 3, 2021, 6:02:30 PM), or 30d / 12h before the report time (--as-of, default now)";

/// A shortcut value that is not one a person can have meant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShortcutError {
    /// More values than a FilterCriteria member may hold.
    TooManyValues {
        /// The shortcut's name.
        shortcut: &'static str,
    },
    /// A value that is none of the member's enum values, in any case.
    UnknownValue {
        /// The shortcut's name.
        shortcut: &'static str,
        /// The value given.
        value: String,
        /// The enum value closest to it.
        nearest: &'static str,
        /// Every enum value.
        valid: &'static [&'static str],
    },
    /// A date shortcut's value is no time ([`TIME_FORMS`]).
    NotATimestamp {
        /// The shortcut's name.
        shortcut: &'static str,
        /// The value given.
        value: String,
    },
    /// A date range whose start is after its end: no finding could match.
    EmptyRange {
        /// The shortcut that gave the start, and its value.
        after: (&'static str, String),
        /// The shortcut that gave the end, and its value.
        before: (&'static str, String),
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
            ShortcutError::UnknownValue {
                shortcut,
                value,
                nearest,
                valid,
            } => write!(
                f,
                "--{shortcut} {value:?} is not one of {} (in any case); did you mean {nearest}?",
                valid.join(", ")
            ),
            ShortcutError::NotATimestamp { shortcut, value } => {
                write!(f, "--{shortcut} {value:?} is not a time; use {TIME_FORMS}")
            }
            ShortcutError::EmptyRange { after, before } => write!(
                f,
                "--{} {:?} is later than --{} {:?}: no finding can be in that range",
                after.0, after.1, before.0, before.1
            ),
        }
    }
}

/// A date given to a date shortcut: [`parse_instant`], or `Nd` / `Nh` (N days or hours
/// before `as_of`, in epoch milliseconds).
pub fn parse_time(text: &str, as_of: EpochMillis) -> Option<EpochMillis> {
    let text = text.trim();
    if let Some(ms) = parse_instant(text) {
        return Some(ms);
    }
    let unit = match text.as_bytes().last()? {
        b'd' => 86_400_000,
        b'h' => 3_600_000,
        _ => return None,
    };
    let n = &text[..text.len() - 1];
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let back = n.parse::<i64>().ok()?.checked_mul(unit)?;
    let ms = as_of.checked_sub(back)?;
    // Within the years a timestamp may have.
    timestamp::parse(&timestamp::to_string(ms)).map(|_| ms)
}

/// A point in time as a person gives one: any timestamp form of spec 1.2, or a bare date
/// `YYYY-MM-DD`, which is midnight UTC.
pub fn parse_instant(text: &str) -> Option<EpochMillis> {
    let text = text.trim();
    let b = text.as_bytes();
    let bare_date = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if bare_date {
        return timestamp::parse(&format!("{text}T00:00:00Z"));
    }
    timestamp::parse(text)
}

impl std::error::Error for ShortcutError {}

/// The criteria the given shortcuts stand for: each shortcut given, with its values (a date
/// shortcut takes one, the flag none). A member's `After` and `Before` make one date range;
/// relative dates count back from `as_of` (the report time, epoch milliseconds).
///
/// The conditions come in table order, string members before dates, whatever the order of
/// `given`.
pub fn criteria<'a>(
    given: impl IntoIterator<Item = (&'a Shortcut, &'a [String])>,
    as_of: EpochMillis,
) -> Result<Criteria, ShortcutError> {
    let mut given: Vec<(&Shortcut, &[String])> = given.into_iter().collect();
    given.sort_by_key(|(s, _)| SHORTCUTS.iter().position(|t| t == *s));
    let mut c = Criteria::default();
    // Each date member's range, with the shortcut and text of each bound.
    type Bound = Option<(EpochMillis, &'static str, String)>;
    let mut dates: Vec<(Member, Bound, Bound)> = Vec::new();
    for (s, values) in given {
        match s.kind {
            ShortcutKind::Equals => {
                if values.len() > MAX_FILTERS_PER_MEMBER {
                    return Err(ShortcutError::TooManyValues { shortcut: s.name });
                }
                let tests = values
                    .iter()
                    .map(|v| match enums::canonical(s.member, v) {
                        Ok(canonical) => Ok(StringTest::Equals(canonical.to_string())),
                        Err(nearest) => Err(ShortcutError::UnknownValue {
                            shortcut: s.name,
                            value: v.clone(),
                            nearest,
                            valid: enums::values(s.member).unwrap_or_default(),
                        }),
                    })
                    .collect::<Result<_, _>>()?;
                c.push(Condition::Strings(s.member, tests));
            }
            ShortcutKind::After | ShortcutKind::Before => {
                let Some(text) = values.first() else { continue };
                let ms = parse_time(text, as_of).ok_or_else(|| ShortcutError::NotATimestamp {
                    shortcut: s.name,
                    value: text.clone(),
                })?;
                let i = match dates.iter().position(|(m, _, _)| *m == s.member) {
                    Some(i) => i,
                    None => {
                        dates.push((s.member, None, None));
                        dates.len() - 1
                    }
                };
                let bound = Some((ms, s.name, text.clone()));
                if s.kind == ShortcutKind::After {
                    dates[i].1 = bound;
                } else {
                    dates[i].2 = bound;
                }
            }
            ShortcutKind::AllStatuses => c.all_statuses(),
        }
    }
    for (m, low, high) in dates {
        if let (Some((l, after, a)), Some((h, before, b))) = (&low, &high) {
            if l > h {
                return Err(ShortcutError::EmptyRange {
                    after: (after, a.clone()),
                    before: (before, b.clone()),
                });
            }
        }
        let range = Range {
            low: low.map(|b| b.0),
            high: high.map(|b| b.0),
        };
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
        let c = criteria(given, 0).unwrap();
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
            criteria([(named("status"), &closed[..])], 0)
                .unwrap()
                .status_given
        );
        let sev = strings(&["LOW"]);
        assert!(
            !criteria([(named("severity"), &sev[..])], 0)
                .unwrap()
                .status_given
        );
    }

    #[test]
    fn mistakes_name_the_option() {
        let many: Vec<String> = (0..=MAX_FILTERS_PER_MEMBER)
            .map(|i| i.to_string())
            .collect();
        let e = criteria([(named("account"), &many[..])], 0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--account: at most 10 values, as in a FilterCriteria member"
        );
        let bad = strings(&["yesterday"]);
        let e = criteria([(named("last-observed-before"), &bad[..])], 0).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("--last-observed-before \"yesterday\" is not a time; use {TIME_FORMS}")
        );
    }

    #[test]
    fn enum_values_match_in_any_case_and_typos_name_the_nearest() {
        let given = [
            strings(&["critical", "High"]),
            strings(&["closed"]),
            strings(&["aws_lambda_function"]),
        ];
        let c = criteria(
            [
                (named("severity"), &given[0][..]),
                (named("status"), &given[1][..]),
                (named("resource-type"), &given[2][..]),
            ],
            0,
        )
        .unwrap();
        let equals = |v: &[&str]| {
            v.iter()
                .map(|v| StringTest::Equals(v.to_string()))
                .collect()
        };
        assert_eq!(
            c.conditions,
            vec![
                Condition::Strings(Member::Severity, equals(&["CRITICAL", "HIGH"])),
                Condition::Strings(Member::FindingStatus, equals(&["CLOSED"])),
                Condition::Strings(Member::ResourceType, equals(&["AWS_LAMBDA_FUNCTION"])),
            ]
        );
        let typo = strings(&["HIGH", "CRITCAL"]);
        let e = criteria([(named("severity"), &typo[..])], 0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--severity \"CRITCAL\" is not one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL, \
             UNTRIAGED (in any case); did you mean CRITICAL?"
        );
        // Members without an enum take any value as it is.
        let account = strings(&["abc"]);
        let c = criteria([(named("account"), &account[..])], 0).unwrap();
        assert_eq!(
            c.conditions,
            vec![Condition::Strings(Member::AwsAccountId, equals(&["abc"]))]
        );
    }

    #[test]
    fn dates_are_bare_absolute_or_relative_to_the_report_time() {
        let as_of = parse_instant("2026-03-31T12:00:00Z").unwrap();
        let day = 86_400_000;
        assert_eq!(
            parse_time("2026-01-01", as_of),
            parse_instant("2026-01-01T00:00:00Z")
        );
        assert_eq!(parse_time("30d", as_of), Some(as_of - 30 * day));
        assert_eq!(parse_time("12h", as_of), Some(as_of - day / 2));
        assert_eq!(parse_time("0d", as_of), Some(as_of));
        assert_eq!(parse_time("1767225600", as_of), Some(1_767_225_600_000));
        for bad in [
            "d",
            "-3d",
            "3w",
            "1.5d",
            "2026-1-01",
            "2026-13-01",
            "99999999999999d",
        ] {
            assert_eq!(parse_time(bad, as_of), None, "{bad}");
        }
        let (after, before) = (strings(&["2026-02-01"]), strings(&["90d"]));
        let e = criteria(
            [
                (named("first-observed-after"), &after[..]),
                (named("first-observed-before"), &before[..]),
            ],
            as_of,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "--first-observed-after \"2026-02-01\" is later than --first-observed-before \
             \"90d\": no finding can be in that range"
        );
        // One day is a range of one instant's width, not an empty one.
        let same = strings(&["2026-01-01"]);
        let c = criteria(
            [
                (named("last-observed-after"), &same[..]),
                (named("last-observed-before"), &same[..]),
            ],
            as_of,
        );
        assert!(c.is_ok());
    }
}
