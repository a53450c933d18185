use serde_json::json;

use super::*;
use crate::MetaExt;

/// A Gateway that sets every spec and status field of the CRD.
fn full_gateway_json() -> serde_json::Value {
    let mut gateway = json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "edge", "namespace": "infra", "generation": 3},
        "spec": {
            "gatewayClassName": "example",
            "listeners": [
                {
                    "name": "http",
                    "port": 80,
                    "protocol": "HTTP",
                    "allowedRoutes": {
                        "namespaces": {
                            "from": "Selector",
                            "selector": {
                                "matchLabels": {"expose": "true"},
                                "matchExpressions": [
                                    {"key": "env", "operator": "In", "values": ["prod", "staging"]}
                                ]
                            }
                        },
                        "kinds": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}]
                    }
                },
                {
                    "name": "https",
                    "hostname": "*.example.com",
                    "port": 443,
                    "protocol": "HTTPS",
                    "tls": {
                        "mode": "Terminate",
                        "certificateRefs": [
                            {"group": "", "kind": "Secret", "name": "wildcard", "namespace": "certs"}
                        ],
                        "options": {"example.com/tls-min-version": "1.3"}
                    }
                },
                {
                    "name": "tls",
                    "hostname": "db.example.com",
                    "port": 8443,
                    "protocol": "TLS",
                    "tls": {"mode": "Passthrough"}
                }
            ],
            "addresses": [
                {"type": "IPAddress", "value": "192.0.2.10"},
                {"type": "Hostname", "value": "edge.example.com"},
                {"type": "NamedAddress"}
            ],
            "infrastructure": {
                "labels": {"team": "net"},
                "annotations": {"example.com/owner": "net-team"},
                "parametersRef": {"group": "example.com", "kind": "ProxyConfig", "name": "edge"}
            },
            "allowedListeners": {
                "namespaces": {"from": "Selector", "selector": {"matchLabels": {"listeners": "edge"}}}
            },
            "tls": {
                "backend": {
                    "clientCertificateRef": {"group": "", "kind": "Secret", "name": "client", "namespace": "certs"}
                },
                "frontend": {
                    "default": {
                        "validation": {
                            "caCertificateRefs": [
                                {"group": "", "kind": "ConfigMap", "name": "ca", "namespace": "certs"}
                            ],
                            "mode": "AllowValidOnly"
                        }
                    },
                    "perPort": [{
                        "port": 8443,
                        "tls": {
                            "validation": {
                                "caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": "ca-8443"}],
                                "mode": "AllowInsecureFallback"
                            }
                        }
                    }]
                }
            }
        },
        "status": {
            "addresses": [
                {"type": "IPAddress", "value": "192.0.2.10"},
                {"value": "2001:db8::1"}
            ],
            "conditions": [
                {
                    "type": "Accepted", "status": "True", "reason": "Accepted", "message": "",
                    "lastTransitionTime": "2024-05-01T10:00:00Z", "observedGeneration": 3
                },
                {
                    "type": "Programmed", "status": "False", "reason": "AddressNotAssigned",
                    "message": "waiting for the load balancer",
                    "lastTransitionTime": "2024-05-01T10:00:00Z", "observedGeneration": 3
                }
            ],
            "listeners": [{
                "name": "http",
                "supportedKinds": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}],
                "attachedRoutes": 4,
                "conditions": [{
                    "type": "Accepted", "status": "True", "reason": "Accepted", "message": "",
                    "lastTransitionTime": "2024-05-01T10:00:00Z", "observedGeneration": 3
                }]
            }, {
                "name": "https",
                "supportedKinds": [],
                "attachedRoutes": 0,
                "conditions": []
            }],
            "attachedListenerSets": 2
        }
    });
    if cfg!(feature = "experimental") {
        gateway["spec"]["defaultScope"] = json!("All");
    }
    gateway
}

#[test]
fn gateway_round_trips_every_field() {
    let json = full_gateway_json();
    let gateway: Gateway = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(gateway.metadata.name_str(), "edge");
    assert_eq!(gateway.spec.listeners.len(), 3);
    #[cfg(feature = "experimental")]
    assert_eq!(gateway.spec.default_scope, Some(GatewayDefaultScope::All));
    assert_eq!(serde_json::to_value(&gateway).unwrap(), json);
}

#[test]
fn absent_and_empty_lists_stay_distinct() {
    let gateway: Gateway = serde_json::from_value(full_gateway_json()).unwrap();
    let status = gateway.status.as_ref().unwrap();
    assert_eq!(
        status.listener("https").unwrap().supported_kinds,
        Some(vec![])
    );
    let http = gateway.listener("http").unwrap();
    assert_eq!(http.tls, None);
}

#[test]
fn defaults_fill_minimal_gateway() {
    let minimal = json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "edge"},
        "spec": {
            "gatewayClassName": "example",
            "listeners": [
                {"name": "http", "port": 80, "protocol": "HTTP"},
                {
                    "name": "https", "port": 443, "protocol": "HTTPS",
                    "tls": {"certificateRefs": [{"name": "cert"}]},
                    "allowedRoutes": {"kinds": [{"kind": "HTTPRoute"}]}
                }
            ],
            "addresses": [{"value": "192.0.2.1"}],
            "allowedListeners": {},
            "tls": {
                "backend": {"clientCertificateRef": {"name": "client"}},
                "frontend": {
                    "default": {"validation": {"caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": "ca"}]}},
                    "perPort": [{"port": 443, "tls": {"validation": {"caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": "ca2"}]}}}]
                }
            }
        }
    });
    let expected = json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "edge"},
        "spec": {
            "gatewayClassName": "example",
            "listeners": [
                {
                    "name": "http", "port": 80, "protocol": "HTTP",
                    "allowedRoutes": {"namespaces": {"from": "Same"}}
                },
                {
                    "name": "https", "port": 443, "protocol": "HTTPS",
                    "tls": {"mode": "Terminate", "certificateRefs": [{"group": "", "kind": "Secret", "name": "cert"}]},
                    "allowedRoutes": {
                        "namespaces": {"from": "Same"},
                        "kinds": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}]
                    }
                }
            ],
            "addresses": [{"type": "IPAddress", "value": "192.0.2.1"}],
            "allowedListeners": {"namespaces": {"from": "None"}},
            "tls": {
                "backend": {"clientCertificateRef": {"group": "", "kind": "Secret", "name": "client"}},
                "frontend": {
                    "default": {"validation": {
                        "caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": "ca"}],
                        "mode": "AllowValidOnly"
                    }},
                    "perPort": [{"port": 443, "tls": {"validation": {
                        "caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": "ca2"}],
                        "mode": "AllowValidOnly"
                    }}}]
                }
            }
        }
    });
    let gateway: Gateway = serde_json::from_value(minimal).unwrap();
    let defaulted = gateway.with_defaults();
    assert_eq!(serde_json::to_value(&defaulted).unwrap(), expected);
    assert_eq!(
        defaulted,
        serde_json::from_value::<Gateway>(expected).unwrap()
    );
}

#[test]
fn defaults_are_idempotent_and_keep_explicit_values() {
    let mut gateway: Gateway = serde_json::from_value(full_gateway_json()).unwrap();
    gateway.apply_defaults();
    let once = gateway.clone();
    gateway.apply_defaults();
    assert_eq!(gateway, once);
    // Explicit values written by the user survive defaulting.
    let http = gateway.listener("http").unwrap();
    assert_eq!(
        http.allowed_routes_or_default().from_or_default(),
        FromNamespaces::Selector
    );
    assert_eq!(
        gateway.spec.allowed_listeners_from_or_default(),
        FromNamespaces::Selector
    );
    let tls = gateway.listener("tls").unwrap();
    assert_eq!(tls.tls_mode_or_default(), Some(TlsModeType::Passthrough));
}

#[test]
fn defaults_do_not_replace_an_explicit_empty_list() {
    let mut listener =
        Listener::new("https", 443, protocol_type::HTTPS).with_tls(ListenerTlsConfig {
            mode: None,
            certificate_refs: Some(vec![]),
            options: None,
        });
    listener.allowed_routes = Some(AllowedRoutes {
        namespaces: None,
        kinds: Some(vec![]),
    });
    listener.apply_defaults();
    assert_eq!(
        listener.tls.as_ref().unwrap().certificate_refs,
        Some(vec![])
    );
    assert_eq!(
        listener.allowed_routes.as_ref().unwrap().kinds,
        Some(vec![])
    );
}

#[test]
fn defaults_leave_gateway_status_untouched() {
    let gateway = Gateway::new(
        "edge",
        GatewaySpec::new(
            "example",
            vec![Listener::new("http", 80, protocol_type::HTTP)],
        ),
    )
    .with_defaults();
    assert_eq!(gateway.status, None);

    let mut with_status = gateway;
    let status = GatewayStatus {
        addresses: Some(vec![GatewayStatusAddress {
            type_: None,
            value: "192.0.2.1".to_owned(),
        }]),
        ..GatewayStatus::default()
    };
    with_status.status = Some(status.clone());
    with_status.apply_defaults();
    assert_eq!(with_status.status, Some(status));
}

#[test]
fn unknown_enum_values_are_kept() {
    let json = json!({
        "gatewayClassName": "example",
        "listeners": [{
            "name": "tls", "port": 443, "protocol": "TLS",
            "tls": {"mode": "Reencrypt"},
            "allowedRoutes": {"namespaces": {"from": "None"}}
        }, {
            "name": "other", "port": 8443, "protocol": "example.com/quic",
            "allowedRoutes": {"namespaces": {"from": "Nearby"}}
        }],
        "allowedListeners": {"namespaces": {"from": "Everywhere"}},
        "tls": {"frontend": {"default": {"validation": {
            "caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": "ca"}],
            "mode": "AllowAnything"
        }}}}
    });
    let spec: GatewaySpec = serde_json::from_value(json.clone()).unwrap();
    let tls = spec.listener("tls").unwrap();
    assert_eq!(
        tls.tls_mode_or_default(),
        Some(TlsModeType::Unknown("Reencrypt".to_owned()))
    );
    // `None` is a known value of the enum even where the schema forbids it.
    assert_eq!(
        tls.allowed_routes_or_default().from_or_default(),
        FromNamespaces::None
    );
    let other = spec.listener("other").unwrap();
    assert_eq!(other.protocol, "example.com/quic");
    let from = other.allowed_routes_or_default().from_or_default();
    assert!(!from.is_known());
    assert_eq!(from, "Nearby");
    assert_eq!(spec.allowed_listeners_from_or_default(), "Everywhere");
    let validation = spec
        .tls
        .as_ref()
        .unwrap()
        .frontend
        .as_ref()
        .unwrap()
        .default
        .validation
        .as_ref()
        .unwrap();
    assert_eq!(validation.mode_or_default(), "AllowAnything");
    assert_eq!(serde_json::to_value(&spec).unwrap(), json);
}

#[test]
fn absent_fields_read_as_their_defaults() {
    let listener = Listener::new("http", 80, protocol_type::HTTP);
    assert_eq!(listener.hostname(), None);
    assert_eq!(listener.tls_mode_or_default(), None);
    let allowed = listener.allowed_routes_or_default();
    assert_eq!(allowed.from_or_default(), FromNamespaces::Same);
    assert!(allowed.kinds().is_empty());
    assert_eq!(allowed.selector(), None);
    // The accessor does not mutate the listener.
    assert_eq!(listener.allowed_routes, None);

    assert_eq!(
        ListenerTlsConfig::default().mode_or_default(),
        TlsModeType::Terminate
    );
    assert_eq!(
        GatewaySpecAddress::default().type_or_default(),
        address_type::IP_ADDRESS
    );
    assert_eq!(
        RouteGroupKind::new("HTTPRoute").group_or_default(),
        crate::shared::GROUP
    );
    assert_eq!(
        GatewaySpec::default().allowed_listeners_from_or_default(),
        FromNamespaces::None
    );
    assert_eq!(
        AllowedListeners::default()
            .namespaces
            .map(|n| n.from_or_default()),
        None
    );
}

#[test]
fn frontend_per_port_entry_replaces_default() {
    let gateway: Gateway = serde_json::from_value(full_gateway_json()).unwrap();
    let frontend = gateway
        .spec
        .tls
        .as_ref()
        .unwrap()
        .frontend
        .as_ref()
        .unwrap();
    let mode = |port| {
        frontend
            .for_port(port)
            .validation
            .as_ref()
            .map(FrontendTlsValidation::mode_or_default)
    };
    assert_eq!(
        mode(8443),
        Some(FrontendValidationModeType::AllowInsecureFallback)
    );
    assert_eq!(mode(443), Some(FrontendValidationModeType::AllowValidOnly));
}

#[test]
fn gateway_accessors_find_listeners_and_conditions() {
    let gateway: Gateway = serde_json::from_value(full_gateway_json()).unwrap();
    assert_eq!(gateway.class_name(), "example");
    assert_eq!(
        gateway.listener("https").unwrap().hostname(),
        Some("*.example.com")
    );
    assert!(gateway.listener("missing").is_none());
    let status = gateway.status.as_ref().unwrap();
    assert!(status.condition("Accepted").unwrap().is_true());
    assert_eq!(
        status.condition("Programmed").unwrap().reason,
        "AddressNotAssigned"
    );
    assert!(status.condition("ResolvedRefs").is_none());
    let http = status.listener("http").unwrap();
    assert_eq!(http.attached_routes, 4);
    assert!(http.condition("Accepted").is_some());
    let addresses = status.addresses.as_ref().unwrap();
    assert_eq!(addresses[1].type_or_default(), address_type::IP_ADDRESS);
}

#[test]
fn pending_gateway_status_matches_the_crd_default() {
    let pending = serde_json::to_value(GatewayStatus::pending()).unwrap();
    let condition = |type_: &str| {
        json!({
            "type": type_, "status": "Unknown", "reason": "Pending",
            "message": "Waiting for controller", "lastTransitionTime": "1970-01-01T00:00:00Z"
        })
    };
    assert_eq!(
        pending,
        json!({"conditions": [condition("Accepted"), condition("Programmed")]})
    );
}

#[test]
fn missing_required_fields_fail_to_load() {
    for spec in [
        json!({"listeners": []}),
        json!({"gatewayClassName": "x"}),
        json!({"gatewayClassName": "x", "listeners": [{"name": "a", "protocol": "HTTP"}]}),
    ] {
        assert!(serde_json::from_value::<GatewaySpec>(spec).is_err());
    }
}

#[cfg(feature = "schemars")]
#[test]
fn allowed_routes_schema_excludes_none_but_allowed_listeners_allows_it() {
    let schema = serde_json::to_value(schemars::schema_for!(RouteNamespaces)).unwrap();
    assert_eq!(
        schema["properties"]["from"]["enum"],
        json!(["All", "Selector", "Same"])
    );
    let schema = serde_json::to_value(schemars::schema_for!(ListenerNamespaces)).unwrap();
    assert_eq!(
        schema["$defs"]["FromNamespaces"]["enum"],
        json!(["All", "Selector", "Same", "None"])
    );
}
