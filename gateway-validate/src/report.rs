//! The result of a pass: findings, computed status and the routing view.

use std::collections::BTreeMap;
use std::fmt;

use gateway_types::gateway::GatewayStatus;
use gateway_types::gateway_class::GatewayClassStatus;
use gateway_types::listener_set::ListenerSetStatus;
use gateway_types::routing::GatewayRouting;
use gateway_types::shared::{PolicyStatus, RouteStatus};

use crate::finding::{Finding, ObjectRef};
use crate::status::{NsMap, SeededMap};

/// Key of a namespaced object in the report: `(kind, namespace, name)`.
pub(crate) type Key = (String, String, String);

/// Route statuses by kind, namespace and name. They are only looked up,
/// never walked in order, so they are hashed rather than sorted, and looked
/// up with borrowed strings; `Debug` lists them sorted, so that it prints the
/// same every time.
#[derive(Clone, Default)]
pub(crate) struct RouteStatuses(SeededMap<&'static str, NsMap<RouteStatus>>);

impl RouteStatuses {
    /// Puts the status of route `kind ns/name`, replacing any before it.
    pub(crate) fn insert(&mut self, kind: &'static str, ns: &str, name: &str, status: RouteStatus) {
        self.0.entry(kind).or_default().insert(ns, name, status);
    }

    /// The status of route `kind ns/name`.
    pub(crate) fn get(&self, kind: &str, ns: &str, name: &str) -> Option<&RouteStatus> {
        self.0.get(kind)?.get(ns, name)
    }

    /// The status of route `kind ns/name`, to change it.
    pub(crate) fn get_mut(&mut self, kind: &str, ns: &str, name: &str) -> Option<&mut RouteStatus> {
        self.0.get_mut(kind)?.get_mut(ns, name)
    }
}

impl fmt::Debug for RouteStatuses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut entries: Vec<_> = self
            .0
            .iter()
            .flat_map(|(kind, statuses)| {
                statuses
                    .iter()
                    .map(move |(ns, name, s)| ((*kind, ns, name), s))
            })
            .collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        f.debug_map().entries(entries).finish()
    }
}

/// Everything a pass computed. Built by [`validate`](crate::validate).
#[derive(Debug, Clone, Default)]
#[must_use]
#[non_exhaustive]
pub struct Report {
    pub(crate) findings: Vec<Finding>,
    pub(crate) rejected: Vec<ObjectRef>,
    pub(crate) gateway_classes: BTreeMap<String, GatewayClassStatus>,
    pub(crate) gateways: BTreeMap<(String, String), GatewayStatus>,
    pub(crate) listener_sets: BTreeMap<(String, String), ListenerSetStatus>,
    pub(crate) routes: RouteStatuses,
    pub(crate) policies: BTreeMap<Key, PolicyStatus>,
    pub(crate) routing: Vec<GatewayRouting>,
}

impl Report {
    /// Every finding: admission errors first (objects the API server would
    /// reject), then warnings, in input order.
    #[must_use]
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Objects that failed admission and so took no part in the status pass.
    #[must_use]
    pub fn rejected(&self) -> &[ObjectRef] {
        &self.rejected
    }

    /// The computed status of a GatewayClass we act for.
    #[must_use]
    pub fn gateway_class_status(&self, name: &str) -> Option<&GatewayClassStatus> {
        self.gateway_classes.get(name)
    }

    /// The computed status of a Gateway we own.
    #[must_use]
    pub fn gateway_status(&self, namespace: &str, name: &str) -> Option<&GatewayStatus> {
        self.gateways.get(&(namespace.to_owned(), name.to_owned()))
    }

    /// The computed status of a ListenerSet attached (or trying to attach) to a Gateway we own.
    #[must_use]
    pub fn listener_set_status(&self, namespace: &str, name: &str) -> Option<&ListenerSetStatus> {
        self.listener_sets
            .get(&(namespace.to_owned(), name.to_owned()))
    }

    /// The computed status of a route (`kind` is `HTTPRoute`, `GRPCRoute`,
    /// `TLSRoute`, `TCPRoute` or `UDPRoute`): one parent entry per parentRef
    /// that names a parent we own.
    #[must_use]
    pub fn route_status(&self, kind: &str, namespace: &str, name: &str) -> Option<&RouteStatus> {
        self.routes.get(kind, namespace, name)
    }

    /// The computed status of a policy (`BackendTLSPolicy`).
    #[must_use]
    pub fn policy_status(&self, kind: &str, namespace: &str, name: &str) -> Option<&PolicyStatus> {
        self.policies
            .get(&(kind.to_owned(), namespace.to_owned(), name.to_owned()))
    }

    /// The routing view of a Gateway we own, ready for a router to compile.
    #[must_use]
    pub fn routing(&self, namespace: &str, name: &str) -> Option<&GatewayRouting> {
        self.routing
            .iter()
            .find(|g| g.namespace == namespace && g.name == name)
    }

    /// The routing views of every Gateway we own.
    #[must_use]
    pub fn routings(&self) -> &[GatewayRouting] {
        &self.routing
    }
}
