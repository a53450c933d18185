//! The `Gateway` kind.

use serde::{Deserialize, Serialize};

use crate::object::{api_object, Defaults};
use crate::shared::GROUP;

/// The specification of a [`Gateway`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GatewaySpec {}

api_object! {
    /// TODO
    Gateway {
        group: GROUP,
        kind: "Gateway",
        version: "v1",
        versions: ["v1", "v1beta1"],
        plural: "gateways",
        namespaced: true,
        spec: GatewaySpec,
    }
}

impl Defaults for Gateway {
    fn apply_defaults(&mut self) {}
}
