//! How a view of the finding model is declared, and how the walker reads the lenient
//! values of its members.
//!
//! A view is a borrowed struct of optional members, each read from its JSON key
//! ([`super::finding`] declares them all). The `view!` macro gives each view both decoders:
//! serde's `Deserialize` (the lenient path, with its warnings) and the walker's
//! [`WalkView`] (the fast path), plus what it needs to stand in a [`Lenient`] or a [`List`]
//! and its [`Shape`](super::shape::Shape), with which the cold path finds the member a
//! decode warning came from.
//! The impls below teach the walker the members' types: leaves, lenient objects, lists and
//! tags.
//!
//! This module joins [`super::walk`] (JSON) and [`super::value`] (lenient values), which
//! know nothing of each other.

use super::value::{Key, Leaf, Lenient, List, Pairs};
use super::walk::{Bail, ValueText, WalkListElement, WalkMember, WalkView, Walker};
use std::borrow::Cow;

/// Declares borrowed views of JSON objects, each a struct of optional members read from
/// their JSON keys, with a `Deserialize` that skips unknown keys and lets a repeated key
/// take its last value (serde's derive would instead reject the whole finding on a
/// duplicate key, and a report must not lose a finding to that), and the walker's
/// [`WalkView`] that does the same on the fast path. Each view can stand in a [`Lenient`]
/// and be an element of a [`List`], in both decoders.
macro_rules! view {
    ($(
        $(#[$m:meta])*
        pub struct $name:ident<'a> {
            $( $(#[$fm:meta])* $field:ident : $ty:ty = $key:literal, )*
        }
    )*) => {$(
        $(#[$m])*
        #[derive(Debug, Default)]
        #[allow(missing_docs)]
        pub struct $name<'a> {
            $( $(#[$fm])* pub $field: $ty, )*
        }

        impl<'de: 'a, 'a> serde::Deserialize<'de> for $name<'a> {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V<'a>(std::marker::PhantomData<&'a ()>);
                impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
                    type Value = $name<'a>;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name<'a>, A::Error> {
                        let mut out = $name::default();
                        while let Some(key) =
                            map.next_key::<$crate::decode::value::Key<'de>>()?
                        {
                            match key.0.as_ref() {
                                $( $key => out.$field = map.next_value()?, )*
                                _ => {
                                    map.next_value::<serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        Ok(out)
                    }
                }
                d.deserialize_map(V(std::marker::PhantomData))
            }
        }

        impl<'a> $crate::decode::walk::WalkView<'a> for $name<'a> {
            #[inline]
            fn walk_member(
                &mut self,
                w: &mut $crate::decode::walk::Walker<'a>,
                key: &'a str,
            ) -> Result<(), $crate::decode::walk::Bail> {
                match key {
                    $( $key => self.$field = $crate::decode::walk::WalkMember::walk(w)?, )*
                    _ => w.skip()?,
                }
                Ok(())
            }
        }

        impl<'de: 'a, 'a> $crate::decode::value::LenientDeserialize<'de> for $name<'a> {
            fn from_map<A: serde::de::MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
                <Self as serde::Deserialize>::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )
                .map(Some)
            }
            fn next_in_seq<A: serde::de::SeqAccess<'de>>(
                seq: &mut A,
            ) -> Result<Option<Option<Self>>, A::Error> {
                Ok(seq
                    .next_element::<$crate::decode::value::Lenient<Self>>()?
                    .map(|l| l.0))
            }
        }

        impl<'a> $crate::decode::shape::Shaped for $name<'a> {
            const SHAPE: $crate::decode::shape::Shape = $crate::decode::shape::Shape::Object(&[
                $( ($key, <$ty as $crate::decode::shape::Shaped>::SHAPE), )*
            ]);
        }

        impl<'a> $crate::decode::walk::WalkListElement<'a> for $name<'a> {
            #[inline]
            fn walk_element(
                w: &mut $crate::decode::walk::Walker<'a>,
            ) -> Result<Option<Self>, $crate::decode::walk::Bail> {
                $crate::decode::view::view_element(w)
            }

            #[inline]
            fn walk_onto(
                w: &mut $crate::decode::walk::Walker<'a>,
                list: &mut Vec<Self>,
            ) -> Result<(), $crate::decode::walk::Bail> {
                $crate::decode::view::view_element_onto(w, list)
            }
        }
    )*};
}
pub(crate) use view;

impl<'a> From<ValueText<'a>> for Leaf<'a> {
    #[inline]
    fn from(t: ValueText<'a>) -> Self {
        match t {
            ValueText::PlainString(s) => Leaf::Plain(s),
            ValueText::Raw(s) => Leaf::Raw(s),
        }
    }
}

/// A scalar member: `null` is absent (as serde's `Option`), anything else its text.
impl<'a> WalkMember<'a> for Option<Leaf<'a>> {
    #[inline]
    fn walk(w: &mut Walker<'a>) -> Result<Self, Bail> {
        if w.null()? {
            return Ok(None);
        }
        w.value_text().map(|t| Some(t.into()))
    }
}

/// An object member: anything but an object or `null` takes the lenient path.
impl<'a, V: WalkView<'a>> WalkMember<'a> for Option<Lenient<V>> {
    #[inline]
    fn walk(w: &mut Walker<'a>) -> Result<Self, Bail> {
        if w.null()? {
            return Ok(None);
        }
        w.view().map(|v| Some(Lenient(Some(v))))
    }
}

/// A list member: anything but an array or `null` takes the lenient path.
impl<'a, T: WalkListElement<'a>> WalkMember<'a> for Option<List<T>> {
    #[inline]
    fn walk(w: &mut Walker<'a>) -> Result<Self, Bail> {
        if w.null()? {
            return Ok(None);
        }
        if w.byte() != b'[' {
            return Err(Bail);
        }
        let mut v = Vec::new();
        w.array(|w| T::walk_onto(w, &mut v))?;
        Ok(Some(List(v)))
    }
}

/// A list of scalars keeps every element, `null` included (as serde does).
impl<'a> WalkListElement<'a> for Leaf<'a> {
    #[inline]
    fn walk_element(w: &mut Walker<'a>) -> Result<Option<Self>, Bail> {
        w.value_text().map(|t| Some(t.into()))
    }
}

/// Resource tags: every member, in order, its value as written.
impl<'a> WalkView<'a> for Pairs<'a> {
    #[inline]
    fn walk_member(&mut self, w: &mut Walker<'a>, key: &'a str) -> Result<(), Bail> {
        let v = w.value_text()?.into();
        self.0.push((Key(Cow::Borrowed(key)), v));
        Ok(())
    }
}

/// A view as an element of a list: `null` is dropped silently (as serde's lenient path
/// does), any other non-object takes the lenient path.
#[inline]
pub(crate) fn view_element<'a, V: WalkView<'a>>(w: &mut Walker<'a>) -> Result<Option<V>, Bail> {
    if w.null()? {
        return Ok(None);
    }
    w.view().map(Some)
}

/// [`view_element`], built in place at the end of `list`. After a bail the last element
/// is half-filled, and the whole walk is thrown away.
#[inline]
pub(crate) fn view_element_onto<'a, V: WalkView<'a>>(
    w: &mut Walker<'a>,
    list: &mut Vec<V>,
) -> Result<(), Bail> {
    if w.null()? {
        return Ok(());
    }
    if w.byte() != b'{' {
        return Err(Bail);
    }
    list.push(V::default());
    let v = list.last_mut().ok_or(Bail)?;
    w.object(|w, key| v.walk_member(w, key))
}
