//! One finding of the JSON report: its own bytes, minified, timestamps patched in place.
//!
//! The finding is never re-serialised: strings (escapes included) and number text are
//! copied byte for byte, only insignificant whitespace is dropped, and the value of each
//! timestamp member of spec section 3 is replaced by its UTC string. A small path
//! automaton ([`Path`]) knows which members those are while the bytes stream past.
//!
//! The input must already be valid JSON (the decoder has parsed it), so this code only
//! has to be right on valid input; on anything else it copies what it sees.

use crate::stats::Warnings;
use crate::timestamp;
use crate::value::unescape;
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
    Pvd,
    Exploitability,
    Resources,
    Resource,
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
        (Path::Root, b"packageVulnerabilityDetails") => P(Path::Pvd),
        (Path::Root, b"exploitabilityDetails") => P(Path::Exploitability),
        (Path::Root, b"resources") => P(Path::Resources),
        (Path::Pvd, b"vendorCreatedAt" | b"vendorUpdatedAt") => T,
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

/// Writes `finding` minified into `out`, after a leading `,`.
pub fn write_finding(finding: &[u8], ts: JsonTimestamps, out: &mut Vec<u8>, w: &mut Warnings) {
    out.reserve(finding.len() + 1);
    out.push(b',');
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
        self.out.push(b'{');
        self.i += 1;
        self.skip_ws();
        if self.src.get(self.i) == Some(&b'}') {
            self.out.push(b'}');
            self.i += 1;
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
            self.skip_ws();
            match self.src.get(self.i) {
                Some(b',') => {
                    self.out.push(b',');
                    self.i += 1;
                }
                Some(b'}') => {
                    self.out.push(b'}');
                    self.i += 1;
                    return;
                }
                _ => return,
            }
        }
    }

    fn array(&mut self, elem: Path) {
        self.out.push(b'[');
        self.i += 1;
        self.skip_ws();
        if self.src.get(self.i) == Some(&b']') {
            self.out.push(b']');
            self.i += 1;
            return;
        }
        loop {
            self.skip_ws();
            self.value(elem);
            self.skip_ws();
            match self.src.get(self.i) {
                Some(b',') => {
                    self.out.push(b',');
                    self.i += 1;
                }
                Some(b']') => {
                    self.out.push(b']');
                    self.i += 1;
                    return;
                }
                _ => return,
            }
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
                return self.value(Path::Other);
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
                self.out.extend_from_slice(&self.src[self.i..end]);
            }
        }
        self.i = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            r#",{"firstObservedAt":"2025-05-29T17:28:07.919Z","title":"a \" b\\","x":{"updatedAt":1},"n":[1.50,-2e3,true,null,{}],"resources":[{"details":{"awsEc2Instance":{"launchedAt":"2024-02-02T15:30:33.000Z"},"vm":{"launchedAt":null}},"updatedAt":2}],"packageVulnerabilityDetails":{"vendorCreatedAt":"soon","vendorUpdatedAt":"2022-09-20T19:52:26.405Z"},"exploitabilityDetails":{"lastKnownExploitAt":[1]},"updatedAt":"2021-12-03T18:02:30.000Z","u":"caf\u00e9"}"#
        );
        assert_eq!(w.timestamp, 2);
        let (out, w) = run(src, JsonTimestamps::Verbatim);
        assert!(out.contains(r#""firstObservedAt":1748539687.919"#));
        assert_eq!(w.timestamp, 0);
        let v: serde_json::Value = serde_json::from_str(&out[1..]).unwrap();
        let orig: serde_json::Value = serde_json::from_str(src).unwrap();
        assert_eq!(v, orig);
    }

    #[test]
    fn single_resource_object_is_patched() {
        let (out, _) = run(
            r#"{"resources":{"details":{"image":{"pushedAt":0}}}}"#,
            JsonTimestamps::Iso,
        );
        assert_eq!(
            out,
            r#",{"resources":{"details":{"image":{"pushedAt":"1970-01-01T00:00:00.000Z"}}}}"#
        );
    }
}
