//! The accepted routing view ([`GatewayRouting`]) that a router compiles.
//!
//! One view per Gateway we own: its own listeners, then the entries of
//! attached ListenerSets in merge order. Each listener lists the routes
//! attached to it (`Accepted=True` for a parentRef reaching it, not lost to a
//! route of the other type), oldest first, with their effective hostnames and
//! resolved rules. A listener that is not valid (or whose Gateway is not
//! accepted) keeps its routes but is marked not `ready`.

use gateway_types::routing::{AttachedRoute, GatewayRouting, ListenerOwner, ListenerRouting};

use super::attach::ResolvedRules;
use super::gateway::GatewayState;
use super::listeners::Owner;
use super::world::World;

/// Builds the views of every Gateway, consuming the resolved rules (each
/// route's rules are moved into its last attachment and cloned for the others).
pub(super) fn build_all(
    world: &World<'_>,
    gateways: &[GatewayState],
    mut resolved: ResolvedRules,
) -> Vec<GatewayRouting> {
    let mut uses = vec![0u32; resolved.len()];
    for gw in gateways {
        for l in &gw.listeners {
            for (ri, _) in &l.attached {
                if let Some(n) = uses.get_mut(*ri) {
                    *n += 1;
                }
            }
        }
    }
    gateways
        .iter()
        .map(|gw| build(world, gw, &mut resolved, &mut uses))
        .collect()
}

/// Builds the view of one Gateway.
fn build(
    world: &World<'_>,
    gw: &GatewayState,
    resolved: &mut ResolvedRules,
    uses: &mut [u32],
) -> GatewayRouting {
    let mut view = GatewayRouting::new(&gw.ns, &gw.name);
    for l in &gw.listeners {
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
        let mut attached: Vec<&(usize, Option<Vec<String>>)> = l.attached.iter().collect();
        attached.sort_by(|a, b| {
            world.routes[a.0]
                .order_key()
                .cmp(&world.routes[b.0].order_key())
        });
        for (ri, hostnames) in attached {
            let r = &world.routes[*ri];
            let mut ar = AttachedRoute::new(r.object.clone());
            ar.namespace.clone_from(&r.ns);
            ar.name.clone_from(&r.name);
            ar.created = r.created;
            ar.hostnames.clone_from(hostnames);
            let last = uses.get_mut(*ri).is_some_and(|n| {
                *n = n.saturating_sub(1);
                *n == 0
            });
            if let Some(Some(rules)) = resolved.get_mut(*ri) {
                ar.rules = if last {
                    std::mem::take(rules)
                } else {
                    rules.clone()
                };
            }
            lr.routes.push(ar);
        }
        view.listeners.push(lr);
    }
    view
}
