//! Decoding: one item's bytes to a typed [`Finding`] (UTF-8 check, decode, EventBridge
//! unwrap).
//!
//! Decoding tries the [`walk`] fast path first. When the walker bails (invalid JSON, or a
//! shape that needs the lenient path and its warnings) serde_json decodes the item
//! instead, and has the last word on what is valid and how an error is worded.
//!
//! Errors come back with the byte offset *inside the item*; the pipeline adds the item's
//! own offset, so the user sees the absolute byte of the input.
//!
//! # The modules (each uses only those above it)
//!
//! * [`walk`]: the validating JSON walker of the fast path, and the traits a type
//!   implements to be walked.
//! * [`value`]: the lenient values a view's members hold ([`value::Leaf`],
//!   [`value::Lenient`], [`value::List`]) and their serde path, with its warnings; string
//!   literals are unescaped by `unescape`.
//! * `view`: the `view!` macro, which declares a view with both decoders, and the walker's
//!   impls for the lenient values. It joins `walk` and `value`, which know nothing of each
//!   other.
//! * [`finding`]: the views of the finding model, declared with `view!`.
//! * `event`: what an item is (a finding, an `Inspector2 Finding` event, another event),
//!   for this module and for the JSON report's fast path alike.
//! * `candidate`: what is a finding; an object with none of the required members is not
//!   ([`REQUIRED_MEMBERS`]).
//! * `raw` and `shape`: the cold paths' reading of a decoded finding, one level at a time,
//!   to describe a stranger object and to find the member a warning came from.

pub mod finding;
pub mod value;
pub mod walk;

mod candidate;
mod event;
pub(crate) mod raw;
pub(crate) mod shape;
mod unescape;
mod view;

pub use candidate::REQUIRED_MEMBERS;
pub(crate) use candidate::{is_finding, required_index};
pub use event::FINDING_EVENT;
pub(crate) use event::{unwrap_event, ItemKind};
pub use raw::{escaped, shown, SHOWN_CHARS};
pub use unescape::{unescape, unescape_into};

use crate::error::ErrorKind;
use crate::stats::Warnings;
use finding::{Compared, Finding, Identity, StatusOnly};
use serde::Deserialize;
use value::{take_decode_warnings, Leaf};
use walk::WalkView;

/// A typed view of a finding that the decoder can fill: the full [`Finding`] for the CSV
/// report and for filters, or [`StatusOnly`] when the JSON report needs nothing but the
/// default status rule (serde then stores one member and skips the rest).
pub trait View<'a>: Deserialize<'a> + WalkView<'a> {
    /// `status`, which tells a finding at once (see `candidate`).
    fn status(&self) -> Option<&Leaf<'a>>;
    /// `detail-type`, present on EventBridge events.
    fn detail_type(&self) -> Option<&Leaf<'a>>;
    /// `detail`, the finding inside an event.
    fn detail(&self) -> Option<&'a str>;
}

impl<'a> View<'a> for Finding<'a> {
    fn status(&self) -> Option<&Leaf<'a>> {
        self.status.as_ref()
    }
    fn detail_type(&self) -> Option<&Leaf<'a>> {
        self.detail_type.as_ref()
    }
    fn detail(&self) -> Option<&'a str> {
        self.detail.as_ref().map(Leaf::raw_text)
    }
}

/// The views that read only some members of a finding, and the envelope.
macro_rules! narrow_views {
    ($($v:ident),*) => {$(
        impl<'a> View<'a> for $v<'a> {
            fn status(&self) -> Option<&Leaf<'a>> {
                self.status.as_ref()
            }
            fn detail_type(&self) -> Option<&Leaf<'a>> {
                self.detail_type.as_ref()
            }
            fn detail(&self) -> Option<&'a str> {
                self.detail.as_ref().map(Leaf::raw_text)
            }
        }
    )*};
}
narrow_views!(StatusOnly, Identity, Compared);

/// What an item turned out to be.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // returned once per item, never stored
pub enum Decoded<'a, V = Finding<'a>> {
    /// A finding, with the bytes of the finding object itself (for an event, its `detail`).
    Finding {
        /// The typed view.
        finding: V,
        /// The finding object's own bytes.
        bytes: &'a [u8],
        /// Their offset within the item.
        offset: usize,
    },
    /// An EventBridge event of another kind (scan, coverage): no finding.
    OtherEvent,
}

/// Decodes one item into the full view. Warnings raised by the decode are added to `w`.
pub fn decode<'a>(item: &'a [u8], w: &mut Warnings) -> Result<Decoded<'a>, (usize, ErrorKind)> {
    decode_as::<Finding<'a>>(item, w)
}

/// Decodes one item into the view `V`. A finding candidate that is not an Inspector
/// finding (spec section 1) is an error at its first byte.
pub fn decode_as<'a, V: View<'a>>(
    item: &'a [u8],
    w: &mut Warnings,
) -> Result<Decoded<'a, V>, (usize, ErrorKind)> {
    let text = utf8(item).map_err(|e| (e.valid_up_to(), ErrorKind::Utf8))?;
    let outer: V = view_of(text)?;
    match unwrap_event(text, outer.detail_type(), outer.detail())? {
        ItemKind::Finding => {
            candidate::check(outer.status(), text, 0).inspect_err(|_| drop_warnings())?;
            collect(w);
            Ok(Decoded::Finding {
                finding: outer,
                bytes: item,
                offset: 0,
            })
        }
        ItemKind::OtherEvent => {
            take_decode_warnings();
            Ok(Decoded::OtherEvent)
        }
        ItemKind::FindingEvent(detail) => {
            let offset = detail.as_ptr() as usize - text.as_ptr() as usize;
            // The envelope's own warnings are not the finding's.
            take_decode_warnings();
            let finding: V = view_of(detail).map_err(|(at, k)| (offset + at, k))?;
            candidate::check(finding.status(), detail, offset).inspect_err(|_| drop_warnings())?;
            collect(w);
            Ok(Decoded::Finding {
                finding,
                bytes: detail.as_bytes(),
                offset,
            })
        }
    }
}

/// `std::str::from_utf8`, with the same errors, checked with SIMD. std validates about
/// a byte per cycle; simdutf8 (AVX2 or SSE4.2, chosen at run time) is several times
/// faster, and the position of a bad byte is found by std, on the rare invalid input.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(_) => std::str::from_utf8(bytes),
    }
}

/// The view of one JSON object: the walker when it can, serde_json when it bails. The
/// walker raises no warnings; the tally is reset before serde_json runs, since a bailed
/// walk may be partway into a finding but raised nothing.
fn view_of<'a, V: View<'a>>(text: &'a str) -> Result<V, (usize, ErrorKind)> {
    if let Ok(v) = walk::walk::<V>(text) {
        return Ok(v);
    }
    take_decode_warnings();
    serde_json::from_str(text).map_err(|e| json_error(text, &e))
}

/// Forgets the warnings of an item that fails, so they are not the next item's.
#[cold]
fn drop_warnings() {
    take_decode_warnings();
}

fn collect(w: &mut Warnings) {
    let (wrong, single) = take_decode_warnings();
    w.wrong_type += wrong as u64;
    w.single_for_list += single as u64;
}

/// serde_json reports line and column; the user needs the byte. The message keeps
/// serde_json's words without its position suffix, which would be relative to the item.
#[cold]
fn json_error(text: &str, e: &serde_json::Error) -> (usize, ErrorKind) {
    let at = if e.is_eof() {
        text.len()
    } else {
        offset_of(text, e.line(), e.column())
    };
    // serde_json's skipping path reports a control character one byte early; point at
    // the byte itself, which is what the user must find.
    let b = text.as_bytes();
    let at = if msg_is_control(e)
        && b.get(at).is_some_and(|&c| c >= 0x20)
        && b.get(at + 1).is_some_and(|&c| c < 0x20)
    {
        at + 1
    } else {
        at
    };
    let msg = e.to_string();
    let msg = match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => &msg[..],
    };
    let what = if e.is_eof() {
        "the finding ends early".to_string()
    } else {
        format!("invalid finding JSON: {msg}")
    };
    (at, ErrorKind::Syntax(what))
}

fn msg_is_control(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("control character")
}

/// Byte offset of serde_json's `line` and `column` (both 1-based, in bytes) in `text`.
/// Column 0 is the newline that ends the previous line (a raw newline in a string).
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    (start + column).saturating_sub(1).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &[u8]) -> (usize, String) {
        let mut w = Warnings::default();
        let (at, k) = decode(s, &mut w).unwrap_err();
        (at, format!("{k:?}"))
    }

    #[test]
    fn positions_are_bytes_inside_the_item() {
        let (at, k) = err(b"{\"a\":1,\n \"title\":\"x\ny\"}");
        assert_eq!(at, 19);
        assert!(k.contains("control character"), "{k}");
        let (at, k) = err(b"{\"a\":\xff}");
        assert_eq!((at, k.as_str()), (5, "Utf8"));
        let (at, k) = err(b"{\"a\":1,}");
        assert_eq!(at, 7, "{k}");
        let (at, k) = err(b"{\"a\":1 \"b\":2}");
        assert_eq!(at, 7, "{k}");
        let (at, k) = err(b"{\"a\":tru}");
        assert_eq!(at, 8, "{k}");
    }

    /// A member given twice is valid JSON, and the `convert` fuzz target makes such
    /// findings: the last value wins in every view, as in serde_json, so the CSV report
    /// (full view) accepts what the JSON report (its own bytes) accepts. serde's derive
    /// would reject the finding.
    #[test]
    fn a_repeated_member_takes_its_last_value() {
        let mut w = Warnings::default();
        match decode(
            br#"{"title":"a","status":"CLOSED","title":"b","status":"ACTIVE"}"#,
            &mut w,
        )
        .unwrap()
        {
            Decoded::Finding { finding, .. } => {
                assert_eq!(finding.title.unwrap().text().unwrap(), "b");
                assert_eq!(finding.status.unwrap().text().unwrap(), "ACTIVE");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn events_unwrap_to_their_detail() {
        let mut w = Warnings::default();
        let ev = br#"{"detail-type":"Inspector2 Finding","resources":["i-1"],"detail":{"title":"t","resources":[{"id":"i-1"}]}}"#;
        match decode(ev, &mut w).unwrap() {
            Decoded::Finding {
                finding,
                bytes,
                offset,
            } => {
                assert_eq!(finding.title.unwrap().text().unwrap(), "t");
                assert_eq!(bytes, &ev[offset..ev.len() - 1]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            w,
            Warnings::default(),
            "the envelope's own members raise no warnings"
        );
        let scan = br#"{"detail-type":"Inspector2 Scan","detail":{}}"#;
        assert!(matches!(decode(scan, &mut w).unwrap(), Decoded::OtherEvent));
        let (_, k) = err(br#"{"detail-type":"Inspector2 Finding","detail":"x"}"#);
        assert!(k.contains("NotAnObject"));
    }
}
