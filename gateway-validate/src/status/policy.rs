//! BackendTLSPolicy (spec 12): validity, conflicts, and ancestor status.
//!
//! A policy is evaluated once, on its own (targets, CA references, options),
//! then conflicts are settled per target: among policies naming the same
//! Service and the same `sectionName` (both absent counting as the same), the
//! oldest wins and the others are `Accepted=False/Conflicted`. A policy with
//! a `sectionName` governs that port; a policy without one governs the other
//! ports of the Service.
//!
//! Ancestors are the Gateways whose attached routes send traffic to a
//! targeted Service (directly, or as a mirror): one `status.ancestors` entry
//! per such Gateway.
//!
//! Decisions of this implementation: a policy with more than one targetRef is
//! `Accepted=False/Invalid` (upstream advises a single target); targets other
//! than core Services are `Invalid`; a `sectionName` naming no port of the
//! Service is `TargetNotFound`; a UDP target port is `Invalid`; options are
//! not supported (`Invalid`); a well-known CA set other than `System` is
//! `Invalid`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use gateway_types::backend_tls_policy::WellKnownCaCertificatesType;
use gateway_types::core::Protocol;
use gateway_types::routing::BackendTls;
use gateway_types::shared::{GROUP, ParentReference, PolicyAncestorStatus, PolicyStatus};

use super::refs::{RefError, check_ca_ref};
use super::world::{NsMap, NsName, World, diagnostic};
use super::{cond, set_generation};
use crate::condition::{ConditionType, Reason};
use crate::finding::Finding;

/// A policy's verdict, before ancestors are known.
#[derive(Debug)]
struct Verdict {
    accepted: Result<(), RefError>,
    resolved: Result<(), RefError>,
    /// The target it applies to, when it names exactly one core Service.
    target: Option<(NsName, Option<String>)>,
    /// What a data plane needs to connect to a targeted backend.
    tls: BackendTls,
}

/// Evaluated policies and which one governs each Service port.
#[derive(Debug, Default)]
pub(super) struct PolicyIndex {
    verdicts: Vec<Verdict>,
    /// `(namespace, service)` → sectionName (`None`: whole Service) → winning policy.
    by_target: NsMap<HashMap<Option<String>, usize>>,
}

impl PolicyIndex {
    /// Evaluates every policy of `world`.
    pub(super) fn build(world: &World<'_>) -> Self {
        let mut idx = Self::default();
        let mut order: Vec<usize> = (0..world.policies.len()).collect();
        order.sort_by(|&a, &b| {
            world.policies[a]
                .order_key()
                .cmp(&world.policies[b].order_key())
        });
        idx.verdicts = world.policies.iter().map(|p| evaluate(world, p)).collect();
        for i in order {
            let Some((svc, section)) = idx.verdicts[i].target.clone() else {
                continue;
            };
            let slot = idx.by_target.entry(&svc.0, &svc.1);
            match slot.get(&section) {
                None => {
                    slot.insert(section, i);
                }
                Some(&winner) => {
                    let p = &world.policies[winner];
                    if !matches!(idx.verdicts[i].accepted, Err((Reason::Invalid, _))) {
                        idx.verdicts[i].accepted = Err((
                            Reason::Conflicted,
                            format!(
                                "BackendTLSPolicy {}/{} is older and targets the same Service port",
                                p.ns, p.name
                            ),
                        ));
                    }
                }
            }
        }
        idx
    }

    /// Whether there is no policy at all.
    pub(super) fn is_empty(&self) -> bool {
        self.by_target.is_empty()
    }

    /// Whether some policy targets Service `ns/name`.
    pub(super) fn targets(&self, ns: &str, name: &str) -> bool {
        self.by_target.contains(ns, name)
    }

    /// The TLS settings towards Service port `ns/name` (port named
    /// `port_name`), if a policy governs it: `Err` when the governing policy
    /// cannot be honoured.
    pub(super) fn backend_tls(
        &self,
        ns: &str,
        name: &str,
        port_name: Option<&str>,
    ) -> Option<Result<BackendTls, String>> {
        let slot = self.by_target.get(ns, name)?;
        let i = port_name
            .and_then(|p| slot.get(&Some(p.to_owned())))
            .or_else(|| slot.get(&None))?;
        let v = &self.verdicts[*i];
        Some(match &v.accepted {
            Ok(()) => Ok(v.tls.clone()),
            Err((_, msg)) => Err(format!(
                "the BackendTLSPolicy for this backend cannot be honoured: {msg}"
            )),
        })
    }
}

fn evaluate(world: &World<'_>, p: &super::world::Obj<gateway_types::BackendTlsPolicy>) -> Verdict {
    let spec = &p.obj.spec;
    let mut tls = BackendTls::default();
    tls.policy_namespace.clone_from(&p.ns);
    tls.policy_name.clone_from(&p.name);
    tls.hostname.clone_from(&spec.validation.hostname);
    let mut v = Verdict {
        accepted: Ok(()),
        resolved: Ok(()),
        target: None,
        tls,
    };
    let invalid = |m: String| Err((Reason::Invalid, m));
    if spec.target_refs.len() != 1 {
        v.accepted = invalid(format!(
            "the policy has {} targetRefs; this implementation supports exactly one",
            spec.target_refs.len()
        ));
    } else {
        let t = &spec.target_refs[0];
        if !t.group.is_empty() || t.kind != "Service" {
            v.accepted = invalid(format!(
                "target kind {} is not supported; target a core Service",
                t.kind
            ));
        } else {
            let key = (p.ns.clone(), t.name.clone());
            match world.services.get(&key.0, &key.1) {
                None => {
                    v.accepted = Err((
                        Reason::TargetNotFound,
                        format!("Service {}/{} does not exist", p.ns, t.name),
                    ));
                }
                Some(svc) => {
                    let ports: Vec<_> = match &t.section_name {
                        Some(s) => svc.port_by_name(s).into_iter().collect(),
                        None => svc.ports().iter().collect(),
                    };
                    if let Some(s) = &t.section_name
                        && ports.is_empty()
                    {
                        v.accepted = Err((
                            Reason::TargetNotFound,
                            format!("Service {}/{} has no port named {s}", p.ns, t.name),
                        ));
                    } else if !ports.is_empty()
                        && ports
                            .iter()
                            .all(|sp| sp.protocol_or_default() == Protocol::Udp)
                    {
                        v.accepted = invalid(
                            "the targeted port is UDP; BackendTLSPolicy applies to TCP only"
                                .to_owned(),
                        );
                    }
                    v.target = Some((key, t.section_name.clone()));
                }
            }
        }
    }
    if v.accepted.is_ok() && spec.options.as_ref().is_some_and(|o| !o.is_empty()) {
        v.accepted = invalid("options are not supported by this implementation".to_owned());
    }
    let val = &spec.validation;
    let well_known = match &val.well_known_ca_certificates {
        None => false,
        Some(WellKnownCaCertificatesType::System) => true,
        Some(other) => {
            if v.accepted.is_ok() {
                v.accepted = invalid(format!("wellKnownCACertificates {other} is not supported"));
            }
            false
        }
    };
    let mut valid_refs = 0;
    for r in val.ca_certificate_refs() {
        match check_ca_ref(
            world,
            ("BackendTLSPolicy", &p.ns),
            (&r.group, &r.kind, &p.ns, &r.name),
            Reason::InvalidKind,
        ) {
            Ok(()) => valid_refs += 1,
            Err(e) => {
                if v.resolved.is_ok() {
                    v.resolved = Err(e);
                }
            }
        }
    }
    if v.accepted.is_ok() && valid_refs == 0 && !well_known {
        v.accepted = Err((
            Reason::NoValidCaCertificate,
            "no CA certificate reference is usable".to_owned(),
        ));
    }
    v
}

/// The most entries `status.ancestors` may hold (CRD `maxItems`).
pub(super) const MAX_ANCESTORS: usize = 16;

/// The Gateways a BackendTLSPolicy could not be reported for, because its
/// `status.ancestors` was full: per Gateway (namespace/name), the policies
/// (namespace/name) that overflowed there. Spec 12.3 treats the policy as
/// unimplementable there, so backends it governs are not reachable through
/// those Gateways.
#[derive(Debug, Default)]
pub(super) struct Overflow(NsMap<Vec<NsName>>);

impl Overflow {
    /// No policy overflowed (the usual case).
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the policy `tls` names overflowed at the Gateway `gw_ns/gw_name`.
    pub(super) fn contains(&self, gw_ns: &str, gw_name: &str, tls: &BackendTls) -> bool {
        self.0.get(gw_ns, gw_name).is_some_and(|policies| {
            policies
                .iter()
                .any(|(ns, name)| *ns == tls.policy_namespace && *name == tls.policy_name)
        })
    }
}

/// Why a backend is not used through a Gateway its policy overflowed at.
pub(super) fn overflow_message(gw_ns: &str, gw_name: &str, tls: &BackendTls) -> String {
    format!(
        "BackendTLSPolicy {}/{} already reports {MAX_ANCESTORS} Gateways in status.ancestors, \
         the most it can hold, so it cannot be applied through Gateway {gw_ns}/{gw_name}; \
         the backend it governs is not used through that Gateway",
        tls.policy_namespace, tls.policy_name
    )
}

/// Writes ancestor status for every policy whose target Service is used by
/// routes of the Gateways in `users` (Service → Gateways, with each Gateway's
/// controller name).
///
/// Spec 12.3: once `status.ancestors` holds [`MAX_ANCESTORS`] entries no
/// further entry is added and the policy is treated as unimplementable for
/// further Gateways. Each Gateway left out (they are taken in namespace/name
/// order) gets a warning finding `status.policy.ancestors-full` naming the
/// policy, and is returned in the [`Overflow`], so that routes through it get
/// `ResolvedRefs=False` for the backends the policy governs and the routing
/// view does not send traffic to them there.
pub(super) fn write_status(
    world: &World<'_>,
    idx: &PolicyIndex,
    users: &NsMap<BTreeMap<NsName, String>>,
    out: &mut BTreeMap<(String, String, String), PolicyStatus>,
    findings: &mut Vec<Finding>,
) -> Overflow {
    let mut overflow = Overflow::default();
    // Gateway sources, indexed only when some policy overflows.
    let mut sources: Option<NsMap<usize>> = None;
    for (i, p) in world.policies.iter().enumerate() {
        let v = &idx.verdicts[i];
        let Some(t) = p.obj.spec.target_refs.first() else {
            continue;
        };
        let Some(gateways) = users.get(&p.ns, &t.name) else {
            continue;
        };
        let mut status = PolicyStatus::default();
        let mut seen = BTreeSet::new();
        for ((gns, gname), controller) in gateways {
            if !seen.insert((gns, gname)) {
                continue;
            }
            if status.ancestors.len() >= MAX_ANCESTORS {
                let index = sources.get_or_insert_with(|| {
                    let mut m = NsMap::default();
                    for (gi, g) in world.gateways.iter().enumerate() {
                        m.insert(&g.ns, &g.name, gi);
                    }
                    m
                });
                let source = index
                    .get(gns, gname)
                    .and_then(|&gi| world.gateways[gi].source.as_ref());
                findings.push(diagnostic(
                    "Gateway",
                    Some(gns),
                    gname,
                    source,
                    "metadata.name".to_owned(),
                    "status.policy.ancestors-full",
                    format!(
                        "BackendTLSPolicy {}/{} already reports {MAX_ANCESTORS} Gateways in \
                         status.ancestors, the most it can hold; it cannot be applied through \
                         this Gateway, so routes here do not use the backends it governs; \
                         target the Service from fewer Gateways",
                        p.ns, p.name
                    ),
                ));
                overflow
                    .0
                    .entry(gns, gname)
                    .push((p.ns.clone(), p.name.clone()));
                continue;
            }
            let mut ancestor = ParentReference::gateway(gname.clone());
            ancestor.group = Some(GROUP.to_owned());
            ancestor.kind = Some("Gateway".to_owned());
            ancestor.namespace = Some(gns.clone());
            let mut conditions = vec![
                match &v.accepted {
                    Ok(()) => cond(
                        ConditionType::Accepted,
                        true,
                        Reason::Accepted,
                        "the policy is accepted",
                    ),
                    Err((r, m)) => cond(ConditionType::Accepted, false, *r, m.clone()),
                },
                match &v.resolved {
                    Ok(()) => cond(
                        ConditionType::ResolvedRefs,
                        true,
                        Reason::ResolvedRefs,
                        "all CA certificate references resolved",
                    ),
                    Err((r, m)) => cond(ConditionType::ResolvedRefs, false, *r, m.clone()),
                },
            ];
            set_generation(&mut conditions, p.generation);
            let mut a = PolicyAncestorStatus::default();
            a.ancestor_ref = ancestor;
            a.controller_name.clone_from(controller);
            a.conditions = conditions;
            status.ancestors.push(a);
        }
        out.insert(
            ("BackendTLSPolicy".to_owned(), p.ns.clone(), p.name.clone()),
            status,
        );
    }
    overflow
}
