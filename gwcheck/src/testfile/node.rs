//! The YAML of a test file as a tree of nodes with line numbers, and a serde
//! [`Deserializer`] over that tree that knows the key path of every value.
//!
//! Parsing goes in two passes. `serde-saphyr` first reads the text into a
//! [`Node`] tree (plain YAML: mappings, sequences, typed scalars, each with its
//! line). The format's types are then deserialized from that tree by
//! [`NodeDeserializer`], whose errors carry the key path
//! (`requests[3].expect.response`) and line of the value at fault. Two things
//! differ from a plain serde deserializer:
//!
//! - A key a struct does not declare is not fatal: it is recorded (with the
//!   keys allowed there) and skipped, so one pass reports every unknown key.
//!   Every other error stops the pass.
//! - Scalars are strict, as the format's checker is: a string field does not
//!   take `123` or `true`, a count does not take `"3"`, and `null` is never a
//!   value.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, forward_to_deserialize_any};
use serde_saphyr::Spanned;

use super::error::Problem;

/// One YAML node and the line it starts on (1-based; 0 when unknown).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// What the node holds.
    pub(crate) value: Value,
    /// The line the node starts on.
    pub(crate) line: u64,
}

/// The value of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i128),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order, keys as nodes.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The text of a scalar used as a mapping key, `None` for a collection.
    fn key_text(&self) -> Option<String> {
        match &self.value {
            Value::Null => Some("null".to_owned()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Str(s) => Some(s.clone()),
            Value::Seq(_) | Value::Map(_) => None,
        }
    }

    /// Whether this is a mapping that has the string key `key`.
    pub(crate) fn has_key(&self, key: &str) -> bool {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .any(|(k, _)| matches!(&k.value, Value::Str(s) if s == key)),
            _ => false,
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Value>::deserialize(deserializer)?;
        Ok(Self {
            value: spanned.value,
            line: spanned.referenced.line(),
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(v)))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        // An integer past i128 is kept as its text: no field takes one anyway.
        Ok(i128::try_from(v).map_or_else(|_| Value::Str(v.to_string()), Value::Int))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

/// The parser options used for every YAML text: no source snippets in messages
/// (the caller names the file and path), duplicate keys are errors, and the
/// default budget (nesting depth 64, alias and node caps) guards untrusted input.
pub(crate) fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! { with_snippet: false }
}

/// Parses a multi-document YAML text into one node per non-empty document.
///
/// The error is the parser's message and the line it points at (0 when unknown).
pub(crate) fn parse_documents(text: &str) -> Result<Vec<Node>, (String, u64)> {
    serde_saphyr::from_str_multiple_with_options::<Node, Vec<Node>>(text, yaml_options())
        .map_err(|err| yaml_error(&err))
}

/// Checks that a multi-document YAML text parses, building nothing.
///
/// The error is the parser's message and the line it points at (0 when unknown).
pub(crate) fn check_documents(text: &str) -> Result<(), (String, u64)> {
    serde_saphyr::from_str_multiple_with_options::<de::IgnoredAny, Vec<de::IgnoredAny>>(
        text,
        yaml_options(),
    )
    .map(drop)
    .map_err(|err| yaml_error(&err))
}

/// The user-facing message of a YAML error, on one line and without its
/// location, and the line it points at (0 when unknown).
fn yaml_error(err: &serde_saphyr::Error) -> (String, u64) {
    use serde_saphyr::MessageFormatter;
    let message = serde_saphyr::UserMessageFormatter.format_message(err.without_snippet());
    let line = err.location().map_or(0, |l| l.line());
    (one_line(&message), line)
}

/// Folds a possibly multi-line message into one line, without control
/// characters.
fn one_line(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Joins a key onto a path the way the format's checker writes it: `a.b`, and
/// no leading dot at the root.
pub(crate) fn join_key(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Joins a sequence index onto a path: `a[3]`.
pub(crate) fn join_index(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// The error of [`NodeDeserializer`]: a message, and once known the path and
/// line of the value it concerns.
#[derive(Debug)]
pub(crate) struct DeError {
    message: String,
    /// A key under the located value that the error is about (a missing key).
    key: Option<String>,
    located: Option<(String, u64)>,
}

impl DeError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            key: None,
            located: None,
        }
    }

    fn about_key(key: &str, message: impl Into<String>) -> Self {
        Self {
            key: Some(key.to_owned()),
            ..Self::new(message)
        }
    }

    /// Locates the error at `path` / `line` unless a deeper value already did.
    fn at(mut self, path: &str, line: u64) -> Self {
        if self.located.is_none() {
            let full = match &self.key {
                Some(key) => join_key(path, key),
                None => path.to_owned(),
            };
            self.located = Some((full, line));
        }
        self
    }

    /// Turns the error into a problem report.
    pub(crate) fn into_problem(self) -> Problem {
        let (path, line) = self.located.unwrap_or_default();
        Problem::new(path, self.message, (line > 0).then_some(line))
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(msg.to_string())
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Self::new(format!("must be {exp} (found {unexp})"))
    }

    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Self::new(format!("must be {exp} (found {unexp})"))
    }

    fn invalid_length(len: usize, exp: &dyn de::Expected) -> Self {
        Self::new(format!("must be {exp} (found {len} entries)"))
    }

    fn unknown_variant(_variant: &str, expected: &'static [&'static str]) -> Self {
        Self::new(format!("must be one of: {}", expected.join(", ")))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Self::about_key(field, unknown_key_message(expected))
    }

    fn missing_field(field: &'static str) -> Self {
        Self::about_key(field, "missing key")
    }

    fn duplicate_field(field: &'static str) -> Self {
        Self::about_key(field, "key given twice")
    }
}

fn unknown_key_message(allowed: &[&str]) -> String {
    let mut allowed = allowed.to_vec();
    allowed.sort_unstable();
    format!("unknown key (allowed here: {})", allowed.join(", "))
}

/// Deserializes `T` from `root`, returning every problem found: all unknown
/// keys, and the first other error if there is one, in line order.
pub(crate) fn deserialize_node<T: de::DeserializeOwned>(root: &Node) -> Result<T, Vec<Problem>> {
    let sink = RefCell::new(Vec::new());
    let result = T::deserialize(NodeDeserializer {
        node: root,
        path: String::new(),
        sink: &sink,
    })
    .map_err(|err| err.at("", root.line));
    let mut problems = sink.into_inner();
    match result {
        Ok(value) if problems.is_empty() => Ok(value),
        Ok(_) => Err(problems),
        Err(err) => {
            problems.push(err.into_problem());
            problems.sort_by_key(|p| p.line().unwrap_or(0));
            Err(problems)
        }
    }
}

/// A serde deserializer over one [`Node`] that knows the node's key path.
pub(crate) struct NodeDeserializer<'a> {
    node: &'a Node,
    path: String,
    sink: &'a RefCell<Vec<Problem>>,
}

impl NodeDeserializer<'_> {
    fn fail<T>(&self, message: &str) -> Result<T, DeError> {
        Err(DeError::new(message))
    }

    fn int(&self) -> Result<i128, DeError> {
        match self.node.value {
            Value::Int(i) => Ok(i),
            _ => self.fail("must be an integer"),
        }
    }

    fn unsigned(&self, max: u64) -> Result<u64, DeError> {
        let i = self.int()?;
        if i < 0 {
            return self.fail("must not be negative");
        }
        match u64::try_from(i) {
            Ok(v) if v <= max => Ok(v),
            _ => Err(DeError::new(format!("must be at most {max}"))),
        }
    }

    fn signed(&self, min: i64, max: i64) -> Result<i64, DeError> {
        let i = self.int()?;
        match i64::try_from(i) {
            Ok(v) if (min..=max).contains(&v) => Ok(v),
            _ => Err(DeError::new(format!("must be between {min} and {max}"))),
        }
    }

    fn seq(&self) -> SeqDeserializer<'_> {
        let items: &[Node] = match &self.node.value {
            Value::Seq(items) => items,
            _ => &[],
        };
        SeqDeserializer {
            items: items.iter().enumerate(),
            path: &self.path,
            sink: self.sink,
        }
    }

    fn map(&self, fields: Option<&'static [&'static str]>) -> MapDeserializer<'_> {
        let entries: &[(Node, Node)] = match &self.node.value {
            Value::Map(entries) => entries,
            _ => &[],
        };
        MapDeserializer {
            entries: entries.iter(),
            pending: None,
            path: &self.path,
            fields,
            sink: self.sink,
        }
    }
}

macro_rules! deserialize_unsigned {
    ($($method:ident => $visit:ident: $ty:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            let v = self.unsigned(u64::from(<$ty>::MAX))?;
            // The bound checked just above makes the conversion exact.
            visitor.$visit(<$ty>::try_from(v).unwrap_or(<$ty>::MAX))
        }
    )*};
}

macro_rules! deserialize_signed {
    ($($method:ident => $visit:ident: $ty:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            let v = self.signed(i64::from(<$ty>::MIN), i64::from(<$ty>::MAX))?;
            // The bounds checked just above make the conversion exact.
            visitor.$visit(<$ty>::try_from(v).unwrap_or_default())
        }
    )*};
}

impl<'de> Deserializer<'de> for NodeDeserializer<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => match (u64::try_from(*i), i64::try_from(*i)) {
                (Ok(u), _) => visitor.visit_u64(u),
                (_, Ok(s)) => visitor.visit_i64(s),
                _ => visitor.visit_i128(*i),
            },
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Str(s) => visitor.visit_str(s),
            Value::Seq(_) => visitor.visit_seq(self.seq()),
            Value::Map(_) => visitor.visit_map(self.map(None)),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.value {
            Value::Bool(b) => visitor.visit_bool(b),
            _ => self.fail("must be true or false"),
        }
    }

    deserialize_unsigned! {
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
    }

    deserialize_signed! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.value {
            // A YAML integer read where a float is wanted: rounding is acceptable.
            Value::Int(i) => visitor.visit_f64(i as f64),
            Value::Float(f) => visitor.visit_f64(f),
            _ => self.fail("must be a number"),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Str(s) if s.chars().count() == 1 => visitor.visit_str(s),
            _ => self.fail("must be a single character"),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Str(s) => visitor.visit_str(s),
            _ => self.fail("must be a string"),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        // A key written with no value is an error, not "absent": leave the key out.
        match self.node.value {
            Value::Null => self.fail("has no value (leave the key out instead)"),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.value {
            Value::Null => visitor.visit_unit(),
            _ => self.fail("must be empty"),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.value {
            Value::Seq(_) => visitor.visit_seq(self.seq()),
            _ => self.fail("must be a list"),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.value {
            Value::Map(_) => visitor.visit_map(self.map(None)),
            _ => self.fail("must be a mapping"),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.node.value {
            Value::Map(_) => visitor.visit_map(self.map(Some(fields))),
            _ => self.fail("must be a mapping"),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Str(s) => visitor.visit_enum(de::value::StrDeserializer::<DeError>::new(s)),
            _ => self.fail("must be a string"),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}

/// The elements of a sequence node, each deserialized at `path[i]`.
struct SeqDeserializer<'a> {
    items: std::iter::Enumerate<std::slice::Iter<'a, Node>>,
    path: &'a str,
    sink: &'a RefCell<Vec<Problem>>,
}

impl<'de> SeqAccess<'de> for SeqDeserializer<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some((index, node)) = self.items.next() else {
            return Ok(None);
        };
        let path = join_index(self.path, index);
        seed.deserialize(NodeDeserializer {
            node,
            path: path.clone(),
            sink: self.sink,
        })
        .map(Some)
        .map_err(|err| err.at(&path, node.line))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of a mapping node, each value deserialized at `path.key`.
///
/// With `fields` (a struct), keys outside them are recorded and skipped.
struct MapDeserializer<'a> {
    entries: std::slice::Iter<'a, (Node, Node)>,
    pending: Option<(String, &'a Node)>,
    path: &'a str,
    fields: Option<&'static [&'static str]>,
    sink: &'a RefCell<Vec<Problem>>,
}

impl<'de> MapAccess<'de> for MapDeserializer<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        for (key, value) in self.entries.by_ref() {
            let Some(text) = key.key_text() else {
                return Err(DeError::new("a key must be a single value").at(self.path, key.line));
            };
            let path = join_key(self.path, &text);
            if let Some(fields) = self.fields
                && !fields.contains(&text.as_str())
            {
                self.sink.borrow_mut().push(Problem::new(
                    path,
                    unknown_key_message(fields),
                    (key.line > 0).then_some(key.line),
                ));
                continue;
            }
            let parsed = seed
                .deserialize(KeyDeserializer { text: &text })
                .map_err(|err| err.at(&path, key.line))?;
            self.pending = Some((path, value));
            return Ok(Some(parsed));
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let Some((path, node)) = self.pending.take() else {
            return Err(
                DeError::new("internal error: a value was read before its key").at(self.path, 0),
            );
        };
        seed.deserialize(NodeDeserializer {
            node,
            path: path.clone(),
            sink: self.sink,
        })
        .map_err(|err| err.at(&path, node.line))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A mapping key, always text.
struct KeyDeserializer<'a> {
    text: &'a str,
}

impl<'de> Deserializer<'de> for KeyDeserializer<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_str(self.text)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_enum(de::value::StrDeserializer::<DeError>::new(self.text))
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

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}
