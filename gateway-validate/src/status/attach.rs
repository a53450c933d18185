//! Route attachment (spec 4, 8.4, 10, 11.5): parentRef resolution,
//! allowedRoutes, hostname intersection, rule validity, HTTPRoute/GRPCRoute
//! conflicts, `ResolvedRefs`, and `status.parents`.
//!
//! Each parentRef that names a Gateway or ListenerSet we own is evaluated on
//! its own, through the checks of spec 4.1.6 in order (first failure
//! decides): a listener left after `sectionName`/`port` narrowing
//! (`NoMatchingParent`), one that allows the route's kind and namespace
//! (`NotAllowedByListeners`), one whose hostname intersects the route's
//! (`NoMatchingListenerHostname`), a valid rule (the first invalid rule's
//! reason), and for HTTPRoute/GRPCRoute a listener not lost to an older route
//! of the other type with intersecting hostnames (`NotAllowedByListeners`,
//! naming the winner: this project's choice, upstream names no reason).
//!
//! A ListenerSet that is not attached to its Gateway offers no listener: a
//! parentRef to it is `NoMatchingParent`.

use std::collections::{BTreeMap, HashMap};

use gateway_types::routing::{ResolvedBackend, RuleRouting};
use gateway_types::shared::{GROUP, ParentReference, RouteParentStatus, RouteStatus};

use super::gateway::GatewayState;
use super::hostname::{HostSet, effective};
use super::listener_set::SetState;
use super::policy::{Overflow, PolicyIndex, overflow_message};
use super::refs::{RefError, resolve_backend};
use super::routes::{ExtraRef, Kind, Route};
use super::world::{NsMap, NsName, World, diagnostic};
use super::{cond, set_generation};
use crate::condition::{ConditionType, Reason};
use crate::finding::Finding;
use crate::report::RouteStatuses;

/// One listener a parentRef reaches, with the route's effective hostnames there.
#[derive(Debug)]
struct Reach {
    listener: usize,
    hostnames: Option<Vec<String>>,
    /// The older route of the other type that won this listener (8.4).
    lost_to: Option<usize>,
}

/// Which parent a status entry is for.
#[derive(Debug, Clone, Copy)]
enum Parent {
    /// The route's `spec.parentRefs[i]`.
    Spec(usize),
    /// The `i`th default Gateway (spec 4.4), reached through
    /// `useDefaultGateways`.
    Default(usize),
}

/// The evaluation of one parentRef that names a parent we own.
#[derive(Debug)]
struct ParentEval {
    route: usize,
    parent: Parent,
    gateway: usize,
    verdict: Result<Vec<Reach>, RefError>,
}

/// The lookups route attachment needs: Gateways and ListenerSets we own by
/// namespace and name, and the default Gateways (indices into the Gateway
/// states, in namespace/name order; empty outside the experimental channel).
#[derive(Debug, Clone, Copy)]
pub(super) struct Indices<'a> {
    pub(super) gateways: &'a NsMap<usize>,
    pub(super) sets: &'a NsMap<usize>,
    pub(super) defaults: &'a [usize],
}

/// The parentRef a default attachment reports (spec 4.4): the Gateway's
/// group, kind, namespace and name, no sectionName or port.
fn default_parent_ref(gw: &GatewayState) -> ParentReference {
    let mut r = ParentReference::gateway(gw.name.clone());
    r.group = Some(GROUP.to_owned());
    r.kind = Some("Gateway".to_owned());
    r.namespace = Some(gw.ns.clone());
    r
}

/// Whether `pr` (in a route of namespace `route_ns`) names the whole of `gw`,
/// so that it gets the same status entry as a default attachment would.
fn names_whole_gateway(pr: &ParentReference, route_ns: &str, gw: &GatewayState) -> bool {
    pr.group_or_default() == GROUP
        && pr.kind_or_default() == "Gateway"
        && pr.namespace.as_deref().unwrap_or(route_ns) == gw.ns
        && pr.name == gw.name
        && pr.section_name.is_none()
        && pr.port.is_none()
}

/// Per route: its rules as resolved for the routing view (`None` for routes
/// with no parent we own).
pub(super) type ResolvedRules = Vec<Option<Vec<RuleRouting>>>;

/// Which Gateways (with their controller names) send traffic to each Service
/// that a BackendTLSPolicy targets.
pub(super) type ServiceUsers = NsMap<BTreeMap<NsName, String>>;

/// For each route that sends traffic to a backend under a BackendTLSPolicy:
/// the route, and the Gateway behind each of its `status.parents` entries,
/// in order.
pub(super) type ParentGateways = Vec<(usize, Vec<usize>)>;

/// Every backend a resolved rule sends traffic to: its backendRefs, then
/// rule-level and backendRef-level mirror targets.
fn targets(rule: &RuleRouting) -> impl Iterator<Item = &ResolvedBackend> {
    rule.backends
        .iter()
        .chain(rule.mirrors.iter().map(|(_, b)| b))
        .chain(rule.backend_mirrors.iter().map(|(_, _, b)| b))
}

/// What [`run`] returns besides the statuses it writes.
pub(super) struct Attached {
    /// The resolved rules per route.
    pub(super) resolved: ResolvedRules,
    /// The Services each Gateway uses that a BackendTLSPolicy targets.
    pub(super) users: ServiceUsers,
    /// The Gateway behind each route parent status.
    pub(super) parents: ParentGateways,
}

/// Evaluates every route against our Gateways and ListenerSets: writes
/// `status.parents` into `out`, records attachments on the listeners, and
/// returns the resolved rules per route and the Services each Gateway uses.
///
/// A route with `useDefaultGateways: All` is also evaluated against every
/// default Gateway, as if it had a parentRef naming the Gateway without
/// sectionName or port; its status entries follow those of its own
/// parentRefs, in namespace/name order of the Gateways. A default Gateway
/// that one of the route's parentRefs already names whole (no sectionName,
/// no port) gets no second entry: the two would carry the same parentRef.
pub(super) fn run(
    world: &World<'_>,
    policies: &PolicyIndex,
    gateways: &mut [GatewayState],
    sets: &[SetState],
    idx: Indices<'_>,
    findings: &mut Vec<Finding>,
    out: &mut RouteStatuses,
) -> Attached {
    let (gw_index, set_index) = (idx.gateways, idx.sets);
    let default_refs: Vec<ParentReference> = idx
        .defaults
        .iter()
        .map(|&gi| default_parent_ref(&gateways[gi]))
        .collect();
    let mut evals = Vec::new();
    for (ri, r) in world.routes.iter().enumerate() {
        for (pi, pr) in r.parent_refs().iter().enumerate() {
            let ns = pr.namespace.as_deref().unwrap_or(r.ns);
            let (group, kind) = (pr.group_or_default(), pr.kind_or_default());
            if group != GROUP {
                continue;
            }
            let (gateway, candidates): (usize, Result<std::ops::Range<usize>, RefError>) =
                match kind {
                    "Gateway" => {
                        let Some(&gi) = gw_index.get(ns, &pr.name) else {
                            if !world.gateway_keys.contains(ns, &pr.name) {
                                findings.push(diagnostic(
                                r.kind.as_str(),
                                Some(r.ns),
                                r.name,
                                r.source,
                                format!("spec.parentRefs[{pi}]"),
                                "status.route.parent-not-found",
                                format!("Gateway {ns}/{} does not exist; this parentRef attaches to nothing", pr.name),
                            ));
                            }
                            continue;
                        };
                        (gi, Ok(0..gateways[gi].own))
                    }
                    "ListenerSet" => {
                        let Some(&si) = set_index.get(ns, &pr.name) else {
                            continue;
                        };
                        let s = &sets[si];
                        let c = match &s.detached {
                            Some(_) => Err((
                                Reason::NoMatchingParent,
                                format!(
                                    "ListenerSet {ns}/{} is not attached to its Gateway",
                                    pr.name
                                ),
                            )),
                            None => Ok(s.range.clone()),
                        };
                        (s.gateway, c)
                    }
                    _ => continue,
                };
            let verdict = candidates.and_then(|c| evaluate(world, r, &gateways[gateway], c, pr));
            evals.push(ParentEval {
                route: ri,
                parent: Parent::Spec(pi),
                gateway,
                verdict,
            });
        }
        if !default_refs.is_empty() && r.uses_default_gateways() {
            for (k, &gi) in idx.defaults.iter().enumerate() {
                let gw = &gateways[gi];
                if r.parent_refs()
                    .iter()
                    .any(|pr| names_whole_gateway(pr, r.ns, gw))
                {
                    continue;
                }
                let verdict = evaluate(world, r, gw, 0..gw.own, &default_refs[k]);
                evals.push(ParentEval {
                    route: ri,
                    parent: Parent::Default(k),
                    gateway: gi,
                    verdict,
                });
            }
        }
    }
    settle_route_type_conflicts(world, gateways, &mut evals);

    let mut resolved: ResolvedRules = (0..world.routes.len()).map(|_| None).collect();
    let mut users = ServiceUsers::default();
    let mut parents = ParentGateways::new();
    let mut i = 0;
    while i < evals.len() {
        let ri = evals[i].route;
        let mut j = i;
        while j < evals.len() && evals[j].route == ri {
            j += 1;
        }
        let r = &world.routes[ri];
        let (rules, refs) = resolve_rules(world, policies, r);
        let mut status = RouteStatus::default();
        status.parents.reserve_exact(j - i);
        // Gateways this route sends traffic through, tracked only when some
        // BackendTLSPolicy exists (their only use is policy ancestors).
        let mut used_by = (!policies.is_empty()).then(BTreeMap::new);
        for e in &mut evals[i..j] {
            let gw = &mut gateways[e.gateway];
            let verdict = std::mem::replace(&mut e.verdict, Ok(Vec::new()));
            let accepted = match verdict {
                Err(err) => Err(err),
                Ok(reach) => {
                    let winner = reach.iter().find_map(|x| x.lost_to);
                    let mut any = false;
                    for x in reach.into_iter().filter(|x| x.lost_to.is_none()) {
                        any = true;
                        let l = &mut gw.listeners[x.listener];
                        if l.attached.last().map(|a| a.0) != Some(ri) {
                            l.attached.push((ri, x.hostnames));
                        }
                    }
                    if any {
                        if let Some(used) = &mut used_by {
                            used.insert((gw.ns.clone(), gw.name.clone()), gw.controller.clone());
                        }
                        Ok(())
                    } else {
                        let w = winner.map(|w| &world.routes[w]);
                        Err((
                            Reason::NotAllowedByListeners,
                            match w {
                                Some(w) => format!(
                                    "{} {}/{} is older and serves an intersecting hostname on every listener this parentRef reaches",
                                    w.kind.as_str(),
                                    w.ns,
                                    w.name
                                ),
                                None => "no listener accepts the route".to_owned(),
                            },
                        ))
                    }
                }
            };
            let parent_ref = match e.parent {
                Parent::Spec(pi) => r.parent_refs().get(pi).cloned().unwrap_or_default(),
                Parent::Default(k) => default_refs.get(k).cloned().unwrap_or_default(),
            };
            status.parents.push(parent_status(
                r,
                parent_ref,
                &gw.controller,
                accepted,
                &refs,
            ));
        }
        if rules.iter().flat_map(targets).any(|b| b.tls.is_some()) {
            parents.push((ri, evals[i..j].iter().map(|e| e.gateway).collect()));
        }
        if let Some(used) = used_by.filter(|u| !u.is_empty()) {
            for rule in &rules {
                for b in targets(rule) {
                    note_use(
                        &mut users,
                        policies,
                        &b.group,
                        &b.kind,
                        &b.namespace,
                        &b.name,
                        &used,
                    );
                }
            }
            for rule in &r.rules {
                for x in &rule.extra {
                    if let ExtraRef::Backend(b) = x {
                        let ns = b.namespace.unwrap_or(r.ns);
                        note_use(&mut users, policies, b.group, b.kind, ns, b.name, &used);
                    }
                }
            }
        }
        resolved[ri] = Some(rules);
        out.insert(r.kind.as_str(), r.ns, r.name, status);
        i = j;
    }
    Attached {
        resolved,
        users,
        parents,
    }
}

/// Spec 12.3: a route parent on a Gateway where a BackendTLSPolicy
/// overflowed its ancestors gets `ResolvedRefs=False/UnsupportedProtocol`
/// when the route sends traffic (or mirrors it) to a backend that policy
/// governs (unless
/// the condition is already `False` for another reference).
pub(super) fn mark_policy_overflow(
    world: &World<'_>,
    gateways: &[GatewayState],
    attached: &Attached,
    overflow: &Overflow,
    out: &mut RouteStatuses,
) {
    for (ri, via) in &attached.parents {
        let Some(Some(rules)) = attached.resolved.get(*ri) else {
            continue;
        };
        let r = &world.routes[*ri];
        let Some(status) = out.get_mut(r.kind.as_str(), r.ns, r.name) else {
            continue;
        };
        for (parent, &gi) in status.parents.iter_mut().zip(via) {
            let gw = &gateways[gi];
            let governed = rules
                .iter()
                .flat_map(targets)
                .filter_map(|b| b.tls.as_ref())
                .find(|t| overflow.contains(&gw.ns, &gw.name, t));
            let Some(tls) = governed else {
                continue;
            };
            let resolved = parent
                .conditions
                .iter_mut()
                .find(|c| c.type_ == ConditionType::ResolvedRefs.as_str());
            if let Some(c) = resolved
                && c.status == "True"
            {
                let mut new = cond(
                    ConditionType::ResolvedRefs,
                    false,
                    Reason::UnsupportedProtocol,
                    overflow_message(&gw.ns, &gw.name, tls),
                );
                new.observed_generation = c.observed_generation;
                *c = new;
            }
        }
    }
}

fn note_use(
    users: &mut ServiceUsers,
    policies: &PolicyIndex,
    group: &str,
    kind: &str,
    ns: &str,
    name: &str,
    used_by: &BTreeMap<NsName, String>,
) {
    if group.is_empty() && kind == "Service" && policies.targets(ns, name) {
        let entry = users.entry(ns, name);
        entry.extend(used_by.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
}

/// Checks 1 to 4 of spec 4.1.6 for one parentRef.
fn evaluate(
    world: &World<'_>,
    r: &Route<'_>,
    gw: &GatewayState,
    candidates: std::ops::Range<usize>,
    pr: &ParentReference,
) -> Result<Vec<Reach>, RefError> {
    let (mut narrowed, mut allowed) = (false, false);
    let mut reach = Vec::with_capacity(candidates.len());
    for i in candidates {
        let Some(l) = gw.listeners.get(i) else {
            continue;
        };
        if !(pr.section_name.as_ref().is_none_or(|s| *s == l.name)
            && pr.port.is_none_or(|p| p == l.port))
        {
            continue;
        }
        narrowed = true;
        if !l.allows(world, r.kind, r.ns) {
            continue;
        }
        allowed = true;
        let hostnames = if r.kind.has_hostnames() {
            match effective(l.hostname.as_deref(), &r.hostnames) {
                Some(h) => h,
                None => continue,
            }
        } else {
            None
        };
        reach.push(Reach {
            listener: i,
            hostnames,
            lost_to: None,
        });
    }
    if !narrowed {
        let what = match (&pr.section_name, pr.port) {
            (Some(s), Some(p)) => format!("no listener named {s:?} on port {p}"),
            (Some(s), None) => format!("no listener named {s:?}"),
            (None, Some(p)) => format!("no listener on port {p}"),
            (None, None) => "no listener".to_owned(),
        };
        return Err((Reason::NoMatchingParent, format!("the parent has {what}")));
    }
    if !allowed {
        return Err((
            Reason::NotAllowedByListeners,
            format!(
                "no listener allows {}s from namespace {}",
                r.kind.as_str(),
                r.ns
            ),
        ));
    }
    if reach.is_empty() {
        return Err((
            Reason::NoMatchingListenerHostname,
            "no listener hostname intersects the route's hostnames".to_owned(),
        ));
    }
    if !r.rules.is_empty()
        && let Some(first) = r.rules.iter().find_map(|x| x.invalid.as_ref())
        && r.rules.iter().all(|x| x.invalid.is_some())
    {
        return Err((first.0, format!("no rule is valid: {}", first.1)));
    }
    Ok(reach)
}

/// Spec 8.4: on a listener, an HTTPRoute and a GRPCRoute whose effective
/// hostnames intersect cannot both attach; the older (then the smaller
/// `namespace/name`) wins. Routes are taken oldest first and each is checked
/// against the winners of the other type so far, through a hostname index.
fn settle_route_type_conflicts(
    world: &World<'_>,
    gateways: &[GatewayState],
    evals: &mut [ParentEval],
) {
    // First pass: which listeners have candidates of both types (bit 1:
    // HTTPRoute, bit 2: GRPCRoute), without hashing.
    let mut kinds: Vec<Vec<u8>> = gateways
        .iter()
        .map(|g| vec![0; g.listeners.len()])
        .collect();
    for e in evals.iter() {
        let bit = match world.routes[e.route].kind {
            Kind::Http => 1,
            Kind::Grpc => 2,
            _ => continue,
        };
        let Ok(reach) = &e.verdict else { continue };
        for x in reach {
            if let Some(k) = kinds.get_mut(e.gateway).and_then(|g| g.get_mut(x.listener)) {
                *k |= bit;
            }
        }
    }
    let mut per_listener: HashMap<(usize, usize), Vec<(usize, usize)>> = HashMap::new();
    for (ei, e) in evals.iter().enumerate() {
        let Ok(reach) = &e.verdict else { continue };
        if !matches!(world.routes[e.route].kind, Kind::Http | Kind::Grpc) {
            continue;
        }
        for (xi, x) in reach.iter().enumerate() {
            if kinds.get(e.gateway).and_then(|g| g.get(x.listener)) == Some(&3) {
                per_listener
                    .entry((e.gateway, x.listener))
                    .or_default()
                    .push((ei, xi));
            }
        }
    }
    for mut cands in per_listener.into_values() {
        cands.sort_by(|a, b| {
            let (ra, rb) = (
                &world.routes[evals[a.0].route],
                &world.routes[evals[b.0].route],
            );
            ra.order_key().cmp(&rb.order_key())
        });
        let mut http = HostSet::default();
        let mut grpc = HostSet::default();
        let mut decided: HashMap<usize, Option<usize>> = HashMap::new();
        for (ei, xi) in cands {
            let ri = evals[ei].route;
            let Ok(reach) = &mut evals[ei].verdict else {
                continue;
            };
            let x = &mut reach[xi];
            let verdict = *decided.entry(ri).or_insert_with(|| {
                let (mine, theirs) = if world.routes[ri].kind == Kind::Http {
                    (&mut http, &grpc)
                } else {
                    (&mut grpc, &http)
                };
                let lost = theirs.intersecting(x.hostnames.as_deref());
                if lost.is_none() {
                    mine.insert(ri, x.hostnames.as_deref());
                }
                lost
            });
            x.lost_to = verdict;
        }
    }
}

/// Resolves every reference of a route: the rules for the routing view and
/// the route's `ResolvedRefs` verdict (the first failure in rule order).
fn resolve_rules(
    world: &World<'_>,
    policies: &PolicyIndex,
    r: &Route<'_>,
) -> (Vec<RuleRouting>, Option<RefError>) {
    let mut first: Option<RefError> = None;
    let mut note = |e: Option<RefError>| {
        if first.is_none() {
            first = e;
        }
    };
    let mut rules = Vec::with_capacity(r.rules.len());
    for rule in &r.rules {
        let mut out = RuleRouting::default();
        out.valid = rule.invalid.is_none();
        out.backends.reserve_exact(rule.backends.len());
        for b in &rule.backends {
            let (rb, e) = resolve_backend(world, policies, r.kind, r.ns, b);
            note(e);
            out.backends.push(rb);
        }
        for (fi, b) in &rule.mirrors {
            let (rb, e) = resolve_backend(world, policies, r.kind, r.ns, b);
            note(e);
            out.mirrors.push((*fi, rb));
        }
        for (bi, fi, b) in &rule.backend_mirrors {
            let (rb, e) = resolve_backend(world, policies, r.kind, r.ns, b);
            note(e);
            out.backend_mirrors.push((*bi, *fi, rb));
        }
        for x in &rule.extra {
            match x {
                ExtraRef::Backend(b) => note(resolve_backend(world, policies, r.kind, r.ns, b).1),
                ExtraRef::Extension(e) => note(Some((
                    Reason::InvalidKind,
                    format!(
                        "ExtensionRef {}/{} {:?} is not supported",
                        e.group, e.kind, e.name
                    ),
                ))),
            }
        }
        rules.push(out);
    }
    (rules, first)
}

fn parent_status(
    r: &Route<'_>,
    parent_ref: ParentReference,
    controller: &str,
    accepted: Result<(), RefError>,
    refs: &Option<RefError>,
) -> RouteParentStatus {
    let is_accepted = accepted.is_ok();
    let mut conditions = vec![
        match accepted {
            Ok(()) => cond(
                ConditionType::Accepted,
                true,
                Reason::Accepted,
                "the route is accepted",
            ),
            Err((reason, m)) => cond(ConditionType::Accepted, false, reason, m),
        },
        match refs {
            None => cond(
                ConditionType::ResolvedRefs,
                true,
                Reason::ResolvedRefs,
                "all references resolved",
            ),
            Some((reason, m)) => cond(ConditionType::ResolvedRefs, false, *reason, m.clone()),
        },
    ];
    let invalid: Vec<(usize, &(Reason, String))> = r
        .rules
        .iter()
        .enumerate()
        .filter_map(|(i, x)| x.invalid.as_ref().map(|v| (i, v)))
        .collect();
    if is_accepted && let Some(&(i, (reason, m))) = invalid.first() {
        let list: Vec<String> = invalid.iter().map(|(i, _)| i.to_string()).collect();
        conditions.push(cond(
            ConditionType::PartiallyInvalid,
            true,
            *reason,
            format!("Dropped Rule(s) {}: rule {i}: {m}", list.join(", ")),
        ));
    }
    set_generation(&mut conditions, r.generation);
    let mut st = RouteParentStatus::default();
    st.parent_ref = parent_ref;
    st.controller_name = controller.to_owned();
    st.conditions = conditions;
    st
}
