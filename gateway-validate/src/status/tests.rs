//! Tests of the status pass, each named after the rule it checks. Manifests
//! are YAML, loaded as a user's files would be.

use gateway_types::Loader;
use gateway_types::gateway::ListenerStatus;
use gateway_types::meta::Condition;

use crate::{Options, Report, Snapshot, validate};

const CLASS: &str = "test-class";

fn run_with(yaml: &str, options: &Options) -> Report {
    let loaded = Loader::new().load_str("test.yaml", yaml);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    validate(&Snapshot::from_loaded(&loaded), options)
}

fn run(yaml: &str) -> Report {
    run_with(yaml, &Options::new().gateway_class(CLASS))
}

/// `"True/Reason"` of a condition, for compact assertions.
fn sr(c: Option<&Condition>) -> String {
    c.map_or_else(
        || "absent".to_owned(),
        |c| format!("{}/{}", c.status, c.reason),
    )
}

fn gw_cond(r: &Report, ns_name: &str, t: &str) -> String {
    let (ns, name) = ns_name.split_once('/').unwrap();
    sr(r.gateway_status(ns, name).unwrap().condition(t))
}

fn listener<'a>(r: &'a Report, ns_name: &str, l: &str) -> &'a ListenerStatus {
    let (ns, name) = ns_name.split_once('/').unwrap();
    r.gateway_status(ns, name).unwrap().listener(l).unwrap()
}

fn l_cond(r: &Report, ns_name: &str, l: &str, t: &str) -> String {
    sr(listener(r, ns_name, l).condition(t))
}

fn ls_cond(r: &Report, ns_name: &str, t: &str) -> String {
    let (ns, name) = ns_name.split_once('/').unwrap();
    sr(r.listener_set_status(ns, name).unwrap().condition(t))
}

fn ls_l_cond(r: &Report, ns_name: &str, l: &str, t: &str) -> String {
    let (ns, name) = ns_name.split_once('/').unwrap();
    let st = r.listener_set_status(ns, name).unwrap();
    sr(st.listener(l).unwrap().condition(t))
}

/// The condition of the `index`th parent entry of a route.
fn route_cond(r: &Report, kind: &str, ns_name: &str, index: usize, t: &str) -> String {
    let (ns, name) = ns_name.split_once('/').unwrap();
    let st = r.route_status(kind, ns, name).expect("route status");
    sr(st.parents[index].conditions.iter().find(|c| c.type_ == t))
}

fn gateway(name: &str, listeners: &str) -> String {
    format!(
        "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {{name: {name}, namespace: infra}}
spec:
  gatewayClassName: {CLASS}
  listeners:
{listeners}
---
"
    )
}

const SERVICE: &str = "apiVersion: v1
kind: Service
metadata: {name: web, namespace: infra}
spec:
  ports:
  - {name: http, port: 8080}
  - {name: dns, port: 53, protocol: UDP}
  - {name: ws, port: 8082, appProtocol: kubernetes.io/ws}
---
";

const HTTP: &str = "  - {name: http, port: 80, protocol: HTTP}";

fn http_route(name: &str, ns: &str, extra: &str) -> String {
    format!(
        "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: {name}, namespace: {ns}}}
spec:
  parentRefs: [{{name: gw, namespace: infra}}]
{extra}
---
"
    )
}

const TLS_CERT: &str = "apiVersion: v1
kind: Secret
metadata: {name: cert, namespace: infra}
type: kubernetes.io/tls
data:
  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1BTUNBUUU9Ci0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K
  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1BTUNBUUU9Ci0tLS0tRU5EIFBSSVZBVEUgS0VZLS0tLS0K
---
";

// ---------------------------------------------------------------------------
// GatewayClass

#[test]
fn class_with_controller_of_another_name_is_ignored_when_filtering() {
    let yaml = "apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: mine}
spec: {controllerName: example.com/mine}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: theirs}
spec: {controllerName: example.com/theirs}
";
    let r = run_with(yaml, &Options::new().controller_name("example.com/mine"));
    assert_eq!(
        sr(r.gateway_class_status("mine")
            .unwrap()
            .condition("Accepted")),
        "True/Accepted"
    );
    assert!(r.gateway_class_status("theirs").is_none());
    let all = run_with(yaml, &Options::new());
    assert!(all.gateway_class_status("theirs").is_some());
}

#[test]
fn class_with_missing_parameters_is_invalid_parameters() {
    let yaml = "apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: c, generation: 3}
spec:
  controllerName: example.com/c
  parametersRef: {group: example.com, kind: Params, name: p}
";
    let r = run_with(yaml, &Options::new());
    let st = r.gateway_class_status("c").unwrap();
    assert_eq!(sr(st.condition("Accepted")), "False/InvalidParameters");
    assert_eq!(
        sr(st.condition("SupportedVersion")),
        "True/SupportedVersion"
    );
    assert_eq!(
        st.condition("Accepted").unwrap().observed_generation,
        Some(3)
    );
}

#[test]
fn gateway_of_unknown_class_gets_no_status_and_a_warning() {
    let yaml = gateway("gw", HTTP).replace(CLASS, "nobody");
    let r = run(&yaml);
    assert!(r.gateway_status("infra", "gw").is_none());
    assert!(
        r.findings()
            .iter()
            .any(|f| f.rule == "status.gateway.class-not-found")
    );
}

#[test]
fn route_status_names_the_class_controller() {
    let yaml = format!(
        "apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {{name: {CLASS}}}
spec: {{controllerName: example.com/ctl}}
---
{}{SERVICE}{}",
        gateway("gw", HTTP),
        http_route("r", "infra", "")
    );
    let r = run_with(&yaml, &Options::new());
    let st = r.route_status("HTTPRoute", "infra", "r").unwrap();
    assert_eq!(st.parents[0].controller_name, "example.com/ctl");
}

// ---------------------------------------------------------------------------
// Listeners

#[test]
fn unsupported_protocol_listener_is_not_accepted_and_gateway_is_partially_valid() {
    let r = run(&gateway(
        "gw",
        &format!("{HTTP}\n  - {{name: odd, port: 1111, protocol: INVALID}}"),
    ));
    assert_eq!(
        l_cond(&r, "infra/gw", "odd", "Accepted"),
        "False/UnsupportedProtocol"
    );
    assert_eq!(
        listener(&r, "infra/gw", "odd").supported_kinds.as_deref(),
        Some(&[][..])
    );
    assert_eq!(
        gw_cond(&r, "infra/gw", "Accepted"),
        "True/ListenersNotValid"
    );
    let only = run(&gateway(
        "gw",
        "  - {name: odd, port: 1111, protocol: INVALID}",
    ));
    assert_eq!(
        gw_cond(&only, "infra/gw", "Accepted"),
        "False/ListenersNotValid"
    );
    assert_eq!(gw_cond(&only, "infra/gw", "Programmed"), "False/Invalid");
}

#[test]
fn invalid_route_kind_keeps_the_valid_subset() {
    let listeners = "  - name: http
    port: 80
    protocol: HTTP
    allowedRoutes: {kinds: [{kind: InvalidRoute}, {kind: HTTPRoute}, {kind: TCPRoute}]}";
    let r = run(&gateway("gw", listeners));
    assert_eq!(
        l_cond(&r, "infra/gw", "http", "ResolvedRefs"),
        "False/InvalidRouteKinds"
    );
    let kinds: Vec<_> = listener(&r, "infra/gw", "http")
        .supported_kinds
        .iter()
        .flatten()
        .map(|k| k.kind.as_str())
        .collect();
    assert_eq!(kinds, ["HTTPRoute"]);
    assert_eq!(
        l_cond(&r, "infra/gw", "http", "Programmed"),
        "True/Programmed"
    );
    assert_eq!(
        gw_cond(&r, "infra/gw", "ResolvedRefs"),
        "False/ListenersNotResolved"
    );
}

#[test]
fn https_listener_certificate_must_be_a_well_formed_tls_secret() {
    let https = |cert: &str| {
        format!(
            "  - name: https
    port: 443
    protocol: HTTPS
    tls: {{certificateRefs: [{cert}]}}"
        )
    };
    let ok = run(&format!(
        "{TLS_CERT}{}",
        gateway("gw", &https("{name: cert}"))
    ));
    assert_eq!(
        l_cond(&ok, "infra/gw", "https", "ResolvedRefs"),
        "True/ResolvedRefs"
    );
    assert_eq!(
        l_cond(&ok, "infra/gw", "https", "Programmed"),
        "True/Programmed"
    );

    let missing = run(&gateway("gw", &https("{name: nope}")));
    assert_eq!(
        l_cond(&missing, "infra/gw", "https", "ResolvedRefs"),
        "False/InvalidCertificateRef"
    );
    assert_eq!(
        l_cond(&missing, "infra/gw", "https", "Programmed"),
        "False/Invalid"
    );

    let kind = run(&format!(
        "{TLS_CERT}{}",
        gateway("gw", &https("{kind: WrongKind, name: cert}"))
    ));
    assert_eq!(
        l_cond(&kind, "infra/gw", "https", "ResolvedRefs"),
        "False/InvalidCertificateRef"
    );

    let malformed = "apiVersion: v1
kind: Secret
metadata: {name: cert, namespace: infra}
type: kubernetes.io/tls
data: {tls.crt: SGVsbG8gd29ybGQK, tls.key: SGVsbG8gd29ybGQK}
---
";
    let bad = run(&format!(
        "{malformed}{}",
        gateway("gw", &https("{name: cert}"))
    ));
    assert_eq!(
        l_cond(&bad, "infra/gw", "https", "ResolvedRefs"),
        "False/InvalidCertificateRef"
    );

    let opaque = TLS_CERT.replace("kubernetes.io/tls", "Opaque");
    let wrong_type = run(&format!(
        "{opaque}{}",
        gateway("gw", &https("{name: cert}"))
    ));
    assert_eq!(
        l_cond(&wrong_type, "infra/gw", "https", "ResolvedRefs"),
        "False/InvalidCertificateRef"
    );
}

#[test]
fn certificate_in_another_namespace_needs_a_grant_from_the_gateway() {
    let cert = TLS_CERT.replace("namespace: infra", "namespace: certs");
    let listeners = "  - name: https
    port: 443
    protocol: HTTPS
    tls: {certificateRefs: [{name: cert, namespace: certs}]}";
    let denied = run(&format!("{cert}{}", gateway("gw", listeners)));
    assert_eq!(
        l_cond(&denied, "infra/gw", "https", "ResolvedRefs"),
        "False/RefNotPermitted"
    );
    assert_eq!(
        l_cond(&denied, "infra/gw", "https", "Programmed"),
        "False/Invalid"
    );
    let grant = "apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: g, namespace: certs}
spec:
  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]
  to: [{group: '', kind: Secret, name: cert}]
---
";
    let allowed = run(&format!("{cert}{grant}{}", gateway("gw", listeners)));
    assert_eq!(
        l_cond(&allowed, "infra/gw", "https", "ResolvedRefs"),
        "True/ResolvedRefs"
    );
    let wrong_name = run(&format!(
        "{cert}{}{}",
        grant.replace("name: cert", "name: other"),
        gateway("gw", listeners)
    ));
    assert_eq!(
        l_cond(&wrong_name, "infra/gw", "https", "ResolvedRefs"),
        "False/RefNotPermitted"
    );
}

#[test]
fn listeners_on_one_port_with_incompatible_protocols_all_conflict() {
    let r = run(&gateway(
        "gw",
        "  - {name: http, port: 80, protocol: HTTP}\n  - {name: tcp, port: 80, protocol: TCP}\n  - {name: udp, port: 80, protocol: UDP}",
    ));
    for l in ["http", "tcp"] {
        assert_eq!(
            l_cond(&r, "infra/gw", l, "Conflicted"),
            "True/ProtocolConflict",
            "{l}"
        );
        assert_eq!(
            l_cond(&r, "infra/gw", l, "Accepted"),
            "False/ProtocolConflict",
            "{l}"
        );
        assert_eq!(
            l_cond(&r, "infra/gw", l, "Programmed"),
            "False/ProtocolConflict",
            "{l}"
        );
    }
    assert_eq!(
        l_cond(&r, "infra/gw", "udp", "Conflicted"),
        "False/NoConflicts"
    );
}

#[test]
fn https_and_tls_with_one_hostname_on_one_port_are_a_hostname_conflict() {
    let r = run(&format!(
        "{TLS_CERT}{}",
        gateway(
            "gw",
            "  - {name: a, port: 443, protocol: HTTPS, hostname: x.com, tls: {certificateRefs: [{name: cert}]}}\n  - {name: b, port: 443, protocol: TLS, hostname: x.com, tls: {mode: Passthrough}}\n  - {name: c, port: 443, protocol: TLS, hostname: y.com, tls: {mode: Passthrough}}",
        )
    ));
    assert_eq!(
        l_cond(&r, "infra/gw", "a", "Conflicted"),
        "True/HostnameConflict"
    );
    assert_eq!(
        l_cond(&r, "infra/gw", "b", "Conflicted"),
        "True/HostnameConflict"
    );
    assert_eq!(
        l_cond(&r, "infra/gw", "c", "Conflicted"),
        "False/NoConflicts"
    );
}

#[test]
fn overlapping_tls_hostnames_on_one_port_are_flagged() {
    let l = |n: &str, h: &str| {
        format!(
            "  - name: {n}\n    port: 443\n    protocol: HTTPS\n    hostname: '{h}'\n    tls: {{certificateRefs: [{{name: cert}}]}}"
        )
    };
    let listeners = [
        l("a", "foo.example.com"),
        l("b", "foo.example.org"),
        l("c", "*.example.com"),
    ]
    .join("\n");
    let r = run(&format!("{TLS_CERT}{}", gateway("gw", &listeners)));
    assert_eq!(
        l_cond(&r, "infra/gw", "a", "OverlappingTLSConfig"),
        "True/OverlappingHostnames"
    );
    assert_eq!(
        l_cond(&r, "infra/gw", "b", "OverlappingTLSConfig"),
        "absent"
    );
    assert_eq!(
        l_cond(&r, "infra/gw", "c", "OverlappingTLSConfig"),
        "True/OverlappingHostnames"
    );
}

#[test]
fn tls_passthrough_and_terminate_share_a_port() {
    let listeners = "  - name: term
    port: 8443
    protocol: TLS
    hostname: a.example.com
    tls: {mode: Terminate, certificateRefs: [{name: cert}]}
  - name: pass
    port: 8443
    protocol: TLS
    hostname: b.example.com
    tls: {mode: Passthrough}";
    let r = run(&format!("{TLS_CERT}{}", gateway("gw", listeners)));
    for l in ["term", "pass"] {
        assert_eq!(
            l_cond(&r, "infra/gw", l, "Accepted"),
            "True/Accepted",
            "{l}"
        );
        assert_eq!(
            l_cond(&r, "infra/gw", l, "Programmed"),
            "True/Programmed",
            "{l}"
        );
    }
}

#[test]
fn frontend_validation_with_no_usable_ca_rejects_the_targeted_https_listener() {
    let yaml = format!(
        "{TLS_CERT}apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {{name: gw, namespace: infra}}
spec:
  gatewayClassName: {CLASS}
  tls:
    frontend:
      default:
        validation:
          caCertificateRefs: [{{group: '', kind: ConfigMap, name: missing}}]
      perPort:
      - port: 8443
        tls:
          validation:
            caCertificateRefs: [{{group: '', kind: Service, name: web}}]
  listeners:
  - {{name: http, port: 80, protocol: HTTP}}
  - {{name: https, port: 443, protocol: HTTPS, tls: {{certificateRefs: [{{name: cert}}]}}}}
  - {{name: alt, port: 8443, protocol: HTTPS, tls: {{certificateRefs: [{{name: cert}}]}}}}
"
    );
    let r = run(&yaml);
    assert_eq!(l_cond(&r, "infra/gw", "http", "Accepted"), "True/Accepted");
    assert_eq!(
        l_cond(&r, "infra/gw", "https", "ResolvedRefs"),
        "False/InvalidCACertificateRef"
    );
    assert_eq!(
        l_cond(&r, "infra/gw", "https", "Accepted"),
        "False/NoValidCACertificate"
    );
    assert_eq!(
        l_cond(&r, "infra/gw", "alt", "ResolvedRefs"),
        "False/InvalidCACertificateKind"
    );
    assert_eq!(l_cond(&r, "infra/gw", "alt", "Programmed"), "False/Invalid");
}

#[test]
fn backend_client_certificate_problems_leave_the_gateway_accepted() {
    let yaml = format!(
        "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {{name: gw, namespace: infra}}
spec:
  gatewayClassName: {CLASS}
  tls: {{backend: {{clientCertificateRef: {{name: cert, namespace: elsewhere}}}}}}
  listeners:
{HTTP}
"
    );
    let r = run(&yaml);
    assert_eq!(
        gw_cond(&r, "infra/gw", "ResolvedRefs"),
        "False/RefNotPermitted"
    );
    assert_eq!(gw_cond(&r, "infra/gw", "Accepted"), "True/Accepted");
    let local = run(&yaml.replace(", namespace: elsewhere", ""));
    assert_eq!(
        gw_cond(&local, "infra/gw", "ResolvedRefs"),
        "False/InvalidClientCertificateRef"
    );
}

#[test]
fn gateway_parameters_ref_to_unknown_kind_is_invalid_parameters() {
    let yaml = gateway("gw", HTTP).replace(
        "  listeners:",
        "  infrastructure: {parametersRef: {group: invalid.io, kind: InvalidParameters, name: x}}\n  listeners:",
    );
    let r = run(&yaml);
    assert_eq!(
        gw_cond(&r, "infra/gw", "Accepted"),
        "False/InvalidParameters"
    );
}

#[test]
fn gateway_conditions_echo_the_generation() {
    let yaml = gateway("gw", HTTP).replace("namespace: infra}", "namespace: infra, generation: 7}");
    let r = run(&yaml);
    let st = r.gateway_status("infra", "gw").unwrap();
    assert!(
        st.conditions
            .iter()
            .flatten()
            .all(|c| c.observed_generation == Some(7))
    );
    assert!(
        st.listeners
            .iter()
            .flatten()
            .flat_map(|l| &l.conditions)
            .all(|c| c.observed_generation == Some(7))
    );
}

// ---------------------------------------------------------------------------
// Attachment

#[test]
fn report_debug_lists_route_statuses_in_key_order_whatever_the_input_order() {
    // Written in reverse key order; seven names, so a hashed order that
    // happened to be sorted would be a 1-in-5040 chance.
    let names = ["r7", "r6", "r5", "r4", "r3", "r2", "r1"];
    let routes: String = names.iter().map(|n| http_route(n, "infra", "")).collect();
    let yaml = format!("{}{routes}", gateway("gw", HTTP));
    let r = run(&yaml);
    for name in names {
        assert!(
            r.route_status("HTTPRoute", "infra", name).is_some(),
            "{name}"
        );
    }
    let text = format!("{r:?}");
    let at = |name: &str| {
        text.find(&format!("\"{name}\""))
            .unwrap_or_else(|| panic!("{name} missing from {text}"))
    };
    let order: Vec<usize> = names.iter().rev().map(|n| at(n)).collect();
    assert!(order.is_sorted(), "{order:?} in {text}");
    assert_eq!(text, format!("{:?}", run(&yaml)));
}

#[test]
fn route_attaches_and_is_counted_once_per_listener() {
    let route = "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: infra}
spec:
  parentRefs: [{name: gw, sectionName: http}, {name: gw, namespace: infra, sectionName: http}]
  rules: [{backendRefs: [{name: web, port: 8080}]}]
";
    // The two refs differ as written (an explicit namespace never equals an
    // omitted one, spec 2.5), so admission takes them, yet both select the
    // same listener.
    let r = run(&format!("{}{SERVICE}{route}", gateway("gw", HTTP)));
    assert!(r.rejected().is_empty(), "{:?}", r.findings());
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 0, "Accepted"),
        "True/Accepted"
    );
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 1, "Accepted"),
        "True/Accepted"
    );
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 0, "ResolvedRefs"),
        "True/ResolvedRefs"
    );
    assert_eq!(listener(&r, "infra/gw", "http").attached_routes, 1);
}

#[test]
fn section_name_or_port_matching_no_listener_is_no_matching_parent() {
    for parent in [
        "{name: gw, sectionName: nope}",
        "{name: gw, port: 81}",
        "{name: gw, sectionName: http, port: 81}",
    ] {
        let route = format!(
            "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: r, namespace: infra}}
spec:
  parentRefs: [{parent}]
"
        );
        let r = run(&format!("{}{route}", gateway("gw", HTTP)));
        assert_eq!(
            route_cond(&r, "HTTPRoute", "infra/r", 0, "Accepted"),
            "False/NoMatchingParent",
            "{parent}"
        );
        assert_eq!(listener(&r, "infra/gw", "http").attached_routes, 0);
    }
}

#[test]
fn route_from_another_namespace_needs_allowed_routes() {
    let r = run(&format!(
        "{}{}",
        gateway("gw", HTTP),
        http_route("r", "apps", "")
    ));
    assert_eq!(
        route_cond(&r, "HTTPRoute", "apps/r", 0, "Accepted"),
        "False/NotAllowedByListeners"
    );
    assert_eq!(
        route_cond(&r, "HTTPRoute", "apps/r", 0, "ResolvedRefs"),
        "True/ResolvedRefs"
    );
}

#[test]
fn selector_matches_labels_and_expressions() {
    let listeners = "  - name: http
    port: 80
    protocol: HTTP
    allowedRoutes:
      namespaces:
        from: Selector
        selector:
          matchLabels: {team: a}
          matchExpressions: [{key: env, operator: NotIn, values: [prod]}]";
    let ns = |name: &str, labels: &str| {
        format!(
            "apiVersion: v1\nkind: Namespace\nmetadata: {{name: {name}, labels: {labels}}}\n---\n"
        )
    };
    let yaml = format!(
        "{}{}{}{}{}{}{}",
        ns("a-dev", "{team: a, env: dev}"),
        ns("a-prod", "{team: a, env: prod}"),
        ns("b", "{team: b}"),
        gateway("gw", listeners),
        http_route("r", "a-dev", ""),
        http_route("r", "a-prod", ""),
        http_route("r", "b", ""),
    );
    let r = run(&yaml);
    assert_eq!(
        route_cond(&r, "HTTPRoute", "a-dev/r", 0, "Accepted"),
        "True/Accepted"
    );
    assert_eq!(
        route_cond(&r, "HTTPRoute", "a-prod/r", 0, "Accepted"),
        "False/NotAllowedByListeners"
    );
    assert_eq!(
        route_cond(&r, "HTTPRoute", "b/r", 0, "Accepted"),
        "False/NotAllowedByListeners"
    );
    let by_name = listeners.replace(
        "matchLabels: {team: a}\n          matchExpressions: [{key: env, operator: NotIn, values: [prod]}]",
        "matchLabels: {kubernetes.io/metadata.name: c}",
    );
    let r = run(&format!(
        "{}{}",
        gateway("gw", &by_name),
        http_route("r", "c", "")
    ));
    assert_eq!(
        route_cond(&r, "HTTPRoute", "c/r", 0, "Accepted"),
        "True/Accepted"
    );
}

#[test]
fn route_kind_must_be_supported_by_the_listener() {
    let tcp = "apiVersion: gateway.networking.k8s.io/v1
kind: TCPRoute
metadata: {name: t, namespace: infra}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: web, port: 8080}]}]
";
    let r = run(&format!("{}{SERVICE}{tcp}", gateway("gw", HTTP)));
    assert_eq!(
        route_cond(&r, "TCPRoute", "infra/t", 0, "Accepted"),
        "False/NotAllowedByListeners"
    );
}

#[test]
fn hostnames_must_intersect_the_listener_hostname() {
    let listeners = "  - {name: a, port: 80, protocol: HTTP, hostname: '*.example.com'}";
    let yaml = format!(
        "{}{}{}",
        gateway("gw", listeners),
        http_route("ok", "infra", "  hostnames: [example.com, foo.example.com]"),
        http_route("no", "infra", "  hostnames: [example.com]"),
    );
    let r = run(&yaml);
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/ok", 0, "Accepted"),
        "True/Accepted"
    );
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/no", 0, "Accepted"),
        "False/NoMatchingListenerHostname"
    );
    let view = r.routing("infra", "gw").unwrap();
    let attached = &view.listeners[0].routes;
    assert_eq!(attached.len(), 1);
    assert_eq!(
        attached[0].hostnames.as_deref(),
        Some(&["foo.example.com".to_owned()][..])
    );
}

#[test]
fn route_on_a_conflicted_listener_is_accepted_and_counted() {
    let listeners =
        "  - {name: a, port: 80, protocol: HTTP}\n  - {name: b, port: 80, protocol: TCP}";
    let r = run(&format!(
        "{}{}",
        gateway("gw", listeners),
        http_route("r", "infra", "")
    ));
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 0, "Accepted"),
        "True/Accepted"
    );
    assert_eq!(listener(&r, "infra/gw", "a").attached_routes, 1);
    assert!(!r.routing("infra", "gw").unwrap().listeners[0].ready);
}

#[test]
fn older_route_wins_a_hostname_shared_by_http_and_grpc_routes() {
    let grpc = |name: &str, hosts: &str| {
        format!(
            "apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {{name: {name}, namespace: infra}}
spec:
  parentRefs: [{{name: gw}}]
  hostnames: {hosts}
---
"
        )
    };
    let yaml = format!(
        "{}{}{}{}",
        gateway("gw", HTTP),
        http_route("web", "infra", "  hostnames: ['*.example.com']"),
        grpc("clash", "[a.example.com]"),
        grpc("apart", "[a.example.org]"),
    );
    let r = run(&yaml);
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/web", 0, "Accepted"),
        "True/Accepted"
    );
    assert_eq!(
        route_cond(&r, "GRPCRoute", "infra/clash", 0, "Accepted"),
        "False/NotAllowedByListeners"
    );
    assert_eq!(
        route_cond(&r, "GRPCRoute", "infra/apart", 0, "Accepted"),
        "True/Accepted"
    );
    assert_eq!(listener(&r, "infra/gw", "http").attached_routes, 2);
}

#[test]
fn rule_with_unsupported_value_is_dropped_and_marks_partially_invalid() {
    let rules = "  rules:
  - matches: [{path: {type: Exact, value: /ok}}]
  - matches: [{path: {type: RegularExpression, value: '/(a'}}]";
    let r = run(&format!(
        "{}{}",
        gateway("gw", HTTP),
        http_route("r", "infra", rules)
    ));
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 0, "Accepted"),
        "True/Accepted"
    );
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 0, "PartiallyInvalid"),
        "True/UnsupportedValue"
    );
    let only_bad =
        "  rules:\n  - matches: [{headers: [{type: RegularExpression, name: x, value: '[z'}]}]";
    let r = run(&format!(
        "{}{}",
        gateway("gw", HTTP),
        http_route("r", "infra", only_bad)
    ));
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 0, "Accepted"),
        "False/UnsupportedValue"
    );
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 0, "PartiallyInvalid"),
        "absent"
    );
}

#[test]
fn rewrite_with_a_backend_redirect_is_incompatible_filters() {
    let rules = "  rules:
  - filters: [{type: URLRewrite, urlRewrite: {hostname: y.com}}]
    backendRefs:
    - name: web
      port: 8080
      filters: [{type: RequestRedirect, requestRedirect: {hostname: x.com}}]";
    let r = run(&format!(
        "{}{SERVICE}{}",
        gateway("gw", HTTP),
        http_route("r", "infra", rules)
    ));
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 0, "Accepted"),
        "False/IncompatibleFilters"
    );
}

#[test]
fn header_modifier_naming_a_header_twice_is_unsupported() {
    let rules = "  rules:
  - filters:
    - type: RequestHeaderModifier
      requestHeaderModifier: {set: [{name: X-A, value: '1'}], remove: [x-a]}";
    let r = run(&format!(
        "{}{}",
        gateway("gw", HTTP),
        http_route("r", "infra", rules)
    ));
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 0, "Accepted"),
        "False/UnsupportedValue"
    );
}

#[test]
fn replace_prefix_match_on_an_exact_match_is_refused_at_admission() {
    // CEL rule R25 refuses this route before any controller sees it, so it
    // takes no part in the status pass.
    let rules = "  rules:
  - matches: [{path: {type: Exact, value: /a}}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]";
    let r = run(&format!(
        "{}{}",
        gateway("gw", HTTP),
        http_route("r", "infra", rules)
    ));
    assert!(
        r.rejected()
            .iter()
            .any(|o| o.kind == "HTTPRoute" && o.name == "r")
    );
    assert!(r.route_status("HTTPRoute", "infra", "r").is_none());
}

#[test]
fn invalid_path_regex_is_unsupported_value() {
    let rules = "  rules:\n  - matches: [{path: {type: RegularExpression, value: '/(a'}}]";
    let r = run(&format!(
        "{}{}",
        gateway("gw", HTTP),
        http_route("r", "infra", rules)
    ));
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 0, "Accepted"),
        "False/UnsupportedValue"
    );
}

// ---------------------------------------------------------------------------
// Backends and grants

fn backend_verdict(backend: &str, extra: &str) -> String {
    let rules = format!("  rules:\n  - backendRefs: [{backend}]");
    let r = run(&format!(
        "{}{SERVICE}{extra}{}",
        gateway("gw", HTTP),
        http_route("r", "infra", &rules)
    ));
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 0, "Accepted"),
        "True/Accepted"
    );
    route_cond(&r, "HTTPRoute", "infra/r", 0, "ResolvedRefs")
}

#[test]
fn backend_reasons_follow_the_spec_order() {
    assert_eq!(
        backend_verdict("{name: web, port: 8080}", ""),
        "True/ResolvedRefs"
    );
    assert_eq!(
        backend_verdict("{name: nope, port: 8080}", ""),
        "False/BackendNotFound"
    );
    assert_eq!(
        backend_verdict("{name: web, port: 9999}", ""),
        "False/BackendNotFound"
    );
    assert_eq!(
        backend_verdict(
            "{group: example.com, kind: Thing, name: web, port: 8080}",
            ""
        ),
        "False/InvalidKind"
    );
    assert_eq!(
        backend_verdict("{name: web, namespace: other, port: 8080}", ""),
        "False/RefNotPermitted"
    );
    assert_eq!(
        backend_verdict("{kind: Thing, name: web, namespace: other, port: 8080}", ""),
        "False/RefNotPermitted"
    );
    assert_eq!(
        backend_verdict("{name: web, port: 53}", ""),
        "False/UnsupportedProtocol"
    );
    assert_eq!(
        backend_verdict("{name: web, port: 8082}", ""),
        "True/ResolvedRefs"
    );
}

#[test]
fn grant_for_a_route_kind_allows_its_cross_namespace_backends() {
    let svc = SERVICE.replace("namespace: infra", "namespace: other");
    let grant = "apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: g, namespace: other}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: infra}]
  to: [{group: '', kind: Service}]
---
";
    assert_eq!(
        backend_verdict(
            "{name: web, namespace: other, port: 8080}",
            &format!("{svc}{grant}")
        ),
        "True/ResolvedRefs"
    );
    let grpc_only = grant.replace("kind: HTTPRoute", "kind: GRPCRoute");
    assert_eq!(
        backend_verdict(
            "{name: web, namespace: other, port: 8080}",
            &format!("{svc}{grpc_only}")
        ),
        "False/RefNotPermitted"
    );
}

#[test]
fn mirror_backend_is_resolved_like_a_backend() {
    let rules = "  rules:
  - backendRefs: [{name: web, port: 8080}]
    filters: [{type: RequestMirror, requestMirror: {backendRef: {name: gone, port: 8080}}}]";
    let r = run(&format!(
        "{}{SERVICE}{}",
        gateway("gw", HTTP),
        http_route("r", "infra", rules)
    ));
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 0, "ResolvedRefs"),
        "False/BackendNotFound"
    );
    let view = r.routing("infra", "gw").unwrap();
    let rule = &view.listeners[0].routes[0].rules[0];
    assert_eq!(rule.mirrors.len(), 1);
    assert_eq!(
        rule.mirrors[0].1.invalid.as_deref(),
        Some("BackendNotFound")
    );
    assert_eq!(rule.backends[0].invalid, None);
}

#[test]
fn websocket_backend_is_unsupported_for_grpc() {
    let grpc = "apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: g, namespace: infra}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: web, port: 8082}]}]
";
    let r = run(&format!("{}{SERVICE}{grpc}", gateway("gw", HTTP)));
    assert_eq!(
        route_cond(&r, "GRPCRoute", "infra/g", 0, "ResolvedRefs"),
        "False/UnsupportedProtocol"
    );
}

// ---------------------------------------------------------------------------
// TCP, UDP, TLS

#[test]
fn tcp_route_without_section_attaches_to_every_tcp_listener_and_all_are_counted() {
    let listeners = "  - {name: a, port: 5000, protocol: TCP}\n  - {name: b, port: 5001, protocol: TCP}\n  - {name: h, port: 80, protocol: HTTP}";
    let tcp = |n: &str| {
        format!(
            "apiVersion: gateway.networking.k8s.io/v1
kind: TCPRoute
metadata: {{name: {n}, namespace: infra}}
spec:
  parentRefs: [{{name: gw}}]
  rules: [{{backendRefs: [{{name: web, port: 8080}}]}}]
---
"
        )
    };
    let r = run(&format!(
        "{}{SERVICE}{}{}",
        gateway("gw", listeners),
        tcp("one"),
        tcp("two")
    ));
    assert_eq!(listener(&r, "infra/gw", "a").attached_routes, 2);
    assert_eq!(listener(&r, "infra/gw", "b").attached_routes, 2);
    assert_eq!(listener(&r, "infra/gw", "h").attached_routes, 0);
    assert_eq!(
        route_cond(&r, "TCPRoute", "infra/two", 0, "Accepted"),
        "True/Accepted"
    );
}

#[test]
fn udp_route_needs_a_udp_service_port() {
    let udp = |port: u16| {
        format!(
            "apiVersion: gateway.networking.k8s.io/v1
kind: UDPRoute
metadata: {{name: u, namespace: infra}}
spec:
  parentRefs: [{{name: gw}}]
  rules: [{{backendRefs: [{{name: web, port: {port}}}]}}]
"
        )
    };
    let l = "  - {name: dns, port: 53, protocol: UDP}";
    let ok = run(&format!("{}{SERVICE}{}", gateway("gw", l), udp(53)));
    assert_eq!(
        route_cond(&ok, "UDPRoute", "infra/u", 0, "ResolvedRefs"),
        "True/ResolvedRefs"
    );
    let tcp_port = run(&format!("{}{SERVICE}{}", gateway("gw", l), udp(8080)));
    assert_eq!(
        route_cond(&tcp_port, "UDPRoute", "infra/u", 0, "ResolvedRefs"),
        "False/UnsupportedProtocol"
    );
}

#[test]
fn tls_route_on_an_https_listener_is_not_allowed() {
    let tls = "apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {name: t, namespace: infra}
spec:
  parentRefs: [{name: gw}]
  hostnames: [a.example.com]
  rules: [{backendRefs: [{name: web, port: 8080}]}]
";
    let l = "  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: cert}]}}";
    let r = run(&format!("{TLS_CERT}{}{SERVICE}{tls}", gateway("gw", l)));
    assert_eq!(
        route_cond(&r, "TLSRoute", "infra/t", 0, "Accepted"),
        "False/NotAllowedByListeners"
    );
    let pass = "  - {name: tls, port: 443, protocol: TLS, hostname: '*.example.com', tls: {mode: Passthrough}}";
    let r = run(&format!("{}{SERVICE}{tls}", gateway("gw", pass)));
    assert_eq!(
        route_cond(&r, "TLSRoute", "infra/t", 0, "Accepted"),
        "True/Accepted"
    );
    let other = run(&format!(
        "{}{SERVICE}{}",
        gateway("gw", pass),
        tls.replace("a.example.com", "a.example.org")
    ));
    assert_eq!(
        route_cond(&other, "TLSRoute", "infra/t", 0, "Accepted"),
        "False/NoMatchingListenerHostname"
    );
}

// ---------------------------------------------------------------------------
// ListenerSets

fn listener_set(name: &str, ns: &str, listeners: &str) -> String {
    format!(
        "apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {{name: {name}, namespace: {ns}}}
spec:
  parentRef: {{name: gw, namespace: infra}}
  listeners:
{listeners}
---
"
    )
}

fn gateway_allowing(from: &str, listeners: &str) -> String {
    gateway("gw", listeners).replace(
        "  listeners:",
        &format!("  allowedListeners: {{namespaces: {{from: {from}}}}}\n  listeners:"),
    )
}

#[test]
fn listener_set_is_not_allowed_by_default() {
    let yaml = format!(
        "{}{}",
        gateway("gw", HTTP),
        listener_set("ls", "infra", "  - {name: x, port: 81, protocol: HTTP}")
    );
    let r = run(&yaml);
    assert_eq!(ls_cond(&r, "infra/ls", "Accepted"), "False/NotAllowed");
    assert_eq!(ls_cond(&r, "infra/ls", "Programmed"), "False/NotAllowed");
    assert_eq!(
        r.gateway_status("infra", "gw")
            .unwrap()
            .attached_listener_sets,
        Some(0)
    );
}

#[test]
fn listener_set_entry_conflicting_with_the_gateway_loses_and_others_stay() {
    let gw = gateway_allowing(
        "Same",
        "  - {name: g, port: 80, protocol: HTTP, hostname: g.com}\n  - {name: shared, port: 80, protocol: HTTP, hostname: s.com}",
    );
    let first = listener_set(
        "first",
        "infra",
        "  - {name: own, port: 80, protocol: HTTP, hostname: o.com}\n  - {name: tcp, port: 80, protocol: TCP}\n  - {name: dup, port: 80, protocol: HTTP, hostname: s.com}",
    );
    let second = listener_set(
        "second",
        "infra",
        "  - {name: dup2, port: 80, protocol: HTTP, hostname: o.com}",
    );
    let r = run(&format!("{gw}{first}{second}"));
    assert_eq!(
        l_cond(&r, "infra/gw", "shared", "Accepted"),
        "True/Accepted"
    );
    assert_eq!(
        ls_l_cond(&r, "infra/first", "own", "Accepted"),
        "True/Accepted"
    );
    assert_eq!(
        ls_l_cond(&r, "infra/first", "tcp", "Conflicted"),
        "True/ProtocolConflict"
    );
    assert_eq!(
        ls_l_cond(&r, "infra/first", "dup", "Accepted"),
        "False/HostnameConflict"
    );
    assert_eq!(
        ls_cond(&r, "infra/first", "Accepted"),
        "True/ListenersNotValid"
    );
    assert_eq!(ls_cond(&r, "infra/first", "Programmed"), "True/Programmed");
    assert_eq!(
        ls_l_cond(&r, "infra/second", "dup2", "Programmed"),
        "False/HostnameConflict"
    );
    assert_eq!(
        ls_cond(&r, "infra/second", "Accepted"),
        "False/ListenersNotValid"
    );
    assert_eq!(
        r.gateway_status("infra", "gw")
            .unwrap()
            .attached_listener_sets,
        Some(1)
    );
}

#[test]
fn routes_reach_listener_set_entries_only_through_a_listener_set_parent() {
    let gw = gateway_allowing("Same", HTTP);
    let ls = listener_set("ls", "infra", "  - {name: extra, port: 81, protocol: HTTP}");
    let route = "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: infra}
spec:
  parentRefs:
  - {name: gw, sectionName: extra}
  - {kind: ListenerSet, name: ls, sectionName: extra}
";
    let r = run(&format!("{gw}{ls}{route}"));
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 0, "Accepted"),
        "False/NoMatchingParent"
    );
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 1, "Accepted"),
        "True/Accepted"
    );
    let st = r.listener_set_status("infra", "ls").unwrap();
    assert_eq!(st.listener("extra").unwrap().attached_routes, 1);
    assert_eq!(listener(&r, "infra/gw", "http").attached_routes, 0);
    let view = r.routing("infra", "gw").unwrap();
    assert_eq!(view.listeners.len(), 2);
    assert_eq!(view.listeners[1].routes.len(), 1);
}

#[test]
fn listener_set_certificates_need_a_grant_from_the_listener_set() {
    let cert = TLS_CERT.replace("namespace: infra", "namespace: certs");
    let gw = gateway_allowing("All", HTTP);
    let entry = "  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: cert, namespace: certs}]}}";
    let gateway_grant = "apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: g, namespace: certs}
spec:
  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: apps}]
  to: [{group: '', kind: Secret}]
---
";
    let r = run(&format!(
        "{cert}{gateway_grant}{gw}{}",
        listener_set("ls", "apps", entry)
    ));
    assert_eq!(
        ls_l_cond(&r, "apps/ls", "https", "ResolvedRefs"),
        "False/RefNotPermitted"
    );
    assert_eq!(
        ls_cond(&r, "apps/ls", "Accepted"),
        "False/ListenersNotValid"
    );
    let ls_grant = gateway_grant.replace("kind: Gateway", "kind: ListenerSet");
    let r = run(&format!(
        "{cert}{ls_grant}{gw}{}",
        listener_set("ls", "apps", entry)
    ));
    assert_eq!(
        ls_l_cond(&r, "apps/ls", "https", "ResolvedRefs"),
        "True/ResolvedRefs"
    );
    assert_eq!(ls_cond(&r, "apps/ls", "Accepted"), "True/Accepted");
}

// ---------------------------------------------------------------------------
// BackendTLSPolicy

fn policy(name: &str, section: &str, ca: &str) -> String {
    format!(
        "apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {{name: {name}, namespace: infra}}
spec:
  targetRefs: [{{group: '', kind: Service, name: web{section}}}]
  validation:
    caCertificateRefs: [{{group: '', kind: ConfigMap, name: {ca}}}]
    hostname: web.example.com
---
"
    )
}

const CA: &str = "apiVersion: v1
kind: ConfigMap
metadata: {name: ca, namespace: infra}
data:
  ca.crt: |
    -----BEGIN CERTIFICATE-----
    MAMCAQE=
    -----END CERTIFICATE-----
---
";

#[test]
fn backend_tls_policy_reports_one_ancestor_per_gateway_using_the_service() {
    let route = http_route(
        "r",
        "infra",
        "  rules: [{backendRefs: [{name: web, port: 8080}]}]",
    );
    let r = run(&format!(
        "{CA}{}{SERVICE}{}{}{route}",
        gateway("gw", HTTP),
        policy("good", "", "ca"),
        policy("broken", ", sectionName: dns", "missing"),
    ));
    let st = r
        .policy_status("BackendTLSPolicy", "infra", "good")
        .unwrap();
    assert_eq!(st.ancestors.len(), 1);
    assert_eq!(st.ancestors[0].ancestor_ref.name, "gw");
    let c = |t: &str| sr(st.ancestors[0].conditions.iter().find(|c| c.type_ == t));
    assert_eq!(c("Accepted"), "True/Accepted");
    assert_eq!(c("ResolvedRefs"), "True/ResolvedRefs");
    let view = r.routing("infra", "gw").unwrap();
    let tls = view.listeners[0].routes[0].rules[0].backends[0]
        .tls
        .as_ref()
        .unwrap();
    assert_eq!(tls.hostname, "web.example.com");
    let broken = r
        .policy_status("BackendTLSPolicy", "infra", "broken")
        .unwrap();
    let c = |t: &str| sr(broken.ancestors[0].conditions.iter().find(|c| c.type_ == t));
    assert_eq!(c("Accepted"), "False/Invalid");
    assert_eq!(c("ResolvedRefs"), "False/InvalidCACertificateRef");
}

#[test]
fn older_backend_tls_policy_wins_the_same_target() {
    let route = http_route(
        "r",
        "infra",
        "  rules: [{backendRefs: [{name: web, port: 8080}]}]",
    );
    let r = run(&format!(
        "{CA}{}{SERVICE}{}{}{}{route}",
        gateway("gw", HTTP),
        policy("old", "", "ca"),
        policy("new", "", "ca"),
        policy("port", ", sectionName: http", "missing"),
    ));
    let acc = |n: &str| {
        let st = r.policy_status("BackendTLSPolicy", "infra", n).unwrap();
        sr(st.ancestors[0]
            .conditions
            .iter()
            .find(|c| c.type_ == "Accepted"))
    };
    assert_eq!(acc("old"), "True/Accepted");
    assert_eq!(acc("new"), "False/Conflicted");
    assert_eq!(acc("port"), "False/NoValidCACertificate");
    // The port policy governs port 8080 and cannot be honoured.
    assert_eq!(
        route_cond(&r, "HTTPRoute", "infra/r", 0, "ResolvedRefs"),
        "False/UnsupportedProtocol"
    );
}

/// Gateways `gw-00` to `gw-17` in `infra`, each with the HTTPRoute `r-NN`
/// attached to it alone, whose spec ends with `rules`: two more Gateways
/// than a BackendTLSPolicy's 16 ancestors.
fn eighteen_gateways_with_a_route(rules: &str) -> String {
    let mut yaml = String::new();
    for g in 0..18 {
        yaml.push_str(&gateway(&format!("gw-{g:02}"), HTTP));
        let route = http_route(&format!("r-{g:02}"), "infra", rules);
        yaml.push_str(&route.replace(
            "{name: gw, namespace: infra}",
            &format!("{{name: gw-{g:02}, namespace: infra}}"),
        ));
    }
    yaml
}

/// Asserts the `ResolvedRefs` condition of route `r-NN` on `gw-NN` (`True`
/// within a policy's 16 ancestors, `False/UnsupportedProtocol` past them),
/// and returns its first rule as that Gateway's routing view has it.
fn overflow_checked_rule<'r>(
    r: &'r Report,
    g: &str,
    within: bool,
) -> &'r gateway_types::routing::RuleRouting {
    let route = format!("infra/r-{g}");
    let want = if within {
        "True/ResolvedRefs"
    } else {
        "False/UnsupportedProtocol"
    };
    assert_eq!(
        route_cond(r, "HTTPRoute", &route, 0, "ResolvedRefs"),
        want,
        "{route}"
    );
    let view = r
        .routing("infra", &format!("gw-{g}"))
        .expect("routing view");
    &view.listeners[0].routes[0].rules[0]
}

#[test]
fn backend_tls_policy_ancestors_stop_at_16_and_routes_through_the_gateways_left_out_do_not_resolve_its_service()
 {
    // 18 Gateways (gw-00 .. gw-17), each with a route to the targeted Service.
    let r = run(&format!(
        "{CA}{SERVICE}{}{}",
        policy("p", "", "ca"),
        eighteen_gateways_with_a_route("  rules: [{backendRefs: [{name: web, port: 8080}]}]"),
    ));
    let st = r.policy_status("BackendTLSPolicy", "infra", "p").unwrap();
    assert_eq!(st.ancestors.len(), 16);
    let names: Vec<&str> = st
        .ancestors
        .iter()
        .map(|a| a.ancestor_ref.name.as_str())
        .collect();
    assert_eq!(names.first(), Some(&"gw-00"));
    assert_eq!(names.last(), Some(&"gw-15"));
    let full: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.rule == "status.policy.ancestors-full")
        .map(|f| f.object.name.as_str())
        .collect();
    assert_eq!(full, ["gw-16", "gw-17"]);
    // The policy cannot be applied through the Gateways left out: routes
    // there do not resolve the Service it governs, and their views do not
    // send traffic to it; Gateways within the 16 are unaffected.
    for (g, within) in [("00", true), ("15", true), ("16", false), ("17", false)] {
        let backend = &overflow_checked_rule(&r, g, within).backends[0];
        if within {
            assert_eq!(backend.invalid, None, "gw-{g}");
            assert!(backend.tls.is_some(), "gw-{g}: the policy applies");
        } else {
            assert_eq!(
                backend.invalid.as_deref(),
                Some("UnsupportedProtocol"),
                "gw-{g}"
            );
        }
    }
    assert!(
        r.findings
            .iter()
            .filter(|f| f.rule == "status.policy.ancestors-full")
            .all(|f| f.severity == crate::Severity::Warning && f.object.kind == "Gateway")
    );
}

#[test]
fn a_mirror_to_a_service_whose_policy_overflowed_does_not_resolve_and_is_dropped_on_the_gateways_left_out()
 {
    // 18 Gateways; each route sends traffic to `plain` (no policy) and
    // mirrors it to `web`, which the policy governs.
    let plain = SERVICE
        .replace("name: web,", "name: plain,")
        .replace("  - {name: dns, port: 53, protocol: UDP}\n", "");
    let r = run(&format!(
        "{CA}{SERVICE}{plain}{}{}",
        policy("p", "", "ca"),
        eighteen_gateways_with_a_route(
            "  rules:
  - backendRefs: [{name: plain, port: 8080}]
    filters: [{type: RequestMirror, requestMirror: {backendRef: {name: web, port: 8080}}}]"
        ),
    ));
    for (g, within) in [("00", true), ("15", true), ("16", false), ("17", false)] {
        let rule = overflow_checked_rule(&r, g, within);
        // Traffic to the backend without a policy is unaffected.
        assert_eq!(rule.backends[0].invalid, None, "gw-{g}");
        if within {
            assert_eq!(rule.mirrors.len(), 1, "gw-{g}: the mirror is kept");
            assert!(rule.mirrors[0].1.tls.is_some(), "gw-{g}: with the policy");
        } else {
            assert!(rule.mirrors.is_empty(), "gw-{g}: no plaintext mirror");
        }
    }
}

#[test]
fn backend_tls_policy_with_16_gateways_or_fewer_gets_no_ancestors_warning() {
    let route = http_route(
        "r",
        "infra",
        "  rules: [{backendRefs: [{name: web, port: 8080}]}]",
    );
    let r = run(&format!(
        "{CA}{}{SERVICE}{}{route}",
        gateway("gw", HTTP),
        policy("p", "", "ca"),
    ));
    assert!(
        !r.findings
            .iter()
            .any(|f| f.rule == "status.policy.ancestors-full")
    );
}

// ---------------------------------------------------------------------------
// Default Gateways (spec 4.4, GEP-3793, experimental channel)

#[cfg(feature = "experimental")]
mod default_gateways {
    use super::*;
    use crate::Channel;

    fn experimental() -> Options {
        Options::new()
            .gateway_class(CLASS)
            .channel(Channel::Experimental)
    }

    const HTTP_ALL: &str =
        "  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}";

    fn default_gateway(name: &str, scope: &str) -> String {
        default_gateway_with(name, scope, HTTP_ALL)
    }

    fn default_gateway_with(name: &str, scope: &str, listeners: &str) -> String {
        gateway(name, listeners).replace(
            &format!("  gatewayClassName: {CLASS}\n"),
            &format!("  gatewayClassName: {CLASS}\n  defaultScope: {scope}\n"),
        )
    }

    /// A route in `apps` with `useDefaultGateways: All` and the given parentRefs.
    fn defaulted_route(parent_refs: &str) -> String {
        format!(
            "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: r, namespace: apps}}
spec:
  useDefaultGateways: All
  parentRefs: [{parent_refs}]
---
"
        )
    }

    fn parents(r: &Report) -> Vec<String> {
        r.route_status("HTTPRoute", "apps", "r")
            .map(|st| {
                st.parents
                    .iter()
                    .map(|p| {
                        let a = p.conditions.iter().find(|c| c.type_ == "Accepted");
                        format!(
                            "{}/{}/{}/{}:{:?}:{}",
                            p.parent_ref.kind.as_deref().unwrap_or("-"),
                            p.parent_ref.namespace.as_deref().unwrap_or("-"),
                            p.parent_ref.name,
                            p.parent_ref.section_name.as_deref().unwrap_or("-"),
                            p.parent_ref.port,
                            sr(a)
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn default_gateway_claims_a_route_asking_for_default_gateways() {
        let r = run_with(
            &format!(
                "{}{}{}",
                default_gateway("a", "All"),
                default_gateway("b", "All"),
                defaulted_route("")
            ),
            &experimental(),
        );
        // Every default Gateway claims the route (not reduced to one), each
        // entry naming the Gateway without sectionName or port.
        assert_eq!(
            parents(&r),
            [
                "Gateway/infra/a/-:None:True/Accepted",
                "Gateway/infra/b/-:None:True/Accepted"
            ]
        );
        let view = r.routing("infra", "a").unwrap();
        assert_eq!(view.listeners[0].routes.len(), 1);
        assert_eq!(l_attached(&r, "infra/a", "http"), 1);
    }

    fn l_attached(r: &Report, gw: &str, l: &str) -> i32 {
        listener(r, gw, l).attached_routes
    }

    #[test]
    fn default_gateway_carries_the_default_gateway_condition_and_others_do_not() {
        let r = run_with(
            &format!(
                "{}{}{}",
                default_gateway("a", "All"),
                default_gateway("n", "None"),
                gateway("plain", HTTP)
            ),
            &experimental(),
        );
        assert_eq!(
            gw_cond(&r, "infra/a", "DefaultGateway"),
            "True/DefaultGateway"
        );
        assert_eq!(gw_cond(&r, "infra/n", "DefaultGateway"), "absent");
        assert_eq!(gw_cond(&r, "infra/plain", "DefaultGateway"), "absent");
    }

    #[test]
    fn default_attachment_still_obeys_allowed_routes() {
        let same_ns_only = default_gateway_with("a", "All", HTTP);
        let r = run_with(
            &format!("{same_ns_only}{}", defaulted_route("")),
            &experimental(),
        );
        // The HTTP listener allows routes from its own namespace only (the
        // default), and the route lives in `apps`.
        assert_eq!(
            parents(&r),
            ["Gateway/infra/a/-:None:False/NotAllowedByListeners"]
        );
    }

    #[test]
    fn route_without_use_default_gateways_is_not_claimed_by_a_default_gateway() {
        let route = defaulted_route("").replace("  useDefaultGateways: All\n", "");
        let r = run_with(
            &format!("{}{route}", default_gateway("a", "All")),
            &experimental(),
        );
        assert!(parents(&r).is_empty());
    }

    #[test]
    fn explicit_parent_refs_are_evaluated_in_addition_and_not_duplicated() {
        let r = run_with(
            &format!(
                "{}{}{}",
                default_gateway("a", "All"),
                default_gateway("b", "All"),
                defaulted_route(
                    "{name: a, namespace: infra}, {name: b, namespace: infra, sectionName: http}"
                )
            ),
            &experimental(),
        );
        // `a` is named whole by a parentRef: one entry. `b` is named through
        // a sectionName: that entry plus the default one.
        assert_eq!(
            parents(&r),
            [
                "Gateway/infra/a/-:None:True/Accepted",
                "Gateway/infra/b/http:None:True/Accepted",
                "Gateway/infra/b/-:None:True/Accepted"
            ]
        );
    }

    #[test]
    fn default_gateways_do_not_exist_in_the_standard_channel() {
        let r = run(&format!(
            "{}{}",
            default_gateway("a", "All"),
            defaulted_route("")
        ));
        assert!(parents(&r).is_empty());
        assert_eq!(gw_cond(&r, "infra/a", "DefaultGateway"), "absent");
    }
}

// ---------------------------------------------------------------------------
// Deprecated v1alpha2 routes (spec 10.6)

#[test]
fn v1alpha2_tcp_route_with_several_rules_warns_that_later_rules_are_ignored() {
    let listeners = "  - name: tcp
    port: 9000
    protocol: TCP";
    let tcp = "apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: t, namespace: infra}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs: [{name: web, port: 8080}]
  - backendRefs: [{name: web, port: 8080}]
";
    let options = Options::new()
        .gateway_class(CLASS)
        .channel(crate::Channel::Experimental);
    let r = run_with(
        &format!("{}{SERVICE}{tcp}", gateway("gw", listeners)),
        &options,
    );
    let warnings: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "status.route.later-rules-ignored")
        .collect();
    assert_eq!(warnings.len(), 1, "{:?}", r.findings);
    assert_eq!(warnings[0].object.kind, "TCPRoute");
    assert_eq!(warnings[0].field, "spec.rules[1]");
    assert_eq!(warnings[0].severity, crate::Severity::Warning);
    // The route stays accepted.
    assert_eq!(
        route_cond(&r, "TCPRoute", "infra/t", 0, "Accepted"),
        "True/Accepted"
    );
}

#[test]
fn single_rule_routes_and_http_routes_get_no_later_rules_warning() {
    let route = http_route(
        "r",
        "infra",
        "  rules:
  - backendRefs: [{name: web, port: 8080}]
  - backendRefs: [{name: web, port: 8080}]",
    );
    let r = run(&format!("{}{SERVICE}{route}", gateway("gw", HTTP)));
    assert!(
        !r.findings
            .iter()
            .any(|f| f.rule == "status.route.later-rules-ignored")
    );
}
