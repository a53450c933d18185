//! The `TCPRoute` kind.

use serde::{Deserialize, Serialize};

use crate::object::{api_object, Defaults};
use crate::shared::GROUP;

/// The specification of a [`TcpRoute`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TcpRouteSpec {}

api_object! {
    /// TODO
    TcpRoute {
        group: GROUP,
        kind: "TCPRoute",
        version: "v1",
        versions: ["v1", "v1alpha2"],
        plural: "tcproutes",
        namespaced: true,
        spec: TcpRouteSpec,
    }
}

impl Defaults for TcpRoute {
    fn apply_defaults(&mut self) {}
}
