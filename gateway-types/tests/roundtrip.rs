//! Arbitrary objects of every kind survive serialise-then-load, before and
//! after defaulting, and defaulting is idempotent.
//!
//! The values are not written by hand per kind: a strategy walks the kind's
//! own JSON Schema (`schemars::schema_for!`) and generates JSON that conforms
//! to it, so a field added to a kind is covered the moment it is declared.
//! Each generated value is deserialised into the kind, serialised with
//! serde_json, loaded back through the [`Loader`] and compared with `==`.
//!
//! The generator knows the keywords schemars emits for this crate's types
//! and fails loudly on any other, so that a schema it does not understand
//! cannot silently shrink what is tested.
#![cfg(feature = "schemars")]

mod support;

use std::fmt::Debug;

use gateway_types::{ApiObject, Defaults, Object};
use proptest::prelude::*;
use proptest::strategy::Union;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Objects and arrays nested deeper than this get only their required
/// properties and no items.
const MAX_DEPTH: usize = 10;
/// Arrays and maps get `0..MAX_ITEMS` items (above their `minItems`).
const MAX_ITEMS: usize = 3;
/// Free-form JSON (a `serde_json::Value` field) nests at most this deep.
const ANY_DEPTH: u32 = 3;

/// Keywords that describe a value without constraining its shape.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$defs",
];

/// Builds a value strategy from a JSON Schema whose `$ref`s point into `defs`.
struct Generator<'s> {
    defs: &'s Map<String, Value>,
}

impl Generator<'_> {
    fn schema(&self, schema: &Value, depth: usize) -> BoxedStrategy<Value> {
        match schema {
            Value::Bool(true) => any_json(),
            Value::Object(s) => self.keywords(s, depth),
            other => panic!("unsupported schema: {other}"),
        }
    }

    fn keywords(&self, s: &Map<String, Value>, depth: usize) -> BoxedStrategy<Value> {
        for key in s.keys() {
            let known = ANNOTATIONS.contains(&key.as_str())
                || key.starts_with("x-kubernetes-")
                || [
                    "$ref",
                    "const",
                    "enum",
                    "anyOf",
                    "oneOf",
                    "allOf",
                    "type",
                    "format",
                    "properties",
                    "required",
                    "additionalProperties",
                    "items",
                    "minItems",
                    "maxItems",
                    "uniqueItems",
                    "minimum",
                    "maximum",
                ]
                .contains(&key.as_str());
            assert!(known, "the generator does not know `{key}` in {s:?}");
        }
        if let Some(Value::String(reference)) = s.get("$ref") {
            let name = reference
                .strip_prefix("#/$defs/")
                .unwrap_or_else(|| panic!("$ref outside $defs: {reference}"));
            let target = self
                .defs
                .get(name)
                .unwrap_or_else(|| panic!("$ref to a missing definition: {reference}"));
            return self.schema(target, depth);
        }
        if let Some(value) = s.get("const") {
            return Just(value.clone()).boxed();
        }
        if let Some(Value::Array(values)) = s.get("enum") {
            return prop::sample::select(values.clone()).boxed();
        }
        for combinator in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = s.get(combinator) {
                // The branches of the schemas here never overlap, so any
                // value of any branch satisfies `oneOf` as well.
                let branches = branches
                    .iter()
                    .map(|b| (is_null(b), self.schema(b, depth)))
                    .collect();
                return weighted(branches);
            }
        }
        if let Some(Value::Array(parts)) = s.get("allOf") {
            assert_eq!(parts.len(), 1, "allOf with more than one part: {s:?}");
            return self.schema(&parts[0], depth);
        }
        match s.get("type") {
            Some(Value::String(t)) => self.typed(t, s, depth),
            Some(Value::Array(types)) => {
                let branches = types
                    .iter()
                    .map(|t| {
                        let t = t.as_str().unwrap_or_else(|| panic!("type {t} in {s:?}"));
                        (t == "null", self.typed(t, s, depth))
                    })
                    .collect();
                weighted(branches)
            }
            None if s.contains_key("properties") => self.object(s, depth),
            None => any_json(),
            Some(other) => panic!("unsupported type {other}"),
        }
    }

    fn typed(&self, t: &str, s: &Map<String, Value>, depth: usize) -> BoxedStrategy<Value> {
        match t {
            "null" => Just(Value::Null).boxed(),
            "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
            "integer" => integer(s),
            "number" => number().boxed(),
            "string" => match s.get("format").and_then(Value::as_str) {
                Some("date-time") => date_time().boxed(),
                None => string().prop_map(Value::String).boxed(),
                Some(other) => panic!("unsupported string format {other}"),
            },
            "array" => self.array(s, depth),
            "object" => self.object(s, depth),
            other => panic!("unsupported type {other}"),
        }
    }

    fn array(&self, s: &Map<String, Value>, depth: usize) -> BoxedStrategy<Value> {
        let min = count(s, "minItems").unwrap_or(0);
        let max = count(s, "maxItems").unwrap_or(usize::MAX);
        let upper = if depth >= MAX_DEPTH {
            min
        } else {
            (min + MAX_ITEMS - 1).min(max)
        };
        let Some(items) = s.get("items") else {
            return prop::collection::vec(any_json(), min..=upper)
                .prop_map(Value::Array)
                .boxed();
        };
        let unique = s.get("uniqueItems") == Some(&Value::Bool(true));
        prop::collection::vec(self.schema(items, depth + 1), min..=upper)
            .prop_map(move |mut items| {
                if unique {
                    let mut seen = Vec::new();
                    items.retain(|v| {
                        let fresh = !seen.contains(v);
                        seen.push(v.clone());
                        fresh
                    });
                }
                Value::Array(items)
            })
            .boxed()
    }

    fn object(&self, s: &Map<String, Value>, depth: usize) -> BoxedStrategy<Value> {
        let required: Vec<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let properties = s.get("properties").and_then(Value::as_object);
        let additional = s.get("additionalProperties");

        // A map (`BTreeMap<String, T>`) or free-form object.
        let Some(properties) = properties else {
            if depth >= MAX_DEPTH {
                return Just(Value::Object(Map::new())).boxed();
            }
            let values = match additional {
                Some(Value::Bool(false)) => return Just(Value::Object(Map::new())).boxed(),
                None | Some(Value::Bool(true)) => any_json(),
                Some(schema) => self.schema(schema, depth + 1),
            };
            return prop::collection::btree_map(string(), values, 0..MAX_ITEMS)
                .prop_map(|m| Value::Object(m.into_iter().collect()))
                .boxed();
        };

        // A struct: every required property, a random subset of the others.
        let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = properties
            .iter()
            .filter_map(|(name, schema)| {
                let present = self
                    .schema(schema, depth + 1)
                    .prop_map({
                        let name = name.clone();
                        move |v| Some((name.clone(), v))
                    })
                    .boxed();
                if required.contains(&name.as_str()) {
                    Some(present)
                } else if depth >= MAX_DEPTH {
                    None
                } else {
                    Some(prop_oneof![1 => Just(None), 3 => present].boxed())
                }
            })
            .collect();
        // Fields kept by `#[serde(flatten)]` into a map. Their keys start
        // with `x-`, which no declared (camelCase) property does.
        let extra = match additional {
            Some(Value::Bool(true)) if depth < MAX_DEPTH => prop::collection::btree_map(
                string().prop_map(|k| format!("x-{k}")),
                any_json(),
                0..MAX_ITEMS,
            )
            .boxed(),
            None | Some(Value::Bool(_)) => Just(Default::default()).boxed(),
            Some(other) => panic!("additionalProperties {other} beside properties"),
        };
        (fields, extra)
            .prop_map(|(fields, extra)| {
                let mut object: Map<String, Value> = fields.into_iter().flatten().collect();
                object.extend(extra);
                Value::Object(object)
            })
            .boxed()
    }
}

/// Whether a schema admits only `null`.
fn is_null(schema: &Value) -> bool {
    schema.get("type") == Some(&Value::from("null"))
}

/// One of the branches, `null` (the `None` of an `Option`, which reads the
/// same as an absent field) less often than the others, so that most
/// optional fields the generator includes have a value.
fn weighted(branches: Vec<(bool, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
    let branches = branches
        .into_iter()
        .map(|(null, strategy)| (if null { 1 } else { 4 }, strategy))
        .collect();
    Union::new_weighted(branches).boxed()
}

/// A non-negative count keyword, such as `minItems`.
fn count(s: &Map<String, Value>, key: &str) -> Option<usize> {
    s.get(key)
        .and_then(Value::as_u64)
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

/// An integer within int32 and within the schema's `minimum` and `maximum`.
fn integer(s: &Map<String, Value>) -> BoxedStrategy<Value> {
    let bound = |key: &str, default: i64| {
        s.get(key)
            .and_then(Value::as_f64)
            .map_or(default, |b| b as i64)
    };
    let min = bound("minimum", i64::from(i32::MIN)).max(i64::from(i32::MIN));
    let max = bound("maximum", i64::from(i32::MAX)).min(i64::from(i32::MAX));
    let edges = vec![min, max, min.max(0).min(max)];
    prop_oneof![
        3 => (min..=max).prop_map(Value::from),
        1 => prop::sample::select(edges).prop_map(Value::from),
    ]
    .boxed()
}

/// A finite float: whole, fractional, tiny or huge.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-1000i32..1000).prop_map(|n| f64::from(n) / 8.0),
        -1e12f64..1e12,
        prop::num::f64::NORMAL,
    ]
    .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number))
}

/// Text of up to 12 characters: mostly names, sometimes any characters at
/// all (quotes, backslashes, control characters, non-ASCII), sometimes text
/// that YAML would read as something else if it were not quoted.
fn string() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        4 => "[a-z][a-z0-9.-]{0,11}",
        2 => prop::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter),
        1 => prop::sample::select(vec![
            "", "~", "null", "true", "no", "0x1F", "1e3", ".inf", "- a", "a: b", "#", "*a", "&a",
            "!x", "'", "\"", "\\", "---", "...", "<<", " lead", "trail ", "\t", "\n", "\r\n",
        ])
        .prop_map(str::to_owned),
    ]
}

/// An RFC 3339 timestamp in whole seconds, as Kubernetes writes them.
fn date_time() -> impl Strategy<Value = Value> {
    (
        1970u32..2100,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
    )
        .prop_map(|(y, mo, d, h, mi, s)| {
            Value::String(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"))
        })
}

/// Any JSON value, nested a little.
fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        number(),
        string().prop_map(Value::String),
    ];
    leaf.prop_recursive(ANY_DEPTH, 16, MAX_ITEMS as u32, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..MAX_ITEMS).prop_map(Value::Array),
            prop::collection::btree_map(string(), inner, 0..MAX_ITEMS)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// JSON conforming to `K`'s schema, with `apiVersion` and `kind` set to one
/// the loader serves for `K`, so that the loader reads it as a `K`.
fn object_of<K: schemars::JsonSchema + ApiObject>() -> BoxedStrategy<Value> {
    let schema =
        serde_json::to_value(schemars::SchemaGenerator::default().into_root_schema_for::<K>())
            .expect("a schema is JSON");
    let empty = Map::new();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let object = Generator { defs }.schema(&schema, 0);
    (object, prop::sample::select(K::VERSIONS))
        .prop_map(|(mut object, version)| {
            let api_version = if K::GROUP.is_empty() {
                version.to_owned()
            } else {
                format!("{}/{version}", K::GROUP)
            };
            object["apiVersion"] = Value::from(api_version);
            object["kind"] = Value::from(K::KIND);
            object
        })
        .boxed()
}

/// The value as a `K`; a value the kind rejects means the schema and the
/// type disagree.
fn typed<K: DeserializeOwned>(value: &Value) -> Result<K, TestCaseError> {
    serde_json::from_value(value.clone()).map_err(|e| {
        TestCaseError::fail(format!(
            "a value conforming to the schema does not deserialise: {e}\n{value:#}"
        ))
    })
}

fn assert_loads_back(object: Object) -> Result<(), TestCaseError> {
    match support::roundtrip_problem(&object) {
        None => Ok(()),
        Some(problem) => Err(TestCaseError::fail(problem)),
    }
}

/// Serialise then load gives back an equal object.
fn check_roundtrip<K>(value: &Value) -> Result<(), TestCaseError>
where
    K: DeserializeOwned + Into<Object>,
{
    assert_loads_back(typed::<K>(value)?.into())
}

/// Defaulting twice changes nothing the first time did not, and the
/// defaulted object survives serialise-then-load too.
fn check_defaults<K>(value: &Value) -> Result<(), TestCaseError>
where
    K: DeserializeOwned + Serialize + Defaults + Clone + PartialEq + Debug + Into<Object>,
{
    let once = typed::<K>(value)?.with_defaults();
    let twice = once.clone().with_defaults();
    prop_assert_eq!(&once, &twice);
    let mut object: Object = once.into();
    let before = object.clone();
    object.apply_defaults();
    prop_assert_eq!(
        &object,
        &before,
        "Object::apply_defaults differs from the kind's"
    );
    assert_loads_back(object)
}

macro_rules! roundtrip_tests {
    ($( $(#[$attr:meta])* $kind:ty => $roundtrip:ident, $defaults:ident; )+) => {
        proptest! {
            $(
                $(#[$attr])*
                #[test]
                fn $roundtrip(value in object_of::<$kind>()) {
                    check_roundtrip::<$kind>(&value)?;
                }

                $(#[$attr])*
                #[test]
                fn $defaults(value in object_of::<$kind>()) {
                    check_defaults::<$kind>(&value)?;
                }
            )+
        }
    };
}

roundtrip_tests! {
    gateway_types::GatewayClass => roundtrip_gateway_class, defaults_are_idempotent_gateway_class;
    gateway_types::Gateway => roundtrip_gateway, defaults_are_idempotent_gateway;
    gateway_types::ListenerSet => roundtrip_listener_set, defaults_are_idempotent_listener_set;
    gateway_types::HttpRoute => roundtrip_http_route, defaults_are_idempotent_http_route;
    gateway_types::GrpcRoute => roundtrip_grpc_route, defaults_are_idempotent_grpc_route;
    gateway_types::TlsRoute => roundtrip_tls_route, defaults_are_idempotent_tls_route;
    gateway_types::TcpRoute => roundtrip_tcp_route, defaults_are_idempotent_tcp_route;
    gateway_types::UdpRoute => roundtrip_udp_route, defaults_are_idempotent_udp_route;
    gateway_types::ReferenceGrant => roundtrip_reference_grant, defaults_are_idempotent_reference_grant;
    gateway_types::BackendTlsPolicy => roundtrip_backend_tls_policy, defaults_are_idempotent_backend_tls_policy;
    #[cfg(feature = "experimental")]
    gateway_types::x::XBackend => roundtrip_x_backend, defaults_are_idempotent_x_backend;
    #[cfg(feature = "experimental")]
    gateway_types::x::XBackendTrafficPolicy => roundtrip_x_backend_traffic_policy, defaults_are_idempotent_x_backend_traffic_policy;
    #[cfg(feature = "experimental")]
    gateway_types::x::XMesh => roundtrip_x_mesh, defaults_are_idempotent_x_mesh;
    gateway_types::core::Namespace => roundtrip_namespace, defaults_are_idempotent_namespace;
    gateway_types::core::Service => roundtrip_service, defaults_are_idempotent_service;
    gateway_types::core::Secret => roundtrip_secret, defaults_are_idempotent_secret;
    gateway_types::core::ConfigMap => roundtrip_config_map, defaults_are_idempotent_config_map;
}

/// The generator itself: what it makes conforms to the schema it was given,
/// so a round trip failure is the crate's, not the generator's.
mod generator {
    use super::*;

    fn values(schema: Value) -> impl Strategy<Value = Value> {
        let defs = Map::new();
        Generator { defs: &defs }.schema(&schema, 0)
    }

    proptest! {
        #[test]
        fn required_properties_are_always_present(v in values(serde_json::json!({
            "type": "object",
            "properties": {"a": {"type": "string"}, "b": {"type": ["integer", "null"]}},
            "required": ["a"]
        }))) {
            prop_assert!(v["a"].is_string());
            prop_assert!(v.get("b").is_none_or(|b| b.is_null() || b.is_i64()));
            prop_assert!(v.as_object().is_some_and(|o| o.keys().all(|k| k == "a" || k == "b")));
        }

        #[test]
        fn enums_draw_from_their_values(v in values(serde_json::json!({"enum": ["A", "B"]}))) {
            prop_assert!(v == "A" || v == "B");
        }

        #[test]
        fn integers_stay_within_int32_and_bounds(
            v in values(serde_json::json!({"type": "integer", "format": "uint16", "minimum": 0, "maximum": 65535})),
            w in values(serde_json::json!({"type": "integer", "format": "int64"})),
        ) {
            prop_assert!((0..=65535).contains(&v.as_i64().unwrap_or(-1)));
            prop_assert!(i32::try_from(w.as_i64().unwrap_or(i64::MAX)).is_ok());
        }

        #[test]
        fn arrays_have_at_most_three_items(v in values(serde_json::json!({
            "type": "array", "items": {"type": "boolean"}
        }))) {
            prop_assert!(v.as_array().is_some_and(|a| a.len() < 4 && a.iter().all(Value::is_boolean)));
        }

        #[test]
        fn flattened_extra_fields_never_shadow_declared_ones(v in values(serde_json::json!({
            "type": "object",
            "properties": {"name": {"type": "string"}},
            "additionalProperties": true
        }))) {
            let o = v.as_object().expect("an object");
            prop_assert!(o.keys().all(|k| k == "name" || k.starts_with("x-")));
        }
    }

    #[test]
    #[should_panic(expected = "does not know `pattern`")]
    fn unknown_keywords_are_refused() {
        let _ = values(serde_json::json!({"type": "string", "pattern": "^a$"}));
    }
}
