//! A reference matcher: a plain scan over every rule of the selected
//! listener, written to be obviously correct rather than fast.
//!
//! It implements the same semantics as [`Router`](crate::Router) (see the
//! crate docs, `# Precedence`) in the most direct way: for every match of
//! every served rule it checks each condition, computes the whole precedence
//! key as a tuple, and keeps the smallest. Property tests compare the two on
//! random route sets and requests; the benchmarks use it as the baseline.
//!
//! It shares only the normalisation and hostname helpers ([`crate::path`],
//! [`crate::host`]) with the router, and assumes every rule compiles (the
//! router reports those that do not).
//!
//! # Examples
//!
//! ```
//! # use gateway_match::__doc_support::http_listener;
//! use gateway_match::reference::Reference;
//! use gateway_match::{Config, Input, Router};
//! use http::{HeaderMap, Method};
//!
//! let listener = http_listener(&[("default/web", r#"{"rules": [
//!     {"matches": [{"path": {"type": "PathPrefix", "value": "/a"}}]}]}"#)])?;
//! let reference = Reference::new(std::slice::from_ref(&listener), &Config::new());
//! let mut builder = Router::builder();
//! builder.add_listener(listener);
//! let router = builder.build().map_err(|e| format!("{e:?}"))?;
//!
//! let headers = HeaderMap::new();
//! let input = Input::new(&Method::GET, "example.com", "/a/b", &headers);
//! let expected = reference.route(&input).ok();
//! let got = router.route_input(&input).map(|m| (m.listener_index(), m.route_index(), m.rule_index, m.match_index));
//! assert_eq!(got, expected.map(|r| (r.listener, r.route, r.rule, r.matched)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cmp::Reverse;
use std::collections::HashMap;

use gateway_types::grpc_route::{GrpcHeaderMatchType, GrpcMethodMatchType, GrpcRouteMatch};
use gateway_types::http_route::{
    HeaderMatchType, HttpRouteMatch, PathMatchType, QueryParamMatchType,
};
use gateway_types::routing::{AttachedRoute, ListenerRouting, RouteObject};
use http::{HeaderMap, Method};

use crate::host::{host_matches, intersect, normalize_host};
use crate::input::{Input, Scheme};
use crate::path::{NormalizeOptions, normalize_path, segment_prefix_match};
use crate::router::{Config, NoRoute};

/// The winner the reference found, by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefMatch {
    /// Index of the listener in the slice given to [`Reference::new`].
    pub listener: usize,
    /// Position of the route in the listener's `routes`.
    pub route: usize,
    /// Rule index.
    pub rule: usize,
    /// Match index (0 for a rule without matches).
    pub matched: usize,
}

/// The reference matcher. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct Reference {
    listeners: Vec<ListenerRouting>,
    path_options: NormalizeOptions,
    misdirected: bool,
    text: HashMap<String, regex::Regex>,
    bytes: HashMap<String, regex::bytes::Regex>,
}

/// How specific a hostname pattern is for a host: exact, then wildcards
/// (longer first), then "any". `None`: it does not match.
fn host_rank(pattern: Option<&str>, host: &str) -> Option<(u8, Reverse<usize>)> {
    match pattern {
        None => Some((2, Reverse(0))),
        Some(p) if p.starts_with("*.") => host_matches(p, host).then_some((1, Reverse(p.len()))),
        Some(p) => p.eq_ignore_ascii_case(host).then_some((0, Reverse(0))),
    }
}

/// The precedence key of a candidate match, smallest wins.
type Key = (
    (u8, Reverse<usize>),
    Specific,
    (bool, i64, String, usize),
    usize,
    usize,
);

/// The kind-specific part of the key. gRPC matches come before HTTPRoute
/// matches at the same hostname (only gRPC calls reach GRPCRoutes).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Specific {
    /// Service length, method length, regex, header count.
    Grpc(Reverse<usize>, Reverse<usize>, bool, Reverse<usize>),
    /// Path class (0 exact, 1 regex, 2 prefix), path length, method, header
    /// count, query count.
    Http(
        u8,
        Reverse<usize>,
        Reverse<bool>,
        Reverse<usize>,
        Reverse<usize>,
    ),
}

impl Reference {
    /// A reference over these listeners, with the router options that
    /// change matching (path normalisation, misdirected-request detection).
    #[must_use]
    pub fn new(listeners: &[ListenerRouting], config: &Config) -> Self {
        let mut reference = Self {
            listeners: listeners.to_vec(),
            path_options: config.path_options_value(),
            misdirected: config.detect_misdirected_value(),
            text: HashMap::new(),
            bytes: HashMap::new(),
        };
        reference.compile_patterns();
        reference
    }

    fn compile_patterns(&mut self) {
        let mut text = Vec::new();
        let mut bytes = Vec::new();
        for l in &self.listeners {
            for r in &l.routes {
                match &r.route {
                    RouteObject::Http(route) => {
                        for rule in route.spec.rules_or_default() {
                            for m in rule.effective_matches() {
                                let p = m.path_or_default();
                                if *p.type_or_default() == PathMatchType::RegularExpression {
                                    text.push(p.value_or_default().to_owned());
                                }
                                for h in m.headers.iter().flatten() {
                                    if *h.type_or_default() == HeaderMatchType::RegularExpression {
                                        bytes.push(h.value.clone());
                                    }
                                }
                                for q in m.query_params.iter().flatten() {
                                    if *q.type_or_default()
                                        == QueryParamMatchType::RegularExpression
                                    {
                                        bytes.push(q.value.clone());
                                    }
                                }
                            }
                        }
                    }
                    RouteObject::Grpc(route) => {
                        for rule in route.spec.rules.iter().flatten() {
                            for m in rule.matches.iter().flatten() {
                                if let Some(mm) = &m.method
                                    && *mm.type_or_default()
                                        == GrpcMethodMatchType::RegularExpression
                                {
                                    text.extend(mm.service.clone());
                                    text.extend(mm.method.clone());
                                }
                                for h in m.headers.iter().flatten() {
                                    if *h.type_or_default()
                                        == GrpcHeaderMatchType::RegularExpression
                                    {
                                        bytes.push(h.value.clone());
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        for p in text {
            if let Ok(re) = regex::Regex::new(&format!("^(?:{p})$")) {
                self.text.insert(p, re);
            }
        }
        for p in bytes {
            if let Ok(re) = regex::bytes::Regex::new(&format!("^(?:{p})$")) {
                self.bytes.insert(p, re);
            }
        }
    }

    /// The listener for `host` among the ready listeners on `port` with
    /// `protocol`: the most specific hostname, the first on ties.
    fn select(&self, port: u16, protocol: &str, host: &str) -> Option<usize> {
        self.listeners
            .iter()
            .enumerate()
            .filter(|(_, l)| l.ready && l.port == i32::from(port) && l.protocol == protocol)
            .filter_map(|(i, l)| host_rank(l.hostname.as_deref(), host).map(|r| (r, i)))
            .min()
            .map(|(_, i)| i)
    }

    /// The winning rule for an HTTP or gRPC request, or why there is none.
    ///
    /// # Errors
    ///
    /// As [`Router::try_route_input`](crate::Router::try_route_input).
    pub fn route(&self, input: &Input<'_>) -> Result<RefMatch, NoRoute> {
        let host = normalize_host(input.host).map_err(NoRoute::InvalidHost)?;
        let listener = match (input.scheme, input.sni.filter(|s| !s.is_empty())) {
            (Scheme::Http, _) => self.select(input.port, "HTTP", &host),
            (Scheme::Https, None) => self.select(input.port, "HTTPS", &host),
            (Scheme::Https, Some(sni)) => {
                let sni = normalize_host(sni).map_err(|_| NoRoute::NoListener)?;
                let by_sni = self.select(input.port, "HTTPS", &sni);
                if self.misdirected && by_sni.is_some() {
                    match self.select(input.port, "HTTPS", &host) {
                        None => return Err(NoRoute::NoListener),
                        Some(by_host) if Some(by_host) != by_sni => {
                            return Err(NoRoute::Misdirected);
                        }
                        Some(_) => {}
                    }
                }
                by_sni
            }
        };
        let li = listener.ok_or(NoRoute::NoListener)?;
        let path = normalize_path(input.path, self.path_options).map_err(NoRoute::InvalidPath)?;
        let grpc = if input.is_grpc() {
            grpc_path(&path)
        } else {
            None
        };
        let l = &self.listeners[li];
        let mut best: Option<(Key, RefMatch)> = None;
        for (pos, attached) in l.routes.iter().enumerate() {
            let Some(host_key) = self.route_host_rank(l, attached, &host) else {
                continue;
            };
            let route_key = (
                attached.created.is_none(),
                attached.created.unwrap_or(0),
                format!("{}/{}", attached.namespace, attached.name),
                pos,
            );
            let served = |ri: usize| attached.rules.get(ri).is_none_or(|r| r.valid);
            let mut consider = |specific: Specific, ri: usize, mi: usize| {
                let key = (host_key, specific, route_key.clone(), ri, mi);
                if best.as_ref().is_none_or(|(b, _)| key < *b) {
                    let m = RefMatch {
                        listener: li,
                        route: pos,
                        rule: ri,
                        matched: mi,
                    };
                    best = Some((key, m));
                }
            };
            match &attached.route {
                RouteObject::Http(route) => {
                    for (ri, rule) in route.spec.rules_or_default().iter().enumerate() {
                        if !served(ri) {
                            continue;
                        }
                        for (mi, m) in rule.effective_matches().iter().enumerate() {
                            if let Some(specific) = self.http_match(m, input, &path) {
                                consider(specific, ri, mi);
                            }
                        }
                    }
                }
                RouteObject::Grpc(route) => {
                    let Some((service, method)) = grpc else {
                        continue;
                    };
                    for (ri, rule) in route.spec.rules.iter().flatten().enumerate() {
                        if !served(ri) {
                            continue;
                        }
                        let all = [GrpcRouteMatch::default()];
                        let matches = match rule.matches.as_deref() {
                            Some(m) if !m.is_empty() => m,
                            _ => &all[..],
                        };
                        for (mi, m) in matches.iter().enumerate() {
                            if let Some(specific) =
                                self.grpc_match(m, input.headers, service, method)
                            {
                                consider(specific, ri, mi);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        best.map(|(_, m)| m).ok_or(NoRoute::NoRule)
    }

    /// The best rank among the route's effective hostnames on the listener
    /// that match `host`.
    fn route_host_rank(
        &self,
        l: &ListenerRouting,
        r: &AttachedRoute,
        host: &str,
    ) -> Option<(u8, Reverse<usize>)> {
        let listener = l.hostname.as_deref();
        match r.hostnames.as_deref().filter(|h| !h.is_empty()) {
            None => host_rank(listener, host),
            Some(hostnames) => hostnames
                .iter()
                .filter_map(|h| intersect(listener, h))
                .filter_map(|e| host_rank(Some(e), host))
                .min(),
        }
    }

    fn http_match(&self, m: &HttpRouteMatch, input: &Input<'_>, path: &str) -> Option<Specific> {
        let p = m.path_or_default();
        let value = p.value_or_default();
        let (class, len) = match p.type_or_default() {
            PathMatchType::Exact => {
                let v = normalize_path(value, self.path_options).ok()?;
                (v == path).then_some((0, v.len()))?
            }
            PathMatchType::PathPrefix => {
                let v = normalize_path(value, self.path_options).ok()?;
                segment_prefix_match(path, &v).then_some((2, v.len()))?
            }
            PathMatchType::RegularExpression => self
                .text
                .get(value)?
                .is_match(path)
                .then_some((1, value.len()))?,
            _ => return None,
        };
        if let Some(method) = &m.method
            && Method::from_bytes(method.as_str().as_bytes()).ok().as_ref() != Some(input.method)
        {
            return None;
        }
        let mut header_names: Vec<String> = Vec::new();
        for h in m.headers.iter().flatten() {
            let name = h.name.to_ascii_lowercase();
            if header_names.contains(&name) {
                continue;
            }
            header_names.push(name);
            let regex = *h.type_or_default() == HeaderMatchType::RegularExpression;
            if !self.header_ok(input.headers, &h.name, &h.value, regex) {
                return None;
            }
        }
        let mut query_names: Vec<&str> = Vec::new();
        for q in m.query_params.iter().flatten() {
            if query_names.contains(&q.name.as_str()) {
                continue;
            }
            query_names.push(&q.name);
            let actual = first_query_value(input.query, &q.name)?;
            let ok = if *q.type_or_default() == QueryParamMatchType::RegularExpression {
                self.bytes
                    .get(&q.value)
                    .is_some_and(|re| re.is_match(&actual))
            } else {
                actual == q.value.as_bytes()
            };
            if !ok {
                return None;
            }
        }
        Some(Specific::Http(
            class,
            Reverse(len),
            Reverse(m.method.is_some()),
            Reverse(header_names.len()),
            Reverse(query_names.len()),
        ))
    }

    fn header_ok(&self, headers: &HeaderMap, name: &str, value: &str, regex: bool) -> bool {
        let values: Vec<&[u8]> = headers.get_all(name).iter().map(|v| v.as_bytes()).collect();
        if values.is_empty() {
            return false;
        }
        let joined = values.join(&b","[..]);
        if regex {
            self.bytes.get(value).is_some_and(|re| re.is_match(&joined))
        } else {
            joined == value.as_bytes()
        }
    }

    fn grpc_match(
        &self,
        m: &GrpcRouteMatch,
        headers: &HeaderMap,
        service: &str,
        method: &str,
    ) -> Option<Specific> {
        let (s_len, m_len, regex) = match &m.method {
            None => (0, 0, false),
            Some(mm) => {
                let regex = *mm.type_or_default() == GrpcMethodMatchType::RegularExpression;
                let check = |want: &Option<String>, got: &str| match want {
                    None => true,
                    Some(w) if regex => self.text.get(w).is_some_and(|re| re.is_match(got)),
                    Some(w) => w == got,
                };
                if !check(&mm.service, service) || !check(&mm.method, method) {
                    return None;
                }
                (
                    mm.service.as_ref().map_or(0, String::len),
                    mm.method.as_ref().map_or(0, String::len),
                    regex,
                )
            }
        };
        let mut names: Vec<String> = Vec::new();
        for h in m.headers.iter().flatten() {
            let name = h.name.to_ascii_lowercase();
            if names.contains(&name) {
                continue;
            }
            names.push(name);
            let regex = *h.type_or_default() == GrpcHeaderMatchType::RegularExpression;
            if !self.header_ok(headers, &h.name, &h.value, regex) {
                return None;
            }
        }
        Some(Specific::Grpc(
            Reverse(s_len),
            Reverse(m_len),
            regex,
            Reverse(names.len()),
        ))
    }
}

/// `(service, method)` of a `/service/method` path.
fn grpc_path(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix('/')?;
    let (service, method) = rest.split_once('/')?;
    if service.is_empty() || method.is_empty() || method.contains('/') {
        return None;
    }
    Some((service, method))
}

/// The percent-decoded value of the first query pair whose decoded name is
/// `name`.
fn first_query_value(query: Option<&str>, name: &str) -> Option<Vec<u8>> {
    for pair in query?.split('&') {
        if pair.is_empty() {
            continue;
        }
        let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
        if decode(n) == name.as_bytes() {
            return Some(decode(v));
        }
    }
    None
}

fn decode(raw: &str) -> Vec<u8> {
    let b = raw.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}
