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
                let list = v.as_array().into_iter().flatten().map(to_json_schema).collect();
                out.insert(k.clone(), Value::Array(list));
            }
            "type" | "required" | "enum" | "pattern" | "minLength" | "maxLength"
            | "minItems" | "maxItems" | "minimum" | "maximum" | "maxProperties"
            | "minProperties" | "exclusiveMinimum" | "exclusiveMaximum" => {
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
        "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for",
        "function", "if", "import", "let", "loop", "package", "namespace", "return", "var",
        "void", "while",
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
            let ap = s.get("additionalProperties").cloned().unwrap_or(Value::Null);
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
    for r in s
        .get("x-kubernetes-validations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let rule = r["rule"].as_str().unwrap_or_default();
        let Some(program) = CEL.program(rule) else {
            continue;
        };
        let mut ctx = Context::with_env(CEL.env.clone());
        ctx.add_variable_from_value("self", to_cel(v, s));
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

/// How many compared verdicts were rejections.
static REJECTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Compares the verdicts of one document in one channel; `Err` describes a
/// disagreement. Documents our types cannot load are not compared.
fn compare(doc: &Value, channel: Channel) -> Result<bool, String> {
    let Some(both) = CRDS.as_ref() else {
        return Ok(false);
    };
    let crds = match channel {
        Channel::Experimental => &both.experimental,
        _ => &both.standard,
    };
    let Ok(ours) = ours(doc, channel) else {
        return Ok(false);
    };
    let theirs = reference(crds, doc);
    if !theirs.is_empty() {
        REJECTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    if ours.is_empty() != theirs.is_empty() {
        return Err(format!(
            "{channel:?} verdicts differ for\n{}\nours: {ours:#?}\nCRD: {theirs:#?}",
            serde_json::to_string_pretty(doc).unwrap_or_default()
        ));
    }
    Ok(true)
}

fn report_skipped() {
    let skipped = CEL.skipped.lock().expect("lock");
    println!("CEL rules the cel crate cannot evaluate ({}), skipped:", skipped.len());
    for (rule, why) in skipped.iter() {
        println!("  - {why}\n      {rule}");
    }
}

// ---------------------------------------------------------------------------
// Corpus
// ---------------------------------------------------------------------------

#[test]
fn upstream_examples_and_real_world_agree_with_the_crds() {
    let Some(shared) = shared() else { return };
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for dir in ["gateway-api/examples", "real-world"] {
        for file in yaml_files(&shared.join(dir)) {
            for doc in documents(&file).iter().filter(|d| is_gateway_api(d)) {
                for channel in [Channel::Standard, Channel::Experimental] {
                    match compare(doc, channel) {
                        Ok(true) => compared += 1,
                        Ok(false) => {}
                        Err(e) => disagreements.push(format!("{}: {e}", file.display())),
                    }
                }
            }
        }
    }
    let rejected = REJECTED.load(std::sync::atomic::Ordering::Relaxed);
    println!("{compared} (object, channel) verdicts compared with the CRDs, {rejected} of them rejections");
    report_skipped();
    assert!(compared > 1000, "only {compared} comparisons");
    assert!(rejected > 100, "only {rejected} rejections");
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n\n")
    );
}
