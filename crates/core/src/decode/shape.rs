//! The shape of every view, as data: which members are scalars, objects and lists. The
//! `view!` macro states it for each view from the same declaration that gives it its
//! decoders, so it cannot drift from what they read.
//!
//! Its one use is the cold path of a warning example: finding the member that raised a
//! decode warning (spec 5, third point) in a finding that already decoded, by reading it
//! again with the rules of [`super::value`]'s lenient types:
//!
//! * an object member ([`Lenient`]) holding an array or a scalar is of the wrong type;
//! * a list member ([`List`]) holding an object or a scalar is a single value where a
//!   list belongs, and of the wrong type too when that value cannot be an element (an
//!   object where scalars belong, a scalar where objects belong);
//! * an element of a list of objects that is an array or a scalar is of the wrong type.

use super::raw::{push_key, split, Raw};
use super::value::{Leaf, Lenient, List, Pairs};
use crate::stats::WarningKind;

/// What a view's member, or a list's element, holds.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Shape {
    /// A scalar ([`Leaf`]): any value is read, none warns while decoding.
    Leaf,
    /// Resource tags ([`Pairs`]): an object of scalars.
    Pairs,
    /// A view: its members by key.
    Object(&'static [(&'static str, Shape)]),
    /// An object member ([`Lenient`]) of this shape.
    Lenient(&'static Shape),
    /// A list member ([`List`]) of elements of this shape.
    List(&'static Shape),
}

/// A type whose [`Shape`] is known (`view!` implements it for each view).
pub(crate) trait Shaped {
    /// Its shape.
    const SHAPE: Shape;
}

impl Shaped for Leaf<'_> {
    const SHAPE: Shape = Shape::Leaf;
}

impl Shaped for Pairs<'_> {
    const SHAPE: Shape = Shape::Pairs;
}

impl Shaped for Option<Leaf<'_>> {
    const SHAPE: Shape = Shape::Leaf;
}

impl<T: Shaped> Shaped for Option<Lenient<T>> {
    const SHAPE: Shape = Shape::Lenient(&T::SHAPE);
}

impl<T: Shaped> Shaped for Option<List<T>> {
    const SHAPE: Shape = Shape::List(&T::SHAPE);
}

/// A decode warning's member: its path in the object and its value's text.
pub(crate) type Found<'a> = (String, &'a str);

/// The first member of the object `text`, read as a `view` (an [`Shape::Object`]), that
/// raises a decode warning of `kind` (a wrong type, or a single value for a list), in the
/// order the decoder meets them.
pub(crate) fn first_decode_warning<'a>(
    view: Shape,
    text: &'a str,
    kind: WarningKind,
) -> Option<Found<'a>> {
    let Shape::Object(members) = view else {
        return None;
    };
    object(members, text, kind, &mut String::new())
}

fn object<'a>(
    schema: &[(&str, Shape)],
    text: &'a str,
    kind: WarningKind,
    path: &mut String,
) -> Option<Found<'a>> {
    let Some(Raw::Object(members)) = split(text) else {
        return None;
    };
    for (key, value) in members {
        let Some((_, shape)) = schema.iter().find(|(k, _)| *k == key) else {
            continue;
        };
        let len = path.len();
        push_key(path, &key);
        if let Some(found) = member(*shape, value, kind, path) {
            return Some(found);
        }
        path.truncate(len);
    }
    None
}

/// The value `text` of a member of shape `shape`, at `path`.
fn member<'a>(
    shape: Shape,
    text: &'a str,
    kind: WarningKind,
    path: &mut String,
) -> Option<Found<'a>> {
    let here = |k: WarningKind, path: &String| (k == kind).then(|| (path.clone(), text));
    match shape {
        Shape::Leaf | Shape::Pairs | Shape::Object(_) => None,
        Shape::Lenient(inner) => match split(text)? {
            Raw::Null => None,
            Raw::Object(_) => element_object(*inner, text, kind, path),
            Raw::Array(_) | Raw::Scalar => here(WarningKind::WrongType, path),
        },
        Shape::List(inner) => match split(text)? {
            Raw::Null => None,
            Raw::Array(elements) => {
                for (i, e) in elements.into_iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    if let Some(found) = element(*inner, e, kind, path) {
                        return Some(found);
                    }
                    path.truncate(len);
                }
                None
            }
            Raw::Object(_) => here(WarningKind::SingleForList, path)
                .or_else(|| element_object(*inner, text, kind, path)),
            Raw::Scalar => here(WarningKind::SingleForList, path).or_else(|| match inner {
                Shape::Leaf => None,
                _ => here(WarningKind::WrongType, path),
            }),
        },
    }
}

/// An element of a list of `shape`: a list of scalars takes anything; a list of objects
/// drops `null` and any other non-object with a warning.
fn element<'a>(
    shape: Shape,
    text: &'a str,
    kind: WarningKind,
    path: &mut String,
) -> Option<Found<'a>> {
    match shape {
        Shape::Leaf => None,
        _ => match split(text)? {
            Raw::Null => None,
            Raw::Object(_) => element_object(shape, text, kind, path),
            Raw::Array(_) | Raw::Scalar => {
                (kind == WarningKind::WrongType).then(|| (path.clone(), text))
            }
        },
    }
}

/// An object standing where a `shape` belongs: a view's members are read, tags raise
/// nothing, and a scalar's place cannot take an object.
fn element_object<'a>(
    shape: Shape,
    text: &'a str,
    kind: WarningKind,
    path: &mut String,
) -> Option<Found<'a>> {
    match shape {
        Shape::Object(members) => object(members, text, kind, path),
        Shape::Pairs => None,
        Shape::Leaf => (kind == WarningKind::WrongType).then(|| (path.clone(), text)),
        Shape::Lenient(_) | Shape::List(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::finding::Finding;
    use crate::decode::value::take_decode_warnings;

    /// The member found for a kind, on findings the serde path decodes with and without
    /// warnings of each kind: found exactly when serde counted one.
    #[test]
    fn found_exactly_where_the_decoder_warns() {
        let items = [
            r#"{"resources":[{"id":"i"}],"remediation":{"recommendation":{"text":"t"}}}"#,
            r#"{"resources":"i-1"}"#,
            r#"{"resources":{"id":"i"}}"#,
            r#"{"resources":[1,null,{"tags":[1]}]}"#,
            r#"{"resources":[{"tags":{"k":{"deep":1}}}]}"#,
            r#"{"remediation":[]}"#,
            r#"{"remediation":{"recommendation":7}}"#,
            r#"{"packageVulnerabilityDetails":{"referenceUrls":{"u":1},"cvss":[[]]}}"#,
            r#"{"packageVulnerabilityDetails":{"relatedVulnerabilities":"CVE-1"}}"#,
            r#"{"resources":[{"details":{"awsEc2Instance":{"ipV4Addresses":"10.0.0.1"}}}]}"#,
            r#"{"resources":null,"epss":null,"title":{"x":1},"unknown":"x"}"#,
        ];
        for item in items {
            take_decode_warnings();
            let _: Finding = serde_json::from_str(item).unwrap();
            let (wrong, single) = take_decode_warnings();
            let found = |k| first_decode_warning(Finding::SHAPE, item, k);
            assert_eq!(
                found(WarningKind::WrongType).is_some(),
                wrong > 0,
                "{item}: {:?}",
                found(WarningKind::WrongType)
            );
            assert_eq!(
                found(WarningKind::SingleForList).is_some(),
                single > 0,
                "{item}"
            );
        }
        let at = |item, k| first_decode_warning(Finding::SHAPE, item, k).unwrap();
        assert_eq!(
            at(
                r#"{"resources":[1,null,{"tags":[1]}]}"#,
                WarningKind::WrongType
            ),
            ("resources[0]".to_string(), "1")
        );
        assert_eq!(
            at(r#"{"resources":[{"tags":[1]}]}"#, WarningKind::WrongType),
            ("resources[0].tags".to_string(), "[1]")
        );
        assert_eq!(
            at(
                r#"{"packageVulnerabilityDetails":{"referenceUrls":{"u":1}}}"#,
                WarningKind::WrongType
            ),
            (
                "packageVulnerabilityDetails.referenceUrls".to_string(),
                r#"{"u":1}"#
            )
        );
    }
}
