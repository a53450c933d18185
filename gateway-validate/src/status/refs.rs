//! References: the ReferenceGrant index, certificate and CA references, and
//! backend resolution (spec sections 5, 6 and 3.2.3).
//!
//! Every cross-namespace reference goes through [`GrantIndex::permits`]
//! first: without a grant the reference is `RefNotPermitted`, whatever the
//! target (existence is not revealed).

use std::collections::HashSet;

use gateway_types::core::{Protocol, SECRET_TYPE_TLS, ServiceType};
use gateway_types::reference_grant::ReferenceGrant;
use gateway_types::routing::ResolvedBackend;

use super::pem;
use super::policy::PolicyIndex;
use super::routes::{BackendSpec, Kind};
use super::world::{SeededMap, World};
use crate::condition::Reason;

/// Names a grant permits for one (from, to) pair.
#[derive(Debug, Default)]
struct Targets {
    all: bool,
    names: HashSet<String>,
}

/// The grants for one (referrer kind, target kind) pair between two namespaces.
#[derive(Debug)]
struct GrantEntry {
    from_group: String,
    from_kind: String,
    to_group: String,
    to_kind: String,
    targets: Targets,
}

/// Every ReferenceGrant, keyed by target namespace, then referrer
/// namespace, then (by a short scan) the referrer and target kinds.
/// Lookups hash borrowed strings and allocate nothing.
#[derive(Debug, Default)]
pub(super) struct GrantIndex {
    map: SeededMap<String, SeededMap<String, Vec<GrantEntry>>>,
}

impl GrantIndex {
    /// Indexes one grant (spec 5.2): every `from` entry crossed with every `to` entry.
    pub(super) fn add(&mut self, grant: &ReferenceGrant) {
        let to_ns = grant.metadata.namespace.as_deref().unwrap_or("default");
        for f in &grant.spec.from {
            for t in &grant.spec.to {
                let entries = self
                    .map
                    .entry(to_ns.to_owned())
                    .or_default()
                    .entry(f.namespace.clone())
                    .or_default();
                let at = entries.iter().position(|e| {
                    e.from_group == f.group
                        && e.from_kind == f.kind
                        && e.to_group == t.group
                        && e.to_kind == t.kind
                });
                let i = match at {
                    Some(i) => i,
                    None => {
                        entries.push(GrantEntry {
                            from_group: f.group.clone(),
                            from_kind: f.kind.clone(),
                            to_group: t.group.clone(),
                            to_kind: t.kind.clone(),
                            targets: Targets::default(),
                        });
                        entries.len() - 1
                    }
                };
                let entry = &mut entries[i].targets;
                match &t.name {
                    None => entry.all = true,
                    Some(n) => {
                        entry.names.insert(n.clone());
                    }
                }
            }
        }
    }

    /// Whether a reference from a `from_group`/`from_kind` object in
    /// `from_ns` to `to_group`/`to_kind` `to_ns/to_name` is allowed. Same
    /// namespace references always are.
    pub(super) fn permits(&self, from: (&str, &str, &str), to: (&str, &str, &str, &str)) -> bool {
        let (from_group, from_kind, from_ns) = from;
        let (to_group, to_kind, to_ns, to_name) = to;
        if from_ns == to_ns {
            return true;
        }
        let Some(entries) = self.map.get(to_ns).and_then(|m| m.get(from_ns)) else {
            return false;
        };
        entries.iter().any(|e| {
            e.from_group == from_group
                && e.from_kind == from_kind
                && e.to_group == to_group
                && e.to_kind == to_kind
                && (e.targets.all || e.targets.names.contains(to_name))
        })
    }
}

/// A reference that did not resolve: the condition reason and a message.
pub(super) type RefError = (Reason, String);

/// `RefNotPermitted` unless a ReferenceGrant lets a Gateway API object of
/// `from` (kind, namespace) use the target.
fn permitted(
    world: &World<'_>,
    (from_kind, from_ns): (&str, &str),
    (group, kind, ns, name): (&str, &str, &str, &str),
) -> Result<(), RefError> {
    if world.grants.permits(
        (gateway_types::shared::GROUP, from_kind, from_ns),
        (group, kind, ns, name),
    ) {
        return Ok(());
    }
    Err((
        Reason::RefNotPermitted,
        format!(
            "no ReferenceGrant in namespace {ns} allows {from_kind}s in {from_ns} to use {kind} {name}"
        ),
    ))
}

/// Checks a certificate reference of a listener (or the Gateway's backend
/// client certificate): a core Secret of type `kubernetes.io/tls` whose
/// `tls.crt` and `tls.key` hold PEM certificate and key blocks.
///
/// `bad` is the reason for a reference that is not permitted by grant-less
/// reasons (`InvalidCertificateRef` for listeners, `InvalidClientCertificateRef`
/// for the Gateway's client certificate).
pub(super) fn check_secret_ref(
    world: &World<'_>,
    from: (&str, &str),
    (group, kind, ns, name): (&str, &str, &str, &str),
    bad: Reason,
) -> Result<(), RefError> {
    permitted(world, from, (group, kind, ns, name))?;
    if !group.is_empty() || kind != "Secret" {
        let gk = if group.is_empty() {
            kind.to_owned()
        } else {
            format!("{kind}.{group}")
        };
        return Err((
            bad,
            format!("certificate reference to {gk} {ns}/{name}: only core Secrets are supported"),
        ));
    }
    world
        .secret_checks
        .get_or_check(ns, name, || secret_content(world, ns, name))
        .map_err(|m| (bad, m))
}

/// Whether Secret `ns/name` exists and holds a TLS certificate and key.
fn secret_content(world: &World<'_>, ns: &str, name: &str) -> Result<(), String> {
    let Some(secret) = world.secrets.get(ns, name) else {
        return Err(format!("Secret {ns}/{name} does not exist"));
    };
    if secret.type_or_default() != SECRET_TYPE_TLS {
        return Err(format!(
            "Secret {ns}/{name} has type {:?}, not {SECRET_TYPE_TLS}",
            secret.type_or_default()
        ));
    }
    let get = |k: &str| match secret.try_data_key(k) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(format!("Secret {ns}/{name} has no {k} key")),
        Err(e) => Err(format!("Secret {ns}/{name} key {k}: {e}")),
    };
    let crt = get("tls.crt")?;
    let key = get("tls.key")?;
    pem::check_certificates(&crt).map_err(|e| format!("Secret {ns}/{name} tls.crt: {e}"))?;
    pem::check_private_key(&key).map_err(|e| format!("Secret {ns}/{name} tls.key: {e}"))
}

/// Checks a CA certificate reference (frontend client validation, or a
/// BackendTLSPolicy): a core ConfigMap whose `ca.crt` holds PEM certificates.
///
/// Errors: `RefNotPermitted` without a grant, `kind_reason` for another
/// kind, `InvalidCACertificateRef` for a missing or malformed ConfigMap.
pub(super) fn check_ca_ref(
    world: &World<'_>,
    from: (&str, &str),
    (group, kind, ns, name): (&str, &str, &str, &str),
    kind_reason: Reason,
) -> Result<(), RefError> {
    permitted(world, from, (group, kind, ns, name))?;
    if !group.is_empty() || kind != "ConfigMap" {
        return Err((
            kind_reason,
            format!(
                "CA certificate reference to {kind} {name}: only core ConfigMaps are supported"
            ),
        ));
    }
    world
        .ca_checks
        .get_or_check(ns, name, || ca_content(world, ns, name))
        .map_err(|m| (Reason::InvalidCaCertificateRef, m))
}

/// Whether ConfigMap `ns/name` exists and its `ca.crt` holds PEM certificates.
fn ca_content(world: &World<'_>, ns: &str, name: &str) -> Result<(), String> {
    let Some(cm) = world.config_maps.get(ns, name) else {
        return Err(format!("ConfigMap {ns}/{name} does not exist"));
    };
    let data = match (cm.get("ca.crt"), cm.binary("ca.crt")) {
        (Some(text), _) => text.as_bytes().to_vec(),
        (None, Some(bytes)) => bytes,
        (None, None) => return Err(format!("ConfigMap {ns}/{name} has no ca.crt key")),
    };
    pem::check_certificates(&data).map_err(|e| format!("ConfigMap {ns}/{name} ca.crt: {e}"))
}

/// Resolves one backend reference of a route (spec 6.2), in this order:
/// grant, kind, existence (Service and port), transport and `appProtocol`,
/// BackendTLSPolicy. Returns the resolved backend (with `invalid` set when
/// it did not resolve) and the problem, if any.
///
/// Decisions of this implementation: only core Services are backends
/// (`ExternalName` Services are `InvalidKind`); the port must be one the
/// Service declares, with the transport the route needs (UDP for UDPRoute,
/// TCP otherwise), else `BackendNotFound` (no such port) or
/// `UnsupportedProtocol` (only the other transport); `appProtocol`
/// `kubernetes.io/h2c` suits HTTPRoute and GRPCRoute, `kubernetes.io/ws`
/// HTTPRoute, `kubernetes.io/wss` TLSRoute (and HTTPRoute with a
/// BackendTLSPolicy); TCPRoute takes any; other values are not checked. A
/// backend whose BackendTLSPolicy is not accepted is `UnsupportedProtocol`.
pub(super) fn resolve_backend(
    world: &World<'_>,
    policies: &PolicyIndex,
    kind: Kind,
    route_ns: &str,
    b: &BackendSpec<'_>,
) -> (ResolvedBackend, Option<RefError>) {
    let ns = b.namespace.unwrap_or(route_ns);
    let mut out = ResolvedBackend::default();
    b.group.clone_into(&mut out.group);
    b.kind.clone_into(&mut out.kind);
    out.namespace = ns.to_owned();
    b.name.clone_into(&mut out.name);
    out.port = b.port;
    out.weight = u32::try_from(b.weight).unwrap_or(0);
    let err = check_backend(world, policies, kind, route_ns, b, &mut out).err();
    if let Some((reason, _)) = &err {
        out.invalid = Some(reason.as_str().to_owned());
    }
    (out, err)
}

fn check_backend(
    world: &World<'_>,
    policies: &PolicyIndex,
    kind: Kind,
    route_ns: &str,
    b: &BackendSpec<'_>,
    out: &mut ResolvedBackend,
) -> Result<(), RefError> {
    let ns = b.namespace.unwrap_or(route_ns);
    let name = b.name;
    if !world.grants.permits(
        (gateway_types::shared::GROUP, kind.as_str(), route_ns),
        (b.group, b.kind, ns, name),
    ) {
        return Err((
            Reason::RefNotPermitted,
            format!(
                "no ReferenceGrant in namespace {ns} allows {}s in {route_ns} to use {} {name}",
                kind.as_str(),
                b.kind
            ),
        ));
    }
    if !b.group.is_empty() || b.kind != "Service" {
        let gk = if b.group.is_empty() {
            b.kind.to_owned()
        } else {
            format!("{}.{}", b.kind, b.group)
        };
        return Err((
            Reason::InvalidKind,
            format!("backend kind {gk} is not supported; use a core Service"),
        ));
    }
    let Some(svc) = world.services.get(ns, name) else {
        return Err((
            Reason::BackendNotFound,
            format!("Service {ns}/{name} does not exist"),
        ));
    };
    if svc.type_or_default() == ServiceType::ExternalName {
        return Err((
            Reason::InvalidKind,
            format!("Service {ns}/{name} is of type ExternalName, which is not supported"),
        ));
    }
    let Some(port) = b.port else {
        return Err((
            Reason::BackendNotFound,
            format!("the reference to Service {ns}/{name} has no port"),
        ));
    };
    let want = if kind == Kind::Udp {
        Protocol::Udp
    } else {
        Protocol::Tcp
    };
    let mut numbered = svc.ports().iter().filter(|p| p.port == port).peekable();
    if numbered.peek().is_none() {
        return Err((
            Reason::BackendNotFound,
            format!("Service {ns}/{name} has no port {port}"),
        ));
    }
    let Some(sp) = numbered.find(|p| p.protocol_or_default() == want) else {
        return Err((
            Reason::UnsupportedProtocol,
            format!(
                "port {port} of Service {ns}/{name} does not carry {} for a {}",
                want.as_str(),
                kind.as_str()
            ),
        ));
    };
    out.app_protocol.clone_from(&sp.app_protocol);
    let tls = policies.backend_tls(ns, name, sp.name.as_deref());
    if let Some(Err(msg)) = &tls {
        return Err((Reason::UnsupportedProtocol, msg.clone()));
    }
    let has_tls = matches!(tls, Some(Ok(_)));
    if let Some(app) = sp.app_protocol.as_deref() {
        let fits = match app {
            "kubernetes.io/h2c" => matches!(kind, Kind::Http | Kind::Grpc | Kind::Tcp),
            "kubernetes.io/ws" => matches!(kind, Kind::Http | Kind::Tcp),
            "kubernetes.io/wss" => {
                kind == Kind::Tls || kind == Kind::Tcp || (kind == Kind::Http && has_tls)
            }
            _ => true,
        };
        if !fits {
            return Err((
                Reason::UnsupportedProtocol,
                format!(
                    "port {port} of Service {ns}/{name} speaks {app}, which a {} cannot use",
                    kind.as_str()
                ),
            ));
        }
    }
    if let Some(Ok(t)) = tls {
        out.tls = Some(t);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use gateway_types::reference_grant::{
        ReferenceGrantFrom, ReferenceGrantSpec, ReferenceGrantTo,
    };

    fn grant(ns: &str, from: (&str, &str, &str), to: ReferenceGrantTo) -> ReferenceGrant {
        ReferenceGrant::new(
            "g",
            ReferenceGrantSpec::new(
                vec![ReferenceGrantFrom::new(from.0, from.1, from.2)],
                vec![to],
            ),
        )
        .in_namespace(ns)
    }

    #[test]
    fn grant_in_target_namespace_permits_the_named_kind_only() {
        let mut idx = GrantIndex::default();
        idx.add(&grant(
            "backend",
            ("gateway.networking.k8s.io", "HTTPRoute", "web"),
            ReferenceGrantTo::new("", "Service"),
        ));
        let from = ("gateway.networking.k8s.io", "HTTPRoute", "web");
        assert!(idx.permits(from, ("", "Service", "backend", "any")));
        assert!(!idx.permits(from, ("", "Secret", "backend", "any")));
        assert!(!idx.permits(
            ("gateway.networking.k8s.io", "GRPCRoute", "web"),
            ("", "Service", "backend", "x")
        ));
        assert!(!idx.permits(
            ("gateway.networking.k8s.io", "HTTPRoute", "other"),
            ("", "Service", "backend", "x")
        ));
        assert!(!idx.permits(from, ("", "Service", "elsewhere", "x")));
    }

    #[test]
    fn grant_naming_an_object_covers_only_that_object() {
        let mut idx = GrantIndex::default();
        idx.add(&grant(
            "certs",
            ("gateway.networking.k8s.io", "Gateway", "infra"),
            ReferenceGrantTo::new("", "Secret").named("tls"),
        ));
        let from = ("gateway.networking.k8s.io", "Gateway", "infra");
        assert!(idx.permits(from, ("", "Secret", "certs", "tls")));
        assert!(!idx.permits(from, ("", "Secret", "certs", "other")));
    }

    #[test]
    fn same_namespace_needs_no_grant() {
        let idx = GrantIndex::default();
        assert!(idx.permits(("g", "HTTPRoute", "a"), ("", "Service", "a", "s")));
    }
}
