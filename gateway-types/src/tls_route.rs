//! The `TLSRoute` kind.

use serde::{Deserialize, Serialize};

use crate::object::{api_object, Defaults};
use crate::shared::GROUP;

/// The specification of a [`TlsRoute`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TlsRouteSpec {}

api_object! {
    /// TODO
    TlsRoute {
        group: GROUP,
        kind: "TLSRoute",
        version: "v1",
        versions: ["v1", "v1alpha2", "v1alpha3"],
        plural: "tlsroutes",
        namespaced: true,
        spec: TlsRouteSpec,
    }
}

impl Defaults for TlsRoute {
    fn apply_defaults(&mut self) {}
}
