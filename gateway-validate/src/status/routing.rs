//! The accepted routing view ([`GatewayRouting`]) that a router compiles.
//!
//! One view per Gateway we own: its own listeners, then the entries of
//! attached ListenerSets in merge order. Each listener lists the routes
//! attached to it (`Accepted=True` for a parentRef reaching it, not lost to a
//! route of the other type), oldest first, with their effective hostnames and
//! resolved rules. A listener that is not valid (or whose Gateway is not
//! accepted) keeps its routes but is marked not `ready`.

use gateway_types::routing::{
    AttachedRoute, BackendTls, GatewayRouting, ListenerOwner, ListenerRouting,
};

use super::attach::ResolvedRules;
use super::gateway::GatewayState;
use super::listeners::Owner;
use super::policy::Overflow;
use super::world::World;
use crate::condition::Reason;

/// Builds the views of every Gateway, consuming the resolved rules (each
/// route's rules are moved into its last attachment and cloned for the others)
/// and the listeners' attachments (their effective hostnames move into the
/// view).
/// Backends whose BackendTLSPolicy overflowed at a Gateway (`overflow`) are
/// marked invalid in that Gateway's view, and mirrors to them dropped.
pub(super) fn build_all(
    world: &World<'_>,
    gateways: &mut [GatewayState],
    mut resolved: ResolvedRules,
    overflow: &Overflow,
) -> Vec<GatewayRouting> {
    let mut uses = vec![0u32; resolved.len()];
    for gw in gateways.iter() {
        for l in &gw.listeners {
            for (ri, _) in &l.attached {
                if let Some(n) = uses.get_mut(*ri) {
                    *n += 1;
                }
            }
        }
    }
    gateways
        .iter_mut()
        .map(|gw| build(world, gw, &mut resolved, &mut uses, overflow))
        .collect()
}

/// Builds the view of one Gateway.
fn build(
    world: &World<'_>,
    gw: &mut GatewayState,
    resolved: &mut ResolvedRules,
    uses: &mut [u32],
    overflow: &Overflow,
) -> GatewayRouting {
    let lists: Vec<_> = gw
        .listeners
        .iter_mut()
        .map(|l| std::mem::take(&mut l.attached))
        .collect();
    let gw = &*gw;
    let mut view = GatewayRouting::new(&gw.ns, &gw.name);
    for (l, mut attached) in gw.listeners.iter().zip(lists) {
        let mut lr = ListenerRouting::new(&l.name, l.port, &l.protocol, l.hostname.as_deref());
        lr.owner = match l.owner {
            Owner::Gateway => ListenerOwner::Gateway,
            Owner::ListenerSet(i) => {
                let ls = &world.listener_sets[i];
                ListenerOwner::ListenerSet {
                    namespace: ls.ns.clone(),
                    name: ls.name.clone(),
                }
            }
        };
        lr.tls = l.tls;
        lr.ready = l.is_valid() && gw.programmed();
        attached.sort_by(|a, b| {
            world.routes[a.0]
                .order_key()
                .cmp(&world.routes[b.0].order_key())
        });
        for (ri, hostnames) in attached {
            let r = &world.routes[ri];
            let last = uses.get_mut(ri).is_some_and(|n| {
                *n = n.saturating_sub(1);
                *n == 0
            });
            let rules = match resolved.get_mut(ri) {
                Some(Some(rules)) if last => std::mem::take(rules),
                Some(Some(rules)) => rules.clone(),
                _ => Vec::new(),
            };
            let mut ar = AttachedRoute::resolved(
                r.object.clone(),
                r.ns.to_owned(),
                r.name.to_owned(),
                r.created,
                hostnames,
                rules,
            );
            if !overflow.is_empty() {
                drop_overflowed(gw, &mut ar, overflow);
            }
            lr.routes.push(ar);
        }
        view.listeners.push(lr);
    }
    view
}

/// Marks invalid the backends of `ar` whose BackendTLSPolicy overflowed at
/// `gw`, and drops mirrors to them: the policy cannot be applied there, and
/// the backend expects TLS.
fn drop_overflowed(gw: &GatewayState, ar: &mut AttachedRoute, overflow: &Overflow) {
    let here = |t: &Option<BackendTls>| {
        t.as_ref()
            .is_some_and(|t| overflow.contains(&gw.ns, &gw.name, t))
    };
    for rule in &mut ar.rules {
        for b in &mut rule.backends {
            if b.invalid.is_none() && here(&b.tls) {
                b.invalid = Some(Reason::UnsupportedProtocol.as_str().to_owned());
            }
        }
        rule.mirrors.retain(|(_, b)| !here(&b.tls));
        rule.backend_mirrors.retain(|(_, _, b)| !here(&b.tls));
    }
}
