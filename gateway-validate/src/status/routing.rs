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

/// Builds the view of one Gateway.
pub(super) fn build(world: &World, gw: &GatewayState, resolved: &ResolvedRules) -> GatewayRouting {
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
            if let Some(Some(rules)) = resolved.get(*ri) {
                ar.rules.clone_from(rules);
            }
            lr.routes.push(ar);
        }
        view.listeners.push(lr);
    }
    view
}
