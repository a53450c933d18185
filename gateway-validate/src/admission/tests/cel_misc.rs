//! The CEL rules of TLSRoute, TCPRoute, UDPRoute and BackendTLSPolicy, and
//! the version, pruning and metadata checks.

use serde_json::json;

use super::{T, route};

fn tls_route(version: &str) -> T {
    T::new(
        "
apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {name: tls, namespace: default}
spec:
  parentRefs: [{name: gw}]
  hostnames: [a.example]
  rules:
  - backendRefs: [{name: svc, port: 443}]
",
    )
    .set(
        "apiVersion",
        json!(format!("gateway.networking.k8s.io/{version}")),
    )
}

fn tls_host(h: &str) -> T {
    tls_route("v1").set("spec.hostnames", json!([h]))
}

#[test]
fn tlsroute_hostnames_not_ip() {
    tls_host("10.0.0.1").rejects("tlsroute.hostnames.not-ip", "spec.hostnames[0]");
    // Leading zeros make it no IP address (and a valid DNS name).
    tls_host("10.0.0.01").clean();
    tls_host("10.0.0.1.example").clean();
}

#[test]
fn tlsroute_hostnames_subdomain() {
    // The pattern (P7) and the rule agree on names without `*`, so both fire.
    tls_host("a..example").rejects("tlsroute.hostnames.subdomain", "spec.hostnames[0]");
    tls_host("a.example").clean();
}

#[test]
fn tlsroute_hostnames_wildcard_first_label() {
    tls_host("a.*.example").rejects(
        "tlsroute.hostnames.wildcard-first-label",
        "spec.hostnames[0]",
    );
    tls_host("*").rejects(
        "tlsroute.hostnames.wildcard-first-label",
        "spec.hostnames[0]",
    );
    tls_host("*.example").clean();
}

#[test]
fn tlsroute_v1alpha2_differs() {
    // v1 requires hostnames, v1alpha2 does not.
    tls_route("v1")
        .remove("spec.hostnames")
        .rejects("schema.required", "spec.hostnames");
    tls_route("v1alpha2").remove("spec.hostnames").exp().clean();
    // v1alpha2 has no hostname CEL rules.
    tls_route("v1alpha2")
        .set("spec.hostnames", json!(["10.0.0.1"]))
        .exp()
        .clean();
    // v1alpha2 allows 16 rules, v1 one.
    let rule = json!({"backendRefs": [{"name": "svc", "port": 443}]});
    tls_route("v1")
        .set("spec.rules", json!([rule, rule]))
        .exp()
        .rejects("schema.max-items", "spec.rules");
    tls_route("v1alpha2")
        .set("spec.rules", json!([rule, rule]))
        .exp()
        .clean();
    // v1alpha3 is v1.
    tls_route("v1alpha3")
        .set("spec.rules", json!([rule, rule]))
        .exp()
        .rejects("schema.max-items", "spec.rules");
}

fn l4(kind: &str, version: &str) -> T {
    T::new(
        "
metadata: {name: l4, namespace: default}
spec:
  rules:
  - backendRefs: [{name: svc, port: 53}]
",
    )
    .set("kind", json!(kind))
    .set(
        "apiVersion",
        json!(format!("gateway.networking.k8s.io/{version}")),
    )
}

#[test]
fn l4_route_rules_unique_names_in_v1alpha2() {
    for kind in ["TCPRoute", "UDPRoute", "TLSRoute"] {
        let rules = json!([
            {"name": "a", "backendRefs": [{"name": "s", "port": 1}]},
            {"name": "a", "backendRefs": [{"name": "s", "port": 1}]},
        ]);
        l4(kind, "v1alpha2")
            .set("spec.rules", rules.clone())
            .exp()
            .rejects("route.rules.unique-names", "spec.rules[1].name");
        l4(kind, "v1alpha2")
            .set(
                "spec.rules[1]",
                json!({"name": "b", "backendRefs": [{"name": "s", "port": 1}]}),
            )
            .set("spec.rules[0].name", json!("a"))
            .exp()
            .clean();
    }
}

#[test]
fn l4_route_backend_port_required() {
    for kind in ["TCPRoute", "UDPRoute", "TLSRoute"] {
        let mut t = l4(kind, "v1").set("spec.rules[0].backendRefs[0]", json!({"name": "svc"}));
        if kind == "TLSRoute" {
            t = t.set("spec.hostnames", json!(["a.example"]));
        }
        t.rejects(
            "backendref.service-port-required",
            "spec.rules[0].backendRefs[0]",
        );
    }
    l4("TCPRoute", "v1").clean();
}

fn policy() -> T {
    T::new(
        "
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: p, namespace: default}
spec:
  targetRefs: [{group: '', kind: Service, name: svc}]
  validation:
    hostname: svc.example
    wellKnownCACertificates: System
",
    )
}

#[test]
fn backendtlspolicy_target_refs_section_name_all_or_none() {
    policy()
        .set(
            "spec.targetRefs",
            json!([{"group": "", "kind": "Service", "name": "svc", "sectionName": "https"},
                   {"group": "", "kind": "Service", "name": "svc"}]),
        )
        .rejects(
            "backendtlspolicy.target-refs.section-name-all-or-none",
            "spec.targetRefs",
        );
    policy()
        .set(
            "spec.targetRefs",
            json!([{"group": "", "kind": "Service", "name": "svc", "sectionName": "https"},
                   {"group": "", "kind": "Service", "name": "svc", "sectionName": "grpc"}]),
        )
        .clean();
}

#[test]
fn backendtlspolicy_target_refs_unique() {
    policy()
        .set(
            "spec.targetRefs",
            json!([{"group": "", "kind": "Service", "name": "svc"},
                   {"group": "", "kind": "Service", "name": "svc"}]),
        )
        .rejects("backendtlspolicy.target-refs.unique", "spec.targetRefs[1]");
    policy()
        .set(
            "spec.targetRefs",
            json!([{"group": "", "kind": "Service", "name": "svc"},
                   {"group": "", "kind": "Service", "name": "svc2"}]),
        )
        .clean();
}

#[test]
fn backendtlspolicy_validation_single_ca_source() {
    policy()
        .set(
            "spec.validation.caCertificateRefs",
            json!([{"group": "", "kind": "ConfigMap", "name": "ca"}]),
        )
        .rejects(
            "backendtlspolicy.validation.single-ca-source",
            "spec.validation",
        );
    policy()
        .remove("spec.validation.wellKnownCACertificates")
        .set(
            "spec.validation.caCertificateRefs",
            json!([{"group": "", "kind": "ConfigMap", "name": "ca"}]),
        )
        .clean();
    // An empty list does not count as a source.
    policy()
        .set("spec.validation.caCertificateRefs", json!([]))
        .clean();
}

#[test]
fn backendtlspolicy_validation_ca_source_required() {
    policy()
        .remove("spec.validation.wellKnownCACertificates")
        .rejects(
            "backendtlspolicy.validation.ca-source-required",
            "spec.validation",
        );
    policy()
        .remove("spec.validation.wellKnownCACertificates")
        .set("spec.validation.caCertificateRefs", json!([]))
        .rejects(
            "backendtlspolicy.validation.ca-source-required",
            "spec.validation",
        );
    policy().clean();
}

fn san(s: serde_json::Value) -> T {
    policy().set("spec.validation.subjectAltNames", json!([s]))
}

const SAN: &str = "spec.validation.subjectAltNames[0]";

#[test]
fn subject_alt_name_hostname_required() {
    san(json!({"type": "Hostname"})).rejects("subject-alt-name.hostname.required", SAN);
    san(json!({"type": "Hostname", "hostname": "*.svc.example"})).clean();
}

#[test]
fn subject_alt_name_hostname_unexpected() {
    san(json!({"type": "URI", "uri": "spiffe://a/b", "hostname": "a.example"})).rejects(
        "subject-alt-name.hostname.unexpected",
        &format!("{SAN}.hostname"),
    );
    san(json!({"type": "URI", "uri": "spiffe://a/b"})).clean();
}

#[test]
fn subject_alt_name_uri_required() {
    san(json!({"type": "URI"})).rejects("subject-alt-name.uri.required", SAN);
    san(json!({"type": "URI", "uri": "spiffe://trust.example/ns/a"})).clean();
}

#[test]
fn subject_alt_name_uri_unexpected() {
    san(json!({"type": "Hostname", "hostname": "a.example", "uri": "spiffe://a/b"}))
        .rejects("subject-alt-name.uri.unexpected", &format!("{SAN}.uri"));
    san(json!({"type": "Hostname", "hostname": "a.example"})).clean();
}

#[test]
fn version_not_served() {
    tls_route("v1alpha2").rejects("version.not-served", "apiVersion");
    tls_route("v1alpha2").exp().clean();
    tls_route("v1alpha3").rejects("version.not-served", "apiVersion");
    tls_route("v1").clean();
    l4("UDPRoute", "v1alpha2").rejects("version.not-served", "apiVersion");
    l4("UDPRoute", "v1alpha2").exp().clean();
    policy()
        .set("apiVersion", json!("gateway.networking.k8s.io/v1alpha3"))
        .rejects("version.not-served", "apiVersion");
    policy()
        .set("apiVersion", json!("gateway.networking.k8s.io/v1alpha3"))
        .exp()
        .clean();
    route()
        .set("apiVersion", json!("gateway.networking.k8s.io/v1beta1"))
        .clean();
    // Only the version error: nothing else is checked.
    let findings = tls_route("v1alpha2")
        .set("spec.hostnames", json!(["BAD"]))
        .findings();
    assert_eq!(findings.len(), 1, "{}", super::show(&findings));
}

#[cfg(feature = "experimental")]
#[test]
fn experimental_kinds_are_not_served_by_the_standard_channel() {
    let backend = T::new(
        "
apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XBackend
metadata: {name: b, namespace: default}
spec: {type: ExternalHostname, port: {port: 443}, externalHostname: {hostname: api.example}}
",
    );
    backend.rejects("version.not-served", "apiVersion");
}

#[test]
fn field_pruned() {
    #[cfg(feature = "experimental")]
    {
        use crate::finding::Severity;
        let t = route().set("spec.rules[0].retry", json!({"attempts": 2}));
        let findings = t.findings();
        assert_eq!(findings.len(), 1, "{}", super::show(&findings));
        assert_eq!(findings[0].rule, "field.pruned");
        assert_eq!(findings[0].field, "spec.rules[0].retry");
        assert_eq!(findings[0].severity, Severity::Warning);
        // The experimental channel has the field.
        t.exp().clean();
        // A pruned field is not checked further.
        route()
            .set("spec.rules[0].retry", json!({"attempts": 0}))
            .admits();
        route()
            .set("spec.rules[0].retry", json!({"attempts": 0}))
            .exp()
            .rejects("schema.minimum", "spec.rules[0].retry.attempts");
        route()
            .set("spec.useDefaultGateways", json!("All"))
            .lacks("schema.enum");
    }
    route().clean();
}

#[test]
fn metadata_name_required() {
    route()
        .remove("metadata.name")
        .rejects("metadata.name.required", "metadata.name");
    route().set("metadata.name", json!("a")).clean();
}

#[test]
fn metadata_name_format() {
    route()
        .set("metadata.name", json!("Web"))
        .rejects("metadata.name.format", "metadata.name");
    route()
        .set("metadata.name", json!("a".repeat(254)))
        .rejects("metadata.name.format", "metadata.name");
    route().set("metadata.name", json!("a".repeat(253))).clean();
    route().set("metadata.name", json!("web-1.v2")).clean();
}

#[test]
fn metadata_namespace_format() {
    route()
        .set("metadata.namespace", json!("a.b"))
        .rejects("metadata.namespace.format", "metadata.namespace");
    route()
        .set("metadata.namespace", json!("a".repeat(64)))
        .rejects("metadata.namespace.format", "metadata.namespace");
    route()
        .set("metadata.namespace", json!("a".repeat(63)))
        .clean();
}

#[cfg(feature = "experimental")]
fn xbackend() -> T {
    T::new(
        "
apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XBackend
metadata: {name: b, namespace: default}
spec:
  type: ExternalHostname
  port: {port: 443, name: https}
  externalHostname: {hostname: api.example.com}
",
    )
    .exp()
}

#[cfg(feature = "experimental")]
#[test]
fn xbackend_external_hostname() {
    xbackend()
        .remove("spec.externalHostname")
        .rejects("xbackend.external-hostname", "spec");
    xbackend().clean();
}

#[cfg(feature = "experimental")]
#[test]
fn xbackend_external_hostname_not_cluster_local() {
    xbackend()
        .set(
            "spec.externalHostname.hostname",
            json!("svc.ns.svc.cluster.local"),
        )
        .rejects(
            "xbackend.external-hostname.not-cluster-local",
            "spec.externalHostname.hostname",
        );
    xbackend()
        .set(
            "spec.externalHostname.hostname",
            json!("cluster.local.example"),
        )
        .clean();
}

#[cfg(feature = "experimental")]
#[test]
fn xbackend_port_name_format() {
    xbackend()
        .set("spec.port.name", json!("HTTPS"))
        .rejects("xbackend.port-name-format", "spec.port.name");
    xbackend().set("spec.port.name", json!("")).clean();
    xbackend().set("spec.port.name", json!("h2-1")).clean();
}

#[cfg(feature = "experimental")]
#[test]
fn xbackend_tls_client_certificate_ref() {
    xbackend()
        .set("spec.tls", json!({"mode": "ClientAndServer"}))
        .rejects("xbackend.tls.client-certificate-ref", "spec.tls");
    xbackend()
        .set(
            "spec.tls",
            json!({"mode": "ServerOnly", "clientCertificateRef": {"name": "c"}}),
        )
        .rejects("xbackend.tls.client-certificate-ref", "spec.tls");
    xbackend()
        .set(
            "spec.tls",
            json!({"mode": "ClientAndServer", "clientCertificateRef": {"name": "c"}}),
        )
        .clean();
    xbackend()
        .set(
            "spec.tls",
            json!({"mode": "ServerOnly", "validation": {"hostname": "a.example"}}),
        )
        .rejects(
            "backendtlspolicy.validation.ca-source-required",
            "spec.tls.validation",
        );
}

#[cfg(feature = "experimental")]
fn traffic_policy() -> T {
    T::new(
        "
apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XBackendTrafficPolicy
metadata: {name: p, namespace: default}
spec:
  targetRefs: [{group: '', kind: Service, name: svc}]
",
    )
    .exp()
}

#[cfg(feature = "experimental")]
#[test]
fn xbackendtrafficpolicy_budget_interval_range() {
    let with =
        |i: &str| traffic_policy().set("spec.retryConstraint", json!({"budget": {"interval": i}}));
    with("999ms").rejects(
        "xbackendtrafficpolicy.budget-interval-range",
        "spec.retryConstraint.budget.interval",
    );
    with("1h1ms").rejects(
        "xbackendtrafficpolicy.budget-interval-range",
        "spec.retryConstraint.budget.interval",
    );
    with("1s").clean();
    with("60m").clean();
    // Defaulted to 10s.
    traffic_policy()
        .set("spec.retryConstraint", json!({}))
        .clean();
}

#[cfg(feature = "experimental")]
#[test]
fn xbackendtrafficpolicy_min_retry_rate_interval_range() {
    let with = |i: &str| {
        traffic_policy().set(
            "spec.retryConstraint",
            json!({"minRetryRate": {"count": 1, "interval": i}}),
        )
    };
    with("0s").rejects(
        "xbackendtrafficpolicy.min-retry-rate-interval-range",
        "spec.retryConstraint.minRetryRate.interval",
    );
    with("3601s").rejects(
        "xbackendtrafficpolicy.min-retry-rate-interval-range",
        "spec.retryConstraint.minRetryRate.interval",
    );
    with("1ms").clean();
    with("1h").clean();
}

#[cfg(feature = "experimental")]
#[test]
fn xmesh_controller_name_immutable() {
    let mesh = |c: &str| {
        T::new(
            "
apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XMesh
metadata: {name: mesh}
spec: {controllerName: example.com/mesh}
",
        )
        .set("spec.controllerName", json!(c))
        .exp()
    };
    let old = mesh("example.com/mesh");
    mesh("example.com/other")
        .update_of(&old)
        .rejects("xmesh.controller-name.immutable", "spec.controllerName");
    mesh("example.com/mesh").update_of(&old).clean();
}
