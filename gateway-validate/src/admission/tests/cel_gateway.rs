//! The CEL rules of GatewayClass, Gateway and ListenerSet.

use serde_json::json;

use super::{T, gateway};

fn class(controller: &str) -> T {
    T::new(
        "
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: example}
spec: {controllerName: example.com/gateway}
",
    )
    .set("spec.controllerName", json!(controller))
}

#[test]
fn gatewayclass_controller_name_immutable() {
    let old = class("example.com/gateway");
    class("example.com/other").update_of(&old).rejects(
        "gatewayclass.controller-name.immutable",
        "spec.controllerName",
    );
    class("example.com/gateway")
        .set("spec.description", json!("changed"))
        .update_of(&old)
        .clean();
    // A create has nothing to compare with.
    class("example.com/other").clean();
}

fn addresses(list: serde_json::Value) -> T {
    gateway().set("spec.addresses", list)
}

#[test]
fn gateway_addresses_unique_ip() {
    addresses(json!([{"value": "10.0.0.1"}, {"type": "IPAddress", "value": "10.0.0.1"}]))
        .rejects("gateway.addresses.unique-ip", "spec.addresses[1]");
    addresses(json!([{"value": "10.0.0.1"}, {"value": "10.0.0.2"}, {}, {}])).clean();
    // The same text under another type is another address.
    addresses(json!([{"value": "10.0.0.1"}, {"type": "NamedAddress", "value": "10.0.0.1"}]))
        .clean();
}

#[test]
fn gateway_addresses_unique_hostname() {
    addresses(json!([{"type": "Hostname", "value": "a.example"}, {"type": "Hostname", "value": "a.example"}]))
        .rejects("gateway.addresses.unique-hostname", "spec.addresses[1]");
    addresses(json!([{"type": "Hostname", "value": "a.example"}, {"type": "Hostname", "value": "b.example"}]))
        .clean();
}

#[test]
fn gateway_address_hostname_format() {
    addresses(json!([{"type": "Hostname", "value": "A.example"}]))
        .rejects("gateway.address.hostname-format", "spec.addresses[0].value");
    addresses(json!([{"type": "Hostname", "value": "*.a.example"}])).clean();
    addresses(json!([{"type": "Hostname"}])).clean();
}

#[test]
fn schema_format_ip() {
    for bad in [
        "10.0.0.256",
        "010.0.0.1",
        "fe80::1%eth0",
        "[::1]",
        "10.0.0.1/24",
        "host",
    ] {
        addresses(json!([{"value": bad}])).rejects("schema.format.ip", "spec.addresses[0].value");
    }
    for good in [
        "10.0.0.1",
        "::1",
        "2001:db8::10.0.0.1",
        "fd00:0:0:0:0:0:0:1",
    ] {
        addresses(json!([{"type": "IPAddress", "value": good}])).clean();
    }
    addresses(json!([{"type": "NamedAddress", "value": "not-an-ip"}])).clean();
}

fn infra(field: &str, key: &str) -> T {
    gateway().set(&format!("spec.infrastructure.{field}"), json!({key: "v"}))
}

#[test]
fn gateway_infrastructure_annotation_key_format() {
    infra("annotations", "example.com/a/b").rejects(
        "gateway.infrastructure.annotation-key-format",
        "spec.infrastructure.annotations.example.com/a/b",
    );
    infra("annotations", "-a").rejects(
        "gateway.infrastructure.annotation-key-format",
        "spec.infrastructure.annotations.-a",
    );
    infra("annotations", "example.com/a_b.c-d").clean();
    infra("annotations", &"a".repeat(63)).clean();
    infra("annotations", &"a".repeat(64)).rejects(
        "gateway.infrastructure.annotation-key-format",
        &format!("spec.infrastructure.annotations.{}", "a".repeat(64)),
    );
}

#[test]
fn gateway_infrastructure_annotation_key_prefix_length() {
    let long = format!("{}/a", "a".repeat(253));
    infra("annotations", &long).rejects(
        "gateway.infrastructure.annotation-key-prefix-length",
        &format!("spec.infrastructure.annotations.{long}"),
    );
    let ok = format!("{}/a", "a".repeat(252));
    infra("annotations", &ok).clean();
}

#[test]
fn gateway_infrastructure_label_key_format() {
    infra("labels", "Example.com/a").rejects(
        "gateway.infrastructure.label-key-format",
        "spec.infrastructure.labels.Example.com/a",
    );
    infra("labels", "example.com/A").clean();
}

#[test]
fn gateway_infrastructure_label_key_prefix_length() {
    let long = format!("{}/a", "a".repeat(253));
    infra("labels", &long).rejects(
        "gateway.infrastructure.label-key-prefix-length",
        &format!("spec.infrastructure.labels.{long}"),
    );
    infra("labels", &format!("{}/a", "a".repeat(252))).clean();
}

fn listeners(list: serde_json::Value) -> T {
    gateway().set("spec.listeners", list)
}

fn listener_set(list: serde_json::Value) -> T {
    T::new(
        "
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: extra, namespace: default}
spec:
  parentRef: {name: gw}
  listeners: []
",
    )
    .set("spec.listeners", list)
}

fn cert() -> serde_json::Value {
    json!({"certificateRefs": [{"name": "cert"}]})
}

#[test]
fn listeners_tls_not_allowed() {
    for p in ["HTTP", "TCP", "UDP"] {
        listeners(json!([{"name": "a", "port": 80, "protocol": p, "tls": cert()}]))
            .rejects("listeners.tls-not-allowed", "spec.listeners[0].tls");
    }
    listeners(json!([{"name": "a", "port": 443, "protocol": "HTTPS", "tls": cert()}])).clean();
    listener_set(json!([{"name": "a", "port": 80, "protocol": "HTTP", "tls": cert()}]))
        .rejects("listeners.tls-not-allowed", "spec.listeners[0].tls");
}

#[test]
fn listeners_https_tls_mode_terminate() {
    listeners(
        json!([{"name": "a", "port": 443, "protocol": "HTTPS", "tls": {"mode": "Passthrough"}}]),
    )
    .rejects(
        "listeners.https-tls-mode-terminate",
        "spec.listeners[0].tls.mode",
    );
    listeners(json!([{"name": "a", "port": 443, "protocol": "HTTPS",
                      "tls": {"mode": "Terminate", "options": {"example.com/k": "v"}}}]))
    .clean();
    // No tls block at all is left to the controller.
    listeners(json!([{"name": "a", "port": 443, "protocol": "HTTPS"}])).clean();
}

#[test]
fn listeners_tls_mode_required() {
    listeners(json!([{"name": "a", "port": 443, "protocol": "TLS"}]))
        .rejects("listeners.tls-mode-required", "spec.listeners[0]");
    listeners(
        json!([{"name": "a", "port": 443, "protocol": "TLS", "tls": {"mode": "Passthrough"}}]),
    )
    .clean();
    listener_set(json!([{"name": "a", "port": 443, "protocol": "TLS"}]))
        .rejects("listeners.tls-mode-required", "spec.listeners[0]");
}

#[test]
fn listeners_hostname_not_allowed() {
    listeners(json!([{"name": "a", "port": 9000, "protocol": "TCP", "hostname": "a.example"}]))
        .rejects(
            "listeners.hostname-not-allowed",
            "spec.listeners[0].hostname",
        );
    listeners(json!([{"name": "a", "port": 9000, "protocol": "UDP"}])).clean();
    listeners(json!([{"name": "a", "port": 80, "protocol": "HTTP", "hostname": "a.example"}]))
        .clean();
}

#[test]
fn listeners_unique_names() {
    listeners(json!([
        {"name": "a", "port": 80, "protocol": "HTTP"},
        {"name": "a", "port": 81, "protocol": "HTTP"},
    ]))
    .rejects("listeners.unique-names", "spec.listeners[1].name");
    listeners(json!([
        {"name": "a", "port": 80, "protocol": "HTTP"},
        {"name": "b", "port": 81, "protocol": "HTTP"},
    ]))
    .clean();
}

#[test]
fn listeners_unique_port_protocol_hostname() {
    listeners(json!([
        {"name": "a", "port": 80, "protocol": "HTTP", "hostname": "x.example"},
        {"name": "b", "port": 80, "protocol": "HTTP", "hostname": "x.example"},
    ]))
    .rejects(
        "listeners.unique-port-protocol-hostname",
        "spec.listeners[1]",
    );
    listeners(json!([
        {"name": "a", "port": 80, "protocol": "HTTP"},
        {"name": "b", "port": 80, "protocol": "HTTP"},
    ]))
    .rejects(
        "listeners.unique-port-protocol-hostname",
        "spec.listeners[1]",
    );
    listeners(json!([
        {"name": "a", "port": 80, "protocol": "HTTP", "hostname": "x.example"},
        {"name": "b", "port": 80, "protocol": "HTTP"},
    ]))
    .clean();
    listener_set(json!([
        {"name": "a", "port": 80, "protocol": "HTTP"},
        {"name": "b", "port": 80, "protocol": "HTTP"},
    ]))
    .rejects(
        "listeners.unique-port-protocol-hostname",
        "spec.listeners[1]",
    );
    listener_set(json!([
        {"name": "a", "port": 80, "protocol": "HTTP"},
        {"name": "b", "port": 81, "protocol": "HTTP"},
    ]))
    .clean();
}

#[test]
fn listener_tls_terminate_needs_certificate() {
    listeners(json!([{"name": "a", "port": 443, "protocol": "HTTPS", "tls": {}}])).rejects(
        "listener.tls.terminate-needs-certificate",
        "spec.listeners[0].tls",
    );
    listeners(json!([{"name": "a", "port": 443, "protocol": "HTTPS",
                      "tls": {"certificateRefs": [], "options": {}}}]))
    .rejects(
        "listener.tls.terminate-needs-certificate",
        "spec.listeners[0].tls",
    );
    listeners(json!([{"name": "a", "port": 443, "protocol": "HTTPS", "tls": cert()}])).clean();
    listeners(
        json!([{"name": "a", "port": 443, "protocol": "TLS", "tls": {"mode": "Passthrough"}}]),
    )
    .clean();
}

#[test]
fn gateway_tls_frontend_unique_ports() {
    let per_port = |a: i64, b: i64| {
        let tls = json!({"validation": {"caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": "ca"}]}});
        gateway().set(
            "spec.tls.frontend",
            json!({"default": {}, "perPort": [{"port": a, "tls": tls}, {"port": b, "tls": tls}]}),
        )
    };
    per_port(443, 443).rejects(
        "gateway.tls.frontend.unique-ports",
        "spec.tls.frontend.perPort[1].port",
    );
    per_port(443, 443).rejects("schema.duplicate-key", "spec.tls.frontend.perPort[1]");
    per_port(443, 8443).clean();
}
