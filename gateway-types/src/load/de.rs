//! A `serde::Deserializer` over the spanned tree.
//!
//! It consumes the tree, moving strings into the target values, and tracks
//! the field path on the stack as a linked list that is only formatted when
//! an error or an unknown field needs it. Errors raised by visitors carry no
//! location; the innermost node they pass through stamps its own.

use std::cell::RefCell;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, EnumAccess, Expected, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};

use super::yaml::{Entry, Node, Pos, Value};

/// A field path under construction: `spec.rules[0].matches`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Path<'a> {
    Root,
    Field(&'a Self, &'a str),
    Index(&'a Self, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Root => Ok(()),
            Self::Field(parent, key) => {
                parent.fmt(f)?;
                if !matches!(parent, Self::Root) {
                    f.write_str(".")?;
                }
                f.write_str(key)
            }
            Self::Index(parent, i) => {
                parent.fmt(f)?;
                write!(f, "[{i}]")
            }
        }
    }
}

/// A field a struct did not know, as serde reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownField {
    pub(crate) path: String,
    pub(crate) field: String,
    pub(crate) pos: Pos,
}

/// State shared by the whole deserialisation of one object.
#[derive(Debug, Default)]
pub(crate) struct Ctx {
    /// Whether to record unknown fields.
    pub(crate) strict: bool,
    pub(crate) unknown: RefCell<Vec<UnknownField>>,
}

/// What went wrong, by the serde constructor that reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DeErrorKind {
    InvalidType(String),
    InvalidValue(String),
    MissingField(String),
    UnknownField(String),
    Custom(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct DeErrorInner {
    kind: DeErrorKind,
    /// For type and value errors, serde's description of the offending
    /// value (`integer `5``), to find it again when a visitor that buffers
    /// (`#[serde(flatten)]`) reported it without a location.
    unexpected: Option<String>,
    located: Option<(String, Pos)>,
}

/// A [`DeError`] taken apart.
#[derive(Debug)]
pub(crate) struct DeErrorParts {
    pub(crate) kind: DeErrorKind,
    pub(crate) unexpected: Option<String>,
    /// The field path and position, once stamped.
    pub(crate) located: Option<(String, Pos)>,
}

/// The deserializer's error: a message, and once known, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeError(Box<DeErrorInner>);

impl DeError {
    fn new(kind: DeErrorKind) -> Self {
        Self(Box::new(DeErrorInner {
            kind,
            unexpected: None,
            located: None,
        }))
    }

    fn with_unexpected(mut self, unexp: Unexpected<'_>) -> Self {
        self.0.unexpected = Some(unexp.to_string());
        self
    }

    #[cfg(test)]
    pub(crate) fn kind(&self) -> &DeErrorKind {
        &self.0.kind
    }

    pub(crate) fn into_parts(self) -> DeErrorParts {
        let DeErrorInner {
            kind,
            unexpected,
            located,
        } = *self.0;
        DeErrorParts {
            kind,
            unexpected,
            located,
        }
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.kind {
            DeErrorKind::InvalidType(m) | DeErrorKind::InvalidValue(m) | DeErrorKind::Custom(m) => {
                f.write_str(m)
            }
            DeErrorKind::MissingField(field) => write!(f, "missing field `{field}`"),
            DeErrorKind::UnknownField(field) => write!(f, "unknown field `{field}`"),
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(DeErrorKind::Custom(msg.to_string()))
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Self::new(DeErrorKind::InvalidType(format!(
            "invalid type: {unexp}, expected {exp}"
        )))
        .with_unexpected(unexp)
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Self::new(DeErrorKind::InvalidValue(format!(
            "invalid value: {unexp}, expected {exp}"
        )))
        .with_unexpected(unexp)
    }

    fn invalid_length(len: usize, exp: &dyn Expected) -> Self {
        Self::new(DeErrorKind::InvalidValue(format!(
            "invalid length {len}, expected {exp}"
        )))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::new(DeErrorKind::InvalidValue(format!(
            "unknown variant `{variant}`, {}",
            one_of(expected)
        )))
    }

    fn unknown_field(field: &str, _expected: &'static [&'static str]) -> Self {
        Self::new(DeErrorKind::UnknownField(field.to_owned()))
    }

    fn missing_field(field: &'static str) -> Self {
        Self::new(DeErrorKind::MissingField(field.to_owned()))
    }
}

fn one_of(names: &[&str]) -> String {
    match names {
        [] => "there are none".to_owned(),
        [one] => format!("expected `{one}`"),
        _ => {
            let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("expected one of {}", list.join(", "))
        }
    }
}

/// Where a node is, to stamp the errors that pass through it.
#[derive(Clone, Copy)]
struct Loc<'a> {
    pos: Pos,
    key_pos: Option<Pos>,
    path: &'a Path<'a>,
}

impl Loc<'_> {
    /// Stamps an unlocated error: type and value errors point at the value,
    /// the rest (missing fields, ...) at the key that holds the value.
    fn locate(self, mut e: DeError) -> DeError {
        if e.0.located.is_none() {
            let pos = match e.0.kind {
                DeErrorKind::InvalidType(_) | DeErrorKind::InvalidValue(_) => self.pos,
                _ => self.key_pos.unwrap_or(self.pos),
            };
            e.0.located = Some((self.path.to_string(), pos));
        }
        e
    }
}

/// Whether serde's description of an unexpected value (as a visitor of
/// buffered content words it) fits this scalar or collection.
pub(crate) fn describes(unexpected_text: &str, value: &Value) -> bool {
    match value {
        // Buffered content calls null a unit value.
        Value::Null => unexpected_text == "null" || unexpected_text == "unit value",
        other => unexpected(other).to_string() == unexpected_text,
    }
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Other("null"),
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Int(i) => Unexpected::Signed(*i),
        Value::UInt(u) => Unexpected::Unsigned(*u),
        Value::Float(f) => Unexpected::Float(*f),
        Value::Str(s) => Unexpected::Str(s),
        Value::Seq(_) => Unexpected::Seq,
        Value::Map(_) => Unexpected::Map,
    }
}

/// Deserializes one node (and, through it, its children).
pub(crate) struct NodeDe<'a> {
    node: Node,
    key_pos: Option<Pos>,
    path: &'a Path<'a>,
    ctx: &'a Ctx,
    /// Whether the node is the value of a field of a struct (so that an
    /// ignored value means an unknown field).
    struct_field: bool,
}

impl<'a> NodeDe<'a> {
    /// A deserializer for the root of an object.
    pub(crate) fn root(node: Node, ctx: &'a Ctx) -> Self {
        Self {
            node,
            key_pos: None,
            path: &Path::Root,
            ctx,
            struct_field: false,
        }
    }

    fn loc(&self) -> Loc<'a> {
        Loc {
            pos: self.node.pos,
            key_pos: self.key_pos,
            path: self.path,
        }
    }

    fn visit_map<'de, V: Visitor<'de>>(
        entries: Vec<Entry>,
        visitor: V,
        path: &'a Path<'a>,
        ctx: &'a Ctx,
        is_struct: bool,
    ) -> Result<V::Value, DeError> {
        let mut access = MapDe {
            iter: entries.into_iter(),
            pending: None,
            path,
            ctx,
            is_struct,
        };
        visitor.visit_map(&mut access)
    }

    fn visit_seq<'de, V: Visitor<'de>>(
        items: Vec<Node>,
        visitor: V,
        path: &'a Path<'a>,
        ctx: &'a Ctx,
    ) -> Result<V::Value, DeError> {
        let total = items.len();
        let mut access = SeqDe {
            iter: items.into_iter(),
            index: 0,
            path,
            ctx,
        };
        let value = visitor.visit_seq(&mut access)?;
        if access.iter.len() == 0 {
            Ok(value)
        } else {
            let expected = format!("{} elements", access.index);
            Err(de::Error::invalid_length(total, &expected.as_str()))
        }
    }
}

impl<'de> de::Deserializer<'de> for NodeDe<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let loc = self.loc();
        let result = match self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Int(i) => visitor.visit_i64(i),
            Value::UInt(u) => visitor.visit_u64(u),
            Value::Float(f) => visitor.visit_f64(f),
            Value::Str(s) => visitor.visit_string(s),
            Value::Seq(items) => Self::visit_seq(items, visitor, self.path, self.ctx),
            Value::Map(entries) => Self::visit_map(entries, visitor, self.path, self.ctx, false),
        };
        result.map_err(|e| loc.locate(e))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let loc = self.loc();
        if matches!(self.node.value, Value::Null) {
            visitor.visit_none().map_err(|e| loc.locate(e))
        } else {
            visitor.visit_some(self).map_err(|e| loc.locate(e))
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let loc = self.loc();
        match self.node.value {
            Value::Map(entries) => Self::visit_map(entries, visitor, self.path, self.ctx, true)
                .map_err(|e| loc.locate(e)),
            // Not `deserialize_any`: derived visitors would read a sequence
            // as the fields in order, which YAML manifests never mean.
            ref other => Err(loc.locate(de::Error::invalid_type(unexpected(other), &visitor))),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let loc = self.loc();
        visitor
            .visit_newtype_struct(self)
            .map_err(|e| loc.locate(e))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let loc = self.loc();
        let result = match self.node.value {
            Value::Str(variant) => visitor.visit_enum(EnumDe {
                variant,
                variant_pos: self.node.pos,
                value: None,
                path: self.path,
                ctx: self.ctx,
            }),
            Value::Map(mut entries) if entries.len() == 1 => {
                let Some(Entry {
                    key,
                    key_pos,
                    value,
                }) = entries.pop()
                else {
                    // The guard above says there is exactly one entry.
                    return Err(loc.locate(de::Error::custom("empty enum mapping")));
                };
                visitor.visit_enum(EnumDe {
                    variant: key,
                    variant_pos: key_pos,
                    value: Some(value),
                    path: self.path,
                    ctx: self.ctx,
                })
            }
            ref other => Err(de::Error::invalid_type(
                unexpected(other),
                &"a string or a mapping with one key",
            )),
        };
        result.map_err(|e| loc.locate(e))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.struct_field
            && self.ctx.strict
            && let Path::Field(_, field) = self.path
        {
            self.ctx.unknown.borrow_mut().push(UnknownField {
                path: self.path.to_string(),
                field: (*field).to_owned(),
                pos: self.key_pos.unwrap_or(self.node.pos),
            });
        }
        drop(self.node);
        visitor.visit_unit()
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf seq tuple tuple_struct map identifier
    }
}

/// The entries of a mapping.
struct MapDe<'a> {
    iter: std::vec::IntoIter<Entry>,
    pending: Option<Entry>,
    path: &'a Path<'a>,
    ctx: &'a Ctx,
    is_struct: bool,
}

impl<'de, 'a> MapAccess<'de> for MapDe<'a> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some(entry) = self.iter.next() else {
            return Ok(None);
        };
        let key = seed.deserialize(KeyDe(&entry.key)).map_err(|e| {
            let path = Path::Field(self.path, &entry.key);
            Loc {
                pos: entry.key_pos,
                key_pos: Some(entry.key_pos),
                path: &path,
            }
            .locate(e)
        })?;
        self.pending = Some(entry);
        Ok(Some(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let Some(Entry {
            key,
            key_pos,
            value,
        }) = self.pending.take()
        else {
            return Err(de::Error::custom("a value was asked for before its key"));
        };
        let path = Path::Field(self.path, &key);
        seed.deserialize(NodeDe {
            node: value,
            key_pos: Some(key_pos),
            path: &path,
            ctx: self.ctx,
            struct_field: self.is_struct,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// The items of a sequence.
struct SeqDe<'a> {
    iter: std::vec::IntoIter<Node>,
    index: usize,
    path: &'a Path<'a>,
    ctx: &'a Ctx,
}

impl<'de> SeqAccess<'de> for SeqDe<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some(node) = self.iter.next() else {
            return Ok(None);
        };
        let path = Path::Index(self.path, self.index);
        self.index += 1;
        seed.deserialize(NodeDe {
            node,
            key_pos: None,
            path: &path,
            ctx: self.ctx,
            struct_field: false,
        })
        .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// A mapping key: always text, parsed on demand for non-string key types.
struct KeyDe<'k>(&'k str);

macro_rules! parse_key {
    ($($method:ident => $visit:ident : $ty:ty,)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
                match self.0.parse::<$ty>() {
                    Ok(v) => visitor.$visit(v),
                    Err(_) => visitor.visit_str(self.0),
                }
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for KeyDe<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_str(self.0)
    }

    parse_key! {
        deserialize_bool => visit_bool: bool,
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_f32 => visit_f32: f32,
        deserialize_f64 => visit_f64: f64,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier
    }
}

/// An externally tagged enum: `Variant` or `{Variant: value}`.
struct EnumDe<'a> {
    variant: String,
    variant_pos: Pos,
    value: Option<Node>,
    path: &'a Path<'a>,
    ctx: &'a Ctx,
}

impl<'de, 'a> EnumAccess<'de> for EnumDe<'a> {
    type Error = DeError;
    type Variant = VariantDe<'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantDe<'a>), DeError> {
        let variant = seed.deserialize(KeyDe(&self.variant)).map_err(|e| {
            Loc {
                pos: self.variant_pos,
                key_pos: None,
                path: self.path,
            }
            .locate(e)
        })?;
        Ok((
            variant,
            VariantDe {
                name: self.variant,
                pos: self.variant_pos,
                value: self.value,
                path: self.path,
                ctx: self.ctx,
            },
        ))
    }
}

/// The content of an enum variant.
struct VariantDe<'a> {
    name: String,
    pos: Pos,
    value: Option<Node>,
    path: &'a Path<'a>,
    ctx: &'a Ctx,
}

impl VariantDe<'_> {
    fn content<T>(
        self,
        expected: &'static str,
        f: impl FnOnce(NodeDe<'_>) -> Result<T, DeError>,
    ) -> Result<T, DeError> {
        let path = Path::Field(self.path, &self.name);
        match self.value {
            Some(node) => f(NodeDe {
                node,
                key_pos: Some(self.pos),
                path: &path,
                ctx: self.ctx,
                struct_field: false,
            }),
            None => Err(Loc {
                pos: self.pos,
                key_pos: None,
                path: self.path,
            }
            .locate(de::Error::invalid_type(Unexpected::UnitVariant, &expected))),
        }
    }
}

impl<'de> VariantAccess<'de> for VariantDe<'_> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        match &self.value {
            None
            | Some(Node {
                value: Value::Null, ..
            }) => Ok(()),
            Some(node) => Err(Loc {
                pos: node.pos,
                key_pos: None,
                path: self.path,
            }
            .locate(de::Error::invalid_type(
                unexpected(&node.value),
                &"a unit variant",
            ))),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        self.content("a newtype variant", |de| seed.deserialize(de))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        self.content("a tuple variant", |de| {
            de::Deserializer::deserialize_seq(de, visitor)
        })
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.content("a struct variant", |de| {
            de::Deserializer::deserialize_struct(de, "", fields, visitor)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;
    use crate::load::yaml::DocParser;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Outer {
        name: String,
        #[serde(default)]
        rules: Vec<Rule>,
        #[serde(default)]
        labels: BTreeMap<String, String>,
        #[serde(default)]
        mode: Option<Mode>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Rule {
        #[serde(default)]
        matches: Vec<Match>,
        weight: Option<i32>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Match {
        path: Option<PathMatch>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct PathMatch {
        value: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    enum Mode {
        Fast,
        Slow { factor: u8 },
    }

    fn de<T: serde::de::DeserializeOwned>(src: &str) -> (Result<T, DeError>, Vec<UnknownField>) {
        let mut p = DocParser::new(src, 1, 64);
        let node = p.next_document(&mut 100).unwrap().unwrap().root.unwrap();
        let ctx = Ctx {
            strict: true,
            ..Ctx::default()
        };
        let result = T::deserialize(NodeDe::root(node, &ctx));
        (result, ctx.unknown.into_inner())
    }

    fn located(e: &DeError) -> (String, usize, usize) {
        let (path, pos) = e.0.located.clone().unwrap();
        (path, pos.line(), pos.col())
    }

    #[test]
    fn wrong_type_names_the_path_and_position_of_the_value() {
        let src = "name: x\nrules:\n- matches:\n  - path: {value: a}\n  - path:\n      value: 5\n";
        let (result, _) = de::<Outer>(src);
        let e = result.unwrap_err();
        assert_eq!(
            e.kind(),
            &DeErrorKind::InvalidType("invalid type: integer `5`, expected a string".into())
        );
        assert_eq!(
            located(&e),
            ("rules[0].matches[1].path.value".into(), 6, 14)
        );
    }

    #[test]
    fn missing_field_points_at_the_key_of_its_mapping() {
        let (result, _) = de::<Outer>("name: x\nrules:\n- matches:\n  - path: {}\n");
        let e = result.unwrap_err();
        assert_eq!(e.kind(), &DeErrorKind::MissingField("value".into()));
        assert_eq!(located(&e), ("rules[0].matches[0].path".into(), 4, 5));
    }

    #[test]
    fn integers_out_of_range_are_invalid_values() {
        let (result, _) = de::<Outer>("name: x\nrules: [{weight: 3000000000}]\n");
        let e = result.unwrap_err();
        assert!(matches!(e.kind(), DeErrorKind::InvalidValue(m) if m.contains("expected i32")));
        assert_eq!(located(&e), ("rules[0].weight".into(), 2, 18));
    }

    #[test]
    fn unknown_fields_are_recorded_with_path_and_key_position() {
        let (result, unknown) =
            de::<Outer>("name: x\nbogus: 1\nrules:\n- weight: 1\n  extra: {a: [1]}\n");
        assert_eq!(result.unwrap().rules[0].weight, Some(1));
        assert_eq!(
            unknown,
            vec![
                UnknownField {
                    path: "bogus".into(),
                    field: "bogus".into(),
                    pos: Pos::new(2, 1)
                },
                UnknownField {
                    path: "rules[0].extra".into(),
                    field: "extra".into(),
                    pos: Pos::new(5, 3)
                },
            ]
        );
    }

    #[test]
    fn map_keys_are_text_and_map_values_keep_their_path() {
        let (result, _) = de::<Outer>("name: x\nlabels: {1: a, true: b}\n");
        let labels = result.unwrap().labels;
        assert_eq!(labels.get("1").map(String::as_str), Some("a"));
        assert_eq!(labels.get("true").map(String::as_str), Some("b"));
        let (result, _) = de::<Outer>("name: x\nlabels:\n  app: 1\n");
        assert_eq!(located(&result.unwrap_err()), ("labels.app".into(), 3, 8));
    }

    #[test]
    fn enums_read_unit_and_struct_variants() {
        let (result, _) = de::<Outer>("name: x\nmode: Fast\n");
        assert_eq!(result.unwrap().mode, Some(Mode::Fast));
        let (result, _) = de::<Outer>("name: x\nmode: {Slow: {factor: 3}}\n");
        assert_eq!(result.unwrap().mode, Some(Mode::Slow { factor: 3 }));
        let (result, _) = de::<Outer>("name: x\nmode: Medium\n");
        let e = result.unwrap_err();
        assert!(
            matches!(e.kind(), DeErrorKind::InvalidValue(m) if m.starts_with("unknown variant `Medium`"))
        );
        assert_eq!(located(&e).0, "mode");
    }

    #[test]
    fn null_is_none_for_options() {
        let (result, _) = de::<Outer>("name: x\nmode: ~\nrules: [{weight: null}]\n");
        let outer = result.unwrap();
        assert_eq!(outer.mode, None);
        assert_eq!(outer.rules[0].weight, None);
    }

    #[test]
    fn flattened_structs_read_through_deserialize_any() {
        #[derive(Debug, Deserialize)]
        struct Flat {
            name: String,
            #[serde(flatten)]
            other: BTreeMap<String, serde_json::Value>,
        }
        let (result, unknown) = de::<Flat>("name: x\nn: 1\nf: 1.5\nb: true\nl: [a, ~]\n");
        let flat = result.unwrap();
        assert_eq!(flat.name, "x");
        assert_eq!(
            serde_json::to_string(&flat.other).unwrap(),
            r#"{"b":true,"f":1.5,"l":["a",null],"n":1}"#
        );
        assert!(unknown.is_empty());
    }
}
