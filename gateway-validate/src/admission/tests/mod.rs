//! Tests of the admission pass.
//!
//! Every CEL rule has a test named after its id that shows an object that
//! breaks it and one that passes just inside it (`cel_*.rs`). Every OpenAPI
//! constraint of every schema is covered by `constraints.rs`, which derives
//! a breaking and a just-inside object for each one from valid fixtures
//! (`fixtures.rs`); the string formats have their own named tests.

mod cel_gateway;
mod cel_misc;
mod cel_routes;
mod constraints;
mod fixtures;
mod pipeline;

use gateway_types::Object;
use gateway_types::object::split_api_version;
use serde_json::Value;

use super::admit;
use crate::finding::{Finding, Severity};
use crate::snapshot::Entry;
use crate::{Channel, Options};

/// Parses one YAML document into JSON.
pub(super) fn yaml(text: &str) -> Value {
    serde_saphyr::from_str::<Value>(text).expect("test YAML parses")
}

/// Reads a typed object from JSON, as the loader would.
pub(super) fn to_object(value: &Value) -> Result<Object, String> {
    let api_version = value["apiVersion"].as_str().unwrap_or_default();
    let kind = value["kind"].as_str().unwrap_or_default();
    let (group, _) = split_api_version(api_version);
    match Object::deserialize_kind(group, kind, value.clone()) {
        Some(Ok(o)) => Ok(o),
        Some(Err(e)) => Err(e.to_string()),
        None => Err(format!("unknown kind {group}/{kind}")),
    }
}

/// Runs admission on a JSON object.
pub(super) fn run(value: &Value, old: Option<&Value>, channel: Channel) -> Vec<Finding> {
    let entry = Entry::new(to_object(value).expect("test object loads"), None);
    let old = old.map(|o| Entry::new(to_object(o).expect("old test object loads"), None));
    admit(&entry, old.as_ref(), &Options::new().channel(channel))
}

/// An object under test: JSON plus channel, with builder-style edits.
#[derive(Debug, Clone)]
pub(super) struct T {
    pub(super) value: Value,
    pub(super) channel: Channel,
    pub(super) old: Option<Value>,
}

impl T {
    /// From YAML, standard channel.
    pub(super) fn new(text: &str) -> Self {
        Self {
            value: yaml(text),
            channel: Channel::Standard,
            old: None,
        }
    }

    /// Checked against the experimental channel.
    pub(super) fn exp(mut self) -> Self {
        self.channel = Channel::Experimental;
        self
    }

    /// Sets the value at a path like `spec.rules[0].matches` (creating
    /// objects on the way).
    pub(super) fn set(mut self, path: &str, v: Value) -> Self {
        set_path(&mut self.value, path, v);
        self
    }

    /// Removes the field at a path.
    pub(super) fn remove(mut self, path: &str) -> Self {
        remove_path(&mut self.value, path);
        self
    }

    /// Checks as an update of `old`.
    pub(super) fn update_of(mut self, old: &Self) -> Self {
        self.old = Some(old.value.clone());
        self
    }

    /// The findings.
    pub(super) fn findings(&self) -> Vec<Finding> {
        run(&self.value, self.old.as_ref(), self.channel)
    }

    /// Asserts an error with `rule` at `field`.
    #[track_caller]
    pub(super) fn rejects(&self, rule: &str, field: &str) {
        let findings = self.findings();
        assert!(
            findings
                .iter()
                .any(|f| f.rule == rule && f.field == field && f.severity == Severity::Error),
            "expected {rule} at {field}, got:\n{}",
            show(&findings)
        );
    }

    /// Asserts that `rule` is not reported at all.
    #[track_caller]
    pub(super) fn lacks(&self, rule: &str) {
        let findings = self.findings();
        assert!(
            !findings.iter().any(|f| f.rule == rule),
            "unexpected {rule}:\n{}",
            show(&findings)
        );
    }

    /// Asserts no error (warnings allowed).
    #[track_caller]
    #[cfg_attr(not(feature = "experimental"), allow(dead_code))] // used by experimental tests
    pub(super) fn admits(&self) {
        let findings = self.findings();
        assert!(
            !findings.iter().any(Finding::is_error),
            "expected no errors, got:\n{}",
            show(&findings)
        );
    }

    /// Asserts no finding at all.
    #[track_caller]
    pub(super) fn clean(&self) {
        let findings = self.findings();
        assert!(
            findings.is_empty(),
            "expected nothing, got:\n{}",
            show(&findings)
        );
    }
}

pub(super) fn show(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("  {:?} {f}\n", f.severity))
        .collect()
}

/// Path segments: field names and indices.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Seg {
    Field(String),
    Index(usize),
}

/// Splits `a.b[0].c` into segments (keys have no dots here).
pub(super) fn segments(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            if i > 0 {
                out.push(Seg::Field(rest[..i].to_owned()));
            }
            rest = &rest[i..];
            while let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']').expect("closing bracket");
                out.push(Seg::Index(r[..end].parse().expect("index")));
                rest = &r[end + 1..];
            }
        } else {
            out.push(Seg::Field(rest.to_owned()));
        }
    }
    out
}

pub(super) fn set_path(root: &mut Value, path: &str, v: Value) {
    let segs = segments(path);
    let mut node = root;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        match seg {
            Seg::Field(name) => {
                if !node.is_object() {
                    *node = Value::Object(serde_json::Map::new());
                }
                let map = node.as_object_mut().expect("object");
                if last {
                    map.insert(name.clone(), v);
                    return;
                }
                node = map.entry(name.clone()).or_insert(Value::Null);
            }
            Seg::Index(k) => {
                if !node.is_array() {
                    *node = Value::Array(Vec::new());
                }
                let items = node.as_array_mut().expect("array");
                while items.len() <= *k {
                    items.push(Value::Null);
                }
                if last {
                    items[*k] = v;
                    return;
                }
                node = &mut items[*k];
            }
        }
    }
}

pub(super) fn remove_path(root: &mut Value, path: &str) {
    let segs = segments(path);
    let Some((last, parents)) = segs.split_last() else {
        return;
    };
    let mut node = root;
    for seg in parents {
        node = match seg {
            Seg::Field(name) => match node.get_mut(name) {
                Some(n) => n,
                None => return,
            },
            Seg::Index(k) => match node.get_mut(*k) {
                Some(n) => n,
                None => return,
            },
        };
    }
    match last {
        Seg::Field(name) => {
            if let Some(m) = node.as_object_mut() {
                m.remove(name);
            }
        }
        Seg::Index(k) => {
            if let Some(a) = node.as_array_mut()
                && *k < a.len()
            {
                a.remove(*k);
            }
        }
    }
}

pub(super) const ROUTE: &str = "
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs: [{name: svc, port: 80}]
";

pub(super) const GRPC_ROUTE: &str = "
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: grpc, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs: [{name: svc, port: 9000}]
";

pub(super) const GATEWAY: &str = "
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: example
  listeners:
  - {name: http, port: 80, protocol: HTTP}
";

/// An HTTPRoute with one rule and one backend.
pub(super) fn route() -> T {
    T::new(ROUTE)
}

/// A GRPCRoute with one rule and one backend.
pub(super) fn grpc_route() -> T {
    T::new(GRPC_ROUTE)
}

/// A Gateway with one HTTP listener.
pub(super) fn gateway() -> T {
    T::new(GATEWAY)
}
