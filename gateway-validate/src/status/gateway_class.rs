//! GatewayClass: which classes we act for, and their status (spec 3.1, 11.2).
//!
//! With no controller name configured we act for every GatewayClass of the
//! snapshot, each under its own `controllerName`; with one, only for classes
//! naming it. The class given by [`Options::gateway_class`](crate::Options::gateway_class)
//! counts as present and accepted even without an object (a class object of
//! that name, when there is one, decides instead).
//!
//! Decisions of this implementation: a class `parametersRef` must name a core
//! ConfigMap, with a namespace, that exists (else `Accepted=False/InvalidParameters`);
//! `SupportedVersion` is always `True` (the CRD bundle version is not part of
//! a snapshot); `supportedFeatures` lists [`SUPPORTED_FEATURES`].

use std::collections::{BTreeMap, HashMap};

use gateway_types::gateway_class::{GatewayClassStatus, SupportedFeature};

use super::world::World;
use super::{cond, set_generation};
use crate::Options;
use crate::condition::{ConditionType, Reason};

/// The features the status pass claims in every accepted GatewayClass's
/// `status.supportedFeatures` (sorted by name, as the spec asks).
pub const SUPPORTED_FEATURES: &[&str] = &[
    "BackendTLSPolicy",
    "GRPCRoute",
    "Gateway",
    "HTTPRoute",
    "ListenerSet",
    "ReferenceGrant",
    "TCPRoute",
    "TLSRoute",
    "TLSRouteModeMixed",
    "TLSRouteModeTerminate",
    "UDPRoute",
];

/// A class we act for.
#[derive(Debug, Clone)]
pub(super) struct ClassInfo {
    /// The controller name written into route and policy status.
    pub(super) controller: String,
    /// `Err(message)` when the class is not accepted.
    pub(super) accepted: Result<(), String>,
}

/// The classes we act for, by name.
#[derive(Debug, Default)]
pub(super) struct Classes {
    by_name: HashMap<String, ClassInfo>,
    assumed: Option<(String, ClassInfo)>,
}

impl Classes {
    /// The class `name`, if we act for it.
    pub(super) fn get(&self, name: &str) -> Option<&ClassInfo> {
        self.by_name.get(name).or_else(|| {
            self.assumed
                .as_ref()
                .filter(|(n, _)| n == name)
                .map(|(_, c)| c)
        })
    }
}

/// Decides which classes we act for and writes their status.
pub(super) fn evaluate(
    world: &World<'_>,
    options: &Options,
    out: &mut BTreeMap<String, GatewayClassStatus>,
) -> Classes {
    let mut classes = Classes::default();
    for (name, class) in &world.classes {
        let controller = class.spec.controller_name.clone();
        if options.controller().is_some_and(|c| c != controller) {
            continue;
        }
        let accepted = match &class.spec.parameters_ref {
            None => Ok(()),
            Some(p) => {
                let found = p.group.is_empty()
                    && p.kind == "ConfigMap"
                    && p.namespace
                        .as_ref()
                        .is_some_and(|ns| world.config_maps.contains(ns, &p.name));
                if found {
                    Ok(())
                } else {
                    Err(format!(
                        "parametersRef {}/{} {:?} does not name an existing ConfigMap (with a namespace)",
                        p.group, p.kind, p.name
                    ))
                }
            }
        };
        let mut conditions = vec![
            match &accepted {
                Ok(()) => cond(
                    ConditionType::Accepted,
                    true,
                    Reason::Accepted,
                    "the class is accepted",
                ),
                Err(m) => cond(
                    ConditionType::Accepted,
                    false,
                    Reason::InvalidParameters,
                    m.clone(),
                ),
            },
            cond(
                ConditionType::SupportedVersion,
                true,
                Reason::SupportedVersion,
                "Gateway API v1.6.1 is supported",
            ),
        ];
        set_generation(&mut conditions, class.metadata.generation);
        let mut status = GatewayClassStatus::default();
        status.conditions = Some(conditions);
        status.supported_features = Some(
            SUPPORTED_FEATURES
                .iter()
                .map(|f| SupportedFeature::new(*f))
                .collect(),
        );
        out.insert(name.clone(), status);
        classes.by_name.insert(
            name.clone(),
            ClassInfo {
                controller,
                accepted,
            },
        );
    }
    if let Some(name) = options.assumed_gateway_class()
        && !world.classes.contains_key(name)
    {
        classes.assumed = Some((
            name.to_owned(),
            ClassInfo {
                controller: options.effective_controller_name().to_owned(),
                accepted: Ok(()),
            },
        ));
    }
    classes
}
