//! The values of the filter members whose finding attribute is an enum of the inspector2
//! API model (`Severity`, `FindingStatus`, `ResourceType`, ...), and what a filter makes of
//! a value that is not one of them.
//!
//! * A shortcut option (`--severity critical`) is checked: its values match the enum in
//!   any case and go into the criteria spelled as the API spells them; any other value is
//!   a usage error that names the nearest one ([`canonical`]).
//! * A FilterCriteria document keeps the API's meaning, where comparisons are
//!   case-sensitive and every enum is an open string (spec 1.1): an `EQUALS` value that no
//!   enum value spells that way is kept, with a warning that gives the nearest spelling
//!   ([`document_warnings`]).

use super::criteria::{distance, Condition, Criteria, StringTest};
use super::members::Member;

/// The enum values of `member`'s attribute, as the API spells them; `None` for members
/// that take any string.
pub fn values(member: Member) -> Option<&'static [&'static str]> {
    Some(match member {
        Member::Severity => &[
            "INFORMATIONAL",
            "LOW",
            "MEDIUM",
            "HIGH",
            "CRITICAL",
            "UNTRIAGED",
        ],
        Member::FindingStatus => &["ACTIVE", "SUPPRESSED", "CLOSED"],
        Member::ResourceType => &[
            "AWS_EC2_INSTANCE",
            "AWS_ECR_CONTAINER_IMAGE",
            "AWS_ECR_REPOSITORY",
            "AWS_LAMBDA_FUNCTION",
            "CODE_REPOSITORY",
        ],
        Member::FindingType => &[
            "NETWORK_REACHABILITY",
            "PACKAGE_VULNERABILITY",
            "CODE_VULNERABILITY",
        ],
        Member::FixAvailable => &["YES", "NO", "PARTIAL"],
        Member::ExploitAvailable => &["YES", "NO"],
        Member::NetworkProtocol => &["TCP", "UDP"],
        _ => return None,
    })
}

/// `value` as `member`'s enum spells it, matched in any case; otherwise the nearest enum
/// value (by edit distance, ignoring case) as the error. Members without an enum take
/// `value` as it is.
pub fn canonical(member: Member, value: &str) -> Result<&str, &'static str> {
    let Some(valid) = values(member) else {
        return Ok(value);
    };
    valid
        .iter()
        .find(|v| v.eq_ignore_ascii_case(value))
        .copied()
        .ok_or_else(|| nearest(valid, value))
}

/// The value of `valid` closest to `value`, ignoring case; the first on ties.
fn nearest(valid: &'static [&'static str], value: &str) -> &'static str {
    let value = value.to_ascii_uppercase();
    valid
        .iter()
        .min_by_key(|v| distance(&value, v))
        .copied()
        .unwrap_or("")
}

/// A warning for each `EQUALS` filter of `criteria` whose value is not one of its member's
/// enum values exactly: it matches only findings that spell it so, which Inspector itself
/// never writes. Each names the member, the filter's index and the nearest spelling.
pub fn document_warnings(criteria: &Criteria) -> Vec<String> {
    let mut out = Vec::new();
    for c in &criteria.conditions {
        let Condition::Strings(member, tests) = c else {
            continue;
        };
        let Some(valid) = values(*member) else {
            continue;
        };
        for (i, t) in tests.iter().enumerate() {
            let StringTest::Equals(v) = t else { continue };
            if valid.contains(&v.as_str()) {
                continue;
            }
            let near = nearest(valid, v);
            let why = if near.eq_ignore_ascii_case(v) {
                "comparisons are case-sensitive"
            } else {
                "it is none of the API's values"
            };
            out.push(format!(
                "filter criteria: {}[{i}]: EQUALS {v:?} matches only findings that spell it \
                 so ({why}); did you mean {near:?}?",
                member.name()
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcut_values_match_in_any_case() {
        assert_eq!(canonical(Member::Severity, "critical"), Ok("CRITICAL"));
        assert_eq!(canonical(Member::FindingStatus, "Closed"), Ok("CLOSED"));
        assert_eq!(
            canonical(Member::ResourceType, "aws_lambda_function"),
            Ok("AWS_LAMBDA_FUNCTION")
        );
        assert_eq!(canonical(Member::Severity, "CRITCAL"), Err("CRITICAL"));
        assert_eq!(canonical(Member::FindingStatus, "activ"), Err("ACTIVE"));
        assert_eq!(
            canonical(Member::ResourceType, "lambda_function"),
            Err("AWS_LAMBDA_FUNCTION")
        );
        assert_eq!(
            canonical(Member::AwsAccountId, "any thing"),
            Ok("any thing")
        );
    }

    #[test]
    fn documents_keep_their_values_with_a_warning() {
        let c = Criteria::parse(
            r#"{"severity":[{"comparison":"EQUALS","value":"medium"},
                            {"comparison":"EQUALS","value":"HIGH"},
                            {"comparison":"PREFIX","value":"c"},
                            {"comparison":"EQUALS","value":"CRITCAL"}],
                "title":[{"comparison":"EQUALS","value":"medium"}]}"#,
        )
        .unwrap();
        assert_eq!(
            document_warnings(&c),
            [
                "filter criteria: severity[0]: EQUALS \"medium\" matches only findings that \
                 spell it so (comparisons are case-sensitive); did you mean \"MEDIUM\"?",
                "filter criteria: severity[3]: EQUALS \"CRITCAL\" matches only findings that \
                 spell it so (it is none of the API's values); did you mean \"CRITICAL\"?"
            ]
        );
    }
}
