//! Listeners: protocol, route kinds, TLS and certificates, conflicts and
//! overlapping TLS (spec 3.2, 3.3, 3.5.2, 11.4).
//!
//! # Decisions of this implementation
//!
//! - Protocols `HTTP`, `HTTPS`, `TLS`, `TCP` and `UDP` are served; any other
//!   is `Accepted=False/UnsupportedProtocol` with `supportedKinds: []`.
//! - Route kinds: HTTP and HTTPS listeners take HTTPRoute and GRPCRoute; TLS
//!   listeners (Passthrough and Terminate) TLSRoute; TCP TCPRoute; UDP
//!   UDPRoute. TCPRoute on a TLS listener is not supported.
//! - TLS Terminate on `TLS` listeners, and Passthrough and Terminate TLS
//!   listeners on one port, are supported (features `TLSRouteModeTerminate`
//!   and `TLSRouteModeMixed`). HTTPS and TLS listeners may share a port (both
//!   are chosen by SNI); on one port, two of them with the same hostname
//!   conflict (`HostnameConflict`).
//! - Listener TLS `options` are not supported: any option makes the listener
//!   `Accepted=False/UnsupportedValue`.
//! - Certificates are checked for shape only (type `kubernetes.io/tls`, keys
//!   `tls.crt`/`tls.key`, PEM certificate and private key blocks); whether the
//!   key matches the certificate is not checked. A listener with at least one
//!   usable certificate is served; each unusable one still sets
//!   `ResolvedRefs=False`.
//! - `allowedRoutes.namespaces.from: Selector` without a selector matches no
//!   namespace and makes the listener `Accepted=False/Invalid`.
//! - Port availability is not modelled: no listener is `PortUnavailable`.

use std::collections::{HashMap, HashSet};

use gateway_types::gateway::{
    FromNamespaces, FrontendTlsConfig, FrontendValidationModeType, Listener, ListenerStatus,
    RouteGroupKind, TlsModeType,
};
use gateway_types::meta::LabelSelector;
use gateway_types::routing::ListenerTls;
use gateway_types::shared::GROUP;

use super::hostname::{is_wildcard, suffixes};
use super::refs::{RefError, check_ca_ref, check_secret_ref};
use super::routes::Kind;
use super::world::{SeededMap, World};
use super::{cond, set_generation};
use crate::condition::{ConditionType, Reason};

/// A listener protocol as served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Proto {
    Http,
    Https,
    Tls,
    Tcp,
    Udp,
    Unsupported,
}

impl Proto {
    fn parse(p: &str) -> Self {
        match p {
            "HTTP" => Self::Http,
            "HTTPS" => Self::Https,
            "TLS" => Self::Tls,
            "TCP" => Self::Tcp,
            "UDP" => Self::Udp,
            _ => Self::Unsupported,
        }
    }

    /// Route kinds this protocol can carry, in `supportedKinds` order.
    fn kinds(self) -> &'static [Kind] {
        match self {
            Self::Http | Self::Https => &[Kind::Http, Kind::Grpc],
            Self::Tls => &[Kind::Tls],
            Self::Tcp => &[Kind::Tcp],
            Self::Udp => &[Kind::Udp],
            Self::Unsupported => &[],
        }
    }

    /// Whether the listener hostname selects traffic.
    fn uses_hostname(self) -> bool {
        matches!(self, Self::Http | Self::Https | Self::Tls)
    }
}

/// Which object declared a listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Owner {
    Gateway,
    /// Index into `World::listener_sets`.
    ListenerSet(usize),
}

/// Which routes a listener admits by namespace.
#[derive(Debug, Clone)]
pub(super) enum Namespaces {
    Same(String),
    All,
    Selector(LabelSelector),
    Nothing,
}

/// A listener after evaluation.
#[derive(Debug)]
pub(super) struct ListenerState {
    pub(super) owner: Owner,
    pub(super) name: String,
    pub(super) port: i32,
    pub(super) protocol: String,
    pub(super) proto: Proto,
    /// Lowercased hostname, for protocols that use one.
    pub(super) hostname: Option<String>,
    pub(super) tls: ListenerTls,
    pub(super) kinds: Vec<Kind>,
    pub(super) namespaces: Namespaces,
    /// Why the listener is `Accepted=False` on its own.
    pub(super) not_accepted: Option<RefError>,
    /// The first unresolved reference.
    pub(super) refs: Option<RefError>,
    /// Why the listener cannot be programmed although accepted.
    pub(super) unservable: Option<String>,
    pub(super) conflict: Option<Reason>,
    pub(super) overlapping: bool,
    /// Frontend validation that allows insecure fallback targets this listener.
    pub(super) insecure_fallback: bool,
    /// Routes attached (indices into `World::routes`), each once, with
    /// their effective hostnames here (`None`: every host).
    pub(super) attached: Vec<(usize, Option<Vec<String>>)>,
}

impl ListenerState {
    /// Valid in the sense of spec 3.3.4: accepted, not conflicted, servable.
    pub(super) fn is_valid(&self) -> bool {
        self.not_accepted.is_none() && self.conflict.is_none() && self.unservable.is_none()
    }

    /// Whether routes of `kind` in namespace `ns` may attach (spec 3.5).
    pub(super) fn allows(&self, world: &World<'_>, kind: Kind, ns: &str) -> bool {
        self.kinds.contains(&kind)
            && match &self.namespaces {
                Namespaces::Same(own) => own == ns,
                Namespaces::All => true,
                Namespaces::Selector(s) => world.namespace_matches(ns, s),
                Namespaces::Nothing => false,
            }
    }

    /// The status entry, with `observedGeneration` from the owner.
    pub(super) fn status(&self, generation: Option<i64>) -> ListenerStatus {
        let accepted = if let Some(r) = self.conflict {
            cond(
                ConditionType::Accepted,
                false,
                r,
                "the listener conflicts with another listener",
            )
        } else if let Some((r, m)) = &self.not_accepted {
            cond(ConditionType::Accepted, false, *r, m.clone())
        } else {
            cond(
                ConditionType::Accepted,
                true,
                Reason::Accepted,
                "the listener is accepted",
            )
        };
        let programmed = if let Some(r) = self.conflict {
            cond(
                ConditionType::Programmed,
                false,
                r,
                "the listener conflicts with another listener",
            )
        } else if let Some((_, m)) = &self.not_accepted {
            cond(ConditionType::Programmed, false, Reason::Invalid, m.clone())
        } else if let Some(m) = &self.unservable {
            cond(ConditionType::Programmed, false, Reason::Invalid, m.clone())
        } else {
            cond(
                ConditionType::Programmed,
                true,
                Reason::Programmed,
                "the listener is programmed",
            )
        };
        let resolved = match &self.refs {
            Some((r, m)) => cond(ConditionType::ResolvedRefs, false, *r, m.clone()),
            None => cond(
                ConditionType::ResolvedRefs,
                true,
                Reason::ResolvedRefs,
                "all references resolved",
            ),
        };
        let conflicted = match self.conflict {
            Some(r) => cond(
                ConditionType::Conflicted,
                true,
                r,
                "the listener conflicts with another listener",
            ),
            None => cond(
                ConditionType::Conflicted,
                false,
                Reason::NoConflicts,
                "no conflicts",
            ),
        };
        let mut conditions = vec![accepted, programmed, resolved, conflicted];
        if self.overlapping {
            conditions.push(cond(
                ConditionType::OverlappingTlsConfig,
                true,
                Reason::OverlappingHostnames,
                "another TLS listener on this port serves an overlapping hostname",
            ));
        }
        set_generation(&mut conditions, generation);
        let mut st = ListenerStatus::new(self.name.clone());
        st.supported_kinds = Some(
            self.kinds
                .iter()
                .map(|k| RouteGroupKind::new(k.as_str()).with_group(GROUP))
                .collect(),
        );
        st.attached_routes = i32::try_from(self.attached.len()).unwrap_or(i32::MAX);
        st.conditions = conditions;
        st
    }
}

/// Who declared a listener, for references and `allowedRoutes: Same`.
pub(super) struct Declarer<'a> {
    pub(super) owner: Owner,
    /// `Gateway` or `ListenerSet`: the `from` kind of its ReferenceGrants.
    pub(super) kind: &'a str,
    pub(super) ns: &'a str,
}

/// Evaluates one listener on its own (no conflicts yet).
///
/// `frontend` is the Gateway's `spec.tls.frontend`, which applies to HTTPS
/// listeners by port, and `gateway_ns` the namespace its references start from.
pub(super) fn evaluate(
    world: &World<'_>,
    l: &Listener,
    by: &Declarer<'_>,
    frontend: Option<&FrontendTlsConfig>,
    gateway_ns: &str,
) -> ListenerState {
    let proto = Proto::parse(&l.protocol);
    let mut st = ListenerState {
        owner: by.owner,
        name: l.name.clone(),
        port: l.port,
        protocol: l.protocol.clone(),
        proto,
        hostname: if proto.uses_hostname() {
            l.hostname.as_ref().map(|h| h.to_ascii_lowercase())
        } else {
            None
        },
        tls: ListenerTls::None,
        kinds: Vec::new(),
        namespaces: Namespaces::Nothing,
        not_accepted: None,
        refs: None,
        unservable: None,
        conflict: None,
        overlapping: false,
        insecure_fallback: false,
        attached: Vec::new(),
    };
    if proto == Proto::Unsupported {
        st.not_accepted = Some((
            Reason::UnsupportedProtocol,
            format!("protocol {:?} is not supported", l.protocol),
        ));
        return st;
    }
    let mut refs_err: Option<RefError> = None;
    let mut note_ref = |e: RefError| {
        if refs_err.is_none() {
            refs_err = Some(e);
        }
    };

    // TLS.
    if matches!(proto, Proto::Https | Proto::Tls) {
        let mode = l.tls.as_ref().map(|t| t.mode_or_default());
        match (&mode, proto) {
            (Some(TlsModeType::Passthrough), Proto::Tls) => st.tls = ListenerTls::Passthrough,
            (Some(TlsModeType::Passthrough), _) => {
                st.not_accepted = Some((
                    Reason::UnsupportedValue,
                    "TLS mode Passthrough is not allowed on an HTTPS listener".to_owned(),
                ));
            }
            (Some(TlsModeType::Terminate) | None, _) => st.tls = ListenerTls::Terminate,
            (Some(m), _) => {
                st.not_accepted = Some((
                    Reason::UnsupportedValue,
                    format!("TLS mode {m} is not supported"),
                ));
            }
        }
        if st.not_accepted.is_none()
            && let Some(opts) = l.tls.as_ref().and_then(|t| t.options.as_ref())
            && let Some(k) = opts.keys().next()
        {
            st.not_accepted = Some((
                Reason::UnsupportedValue,
                format!("TLS option {k:?} is not supported"),
            ));
        }
        if st.tls == ListenerTls::Terminate {
            let certs = l
                .tls
                .as_ref()
                .map(|t| t.certificate_refs())
                .unwrap_or_default();
            let mut usable = 0;
            for c in certs {
                let ns = c.namespace.as_deref().unwrap_or(by.ns);
                match check_secret_ref(
                    world,
                    (by.kind, by.ns),
                    (c.group_or_default(), c.kind_or_default(), ns, &c.name),
                    Reason::InvalidCertificateRef,
                ) {
                    Ok(()) => usable += 1,
                    Err(e) => note_ref(e),
                }
            }
            if certs.is_empty() {
                note_ref((
                    Reason::InvalidCertificateRef,
                    "the listener terminates TLS but has no certificateRefs".to_owned(),
                ));
            }
            if usable == 0 {
                st.unservable = Some("no usable TLS certificate".to_owned());
            }
        }
    }

    // Frontend client-certificate validation (HTTPS only, by port).
    if proto == Proto::Https
        && let Some(validation) = frontend.and_then(|f| f.for_port(l.port).validation.as_ref())
    {
        let mut usable = 0;
        for r in &validation.ca_certificate_refs {
            let ns = r.namespace.as_deref().unwrap_or(gateway_ns);
            match check_ca_ref(
                world,
                ("Gateway", gateway_ns),
                (&r.group, &r.kind, ns, &r.name),
                Reason::InvalidCaCertificateKind,
            ) {
                Ok(()) => usable += 1,
                Err(e) => note_ref(e),
            }
        }
        if usable == 0 && st.not_accepted.is_none() {
            st.not_accepted = Some((
                Reason::NoValidCaCertificate,
                "no CA certificate for client validation is usable".to_owned(),
            ));
        }
        st.insecure_fallback =
            validation.mode_or_default() == FrontendValidationModeType::AllowInsecureFallback;
    }

    // Route kinds.
    let allowed = l.allowed_routes_or_default();
    let supported = proto.kinds();
    if allowed.kinds().is_empty() {
        st.kinds = supported.to_vec();
    } else {
        let mut bad = Vec::new();
        for rk in allowed.kinds() {
            match Kind::parse(&rk.kind) {
                Some(k) if rk.group_or_default() == GROUP && supported.contains(&k) => {
                    if !st.kinds.contains(&k) {
                        st.kinds.push(k);
                    }
                }
                _ => bad.push(rk.kind.clone()),
            }
        }
        if !bad.is_empty() {
            note_ref((
                Reason::InvalidRouteKinds,
                format!(
                    "route kinds {} are not supported on a {} listener",
                    bad.join(", "),
                    l.protocol
                ),
            ));
        }
        if st.kinds.is_empty() && st.unservable.is_none() {
            st.unservable = Some("no allowed route kind is supported".to_owned());
        }
    }

    // Route namespaces.
    st.namespaces = match allowed.from_or_default() {
        FromNamespaces::Same => Namespaces::Same(by.ns.to_owned()),
        FromNamespaces::All => Namespaces::All,
        FromNamespaces::Selector => match allowed.selector() {
            Some(s) => Namespaces::Selector(s.clone()),
            None => {
                if st.not_accepted.is_none() {
                    st.not_accepted = Some((
                        Reason::Invalid,
                        "allowedRoutes.namespaces.from is Selector but no selector is given"
                            .to_owned(),
                    ));
                }
                Namespaces::Nothing
            }
        },
        other => {
            if st.not_accepted.is_none() {
                st.not_accepted = Some((
                    Reason::UnsupportedValue,
                    format!("allowedRoutes.namespaces.from {other} is not supported"),
                ));
            }
            Namespaces::Nothing
        }
    };
    st.refs = refs_err;
    st
}

/// Port-sharing class of a listener (spec 3.3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Class {
    Http,
    /// HTTPS and TLS: chosen by SNI.
    Sni,
    Tcp,
    Udp,
}

fn class(p: Proto) -> Option<Class> {
    match p {
        Proto::Http => Some(Class::Http),
        Proto::Https | Proto::Tls => Some(Class::Sni),
        Proto::Tcp => Some(Class::Tcp),
        Proto::Udp => Some(Class::Udp),
        Proto::Unsupported => None,
    }
}

/// Listeners on one port, counted for conflict queries. Hostnames are
/// borrowed from the listeners counted.
#[derive(Debug, Default)]
struct PortCounts<'a> {
    /// Per [`Class`], by its index.
    by_class: [usize; 4],
    by_host: SeededMap<(Class, Option<&'a str>), usize>,
}

impl<'a> PortCounts<'a> {
    fn add(&mut self, c: Class, host: Option<&'a str>, delta: isize) {
        let bump = |n: &mut usize| *n = n.saturating_add_signed(delta);
        if let Some(n) = self.by_class.get_mut(c as usize) {
            bump(n);
        }
        bump(self.by_host.entry((c, host)).or_default());
    }

    fn count(&self, c: Class) -> usize {
        self.by_class.get(c as usize).copied().unwrap_or(0)
    }

    /// Why a listener of class `c` and hostname `host` conflicts with the
    /// listeners counted here, if it does.
    fn conflict(&self, c: Class, host: Option<&str>) -> Option<Reason> {
        let tcp_based = [Class::Http, Class::Sni, Class::Tcp];
        if c != Class::Udp && tcp_based.iter().any(|&o| o != c && self.count(o) > 0) {
            return Some(Reason::ProtocolConflict);
        }
        match c {
            Class::Tcp | Class::Udp if self.count(c) > 0 => Some(Reason::ProtocolConflict),
            Class::Http | Class::Sni if self.by_host.get(&(c, host)).copied().unwrap_or(0) > 0 => {
                Some(Reason::HostnameConflict)
            }
            _ => None,
        }
    }
}

/// Marks conflicted listeners (spec 3.3.3). `groups` are ranges of
/// `listeners` in merge order: the Gateway's own listeners first, then each
/// attached ListenerSet. Within a group nobody wins; a later group's entry
/// that conflicts with an earlier kept listener is conflicted; earlier
/// listeners are never changed by later ones.
pub(super) fn resolve_conflicts(
    listeners: &mut [ListenerState],
    groups: &[std::ops::Range<usize>],
) {
    let found = conflicts(listeners, groups);
    for (l, reason) in listeners.iter_mut().zip(found) {
        if reason.is_some() {
            l.conflict = reason;
        }
    }
}

/// The conflict [`resolve_conflicts`] finds for each listener, by index.
fn conflicts(
    listeners: &[ListenerState],
    groups: &[std::ops::Range<usize>],
) -> Vec<Option<Reason>> {
    let mut found = vec![None; listeners.len()];
    let mut kept: SeededMap<i32, PortCounts<'_>> = SeededMap::default();
    for g in groups {
        let mut remaining = Vec::new();
        for i in g.clone() {
            let Some(l) = listeners.get(i) else { continue };
            let Some(c) = class(l.proto) else { continue };
            let host = l.hostname.as_deref();
            match kept.get(&l.port).and_then(|k| k.conflict(c, host)) {
                Some(r) => found[i] = Some(r),
                None => remaining.push((i, c, l.port, host)),
            }
        }
        let mut local: SeededMap<i32, PortCounts<'_>> = SeededMap::default();
        for &(_, c, port, host) in &remaining {
            local.entry(port).or_default().add(c, host, 1);
        }
        for &(i, c, port, host) in &remaining {
            let counts = local.entry(port).or_default();
            // Every other listener of the group counts, this one not.
            counts.add(c, host, -1);
            let r = counts.conflict(c, host);
            counts.add(c, host, 1);
            match r {
                Some(r) => found[i] = Some(r),
                None => kept.entry(port).or_default().add(c, host, 1),
            }
        }
    }
    found
}

/// Marks TLS-terminating listeners whose hostnames overlap on one port
/// (spec 3.3.5): a wildcard covers names below it, a listener without
/// hostname covers every name. Conflicted and not-accepted listeners do not
/// take part.
pub(super) fn mark_overlapping_tls(listeners: &mut [ListenerState]) {
    let mut by_port: HashMap<i32, Vec<usize>> = HashMap::new();
    for (i, l) in listeners.iter().enumerate() {
        if l.tls == ListenerTls::Terminate && l.conflict.is_none() && l.not_accepted.is_none() {
            by_port.entry(l.port).or_default().push(i);
        }
    }
    for idx in by_port.into_values() {
        if idx.len() < 2 {
            continue;
        }
        let no_host = idx
            .iter()
            .filter(|&&i| listeners[i].hostname.is_none())
            .count();
        let mut wildcards: HashMap<String, Vec<usize>> = HashMap::new();
        let mut exact: HashMap<String, Vec<usize>> = HashMap::new();
        for &i in &idx {
            if let Some(h) = &listeners[i].hostname {
                if is_wildcard(h) {
                    wildcards.entry(h[1..].to_owned()).or_default().push(i);
                } else {
                    exact.entry(h.clone()).or_default().push(i);
                }
            }
        }
        let mut marked: HashSet<usize> = HashSet::new();
        for &i in &idx {
            match &listeners[i].hostname {
                None => {
                    marked.insert(i);
                }
                Some(h) => {
                    if no_host > 0 {
                        marked.insert(i);
                    }
                    let same = if is_wildcard(h) {
                        wildcards.get(&h[1..])
                    } else {
                        exact.get(h)
                    };
                    if same.is_some_and(|v| v.len() > 1) {
                        marked.insert(i);
                    }
                    for s in suffixes(h) {
                        if let Some(w) = wildcards.get(s) {
                            for &j in w {
                                if j != i {
                                    marked.insert(i);
                                    marked.insert(j);
                                }
                            }
                        }
                    }
                }
            }
        }
        for i in marked {
            listeners[i].overlapping = true;
        }
    }
}
