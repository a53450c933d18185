//! The `GRPCRoute` kind.

use serde::{Deserialize, Serialize};

use crate::object::{api_object, Defaults};
use crate::shared::GROUP;

/// The specification of a [`GrpcRoute`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GrpcRouteSpec {}

api_object! {
    /// TODO
    GrpcRoute {
        group: GROUP,
        kind: "GRPCRoute",
        version: "v1",
        versions: ["v1"],
        plural: "grpcroutes",
        namespaced: true,
        spec: GrpcRouteSpec,
    }
}

impl Defaults for GrpcRoute {
    fn apply_defaults(&mut self) {}
}
