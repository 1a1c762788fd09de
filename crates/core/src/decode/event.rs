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
#[inline]
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
