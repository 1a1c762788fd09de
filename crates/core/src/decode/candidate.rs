//! What is a finding (spec section 1): a finding candidate that is an object with none of
//! the members the API's `Finding` shape requires is not an Inspector finding, and the
//! input is bad input rather than a report with an empty row.
//!
//! Every real finding has `status`, which every view reads, so the check costs one
//! comparison per finding. Only a candidate without `status` has its members read again
//! (cold), to look for the other required members and, when there are none, to say what
//! the object looks like.

use super::raw::{escaped, member, members, SHOWN_CHARS};
use super::value::Leaf;
use crate::error::ErrorKind;
use std::borrow::Cow;

/// The members the inspector2 API model's `Finding` shape requires.
pub const REQUIRED_MEMBERS: [&str; 10] = [
    "awsAccountId",
    "description",
    "findingArn",
    "firstObservedAt",
    "lastObservedAt",
    "remediation",
    "resources",
    "severity",
    "status",
    "type",
];

/// The index in [`REQUIRED_MEMBERS`] of `key`, if it is one of them. A `match`: the JSON
/// report's walk asks for every top-level key of every finding.
#[inline]
pub(crate) fn required_index(key: &str) -> Option<usize> {
    Some(match key {
        "awsAccountId" => 0,
        "description" => 1,
        "findingArn" => 2,
        "firstObservedAt" => 3,
        "lastObservedAt" => 4,
        "remediation" => 5,
        "resources" => 6,
        "severity" => 7,
        "status" => 8,
        "type" => 9,
        _ => return None,
    })
}

/// Member names a message lists before it says how many more there are.
const NAMES_SHOWN: usize = 5;

/// Checks that the candidate object `text`, whose `status` a view read, is a finding; the
/// error is at `offset` (the candidate's first byte in its item).
#[inline]
pub(crate) fn check(
    status: Option<&Leaf<'_>>,
    text: &str,
    offset: usize,
) -> Result<(), (usize, ErrorKind)> {
    if status.is_some() {
        return Ok(());
    }
    check_members(text).map_err(|what| (offset, ErrorKind::NotAFinding(what)))
}

/// True when the candidate object `text`, whose `status` a view read, is a finding.
#[inline]
pub(crate) fn is_finding(status: Option<&Leaf<'_>>, text: &str) -> bool {
    status.is_some() || check_members(text).is_ok()
}

/// A candidate without `status`: a finding if another required member is there (and not
/// `null`, which every view reads as absent); otherwise what it looks like.
#[cold]
#[inline(never)]
fn check_members(text: &str) -> Result<(), String> {
    // The candidate has been decoded, so it is an object.
    let Some(m) = members(text) else {
        return Ok(());
    };
    if REQUIRED_MEMBERS.iter().any(|k| member(&m, k).is_some()) {
        return Ok(());
    }
    Err(looks_like(&m))
}

/// What an object that is not a finding looks like, for the message.
fn looks_like(m: &[(Cow<'_, str>, &str)]) -> String {
    let has = |k: &str| m.iter().any(|(name, _)| name == k);
    if has("Findings") {
        return "it looks like a Security Hub (ASFF) document (it has `Findings`)".into();
    }
    if has("SchemaVersion") && has("ProductArn") {
        return "it looks like a Security Hub (ASFF) finding (it has `SchemaVersion` and \
                `ProductArn`)"
            .into();
    }
    if has("coveredResources") {
        return "it looks like a ListCoverage response (it has `coveredResources`)".into();
    }
    if m.is_empty() {
        return "it is an empty object".into();
    }
    let mut names: Vec<String> = Vec::new();
    for (k, _) in m {
        let k = format!("`{}`", escaped(k, SHOWN_CHARS));
        if !names.contains(&k) {
            names.push(k);
        }
    }
    let more = names.len().saturating_sub(NAMES_SHOWN);
    names.truncate(NAMES_SHOWN);
    let mut s = format!("its members are {}", names.join(", "));
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_index_is_the_position_in_the_list() {
        for (k, name) in REQUIRED_MEMBERS.iter().enumerate() {
            assert_eq!(required_index(name), Some(k));
        }
        assert_eq!(required_index("title"), None);
    }

    fn what(text: &str) -> Option<String> {
        check_members(text).err()
    }

    #[test]
    fn one_required_member_makes_a_finding() {
        for m in REQUIRED_MEMBERS {
            assert_eq!(what(&format!(r#"{{"x":1,"{m}":0}}"#)), None, "{m}");
            assert!(what(&format!(r#"{{"{m}":null}}"#)).is_some(), "{m}: null");
        }
        assert_eq!(what(r#"{"t\u0079pe":"x"}"#), None, "an escaped key");
        assert!(
            what(r#"{"type":"x","type":null}"#).is_some(),
            "the last one counts"
        );
    }

    #[test]
    fn strangers_are_described() {
        assert_eq!(
            what(r#"{"Findings":[]}"#).unwrap(),
            "it looks like a Security Hub (ASFF) document (it has `Findings`)"
        );
        assert!(
            what(r#"{"SchemaVersion":"2018-10-08","ProductArn":"a","Id":"x"}"#)
                .unwrap()
                .contains("ASFF) finding")
        );
        assert!(what(r#"{"coveredResources":[],"nextToken":"x"}"#)
            .unwrap()
            .contains("ListCoverage"));
        assert_eq!(what("{}").unwrap(), "it is an empty object");
        assert_eq!(
            what(r#"{"foo":1,"b\nr":2,"foo":3,"c":4,"d":5,"e":6,"f":7,"g":8}"#).unwrap(),
            "its members are `foo`, `b\\u{a}r`, `c`, `d`, `e` and 2 more"
        );
    }
}
