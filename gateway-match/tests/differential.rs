//! Model-based test: on random route sets and requests, the compiled router
//! and the reference scan (`gateway_match::reference`) must pick the same
//! listener, route, rule and match, or fail for the same reason.

mod common;

use gateway_match::reference::Reference;
use gateway_match::{Config, Input, NormalizeOptions, Router, Scheme};
use gateway_types::routing::{ListenerRouting, RuleRouting};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};

const HOSTNAMES: &[&str] = &[
    "a.example.com",
    "*.example.com",
    "b.a.example.com",
    "*.a.example.com",
    "example.com",
    "other.org",
    "*.org",
];
const PATHS: &[&str] = &[
    "/", "/a", "/a/", "/a/b", "/ab", "/a/b/c", "/b", "/s.S", "/%61",
];
const REGEXES: &[&str] = &[
    "/a/.*",
    "/a/[bc]",
    ".*",
    "/a",
    "/(a|b)/b",
    "/a/b/?c?",
    "/s[.]S/.+",
    "[/]a.*",
];
const HEADERS: &[(&str, &str)] = &[("x-a", "1"), ("X-A", "2"), ("x-b", "1"), ("x-a", "[12]")];
const QUERY: &[(&str, &str)] = &[("q", "1"), ("r", "1"), ("q", "2"), ("q", "[0-9]")];
const CREATED: &[Option<&str>] = &[
    None,
    Some("2020-01-01T00:00:00Z"),
    Some("2024-01-01T00:00:00Z"),
];

fn http_match() -> impl Strategy<Value = Value> {
    let path = prop_oneof![
        Just(Value::Null),
        (select(&["Exact", "PathPrefix"][..]), select(PATHS))
            .prop_map(|(t, v)| json!({"type": t, "value": v})),
        select(REGEXES).prop_map(|v| json!({"type": "RegularExpression", "value": v})),
    ];
    let method = prop::option::of(select(&["GET", "POST"][..]));
    let headers = prop::collection::vec((select(HEADERS), any::<bool>()), 0..3);
    let query = prop::collection::vec((select(QUERY), any::<bool>()), 0..3);
    (path, method, headers, query).prop_map(|(path, method, headers, query)| {
        let mut m = serde_json::Map::new();
        if !path.is_null() {
            m.insert("path".into(), path);
        }
        if let Some(method) = method {
            m.insert("method".into(), json!(method));
        }
        let cond = |((name, value), regex): ((&str, &str), bool)| {
            let regex = regex || value.contains('[');
            json!({"type": if regex { "RegularExpression" } else { "Exact" }, "name": name, "value": value})
        };
        if !headers.is_empty() {
            m.insert("headers".into(), Value::Array(headers.into_iter().map(cond).collect()));
        }
        if !query.is_empty() {
            m.insert("queryParams".into(), Value::Array(query.into_iter().map(cond).collect()));
        }
        Value::Object(m)
    })
}

/// A service, a method, or both (a gRPC method match needs one of them),
/// each shape a third of the time. Built, not filtered: a filter's
/// rejections add up over a long `PROPTEST_CASES` run until proptest gives
/// up.
fn service_or_method(
    services: &'static [&'static str],
    methods: &'static [&'static str],
) -> impl Strategy<Value = (Option<&'static str>, Option<&'static str>)> {
    prop_oneof![
        select(services).prop_map(|s| (Some(s), None)),
        select(methods).prop_map(|m| (None, Some(m))),
        (select(services), select(methods)).prop_map(|(s, m)| (Some(s), Some(m))),
    ]
}

fn grpc_match() -> impl Strategy<Value = Value> {
    let method = prop_oneof![
        Just(Value::Null),
        service_or_method(&["s.S", "t.T"], &["M", "N"])
            .prop_map(|(s, m)| json!({"service": s, "method": m})),
        service_or_method(&["s[.].*", ".*"], &["M|N", "[MX]"])
            .prop_map(|(s, m)| json!({"type": "RegularExpression", "service": s, "method": m})),
    ];
    let headers = prop::collection::vec(select(HEADERS), 0..2);
    (method, headers).prop_map(|(method, headers)| {
        let mut m = serde_json::Map::new();
        if !method.is_null() {
            // Drop nulls: absent, not null.
            let cleaned: serde_json::Map<String, Value> = method
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            m.insert("method".into(), Value::Object(cleaned));
        }
        if !headers.is_empty() {
            let list = headers
                .into_iter()
                .map(|(n, v)| {
                    let t = if v.contains('[') {
                        "RegularExpression"
                    } else {
                        "Exact"
                    };
                    json!({"type": t, "name": n, "value": v})
                })
                .collect();
            m.insert("headers".into(), Value::Array(list));
        }
        Value::Object(m)
    })
}

#[derive(Debug, Clone)]
struct RouteGen {
    json: Value,
    /// Per rule: served or not; `None`: no rule entries in the view.
    valid: Option<Vec<bool>>,
}

fn route() -> impl Strategy<Value = RouteGen> {
    let http_rules = prop::collection::vec(
        prop::option::of(prop::collection::vec(http_match(), 0..3)),
        1..4,
    )
    .prop_map(|rules| {
        (
            "HTTPRoute",
            rules
                .into_iter()
                .map(|m| match m {
                    None => json!({}),
                    Some(m) => json!({"matches": m}),
                })
                .collect::<Vec<_>>(),
        )
    });
    let grpc_rules = prop::collection::vec(
        prop::option::of(prop::collection::vec(grpc_match(), 0..3)),
        0..3,
    )
    .prop_map(|rules| {
        (
            "GRPCRoute",
            rules
                .into_iter()
                .map(|m| match m {
                    None => json!({}),
                    Some(m) => json!({"matches": m}),
                })
                .collect::<Vec<_>>(),
        )
    });
    let rules = prop_oneof![3 => http_rules, 2 => grpc_rules];
    (
        rules,
        select(&["a", "b", "a-b"][..]),
        select(&["r", "r1", "r2"][..]),
        select(CREATED),
        prop::option::of(prop::collection::vec(select(HOSTNAMES), 0..3)),
        prop::option::of(prop::collection::vec(prop::bool::weighted(0.8), 4)),
    )
        .prop_map(|((kind, rules), ns, name, created, hostnames, valid)| {
            let mut metadata = json!({"namespace": ns, "name": name});
            if let Some(c) = created {
                metadata["creationTimestamp"] = json!(c);
            }
            let mut spec = json!({"rules": rules});
            if let Some(h) = hostnames {
                spec["hostnames"] = json!(h);
            }
            let n = rules.len();
            RouteGen {
                json: json!({"kind": kind, "metadata": metadata, "spec": spec}),
                valid: valid.map(|v| v.into_iter().cycle().take(n).collect()),
            }
        })
}

#[derive(Debug, Clone)]
struct ListenerGen {
    protocol: &'static str,
    port: i32,
    hostname: Option<&'static str>,
    ready: bool,
    routes: Vec<RouteGen>,
}

fn listener() -> impl Strategy<Value = ListenerGen> {
    (
        prop_oneof![3 => Just(("HTTP", 80)), 1 => Just(("HTTPS", 443))],
        prop::option::of(select(
            &[
                "a.example.com",
                "*.example.com",
                "*.a.example.com",
                "other.org",
            ][..],
        )),
        prop::bool::weighted(0.9),
        prop::collection::vec(route(), 0..6),
    )
        .prop_map(|((protocol, port), hostname, ready, routes)| ListenerGen {
            protocol,
            port,
            hostname,
            ready,
            routes,
        })
}

fn view(listeners: &[ListenerGen]) -> Vec<ListenerRouting> {
    listeners
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut out = ListenerRouting::new(&format!("l{i}"), l.port, l.protocol, l.hostname);
            out.ready = l.ready;
            for r in &l.routes {
                let mut attached = common::attached(&r.json.to_string());
                if let Some(valid) = &r.valid {
                    attached.rules = valid
                        .iter()
                        .map(|v| {
                            let mut rule = RuleRouting::default();
                            rule.valid = *v;
                            rule
                        })
                        .collect();
                }
                out.routes.push(attached);
            }
            out
        })
        .collect()
}

#[derive(Debug, Clone)]
struct RequestGen {
    https: Option<Option<&'static str>>,
    host: &'static str,
    path: &'static str,
    method: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    query: Option<&'static str>,
}

fn request() -> impl Strategy<Value = RequestGen> {
    let http = (
        select(
            &[
                "/", "/a", "/a/", "/a/b", "/ab", "/a/b/c", "/b", "/a/../b", "/a//b", "/a/%62",
                "/s.S/M", "/a/bc", "/%zz",
            ][..],
        ),
        select(&["GET", "POST", "PUT"][..]),
        prop::collection::vec(
            select(&[("x-a", "1"), ("x-a", "2"), ("x-b", "1")][..]),
            0..4,
        ),
    );
    let grpc = (
        select(&["/s.S/M", "/t.T/N", "/s.S/X", "/u.U/M", "/s.S/M/x"][..]),
        prop::collection::vec(
            select(&[("x-a", "1"), ("x-a", "2"), ("x-b", "1")][..]),
            0..3,
        ),
    )
        .prop_map(|(path, mut headers)| {
            headers.push(("content-type", "application/grpc"));
            (path, "POST", headers)
        });
    (
        prop_oneof![
            3 => Just(None),
            1 => prop::option::of(select(&["a.example.com", "x.example.com", "b.a.example.com", "other.org"][..])).prop_map(Some),
        ],
        select(
            &[
                "a.example.com",
                "A.EXAMPLE.com:80",
                "b.a.example.com",
                "x.a.example.com",
                "example.com",
                "other.org",
                "c.example.com.",
                "www.other.org",
                "bad host",
            ][..],
        ),
        prop_oneof![2 => http, 1 => grpc],
        prop::option::of(select(&["q=1", "q=2&r=1", "r=1&q=1", "q=%31", "q", "r=1&q=7"][..])),
    )
        .prop_map(|(https, host, (path, method, headers), query)| RequestGen {
            https,
            host,
            path,
            method,
            headers,
            query,
        })
}

fn check(
    listeners: &[ListenerGen],
    requests: &[RequestGen],
    merge: bool,
) -> Result<(), TestCaseError> {
    let config = Config::new().path_options(NormalizeOptions::new().merge_slashes(merge));
    let view = view(listeners);
    let reference = Reference::new(&view, &config);
    let mut b = Router::builder();
    b.configure(config);
    for l in &view {
        b.add_listener(l.clone());
    }
    let router = match b.build() {
        Ok(r) => r,
        Err(e) => return Err(TestCaseError::fail(format!("build failed: {e:?}"))),
    };
    for r in requests {
        let method = Method::from_bytes(r.method.as_bytes())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut headers = HeaderMap::new();
        for (n, v) in &r.headers {
            headers.append(HeaderName::from_static(n), HeaderValue::from_static(v));
        }
        let mut input = Input::new(&method, r.host, r.path, &headers).with_query(r.query);
        if let Some(sni) = r.https {
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
        prop_assert_eq!(&got, &want, "request {:?}", r);
    }
    Ok(())
}

proptest! {
    // 768 cases of 24 requests by default; PROPTEST_CASES overrides.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(768)
    ))]

    #[test]
    fn router_agrees_with_the_reference_scan(
        listeners in prop::collection::vec(listener(), 1..4),
        requests in prop::collection::vec(request(), 24),
        merge in prop::bool::weighted(0.2),
    ) {
        check(&listeners, &requests, merge)?;
    }
}

/// One dense case by hand: many routes on one listener, every request of the
/// pools, so that the deterministic part of the suite covers the interplay
/// of buckets, trie and regex anchors even when proptest is unlucky.
#[test]
fn router_agrees_with_the_reference_on_a_dense_route_set() {
    let mut routes = Vec::new();
    for (i, host) in HOSTNAMES.iter().enumerate() {
        for (j, path) in PATHS.iter().chain(REGEXES).enumerate() {
            let t = if j < PATHS.len() {
                if j % 2 == 0 { "Exact" } else { "PathPrefix" }
            } else {
                "RegularExpression"
            };
            let json = json!({"kind": "HTTPRoute",
                "metadata": {"namespace": "ns", "name": format!("r{i}-{j}"),
                             "creationTimestamp": CREATED[(i + j) % 3]},
                "spec": {"hostnames": [host], "rules": [{"matches": [{"path": {"type": t, "value": path}}]}]}});
            routes.push(RouteGen { json, valid: None });
        }
    }
    let listeners = vec![ListenerGen {
        protocol: "HTTP",
        port: 80,
        hostname: None,
        ready: true,
        routes,
    }];
    let mut requests = Vec::new();
    for host in [
        "a.example.com",
        "b.a.example.com",
        "x.a.example.com",
        "example.com",
        "www.other.org",
    ] {
        for path in [
            "/", "/a", "/a/", "/a/b", "/ab", "/a/b/c", "/b", "/a/../b", "/a/bc", "/s.S/M", "/%61/b",
        ] {
            requests.push(RequestGen {
                https: None,
                host,
                path,
                method: "GET",
                headers: Vec::new(),
                query: None,
            });
        }
    }
    if let Err(e) = check(&listeners, &requests, false) {
        panic!("{e}");
    }
}
