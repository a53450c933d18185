//! The compiled form of a router and the lookup on it (the hot path).
//!
//! Per port, listeners are indexed by protocol and hostname. Per HTTP(S)
//! listener, the effective hostnames of the attached routes form buckets in a
//! [`HostIndex`]; a request visits the buckets that match its host from the
//! most specific and stops at the first bucket where a match accepts it.
//! Inside a bucket:
//!
//! - HTTPRoute paths are nodes of a path trie, walked down along the
//!   request path (one probe per node passed, as an edge spans a chain of
//!   segments; the edge also carries the entry lists of the node it leads
//!   to): `Exact` entries sit on the node of their whole path, `PathPrefix`
//!   entries on the node of their value, tried from the deepest (longest
//!   prefix) back up;
//! - `RegularExpression` paths hang off the trie node of the complete
//!   segments of their literal prefix, so only patterns that can match the
//!   path are tried;
//! - GRPCRoute matches are keyed by full method, by service, by method, or
//!   kept in a short list (regular expressions, match-all).
//!
//! Every list is sorted by precedence, and each entry carries its rank in
//! the bucket, so the first entry of a list whose method, header and query
//! conditions hold is that list's best, and the best of several lists is the
//! one with the smallest rank. Nothing on this path allocates, except a
//! regular-expression header or query match against a repeated header or an
//! escaped query value (which needs the joined or decoded value).

use std::sync::Arc;

use gateway_types::routing::{ListenerRouting, ResolvedBackend, RuleRouting};
use http::{HeaderMap, Method};

use crate::filter::FilterList;
use crate::matched::Timeouts;
use crate::pattern::Pattern;
use crate::predicate::Predicates;
use crate::router::Config;
use crate::table::{FastMap, HostIds, HostIndex, HostName, NONE, PathKey, Span, Trie};

/// One compiled rule of an HTTPRoute or GRPCRoute on one listener.
#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) listener: u32,
    /// Position of the route in the listener's `routes`.
    pub(crate) route: u32,
    /// Index of the rule in the route.
    pub(crate) index: u32,
    pub(crate) filters: FilterList,
    /// One list per backendRef.
    pub(crate) backend_filters: Box<[FilterList]>,
    /// The rule's resolution when the view gave none: every backendRef and
    /// mirror as written.
    pub(crate) synthesized: Option<Box<RuleRouting>>,
    /// Mirror targets of backendRef-level RequestMirror filters, as written:
    /// `(backend index, filter index, target)`.
    pub(crate) backend_mirrors: Box<[(usize, usize, ResolvedBackend)]>,
    pub(crate) timeouts: Timeouts,
    #[cfg(feature = "experimental")]
    pub(crate) retry: Option<crate::matched::Retry>,
}

/// One match of a rule, placed in one bucket list (32 bytes, aligned so
/// that reading one never touches two cache lines).
#[derive(Debug, Clone, Copy)]
#[repr(align(32))]
pub(crate) struct Entry {
    pub(crate) rule: u32,
    /// The rule's route position and index in the route, copied from the
    /// [`Rule`] so that a match is built without reading the rule.
    pub(crate) route: u32,
    pub(crate) index: u32,
    pub(crate) matched: u32,
    /// Index into the predicates, or [`NONE`].
    pub(crate) predicates: u32,
    /// Rank in the bucket; smaller wins.
    pub(crate) rank: u32,
    /// The path pattern (HTTP regex entries) or the pattern pair (gRPC
    /// general entries), else [`NONE`].
    pub(crate) aux: u32,
}

/// GRPCRoute matches of one bucket.
#[derive(Debug, Default)]
pub(crate) struct GrpcTable {
    /// `Exact` service and method, by `/service/method`.
    pub(crate) full: FastMap<Box<str>, Span>,
    /// `Exact` service without method.
    pub(crate) service: FastMap<Box<str>, Span>,
    /// `Exact` method without service.
    pub(crate) method: FastMap<Box<str>, Span>,
    /// Regular expressions and matches without a method condition.
    pub(crate) general: Span,
}

/// The routes of one effective hostname on one listener. Its HTTPRoute
/// matches hang off the trie root whose node id is the bucket's id.
#[derive(Debug, Default)]
pub(crate) struct Bucket {
    pub(crate) grpc: Option<Box<GrpcTable>>,
}

/// Listeners on one port.
#[derive(Debug, Default)]
pub(crate) struct PortTable {
    pub(crate) http: HostIndex<u32>,
    pub(crate) https: HostIndex<u32>,
    pub(crate) tls: HostIndex<u32>,
    pub(crate) tcp: Option<u32>,
    pub(crate) udp: Option<u32>,
}

/// What one listener routes.
#[derive(Debug, Default)]
pub(crate) struct ListenerTable {
    /// HTTP listeners: bucket ids by effective hostname.
    pub(crate) buckets: HostIds,
    /// TLS listeners: `(route position, rule index)` by effective hostname,
    /// oldest route first.
    pub(crate) tls: HostIndex<Vec<(u32, u32)>>,
    /// TCP and UDP listeners: the route that receives the traffic.
    pub(crate) stream: Option<(u32, u32)>,
    /// TLS, TCP and UDP routes the view gave no rule resolution for: their
    /// backends as written, by route position.
    pub(crate) stream_backends: Vec<(u32, Box<[ResolvedBackend]>)>,
}

/// A compiled router.
#[derive(Debug, Default)]
pub(crate) struct Inner {
    pub(crate) config: Config,
    pub(crate) listeners: Vec<Arc<ListenerRouting>>,
    pub(crate) ports: Vec<(u16, PortTable)>,
    pub(crate) tables: Vec<ListenerTable>,
    pub(crate) buckets: Vec<Bucket>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) entries: Vec<Entry>,
    pub(crate) trie: Trie,
    pub(crate) predicates: Vec<Predicates>,
    pub(crate) patterns: Vec<Pattern>,
    /// Service and method pattern of gRPC regex entries ([`NONE`]: any).
    pub(crate) grpc_patterns: Vec<[u32; 2]>,
}

/// The request facts a bucket lookup needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request<'a> {
    pub(crate) method: &'a Method,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) query: Option<&'a str>,
    /// Normalised path.
    pub(crate) path: &'a str,
    /// The path split for the trie walk.
    pub(crate) key: &'a PathKey<'a>,
    /// `(service, method)` of a gRPC call with a `/service/method` path.
    pub(crate) grpc: Option<(&'a str, &'a str)>,
}

/// Splits a gRPC path `/service/method` (both non-empty, no other `/`).
pub(crate) fn grpc_parts(path: &str) -> Option<(&str, &str)> {
    let (service, method) = path.strip_prefix('/')?.split_once('/')?;
    (!service.is_empty() && !method.is_empty() && !method.contains('/'))
        .then_some((service, method))
}

impl Inner {
    /// The listeners of `port`.
    #[inline]
    pub(crate) fn port(&self, port: u16) -> Option<&PortTable> {
        self.ports.iter().find(|(p, _)| *p == port).map(|(_, t)| t)
    }

    #[inline]
    fn passes(&self, e: &Entry, req: &Request<'_>) -> bool {
        if e.predicates == NONE {
            return true;
        }
        self.predicates
            .get(e.predicates as usize)
            .is_some_and(|p| p.check(req.method, req.headers, req.query, &self.patterns))
    }

    #[inline]
    fn entries(&self, span: Span) -> &[Entry] {
        self.entries.get(span.range()).unwrap_or_default()
    }

    /// The first entry of `span` that passes, if its rank beats `best`.
    #[inline]
    fn first_passing<'s>(
        &'s self,
        span: Span,
        req: &Request<'_>,
        best: Option<&'s Entry>,
        extra: impl Fn(&Entry) -> bool,
    ) -> Option<&'s Entry> {
        for e in self.entries(span) {
            if best.is_some_and(|b| b.rank < e.rank) {
                return best;
            }
            if extra(e) && self.passes(e, req) {
                return Some(e);
            }
        }
        best
    }

    /// The winning match on an HTTP(S) listener, visiting its hostname
    /// buckets from the most specific.
    #[inline]
    pub(crate) fn lookup(
        &self,
        listener: u32,
        host: &HostName<'_>,
        req: &Request<'_>,
    ) -> Option<&Entry> {
        let table = self.tables.get(listener as usize)?;
        table.buckets.find_map_name(host, |bucket| {
            if let Some((service, method)) = req.grpc
                && let Some(grpc) = self
                    .buckets
                    .get(bucket as usize)
                    .and_then(|b| b.grpc.as_deref())
                && let Some(e) = self.lookup_grpc(grpc, service, method, req)
            {
                return Some(e);
            }
            // The bucket's trie root is the node with the bucket's id.
            self.lookup_http(bucket, req)
        })
    }

    /// The winning HTTPRoute match of the bucket whose trie root is `root`.
    #[inline]
    fn lookup_http(&self, root: u32, req: &Request<'_>) -> Option<&Entry> {
        let path = req.path;
        let reached = self.trie.deepest(root, req.key);
        let lists = reached.lists;
        if reached.whole
            && !lists.exact.is_empty()
            && let Some(e) = self.first_passing(lists.exact, req, None, |_| true)
        {
            return Some(e);
        }
        if !lists.regex.is_empty() || reached.up_regex {
            let mut best = None;
            for lists in reached.ancestors(&self.trie) {
                if !lists.regex.is_empty() {
                    best = self.first_passing(lists.regex, req, best, |e| {
                        self.patterns
                            .get(e.aux as usize)
                            .is_some_and(|p| p.is_match(path))
                    });
                }
            }
            if best.is_some() {
                return best;
            }
        }
        if !lists.prefix.is_empty()
            && let Some(e) = self.first_passing(lists.prefix, req, None, |_| true)
        {
            return Some(e);
        }
        if !reached.up_prefix {
            return None;
        }
        reached.ancestors(&self.trie).skip(1).find_map(|lists| {
            if lists.prefix.is_empty() {
                None
            } else {
                self.first_passing(lists.prefix, req, None, |_| true)
            }
        })
    }

    #[inline]
    fn lookup_grpc(
        &self,
        table: &GrpcTable,
        service: &str,
        method: &str,
        req: &Request<'_>,
    ) -> Option<&Entry> {
        let mut best = None;
        if let Some(&span) = table.full.get(req.path) {
            best = self.first_passing(span, req, best, |_| true);
        }
        if let Some(&span) = table.service.get(service) {
            best = self.first_passing(span, req, best, |_| true);
        }
        if let Some(&span) = table.method.get(method) {
            best = self.first_passing(span, req, best, |_| true);
        }
        if !table.general.is_empty() {
            best = self.first_passing(table.general, req, best, |e| {
                let Some([s, m]) = self.grpc_patterns.get(e.aux as usize) else {
                    return true;
                };
                let ok = |id: u32, text: &str| {
                    id == NONE
                        || self
                            .patterns
                            .get(id as usize)
                            .is_some_and(|p| p.is_match(text))
                };
                ok(*s, service) && ok(*m, method)
            });
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_paths_have_two_segments() {
        assert_eq!(grpc_parts("/a.B/C"), Some(("a.B", "C")));
        assert_eq!(grpc_parts("/a.B/C/d"), None);
        assert_eq!(grpc_parts("/a.B/"), None);
        assert_eq!(grpc_parts("//C"), None);
        assert_eq!(grpc_parts("/a"), None);
    }
}
