//! Lenient, borrowing building blocks for decoding findings.
//!
//! Real findings break the API model in small ways (spec 2.2): a number sent as a string,
//! a single tag where a list belongs, an object where a string belongs. The report must
//! still be written from what the finding has, with a warning, so the decoder cannot use
//! plain serde types that reject the whole finding on the first surprise. Three types do
//! the work:
//!
//! * [`Leaf`]: any JSON value where the model has a scalar, kept as its exact input text
//!   (serde_json's `RawValue`), so numbers are written as they came (`7.50` stays `7.50`)
//!   and epoch timestamps convert without floating point.
//! * [`Lenient<T>`]: an object of the model; any other type is dropped with a warning.
//! * [`List<T>`]: a list of the model; a single value counts as a one-element list, with
//!   a warning.
//!
//! Warnings raised while decoding are counted in a thread-local tally that
//! [`take_decode_warnings`] hands to the caller after each finding; serde gives a
//! `Deserialize` impl no other channel back to its caller.

use super::unescape::{unescape, unescape_into};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

thread_local! {
    static WRONG_TYPE: Cell<u32> = const { Cell::new(0) };
    static SINGLE_FOR_LIST: Cell<u32> = const { Cell::new(0) };
}

#[cold]
fn warn_wrong_type() {
    WRONG_TYPE.with(|c| c.set(c.get() + 1));
}

#[cold]
fn warn_single_for_list() {
    SINGLE_FOR_LIST.with(|c| c.set(c.get() + 1));
}

/// Returns and resets this thread's decode warnings: (values of the wrong type where an
/// object or list element belongs, single values where a list belongs).
pub fn take_decode_warnings() -> (u32, u32) {
    (
        WRONG_TYPE.with(|c| c.replace(0)),
        SINGLE_FOR_LIST.with(|c| c.replace(0)),
    )
}

/// A value where the model has a scalar: exactly as written in the input.
#[derive(Clone)]
pub enum Leaf<'a> {
    /// The value's own text (string with its quotes and escapes, number text, literal,
    /// or a whole object/list where none belongs).
    Raw(&'a str),
    /// A string literal (quotes included) that the walker found has no escapes: a `Raw`
    /// whose contents are its text. Most strings of a finding are; knowing it spares
    /// searching each one for a backslash again when it is read.
    Plain(&'a str),
    /// Text recovered from a single value that stood where a list belongs.
    Text(Cow<'a, str>),
}

/// `Plain` prints as the `Raw` it stands for: the walker's views and serde_json's
/// (which only makes `Raw`) hold the same values and compare equal as text.
impl std::fmt::Debug for Leaf<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Leaf::Raw(r) | Leaf::Plain(r) => f.debug_tuple("Raw").field(r).finish(),
            Leaf::Text(t) => f.debug_tuple("Text").field(t).finish(),
        }
    }
}

/// What a [`Leaf`] holds, without its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeafKind {
    /// A JSON string.
    Str,
    /// A JSON number.
    Num,
    /// `true` or `false`.
    Bool,
    /// `null`.
    Null,
    /// An object or a list where one value belongs.
    Composite,
}

impl<'a> Leaf<'a> {
    /// The raw JSON text (for `Text`, the text itself).
    pub fn raw(&self) -> &str {
        match self {
            Leaf::Raw(r) | Leaf::Plain(r) => r,
            Leaf::Text(t) => t,
        }
    }

    /// The raw JSON text, borrowed for as long as the input (for `Text`, which only
    /// stands in lists, the empty string).
    pub fn raw_text(&self) -> &'a str {
        match self {
            Leaf::Raw(r) | Leaf::Plain(r) => r,
            Leaf::Text(_) => "",
        }
    }

    /// What kind of JSON value this is.
    pub fn kind(&self) -> LeafKind {
        match self {
            Leaf::Text(_) | Leaf::Plain(_) => LeafKind::Str,
            Leaf::Raw(r) => match r.as_bytes().first() {
                Some(b'"') => LeafKind::Str,
                Some(b'{' | b'[') => LeafKind::Composite,
                Some(b't' | b'f') => LeafKind::Bool,
                Some(b'n') | None => LeafKind::Null,
                Some(_) => LeafKind::Num,
            },
        }
    }

    /// The value as text, the way a cell shows it: string contents unescaped, number text
    /// as written, `true`/`false`. `None` for null and for objects and lists.
    pub fn text(&self) -> Option<Cow<'a, str>> {
        match self {
            Leaf::Text(t) => Some(t.clone()),
            Leaf::Plain(r) => Some(Cow::Borrowed(plain_contents(r))),
            Leaf::Raw(r) => {
                let s: &'a str = r;
                match s.as_bytes().first()? {
                    b'"' => Some(unescape(s)),
                    b'{' | b'[' | b'n' => None,
                    _ => Some(Cow::Borrowed(s)),
                }
            }
        }
    }

    /// Appends what [`Leaf::text`] returns, without building it: a string's contents are
    /// unescaped straight into `out`. Nothing for null and for objects and lists.
    #[inline]
    pub fn write_text(&self, out: &mut Vec<u8>) {
        match self {
            Leaf::Text(t) => out.extend_from_slice(t.as_bytes()),
            Leaf::Plain(r) => out.extend_from_slice(plain_contents(r).as_bytes()),
            Leaf::Raw(r) => match r.as_bytes().first() {
                Some(b'"') => unescape_into(r, out),
                Some(b'{' | b'[' | b'n') | None => {}
                Some(_) => out.extend_from_slice(r.as_bytes()),
            },
        }
    }

    /// Whether [`Leaf::text`] may hold a `"`: a JSON string holds one only as an escape,
    /// so a string the walker found without escapes (and a number or literal) cannot.
    #[inline]
    pub fn may_hold_quote(&self) -> bool {
        match self {
            Leaf::Plain(_) => false,
            Leaf::Raw(r) => r.starts_with('"'),
            Leaf::Text(t) => t.contains('"'),
        }
    }

    /// Text of a string or number leaf (`None` for booleans too).
    pub fn str_or_num(&self) -> Option<Cow<'a, str>> {
        match self.kind() {
            LeafKind::Str | LeafKind::Num => self.text(),
            _ => None,
        }
    }
}

/// The contents of a string literal without escapes: the text between its quotes.
#[inline]
fn plain_contents(lit: &str) -> &str {
    lit.get(1..lit.len().saturating_sub(1)).unwrap_or("")
}

impl<'de: 'a, 'a> Deserialize<'de> for Leaf<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&'de RawValue>::deserialize(d).map(|r| Leaf::Raw(r.get()))
    }
}

/// A type that a [`List`] or a [`Lenient`] holds: how it is built from whichever JSON
/// shape stands where it belongs.
pub trait LenientDeserialize<'de>: Sized {
    /// From an object. Views deserialize themselves; a leaf drains it.
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error>;
    /// From a scalar's text (a single value where a list belongs).
    fn from_text(_text: Cow<'de, str>) -> Option<Self> {
        None
    }
    /// The next element of a sequence: `Some(None)` is an element of the wrong type.
    #[allow(clippy::type_complexity)]
    fn next_in_seq<A: SeqAccess<'de>>(seq: &mut A) -> Result<Option<Option<Self>>, A::Error>;
}

impl<'de: 'a, 'a> LenientDeserialize<'de> for Leaf<'a> {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn from_text(text: Cow<'de, str>) -> Option<Self> {
        Some(Leaf::Text(text))
    }
    fn next_in_seq<A: SeqAccess<'de>>(seq: &mut A) -> Result<Option<Option<Self>>, A::Error> {
        Ok(seq.next_element::<Leaf<'a>>()?.map(Some))
    }
}

/// A model object, or `None` when the input had another type there (counted as a warning).
#[derive(Clone, Debug)]
pub struct Lenient<T>(pub Option<T>);

impl<T> Lenient<T> {
    /// The object, when the input had one.
    pub fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(None)
    }
}

/// Drains a sequence the model did not expect.
fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

struct LenientVisitor<T>(std::marker::PhantomData<T>);

macro_rules! scalar_visits {
    ($on_text:expr) => {
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok($on_text(Cow::Borrowed(v)))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok($on_text(Cow::Owned(v.to_owned())))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok($on_text(Cow::Borrowed(if v { "true" } else { "false" })))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok($on_text(Cow::Owned(v.to_string())))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok($on_text(Cow::Owned(v.to_string())))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok($on_text(Cow::Owned(v.to_string())))
        }
    };
}

impl<'de, T: LenientDeserialize<'de>> Visitor<'de> for LenientVisitor<T> {
    type Value = Lenient<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let v = T::from_map(map)?;
        if v.is_none() {
            warn_wrong_type();
        }
        Ok(Lenient(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq)?;
        warn_wrong_type();
        Ok(Lenient(None))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }
    scalar_visits!(|_t: Cow<'de, str>| {
        warn_wrong_type();
        Lenient(None)
    });
}

impl<'de, T: LenientDeserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor(std::marker::PhantomData))
    }
}

/// A list of the model. Elements of the wrong type are dropped with a warning; a single
/// value stands for a one-element list, with a warning.
#[derive(Clone, Debug)]
pub struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<T> List<T> {
    /// The elements.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
}

struct ListVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: LenientDeserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = List<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        // An element of the wrong type was already counted by `Lenient`.
        while let Some(e) = T::next_in_seq(&mut seq)? {
            v.extend(e);
        }
        Ok(List(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        warn_single_for_list();
        match T::from_map(map)? {
            Some(e) => Ok(List(vec![e])),
            None => {
                warn_wrong_type();
                Ok(List(Vec::new()))
            }
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(List(Vec::new()))
    }
    scalar_visits!(|t: Cow<'de, str>| {
        warn_single_for_list();
        match T::from_text(t) {
            Some(e) => List(vec![e]),
            None => {
                warn_wrong_type();
                List(Vec::new())
            }
        }
    });
}

impl<'de, T: LenientDeserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ListVisitor(std::marker::PhantomData))
    }
}

/// A JSON object key, borrowed unless it had escapes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A string-to-value map in input order (resource tags).
#[derive(Clone, Debug, Default)]
pub struct Pairs<'a>(pub Vec<(Key<'a>, Leaf<'a>)>);

impl<'de: 'a, 'a> LenientDeserialize<'de> for Pairs<'a> {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut v = Vec::new();
        while let Some((k, val)) = map.next_entry::<Key<'a>, Leaf<'a>>()? {
            v.push((k, val));
        }
        Ok(Some(Pairs(v)))
    }
    fn next_in_seq<A: SeqAccess<'de>>(seq: &mut A) -> Result<Option<Option<Self>>, A::Error> {
        Ok(seq.next_element::<Lenient<Self>>()?.map(|l| l.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Probe<'a> {
        #[serde(borrow)]
        a: Option<Leaf<'a>>,
        #[serde(borrow, default)]
        l: Option<List<Leaf<'a>>>,
        #[serde(borrow, default)]
        o: Option<Lenient<Pairs<'a>>>,
        #[serde(borrow, default)]
        lo: Option<List<Pairs<'a>>>,
    }

    fn probe(s: &str) -> (Probe<'_>, (u32, u32)) {
        take_decode_warnings();
        let p: Probe = serde_json::from_str(s).unwrap();
        (p, take_decode_warnings())
    }

    #[test]
    fn leaves_keep_their_text() {
        let (p, w) = probe(r#"{"a":7.50}"#);
        assert_eq!(p.a.unwrap().text().unwrap(), "7.50");
        assert_eq!(w, (0, 0));
        let (p, _) = probe(r#"{"a":"caf\u00e9 \"q\""}"#);
        assert_eq!(p.a.unwrap().text().unwrap(), "café \"q\"");
        let (p, _) = probe(r#"{"a":null}"#);
        assert!(p.a.is_none());
        let (p, _) = probe(r#"{"a":{"b":[1]}}"#);
        let a = p.a.unwrap();
        assert_eq!(a.kind(), LeafKind::Composite);
        assert_eq!(a.text(), None);
        let (p, _) = probe(r#"{"a":true}"#);
        assert_eq!(p.a.unwrap().text().unwrap(), "true");
    }

    #[test]
    fn lists_and_objects_are_lenient() {
        let (p, w) = probe(r#"{"l":["x","y\n",3.10,null]}"#);
        let l: Vec<_> = p.l.unwrap().0.iter().map(|x| x.raw().to_string()).collect();
        assert_eq!(l, vec!["\"x\"", "\"y\\n\"", "3.10", "null"]);
        assert_eq!(w, (0, 0));
        let (p, w) = probe(r#"{"l":"v1"}"#);
        assert_eq!(p.l.unwrap().0[0].text().unwrap(), "v1");
        assert_eq!(w, (0, 1));
        let (p, w) = probe(r#"{"o":"nope","lo":[{"x":1},"bad",{"x":"2"}]}"#);
        assert!(p.o.unwrap().get().is_none());
        let lo = p.lo.unwrap();
        assert_eq!(lo.0.len(), 2);
        assert_eq!(lo.0[1].0[0].1.text().unwrap(), "2");
        assert_eq!(w, (2, 0));
        let (p, w) = probe(r#"{"lo":{"x":5}}"#);
        assert_eq!(p.lo.unwrap().0.len(), 1);
        assert_eq!(w, (0, 1));
        let (p, w) = probe(r#"{"o":{"k":"v","k\"2":"a,b"}}"#);
        let t = p.o.unwrap().0.unwrap();
        assert_eq!(t.0[1].0 .0, "k\"2");
        assert_eq!(w, (0, 0));
    }
}
