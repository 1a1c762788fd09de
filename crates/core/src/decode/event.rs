//! EventBridge events around findings: an event has `detail-type` and `detail`, and only
//! an `Inspector2 Finding` event carries a finding, as its `detail` object. Decoding and
//! the JSON report's fast path both unwrap events here, so they agree on what an item is.

use super::value::{Leaf, LeafKind};
use crate::error::ErrorKind;

/// The `detail-type` of events that carry a finding.
pub const FINDING_EVENT: &str = "Inspector2 Finding";

/// What an item is, by the members of its outer object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ItemKind<'a> {
    /// A finding (it has no `detail-type`).
    Finding,
    /// An `Inspector2 Finding` event: the finding is its `detail`, this object text.
    FindingEvent(&'a str),
    /// An event of another kind (scan, coverage): no finding.
    OtherEvent,
}

/// Tells what the item `text` is from its outer object's `detail-type` and `detail` (the
/// value's text). An `Inspector2 Finding` event whose `detail` is not an object is an
/// error, at `detail` or, when it is missing, at the item's first byte.
#[inline(always)]
pub(crate) fn unwrap_event<'a>(
    text: &'a str,
    detail_type: Option<&Leaf<'a>>,
    detail: Option<&'a str>,
) -> Result<ItemKind<'a>, (usize, ErrorKind)> {
    let Some(detail_type) = detail_type else {
        return Ok(ItemKind::Finding);
    };
    if detail_type.text().as_deref() != Some(FINDING_EVENT) {
        return Ok(ItemKind::OtherEvent);
    }
    match detail {
        Some(d) if d.starts_with('{') => Ok(ItemKind::FindingEvent(d)),
        _ => Err(detail_not_an_object(text, detail)),
    }
}

#[cold]
fn detail_not_an_object(text: &str, detail: Option<&str>) -> (usize, ErrorKind) {
    let at = detail
        .map(|d| d.as_ptr() as usize - text.as_ptr() as usize)
        .unwrap_or(0);
    let what = match detail.map(|d| Leaf::Raw(d).kind()) {
        None => "an Inspector2 Finding event without `detail`",
        Some(LeafKind::Str) => "a string as the event's `detail`",
        Some(LeafKind::Composite) => "an array as the event's `detail`",
        Some(_) => "a scalar as the event's `detail`",
    };
    (at, ErrorKind::NotAnObject(what.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(item: &str, detail_type: Option<&str>, detail: Option<&str>) -> String {
        let dt = detail_type.map(Leaf::Raw);
        format!("{:?}", unwrap_event(item, dt.as_ref(), detail))
    }

    #[test]
    fn only_finding_events_carry_a_finding() {
        let item = r#"{"detail-type":"Inspector2 Finding","detail":{"a":1}}"#;
        let detail = &item[item.len() - 8..item.len() - 1];
        assert_eq!(kind(item, None, Some(detail)), "Ok(Finding)");
        assert_eq!(
            kind(item, Some(r#""Inspector2 Finding""#), Some(detail)),
            r#"Ok(FindingEvent("{\"a\":1}"))"#
        );
        for other in [r#""Inspector2 Scan""#, "7", "{}", r#""inspector2 finding""#] {
            assert_eq!(kind(item, Some(other), Some(detail)), "Ok(OtherEvent)");
        }
    }

    #[test]
    fn a_finding_event_without_an_object_detail_is_an_error_at_detail() {
        let finding_event = Some(r#""Inspector2 Finding""#);
        let item = r#"{"detail-type":"Inspector2 Finding","detail":[1]}"#;
        let at = item.find("[1]").unwrap();
        assert_eq!(
            kind(item, finding_event, Some(&item[at..at + 3])),
            format!("Err(({at}, NotAnObject(\"an array as the event's `detail`\")))")
        );
        for (detail, what) in [
            (r#""x""#, "a string"),
            ("1", "a scalar"),
            ("null", "a scalar"),
        ] {
            let item = format!(r#"{{"detail-type":"Inspector2 Finding","detail":{detail}}}"#);
            let at = item.len() - 1 - detail.len();
            assert_eq!(
                kind(&item, finding_event, Some(&item[at..at + detail.len()])),
                format!("Err(({at}, NotAnObject(\"{what} as the event's `detail`\")))")
            );
        }
        assert_eq!(
            kind(item, finding_event, None),
            "Err((0, NotAnObject(\"an Inspector2 Finding event without `detail`\")))"
        );
    }
}
