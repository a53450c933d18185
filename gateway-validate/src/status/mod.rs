//! The status pass: what a conformant controller writes into `.status`.
//!
//! The pass runs in stages, each over indexed data (hash maps keyed by
//! namespace and name), so its cost grows with the number of objects and
//! references, not with their product:
//!
//! 1. [`world`]: the admitted objects, defaulted, indexed; ReferenceGrants
//!    indexed by (referrer, target kind, target namespace).
//! 2. [`gateway_class`]: which classes we act for; their status.
//! 3. [`policy`]: BackendTLSPolicy validity and conflicts (before routes,
//!    since a policy decides whether a backend can be reached).
//! 4. [`gateway`] and [`listeners`]: each owned Gateway and its own
//!    listeners; then [`listener_set`] merges attached ListenerSets and
//!    settles conflicts and overlapping TLS over the merged list.
//! 5. [`attach`]: every route's parentRefs, backends and `status.parents`;
//!    attachments are recorded on listeners.
//! 6. Gateway and ListenerSet status (attached route counts are known now),
//!    the routing view ([`routing`]) and policy ancestors.
//!
//! Every condition carries `observedGeneration` from the object whose status
//! holds it.

mod attach;
mod gateway;
mod gateway_class;
mod hostname;
mod listener_set;
mod listeners;
mod pem;
mod policy;
mod refs;
mod routes;
mod routing;
mod world;

#[cfg(test)]
mod tests;

use std::borrow::Cow;

use gateway_types::meta::Condition;

pub use gateway_class::SUPPORTED_FEATURES;
pub(crate) use world::{NsMap, SeededMap};

use crate::Options;
use crate::condition::{ConditionType, Reason};
use crate::report::Report;
use crate::snapshot::Snapshot;

/// A condition with the spec's type and reason strings.
fn cond(
    type_: ConditionType,
    status: bool,
    reason: Reason,
    message: impl Into<Cow<'static, str>>,
) -> Condition {
    Condition::new(type_.as_str(), status, reason.as_str(), message)
}

/// Sets `observedGeneration` on every condition.
fn set_generation(conditions: &mut [Condition], generation: Option<i64>) {
    for c in conditions {
        c.observed_generation = generation;
    }
}

/// Computes every status and the routing view for the admitted objects of
/// `snapshot` (objects named in `report.rejected` are skipped), into `report`.
/// `defaulted` holds, per snapshot entry, the object as admission defaulted
/// it (`None`: default it here).
pub(crate) fn compute(
    snapshot: &Snapshot,
    defaulted: Vec<Option<gateway_types::Object>>,
    options: &Options,
    report: &mut Report,
) {
    let world = world::World::build(snapshot, defaulted, report);
    routes::later_rules_warnings(&world.routes, &mut report.findings);
    let classes = gateway_class::evaluate(&world, options, &mut report.gateway_classes);
    let policies = policy::PolicyIndex::build(&world);

    let mut gateways = Vec::new();
    for i in 0..world.gateways.len() {
        match gateway::evaluate(&world, &classes, i) {
            Some(g) => gateways.push(g),
            None => {
                let g = &world.gateways[i];
                let class = &g.obj.spec.gateway_class_name;
                if options.controller().is_none() && !world.classes.contains_key(class) {
                    report.findings.push(world::diagnostic(
                        "Gateway",
                        Some(&g.ns),
                        &g.name,
                        g.source.as_ref(),
                        "spec.gatewayClassName".to_owned(),
                        "status.gateway.class-not-found",
                        format!("GatewayClass {class:?} does not exist; no controller will program this Gateway"),
                    ));
                }
            }
        }
    }
    let mut gw_index = world::NsMap::default();
    for (i, g) in gateways.iter().enumerate() {
        gw_index.insert(&g.ns, &g.name, i);
    }
    let (sets, set_index) =
        listener_set::merge(&world, &mut gateways, &gw_index, &mut report.findings);

    let defaults = gateway::mark_defaults(&world, &mut gateways, options.release_channel());
    let attached = attach::run(
        &world,
        &policies,
        &mut gateways,
        &sets,
        attach::Indices {
            gateways: &gw_index,
            sets: &set_index,
            defaults: &defaults,
        },
        &mut report.findings,
        &mut report.routes,
    );

    for g in &gateways {
        report
            .gateways
            .insert((g.ns.clone(), g.name.clone()), g.status());
    }
    for s in &sets {
        let ls = &world.listener_sets[s.world];
        report.listener_sets.insert(
            (ls.ns.clone(), ls.name.clone()),
            listener_set::status(&world, s, &gateways[s.gateway]),
        );
    }
    let overflow = policy::write_status(
        &world,
        &policies,
        &attached.users,
        &mut report.policies,
        &mut report.findings,
    );
    if !overflow.is_empty() {
        attach::mark_policy_overflow(&world, &gateways, &attached, &overflow, &mut report.routes);
    }
    report.routing = routing::build_all(&world, &mut gateways, attached.resolved, &overflow);
}
