//! The `BackendTLSPolicy` kind.

use serde::{Deserialize, Serialize};

use crate::object::{api_object, Defaults};
use crate::shared::GROUP;

/// The specification of a [`BackendTlsPolicy`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BackendTlsPolicySpec {}

api_object! {
    /// TODO
    BackendTlsPolicy {
        group: GROUP,
        kind: "BackendTLSPolicy",
        version: "v1",
        versions: ["v1", "v1alpha3"],
        plural: "backendtlspolicies",
        namespaced: true,
        spec: BackendTlsPolicySpec,
    }
}

impl Defaults for BackendTlsPolicy {
    fn apply_defaults(&mut self) {}
}
