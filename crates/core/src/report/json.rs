//! One finding of the JSON report: its own bytes, minified, timestamps patched in place.
//!
//! The finding is never re-serialised: strings (escapes included) and number text are
//! copied byte for byte, only insignificant whitespace is dropped, and the value of each
//! timestamp member of spec section 3 is replaced by its UTC string. A small path
//! automaton (`Path`) knows which members those are.
//!
//! Two ways produce the same bytes:
//!
//! * the fast path: [`walk_item`] checks the item and finds its status and the timestamp
//!   values in one walk ([`crate::decode::walk`]), then [`write_walked`] copies the finding 64 bytes
//!   at a time, dropping whitespace outside strings by bit mask (`classify`), and
//!   patches the timestamps it was given. About a third of the instructions of decoding the
//!   status and then minifying token by token.
//! * the reference: [`write_finding`]'s token-by-token `Minifier`, for items the walker
//!   leaves to serde_json (escaped keys, deep nesting, invalid JSON) and for filters that
//!   need the full view. Tests and the `walk` fuzz target check that both agree.
//!
//! The input must already be valid JSON (the decoder has parsed it), so this code only
//! has to be right on valid input; on anything else it copies what it sees.

use crate::decode::value::{Leaf, List};
use crate::decode::walk::{walk_root, Bail, WalkMember, Walker};
use crate::decode::{
    is_finding, required_index, unescape, unwrap_event, ItemKind, REQUIRED_MEMBERS,
};
use crate::stats::{WarningKind, Warnings};
use crate::timestamp;
use crate::witness::saw;
use memchr::memchr2;

/// What to do with timestamp members.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum JsonTimestamps {
    /// Rewrite each as a UTC string `YYYY-MM-DDTHH:MM:SS.sssZ` (the default).
    #[default]
    Iso,
    /// Keep every value exactly as in the input.
    Verbatim,
}

/// Where in the finding the walker is; only the places that lead to a timestamp member
/// are told apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Path {
    /// Somewhere no timestamp member can be below.
    Other,
    Root,
    PackageVulnerabilityDetails,
    Exploitability,
    Resources,
    Resource,
    CodeVulnerabilityDetails,
    Details,
    Ec2,
    Ecr,
    Lambda,
    Vm,
    Image,
    Serverless,
}

/// What a key leads to from `at`: a deeper path, or a timestamp member.
enum Next {
    Path(Path),
    Timestamp,
}

fn child(at: Path, key: &[u8]) -> Next {
    use Next::{Path as P, Timestamp as T};
    match (at, key) {
        (Path::Root, b"firstObservedAt" | b"lastObservedAt" | b"updatedAt") => T,
        (Path::Root, b"packageVulnerabilityDetails") => P(Path::PackageVulnerabilityDetails),
        (Path::Root, b"exploitabilityDetails") => P(Path::Exploitability),
        (Path::Root, b"codeVulnerabilityDetails") => P(Path::CodeVulnerabilityDetails),
        (Path::Root, b"resources") => P(Path::Resources),
        (Path::PackageVulnerabilityDetails, b"vendorCreatedAt" | b"vendorUpdatedAt") => T,
        (Path::Exploitability, b"lastKnownExploitAt") => T,
        (Path::Resource, b"details") => P(Path::Details),
        (Path::Details, b"awsEc2Instance") => P(Path::Ec2),
        (Path::Details, b"awsEcrContainerImage") => P(Path::Ecr),
        (Path::Details, b"awsLambdaFunction") => P(Path::Lambda),
        (Path::Details, b"vm") => P(Path::Vm),
        (Path::Details, b"image") => P(Path::Image),
        (Path::Details, b"serverlessFunction") => P(Path::Serverless),
        (Path::Ec2 | Path::Vm, b"launchedAt") => T,
        (Path::Ecr | Path::Image, b"pushedAt" | b"lastInUseAt") => T,
        (Path::Lambda | Path::Serverless, b"lastModifiedAt") => T,
        _ => P(Path::Other),
    }
}

/// What the JSON report needs of one item, from one validating walk.
#[derive(Debug, Default)]
pub struct Walked<'a> {
    /// `status`, when present and not null.
    pub status: Option<Leaf<'a>>,
    /// `detail-type`, present on EventBridge events.
    pub detail_type: Option<Leaf<'a>>,
    /// `detail`, the finding inside an event.
    pub detail: Option<Leaf<'a>>,
    /// The value of every timestamp member (spec section 3), in input order.
    pub stamps: Vec<&'a str>,
    /// `severity`, for the breakdown ([`crate::breakdown`]), as are the members below.
    pub severity: Option<Leaf<'a>>,
    /// `type`.
    pub finding_type: Option<Leaf<'a>>,
    /// `awsAccountId`.
    pub account: Option<Leaf<'a>>,
    /// `type` of each resource that has one, in order.
    pub resource_types: Vec<Leaf<'a>>,
    /// `packageVulnerabilityDetails.vulnerabilityId`.
    pub vulnerability_id: Option<Leaf<'a>>,
    /// `codeVulnerabilityDetails.cwes`.
    pub cwes: Option<List<Leaf<'a>>>,
    /// Which of the required members are there and not `null`: bit `k` for
    /// [`crate::decode::REQUIRED_MEMBERS`]`[k]`.
    pub required: u16,
}

impl Walked<'_> {
    /// How many of the required members are absent or `null` (spec 5 counts a warning for
    /// each).
    pub fn missing_required(&self) -> u64 {
        (REQUIRED_MEMBERS.len() as u32 - self.required.count_ones()) as u64
    }
}

/// What an item turned out to be, for the JSON report's fast path.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // returned once per item, never stored
pub enum WalkedItem<'a> {
    /// A finding: the walk of the finding object itself, and its text (for an event, its
    /// `detail`).
    Finding(Walked<'a>, &'a str),
    /// An EventBridge event of another kind.
    OtherEvent,
}

/// Walks one item for the JSON report, unwrapping an EventBridge event as
/// [`crate::decode`] does. `Bail` when the item must take the reference path, which
/// also words every error (an object that is not a finding among them).
pub fn walk_item(item: &[u8]) -> Result<WalkedItem<'_>, Bail> {
    let text = crate::decode::utf8(item).map_err(|_| Bail)?;
    let outer = walk_object_text(text)?;
    let detail = outer.detail.as_ref().map(Leaf::raw_text);
    let (walked, text) = match unwrap_event(text, outer.detail_type.as_ref(), detail) {
        Ok(ItemKind::Finding) => (outer, text),
        Ok(ItemKind::FindingEvent(detail)) => (walk_object_text(detail)?, detail),
        Ok(ItemKind::OtherEvent) => return Ok(WalkedItem::OtherEvent),
        Err(_) => return Err(Bail),
    };
    if !is_finding(walked.status.as_ref(), text) {
        return Err(Bail);
    }
    Ok(WalkedItem::Finding(walked, text))
}

fn walk_object_text(text: &str) -> Result<Walked<'_>, Bail> {
    let mut v = Walked::default();
    walk_root(text, |w| walk_object(w, Path::Root, &mut v))?;
    Ok(v)
}

fn walk_value<'a>(w: &mut Walker<'a>, at: Path, v: &mut Walked<'a>) -> Result<(), Bail> {
    match w.byte() {
        b'{' => walk_object(w, at, v),
        b'[' => {
            let elem = if at == Path::Resources {
                Path::Resource
            } else {
                Path::Other
            };
            w.array(|w| walk_value(w, elem, v))
        }
        _ => w.skip(),
    }
}

fn walk_object<'a>(w: &mut Walker<'a>, at: Path, v: &mut Walked<'a>) -> Result<(), Bail> {
    // `resources` given as one object instead of a list is read as one resource.
    let at = if at == Path::Resources {
        Path::Resource
    } else {
        at
    };
    // A member given twice takes its last value, as in the typed view: a repeated member
    // starts over, and a resource's `type` is taken when the resource ends.
    let mut resource_type = None;
    w.object(|w, key| {
        if at == Path::Root {
            if let Some(k) = required_index(key) {
                // Only `null` starts with `n`; the walk below checks the value.
                if w.byte() == b'n' {
                    v.required &= !(1 << k);
                } else {
                    v.required |= 1 << k;
                }
            }
        }
        match (at, key) {
            (Path::Root, "status") => return WalkMember::walk(w).map(|s| v.status = s),
            (Path::Root, "detail-type") => return WalkMember::walk(w).map(|s| v.detail_type = s),
            (Path::Root, "detail") => return WalkMember::walk(w).map(|s| v.detail = s),
            (Path::Root, "severity") => return WalkMember::walk(w).map(|s| v.severity = s),
            (Path::Root, "type") => return WalkMember::walk(w).map(|s| v.finding_type = s),
            (Path::Root, "awsAccountId") => return WalkMember::walk(w).map(|s| v.account = s),
            (Path::Root, "resources") => v.resource_types.clear(),
            (Path::Root, "packageVulnerabilityDetails") => v.vulnerability_id = None,
            (Path::Root, "codeVulnerabilityDetails") => v.cwes = None,
            (Path::Resource, "type") => return WalkMember::walk(w).map(|s| resource_type = s),
            (Path::PackageVulnerabilityDetails, "vulnerabilityId") => {
                return WalkMember::walk(w).map(|s| v.vulnerability_id = s)
            }
            // A single value where the list belongs bails: the typed view warns about it.
            (Path::CodeVulnerabilityDetails, "cwes") => {
                return WalkMember::walk(w).map(|s| v.cwes = s)
            }
            _ => {}
        }
        match child(at, key.as_bytes()) {
            Next::Timestamp => {
                let t = w.value()?;
                v.stamps.push(t);
                Ok(())
            }
            Next::Path(Path::Other) => w.skip(),
            Next::Path(p) => walk_value(w, p, v),
        }
    })?;
    v.resource_types.extend(resource_type);
    Ok(())
}

/// Writes `finding` (its text, as [`walk_item`] returned it) minified into `out`, each of
/// `stamps` patched: the same bytes as [`write_finding`]. What goes around a finding (the
/// JSON report's `,`, the NDJSON report's line end) is the caller's.
pub fn write_walked(
    finding: &str,
    stamps: &[&str],
    ts: JsonTimestamps,
    out: &mut Vec<u8>,
    w: &mut Warnings,
) {
    out.reserve(finding.len() + 1);
    let src = finding.as_bytes();
    let mut from = 0;
    if ts == JsonTimestamps::Iso {
        for t in stamps {
            let at = t.as_ptr() as usize - src.as_ptr() as usize;
            minify(&src[from..at], out);
            patch(t, out, w);
            from = at + t.len();
        }
    }
    minify(&src[from..], out);
}

/// A timestamp member's value: as [`Minifier::timestamp`] writes it.
fn patch(t: &str, out: &mut Vec<u8>, w: &mut Warnings) {
    let parsed = match t.as_bytes()[0] {
        b'"' => timestamp::parse(&unescape(t)),
        b'{' | b'[' => {
            w.timestamp += 1;
            saw(WarningKind::Timestamp, t.as_bytes());
            return minify(t.as_bytes(), out);
        }
        b'n' => return out.extend_from_slice(t.as_bytes()),
        _ => timestamp::parse(t),
    };
    match parsed {
        Some(ms) => {
            out.push(b'"');
            timestamp::render(ms, out);
            out.push(b'"');
        }
        None => {
            w.timestamp += 1;
            saw(WarningKind::Timestamp, t.as_bytes());
            out.extend_from_slice(t.as_bytes());
        }
    }
}

/// Appends `src` without the whitespace outside its strings, 64 bytes at a time (AVX2
/// where the CPU has it: [`inspector_report_simd::minify`]). `src` must start outside a
/// string and be valid JSON text (its strings closed).
#[inline]
pub(crate) fn minify(src: &[u8], out: &mut Vec<u8>) {
    inspector_report_simd::minify(src, out)
}

/// Writes `finding` minified into `out` (what goes around it is the caller's, as for
/// [`write_walked`]).
pub fn write_finding(finding: &[u8], ts: JsonTimestamps, out: &mut Vec<u8>, w: &mut Warnings) {
    out.reserve(finding.len() + 1);
    let mut m = Minifier {
        src: finding,
        i: 0,
        patch: ts == JsonTimestamps::Iso,
        out,
        w,
    };
    m.skip_ws();
    m.value(Path::Root);
}

struct Minifier<'s, 'o> {
    src: &'s [u8],
    i: usize,
    patch: bool,
    out: &'o mut Vec<u8>,
    w: &'o mut Warnings,
}

impl Minifier<'_, '_> {
    #[inline]
    fn skip_ws(&mut self) {
        while self.i < self.src.len() && matches!(self.src[self.i], b' ' | b'\n' | b'\r' | b'\t') {
            self.i += 1;
        }
    }

    /// The extent of the string starting at `self.i` (its quotes included).
    #[inline]
    fn string_end(&self) -> usize {
        let mut j = self.i + 1;
        loop {
            match memchr2(b'"', b'\\', &self.src[j..]) {
                Some(k) if self.src[j + k] == b'\\' => j += k + 2,
                Some(k) => return j + k + 1,
                None => return self.src.len(),
            }
        }
    }

    /// The extent of a number or literal starting at `self.i`.
    #[inline]
    fn scalar_end(&self) -> usize {
        let mut j = self.i;
        while j < self.src.len()
            && !matches!(
                self.src[j],
                b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'
            )
        {
            j += 1;
        }
        j
    }

    fn value(&mut self, at: Path) {
        let Some(&b) = self.src.get(self.i) else {
            return;
        };
        match b {
            b'{' => self.object(at),
            b'[' => self.array(if at == Path::Resources {
                Path::Resource
            } else {
                Path::Other
            }),
            b'"' => {
                let end = self.string_end();
                self.out.extend_from_slice(&self.src[self.i..end]);
                self.i = end;
            }
            _ => {
                let end = self.scalar_end();
                self.out.extend_from_slice(&self.src[self.i..end]);
                self.i = end;
            }
        }
    }

    fn object(&mut self, at: Path) {
        // `resources` given as one object instead of a list is read as one resource.
        let at = if at == Path::Resources {
            Path::Resource
        } else {
            at
        };
        if !self.open(b'{', b'}') {
            return;
        }
        loop {
            self.skip_ws();
            let key_start = self.i;
            let key_end = self.string_end();
            let key = &self.src[key_start + 1..key_end.saturating_sub(1).max(key_start + 1)];
            self.out.extend_from_slice(&self.src[key_start..key_end]);
            self.i = key_end;
            self.skip_ws();
            self.out.push(b':');
            self.i += 1; // ':'
            self.skip_ws();
            match child(at, key) {
                Next::Timestamp if self.patch => self.timestamp(),
                Next::Timestamp => self.value(Path::Other),
                Next::Path(p) => self.value(p),
            }
            if !self.next(b'}') {
                return;
            }
        }
    }

    fn array(&mut self, elem: Path) {
        if !self.open(b'[', b']') {
            return;
        }
        loop {
            self.skip_ws();
            self.value(elem);
            if !self.next(b']') {
                return;
            }
        }
    }

    /// Copies the container's `open` byte, on which the minifier stands: `true` when a
    /// value follows, `false` when the container is empty (its `close` is copied too).
    #[inline(always)]
    fn open(&mut self, open: u8, close: u8) -> bool {
        self.out.push(open);
        self.i += 1;
        self.skip_ws();
        if self.src.get(self.i) == Some(&close) {
            self.out.push(close);
            self.i += 1;
            return false;
        }
        true
    }

    /// After a member or an element: copies a `,` (`true`: another follows) or the
    /// container's `close` (`false`). Anything else, which valid input never has here,
    /// ends the container too.
    #[inline(always)]
    fn next(&mut self, close: u8) -> bool {
        self.skip_ws();
        match self.src.get(self.i) {
            Some(b',') => {
                self.out.push(b',');
                self.i += 1;
                true
            }
            Some(&c) if c == close => {
                self.out.push(close);
                self.i += 1;
                false
            }
            _ => false,
        }
    }

    /// A timestamp member's value: a string or number of a known form becomes the UTC
    /// string; anything else stays as it is (`null` silently, the rest with a warning).
    fn timestamp(&mut self) {
        let Some(&b) = self.src.get(self.i) else {
            return;
        };
        let (end, parsed) = match b {
            b'"' => {
                let end = self.string_end();
                let lit = std::str::from_utf8(&self.src[self.i..end]).unwrap_or("\"\"");
                (end, timestamp::parse(&unescape(lit)))
            }
            b'{' | b'[' => {
                self.w.timestamp += 1;
                let start = self.i;
                self.value(Path::Other);
                saw(WarningKind::Timestamp, &self.src[start..self.i]);
                return;
            }
            b'n' => return self.value(Path::Other),
            _ => {
                let end = self.scalar_end();
                let text = std::str::from_utf8(&self.src[self.i..end]).unwrap_or("");
                (end, timestamp::parse(text))
            }
        };
        match parsed {
            Some(ms) => {
                self.out.push(b'"');
                timestamp::render(ms, self.out);
                self.out.push(b'"');
            }
            None => {
                self.w.timestamp += 1;
                saw(WarningKind::Timestamp, &self.src[self.i..end]);
                self.out.extend_from_slice(&self.src[self.i..end]);
            }
        }
        self.i = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walk_knows_every_required_member() {
        let missing = |text: &str| match walk_item(text.as_bytes()) {
            Ok(WalkedItem::Finding(w, _)) => w.missing_required(),
            _ => panic!("{text}"),
        };
        assert_eq!(missing(r#"{"status":"ACTIVE"}"#), 9);
        assert_eq!(
            missing(r#"{"findingArn":"a","resources":[],"remediation":null}"#),
            8
        );
        // The last value of a repeated member counts; a kept member's `null` is missing.
        assert_eq!(
            missing(r#"{"findingArn":"a","findingArn":null,"type":"T"}"#),
            9
        );
        assert_eq!(missing(r#"{"status":null,"type":"T"}"#), 9);
    }

    fn run(src: &str, ts: JsonTimestamps) -> (String, Warnings) {
        let mut out = Vec::new();
        let mut w = Warnings::default();
        write_finding(src.as_bytes(), ts, &mut out, &mut w);
        (String::from_utf8(out).unwrap(), w)
    }

    #[test]
    fn minifies_and_patches_only_timestamp_paths() {
        let src = r#"{
          "firstObservedAt": 1748539687.919, "title" : "a \" b\\",
          "x": {"updatedAt": 1}, "n": [1.50, -2e3, true, null, {}],
          "resources": [{"details": {"awsEc2Instance": {"launchedAt": "2024-02-02T16:30:33+01:00"},
                         "vm": {"launchedAt": null}}, "updatedAt": 2}],
          "packageVulnerabilityDetails": {"vendorCreatedAt": "soon", "vendorUpdatedAt": "1.663703546405E9"},
          "exploitabilityDetails": {"lastKnownExploitAt": [1]},
          "updatedAt": "Dec 3, 2021, 6:02:30 PM", "u": "caf\u00e9"
        }"#;
        let (out, w) = run(src, JsonTimestamps::Iso);
        assert_eq!(
            out,
            r#"{"firstObservedAt":"2025-05-29T17:28:07.919Z","title":"a \" b\\","x":{"updatedAt":1},"n":[1.50,-2e3,true,null,{}],"resources":[{"details":{"awsEc2Instance":{"launchedAt":"2024-02-02T15:30:33.000Z"},"vm":{"launchedAt":null}},"updatedAt":2}],"packageVulnerabilityDetails":{"vendorCreatedAt":"soon","vendorUpdatedAt":"2022-09-20T19:52:26.405Z"},"exploitabilityDetails":{"lastKnownExploitAt":[1]},"updatedAt":"2021-12-03T18:02:30.000Z","u":"caf\u00e9"}"#
        );
        assert_eq!(w.timestamp, 2);
        let (out, w) = run(src, JsonTimestamps::Verbatim);
        assert!(out.contains(r#""firstObservedAt":1748539687.919"#));
        assert_eq!(w.timestamp, 0);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let orig: serde_json::Value = serde_json::from_str(src).unwrap();
        assert_eq!(v, orig);
    }

    /// The fast path writes what the reference writes, warnings included, or bails.
    fn both_paths(src: &str, ts: JsonTimestamps) -> Option<(String, Warnings)> {
        let reference = run(src, ts);
        let WalkedItem::Finding(v, text) = walk_item(src.as_bytes()).ok()? else {
            return None;
        };
        let mut out = Vec::new();
        let mut w = Warnings::default();
        write_walked(text, &v.stamps, ts, &mut out, &mut w);
        let fast = (String::from_utf8(out).unwrap(), w);
        assert_eq!(fast, reference, "{src}");
        Some(fast)
    }

    #[test]
    fn the_fast_path_writes_the_reference_bytes() {
        let long = format!(
            r#"{{"a": "{}", "firstObservedAt" : 1, "b": [ {} 3 ],
                "s": "x\" {{ \\", "updatedAt": "2024-01-01T00:00:00Z" }}"#,
            "y \\\\ z ".repeat(40),
            "1 , 2 ,\t\r\n".repeat(30)
        );
        for src in [
            r#"{
          "firstObservedAt": 1748539687.919, "title" : "a \" b\\",
          "x": {"updatedAt": 1}, "n": [1.50, -2e3, true, null, {}],
          "resources": [{"details": {"awsEc2Instance": {"launchedAt": "2024-02-02T16:30:33+01:00"},
                         "vm": {"launchedAt": null}}, "updatedAt": 2}],
          "packageVulnerabilityDetails": {"vendorCreatedAt": "soon", "vendorUpdatedAt": "1.663703546405E9"},
          "exploitabilityDetails": {"lastKnownExploitAt": [1, { "a" : 2 }]},
          "updatedAt": "Dec 3, 2021, 6:02:30 PM", "u": "caf\u00e9"
        }"#,
            r#"{"resources":{"details":{"image":{"pushedAt":0}}}}"#,
            r#"{"resources":[[{"details":{"image":{"pushedAt":0}}}]]}"#,
            r#"{"lastObservedAt":true,"updatedAt":"\u0032\u0030\u0032\u0034-01-01"}"#,
            r#"{"status":{}}"#,
            long.as_str(),
        ] {
            for ts in [JsonTimestamps::Iso, JsonTimestamps::Verbatim] {
                assert!(both_paths(src, ts).is_some(), "{src}");
            }
        }
        // Events unwrap to their detail; other events have no finding.
        let ev = r#"{"detail-type":"Inspector2 Finding","detail":{ "updatedAt" : 0, "type":"T" }}"#;
        match walk_item(ev.as_bytes()).unwrap() {
            WalkedItem::Finding(v, text) => {
                assert_eq!(text, r#"{ "updatedAt" : 0, "type":"T" }"#);
                assert_eq!(v.stamps, ["0"]);
            }
            other => panic!("{other:?}"),
        }
        let scan = r#"{"detail-type":"Inspector2 Scan","detail":{}}"#;
        assert!(matches!(
            walk_item(scan.as_bytes()),
            Ok(WalkedItem::OtherEvent)
        ));
        // Escaped keys, invalid JSON and objects that are no finding take the reference
        // path, which words the error.
        assert!(walk_item(br#"{"st\u0061tus":"ACTIVE"}"#).is_err());
        assert!(walk_item(br#"{"a":1,}"#).is_err());
        assert!(walk_item(br#"{"a":1}"#).is_err());
        let stranger = r#"{"detail-type":"Inspector2 Finding","detail":{"a":1}}"#;
        assert!(walk_item(stranger.as_bytes()).is_err());
        assert!(walk_item(br#"{"a":1,"description":""}"#).is_ok());
    }

    #[test]
    fn single_resource_object_is_patched() {
        let (out, _) = run(
            r#"{"resources":{"details":{"image":{"pushedAt":0}}}}"#,
            JsonTimestamps::Iso,
        );
        assert_eq!(
            out,
            r#"{"resources":{"details":{"image":{"pushedAt":"1970-01-01T00:00:00.000Z"}}}}"#
        );
    }
}
