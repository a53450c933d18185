//! The `ReferenceGrant` kind: consent, given in a namespace, for objects in
//! other namespaces to refer to objects in it.
//!
//! A reference that crosses namespaces (a route's backendRef to a Service
//! elsewhere, a listener's certificateRef to a Secret elsewhere) is valid only
//! if a ReferenceGrant in the *target* namespace lists the referring kind and
//! namespace in `from` and the target kind (and optionally name) in `to`.
//!
//! ReferenceGrant has no status. `v1beta1` is the version the API server
//! stores; `v1` carries exactly the same fields.

use serde::{Deserialize, Serialize};

use crate::object::{Defaults, api_object};
use crate::shared::GROUP;

/// The desired state of a [`ReferenceGrant`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReferenceGrantSpec {
    /// Who may refer (1 to 16 entries): a kind in a namespace.
    pub from: Vec<ReferenceGrantFrom>,
    /// What they may refer to in this grant's namespace (1 to 16 entries).
    pub to: Vec<ReferenceGrantTo>,
}

impl ReferenceGrantSpec {
    /// A spec with the given `from` and `to` lists.
    #[must_use]
    pub fn new(from: Vec<ReferenceGrantFrom>, to: Vec<ReferenceGrantTo>) -> Self {
        Self { from, to }
    }
}

/// A referrer allowed by a [`ReferenceGrant`]: every object of `group`/`kind`
/// in `namespace`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReferenceGrantFrom {
    /// Group of the referrer (`""` for the core group).
    pub group: String,
    /// Kind of the referrer, for example `HTTPRoute` or `Gateway`.
    pub kind: String,
    /// Namespace of the referrer.
    pub namespace: String,
}

impl ReferenceGrantFrom {
    /// A referrer entry.
    #[must_use]
    pub fn new(group: &str, kind: &str, namespace: &str) -> Self {
        Self {
            group: group.to_owned(),
            kind: kind.to_owned(),
            namespace: namespace.to_owned(),
        }
    }
}

/// A target allowed by a [`ReferenceGrant`]: objects of `group`/`kind` in the
/// grant's own namespace, all of them or only the one called `name`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReferenceGrantTo {
    /// Group of the target (`""` for the core group).
    pub group: String,
    /// Kind of the target, for example `Service` or `Secret`.
    pub kind: String,
    /// Name of the target; every object of the kind when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl ReferenceGrantTo {
    /// A target entry covering every object of the kind.
    #[must_use]
    pub fn new(group: &str, kind: &str) -> Self {
        Self {
            group: group.to_owned(),
            kind: kind.to_owned(),
            name: None,
        }
    }

    /// Restricts the entry to the object called `name`.
    #[must_use]
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }
}

api_object! {
    /// Permission for cross-namespace references into this namespace (`ReferenceGrant`).
    ///
    /// ```
    /// use gateway_types::reference_grant::{
    ///     ReferenceGrant, ReferenceGrantFrom, ReferenceGrantSpec, ReferenceGrantTo,
    /// };
    ///
    /// let grant = ReferenceGrant::new(
    ///     "routes-from-web",
    ///     ReferenceGrantSpec::new(
    ///         vec![ReferenceGrantFrom::new("gateway.networking.k8s.io", "HTTPRoute", "web")],
    ///         vec![ReferenceGrantTo::new("", "Service")],
    ///     ),
    /// )
    /// .in_namespace("backends");
    /// assert_eq!(grant.spec.to[0].name, None);
    /// ```
    ReferenceGrant {
        group: GROUP,
        kind: "ReferenceGrant",
        version: "v1",
        versions: ["v1", "v1beta1"],
        plural: "referencegrants",
        namespaced: true,
        spec: ReferenceGrantSpec,
    }
}

/// ReferenceGrant declares no defaults.
impl Defaults for ReferenceGrant {
    fn apply_defaults(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRANT: &str = r#"{
        "apiVersion": "gateway.networking.k8s.io/v1beta1",
        "kind": "ReferenceGrant",
        "metadata": {"name": "allow", "namespace": "backends"},
        "spec": {
            "from": [
                {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "web"},
                {"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": "infra"}
            ],
            "to": [
                {"group": "", "kind": "Service"},
                {"group": "", "kind": "Secret", "name": "wildcard-cert"}
            ]
        }
    }"#;

    #[test]
    fn json_round_trip_keeps_every_field() {
        let grant: ReferenceGrant = serde_json::from_str(GRANT).unwrap();
        assert_eq!(grant.spec.from[1].namespace, "infra");
        assert_eq!(grant.spec.to[1].name.as_deref(), Some("wildcard-cert"));
        let original: serde_json::Value = serde_json::from_str(GRANT).unwrap();
        assert_eq!(serde_json::to_value(&grant).unwrap(), original);
    }

    #[test]
    fn core_group_is_an_explicit_empty_string() {
        let grant: ReferenceGrant = serde_json::from_str(GRANT).unwrap();
        assert_eq!(grant.spec.to[0].group, "");
        assert_eq!(
            serde_json::to_value(&grant.spec.to[0]).unwrap(),
            serde_json::json!({"group": "", "kind": "Service"})
        );
    }

    #[test]
    fn grant_has_no_status_field() {
        let mut value: serde_json::Value = serde_json::from_str(GRANT).unwrap();
        value["status"] = serde_json::json!({"anything": true});
        let grant: ReferenceGrant = serde_json::from_value(value).unwrap();
        assert!(
            serde_json::to_value(&grant)
                .unwrap()
                .get("status")
                .is_none()
        );
    }

    #[test]
    fn defaults_change_nothing() {
        let grant: ReferenceGrant = serde_json::from_str(GRANT).unwrap();
        assert_eq!(grant.clone().with_defaults(), grant);
    }
}
