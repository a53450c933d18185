//! The `UDPRoute` kind.

use serde::{Deserialize, Serialize};

use crate::object::{api_object, Defaults};
use crate::shared::GROUP;

/// The specification of a [`UdpRoute`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UdpRouteSpec {}

api_object! {
    /// TODO
    UdpRoute {
        group: GROUP,
        kind: "UDPRoute",
        version: "v1",
        versions: ["v1", "v1alpha2"],
        plural: "udproutes",
        namespaced: true,
        spec: UdpRouteSpec,
    }
}

impl Defaults for UdpRoute {
    fn apply_defaults(&mut self) {}
}
