//! The `GatewayClass` kind: a cluster-wide template for Gateways, naming the
//! controller that implements them.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::meta::Condition;
use crate::object::{Defaults, api_object};
use crate::shared::GROUP;

/// The specification of a [`GatewayClass`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GatewayClassSpec {
    /// The controller that manages Gateways of this class, written as a
    /// lowercase domain, a `/` and a path (for example
    /// `example.net/gateway-controller`). Length 1..=253. It cannot be changed
    /// once the class exists.
    pub controller_name: String,
    /// An optional reference to an object holding controller-specific
    /// configuration for the class. A missing or unusable referent makes the
    /// controller reject the class with `Accepted=False/InvalidParameters`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters_ref: Option<ParametersReference>,
    /// A short human-readable description of the class, at most 64 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl GatewayClassSpec {
    /// A spec naming the controller `controller_name`, with no parameters and
    /// no description.
    #[must_use]
    pub fn new(controller_name: impl Into<String>) -> Self {
        Self {
            controller_name: controller_name.into(),
            ..Self::default()
        }
    }
}

/// A reference to the object carrying a GatewayClass's parameters
/// (`ParametersReference` upstream). Group, kind and name are required; the
/// namespace must be set for a namespaced kind and absent for a cluster-scoped
/// one, which the controller checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ParametersReference {
    /// API group of the referent (`""` for the core group).
    pub group: String,
    /// Kind of the referent, for example `ConfigMap`.
    pub kind: String,
    /// Name of the referent, 1..=253 characters.
    pub name: String,
    /// Namespace of the referent; only meaningful for namespaced kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

impl ParametersReference {
    /// A reference to the object `group`/`kind` named `name`, without a namespace.
    #[must_use]
    pub fn new(group: impl Into<String>, kind: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            group: group.into(),
            kind: kind.into(),
            name: name.into(),
            namespace: None,
        }
    }
}

/// The observed state of a [`GatewayClass`], written by its controller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GatewayClassStatus {
    /// Conditions of the class (`Accepted`, and in the experimental channel
    /// `SupportedVersion`), at most 8, keyed by `type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    /// The Gateway API features the controller supports for this class,
    /// sorted by name, at most 64, keyed by `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported_features: Option<Vec<SupportedFeature>>,
}

impl GatewayClassStatus {
    /// The status the API server gives a GatewayClass no controller has
    /// written yet: a single `Accepted=Unknown/Pending` condition with the
    /// message "Waiting for controller" and an epoch transition time.
    #[must_use]
    pub fn pending() -> Self {
        Self {
            conditions: Some(vec![Condition::pending("Accepted")]),
            supported_features: None,
        }
    }

    /// The condition of the given type, if present.
    #[must_use]
    pub fn condition(&self, type_: &str) -> Option<&Condition> {
        self.conditions.iter().flatten().find(|c| c.type_ == type_)
    }
}

/// One feature a GatewayClass's controller supports, such as `HTTPRoute` or
/// `HTTPRouteQueryParamMatching`.
///
/// On the wire it is an object `{name: ...}`. Objects written by older
/// releases hold a plain string instead; both forms deserialise, and it
/// always serialises as an object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SupportedFeature {
    /// The feature's name.
    pub name: String,
}

impl SupportedFeature {
    /// The feature named `name`.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }
}

impl<'de> Deserialize<'de> for SupportedFeature {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FeatureVisitor;

        impl<'de> Visitor<'de> for FeatureVisitor {
            type Value = SupportedFeature;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a feature name or an object with a `name` field")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<SupportedFeature, E> {
                Ok(SupportedFeature::new(v))
            }

            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<SupportedFeature, A::Error> {
                let mut name = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "name" {
                        if name.is_some() {
                            return Err(de::Error::duplicate_field("name"));
                        }
                        name = Some(map.next_value::<String>()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                name.map(SupportedFeature::new)
                    .ok_or_else(|| de::Error::missing_field("name"))
            }
        }

        deserializer.deserialize_any(FeatureVisitor)
    }
}

api_object! {
    /// A class of Gateways: cluster-scoped, it names the controller that
    /// implements Gateways referring to it by `spec.gatewayClassName`, and
    /// optionally a parameters object configuring that controller.
    ///
    /// # Example
    ///
    /// ```
    /// use gateway_types::GatewayClass;
    /// use gateway_types::gateway_class::GatewayClassSpec;
    ///
    /// let class = GatewayClass::new("edge", GatewayClassSpec::new("example.net/gateway"));
    /// assert_eq!(class.spec.controller_name, "example.net/gateway");
    /// ```
    GatewayClass {
        group: GROUP,
        kind: "GatewayClass",
        version: "v1",
        versions: ["v1", "v1beta1"],
        plural: "gatewayclasses",
        namespaced: false,
        spec: GatewayClassSpec,
        status: GatewayClassStatus,
    }
}

impl Defaults for GatewayClass {
    /// Does nothing: no spec field of GatewayClass has a CRD default.
    ///
    /// The CRD's status default (`Accepted=Unknown/Pending`) is deliberately
    /// not applied. Status is the controller's to write, through the status
    /// subresource; inventing a Pending condition here would make a loaded
    /// object claim a state nobody reported. [`GatewayClassStatus::pending`]
    /// builds that default for a controller that wants it.
    fn apply_defaults(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_features_accept_plain_strings_and_objects() {
        let status: GatewayClassStatus = serde_json::from_value(serde_json::json!({
            "supportedFeatures": ["HTTPRoute", {"name": "Gateway"}, {"name": "TLSRoute", "extra": 1}]
        }))
        .unwrap();
        let names: Vec<_> = status
            .supported_features
            .iter()
            .flatten()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, ["HTTPRoute", "Gateway", "TLSRoute"]);
        let back = serde_json::to_value(&status).unwrap();
        assert_eq!(
            back["supportedFeatures"][0],
            serde_json::json!({"name": "HTTPRoute"})
        );
    }

    #[test]
    fn supported_feature_object_without_name_is_an_error() {
        let err = serde_json::from_value::<SupportedFeature>(serde_json::json!({"other": "x"}));
        assert!(err.is_err());
        assert!(serde_json::from_value::<SupportedFeature>(serde_json::json!(3)).is_err());
    }

    #[test]
    fn gateway_class_round_trips_every_field() {
        let json = serde_json::json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": "edge"},
            "spec": {
                "controllerName": "example.net/gateway",
                "description": "edge proxies",
                "parametersRef": {"group": "", "kind": "ConfigMap", "name": "params", "namespace": "infra"}
            },
            "status": {
                "conditions": [{
                    "type": "Accepted", "status": "True", "reason": "Accepted",
                    "message": "ok", "lastTransitionTime": "2024-01-01T00:00:00Z",
                    "observedGeneration": 2
                }],
                "supportedFeatures": [{"name": "Gateway"}, {"name": "HTTPRoute"}]
            }
        });
        let class: GatewayClass = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(
            class.spec.parameters_ref.as_ref().unwrap().kind,
            "ConfigMap"
        );
        assert_eq!(serde_json::to_value(&class).unwrap(), json);
    }

    #[test]
    fn apply_defaults_leaves_gateway_class_status_absent() {
        let class =
            GatewayClass::new("edge", GatewayClassSpec::new("example.net/gw")).with_defaults();
        assert_eq!(class.status, None);
        assert_eq!(class.spec, GatewayClassSpec::new("example.net/gw"));
    }

    #[test]
    fn pending_status_matches_the_crd_default() {
        let pending = serde_json::to_value(GatewayClassStatus::pending()).unwrap();
        assert_eq!(
            pending,
            serde_json::json!({"conditions": [{
                "type": "Accepted", "status": "Unknown", "reason": "Pending",
                "message": "Waiting for controller", "lastTransitionTime": "1970-01-01T00:00:00Z"
            }]})
        );
        assert!(
            GatewayClassStatus::pending()
                .condition("Accepted")
                .is_some()
        );
        assert!(
            GatewayClassStatus::pending()
                .condition("Programmed")
                .is_none()
        );
    }
}
