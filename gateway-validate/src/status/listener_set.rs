//! ListenerSet: attachment to a Gateway, merging, and status (spec 3.9, 11.6).
//!
//! A ListenerSet is ours when its parentRef names a Gateway we own. It
//! attaches when the Gateway's `allowedListeners` admits its namespace and the
//! Gateway is accepted; attached sets are merged oldest first (then by
//! `namespace/name`) after the Gateway's own listeners, and the merged list is
//! checked for conflicts and overlapping TLS as one.
//!
//! Decision of this implementation: a ListenerSet that is not attached (not
//! allowed, or its Gateway not accepted) reports no listener entries.

use gateway_types::gateway::FromNamespaces;
use gateway_types::listener_set::ListenerSetStatus;
use gateway_types::shared::GROUP;

use super::gateway::GatewayState;
use super::listeners::{self, Declarer, Owner};
use super::world::{NsMap, World, diagnostic};
use super::{cond, set_generation};
use crate::condition::{ConditionType, Reason};
use crate::finding::Finding;

/// A ListenerSet whose parent Gateway we own.
#[derive(Debug)]
pub(super) struct SetState {
    /// Index into `World::listener_sets`.
    pub(super) world: usize,
    /// Index of the parent Gateway's state.
    pub(super) gateway: usize,
    /// Why it is not attached, if it is not: (Accepted reason, Programmed reason, message).
    pub(super) detached: Option<(Reason, Reason, String)>,
    /// Its entries within the parent's merged listeners, when attached.
    pub(super) range: std::ops::Range<usize>,
}

/// Finds the ListenerSets of our Gateways, merges the attached ones into
/// their Gateways' listeners, and settles conflicts. Returns the states and
/// an index by `(namespace, name)`.
pub(super) fn merge(
    world: &World<'_>,
    gateways: &mut [GatewayState],
    by_name: &NsMap<usize>,
    findings: &mut Vec<Finding>,
) -> (Vec<SetState>, NsMap<usize>) {
    let mut sets = Vec::new();
    for (i, ls) in world.listener_sets.iter().enumerate() {
        let p = &ls.obj.spec.parent_ref;
        let ns = p.namespace_or(&ls.ns);
        if p.group_or_default() != GROUP || p.kind_or_default() != "Gateway" {
            continue;
        }
        let Some(&gi) = by_name.get(ns, &p.name) else {
            if !world.gateway_keys.contains(ns, &p.name) {
                findings.push(diagnostic(
                    "ListenerSet",
                    Some(&ls.ns),
                    &ls.name,
                    ls.source.as_ref(),
                    "spec.parentRef".to_owned(),
                    "status.listenerset.parent-not-found",
                    format!(
                        "Gateway {ns}/{} does not exist; the ListenerSet attaches to nothing",
                        p.name
                    ),
                ));
            }
            continue;
        };
        let gw = &gateways[gi];
        let spec = &world.gateways[gw.world].obj.spec;
        let allowed = match spec.allowed_listeners_from_or_default() {
            FromNamespaces::All => true,
            FromNamespaces::Same => ls.ns == gw.ns,
            FromNamespaces::Selector => spec
                .allowed_listeners
                .as_ref()
                .and_then(|a| a.namespaces.as_ref())
                .and_then(|n| n.selector.as_ref())
                .is_some_and(|s| world.namespace_matches(&ls.ns, s)),
            _ => false,
        };
        let detached = if !allowed {
            Some((
                Reason::NotAllowed,
                Reason::NotAllowed,
                format!(
                    "Gateway {}/{} does not allow ListenerSets from namespace {}",
                    gw.ns, gw.name, ls.ns
                ),
            ))
        } else if !gw.accepted() {
            Some((
                Reason::ParentNotAccepted,
                Reason::ParentNotProgrammed,
                format!("Gateway {}/{} is not accepted", gw.ns, gw.name),
            ))
        } else {
            None
        };
        sets.push(SetState {
            world: i,
            gateway: gi,
            detached,
            range: 0..0,
        });
    }
    // Merge order: per Gateway, oldest first, then namespace/name.
    let mut order: Vec<usize> = (0..sets.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (
            &world.listener_sets[sets[a].world],
            &world.listener_sets[sets[b].world],
        );
        x.order_key().cmp(&y.order_key())
    });
    for si in order {
        if sets[si].detached.is_some() {
            continue;
        }
        let ls = &world.listener_sets[sets[si].world];
        let gw = &mut gateways[sets[si].gateway];
        let frontend = world.gateways[gw.world]
            .obj
            .spec
            .tls
            .as_ref()
            .and_then(|t| t.frontend.as_ref());
        let by = Declarer {
            owner: Owner::ListenerSet(sets[si].world),
            kind: "ListenerSet",
            ns: &ls.ns,
        };
        let start = gw.listeners.len();
        for l in &ls.obj.spec.listeners {
            let st = listeners::evaluate(world, l, &by, frontend, &gw.ns);
            gw.listeners.push(st);
        }
        let range = start..gw.listeners.len();
        gw.sets.push((si, range.clone()));
        sets[si].range = range;
    }
    for gw in gateways.iter_mut() {
        if gw.sets.is_empty() {
            listeners::mark_overlapping_tls(&mut gw.listeners);
            continue;
        }
        for l in &mut gw.listeners {
            l.conflict = None;
        }
        let groups: Vec<_> = std::iter::once(0..gw.own)
            .chain(gw.sets.iter().map(|(_, r)| r.clone()))
            .collect();
        listeners::resolve_conflicts(&mut gw.listeners, &groups);
        listeners::mark_overlapping_tls(&mut gw.listeners);
        gw.attached_sets = gw
            .sets
            .iter()
            .filter(|(_, r)| gw.listeners[r.clone()].iter().any(|l| l.is_valid()))
            .count();
    }
    let mut index = NsMap::default();
    for (i, s) in sets.iter().enumerate() {
        let ls = &world.listener_sets[s.world];
        index.insert(&ls.ns, &ls.name, i);
    }
    (sets, index)
}

/// The computed status of a ListenerSet.
pub(super) fn status(world: &World<'_>, set: &SetState, gw: &GatewayState) -> ListenerSetStatus {
    let ls = &world.listener_sets[set.world];
    let mut st = ListenerSetStatus::default();
    let mut conditions = match &set.detached {
        Some((a, p, m)) => vec![
            cond(ConditionType::Accepted, false, *a, m.clone()),
            cond(ConditionType::Programmed, false, *p, m.clone()),
        ],
        None => {
            let entries = &gw.listeners[set.range.clone()];
            let valid = entries.iter().filter(|l| l.is_valid()).count();
            st.listeners = Some(entries.iter().map(|l| l.status(ls.generation)).collect());
            if valid == 0 {
                let m = "no listener entry is valid";
                vec![
                    cond(ConditionType::Accepted, false, Reason::ListenersNotValid, m),
                    cond(
                        ConditionType::Programmed,
                        false,
                        Reason::ListenersNotValid,
                        m,
                    ),
                ]
            } else {
                let accepted = if valid < entries.len() {
                    cond(
                        ConditionType::Accepted,
                        true,
                        Reason::ListenersNotValid,
                        "some listener entries are not valid",
                    )
                } else {
                    cond(
                        ConditionType::Accepted,
                        true,
                        Reason::Accepted,
                        "the ListenerSet is accepted",
                    )
                };
                let programmed = if gw.programmed() {
                    cond(
                        ConditionType::Programmed,
                        true,
                        Reason::Programmed,
                        "the ListenerSet is programmed",
                    )
                } else {
                    cond(
                        ConditionType::Programmed,
                        false,
                        Reason::ParentNotProgrammed,
                        "the parent Gateway is not programmed",
                    )
                };
                vec![accepted, programmed]
            }
        }
    };
    set_generation(&mut conditions, ls.generation);
    st.conditions = Some(conditions);
    st
}
