//! The `ReferenceGrant` kind.

use serde::{Deserialize, Serialize};

use crate::object::{api_object, Defaults};
use crate::shared::GROUP;

/// The specification of a [`ReferenceGrant`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReferenceGrantSpec {}

api_object! {
    /// TODO
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

impl Defaults for ReferenceGrant {
    fn apply_defaults(&mut self) {}
}
