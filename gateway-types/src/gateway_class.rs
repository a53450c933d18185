//! The `GatewayClass` kind.

use serde::{Deserialize, Serialize};

use crate::object::{api_object, Defaults};
use crate::shared::GROUP;

/// The specification of a [`GatewayClass`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GatewayClassSpec {}

api_object! {
    /// TODO
    GatewayClass {
        group: GROUP,
        kind: "GatewayClass",
        version: "v1",
        versions: ["v1", "v1beta1"],
        plural: "gatewayclasses",
        namespaced: false,
        spec: GatewayClassSpec,
    }
}

impl Defaults for GatewayClass {
    fn apply_defaults(&mut self) {}
}
