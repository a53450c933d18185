//! Building the compiled router from a routing view.
//!
//! The builder re-checks everything it compiles (it does not trust that the
//! view passed validation): every rule that cannot be served is reported
//! with its route, rule and field, and left out.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::sync::Arc;

use gateway_types::grpc_route::{GrpcHeaderMatchType, GrpcMethodMatchType, GrpcRouteMatch};
use gateway_types::http_route::{
    HeaderMatchType, HttpRouteMatch, PathMatchType, QueryParamMatchType,
};
use gateway_types::routing::{
    AttachedRoute, ListenerOwner, ListenerRouting, ResolvedBackend, RouteObject, RuleRouting,
};
use gateway_types::shared::BackendObjectReference;
use http::{HeaderName, Method};

use crate::compiled::{Bucket, Entry, GrpcTable, Inner, ListenerTable, PortTable, Rule};
use crate::error::{BuildError, BuildErrorKind};
use crate::filter::{self, FieldError, FilterList, Op};
use crate::matched::Timeouts;
use crate::path::normalize_path;
use crate::pattern::{Haystack, Pattern};
use crate::precedence::{GrpcKey, HttpKey, PathClass, compare_routes};
use crate::predicate::{HeaderPredicate, Predicates, QueryPredicate, ValueMatch};
use crate::router::Config;
use crate::table::{FastMap, HostKey, MAX_PATH_VALUE, NONE, Span};

/// Where a compiled match goes in a bucket. A path borrows the route's
/// value when normalising leaves it unchanged (the listeners outlive the
/// build), so a rule's path is not copied.
#[derive(Debug, Clone)]
enum HttpPlace<'l> {
    /// The normalised value.
    Exact(Cow<'l, str>),
    /// The normalised value.
    Prefix(Cow<'l, str>),
    Regex(u32),
}

#[derive(Debug, Clone)]
enum GrpcPlace {
    Full(Arc<str>),
    Service(Arc<str>),
    Method(Arc<str>),
    /// Index into `grpc_patterns`, or [`NONE`] for a match-all.
    General(u32),
}

/// An HTTPRoute match waiting for its bucket to be laid out.
#[derive(Debug, Clone)]
struct HttpPending<'l> {
    bucket: u32,
    key: HttpKey,
    place: HttpPlace<'l>,
    entry: Entry,
}

/// A GRPCRoute match waiting for its bucket to be laid out.
#[derive(Debug, Clone)]
struct GrpcPending {
    bucket: u32,
    key: GrpcKey,
    place: GrpcPlace,
    entry: Entry,
}

/// A match compiled once for a rule, before it is placed in buckets.
enum CompiledMatch<'l> {
    Http(HttpKey, HttpPlace<'l>, u32),
    Grpc(GrpcKey, GrpcPlace, u32),
}

/// Where errors inside one route come from.
struct Site<'a> {
    kind: &'static str,
    namespace: &'a str,
    name: &'a str,
}

impl Site<'_> {
    fn error(&self, rule: Option<usize>, (field, kind): FieldError) -> BuildError {
        BuildError {
            route_kind: self.kind.to_owned(),
            namespace: self.namespace.to_owned(),
            name: self.name.to_owned(),
            rule,
            field,
            kind,
        }
    }
}

/// Where a rule is, displayed as `spec.rules[R]`; formatted only when there
/// is an error to report.
#[derive(Debug, Clone, Copy)]
struct RuleAt(usize);

impl std::fmt::Display for RuleAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "spec.rules[{}]", self.0)
    }
}

/// Where a match is, displayed as `spec.rules[R].matches[M]`; formatted only
/// when there is an error to report.
#[derive(Debug, Clone, Copy)]
struct MatchAt {
    rule: usize,
    matched: usize,
}

impl std::fmt::Display for MatchAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "spec.rules[{}].matches[{}]", self.rule, self.matched)
    }
}

fn invalid(field: String, message: impl Into<String>) -> FieldError {
    (field, BuildErrorKind::InvalidValue(message.into()))
}

struct Compiler<'c, 'l> {
    config: &'c Config,
    inner: Inner,
    errors: Vec<BuildError>,
    rule_count: usize,
    limit_reported: bool,
    text_patterns: FastMap<Box<str>, u32>,
    bytes_patterns: FastMap<Box<str>, u32>,
    /// Buckets made so far (bucket ids are `0..buckets`).
    buckets: u32,
    /// Every bucket's matches, in one list each for HTTP and gRPC (grouped
    /// by bucket when the buckets are laid out: one allocation, not a few
    /// per bucket).
    http_pending: Vec<HttpPending<'l>>,
    grpc_pending: Vec<GrpcPending>,
    /// The matches of the rule being compiled (kept to spare an
    /// allocation per rule).
    matches: Vec<CompiledMatch<'l>>,
}

/// Compiles `listeners`; returns the router and every error.
pub(crate) fn compile(
    config: &Config,
    listeners: Vec<Arc<ListenerRouting>>,
) -> (Inner, Vec<BuildError>) {
    let mut c = Compiler {
        config,
        inner: Inner {
            config: config.clone(),
            ..Inner::default()
        },
        errors: Vec::new(),
        rule_count: 0,
        limit_reported: false,
        text_patterns: FastMap::default(),
        bytes_patterns: FastMap::default(),
        buckets: 0,
        http_pending: Vec::new(),
        grpc_pending: Vec::new(),
        matches: Vec::new(),
    };
    for (index, listener) in listeners.iter().enumerate() {
        let table = c.listener(index, listener);
        c.inner.tables.push(table);
    }
    c.finish_buckets();
    // The pending matches borrowed the listeners; they are gone now.
    let Compiler {
        mut inner, errors, ..
    } = c;
    inner.listeners = listeners;
    inner.trie.finish();
    inner.entries.shrink_to_fit();
    inner.rules.shrink_to_fit();
    inner.predicates.shrink_to_fit();
    if config.eager_regex_value() {
        for p in &inner.patterns {
            p.compile();
        }
    }
    (inner, errors)
}

fn port_of(listener: &ListenerRouting) -> Option<u16> {
    u16::try_from(listener.port).ok().filter(|p| *p > 0)
}

/// The effective hostnames of a route on a listener (spec 4.2): the route's
/// hostnames intersected with the listener's, or the listener's when the
/// route has none. Empty: the route does not attach.
pub(crate) fn effective_hosts(listener: Option<&str>, route: Option<&[String]>) -> Vec<HostKey> {
    let mut keys = Vec::with_capacity(route.map_or(1, <[String]>::len).max(1));
    match route.filter(|r| !r.is_empty()) {
        None => keys.push(HostKey::of(listener)),
        Some(hostnames) => {
            for h in hostnames {
                if let Some(e) = crate::host::intersect(listener, h) {
                    let key = HostKey::of(Some(e));
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
            }
        }
    }
    keys
}

/// The route positions of a listener sorted by route precedence (oldest,
/// then `namespace/name`, then position), as a rank per position.
fn route_ranks(routes: &[AttachedRoute]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..routes.len()).collect();
    order.sort_by(|&a, &b| compare_routes(&routes[a], &routes[b]).then(a.cmp(&b)));
    let mut ranks = vec![0u32; routes.len()];
    for (rank, pos) in order.into_iter().enumerate() {
        ranks[pos] = u32::try_from(rank).unwrap_or(u32::MAX);
    }
    ranks
}

/// The indices of items grouped by bucket: `ids` gives each item's bucket
/// (below `buckets`); returns where each bucket's group starts (and, last,
/// the end), and the indices, in item order inside each group.
fn group_by_bucket(buckets: usize, ids: impl Iterator<Item = u32> + Clone) -> (Vec<u32>, Vec<u32>) {
    let mut starts = vec![0u32; buckets + 1];
    for id in ids.clone() {
        if let Some(n) = starts.get_mut(id as usize + 1) {
            *n += 1;
        }
    }
    for b in 0..buckets {
        starts[b + 1] += starts[b];
    }
    let mut next = starts.clone();
    let mut order = vec![0u32; starts[buckets] as usize];
    for (i, id) in ids.enumerate() {
        if let Some(at) = next.get_mut(id as usize)
            && let Some(slot) = order.get_mut(*at as usize)
        {
            *slot = to_u32(i);
            *at += 1;
        }
    }
    (starts, order)
}

/// The group of bucket `id` in [`group_by_bucket`]'s `order`.
fn bucket_slice<'o>(starts: &[u32], order: &'o mut [u32], id: usize) -> &'o mut [u32] {
    let start = starts.get(id).map_or(0, |&s| s as usize);
    let end = starts.get(id + 1).map_or(start, |&e| e as usize);
    order.get_mut(start..end).unwrap_or_default()
}

/// `list` as a boxed slice; an empty one without the conversion's
/// capacity check (most of a rule's lists are empty).
fn boxed<T>(list: Vec<T>) -> Box<[T]> {
    if list.is_empty() {
        Box::default()
    } else {
        list.into_boxed_slice()
    }
}

/// Adds the filters of backendRef `bi` to `lists`, which stays empty (and
/// unallocated) while every list so far is empty: a rule whose backendRefs
/// have no filters keeps no lists.
fn push_backend_filters(lists: &mut Vec<FilterList>, bi: usize, list: FilterList) {
    if list.ops.is_empty() && lists.is_empty() {
        return;
    }
    lists.resize_with(bi, FilterList::default);
    lists.push(list);
}

/// The record of a compiled rule (HTTP or gRPC) at `(listener, route
/// position, rule index)`, without timeouts or retries: its backend filter
/// lists padded to one per backendRef when any is non-empty (see
/// [`push_backend_filters`]), the targets of its backendRef-level mirrors
/// (see [`backend_mirror`]), and its routing as written when the view gave
/// none.
fn rule_record(
    (li, pos, ri): (u32, usize, usize),
    attached: &AttachedRoute,
    rule: &impl RuleAsWritten,
    filters: FilterList,
    mut backend_filters: Vec<FilterList>,
) -> Rule {
    if !backend_filters.is_empty() {
        backend_filters.resize_with(rule.backend_count(), FilterList::default);
    }
    let backend_mirrors: Vec<_> = rule
        .backend_mirror_targets()
        .filter_map(|(bi, fi, object)| {
            backend_mirror(attached, ri, bi, fi, object).map(|target| (bi, fi, target))
        })
        .collect();
    let synthesized = attached
        .rules
        .get(ri)
        .is_none()
        .then(|| routing_as_written(&attached.namespace, rule, &filters));
    Rule {
        listener: li,
        route: to_u32(pos),
        index: to_u32(ri),
        filters,
        backend_filters: boxed(backend_filters),
        synthesized,
        backend_mirrors: boxed(backend_mirrors),
        timeouts: Timeouts::default(),
        #[cfg(feature = "experimental")]
        retry: None,
    }
}

/// Whether the view serves rule `index` of `route` (a missing entry: yes).
fn rule_served(route: &AttachedRoute, index: usize) -> bool {
    route.rules.get(index).is_none_or(|r| r.valid)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(NONE)
}

fn backend_as_written(
    route_namespace: &str,
    object: &BackendObjectReference,
    weight: i32,
) -> ResolvedBackend {
    let mut b = ResolvedBackend::default();
    b.group = object.group_or_default().to_owned();
    b.kind = object.kind_or_default().to_owned();
    b.namespace = object
        .namespace
        .clone()
        .unwrap_or_else(|| route_namespace.to_owned());
    b.name.clone_from(&object.name);
    b.port = object.port;
    b.weight = u32::try_from(weight).unwrap_or(0);
    b
}

/// The target of `RequestMirror` filter `fi` of backendRef `bi` of rule
/// `ri`: the view's resolution when it resolved the rule (a target it did
/// not resolve, e.g. one no ReferenceGrant permits, keeps its `invalid`
/// reason and gets no copies; one it does not list gets none either), else
/// the reference as written.
fn backend_mirror(
    attached: &AttachedRoute,
    ri: usize,
    bi: usize,
    fi: usize,
    object: &BackendObjectReference,
) -> Option<ResolvedBackend> {
    match attached.rules.get(ri) {
        Some(routing) => routing
            .backend_mirrors
            .iter()
            .find(|(b, f, _)| *b == bi && *f == fi)
            .map(|(_, _, target)| target.clone()),
        None => Some(backend_as_written(&attached.namespace, object, 1)),
    }
}

impl<'l> Compiler<'_, 'l> {
    fn listener(&mut self, index: usize, listener: &'l ListenerRouting) -> ListenerTable {
        let mut table = ListenerTable::default();
        let Some(port) = port_of(listener) else {
            let namespace = match &listener.owner {
                ListenerOwner::ListenerSet { namespace, .. } => namespace.clone(),
                _ => String::new(),
            };
            self.errors.push(BuildError {
                route_kind: "Listener".to_owned(),
                namespace,
                name: listener.name.clone(),
                rule: None,
                field: "port".to_owned(),
                kind: BuildErrorKind::InvalidValue(format!(
                    "port {} is not in 1..65535",
                    listener.port
                )),
            });
            return table;
        };
        if !listener.ready {
            return table;
        }
        let li = to_u32(index);
        let key = HostKey::of(listener.hostname.as_deref());
        let ports = &mut self.inner.ports;
        let slot = match ports.iter().position(|(p, _)| *p == port) {
            Some(i) => i,
            None => {
                ports.push((port, PortTable::default()));
                ports.len() - 1
            }
        };
        let ports_table = &mut ports[slot].1;
        match listener.protocol.as_str() {
            "HTTP" => {
                ports_table.http.insert_first(&key, li);
                self.http_listener(li, listener, &mut table);
            }
            "HTTPS" => {
                ports_table.https.insert_first(&key, li);
                self.http_listener(li, listener, &mut table);
            }
            "TLS" => {
                ports_table.tls.insert_first(&key, li);
                self.tls_listener(listener, &mut table);
            }
            "TCP" => {
                ports_table.tcp.get_or_insert(li);
                table.stream = stream_route(listener, |r| matches!(r, RouteObject::Tcp(_)));
                synthesize_stream(listener, table.stream, &mut table);
            }
            "UDP" => {
                ports_table.udp.get_or_insert(li);
                table.stream = stream_route(listener, |r| matches!(r, RouteObject::Udp(_)));
                synthesize_stream(listener, table.stream, &mut table);
            }
            _ => {}
        }
        table
    }

    fn tls_listener(&mut self, listener: &ListenerRouting, table: &mut ListenerTable) {
        let ranks = route_ranks(&listener.routes);
        for (pos, attached) in listener.routes.iter().enumerate() {
            if !matches!(attached.route, RouteObject::Tls(_)) {
                continue;
            }
            let RouteObject::Tls(route) = &attached.route else {
                continue;
            };
            let Some(rule) = (0..route.spec.rules.len()).find(|&i| rule_served(attached, i)) else {
                continue;
            };
            for key in effective_hosts(listener.hostname.as_deref(), attached.hostnames.as_deref())
            {
                table
                    .tls
                    .entry_or_insert_with(&key, Vec::new)
                    .push((to_u32(pos), to_u32(rule)));
            }
        }
        let sort = |v: &mut Vec<(u32, u32)>| v.sort_by_key(|(pos, _)| ranks[*pos as usize]);
        table.tls.for_each_value_mut(sort);
        let mut winners = Vec::new();
        for v in table.tls.values() {
            winners.extend(v.iter().copied());
        }
        for w in winners {
            synthesize_stream(listener, Some(w), table);
        }
    }

    fn http_listener(&mut self, li: u32, listener: &'l ListenerRouting, table: &mut ListenerTable) {
        let ranks = route_ranks(&listener.routes);
        // Room for every rule with one match and one hostname, the usual
        // case, so that the lists do not grow (and move) rule by rule.
        let rules: usize = listener
            .routes
            .iter()
            .map(|a| match &a.route {
                RouteObject::Http(r) => r.spec.rules_or_default().len(),
                RouteObject::Grpc(r) => r.spec.rules.as_deref().unwrap_or_default().len(),
                _ => 0,
            })
            .sum();
        let room = rules.min(self.config.max_rules_value());
        self.inner.rules.reserve(room);
        self.http_pending.reserve(room);
        // The bucket of each of a route's hostnames, found when its first
        // rule compiles (a route without one makes no bucket).
        let mut route_buckets: Vec<u32> = Vec::new();
        for (pos, attached) in listener.routes.iter().enumerate() {
            let (kind, rules) = match &attached.route {
                RouteObject::Http(r) => ("HTTPRoute", r.spec.rules_or_default().len()),
                RouteObject::Grpc(r) => (
                    "GRPCRoute",
                    r.spec.rules.as_deref().unwrap_or_default().len(),
                ),
                _ => continue,
            };
            let keys = effective_hosts(listener.hostname.as_deref(), attached.hostnames.as_deref());
            if keys.is_empty() {
                continue;
            }
            let site = Site {
                kind,
                namespace: &attached.namespace,
                name: &attached.name,
            };
            route_buckets.clear();
            for ri in 0..rules {
                if !rule_served(attached, ri) {
                    continue;
                }
                if self.rule_count >= self.config.max_rules_value() {
                    if !self.limit_reported {
                        self.limit_reported = true;
                        let limit = self.config.max_rules_value();
                        self.errors.push(site.error(
                            Some(ri),
                            (
                                format!("spec.rules[{ri}]"),
                                BuildErrorKind::TooManyRules { limit },
                            ),
                        ));
                    }
                    return;
                }
                let compiled = match &attached.route {
                    RouteObject::Http(r) => self.http_rule(li, pos, ranks[pos], attached, r, ri),
                    RouteObject::Grpc(r) => self.grpc_rule(li, pos, ranks[pos], attached, r, ri),
                    _ => continue,
                };
                let rule = match compiled {
                    Ok(ok) => ok,
                    Err(errors) => {
                        self.errors
                            .extend(errors.into_iter().map(|e| site.error(Some(ri), e)));
                        continue;
                    }
                };
                self.rule_count += 1;
                let rule_id = to_u32(self.inner.rules.len());
                self.inner.rules.push(rule);
                if route_buckets.is_empty() {
                    for key in &keys {
                        let bucket = table.buckets.id_or_insert(key, self.buckets);
                        if bucket == self.buckets {
                            self.buckets += 1;
                        }
                        route_buckets.push(bucket);
                    }
                }
                let matches = std::mem::take(&mut self.matches);
                for &bucket in &route_buckets {
                    for (mi, m) in matches.iter().enumerate() {
                        let entry = |predicates: u32, aux: u32| Entry {
                            rule: rule_id,
                            route: to_u32(pos),
                            index: to_u32(ri),
                            matched: to_u32(mi),
                            predicates,
                            rank: 0,
                            aux,
                        };
                        match m {
                            CompiledMatch::Http(k, place, preds) => {
                                let aux = match place {
                                    HttpPlace::Regex(p) => *p,
                                    _ => NONE,
                                };
                                self.http_pending.push(HttpPending {
                                    bucket,
                                    key: *k,
                                    place: place.clone(),
                                    entry: entry(*preds, aux),
                                });
                            }
                            CompiledMatch::Grpc(k, place, preds) => {
                                let aux = match place {
                                    GrpcPlace::General(p) => *p,
                                    _ => NONE,
                                };
                                self.grpc_pending.push(GrpcPending {
                                    bucket,
                                    key: *k,
                                    place: place.clone(),
                                    entry: entry(*preds, aux),
                                });
                            }
                        }
                    }
                }
                self.matches = matches;
                self.matches.clear();
            }
        }
    }

    fn pattern(
        &mut self,
        source: &str,
        haystack: Haystack,
        field: impl FnOnce() -> String,
    ) -> Result<u32, FieldError> {
        let ids = match haystack {
            Haystack::Text => &self.text_patterns,
            Haystack::Bytes => &self.bytes_patterns,
        };
        if let Some(&id) = ids.get(source) {
            return Ok(id);
        }
        let pattern = Pattern::new(source, haystack, self.config.regex_size_limit_value())
            .map_err(|kind| (field(), kind))?;
        let id = to_u32(self.inner.patterns.len());
        self.inner.patterns.push(pattern);
        let ids = match haystack {
            Haystack::Text => &mut self.text_patterns,
            Haystack::Bytes => &mut self.bytes_patterns,
        };
        ids.insert(source.into(), id);
        Ok(id)
    }

    fn predicates(&mut self, p: Predicates) -> u32 {
        if p.is_empty() {
            return NONE;
        }
        let id = to_u32(self.inner.predicates.len());
        self.inner.predicates.push(p);
        id
    }

    fn value_match(
        &mut self,
        regex: bool,
        value: &str,
        field: impl FnOnce() -> String,
    ) -> Result<ValueMatch, FieldError> {
        if regex {
            Ok(ValueMatch::Regex(self.pattern(
                value,
                Haystack::Bytes,
                field,
            )?))
        } else {
            Ok(ValueMatch::Exact(value.as_bytes().into()))
        }
    }

    /// Header conditions: the first entry per name (ignoring case) counts.
    fn headers<'h>(
        &mut self,
        headers: impl ExactSizeIterator<Item = (&'h str, &'h str, Result<bool, &'h str>)>,
        field: MatchAt,
        errors: &mut Vec<FieldError>,
    ) -> Vec<HeaderPredicate> {
        let count = headers.len();
        let limit = self.config.max_header_matches_value();
        if count > limit {
            errors.push((
                format!("{field}.headers"),
                BuildErrorKind::TooManyHeaderMatches { limit, count },
            ));
            return Vec::new();
        }
        // Sized for every entry, so that it neither grows nor shrinks
        // (when boxed) in the usual case of distinct names.
        let mut out: Vec<HeaderPredicate> = Vec::with_capacity(count);
        for (i, (name, value, regex)) in headers.enumerate() {
            let f = || format!("{field}.headers[{i}]");
            let regex = match regex {
                Ok(r) => r,
                Err(other) => {
                    errors.push(invalid(
                        format!("{}.type", f()),
                        format!(
                            "unknown header match type `{other}`; use Exact or RegularExpression"
                        ),
                    ));
                    continue;
                }
            };
            let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
                errors.push(invalid(
                    format!("{}.name", f()),
                    format!("`{name}` is not a valid header name"),
                ));
                continue;
            };
            if out.iter().any(|h| h.name == name) {
                continue;
            }
            match self.value_match(regex, value, || format!("{}.value", f())) {
                Ok(value) => out.push(HeaderPredicate { name, value }),
                Err(e) => errors.push(e),
            }
        }
        out
    }

    fn http_match(
        &mut self,
        m: &'l HttpRouteMatch,
        field: MatchAt,
    ) -> Result<CompiledMatch<'l>, Vec<FieldError>> {
        let mut errors = Vec::new();
        let path = m.path_or_default();
        let value = path.value_or_default();
        let vfield = || format!("{field}.path.value");
        if value.len() > MAX_PATH_VALUE {
            return Err(vec![invalid(
                vfield(),
                format!(
                    "the path value is {} bytes long, more than the {MAX_PATH_VALUE} a router takes",
                    value.len()
                ),
            )]);
        }
        let (class, path_len, place) = match path.type_or_default() {
            t @ (PathMatchType::Exact | PathMatchType::PathPrefix) => {
                let normal = if value.starts_with('/') {
                    normalize_path(value, self.config.path_options_value())
                        .map_err(|e| invalid(vfield(), format!("`{value}`: {e}")))
                        .and_then(|n| {
                            if n.contains("//") {
                                Err(invalid(
                                    vfield(),
                                    format!("`{value}` must not contain `//`"),
                                ))
                            } else {
                                Ok(n)
                            }
                        })
                } else {
                    Err(invalid(vfield(), format!("`{value}` must start with `/`")))
                };
                match normal {
                    Ok(n) => {
                        if *t == PathMatchType::Exact {
                            (PathClass::Exact, n.len(), Some(HttpPlace::Exact(n)))
                        } else {
                            (PathClass::Prefix, n.len(), Some(HttpPlace::Prefix(n)))
                        }
                    }
                    Err(e) => {
                        errors.push(e);
                        (PathClass::Prefix, 0, None)
                    }
                }
            }
            PathMatchType::RegularExpression => match self.pattern(value, Haystack::Text, vfield) {
                Ok(id) => (
                    PathClass::RegularExpression,
                    value.len(),
                    Some(HttpPlace::Regex(id)),
                ),
                Err(e) => {
                    errors.push(e);
                    (PathClass::RegularExpression, 0, None)
                }
            },
            other => {
                errors.push(invalid(
                    format!("{field}.path.type"),
                    format!("unknown path match type `{other}`; use Exact, PathPrefix or RegularExpression"),
                ));
                (PathClass::Prefix, 0, None)
            }
        };
        let method = match &m.method {
            None => None,
            Some(other) if !other.is_known() => {
                errors.push(invalid(
                    format!("{field}.method"),
                    format!("unknown method `{other}`"),
                ));
                None
            }
            Some(known) => Method::from_bytes(known.as_str().as_bytes()).ok(),
        };
        let headers = m.headers.as_deref().unwrap_or_default();
        let headers = self.headers(
            headers.iter().map(|h| {
                let regex = match h.type_or_default() {
                    HeaderMatchType::Exact => Ok(false),
                    HeaderMatchType::RegularExpression => Ok(true),
                    o => Err(o.as_str()),
                };
                (h.name.as_str(), h.value.as_str(), regex)
            }),
            field,
            &mut errors,
        );
        let query_list = m.query_params.as_deref().unwrap_or_default();
        let limit = self.config.max_query_matches_value();
        let mut query: Vec<QueryPredicate> = Vec::with_capacity(query_list.len().min(limit));
        if query_list.len() > limit {
            errors.push((
                format!("{field}.queryParams"),
                BuildErrorKind::TooManyQueryMatches {
                    limit,
                    count: query_list.len(),
                },
            ));
        } else {
            for (i, q) in query_list.iter().enumerate() {
                let f = || format!("{field}.queryParams[{i}]");
                let regex = match q.type_or_default() {
                    QueryParamMatchType::Exact => false,
                    QueryParamMatchType::RegularExpression => true,
                    other => {
                        errors.push(invalid(
                            format!("{}.type", f()),
                            format!(
                                "unknown query match type `{other}`; use Exact or RegularExpression"
                            ),
                        ));
                        continue;
                    }
                };
                if query.iter().any(|p| *p.name == *q.name) {
                    continue;
                }
                match self.value_match(regex, &q.value, || format!("{}.value", f())) {
                    Ok(value) => query.push(QueryPredicate {
                        name: q.name.as_str().into(),
                        value,
                    }),
                    Err(e) => errors.push(e),
                }
            }
        }
        let Some(place) = place.filter(|_| errors.is_empty()) else {
            return Err(errors);
        };
        let key = HttpKey {
            class,
            path_len: Reverse(path_len),
            method: Reverse(method.is_some()),
            headers: Reverse(headers.len()),
            query: Reverse(query.len()),
            route: 0,
            rule: 0,
            matched: 0,
        };
        let preds = self.predicates(Predicates {
            method,
            headers: boxed(headers),
            query: boxed(query),
        });
        Ok(CompiledMatch::Http(key, place, preds))
    }

    fn grpc_match(
        &mut self,
        m: &GrpcRouteMatch,
        field: MatchAt,
    ) -> Result<CompiledMatch<'l>, Vec<FieldError>> {
        let mut errors = Vec::new();
        let (place, service_len, method_len, regex) = match &m.method {
            None => (Some(GrpcPlace::General(NONE)), 0, 0, false),
            Some(mm) => {
                let service = mm.service.as_deref();
                let method = mm.method.as_deref();
                let lens = (service.map_or(0, str::len), method.map_or(0, str::len));
                match mm.type_or_default() {
                    GrpcMethodMatchType::Exact => {
                        let place = match (service, method) {
                            (Some(s), Some(m)) => GrpcPlace::Full(format!("/{s}/{m}").into()),
                            (Some(s), None) => GrpcPlace::Service(s.into()),
                            (None, Some(m)) => GrpcPlace::Method(m.into()),
                            (None, None) => GrpcPlace::General(NONE),
                        };
                        (Some(place), lens.0, lens.1, false)
                    }
                    GrpcMethodMatchType::RegularExpression => {
                        let mut pair = [NONE; 2];
                        for (slot, (value, name)) in pair
                            .iter_mut()
                            .zip([(service, "service"), (method, "method")])
                        {
                            if let Some(v) = value {
                                match self
                                    .pattern(v, Haystack::Text, || format!("{field}.method.{name}"))
                                {
                                    Ok(id) => *slot = id,
                                    Err(e) => errors.push(e),
                                }
                            }
                        }
                        let id = to_u32(self.inner.grpc_patterns.len());
                        self.inner.grpc_patterns.push(pair);
                        (Some(GrpcPlace::General(id)), lens.0, lens.1, true)
                    }
                    other => {
                        errors.push(invalid(
                            format!("{field}.method.type"),
                            format!("unknown method match type `{other}`; use Exact or RegularExpression"),
                        ));
                        (None, 0, 0, false)
                    }
                }
            }
        };
        let headers = m.headers.as_deref().unwrap_or_default();
        let headers = self.headers(
            headers.iter().map(|h| {
                let regex = match h.type_or_default() {
                    GrpcHeaderMatchType::Exact => Ok(false),
                    GrpcHeaderMatchType::RegularExpression => Ok(true),
                    o => Err(o.as_str()),
                };
                (h.name.as_str(), h.value.as_str(), regex)
            }),
            field,
            &mut errors,
        );
        let Some(place) = place.filter(|_| errors.is_empty()) else {
            return Err(errors);
        };
        let key = GrpcKey {
            service_len: Reverse(service_len),
            method_len: Reverse(method_len),
            regex,
            headers: Reverse(headers.len()),
            route: 0,
            rule: 0,
            matched: 0,
        };
        let preds = self.predicates(Predicates {
            method: None,
            headers: boxed(headers),
            query: Box::default(),
        });
        Ok(CompiledMatch::Grpc(key, place, preds))
    }

    fn timeouts(
        rule: &gateway_types::http_route::HttpRouteRule,
        field: RuleAt,
    ) -> Result<Timeouts, FieldError> {
        let mut t = Timeouts::default();
        if let Some(timeouts) = &rule.timeouts {
            for (text, slot, name) in [
                (&timeouts.request, &mut t.request, "request"),
                (
                    &timeouts.backend_request,
                    &mut t.backend_request,
                    "backendRequest",
                ),
            ] {
                if let Some(text) = text {
                    *slot = Some(crate::duration::parse_duration(text).map_err(|e| {
                        invalid(format!("{field}.timeouts.{name}"), format!("`{text}`: {e}"))
                    })?);
                }
            }
        }
        Ok(t)
    }

    #[cfg(feature = "experimental")]
    fn retry(
        rule: &gateway_types::http_route::HttpRouteRule,
        field: RuleAt,
    ) -> Result<Option<crate::matched::Retry>, FieldError> {
        let Some(retry) = &rule.retry else {
            return Ok(None);
        };
        let mut codes = Vec::new();
        for (i, code) in retry.codes.iter().flatten().enumerate() {
            let code = u16::try_from(*code)
                .ok()
                .filter(|c| (400..=599).contains(c))
                .ok_or_else(|| {
                    invalid(
                        format!("{field}.retry.codes[{i}]"),
                        format!("{code} is not in 400..599"),
                    )
                })?;
            codes.push(code);
        }
        let attempts = match retry.attempts {
            None => None,
            Some(a) => Some(u32::try_from(a).map_err(|_| {
                invalid(
                    format!("{field}.retry.attempts"),
                    format!("{a} is negative"),
                )
            })?),
        };
        let backoff = match &retry.backoff {
            None => None,
            Some(text) => Some(crate::duration::parse_duration(text).map_err(|e| {
                invalid(format!("{field}.retry.backoff"), format!("`{text}`: {e}"))
            })?),
        };
        Ok(Some(crate::matched::Retry {
            codes: codes.into(),
            attempts,
            backoff,
        }))
    }

    #[allow(clippy::too_many_arguments)] // Private; mirrors the view's nesting.
    fn http_rule(
        &mut self,
        li: u32,
        pos: usize,
        route_rank: u32,
        attached: &AttachedRoute,
        route: &'l gateway_types::HttpRoute,
        ri: usize,
    ) -> Result<Rule, Vec<FieldError>> {
        let Some(rule) = route.spec.rules_or_default().get(ri) else {
            return Err(vec![invalid(format!("spec.rules[{ri}]"), "no such rule")]);
        };
        let field = RuleAt(ri);
        let mut errors = Vec::new();
        let matches = rule.effective_matches();
        let limit = self.config.max_matches_per_rule_value();
        if matches.len() > limit {
            return Err(vec![(
                format!("{field}.matches"),
                BuildErrorKind::TooManyMatches {
                    limit,
                    count: matches.len(),
                },
            )]);
        }
        // Filled here, left in `self.matches` for the caller.
        let mut compiled = std::mem::take(&mut self.matches);
        compiled.clear();
        for (mi, m) in matches.iter().enumerate() {
            match self.http_match(
                m,
                MatchAt {
                    rule: ri,
                    matched: mi,
                },
            ) {
                Ok(CompiledMatch::Http(mut key, place, preds)) => {
                    key.route = route_rank;
                    key.rule = to_u32(ri);
                    key.matched = to_u32(mi);
                    compiled.push(CompiledMatch::Http(key, place, preds));
                }
                Ok(other) => compiled.push(other),
                Err(e) => errors.extend(e),
            }
        }
        // The value ReplacePrefixMatch replaces: the rule's single PathPrefix.
        let prefix: Option<&str> = match compiled.as_slice() {
            [CompiledMatch::Http(_, HttpPlace::Prefix(p), _)] if matches.len() == 1 => Some(p),
            _ => None,
        };
        let filters = match rule.filters.as_deref() {
            Some(list) if !list.is_empty() => {
                filter::compile_http(list, &format!("{field}.filters"), prefix)
                    .map_err(|e| errors.push(e))
                    .unwrap_or_default()
            }
            _ => FilterList::default(),
        };
        let backend_refs = rule.backend_refs.as_deref().unwrap_or_default();
        let mut backend_filters = Vec::new();
        for (bi, b) in backend_refs.iter().enumerate() {
            let bfield = || format!("{field}.backendRefs[{bi}].filters");
            let list = match b.filters.as_deref() {
                Some(list) if !list.is_empty() => filter::compile_http(list, &bfield(), prefix)
                    .map_err(|e| errors.push(e))
                    .unwrap_or_default(),
                _ => FilterList::default(),
            };
            if (list.redirect().is_some() && filters.has_rewrite())
                || (list.has_rewrite() && filters.redirect().is_some())
            {
                errors.push(invalid(
                    bfield(),
                    "a RequestRedirect and a URLRewrite cannot both apply to a request (IncompatibleFilters)",
                ));
            }
            push_backend_filters(&mut backend_filters, bi, list);
        }
        let timeouts = Self::timeouts(rule, field)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        #[cfg(feature = "experimental")]
        let retry = Self::retry(rule, field)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        self.matches = compiled;
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Rule {
            timeouts,
            #[cfg(feature = "experimental")]
            retry,
            ..rule_record((li, pos, ri), attached, rule, filters, backend_filters)
        })
    }

    #[allow(clippy::too_many_arguments)] // Private; mirrors the view's nesting.
    fn grpc_rule(
        &mut self,
        li: u32,
        pos: usize,
        route_rank: u32,
        attached: &AttachedRoute,
        route: &gateway_types::GrpcRoute,
        ri: usize,
    ) -> Result<Rule, Vec<FieldError>> {
        let Some(rule) = route.spec.rules.as_deref().unwrap_or_default().get(ri) else {
            return Err(vec![invalid(format!("spec.rules[{ri}]"), "no such rule")]);
        };
        let field = RuleAt(ri);
        let mut errors = Vec::new();
        let everything = [GrpcRouteMatch::default()];
        let matches = match rule.matches.as_deref() {
            Some(m) if !m.is_empty() => m,
            _ => &everything[..],
        };
        let limit = self.config.max_matches_per_rule_value();
        if matches.len() > limit {
            return Err(vec![(
                format!("{field}.matches"),
                BuildErrorKind::TooManyMatches {
                    limit,
                    count: matches.len(),
                },
            )]);
        }
        // Filled here, left in `self.matches` for the caller.
        let mut compiled = std::mem::take(&mut self.matches);
        compiled.clear();
        for (mi, m) in matches.iter().enumerate() {
            match self.grpc_match(
                m,
                MatchAt {
                    rule: ri,
                    matched: mi,
                },
            ) {
                Ok(CompiledMatch::Grpc(mut key, place, preds)) => {
                    key.route = route_rank;
                    key.rule = to_u32(ri);
                    key.matched = to_u32(mi);
                    compiled.push(CompiledMatch::Grpc(key, place, preds));
                }
                Ok(other) => compiled.push(other),
                Err(e) => errors.extend(e),
            }
        }
        let filters = match rule.filters.as_deref() {
            Some(list) if !list.is_empty() => {
                filter::compile_grpc(list, &format!("{field}.filters"))
                    .map_err(|e| errors.push(e))
                    .unwrap_or_default()
            }
            _ => FilterList::default(),
        };
        let backend_refs = rule.backend_refs.as_deref().unwrap_or_default();
        let mut backend_filters = Vec::new();
        for (bi, b) in backend_refs.iter().enumerate() {
            let list = match b.filters.as_deref() {
                Some(list) if !list.is_empty() => {
                    filter::compile_grpc(list, &format!("{field}.backendRefs[{bi}].filters"))
                        .map_err(|e| errors.push(e))
                        .unwrap_or_default()
                }
                _ => FilterList::default(),
            };
            push_backend_filters(&mut backend_filters, bi, list);
        }
        self.matches = compiled;
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(rule_record(
            (li, pos, ri),
            attached,
            rule,
            filters,
            backend_filters,
        ))
    }

    /// Sorts each bucket's matches by precedence and lays them out.
    fn finish_buckets(&mut self) {
        let http = std::mem::take(&mut self.http_pending);
        let grpc = std::mem::take(&mut self.grpc_pending);
        let buckets = self.buckets as usize;
        // Size the trie's edge table up front (about one edge per path, as
        // an edge spans a chain of segments) instead of growing it (and
        // moving every slot) many times as paths are inserted; its nodes
        // are the roots and about one per edge.
        self.inner.trie.reserve(buckets, http.len());
        self.inner.entries.reserve(http.len() + grpc.len());
        // One trie root per bucket, made first, so that the root of bucket
        // `b` is node `b`: the lookup goes from a bucket id to its root
        // without reading the bucket.
        debug_assert!(self.inner.trie.nodes.is_empty());
        for _ in 0..buckets {
            self.inner.trie.add_root();
        }
        let (http_starts, mut http_order) = group_by_bucket(buckets, http.iter().map(|p| p.bucket));
        let (grpc_starts, mut grpc_order) = group_by_bucket(buckets, grpc.iter().map(|p| p.bucket));
        let mut placed = Vec::new();
        self.inner.buckets.reserve(buckets);
        for id in 0..buckets {
            let mut bucket = Bucket::default();
            let order = bucket_slice(&http_starts, &mut http_order, id);
            if !order.is_empty() {
                order.sort_by(|&a, &b| http[a as usize].key.cmp(&http[b as usize].key));
                self.http_table(
                    to_u32(id),
                    order.iter().filter_map(|&i| http.get(i as usize)),
                    &mut placed,
                );
            }
            let order = bucket_slice(&grpc_starts, &mut grpc_order, id);
            if !order.is_empty() {
                order.sort_by(|&a, &b| grpc[a as usize].key.cmp(&grpc[b as usize].key));
                let table = self.grpc_table(order.iter().filter_map(|&i| grpc.get(i as usize)));
                bucket.grpc = Some(Box::new(table));
            }
            self.inner.buckets.push(bucket);
        }
    }

    /// Appends `list` to the entries and returns its span.
    fn push_entries(&mut self, list: impl IntoIterator<Item = Entry>) -> Span {
        let start = to_u32(self.inner.entries.len());
        self.inner.entries.extend(list);
        Span {
            start,
            end: to_u32(self.inner.entries.len()),
        }
    }

    /// Places a bucket's HTTPRoute matches, sorted by precedence, in the
    /// trie under `root`; `placed` is a buffer kept between buckets.
    fn http_table<'p>(
        &mut self,
        root: u32,
        sorted: impl Iterator<Item = &'p HttpPending<'p>>,
        placed: &mut Vec<(u32, u8, Entry)>,
    ) where
        'l: 'p,
    {
        // (node, kind: 0 exact, 1 prefix, 2 regex, entry), in rank order.
        placed.clear();
        let Inner { trie, patterns, .. } = &mut self.inner;
        for (rank, p) in sorted.enumerate() {
            let mut entry = p.entry;
            entry.rank = to_u32(rank);
            match &p.place {
                HttpPlace::Exact(path) => {
                    // The segments of the path (`/` has none).
                    let rest = path.strip_prefix('/').unwrap_or(path);
                    let node = if rest.is_empty() {
                        root
                    } else {
                        trie.insert_path(root, rest)
                    };
                    placed.push((node, 0, entry));
                }
                HttpPlace::Prefix(value) => {
                    let trimmed = match value.strip_suffix('/') {
                        Some(t) if !t.is_empty() => t,
                        _ => value,
                    };
                    let node = if trimmed == "/" {
                        root
                    } else {
                        trie.insert_path(root, trimmed.get(1..).unwrap_or_default())
                    };
                    placed.push((node, 1, entry));
                }
                HttpPlace::Regex(id) => {
                    let literal = patterns.get(*id as usize).map_or("", |p| p.literal());
                    let node = match literal.strip_prefix('/').and_then(|l| l.rsplit_once('/')) {
                        Some((complete, _partial)) => trie.insert_path(root, complete),
                        None => root,
                    };
                    placed.push((node, 2, entry));
                }
            }
        }
        // Group by node and kind; the stable sort keeps rank order inside a
        // group.
        placed.sort_by_key(|(node, kind, _)| (*node, *kind));
        let mut rest = placed.as_slice();
        while let Some(&(node, kind, _)) = rest.first() {
            let len = rest
                .iter()
                .position(|(n, k, _)| (*n, *k) != (node, kind))
                .unwrap_or(rest.len());
            let (group, tail) = rest.split_at(len);
            rest = tail;
            let span = self.push_entries(group.iter().map(|(_, _, e)| *e));
            if let Some(n) = self.inner.trie.nodes.get_mut(node as usize) {
                match kind {
                    0 => n.lists.exact = span,
                    1 => n.lists.prefix = span,
                    _ => n.lists.regex = span,
                }
            }
        }
    }

    fn grpc_table<'p>(&mut self, sorted: impl Iterator<Item = &'p GrpcPending>) -> GrpcTable {
        let mut full: FastMap<Arc<str>, Vec<Entry>> = FastMap::default();
        let mut service: FastMap<Arc<str>, Vec<Entry>> = FastMap::default();
        let mut method: FastMap<Arc<str>, Vec<Entry>> = FastMap::default();
        let mut general = Vec::new();
        for (rank, p) in sorted.enumerate() {
            let mut entry = p.entry;
            entry.rank = to_u32(rank);
            match &p.place {
                GrpcPlace::Full(k) => full.entry(k.clone()).or_default().push(entry),
                GrpcPlace::Service(k) => service.entry(k.clone()).or_default().push(entry),
                GrpcPlace::Method(k) => method.entry(k.clone()).or_default().push(entry),
                GrpcPlace::General(_) => general.push(entry),
            }
        }
        let mut table = GrpcTable::default();
        for (map, out) in [
            (full, &mut table.full),
            (service, &mut table.service),
            (method, &mut table.method),
        ] {
            for (k, list) in map {
                let span = self.push_entries(list);
                out.insert(Box::from(&*k), span);
            }
        }
        table.general = self.push_entries(general);
        table
    }
}

/// The parts of an HTTPRoute or GRPCRoute rule that [`routing_as_written`]
/// reads.
trait RuleAsWritten {
    /// `(reference, weight)` of every backendRef, in order.
    fn backends_as_written(&self) -> impl Iterator<Item = (BackendObjectReference, i32)>;
    /// The target of the `RequestMirror` filter at `index` of the rule's
    /// filters, if that filter is one.
    fn mirror_target(&self, index: usize) -> Option<&BackendObjectReference>;
    /// How many backendRefs the rule has.
    fn backend_count(&self) -> usize;
    /// `(backendRef index, filter index, target)` of every `RequestMirror`
    /// filter on a backendRef, in order.
    fn backend_mirror_targets(
        &self,
    ) -> impl Iterator<Item = (usize, usize, &BackendObjectReference)>;
}

/// Implements [`RuleAsWritten`] for a rule type whose backendRefs and
/// filters have the same field names in both route kinds.
macro_rules! rule_as_written {
    ($rule:ty) => {
        impl RuleAsWritten for $rule {
            fn backends_as_written(&self) -> impl Iterator<Item = (BackendObjectReference, i32)> {
                self.backend_refs
                    .iter()
                    .flatten()
                    .map(|b| (b.object_ref(), b.weight_or_default()))
            }

            fn mirror_target(&self, index: usize) -> Option<&BackendObjectReference> {
                let filter = self.filters.as_deref()?.get(index)?;
                filter.request_mirror.as_ref().map(|m| &m.backend_ref)
            }

            fn backend_count(&self) -> usize {
                self.backend_refs.as_deref().map_or(0, <[_]>::len)
            }

            fn backend_mirror_targets(
                &self,
            ) -> impl Iterator<Item = (usize, usize, &BackendObjectReference)> {
                self.backend_refs
                    .iter()
                    .flatten()
                    .enumerate()
                    .flat_map(|(bi, b)| {
                        b.filters
                            .iter()
                            .flatten()
                            .enumerate()
                            .filter_map(move |(fi, f)| {
                                f.request_mirror.as_ref().map(|m| (bi, fi, &m.backend_ref))
                            })
                    })
            }
        }
    };
}

rule_as_written!(gateway_types::http_route::HttpRouteRule);
rule_as_written!(gateway_types::grpc_route::GrpcRouteRule);

/// The routing view of a rule that validation did not see (a route handed
/// to the builder without a [`RuleRouting`]): valid, with its backends and
/// mirrors exactly as written.
fn routing_as_written(
    namespace: &str,
    rule: &impl RuleAsWritten,
    filters: &FilterList,
) -> Box<RuleRouting> {
    let mut routing = RuleRouting::default();
    routing.valid = true;
    routing.backends = rule
        .backends_as_written()
        .map(|(object, weight)| backend_as_written(namespace, &object, weight))
        .collect();
    routing.mirrors = mirrors_as_written(namespace, filters, |i| rule.mirror_target(i));
    Box::new(routing)
}

/// Rule-level mirror targets as written, by filter index.
fn mirrors_as_written<'a>(
    namespace: &str,
    filters: &FilterList,
    target: impl Fn(usize) -> Option<&'a BackendObjectReference>,
) -> Vec<(usize, ResolvedBackend)> {
    filters
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Mirror { index, .. } => {
                target(*index).map(|b| (*index, backend_as_written(namespace, b, 1)))
            }
            _ => None,
        })
        .collect()
}

/// Records the backends as written for a stream route the view gave no
/// rule resolution for.
fn synthesize_stream(
    listener: &ListenerRouting,
    route: Option<(u32, u32)>,
    table: &mut ListenerTable,
) {
    let Some((pos, rule)) = route else {
        return;
    };
    if table.stream_backends.iter().any(|(p, _)| *p == pos) {
        return;
    }
    let Some(attached) = listener.routes.get(pos as usize) else {
        return;
    };
    if attached.rules.get(rule as usize).is_some() {
        return;
    }
    let refs = match &attached.route {
        RouteObject::Tls(r) => r.spec.rules.get(rule as usize).map(|r| &r.backend_refs),
        RouteObject::Tcp(r) => r.spec.rules.get(rule as usize).map(|r| &r.backend_refs),
        RouteObject::Udp(r) => r.spec.rules.get(rule as usize).map(|r| &r.backend_refs),
        _ => None,
    };
    let backends = refs
        .into_iter()
        .flatten()
        .map(|b| backend_as_written(&attached.namespace, &b.object_ref(), b.weight_or_default()))
        .collect();
    table.stream_backends.push((pos, backends));
}

/// The route TCP/UDP traffic goes to: the oldest route of the kind (then
/// `namespace/name`), with its first served rule.
fn stream_route(
    listener: &ListenerRouting,
    kind: impl Fn(&RouteObject) -> bool,
) -> Option<(u32, u32)> {
    let ranks = route_ranks(&listener.routes);
    listener
        .routes
        .iter()
        .enumerate()
        .filter(|(_, r)| kind(&r.route))
        .filter_map(|(pos, r)| {
            let rules = match &r.route {
                RouteObject::Tcp(t) => t.spec.rules.len(),
                RouteObject::Udp(u) => u.spec.rules.len(),
                _ => 0,
            };
            let rule = (0..rules).find(|&i| rule_served(r, i))?;
            Some((ranks[pos], to_u32(pos), to_u32(rule)))
        })
        .min()
        .map(|(_, pos, rule)| (pos, rule))
}
