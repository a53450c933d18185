//! The `TLSRoute` kind: routes TLS connections by the SNI of the ClientHello.
//!
//! A TLSRoute attaches to `TLS` listeners only. With a `Passthrough` listener
//! the encrypted stream is forwarded untouched; with `Terminate` the Gateway
//! ends TLS and forwards the plaintext stream.
//!
//! # Versions
//!
//! `v1` is the storage version. The deprecated `v1alpha2` and `v1alpha3` are
//! read into the same types: they carry the same fields, but `v1alpha2` allows
//! up to 16 rules (`v1`: exactly one) and does not require `hostnames`, which
//! is why [`TlsRouteSpec::hostnames`] is an `Option`.

use serde::{Deserialize, Serialize};

use crate::object::{Defaults, api_object};
#[cfg(feature = "experimental")]
use crate::shared::GatewayDefaultScope;
use crate::shared::{BackendRef, GROUP, Hostname, ParentReference, RouteStatus};

/// The desired state of a [`TlsRoute`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TlsRouteSpec {
    /// The Gateways (or other parents) this route wants to attach to, at most 32.
    /// Each parent must in turn allow the attachment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_refs: Option<Vec<ParentReference>>,
    /// Asks to be attached to the default Gateways of this scope (GEP-3793);
    /// unset or `None` means no default Gateway.
    #[cfg(feature = "experimental")]
    #[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_default_gateways: Option<GatewayDefaultScope>,
    /// SNI host names this route serves, each optionally with a leading `*.`
    /// label; IP addresses are not allowed.
    ///
    /// Required in `v1` and `v1alpha3` (1 to 1024 entries), optional in
    /// `v1alpha2`. Hostnames that intersect no listener hostname are ignored;
    /// if none intersects, the route is not accepted by that listener.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostnames: Option<Vec<Hostname>>,
    /// The rules; exactly one in `v1` (up to 16 in `v1alpha2`, where only the
    /// first can ever receive connections).
    pub rules: Vec<TlsRouteRule>,
}

impl TlsRouteSpec {
    /// A spec attached to `parent` for `hostnames`, with one rule forwarding to `backends`.
    #[must_use]
    pub fn new(
        parent: ParentReference,
        hostnames: impl IntoIterator<Item = impl Into<Hostname>>,
        backends: Vec<BackendRef>,
    ) -> Self {
        Self {
            parent_refs: Some(vec![parent]),
            hostnames: Some(hostnames.into_iter().map(Into::into).collect()),
            rules: vec![TlsRouteRule::new(backends)],
            ..Self::default()
        }
    }

    /// The hostnames, or an empty slice when the field is absent.
    #[must_use]
    pub fn hostnames(&self) -> &[Hostname] {
        self.hostnames.as_deref().unwrap_or_default()
    }

    /// The parent references, or an empty slice when the field is absent.
    #[must_use]
    pub fn parent_refs(&self) -> &[ParentReference] {
        self.parent_refs.as_deref().unwrap_or_default()
    }

    /// Fills in the API server's defaults in parent and backend references.
    pub fn apply_defaults(&mut self) {
        for parent in self.parent_refs.iter_mut().flatten() {
            parent.apply_defaults();
        }
        for rule in &mut self.rules {
            rule.apply_defaults();
        }
    }
}

/// One rule of a [`TlsRoute`]: where matching connections go.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TlsRouteRule {
    /// An optional name, unique within the route when set (a section name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The backends, 1 to 16. Connections are spread by weight; the share of
    /// an invalid backend is rejected rather than redistributed.
    pub backend_refs: Vec<BackendRef>,
}

impl TlsRouteRule {
    /// An unnamed rule forwarding to `backends`.
    #[must_use]
    pub fn new(backends: Vec<BackendRef>) -> Self {
        Self {
            name: None,
            backend_refs: backends,
        }
    }

    /// Fills in the API server's defaults in the backend references.
    pub fn apply_defaults(&mut self) {
        for backend in &mut self.backend_refs {
            backend.apply_defaults();
        }
    }
}

api_object! {
    /// A route for TLS connections, selected by SNI hostname (`TLSRoute`).
    ///
    /// ```
    /// use gateway_types::shared::{BackendRef, ParentReference};
    /// use gateway_types::tls_route::{TlsRoute, TlsRouteSpec};
    ///
    /// let mut backend = BackendRef::default();
    /// backend.name = "db".to_owned();
    /// backend.port = Some(5432);
    /// let route = TlsRoute::new(
    ///     "db",
    ///     TlsRouteSpec::new(ParentReference::gateway("edge"), ["db.example.com"], vec![backend]),
    /// )
    /// .in_namespace("apps");
    /// assert_eq!(route.spec.hostnames(), ["db.example.com"]);
    /// ```
    TlsRoute {
        group: GROUP,
        kind: "TLSRoute",
        version: "v1",
        versions: ["v1", "v1alpha2", "v1alpha3"],
        plural: "tlsroutes",
        namespaced: true,
        spec: TlsRouteSpec,
        status: RouteStatus,
    }
}

impl Defaults for TlsRoute {
    fn apply_defaults(&mut self) {
        self.spec.apply_defaults();
        if let Some(status) = &mut self.status {
            for parent in &mut status.parents {
                parent.parent_ref.apply_defaults();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTE: &str = r#"{
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "TLSRoute",
        "metadata": {"name": "db", "namespace": "apps"},
        "spec": {
            "parentRefs": [{"name": "edge", "sectionName": "tls"}],
            "hostnames": ["db.example.com", "*.db.example.com"],
            "rules": [{
                "name": "main",
                "backendRefs": [
                    {"name": "db-a", "port": 5432, "weight": 3},
                    {"name": "db-b", "port": 5432, "namespace": "other"}
                ]
            }]
        },
        "status": {
            "parents": [{
                "parentRef": {"name": "edge", "sectionName": "tls"},
                "controllerName": "example.com/gateway",
                "conditions": [{
                    "type": "Accepted", "status": "True", "reason": "Accepted",
                    "message": "", "lastTransitionTime": "2024-01-01T00:00:00Z",
                    "observedGeneration": 2
                }]
            }]
        }
    }"#;

    #[test]
    fn json_round_trip_keeps_every_field() {
        let route: TlsRoute = serde_json::from_str(ROUTE).unwrap();
        assert_eq!(route.spec.hostnames().len(), 2);
        assert_eq!(route.spec.rules[0].name.as_deref(), Some("main"));
        assert_eq!(route.spec.rules[0].backend_refs[0].weight, Some(3));
        let back = serde_json::to_value(&route).unwrap();
        let original: serde_json::Value = serde_json::from_str(ROUTE).unwrap();
        assert_eq!(back, original);
    }

    #[test]
    fn defaults_fill_parent_and_backend_references_only_when_absent() {
        let mut route: TlsRoute = serde_json::from_str(ROUTE).unwrap();
        route.apply_defaults();
        let parent = &route.spec.parent_refs()[0];
        assert_eq!(parent.group.as_deref(), Some(GROUP));
        assert_eq!(parent.kind.as_deref(), Some("Gateway"));
        assert_eq!(parent.namespace, None, "namespace is never defaulted");
        let [a, b] = &route.spec.rules[0].backend_refs[..] else {
            panic!("two backends expected");
        };
        assert_eq!(a.weight, Some(3), "explicit weight kept");
        assert_eq!(b.weight, Some(1));
        assert_eq!(b.group.as_deref(), Some(""));
        assert_eq!(b.kind.as_deref(), Some("Service"));
        let status = route.status.as_ref().unwrap();
        assert_eq!(
            status.parents[0].parent_ref.kind.as_deref(),
            Some("Gateway")
        );
    }

    #[test]
    fn v1alpha2_route_without_hostnames_and_with_several_rules_loads() {
        let route: TlsRoute = serde_json::from_value(serde_json::json!({
            "apiVersion": "gateway.networking.k8s.io/v1alpha2",
            "kind": "TLSRoute",
            "metadata": {"name": "legacy"},
            "spec": {"rules": [
                {"backendRefs": [{"name": "a", "port": 443}]},
                {"backendRefs": [{"name": "b", "port": 443}]}
            ]}
        }))
        .unwrap();
        assert_eq!(route.spec.hostnames, None);
        assert!(route.spec.hostnames().is_empty());
        assert_eq!(route.spec.rules.len(), 2);
    }

    #[test]
    fn empty_hostnames_stay_distinct_from_absent() {
        let spec: TlsRouteSpec = serde_json::from_value(serde_json::json!({
            "hostnames": [], "rules": []
        }))
        .unwrap();
        assert_eq!(spec.hostnames, Some(Vec::new()));
        assert_eq!(
            serde_json::to_value(&spec).unwrap()["hostnames"],
            serde_json::json!([])
        );
    }

    #[cfg(feature = "experimental")]
    #[test]
    fn use_default_gateways_keeps_unknown_values() {
        let spec: TlsRouteSpec = serde_json::from_value(serde_json::json!({
            "useDefaultGateways": "Some", "rules": []
        }))
        .unwrap();
        assert_eq!(
            spec.use_default_gateways,
            Some(GatewayDefaultScope::Unknown("Some".to_owned()))
        );
        assert_eq!(
            serde_json::to_value(&spec).unwrap()["useDefaultGateways"],
            "Some"
        );
    }
}
