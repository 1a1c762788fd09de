//! The contents of JSON string literals, unescaped as serde_json does.
//!
//! Hand-written because descriptions are full of `\n` and `\"`: going through serde_json's
//! `String` deserializer for each costs 12% of a run. It agrees with serde_json
//! on every literal (a unit test and the `walk` fuzz target compare them): where
//! serde_json would refuse the literal (a lone surrogate, say), the text is kept as
//! written.

use crate::bytes::classify::find;
use std::borrow::Cow;

/// The contents of a JSON string literal (with quotes), unescaped only when it has escapes.
pub fn unescape(lit: &str) -> Cow<'_, str> {
    let inner = &lit[1..lit.len() - 1];
    let Some(first) = find(inner.as_bytes(), 0, b'\\') else {
        return Cow::Borrowed(inner);
    };
    let mut out = String::with_capacity(inner.len());
    if unescape_to(inner, first, &mut out) {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(inner)
    }
}

/// Appends the contents of the string literal `lit` (with quotes), unescaped, to `out`:
/// [`unescape`] without the intermediate `String`, for cells.
pub fn unescape_into(lit: &str, out: &mut Vec<u8>) {
    let inner = &lit[1..lit.len() - 1];
    let Some(first) = find(inner.as_bytes(), 0, b'\\') else {
        out.extend_from_slice(inner.as_bytes());
        return;
    };
    let mark = out.len();
    if !unescape_to(inner, first, out) {
        out.truncate(mark);
        out.extend_from_slice(inner.as_bytes());
    }
}

/// Where unescaped text goes: a `String`, or a cell's bytes.
trait Text {
    fn text(&mut self, s: &str);
    fn char(&mut self, c: char);
    /// An ASCII character.
    fn ascii(&mut self, b: u8);
}

impl Text for String {
    #[inline]
    fn text(&mut self, s: &str) {
        self.push_str(s)
    }
    #[inline]
    fn char(&mut self, c: char) {
        self.push(c)
    }
    #[inline]
    fn ascii(&mut self, b: u8) {
        self.push(b as char)
    }
}

impl Text for Vec<u8> {
    #[inline]
    fn text(&mut self, s: &str) {
        self.extend_from_slice(s.as_bytes())
    }
    #[inline]
    fn char(&mut self, c: char) {
        self.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes())
    }
    #[inline]
    fn ascii(&mut self, b: u8) {
        self.push(b)
    }
}

/// Appends `inner` unescaped (its first backslash at `first`) to `out`; `false`, with
/// `out` partly written, where serde_json would refuse the literal.
fn unescape_to(inner: &str, first: usize, out: &mut impl Text) -> bool {
    let b = inner.as_bytes();
    let mut i = first;
    out.text(&inner[..i]);
    loop {
        // `b[i]` is a backslash.
        let Some(&c) = b.get(i + 1) else {
            return false;
        };
        i += 2;
        match c {
            b'"' => out.ascii(b'"'),
            b'\\' => out.ascii(b'\\'),
            b'/' => out.ascii(b'/'),
            b'b' => out.ascii(8),
            b'f' => out.ascii(12),
            b'n' => out.ascii(b'\n'),
            b'r' => out.ascii(b'\r'),
            b't' => out.ascii(b'\t'),
            b'u' => {
                let Some(hi) = hex4(b, i) else {
                    return false;
                };
                i += 4;
                let code = match hi {
                    0xD800..=0xDBFF => {
                        if b.get(i) != Some(&b'\\') || b.get(i + 1) != Some(&b'u') {
                            return false;
                        }
                        match hex4(b, i + 2) {
                            Some(lo @ 0xDC00..=0xDFFF) => {
                                i += 6;
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            }
                            _ => return false,
                        }
                    }
                    0xDC00..=0xDFFF => return false,
                    _ => hi,
                };
                match char::from_u32(code) {
                    Some(ch) => out.char(ch),
                    None => return false,
                }
            }
            _ => return false,
        }
        match find(b, i, b'\\') {
            Some(k) => {
                out.text(&inner[i..k]);
                i = k;
            }
            None => {
                out.text(&inner[i..]);
                return true;
            }
        }
    }
}

/// Four hex digits at `b[i..]` as a number.
fn hex4(b: &[u8], i: usize) -> Option<u32> {
    let d = b.get(i..i + 4)?;
    let mut v = 0;
    for &c in d {
        v = v * 16 + (c as char).to_digit(16)?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_agrees_with_serde_json() {
        let pieces = [
            "a",
            "\\n",
            "\\\"",
            "\\\\",
            "\\/",
            "\\b",
            "\\f",
            "\\r",
            "\\t",
            "\\u00e9",
            "\\u0000",
            "\\uD83D\\uDE00",
            "\\uD83D",
            "\\uDE00",
            "\\uD83Dx",
            "\\uD83D\\u0041",
            "\\uZZZZ",
            "\\u12",
            "\\x",
            "\\",
            "é",
            "漏洞",
            "😀",
            " ",
        ];
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            let mut lit = String::from("\"");
            for _ in 0..(x % 6) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                lit.push_str(pieces[(x % pieces.len() as u64) as usize]);
            }
            lit.push('"');
            let want = match serde_json::from_str::<String>(&lit) {
                Ok(s) => s,
                Err(_) => lit[1..lit.len() - 1].to_string(),
            };
            assert_eq!(unescape(&lit), want, "{lit}");
            let mut cell = b"x".to_vec();
            unescape_into(&lit, &mut cell);
            assert_eq!(cell, [b"x", want.as_bytes()].concat(), "{lit}");
        }
    }
}
