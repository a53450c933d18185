//! The core Kubernetes objects Gateway API processing reads: Namespace,
//! Service, Secret and ConfigMap, typed to the fields it needs.
// TODO(helper): fill in.

use serde::{Deserialize, Serialize};

use crate::meta::ObjectMeta;
use crate::object::{ApiObject, Defaults};

macro_rules! core_stub {
    ($name:ident, $kind:literal, $plural:literal, $ns:literal) => {
        #[doc = concat!("A core `", $kind, "`.")]
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct $name {
            /// `v1`.
            #[serde(default)]
            pub api_version: String,
            /// The kind.
            #[serde(default)]
            pub kind: String,
            /// Metadata.
            #[serde(default)]
            pub metadata: ObjectMeta,
        }
        impl ApiObject for $name {
            const GROUP: &'static str = "";
            const KIND: &'static str = $kind;
            const VERSION: &'static str = "v1";
            const PLURAL: &'static str = $plural;
            const NAMESPACED: bool = $ns;
            const VERSIONS: &'static [&'static str] = &["v1"];
            fn metadata(&self) -> &ObjectMeta {
                &self.metadata
            }
            fn metadata_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
            fn api_version(&self) -> &str {
                &self.api_version
            }
        }
        impl Defaults for $name {
            fn apply_defaults(&mut self) {}
        }
    };
}
core_stub!(Namespace, "Namespace", "namespaces", false);
core_stub!(Service, "Service", "services", true);
core_stub!(Secret, "Secret", "secrets", true);
core_stub!(ConfigMap, "ConfigMap", "configmaps", true);
