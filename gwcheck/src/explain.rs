//! Where a request goes and why, for `gwcheck route`: the listener chosen,
//! the candidate rules in precedence order with the reason each lost, the
//! winner, the request after filters, the backends and their weights.
//!
//! The winner and everything after it come from the compiled router
//! (`gateway-match`). The list of candidates is an explanation built beside
//! it: each match of each rule attached to the listener is evaluated on its
//! own and ordered by the specification's precedence, so a reader sees why
//! the winner won. Should the explanation ever predict another winner than
//! the router, the router's answer stands and the output says so.
//!
//! # Example
//!
//! ```
//! use gwcheck::explain::{explain, parse_request};
//! use gwcheck::manifests;
//! use gwcheck::testfile::NamespacedName;
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/manifests/store.yaml");
//! let (_, _, report) =
//!     manifests::load_and_validate(&[path.into()], &gateway_validate::Options::new())?;
//! let request = parse_request("GET http://shop.store.example.com/cart", &[], None, None)?;
//! let gateway: NamespacedName = "infra/edge".parse()?;
//! let explanation = explain(&report, &gateway, &request);
//! assert!(!explanation.outcome.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cmp::Ordering;
use std::fmt::Write as _;

use gateway_match::Router;
use gateway_match::decision::{Action, HeaderEdit};
use gateway_match::host::host_matches;
use gateway_match::path::segment_prefix_match;
use gateway_types::grpc_route::GrpcRouteMatch;
use gateway_types::http_route::HttpRouteMatch;
use gateway_types::routing::{AttachedRoute, ListenerRouting, RouteObject};
use gateway_validate::Report;
use serde::Serialize;
use serde_json::json;

use crate::runner::request::{self, Found};
use crate::runner::{Coverage, RuleKey};
use crate::testfile::{NamespacedName, Request, RequestTarget};

/// How a candidate fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", content = "reason", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Verdict {
    /// The router chose it.
    Won,
    /// It matches, but a candidate before it has precedence (why).
    Outranked(String),
    /// It does not match the request (why).
    NoMatch(String),
}

/// One match of one rule, as a candidate for the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// `HTTPRoute ns/name`.
    pub route: String,
    /// The rule index.
    pub rule: usize,
    /// The match index within the rule (`0` for a rule without matches).
    pub match_index: usize,
    /// The match, in words: `PathPrefix /v2, header x-canary: yes`.
    pub conditions: String,
    /// How it fared.
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// A backend of the winning rule and its share.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendShare {
    /// `ns/name:port`.
    pub backend: String,
    /// Its weight.
    pub weight: u32,
    /// Its share of requests, in percent.
    pub percent: f64,
    /// Why it cannot take requests (its share answers 500), when it cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid: Option<String>,
}

/// The request as the backend receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Upstream {
    /// The method.
    pub method: String,
    /// The Host sent upstream.
    pub host: String,
    /// The path and query after rewrites.
    pub path: String,
    /// The headers after modifiers, in order.
    pub headers: Vec<(String, String)>,
    /// The TLS server name towards the backend (BackendTLSPolicy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_sni: Option<String>,
}

/// Where a request goes and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// The request, in words.
    pub request: String,
    /// The Gateway.
    pub gateway: String,
    /// The listener chosen, in words, if one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listener: Option<String>,
    /// The outcome: `backend ns/name:port`, `status 404`, `redirect 301
    /// https://...`, `rejected (...)`.
    pub outcome: String,
    /// The winning rule, if a rule matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub winner: Option<String>,
    /// Every candidate match on the listener, in precedence order.
    pub candidates: Vec<Candidate>,
    /// The backends of the winning rule and their shares.
    pub backends: Vec<BackendShare>,
    /// The request as forwarded, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream: Option<Upstream>,
    /// Response header edits: `set name: value`, `add name: value`,
    /// `remove name`.
    pub response_edits: Vec<String>,
    /// Mirrors: `ns/name:port 100%`.
    pub mirrors: Vec<String>,
    /// Things worth knowing (a disagreement between the explanation and the
    /// router, a router that does not build).
    pub notes: Vec<String>,
}

/// Builds a request from the command line: `"GET https://host/path?q"` (or
/// the URL alone for GET), `grpc://HOST[:PORT]/SERVICE/METHOD`,
/// `tls://SNI:PORT`, `tcp://:PORT` or `udp://:PORT`;
/// headers as `name: value`; `host` and `sni` override the URL's.
///
/// # Errors
///
/// A request line, header or override that does not parse.
pub fn parse_request(
    line: &str,
    headers: &[String],
    host: Option<&str>,
    sni: Option<&str>,
) -> Result<Request, String> {
    let line = line.trim();
    let (method, target) = match line.split_once(char::is_whitespace) {
        Some((method, target)) => (Some(method.trim()), target.trim()),
        None => (None, line),
    };
    let mut value = serde_json::Map::new();
    let stream = |rest: &str| -> Result<(String, u16), String> {
        let (host, port) = rest.rsplit_once(':').unwrap_or(("", rest));
        let port = port
            .trim_end_matches('/')
            .parse::<u16>()
            .map_err(|_| format!("{target}: needs a port, e.g. tcp://:5000"))?;
        Ok((host.to_owned(), port))
    };
    if let Some(rest) = target.strip_prefix("tls://") {
        let (server, port) = stream(rest)?;
        value.insert("sni".into(), json!(sni.unwrap_or(&server)));
        value.insert("port".into(), json!(port));
    } else if let Some(rest) = target.strip_prefix("grpc://") {
        let (authority, call) = rest.split_once('/').unwrap_or((rest, ""));
        let (service, method) = call
            .trim_end_matches('/')
            .rsplit_once('/')
            .ok_or_else(|| format!("{target}: must be grpc://HOST[:PORT]/SERVICE/METHOD"))?;
        let (host_part, port) = crate::testfile::split_host_port(authority)
            .map_err(|e| format!("{target}: {}", e.message()))?;
        let mut call = serde_json::Map::new();
        call.insert("host".into(), json!(host.unwrap_or(host_part)));
        call.insert("service".into(), json!(service));
        call.insert("method".into(), json!(method));
        value.insert("grpc".into(), serde_json::Value::Object(call));
        if let Some(port) = port {
            value.insert("port".into(), json!(port));
        }
        if let Some(sni) = sni {
            value.insert("sni".into(), json!(sni));
        }
        insert_headers(&mut value, headers)?;
    } else if let Some(rest) = target.strip_prefix("tcp://") {
        value.insert("port".into(), json!(stream(rest)?.1));
        value.insert("protocol".into(), json!("TCP"));
    } else if let Some(rest) = target.strip_prefix("udp://") {
        value.insert("port".into(), json!(stream(rest)?.1));
        value.insert("protocol".into(), json!("UDP"));
    } else {
        value.insert("url".into(), json!(target));
        if let Some(method) = method {
            value.insert("method".into(), json!(method.to_ascii_uppercase()));
        }
        if let Some(host) = host {
            value.insert("host".into(), json!(host));
        }
        if let Some(sni) = sni {
            value.insert("sni".into(), json!(sni));
        }
        insert_headers(&mut value, headers)?;
    }
    serde_json::from_value(serde_json::Value::Object(value)).map_err(|e| format!("{line}: {e}"))
}

/// Adds `name: value` headers to a request being built (a name given twice
/// is sent twice).
fn insert_headers(
    value: &mut serde_json::Map<String, serde_json::Value>,
    headers: &[String],
) -> Result<(), String> {
    let mut map = serde_json::Map::new();
    for header in headers {
        let (name, v) = header
            .split_once(':')
            .ok_or_else(|| format!("header {header:?}: must be `name: value`"))?;
        let (name, v) = (name.trim().to_ascii_lowercase(), v.trim().to_owned());
        match map.get_mut(&name) {
            Some(serde_json::Value::Array(list)) => list.push(json!(v)),
            Some(one) => *one = json!([one.clone(), v]),
            None => {
                map.insert(name, json!(v));
            }
        }
    }
    if !map.is_empty() {
        value.insert("headers".into(), serde_json::Value::Object(map));
    }
    Ok(())
}

/// The request's host name, lower case, without port or trailing dot.
fn host_of(request: &Request) -> String {
    request
        .host_name()
        .unwrap_or("")
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// How a route's hostnames fit the host: `Ok(rank)` (higher is more
/// specific) or why not.
fn host_fit(route: &AttachedRoute, host: &str) -> Result<usize, String> {
    let Some(names) = &route.hostnames else {
        return Ok(0);
    };
    names
        .iter()
        .filter(|n| host_matches(n, host))
        .map(|n| {
            if n.starts_with('*') {
                n.len()
            } else {
                usize::MAX
            }
        })
        .max()
        .ok_or_else(|| {
            format!(
                "host {host} is not among its hostnames [{}]",
                names.join(", ")
            )
        })
}

/// A regular expression that must match the whole text.
fn full_match(pattern: &str, text: &str) -> Result<bool, String> {
    regex::Regex::new(&format!("^(?:{pattern})$"))
        .map(|re| re.is_match(text))
        .map_err(|e| format!("regular expression {pattern:?} does not compile: {e}"))
}

/// The precedence of a matching candidate; greater wins.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    host: usize,
    /// Exact 3, prefix 2, regular expression 1 (gRPC: service given).
    path_kind: u8,
    /// Prefix length (gRPC: service length).
    path_len: usize,
    /// Method given (gRPC: method length).
    method: usize,
    headers: usize,
    queries: usize,
    /// Older first: the negated creation time (unknown sorts last).
    age: std::cmp::Reverse<i64>,
    /// Alphabetical by namespace/name: reversed so that earlier is greater.
    name: std::cmp::Reverse<String>,
    rule: std::cmp::Reverse<usize>,
    match_index: std::cmp::Reverse<usize>,
}

impl Rank {
    /// Why `self` loses to `other`, in words.
    fn loses_to(&self, other: &Self) -> String {
        if self.host != other.host {
            "a route with a more specific hostname has precedence".to_owned()
        } else if (self.path_kind, self.path_len) != (other.path_kind, other.path_len) {
            "the winner's path match is more specific".to_owned()
        } else if self.method != other.method {
            "the winner also matches the method".to_owned()
        } else if self.headers != other.headers {
            format!(
                "the winner matches more headers ({} against {})",
                other.headers, self.headers
            )
        } else if self.queries != other.queries {
            format!(
                "the winner matches more query parameters ({} against {})",
                other.queries, self.queries
            )
        } else if self.age != other.age {
            "the winner's route is older".to_owned()
        } else if self.name != other.name {
            "the winner's route comes first by namespace/name".to_owned()
        } else {
            "an earlier rule or match of the same route wins".to_owned()
        }
    }
}

/// Evaluates an HTTPRoute match: its description and rank, or why it fails.
fn http_match(m: &HttpRouteMatch, request: &Request, url_path: &str, query: &str) -> Evaluated {
    let mut words = Vec::new();
    let mut rank = Rank {
        host: 0,
        path_kind: 2,
        path_len: 1,
        method: 0,
        headers: 0,
        queries: 0,
        age: std::cmp::Reverse(0),
        name: std::cmp::Reverse(String::new()),
        rule: std::cmp::Reverse(0),
        match_index: std::cmp::Reverse(0),
    };
    let mut failure: Option<String> = None;
    let mut fail = |why: String| {
        if failure.is_none() {
            failure = Some(why);
        }
    };
    let (kind, value) = m.path.as_ref().map_or(("PathPrefix", "/"), |p| {
        (p.type_or_default().as_str(), p.value_or_default())
    });
    words.push(format!("{kind} {value}"));
    match kind {
        "Exact" => {
            rank.path_kind = 3;
            rank.path_len = value.len();
            if url_path != value {
                fail(format!("path {url_path} is not {value}"));
            }
        }
        "RegularExpression" => {
            rank.path_kind = 1;
            rank.path_len = value.len();
            match full_match(value, url_path) {
                Ok(true) => {}
                Ok(false) => fail(format!("path {url_path} does not match /{value}/")),
                Err(e) => fail(e),
            }
        }
        _ => {
            rank.path_len = value.len();
            if !segment_prefix_match(url_path, value) {
                fail(format!(
                    "path {url_path} does not start with the segments of {value}"
                ));
            }
        }
    }
    if let Some(method) = &m.method {
        words.push(format!("method {}", method.as_str()));
        rank.method = 1;
        if request.method() != method.as_str() {
            fail(format!(
                "method {} is not {}",
                request.method(),
                method.as_str()
            ));
        }
    }
    for h in m.headers.iter().flatten() {
        let found = header_value(request, &h.name);
        let regex = h.type_or_default().as_str() == "RegularExpression";
        words.push(if regex {
            format!("header {} ~ /{}/", h.name, h.value)
        } else {
            format!("header {}: {}", h.name, h.value)
        });
        rank.headers += 1;
        let ok = match &found {
            None => Ok(false),
            Some(v) if regex => full_match(&h.value, v),
            Some(v) => Ok(*v == h.value),
        };
        match ok {
            Ok(true) => {}
            Ok(false) => fail(format!(
                "header {} is {}",
                h.name,
                found.map_or_else(|| "absent".to_owned(), |v| format!("{v:?}"))
            )),
            Err(e) => fail(e),
        }
    }
    for q in m.query_params.iter().flatten() {
        let found = query
            .split('&')
            .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
            .find(|(name, _)| *name == q.name)
            .map(|(_, v)| v.to_owned());
        let regex = q.type_or_default().as_str() == "RegularExpression";
        words.push(if regex {
            format!("query {} ~ /{}/", q.name, q.value)
        } else {
            format!("query {}={}", q.name, q.value)
        });
        rank.queries += 1;
        let ok = match &found {
            None => Ok(false),
            Some(v) if regex => full_match(&q.value, v),
            Some(v) => Ok(*v == q.value),
        };
        match ok {
            Ok(true) => {}
            Ok(false) => fail(format!(
                "query parameter {} is {}",
                q.name,
                found.map_or_else(|| "absent".to_owned(), |v| format!("{v:?}"))
            )),
            Err(e) => fail(e),
        }
    }
    (words.join(", "), failure.map_or(Ok(rank), Err))
}

/// Evaluates a GRPCRoute match.
fn grpc_match(m: &GrpcRouteMatch, request: &Request, service: &str, method: &str) -> Evaluated {
    let mut words = Vec::new();
    let mut rank = Rank {
        host: 0,
        path_kind: 0,
        path_len: 0,
        method: 0,
        headers: 0,
        queries: 0,
        age: std::cmp::Reverse(0),
        name: std::cmp::Reverse(String::new()),
        rule: std::cmp::Reverse(0),
        match_index: std::cmp::Reverse(0),
    };
    let mut failure: Option<String> = None;
    let mut fail = |why: String| {
        if failure.is_none() {
            failure = Some(why);
        }
    };
    if let Some(mm) = &m.method {
        let regex = mm.type_or_default().as_str() == "RegularExpression";
        if let Some(s) = &mm.service {
            words.push(format!("service {s}"));
            rank.path_kind = 1;
            rank.path_len = s.len();
            let ok = if regex {
                full_match(s, service)
            } else {
                Ok(s == service)
            };
            if !matches!(ok, Ok(true)) {
                fail(
                    ok.err()
                        .unwrap_or_else(|| format!("service {service} is not {s}")),
                );
            }
        }
        if let Some(x) = &mm.method {
            words.push(format!("method {x}"));
            rank.method = x.len();
            let ok = if regex {
                full_match(x, method)
            } else {
                Ok(x == method)
            };
            if !matches!(ok, Ok(true)) {
                fail(
                    ok.err()
                        .unwrap_or_else(|| format!("method {method} is not {x}")),
                );
            }
        }
    }
    for h in m.headers.iter().flatten() {
        let found = header_value(request, &h.name);
        let regex = h.type_or_default().as_str() == "RegularExpression";
        words.push(format!("header {}: {}", h.name, h.value));
        rank.headers += 1;
        let ok = match &found {
            None => Ok(false),
            Some(v) if regex => full_match(&h.value, v),
            Some(v) => Ok(*v == h.value),
        };
        if !matches!(ok, Ok(true)) {
            fail(
                ok.err()
                    .unwrap_or_else(|| format!("header {} does not match", h.name)),
            );
        }
    }
    if words.is_empty() {
        words.push("any call".to_owned());
    }
    (words.join(", "), failure.map_or(Ok(rank), Err))
}

/// A request header's value (several joined with commas), by name without
/// regard to case.
fn header_value(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.values().join(","))
}

/// A match described, with its rank or why it fails.
type Evaluated = (String, Result<Rank, String>);

/// Every candidate match on a listener, ranked (matching ones) or failed.
fn candidates(
    listener: &ListenerRouting,
    request: &Request,
) -> Vec<(Candidate, Option<Rank>, RuleKey)> {
    let host = host_of(request);
    let (path, query) = match request.target() {
        RequestTarget::Http(url) => (url.path().to_owned(), url.query().unwrap_or("").to_owned()),
        RequestTarget::Grpc(call) => (call.path(), String::new()),
        RequestTarget::Tls { .. } | RequestTarget::Stream { .. } => {
            return stream_candidates(listener, request);
        }
    };
    let grpc = matches!(request.target(), RequestTarget::Grpc(_));
    let mut out = Vec::new();
    for attached in &listener.routes {
        let title = format!(
            "{} {}/{}",
            attached.route.kind(),
            attached.namespace,
            attached.name
        );
        let host_rank = host_fit(attached, &host);
        let age = attached.created.unwrap_or(i64::MAX);
        let evaluated: Vec<(usize, Vec<Evaluated>)> = match (&attached.route, grpc) {
            (RouteObject::Http(route), false) => route
                .spec
                .rules
                .iter()
                .flatten()
                .enumerate()
                .map(|(i, rule)| {
                    let list = per_match(rule.matches.as_deref(), |m: &HttpRouteMatch| {
                        http_match(m, request, &path, &query)
                    });
                    (i, list)
                })
                .collect(),
            (RouteObject::Grpc(route), true) => {
                let (service, method) = match request.target() {
                    RequestTarget::Grpc(call) => (call.service.clone(), call.method.clone()),
                    _ => (String::new(), String::new()),
                };
                route
                    .spec
                    .rules
                    .iter()
                    .flatten()
                    .enumerate()
                    .map(|(i, rule)| {
                        let list = per_match(rule.matches.as_deref(), |m: &GrpcRouteMatch| {
                            grpc_match(m, request, &service, &method)
                        });
                        (i, list)
                    })
                    .collect()
            }
            _ => continue,
        };
        for (rule, list) in evaluated {
            let valid = attached.rules.get(rule).is_none_or(|r| r.valid);
            for (match_index, (conditions, result)) in list.into_iter().enumerate() {
                let key = (
                    attached.route.kind().to_owned(),
                    attached.namespace.clone(),
                    attached.name.clone(),
                    rule,
                );
                let result = match (&host_rank, result) {
                    (_, _) if !valid => Err("the rule is invalid and not served".to_owned()),
                    (Err(why), _) => Err(why.clone()),
                    (Ok(h), Ok(mut rank)) => {
                        rank.host = *h;
                        rank.age = std::cmp::Reverse(age);
                        rank.name =
                            std::cmp::Reverse(format!("{}/{}", attached.namespace, attached.name));
                        rank.rule = std::cmp::Reverse(rule);
                        rank.match_index = std::cmp::Reverse(match_index);
                        Ok(rank)
                    }
                    (Ok(_), Err(why)) => Err(why),
                };
                let (verdict, rank) = match result {
                    Ok(rank) => (Verdict::Outranked(String::new()), Some(rank)),
                    Err(why) => (Verdict::NoMatch(why), None),
                };
                out.push((
                    Candidate {
                        route: title.clone(),
                        rule,
                        match_index,
                        conditions,
                        verdict,
                    },
                    rank,
                    key,
                ));
            }
        }
    }
    // Matching candidates first, by precedence; then the others in route order.
    out.sort_by(|a, b| match (&a.1, &b.1) {
        (Some(x), Some(y)) => y.cmp(x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
    out
}

/// A rank from the route alone (hostname, age, name): what orders stream
/// routes.
fn route_rank(attached: &AttachedRoute, host: usize) -> Rank {
    Rank {
        host,
        path_kind: 0,
        path_len: 0,
        method: 0,
        headers: 0,
        queries: 0,
        age: std::cmp::Reverse(attached.created.unwrap_or(i64::MAX)),
        name: std::cmp::Reverse(format!("{}/{}", attached.namespace, attached.name)),
        rule: std::cmp::Reverse(0),
        match_index: std::cmp::Reverse(0),
    }
}

/// The TLS, TCP or UDP routes on a listener as candidates: a TLSRoute
/// matches on the server name, a TCPRoute or UDPRoute takes every stream.
fn stream_candidates(
    listener: &ListenerRouting,
    request: &Request,
) -> Vec<(Candidate, Option<Rank>, RuleKey)> {
    let (kind, server_name) = match request.target() {
        RequestTarget::Tls { sni, .. } => (
            "TLSRoute",
            Some(sni.trim_end_matches('.').to_ascii_lowercase()),
        ),
        RequestTarget::Stream { protocol, .. } => match protocol {
            crate::testfile::StreamProtocol::Tcp => ("TCPRoute", None),
            crate::testfile::StreamProtocol::Udp => ("UDPRoute", None),
        },
        RequestTarget::Http(_) | RequestTarget::Grpc(_) => return Vec::new(),
    };
    let mut out = Vec::new();
    for attached in listener.routes.iter().filter(|a| a.route.kind() == kind) {
        let fit = match &server_name {
            Some(name) => host_fit(attached, name),
            None => Ok(0),
        };
        let conditions = match &attached.hostnames {
            Some(names) if server_name.is_some() => format!("hostnames {}", names.join(", ")),
            _ => "every stream".to_owned(),
        };
        let (verdict, rank) = match fit {
            Ok(host) => (
                Verdict::Outranked(String::new()),
                Some(route_rank(attached, host)),
            ),
            Err(why) => (Verdict::NoMatch(why), None),
        };
        out.push((
            Candidate {
                route: format!("{kind} {}/{}", attached.namespace, attached.name),
                rule: 0,
                match_index: 0,
                conditions,
                verdict,
            },
            rank,
            (
                kind.to_owned(),
                attached.namespace.clone(),
                attached.name.clone(),
                0,
            ),
        ));
    }
    out.sort_by(|a, b| match (&a.1, &b.1) {
        (Some(x), Some(y)) => y.cmp(x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
    out
}

/// Explains where `request` goes on the Gateway `gateway` of `report`.
#[must_use]
pub fn explain(report: &Report, gateway: &NamespacedName, request: &Request) -> Explanation {
    let mut out = Explanation {
        request: describe_request(request),
        gateway: gateway.to_string(),
        listener: None,
        outcome: String::new(),
        winner: None,
        candidates: Vec::new(),
        backends: Vec::new(),
        upstream: None,
        response_edits: Vec::new(),
        mirrors: Vec::new(),
        notes: Vec::new(),
    };
    let routing = report.routing(&gateway.namespace, &gateway.name);
    let (listener, trace) = match request::select(routing, request) {
        Ok(selected) => selected,
        Err(refusal) => {
            out.listener = refusal.trace.first().cloned();
            out.outcome = refusal.into_sent().found.describe();
            return out;
        }
    };
    out.listener = listener
        .map(request::listener_text)
        .or_else(|| trace.first().cloned());
    let Some(routing) = routing else {
        out.outcome = "rejected (the Gateway has no routing view)".to_owned();
        return out;
    };
    let router = match Router::builder().add_gateway(routing).build() {
        Ok(router) => router,
        Err(errors) => {
            out.notes.extend(errors.iter().map(ToString::to_string));
            out.outcome = "rejected (the router does not build)".to_owned();
            return out;
        }
    };
    let mut coverage = Coverage::default();
    let sent = request::dispatch(&router, request, trace, &mut coverage);
    out.outcome = sent.found.describe();
    let winner: Option<RuleKey> = match &sent.decision {
        Some(d) => d.rule.clone(),
        None => coverage.reached.iter().next().cloned(),
    };
    if let Some((kind, ns, name, rule)) = &winner {
        out.winner = Some(format!("{kind} {ns}/{name} rules[{rule}]"));
    }
    if let Some(listener) = listener {
        let ranked = candidates(listener, request);
        let winner_rank = ranked
            .iter()
            .find(|(_, rank, key)| rank.is_some() && Some(key) == winner.as_ref())
            .and_then(|(_, rank, _)| rank.clone());
        let predicted = ranked
            .iter()
            .find(|(_, rank, _)| rank.is_some())
            .map(|(_, _, k)| k.clone());
        if predicted.is_some() && predicted != winner {
            out.notes.push(format!(
                "the explanation predicts {}, the router chose {}: the router's answer stands",
                predicted.map_or_else(String::new, |(k, ns, n, r)| format!(
                    "{k} {ns}/{n} rules[{r}]"
                )),
                out.winner.clone().unwrap_or_else(|| "no rule".to_owned())
            ));
        }
        let mut won = false;
        for (mut candidate, rank, key) in ranked {
            if let (Some(rank), false) = (&rank, won) {
                if Some(&key) == winner.as_ref() {
                    candidate.verdict = Verdict::Won;
                    won = true;
                } else if let Some(best) = &winner_rank {
                    candidate.verdict = Verdict::Outranked(rank.loses_to(best));
                } else {
                    candidate.verdict = Verdict::Outranked("the router chose no rule".to_owned());
                }
            } else if let Some(rank) = &rank {
                candidate.verdict = Verdict::Outranked(winner_rank.as_ref().map_or_else(
                    || "the router chose another".to_owned(),
                    |best| rank.loses_to(best),
                ));
            }
            out.candidates.push(candidate);
        }
    }
    let shares = match &sent.found {
        Found::Split(shares) => shares.clone(),
        _ => sent
            .decision
            .as_ref()
            .map(|d| d.backends.clone())
            .unwrap_or_default(),
    };
    let total: u64 = shares.iter().map(|b| u64::from(b.weight)).sum();
    for b in &shares {
        #[allow(clippy::cast_precision_loss)] // weights are far below 2^52
        let percent = if total == 0 {
            0.0
        } else {
            f64::from(b.weight) * 100.0 / total as f64
        };
        let mut backend = format!("{}/{}", b.namespace, b.name);
        if let Some(port) = b.port {
            let _ = write!(backend, ":{port}");
        }
        out.backends.push(BackendShare {
            backend,
            weight: b.weight,
            percent: (percent * 100.0).round() / 100.0,
            invalid: b.invalid.clone(),
        });
    }
    if let Some(decision) = &sent.decision {
        if let (Action::Forward { .. }, Some(up)) = (&decision.action, &decision.upstream) {
            let mut path = up.path.clone();
            if let Some(q) = &up.query {
                let _ = write!(path, "?{q}");
            }
            out.upstream = Some(Upstream {
                method: up.method.to_string(),
                host: up.host.clone(),
                path,
                headers: up
                    .headers
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.to_string(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
                tls_sni: up.tls_sni.clone(),
            });
        }
        for edit in &decision.response.edits {
            let text = |v: &http::HeaderValue| String::from_utf8_lossy(v.as_bytes()).into_owned();
            out.response_edits.push(match edit {
                HeaderEdit::Set(name, value) => format!("set {name}: {}", text(value)),
                HeaderEdit::Add(name, value) => format!("add {name}: {}", text(value)),
                HeaderEdit::Remove(name) => format!("remove {name}"),
                other => format!("{other:?}"),
            });
        }
        out.mirrors.extend(
            decision
                .mirrors
                .iter()
                .map(|m| format!("{} {}%", request::backend_text(&m.backend), m.percent)),
        );
    }
    out
}

fn describe_request(request: &Request) -> String {
    match request.target() {
        RequestTarget::Http(url) => format!("{} {url}", request.method()),
        RequestTarget::Grpc(call) => format!("gRPC {}", call.path()),
        RequestTarget::Tls { sni, port } => format!("TLS SNI {sni} port {port}"),
        RequestTarget::Stream { port, protocol } => format!("{} port {port}", protocol.as_str()),
    }
}

impl Explanation {
    /// The explanation as text for a terminal.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{} to {}", self.request, self.gateway);
        if let Some(listener) = &self.listener {
            let _ = writeln!(out, "  {listener}");
        }
        let _ = writeln!(out, "  => {}", self.outcome);
        if let Some(winner) = &self.winner {
            let _ = writeln!(out, "  winner: {winner}");
        }
        if !self.candidates.is_empty() {
            let _ = writeln!(out, "candidates, in precedence order:");
        }
        for c in &self.candidates {
            let (mark, why) = match &c.verdict {
                Verdict::Won => ("*", "wins".to_owned()),
                Verdict::Outranked(why) => ("-", format!("matches, but {why}")),
                Verdict::NoMatch(why) => ("x", format!("no match: {why}")),
            };
            let _ = writeln!(
                out,
                "  {mark} {} rules[{}] matches[{}] ({}): {why}",
                c.route, c.rule, c.match_index, c.conditions
            );
        }
        if !self.backends.is_empty() {
            let _ = writeln!(out, "backends:");
            for b in &self.backends {
                let _ = write!(out, "  {} weight {} ({}%)", b.backend, b.weight, b.percent);
                if let Some(why) = &b.invalid {
                    let _ = write!(out, " invalid: {why}, its share answers 500");
                }
                out.push('\n');
            }
        }
        if let Some(up) = &self.upstream {
            let _ = writeln!(
                out,
                "upstream request: {} {} (Host {})",
                up.method, up.path, up.host
            );
            for (name, value) in &up.headers {
                let _ = writeln!(out, "  {name}: {value}");
            }
            if let Some(sni) = &up.tls_sni {
                let _ = writeln!(out, "  TLS to the backend, SNI {sni}");
            }
        }
        if !self.response_edits.is_empty() {
            let _ = writeln!(out, "response headers: {}", self.response_edits.join("; "));
        }
        if !self.mirrors.is_empty() {
            let _ = writeln!(out, "mirrored to: {}", self.mirrors.join(", "));
        }
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        out
    }
}

/// `f` of each match of a rule; a rule without matches has one that
/// matches everything (the default match).
fn per_match<M: Default, T>(matches: Option<&[M]>, f: impl Fn(&M) -> T) -> Vec<T> {
    match matches {
        Some(list) if !list.is_empty() => list.iter().map(f).collect(),
        _ => vec![f(&M::default())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testfile::{Scheme, StreamProtocol};

    #[test]
    fn a_request_line_is_a_method_and_url_or_the_url_alone() {
        let r =
            parse_request("post https://a.example.com/x?y=1", &[], None, None).expect("a request");
        assert_eq!(r.method(), "POST");
        assert!(matches!(r.target(), RequestTarget::Http(u) if u.scheme() == Scheme::Https));
        let r = parse_request(
            "http://a.example.com/",
            &["X-A: 1".into(), "x-a: 2".into()],
            None,
            None,
        )
        .expect("a request");
        assert_eq!(r.method(), "GET");
        let values = r.headers().get("x-a").map(|v| v.values().to_vec());
        assert_eq!(values, Some(vec!["1".to_owned(), "2".to_owned()]));
    }

    #[test]
    fn grpc_tls_tcp_and_udp_requests_have_their_own_forms() {
        let r = parse_request("grpc://g.example.com:8080/pkg.Svc/Echo", &[], None, None)
            .expect("a call");
        assert!(matches!(r.target(), RequestTarget::Grpc(c) if c.path() == "/pkg.Svc/Echo"));
        assert_eq!(r.port(), 8080);
        let r = parse_request("tls://db.example.com:443", &[], None, None).expect("TLS");
        assert!(
            matches!(r.target(), RequestTarget::Tls { sni, port: 443 } if sni == "db.example.com")
        );
        let r = parse_request("tcp://:5000", &[], None, None).expect("TCP");
        assert!(matches!(
            r.target(),
            RequestTarget::Stream {
                port: 5000,
                protocol: StreamProtocol::Tcp
            }
        ));
        let r = parse_request("udp://:53", &[], None, None).expect("UDP");
        assert!(matches!(
            r.target(),
            RequestTarget::Stream {
                port: 53,
                protocol: StreamProtocol::Udp
            }
        ));
    }

    #[test]
    fn a_malformed_request_or_header_is_an_error() {
        assert!(parse_request("ftp://a/", &[], None, None).is_err());
        assert!(parse_request("http://a/", &["no-colon".into()], None, None).is_err());
        assert!(parse_request("tcp://:http", &[], None, None).is_err());
    }
}
