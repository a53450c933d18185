//! Shared helpers for the benches: workload generators (`status_snapshot`
//! here, the router's in [`workload`]) and an allocation-counting global
//! allocator ([`alloc`]).

pub mod alloc;
pub mod workload;

use gateway_types::core::{Namespace, Secret, Service, ServicePort, ServiceSpec};
use gateway_types::gateway::{
    AllowedRoutes, FromNamespaces, GatewaySpec, Listener, ListenerTlsConfig,
};
use gateway_types::http_route::{
    HttpBackendRef, HttpPathMatch, HttpRouteMatch, HttpRouteRule, HttpRouteSpec,
};
use gateway_types::reference_grant::{ReferenceGrantFrom, ReferenceGrantSpec, ReferenceGrantTo};
use gateway_types::shared::{GROUP, ParentReference, SecretObjectReference};
use gateway_types::{Gateway, HttpRoute, Object, ReferenceGrant};
use gateway_validate::Snapshot;

/// The GatewayClass the generated Gateways use (pass it to
/// `Options::gateway_class`).
pub const CLASS: &str = "bench";

/// The size of a status workload.
#[derive(Debug, Clone, Copy)]
pub struct StatusWorkload {
    /// Gateways, each with an HTTP listener and an HTTPS listener.
    pub gateways: usize,
    /// HTTPRoutes, spread over the Gateways, each with two rules.
    pub routes: usize,
    /// ReferenceGrants; every route's second backend lives in another
    /// namespace and needs one of them.
    pub grants: usize,
}

/// Builds a snapshot for the status pass:
///
/// - Gateways in 10 infrastructure namespaces, listeners `http` (port 80,
///   hostname `gw-N.example.com`) and `https` (port 443, wildcard hostname,
///   one certificate), routes allowed from all namespaces;
/// - routes in 100 application namespaces, each attached to one Gateway
///   (round robin) with an exact hostname under the Gateway's, two rules,
///   a local backend and a backend in one of `grants` backend namespaces;
/// - one ReferenceGrant per backend namespace, admitting HTTPRoutes from the
///   one application namespace whose routes use that backend namespace.
#[must_use]
pub fn status_snapshot(w: StatusWorkload) -> Snapshot {
    let mut s = Snapshot::new();
    let mut add = |o: Object| s.insert(o, None);
    let grants = w.grants.max(1);
    for i in 0..10 {
        add(Namespace::new(&format!("infra-{i}"))
            .with_label("role", "infra")
            .into());
    }
    let cert = Secret::tls(
        "cert",
        b"-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n",
        b"-----BEGIN PRIVATE KEY-----\nMAMCAQE=\n-----END PRIVATE KEY-----\n",
    );
    for i in 0..10 {
        add(cert.clone().in_namespace(&format!("infra-{i}")).into());
    }
    for g in 0..w.gateways {
        let all = AllowedRoutes::from_namespaces(FromNamespaces::All);
        let http = Listener::new("http", 80, "HTTP")
            .with_hostname(format!("gw-{g}.example.com"))
            .with_allowed_routes(all.clone());
        let https = Listener::new("https", 443, "HTTPS")
            .with_hostname(format!("*.gw-{g}.example.com"))
            .with_tls(ListenerTlsConfig::terminate(vec![
                SecretObjectReference::secret("cert"),
            ]))
            .with_allowed_routes(all);
        let gw = Gateway::new(
            &format!("gw-{g}"),
            GatewaySpec::new(CLASS, vec![http, https]),
        )
        .in_namespace(&format!("infra-{}", g % 10));
        add(gw.into());
    }
    let app_ns = 100;
    for a in 0..app_ns {
        let svc = Service::new("web", ServiceSpec::with_ports(vec![ServicePort::new(8080)]))
            .in_namespace(&format!("app-{a}"));
        add(svc.into());
    }
    for b in 0..grants {
        let ns = format!("backend-{b}");
        let svc = Service::new("api", ServiceSpec::with_ports(vec![ServicePort::new(9090)]))
            .in_namespace(&ns);
        add(svc.into());
        let grant = ReferenceGrant::new(
            "from-apps",
            ReferenceGrantSpec::new(
                vec![ReferenceGrantFrom::new(
                    GROUP,
                    "HTTPRoute",
                    &format!("app-{}", b % app_ns),
                )],
                vec![ReferenceGrantTo::new("", "Service")],
            ),
        )
        .in_namespace(&ns);
        add(grant.into());
    }
    for r in 0..w.routes {
        let g = r % w.gateways.max(1);
        let ns = format!("app-{}", r % app_ns);
        let mut parent = ParentReference::gateway(format!("gw-{g}"));
        parent.namespace = Some(format!("infra-{}", g % 10));
        let mut remote = HttpBackendRef::service("api", 9090);
        remote.namespace = Some(format!("backend-{}", r % grants));
        let mut api = HttpRouteRule::default();
        api.matches = Some(vec![HttpRouteMatch::path(HttpPathMatch::prefix(format!(
            "/api/{r}"
        )))]);
        api.backend_refs = Some(vec![remote]);
        let mut rest = HttpRouteRule::default();
        rest.matches = Some(vec![HttpRouteMatch::path(HttpPathMatch::exact(format!(
            "/r/{r}"
        )))]);
        rest.backend_refs = Some(vec![HttpBackendRef::service("web", 8080)]);
        let mut spec = HttpRouteSpec::default();
        spec.parent_refs = Some(vec![parent]);
        spec.hostnames = Some(vec![format!("r{r}.gw-{g}.example.com")]);
        spec.rules = Some(vec![api, rest]);
        add(HttpRoute::new(&format!("route-{r}"), spec)
            .in_namespace(&ns)
            .into());
    }
    s
}
