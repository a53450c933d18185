//! Shared by the router targets (and replayed by
//! `gateway-match/tests/fuzz_regressions.rs`): turns fuzz bytes into small route sets and
//! requests. Every byte picks from a pool, so almost every input is a valid
//! configuration and the fuzzer spends its time on the matching logic.
#![allow(dead_code)] // Each target uses a different subset.

use std::collections::HashSet;

use gateway_match::reference::Reference;
use gateway_match::{Config, Input, NormalizeOptions, Router, Scheme};
use gateway_types::routing::ListenerRouting;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde_json::{Value, json};

/// Reads bytes one at a time; past the end it reads zeros.
pub struct Bytes<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, at: 0 }
    }

    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n
    }

    pub fn flag(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    pub fn pick<T: Copy>(&mut self, pool: &[T]) -> T {
        pool[self.below(pool.len())]
    }

    /// A raw string of up to `max` bytes taken from the input (lossy UTF-8).
    pub fn text(&mut self, max: usize) -> String {
        let len = self.below(max + 1);
        let start = self.at.min(self.data.len());
        let end = (start + len).min(self.data.len());
        self.at += len;
        String::from_utf8_lossy(&self.data[start..end]).into_owned()
    }
}

pub const HOSTNAMES: &[&str] = &[
    "a.example.com",
    "*.example.com",
    "b.a.example.com",
    "*.a.example.com",
    "example.com",
    "other.org",
    "*.org",
];
pub const LISTENER_HOSTS: &[Option<&str>] = &[
    None,
    Some("a.example.com"),
    Some("*.example.com"),
    Some("*.a.example.com"),
    Some("other.org"),
];
pub const PATHS: &[&str] = &[
    "/", "/a", "/a/", "/a/b", "/ab", "/a/b/c", "/b", "/%61", "/a%2Fb",
];
pub const REGEXES: &[&str] = &[
    "/a/.*", "/a/[bc]", ".*", "/a", "/(a|b)/b", "/a/b/?c?", "[/]a.*",
];
pub const HEADERS: &[(&str, &str)] = &[("x-a", "1"), ("X-A", "2"), ("x-b", "1"), ("x-a", "[12]")];
pub const QUERY: &[(&str, &str)] = &[("q", "1"), ("r", "1"), ("q", "2"), ("q", "[0-9]")];
pub const CREATED: &[Option<&str>] = &[
    None,
    Some("2020-01-01T00:00:00Z"),
    Some("2024-01-01T00:00:00Z"),
];
pub const NAMESPACES: &[&str] = &["a", "b", "a-b"];
pub const NAMES: &[&str] = &["r", "r1", "r2"];

pub const REQ_HOSTS: &[&str] = &[
    "a.example.com",
    "A.EXAMPLE.com:80",
    "b.a.example.com",
    "x.a.example.com",
    "example.com",
    "other.org",
    "c.example.com.",
    "www.other.org",
    "bad host",
    "",
];
pub const REQ_PATHS: &[&str] = &[
    "/",
    "/a",
    "/a/",
    "/a/b",
    "/ab",
    "/a/b/c",
    "/b",
    "/a/../b",
    "/a//b",
    "/a/%62",
    "/a/%2e%2e/b",
    "/a%2Fb",
    "/a/./b",
    "/%zz",
    "/s.S/M",
    "/t.T/N",
    "/a/b%00",
    "/\u{e9}",
];
pub const REQ_METHODS: &[&str] = &["GET", "POST", "PUT"];
pub const REQ_HEADERS: &[(&str, &str)] = &[
    ("x-a", "1"),
    ("x-a", "2"),
    ("x-b", "1"),
    ("x-a", " 1 "),
    ("content-type", "application/grpc"),
];
pub const REQ_QUERY: &[Option<&str>] = &[
    None,
    Some("q=1"),
    Some("q=2&r=1"),
    Some("r=1&q=1"),
    Some("q=%31"),
    Some("q"),
    Some("q=1&q=2"),
];

fn condition(b: &mut Bytes<'_>, pool: &[(&str, &str)]) -> Value {
    let (name, value) = b.pick(pool);
    let regex = value.contains('[') || b.flag();
    json!({"type": if regex { "RegularExpression" } else { "Exact" }, "name": name, "value": value})
}

fn http_match(b: &mut Bytes<'_>) -> Value {
    let mut m = serde_json::Map::new();
    match b.below(4) {
        0 => {}
        1 => {
            m.insert(
                "path".into(),
                json!({"type": "Exact", "value": b.pick(PATHS)}),
            );
        }
        2 => {
            m.insert(
                "path".into(),
                json!({"type": "PathPrefix", "value": b.pick(PATHS)}),
            );
        }
        _ => {
            m.insert(
                "path".into(),
                json!({"type": "RegularExpression", "value": b.pick(REGEXES)}),
            );
        }
    }
    if b.below(4) == 0 {
        m.insert("method".into(), json!(b.pick(&["GET", "POST"])));
    }
    let headers: Vec<Value> = (0..b.below(3)).map(|_| condition(b, HEADERS)).collect();
    if !headers.is_empty() {
        m.insert("headers".into(), Value::Array(headers));
    }
    let query: Vec<Value> = (0..b.below(3)).map(|_| condition(b, QUERY)).collect();
    if !query.is_empty() {
        m.insert("queryParams".into(), Value::Array(query));
    }
    Value::Object(m)
}

fn grpc_match(b: &mut Bytes<'_>) -> Value {
    let mut m = serde_json::Map::new();
    match b.below(3) {
        0 => {}
        1 => {
            let mut method = serde_json::Map::new();
            method.insert("service".into(), json!(b.pick(&["s.S", "t.T"])));
            if b.flag() {
                method.insert("method".into(), json!(b.pick(&["M", "N"])));
            }
            m.insert("method".into(), Value::Object(method));
        }
        _ => {
            m.insert(
                "method".into(),
                json!({"type": "RegularExpression", "service": b.pick(&["s[.].*", ".*"]), "method": b.pick(&["M|N", "[MX]"])}),
            );
        }
    }
    let headers: Vec<Value> = (0..b.below(2)).map(|_| condition(b, HEADERS)).collect();
    if !headers.is_empty() {
        m.insert("headers".into(), Value::Array(headers));
    }
    Value::Object(m)
}

/// One route object (JSON) whose every rule compiles.
pub fn route(b: &mut Bytes<'_>) -> Value {
    let grpc = b.below(3) == 0;
    let rules: Vec<Value> = (0..1 + b.below(3))
        .map(|_| {
            if b.below(4) == 0 {
                return json!({});
            }
            let n = b.below(3);
            let matches: Vec<Value> = (0..n)
                .map(|_| if grpc { grpc_match(b) } else { http_match(b) })
                .collect();
            json!({ "matches": matches })
        })
        .collect();
    let mut metadata = json!({"namespace": b.pick(NAMESPACES), "name": b.pick(NAMES)});
    if let Some(c) = b.pick(CREATED) {
        metadata["creationTimestamp"] = json!(c);
    }
    let mut spec = json!({ "rules": rules });
    if b.flag() {
        let hosts: Vec<&str> = (0..b.below(3)).map(|_| b.pick(HOSTNAMES)).collect();
        spec["hostnames"] = json!(hosts);
    }
    let kind = if grpc { "GRPCRoute" } else { "HTTPRoute" };
    json!({"kind": kind, "metadata": metadata, "spec": spec})
}

/// The `route_vs_reference` check: builds a route set from `data`, routes
/// eight requests through the router and the reference scan, and panics if
/// they disagree. `false`: the input was not usable (reject it).
pub fn route_vs_reference(data: &[u8]) -> bool {
    let mut b = Bytes::new(data);
    let merge = b.below(5) == 0;
    let config = Config::new().path_options(NormalizeOptions::new().merge_slashes(merge));
    let mut listeners = Vec::new();
    for i in 0..1 + b.below(2) {
        let (protocol, port) = if b.below(4) == 0 {
            ("HTTPS", 443)
        } else {
            ("HTTP", 80)
        };
        let mut l = ListenerRouting::new(&format!("l{i}"), port, protocol, b.pick(LISTENER_HOSTS));
        for _ in 0..b.below(5) {
            let json = route(&mut b).to_string();
            match gateway_match::__doc_support::route(&json) {
                Ok(r) => l.routes.push(r),
                Err(_) => return false,
            }
        }
        listeners.push(l);
    }
    let reference = Reference::new(&listeners, &config);
    let mut builder = Router::builder();
    builder.configure(config);
    for l in &listeners {
        builder.add_listener(l.clone());
    }
    let Ok(router) = builder.build() else {
        // Every pool regex compiles; a failure here is a bug in the pools.
        panic!("pool route set does not build");
    };
    for _ in 0..8 {
        let method = Method::from_bytes(b.pick(REQ_METHODS).as_bytes()).expect("pool method");
        let mut headers = HeaderMap::new();
        for _ in 0..b.below(4) {
            let (n, v) = b.pick(REQ_HEADERS);
            headers.append(HeaderName::from_static(n), HeaderValue::from_static(v));
        }
        let host = b.pick(REQ_HOSTS);
        let path = b.pick(REQ_PATHS);
        let mut input = Input::new(&method, host, path, &headers).with_query(b.pick(REQ_QUERY));
        if b.below(4) == 0 {
            let sni = b.pick(&[
                None,
                Some("a.example.com"),
                Some("x.example.com"),
                Some("other.org"),
            ]);
            input = input
                .with_scheme(Scheme::Https)
                .with_port(443)
                .with_sni(sni);
        }
        let got = router.try_route_input(&input).map(|m| {
            (
                m.listener_index(),
                m.route_index(),
                m.rule_index,
                m.match_index,
            )
        });
        let want = reference
            .route(&input)
            .map(|m| (m.listener, m.route, m.rule, m.matched));
        assert_eq!(got, want, "{method} {host} {path}");
    }
    true
}

/// A route whose strings come straight from the input.
fn hostile_route(b: &mut Bytes<'_>, index: usize) -> Value {
    let rules: Vec<Value> = (0..b.below(4))
        .map(|_| {
            let matches: Vec<Value> = (0..b.below(4))
                .map(|_| {
                    let path_type = b.pick(&["Exact", "PathPrefix", "RegularExpression", "Bogus"]);
                    let mut m = json!({"path": {"type": path_type, "value": b.text(24)}});
                    let headers: Vec<Value> = (0..b.below(4))
                        .map(|_| {
                            let t = b.pick(&["Exact", "RegularExpression", "Nope"]);
                            json!({"type": t, "name": b.text(8), "value": b.text(16)})
                        })
                        .collect();
                    m["headers"] = json!(headers);
                    let query: Vec<Value> = (0..b.below(4))
                        .map(|_| {
                            let t = b.pick(&["Exact", "RegularExpression"]);
                            json!({"type": t, "name": b.text(8), "value": b.text(16)})
                        })
                        .collect();
                    m["queryParams"] = json!(query);
                    if b.flag() {
                        m["method"] = json!(b.text(6));
                    }
                    m
                })
                .collect();
            let mut rule = json!({ "matches": matches });
            if b.below(4) == 0 {
                rule["timeouts"] = json!({"request": b.text(8)});
            }
            if b.below(4) == 0 {
                rule["filters"] = json!([{"type": "URLRewrite",
                    "urlRewrite": {"path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": b.text(8)}}}]);
            }
            rule
        })
        .collect();
    let hostnames: Vec<String> = (0..b.below(3)).map(|_| b.text(12)).collect();
    json!({"kind": "HTTPRoute",
        "metadata": {"namespace": "ns", "name": format!("r{index}")},
        "spec": {"rules": rules, "hostnames": hostnames}})
}

/// The `router_build` check: hostile route sets and small limits into the
/// builder; panics if it panics or if an error names a route or rule that
/// was not given. `false`: the input was not usable.
pub fn router_build(data: &[u8]) -> bool {
    let mut b = Bytes::new(data);
    let config = Config::new()
        .regex_size_limit(1 << (8 + b.below(10)))
        .max_rules(1 + b.below(8))
        .max_matches_per_rule(1 + b.below(4))
        .max_header_matches(1 + b.below(4))
        .max_query_matches(1 + b.below(4));
    let mut listener = ListenerRouting::new("l", 80, "HTTP", b.pick(LISTENER_HOSTS));
    let mut given: Vec<(String, usize)> = Vec::new();
    for i in 0..1 + b.below(4) {
        let json = hostile_route(&mut b, i);
        let rules = json["spec"]["rules"].as_array().map_or(0, Vec::len);
        match gateway_match::__doc_support::route(&json.to_string()) {
            Ok(r) => {
                listener.routes.push(r);
                given.push((format!("r{i}"), rules));
            }
            // Not a valid HTTPRoute for serde (an unknown enum is kept, so
            // this is rare); nothing to build.
            Err(_) => return false,
        }
    }
    let mut builder = Router::builder();
    builder.configure(config);
    builder.add_listener(listener);
    let (router, errors) = builder.build_partial();
    let mut seen = HashSet::new();
    for e in &errors {
        let text = e.to_string();
        assert!(!text.is_empty());
        if e.route_kind() == "Listener" {
            continue;
        }
        let (ns, name) = e.route();
        assert_eq!(ns, "ns", "{text}");
        let rules = given
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, r)| *r)
            .unwrap_or_else(|| panic!("error names an unknown route: {text}"));
        if let Some(rule) = e.rule_index() {
            assert!(rule < rules, "rule out of range: {text}");
            assert!(
                e.field().starts_with(&format!("spec.rules[{rule}]")),
                "field not under its rule: {text}"
            );
            seen.insert((name.to_owned(), rule));
        }
    }
    let headers = HeaderMap::new();
    for _ in 0..4 {
        let path = b.text(16);
        let host = b.text(12);
        let input = Input::new(&Method::GET, &host, &path, &headers).with_query(Some("q=1"));
        let _ = router.try_route_input(&input);
    }
    true
}
