#[cfg(feature = "schemars")]
use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::*;

/// Every property path of a JSON document (`spec.rules[].matches[].path`),
/// `metadata` left out.
#[cfg(feature = "schemars")]
pub(crate) fn value_paths(value: &Value) -> BTreeSet<String> {
    fn walk(value: &Value, path: &str, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, sub) in map {
                    let p = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    if p == "metadata" {
                        continue;
                    }
                    out.insert(p.clone());
                    walk(sub, &p, out);
                }
            }
            Value::Array(items) => {
                for item in items {
                    walk(item, &format!("{path}[]"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(value, "", &mut out);
    out
}

/// Every property path of our JSON Schema for `T`, `$ref`s resolved.
#[cfg(feature = "schemars")]
pub(crate) fn schema_paths<T: schemars::JsonSchema>() -> BTreeSet<String> {
    fn walk(node: &Value, defs: &Value, path: &str, out: &mut BTreeSet<String>, depth: usize) {
        let Some(obj) = node.as_object() else { return };
        assert!(depth < 64, "schema nests too deeply at {path}");
        if let Some(Value::String(r)) = obj.get("$ref") {
            let name = r.rsplit('/').next().unwrap_or_default();
            if let Some(target) = defs.get(name) {
                walk(target, defs, path, out, depth + 1);
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(list)) = obj.get(key) {
                for sub in list {
                    walk(sub, defs, path, out, depth + 1);
                }
            }
        }
        if let Some(Value::Object(props)) = obj.get("properties") {
            for (name, sub) in props {
                let p = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                if p == "metadata" {
                    continue;
                }
                out.insert(p.clone());
                walk(sub, defs, &p, out, depth + 1);
            }
        }
        if let Some(items) = obj.get("items") {
            walk(items, defs, &format!("{path}[]"), out, depth + 1);
        }
    }
    let value = schemars::schema_for!(T).to_value();
    let defs = value.get("$defs").cloned().unwrap_or(Value::Null);
    let mut out = BTreeSet::new();
    walk(&value, &defs, "", &mut out, 0);
    out
}

/// Asserts that `example` sets every field the schema of `T` has, and no
/// other. Paths under `alias` (backendRef-level filters, the same type as
/// rule-level ones) are folded onto `canonical` first.
#[cfg(feature = "schemars")]
pub(crate) fn assert_example_covers_schema<T: schemars::JsonSchema>(
    example: &Value,
    alias: &str,
    canonical: &str,
) {
    let fold = |paths: BTreeSet<String>| -> BTreeSet<String> {
        paths
            .into_iter()
            .map(|p| match p.strip_prefix(alias) {
                Some(rest) => format!("{canonical}{rest}"),
                None => p,
            })
            .collect()
    };
    let schema = fold(schema_paths::<T>());
    let example = fold(value_paths(example));
    let missing: Vec<_> = schema.difference(&example).collect();
    let unknown: Vec<_> = example.difference(&schema).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "example misses schema fields {missing:#?}\nexample has unknown fields {unknown:#?}"
    );
}

/// A realistic route that sets every standard-channel field (and, with the
/// `experimental` feature, every experimental one).
fn full_route() -> Value {
    #[allow(unused_mut)] // only the experimental channel adds fields
    let mut route = json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "shop", "namespace": "web"},
        "spec": {
            "parentRefs": [{
                "group": "gateway.networking.k8s.io",
                "kind": "Gateway",
                "namespace": "infra",
                "name": "edge",
                "sectionName": "https",
                "port": 443
            }],
            "hostnames": ["shop.example.com", "*.shop.example.com"],
            "rules": [
                {
                    "name": "api",
                    "matches": [
                        {
                            "path": {"type": "PathPrefix", "value": "/api"},
                            "headers": [
                                {"type": "Exact", "name": "x-env", "value": "canary"},
                                {"type": "RegularExpression", "name": "x-ver", "value": "v[0-9]+"}
                            ],
                            "queryParams": [{"type": "Exact", "name": "debug", "value": "1"}],
                            "method": "GET"
                        },
                        {"path": {"type": "RegularExpression", "value": "^/api/v[0-9]+/items$"}}
                    ],
                    "filters": [
                        {
                            "type": "RequestHeaderModifier",
                            "requestHeaderModifier": {
                                "set": [{"name": "x-route", "value": "api"}],
                                "add": [{"name": "x-trace", "value": "on"}],
                                "remove": ["x-internal"]
                            }
                        },
                        {
                            "type": "ResponseHeaderModifier",
                            "responseHeaderModifier": {
                                "set": [{"name": "cache-control", "value": "no-store"}],
                                "add": [{"name": "vary", "value": "origin"}],
                                "remove": ["server"]
                            }
                        },
                        {
                            "type": "RequestMirror",
                            "requestMirror": {
                                "backendRef": {
                                    "group": "",
                                    "kind": "Service",
                                    "name": "shadow",
                                    "namespace": "web",
                                    "port": 8080
                                },
                                "fraction": {"numerator": 1, "denominator": 10}
                            }
                        },
                        {
                            "type": "RequestMirror",
                            "requestMirror": {"backendRef": {"name": "audit", "port": 9090}, "percent": 5}
                        },
                        {
                            "type": "URLRewrite",
                            "urlRewrite": {
                                "hostname": "internal.shop.svc",
                                "path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/v2"}
                            }
                        },
                        {
                            "type": "CORS",
                            "cors": {
                                "allowOrigins": ["https://app.example.com", "https://*.example.org:8443"],
                                "allowCredentials": true,
                                "allowMethods": ["GET", "POST"],
                                "allowHeaders": ["x-token"],
                                "exposeHeaders": ["x-request-id"],
                                "maxAge": 600
                            }
                        },
                        {
                            "type": "ExtensionRef",
                            "extensionRef": {"group": "example.net", "kind": "RateLimit", "name": "slow"}
                        }
                    ],
                    "backendRefs": [
                        {
                            "group": "",
                            "kind": "Service",
                            "name": "api",
                            "namespace": "web",
                            "port": 8080,
                            "weight": 90,
                            "filters": [{
                                "type": "RequestHeaderModifier",
                                "requestHeaderModifier": {"set": [{"name": "x-backend", "value": "stable"}]}
                            }]
                        },
                        {"name": "api-canary", "port": 8080, "weight": 10}
                    ],
                    "timeouts": {"request": "10s", "backendRequest": "2s"}
                },
                {
                    "name": "legacy",
                    "matches": [{"path": {"type": "Exact", "value": "/old"}}],
                    "filters": [{
                        "type": "RequestRedirect",
                        "requestRedirect": {
                            "scheme": "https",
                            "hostname": "new.example.com",
                            "path": {"type": "ReplaceFullPath", "replaceFullPath": "/new"},
                            "port": 443,
                            "statusCode": 301
                        }
                    }]
                },
                {
                    "name": "moved",
                    "matches": [{"path": {"type": "PathPrefix", "value": "/shop"}}],
                    "filters": [{
                        "type": "RequestRedirect",
                        "requestRedirect": {
                            "path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/store"}
                        }
                    }]
                },
                {
                    "name": "docs",
                    "matches": [{"path": {"type": "Exact", "value": "/docs"}}],
                    "filters": [{
                        "type": "URLRewrite",
                        "urlRewrite": {"path": {"type": "ReplaceFullPath", "replaceFullPath": "/index.html"}}
                    }],
                    "backendRefs": [{"name": "docs", "port": 80}]
                }
            ]
        },
        "status": {
            "parents": [{
                "parentRef": {
                    "group": "gateway.networking.k8s.io",
                    "kind": "Gateway",
                    "namespace": "infra",
                    "name": "edge",
                    "sectionName": "https",
                    "port": 443
                },
                "controllerName": "example.com/gateway-controller",
                "conditions": [{
                    "type": "Accepted",
                    "status": "True",
                    "reason": "Accepted",
                    "message": "",
                    "lastTransitionTime": "2024-05-01T12:00:00Z",
                    "observedGeneration": 3
                }]
            }]
        }
    });
    #[cfg(feature = "experimental")]
    {
        route["spec"]["useDefaultGateways"] = json!("All");
        let rule = &mut route["spec"]["rules"][0];
        rule["retry"] = json!({"codes": [502, 503], "attempts": 3, "backoff": "100ms"});
        rule["sessionPersistence"] = json!({
            "sessionName": "shop-session",
            "absoluteTimeout": "1h",
            "type": "Cookie",
            "cookieConfig": {"lifetimeType": "Permanent"}
        });
        let filters = rule["filters"].as_array_mut().expect("filters");
        filters.push(json!({
            "type": "ExternalAuth",
            "externalAuth": {
                "protocol": "HTTP",
                "backendRef": {"name": "authz", "port": 8000},
                "http": {
                    "path": "/check",
                    "allowedHeaders": ["cookie"],
                    "allowedResponseHeaders": ["x-user"]
                },
                "forwardBody": {"maxSize": 4096}
            }
        }));
        filters.push(json!({
            "type": "ExternalAuth",
            "externalAuth": {
                "protocol": "GRPC",
                "backendRef": {"group": "", "kind": "Service", "name": "ext-authz", "namespace": "auth", "port": 9001},
                "grpc": {"allowedHeaders": ["authorization"]}
            }
        }));
    }
    route
}

fn parse(value: &Value) -> HttpRoute {
    serde_json::from_value(value.clone()).expect("route parses")
}

#[test]
fn full_route_round_trips_unchanged() {
    let original = full_route();
    let route = parse(&original);
    assert_eq!(serde_json::to_value(&route).expect("serialises"), original);
}

#[test]
fn full_route_parses_into_typed_fields() {
    let route = parse(&full_route());
    let rules = route.spec.rules.as_deref().expect("rules");
    let api = &rules[0];
    let m = &api.matches.as_deref().expect("matches")[0];
    assert_eq!(m.method, Some(HttpMethod::Get));
    assert_eq!(
        m.headers.as_deref().expect("headers")[1].type_,
        Some(HeaderMatchType::RegularExpression)
    );
    let filters = api.filters.as_deref().expect("filters");
    assert_eq!(filters[4].type_, HttpRouteFilterType::UrlRewrite);
    let cors = filters[5].cors.as_ref().expect("cors");
    assert_eq!(
        cors.allow_methods,
        Some(vec![
            HttpMethodWithWildcard::Get,
            HttpMethodWithWildcard::Post
        ])
    );
    let redirect = rules[1].filters.as_deref().expect("filters")[0]
        .request_redirect
        .as_ref()
        .expect("redirect");
    assert_eq!(redirect.scheme, Some(HttpRedirectScheme::Https));
    assert_eq!(redirect.status_code, Some(301));
    assert_eq!(
        redirect.path,
        Some(HttpPathModifier::replace_full_path("/new"))
    );
    let backend = &api.backend_refs.as_deref().expect("backends")[0];
    assert_eq!(backend.weight_or_default(), 90);
    assert_eq!(backend.object_ref().name, "api");
    let status = route.status.as_ref().expect("status");
    assert_eq!(
        status.parents[0].controller_name,
        "example.com/gateway-controller"
    );
}

#[cfg(feature = "schemars")]
#[test]
fn full_route_sets_every_schema_field() {
    assert_example_covers_schema::<HttpRoute>(
        &full_route(),
        "spec.rules[].backendRefs[].filters[]",
        "spec.rules[].filters[]",
    );
}

#[test]
fn defaults_on_minimal_route_insert_catch_all_rule_and_parent_group_kind() {
    let route = parse(&json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "minimal"},
        "spec": {"parentRefs": [{"name": "edge"}]}
    }))
    .with_defaults();
    assert_eq!(
        serde_json::to_value(&route).expect("serialises"),
        json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": {"name": "minimal"},
            "spec": {
                "parentRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "edge"}],
                "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}]}]
            }
        })
    );
}

#[test]
fn defaults_fill_every_nested_absent_field() {
    let mut route = parse(&json!({
        "metadata": {"name": "nested"},
        "spec": {
            "rules": [
                {
                    "filters": [
                        {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "m", "port": 1}, "fraction": {"numerator": 5}}},
                        {"type": "CORS", "cors": {}}
                    ],
                    "backendRefs": [{
                        "name": "b",
                        "port": 80,
                        "filters": [{"type": "RequestRedirect", "requestRedirect": {}}]
                    }]
                },
                {
                    "matches": [
                        {"headers": [{"name": "h", "value": "v"}], "queryParams": [{"name": "q", "value": "v"}]},
                        {"path": {"type": "Exact"}},
                        {"path": {"value": "/p"}}
                    ]
                }
            ]
        },
        "status": {"parents": [{"parentRef": {"name": "edge"}, "controllerName": "example.com/c"}]}
    }));
    route.apply_defaults();
    assert_eq!(
        serde_json::to_value(&route).expect("serialises"),
        json!({
            "apiVersion": "",
            "kind": "",
            "metadata": {"name": "nested"},
            "spec": {
                "rules": [
                    {
                        "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                        "filters": [
                            {"type": "RequestMirror", "requestMirror": {
                                "backendRef": {"group": "", "kind": "Service", "name": "m", "port": 1},
                                "fraction": {"numerator": 5, "denominator": 100}
                            }},
                            {"type": "CORS", "cors": {"maxAge": 5}}
                        ],
                        "backendRefs": [{
                            "group": "",
                            "kind": "Service",
                            "name": "b",
                            "port": 80,
                            "weight": 1,
                            "filters": [{"type": "RequestRedirect", "requestRedirect": {"statusCode": 302}}]
                        }]
                    },
                    {
                        "matches": [
                            {
                                "path": {"type": "PathPrefix", "value": "/"},
                                "headers": [{"type": "Exact", "name": "h", "value": "v"}],
                                "queryParams": [{"type": "Exact", "name": "q", "value": "v"}]
                            },
                            {"path": {"type": "Exact", "value": "/"}},
                            {"path": {"type": "PathPrefix", "value": "/p"}}
                        ]
                    }
                ]
            },
            "status": {"parents": [{
                "parentRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "edge"},
                "controllerName": "example.com/c"
            }]}
        })
    );
}

#[test]
fn defaults_keep_explicit_empty_matches_and_rules() {
    let route = parse(&json!({
        "metadata": {"name": "empty"},
        "spec": {"rules": [{"matches": []}]}
    }))
    .with_defaults();
    let rules = route.spec.rules.as_deref().expect("rules");
    assert_eq!(rules[0].matches, Some(vec![]));
    assert!(rules[0].matches_or_default().is_empty());

    let route =
        parse(&json!({"metadata": {"name": "none"}, "spec": {"rules": []}})).with_defaults();
    assert_eq!(route.spec.rules, Some(vec![]));
    assert!(route.spec.rules_or_default().is_empty());
}

#[test]
fn defaults_keep_explicit_values() {
    let original = full_route();
    let defaulted = parse(&original).with_defaults();
    let value = serde_json::to_value(&defaulted).expect("serialises");
    let redirect = &value["spec"]["rules"][1]["filters"][0]["requestRedirect"];
    assert_eq!(redirect["statusCode"], 301);
    let cors = &value["spec"]["rules"][0]["filters"][5]["cors"];
    assert_eq!(cors["maxAge"], 600);
    let fraction = &value["spec"]["rules"][0]["filters"][2]["requestMirror"]["fraction"];
    assert_eq!(fraction["denominator"], 10);
    assert_eq!(value["spec"]["rules"][0]["backendRefs"][1]["weight"], 10);
}

#[test]
fn defaults_are_idempotent() {
    let once = parse(&full_route()).with_defaults();
    assert_eq!(once.clone().with_defaults(), once);
}

#[test]
fn accessors_read_defaults_without_applying_them() {
    let route = parse(&json!({
        "metadata": {"name": "lazy"},
        "spec": {"rules": [
            {"matches": [{"path": {"value": "/v"}, "headers": [{"name": "h", "value": "v"}],
                          "queryParams": [{"name": "q", "value": "v"}]}, {}],
             "filters": [{"type": "RequestRedirect", "requestRedirect": {}},
                         {"type": "CORS", "cors": {}},
                         {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "m"}, "fraction": {"numerator": 1}}}],
             "backendRefs": [{"name": "b"}]},
            {}
        ]}
    }));
    let rules = route.spec.rules_or_default();
    let matches = rules[0].matches_or_default();
    let first = matches[0].path_or_default();
    assert_eq!(*first.type_or_default(), PathMatchType::PathPrefix);
    assert_eq!(first.value_or_default(), "/v");
    assert_eq!(
        *matches[0].headers.as_deref().expect("headers")[0].type_or_default(),
        HeaderMatchType::Exact
    );
    assert_eq!(
        *matches[0].query_params.as_deref().expect("query")[0].type_or_default(),
        QueryParamMatchType::Exact
    );
    assert_eq!(matches[1].path_or_default(), &HttpPathMatch::prefix("/"));

    let filters = rules[0].filters.as_deref().expect("filters");
    let redirect = filters[0].request_redirect.as_ref().expect("redirect");
    assert_eq!(redirect.status_code_or_default(), 302);
    assert_eq!(
        filters[1].cors.as_ref().expect("cors").max_age_or_default(),
        5
    );
    let mirror = filters[2].request_mirror.as_ref().expect("mirror");
    assert_eq!(
        mirror
            .fraction
            .as_ref()
            .expect("fraction")
            .denominator_or_default(),
        100
    );
    let backend = &rules[0].backend_refs.as_deref().expect("backends")[0];
    assert_eq!(
        (
            backend.group_or_default(),
            backend.kind_or_default(),
            backend.weight_or_default()
        ),
        ("", "Service", 1)
    );

    // The second rule has no matches: the accessor yields the default match.
    assert_eq!(rules[1].matches_or_default(), [HttpRouteMatch::defaulted()]);
    // And the object itself was not changed.
    assert_eq!(rules[1].matches, None);
}

#[test]
fn accessors_agree_with_applied_defaults() {
    let route = parse(&json!({"metadata": {"name": "x"}, "spec": {}}));
    let defaulted = route.clone().with_defaults();
    assert_eq!(
        route.spec.rules_or_default(),
        defaulted.spec.rules.as_deref().expect("rules")
    );
    assert_eq!(route.spec.rules_or_default(), [HttpRouteRule::defaulted()]);
}

#[test]
fn effective_matches_treat_empty_list_as_catch_all() {
    let mut rule = HttpRouteRule {
        matches: Some(vec![]),
        ..HttpRouteRule::default()
    };
    assert!(rule.matches_or_default().is_empty());
    assert_eq!(rule.effective_matches(), [HttpRouteMatch::defaulted()]);
    rule.matches = None;
    assert_eq!(rule.effective_matches(), [HttpRouteMatch::defaulted()]);
    rule.matches = Some(vec![HttpRouteMatch::path(HttpPathMatch::exact("/x"))]);
    assert_eq!(
        rule.effective_matches(),
        [HttpRouteMatch::path(HttpPathMatch::exact("/x"))]
    );
}

#[test]
fn unknown_enum_values_are_kept() {
    let original = json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "future"},
        "spec": {"rules": [{
            "matches": [{
                "path": {"type": "Glob", "value": "/a/*"},
                "headers": [{"type": "Prefix", "name": "h", "value": "v"}],
                "queryParams": [{"type": "Prefix", "name": "q", "value": "v"}],
                "method": "BREW"
            }],
            "filters": [
                {"type": "Compress"},
                {"type": "RequestRedirect", "requestRedirect": {"scheme": "ftp", "statusCode": 399,
                    "path": {"type": "ReplaceSuffix"}}},
                {"type": "CORS", "cors": {"allowMethods": ["PROPFIND"]}}
            ]
        }]}
    });
    let route = parse(&original);
    let rule = &route.spec.rules.as_deref().expect("rules")[0];
    let m = &rule.matches.as_deref().expect("matches")[0];
    let path_type = m.path_or_default().type_or_default();
    assert_eq!(*path_type, PathMatchType::Unknown("Glob".to_owned()));
    assert!(!path_type.is_known());
    assert_eq!(m.method, Some(HttpMethod::Unknown("BREW".to_owned())));
    let filters = rule.filters.as_deref().expect("filters");
    assert_eq!(filters[0].type_, "Compress");
    let redirect = filters[1].request_redirect.as_ref().expect("redirect");
    assert_eq!(redirect.scheme, Some(HttpRedirectScheme::from("ftp")));
    assert_eq!(redirect.status_code_or_default(), 399);
    // Defaulting leaves unknown values alone, and they serialise verbatim.
    let defaulted = route.with_defaults();
    let value = serde_json::to_value(&defaulted).expect("serialises");
    assert_eq!(
        value["spec"]["rules"][0]["matches"][0]["path"]["type"],
        "Glob"
    );
    assert_eq!(value["spec"]["rules"][0]["matches"][0]["method"], "BREW");
    assert_eq!(value["spec"]["rules"][0]["filters"][0]["type"], "Compress");
    assert_eq!(
        value["spec"]["rules"][0]["filters"][2]["cors"]["allowMethods"][0],
        "PROPFIND"
    );
}

#[test]
fn filter_union_members_are_kept_as_written() {
    // A filter whose type and member disagree still loads, so validation can
    // report the union violation.
    let filter: HttpRouteFilter = serde_json::from_value(json!({
        "type": "RequestHeaderModifier",
        "urlRewrite": {"hostname": "x.example.com"}
    }))
    .expect("filter parses");
    assert_eq!(filter.type_, HttpRouteFilterType::RequestHeaderModifier);
    assert!(filter.request_header_modifier.is_none());
    assert!(filter.url_rewrite.is_some());
}

#[test]
fn constructors_build_the_wire_shape() {
    let filter = HttpRouteFilter::request_redirect(HttpRequestRedirectFilter::default());
    assert_eq!(
        serde_json::to_value(&filter).expect("serialises"),
        json!({"type": "RequestRedirect", "requestRedirect": {}})
    );
    let headers = HttpHeaderFilter {
        set: Some(vec![HttpHeader::new("x-a", "1")]),
        ..HttpHeaderFilter::default()
    };
    let filter = HttpRouteFilter::request_header_modifier(headers);
    assert_eq!(
        serde_json::to_value(&filter).expect("serialises"),
        json!({"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "x-a", "value": "1"}]}})
    );
    let mut mirror = HttpRequestMirrorFilter::new(BackendObjectReference::service("m", 80));
    mirror.fraction = Some(Fraction::new(1, 4));
    assert_eq!(
        serde_json::to_value(HttpRouteFilter::request_mirror(mirror)).expect("serialises"),
        json!({"type": "RequestMirror", "requestMirror": {
            "backendRef": {"name": "m", "port": 80}, "fraction": {"numerator": 1, "denominator": 4}}})
    );
    let object = LocalObjectReference {
        group: "example.net".to_owned(),
        kind: "Thing".to_owned(),
        name: "t".to_owned(),
    };
    assert_eq!(
        serde_json::to_value(HttpRouteFilter::extension_ref(object)).expect("serialises"),
        json!({"type": "ExtensionRef", "extensionRef": {"group": "example.net", "kind": "Thing", "name": "t"}})
    );
    assert_eq!(
        serde_json::to_value(HttpRouteFilter::url_rewrite(HttpUrlRewriteFilter::default()))
            .expect("serialises"),
        json!({"type": "URLRewrite", "urlRewrite": {}})
    );
    assert_eq!(
        serde_json::to_value(HttpRouteFilter::cors(HttpCorsFilter::default())).expect("serialises"),
        json!({"type": "CORS", "cors": {}})
    );
    assert_eq!(
        serde_json::to_value(HttpRouteFilter::response_header_modifier(
            HttpHeaderFilter::default()
        ))
        .expect("serialises"),
        json!({"type": "ResponseHeaderModifier", "responseHeaderModifier": {}})
    );
    let backend = HttpBackendRef::service("api", 8080);
    assert_eq!(
        serde_json::to_value(&backend).expect("serialises"),
        json!({"name": "api", "port": 8080})
    );
    assert_eq!(backend.backend_ref().port, Some(8080));
    assert_eq!(
        serde_json::to_value(HttpPathModifier::replace_prefix_match("/v2")).expect("serialises"),
        json!({"type": "ReplacePrefixMatch", "replacePrefixMatch": "/v2"})
    );
    assert_eq!(
        serde_json::to_value(HttpHeaderMatch::regex("h", "v.*")).expect("serialises"),
        json!({"type": "RegularExpression", "name": "h", "value": "v.*"})
    );
    assert_eq!(
        serde_json::to_value(HttpQueryParamMatch::exact("q", "1")).expect("serialises"),
        json!({"type": "Exact", "name": "q", "value": "1"})
    );
}

#[test]
fn absent_and_empty_lists_serialise_differently() {
    let mut spec = HttpRouteSpec::default();
    assert_eq!(serde_json::to_value(&spec).expect("serialises"), json!({}));
    spec.hostnames = Some(vec![]);
    assert_eq!(
        serde_json::to_value(&spec).expect("serialises"),
        json!({"hostnames": []})
    );
}

#[test]
fn v1beta1_objects_load_with_the_same_shape() {
    let mut value = full_route();
    value["apiVersion"] = json!("gateway.networking.k8s.io/v1beta1");
    let route = parse(&value);
    assert_eq!(route.api_version, "gateway.networking.k8s.io/v1beta1");
    assert_eq!(serde_json::to_value(&route).expect("serialises"), value);
}

#[cfg(feature = "experimental")]
#[test]
fn experimental_fields_parse_and_default() {
    use crate::shared::{CookieLifetimeType, GatewayDefaultScope, SessionPersistenceType};

    let route = parse(&full_route());
    assert_eq!(
        route.spec.use_default_gateways,
        Some(GatewayDefaultScope::All)
    );
    let rule = &route.spec.rules.as_deref().expect("rules")[0];
    let retry = rule.retry.as_ref().expect("retry");
    assert_eq!(retry.codes, Some(vec![502, 503]));
    let filters = rule.filters.as_deref().expect("filters");
    let auth = filters[7].external_auth.as_ref().expect("external auth");
    assert_eq!(auth.protocol, HttpRouteExternalAuthProtocol::Http);
    assert_eq!(
        auth.forward_body.as_ref().expect("forward body").max_size,
        Some(4096)
    );

    let mut session = SessionPersistence::default();
    assert_eq!(*session.type_or_default(), SessionPersistenceType::Cookie);
    session.cookie_config = Some(crate::shared::CookieConfig::default());
    session.apply_defaults();
    assert_eq!(session.type_, Some(SessionPersistenceType::Cookie));
    assert_eq!(
        session
            .cookie_config
            .as_ref()
            .expect("cookie")
            .lifetime_type,
        Some(CookieLifetimeType::Session)
    );

    let mut auth = HttpRouteFilter::external_auth(HttpExternalAuthFilter::grpc(
        BackendObjectReference::service("authz", 9001),
    ));
    auth.apply_defaults();
    assert_eq!(
        serde_json::to_value(&auth).expect("serialises"),
        json!({"type": "ExternalAuth", "externalAuth": {
            "protocol": "GRPC",
            "backendRef": {"group": "", "kind": "Service", "name": "authz", "port": 9001},
            "grpc": {}
        }})
    );
}
