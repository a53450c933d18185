//! Status expectations: the `expect:` block of a test file or of a step.

use serde::Deserialize;
use serde::de::{self, Deserializer};

use super::value::{Conditions, NamespacedName, OrderedMap, ParentRef, RouteKind};

/// The status a validation pass must report: the `expect:` block, at the top
/// of a file or in a step.
///
/// Every list is empty when the file leaves it out: nothing to check.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatusExpect {
    /// Gateways, by `namespace/name`.
    #[serde(default)]
    pub gateways: Vec<GatewayExpect>,
    /// GatewayClasses, by name.
    #[serde(default)]
    pub gateway_classes: Vec<GatewayClassExpect>,
    /// ListenerSets, shaped like Gateways.
    #[serde(default)]
    pub listener_sets: Vec<GatewayExpect>,
    /// Policies (BackendTLSPolicy, ...) and their ancestor status.
    #[serde(default)]
    pub policies: Vec<PolicyExpect>,
    /// Routes and their parent status.
    #[serde(default)]
    pub routes: Vec<RouteExpect>,
}

impl StatusExpect {
    /// Whether there is nothing to check.
    pub fn is_empty(&self) -> bool {
        self.gateways.is_empty()
            && self.gateway_classes.is_empty()
            && self.listener_sets.is_empty()
            && self.policies.is_empty()
            && self.routes.is_empty()
    }
}

/// The expected status of a Gateway (or of a ListenerSet, which has the same
/// shape).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, remote = "Self")]
pub struct GatewayExpect {
    /// The object, `namespace/name`.
    pub name: NamespacedName,
    /// Conditions of the object itself.
    #[serde(default)]
    pub conditions: Conditions,
    /// Whether status must list exactly the listeners named in `listeners`
    /// (no others). Only given together with `listeners`.
    #[serde(default)]
    pub exact_listeners: bool,
    /// `status.attachedListenerSets`, when checked (a count status omits is 0).
    #[serde(default)]
    pub attached_listener_sets: Option<u32>,
    /// Listener status, by listener name, in file order.
    #[serde(default)]
    pub listeners: OrderedMap<String, ListenerExpect>,
}

impl<'de> Deserialize<'de> for GatewayExpect {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let gateway = Self::deserialize(deserializer)?;
        if gateway.exact_listeners && gateway.listeners.is_empty() {
            return Err(de::Error::custom("exactListeners needs listeners"));
        }
        Ok(gateway)
    }
}

/// The expected status of one listener.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListenerExpect {
    /// `attachedRoutes`, when checked (a count status omits is 0).
    #[serde(default)]
    pub attached_routes: Option<u32>,
    /// Kinds `supportedKinds` must hold (it may hold others). `None` when not
    /// checked; `Some` of an empty list when status must list none.
    #[serde(default)]
    pub supported_kinds: Option<Vec<RouteKind>>,
    /// Conditions of the listener.
    #[serde(default)]
    pub conditions: Conditions,
}

/// The expected status of a GatewayClass.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewayClassExpect {
    /// The class name (cluster-scoped).
    pub name: String,
    /// Conditions of the class.
    #[serde(default)]
    pub conditions: Conditions,
}

/// The expected ancestor status of a policy.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyExpect {
    /// The policy kind, e.g. `BackendTLSPolicy`.
    pub kind: String,
    /// The policy, `namespace/name`.
    pub name: NamespacedName,
    /// Ancestors that must appear in `status.ancestors`.
    #[serde(default)]
    pub ancestors: Vec<AncestorExpect>,
}

/// One expected entry of a policy's `status.ancestors`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AncestorExpect {
    /// The ancestor, in the parent ref form.
    pub ancestor_ref: ParentRef,
    /// Conditions of that ancestor entry.
    #[serde(default)]
    pub conditions: Conditions,
}

/// The expected parent status of a route.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RouteExpect {
    /// The route kind.
    pub kind: RouteKind,
    /// The route, `namespace/name`.
    pub name: NamespacedName,
    /// Entries that must appear in `status.parents` ("at least these").
    #[serde(default)]
    pub parents: Vec<ParentExpect>,
    /// Parents that must not appear in `status.parents`.
    #[serde(default)]
    pub absent_parents: Vec<ParentRef>,
}

/// One expected entry of a route's `status.parents`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParentExpect {
    /// The parent; it matches on kind, namespace and name, and on the section
    /// name when one is written.
    pub parent_ref: ParentRef,
    /// Conditions of that parent entry.
    #[serde(default)]
    pub conditions: Conditions,
}
