//! Gateway: ownership, Gateway-level settings and conditions (spec 3.1,
//! 3.2.3, 3.3.4, 3.7, 3.8, 11.3).
//!
//! Decisions of this implementation:
//!
//! - `spec.infrastructure.parametersRef` must name a core ConfigMap in the
//!   Gateway's namespace that exists; anything else is
//!   `Accepted=False/InvalidParameters`.
//! - Address types `IPAddress` and `Hostname` are supported; others are
//!   `Accepted=False/UnsupportedAddress`. Requested addresses with a value are
//!   reported as bound in `status.addresses`; an address without a value
//!   cannot be assigned by a static check, so it gives
//!   `Programmed=False/AddressNotAssigned`.
//! - A Gateway of a class that is not accepted is `Accepted=False/Invalid`.

use std::ops::Range;

use gateway_types::gateway::{GatewayStatus, GatewayStatusAddress, address_type};

use super::gateway_class::Classes;
use super::listeners::{self, Declarer, ListenerState, Owner};
use super::refs::{RefError, check_secret_ref};
use super::world::World;
use super::{cond, set_generation};
use crate::condition::{ConditionType, Reason};

/// A Gateway we own, with its merged listeners.
#[derive(Debug)]
pub(super) struct GatewayState {
    /// Index into `World::gateways`.
    pub(super) world: usize,
    pub(super) ns: String,
    pub(super) name: String,
    pub(super) generation: Option<i64>,
    /// The controller name of its class.
    pub(super) controller: String,
    /// `Err((reason, message))` when the Gateway is `Accepted=False`.
    pub(super) not_accepted: Option<RefError>,
    /// The Gateway-level reference problem (backend client certificate).
    client_cert: Option<RefError>,
    addresses: Vec<GatewayStatusAddress>,
    address_unassigned: bool,
    /// Own listeners, then attached ListenerSet entries in merge order.
    pub(super) listeners: Vec<ListenerState>,
    /// How many of `listeners` are the Gateway's own.
    pub(super) own: usize,
    /// Attached ListenerSets (indices into the ListenerSet states) and their entries.
    pub(super) sets: Vec<(usize, Range<usize>)>,
    /// How many attached ListenerSets are accepted (set by the ListenerSet pass).
    pub(super) attached_sets: usize,
    /// A default Gateway (GEP-3793, set by [`mark_defaults`]).
    pub(super) default: bool,
}

impl GatewayState {
    /// Whether the Gateway is `Accepted=True` (with either reason).
    pub(super) fn accepted(&self) -> bool {
        self.not_accepted.is_none()
    }

    /// Whether the Gateway can be programmed.
    pub(super) fn programmed(&self) -> bool {
        self.accepted() && !self.address_unassigned
    }

    /// The computed status.
    pub(super) fn status(&self) -> GatewayStatus {
        let own = &self.listeners[..self.own];
        let valid = own.iter().filter(|l| l.is_valid()).count();
        let accepted = match &self.not_accepted {
            Some((r, m)) => cond(ConditionType::Accepted, false, *r, m.clone()),
            None if valid < own.len() => cond(
                ConditionType::Accepted,
                true,
                Reason::ListenersNotValid,
                "some listeners are not valid",
            ),
            None => cond(
                ConditionType::Accepted,
                true,
                Reason::Accepted,
                "the Gateway is accepted",
            ),
        };
        let programmed = match &self.not_accepted {
            Some((_, m)) => cond(ConditionType::Programmed, false, Reason::Invalid, m.clone()),
            None if self.address_unassigned => cond(
                ConditionType::Programmed,
                false,
                Reason::AddressNotAssigned,
                "an address without a value cannot be assigned",
            ),
            None => cond(
                ConditionType::Programmed,
                true,
                Reason::Programmed,
                "the Gateway is programmed",
            ),
        };
        let resolved = match &self.client_cert {
            Some((r, m)) => cond(ConditionType::ResolvedRefs, false, *r, m.clone()),
            None if own.iter().any(|l| l.refs.is_some()) => cond(
                ConditionType::ResolvedRefs,
                false,
                Reason::ListenersNotResolved,
                "some listeners have unresolved references",
            ),
            None => cond(
                ConditionType::ResolvedRefs,
                true,
                Reason::ResolvedRefs,
                "all references resolved",
            ),
        };
        let mut conditions = vec![accepted, programmed, resolved];
        if self.listeners.iter().any(|l| l.insecure_fallback) {
            conditions.push(cond(
                ConditionType::InsecureFrontendValidationMode,
                true,
                Reason::ConfigurationChanged,
                "client certificate validation allows insecure fallback",
            ));
        }
        if self.default {
            conditions.push(cond(
                ConditionType::DefaultGateway,
                true,
                Reason::DefaultGateway,
                "the Gateway claims routes with useDefaultGateways: All",
            ));
        }
        set_generation(&mut conditions, self.generation);
        let mut st = GatewayStatus::default();
        st.addresses = Some(self.addresses.clone());
        st.conditions = Some(conditions);
        st.listeners = Some(own.iter().map(|l| l.status(self.generation)).collect());
        st.attached_listener_sets = Some(i32::try_from(self.attached_sets).unwrap_or(i32::MAX));
        st
    }
}

/// Evaluates Gateway `index` of the world, if we own it: Gateway-level
/// settings and its own listeners (conflicts among them included).
pub(super) fn evaluate(world: &World<'_>, classes: &Classes, index: usize) -> Option<GatewayState> {
    let g = &world.gateways[index];
    let class = classes.get(&g.obj.spec.gateway_class_name)?;
    let spec = &g.obj.spec;
    let mut not_accepted: Option<RefError> = None;
    if let Err(m) = &class.accepted {
        not_accepted = Some((
            Reason::Invalid,
            format!(
                "GatewayClass {} is not accepted: {m}",
                spec.gateway_class_name
            ),
        ));
    }
    if not_accepted.is_none()
        && let Some(p) = spec
            .infrastructure
            .as_ref()
            .and_then(|i| i.parameters_ref.as_ref())
        && !(p.group.is_empty()
            && p.kind == "ConfigMap"
            && world.config_maps.contains(&g.ns, &p.name))
    {
        not_accepted = Some((
            Reason::InvalidParameters,
            format!(
                "parametersRef {}/{} {:?} does not name an existing ConfigMap in namespace {}",
                p.group, p.kind, p.name, g.ns
            ),
        ));
    }
    let mut addresses = Vec::new();
    let mut address_unassigned = false;
    for a in spec.addresses.iter().flatten() {
        let t = a.type_or_default();
        if t != address_type::IP_ADDRESS && t != address_type::HOSTNAME {
            if not_accepted.is_none() {
                not_accepted = Some((
                    Reason::UnsupportedAddress,
                    format!("address type {t:?} is not supported"),
                ));
            }
            continue;
        }
        match a.value.as_deref() {
            Some(v) if !v.is_empty() => addresses.push(GatewayStatusAddress::new(t, v)),
            _ => address_unassigned = true,
        }
    }
    let client_cert = spec
        .tls
        .as_ref()
        .and_then(|t| t.backend.as_ref())
        .and_then(|b| b.client_certificate_ref.as_ref())
        .and_then(|c| {
            let ns = c.namespace.as_deref().unwrap_or(&g.ns);
            check_secret_ref(
                world,
                ("Gateway", &g.ns),
                (c.group_or_default(), c.kind_or_default(), ns, &c.name),
                Reason::InvalidClientCertificateRef,
            )
            .err()
        });
    let frontend = spec.tls.as_ref().and_then(|t| t.frontend.as_ref());
    let by = Declarer {
        owner: Owner::Gateway,
        kind: "Gateway",
        ns: &g.ns,
    };
    let mut ls: Vec<ListenerState> = spec
        .listeners
        .iter()
        .map(|l| listeners::evaluate(world, l, &by, frontend, &g.ns))
        .collect();
    let own = ls.len();
    listeners::resolve_conflicts(&mut ls, std::slice::from_ref(&(0..own)));
    if not_accepted.is_none() && own > 0 && !ls.iter().any(ListenerState::is_valid) {
        not_accepted = Some((Reason::ListenersNotValid, "no listener is valid".to_owned()));
    }
    Some(GatewayState {
        world: index,
        ns: g.ns.clone(),
        name: g.name.clone(),
        generation: g.generation,
        controller: class.controller.clone(),
        not_accepted,
        client_cert,
        addresses,
        address_unassigned,
        listeners: ls,
        own,
        sets: Vec::new(),
        attached_sets: 0,
        default: false,
    })
}

/// Spec 4.4 (GEP-3793, experimental channel only): marks the Gateways whose
/// `spec.defaultScope` is `All` as default Gateways and returns their
/// indices in namespace/name order. `None` or an absent scope is no default
/// behaviour; in the standard channel the field does not exist.
pub(super) fn mark_defaults(
    world: &World<'_>,
    gateways: &mut [GatewayState],
    channel: crate::Channel,
) -> Vec<usize> {
    let mut out = Vec::new();
    if channel != crate::Channel::Experimental {
        return out;
    }
    for (i, g) in gateways.iter_mut().enumerate() {
        g.default = is_default(world, g.world);
        if g.default {
            out.push(i);
        }
    }
    out.sort_by(|&a, &b| {
        (&gateways[a].ns, &gateways[a].name).cmp(&(&gateways[b].ns, &gateways[b].name))
    });
    out
}

#[cfg(feature = "experimental")]
fn is_default(world: &World<'_>, index: usize) -> bool {
    use gateway_types::shared::GatewayDefaultScope;
    world
        .gateways
        .get(index)
        .is_some_and(|g| g.obj.spec.default_scope.as_ref() == Some(&GatewayDefaultScope::All))
}

/// Without the `experimental` feature `defaultScope` is not read.
#[cfg(not(feature = "experimental"))]
fn is_default(_world: &World<'_>, _index: usize) -> bool {
    false
}
