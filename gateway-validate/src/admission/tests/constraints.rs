//! Every OpenAPI constraint of every schema, in both channels: an object
//! that breaks it (and is reported with the constraint's rule at its field)
//! and one that passes just inside it (and has no error).
//!
//! The objects are derived from the valid [fixtures](super::fixtures): for a
//! constraint at `spec.rules[].matches[].path.value`, each place of a
//! fixture where that field (or at least its parent) exists is tried until
//! one gives both a breaking and a passing object; a constraint no fixture
//! can exercise fails the test, listed by path.

use serde_json::{Value, json};

use super::fixtures::FIXTURES;
use super::{run, show, to_object, yaml};
use crate::Channel;
use crate::admission::patterns::{self, Pattern};
use crate::admission::schema::{Constraint, Node, rule};
use crate::admission::schema_for;
use crate::finding::Finding;

/// A step of a concrete path.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn render(steps: &[Step]) -> String {
    let mut out = String::new();
    for s in steps {
        match s {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A step of a constraint's path pattern.
#[derive(Debug, Clone, PartialEq)]
enum Pat {
    Key(String),
    AnyIndex,
    AnyKey,
}

fn parse_pattern(path: &str) -> Vec<Pat> {
    let mut out = Vec::new();
    let mut name = String::new();
    let mut chars = path.chars().peekable();
    let flush = |name: &mut String, out: &mut Vec<Pat>| {
        if !name.is_empty() {
            out.push(Pat::Key(std::mem::take(name)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '.' => flush(&mut name, &mut out),
            '[' => {
                flush(&mut name, &mut out);
                chars.next();
                out.push(Pat::AnyIndex);
            }
            '{' => {
                flush(&mut name, &mut out);
                chars.next();
                out.push(Pat::AnyKey);
            }
            c => name.push(c),
        }
    }
    flush(&mut name, &mut out);
    out
}

fn get<'v>(root: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    let mut node = root;
    for s in steps {
        node = match s {
            Step::Key(k) => node.get(k)?,
            Step::Index(i) => node.get(i)?,
        };
    }
    Some(node)
}

fn get_mut<'v>(root: &'v mut Value, steps: &[Step]) -> Option<&'v mut Value> {
    let mut node = root;
    for s in steps {
        node = match s {
            Step::Key(k) => node.get_mut(k)?,
            Step::Index(i) => node.get_mut(*i)?,
        };
    }
    Some(node)
}

fn set(root: &mut Value, steps: &[Step], v: Value) {
    let (last, parent) = steps.split_last().expect("non-empty path");
    let node = get_mut(root, parent).expect("parent exists");
    match last {
        Step::Key(k) => {
            node.as_object_mut().expect("object").insert(k.clone(), v);
        }
        Step::Index(i) => node[*i] = v,
    }
}

fn remove(root: &mut Value, steps: &[Step]) {
    let (last, parent) = steps.split_last().expect("non-empty path");
    if let (Some(node), Step::Key(k)) = (get_mut(root, parent), last) {
        node.as_object_mut().expect("object").remove(k);
    }
}

/// Concrete places of `pattern` in `root` whose parent exists: the path and
/// whether the field itself exists. Places where it exists come first.
fn places(root: &Value, pattern: &[Pat]) -> Vec<(Vec<Step>, bool)> {
    let Some((last, parents)) = pattern.split_last() else {
        return Vec::new();
    };
    let mut prefixes: Vec<Vec<Step>> = vec![Vec::new()];
    for p in parents {
        let mut next = Vec::new();
        for prefix in prefixes {
            let Some(node) = get(root, &prefix) else {
                continue;
            };
            match p {
                Pat::Key(k) => {
                    if node.get(k).is_some() {
                        let mut s = prefix.clone();
                        s.push(Step::Key(k.clone()));
                        next.push(s);
                    }
                }
                Pat::AnyIndex => {
                    for i in 0..node.as_array().map_or(0, Vec::len) {
                        let mut s = prefix.clone();
                        s.push(Step::Index(i));
                        next.push(s);
                    }
                }
                Pat::AnyKey => {
                    for k in node.as_object().into_iter().flat_map(|m| m.keys()) {
                        let mut s = prefix.clone();
                        s.push(Step::Key(k.clone()));
                        next.push(s);
                    }
                }
            }
        }
        prefixes = next;
    }
    let mut out = Vec::new();
    for prefix in prefixes {
        let Some(node) = get(root, &prefix) else {
            continue;
        };
        match last {
            Pat::Key(k) => {
                let mut s = prefix.clone();
                s.push(Step::Key(k.clone()));
                if node.is_object() {
                    out.push((s, node.get(k).is_some()));
                }
            }
            Pat::AnyIndex => {
                for i in 0..node.as_array().map_or(0, Vec::len) {
                    let mut s = prefix.clone();
                    s.push(Step::Index(i));
                    out.push((s, true));
                }
            }
            Pat::AnyKey => {
                for k in node.as_object().into_iter().flat_map(|m| m.keys()) {
                    let mut s = prefix.clone();
                    s.push(Step::Key(k.clone()));
                    out.push((s, true));
                }
            }
        }
    }
    out.sort_by_key(|(_, exists)| !exists);
    out
}

/// A value of exactly `len` characters that the pattern accepts, if there is one.
fn sample(p: Option<&Pattern>, len: usize) -> Option<String> {
    let a = |n: usize| "a".repeat(n);
    let s = match p.map(|p| p.rule) {
        None => {
            if len == 0 {
                String::new()
            } else {
                format!("/{}", a(len - 1))
            }
        }
        Some(r) if r == patterns::GATEWAY_CONTROLLER.rule => {
            if len < 3 {
                return None;
            }
            format!("a/{}", a(len - 2))
        }
        Some(r) if r == patterns::ADDRESS_TYPE.rule => {
            if len < 8 {
                return None;
            }
            format!("Hostname{}", a(len - 8))
        }
        Some(r) if r == patterns::KIND.rule || r == patterns::PROTOCOL.rule => "A".repeat(len),
        Some(r) if r == patterns::CORS_ORIGIN.rule => {
            if len == 1 {
                "*".to_owned()
            } else if len < 8 {
                return None;
            } else {
                format!("http://{}", a(len - 7))
            }
        }
        Some(r) if r == patterns::PATH.rule => {
            if len == 0 {
                return None;
            }
            format!("/{}", a(len - 1))
        }
        Some(r) if r == patterns::ABSOLUTE_URI.rule => {
            if len < 4 {
                return None;
            }
            format!("a://{}", a(len - 4))
        }
        Some(r) if r == patterns::WELL_KNOWN_CA.rule => {
            if len == 6 {
                "System".to_owned()
            } else if len < 3 {
                return None;
            } else {
                format!("{}/a", a(len - 2))
            }
        }
        Some(r) if r == patterns::DURATION.rule => return None,
        Some(_) => a(len),
    };
    if let Some(p) = p
        && !p.is_match(&s)
    {
        return None;
    }
    Some(s)
}

/// A short valid and an invalid value for each pattern.
fn good_bad(p: &Pattern) -> (&'static str, &'static str) {
    use patterns::*;
    let table: &[(&Pattern, &str, &str)] = &[
        (&GATEWAY_CONTROLLER, "a.example/b", "A.example/b"),
        (&GROUP, "a.example", "A.example"),
        (&KIND, "Kind", "1Kind"),
        (&NAMESPACE, "ns-1", "ns.1"),
        (&ADDRESS_TYPE, "example.com/custom", "custom"),
        (&LABEL_VALUE, "a_b.c-d", "-a"),
        (&HOSTNAME, "*.a.example", "A.example"),
        (&PRECISE_HOSTNAME, "a.example", "*.a.example"),
        (&PROTOCOL, "example.com/proto", "example.com/my-proto"),
        (&HEADER_NAME, "X-a!#$%&'*+-.^_`|~", "x:a"),
        (
            &CORS_ORIGIN,
            "https://*.a.example:8443",
            "https://a.example/path",
        ),
        (&PATH, "/a%20b", "/a b"),
        (&HEADER_VALUE, "a b\tc", " a"),
        (&DURATION, "5s", "1d"),
        (&ABSOLUTE_URI, "spiffe://a/b", "spiffe:a"),
        (&WELL_KNOWN_CA, "example.com/ca", "Sys"),
    ];
    table
        .iter()
        .find(|(q, _, _)| q.rule == p.rule)
        .map(|(_, g, b)| (*g, *b))
        .unwrap_or_else(|| panic!("no samples for {}", p.rule))
}

/// The schema node at a constraint path (for enum values of list items).
fn node_at<'n>(root: &'n Node, pattern: &[Pat]) -> Option<&'n Node> {
    let mut node = root;
    for p in pattern.iter().skip(1) {
        node = match (node, p) {
            (Node::Obj(o), Pat::Key(k)) => &o.fields.iter().find(|f| f.name == k)?.node,
            (Node::List(l), Pat::AnyIndex) => &l.item,
            (Node::Map(m), Pat::AnyKey) => &m.value,
            _ => return None,
        };
    }
    Some(node)
}

/// The `k`-th variant of a list item, distinct in its key fields.
fn vary(item: &Value, k: usize, node: Option<&Node>) -> Value {
    if k == 0 {
        return item.clone();
    }
    match item {
        Value::Object(m) => {
            let mut m = m.clone();
            if let Some(Value::String(n)) = m.get("name") {
                m.insert("name".into(), json!(format!("{n}-{k}")));
            }
            if m.get("port").is_some_and(Value::is_number) {
                m.insert("port".into(), json!(1000 + k));
            }
            if let Some(Value::String(v)) = m.get("value")
                && patterns::is_ipv4(v)
            {
                m.insert(
                    "value".into(),
                    json!(format!("10.1.{}.{}", k / 250, k % 250 + 1)),
                );
            }
            Value::Object(m)
        }
        Value::String(s) => match node {
            Some(Node::Str(c)) if c.values.is_some() => {
                let values = c.values.unwrap_or_default();
                json!(values[k % values.len()])
            }
            _ => json!(format!("{s}-{k}")),
        },
        Value::Number(_) => match node {
            Some(Node::Int(c)) => json!(c.min.unwrap_or(0) + k as i64),
            _ => json!(k),
        },
        other => other.clone(),
    }
}

/// Extra edits that make a place usable (a sibling that would otherwise
/// make a just-inside value invalid for another reason).
fn prepare(value: &mut Value, steps: &[Step]) {
    let path = render(steps);
    if path.starts_with("spec.addresses[") && path.ends_with(".value") {
        let (_, parent) = steps.split_last().expect("path");
        let mut t = parent.to_vec();
        t.push(Step::Key("type".into()));
        set(value, &t, json!("NamedAddress"));
    }
}

/// What a mutation produced.
enum Outcome {
    LoadError,
    Findings(Vec<Finding>),
}

fn outcome(value: &Value, channel: Channel) -> Outcome {
    if to_object(value).is_err() {
        return Outcome::LoadError;
    }
    Outcome::Findings(run(value, None, channel))
}

fn passes(value: &Value, channel: Channel) -> Result<(), String> {
    match outcome(value, channel) {
        Outcome::LoadError => Err("does not load".into()),
        Outcome::Findings(f) if f.iter().any(Finding::is_error) => Err(show(&f)),
        Outcome::Findings(_) => Ok(()),
    }
}

fn fails(value: &Value, channel: Channel, rule: &str, field: &str) -> Result<(), String> {
    match outcome(value, channel) {
        Outcome::LoadError => Err("does not load".into()),
        Outcome::Findings(f) if f.iter().any(|x| x.rule == rule && x.field == field) => Ok(()),
        Outcome::Findings(f) => Err(format!("expected {rule} at {field}:\n{}", show(&f))),
    }
}

/// Tries one constraint at one place of one fixture: `Ok` when the breaking
/// object is reported and the just-inside one passes.
fn try_place(
    c: &Constraint,
    fixture: &Value,
    schema: &Node,
    pattern: &[Pat],
    steps: &[Step],
    channel: Channel,
) -> Result<(), String> {
    let field = render(steps);
    let mut base = fixture.clone();
    prepare(&mut base, steps);
    let with = |v: Value| {
        let mut x = base.clone();
        set(&mut x, steps, v);
        x
    };
    let list_of = |n: usize| -> Option<Value> {
        let first = get(fixture, steps)?.as_array()?.first()?.clone();
        let item_node = node_at(schema, &[pattern, &[Pat::AnyIndex]].concat());
        Some(Value::Array(
            (0..n).map(|k| vary(&first, k, item_node)).collect(),
        ))
    };
    let string_pattern = || match node_at(schema, pattern) {
        Some(Node::Str(s)) => s.pattern,
        _ => None,
    };
    // A port name is a DNS label by a CEL rule: sample it as one.
    let sample = |p: Option<&'static Pattern>, len: usize| {
        if field.ends_with("port.name") {
            Some("a".repeat(len))
        } else {
            sample(p, len)
        }
    };
    match c {
        Constraint::Required(_) => {
            let mut x = base.clone();
            remove(&mut x, steps);
            match outcome(&x, channel) {
                // Required fields the types do not keep optional are load errors.
                Outcome::LoadError => Ok(()),
                Outcome::Findings(_) => fails(&x, channel, rule::REQUIRED, &field),
            }?;
            passes(&base, channel)
        }
        Constraint::MinLength(_, n) => {
            let p = string_pattern();
            if *n > 0 {
                let short = sample(p, n - 1).unwrap_or_default();
                fails(&with(json!(short)), channel, rule::MIN_LENGTH, &field)?;
            }
            match sample(p, *n) {
                Some(s) => passes(&with(json!(s)), channel),
                // The pattern alone needs more characters (a URI, `a/b`).
                None => passes(&base, channel),
            }
        }
        Constraint::MaxLength(_, n) => {
            let p = string_pattern();
            let (Some(ok), Some(long)) = (sample(p, *n), sample(p, n + 1)) else {
                return Err(format!(
                    "no sample of length {n} for {:?}",
                    p.map(|p| p.rule)
                ));
            };
            fails(&with(json!(long)), channel, rule::MAX_LENGTH, &field)?;
            passes(&with(json!(ok)), channel)
        }
        Constraint::Pattern(_, p) => {
            let (good, bad) = good_bad(p);
            fails(&with(json!(bad)), channel, p.rule, &field)?;
            passes(&with(json!(good)), channel)
        }
        Constraint::Enum(..) => {
            fails(&with(json!("Bogus")), channel, rule::ENUM, &field)?;
            passes(&base, channel)
        }
        Constraint::IntEnum(..) => {
            fails(&with(json!(304)), channel, rule::ENUM, &field)?;
            passes(&base, channel)
        }
        Constraint::Minimum(_, m) => {
            fails(&with(json!(m - 1)), channel, rule::MINIMUM, &field)?;
            passes(&with(json!(m)), channel)
        }
        Constraint::Maximum(_, m) => {
            fails(&with(json!(m + 1)), channel, rule::MAXIMUM, &field)?;
            passes(&with(json!(m)), channel)
        }
        Constraint::MinItems(_, n) => {
            let (Some(short), Some(ok)) = (list_of(n.saturating_sub(1)), list_of(*n)) else {
                return Err("no list to shorten".into());
            };
            fails(&with(short), channel, rule::MIN_ITEMS, &field)?;
            passes(&with(ok), channel)
        }
        Constraint::MaxItems(_, n) => {
            let (Some(ok), Some(long)) = (list_of(*n), list_of(n + 1)) else {
                return Err("no list to lengthen".into());
            };
            fails(&with(long), channel, rule::MAX_ITEMS, &field)?;
            passes(&with(ok), channel)
        }
        Constraint::MaxProperties(_, n) => {
            let first = get(fixture, steps)
                .and_then(Value::as_object)
                .and_then(|m| m.values().next().cloned())
                .ok_or("no map")?;
            let map_of = |n: usize| {
                Value::Object((0..n).map(|k| (format!("k{k}"), first.clone())).collect())
            };
            fails(&with(map_of(n + 1)), channel, rule::MAX_PROPERTIES, &field)?;
            passes(&with(map_of(*n)), channel)
        }
        Constraint::Set(_) | Constraint::MapKeys(..) => {
            let first = get(fixture, steps)
                .and_then(Value::as_array)
                .and_then(|a| a.first().cloned())
                .ok_or("no list")?;
            let rule = if matches!(c, Constraint::Set(_)) {
                rule::DUPLICATE_ITEM
            } else {
                rule::DUPLICATE_KEY
            };
            fails(
                &with(json!([first.clone(), first])),
                channel,
                rule,
                &format!("{field}[1]"),
            )?;
            passes(&base, channel)
        }
    }
}

fn path_of(c: &Constraint) -> &str {
    match c {
        Constraint::Required(p)
        | Constraint::MinLength(p, _)
        | Constraint::MaxLength(p, _)
        | Constraint::Pattern(p, _)
        | Constraint::Enum(p, _)
        | Constraint::IntEnum(p, _)
        | Constraint::Minimum(p, _)
        | Constraint::Maximum(p, _)
        | Constraint::MinItems(p, _)
        | Constraint::MaxItems(p, _)
        | Constraint::MaxProperties(p, _)
        | Constraint::Set(p)
        | Constraint::MapKeys(p, _) => p,
    }
}

/// Checks every constraint of the schema of `kind`/`version` in `channel`.
fn check_schema(kind: &str, version: &str, channel: Channel) -> (usize, Vec<String>) {
    let schema = schema_for(kind, channel, version).expect("known kind");
    let fixtures: Vec<Value> = FIXTURES
        .iter()
        .filter(|f| f.channels.contains(&channel))
        .map(|f| yaml(f.yaml))
        .filter(|v| {
            v["kind"] == kind
                && v["apiVersion"]
                    .as_str()
                    .is_some_and(|a| (a.ends_with("/v1alpha2")) == (version == "v1alpha2"))
        })
        .collect();
    assert!(!fixtures.is_empty(), "no fixture for {kind} {version}");
    for f in &fixtures {
        let findings = run(f, None, channel);
        assert!(
            findings.is_empty(),
            "fixture {kind} {version} {channel:?} is not clean:\n{}",
            show(&findings)
        );
    }
    let mut constraints = Vec::new();
    schema.constraints("spec", &mut constraints);
    let mut problems = Vec::new();
    for c in &constraints {
        let pattern = parse_pattern(path_of(c));
        let mut last = String::from("no fixture has this field or its parent");
        let ok = fixtures.iter().any(|fixture| {
            places(fixture, &pattern).iter().any(|(steps, exists)| {
                let needs_field = matches!(
                    c,
                    Constraint::MinItems(..)
                        | Constraint::MaxItems(..)
                        | Constraint::MaxProperties(..)
                        | Constraint::Set(_)
                        | Constraint::MapKeys(..)
                        | Constraint::Required(_)
                        | Constraint::Enum(..)
                        | Constraint::IntEnum(..)
                );
                if needs_field && !exists {
                    return false;
                }
                match try_place(c, fixture, schema, &pattern, steps, channel) {
                    Ok(()) => true,
                    Err(e) => {
                        last = format!("at {}: {e}", render(steps));
                        false
                    }
                }
            })
        });
        if !ok {
            problems.push(format!("{kind} {version} {channel:?} {c:?}: {last}"));
        }
    }
    (constraints.len(), problems)
}

#[test]
fn every_openapi_constraint_has_a_breaking_and_a_passing_object() {
    let cases = [
        ("GatewayClass", "v1"),
        ("Gateway", "v1"),
        ("ListenerSet", "v1"),
        ("HTTPRoute", "v1"),
        ("GRPCRoute", "v1"),
        ("TLSRoute", "v1"),
        ("TCPRoute", "v1"),
        ("UDPRoute", "v1"),
        ("ReferenceGrant", "v1"),
        ("BackendTLSPolicy", "v1"),
    ];
    let mut total = 0;
    let mut problems = Vec::new();
    // Without the `experimental` feature the types cannot hold the
    // experimental fields, so only the standard channel can be exercised.
    let channels: &[Channel] = if cfg!(feature = "experimental") {
        &[Channel::Standard, Channel::Experimental]
    } else {
        &[Channel::Standard]
    };
    for &channel in channels {
        for (kind, version) in cases {
            let (n, p) = check_schema(kind, version, channel);
            total += n;
            problems.extend(p);
        }
    }
    for (kind, version) in [
        ("TLSRoute", "v1alpha2"),
        ("TCPRoute", "v1alpha2"),
        ("UDPRoute", "v1alpha2"),
        ("XBackend", "v1alpha1"),
        ("XBackendTrafficPolicy", "v1alpha1"),
        ("XMesh", "v1alpha1"),
    ] {
        if !cfg!(feature = "experimental") {
            break;
        }
        let (n, p) = check_schema(kind, version, Channel::Experimental);
        total += n;
        problems.extend(p);
    }
    assert!(total > 700, "only {total} constraints");
    assert!(
        problems.is_empty(),
        "{} of {total} constraints not exercised:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The named string formats, each with a value it accepts and one it rejects.
#[test]
fn every_pattern_has_a_passing_and_a_failing_sample() {
    for p in patterns::ALL {
        if p.rule.contains("qualified-key")
            || p.rule.contains("grpc-")
            || p.rule.contains("dns1123")
        {
            continue; // used by CEL rules, tested there
        }
        let (good, bad) = good_bad(p);
        assert!(p.is_match(good), "{} rejects {good:?}", p.rule);
        assert!(!p.is_match(bad), "{} accepts {bad:?}", p.rule);
    }
}
