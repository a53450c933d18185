//! The admitted objects of a snapshot, defaulted and indexed by key.
//!
//! Every lookup the status pass makes (a Service by namespace and name, the
//! labels of a namespace, a Gateway named by a parentRef) is a hash lookup
//! here, so no step scans all objects of a kind per reference.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use gateway_types::backend_tls_policy::BackendTlsPolicy;
use gateway_types::core::{ConfigMap, Secret, Service};
use gateway_types::gateway::Gateway;
use gateway_types::gateway_class::GatewayClass;
use gateway_types::listener_set::ListenerSet;
use gateway_types::load::Source;
use gateway_types::meta::parse_timestamp;
use gateway_types::{MetaExt, Object, ObjectMeta};

use super::refs::GrantIndex;
use super::routes::Route;
use crate::finding::{Finding, Location, ObjectRef, Severity};
use crate::report::Report;
use crate::snapshot::Snapshot;

/// `(namespace, name)`.
pub(super) type NsName = (String, String);

/// A hash map with foldhash's randomly seeded hasher, for the status pass's
/// short keys (names, ports). foldhash is several times cheaper than std's
/// SipHash on them. Like SipHash it is seeded at random, so keys cannot be
/// made to collide in advance; unlike SipHash it is only "minimally
/// DoS-resistant" (its own words): it does not claim to withstand an
/// attacker who studies the running process to find its seed.
pub(crate) type SeededMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A map keyed by namespace and name that is read with borrowed strings, so
/// lookups allocate nothing.
#[derive(Debug, Clone)]
pub(crate) struct NsMap<T>(SeededMap<String, SeededMap<String, T>>);

impl<T> Default for NsMap<T> {
    fn default() -> Self {
        Self(SeededMap::default())
    }
}

impl<T> NsMap<T> {
    /// Inserts `value` under `ns/name`, returning the value it replaces.
    /// The namespace is copied only the first time it is seen.
    pub(crate) fn insert(&mut self, ns: &str, name: &str, value: T) -> Option<T> {
        let names = match self.0.get_mut(ns) {
            Some(names) => names,
            None => self.0.entry(ns.to_owned()).or_default(),
        };
        names.insert(name.to_owned(), value)
    }

    /// The value under `ns/name`.
    pub(crate) fn get(&self, ns: &str, name: &str) -> Option<&T> {
        self.0.get(ns)?.get(name)
    }

    /// The value under `ns/name`, to change it.
    pub(crate) fn get_mut(&mut self, ns: &str, name: &str) -> Option<&mut T> {
        self.0.get_mut(ns)?.get_mut(name)
    }

    /// Every `(namespace, name, value)`, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str, &T)> {
        self.0.iter().flat_map(|(ns, names)| {
            names
                .iter()
                .map(move |(name, v)| (ns.as_str(), name.as_str(), v))
        })
    }

    /// The value under `ns/name`, mutably, inserted with `Default` first
    /// when absent.
    pub(super) fn entry(&mut self, ns: &str, name: &str) -> &mut T
    where
        T: Default,
    {
        self.0
            .entry(ns.to_owned())
            .or_default()
            .entry(name.to_owned())
            .or_default()
    }

    /// Whether `ns/name` has a value.
    pub(super) fn contains(&self, ns: &str, name: &str) -> bool {
        self.get(ns, name).is_some()
    }

    /// Whether the map is empty.
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The label every namespace carries with its own name.
pub(super) const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// When an object was created, for "oldest wins" rules.
///
/// Objects with a `creationTimestamp` order by it; objects without one come
/// after them, in the order they were read (which is how route test files
/// define creation order when no timestamp is written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Age {
    ts: i64,
    seq: usize,
}

impl Age {
    /// The age of an object read `seq`th, and its creation time in seconds
    /// when it has one.
    pub(super) fn of(meta: &ObjectMeta, seq: usize) -> (Self, Option<i64>) {
        let ts = meta
            .creation_timestamp_text()
            .as_deref()
            .and_then(parse_timestamp);
        match ts {
            Some(ts) => (Self { ts, seq: 0 }, Some(ts)),
            None => (Self { ts: i64::MAX, seq }, None),
        }
    }
}

/// One admitted object of a Gateway API kind, defaulted, with its key.
#[derive(Debug)]
pub(super) struct Obj<T> {
    pub(super) ns: String,
    pub(super) name: String,
    pub(super) age: Age,
    pub(super) generation: Option<i64>,
    pub(super) obj: T,
    pub(super) source: Option<Source>,
}

impl<T> Obj<T> {
    /// `(age, namespace, name)`: the order of "oldest first, then by name".
    pub(super) fn order_key(&self) -> (Age, &str, &str) {
        (self.age, &self.ns, &self.name)
    }
}

/// Results of content checks (certificate and CA bundles), computed once
/// per object however many listeners or policies refer to it.
#[derive(Debug, Default)]
pub(super) struct CheckCache(RefCell<NsMap<Result<(), String>>>);

impl CheckCache {
    /// The cached result for `ns/name`, computing it with `check` the first time.
    pub(super) fn get_or_check(
        &self,
        ns: &str,
        name: &str,
        check: impl FnOnce() -> Result<(), String>,
    ) -> Result<(), String> {
        if let Some(r) = self.0.borrow().get(ns, name) {
            return r.clone();
        }
        let r = check();
        self.0.borrow_mut().insert(ns, name, r.clone());
        r
    }
}

/// The indexed input of the status pass. Core objects are borrowed from the
/// snapshot (only their accessors' defaults are needed); Gateway API objects
/// are defaulted copies.
#[derive(Debug, Default)]
pub(super) struct World<'a> {
    namespaces: HashMap<String, BTreeMap<String, String>>,
    pub(super) services: NsMap<&'a Service>,
    pub(super) secrets: NsMap<&'a Secret>,
    pub(super) config_maps: NsMap<&'a ConfigMap>,
    /// Secret checks (`kubernetes.io/tls`, PEM certificate and key).
    pub(super) secret_checks: CheckCache,
    /// ConfigMap CA bundle checks.
    pub(super) ca_checks: CheckCache,
    pub(super) grants: GrantIndex,
    pub(super) classes: HashMap<String, GatewayClass>,
    pub(super) gateways: Vec<Obj<Gateway>>,
    /// Every Gateway's `(namespace, name)`, owned or not.
    pub(super) gateway_keys: NsMap<()>,
    pub(super) listener_sets: Vec<Obj<ListenerSet>>,
    pub(super) routes: Vec<Route<'a>>,
    pub(super) policies: Vec<Obj<BackendTlsPolicy>>,
}

fn key(meta: &ObjectMeta) -> NsName {
    (
        meta.namespace_str().unwrap_or("default").to_owned(),
        meta.name_str().to_owned(),
    )
}

/// Wraps `obj` with its key, age and generation, read through `meta`.
fn obj<T>(seq: usize, obj: T, source: Option<&Source>, meta: fn(&T) -> &ObjectMeta) -> Obj<T> {
    let m = meta(&obj);
    let (ns, name) = key(m);
    let age = Age::of(m, seq).0;
    let generation = m.generation;
    Obj {
        ns,
        name,
        age,
        generation,
        obj,
        source: source.cloned(),
    }
}

impl<'a> World<'a> {
    /// Collects the admitted objects of `snapshot` (those not in
    /// `report.rejected`), each defaulted as the API server would store it.
    /// Routes come defaulted with their entries; every other Gateway API
    /// object is taken from `defaulted` (aligned with the snapshot's entries)
    /// when admission left a defaulted copy there, else cloned and defaulted
    /// here.
    pub(super) fn build(
        snapshot: &'a Snapshot,
        defaulted: Vec<Option<Object>>,
        report: &Report,
    ) -> Self {
        let rejected: HashSet<(&str, Option<&str>, &str)> = report
            .rejected
            .iter()
            .map(|r| (r.kind.as_str(), r.namespace.as_deref(), r.name.as_str()))
            .collect();
        let mut w = Self::default();
        let mut defaulted = defaulted.into_iter();
        for (seq, entry) in snapshot.entries().enumerate() {
            let pre = defaulted.next().flatten();
            let o = &entry.object;
            let m = o.metadata();
            if !rejected.is_empty() {
                let ns = if o.is_namespaced() {
                    Some(m.namespace_str().unwrap_or("default"))
                } else {
                    None
                };
                let raw_ns = m.namespace_str();
                if rejected.contains(&(o.kind(), ns, m.name_str()))
                    || rejected.contains(&(o.kind(), raw_ns, m.name_str()))
                {
                    continue;
                }
            }
            let src = entry.source.as_ref();
            if let Some(route) = entry.defaulted_route() {
                w.routes.push(Route::new(route, seq, src));
                continue;
            }
            let ns = m.namespace_str().unwrap_or("default");
            match o {
                Object::Namespace(n) => {
                    let name = n.metadata.name_str().to_owned();
                    let mut labels = n.metadata.labels.clone().unwrap_or_default();
                    labels
                        .entry(NAMESPACE_NAME_LABEL.to_owned())
                        .or_insert_with(|| name.clone());
                    w.namespaces.insert(name, labels);
                    continue;
                }
                Object::Service(s) => {
                    w.services.insert(ns, m.name_str(), s);
                    continue;
                }
                Object::Secret(s) => {
                    w.secrets.insert(ns, m.name_str(), s);
                    continue;
                }
                Object::ConfigMap(c) => {
                    w.config_maps.insert(ns, m.name_str(), c);
                    continue;
                }
                _ => {}
            }
            let o = pre.unwrap_or_else(|| {
                let mut o = o.clone();
                o.apply_defaults();
                o
            });
            match o {
                Object::ReferenceGrant(g) => w.grants.add(&g),
                Object::GatewayClass(c) => {
                    w.classes.insert(c.metadata.name_str().to_owned(), c);
                }
                Object::Gateway(g) => {
                    w.gateway_keys.insert(ns, g.metadata.name_str(), ());
                    w.gateways.push(obj(seq, g, src, |g| &g.metadata));
                }
                Object::ListenerSet(l) => {
                    w.listener_sets.push(obj(seq, l, src, |l| &l.metadata));
                }
                Object::BackendTlsPolicy(p) => {
                    w.policies.push(obj(seq, p, src, |p| &p.metadata));
                }
                _ => {}
            }
        }
        w
    }

    /// Whether the namespace `ns` matches `selector`; a namespace with no
    /// Namespace object still carries its `kubernetes.io/metadata.name` label.
    pub(super) fn namespace_matches(
        &self,
        ns: &str,
        selector: &gateway_types::meta::LabelSelector,
    ) -> bool {
        match self.namespaces.get(ns) {
            Some(labels) => selector.matches(Some(labels)),
            None => {
                let labels = BTreeMap::from([(NAMESPACE_NAME_LABEL.to_owned(), ns.to_owned())]);
                selector.matches(Some(&labels))
            }
        }
    }
}

/// A warning finding from the status pass about `kind ns/name`.
pub(super) fn diagnostic(
    kind: &str,
    ns: Option<&str>,
    name: &str,
    source: Option<&Source>,
    field: String,
    rule: &'static str,
    message: String,
) -> Finding {
    Finding {
        object: ObjectRef::new(kind, ns, name),
        location: source.map(|s| Location {
            file: s.file().to_owned(),
            line: s.line(),
            column: s.column(),
        }),
        field,
        rule,
        message,
        severity: Severity::Warning,
    }
}
