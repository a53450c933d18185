//! The `ListenerSet` kind: extra listeners that attach to an existing Gateway.
//!
//! A ListenerSet's entries have exactly the shape of a Gateway's listeners in
//! the CRDs, so [`ListenerEntry`] and [`ListenerEntryStatus`] are the Gateway
//! types under their upstream names.

use serde::{Deserialize, Serialize};

use crate::gateway::{Listener, ListenerStatus};
use crate::meta::Condition;
use crate::object::{Defaults, api_object};
use crate::shared::GROUP;

/// One listener of a ListenerSet; the same shape as a Gateway [`Listener`].
///
/// Its name must be unique within the ListenerSet only, not across the
/// Gateway and its other ListenerSets. Routes reach it through a parentRef of
/// kind `ListenerSet` whose `sectionName` is the entry's name.
pub type ListenerEntry = Listener;

/// The status of one ListenerSet entry; the same shape as a Gateway
/// [`ListenerStatus`].
pub type ListenerEntryStatus = ListenerStatus;

/// The specification of a [`ListenerSet`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListenerSetSpec {
    /// The Gateway the entries attach to. That Gateway must admit the
    /// ListenerSet's namespace through `spec.allowedListeners`.
    pub parent_ref: ParentGatewayReference,
    /// The listeners to add, 1..=64 with names unique within this ListenerSet.
    /// They are merged after the Gateway's own listeners, ListenerSets ordered
    /// oldest first, then by `namespace/name`; entries that conflict with
    /// earlier listeners are reported as conflicted.
    pub listeners: Vec<ListenerEntry>,
}

impl ListenerSetSpec {
    /// A spec attaching `listeners` to the Gateway `parent_ref` names.
    #[must_use]
    pub fn new(parent_ref: ParentGatewayReference, listeners: Vec<ListenerEntry>) -> Self {
        Self {
            parent_ref,
            listeners,
        }
    }

    /// The entry named `name`, if any.
    #[must_use]
    pub fn listener(&self, name: &str) -> Option<&ListenerEntry> {
        self.listeners.iter().find(|l| l.name == name)
    }

    /// Inserts the CRD defaults into absent fields, top-down: the parent
    /// reference's group and kind, and each entry's defaults.
    pub fn apply_defaults(&mut self) {
        self.parent_ref.apply_defaults();
        for listener in &mut self.listeners {
            listener.apply_defaults();
        }
    }
}

/// A reference to the Gateway a ListenerSet attaches to
/// (`ParentGatewayReference`). Unlike a route's parentRef it has no
/// `sectionName` or `port`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ParentGatewayReference {
    /// Group of the parent; `gateway.networking.k8s.io` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Kind of the parent; `Gateway` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name of the parent, 1..=253 characters.
    pub name: String,
    /// Namespace of the parent; the ListenerSet's own when absent (this
    /// default is applied by readers, not by the API server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

impl ParentGatewayReference {
    /// A reference to the Gateway `name` in the ListenerSet's own namespace.
    #[must_use]
    pub fn gateway(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// Sets the namespace.
    #[must_use]
    pub fn in_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// The group after defaulting.
    #[must_use]
    pub fn group_or_default(&self) -> &str {
        self.group.as_deref().unwrap_or(GROUP)
    }

    /// The kind after defaulting.
    #[must_use]
    pub fn kind_or_default(&self) -> &str {
        self.kind.as_deref().unwrap_or("Gateway")
    }

    /// The parent's namespace: the explicit one, or `own` (the
    /// ListenerSet's namespace) when absent.
    #[must_use]
    pub fn namespace_or<'a>(&'a self, own: &'a str) -> &'a str {
        self.namespace.as_deref().unwrap_or(own)
    }

    /// Fills in the API server's defaults (group and kind; not the namespace).
    pub fn apply_defaults(&mut self) {
        self.group.get_or_insert_with(|| GROUP.to_owned());
        self.kind.get_or_insert_with(|| "Gateway".to_owned());
    }
}

/// The observed state of a [`ListenerSet`], written by the controller of its
/// parent Gateway.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListenerSetStatus {
    /// ListenerSet conditions (`Accepted`, `Programmed`), at most 8, keyed by `type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    /// One entry per listener of this ListenerSet, at most 64, keyed by `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listeners: Option<Vec<ListenerEntryStatus>>,
}

impl ListenerSetStatus {
    /// The status the API server gives a ListenerSet no controller has written
    /// yet: `Accepted` and `Programmed`, both `Unknown/Pending` with the
    /// message "Waiting for controller" and an epoch transition time.
    #[must_use]
    pub fn pending() -> Self {
        Self {
            conditions: Some(vec![
                Condition::pending("Accepted"),
                Condition::pending("Programmed"),
            ]),
            listeners: None,
        }
    }

    /// The condition of the given type, if present.
    #[must_use]
    pub fn condition(&self, type_: &str) -> Option<&Condition> {
        self.conditions.iter().flatten().find(|c| c.type_ == type_)
    }

    /// The status of the entry named `name`, if present.
    #[must_use]
    pub fn listener(&self, name: &str) -> Option<&ListenerEntryStatus> {
        self.listeners.iter().flatten().find(|l| l.name == name)
    }
}

api_object! {
    /// Additional listeners for an existing Gateway, typically owned by a
    /// different team than the Gateway. The parent must allow the attachment
    /// through `spec.allowedListeners` (by default it allows none).
    ///
    /// # Example
    ///
    /// ```
    /// use gateway_types::gateway::{protocol_type, Listener};
    /// use gateway_types::listener_set::{ListenerSetSpec, ParentGatewayReference};
    /// use gateway_types::{Defaults, ListenerSet};
    ///
    /// let set = ListenerSet::new(
    ///     "team-a",
    ///     ListenerSetSpec::new(
    ///         ParentGatewayReference::gateway("edge").in_namespace("infra"),
    ///         vec![Listener::new("web", 8080, protocol_type::HTTP)],
    ///     ),
    /// )
    /// .with_defaults();
    /// assert_eq!(set.spec.parent_ref.kind.as_deref(), Some("Gateway"));
    /// ```
    ListenerSet {
        group: GROUP,
        kind: "ListenerSet",
        version: "v1",
        versions: ["v1"],
        plural: "listenersets",
        namespaced: true,
        spec: ListenerSetSpec,
        status: ListenerSetStatus,
    }
}

impl ListenerSet {
    /// The entry named `name`, if any.
    #[must_use]
    pub fn listener(&self, name: &str) -> Option<&ListenerEntry> {
        self.spec.listener(name)
    }
}

impl Defaults for ListenerSet {
    /// Inserts every spec default of the CRD into absent fields, top-down:
    /// the parent reference's group and kind, and for each entry the same
    /// defaults as a Gateway listener.
    ///
    /// Status is left alone, including its CRD default (`Accepted` and
    /// `Programmed` `Unknown/Pending`): it is written by controllers, so
    /// defaulting must not invent conditions nobody reported.
    /// [`ListenerSetStatus::pending`] builds that default when wanted.
    fn apply_defaults(&mut self) {
        self.spec.apply_defaults();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::{AllowedRoutes, FromNamespaces, ListenerTlsConfig, RouteNamespaces};
    use crate::shared::SecretObjectReference;

    #[test]
    fn listener_set_round_trips_every_field() {
        let json = serde_json::json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "ListenerSet",
            "metadata": {"name": "team-a", "namespace": "apps"},
            "spec": {
                "parentRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "edge", "namespace": "infra"},
                "listeners": [{
                    "name": "https",
                    "hostname": "a.example.com",
                    "port": 443,
                    "protocol": "HTTPS",
                    "tls": {
                        "mode": "Terminate",
                        "certificateRefs": [{"group": "", "kind": "Secret", "name": "a-cert", "namespace": "apps"}],
                        "options": {"example.com/min-version": "1.3"}
                    },
                    "allowedRoutes": {
                        "namespaces": {"from": "Selector", "selector": {"matchLabels": {"team": "a"}}},
                        "kinds": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}]
                    }
                }]
            },
            "status": {
                "conditions": [{
                    "type": "Accepted", "status": "True", "reason": "Accepted",
                    "message": "", "lastTransitionTime": "2024-01-01T00:00:00Z", "observedGeneration": 1
                }],
                "listeners": [{
                    "name": "https",
                    "supportedKinds": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}],
                    "attachedRoutes": 2,
                    "conditions": [{
                        "type": "Programmed", "status": "True", "reason": "Programmed",
                        "message": "", "lastTransitionTime": "2024-01-01T00:00:00Z"
                    }]
                }]
            }
        });
        let set: ListenerSet = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(set.listener("https").unwrap().port, 443);
        let status = set.status.as_ref().unwrap();
        assert_eq!(status.listener("https").unwrap().attached_routes, 2);
        assert!(status.condition("Accepted").unwrap().is_true());
        assert_eq!(serde_json::to_value(&set).unwrap(), json);
    }

    #[test]
    fn defaults_fill_parent_ref_and_entries_of_minimal_listener_set() {
        let tls = ListenerTlsConfig {
            certificate_refs: Some(vec![SecretObjectReference::secret("cert")]),
            ..ListenerTlsConfig::default()
        };
        let set = ListenerSet::new(
            "team-a",
            ListenerSetSpec::new(
                ParentGatewayReference::gateway("edge"),
                vec![Listener::new("https", 443, "HTTPS").with_tls(tls)],
            ),
        )
        .with_defaults();

        let mut expected_parent = ParentGatewayReference::gateway("edge");
        expected_parent.group = Some(GROUP.to_owned());
        expected_parent.kind = Some("Gateway".to_owned());
        assert_eq!(set.spec.parent_ref, expected_parent);
        // The API server does not default the namespace; readers use their own.
        assert_eq!(set.spec.parent_ref.namespace_or("apps"), "apps");

        let entry = set.listener("https").unwrap();
        let expected_routes = AllowedRoutes {
            namespaces: Some(RouteNamespaces {
                from: Some(FromNamespaces::Same),
                selector: None,
            }),
            kinds: None,
        };
        assert_eq!(entry.allowed_routes.as_ref(), Some(&expected_routes));
        let cert = &entry.tls.as_ref().unwrap().certificate_refs()[0];
        assert_eq!(
            (cert.group.as_deref(), cert.kind.as_deref()),
            (Some(""), Some("Secret"))
        );
        assert_eq!(set.status, None);
    }

    #[test]
    fn pending_listener_set_status_has_accepted_and_programmed() {
        let pending = ListenerSetStatus::pending();
        for type_ in ["Accepted", "Programmed"] {
            let c = pending.condition(type_).unwrap();
            assert_eq!((&*c.status, &*c.reason), ("Unknown", "Pending"));
        }
    }
}
