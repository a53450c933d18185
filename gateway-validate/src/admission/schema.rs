//! The OpenAPI half of admission: a small schema language that mirrors the
//! CRD `openAPIV3Schema`, and the scalar checks of the walk
//! ([`walk`](super::walk)) that checks a defaulted object's typed `spec`
//! against it.
//!
//! Each kind builds its schema once per channel (and per version where the
//! versions differ) from the builders here: [`s`] strings, [`int`] integers,
//! [`obj`] objects of [`req`]uired and [`opt`]ional fields, [`list`]s and
//! string [`map`]s. A field that only the experimental CRD has is declared
//! with [`exp`]: in the standard channel's schema it does not exist, so the
//! walk reports it as pruned (`field.pruned`, a warning), as the API server
//! drops unknown fields.

use std::borrow::Cow;

use serde_json::Value;

use super::ctx::Ctx;
use super::patterns::{Pattern, char_len};
use crate::Channel;

/// Rule ids of the OpenAPI constraints.
pub(crate) mod rule {
    /// A required field is absent.
    pub(crate) const REQUIRED: &str = "schema.required";
    /// A value has the wrong JSON type.
    pub(crate) const TYPE: &str = "schema.type";
    /// A string is shorter than `minLength`.
    pub(crate) const MIN_LENGTH: &str = "schema.min-length";
    /// A string is longer than `maxLength`.
    pub(crate) const MAX_LENGTH: &str = "schema.max-length";
    /// A value is not in the `enum`.
    pub(crate) const ENUM: &str = "schema.enum";
    /// A list has fewer than `minItems` items.
    pub(crate) const MIN_ITEMS: &str = "schema.min-items";
    /// A list has more than `maxItems` items.
    pub(crate) const MAX_ITEMS: &str = "schema.max-items";
    /// A number is below `minimum`.
    pub(crate) const MINIMUM: &str = "schema.minimum";
    /// A number is above `maximum`.
    pub(crate) const MAXIMUM: &str = "schema.maximum";
    /// A map has more than `maxProperties` entries.
    pub(crate) const MAX_PROPERTIES: &str = "schema.max-properties";
    /// Two items of an `x-kubernetes-list-type: map` list share their key.
    pub(crate) const DUPLICATE_KEY: &str = "schema.duplicate-key";
    /// Two items of an `x-kubernetes-list-type: set` list are equal.
    pub(crate) const DUPLICATE_ITEM: &str = "schema.duplicate-item";
    /// A Gateway address of type `IPAddress` is not an IP address (`format: ipv4/ipv6`).
    pub(crate) const FORMAT_IP: &str = "schema.format.ip";
    /// A field the channel's CRD does not have: the API server prunes it.
    pub(crate) const PRUNED: &str = "field.pruned";
}

/// A schema node.
#[derive(Debug)]
pub(crate) enum Node {
    /// A string.
    Str(Str),
    /// An integer.
    Int(Int),
    /// A boolean.
    Bool,
    /// An object with known fields.
    Obj(Obj),
    /// A list.
    List(List),
    /// An object used as a map from strings to values.
    Map(Map),
}

/// String constraints.
#[derive(Debug, Default)]
pub(crate) struct Str {
    pub(crate) min_len: Option<usize>,
    pub(crate) max_len: Option<usize>,
    pub(crate) pattern: Option<&'static Pattern>,
    pub(crate) values: Option<&'static [&'static str]>,
}

/// Integer constraints.
#[derive(Debug, Default)]
pub(crate) struct Int {
    pub(crate) min: Option<i64>,
    pub(crate) max: Option<i64>,
    pub(crate) values: Option<&'static [i64]>,
}

/// A check on a whole object beyond its fields (the Gateway address one-of),
/// given the object's fields and its path.
pub(crate) type ObjCheck = fn(&ObjFields, &str, &mut Ctx<'_>);

/// The fields of an object with an [`ObjCheck`], as JSON values, in the
/// order they were serialised.
#[derive(Debug, Default)]
pub(crate) struct ObjFields(pub(crate) Vec<(Cow<'static, str>, Value)>);

impl ObjFields {
    /// The value of field `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// An object's fields.
#[derive(Debug, Default)]
pub(crate) struct Obj {
    pub(crate) fields: Vec<Field>,
    pub(crate) check: Option<ObjCheck>,
    /// Bit `i` is set when field `i` (of the first 64) is required.
    pub(crate) required: u64,
}

/// One field of an object.
#[derive(Debug)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) node: Node,
    pub(crate) required: bool,
}

/// How a list's items relate (`x-kubernetes-list-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListKind {
    /// No constraint between items.
    Atomic,
    /// Items are unique.
    Set,
    /// Items are unique by these key fields.
    Map(&'static [&'static str]),
}

/// List constraints.
#[derive(Debug)]
pub(crate) struct List {
    pub(crate) item: Box<Node>,
    pub(crate) min_items: Option<usize>,
    pub(crate) max_items: Option<usize>,
    pub(crate) kind: ListKind,
}

/// Map (string keys) constraints.
#[derive(Debug)]
pub(crate) struct Map {
    pub(crate) value: Box<Node>,
    pub(crate) max_props: Option<usize>,
}

// ---------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------

/// A string without constraints.
pub(crate) fn s() -> Str {
    Str::default()
}

/// An integer without constraints.
pub(crate) fn int() -> Int {
    Int::default()
}

/// A boolean.
pub(crate) fn boolean() -> Node {
    Node::Bool
}

/// An object of the given fields (`None`s are fields the channel lacks).
pub(crate) fn obj(fields: impl IntoIterator<Item = Option<Field>>) -> Obj {
    let fields: Vec<Field> = fields.into_iter().flatten().collect();
    let required = fields
        .iter()
        .take(64)
        .enumerate()
        .filter(|(_, f)| f.required)
        .fold(0u64, |mask, (i, _)| mask | (1u64 << i));
    Obj {
        fields,
        check: None,
        required,
    }
}

/// An atomic list of `item`.
pub(crate) fn list(item: impl Into<Node>) -> List {
    List {
        item: Box::new(item.into()),
        min_items: None,
        max_items: None,
        kind: ListKind::Atomic,
    }
}

/// A map from strings to `value`.
pub(crate) fn map(value: impl Into<Node>) -> Map {
    Map {
        value: Box::new(value.into()),
        max_props: None,
    }
}

/// A required field.
pub(crate) fn req(name: &'static str, node: impl Into<Node>) -> Option<Field> {
    Some(Field {
        name,
        node: node.into(),
        required: true,
    })
}

/// An optional field.
pub(crate) fn opt(name: &'static str, node: impl Into<Node>) -> Option<Field> {
    Some(Field {
        name,
        node: node.into(),
        required: false,
    })
}

/// An optional field that only the experimental CRD has.
pub(crate) fn exp(ch: Channel, name: &'static str, node: impl Into<Node>) -> Option<Field> {
    match ch {
        Channel::Experimental => opt(name, node),
        _ => None,
    }
}

impl Str {
    /// `minLength` and `maxLength`.
    pub(crate) fn len(mut self, min: usize, max: usize) -> Self {
        self.min_len = Some(min);
        self.max_len = Some(max);
        self
    }
    /// `maxLength` only.
    pub(crate) fn max(mut self, max: usize) -> Self {
        self.max_len = Some(max);
        self
    }
    /// `pattern`.
    pub(crate) fn pat(mut self, p: &'static Pattern) -> Self {
        self.pattern = Some(p);
        self
    }
    /// `enum`.
    pub(crate) fn one_of(mut self, values: &'static [&'static str]) -> Self {
        self.values = Some(values);
        self
    }
}

impl Int {
    /// `minimum` and `maximum`.
    pub(crate) fn range(mut self, min: i64, max: i64) -> Self {
        self.min = Some(min);
        self.max = Some(max);
        self
    }
    /// `minimum` only.
    pub(crate) fn min(mut self, min: i64) -> Self {
        self.min = Some(min);
        self
    }
    /// `enum`.
    pub(crate) fn one_of(mut self, values: &'static [i64]) -> Self {
        self.values = Some(values);
        self
    }
}

impl Obj {
    /// Adds a whole-object check.
    pub(crate) fn with_check(mut self, check: ObjCheck) -> Self {
        self.check = Some(check);
        self
    }
}

impl List {
    /// `minItems` and `maxItems`.
    pub(crate) fn items(mut self, min: usize, max: usize) -> Self {
        self.min_items = Some(min);
        self.max_items = Some(max);
        self
    }
    /// `maxItems` only.
    pub(crate) fn max(mut self, max: usize) -> Self {
        self.max_items = Some(max);
        self
    }
    /// `x-kubernetes-list-type: set`.
    pub(crate) fn set(mut self) -> Self {
        self.kind = ListKind::Set;
        self
    }
    /// `x-kubernetes-list-type: map` with these keys.
    pub(crate) fn keyed(mut self, keys: &'static [&'static str]) -> Self {
        self.kind = ListKind::Map(keys);
        self
    }
}

impl Map {
    /// `maxProperties`.
    pub(crate) fn max(mut self, max: usize) -> Self {
        self.max_props = Some(max);
        self
    }
}

impl From<Str> for Node {
    fn from(v: Str) -> Self {
        Self::Str(v)
    }
}
impl From<Int> for Node {
    fn from(v: Int) -> Self {
        Self::Int(v)
    }
}
impl From<Obj> for Node {
    fn from(v: Obj) -> Self {
        Self::Obj(v)
    }
}
impl From<List> for Node {
    fn from(v: List) -> Self {
        Self::List(v)
    }
}
impl From<Map> for Node {
    fn from(v: Map) -> Self {
        Self::Map(v)
    }
}

// ---------------------------------------------------------------------------
// Scalar checks, shared with the walk
// ---------------------------------------------------------------------------

impl Node {
    /// The JSON type the node wants, for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Self::Str(_) => "a string",
            Self::Int(_) => "an integer",
            Self::Bool => "a boolean",
            Self::Obj(_) | Self::Map(_) => "an object",
            Self::List(_) => "a list",
        }
    }
}

/// `value` quoted for a message, shortened when long.
pub(crate) fn quote(value: &str) -> String {
    const MAX: usize = 60;
    if char_len(value) <= MAX {
        format!("`{value}`")
    } else {
        let head: String = value.chars().take(MAX).collect();
        format!("`{head}...`")
    }
}

/// The findings of string `v` at `path`.
pub(crate) fn check_str(c: &Str, v: &str, path: &str, ctx: &mut Ctx<'_>) {
    // A code point takes one to four bytes, so the byte length alone
    // settles both bounds for nearly every value; count only when it
    // cannot.
    let surely_long_enough = c.min_len.is_none_or(|min| v.len().div_ceil(4) >= min);
    let surely_short_enough = c.max_len.is_none_or(|max| v.len() <= max);
    if !(surely_long_enough && surely_short_enough) {
        check_len(c, char_len(v), path, ctx);
    }
    check_value(c, v, path, ctx);
}

/// The `minLength` and `maxLength` findings of a string of `len` code points.
fn check_len(c: &Str, len: usize, path: &str, ctx: &mut Ctx<'_>) {
    if let Some(min) = c.min_len
        && len < min
    {
        let msg = if len == 0 {
            "must not be empty; give a value or remove the field".to_owned()
        } else {
            format!("is {len} characters long, shorter than the minimum of {min}; lengthen it")
        };
        ctx.error(path, rule::MIN_LENGTH, msg);
    }
    if let Some(max) = c.max_len
        && len > max
    {
        ctx.error(
            path,
            rule::MAX_LENGTH,
            format!("is {len} characters long, more than the limit of {max}; shorten it"),
        );
    }
}

/// The `enum` and `pattern` findings of string `v`.
fn check_value(c: &Str, v: &str, path: &str, ctx: &mut Ctx<'_>) {
    if let Some(values) = c.values
        && !values.contains(&v)
    {
        ctx.error(
            path,
            rule::ENUM,
            format!(
                "{} is not allowed; use one of {}",
                quote(v),
                list_words(values)
            ),
        );
    }
    if let Some(p) = c.pattern
        && !p.is_match(v)
    {
        ctx.error(
            path,
            p.rule,
            format!("{} is not {}; change it", quote(v), p.what),
        );
    }
}

/// `` `A`, `B` or `C` ``.
pub(crate) fn list_words(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// The findings of integer `v` at `path`.
pub(crate) fn check_int(c: &Int, v: i64, path: &str, ctx: &mut Ctx<'_>) {
    if let Some(min) = c.min
        && v < min
    {
        ctx.error(
            path,
            rule::MINIMUM,
            format!("{v} is below the minimum of {min}; use a value of at least {min}"),
        );
    }
    if let Some(max) = c.max
        && v > max
    {
        ctx.error(
            path,
            rule::MAXIMUM,
            format!("{v} is above the maximum of {max}; use a value of at most {max}"),
        );
    }
    if let Some(values) = c.values
        && !values.contains(&v)
    {
        let words: Vec<String> = values.iter().map(ToString::to_string).collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        ctx.error(
            path,
            rule::ENUM,
            format!("{v} is not allowed; use one of {}", list_words(&words)),
        );
    }
}

/// Appends `[i]` to `path`, without the formatting machinery (this runs
/// for every list item of every object admitted).
pub(crate) fn push_index(path: &mut String, i: usize) {
    const SMALL: [&str; 10] = [
        "[0]", "[1]", "[2]", "[3]", "[4]", "[5]", "[6]", "[7]", "[8]", "[9]",
    ];
    if let Some(s) = SMALL.get(i) {
        path.push_str(s);
        return;
    }
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    let mut n = i;
    loop {
        k -= 1;
        // `n % 10` is a single digit.
        digits[k] = b'0' + u8::try_from(n % 10).unwrap_or(0);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    path.push('[');
    for &d in digits.get(k..).unwrap_or_default() {
        path.push(char::from(d));
    }
    path.push(']');
}

/// Appends `.name` (or `name` at the root) to `path`.
pub(crate) fn push_field(path: &mut String, name: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(name);
}

// ---------------------------------------------------------------------------
// Introspection, for the tests that cover every constraint
// ---------------------------------------------------------------------------

/// One constraint of a schema, with the path of its node
/// (`spec.rules[].matches[].path.value`, `[]` for list items, `{}` for map values).
#[cfg(test)]
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Constraint {
    Required(String),
    MinLength(String, usize),
    MaxLength(String, usize),
    Pattern(String, &'static Pattern),
    Enum(String, &'static [&'static str]),
    IntEnum(String, &'static [i64]),
    Minimum(String, i64),
    Maximum(String, i64),
    MinItems(String, usize),
    MaxItems(String, usize),
    MaxProperties(String, usize),
    Set(String),
    MapKeys(String, &'static [&'static str]),
}

#[cfg(test)]
impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.rule == other.rule
    }
}

#[cfg(test)]
impl Node {
    /// Every constraint below this node, which sits at `path`.
    pub(crate) fn constraints(&self, path: &str, out: &mut Vec<Constraint>) {
        match self {
            Self::Str(c) => {
                if let Some(v) = c.min_len {
                    out.push(Constraint::MinLength(path.to_owned(), v));
                }
                if let Some(v) = c.max_len {
                    out.push(Constraint::MaxLength(path.to_owned(), v));
                }
                if let Some(p) = c.pattern {
                    out.push(Constraint::Pattern(path.to_owned(), p));
                }
                if let Some(v) = c.values {
                    out.push(Constraint::Enum(path.to_owned(), v));
                }
            }
            Self::Int(c) => {
                if let Some(v) = c.min {
                    out.push(Constraint::Minimum(path.to_owned(), v));
                }
                if let Some(v) = c.max {
                    out.push(Constraint::Maximum(path.to_owned(), v));
                }
                if let Some(v) = c.values {
                    out.push(Constraint::IntEnum(path.to_owned(), v));
                }
            }
            Self::Bool => {}
            Self::Obj(o) => {
                for f in &o.fields {
                    let p = if path.is_empty() {
                        f.name.to_owned()
                    } else {
                        format!("{path}.{}", f.name)
                    };
                    if f.required {
                        out.push(Constraint::Required(p.clone()));
                    }
                    f.node.constraints(&p, out);
                }
            }
            Self::List(l) => {
                if let Some(v) = l.min_items {
                    out.push(Constraint::MinItems(path.to_owned(), v));
                }
                if let Some(v) = l.max_items {
                    out.push(Constraint::MaxItems(path.to_owned(), v));
                }
                match l.kind {
                    ListKind::Atomic => {}
                    ListKind::Set => out.push(Constraint::Set(path.to_owned())),
                    ListKind::Map(keys) => out.push(Constraint::MapKeys(path.to_owned(), keys)),
                }
                l.item.constraints(&format!("{path}[]"), out);
            }
            Self::Map(m) => {
                if let Some(v) = m.max_props {
                    out.push(Constraint::MaxProperties(path.to_owned(), v));
                }
                m.value.constraints(&format!("{path}{{}}"), out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::push_index;

    #[test]
    fn list_indices_are_written_in_brackets() {
        for i in [0, 7, 9, 10, 42, 12_345, usize::MAX] {
            let mut path = String::from("spec.rules");
            push_index(&mut path, i);
            assert_eq!(path, format!("spec.rules[{i}]"));
        }
    }
}
