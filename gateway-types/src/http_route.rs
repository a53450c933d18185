//! The `HTTPRoute` kind.

use serde::{Deserialize, Serialize};

use crate::object::{api_object, Defaults};
use crate::shared::GROUP;

/// The specification of a [`HttpRoute`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpRouteSpec {}

api_object! {
    /// TODO
    HttpRoute {
        group: GROUP,
        kind: "HTTPRoute",
        version: "v1",
        versions: ["v1", "v1beta1"],
        plural: "httproutes",
        namespaced: true,
        spec: HttpRouteSpec,
    }
}

impl Defaults for HttpRoute {
    fn apply_defaults(&mut self) {}
}
