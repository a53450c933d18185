//! Schema pieces and CEL rules that several kinds share: references,
//! listeners, header filters, request mirrors, session persistence.

use gateway_types::gateway::Listener;
use gateway_types::http_route::HttpRequestMirrorFilter;
use gateway_types::shared::ParentReference;

use super::ctx::Ctx;
use super::patterns::{
    GROUP, HEADER_NAME, HEADER_VALUE, HOSTNAME, KIND, NAMESPACE, PRECISE_HOSTNAME, PROTOCOL,
};
use super::schema::{List, Node, Obj, Str, exp, int, list, map, obj, opt, req, s};
use crate::Channel;

rules! {
    /// R9.
    LISTENER_TLS_NOT_ALLOWED = ("listeners.tls-not-allowed", "R9",
        "an HTTP, TCP or UDP listener has no `tls` block");
    /// R10.
    LISTENER_HTTPS_TERMINATE = ("listeners.https-tls-mode-terminate", "R10",
        "an HTTPS listener's `tls.mode` is `Terminate`");
    /// R11.
    LISTENER_TLS_MODE_REQUIRED = ("listeners.tls-mode-required", "R11",
        "a TLS listener has `tls` with a mode");
    /// R12.
    LISTENER_HOSTNAME_NOT_ALLOWED = ("listeners.hostname-not-allowed", "R12",
        "a TCP or UDP listener has no hostname");
    /// R13.
    LISTENER_UNIQUE_NAMES = ("listeners.unique-names", "R13",
        "listener names are unique");
    /// R14.
    LISTENER_UNIQUE_PORT_PROTOCOL_HOSTNAME = ("listeners.unique-port-protocol-hostname", "R14",
        "no two listeners share port, protocol and hostname");
    /// R15.
    LISTENER_TERMINATE_NEEDS_CERTIFICATE = ("listener.tls.terminate-needs-certificate", "R15",
        "a `Terminate` TLS block has a certificateRef or an option");
    /// R17 (experimental).
    PARENT_REFS_SECTION_AND_PORT_ALL_OR_NONE = ("parentrefs.section-name-and-port-all-or-none", "R17",
        "refs to one parent all set, or all omit, sectionName and port (experimental)");
    /// R18 (experimental).
    PARENT_REFS_UNIQUE_WITH_PORT = ("parentrefs.unique-with-port", "R18",
        "no two refs name the same parent, sectionName and port (experimental)");
    /// R19 (standard).
    PARENT_REFS_SECTION_ALL_OR_NONE = ("parentrefs.section-name-all-or-none", "R19",
        "refs to one parent all set, or all omit, sectionName (standard)");
    /// R20 (standard).
    PARENT_REFS_UNIQUE = ("parentrefs.unique", "R20",
        "no two refs name the same parent and sectionName (standard)");
    /// R22 (experimental).
    RULES_UNIQUE_NAMES = ("route.rules.unique-names", "R22",
        "rule names are unique (experimental, and v1alpha2 TCP/TLS/UDPRoute)");
    /// R28.
    BACKEND_SERVICE_PORT = ("backendref.service-port-required", "R28",
        "a reference to a core Service has a port");
    /// R58.
    MIRROR_PERCENT_OR_FRACTION = ("mirror.percent-or-fraction", "R58",
        "a request mirror has `percent` or `fraction`, not both");
    /// R59.
    MIRROR_FRACTION = ("mirror.fraction.numerator-within-denominator", "R59",
        "a mirror fraction's numerator is at most its denominator");
    /// R75 (experimental).
    SESSION_PERMANENT_NEEDS_TIMEOUT = ("session-persistence.permanent-needs-absolute-timeout", "R75",
        "a `Permanent` session cookie has an `absoluteTimeout` (experimental)");
    /// R76 (experimental).
    SESSION_COOKIE_CONFIG_NEEDS_COOKIE = ("session-persistence.cookie-config-needs-cookie-type", "R76",
        "`cookieConfig` only with type `Cookie` (experimental)");
}

// ---------------------------------------------------------------------------
// Schema pieces
// ---------------------------------------------------------------------------

/// An API group (P2, up to 253).
pub(crate) fn group() -> Str {
    s().max(253).pat(&GROUP)
}

/// A kind (P3, 1..63).
pub(crate) fn kind() -> Str {
    s().len(1, 63).pat(&KIND)
}

/// An object name (1..253).
pub(crate) fn name() -> Str {
    s().len(1, 253)
}

/// A namespace (P4, 1..63).
pub(crate) fn namespace() -> Str {
    s().len(1, 63).pat(&NAMESPACE)
}

/// A port number (1..65535).
pub(crate) fn port() -> Node {
    int().range(1, 65535).into()
}

/// A section name (P8, 1..253).
pub(crate) fn section_name() -> Str {
    s().len(1, 253).pat(&PRECISE_HOSTNAME)
}

/// A hostname with optional wildcard (P7, 1..253).
pub(crate) fn hostname() -> Str {
    s().len(1, 253).pat(&HOSTNAME)
}

/// A hostname without wildcard (P8, 1..253).
pub(crate) fn precise_hostname() -> Str {
    s().len(1, 253).pat(&PRECISE_HOSTNAME)
}

/// A Gateway API duration (P14).
pub(crate) fn duration() -> Str {
    s().pat(&super::patterns::DURATION)
}

/// A route's `parentRefs[]` entry.
pub(crate) fn parent_ref() -> Obj {
    obj([
        opt("group", group()),
        opt("kind", kind()),
        opt("namespace", namespace()),
        req("name", name()),
        opt("sectionName", section_name()),
        opt("port", port()),
    ])
}

/// A route's `parentRefs` (0..32).
pub(crate) fn parent_refs() -> List {
    list(parent_ref()).max(32)
}

/// A route's `hostnames` (0..16).
pub(crate) fn route_hostnames() -> List {
    list(hostname()).max(16)
}

/// A BackendObjectReference.
pub(crate) fn backend_object_ref() -> Obj {
    obj([
        opt("group", group()),
        opt("kind", kind()),
        req("name", name()),
        opt("namespace", namespace()),
        opt("port", port()),
    ])
}

/// The fields of a BackendRef, then `extra` (HTTP and gRPC add `filters`).
pub(crate) fn backend_ref_with(extra: Option<super::schema::Field>) -> Obj {
    obj([
        opt("group", group()),
        opt("kind", kind()),
        req("name", name()),
        opt("namespace", namespace()),
        opt("port", port()),
        opt("weight", int().range(0, 1_000_000)),
        extra,
    ])
}

/// A SecretObjectReference.
pub(crate) fn secret_ref() -> Obj {
    obj([
        opt("group", group()),
        opt("kind", kind()),
        req("name", name()),
        opt("namespace", namespace()),
    ])
}

/// A LocalObjectReference (group, kind, name, all required).
pub(crate) fn local_object_ref() -> Obj {
    obj([
        req("group", group()),
        req("kind", kind()),
        req("name", name()),
    ])
}

/// An ObjectReference (LocalObjectReference plus an optional namespace).
pub(crate) fn object_ref() -> Obj {
    obj([
        req("group", group()),
        req("kind", kind()),
        req("name", name()),
        opt("namespace", namespace()),
    ])
}

/// A Kubernetes LabelSelector.
pub(crate) fn label_selector() -> Obj {
    obj([
        opt(
            "matchExpressions",
            list(obj([
                req("key", s()),
                req("operator", s()),
                opt("values", list(s())),
            ])),
        ),
        opt("matchLabels", map(s())),
    ])
}

/// A header modifier filter (`requestHeaderModifier`, `responseHeaderModifier`).
pub(crate) fn header_filter(ch: Channel) -> Obj {
    let header = || {
        let mut value = s().len(1, 4096);
        if ch == Channel::Experimental {
            value = value.pat(&HEADER_VALUE);
        }
        obj([
            req("name", s().len(1, 256).pat(&HEADER_NAME)),
            req("value", value),
        ])
    };
    obj([
        opt("set", list(header()).max(16).keyed(&["name"])),
        opt("add", list(header()).max(16).keyed(&["name"])),
        opt("remove", list(s()).max(16).set()),
    ])
}

/// A header match value: 1..4096, with P13 in the experimental channel.
pub(crate) fn header_match_value(ch: Channel) -> Str {
    let value = s().len(1, 4096);
    if ch == Channel::Experimental {
        value.pat(&HEADER_VALUE)
    } else {
        value
    }
}

/// A request mirror filter.
pub(crate) fn request_mirror() -> Obj {
    obj([
        req("backendRef", backend_object_ref()),
        opt("percent", int().range(0, 100)),
        opt(
            "fraction",
            obj([
                req("numerator", int().min(0)),
                opt("denominator", int().min(1)),
            ]),
        ),
    ])
}

/// A rule's `sessionPersistence` (experimental only).
pub(crate) fn session_persistence(ch: Channel) -> Option<super::schema::Field> {
    exp(
        ch,
        "sessionPersistence",
        obj([
            opt("sessionName", s().max(128)),
            opt("absoluteTimeout", duration()),
            opt("type", s().one_of(&["Cookie", "Header"])),
            opt(
                "cookieConfig",
                obj([opt("lifetimeType", s().one_of(&["Permanent", "Session"]))]),
            ),
        ]),
    )
}

/// A `useDefaultGateways` field (experimental only).
pub(crate) fn use_default_gateways(ch: Channel) -> Option<super::schema::Field> {
    exp(ch, "useDefaultGateways", s().one_of(&["All", "None"]))
}

/// A Gateway or ListenerSet listener.
pub(crate) fn listener() -> Obj {
    obj([
        req("name", section_name()),
        opt("hostname", hostname()),
        req("port", port()),
        req("protocol", s().len(1, 255).pat(&PROTOCOL)),
        opt(
            "tls",
            obj([
                opt("mode", s().one_of(&["Terminate", "Passthrough"])),
                opt("certificateRefs", list(secret_ref()).max(64)),
                opt("options", map(s().max(4096)).max(16)),
            ]),
        ),
        opt(
            "allowedRoutes",
            obj([
                opt(
                    "namespaces",
                    obj([
                        opt("from", s().one_of(&["All", "Selector", "Same"])),
                        opt("selector", label_selector()),
                    ]),
                ),
                opt(
                    "kinds",
                    list(obj([opt("group", group()), req("kind", kind())])).max(8),
                ),
            ]),
        ),
    ])
}

/// Gateway and ListenerSet `listeners` (1..64, keyed by name).
pub(crate) fn listeners() -> List {
    list(listener()).items(1, 64).keyed(&["name"])
}

// ---------------------------------------------------------------------------
// CEL rules
// ---------------------------------------------------------------------------

/// R9-R15 on Gateway or ListenerSet `spec.listeners` (defaulted).
pub(crate) fn check_listeners(listeners: &[Listener], ctx: &mut Ctx<'_>) {
    for (i, l) in listeners.iter().enumerate() {
        let path = format!("spec.listeners[{i}]");
        let protocol = l.protocol.as_str();
        if matches!(protocol, "HTTP" | "TCP" | "UDP") && l.tls.is_some() {
            ctx.error(
                &format!("{path}.tls"),
                LISTENER_TLS_NOT_ALLOWED,
                format!("a {protocol} listener cannot have `tls`; remove it or use HTTPS or TLS"),
            );
        }
        if protocol == "HTTPS"
            && let Some(tls) = &l.tls
        {
            let mode = tls.mode.as_ref().map_or("", |m| m.as_str());
            if !(mode.is_empty() || mode == "Terminate") {
                ctx.error(
                    &format!("{path}.tls.mode"),
                    LISTENER_HTTPS_TERMINATE,
                    format!(
                        "an HTTPS listener terminates TLS, but mode is `{mode}`; set `Terminate` \
                         or use protocol TLS for passthrough"
                    ),
                );
            }
        }
        if protocol == "TLS" {
            let mode = l.tls.as_ref().and_then(|t| t.mode.as_ref());
            if mode.is_none_or(|m| m.as_str().is_empty()) {
                ctx.error(
                    &path,
                    LISTENER_TLS_MODE_REQUIRED,
                    "a TLS listener needs a `tls` block with a mode; add `tls` with \
                     `mode: Passthrough` or `mode: Terminate`",
                );
            }
        }
        if matches!(protocol, "TCP" | "UDP") && l.hostname.as_deref().is_some_and(|h| !h.is_empty())
        {
            ctx.error(
                &format!("{path}.hostname"),
                LISTENER_HOSTNAME_NOT_ALLOWED,
                format!("a {protocol} listener cannot have a hostname; remove it"),
            );
        }
        if let Some(first) = listeners[..i].iter().position(|o| o.name == l.name) {
            ctx.error(
                &format!("{path}.name"),
                LISTENER_UNIQUE_NAMES,
                format!(
                    "listener name `{}` is already used by listener [{first}]; rename one",
                    l.name
                ),
            );
        }
        let same = |o: &Listener| {
            o.port == l.port
                && o.protocol == l.protocol
                && match (&o.hostname, &l.hostname) {
                    (Some(a), Some(b)) => a == b,
                    (None, None) => true,
                    _ => false,
                }
        };
        if let Some(first) = listeners[..i].iter().position(same) {
            ctx.error(
                &path,
                LISTENER_UNIQUE_PORT_PROTOCOL_HOSTNAME,
                format!(
                    "listener [{first}] already has port {}, protocol {} and the same hostname; \
                     change the port or the hostname of one",
                    l.port, l.protocol
                ),
            );
        }
        if let Some(tls) = &l.tls
            && tls.mode.as_ref().is_some_and(|m| m.as_str() == "Terminate")
            && tls.certificate_refs.as_ref().is_none_or(Vec::is_empty)
            && tls.options.as_ref().is_none_or(|o| o.is_empty())
        {
            ctx.error(
                &format!("{path}.tls"),
                LISTENER_TERMINATE_NEEDS_CERTIFICATE,
                "terminating TLS needs a certificate; add a `certificateRefs` entry (or an \
                 implementation-specific option)",
            );
        }
    }
}

/// Whether two (defaulted) parentRefs name the same parent: group, kind,
/// name, and namespace where absent and empty are equal to each other only.
fn same_parent(a: &ParentReference, b: &ParentReference) -> bool {
    let ns = |p: &ParentReference| p.namespace.clone().filter(|n| !n.is_empty());
    a.group == b.group && a.kind == b.kind && a.name == b.name && ns(a) == ns(b)
}

fn section_set(p: &ParentReference) -> bool {
    p.section_name.as_deref().is_some_and(|s| !s.is_empty())
}

fn port_set(p: &ParentReference) -> bool {
    p.port.is_some_and(|p| p != 0)
}

/// `(both unset) || (both present && equal)`, the CEL rules' equality of an
/// optional field (presence, not "set", on the right-hand side).
fn opt_equal<T: PartialEq>(
    a: Option<&T>,
    b: Option<&T>,
    unset: impl Fn(Option<&T>) -> bool,
) -> bool {
    (unset(a) && unset(b)) || matches!((a, b), (Some(x), Some(y)) if x == y)
}

/// R17-R20 on a route's `spec.parentRefs` (defaulted), by channel.
pub(crate) fn check_parent_refs(refs: &[ParentReference], ctx: &mut Ctx<'_>) {
    let with_port = ctx.experimental();
    let section_eq = |a: &ParentReference, b: &ParentReference| {
        opt_equal(a.section_name.as_ref(), b.section_name.as_ref(), |s| {
            s.is_none_or(|s| s.is_empty())
        })
    };
    let port_eq = |a: &ParentReference, b: &ParentReference| {
        opt_equal(a.port.as_ref(), b.port.as_ref(), |p| {
            p.is_none_or(|p| *p == 0)
        })
    };
    // R17 / R19: all or none.
    let mut reported = false;
    'outer: for (i, a) in refs.iter().enumerate() {
        for b in &refs[i + 1..] {
            if !same_parent(a, b) {
                continue;
            }
            if section_set(a) != section_set(b) {
                let (rule, what) = if with_port {
                    (PARENT_REFS_SECTION_AND_PORT_ALL_OR_NONE, "sectionName")
                } else {
                    (PARENT_REFS_SECTION_ALL_OR_NONE, "sectionName")
                };
                ctx.error(
                    "spec.parentRefs",
                    rule,
                    format!(
                        "refs to parent `{}` mix set and unset {what}; set it on all of them or on none",
                        a.name
                    ),
                );
                reported = true;
            } else if with_port && port_set(a) != port_set(b) {
                ctx.error(
                    "spec.parentRefs",
                    PARENT_REFS_SECTION_AND_PORT_ALL_OR_NONE,
                    format!(
                        "refs to parent `{}` mix set and unset port; set it on all of them or on none",
                        a.name
                    ),
                );
                reported = true;
            }
            if reported {
                break 'outer;
            }
        }
    }
    // R18 / R20: each ref matches exactly one (itself).
    for (i, a) in refs.iter().enumerate() {
        let dup = refs[..i]
            .iter()
            .position(|b| same_parent(a, b) && section_eq(a, b) && (!with_port || port_eq(a, b)));
        if let Some(first) = dup {
            let rule = if with_port {
                PARENT_REFS_UNIQUE_WITH_PORT
            } else {
                PARENT_REFS_UNIQUE
            };
            ctx.error(
                &format!("spec.parentRefs[{i}]"),
                rule,
                format!(
                    "refers to the same parent as parentRefs[{first}]; remove one or give them \
                     different sectionNames"
                ),
            );
        }
    }
}

/// R22 on `spec.rules` names.
pub(crate) fn check_rule_names<'a>(
    names: impl Iterator<Item = Option<&'a str>>,
    ctx: &mut Ctx<'_>,
) {
    let names: Vec<Option<&str>> = names.collect();
    for (i, name) in names.iter().enumerate() {
        let Some(name) = name else { continue };
        if let Some(first) = names[..i].iter().position(|n| n == &Some(*name)) {
            ctx.error(
                &format!("spec.rules[{i}].name"),
                RULES_UNIQUE_NAMES,
                format!("rule name `{name}` is already used by rules[{first}]; rename one"),
            );
        }
    }
}

/// R28 on a defaulted backend reference at `path`.
pub(crate) fn check_backend_port(
    group: Option<&str>,
    kind: Option<&str>,
    port: Option<i32>,
    path: &str,
    ctx: &mut Ctx<'_>,
) {
    let group = group.unwrap_or("");
    let kind = kind.unwrap_or("Service");
    if group.is_empty() && kind == "Service" && port.is_none() {
        ctx.error(
            path,
            BACKEND_SERVICE_PORT,
            "a reference to a Service needs a `port`; add the Service port to send to",
        );
    }
}

/// R58, R59 and R28 on a request mirror at `path`.
pub(crate) fn check_mirror(m: &HttpRequestMirrorFilter, path: &str, ctx: &mut Ctx<'_>) {
    let b = &m.backend_ref;
    check_backend_port(
        b.group.as_deref(),
        b.kind.as_deref(),
        b.port,
        &format!("{path}.backendRef"),
        ctx,
    );
    if m.percent.is_some() && m.fraction.is_some() {
        ctx.error(
            path,
            MIRROR_PERCENT_OR_FRACTION,
            "give either `percent` or `fraction`, not both; remove one",
        );
    }
    if let Some(f) = &m.fraction {
        let denominator = f.denominator_or_default();
        if f.numerator > denominator {
            ctx.error(
                &format!("{path}.fraction"),
                MIRROR_FRACTION,
                format!(
                    "numerator {} is greater than denominator {denominator}; mirror at most all requests",
                    f.numerator
                ),
            );
        }
    }
}

/// R75, R76 on a defaulted `sessionPersistence` at `path`.
#[cfg(feature = "experimental")]
pub(crate) fn check_session_persistence(
    sp: &gateway_types::shared::SessionPersistence,
    path: &str,
    ctx: &mut Ctx<'_>,
) {
    use gateway_types::shared::{CookieLifetimeType, SessionPersistenceType};
    if let Some(cookie) = &sp.cookie_config {
        if cookie.lifetime_type == Some(CookieLifetimeType::Permanent)
            && sp.absolute_timeout.is_none()
        {
            ctx.error(
                path,
                SESSION_PERMANENT_NEEDS_TIMEOUT,
                "a `Permanent` cookie needs an `absoluteTimeout`; add one or use lifetimeType `Session`",
            );
        }
        if sp
            .type_
            .as_ref()
            .is_some_and(|t| *t != SessionPersistenceType::Cookie)
        {
            ctx.error(
                path,
                SESSION_COOKIE_CONFIG_NEEDS_COOKIE,
                "`cookieConfig` applies only to type `Cookie`; remove it or set type `Cookie`",
            );
        }
    }
}

/// The `rules` of a TLS, TCP or UDP route: exactly one rule in v1, up to 16
/// in the deprecated v1alpha2.
pub(crate) fn l4_rules(v1alpha2: bool) -> List {
    let rule = obj([
        opt("name", section_name()),
        req("backendRefs", list(backend_ref_with(None)).items(1, 16)),
    ]);
    list(rule).items(1, if v1alpha2 { 16 } else { 1 })
}

/// The CEL rules of a TLS, TCP or UDP route's `parentRefs` and `rules`:
/// R17-R20, R28, and R22 for v1alpha2 in the experimental channel.
pub(crate) fn check_l4(
    parent_refs: Option<&[ParentReference]>,
    rules: &[(Option<&str>, &[gateway_types::shared::BackendRef])],
    ctx: &mut Ctx<'_>,
) {
    check_parent_refs(parent_refs.unwrap_or(&[]), ctx);
    if ctx.version == "v1alpha2" && ctx.experimental() {
        check_rule_names(rules.iter().map(|(n, _)| *n), ctx);
    }
    for (i, (_, backends)) in rules.iter().enumerate() {
        for (j, b) in backends.iter().enumerate() {
            check_backend_port(
                b.group.as_deref(),
                b.kind.as_deref(),
                b.port,
                &format!("spec.rules[{i}].backendRefs[{j}]"),
                ctx,
            );
        }
    }
}

/// Schemas of a kind whose deprecated v1alpha2 differs from v1.
pub(crate) struct L4Schemas {
    standard: Node,
    experimental: Node,
    experimental_v1alpha2: Node,
}

impl L4Schemas {
    /// Builds the three schemas from `f(channel, v1alpha2)`.
    pub(crate) fn build(f: fn(Channel, bool) -> Node) -> Self {
        Self {
            standard: f(Channel::Standard, false),
            experimental: f(Channel::Experimental, false),
            experimental_v1alpha2: f(Channel::Experimental, true),
        }
    }

    /// The schema for the context's channel and version.
    pub(crate) fn get(&self, ctx: &Ctx<'_>) -> &Node {
        self.get_for(ctx.channel, ctx.version)
    }

    /// The schema for a channel and version.
    pub(crate) fn get_for(&self, channel: Channel, version: &str) -> &Node {
        match channel {
            Channel::Standard => &self.standard,
            Channel::Experimental if version == "v1alpha2" => &self.experimental_v1alpha2,
            Channel::Experimental => &self.experimental,
        }
    }
}
