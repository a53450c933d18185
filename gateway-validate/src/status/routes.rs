//! One view of the five route kinds: parents, hostnames, and per rule its
//! validity and the references it makes.
//!
//! # Rule validity (spec 4.1.6 check 4, 9)
//!
//! A rule is dropped (and counts toward `PartiallyInvalid`, or makes the
//! parent `Accepted=False` when no rule is left) when it holds something this
//! implementation cannot serve:
//!
//! - `UnsupportedValue`: an enumeration value it does not know (path, header,
//!   query or gRPC method match type, HTTP method, filter type, redirect
//!   scheme, path modifier type); a redirect status code other than 301, 302,
//!   303, 307, 308; a regular expression that does not compile (RE2 syntax, as
//!   the `regex` crate reads it); a filter whose configuration is missing; a
//!   header modifier naming one header twice (case-insensitively, across
//!   `set`, `add` and `remove`); `ReplacePrefixMatch` on a rule whose matches
//!   are not exactly one `PathPrefix` match.
//! - `IncompatibleFilters`: a `RequestRedirect` together with a `URLRewrite`
//!   (rule level, backendRef level, or across the two), or a rule-level
//!   `RequestRedirect` with backendRefs.
//!
//! Invalid backends never drop a rule: their share of requests gets errors
//! and the route reports `ResolvedRefs=False`.

use std::collections::HashSet;

use gateway_types::grpc_route::{GrpcMethodMatchType, GrpcRouteFilter, GrpcRouteFilterType};
use gateway_types::http_route::{
    HttpHeaderFilter, HttpPathModifier, HttpPathModifierType, HttpRouteFilter, HttpRouteFilterType,
    HttpRouteMatch, PathMatchType,
};
use gateway_types::load::Source;
use gateway_types::routing::RouteObject;
use gateway_types::shared::{BackendObjectReference, LocalObjectReference, ParentReference};
use gateway_types::{MetaExt, ObjectMeta};

use super::world::Age;
use crate::condition::Reason;

/// The five route kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Kind {
    Http,
    Grpc,
    Tls,
    Tcp,
    Udp,
}

impl Kind {
    /// Every kind, in the order `supportedKinds` lists them.
    pub(super) const ALL: [Self; 5] = [Self::Http, Self::Grpc, Self::Tls, Self::Tcp, Self::Udp];

    /// The kind name (`HTTPRoute`).
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Http => "HTTPRoute",
            Self::Grpc => "GRPCRoute",
            Self::Tls => "TLSRoute",
            Self::Tcp => "TCPRoute",
            Self::Udp => "UDPRoute",
        }
    }

    /// The kind named `s`, if it is a route kind.
    pub(super) fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether routes of this kind carry hostnames.
    pub(super) fn has_hostnames(self) -> bool {
        matches!(self, Self::Http | Self::Grpc | Self::Tls)
    }
}

/// A backend reference, defaulted, borrowed from the route object it is
/// read from.
#[derive(Debug, Clone, Copy)]
pub(super) struct BackendSpec<'a> {
    pub(super) group: &'a str,
    pub(super) kind: &'a str,
    pub(super) namespace: Option<&'a str>,
    pub(super) name: &'a str,
    pub(super) port: Option<i32>,
    pub(super) weight: i32,
}

/// The [`BackendSpec`] of a backend reference type (the reference fields are
/// flattened in HTTP, gRPC and plain backendRefs and in
/// `BackendObjectReference`, so one macro reads them all), with the weight
/// it names, or the reference's own `weight` field.
macro_rules! backend_spec {
    ($r:expr) => {{
        let r = $r;
        backend_spec!(r, r.weight)
    }};
    ($r:expr, $weight:expr) => {{
        let r = $r;
        BackendSpec::defaulted(
            r.group.as_deref(),
            r.kind.as_deref(),
            r.namespace.as_deref(),
            &r.name,
            r.port,
            $weight,
        )
    }};
}

impl<'a> BackendSpec<'a> {
    /// The target of a filter (a mirror, an external auth service), which
    /// has no weight.
    fn new(r: &'a BackendObjectReference) -> Self {
        backend_spec!(r, None)
    }

    /// Applies the API server's defaults (group `""`, kind `Service`,
    /// weight 1) to fields read from a reference.
    fn defaulted(
        group: Option<&'a str>,
        kind: Option<&'a str>,
        namespace: Option<&'a str>,
        name: &'a str,
        port: Option<i32>,
        weight: Option<i32>,
    ) -> Self {
        Self {
            group: group.unwrap_or(""),
            kind: kind.unwrap_or("Service"),
            namespace,
            name,
            port,
            weight: weight.unwrap_or(1),
        }
    }
}

/// A reference that counts toward `ResolvedRefs` but is not a weighted backend.
#[derive(Debug, Clone)]
pub(super) enum ExtraRef<'a> {
    /// A backend called by a filter (ExternalAuth, an experimental-channel
    /// filter: without that feature nothing builds this variant).
    #[cfg_attr(not(feature = "experimental"), allow(dead_code))]
    Backend(BackendSpec<'a>),
    /// An `ExtensionRef` filter's object.
    Extension(&'a LocalObjectReference),
}

/// One rule of a route.
#[derive(Debug, Clone, Default)]
pub(super) struct Rule<'a> {
    /// Why the rule is dropped, if it is.
    pub(super) invalid: Option<(Reason, String)>,
    /// `backendRefs`, in order.
    pub(super) backends: Vec<BackendSpec<'a>>,
    /// Rule-level `RequestMirror` filters: `(filter index, target)`.
    pub(super) mirrors: Vec<(usize, BackendSpec<'a>)>,
    /// BackendRef-level `RequestMirror` filters: `(backendRef index, filter
    /// index, target)`.
    pub(super) backend_mirrors: Vec<(usize, usize, BackendSpec<'a>)>,
    /// Other references, in rule order.
    pub(super) extra: Vec<ExtraRef<'a>>,
}

impl<'a> Rule<'a> {
    /// Records the `RequestMirror` filter at `filter` index: on the rule, or
    /// on the backendRef pushed last (a backendRef's filters are read right
    /// after the backendRef itself).
    fn push_mirror(&mut self, filter: usize, target: BackendSpec<'a>, rule_level: bool) {
        if rule_level {
            self.mirrors.push((filter, target));
        } else {
            let backend = self.backends.len().saturating_sub(1);
            self.backend_mirrors.push((backend, filter, target));
        }
    }
}

/// A route of any kind, defaulted. The record borrows the defaulted route
/// object (shared with the routing view) and reads its fields in place.
#[derive(Debug)]
pub(super) struct Route<'a> {
    pub(super) kind: Kind,
    pub(super) ns: &'a str,
    pub(super) name: &'a str,
    pub(super) generation: Option<i64>,
    pub(super) age: Age,
    pub(super) created: Option<i64>,
    /// Lowercased `spec.hostnames` (empty for TCP and UDP).
    pub(super) hostnames: Vec<String>,
    pub(super) rules: Vec<Rule<'a>>,
    pub(super) object: &'a RouteObject,
    pub(super) source: Option<&'a Source>,
}

impl<'a> Route<'a> {
    /// `(age, namespace, name)`: "oldest first, then by name".
    pub(super) fn order_key(&self) -> (Age, &'a str, &'a str) {
        (self.age, self.ns, self.name)
    }

    /// The route's `spec.parentRefs`.
    pub(super) fn parent_refs(&self) -> &'a [ParentReference] {
        match self.object {
            RouteObject::Http(r) => r.spec.parent_refs.as_deref().unwrap_or_default(),
            RouteObject::Grpc(r) => r.spec.parent_refs.as_deref().unwrap_or_default(),
            RouteObject::Tls(r) => r.spec.parent_refs(),
            RouteObject::Tcp(r) => r.spec.parent_refs(),
            RouteObject::Udp(r) => r.spec.parent_refs(),
            _ => &[],
        }
    }

    /// Whether the route asks for the default Gateways
    /// (`spec.useDefaultGateways: All`, GEP-3793).
    #[cfg(feature = "experimental")]
    pub(super) fn uses_default_gateways(&self) -> bool {
        use gateway_types::shared::GatewayDefaultScope;
        let scope = match self.object {
            RouteObject::Http(r) => r.spec.use_default_gateways.as_ref(),
            RouteObject::Grpc(r) => r.spec.use_default_gateways.as_ref(),
            RouteObject::Tls(r) => r.spec.use_default_gateways.as_ref(),
            RouteObject::Tcp(r) => r.spec.use_default_gateways.as_ref(),
            RouteObject::Udp(r) => r.spec.use_default_gateways.as_ref(),
            _ => None,
        };
        scope == Some(&GatewayDefaultScope::All)
    }

    /// Without the `experimental` feature no route asks for default Gateways.
    #[cfg(not(feature = "experimental"))]
    pub(super) fn uses_default_gateways(&self) -> bool {
        false
    }

    /// Builds the view of a defaulted route object, read `seq`th.
    pub(super) fn new(object: &'a RouteObject, seq: usize, source: Option<&'a Source>) -> Self {
        let (kind, hostnames, rules): (_, &[String], Vec<Rule<'a>>) = match object {
            RouteObject::Http(r) => (
                Kind::Http,
                r.spec.hostnames.as_deref().unwrap_or_default(),
                r.spec.rules_or_default().iter().map(http_rule).collect(),
            ),
            RouteObject::Grpc(r) => (
                Kind::Grpc,
                r.spec.hostnames.as_deref().unwrap_or_default(),
                r.spec.rules.iter().flatten().map(grpc_rule).collect(),
            ),
            RouteObject::Tls(r) => (
                Kind::Tls,
                r.spec.hostnames(),
                r.spec
                    .rules
                    .iter()
                    .map(|x| plain_rule(&x.backend_refs))
                    .collect(),
            ),
            RouteObject::Tcp(r) => (
                Kind::Tcp,
                &[],
                r.spec
                    .rules
                    .iter()
                    .map(|x| plain_rule(&x.backend_refs))
                    .collect(),
            ),
            RouteObject::Udp(r) => (
                Kind::Udp,
                &[],
                r.spec
                    .rules
                    .iter()
                    .map(|x| plain_rule(&x.backend_refs))
                    .collect(),
            ),
            // `RouteObject` is non-exhaustive; a snapshot entry holds only
            // the five kinds above.
            _ => (Kind::Http, &[], Vec::new()),
        };
        let meta: &'a ObjectMeta = object.metadata();
        let (age, created) = Age::of(meta, seq);
        Self {
            kind,
            ns: meta.namespace_str().unwrap_or("default"),
            name: meta.name_str(),
            generation: meta.generation,
            age,
            created,
            hostnames: lowercase(hostnames),
            rules,
            source,
            object,
        }
    }
}

fn lowercase(hosts: &[String]) -> Vec<String> {
    hosts.iter().map(|h| h.to_ascii_lowercase()).collect()
}

fn plain_rule(refs: &[gateway_types::shared::BackendRef]) -> Rule<'_> {
    Rule {
        backends: refs.iter().map(|b| backend_spec!(b)).collect(),
        ..Rule::default()
    }
}

/// Records the first problem of a rule.
struct Check(Option<(Reason, String)>);

impl Check {
    fn fail(&mut self, reason: Reason, msg: impl FnOnce() -> String) {
        if self.0.is_none() {
            self.0 = Some((reason, msg()));
        }
    }

    fn regex(&mut self, what: &str, pattern: &str) {
        if let Err(e) = regex::RegexBuilder::new(pattern)
            .size_limit(1 << 20)
            .build()
        {
            self.fail(Reason::UnsupportedValue, || {
                format!("{what} regular expression {pattern:?} is not supported: {e}")
            });
        }
    }

    fn known(&mut self, what: &str, known: bool, value: &str) {
        if !known {
            self.fail(Reason::UnsupportedValue, || {
                format!("{what} {value:?} is not supported")
            });
        }
    }

    fn header_modifier(&mut self, f: &HttpHeaderFilter) {
        let mut seen = HashSet::new();
        let names = f
            .set
            .iter()
            .flatten()
            .map(|h| h.name.as_str())
            .chain(f.add.iter().flatten().map(|h| h.name.as_str()))
            .chain(f.remove.iter().flatten().map(String::as_str));
        for n in names {
            if !seen.insert(n.to_ascii_lowercase()) {
                self.fail(Reason::UnsupportedValue, || {
                    format!("header modifier names header {n:?} more than once")
                });
            }
        }
    }

    fn path_modifier(&mut self, m: &HttpPathModifier, single_prefix: bool) {
        match &m.type_ {
            HttpPathModifierType::ReplacePrefixMatch if !single_prefix => {
                self.fail(Reason::UnsupportedValue, || {
                    "ReplacePrefixMatch needs a rule with exactly one PathPrefix match".to_owned()
                });
            }
            t => self.known("path modifier type", t.is_known(), t.as_str()),
        }
    }
}

/// What the filters of one list hold, for combination checks.
#[derive(Default)]
struct FilterSummary {
    redirect: bool,
    rewrite: bool,
}

fn http_filters<'a>(
    c: &mut Check,
    filters: &'a [HttpRouteFilter],
    single_prefix: bool,
    rule: &mut Rule<'a>,
    rule_level: bool,
) -> FilterSummary {
    let mut s = FilterSummary::default();
    for (i, f) in filters.iter().enumerate() {
        let missing = |c: &mut Check| {
            c.fail(Reason::UnsupportedValue, || {
                format!("filter {} has no configuration", f.type_)
            })
        };
        match &f.type_ {
            HttpRouteFilterType::RequestHeaderModifier => match &f.request_header_modifier {
                Some(m) => c.header_modifier(m),
                None => missing(c),
            },
            HttpRouteFilterType::ResponseHeaderModifier => match &f.response_header_modifier {
                Some(m) => c.header_modifier(m),
                None => missing(c),
            },
            HttpRouteFilterType::RequestMirror => match &f.request_mirror {
                Some(m) => rule.push_mirror(i, BackendSpec::new(&m.backend_ref), rule_level),
                None => missing(c),
            },
            HttpRouteFilterType::RequestRedirect => {
                s.redirect = true;
                match &f.request_redirect {
                    Some(r) => {
                        if let Some(scheme) = &r.scheme {
                            c.known("redirect scheme", scheme.is_known(), scheme.as_str());
                        }
                        let code = r.status_code_or_default();
                        if ![301, 302, 303, 307, 308].contains(&code) {
                            c.fail(Reason::UnsupportedValue, || {
                                format!("redirect status code {code} is not supported")
                            });
                        }
                        if let Some(p) = &r.path {
                            c.path_modifier(p, single_prefix);
                        }
                    }
                    None => missing(c),
                }
            }
            HttpRouteFilterType::UrlRewrite => {
                s.rewrite = true;
                match &f.url_rewrite {
                    Some(r) => {
                        if let Some(p) = &r.path {
                            c.path_modifier(p, single_prefix);
                        }
                    }
                    None => missing(c),
                }
            }
            HttpRouteFilterType::Cors => {
                if f.cors.is_none() {
                    missing(c);
                }
            }
            HttpRouteFilterType::ExtensionRef => match &f.extension_ref {
                Some(r) => rule.extra.push(ExtraRef::Extension(r)),
                None => missing(c),
            },
            HttpRouteFilterType::ExternalAuth => external_auth(c, f, rule),
            other => c.known("filter type", false, other.as_str()),
        }
    }
    s
}

#[cfg(feature = "experimental")]
fn external_auth<'a>(c: &mut Check, f: &'a HttpRouteFilter, rule: &mut Rule<'a>) {
    match &f.external_auth {
        Some(a) => {
            c.known(
                "external auth protocol",
                a.protocol.is_known(),
                a.protocol.as_str(),
            );
            rule.extra
                .push(ExtraRef::Backend(BackendSpec::new(&a.backend_ref)));
        }
        None => c.fail(Reason::UnsupportedValue, || {
            "filter ExternalAuth has no configuration".to_owned()
        }),
    }
}

/// Without the `experimental` feature the ExternalAuth configuration is not
/// read, so the filter cannot be served.
#[cfg(not(feature = "experimental"))]
fn external_auth(c: &mut Check, _f: &HttpRouteFilter, _rule: &mut Rule<'_>) {
    c.fail(Reason::UnsupportedValue, || {
        "filter ExternalAuth needs the experimental channel (feature `experimental`)".to_owned()
    });
}

fn http_match(c: &mut Check, m: &HttpRouteMatch) {
    let path = m.path_or_default();
    match path.type_or_default() {
        PathMatchType::RegularExpression => c.regex("path", path.value_or_default()),
        t => c.known("path match type", t.is_known(), t.as_str()),
    }
    for h in m.headers.iter().flatten() {
        let t = h.type_or_default();
        c.known("header match type", t.is_known(), t.as_str());
        if t.as_str() == "RegularExpression" {
            c.regex("header", &h.value);
        }
    }
    for q in m.query_params.iter().flatten() {
        let t = q.type_or_default();
        c.known("query parameter match type", t.is_known(), t.as_str());
        if t.as_str() == "RegularExpression" {
            c.regex("query parameter", &q.value);
        }
    }
    if let Some(method) = &m.method {
        c.known("method", method.is_known(), method.as_str());
    }
}

fn http_rule(r: &gateway_types::http_route::HttpRouteRule) -> Rule<'_> {
    let mut rule = Rule::default();
    let mut c = Check(None);
    let matches = r.effective_matches();
    for m in matches {
        http_match(&mut c, m);
    }
    let single_prefix = matches.len() == 1
        && *matches[0].path_or_default().type_or_default() == PathMatchType::PathPrefix;
    let top = http_filters(
        &mut c,
        r.filters.as_deref().unwrap_or_default(),
        single_prefix,
        &mut rule,
        true,
    );
    let backends = r.backend_refs.as_deref().unwrap_or_default();
    if top.redirect && top.rewrite {
        c.fail(Reason::IncompatibleFilters, || {
            "RequestRedirect and URLRewrite cannot be combined".to_owned()
        });
    }
    if top.redirect && !backends.is_empty() {
        c.fail(Reason::IncompatibleFilters, || {
            "a rule with a RequestRedirect filter cannot have backendRefs".to_owned()
        });
    }
    for b in backends {
        rule.backends.push(backend_spec!(b));
        let s = http_filters(
            &mut c,
            b.filters.as_deref().unwrap_or_default(),
            single_prefix,
            &mut rule,
            false,
        );
        if (s.redirect || top.redirect) && (s.rewrite || top.rewrite) {
            c.fail(Reason::IncompatibleFilters, || {
                "RequestRedirect and URLRewrite cannot be combined".to_owned()
            });
        }
    }
    rule.invalid = c.0;
    rule
}

fn grpc_filters<'a>(
    c: &mut Check,
    filters: &'a [GrpcRouteFilter],
    rule: &mut Rule<'a>,
    rule_level: bool,
) {
    for (i, f) in filters.iter().enumerate() {
        let missing = |c: &mut Check| {
            c.fail(Reason::UnsupportedValue, || {
                format!("filter {} has no configuration", f.type_)
            })
        };
        match &f.type_ {
            GrpcRouteFilterType::RequestHeaderModifier => match &f.request_header_modifier {
                Some(m) => c.header_modifier(m),
                None => missing(c),
            },
            GrpcRouteFilterType::ResponseHeaderModifier => match &f.response_header_modifier {
                Some(m) => c.header_modifier(m),
                None => missing(c),
            },
            GrpcRouteFilterType::RequestMirror => match &f.request_mirror {
                Some(m) => rule.push_mirror(i, BackendSpec::new(&m.backend_ref), rule_level),
                None => missing(c),
            },
            GrpcRouteFilterType::ExtensionRef => match &f.extension_ref {
                Some(r) => rule.extra.push(ExtraRef::Extension(r)),
                None => missing(c),
            },
            other => c.known("filter type", false, other.as_str()),
        }
    }
}

fn grpc_rule(r: &gateway_types::grpc_route::GrpcRouteRule) -> Rule<'_> {
    let mut rule = Rule::default();
    let mut c = Check(None);
    for m in r.matches.iter().flatten() {
        if let Some(mm) = &m.method {
            let t = mm.type_or_default();
            c.known("method match type", t.is_known(), t.as_str());
            if *t == GrpcMethodMatchType::RegularExpression {
                for v in [&mm.service, &mm.method].into_iter().flatten() {
                    c.regex("method match", v);
                }
            }
        }
        for h in m.headers.iter().flatten() {
            let t = h.type_or_default();
            c.known("header match type", t.is_known(), t.as_str());
            if t.as_str() == "RegularExpression" {
                c.regex("header", &h.value);
            }
        }
    }
    grpc_filters(
        &mut c,
        r.filters.as_deref().unwrap_or_default(),
        &mut rule,
        true,
    );
    for b in r.backend_refs.iter().flatten() {
        rule.backends.push(backend_spec!(b));
        grpc_filters(
            &mut c,
            b.filters.as_deref().unwrap_or_default(),
            &mut rule,
            false,
        );
    }
    rule.invalid = c.0;
    rule
}

/// Spec 10.6: a TLSRoute, TCPRoute or UDPRoute stored through the deprecated
/// v1alpha2 version can hold several rules, read as v1. Their rules have no
/// match conditions, so the first one receives every connection or packet:
/// a warning `status.route.later-rules-ignored` at `spec.rules[1]` says the
/// others are ignored (the route stays accepted; `ResolvedRefs` still covers
/// every rule's backendRefs).
pub(super) fn later_rules_warnings(
    routes: &[Route<'_>],
    findings: &mut Vec<crate::finding::Finding>,
) {
    for r in routes {
        let n = r.rules.len();
        if n < 2 || !matches!(r.kind, Kind::Tls | Kind::Tcp | Kind::Udp) {
            continue;
        }
        findings.push(super::world::diagnostic(
            r.kind.as_str(),
            Some(r.ns),
            r.name,
            r.source,
            "spec.rules[1]".to_owned(),
            "status.route.later-rules-ignored",
            format!(
                "the route has {n} rules; {}s have no match conditions, so the first rule \
                 receives all traffic and the other {} are ignored; keep one rule and split \
                 the others into their own routes",
                r.kind.as_str(),
                n - 1
            ),
        ));
    }
}
