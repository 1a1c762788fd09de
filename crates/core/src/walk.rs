//! The fast path of decoding: a validating JSON walker that fills the typed views
//! ([`crate::finding`]) straight from a finding's bytes.
//!
//! # Why not serde_json alone
//!
//! serde_json's visitor protocol was 56% of a run (session 2 profile): every key goes
//! through `MapAccess` and a `Visitor`, every leaf is re-parsed by `RawValue`, and every
//! member the report does not read is skipped by a generic `ignore_value`. This walker does
//! the same work in one pass with no dispatch: it matches a key's bytes against the
//! view's members, records a leaf as the slice of its text, and skips everything else
//! while checking it, sixteen bytes at a time inside strings and whitespace
//! (`classify`).
//!
//! # The contract with serde_json
//!
//! The walker only takes the happy path. It returns [`Bail`] on anything else: invalid
//! JSON, a key with escapes, or a member of an unexpected type (which the lenient serde
//! path turns into a warning, spec 2.2). The caller then decodes the finding again with
//! serde_json, which accepts or rejects it and words the error exactly as before.
//! So for every input, the walker either
//!
//! * returns the very view serde_json would return, with no warnings, or
//! * bails.
//!
//! It never accepts what serde_json rejects. The unit tests and the `walk` fuzz target
//! check both halves against serde_json on every input they make.

use crate::bytes::classify;
use crate::value::{Key, Leaf, Lenient, List, Pairs};
use std::borrow::Cow;

/// The walker left this finding to serde_json (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bail;

type R<T> = Result<T, Bail>;

/// Nesting beyond which the walker leaves a finding to serde_json. serde_json's own
/// recursion limit is 128, so the walker must give up before it could disagree.
pub const MAX_WALK_DEPTH: u32 = 100;

/// A cursor over one finding's text.
pub struct Walker<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    depth: u32,
}

/// A view object whose members the walker can fill ([`crate::view!`] implements it).
pub trait Object<'a>: Default {
    /// Reads the value of member `key` (the walker stands on its first byte) into `self`,
    /// or skips it when the view has no such member.
    fn member(&mut self, w: &mut Walker<'a>, key: &'a str) -> R<()>;
}

/// What can be a member of a view: `Option`s of leaves, objects and lists.
pub trait Member<'a>: Sized {
    /// Reads the value the walker stands on.
    fn walk(w: &mut Walker<'a>) -> R<Self>;
}

/// What can be an element of a [`List`]: `None` is an element the list drops.
pub trait Element<'a>: Sized {
    /// Reads the element the walker stands on.
    fn walk_element(w: &mut Walker<'a>) -> R<Option<Self>>;

    /// Reads the element the walker stands on onto the end of `list` (or drops it, as
    /// [`Element::walk_element`] does). Model objects override it to be built in place:
    /// a resource is over a kilobyte, and moving it through `Result` and `Option` into
    /// the list cost more than walking its keys.
    #[inline]
    fn walk_onto(w: &mut Walker<'a>, list: &mut Vec<Self>) -> R<()> {
        list.extend(Self::walk_element(w)?);
        Ok(())
    }
}

/// Walks `text` (one JSON object, whitespace around it allowed) into the view `V`.
pub fn walk<'a, V: Object<'a>>(text: &'a str) -> R<V> {
    walk_root(text, |w| w.model())
}

/// Runs `f` with the walker on the `{` of `text`'s one object, then checks that only
/// whitespace follows it.
pub fn walk_root<'a, T>(text: &'a str, f: impl FnOnce(&mut Walker<'a>) -> R<T>) -> R<T> {
    let mut w = Walker {
        text,
        b: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    if w.peek()? != b'{' {
        return Err(Bail);
    }
    let v = f(&mut w)?;
    match w.peek() {
        Err(Bail) => Ok(v),
        Ok(_) => Err(Bail),
    }
}

impl<'a> Walker<'a> {
    /// Skips whitespace and returns the byte after it, without consuming it. `Bail` at the
    /// end of the text.
    #[inline(always)]
    fn peek(&mut self) -> R<u8> {
        let b = self.b;
        loop {
            let c = *b.get(self.i).ok_or(Bail)?;
            if c > b' ' {
                return Ok(c);
            }
            match c {
                b' ' | b'\n' | b'\r' | b'\t' => self.i += 1,
                _ => return Ok(c),
            }
            // One space, as after every `:` of a pretty-printed finding.
            if b.get(self.i).is_some_and(|&c| c > b' ') {
                continue;
            }
            // Pretty-printed findings indent every line: jump over runs of spaces.
            while self.i + 16 <= b.len() {
                if let Some(k) = classify::non_space(b, self.i) {
                    self.i += k;
                    break;
                }
                self.i += 16;
            }
        }
    }

    /// One level deeper, or `Bail` past [`MAX_WALK_DEPTH`].
    #[inline(always)]
    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_WALK_DEPTH {
            return Err(Bail);
        }
        Ok(())
    }

    /// Walks the object the walker stands on (`{`), calling `member` for each key with
    /// the walker on the value's first byte; `member` must consume the value.
    #[inline]
    pub fn object(&mut self, mut member: impl FnMut(&mut Self, &'a str) -> R<()>) -> R<()> {
        self.enter()?;
        self.i += 1;
        let mut c = self.peek()?;
        if c == b'}' {
            self.i += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            if c != b'"' {
                return Err(Bail);
            }
            let start = self.i + 1;
            if self.string()? {
                // Keys are matched as written; an escaped key is serde_json's to unescape.
                return Err(Bail);
            }
            let key = &self.text[start..self.i - 1];
            if self.peek()? != b':' {
                return Err(Bail);
            }
            self.i += 1;
            self.peek()?;
            member(self, key)?;
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    c = self.peek()?;
                }
                b'}' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(Bail),
            }
        }
    }

    /// Walks the array the walker stands on (`[`), calling `element` with the walker on
    /// each element's first byte; `element` must consume the element.
    #[inline]
    pub fn array(&mut self, mut element: impl FnMut(&mut Self) -> R<()>) -> R<()> {
        self.enter()?;
        self.i += 1;
        if self.peek()? == b']' {
            self.i += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            element(self)?;
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    self.peek()?;
                }
                b']' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(Bail),
            }
        }
    }

    /// Consumes the string the walker stands on (`"`), checking it as serde_json does:
    /// no raw control characters, only JSON's escapes, four hex digits after `\u`.
    /// Returns whether it had escapes.
    #[inline]
    fn string(&mut self) -> R<bool> {
        let b = self.b;
        let mut i = self.i + 1;
        let mut escaped = false;
        loop {
            if i + 16 <= b.len() {
                match classify::string_stop(b, i) {
                    None => {
                        i += 16;
                        continue;
                    }
                    Some(k) => i += k,
                }
            }
            match *b.get(i).ok_or(Bail)? {
                b'"' => {
                    self.i = i + 1;
                    return Ok(escaped);
                }
                b'\\' => {
                    escaped = true;
                    match *b.get(i + 1).ok_or(Bail)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                        b'u' => {
                            let hex = b.get(i + 2..i + 6).ok_or(Bail)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return Err(Bail);
                            }
                            i += 6;
                        }
                        _ => return Err(Bail),
                    }
                }
                0..=0x1F => return Err(Bail),
                _ => i += 1,
            }
        }
    }

    /// Consumes the number the walker stands on, by JSON's grammar. What follows it is
    /// the caller's to check (`01` fails there, as `1` followed by `1`).
    #[inline]
    fn number(&mut self) -> R<()> {
        let b = self.b;
        let mut i = self.i;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let digits = |i: &mut usize| {
            let s = *i;
            while matches!(b.get(*i), Some(b'0'..=b'9')) {
                *i += 1;
            }
            if *i == s {
                Err(Bail)
            } else {
                Ok(())
            }
        };
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => digits(&mut i)?,
            _ => return Err(Bail),
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i)?;
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            digits(&mut i)?;
        }
        self.i = i;
        Ok(())
    }

    /// Consumes the literal `word`, which must come next.
    #[inline]
    fn literal(&mut self, word: &[u8]) -> R<()> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Consumes the value the walker stands on, checking all of it, and returns its text.
    pub fn value(&mut self) -> R<&'a str> {
        let start = self.i;
        match self.b[self.i] {
            b'"' => {
                self.string()?;
            }
            b'{' => self.object(|w, _| w.value().map(drop))?,
            b'[' => self.array(|w| w.value().map(drop))?,
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return Err(Bail),
        }
        Ok(&self.text[start..self.i])
    }

    /// Consumes the value the walker stands on as a leaf: a string without escapes is
    /// marked [`Leaf::Plain`], so that reading it later needs no search for escapes.
    #[inline]
    pub fn leaf(&mut self) -> R<Leaf<'a>> {
        if self.b[self.i] != b'"' {
            return self.value().map(Leaf::Raw);
        }
        let start = self.i;
        let escaped = self.string()?;
        let t = &self.text[start..self.i];
        Ok(if escaped {
            Leaf::Raw(t)
        } else {
            Leaf::Plain(t)
        })
    }

    /// The byte the walker stands on (the first of a value, for the callbacks of
    /// [`Walker::object`] and [`Walker::array`]).
    #[inline(always)]
    pub fn byte(&self) -> u8 {
        self.b[self.i]
    }

    /// Consumes `null` if it comes next; `Ok(false)` (nothing consumed) for anything else.
    #[inline(always)]
    fn null(&mut self) -> R<bool> {
        if self.b[self.i] == b'n' {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Walks the object the walker stands on into a fresh `T`, or bails on another type.
    #[inline]
    fn model<T: Object<'a>>(&mut self) -> R<T> {
        if self.b[self.i] != b'{' {
            return Err(Bail);
        }
        let mut t = T::default();
        self.object(|w, key| t.member(w, key))?;
        Ok(t)
    }
}

/// A scalar member: `null` is absent (as serde's `Option`), anything else its text.
impl<'a> Member<'a> for Option<Leaf<'a>> {
    #[inline]
    fn walk(w: &mut Walker<'a>) -> R<Self> {
        if w.null()? {
            return Ok(None);
        }
        w.leaf().map(Some)
    }
}

/// An object member: anything but an object or `null` takes the lenient path.
impl<'a, T: Object<'a>> Member<'a> for Option<Lenient<T>> {
    #[inline]
    fn walk(w: &mut Walker<'a>) -> R<Self> {
        if w.null()? {
            return Ok(None);
        }
        w.model().map(|t| Some(Lenient(Some(t))))
    }
}

/// A list member: anything but an array or `null` takes the lenient path.
impl<'a, T: Element<'a>> Member<'a> for Option<List<T>> {
    #[inline]
    fn walk(w: &mut Walker<'a>) -> R<Self> {
        if w.null()? {
            return Ok(None);
        }
        if w.b[w.i] != b'[' {
            return Err(Bail);
        }
        let mut v = Vec::new();
        w.array(|w| T::walk_onto(w, &mut v))?;
        Ok(Some(List(v)))
    }
}

/// A list of scalars keeps every element, `null` included (as serde does).
impl<'a> Element<'a> for Leaf<'a> {
    #[inline]
    fn walk_element(w: &mut Walker<'a>) -> R<Option<Self>> {
        w.leaf().map(Some)
    }
}

/// Resource tags: every member, in order, its value as written.
impl<'a> Object<'a> for Pairs<'a> {
    #[inline]
    fn member(&mut self, w: &mut Walker<'a>, key: &'a str) -> R<()> {
        let v = w.leaf()?;
        self.0.push((Key(Cow::Borrowed(key)), v));
        Ok(())
    }
}

/// Elements of a list of objects: `null` is dropped silently (as serde's lenient path
/// does), any other non-object takes the lenient path.
#[doc(hidden)]
#[inline]
pub fn model_element<'a, T: Object<'a>>(w: &mut Walker<'a>) -> R<Option<T>> {
    if w.null()? {
        return Ok(None);
    }
    w.model().map(Some)
}

/// [`model_element`], built in place at the end of `list`. After a bail the last element
/// is half-filled, and the whole walk is thrown away.
#[doc(hidden)]
#[inline]
pub fn model_element_onto<'a, T: Object<'a>>(w: &mut Walker<'a>, list: &mut Vec<T>) -> R<()> {
    if w.null()? {
        return Ok(());
    }
    if w.byte() != b'{' {
        return Err(Bail);
    }
    list.push(T::default());
    let t = list.last_mut().ok_or(Bail)?;
    w.object(|w, key| t.member(w, key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, StatusOnly};
    use crate::value::take_decode_warnings;

    /// The walker's verdict must agree with serde_json's: the same view, or a bail.
    fn agree(text: &str) -> bool {
        take_decode_warnings();
        let serde = serde_json::from_str::<Finding>(text);
        let warned = take_decode_warnings() != (0, 0);
        let walked = walk::<Finding>(text);
        if let Ok(v) = &walked {
            let s = serde
                .as_ref()
                .unwrap_or_else(|e| panic!("walker accepted what serde rejects ({e}): {text}"));
            assert_eq!(format!("{v:?}"), format!("{s:?}"), "{text}");
            assert!(!warned, "walker accepted what serde warns about: {text}");
        }
        let status = walk::<StatusOnly>(text);
        if let Ok(v) = &status {
            let s = serde_json::from_str::<StatusOnly>(text).unwrap_or_else(|e| {
                panic!("status walk accepted what serde rejects ({e}): {text}")
            });
            assert_eq!(format!("{v:?}"), format!("{s:?}"), "{text}");
        }
        walked.is_ok()
    }

    #[test]
    fn takes_the_happy_path() {
        for ok in [
            r#"{}"#,
            " {\"title\" : \"t\" ,\n  \"status\":\"ACTIVE\"}\n ",
            r#"{"title":"a\"b\\u00e9\n","inspectorScore":7.50,"fixAvailable":true}"#,
            r#"{"resources":[{"id":"i-1","tags":{"k":"v","n":null,"o":{"x":[1]}}},null]}"#,
            r#"{"packageVulnerabilityDetails":{"cvss":[{"baseScore":-1.5e+3}],"referenceUrls":["u",null,2]}}"#,
            r#"{"title":"a","title":"b","remediation":{"recommendation":{"text":"x"}},"remediation":null}"#,
            r#"{"unknown":{"deep":[[[{"a":[false,null,0,-0.0,1E9]}]]]},"epss":{"score":0.01}}"#,
            r#"{"detail-type":"Inspector2 Finding","detail":{"title":"x"}}"#,
            r#"{"detail":null,"status":null}"#,
        ] {
            assert!(agree(ok), "should walk: {ok}");
        }
    }

    #[test]
    fn bails_where_serde_rejects_or_warns() {
        for bail in [
            "",
            "[]",
            "{",
            r#"{"a":1,}"#,
            r#"{"a":1 "b":2}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":-}"#,
            r#"{"a":1e}"#,
            r#"{"a":tru}"#,
            r#"{"a":nul}"#,
            r#"{"a":"\x"}"#,
            r#"{"a":"\u12G4"}"#,
            "{\"a\":\"x\ny\"}",
            r#"{"a":[1,]}"#,
            r#"{"a":[1 2]}"#,
            r#"{"a":{"b"}}"#,
            r#"{"a":{1:2}}"#,
            r#"{"a":1} x"#,
            r#"{"a":1}{}"#,
            r#"{"t\u0069tle":"escaped key"}"#,
            r#"{"resources":{"id":"single object where a list belongs"}}"#,
            r#"{"resources":["not an object"]}"#,
            r#"{"remediation":"a string where an object belongs"}"#,
            r#"{"packageVulnerabilityDetails":{"referenceUrls":"one"}}"#,
            r#"{"resources":[{"tags":[1]}]}"#,
        ] {
            assert!(!agree(bail), "should bail: {bail}");
        }
    }

    #[test]
    fn depth_beyond_the_limit_is_left_to_serde() {
        let deep = |n: usize| format!("{{\"x\":{}{}}}", "[".repeat(n), "]".repeat(n));
        assert!(agree(&deep(MAX_WALK_DEPTH as usize - 1)));
        assert!(!agree(&deep(MAX_WALK_DEPTH as usize)));
        assert!(!agree(&deep(200)));
    }

    /// Every prefix of a valid finding, and every one-byte change to it, gets the same
    /// verdict from both decoders.
    #[test]
    fn prefixes_and_byte_changes_agree() {
        let f = r#"{"awsAccountId":"1","resources":[{"id":"i","tags":{"a":"b"},"details":{"awsEc2Instance":{"ipV4Addresses":["1.2.3.4"]}}}],"inspectorScore":9.8,"packageVulnerabilityDetails":{"cvss":[{"baseScore":7.5,"version":"3.1"}],"vulnerablePackages":[{"name":"p","epoch":0}]},"title":"a\tb\u00e9","exploitAvailable":false,"x":null}"#;
        assert!(agree(f));
        for n in 0..f.len() {
            if f.is_char_boundary(n) {
                agree(&f[..n]);
            }
        }
        let bytes = f.as_bytes();
        for i in 0..bytes.len() {
            for c in [
                b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b' ', b'0', b'-', b'e', b'n', 0x01,
            ] {
                let mut m = bytes.to_vec();
                m[i] = c;
                if let Ok(t) = std::str::from_utf8(&m) {
                    agree(t);
                }
            }
        }
    }
}
