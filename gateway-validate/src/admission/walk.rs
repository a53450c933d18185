//! The schema walk: checks a typed `spec` against a schema [`Node`] while the
//! spec serialises itself into a [`serde::Serializer`], so no JSON tree is
//! built.
//!
//! The walk sees the value as `serde_json::to_value` would render it (a
//! struct or map is an object, a sequence or tuple a list, `None` and unit
//! `null`, a unit variant a string, a newtype variant a one-entry object) and
//! reports exactly what a check of that JSON value reports, in the same
//! order:
//!
//! - an object's findings come field by field in the schema's order
//!   (required-but-absent fields in their place), then its pruned fields in
//!   name order, then its [`ObjCheck`](super::schema::ObjCheck). Struct fields
//!   arrive in declaration order, so an object whose fields gave findings has
//!   them put in that order (a stable sort by the first path segment below
//!   the object) when it ends;
//! - a list's or map's count findings (`minItems`, `maxItems`,
//!   `maxProperties`) come before its items' findings.
//!
//! Only what the checks need is kept: the current path (one `String`), which
//! schema fields were seen, the key values of a keyed list's items and the
//! items of a set list (to find duplicates), and the fields of an object that
//! has an object check.

use std::borrow::Cow;

use serde::Serialize;
use serde::ser::{self, Impossible};
use serde_json::Value;

use super::ctx::Ctx;
use super::schema::{
    List, ListKind, Map, Node, Obj, ObjFields, check_int, check_str, push_field, push_index, quote,
    rule,
};
use crate::finding::Finding;

/// Why the walk stopped: the spec cannot be rendered as JSON (a map key that
/// is not a string, a number out of range, a data-carrying enum variant).
#[derive(Debug, thiserror::Error)]
#[error("the spec cannot be checked as JSON: {0}")]
pub(crate) struct WalkError(String);

impl ser::Error for WalkError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

/// Checks `value`, which sits at `path`, against `node`, reporting into `ctx`.
///
/// On an error, findings already reported stay in `ctx`; the caller decides
/// what to keep.
pub(crate) fn check<T: Serialize + ?Sized>(
    node: &Node,
    value: &T,
    path: &mut String,
    ctx: &mut Ctx<'_>,
) -> Result<(), WalkError> {
    value.serialize(Walk {
        node: Some(node),
        path,
        ctx,
        capture: None,
        keys: None,
    })
}

/// A value kept while it is checked: a key field, a set item, a field of an
/// object with an object check.
#[derive(Default)]
struct Slot {
    /// The value, when it is a scalar (`null` until one arrives).
    value: Value,
    /// The value is a list or an object: [`Slot::finish`] renders it whole.
    compound: bool,
}

impl Slot {
    /// The kept value of `value`, which was serialised into this slot.
    fn finish<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, WalkError> {
        if self.compound {
            // Only a key field or set item that is not a scalar gets here,
            // which the Gateway API types do not have.
            serde_json::to_value(value).map_err(ser::Error::custom)
        } else {
            Ok(self.value)
        }
    }
}

/// The key fields of a keyed list and the slots of the current item.
type Keys<'a> = (&'static [&'static str], &'a mut [Value]);

/// A JSON scalar as it arrives.
#[derive(Clone, Copy)]
enum Scalar<'v> {
    Null,
    Bool(bool),
    /// An integer that fits `i64` or `u64`.
    Int(i128),
    /// A finite float.
    Float(f64),
    Str(&'v str),
}

impl Scalar<'_> {
    fn json_type(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "a boolean",
            Self::Int(_) | Self::Float(_) => "a number",
            Self::Str(_) => "a string",
        }
    }

    fn to_value(self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Bool(b) => Value::Bool(b),
            Self::Int(i) => match u64::try_from(i) {
                Ok(u) => Value::from(u),
                Err(_) => i64::try_from(i).map_or(Value::Null, Value::from),
            },
            Self::Float(f) => Value::from(f),
            Self::Str(s) => Value::String(s.to_owned()),
        }
    }
}

/// The serializer for one value.
struct Walk<'a, 'c> {
    /// The schema of the value; `None` when it is not checked (a pruned
    /// field, the inside of a value of the wrong type).
    node: Option<&'a Node>,
    path: &'a mut String,
    ctx: &'a mut Ctx<'c>,
    /// Where to keep the value.
    capture: Option<&'a mut Slot>,
    /// Where to keep the key fields, when the value is a keyed list's item.
    keys: Option<Keys<'a>>,
}

/// The expected-type finding.
fn type_error(node: &Node, found: &str, path: &str, ctx: &mut Ctx<'_>) {
    ctx.error(
        path,
        rule::TYPE,
        format!(
            "expected {}, found {found}; write {} here",
            node.type_name(),
            node.type_name()
        ),
    );
}

impl<'a, 'c> Walk<'a, 'c> {
    fn scalar(self, v: Scalar<'_>) -> Result<(), WalkError> {
        if let Some(slot) = self.capture {
            slot.value = v.to_value();
        }
        let Some(node) = self.node else {
            return Ok(());
        };
        match (node, v) {
            (Node::Str(c), Scalar::Str(s)) => check_str(c, s, self.path, self.ctx),
            (Node::Int(c), Scalar::Int(i)) => match i64::try_from(i) {
                Ok(i) => check_int(c, i, self.path, self.ctx),
                Err(_) => not_whole(self.path, self.ctx),
            },
            (Node::Int(_), Scalar::Float(_)) => not_whole(self.path, self.ctx),
            (Node::Bool, Scalar::Bool(_)) => {}
            (node, v) => type_error(node, v.json_type(), self.path, self.ctx),
        }
        Ok(())
    }

    fn int(self, v: i128) -> Result<(), WalkError> {
        if u64::try_from(v).is_ok() || i64::try_from(v).is_ok() {
            self.scalar(Scalar::Int(v))
        } else {
            Err(ser::Error::custom("number out of range"))
        }
    }

    fn float(self, v: f64) -> Result<(), WalkError> {
        // JSON has no non-finite numbers: `serde_json` renders them `null`.
        if v.is_finite() {
            self.scalar(Scalar::Float(v))
        } else {
            self.scalar(Scalar::Null)
        }
    }

    /// Starts a list.
    fn list(self) -> Compound<'a, 'c> {
        if let Some(slot) = self.capture {
            slot.compound = true;
        }
        let state = match self.node {
            Some(Node::List(l)) => State::List(ListState {
                list: l,
                n: 0,
                seen: Vec::new(),
            }),
            Some(node) => {
                type_error(node, "a list", self.path, self.ctx);
                State::Ignore
            }
            None => State::Ignore,
        };
        Compound::new(self.path, self.ctx, state, None)
    }

    /// Starts an object (a struct or a map).
    fn object(self) -> Compound<'a, 'c> {
        if let Some(slot) = self.capture {
            slot.compound = true;
        }
        let state = match self.node {
            Some(Node::Obj(o)) => State::Obj(ObjState {
                obj: o,
                seen: 0,
                seen_beyond: Vec::new(),
                next: 0,
                fields: o.check.map(|_| Vec::new()),
            }),
            Some(Node::Map(m)) => State::Map(MapState {
                map: m,
                n: 0,
                last: None,
                unsorted: false,
            }),
            Some(node) => {
                type_error(node, "an object", self.path, self.ctx);
                State::Ignore
            }
            None => State::Ignore,
        };
        Compound::new(self.path, self.ctx, state, self.keys)
    }
}

/// `expected an integer` for a number that is not one.
fn not_whole(path: &str, ctx: &mut Ctx<'_>) {
    ctx.error(
        path,
        rule::TYPE,
        "expected an integer; write a whole number",
    );
}

impl<'a, 'c> ser::Serializer for Walk<'a, 'c> {
    type Ok = ();
    type Error = WalkError;
    type SerializeSeq = Compound<'a, 'c>;
    type SerializeTuple = Compound<'a, 'c>;
    type SerializeTupleStruct = Compound<'a, 'c>;
    type SerializeTupleVariant = Impossible<(), WalkError>;
    type SerializeMap = Compound<'a, 'c>;
    type SerializeStruct = Compound<'a, 'c>;
    type SerializeStructVariant = Impossible<(), WalkError>;

    fn serialize_bool(self, v: bool) -> Result<(), WalkError> {
        self.scalar(Scalar::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<(), WalkError> {
        self.int(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), WalkError> {
        self.int(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), WalkError> {
        self.int(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), WalkError> {
        self.int(v.into())
    }
    fn serialize_i128(self, v: i128) -> Result<(), WalkError> {
        self.int(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), WalkError> {
        self.int(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), WalkError> {
        self.int(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), WalkError> {
        self.int(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), WalkError> {
        self.int(v.into())
    }
    fn serialize_u128(self, v: u128) -> Result<(), WalkError> {
        match i128::try_from(v) {
            Ok(v) => self.int(v),
            Err(_) => Err(ser::Error::custom("number out of range")),
        }
    }
    fn serialize_f32(self, v: f32) -> Result<(), WalkError> {
        self.float(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), WalkError> {
        self.float(v)
    }
    fn serialize_char(self, v: char) -> Result<(), WalkError> {
        let mut buf = [0u8; 4];
        self.scalar(Scalar::Str(v.encode_utf8(&mut buf)))
    }
    fn serialize_str(self, v: &str) -> Result<(), WalkError> {
        self.scalar(Scalar::Str(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), WalkError> {
        // `serde_json` renders bytes as a list of numbers.
        self.collect_seq(v)
    }
    fn serialize_none(self) -> Result<(), WalkError> {
        self.scalar(Scalar::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), WalkError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), WalkError> {
        self.scalar(Scalar::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), WalkError> {
        self.scalar(Scalar::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), WalkError> {
        self.scalar(Scalar::Str(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), WalkError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), WalkError> {
        // `{variant: value}`.
        let mut object = self.object();
        object.field(variant, value)?;
        object.finish();
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, 'c>, WalkError> {
        Ok(self.list())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a, 'c>, WalkError> {
        Ok(self.list())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'c>, WalkError> {
        Ok(self.list())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, WalkError> {
        // The Gateway API types have no data-carrying enums.
        Err(ser::Error::custom("tuple variants are not checked"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, 'c>, WalkError> {
        Ok(self.object())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'c>, WalkError> {
        Ok(self.object())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, WalkError> {
        // The Gateway API types have no data-carrying enums.
        Err(ser::Error::custom("struct variants are not checked"))
    }
}

/// A list or object being walked.
struct Compound<'a, 'c> {
    path: &'a mut String,
    ctx: &'a mut Ctx<'c>,
    /// The length of `path` at the list or object.
    base: usize,
    /// The number of findings before the list or object.
    mark: usize,
    state: State<'a>,
    keys: Option<Keys<'a>>,
}

/// What a list or object keeps while it is walked.
enum State<'a> {
    /// Not checked.
    Ignore,
    List(ListState<'a>),
    Obj(ObjState<'a>),
    Map(MapState<'a>),
}

struct ListState<'a> {
    list: &'a List,
    /// Items so far.
    n: usize,
    /// The items so far (a set list) or their key fields, item after item
    /// (a keyed list).
    seen: Vec<Value>,
}

struct ObjState<'a> {
    obj: &'a Obj,
    /// Schema fields seen, by index (the first 64).
    seen: u64,
    /// Schema fields seen beyond the first 64.
    seen_beyond: Vec<usize>,
    /// The index of the schema field after the last one seen: struct fields
    /// usually arrive in schema order.
    next: usize,
    /// The fields, for the object check.
    fields: Option<Vec<(Cow<'static, str>, Value)>>,
}

struct MapState<'a> {
    map: &'a Map,
    /// Entries so far.
    n: usize,
    /// The last struct field, when a struct is checked as a map.
    last: Option<&'static str>,
    /// Struct fields came out of name order (a JSON object's keys are in
    /// name order).
    unsorted: bool,
}

impl ObjState<'_> {
    fn find(&mut self, name: &str) -> Option<usize> {
        let fields = &self.obj.fields;
        // Field names are unique: look from the expected place on (absent
        // optional fields are skipped), then before it.
        let from = self.next.min(fields.len());
        let (after, before) = (fields.get(from..), fields.get(..from));
        let i = match after.and_then(|f| f.iter().position(|f| f.name == name)) {
            Some(j) => from + j,
            None => before.and_then(|f| f.iter().position(|f| f.name == name))?,
        };
        self.next = i + 1;
        match u32::try_from(i).ok().and_then(|s| 1u64.checked_shl(s)) {
            Some(bit) => self.seen |= bit,
            None => self.seen_beyond.push(i),
        }
        Some(i)
    }

    fn was_seen(&self, i: usize) -> bool {
        match u32::try_from(i).ok().and_then(|s| 1u64.checked_shl(s)) {
            Some(bit) => self.seen & bit != 0,
            None => self.seen_beyond.contains(&i),
        }
    }
}

impl<'a, 'c> Compound<'a, 'c> {
    fn new(
        path: &'a mut String,
        ctx: &'a mut Ctx<'c>,
        state: State<'a>,
        keys: Option<Keys<'a>>,
    ) -> Self {
        Self {
            base: path.len(),
            mark: ctx.mark(),
            path,
            ctx,
            state,
            keys,
        }
    }

    /// The entry whose key was just appended to the path; `name` is the key
    /// when it is a struct field's.
    fn entry<T: Serialize + ?Sized>(
        &mut self,
        name: Option<&'static str>,
        value: &T,
    ) -> Result<(), WalkError> {
        let start = if self.base == 0 { 0 } else { self.base + 1 };
        // A struct field's name is the key just appended.
        let key = match name {
            Some(n) => n,
            None => self.path.get(start..).unwrap_or_default(),
        };
        let key_slot = self
            .keys
            .as_ref()
            .and_then(|(names, _)| names.iter().position(|k| *k == key));
        let mut keep_field = false;
        let node = match &mut self.state {
            State::Obj(o) => {
                keep_field = o.fields.is_some();
                let obj: &'a Obj = o.obj;
                match o.find(key) {
                    Some(i) => obj.fields.get(i).map(|f| &f.node),
                    None => {
                        let key = key.to_owned();
                        self.ctx.pruned(self.path, &key);
                        None
                    }
                }
            }
            State::Map(m) => {
                m.n += 1;
                if let Some(name) = name {
                    m.unsorted |= m.last.is_some_and(|last| last > name);
                    m.last = Some(name);
                }
                let map: &'a Map = m.map;
                Some(&*map.value)
            }
            State::Ignore | State::List(_) => None,
        };
        let field_name = keep_field.then(|| match name {
            Some(n) => Cow::Borrowed(n),
            None => Cow::Owned(key.to_owned()),
        });
        let keep = key_slot.is_some() || keep_field;
        if keep {
            let mut slot = Slot::default();
            value.serialize(Walk {
                node,
                path: self.path,
                ctx: self.ctx,
                capture: Some(&mut slot),
                keys: None,
            })?;
            let v = slot.finish(value)?;
            if let (Some(j), Some((_, slots))) = (key_slot, self.keys.as_mut())
                && let Some(s) = slots.get_mut(j)
            {
                *s = v.clone();
            }
            if let (Some(n), State::Obj(o)) = (field_name, &mut self.state)
                && let Some(fields) = o.fields.as_mut()
            {
                fields.push((n, v));
            }
        } else if node.is_some() {
            value.serialize(Walk {
                node,
                path: self.path,
                ctx: self.ctx,
                capture: None,
                keys: None,
            })?;
        }
        self.path.truncate(self.base);
        Ok(())
    }

    /// A struct field (or a newtype variant's one entry).
    fn field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), WalkError> {
        push_field(self.path, name);
        self.entry(Some(name), value)
    }

    /// A list item.
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WalkError> {
        let State::List(l) = &mut self.state else {
            return value.serialize(Walk {
                node: None,
                path: self.path,
                ctx: self.ctx,
                capture: None,
                keys: None,
            });
        };
        let list: &'a List = l.list;
        let i = l.n;
        l.n += 1;
        push_index(self.path, i);
        match list.kind {
            ListKind::Atomic => value.serialize(Walk {
                node: Some(&list.item),
                path: self.path,
                ctx: self.ctx,
                capture: None,
                keys: None,
            })?,
            ListKind::Set => {
                let mut slot = Slot::default();
                value.serialize(Walk {
                    node: Some(&list.item),
                    path: self.path,
                    ctx: self.ctx,
                    capture: Some(&mut slot),
                    keys: None,
                })?;
                let item = slot.finish(value)?;
                if let Some(first) = l.seen.iter().position(|x| *x == item) {
                    self.ctx.error(
                        self.path,
                        rule::DUPLICATE_ITEM,
                        format!("repeats item [{first}]; list each value once"),
                    );
                }
                l.seen.push(item);
            }
            ListKind::Map(names) => {
                // An absent key field counts as null, as in the API server.
                let at = l.seen.len();
                l.seen.resize(at + names.len(), Value::Null);
                value.serialize(Walk {
                    node: Some(&list.item),
                    path: self.path,
                    ctx: self.ctx,
                    capture: None,
                    keys: Some((names, l.seen.get_mut(at..).unwrap_or_default())),
                })?;
                let (before, key) = l.seen.split_at(at);
                let width = names.len();
                let first = (0..i).find(|&j| before.get(j * width..(j + 1) * width) == Some(key));
                if let Some(first) = first {
                    let shown: Vec<String> = names
                        .iter()
                        .zip(key)
                        .map(|(k, v)| match v {
                            Value::String(s) => format!("{k} {}", quote(s)),
                            other => format!("{k} {other}"),
                        })
                        .collect();
                    self.ctx.error(
                        self.path,
                        rule::DUPLICATE_KEY,
                        format!(
                            "{} repeats item [{first}]; each item needs its own {}",
                            shown.join(", "),
                            names.join(" and ")
                        ),
                    );
                }
            }
        }
        self.path.truncate(self.base);
        Ok(())
    }

    /// Ends the list or object: its count, required-field and object-check
    /// findings, and its findings in schema order.
    fn finish(self) {
        let Self {
            path,
            ctx,
            base,
            mark,
            state,
            ..
        } = self;
        match state {
            State::Ignore => {}
            State::List(l) => {
                let before = ctx.mark();
                count_items(l.list, l.n, path, ctx);
                let counted = ctx.mark() - before;
                if counted > 0 {
                    ctx.since(mark).rotate_right(counted);
                }
            }
            State::Map(m) => {
                if m.unsorted {
                    // Struct field names have no `.` or `[`.
                    let start = if base == 0 { 0 } else { base + 1 };
                    let order = |f: &Finding| {
                        let rest = f.field.get(start..).unwrap_or_default();
                        rest.split(['.', '[']).next().unwrap_or_default().to_owned()
                    };
                    ctx.since(mark).sort_by_cached_key(order);
                }
                if let Some(max) = m.map.max_props
                    && m.n > max
                {
                    ctx.error(
                        path,
                        rule::MAX_PROPERTIES,
                        format!(
                            "has {} entries, more than the limit of {max}; remove {}",
                            m.n,
                            m.n - max
                        ),
                    );
                    ctx.since(mark).rotate_right(1);
                }
            }
            State::Obj(o) => {
                // Every required field of the first 64 was seen, and there
                // are no others: nothing is missing.
                let all_there = o.obj.fields.len() <= 64 && o.obj.required & !o.seen == 0;
                let fields = if all_there {
                    &[][..]
                } else {
                    &o.obj.fields[..]
                };
                for (i, f) in fields.iter().enumerate() {
                    if f.required && !o.was_seen(i) {
                        push_field(path, f.name);
                        ctx.error(
                            path,
                            rule::REQUIRED,
                            format!("`{}` is required; add it", f.name),
                        );
                        path.truncate(base);
                    }
                }
                let found = ctx.since(mark);
                if found.len() > 1 {
                    let start = if base == 0 { 0 } else { base + 1 };
                    let cmp = |a: &Finding, b: &Finding| {
                        field_order(o.obj, start, &a.field)
                            .cmp(&field_order(o.obj, start, &b.field))
                    };
                    if !found.is_sorted_by(|a, b| cmp(a, b).is_le()) {
                        found.sort_by(cmp);
                    }
                }
                if let (Some(check), Some(fields)) = (o.obj.check, o.fields) {
                    check(&ObjFields(fields), path, ctx);
                }
            }
        }
    }
}

/// Where a finding at `field` goes among the findings of an object whose
/// fields' paths start at `start`: schema fields in schema order, then
/// other (pruned) fields by name.
fn field_order<'f>(obj: &Obj, start: usize, field: &'f str) -> (usize, &'f str) {
    let rest = field.get(start..).unwrap_or_default();
    let name = rest.split(['.', '[']).next().unwrap_or_default();
    match obj.fields.iter().position(|f| f.name == name) {
        Some(i) => (i, ""),
        None => (obj.fields.len(), name),
    }
}

/// The `minItems` and `maxItems` findings of a list of `n` items.
fn count_items(l: &List, n: usize, path: &str, ctx: &mut Ctx<'_>) {
    if let Some(min) = l.min_items
        && n < min
    {
        let msg = if n == 0 {
            format!("must not be empty; add at least {min} item{}", plural(min))
        } else {
            format!("has {n} items, fewer than the minimum of {min}; add more")
        };
        ctx.error(path, rule::MIN_ITEMS, msg);
    }
    if let Some(max) = l.max_items
        && n > max
    {
        ctx.error(
            path,
            rule::MAX_ITEMS,
            format!(
                "has {n} item{}, more than the limit of {max}; remove {}",
                plural(n),
                n - max
            ),
        );
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Sequences, tuples and tuple structs are all list items to the walk.
macro_rules! list_items {
    ($($trait:ident::$method:ident),* $(,)?) => {$(
        impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = WalkError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WalkError> {
                self.item(value)
            }
            fn end(self) -> Result<(), WalkError> {
                self.finish();
                Ok(())
            }
        }
    )*};
}

list_items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
);

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = WalkError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), WalkError> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), WalkError> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = WalkError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), WalkError> {
        // The key goes on the path, where `serialize_value` finds it.
        self.path.truncate(self.base);
        let mut name = KeyName(self.path);
        key.serialize(&mut name)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WalkError> {
        self.entry(None, value)
    }
    fn end(self) -> Result<(), WalkError> {
        self.finish();
        Ok(())
    }
}

/// Appends a map key to the path, as `serde_json` renders keys: strings,
/// and numbers and booleans as their text.
struct KeyName<'a>(&'a mut String);

impl KeyName<'_> {
    fn push(&mut self, key: &str) -> Result<(), WalkError> {
        push_field(self.0, key);
        Ok(())
    }
}

/// The error for a key that is not a string.
fn key_error() -> WalkError {
    ser::Error::custom("key must be a string")
}

impl ser::Serializer for &mut KeyName<'_> {
    type Ok = ();
    type Error = WalkError;
    type SerializeSeq = Impossible<(), WalkError>;
    type SerializeTuple = Impossible<(), WalkError>;
    type SerializeTupleStruct = Impossible<(), WalkError>;
    type SerializeTupleVariant = Impossible<(), WalkError>;
    type SerializeMap = Impossible<(), WalkError>;
    type SerializeStruct = Impossible<(), WalkError>;
    type SerializeStructVariant = Impossible<(), WalkError>;

    fn serialize_bool(self, v: bool) -> Result<(), WalkError> {
        self.push(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), WalkError> {
        self.push(&v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<(), WalkError> {
        self.push(&v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<(), WalkError> {
        self.push(&v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<(), WalkError> {
        self.push(&v.to_string())
    }
    fn serialize_i128(self, v: i128) -> Result<(), WalkError> {
        self.push(&v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<(), WalkError> {
        self.push(&v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<(), WalkError> {
        self.push(&v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<(), WalkError> {
        self.push(&v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<(), WalkError> {
        self.push(&v.to_string())
    }
    fn serialize_u128(self, v: u128) -> Result<(), WalkError> {
        self.push(&v.to_string())
    }
    fn serialize_f32(self, _v: f32) -> Result<(), WalkError> {
        Err(key_error())
    }
    fn serialize_f64(self, _v: f64) -> Result<(), WalkError> {
        Err(key_error())
    }
    fn serialize_char(self, v: char) -> Result<(), WalkError> {
        let mut buf = [0u8; 4];
        self.push(v.encode_utf8(&mut buf))
    }
    fn serialize_str(self, v: &str) -> Result<(), WalkError> {
        self.push(v)
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), WalkError> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<(), WalkError> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), WalkError> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<(), WalkError> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), WalkError> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), WalkError> {
        self.push(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), WalkError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), WalkError> {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, WalkError> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, WalkError> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, WalkError> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, WalkError> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, WalkError> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, WalkError> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, WalkError> {
        Err(key_error())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::check;
    use crate::Channel;
    use crate::admission::check_spec;
    use crate::admission::ctx::Ctx;
    use crate::admission::schema::{
        Node, ObjFields, boolean, int, list, map, obj, opt, req, rule, s,
    };
    use crate::finding::{ObjectRef, Severity};

    /// The findings of `value` against `node` at `spec`: rule, field, message
    /// and whether it is an error.
    fn walk<T: Serialize>(node: &Node, value: &T) -> Vec<(&'static str, String, String, bool)> {
        let mut ctx = Ctx::new(
            ObjectRef::new("HTTPRoute", Some("default"), "r"),
            None,
            Channel::Standard,
            "v1",
        );
        let mut path = String::from("spec");
        check(node, value, &mut path, &mut ctx).expect("the walk does not fail");
        assert_eq!(path, "spec", "the walk leaves the path as it found it");
        ctx.into_findings()
            .into_iter()
            .map(|f| (f.rule, f.field, f.message, f.severity == Severity::Error))
            .collect()
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Item {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        port: Option<i32>,
    }

    fn item(name: &str, port: Option<i32>) -> Item {
        Item {
            name: name.to_owned(),
            port,
        }
    }

    #[test]
    fn schema_duplicate_key_counts_absent_key_fields_as_null() {
        let node: Node = list(obj([req("name", s()), opt("port", int())]))
            .keyed(&["name", "port"])
            .into();
        let items = vec![
            item("a", None),
            item("a", Some(80)),
            item("a", None),
            item("a", Some(80)),
            item("b", None),
        ];
        let found = walk(&node, &items);
        assert_eq!(
            found,
            vec![
                (
                    rule::DUPLICATE_KEY,
                    "spec[2]".to_owned(),
                    "name `a`, port null repeats item [0]; each item needs its own name and port"
                        .to_owned(),
                    true
                ),
                (
                    rule::DUPLICATE_KEY,
                    "spec[3]".to_owned(),
                    "name `a`, port 80 repeats item [1]; each item needs its own name and port"
                        .to_owned(),
                    true
                ),
            ]
        );
    }

    #[test]
    fn schema_duplicate_item_finds_repeated_strings_and_integers() {
        let names: Node = list(s()).set().into();
        let found = walk(&names, &["x", "y", "x", "x"]);
        let rules: Vec<_> = found
            .iter()
            .map(|f| (f.0, f.1.as_str(), f.2.as_str()))
            .collect();
        assert_eq!(
            rules,
            vec![
                (
                    rule::DUPLICATE_ITEM,
                    "spec[2]",
                    "repeats item [0]; list each value once"
                ),
                (
                    rule::DUPLICATE_ITEM,
                    "spec[3]",
                    "repeats item [0]; list each value once"
                ),
            ]
        );
        let codes: Node = list(int().range(400, 599)).set().into();
        let found = walk(&codes, &[500_i32, 404, 700, 404]);
        let rules: Vec<_> = found.iter().map(|f| (f.0, f.1.as_str())).collect();
        assert_eq!(
            rules,
            vec![
                (rule::MAXIMUM, "spec[2]"),
                (rule::DUPLICATE_ITEM, "spec[3]")
            ]
        );
    }

    #[test]
    fn schema_minimum_and_maximum_apply_to_typed_integers() {
        #[derive(Serialize)]
        struct Ints {
            port: i32,
            weight: i64,
            big: u64,
        }
        let node: Node = obj([
            req("port", int().range(1, 65535)),
            req("weight", int().range(0, 1_000_000)),
            req("big", int()),
        ])
        .into();
        let found = walk(
            &node,
            &Ints {
                port: 0,
                weight: 1_000_001,
                big: u64::MAX,
            },
        );
        assert_eq!(
            found,
            vec![
                (
                    rule::MINIMUM,
                    "spec.port".to_owned(),
                    "0 is below the minimum of 1; use a value of at least 1".to_owned(),
                    true
                ),
                (
                    rule::MAXIMUM,
                    "spec.weight".to_owned(),
                    "1000001 is above the maximum of 1000000; use a value of at most 1000000"
                        .to_owned(),
                    true
                ),
                (
                    rule::TYPE,
                    "spec.big".to_owned(),
                    "expected an integer; write a whole number".to_owned(),
                    true
                ),
            ]
        );
    }

    /// Fields declared in another order than the schema's, one of them
    /// unknown to the schema (like an experimental field in the standard
    /// channel).
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Shuffled {
        zeta: Option<String>,
        labels: BTreeMap<String, String>,
        alpha: String,
        retry: Option<bool>,
        on: bool,
    }

    #[test]
    fn schema_findings_follow_schema_order_then_pruned_fields_by_name() {
        let node: Node = obj([
            req("alpha", s().len(2, 3)),
            req("missing", s()),
            opt("labels", map(s().max(1)).max(1)),
            opt("on", boolean()),
        ])
        .into();
        let value = Shuffled {
            zeta: Some("z".to_owned()),
            labels: [("b.io/x", "long"), ("a", "k")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            alpha: "a".to_owned(),
            retry: Some(true),
            on: true,
        };
        let found = walk(&node, &value);
        let got: Vec<_> = found.iter().map(|f| (f.0, f.1.as_str(), f.3)).collect();
        assert_eq!(
            got,
            vec![
                (rule::MIN_LENGTH, "spec.alpha", true),
                (rule::REQUIRED, "spec.missing", true),
                (rule::MAX_PROPERTIES, "spec.labels", true),
                (rule::MAX_LENGTH, "spec.labels.b.io/x", true),
                (rule::PRUNED, "spec.retry", false),
                (rule::PRUNED, "spec.zeta", false),
            ]
        );
        assert_eq!(
            found[2].2,
            "has 2 entries, more than the limit of 1; remove 1"
        );
        assert!(
            found[4]
                .2
                .starts_with("`retry` exists only in the experimental channel")
        );
    }

    #[test]
    fn schema_max_properties_comes_before_the_entries_findings() {
        let node: Node = map(s().max(2)).max(2).into();
        let labels: BTreeMap<&str, &str> = [("a", "xxx"), ("b", "y"), ("c", "zzz")].into();
        let found = walk(&node, &labels);
        let got: Vec<_> = found.iter().map(|f| (f.0, f.1.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (rule::MAX_PROPERTIES, "spec"),
                (rule::MAX_LENGTH, "spec.a"),
                (rule::MAX_LENGTH, "spec.c"),
            ]
        );
    }

    #[test]
    fn schema_max_items_comes_before_the_items_findings() {
        let node: Node = list(s().max(1)).items(1, 2).into();
        let found = walk(&node, &["ab", "c", "de"]);
        let got: Vec<_> = found.iter().map(|f| (f.0, f.1.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (rule::MAX_ITEMS, "spec"),
                (rule::MAX_LENGTH, "spec[0]"),
                (rule::MAX_LENGTH, "spec[2]"),
            ]
        );
        let empty: [&str; 0] = [];
        let found = walk(&node, &empty);
        assert_eq!(found[0].2, "must not be empty; add at least 1 item");
    }

    fn value_is_x(fields: &ObjFields, path: &str, ctx: &mut Ctx<'_>) {
        if fields.get("value").and_then(serde_json::Value::as_str) != Some("x") {
            ctx.error(&format!("{path}.value"), rule::FORMAT_IP, "not x");
        }
    }

    #[test]
    fn schema_object_check_sees_the_fields_and_runs_last() {
        #[derive(Serialize)]
        struct Address {
            value: String,
            #[serde(rename = "type")]
            type_: String,
        }
        let node: Node =
            list(obj([opt("type", s().max(1)), opt("value", s())]).with_check(value_is_x)).into();
        let found = walk(
            &node,
            &[
                Address {
                    value: "x".to_owned(),
                    type_: "long".to_owned(),
                },
                Address {
                    value: "y".to_owned(),
                    type_: "long".to_owned(),
                },
            ],
        );
        let got: Vec<_> = found.iter().map(|f| (f.0, f.1.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (rule::MAX_LENGTH, "spec[0].type"),
                (rule::MAX_LENGTH, "spec[1].type"),
                (rule::FORMAT_IP, "spec[1].value"),
            ]
        );
    }

    #[test]
    fn schema_part_is_dropped_whole_when_the_spec_cannot_be_rendered() {
        #[derive(Serialize)]
        struct Odd {
            name: String,
            weird: BTreeMap<(u8, u8), String>,
        }
        let node: Node = obj([req("name", s().len(2, 5)), opt("weird", map(s()))]).into();
        let mut ctx = Ctx::new(
            ObjectRef::new("HTTPRoute", Some("default"), "r"),
            None,
            Channel::Standard,
            "v1",
        );
        ctx.error("spec.before", "kept", "reported before the schema part");
        let odd = Odd {
            name: "a".to_owned(),
            weird: [((1, 2), "v".to_owned())].into(),
        };
        check_spec(&odd, &node, &mut ctx);
        let rules: Vec<_> = ctx.into_findings().iter().map(|f| f.rule).collect();
        assert_eq!(rules, vec!["kept"]);
    }
}
