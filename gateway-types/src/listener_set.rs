//! The `ListenerSet` kind.

use serde::{Deserialize, Serialize};

use crate::object::{api_object, Defaults};
use crate::shared::GROUP;

/// The specification of a [`ListenerSet`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListenerSetSpec {}

api_object! {
    /// TODO
    ListenerSet {
        group: GROUP,
        kind: "ListenerSet",
        version: "v1",
        versions: ["v1"],
        plural: "listenersets",
        namespaced: true,
        spec: ListenerSetSpec,
    }
}

impl Defaults for ListenerSet {
    fn apply_defaults(&mut self) {}
}
