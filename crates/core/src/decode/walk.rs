//! The fast path of decoding: a validating JSON walker that fills the typed views
//! ([`super::finding`]) straight from a finding's bytes.
//!
//! # Why not serde_json alone
//!
//! Decoding every finding with serde_json spends over half of a run in its visitor
//! protocol: every key goes through `MapAccess` and a `Visitor`, every leaf is re-parsed by
//! `RawValue`, and every member the report does not read is skipped by a generic
//! `ignore_value`. This walker does the same work in one pass with no dispatch: it matches
//! a key's bytes against the view's members, records a leaf as the slice of its text, and
//! skips everything else while checking it, sixteen bytes at a time inside strings and
//! whitespace (`bytes::classify`).
//!
//! # The contract with serde_json
//!
//! The walker only takes the happy path. It returns [`Bail`] on anything else: invalid
//! JSON, a key with escapes, or a member of an unexpected type (which the lenient serde
//! path turns into a warning, spec 2.2). The caller then decodes the finding again with
//! serde_json, which accepts or rejects it and words the error itself.
//! So for every input, the walker either
//!
//! * returns the very view serde_json would return, with no warnings, or
//! * bails.
//!
//! It never accepts what serde_json rejects. The unit tests of `decode::finding` and the
//! `walk` fuzz target check both halves against serde_json on every input they make.
//!
//! This module knows JSON and the three traits a view's types implement to be walked;
//! which types implement them, and how, is `decode::view`'s business.

use crate::bytes::classify;

/// The walker left this finding to serde_json (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bail;

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

/// A view whose members the walker fills key by key (`view!` implements it).
pub trait WalkView<'a>: Default {
    /// Reads the value of member `key` (the walker stands on its first byte) into `self`,
    /// or skips it when the view has no such member.
    fn walk_member(&mut self, w: &mut Walker<'a>, key: &'a str) -> Result<(), Bail>;
}

/// What a view's member can be: `Option`s of leaves, objects and lists.
pub trait WalkMember<'a>: Sized {
    /// Reads the value the walker stands on.
    fn walk(w: &mut Walker<'a>) -> Result<Self, Bail>;
}

/// What can be an element of a list member: `None` is an element the list drops.
pub trait WalkListElement<'a>: Sized {
    /// Reads the element the walker stands on.
    fn walk_element(w: &mut Walker<'a>) -> Result<Option<Self>, Bail>;

    /// Reads the element the walker stands on onto the end of `list` (or drops it, as
    /// [`WalkListElement::walk_element`] does). Views override it to be built in place: a
    /// resource is over a kilobyte, and moving it through `Result` and `Option` into the
    /// list costs more than walking its keys.
    #[inline]
    fn walk_onto(w: &mut Walker<'a>, list: &mut Vec<Self>) -> Result<(), Bail> {
        list.extend(Self::walk_element(w)?);
        Ok(())
    }
}

/// The text of a value the walker consumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueText<'a> {
    /// A string literal, quotes included, that has no escapes: its contents are the text
    /// between the quotes, with no need to search them for a backslash again.
    PlainString(&'a str),
    /// Any other value as written: a string with escapes, a number, a literal, an object
    /// or an array.
    Raw(&'a str),
}

/// Walks `text` (one JSON object, whitespace around it allowed) into the view `V`.
pub fn walk<'a, V: WalkView<'a>>(text: &'a str) -> Result<V, Bail> {
    walk_root(text, |w| w.view())
}

/// Runs `f` with the walker on the `{` of `text`'s one object, then checks that only
/// whitespace follows it.
pub fn walk_root<'a, T>(
    text: &'a str,
    f: impl FnOnce(&mut Walker<'a>) -> Result<T, Bail>,
) -> Result<T, Bail> {
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
    fn peek(&mut self) -> Result<u8, Bail> {
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
            while let Some(v) = classify::block(b, self.i) {
                if let Some(k) = classify::non_space(v) {
                    self.i += k;
                    break;
                }
                self.i += 16;
            }
        }
    }

    /// Enters the object or array the walker stands on, one level deeper (`Bail` past
    /// [`MAX_WALK_DEPTH`]), and returns the first byte inside; `None` when it is empty
    /// (then its `close` is consumed too, and the level left).
    #[inline(always)]
    fn open(&mut self, close: u8) -> Result<Option<u8>, Bail> {
        self.depth += 1;
        if self.depth > MAX_WALK_DEPTH {
            return Err(Bail);
        }
        self.i += 1;
        let c = self.peek()?;
        if c == close {
            self.i += 1;
            self.depth -= 1;
            return Ok(None);
        }
        Ok(Some(c))
    }

    /// After a member or an element: consumes a `,` and returns the first byte of the
    /// next one; `None` when the container's `close` comes instead (then it is consumed,
    /// and the level left).
    #[inline(always)]
    fn next(&mut self, close: u8) -> Result<Option<u8>, Bail> {
        match self.peek()? {
            b',' => {
                self.i += 1;
                self.peek().map(Some)
            }
            c if c == close => {
                self.i += 1;
                self.depth -= 1;
                Ok(None)
            }
            _ => Err(Bail),
        }
    }

    /// Consumes the key the walker stands on (`c`, its first byte, must be `"`) and the
    /// `:` after it, and stops on the value's first byte.
    #[inline(always)]
    fn key(&mut self, c: u8) -> Result<&'a str, Bail> {
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
        Ok(key)
    }

    /// Walks the object the walker stands on (`{`), calling `member` for each key with
    /// the walker on the value's first byte; `member` must consume the value.
    #[inline]
    pub fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, &'a str) -> Result<(), Bail>,
    ) -> Result<(), Bail> {
        let Some(mut c) = self.open(b'}')? else {
            return Ok(());
        };
        loop {
            let key = self.key(c)?;
            member(self, key)?;
            match self.next(b'}')? {
                Some(next) => c = next,
                None => return Ok(()),
            }
        }
    }

    /// Walks the array the walker stands on (`[`), calling `element` with the walker on
    /// each element's first byte; `element` must consume the element.
    #[inline]
    pub fn array(
        &mut self,
        mut element: impl FnMut(&mut Self) -> Result<(), Bail>,
    ) -> Result<(), Bail> {
        if self.open(b']')?.is_none() {
            return Ok(());
        }
        loop {
            element(self)?;
            if self.next(b']')?.is_none() {
                return Ok(());
            }
        }
    }

    /// Consumes the string the walker stands on (`"`), checking it as serde_json does:
    /// no raw control characters, only JSON's escapes, four hex digits after `\u`.
    /// Returns whether it had escapes.
    ///
    /// Most keys and many values end, unescaped, within sixteen bytes: that case is
    /// inlined into each caller, the rest is [`Walker::rest_of_string`]'s. A call and its
    /// set-up per string cost more than the compare (2.7% of a pretty-CSV run).
    #[inline(always)]
    fn string(&mut self) -> Result<bool, Bail> {
        let i = self.i + 1;
        if let Some(v) = classify::block(self.b, i) {
            match classify::string_stop(v) {
                Some(k) if v.get(k) == Some(&b'"') => {
                    self.i = i + k + 1;
                    return Ok(false);
                }
                // A backslash or a control character: the rest of the string from it.
                Some(k) => return self.rest_of_string(i + k),
                None => return self.rest_of_string(i + 16),
            }
        }
        self.rest_of_string(i)
    }

    /// [`Walker::string`] from byte `from` of the string (after its opening quote; no
    /// escape before it), to its end.
    #[inline(never)]
    fn rest_of_string(&mut self, from: usize) -> Result<bool, Bail> {
        let b = self.b;
        let mut i = from;
        let mut escaped = false;
        loop {
            if let Some(v) = classify::block(b, i) {
                match classify::string_stop(v) {
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
    fn number(&mut self) -> Result<(), Bail> {
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
    fn literal(&mut self, word: &[u8]) -> Result<(), Bail> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Consumes the value the walker stands on, checking all of it. Skipping a member does
    /// not slice its text: a `str` slice checks that both ends are character boundaries.
    pub fn skip(&mut self) -> Result<(), Bail> {
        match self.b[self.i] {
            b'"' => {
                self.string()?;
            }
            b'{' => self.object(|w, _| w.skip())?,
            b'[' => self.array(|w| w.skip())?,
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return Err(Bail),
        }
        Ok(())
    }

    /// Consumes the value the walker stands on, checking all of it, and returns its text.
    pub fn value(&mut self) -> Result<&'a str, Bail> {
        let start = self.i;
        self.skip()?;
        Ok(&self.text[start..self.i])
    }

    /// Consumes the value the walker stands on, as [`Walker::value`] does, and tells a
    /// string without escapes from the rest.
    #[inline]
    pub fn value_text(&mut self) -> Result<ValueText<'a>, Bail> {
        if self.b[self.i] != b'"' {
            return self.value().map(ValueText::Raw);
        }
        let start = self.i;
        let escaped = self.string()?;
        let t = &self.text[start..self.i];
        Ok(if escaped {
            ValueText::Raw(t)
        } else {
            ValueText::PlainString(t)
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
    pub fn null(&mut self) -> Result<bool, Bail> {
        if self.b[self.i] == b'n' {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Walks the object the walker stands on into a fresh view `V`, or bails on another
    /// type.
    #[inline]
    pub fn view<V: WalkView<'a>>(&mut self) -> Result<V, Bail> {
        if self.b[self.i] != b'{' {
            return Err(Bail);
        }
        let mut v = V::default();
        self.object(|w, key| v.walk_member(w, key))?;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walks `text` as one object value, as a view skips a member it does not read.
    fn skip(text: &str) -> Result<&str, Bail> {
        walk_root(text, |w| w.value())
    }

    #[test]
    fn skipped_values_are_checked_as_serde_json_checks_them() {
        for ok in [
            "{}",
            " {\"a\" : [1, -0.5e+3, true, false, null, \"x\\u00e9\\n\"] ,\"b\":{}}\n",
            r#"{"k":{"deep":[[{"a":"b"}]]},"k":"repeated"}"#,
        ] {
            assert_eq!(skip(ok), Ok(ok.trim()), "{ok}");
            assert!(serde_json::from_str::<serde::de::IgnoredAny>(ok).is_ok());
        }
        for bad in [
            "",
            r#"{"a":1,}"#,
            r#"{"a":01}"#,
            r#"{"a":"\x"}"#,
            "{\"a\":\"x\ny\"}",
            r#"{"a":[1 2]}"#,
            r#"{"a":1}{}"#,
        ] {
            assert_eq!(skip(bad), Err(Bail), "{bad}");
            assert!(serde_json::from_str::<serde::de::IgnoredAny>(bad).is_err());
        }
        // Valid, but left to serde_json: not an object, an escaped key, nesting past the
        // limit.
        assert_eq!(skip("[]"), Err(Bail));
        assert_eq!(skip(r#"{"t\u0069tle":1}"#), Err(Bail));
        let depth = MAX_WALK_DEPTH as usize;
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(skip(&format!("{{\"x\":{}}}", deep(depth - 1))).is_ok());
        assert_eq!(skip(&format!("{{\"x\":{}}}", deep(depth))), Err(Bail));
    }

    #[test]
    fn value_text_tells_plain_strings_from_the_rest() {
        let members = |text| {
            let mut seen = Vec::new();
            walk_root(text, |w| {
                w.object(|w, key| {
                    seen.push((key, w.value_text()?));
                    Ok(())
                })
            })
            .map(|()| seen)
        };
        assert_eq!(
            members(r#"{"a":"plain","b":"esc\"aped","c":7.50,"d":{"x":[]}}"#),
            Ok(vec![
                ("a", ValueText::PlainString(r#""plain""#)),
                ("b", ValueText::Raw(r#""esc\"aped""#)),
                ("c", ValueText::Raw("7.50")),
                ("d", ValueText::Raw(r#"{"x":[]}"#)),
            ])
        );
    }
}
