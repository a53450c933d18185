//! The `UDPRoute` kind: forwards UDP datagrams arriving on a `UDP` listener.
//!
//! A UDPRoute has no match conditions: every datagram the listener receives
//! goes to the backends of its rule. When several UDPRoutes attach to one
//! listener, all are accepted but only the oldest receives traffic.
//!
//! # Versions
//!
//! `v1` is the storage version. The deprecated `v1alpha2` is read into the
//! same types: it has the same fields but allows up to 16 rules (`v1`:
//! exactly one), of which only the first can ever receive traffic.

use serde::{Deserialize, Serialize};

use crate::object::{Defaults, api_object};
#[cfg(feature = "experimental")]
use crate::shared::GatewayDefaultScope;
use crate::shared::{BackendRef, GROUP, ParentReference, RouteStatus};

/// The desired state of a [`UdpRoute`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UdpRouteSpec {
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
    /// The rules; exactly one in `v1` (up to 16 in `v1alpha2`).
    pub rules: Vec<UdpRouteRule>,
}

impl UdpRouteSpec {
    /// A spec attached to `parent`, with one rule forwarding to `backends`.
    #[must_use]
    pub fn new(parent: ParentReference, backends: Vec<BackendRef>) -> Self {
        Self {
            parent_refs: Some(vec![parent]),
            rules: vec![UdpRouteRule::new(backends)],
            ..Self::default()
        }
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

/// One rule of a [`UdpRoute`]: where the datagrams go.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UdpRouteRule {
    /// An optional name, unique within the route when set (a section name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The backends, 1 to 16. Traffic is spread by weight; the share of an
    /// invalid backend is dropped rather than redistributed.
    pub backend_refs: Vec<BackendRef>,
}

impl UdpRouteRule {
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
    /// A route for UDP traffic (`UDPRoute`).
    ///
    /// ```
    /// use gateway_types::shared::{BackendRef, ParentReference};
    /// use gateway_types::udp_route::{UdpRoute, UdpRouteSpec};
    ///
    /// let mut backend = BackendRef::default();
    /// backend.name = "dns".to_owned();
    /// backend.port = Some(53);
    /// let route = UdpRoute::new(
    ///     "resolver",
    ///     UdpRouteSpec::new(ParentReference::gateway("edge"), vec![backend]),
    /// );
    /// assert_eq!(route.spec.rules[0].backend_refs[0].name, "dns");
    /// ```
    UdpRoute {
        group: GROUP,
        kind: "UDPRoute",
        version: "v1",
        versions: ["v1", "v1alpha2"],
        plural: "udproutes",
        namespaced: true,
        spec: UdpRouteSpec,
        status: RouteStatus,
    }
}

impl Defaults for UdpRoute {
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
        "kind": "UDPRoute",
        "metadata": {"name": "resolver", "namespace": "apps", "generation": 4},
        "spec": {
            "parentRefs": [{"name": "edge", "port": 53}],
            "rules": [{"backendRefs": [{"name": "dns", "port": 53}]}]
        },
        "status": {
            "parents": [{
                "parentRef": {"name": "edge", "port": 53},
                "controllerName": "example.com/gateway",
                "conditions": [{
                    "type": "ResolvedRefs", "status": "False", "reason": "BackendNotFound",
                    "message": "service apps/dns not found",
                    "lastTransitionTime": "2024-01-01T00:00:00Z"
                }]
            }]
        }
    }"#;

    #[test]
    fn json_round_trip_keeps_every_field() {
        let route: UdpRoute = serde_json::from_str(ROUTE).unwrap();
        assert_eq!(route.spec.parent_refs()[0].port, Some(53));
        assert_eq!(route.metadata.generation, Some(4));
        let original: serde_json::Value = serde_json::from_str(ROUTE).unwrap();
        assert_eq!(serde_json::to_value(&route).unwrap(), original);
    }

    #[test]
    fn defaults_fill_parent_and_backend_references() {
        let route: UdpRoute = serde_json::from_str::<UdpRoute>(ROUTE)
            .unwrap()
            .with_defaults();
        let parent = &route.spec.parent_refs()[0];
        assert_eq!(parent.group.as_deref(), Some(GROUP));
        assert_eq!(parent.kind.as_deref(), Some("Gateway"));
        let backend = &route.spec.rules[0].backend_refs[0];
        assert_eq!(backend.group.as_deref(), Some(""));
        assert_eq!(backend.kind.as_deref(), Some("Service"));
        assert_eq!(backend.weight, Some(1));
        let status = route.status.as_ref().unwrap();
        assert_eq!(status.parents[0].parent_ref.group.as_deref(), Some(GROUP));
    }

    #[test]
    fn defaults_keep_absent_parent_refs_absent() {
        let mut route = UdpRoute::new("r", UdpRouteSpec::default());
        route.apply_defaults();
        assert_eq!(route.spec.parent_refs, None);
    }

    #[test]
    fn v1alpha2_route_with_several_rules_loads() {
        let route: UdpRoute = serde_json::from_value(serde_json::json!({
            "apiVersion": "gateway.networking.k8s.io/v1alpha2",
            "kind": "UDPRoute",
            "metadata": {"name": "legacy"},
            "spec": {"rules": [
                {"name": "first", "backendRefs": [{"name": "a", "port": 1}]},
                {"name": "second", "backendRefs": [{"name": "b", "port": 2}]}
            ]}
        }))
        .unwrap();
        assert_eq!(route.spec.rules.len(), 2);
        assert_eq!(route.spec.rules[1].name.as_deref(), Some("second"));
    }
}
