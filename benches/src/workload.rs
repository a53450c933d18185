//! Generated routing workloads: `rules` HTTPRoute rules spread over `hosts`
//! hostnames (a tenth of them wildcards when there are several), with paths
//! that are 60% `PathPrefix`, 30% `Exact` and 10% `RegularExpression`, and a
//! header condition on a tenth of the rules. Every rule has its own first
//! path segment, so each generated request has exactly one winning rule.

use gateway_match::Input;
use gateway_types::HttpRoute;
use gateway_types::http_route::{
    HttpBackendRef, HttpHeaderMatch, HttpPathMatch, HttpRouteMatch, HttpRouteRule, HttpRouteSpec,
};
use gateway_types::routing::{
    AttachedRoute, ListenerRouting, ResolvedBackend, RouteObject, RuleRouting,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method};

/// Rules per generated HTTPRoute.
const RULES_PER_ROUTE: usize = 8;

/// What kind of path a rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// `PathPrefix`.
    Prefix,
    /// `Exact`.
    Exact,
    /// `RegularExpression`.
    Regex,
}

/// The path kind of rule `i`: 60% prefix, 30% exact, 10% regex.
#[must_use]
pub fn path_kind(i: usize) -> PathKind {
    match i % 10 {
        0..=5 => PathKind::Prefix,
        6..=8 => PathKind::Exact,
        _ => PathKind::Regex,
    }
}

/// Whether rule `i` has a header condition (a tenth of the rules).
#[must_use]
pub fn has_header(i: usize) -> bool {
    i % 10 == 3
}

/// The hostname pattern of host `k` and a request host it matches.
#[must_use]
pub fn host(k: usize, hosts: usize) -> (String, String) {
    if hosts > 1 && k.is_multiple_of(10) {
        (
            format!("*.w{k}.example.com"),
            format!("app.w{k}.example.com"),
        )
    } else {
        let h = format!("h{k}.example.com");
        (h.clone(), h)
    }
}

/// A request of the workload, and the rule it must reach.
#[derive(Debug, Clone)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The Host.
    pub host: String,
    /// The path.
    pub path: String,
    /// The headers.
    pub headers: HeaderMap,
    /// The index of the rule it must reach.
    pub rule: usize,
    /// The kind of path that rule matches.
    pub kind: PathKind,
}

impl Request {
    /// The router input for this request (HTTP, port 80).
    #[must_use]
    pub fn input(&self) -> Input<'_> {
        Input::new(&self.method, &self.host, &self.path, &self.headers)
    }
}

/// A generated workload.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Number of rules.
    pub rules: usize,
    /// Number of hosts.
    pub hosts: usize,
    /// One HTTP listener on port 80 (no hostname) with every route attached.
    pub listener: ListenerRouting,
    /// One request per rule, in rule order.
    pub requests: Vec<Request>,
    /// The route templates of the same rules for matchit (exact paths, and
    /// each prefix as `prefix` and `prefix/{*rest}`; regexes left out).
    pub matchit_routes: Vec<String>,
}

impl Workload {
    /// Requests that reach exact or prefix rules.
    pub fn exact_or_prefix(&self) -> impl Iterator<Item = &Request> {
        self.requests.iter().filter(|r| r.kind != PathKind::Regex)
    }

    /// Requests that reach regex rules.
    pub fn regex(&self) -> impl Iterator<Item = &Request> {
        self.requests.iter().filter(|r| r.kind == PathKind::Regex)
    }
}

fn rule(i: usize) -> (HttpRouteRule, Request, Vec<String>) {
    let kind = path_kind(i);
    let (path_match, request_path, templates) = match kind {
        PathKind::Prefix => {
            let p = format!("/svc{i}/api");
            let templates = vec![p.clone(), format!("{p}/{{*rest}}")];
            (
                HttpPathMatch::prefix(&p),
                format!("{p}/users/42"),
                templates,
            )
        }
        PathKind::Exact => {
            let p = format!("/svc{i}/api/v1/items");
            (HttpPathMatch::exact(&p), p.clone(), vec![p])
        }
        PathKind::Regex => (
            HttpPathMatch::regex(format!("/svc{i}/items/[0-9]+")),
            format!("/svc{i}/items/12345"),
            Vec::new(),
        ),
    };
    let mut m = HttpRouteMatch::path(path_match);
    let mut headers = HeaderMap::new();
    if has_header(i) {
        let value = format!("t{i}");
        m.headers = Some(vec![HttpHeaderMatch::exact("x-tenant", &value)]);
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static("x-tenant"), v);
        }
    }
    let mut r = HttpRouteRule::default();
    r.matches = Some(vec![m]);
    r.backend_refs = Some(vec![HttpBackendRef::service(format!("svc{i}"), 8080)]);
    let request = Request {
        method: Method::GET,
        host: String::new(),
        path: request_path,
        headers,
        rule: i,
        kind,
    };
    (r, request, templates)
}

fn routing(i: usize) -> RuleRouting {
    let mut backend = ResolvedBackend::default();
    backend.kind = "Service".to_owned();
    backend.namespace = "bench".to_owned();
    backend.name = format!("svc{i}");
    backend.port = Some(8080);
    backend.weight = 1;
    let mut r = RuleRouting::default();
    r.valid = true;
    r.backends = vec![backend];
    r
}

/// Generates the workload of `rules` rules over `hosts` hosts.
#[must_use]
pub fn workload(rules: usize, hosts: usize) -> Workload {
    let hosts = hosts.max(1);
    let mut per_host: Vec<Vec<usize>> = vec![Vec::new(); hosts.min(rules.max(1))];
    let buckets = per_host.len();
    for i in 0..rules {
        per_host[i % buckets].push(i);
    }
    let mut listener = ListenerRouting::new("http", 80, "HTTP", None);
    let mut requests = Vec::with_capacity(rules);
    let mut matchit_routes = Vec::new();
    for (k, indices) in per_host.iter().enumerate() {
        let (pattern, request_host) = host(k, hosts);
        for (j, chunk) in indices.chunks(RULES_PER_ROUTE).enumerate() {
            let mut spec = HttpRouteSpec::default();
            spec.hostnames = Some(vec![pattern.clone()]);
            let mut route_rules = Vec::with_capacity(chunk.len());
            let mut view_rules = Vec::with_capacity(chunk.len());
            for &i in chunk {
                let (r, mut request, templates) = rule(i);
                request.host.clone_from(&request_host);
                route_rules.push(r);
                view_rules.push(routing(i));
                requests.push(request);
                matchit_routes.extend(templates);
            }
            spec.rules = Some(route_rules);
            let route = HttpRoute::new(&format!("r{k}-{j}"), spec).in_namespace("bench");
            let mut attached = AttachedRoute::new(RouteObject::Http(route.into()));
            attached.rules = view_rules;
            listener.routes.push(attached);
        }
    }
    requests.sort_by_key(|r| r.rule);
    Workload {
        rules,
        hosts,
        listener,
        requests,
        matchit_routes,
    }
}

/// A request order that visits the requests in a scattered but fixed order
/// (so lookups do not walk memory in build order), `count` long.
#[must_use]
pub fn scattered<'a>(requests: &[&'a Request], count: usize) -> Vec<&'a Request> {
    if requests.is_empty() {
        return Vec::new();
    }
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    (0..count)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            requests[(state % requests.len() as u64) as usize]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use gateway_match::Router;

    #[test]
    fn every_request_reaches_its_rule() {
        for (rules, hosts) in [(10, 1), (100, 1000), (1000, 1000)] {
            let w = workload(rules, hosts);
            assert_eq!(w.requests.len(), rules);
            let mut b = Router::builder();
            b.add_listener(w.listener.clone());
            let router = b.build().expect("builds");
            for r in &w.requests {
                let m = router.route_input(&r.input()).expect("routed");
                assert_eq!(m.backends()[0].name, format!("svc{}", r.rule), "{r:?}");
            }
        }
    }

    #[test]
    fn the_mix_is_60_30_10_with_a_tenth_headers() {
        let w = workload(1000, 1);
        let count = |k: PathKind| w.requests.iter().filter(|r| r.kind == k).count();
        assert_eq!(
            (
                count(PathKind::Prefix),
                count(PathKind::Exact),
                count(PathKind::Regex)
            ),
            (600, 300, 100)
        );
        assert_eq!(
            w.requests.iter().filter(|r| !r.headers.is_empty()).count(),
            100
        );
    }
}
