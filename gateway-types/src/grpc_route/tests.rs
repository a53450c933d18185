use serde_json::{Value, json};

use super::*;
use crate::http_route::HttpHeader;

/// A realistic route that sets every standard-channel field (and, with the
/// `experimental` feature, every experimental one).
fn full_route() -> Value {
    #[allow(unused_mut)] // only the experimental channel adds fields
    let mut route = json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "GRPCRoute",
        "metadata": {"name": "echo", "namespace": "rpc"},
        "spec": {
            "parentRefs": [{
                "group": "gateway.networking.k8s.io",
                "kind": "Gateway",
                "namespace": "infra",
                "name": "edge",
                "sectionName": "grpc",
                "port": 443
            }],
            "hostnames": ["grpc.example.com"],
            "rules": [
                {
                    "name": "echo",
                    "matches": [
                        {
                            "method": {"type": "Exact", "service": "echo.v1.Echo", "method": "Say"},
                            "headers": [{"type": "Exact", "name": "x-tenant", "value": "blue"}]
                        },
                        {"method": {"type": "RegularExpression", "service": "echo\\.v[0-9]+\\.Echo"}}
                    ],
                    "filters": [
                        {
                            "type": "RequestHeaderModifier",
                            "requestHeaderModifier": {
                                "set": [{"name": "x-route", "value": "echo"}],
                                "add": [{"name": "x-trace", "value": "on"}],
                                "remove": ["x-internal"]
                            }
                        },
                        {
                            "type": "ResponseHeaderModifier",
                            "responseHeaderModifier": {
                                "set": [{"name": "x-served-by", "value": "edge"}],
                                "add": [{"name": "x-extra", "value": "1"}],
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
                                    "namespace": "rpc",
                                    "port": 50051
                                },
                                "percent": 10,
                                "fraction": {"numerator": 1, "denominator": 10}
                            }
                        },
                        {
                            "type": "ExtensionRef",
                            "extensionRef": {"group": "example.net", "kind": "Quota", "name": "q"}
                        }
                    ],
                    "backendRefs": [
                        {
                            "group": "",
                            "kind": "Service",
                            "name": "echo",
                            "namespace": "rpc",
                            "port": 50051,
                            "weight": 3,
                            "filters": [{
                                "type": "RequestHeaderModifier",
                                "requestHeaderModifier": {"set": [{"name": "x-backend", "value": "echo"}]}
                            }]
                        }
                    ]
                },
                {"backendRefs": [{"name": "fallback", "port": 50051}]}
            ]
        },
        "status": {
            "parents": [{
                "parentRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": "infra",
                              "name": "edge", "sectionName": "grpc", "port": 443},
                "controllerName": "example.com/gateway-controller",
                "conditions": [{
                    "type": "ResolvedRefs",
                    "status": "True",
                    "reason": "ResolvedRefs",
                    "message": "",
                    "lastTransitionTime": "2024-05-01T12:00:00Z",
                    "observedGeneration": 1
                }]
            }]
        }
    });
    #[cfg(feature = "experimental")]
    {
        route["spec"]["useDefaultGateways"] = json!("None");
        route["spec"]["rules"][0]["sessionPersistence"] = json!({
            "sessionName": "echo-session",
            "absoluteTimeout": "30m",
            "type": "Header",
            "cookieConfig": {"lifetimeType": "Session"}
        });
    }
    route
}

fn parse(value: &Value) -> GrpcRoute {
    serde_json::from_value(value.clone()).expect("route parses")
}

#[test]
fn full_route_round_trips_unchanged() {
    let original = full_route();
    let route = parse(&original);
    assert_eq!(serde_json::to_value(&route).expect("serialises"), original);
}

#[cfg(feature = "schemars")]
#[test]
fn full_route_sets_every_schema_field() {
    crate::http_route::tests::assert_example_covers_schema::<GrpcRoute>(
        &full_route(),
        "spec.rules[].backendRefs[].filters[]",
        "spec.rules[].filters[]",
    );
}

#[test]
fn full_route_parses_into_typed_fields() {
    let route = parse(&full_route());
    let rules = route.spec.rules.as_deref().expect("rules");
    let matches = rules[0].matches.as_deref().expect("matches");
    let method = matches[1].method.as_ref().expect("method");
    assert_eq!(method.type_, Some(GrpcMethodMatchType::RegularExpression));
    assert_eq!(method.method, None);
    let filters = rules[0].filters.as_deref().expect("filters");
    assert_eq!(
        filters[1].type_,
        GrpcRouteFilterType::ResponseHeaderModifier
    );
    assert_eq!(
        filters[0]
            .request_header_modifier
            .as_ref()
            .and_then(|h| h.set.as_deref())
            .expect("set"),
        [HttpHeader::new("x-route", "echo")]
    );
    let backend = &rules[0].backend_refs.as_deref().expect("backends")[0];
    assert_eq!(backend.object_ref().port, Some(50051));
    assert_eq!(backend.backend_ref().weight, Some(3));
}

#[test]
fn defaults_insert_no_rules_or_matches() {
    let route = parse(&json!({
        "metadata": {"name": "bare"},
        "spec": {"parentRefs": [{"name": "edge"}], "rules": [{"backendRefs": [{"name": "b", "port": 1}]}]}
    }))
    .with_defaults();
    assert_eq!(
        serde_json::to_value(&route.spec).expect("serialises"),
        json!({
            "parentRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "edge"}],
            "rules": [{"backendRefs": [{"group": "", "kind": "Service", "name": "b", "port": 1, "weight": 1}]}]
        })
    );
    assert!(route.spec.rules.as_deref().expect("rules")[0].matches_everything());

    let route = parse(&json!({"metadata": {"name": "empty"}, "spec": {}})).with_defaults();
    assert_eq!(route.spec.rules, None);
}

#[test]
fn defaults_fill_method_and_header_match_types_and_mirror() {
    let mut route = parse(&json!({
        "metadata": {"name": "m"},
        "spec": {"rules": [{
            "matches": [{"method": {"service": "a.B"}, "headers": [{"name": "h", "value": "v"}]}, {}],
            "filters": [{"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "s", "port": 1},
                                                                   "fraction": {"numerator": 1}}}],
            "backendRefs": [{"name": "b", "port": 1, "filters": [
                {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "t", "port": 2}}}
            ]}]
        }]},
        "status": {"parents": [{"parentRef": {"name": "edge"}, "controllerName": "example.com/c"}]}
    }));
    route.apply_defaults();
    let value = serde_json::to_value(&route).expect("serialises");
    assert_eq!(
        value["spec"]["rules"][0],
        json!({
            "matches": [
                {"method": {"type": "Exact", "service": "a.B"}, "headers": [{"type": "Exact", "name": "h", "value": "v"}]},
                {}
            ],
            "filters": [{"type": "RequestMirror", "requestMirror": {
                "backendRef": {"group": "", "kind": "Service", "name": "s", "port": 1},
                "fraction": {"numerator": 1, "denominator": 100}
            }}],
            "backendRefs": [{"group": "", "kind": "Service", "name": "b", "port": 1, "weight": 1, "filters": [
                {"type": "RequestMirror", "requestMirror": {"backendRef": {"group": "", "kind": "Service", "name": "t", "port": 2}}}
            ]}]
        })
    );
    assert_eq!(
        value["status"]["parents"][0]["parentRef"],
        json!({"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "edge"})
    );
}

#[test]
fn defaults_keep_explicit_empty_matches() {
    let route = parse(&json!({"metadata": {"name": "e"}, "spec": {"rules": [{"matches": []}]}}))
        .with_defaults();
    let rule = &route.spec.rules.as_deref().expect("rules")[0];
    assert_eq!(rule.matches, Some(vec![]));
    assert!(rule.matches_everything());
}

#[test]
fn defaults_are_idempotent() {
    let once = parse(&full_route()).with_defaults();
    assert_eq!(once.clone().with_defaults(), once);
}

#[test]
fn accessors_read_defaults_without_applying_them() {
    let m: GrpcRouteMatch = serde_json::from_value(json!({
        "method": {"service": "a.B"},
        "headers": [{"name": "h", "value": "v"}]
    }))
    .expect("match parses");
    let method = m.method.as_ref().expect("method");
    assert_eq!(*method.type_or_default(), GrpcMethodMatchType::Exact);
    assert_eq!(method.type_, None);
    let header = &m.headers.as_deref().expect("headers")[0];
    assert_eq!(*header.type_or_default(), GrpcHeaderMatchType::Exact);
    let backend = GrpcBackendRef::service("b", 1);
    assert_eq!(
        (
            backend.group_or_default(),
            backend.kind_or_default(),
            backend.weight_or_default()
        ),
        ("", "Service", 1)
    );
}

#[test]
fn unknown_enum_values_are_kept() {
    let original = json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "GRPCRoute",
        "metadata": {"name": "future"},
        "spec": {"rules": [{
            "matches": [{"method": {"type": "Prefix", "service": "a"}, "headers": [{"type": "Glob", "name": "h", "value": "v*"}]}],
            "filters": [{"type": "RequestRedirect", "requestRedirect": {}}]
        }]}
    });
    let route = parse(&original);
    let rule = &route.spec.rules.as_deref().expect("rules")[0];
    let m = &rule.matches.as_deref().expect("matches")[0];
    let method_type = m.method.as_ref().expect("method").type_or_default();
    assert_eq!(
        *method_type,
        GrpcMethodMatchType::Unknown("Prefix".to_owned())
    );
    assert!(!method_type.is_known());
    let filter = &rule.filters.as_deref().expect("filters")[0];
    assert_eq!(filter.type_, "RequestRedirect");
    assert!(!filter.type_.is_known());
    // The unknown `requestRedirect` member is not part of GRPCRoute and is
    // dropped, as the API server prunes unknown fields; the type stays.
    let value = serde_json::to_value(route.with_defaults()).expect("serialises");
    assert_eq!(
        value["spec"]["rules"][0]["matches"][0]["method"]["type"],
        "Prefix"
    );
    assert_eq!(
        value["spec"]["rules"][0]["matches"][0]["headers"][0]["type"],
        "Glob"
    );
    assert_eq!(
        value["spec"]["rules"][0]["filters"][0],
        json!({"type": "RequestRedirect"})
    );
}

#[test]
fn constructors_build_the_wire_shape() {
    assert_eq!(
        serde_json::to_value(GrpcMethodMatch::exact("echo.Echo", Some("Say"))).expect("serialises"),
        json!({"type": "Exact", "service": "echo.Echo", "method": "Say"})
    );
    assert_eq!(
        serde_json::to_value(GrpcHeaderMatch::exact("h", "v")).expect("serialises"),
        json!({"type": "Exact", "name": "h", "value": "v"})
    );
    assert_eq!(
        serde_json::to_value(GrpcRouteFilter::request_header_modifier(
            HttpHeaderFilter::default()
        ))
        .expect("serialises"),
        json!({"type": "RequestHeaderModifier", "requestHeaderModifier": {}})
    );
    assert_eq!(
        serde_json::to_value(GrpcRouteFilter::response_header_modifier(
            HttpHeaderFilter::default()
        ))
        .expect("serialises"),
        json!({"type": "ResponseHeaderModifier", "responseHeaderModifier": {}})
    );
    let mirror = HttpRequestMirrorFilter::new(BackendObjectReference::service("s", 1));
    assert_eq!(
        serde_json::to_value(GrpcRouteFilter::request_mirror(mirror)).expect("serialises"),
        json!({"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "s", "port": 1}}})
    );
    let object = LocalObjectReference {
        group: "example.net".to_owned(),
        kind: "Quota".to_owned(),
        name: "q".to_owned(),
    };
    assert_eq!(
        serde_json::to_value(GrpcRouteFilter::extension_ref(object)).expect("serialises"),
        json!({"type": "ExtensionRef", "extensionRef": {"group": "example.net", "kind": "Quota", "name": "q"}})
    );
}

#[cfg(feature = "experimental")]
#[test]
fn experimental_fields_parse() {
    use crate::shared::{GatewayDefaultScope, SessionPersistenceType};

    let route = parse(&full_route());
    assert_eq!(
        route.spec.use_default_gateways,
        Some(GatewayDefaultScope::None)
    );
    let session = route.spec.rules.as_deref().expect("rules")[0]
        .session_persistence
        .as_ref()
        .expect("session persistence");
    assert_eq!(*session.type_or_default(), SessionPersistenceType::Header);
}
