//! Property tests of the attachment and reference guarantees (issue #7), end
//! to end: generated objects go through `gateway-validate` (admission and
//! status) into the accepted routing view, which `gateway-match` compiles
//! into a `Router` (both through [`gwcheck::testing::Harness`]); then
//! requests are sent and what they reach is compared with an oracle written
//! here from the spec text, independently of the validator.
//!
//! The cases follow `PROPTEST_CASES` (default 256); run with
//! `PROPTEST_CASES=10000` for a deep check.

use std::collections::{BTreeMap, BTreeSet};

use gateway_match::{BackendChoice, Input, NoRoute, Router};
use gwcheck::testing::{Harness, TestGateway};
use http::{HeaderMap, HeaderValue, Method};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{Value, json};

const GROUP: &str = "gateway.networking.k8s.io";
/// Namespaces of every generated world; the Gateway lives in `infra`.
const NAMESPACES: &[&str] = &["infra", "ns-a", "ns-b", "ns-c"];
/// Services that exist in every namespace (port 80), and one that does not.
const SERVICES: &[&str] = &["svc-0", "svc-1", "missing"];

/// The default configuration (which reads `PROPTEST_CASES`), with failures
/// saved next to this file.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// Objects and the router built from them

fn namespace_object(name: &str, labels: &BTreeMap<&str, &str>) -> Value {
    let mut labels: BTreeMap<&str, &str> = labels.clone();
    // The API server adds this label to every namespace.
    labels.insert("kubernetes.io/metadata.name", name);
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}})
}

/// Namespaces without labels, and `svc-0`, `svc-1` in each.
fn plain_namespaces_and_services() -> Vec<Value> {
    let mut objects = Vec::new();
    for ns in NAMESPACES {
        objects.push(namespace_object(ns, &BTreeMap::new()));
        objects.extend(services_in(ns));
    }
    objects
}

fn services_in(ns: &str) -> Vec<Value> {
    ["svc-0", "svc-1"]
        .iter()
        .map(|name| {
            json!({"apiVersion": "v1", "kind": "Service",
                   "metadata": {"namespace": ns, "name": name},
                   "spec": {"ports": [{"port": 80}]}})
        })
        .collect()
}

/// A GatewayClass `gc` and the Gateway `infra/gw` with these listeners.
fn class_and_gateway(listeners: Vec<Value>) -> Vec<Value> {
    vec![
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
               "metadata": {"name": "gc"},
               "spec": {"controllerName": "example.com/gateway-controller"}}),
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
               "metadata": {"namespace": "infra", "name": "gw"},
               "spec": {"gatewayClassName": "gc", "listeners": listeners}}),
    ]
}

fn route_object(kind: &str, ns: &str, name: &str, spec: Value) -> Value {
    json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": kind,
           "metadata": {"namespace": ns, "name": name}, "spec": spec})
}

/// Validates the objects and builds the router of `infra/gw`, through the
/// public testing harness (admission errors fail the test: the generators
/// must only write objects an API server accepts).
fn gateway(objects: &[Value]) -> TestGateway {
    let yaml = objects
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n---\n");
    Harness::from_yaml(&yaml)
        .and_then(|h| h.gateway("infra/gw"))
        .unwrap_or_else(|e| panic!("{e}\nmanifests:\n{yaml}"))
}

/// Spreads `k` of `0..=64` over the `u32` range, for weighted choices.
fn random(k: u64) -> u32 {
    u32::try_from(k * u64::from(u32::MAX) / 64).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------------------
// ReferenceGrants

/// A Service reference: its namespace (`None`: the route's) and name.
type Target = (Option<&'static str>, &'static str);

#[derive(Debug, Clone)]
struct BackendGen {
    namespace: Option<&'static str>,
    name: &'static str,
    weight: u32,
    /// A `RequestMirror` filter on this backendRef.
    mirror: Option<Target>,
}

#[derive(Debug, Clone)]
struct RuleGen {
    backends: Vec<BackendGen>,
    /// A rule-level `RequestMirror` filter.
    mirror: Option<Target>,
}

#[derive(Debug, Clone)]
struct HttpRouteGen {
    namespace: &'static str,
    rules: Vec<RuleGen>,
}

/// Where traffic can go, by position in the generated routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reach {
    /// Forwarded to backendRef `k` of rule `j` of route `i`.
    Backend(usize, usize, usize),
    /// Copied to the rule-level mirror of rule `j` of route `i`.
    RuleMirror(usize, usize),
    /// Copied to the mirror of backendRef `k` of rule `j` of route `i`.
    BackendMirror(usize, usize, usize),
}

impl Reach {
    /// The Services (namespace, name) this traffic depends on: a
    /// backendRef's mirror only sees requests forwarded to the backendRef.
    fn services(self, routes: &[HttpRouteGen]) -> Vec<(&'static str, &'static str)> {
        let at = |i: usize, t: Target| (t.0.unwrap_or(routes[i].namespace), t.1);
        let backend = |i: usize, j: usize, k: usize| {
            let b = &routes[i].rules[j].backends[k];
            (at(i, (b.namespace, b.name)), b.mirror.map(|m| at(i, m)))
        };
        match self {
            Self::Backend(i, j, k) => vec![backend(i, j, k).0],
            Self::RuleMirror(i, j) => routes[i].rules[j]
                .mirror
                .map(|m| at(i, m))
                .into_iter()
                .collect(),
            Self::BackendMirror(i, j, k) => {
                let (b, m) = backend(i, j, k);
                std::iter::once(b).chain(m).collect()
            }
        }
    }

    fn route(self) -> usize {
        match self {
            Self::Backend(i, ..) | Self::RuleMirror(i, ..) | Self::BackendMirror(i, ..) => i,
        }
    }
}

/// A ReferenceGrant: `from` entries (group, kind, namespace) and `to` entries
/// (group, kind, name).
#[derive(Debug, Clone, PartialEq)]
struct GrantGen {
    namespace: &'static str,
    from: Vec<(&'static str, &'static str, &'static str)>,
    to: Vec<(&'static str, &'static str, Option<&'static str>)>,
}

impl GrantGen {
    /// The oracle, from spec section 5: an HTTPRoute in `route_ns` may use
    /// the Service `ns/name` when this grant lives in `ns`, one `from`
    /// entry names (gateway.networking.k8s.io, HTTPRoute, `route_ns`) and
    /// one `to` entry names ("", Service) with no name or with `name`.
    fn permits(&self, route_ns: &str, ns: &str, name: &str) -> bool {
        self.namespace == ns
            && self
                .from
                .iter()
                .any(|&(g, k, n)| g == GROUP && k == "HTTPRoute" && n == route_ns)
            && self
                .to
                .iter()
                .any(|&(g, k, n)| g.is_empty() && k == "Service" && n.is_none_or(|n| n == name))
    }

    fn object(&self, name: &str) -> Value {
        let from: Vec<Value> = self
            .from
            .iter()
            .map(|(g, k, n)| json!({"group": g, "kind": k, "namespace": n}))
            .collect();
        let to: Vec<Value> = self
            .to
            .iter()
            .map(|(g, k, n)| match n {
                Some(n) => json!({"group": g, "kind": k, "name": n}),
                None => json!({"group": g, "kind": k}),
            })
            .collect();
        json!({"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
               "metadata": {"namespace": self.namespace, "name": name},
               "spec": {"from": from, "to": to}})
    }
}

fn service_ref() -> impl Strategy<Value = Target> {
    (
        prop_oneof![1 => Just(None), 3 => select(NAMESPACES).prop_map(Some)],
        select(SERVICES),
    )
}

fn mirror() -> impl Strategy<Value = Option<Target>> {
    prop_oneof![3 => Just(None), 1 => service_ref().prop_map(Some)]
}

fn backend() -> impl Strategy<Value = BackendGen> {
    (
        service_ref(),
        prop_oneof![1 => Just(0u32), 5 => 1..=3u32],
        mirror(),
    )
        .prop_map(|((namespace, name), weight, mirror)| BackendGen {
            namespace,
            name,
            weight,
            mirror,
        })
}

fn http_route() -> impl Strategy<Value = HttpRouteGen> {
    let rule = (prop::collection::vec(backend(), 1..4), mirror())
        .prop_map(|(backends, mirror)| RuleGen { backends, mirror });
    (select(NAMESPACES), prop::collection::vec(rule, 1..4))
        .prop_map(|(namespace, rules)| HttpRouteGen { namespace, rules })
}

fn grant() -> impl Strategy<Value = GrantGen> {
    let from = (
        prop_oneof![6 => Just(GROUP), 1 => Just("")],
        prop_oneof![6 => Just("HTTPRoute"), 1 => Just("GRPCRoute")],
        select(NAMESPACES),
    );
    let to = (
        prop_oneof![6 => Just(""), 1 => Just("example.com")],
        prop_oneof![6 => Just("Service"), 1 => Just("Secret")],
        prop_oneof![2 => Just(None), 3 => select(SERVICES).prop_map(Some)],
    );
    (
        select(NAMESPACES),
        prop::collection::vec(from, 1..3),
        prop::collection::vec(to, 1..3),
    )
        .prop_map(|(namespace, from, to)| GrantGen {
            namespace,
            from,
            to,
        })
}

fn mirror_filter(target: Option<Target>) -> Option<Value> {
    target.map(|(ns, name)| {
        let mut backend = json!({"name": name, "port": 80});
        if let Some(ns) = ns {
            backend["namespace"] = json!(ns);
        }
        json!({"type": "RequestMirror", "requestMirror": {"backendRef": backend}})
    })
}

/// Every object of a world: one listener that allows routes from all
/// namespaces; route `r<i>` serves host `r<i>.example.com`, its rule `j`
/// the prefix `/p<j>`.
fn reference_world(routes: &[HttpRouteGen], grants: &[GrantGen]) -> Vec<Value> {
    let mut objects = plain_namespaces_and_services();
    objects.extend(class_and_gateway(vec![json!({
        "name": "http", "protocol": "HTTP", "port": 80,
        "allowedRoutes": {"namespaces": {"from": "All"}}
    })]));
    for (i, r) in routes.iter().enumerate() {
        let rules: Vec<Value> = r
            .rules
            .iter()
            .enumerate()
            .map(|(j, rule)| {
                let refs: Vec<Value> = rule
                    .backends
                    .iter()
                    .map(|b| {
                        let mut v = json!({"name": b.name, "port": 80, "weight": b.weight});
                        if let Some(ns) = b.namespace {
                            v["namespace"] = json!(ns);
                        }
                        if let Some(f) = mirror_filter(b.mirror) {
                            v["filters"] = json!([f]);
                        }
                        v
                    })
                    .collect();
                let mut v = json!({
                    "matches": [{"path": {"type": "PathPrefix", "value": format!("/p{j}")}}],
                    "backendRefs": refs});
                if let Some(f) = mirror_filter(rule.mirror) {
                    v["filters"] = json!([f]);
                }
                v
            })
            .collect();
        objects.push(route_object(
            "HTTPRoute",
            r.namespace,
            &format!("r{i}"),
            json!({"parentRefs": [{"name": "gw", "namespace": "infra"}],
                   "hostnames": [format!("r{i}.example.com")],
                   "rules": rules}),
        ));
    }
    for (i, g) in grants.iter().enumerate() {
        objects.push(g.object(&format!("g{i}")));
    }
    objects
}

/// Whether route `i` may send traffic to the Service `ns/name` (oracle):
/// it exists, and it is in the route's namespace or a grant permits it.
fn allowed(
    routes: &[HttpRouteGen],
    grants: &[GrantGen],
    i: usize,
    (ns, name): (&str, &str),
) -> bool {
    let route_ns = routes[i].namespace;
    name != "missing" && (ns == route_ns || grants.iter().any(|g| g.permits(route_ns, ns, name)))
}

/// Where the oracle says traffic may go: a backendRef with weight above
/// zero whose Service is allowed; a mirror whose Service is allowed (a
/// backendRef's mirror only when the backendRef itself is reachable).
fn permitted(routes: &[HttpRouteGen], grants: &[GrantGen]) -> BTreeSet<Reach> {
    let mut out = BTreeSet::new();
    for (i, r) in routes.iter().enumerate() {
        for (j, rule) in r.rules.iter().enumerate() {
            let mut candidates = vec![Reach::RuleMirror(i, j)];
            for (k, b) in rule.backends.iter().enumerate() {
                if b.weight > 0 {
                    candidates.push(Reach::Backend(i, j, k));
                    if b.mirror.is_some() {
                        candidates.push(Reach::BackendMirror(i, j, k));
                    }
                }
            }
            for c in candidates {
                let services = c.services(routes);
                if !services.is_empty() && services.iter().all(|&s| allowed(routes, grants, i, s)) {
                    out.insert(c);
                }
            }
        }
    }
    out
}

/// Sends every request of interest (each rule's prefix, plus paths and
/// hosts no rule serves) with 65 random draws each, and returns where
/// traffic went: the backendRef forwarded to and the mirrors copied to.
/// Panics if a rule's own request lands on another route (every route is
/// allowed on the listener here), or if the router's full decision
/// disagrees with the match on backend or mirrors.
fn reached(router: &Router, routes: &[HttpRouteGen]) -> BTreeSet<Reach> {
    let headers = HeaderMap::new();
    let mut out = BTreeSet::new();
    let mut hosts: Vec<String> = (0..routes.len())
        .map(|i| format!("r{i}.example.com"))
        .collect();
    hosts.push("other.example.com".to_owned());
    let name = |b: &gateway_types::routing::ResolvedBackend| format!("{}/{}", b.namespace, b.name);
    for (i, host) in hosts.iter().enumerate() {
        for path in ["/", "/p0", "/p1/x", "/p2", "/p9"] {
            let input = Input::new(&Method::GET, host, path, &headers);
            let Some(m) = router.route_input(&input) else {
                continue;
            };
            let route: usize = m.route.name[1..].parse().expect("route names are r<i>");
            assert_eq!(route, i, "{host}{path} reached {}", m.route.name);
            let j = m.rule_index;
            let mirrors: Vec<String> = m.mirrors().map(|(b, _)| name(b)).collect();
            if !mirrors.is_empty() {
                out.insert(Reach::RuleMirror(i, j));
            }
            for k in 0..=64 {
                let decision = router.decide(&input, random(k));
                let mut want = mirrors.clone();
                if let BackendChoice::Forward { index, backend } = m.choose_backend(random(k)) {
                    out.insert(Reach::Backend(i, j, index));
                    let copies: Vec<String> =
                        m.backend_mirrors(index).map(|(b, _)| name(b)).collect();
                    if !copies.is_empty() {
                        out.insert(Reach::BackendMirror(i, j, index));
                    }
                    want.extend(copies);
                    assert!(
                        matches!(&decision.action, gateway_match::Action::Forward { backend: b } if **b == *backend),
                        "{host}{path}: decision {decision:?} vs match backend {backend:?}"
                    );
                }
                let got: Vec<String> = decision.mirrors.iter().map(|x| name(&x.backend)).collect();
                assert_eq!(
                    got, want,
                    "{host}{path}: mirrors of the decision vs the match"
                );
            }
        }
    }
    out
}

/// A ReferenceGrant world, and one extra cross-namespace reference (route
/// namespace, target namespace, Service) with the grant that allows it.
fn reference_case() -> impl Strategy<Value = (Vec<HttpRouteGen>, Vec<GrantGen>)> {
    (
        prop::collection::vec(http_route(), 1..5),
        prop::collection::vec(grant(), 0..6),
    )
}

fn target() -> impl Strategy<Value = (&'static str, &'static str, &'static str)> {
    // A cross-namespace reference: `to` is another namespace than `from`,
    // picked by a non-zero offset (built, not filtered, so that long
    // `PROPTEST_CASES` runs do not run out of rejections).
    let n = NAMESPACES.len();
    (0..n, 1..n, select(&SERVICES[..2])).prop_map(move |(from, offset, service)| {
        (NAMESPACES[from], NAMESPACES[(from + offset) % n], service)
    })
}

// ---------------------------------------------------------------------------
// allowedRoutes

#[derive(Debug, Clone)]
enum From {
    /// No `namespaces` (defaults to `Same`).
    Absent,
    All,
    Same,
    Selector {
        match_labels: BTreeMap<&'static str, &'static str>,
        /// (key, operator, values)
        match_expressions: Vec<(&'static str, &'static str, Vec<&'static str>)>,
    },
}

#[derive(Debug, Clone)]
struct ListenerGen {
    from: From,
    /// `None`: no `kinds`; else (group, kind) entries (`None` group: left out).
    kinds: Option<Vec<(Option<&'static str>, &'static str)>>,
}

#[derive(Debug, Clone)]
struct AttachRouteGen {
    grpc: bool,
    namespace: &'static str,
    /// `None`: one parentRef without sectionName; else one per listener index.
    sections: Option<BTreeSet<usize>>,
}

const LABEL_KEYS: &[&str] = &["team", "env", "kubernetes.io/metadata.name"];
const LABEL_VALUES: &[&str] = &["a", "b", "prod", "dev", "infra", "ns-a", "ns-b"];

fn namespace_labels() -> impl Strategy<Value = BTreeMap<&'static str, &'static str>> {
    (
        prop::option::of(select(&["a", "b"][..])),
        prop::option::of(select(&["prod", "dev"][..])),
    )
        .prop_map(|(team, env)| {
            let mut labels = BTreeMap::new();
            if let Some(t) = team {
                labels.insert("team", t);
            }
            if let Some(e) = env {
                labels.insert("env", e);
            }
            labels
        })
}

fn expression() -> impl Strategy<Value = (&'static str, &'static str, Vec<&'static str>)> {
    (
        select(LABEL_KEYS),
        select(&["In", "NotIn", "Exists", "DoesNotExist"][..]),
        prop::collection::btree_set(select(LABEL_VALUES), 1..3),
    )
        .prop_map(|(key, op, values)| {
            let values = if matches!(op, "In" | "NotIn") {
                values.into_iter().collect()
            } else {
                Vec::new()
            };
            (key, op, values)
        })
}

fn from() -> impl Strategy<Value = From> {
    prop_oneof![
        1 => Just(From::Absent),
        2 => Just(From::All),
        2 => Just(From::Same),
        4 => (
            prop::collection::btree_map(select(LABEL_KEYS), select(LABEL_VALUES), 0..3),
            prop::collection::vec(expression(), 0..3),
        )
            .prop_map(|(match_labels, match_expressions)| From::Selector {
                match_labels,
                match_expressions,
            }),
    ]
}

fn kinds() -> impl Strategy<Value = Option<Vec<(Option<&'static str>, &'static str)>>> {
    let kind = (
        prop_oneof![4 => Just(None), 2 => Just(Some(GROUP)), 1 => Just(Some("example.com"))],
        select(&["HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute"][..]),
    );
    prop_oneof![
        2 => Just(None),
        3 => prop::collection::vec(kind, 0..3).prop_map(|mut v| {
            // Kinds are a set: the schema refuses duplicates.
            let mut seen = BTreeSet::new();
            v.retain(|(g, k)| seen.insert((g.unwrap_or(GROUP), *k)));
            Some(v)
        }),
    ]
}

fn listener() -> impl Strategy<Value = ListenerGen> {
    (from(), kinds()).prop_map(|(from, kinds)| ListenerGen { from, kinds })
}

fn attach_route(listeners: usize) -> impl Strategy<Value = AttachRouteGen> {
    (
        any::<bool>(),
        select(NAMESPACES),
        prop::option::of(prop::collection::btree_set(0..listeners + 1, 1..3)),
    )
        .prop_map(|(grpc, namespace, sections)| AttachRouteGen {
            grpc,
            namespace,
            sections,
        })
}

impl ListenerGen {
    /// The oracle for spec 3.5.1.
    fn admits_namespace(&self, ns: &str, labels: &BTreeMap<&str, &str>) -> bool {
        match &self.from {
            From::Absent | From::Same => ns == "infra",
            From::All => true,
            From::Selector {
                match_labels,
                match_expressions,
            } => {
                let label = |k: &str| {
                    if k == "kubernetes.io/metadata.name" {
                        Some(ns)
                    } else {
                        labels.get(k).copied()
                    }
                };
                match_labels.iter().all(|(k, v)| label(k) == Some(*v))
                    && match_expressions.iter().all(|(k, op, values)| {
                        let value = label(k);
                        match *op {
                            "In" => value.is_some_and(|v| values.contains(&v)),
                            "NotIn" => value.is_none_or(|v| !values.contains(&v)),
                            "Exists" => value.is_some(),
                            _ => value.is_none(),
                        }
                    })
            }
        }
    }

    /// The oracle for spec 3.2.2 and 3.5.2 on an HTTP listener: absent or
    /// empty kinds allow HTTPRoute and GRPCRoute; otherwise only the listed
    /// entries of group gateway.networking.k8s.io that HTTP supports.
    fn admits_kind(&self, kind: &str) -> bool {
        match &self.kinds {
            None => true,
            Some(kinds) if kinds.is_empty() => true,
            Some(kinds) => kinds
                .iter()
                .any(|(g, k)| g.unwrap_or(GROUP) == GROUP && *k == kind),
        }
    }

    fn object(&self, index: usize) -> Value {
        let mut allowed = json!({});
        match &self.from {
            From::Absent => {}
            From::All => allowed["namespaces"] = json!({"from": "All"}),
            From::Same => allowed["namespaces"] = json!({"from": "Same"}),
            From::Selector {
                match_labels,
                match_expressions,
            } => {
                let mut selector = json!({});
                if !match_labels.is_empty() {
                    selector["matchLabels"] = json!(match_labels);
                }
                if !match_expressions.is_empty() {
                    selector["matchExpressions"] = match_expressions
                        .iter()
                        .map(|(k, op, values)| {
                            if values.is_empty() {
                                json!({"key": k, "operator": op})
                            } else {
                                json!({"key": k, "operator": op, "values": values})
                            }
                        })
                        .collect();
                }
                allowed["namespaces"] = json!({"from": "Selector", "selector": selector});
            }
        }
        if let Some(kinds) = &self.kinds {
            allowed["kinds"] = kinds
                .iter()
                .map(|(g, k)| match g {
                    Some(g) => json!({"group": g, "kind": k}),
                    None => json!({"kind": k}),
                })
                .collect();
        }
        json!({"name": format!("l{index}"), "protocol": "HTTP", "port": 8000 + index,
               "allowedRoutes": allowed})
    }
}

fn port(listener: usize) -> u16 {
    8000 + u16::try_from(listener).expect("few listeners")
}

// ---------------------------------------------------------------------------
// Hostnames

const LISTENER_HOSTNAMES: &[&str] = &[
    "example.com",
    "*.example.com",
    "a.example.com",
    "*.a.example.com",
    "foo.example.com",
    "b.example.com",
    "*.other.org",
];
const ROUTE_HOSTNAMES: &[&str] = &[
    "example.com",
    "*.example.com",
    "a.example.com",
    "*.a.example.com",
    "x.a.example.com",
    "foo.example.com",
    "other.org",
    "*.org",
];
/// Request hosts, some with upper case, a trailing dot or a port.
const HOSTS: &[&str] = &[
    "example.com",
    "a.example.com",
    "b.example.com",
    "x.a.example.com",
    "y.x.a.example.com",
    "foo.example.com",
    "other.org",
    "a.other.org",
    "bar.org",
    "unrelated.net",
    "A.Example.COM",
    "a.example.com.",
    "a.example.com:80",
    "X.A.example.com.:8080",
];

/// A host as the router compares it: lower case, without port or one
/// trailing dot.
fn plain_host(raw: &str) -> String {
    let name = raw.split(':').next().unwrap_or(raw);
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

/// Spec 2.x hostname matching: `*.d` matches any host with at least one
/// more label in front of `.d`; else the names are equal.
fn host_matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix('*') {
        Some(suffix) => host.len() > suffix.len() && host.ends_with(suffix),
        None => pattern == host,
    }
}

/// The listener a host selects (spec 3.3): an exact hostname, else the
/// longest matching wildcard, else the listener without hostname.
fn selected_listener(listeners: &[Option<&str>], host: &str) -> Option<usize> {
    let exact = listeners.iter().position(|l| *l == Some(host));
    let wildcard = listeners
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            l.filter(|p| p.starts_with('*') && host_matches(p, host))
                .map(|p| (p.len(), i))
        })
        .max()
        .map(|(_, i)| i);
    let any = listeners.iter().position(Option::is_none);
    exact.or(wildcard).or(any)
}

// ---------------------------------------------------------------------------
// The properties

proptest! {
    #![proptest_config(config())]

    /// A request is forwarded (or mirrored) to a Service in another
    /// namespace than its route's only when a ReferenceGrant in the
    /// Service's namespace allows HTTPRoutes of the route's namespace to use
    /// it; and everything the oracle permits is reached (so the check is
    /// not vacuous).
    #[test]
    fn no_cross_namespace_backend_without_reference_grant(
        (routes, grants) in reference_case(),
    ) {
        let gw = gateway(&reference_world(&routes, &grants));
        let reached = reached(gw.router(), &routes);
        for &x in &reached {
            let i = x.route();
            for (ns, name) in x.services(&routes) {
                prop_assert!(
                    ns == routes[i].namespace
                        || grants.iter().any(|g| g.permits(routes[i].namespace, ns, name)),
                    "{:?}: r{} in {} reached {}/{} without a grant; grants: {:#?}",
                    x, i, routes[i].namespace, ns, name, grants
                );
            }
        }
        prop_assert_eq!(reached, permitted(&routes, &grants));
    }

    /// With a grant, a cross-namespace backendRef (and mirror) is
    /// reachable; after the grant is removed (and no other grant allows
    /// it), no request reaches it, and nothing else changes.
    #[test]
    fn removing_the_grant_removes_the_route(
        (mut routes, mut grants) in reference_case(),
        (from_ns, to_ns, service) in target(),
        grant_at in any::<prop::sample::Index>(),
    ) {
        // The references under test: route `t` (last), rule 0, forwards to
        // the target and mirrors to it, from the rule and the backendRef.
        let to = Some((Some(to_ns), service));
        routes.push(HttpRouteGen {
            namespace: from_ns,
            rules: vec![RuleGen {
                backends: vec![BackendGen { namespace: Some(to_ns), name: service, weight: 1, mirror: to }],
                mirror: to,
            }],
        });
        let t = routes.len() - 1;
        grants.retain(|g| !g.permits(from_ns, to_ns, service));
        let without = grants.clone();
        let the_grant = GrantGen {
            namespace: to_ns,
            from: vec![(GROUP, "HTTPRoute", from_ns)],
            to: vec![("", "Service", Some(service))],
        };
        let mut with = grants;
        with.insert(grant_at.index(with.len() + 1), the_grant);

        let reached_with = reached(gateway(&reference_world(&routes, &with)).router(), &routes);
        for x in [Reach::Backend(t, 0, 0), Reach::RuleMirror(t, 0), Reach::BackendMirror(t, 0, 0)] {
            prop_assert!(reached_with.contains(&x), "granted {:?} not reached", x);
        }
        prop_assert_eq!(&reached_with, &permitted(&routes, &with));

        let reached_without = reached(gateway(&reference_world(&routes, &without)).router(), &routes);
        // Exactly the traffic the grant allowed disappears.
        let allowed_by_the_grant: BTreeSet<Reach> = reached_with
            .iter()
            .copied()
            .filter(|x| {
                routes[x.route()].namespace == from_ns
                    && x.services(&routes).contains(&(to_ns, service))
            })
            .collect();
        prop_assert!(
            reached_without.is_disjoint(&allowed_by_the_grant),
            "still reached without the grant: {:?}",
            reached_without.intersection(&allowed_by_the_grant).collect::<Vec<_>>()
        );
        let expected: BTreeSet<Reach> =
            reached_with.difference(&allowed_by_the_grant).copied().collect();
        prop_assert_eq!(reached_without, expected);
    }

    /// A route reaches a listener only when one of its parentRefs selects
    /// that listener and the listener's allowedRoutes admits the route's
    /// namespace (All, Same, Selector over namespace labels) and kind. The
    /// converse is checked too, so that refusing everything cannot pass.
    #[test]
    fn no_route_attaches_where_allowed_routes_excludes_it(
        labels in prop::collection::vec(namespace_labels(), NAMESPACES.len()),
        (listeners, routes) in prop::collection::vec(listener(), 1..4).prop_flat_map(|ls| {
            let n = ls.len();
            (Just(ls), prop::collection::vec(attach_route(n), 1..6))
        }),
    ) {
        let mut objects = Vec::new();
        for (ns, labels) in NAMESPACES.iter().zip(&labels) {
            objects.push(namespace_object(ns, labels));
        }
        objects.extend(class_and_gateway(
            listeners.iter().enumerate().map(|(i, l)| l.object(i)).collect(),
        ));
        for (i, r) in routes.iter().enumerate() {
            let parent_refs: Vec<Value> = match &r.sections {
                None => vec![json!({"name": "gw", "namespace": "infra"})],
                Some(s) => s
                    .iter()
                    .map(|k| json!({"name": "gw", "namespace": "infra", "sectionName": format!("l{k}")}))
                    .collect(),
            };
            let kind = if r.grpc { "GRPCRoute" } else { "HTTPRoute" };
            objects.push(route_object(
                kind,
                r.namespace,
                &format!("r{i}"),
                json!({"parentRefs": parent_refs,
                       "hostnames": [format!("r{i}.example.com")],
                       "rules": [{}]}),
            ));
        }
        let gw = gateway(&objects);
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/grpc"));
        for (i, r) in routes.iter().enumerate() {
            let host = format!("r{i}.example.com");
            let (method, path) = if r.grpc {
                (Method::POST, "/pkg.Service/Method")
            } else {
                (Method::GET, "/x")
            };
            let ns_labels = &labels[NAMESPACES.iter().position(|n| *n == r.namespace).unwrap_or(0)];
            for (l, listener) in listeners.iter().enumerate() {
                let input = Input::new(&method, &host, path, &headers).with_port(port(l));
                let got = gw.router().route_input(&input).map(|m| (m.route.name.clone(), m.kind()));
                let selected = r.sections.as_ref().is_none_or(|s| s.contains(&l));
                let kind = if r.grpc { "GRPCRoute" } else { "HTTPRoute" };
                let allowed = listener.admits_namespace(r.namespace, ns_labels)
                    && listener.admits_kind(kind);
                let want = (selected && allowed).then(|| (format!("r{i}"), kind));
                prop_assert_eq!(
                    &got, &want,
                    "{} r{} in {} (labels {:?}) on listener l{} {:?}",
                    kind, i, r.namespace, ns_labels, l, listener
                );
            }
        }
    }

    /// A request reaches a route only when its host (lower-cased, without
    /// port or trailing dot) is in the intersection of the hostnames of the
    /// listener it selects and of the route. Conversely, when the selected
    /// listener has such a route, the request is routed.
    #[test]
    fn host_outside_hostname_intersection_never_reaches_route(
        listener_hostnames in prop::collection::btree_set(
            prop::option::of(select(LISTENER_HOSTNAMES)), 1..5),
        route_hostnames in prop::collection::vec(
            prop::option::of(prop::collection::btree_set(select(ROUTE_HOSTNAMES), 1..4)), 1..5),
    ) {
        let listener_hostnames: Vec<Option<&str>> = listener_hostnames.into_iter().collect();
        let mut objects = plain_namespaces_and_services();
        objects.extend(class_and_gateway(
            listener_hostnames
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let mut l = json!({"name": format!("l{i}"), "protocol": "HTTP", "port": 80,
                                       "allowedRoutes": {"namespaces": {"from": "All"}}});
                    if let Some(h) = h {
                        l["hostname"] = json!(h);
                    }
                    l
                })
                .collect(),
        ));
        for (i, hostnames) in route_hostnames.iter().enumerate() {
            let mut spec = json!({"parentRefs": [{"name": "gw", "namespace": "infra"}],
                                  "rules": [{"backendRefs": [{"name": "svc-0", "port": 80}]}]});
            if let Some(h) = hostnames {
                spec["hostnames"] = json!(h);
            }
            objects.push(route_object("HTTPRoute", "infra", &format!("r{i}"), spec));
        }
        let gw = gateway(&objects);
        let headers = HeaderMap::new();
        for raw in HOSTS {
            let host = plain_host(raw);
            let listener = selected_listener(&listener_hostnames, &host);
            let in_route = |i: usize| {
                route_hostnames[i]
                    .as_ref()
                    .is_none_or(|hs| hs.iter().any(|p| host_matches(p, &host)))
            };
            let candidates: Vec<usize> = (0..route_hostnames.len())
                .filter(|&i| listener.is_some() && in_route(i))
                .collect();
            let input = Input::new(&Method::GET, raw, "/", &headers);
            match gw.router().try_route_input(&input) {
                Ok(m) => {
                    let i: usize = m.route.name[1..].parse().expect("route names are r<i>");
                    let l: usize = m.listener.name[1..].parse().expect("listener names are l<i>");
                    let lh = listener_hostnames[l];
                    prop_assert!(
                        lh.is_none_or(|p| host_matches(p, &host)) && in_route(i),
                        "{} reached r{} {:?} via listener {:?}", raw, i, route_hostnames[i], lh
                    );
                    prop_assert_eq!(Some(l), listener, "{} selected another listener", raw);
                }
                Err(e) => {
                    prop_assert!(
                        candidates.is_empty(),
                        "{} refused ({:?}) though routes {:?} match it on listener {:?}",
                        raw, e, candidates, listener.map(|l| listener_hostnames[l])
                    );
                    let want = if listener.is_some() { NoRoute::NoRule } else { NoRoute::NoListener };
                    prop_assert_eq!(e, want, "{}", raw);
                }
            }
        }
    }
}

/// Mirrors are references too: a RequestMirror filter on a backendRef that
/// names a Service in another namespace without a ReferenceGrant gets no
/// copies (the route reports `ResolvedRefs=False/RefNotPermitted`), and it
/// does once a grant allows it. Found while writing the properties above:
/// backendRef-level mirror targets were compiled as written, ignoring the
/// resolution that validation had done.
#[test]
fn backend_level_mirror_needs_a_reference_grant_too() {
    let route = route_object(
        "HTTPRoute",
        "ns-a",
        "r0",
        json!({"parentRefs": [{"name": "gw", "namespace": "infra"}],
        "rules": [{"backendRefs": [{"name": "svc-0", "port": 80, "filters": [
            {"type": "RequestMirror",
             "requestMirror": {"backendRef": {"name": "svc-1", "namespace": "ns-b", "port": 80}}}
        ]}]}]}),
    );
    let mut objects = plain_namespaces_and_services();
    objects.extend(class_and_gateway(vec![json!({
        "name": "http", "protocol": "HTTP", "port": 80,
        "allowedRoutes": {"namespaces": {"from": "All"}}
    })]));
    objects.push(route);
    let mirrors = |objects: &[Value]| -> Vec<String> {
        let gw = gateway(objects);
        let decision = gw.get("http://example.com/").decide();
        assert!(
            matches!(&decision.action, gateway_match::Action::Forward { backend } if backend.name == "svc-0"),
            "{decision:?}"
        );
        decision
            .mirrors
            .iter()
            .map(|m| format!("{}/{}", m.backend.namespace, m.backend.name))
            .collect()
    };
    assert_eq!(
        mirrors(&objects),
        Vec::<String>::new(),
        "mirrored without a grant"
    );
    let grant = GrantGen {
        namespace: "ns-b",
        from: vec![(GROUP, "HTTPRoute", "ns-a")],
        to: vec![("", "Service", Some("svc-1"))],
    };
    objects.push(grant.object("g"));
    assert_eq!(mirrors(&objects), vec!["ns-b/svc-1".to_owned()]);
}
