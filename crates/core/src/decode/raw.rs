//! One level of a JSON value at a time, as slices of its text: the cold paths' reading of
//! a finding (what an object that is not a finding looks like, where a warning was
//! raised) with serde_json, which is slow but reads every valid JSON, escaped keys
//! included. Nothing here runs for a finding that decodes cleanly.

use super::value::Key;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// What a value is, one level deep.
pub(crate) enum Raw<'a> {
    /// An object: its members in input order (a repeated key appears each time).
    Object(Vec<(Cow<'a, str>, &'a str)>),
    /// An array: its elements.
    Array(Vec<&'a str>),
    /// `null`.
    Null,
    /// A string, number or literal.
    Scalar,
}

/// Reads `text` (one JSON value, which has already been decoded once) one level deep.
/// `None` only if it is not JSON after all.
pub(crate) fn split(text: &str) -> Option<Raw<'_>> {
    let t = text.trim_start();
    Some(match t.as_bytes().first()? {
        b'{' => Raw::Object(members(t)?),
        b'[' => Raw::Array(
            serde_json::from_str::<Vec<&RawValue>>(t)
                .ok()?
                .into_iter()
                .map(RawValue::get)
                .collect(),
        ),
        b'n' => Raw::Null,
        _ => Raw::Scalar,
    })
}

/// The members of the object `text`, in input order, each value as its text.
pub(crate) fn members(text: &str) -> Option<Vec<(Cow<'_, str>, &str)>> {
    struct Members;
    impl<'de> Visitor<'de> for Members {
        type Value = Vec<(Cow<'de, str>, &'de str)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut v = Vec::new();
            while let Some((k, raw)) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                v.push((k.0, raw.get()));
            }
            Ok(v)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.deserialize_map(Members).ok()
}

/// The value of the last member named `key` (the one every view keeps) among `members`,
/// unless it is `null`.
pub(crate) fn member<'a>(members: &[(Cow<'a, str>, &'a str)], key: &str) -> Option<&'a str> {
    members
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| *v)
        .filter(|v| *v != "null")
}

/// Where `text[..]` holds the value that starts at byte `at`: its path from the root
/// (`resources[0].details.awsEc2Instance.launchedAt`), or `None` when no value starts
/// there.
pub(crate) fn path_at(text: &str, at: usize) -> Option<String> {
    let mut path = String::new();
    let mut value = text;
    loop {
        let start = offset(text, value);
        if start == at {
            return Some(path);
        }
        let inside = |v: &&str| {
            let s = offset(text, v);
            (s..s + v.len()).contains(&at)
        };
        value = match split(value)? {
            Raw::Object(m) => {
                let (k, v) = m.into_iter().find(|(_, v)| inside(v))?;
                push_key(&mut path, &k);
                v
            }
            Raw::Array(a) => {
                let (i, v) = a.into_iter().enumerate().find(|(_, v)| inside(v))?;
                path.push_str(&format!("[{i}]"));
                v
            }
            Raw::Null | Raw::Scalar => return None,
        };
    }
}

/// Byte offset of `part` (a slice of `whole`) in `whole`.
pub(crate) fn offset(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize)
}

/// Appends `.key` to a member path, or `["key"]` when the key is not a plain name.
pub(crate) fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        path.push('[');
        path.push_str(&serde_json::Value::from(key).to_string());
        path.push(']');
    }
}

/// Most characters of a value or name a message shows.
pub const SHOWN_CHARS: usize = 80;

/// The JSON value `text` as a message shows it: on one line (the whitespace outside its
/// strings dropped), then as [`escaped`].
pub fn shown(text: &str, max: usize) -> String {
    let mut one_line = String::new();
    let (mut in_string, mut escape) = (false, false);
    for c in text.trim().chars() {
        if in_string {
            if escape {
                escape = false;
            } else if c == '\\' {
                escape = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if matches!(c, ' ' | '\n' | '\r' | '\t') {
            continue;
        } else if c == '"' {
            in_string = true;
        }
        one_line.push(c);
        // Enough to tell whether it must be cut.
        if one_line.len() > 4 * (max + 1) {
            break;
        }
    }
    escaped(&one_line, max)
}

/// `text` with control and text-direction characters escaped (so that it cannot rewrite
/// the terminal it is printed on), cut after `max` characters with `…`.
pub fn escaped(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        let hidden = matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        );
        if c.is_control() || hidden {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_lead_to_the_value_at_a_byte() {
        let t = r#"{"a":1, "resources":[{"id":"x"},{"details":{"awsEc2Instance":{"launchedAt":"soon"}}}],"we ird":[null,{"k":true}]}"#;
        let at = |needle: &str| t.find(needle).unwrap();
        assert_eq!(
            path_at(t, at("\"soon\"")).as_deref(),
            Some("resources[1].details.awsEc2Instance.launchedAt")
        );
        assert_eq!(
            path_at(t, at("true")).as_deref(),
            Some(r#"["we ird"][1].k"#)
        );
        assert_eq!(path_at(t, 0).as_deref(), Some(""));
        assert_eq!(path_at(t, at("\"x\"") + 1), None, "inside a string");
        assert_eq!(path_at(t, t.len() + 3), None);
    }

    #[test]
    fn escaped_keys_read_as_their_text() {
        let m = members(r#"{"st\u0061tus":"ACTIVE","status":null,"x":{"y":[1]}}"#).unwrap();
        assert_eq!(m[0].0, "status");
        assert_eq!(
            member(&m, "status"),
            None,
            "the last one counts, and it is null"
        );
        assert_eq!(member(&m, "x"), Some(r#"{"y":[1]}"#));
    }

    #[test]
    fn values_are_shown_on_one_line_escaped_and_cut() {
        assert_eq!(shown("{\n  \"a b\": [1, 2]\n}", 80), r#"{"a b":[1,2]}"#);
        assert_eq!(
            shown("\"x\u{1b}[31m\u{202e}\"", 80),
            "\"x\\u{1b}[31m\\u{202e}\""
        );
        let long = format!("\"{}\"", "é".repeat(100));
        let s = shown(&long, 80);
        assert_eq!(s.chars().count(), 81);
        assert!(s.ends_with("éé…"), "{s}");
        assert_eq!(shown("\"12345\"", 7), "\"12345\"");
        assert_eq!(shown("\"123456\"", 7), "\"123456…");
    }
}
