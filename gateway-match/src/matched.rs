//! The answer of a match, borrowed from the router.

use std::time::Duration;

use gateway_types::grpc_route::{GrpcRouteFilter, GrpcRouteRule};
use gateway_types::http_route::{HttpRouteFilter, HttpRouteRule};
use gateway_types::routing::{
    AttachedRoute, ListenerRouting, ResolvedBackend, RouteObject, RuleRouting,
};

use crate::compiled::{Entry, Inner, Rule};
use crate::filter::{FilterList, Op};

/// The rule that won for an HTTP or gRPC request: the listener, the route,
/// the rule and match, and everything needed to forward the request.
///
/// It borrows from the [`Router`](crate::Router); nothing is copied.
///
/// # Examples
///
/// ```
/// use gateway_match::{BackendChoice, Input, Router};
/// use gateway_types::routing::{AttachedRoute, ListenerRouting, RouteObject};
/// use http::{HeaderMap, Method};
///
/// let route: gateway_types::HttpRoute = serde_json::from_str(r#"{
///     "metadata": {"name": "web", "namespace": "apps"},
///     "spec": {"rules": [{
///         "matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
///         "timeouts": {"request": "10s"},
///         "backendRefs": [{"name": "api", "port": 8080, "weight": 3},
///                         {"name": "api-canary", "port": 8080, "weight": 1}]
///     }]}}"#)?;
/// let mut listener = ListenerRouting::new("http", 80, "HTTP", None);
/// listener.routes.push(AttachedRoute::new(RouteObject::Http(route.into())));
/// let mut builder = Router::builder();
/// builder.add_listener(listener);
/// let router = builder.build().map_err(|e| format!("{e:?}"))?;
///
/// let headers = HeaderMap::new();
/// let m = router
///     .route_input(&Input::new(&Method::GET, "example.com", "/api/users", &headers))
///     .ok_or("no route")?;
/// assert_eq!((m.route.name.as_str(), m.rule_index, m.match_index), ("web", 0, 0));
/// assert_eq!(m.timeouts().request, Some(std::time::Duration::from_secs(10)));
/// assert_eq!(m.backends().len(), 2);
/// // `random` picks by weight: the first three quarters of the u32 range go
/// // to `api`, the last quarter to `api-canary`.
/// let BackendChoice::Forward { backend, .. } = m.choose_backend(u32::MAX) else {
///     return Err("no backend".into());
/// };
/// assert_eq!(backend.name, "api-canary");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Match<'r> {
    /// The listener the request selected.
    pub listener: &'r ListenerRouting,
    /// The winning route.
    pub route: &'r AttachedRoute,
    /// Index of the winning rule within the route.
    pub rule_index: usize,
    /// Index of the winning match within the rule (0 for a rule without
    /// matches).
    pub match_index: usize,
    pub(crate) inner: &'r Inner,
    pub(crate) rule: &'r Rule,
}

/// The filters of a rule or a backendRef, as written in the route.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Filters<'r> {
    /// Filters of an HTTPRoute.
    Http(&'r [HttpRouteFilter]),
    /// Filters of a GRPCRoute.
    Grpc(&'r [GrpcRouteFilter]),
}

impl Filters<'_> {
    /// How many filters there are.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::Http(f) => f.len(),
            Self::Grpc(f) => f.len(),
        }
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The timeouts of an HTTPRoute rule, parsed. `Some(Duration::ZERO)` means
/// the timeout is disabled (spec 6.8); `None` leaves it to the proxy's
/// default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// `timeouts.request`: the whole request, until the response is sent.
    pub request: Option<Duration>,
    /// `timeouts.backendRequest`: one attempt towards a backend.
    pub backend_request: Option<Duration>,
}

/// The retry policy of an HTTPRoute rule (experimental channel), parsed.
#[cfg(feature = "experimental")]
#[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Retry {
    /// Response codes to retry on.
    pub codes: Box<[u16]>,
    /// The most retries.
    pub attempts: Option<u32>,
    /// The least time between attempts.
    pub backoff: Option<Duration>,
}

/// Which backend a request goes to, picked by weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BackendChoice<'r> {
    /// Forward to this backend.
    Forward {
        /// Its index among the rule's backendRefs.
        index: usize,
        /// The backend.
        backend: &'r ResolvedBackend,
    },
    /// The share fell on a backend that did not resolve: answer 500 (gRPC:
    /// `UNAVAILABLE`; TCP/TLS: reject the connection; UDP: drop).
    Invalid {
        /// Its index among the rule's backendRefs.
        index: usize,
        /// The backend.
        backend: &'r ResolvedBackend,
    },
    /// The rule has no backend with a weight above zero: answer 500.
    NoBackend,
}

/// Picks a backend by weight: `random` (any `u32`) is scaled onto the sum of
/// the weights, so the same value always picks the same backend and each
/// backend gets its share of the `u32` range.
fn choose(backends: &[ResolvedBackend], random: u32) -> BackendChoice<'_> {
    let total: u64 = backends.iter().map(|b| u64::from(b.weight)).sum();
    if total == 0 {
        return BackendChoice::NoBackend;
    }
    let point = (u64::from(random) * total) >> 32;
    let mut seen = 0u64;
    for (index, backend) in backends.iter().enumerate() {
        seen += u64::from(backend.weight);
        if point < seen {
            return if backend.invalid.is_some() {
                BackendChoice::Invalid { index, backend }
            } else {
                BackendChoice::Forward { index, backend }
            };
        }
    }
    BackendChoice::NoBackend
}

impl<'r> Match<'r> {
    /// The match of `entry`, found on listener `listener` (the rule's).
    /// Reads the listener and the entry but not the rule, which the caller
    /// may not have touched yet.
    pub(crate) fn new(inner: &'r Inner, listener: u32, entry: &Entry) -> Option<Self> {
        let rule = inner.rules.get(entry.rule as usize)?;
        debug_assert_eq!(
            (rule.listener, rule.route, rule.index),
            (listener, entry.route, entry.index)
        );
        let listener = inner.listeners.get(listener as usize)?;
        let route = listener.routes.get(entry.route as usize)?;
        Some(Self {
            listener,
            route,
            rule_index: entry.index as usize,
            match_index: entry.matched as usize,
            inner,
            rule,
        })
    }

    /// The route kind: `HTTPRoute` or `GRPCRoute`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        self.route.route.kind()
    }

    /// Whether the winning rule belongs to a GRPCRoute.
    #[must_use]
    pub fn is_grpc(&self) -> bool {
        matches!(self.route.route, RouteObject::Grpc(_))
    }

    /// Position of the listener in the order the builder received listeners.
    #[must_use]
    pub fn listener_index(&self) -> usize {
        self.rule.listener as usize
    }

    /// Position of the route in the listener's `routes`.
    #[must_use]
    pub fn route_index(&self) -> usize {
        self.rule.route as usize
    }

    /// The HTTPRoute rule, when the route is an HTTPRoute.
    #[must_use]
    pub fn http_rule(&self) -> Option<&'r HttpRouteRule> {
        match &self.route.route {
            RouteObject::Http(r) => r.spec.rules_or_default().get(self.rule_index),
            _ => None,
        }
    }

    /// The GRPCRoute rule, when the route is a GRPCRoute.
    #[must_use]
    pub fn grpc_rule(&self) -> Option<&'r GrpcRouteRule> {
        match &self.route.route {
            RouteObject::Grpc(r) => r
                .spec
                .rules
                .as_deref()
                .unwrap_or_default()
                .get(self.rule_index),
            _ => None,
        }
    }

    /// The rule's `name`, if it has one.
    #[must_use]
    pub fn rule_name(&self) -> Option<&'r str> {
        match (self.http_rule(), self.grpc_rule()) {
            (Some(r), _) => r.name.as_deref(),
            (_, Some(r)) => r.name.as_deref(),
            _ => None,
        }
    }

    /// The rule-level filters, in order.
    #[must_use]
    pub fn filters(&self) -> Filters<'r> {
        match (self.http_rule(), self.grpc_rule()) {
            (_, Some(r)) => Filters::Grpc(r.filters.as_deref().unwrap_or_default()),
            (Some(r), _) => Filters::Http(r.filters.as_deref().unwrap_or_default()),
            _ => Filters::Http(&[]),
        }
    }

    /// The filters of backendRef `index`, in order (applied after the
    /// rule-level ones, only to requests sent to that backend).
    #[must_use]
    pub fn backend_filters(&self, index: usize) -> Filters<'r> {
        match (self.http_rule(), self.grpc_rule()) {
            (_, Some(r)) => Filters::Grpc(
                r.backend_refs
                    .as_deref()
                    .and_then(|b| b.get(index))
                    .and_then(|b| b.filters.as_deref())
                    .unwrap_or_default(),
            ),
            (Some(r), _) => Filters::Http(
                r.backend_refs
                    .as_deref()
                    .and_then(|b| b.get(index))
                    .and_then(|b| b.filters.as_deref())
                    .unwrap_or_default(),
            ),
            _ => Filters::Http(&[]),
        }
    }

    /// How the rule resolved: the view's entry, or (when the view has none)
    /// the backendRefs and mirrors as written.
    #[must_use]
    pub fn routing(&self) -> &'r RuleRouting {
        match &self.rule.synthesized {
            Some(r) => r,
            None => self
                .route
                .rules
                .get(self.rule_index)
                .unwrap_or_else(|| empty_routing()),
        }
    }

    /// Every backend of the rule with its weight and, when it resolved, its
    /// protocol (`app_protocol`) and the BackendTLSPolicy that applies
    /// (`tls`). An unresolved backend has `invalid` set; its share answers
    /// 500.
    #[must_use]
    pub fn backends(&self) -> &'r [ResolvedBackend] {
        &self.routing().backends
    }

    /// Whether some backend can receive requests: resolved, with a weight
    /// above zero. When none can, every request to the rule gets a 500
    /// (unless a filter answers it, such as a redirect).
    #[must_use]
    pub fn has_valid_backend(&self) -> bool {
        self.backends()
            .iter()
            .any(|b| b.invalid.is_none() && b.weight > 0)
    }

    /// Picks the backend for this request by weight, from a random number
    /// the caller draws (any `u32`; the same number picks the same backend).
    #[must_use]
    pub fn choose_backend(&self, random: u32) -> BackendChoice<'r> {
        choose(self.backends(), random)
    }

    /// The rule's timeouts.
    #[must_use]
    pub fn timeouts(&self) -> Timeouts {
        self.rule.timeouts
    }

    /// The rule's retry policy.
    #[cfg(feature = "experimental")]
    #[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
    #[must_use]
    pub fn retry(&self) -> Option<&'r Retry> {
        self.rule.retry.as_ref()
    }

    /// The rule's session persistence settings.
    #[cfg(feature = "experimental")]
    #[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
    #[must_use]
    pub fn session_persistence(&self) -> Option<&'r gateway_types::shared::SessionPersistence> {
        match (self.http_rule(), self.grpc_rule()) {
            (Some(r), _) => r.session_persistence.as_ref(),
            (_, Some(r)) => r.session_persistence.as_ref(),
            _ => None,
        }
    }

    /// The rule-level mirror targets that resolved, with the share of
    /// requests each receives, in percent.
    pub fn mirrors(&self) -> impl Iterator<Item = (&'r ResolvedBackend, f64)> + 'r {
        mirrors_of(&self.rule.filters, &self.routing().mirrors)
    }

    /// The mirror targets of backendRef `index`'s filters that resolved (as
    /// written when the view did not resolve the rule), with their share in
    /// percent.
    pub fn backend_mirrors(
        &self,
        index: usize,
    ) -> impl Iterator<Item = (&'r ResolvedBackend, f64)> + 'r {
        let list = self.rule.backend_filters.get(index);
        let this = *self;
        list.into_iter().flat_map(move |list| {
            list.ops.iter().filter_map(move |op| match op {
                Op::Mirror { index: fi, percent } => this
                    .backend_mirror_target(index, *fi)
                    .map(|target| (target, *percent)),
                _ => None,
            })
        })
    }

    pub(crate) fn backend_mirror_target(
        &self,
        backend: usize,
        filter: usize,
    ) -> Option<&'r ResolvedBackend> {
        self.rule
            .backend_mirrors
            .iter()
            .find(|(b, f, t)| *b == backend && *f == filter && t.invalid.is_none())
            .map(|(_, _, target)| target)
    }

    pub(crate) fn compiled_filters(&self) -> &'r FilterList {
        &self.rule.filters
    }

    pub(crate) fn compiled_backend_filters(&self, index: usize) -> Option<&'r FilterList> {
        self.rule.backend_filters.get(index)
    }

    pub(crate) fn inner(&self) -> &'r Inner {
        self.inner
    }
}

fn mirrors_of<'r>(
    filters: &'r FilterList,
    targets: &'r [(usize, ResolvedBackend)],
) -> impl Iterator<Item = (&'r ResolvedBackend, f64)> + 'r {
    filters.ops.iter().filter_map(move |op| match op {
        Op::Mirror { index, percent } => targets
            .iter()
            .find(|(i, b)| i == index && b.invalid.is_none())
            .map(|(_, b)| (b, *percent)),
        _ => None,
    })
}

fn empty_routing() -> &'static RuleRouting {
    static EMPTY: std::sync::OnceLock<RuleRouting> = std::sync::OnceLock::new();
    EMPTY.get_or_init(RuleRouting::default)
}

/// The route that won for a TLS, TCP or UDP stream.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct StreamMatch<'r> {
    /// The listener the stream selected.
    pub listener: &'r ListenerRouting,
    /// The winning route.
    pub route: &'r AttachedRoute,
    /// The backends of its rule (the first rule the view serves).
    pub backends: &'r [ResolvedBackend],
    /// The index of that rule.
    pub rule_index: usize,
}

impl<'r> StreamMatch<'r> {
    pub(crate) fn new(
        listener: &'r ListenerRouting,
        position: u32,
        rule: u32,
        synthesized: Option<&'r [ResolvedBackend]>,
    ) -> Option<Self> {
        let route = listener.routes.get(position as usize)?;
        let rule_index = rule as usize;
        let backends: &'r [ResolvedBackend] = match (route.rules.get(rule_index), synthesized) {
            (Some(r), _) => &r.backends,
            (None, Some(b)) => b,
            (None, None) => &[],
        };
        Some(Self {
            listener,
            route,
            backends,
            rule_index,
        })
    }

    /// Picks the backend for this connection by weight (see
    /// [`Match::choose_backend`]). An [`BackendChoice::Invalid`] or
    /// [`BackendChoice::NoBackend`] answer means: reject the connection (TCP,
    /// TLS) or drop the packets (UDP).
    #[must_use]
    pub fn choose_backend(&self, random: u32) -> BackendChoice<'r> {
        choose(self.backends, random)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backend(name: &str, weight: u32, invalid: bool) -> ResolvedBackend {
        let mut b = ResolvedBackend::default();
        b.name = name.to_owned();
        b.weight = weight;
        b.invalid = invalid.then(|| "BackendNotFound".to_owned());
        b
    }

    fn name(c: BackendChoice<'_>) -> &str {
        match c {
            BackendChoice::Forward { backend, .. } | BackendChoice::Invalid { backend, .. } => {
                &backend.name
            }
            BackendChoice::NoBackend => "-",
        }
    }

    #[test]
    fn weights_split_the_random_range() {
        let b = [
            backend("a", 1, false),
            backend("b", 3, false),
            backend("z", 0, false),
        ];
        assert_eq!(name(choose(&b, 0)), "a");
        assert_eq!(name(choose(&b, u32::MAX / 4 - 1)), "a");
        assert_eq!(name(choose(&b, u32::MAX / 4 + 1)), "b");
        assert_eq!(name(choose(&b, u32::MAX)), "b");
    }

    #[test]
    fn all_zero_weights_mean_no_backend() {
        let b = [backend("a", 0, false)];
        assert_eq!(choose(&b, 7), BackendChoice::NoBackend);
        assert_eq!(choose(&[], 7), BackendChoice::NoBackend);
    }

    #[test]
    fn an_invalid_backend_keeps_its_share() {
        let b = [backend("a", 1, false), backend("b", 1, true)];
        assert!(matches!(
            choose(&b, 0),
            BackendChoice::Forward { index: 0, .. }
        ));
        assert!(matches!(
            choose(&b, u32::MAX),
            BackendChoice::Invalid { index: 1, .. }
        ));
    }
}
