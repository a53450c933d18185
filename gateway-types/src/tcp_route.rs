//! The `TCPRoute` kind: forwards TCP connections arriving on a `TCP` listener.
//!
//! A TCPRoute has no match conditions: every connection the listener accepts
//! goes to the backends of its rule. When several TCPRoutes attach to one
//! listener, all are accepted but only the oldest receives traffic.
//!
//! # Versions
//!
//! `v1` is the storage version. The deprecated `v1alpha2` is read into the
//! same types: it has the same fields but allows up to 16 rules (`v1`:
//! exactly one), of which only the first can ever receive connections.

use serde::{Deserialize, Serialize};

use crate::object::{Defaults, api_object};
#[cfg(feature = "experimental")]
use crate::shared::GatewayDefaultScope;
use crate::shared::{BackendRef, GROUP, ParentReference, RouteStatus};

/// The desired state of a [`TcpRoute`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TcpRouteSpec {
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
    pub rules: Vec<TcpRouteRule>,
}

impl TcpRouteSpec {
    /// A spec attached to `parent`, with one rule forwarding to `backends`.
    #[must_use]
    pub fn new(parent: ParentReference, backends: Vec<BackendRef>) -> Self {
        Self {
            parent_refs: Some(vec![parent]),
            rules: vec![TcpRouteRule::new(backends)],
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

/// One rule of a [`TcpRoute`]: where the connections go.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TcpRouteRule {
    /// An optional name, unique within the route when set (a section name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The backends, 1 to 16. Connections are spread by weight; the share of
    /// an invalid backend is rejected rather than redistributed.
    pub backend_refs: Vec<BackendRef>,
}

impl TcpRouteRule {
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
    /// A route for plain TCP connections (`TCPRoute`).
    ///
    /// ```
    /// use gateway_types::shared::{BackendRef, ParentReference};
    /// use gateway_types::tcp_route::{TcpRoute, TcpRouteSpec};
    ///
    /// let mut backend = BackendRef::default();
    /// backend.name = "redis".to_owned();
    /// backend.port = Some(6379);
    /// let route = TcpRoute::new(
    ///     "cache",
    ///     TcpRouteSpec::new(ParentReference::gateway("edge"), vec![backend]),
    /// );
    /// assert_eq!(route.spec.rules[0].backend_refs[0].name, "redis");
    /// ```
    TcpRoute {
        group: GROUP,
        kind: "TCPRoute",
        version: "v1",
        versions: ["v1", "v1alpha2"],
        plural: "tcproutes",
        namespaced: true,
        spec: TcpRouteSpec,
        status: RouteStatus,
    }
}

impl Defaults for TcpRoute {
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
        "kind": "TCPRoute",
        "metadata": {"name": "cache", "namespace": "apps", "generation": 4},
        "spec": {
            "parentRefs": [{"name": "edge", "port": 6379}],
            "rules": [{"backendRefs": [{"name": "redis", "port": 6379}]}]
        },
        "status": {
            "parents": [{
                "parentRef": {"name": "edge", "port": 6379},
                "controllerName": "example.com/gateway",
                "conditions": [{
                    "type": "ResolvedRefs", "status": "False", "reason": "BackendNotFound",
                    "message": "service apps/redis not found",
                    "lastTransitionTime": "2024-01-01T00:00:00Z"
                }]
            }]
        }
    }"#;

    #[test]
    fn json_round_trip_keeps_every_field() {
        let route: TcpRoute = serde_json::from_str(ROUTE).unwrap();
        assert_eq!(route.spec.parent_refs()[0].port, Some(6379));
        assert_eq!(route.metadata.generation, Some(4));
        let original: serde_json::Value = serde_json::from_str(ROUTE).unwrap();
        assert_eq!(serde_json::to_value(&route).unwrap(), original);
    }

    #[test]
    fn defaults_fill_parent_and_backend_references() {
        let route: TcpRoute = serde_json::from_str::<TcpRoute>(ROUTE)
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
        let mut route = TcpRoute::new("r", TcpRouteSpec::default());
        route.apply_defaults();
        assert_eq!(route.spec.parent_refs, None);
    }

    #[test]
    fn v1alpha2_route_with_several_rules_loads() {
        let route: TcpRoute = serde_json::from_value(serde_json::json!({
            "apiVersion": "gateway.networking.k8s.io/v1alpha2",
            "kind": "TCPRoute",
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
