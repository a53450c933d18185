//! Differential test: our admission verdict against the CRDs themselves.
//!
//! The reference evaluates the v1.6.1 CRD of the object's kind and channel
//! directly: unknown fields are pruned, the schema's `default`s applied, the
//! `openAPIV3Schema` checked by a JSON Schema validator (`jsonschema`, with
//! the Kubernetes extensions translated and list-map keys checked here), and
//! every `x-kubernetes-validations` rule evaluated by the `cel` crate with
//! `self` bound to its node. Objects are the upstream examples, the
//! real-world corpus and proptest-generated routes, Gateways and policies,
//! each in both channels; the verdicts (rejected or not) must agree.
//!
//! CEL rules the crate cannot evaluate are skipped and listed, with the
//! reason, in the test output; our findings of those rules are left out of
//! the comparison.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, LazyLock, Mutex};

use cel::objects::Key;
use cel::{Context, Env, Program};
use gateway_validate::admission::admit;
use gateway_validate::{Channel, Options, Snapshot};
use serde_json::{Value, json};

use common::{documents, is_gateway_api, object, shared, yaml_files};

// ---------------------------------------------------------------------------
// The CRDs
// ---------------------------------------------------------------------------

/// One served (or unserved) version of a CRD.
struct Version {
    served: bool,
    schema: Value,
    validator: jsonschema::Validator,
}

/// The CRDs of a channel, by (group, kind) then version name.
struct Crds {
    kinds: HashMap<(String, String), BTreeMap<String, Version>>,
}

fn load_crds(shared: &Path, channel: &str) -> Crds {
    let mut kinds = HashMap::new();
    for file in yaml_files(&shared.join("gateway-api/crds").join(channel)) {
        for doc in documents(&file) {
            if doc["kind"] != "CustomResourceDefinition" {
                continue;
            }
            let group = doc["spec"]["group"].as_str().unwrap_or_default().to_owned();
            let kind = doc["spec"]["names"]["kind"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let mut versions = BTreeMap::new();
            for v in doc["spec"]["versions"].as_array().into_iter().flatten() {
                let schema = v["schema"]["openAPIV3Schema"].clone();
                // Compile every rule up front, so the listing of the rules
                // the crate cannot evaluate is complete.
                compile_rules(&schema);
                let json_schema = to_json_schema(&schema);
                let validator = jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft7)
                    .should_validate_formats(true)
                    .with_pattern_options(jsonschema::PatternOptions::regex())
                    .build(&json_schema)
                    .unwrap_or_else(|e| panic!("{kind}: {e}"));
                versions.insert(
                    v["name"].as_str().unwrap_or_default().to_owned(),
                    Version {
                        served: v["served"].as_bool().unwrap_or(false),
                        schema,
                        validator,
                    },
                );
            }
            kinds.insert((group, kind), versions);
        }
    }
    Crds { kinds }
}

/// Translates an OpenAPI v3 structural schema into JSON Schema (draft 7):
/// `nullable` widens the type, `x-kubernetes-int-or-string` drops it, a
/// `set` list has unique items, formats other than IP addresses are dropped,
/// and the other Kubernetes extensions (defaults, list-map keys, CEL) are
/// handled outside the validator.
fn to_json_schema(s: &Value) -> Value {
    let Some(m) = s.as_object() else {
        return s.clone();
    };
    let mut out = serde_json::Map::new();
    for (k, v) in m {
        match k.as_str() {
            "properties" => {
                let props: serde_json::Map<String, Value> = v
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(p, ps)| (p.clone(), to_json_schema(ps)))
                    .collect();
                out.insert(k.clone(), Value::Object(props));
            }
            "items" | "additionalProperties" | "not" => {
                out.insert(k.clone(), to_json_schema(v));
            }
            "oneOf" | "anyOf" | "allOf" => {
                let list = v
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(to_json_schema)
                    .collect();
                out.insert(k.clone(), Value::Array(list));
            }
            "type" | "required" | "enum" | "pattern" | "minLength" | "maxLength" | "minItems"
            | "maxItems" | "minimum" | "maximum" | "maxProperties" | "minProperties"
            | "exclusiveMinimum" | "exclusiveMaximum" => {
                out.insert(k.clone(), v.clone());
            }
            "format" if v == "ipv4" || v == "ipv6" => {
                out.insert(k.clone(), v.clone());
            }
            _ => {}
        }
    }
    if m.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        out.remove("type");
    }
    if m.get("x-kubernetes-list-type").and_then(Value::as_str) == Some("set") {
        out.insert("uniqueItems".into(), Value::Bool(true));
    }
    if m.get("nullable") == Some(&Value::Bool(true))
        && let Some(t) = out.get("type").cloned()
    {
        out.insert("type".into(), json!([t, "null"]));
    }
    Value::Object(out)
}

// ---------------------------------------------------------------------------
// The reference admission
// ---------------------------------------------------------------------------

/// Drops what the schema does not know (and `status`, which the status
/// subresource ignores on create), as the API server prunes.
fn prune(v: &mut Value, s: &Value) {
    if s.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true)) {
        return;
    }
    match v {
        Value::Object(m) => {
            if let Some(props) = s.get("properties").and_then(Value::as_object) {
                m.retain(|k, _| props.contains_key(k));
                for (k, child) in m.iter_mut() {
                    prune(child, &props[k]);
                }
            } else if let Some(ap) = s.get("additionalProperties").filter(|a| a.is_object()) {
                for child in m.values_mut() {
                    prune(child, ap);
                }
            }
        }
        Value::Array(items) => {
            if let Some(is) = s.get("items") {
                for child in items {
                    prune(child, is);
                }
            }
        }
        _ => {}
    }
}

/// Inserts the schema's defaults top-down into absent (or null) fields.
fn default(v: &mut Value, s: &Value) {
    match v {
        Value::Object(m) => {
            if let Some(props) = s.get("properties").and_then(Value::as_object) {
                for (k, ps) in props {
                    if let Some(d) = ps.get("default")
                        && m.get(k).is_none_or(Value::is_null)
                    {
                        m.insert(k.clone(), d.clone());
                    }
                }
                for (k, child) in m.iter_mut() {
                    if let Some(ps) = props.get(k) {
                        default(child, ps);
                    }
                }
            } else if let Some(ap) = s.get("additionalProperties").filter(|a| a.is_object()) {
                for child in m.values_mut() {
                    default(child, ap);
                }
            }
        }
        Value::Array(items) => {
            if let Some(is) = s.get("items") {
                for child in items {
                    default(child, is);
                }
            }
        }
        _ => {}
    }
}

/// Compiles (and caches) every CEL rule of a schema.
fn compile_rules(s: &Value) {
    for r in s
        .get("x-kubernetes-validations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let _ = CEL.program(r["rule"].as_str().unwrap_or_default());
    }
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        props.values().for_each(compile_rules);
    }
    for k in ["items", "additionalProperties"] {
        if let Some(child) = s.get(k).filter(|c| c.is_object()) {
            compile_rules(child);
        }
    }
}

/// Why the CEL crate cannot evaluate a rule, if it cannot.
fn unevaluable(rule: &str) -> Option<&'static str> {
    if rule.contains("oldSelf") {
        Some("transition rule: needs `oldSelf`, and these objects are creates, not updates")
    } else if rule.contains("isIP(") {
        Some("Kubernetes IP library function `isIP` is not in the cel crate")
    } else if rule.contains("format.") {
        Some("Kubernetes format library (`format.dns1123Label()`) is not in the cel crate")
    } else {
        None
    }
}

/// Our rule ids for the CEL rules the crate cannot evaluate.
const SKIPPED_IDS: &[&str] = &[
    "tlsroute.hostnames.not-ip",
    "gatewayclass.controller-name.immutable",
    "xbackend.port-name-format",
];

struct Cel {
    env: Arc<Env>,
    programs: Mutex<HashMap<String, Option<Arc<Program>>>>,
    skipped: Mutex<BTreeMap<String, String>>,
}

static CEL: LazyLock<Cel> = LazyLock::new(|| {
    let mut env = Env::stdlib();
    env.add_extension(cel::extensions::strings)
        .expect("strings extension");
    env.add_extension(cel::extensions::lists)
        .expect("lists extension");
    Cel {
        env: Arc::new(env),
        programs: Mutex::new(HashMap::new()),
        skipped: Mutex::new(BTreeMap::new()),
    }
});

impl Cel {
    fn skip(&self, rule: &str, why: impl Into<String>) {
        self.skipped
            .lock()
            .expect("lock")
            .entry(rule.to_owned())
            .or_insert_with(|| why.into());
    }

    fn program(&self, rule: &str) -> Option<Arc<Program>> {
        let mut programs = self.programs.lock().expect("lock");
        programs
            .entry(rule.to_owned())
            .or_insert_with(|| {
                if let Some(why) = unevaluable(rule) {
                    self.skip(rule, why);
                    return None;
                }
                match self.env.compile(rule) {
                    Ok(p) => Some(Arc::new(p)),
                    Err(e) => {
                        self.skip(rule, format!("does not compile: {e}"));
                        None
                    }
                }
            })
            .clone()
    }
}

/// CEL property names escape reserved words (Kubernetes CEL escaping).
fn escape(name: &str) -> String {
    const RESERVED: &[&str] = &[
        "true",
        "false",
        "null",
        "in",
        "as",
        "break",
        "const",
        "continue",
        "else",
        "for",
        "function",
        "if",
        "import",
        "let",
        "loop",
        "package",
        "namespace",
        "return",
        "var",
        "void",
        "while",
    ];
    if RESERVED.contains(&name) {
        format!("__{name}__")
    } else {
        name.to_owned()
    }
}

/// JSON to a CEL value: objects with `properties` get escaped keys, maps
/// (`additionalProperties`) keep theirs; numbers are CEL ints.
fn to_cel(v: &Value, s: &Value) -> cel::Value {
    match v {
        Value::Null => cel::Value::Null,
        Value::Bool(b) => cel::Value::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => cel::Value::Int(i),
            None => cel::Value::Float(n.as_f64().unwrap_or_default()),
        },
        Value::String(x) => cel::Value::String(Arc::new(x.clone())),
        Value::Array(items) => {
            let is = s.get("items").cloned().unwrap_or(Value::Null);
            cel::Value::List(Arc::new(items.iter().map(|i| to_cel(i, &is)).collect()))
        }
        Value::Object(m) => {
            let props = s.get("properties").and_then(Value::as_object);
            let ap = s
                .get("additionalProperties")
                .cloned()
                .unwrap_or(Value::Null);
            let map: HashMap<Key, cel::Value> = m
                .iter()
                .map(|(k, child)| match props {
                    Some(p) => (
                        Key::String(Arc::new(escape(k))),
                        to_cel(child, p.get(k).unwrap_or(&Value::Null)),
                    ),
                    None => (Key::String(Arc::new(k.clone())), to_cel(child, &ap)),
                })
                .collect();
            cel::Value::Map(map.into())
        }
    }
}

/// Evaluates every CEL rule below `s`/`v`; pushes failures as `path: rule`.
fn eval_cel(v: &Value, s: &Value, path: &str, out: &mut Vec<String>) {
    let rules = s
        .get("x-kubernetes-validations")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let this = (!rules.is_empty()).then(|| to_cel(v, s));
    for r in rules {
        let rule = r["rule"].as_str().unwrap_or_default();
        let (Some(program), Some(this)) = (CEL.program(rule), &this) else {
            continue;
        };
        let mut ctx = Context::with_env(CEL.env.clone());
        ctx.add_variable_from_value("self", this.clone());
        match program.execute(&ctx) {
            Ok(cel::Value::Bool(true)) => {}
            Ok(cel::Value::Bool(false)) => out.push(format!("{path}: {rule}")),
            Ok(other) => out.push(format!("{path}: {rule} gave {other:?}")),
            Err(e) => {
                let text = e.to_string();
                if text.contains("Undeclared") || text.contains("undeclared") {
                    CEL.skip(rule, format!("the cel crate lacks a function: {text}"));
                } else {
                    // An evaluation error rejects the object, as in the API server.
                    out.push(format!("{path}: {rule} failed: {text}"));
                }
            }
        }
    }
    match v {
        Value::Object(m) => {
            if let Some(props) = s.get("properties").and_then(Value::as_object) {
                for (k, child) in m {
                    if let Some(ps) = props.get(k) {
                        eval_cel(child, ps, &format!("{path}.{k}"), out);
                    }
                }
            } else if let Some(ap) = s.get("additionalProperties").filter(|a| a.is_object()) {
                for (k, child) in m {
                    eval_cel(child, ap, &format!("{path}.{k}"), out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(is) = s.get("items") {
                for (i, child) in items.iter().enumerate() {
                    eval_cel(child, is, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

/// `x-kubernetes-list-type: map` key uniqueness, which JSON Schema cannot say.
fn list_map_keys(v: &Value, s: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(props) = s.get("properties").and_then(Value::as_object) {
                for (k, child) in m {
                    if let Some(ps) = props.get(k) {
                        list_map_keys(child, ps, &format!("{path}.{k}"), out);
                    }
                }
            } else if let Some(ap) = s.get("additionalProperties").filter(|a| a.is_object()) {
                for (k, child) in m {
                    list_map_keys(child, ap, &format!("{path}.{k}"), out);
                }
            }
        }
        Value::Array(items) => {
            if s.get("x-kubernetes-list-type").and_then(Value::as_str) == Some("map") {
                let keys: Vec<&str> = s["x-kubernetes-list-map-keys"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let mut seen = BTreeSet::new();
                for item in items {
                    let key: Vec<String> = keys.iter().map(|k| item[*k].to_string()).collect();
                    if !seen.insert(key.clone()) {
                        out.push(format!("{path}: duplicate key {key:?}"));
                    }
                }
            }
            if let Some(is) = s.get("items") {
                for (i, child) in items.iter().enumerate() {
                    list_map_keys(child, is, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

/// The reference verdict: every reason the CRD rejects `doc`.
fn reference(crds: &Crds, doc: &Value) -> Vec<String> {
    let api_version = doc["apiVersion"].as_str().unwrap_or_default();
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let kind = doc["kind"].as_str().unwrap_or_default();
    let Some(versions) = crds.kinds.get(&(group.to_owned(), kind.to_owned())) else {
        return vec![format!("{group}/{kind} has no CRD in this channel")];
    };
    let Some(v) = versions.get(version).filter(|v| v.served) else {
        return vec![format!("{api_version} is not served")];
    };
    let mut obj = doc.clone();
    if let Some(m) = obj.as_object_mut() {
        m.remove("status");
    }
    prune(&mut obj, &v.schema);
    default(&mut obj, &v.schema);
    let mut out: Vec<String> = v
        .validator
        .iter_errors(&obj)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    list_map_keys(&obj, &v.schema, "", &mut out);
    eval_cel(&obj, &v.schema, "", &mut out);
    out
}

/// Our verdict: the error findings, without metadata checks (the CRD schema
/// has none) and without the rules the reference skips.
fn ours(doc: &Value, channel: Channel) -> Result<Vec<String>, String> {
    let object = object(doc)?;
    let mut snapshot = Snapshot::new();
    snapshot.insert(object, None);
    let entry = snapshot.entries().next().expect("one entry");
    Ok(admit(entry, None, &Options::new().channel(channel))
        .into_iter()
        .filter(|f| f.is_error())
        .filter(|f| !f.rule.starts_with("metadata.") && !SKIPPED_IDS.contains(&f.rule))
        .map(|f| format!("{}: {}", f.field, f.rule))
        .collect())
}

struct Both {
    standard: Crds,
    experimental: Crds,
}

static CRDS: LazyLock<Option<Both>> = LazyLock::new(|| {
    let shared = shared()?;
    Some(Both {
        standard: load_crds(&shared, "standard"),
        experimental: load_crds(&shared, "experimental"),
    })
});

/// Compares the verdicts of one document in one channel: `Some(rejected)`
/// when they agree, `None` when not compared (no corpus, or a document our
/// types cannot load); `Err` describes a disagreement.
fn compare(doc: &Value, channel: Channel) -> Result<Option<bool>, String> {
    let Some(both) = CRDS.as_ref() else {
        return Ok(None);
    };
    let crds = match channel {
        Channel::Experimental => &both.experimental,
        _ => &both.standard,
    };
    let Ok(ours) = ours(doc, channel) else {
        return Ok(None);
    };
    let theirs = reference(crds, doc);
    if ours.is_empty() != theirs.is_empty() {
        return Err(format!(
            "{channel:?} verdicts differ for\n{}\nours: {ours:#?}\nCRD: {theirs:#?}",
            serde_json::to_string_pretty(doc).unwrap_or_default()
        ));
    }
    Ok(Some(!theirs.is_empty()))
}

fn report_skipped() {
    let skipped = CEL.skipped.lock().expect("lock");
    println!(
        "CEL rules the cel crate cannot evaluate ({}), skipped:",
        skipped.len()
    );
    for (rule, why) in skipped.iter() {
        println!("  - {why}\n      {rule}");
    }
}

// ---------------------------------------------------------------------------
// Corpus
// ---------------------------------------------------------------------------

/// The channels our admission can judge in this build: experimental-only
/// fields are checked only with the crate's `experimental` feature, so
/// without it the experimental CRDs are not compared (the test says so).
#[cfg(feature = "experimental")]
const CHANNELS: &[Channel] = &[Channel::Standard, Channel::Experimental];
#[cfg(not(feature = "experimental"))]
const CHANNELS: &[Channel] = &[Channel::Standard];

#[test]
fn upstream_examples_and_real_world_agree_with_the_crds() {
    if cfg!(not(feature = "experimental")) {
        println!("experimental channel not compared: build with --features experimental");
    }
    let Some(shared) = shared() else { return };
    let mut compared = 0;
    let mut rejected = 0;
    let mut disagreements = Vec::new();
    for dir in ["gateway-api/examples", "real-world"] {
        for file in yaml_files(&shared.join(dir)) {
            for doc in documents(&file).iter().filter(|d| is_gateway_api(d)) {
                for &channel in CHANNELS {
                    match compare(doc, channel) {
                        Ok(Some(r)) => {
                            compared += 1;
                            rejected += usize::from(r);
                        }
                        Ok(None) => {}
                        Err(e) => disagreements.push(format!("{}: {e}", file.display())),
                    }
                }
            }
        }
    }
    println!(
        "{compared} (object, channel) verdicts compared with the CRDs, {rejected} of them rejections"
    );
    report_skipped();
    assert!(
        compared > 500 * CHANNELS.len(),
        "only {compared} comparisons"
    );
    assert!(rejected > 50 * CHANNELS.len(), "only {rejected} rejections");
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n\n")
    );
}

// ---------------------------------------------------------------------------
// Generated objects
// ---------------------------------------------------------------------------

mod generate {
    //! Small vocabularies that mix valid and invalid values, so that about
    //! half of the generated objects break some constraint or rule.

    use proptest::prelude::*;
    use serde_json::{Map, Value, json};

    /// The first value (usually the valid one) four times in five, else any.
    fn pick(values: &'static [&'static str]) -> impl Strategy<Value = Value> {
        prop_oneof![
            4 => Just(json!(values[0])),
            1 => proptest::sample::select(values).prop_map(|s| json!(s)),
        ]
    }

    /// Any of the values, uniformly.
    fn any_of(values: &'static [&'static str]) -> impl Strategy<Value = Value> {
        proptest::sample::select(values).prop_map(|s| json!(s))
    }

    /// An object from optional fields (absent when `None`).
    fn object(fields: Vec<(&'static str, Option<Value>)>) -> Value {
        let mut m = Map::new();
        for (k, v) in fields {
            if let Some(v) = v {
                m.insert(k.to_owned(), v);
            }
        }
        Value::Object(m)
    }

    fn opt<S: Strategy<Value = Value>>(s: S) -> impl Strategy<Value = Option<Value>> {
        proptest::option::weighted(0.5, s)
    }

    fn small_list<S: Strategy<Value = Value>>(s: S, max: usize) -> impl Strategy<Value = Value> {
        proptest::collection::vec(s, 0..=max).prop_map(Value::Array)
    }

    fn port() -> impl Strategy<Value = Value> {
        prop_oneof![8 => Just(json!(80)), 4 => Just(json!(443)), 1 => Just(json!(0)), 1 => Just(json!(70000))]
    }

    fn parent_ref() -> impl Strategy<Value = Value> {
        (
            any_of(&["gw", "gw2"]),
            opt(pick(&["default", "", "other", "Bad_NS"])),
            opt(pick(&["http", "", "https", "Bad"])),
            opt(prop_oneof![3 => Just(json!(80)), 1 => Just(json!(0)), 3 => Just(json!(443))]),
            opt(pick(&["Gateway", "ListenerSet"])),
        )
            .prop_map(|(name, ns, section, port, kind)| {
                object(vec![
                    ("name", Some(name)),
                    ("namespace", ns),
                    ("sectionName", section),
                    ("port", port),
                    ("kind", kind),
                ])
            })
    }

    fn backend_ref() -> impl Strategy<Value = Value> {
        (
            any_of(&["svc", "other"]),
            prop_oneof![6 => port().prop_map(Some), 1 => Just(None)],
            opt(pick(&["", "example.com"])),
            opt(pick(&["Service", "Bucket", "1bad"])),
            opt(
                prop_oneof![8 => Just(json!(1)), 1 => Just(json!(-1)), 1 => Just(json!(2_000_000))],
            ),
        )
            .prop_map(|(name, port, group, kind, weight)| {
                object(vec![
                    ("name", Some(name)),
                    ("port", port),
                    ("group", group),
                    ("kind", kind),
                    ("weight", weight),
                ])
            })
    }

    fn path_modifier() -> impl Strategy<Value = Value> {
        (
            pick(&["ReplaceFullPath", "ReplacePrefixMatch", "Other"]),
            pick(&["/full", ""]),
            proptest::bool::weighted(0.1),
        )
            .prop_map(|(t, value, both)| {
                // Mostly the member of the type; sometimes both.
                let full = t == "ReplaceFullPath" || both;
                let prefix = t == "ReplacePrefixMatch" || both;
                object(vec![
                    ("type", Some(t)),
                    ("replaceFullPath", full.then(|| value.clone())),
                    ("replacePrefixMatch", prefix.then(|| value.clone())),
                ])
            })
    }

    fn header_filter() -> impl Strategy<Value = Value> {
        let header = || {
            (
                pick(&["x-a", "x-b", "bad:name"]),
                pick(&["v", " lead", "a  b"]),
            )
                .prop_map(|(n, v)| json!({"name": n, "value": v}))
        };
        (
            opt(small_list(header(), 2)),
            opt(small_list(header(), 2)),
            opt(small_list(pick(&["x-a", "x-b"]), 2)),
        )
            .prop_map(|(set, add, remove)| {
                object(vec![("set", set), ("add", add), ("remove", remove)])
            })
    }

    fn mirror() -> impl Strategy<Value = Value> {
        (
            backend_ref(),
            opt(prop_oneof![4 => Just(json!(50)), 1 => Just(json!(101))]),
            opt((
                prop_oneof![4 => Just(json!(1)), 1 => Just(json!(150))],
                opt(prop_oneof![4 => Just(json!(100)), 1 => Just(json!(2))]),
            )
                .prop_map(|(n, d)| object(vec![("numerator", Some(n)), ("denominator", d)]))),
        )
            .prop_map(|(mut b, percent, fraction)| {
                if let Some(m) = b.as_object_mut() {
                    m.remove("weight");
                }
                object(vec![
                    ("backendRef", Some(b)),
                    ("percent", percent),
                    ("fraction", fraction),
                ])
            })
    }

    fn cors() -> impl Strategy<Value = Value> {
        (
            opt(small_list(pick(&["https://a.example", "*", "ftp://x"]), 2)),
            opt(small_list(pick(&["GET", "*", "FETCH"]), 2)),
            opt(small_list(pick(&["x-h", "*"]), 2)),
            opt(prop_oneof![1 => Just(json!(0)), 4 => Just(json!(5))]),
        )
            .prop_map(|(origins, methods, headers, max_age)| {
                object(vec![
                    ("allowOrigins", origins),
                    ("allowMethods", methods),
                    ("allowHeaders", headers),
                    ("maxAge", max_age),
                ])
            })
    }

    /// An HTTPRoute filter whose members may or may not fit its type.
    pub(super) fn http_filter(experimental: bool) -> impl Strategy<Value = Value> {
        let types: &'static [&'static str] = if experimental {
            &[
                "RequestHeaderModifier",
                "ResponseHeaderModifier",
                "RequestMirror",
                "RequestRedirect",
                "URLRewrite",
                "ExtensionRef",
                "CORS",
                "ExternalAuth",
            ]
        } else {
            &[
                "RequestHeaderModifier",
                "ResponseHeaderModifier",
                "RequestMirror",
                "RequestRedirect",
                "URLRewrite",
                "ExtensionRef",
                "CORS",
            ]
        };
        let auth = (
            any_of(&["HTTP", "GRPC"]),
            backend_ref(),
            proptest::bool::weighted(0.15),
        )
            .prop_map(|(p, mut b, wrong)| {
                if let Some(m) = b.as_object_mut() {
                    m.remove("weight");
                }
                let grpc = (p == "GRPC") != wrong;
                object(vec![
                    ("protocol", Some(p)),
                    ("backendRef", Some(b)),
                    ("grpc", grpc.then(|| json!({"allowedHeaders": ["x-a"]}))),
                    ("http", (!grpc).then(|| json!({"path": "/check"}))),
                ])
            });
        (
            proptest::sample::select(types),
            prop_oneof![9 => Just(None), 1 => proptest::sample::select(types).prop_map(Some)],
            header_filter(),
            mirror(),
            (
                opt(pick(&["http", "https"])),
                opt(path_modifier()),
                opt(prop_oneof![Just(json!(301)), Just(json!(304))]),
            ),
            (opt(pick(&["b.example", "*.b"])), opt(path_modifier())),
            cors(),
            auth,
        )
            .prop_map(move |(t, other, h, m, redirect, rewrite, c, a)| {
                let member = other.unwrap_or(t);
                let member_of = |ty: &str| match ty {
                    "RequestHeaderModifier" => ("requestHeaderModifier", h.clone()),
                    "ResponseHeaderModifier" => ("responseHeaderModifier", h.clone()),
                    "RequestMirror" => ("requestMirror", m.clone()),
                    "RequestRedirect" => (
                        "requestRedirect",
                        object(vec![
                            ("scheme", redirect.0.clone()),
                            ("path", redirect.1.clone()),
                            ("statusCode", redirect.2.clone()),
                        ]),
                    ),
                    "URLRewrite" => (
                        "urlRewrite",
                        object(vec![
                            ("hostname", rewrite.0.clone()),
                            ("path", rewrite.1.clone()),
                        ]),
                    ),
                    "ExtensionRef" => (
                        "extensionRef",
                        json!({"group": "example.com", "kind": "Filter", "name": "f"}),
                    ),
                    "CORS" => ("cors", c.clone()),
                    _ => ("externalAuth", a.clone()),
                };
                // Mostly the member of the type; sometimes another one.
                let (k, v) = member_of(member);
                let mut f = json!({"type": t});
                f[k] = v;
                f
            })
    }

    fn http_match() -> impl Strategy<Value = Value> {
        (
            opt((
                opt(any_of(&["Exact", "PathPrefix", "RegularExpression"])),
                opt(prop_oneof![
                    6 => any_of(&["/", "/a", "/a/b%20c"]),
                    1 => any_of(&["a", "/a//b", "/a/./b", "/a/..", "/%2f", "/a#b", "/a b", ""]),
                ]),
            )
                .prop_map(|(t, v)| object(vec![("type", t), ("value", v)]))),
            opt(small_list(
                (pick(&["x-a", "x-b", "x:b"]), pick(&["v", " v"]))
                    .prop_map(|(n, v)| json!({"name": n, "value": v})),
                2,
            )),
            opt(pick(&["GET", "FETCH"])),
        )
            .prop_map(|(path, headers, method)| {
                object(vec![
                    ("path", path),
                    ("headers", headers),
                    ("method", method),
                ])
            })
    }

    fn http_rule(experimental: bool) -> impl Strategy<Value = Value> {
        (
            opt(any_of(&["a", "b", "a", "Bad"])),
            opt(small_list(http_match(), 2)),
            opt(small_list(http_filter(experimental), 3)),
            opt(small_list(
                (backend_ref(), opt(small_list(http_filter(experimental), 2))).prop_map(
                    |(mut b, filters)| {
                        if let (Some(m), Some(f)) = (b.as_object_mut(), filters) {
                            m.insert("filters".into(), f);
                        }
                        b
                    },
                ),
                2,
            )),
            opt((pick(&["10s", "0s", "1m", "1d"]), any_of(&["5s", "20s", "1h"]))
                .prop_map(|(r, b)| json!({"request": r, "backendRequest": b}))),
            opt(Just(json!({"attempts": 2}))),
            opt(prop_oneof![
                1 => Just(json!({"cookieConfig": {"lifetimeType": "Permanent"}})),
                1 => Just(json!({"type": "Header", "cookieConfig": {}})),
                4 => Just(json!({"absoluteTimeout": "1h", "cookieConfig": {"lifetimeType": "Permanent"}})),
            ]),
        )
            .prop_map(|(name, matches, filters, backends, timeouts, retry, session)| {
                object(vec![
                    ("name", name),
                    ("matches", matches),
                    ("filters", filters),
                    ("backendRefs", backends),
                    ("timeouts", timeouts),
                    ("retry", retry),
                    ("sessionPersistence", session),
                ])
            })
    }

    /// An HTTPRoute.
    pub(super) fn http_route(experimental: bool) -> impl Strategy<Value = Value> {
        (
            opt(small_list(parent_ref(), 3)),
            opt(small_list(pick(&["a.example", "*.a.example", "A.example", "*"]), 2)),
            opt(proptest::collection::vec(http_rule(experimental), 0..=2).prop_map(Value::Array)),
            pick(&["v1", "v1beta1"]),
        )
            .prop_map(|(parents, hostnames, rules, version)| {
                json!({
                    "apiVersion": format!("gateway.networking.k8s.io/{}", version.as_str().unwrap_or_default()),
                    "kind": "HTTPRoute",
                    "metadata": {"name": "r", "namespace": "default"},
                    "spec": object(vec![("parentRefs", parents), ("hostnames", hostnames), ("rules", rules)]),
                })
            })
    }

    /// A GRPCRoute.
    pub(super) fn grpc_route() -> impl Strategy<Value = Value> {
        let method = (
            opt(pick(&["Exact", "RegularExpression"])),
            opt(pick(&["pkg.Svc", "pkg..Svc", ".a", "1x"])),
            opt(pick(&["Get", "Get-It", "_x"])),
        )
            .prop_map(|(t, s, m)| object(vec![("type", t), ("service", s), ("method", m)]));
        let filter = (
            proptest::sample::select(
                &[
                    "RequestHeaderModifier",
                    "ResponseHeaderModifier",
                    "RequestMirror",
                    "ExtensionRef",
                ][..],
            ),
            proptest::bool::weighted(0.15),
        )
            .prop_map(|(t, wrong)| {
                let member = match (t, wrong) {
                    ("RequestHeaderModifier", false) => "requestHeaderModifier",
                    ("ResponseHeaderModifier", false) | ("RequestMirror", true) => {
                        "responseHeaderModifier"
                    }
                    ("ExtensionRef", false) | (_, true) => "extensionRef",
                    _ => "requestMirror",
                };
                let mut f = json!({"type": t});
                f[member] = match member {
                    "extensionRef" => json!({"group": "", "kind": "K", "name": "n"}),
                    "requestMirror" => json!({"backendRef": {"name": "m", "port": 80}}),
                    _ => json!({"remove": ["x"]}),
                };
                f
            });
        let rule = (
            opt(small_list(
                opt(method).prop_map(|m| object(vec![("method", m)])),
                2,
            )),
            opt(small_list(filter, 3)),
            opt(small_list(backend_ref(), 2)),
            opt(any_of(&["a", "b", "c"])),
        )
            .prop_map(|(matches, filters, backends, name)| {
                object(vec![
                    ("matches", matches),
                    ("filters", filters),
                    ("backendRefs", backends),
                    ("name", name),
                ])
            });
        (opt(small_list(parent_ref(), 2)), opt(small_list(rule, 3))).prop_map(|(parents, rules)| {
            json!({
                "apiVersion": "gateway.networking.k8s.io/v1",
                "kind": "GRPCRoute",
                "metadata": {"name": "g", "namespace": "default"},
                "spec": object(vec![("parentRefs", parents), ("rules", rules)]),
            })
        })
    }

    /// A Gateway.
    pub(super) fn gateway() -> impl Strategy<Value = Value> {
        let listener = (
            any_of(&["a", "b", "c", "d", "e", "f"]),
            prop_oneof![4 => Just(json!(80)), 4 => Just(json!(443)), 1 => Just(json!(0))],
            any_of(&["HTTP", "HTTPS", "TLS", "TCP", "UDP", "example.com/x"]),
            opt(any_of(&["a.example", "", "*.a.example"])),
            opt(prop_oneof![
                1 => Just(json!({})),
                3 => Just(json!({"mode": "Passthrough"})),
                3 => Just(json!({"certificateRefs": [{"name": "c"}]})),
                1 => Just(json!({"options": {"k": "v"}})),
            ]),
        )
            .prop_map(|(name, port, protocol, hostname, tls)| {
                object(vec![
                    ("name", Some(name)),
                    ("port", Some(port)),
                    ("protocol", Some(protocol)),
                    ("hostname", hostname),
                    ("tls", tls),
                ])
            });
        let address = (
            opt(any_of(&["IPAddress", "Hostname", "NamedAddress", "custom"])),
            opt(any_of(&[
                "10.0.0.1",
                "10.0.0.01",
                "::1",
                "a.example",
                "A.example",
            ])),
        )
            .prop_map(|(t, v)| object(vec![("type", t), ("value", v)]));
        let infra = opt(prop_oneof![
            Just(json!({"labels": {"example.com/a": "b"}})),
            Just(json!({"labels": {"Bad.com/a": "b"}})),
            Just(json!({"annotations": {"a/b/c": "x"}})),
        ]);
        (
            proptest::collection::vec(listener, 1..=2),
            opt(small_list(address, 2)),
            infra,
            opt(pick(&["All", "Bogus"])),
        )
            .prop_map(|(listeners, addresses, infra, scope)| {
                json!({
                    "apiVersion": "gateway.networking.k8s.io/v1",
                    "kind": "Gateway",
                    "metadata": {"name": "gw", "namespace": "default"},
                    "spec": object(vec![
                        ("gatewayClassName", Some(json!("example"))),
                        ("listeners", Some(Value::Array(listeners))),
                        ("addresses", addresses),
                        ("infrastructure", infra),
                        ("defaultScope", scope),
                    ]),
                })
            })
    }

    /// A TLSRoute or BackendTLSPolicy.
    pub(super) fn tls_things() -> impl Strategy<Value = Value> {
        let route = (
            pick(&["v1", "v1alpha2", "v1alpha3"]),
            opt(small_list(pick(&["a.example", "*.a.example", "10.0.0.1", "a.*.b"]), 2)),
            prop_oneof![
                4 => proptest::collection::vec(backend_ref(), 1..=2)
                    .prop_map(|b| json!([{"backendRefs": b}])),
                1 => proptest::collection::vec(
                    proptest::collection::vec(backend_ref(), 0..=2)
                        .prop_map(|b| json!({"backendRefs": b})),
                    0..=2,
                ).prop_map(Value::Array),
            ],
        )
            .prop_map(|(version, hostnames, rules)| {
                json!({
                    "apiVersion": format!("gateway.networking.k8s.io/{}", version.as_str().unwrap_or_default()),
                    "kind": "TLSRoute",
                    "metadata": {"name": "t", "namespace": "default"},
                    "spec": object(vec![("hostnames", hostnames), ("rules", Some(rules))]),
                })
            });
        let target = (any_of(&["svc", "svc2"]), opt(any_of(&["a", "b"]))).prop_map(|(n, s)| {
            object(vec![
                ("group", Some(json!(""))),
                ("kind", Some(json!("Service"))),
                ("name", Some(n)),
                ("sectionName", s),
            ])
        });
        let san = (
            any_of(&["Hostname", "URI"]),
            opt(pick(&["a.example", ""])),
            opt(pick(&["spiffe://a/b", ""])),
        )
            .prop_map(|(t, h, u)| object(vec![("type", Some(t)), ("hostname", h), ("uri", u)]));
        let policy = (
            proptest::collection::vec(target, 1..=3),
            opt(Just(
                json!([{"group": "", "kind": "ConfigMap", "name": "ca"}]),
            )),
            opt(pick(&["System", ""])),
            opt(small_list(san, 2)),
        )
            .prop_map(|(targets, refs, wk, sans)| {
                json!({
                    "apiVersion": "gateway.networking.k8s.io/v1",
                    "kind": "BackendTLSPolicy",
                    "metadata": {"name": "p", "namespace": "default"},
                    "spec": {
                        "targetRefs": targets,
                        "validation": object(vec![
                            ("hostname", Some(json!("svc.example"))),
                            ("caCertificateRefs", refs),
                            ("wellKnownCACertificates", wk),
                            ("subjectAltNames", sans),
                        ]),
                    },
                })
            });
        prop_oneof![route, policy]
    }
}

/// Runs `strategy` for `PROPTEST_CASES` cases (default 256) in both channels.
fn run_generated(name: &str, strategy: impl proptest::strategy::Strategy<Value = Value>) {
    if CRDS.as_ref().is_none() {
        return;
    }
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    });
    let compared = std::cell::Cell::new(0_usize);
    let rejected = std::cell::Cell::new(0_usize);
    let result = runner.run(&strategy, |doc| {
        for &channel in CHANNELS {
            match compare(&doc, channel) {
                Ok(Some(r)) => {
                    compared.set(compared.get() + 1);
                    rejected.set(rejected.get() + usize::from(r));
                }
                Ok(None) => {}
                Err(e) => return Err(proptest::test_runner::TestCaseError::fail(e)),
            }
        }
        Ok(())
    });
    println!(
        "{name}: {} generated verdicts agree with the CRDs ({} of them rejections)",
        compared.get(),
        rejected.get()
    );
    // Both kinds of verdict must occur, or the comparison says little.
    assert!(
        rejected.get() > 0 && rejected.get() < compared.get(),
        "{name}: {} of {} rejected",
        rejected.get(),
        compared.get()
    );
    report_skipped();
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
}

#[test]
fn generated_http_routes_agree_with_the_crds() {
    run_generated("HTTPRoute (standard filters)", generate::http_route(false));
    run_generated(
        "HTTPRoute (experimental filters)",
        generate::http_route(true),
    );
}

#[test]
fn generated_grpc_routes_agree_with_the_crds() {
    run_generated("GRPCRoute", generate::grpc_route());
}

#[test]
fn generated_gateways_agree_with_the_crds() {
    run_generated("Gateway", generate::gateway());
}

#[test]
fn generated_tls_routes_and_policies_agree_with_the_crds() {
    run_generated("TLSRoute and BackendTLSPolicy", generate::tls_things());
}
