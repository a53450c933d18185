//! The router, its builder and its options.

use std::borrow::Cow;
use std::sync::Arc;

use gateway_types::routing::{GatewayRouting, ListenerRouting};
use http::Request;

use crate::compiled::{self, Inner};
use crate::error::BuildError;
use crate::host::{HostError, normalize_host};
use crate::input::{Input, Scheme};
use crate::matched::{Match, StreamMatch};
use crate::path::{NormalizeOptions, PathError, normalize_path};
use crate::table::{CHAIN_START, HIGH, HostName, ONES, PathKey, in_range, pad_word, step};

/// Router options. Setters take and return the value; unset options keep
/// their documented default.
///
/// # Examples
///
/// ```
/// use gateway_match::Config;
///
/// let config = Config::new().regex_size_limit(1 << 16).max_rules(10_000);
/// assert_eq!(config.regex_size_limit_value(), 1 << 16);
/// assert_eq!(config.max_header_matches_value(), 16);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    regex_size_limit: Option<usize>,
    max_rules: Option<usize>,
    max_matches_per_rule: Option<usize>,
    max_header_matches: Option<usize>,
    max_query_matches: Option<usize>,
    path_options: Option<NormalizeOptions>,
    eager_regex: Option<bool>,
    detect_misdirected: Option<bool>,
}

impl Config {
    /// Default for [`regex_size_limit`](Self::regex_size_limit): 1 MiB.
    pub const DEFAULT_REGEX_SIZE_LIMIT: usize = 1 << 20;
    /// Default for [`max_rules`](Self::max_rules): 262,144.
    pub const DEFAULT_MAX_RULES: usize = 1 << 18;
    /// Default for [`max_matches_per_rule`](Self::max_matches_per_rule): 64,
    /// the HTTPRoute schema limit.
    pub const DEFAULT_MAX_MATCHES_PER_RULE: usize = 64;
    /// Default for [`max_header_matches`](Self::max_header_matches): 16, the
    /// schema limit.
    pub const DEFAULT_MAX_HEADER_MATCHES: usize = 16;
    /// Default for [`max_query_matches`](Self::max_query_matches): 16, the
    /// schema limit.
    pub const DEFAULT_MAX_QUERY_MATCHES: usize = 16;

    /// Default options.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The most heap a compiled regular expression may use, in bytes (the
    /// `regex` crate's `size_limit`, also used as its lazy DFA cache limit).
    /// A larger pattern is refused with
    /// [`BuildErrorKind::RegexTooBig`](crate::BuildErrorKind::RegexTooBig).
    /// Default: [`DEFAULT_REGEX_SIZE_LIMIT`](Self::DEFAULT_REGEX_SIZE_LIMIT).
    #[must_use]
    pub fn regex_size_limit(mut self, bytes: usize) -> Self {
        self.regex_size_limit = Some(bytes);
        self
    }

    /// The most rules (per listener and route) a router compiles; the rest are
    /// refused with [`BuildErrorKind::TooManyRules`](crate::BuildErrorKind::TooManyRules).
    /// Default: [`DEFAULT_MAX_RULES`](Self::DEFAULT_MAX_RULES).
    #[must_use]
    pub fn max_rules(mut self, rules: usize) -> Self {
        self.max_rules = Some(rules);
        self
    }

    /// The most matches in one rule.
    /// Default: [`DEFAULT_MAX_MATCHES_PER_RULE`](Self::DEFAULT_MAX_MATCHES_PER_RULE).
    #[must_use]
    pub fn max_matches_per_rule(mut self, matches: usize) -> Self {
        self.max_matches_per_rule = Some(matches);
        self
    }

    /// The most header conditions in one match.
    /// Default: [`DEFAULT_MAX_HEADER_MATCHES`](Self::DEFAULT_MAX_HEADER_MATCHES).
    #[must_use]
    pub fn max_header_matches(mut self, headers: usize) -> Self {
        self.max_header_matches = Some(headers);
        self
    }

    /// The most query parameter conditions in one match.
    /// Default: [`DEFAULT_MAX_QUERY_MATCHES`](Self::DEFAULT_MAX_QUERY_MATCHES).
    #[must_use]
    pub fn max_query_matches(mut self, params: usize) -> Self {
        self.max_query_matches = Some(params);
        self
    }

    /// How request paths (and route path values) are normalised before
    /// matching. Default: [`NormalizeOptions::new`] (no slash merging,
    /// escaped slashes kept as data).
    #[must_use]
    pub fn path_options(mut self, options: NormalizeOptions) -> Self {
        self.path_options = Some(options);
        self
    }

    /// Compile every regular expression when the router is built instead of
    /// on its first use. Default: `false` (patterns are checked, syntax and
    /// size, at build time either way).
    #[must_use]
    pub fn eager_regex(mut self, yes: bool) -> Self {
        self.eager_regex = Some(yes);
        self
    }

    /// On an HTTPS connection, answer 421 when the request's host selects a
    /// different listener than the TLS server name did (spec 3.3.6).
    /// Default: `true`.
    #[must_use]
    pub fn detect_misdirected_requests(mut self, yes: bool) -> Self {
        self.detect_misdirected = Some(yes);
        self
    }

    /// The regex size limit in effect.
    #[must_use]
    pub fn regex_size_limit_value(&self) -> usize {
        self.regex_size_limit
            .unwrap_or(Self::DEFAULT_REGEX_SIZE_LIMIT)
    }

    /// The rule limit in effect.
    #[must_use]
    pub fn max_rules_value(&self) -> usize {
        self.max_rules.unwrap_or(Self::DEFAULT_MAX_RULES)
    }

    /// The matches-per-rule limit in effect.
    #[must_use]
    pub fn max_matches_per_rule_value(&self) -> usize {
        self.max_matches_per_rule
            .unwrap_or(Self::DEFAULT_MAX_MATCHES_PER_RULE)
    }

    /// The header-matches limit in effect.
    #[must_use]
    pub fn max_header_matches_value(&self) -> usize {
        self.max_header_matches
            .unwrap_or(Self::DEFAULT_MAX_HEADER_MATCHES)
    }

    /// The query-matches limit in effect.
    #[must_use]
    pub fn max_query_matches_value(&self) -> usize {
        self.max_query_matches
            .unwrap_or(Self::DEFAULT_MAX_QUERY_MATCHES)
    }

    /// The path normalisation options in effect.
    #[must_use]
    pub fn path_options_value(&self) -> NormalizeOptions {
        self.path_options.unwrap_or_default()
    }

    /// Whether regular expressions are compiled at build time.
    #[must_use]
    pub fn eager_regex_value(&self) -> bool {
        self.eager_regex.unwrap_or(false)
    }

    /// Whether misdirected HTTPS requests get a 421.
    #[must_use]
    pub fn detect_misdirected_value(&self) -> bool {
        self.detect_misdirected.unwrap_or(true)
    }
}

/// Collects listeners and their routes, then compiles a [`Router`].
///
/// `build` may be called any number of times; the builder keeps its input.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct RouterBuilder {
    config: Config,
    listeners: Vec<Arc<ListenerRouting>>,
}

impl RouterBuilder {
    /// Sets the options.
    pub fn configure(&mut self, config: Config) -> &mut Self {
        self.config = config;
        self
    }

    /// Adds one listener with its attached routes. Listeners keep the order
    /// they are added in ([`Match::listener_index`]); when two ready
    /// listeners share port, protocol and hostname, the first one serves.
    pub fn add_listener(&mut self, listener: impl Into<Arc<ListenerRouting>>) -> &mut Self {
        self.listeners.push(listener.into());
        self
    }

    /// Adds every listener of a Gateway's routing view.
    pub fn add_gateway(&mut self, gateway: &GatewayRouting) -> &mut Self {
        self.listeners
            .extend(gateway.listeners.iter().cloned().map(Arc::new));
        self
    }

    /// Compiles the router.
    ///
    /// # Errors
    ///
    /// Every rule (or listener) that cannot be compiled, each with the route,
    /// rule and field it came from. [`build_partial`](Self::build_partial)
    /// returns the router without those rules instead.
    pub fn build(&self) -> Result<Router, Vec<BuildError>> {
        let (router, errors) = self.build_partial();
        if errors.is_empty() {
            Ok(router)
        } else {
            Err(errors)
        }
    }

    /// Compiles the router, leaving out every rule that cannot be compiled,
    /// and returns it with the errors for those rules.
    pub fn build_partial(&self) -> (Router, Vec<BuildError>) {
        let (inner, errors) = crate::compile::compile(&self.config, self.listeners.clone());
        (
            Router {
                inner: Arc::new(inner),
            },
            errors,
        )
    }
}

/// Why a request was not routed, with the status a gateway answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoRoute {
    /// No ready listener accepts the port, protocol and host (404).
    #[error("no listener for this port, protocol and host")]
    NoListener,
    /// The listener has no rule that accepts the request (404).
    #[error("no rule matches the request")]
    NoRule,
    /// On HTTPS, the host selects another listener than the TLS server name
    /// did (421, spec 3.3.6).
    #[error(
        "the host selects another listener than the TLS server name did; open a new connection"
    )]
    Misdirected,
    /// The host cannot be normalised (400).
    #[error("invalid host: {0}")]
    InvalidHost(HostError),
    /// The path cannot be normalised (400).
    #[error("invalid path: {0}")]
    InvalidPath(PathError),
}

impl NoRoute {
    /// The HTTP status to answer with: 404, 421 or 400.
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            Self::NoListener | Self::NoRule => 404,
            Self::Misdirected => 421,
            Self::InvalidHost(_) | Self::InvalidPath(_) => 400,
        }
    }
}

/// Counts of what a router compiled, by strategy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Listeners received.
    pub listeners: usize,
    /// HTTPRoute and GRPCRoute rules compiled (per listener).
    pub rules: usize,
    /// Hostname buckets.
    pub buckets: usize,
    /// Match entries across all buckets (a match appears once per effective
    /// hostname of its route).
    pub entries: usize,
    /// Distinct exact paths (trie nodes with `Exact` entries).
    pub exact_paths: usize,
    /// Path trie nodes: one root per bucket, then exact paths, prefixes,
    /// regex anchors, and paths where edges part (an edge spans a chain of
    /// segments).
    pub trie_nodes: usize,
    /// Bytes of path text on the trie's edges.
    pub segment_bytes: usize,
    /// Distinct regular expressions.
    pub regexes: usize,
    /// Matches with method, header or query conditions.
    pub predicates: usize,
}

/// A compiled, immutable router. Cheap to clone (an `Arc` inside);
/// `Send + Sync`. Build a new one when the configuration changes.
#[derive(Debug, Clone)]
#[must_use]
pub struct Router {
    inner: Arc<Inner>,
}

/// Why a lookup failed, before the details are worked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Miss {
    NoListener,
    NoRule,
    Misdirected,
    BadHost,
    BadPath,
}

/// `raw` when it is a host name that normalisation would return unchanged:
/// 1 to 253 bytes of `a-z 0-9 - _ .`, without an empty label or a trailing
/// dot. The common case, checked in one pass, which also hashes the name
/// for the hostname tables.
#[inline(always)]
fn normal_host(raw: &str) -> Option<HostName<'_>> {
    let bytes = raw.as_bytes();
    if bytes.len() > crate::host::MAX_HOST_LEN {
        return None;
    }
    if bytes.last().is_none_or(|&b| b == b'.') {
        return None;
    }
    // Eight bytes at a time: every byte a label byte or a dot, and no dot
    // after the start or after a dot.
    let mut follows_dot = HIGH & 0xff;
    let mut hash = CHAIN_START;
    let mut first = [0u64; 2];
    let mut index = 0;
    // Checks one word (`w`: the bytes, `data` for the tail word before
    // padding) and keeps the first two for the key.
    let mut visit = |data: u64, w: u64| {
        if let Some(slot) = first.get_mut(index) {
            *slot = data;
        }
        index += 1;
        let dash_dot = in_range(w, b'-', b'.');
        let allowed =
            dash_dot | in_range(w, b'0', b'9') | in_range(w, b'_', b'_') | in_range(w, b'a', b'z');
        // `-` and `.` differ in their low bit, which the shift moves to
        // the high bit.
        let dot = dash_dot & !(w << 7);
        if w & HIGH != 0 || allowed != HIGH || ((dot << 8) | follows_dot) & dot != 0 {
            return false;
        }
        follows_dot = dot >> 56;
        true
    };
    let words = bytes.chunks_exact(8);
    let rest = words.remainder();
    for c in words {
        let w = c.try_into().map_or(0, u64::from_le_bytes);
        hash = step(hash, w);
        if !visit(w, w) {
            return None;
        }
    }
    let mut tail = 0;
    if !rest.is_empty() {
        // The missing bytes read as `a`, a byte the check accepts.
        tail = pad_word(rest);
        let fill = (u64::MAX << (8 * rest.len())) & (ONES * u64::from(b'a'));
        if !visit(tail, tail | fill) {
            return None;
        }
    }
    Some(HostName::from_words(raw, hash, first, tail))
}

/// Calls `f` with the normalised host, allocating only when the host has
/// upper-case letters and is too long for the stack buffer.
#[inline]
fn with_host<R>(raw: &str, f: impl FnOnce(&HostName<'_>) -> R) -> Result<R, HostError> {
    match normal_host(raw) {
        Some(host) => Ok(f(&host)),
        None => with_host_slow(raw, f),
    }
}

#[inline(never)]
fn with_host_slow<R>(raw: &str, f: impl FnOnce(&HostName<'_>) -> R) -> Result<R, HostError> {
    let mut buf = [0u8; 272];
    let lowered = if raw.len() <= buf.len() && raw.bytes().any(|b| b.is_ascii_uppercase()) {
        let out = &mut buf[..raw.len()];
        out.copy_from_slice(raw.as_bytes());
        out.make_ascii_lowercase();
        // Lower-casing ASCII keeps UTF-8 valid.
        std::str::from_utf8(out).unwrap_or(raw)
    } else {
        raw
    };
    let host = normalize_host(lowered)?;
    Ok(f(&HostName::new(&host)))
}

/// Calls `f` with the normalised path, split for the trie walk; allocates
/// only when normalisation changes the path.
#[inline]
fn with_path<R>(
    raw: &str,
    options: NormalizeOptions,
    f: impl FnOnce(&PathKey<'_>) -> R,
) -> Result<R, PathError> {
    let mut key = PathKey::empty(raw);
    if PathKey::normal_into(raw, &mut key) {
        return Ok(f(&key));
    }
    let path: Cow<'_, str> = normalize_path(raw, options)?;
    Ok(f(&PathKey::new(&path)))
}

impl Router {
    /// A builder.
    pub fn builder() -> RouterBuilder {
        RouterBuilder::default()
    }

    /// The options the router was built with.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Counts of what was compiled, by strategy.
    #[must_use]
    pub fn stats(&self) -> Stats {
        let i = &self.inner;
        Stats {
            listeners: i.listeners.len(),
            rules: i.rules.len(),
            buckets: i.buckets.len(),
            entries: i.entries.len(),
            exact_paths: i
                .trie
                .nodes
                .iter()
                .filter(|n| !n.lists.exact.is_empty())
                .count(),
            trie_nodes: i.trie.nodes.len(),
            segment_bytes: i.trie.text_len(),
            regexes: i.patterns.len(),
            predicates: i.predicates.len(),
        }
    }

    /// The rule that wins for an HTTP request, or `None` (the caller sends
    /// 404; see [`try_route_input`](Self::try_route_input) for 421 and 400).
    #[must_use]
    #[inline]
    pub fn route<B>(&self, request: &Request<B>) -> Option<Match<'_>> {
        self.route_input(&Input::from_request(request))
    }

    /// The rule that wins for an HTTP or gRPC request, or `None` (the caller
    /// sends 404).
    #[must_use]
    #[inline]
    pub fn route_input(&self, input: &Input<'_>) -> Option<Match<'_>> {
        self.lookup(input).ok()
    }

    /// The rule that wins for an HTTP or gRPC request, or why there is none.
    ///
    /// # Errors
    ///
    /// [`NoRoute`] says why no rule applies and which status to answer.
    pub fn try_route_input(&self, input: &Input<'_>) -> Result<Match<'_>, NoRoute> {
        self.lookup(input).map_err(|miss| match miss {
            Miss::NoListener => NoRoute::NoListener,
            Miss::NoRule => NoRoute::NoRule,
            Miss::Misdirected => NoRoute::Misdirected,
            Miss::BadHost => match normalize_host(input.host) {
                Err(e) => NoRoute::InvalidHost(e),
                Ok(_) => NoRoute::NoListener,
            },
            Miss::BadPath => {
                match normalize_path(input.path, self.inner.config.path_options_value()) {
                    Err(e) => NoRoute::InvalidPath(e),
                    Ok(_) => NoRoute::NoRule,
                }
            }
        })
    }

    /// The lookup itself, with an error small enough to return in registers.
    #[inline]
    fn lookup(&self, input: &Input<'_>) -> Result<Match<'_>, Miss> {
        let inner = &*self.inner;
        with_host(input.host, |host| {
            let ports = inner.port(input.port).ok_or(Miss::NoListener)?;
            let listener = match input.scheme {
                Scheme::Http => *ports.http.best_name(host).ok_or(Miss::NoListener)?,
                Scheme::Https => {
                    let by_host = ports.https.best_name(host).copied();
                    match input.sni.filter(|s| !s.is_empty()) {
                        None => by_host.ok_or(Miss::NoListener)?,
                        Some(sni) => {
                            let by_sni = with_host(sni, |sni| ports.https.best_name(sni).copied())
                                .ok()
                                .flatten()
                                .ok_or(Miss::NoListener)?;
                            if inner.config.detect_misdirected_value()
                                && by_host.ok_or(Miss::NoListener)? != by_sni
                            {
                                return Err(Miss::Misdirected);
                            }
                            by_sni
                        }
                    }
                }
            };
            with_path(input.path, inner.config.path_options_value(), |key| {
                let path = key.path;
                let grpc = if input.is_grpc() {
                    compiled::grpc_parts(path)
                } else {
                    None
                };
                let request = compiled::Request {
                    method: input.method,
                    headers: input.headers,
                    query: input.query,
                    path,
                    key,
                    grpc,
                };
                let entry = inner.lookup(listener, host, &request).ok_or(Miss::NoRule)?;
                Match::new(inner, listener, entry).ok_or(Miss::NoRule)
            })
            .unwrap_or(Err(Miss::BadPath))
        })
        .unwrap_or(Err(Miss::BadHost))
    }

    /// The route that wins for a TLS stream with this server name on `port`:
    /// the TLS listener is picked by the server name (exact, then wildcards
    /// from the longest, then none), then the TLSRoute whose effective
    /// hostname matches it most specifically, the oldest first. `None`:
    /// reject the connection.
    #[must_use]
    pub fn route_tls(&self, port: u16, sni: &str) -> Option<StreamMatch<'_>> {
        let inner = &*self.inner;
        let ports = inner.port(port)?;
        with_host(sni, |sni| {
            let li = *ports.tls.best_name(sni)?;
            let table = inner.tables.get(li as usize)?;
            let &(position, rule) = table.tls.find_map_name(sni, |v| v.first())?;
            self.stream_match(li, position, rule)
        })
        .ok()
        .flatten()
    }

    /// The route that wins for a TCP connection on `port`: the oldest TCPRoute
    /// on the port's TCP listener (then `namespace/name`).
    #[must_use]
    pub fn route_tcp(&self, port: u16) -> Option<StreamMatch<'_>> {
        let li = self.inner.port(port)?.tcp?;
        let (position, rule) = self.inner.tables.get(li as usize)?.stream?;
        self.stream_match(li, position, rule)
    }

    /// The route that wins for UDP traffic on `port`: the oldest UDPRoute on
    /// the port's UDP listener (then `namespace/name`).
    #[must_use]
    pub fn route_udp(&self, port: u16) -> Option<StreamMatch<'_>> {
        let li = self.inner.port(port)?.udp?;
        let (position, rule) = self.inner.tables.get(li as usize)?.stream?;
        self.stream_match(li, position, rule)
    }

    fn stream_match(&self, li: u32, position: u32, rule: u32) -> Option<StreamMatch<'_>> {
        let listener = self.inner.listeners.get(li as usize)?;
        let synthesized = self
            .inner
            .tables
            .get(li as usize)
            .and_then(|t| t.stream_backends.iter().find(|(p, _)| *p == position))
            .map(|(_, b)| &**b);
        StreamMatch::new(listener, position, rule, synthesized)
    }

    /// Matches a request and applies the winning rule's filters: see
    /// [`Decision`](crate::Decision).
    ///
    /// `random` picks the backend by weight (any `u32`; the same value always
    /// picks the same backend), so that callers and tests control the choice.
    #[must_use]
    pub fn decide(&self, input: &Input<'_>, random: u32) -> crate::decision::Decision {
        match self.try_route_input(input) {
            Ok(m) => m.decide(input, random),
            Err(no) => crate::decision::Decision::respond(no.status()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn router_is_send_and_sync() {
        assert_send_sync::<Router>();
        assert_send_sync::<RouterBuilder>();
    }

    #[test]
    fn fast_host_check_agrees_with_a_byte_scan() {
        // The byte-at-a-time rule the word check implements.
        let by_bytes = |raw: &str| {
            (1..=crate::host::MAX_HOST_LEN).contains(&raw.len())
                && raw.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
                })
                && !raw.starts_with('.')
                && !raw.ends_with('.')
                && !raw.contains("..")
        };
        let alphabet = [
            "a", "z", "0", "9", "-", ".", "_", "A", "/", ",", "`", "{", "~", "\u{e9}",
        ];
        for raw in crate::table::random_strings(11, &alphabet, "", 20_000) {
            assert_eq!(normal_host(&raw).is_some(), by_bytes(&raw), "{raw:?}");
        }
    }

    #[test]
    fn fast_host_check_agrees_with_normalisation() {
        for raw in [
            "foo.com",
            "Foo.com",
            "foo.com.",
            "foo..com",
            ".foo",
            "a",
            "",
            "foo.com:80",
            "[::1]",
            "a_b.c-d",
            "a b",
            "é.com",
            "1.2.3.4",
            "abcdefgh",
            "abcdefghijklmnop",
            "abcdefgh.ijklmnop",
            "abcdefgh.ijklmnop.qrstuvw",
            "abcdefg..ijklmnop",
            "abcdefgh..ijklmnop",
            "abcdefgh.",
            "abcdefgh.Q",
            "abcdefgh.\u{e9}",
            "a.b-c_d.0123456789.xyz",
            "a/b",
            "a@b",
        ] {
            if let Some(fast) = normal_host(raw) {
                assert_eq!(normalize_host(raw).as_deref(), Ok(fast.name), "{raw}");
                // The hash and key words from the check's pass are the
                // ones the hostname tables compute.
                assert_eq!(fast, HostName::new(fast.name), "{raw}");
            }
            let slow = with_host(raw, |h| h.name.to_owned()).ok();
            assert_eq!(
                slow.as_deref(),
                normalize_host(raw).ok().as_deref(),
                "{raw}"
            );
        }
    }
}
