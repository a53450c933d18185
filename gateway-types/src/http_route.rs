//! The `HTTPRoute` kind: HTTP routing from a Gateway listener to backends.
//!
//! A route lists the parents (Gateways, ListenerSets) it wants to attach to,
//! the hostnames it serves, and rules. Each rule has match conditions
//! (OR-ed; each match AND-s its conditions), filters that act on the request
//! or response, and weighted backends.
//!
//! Fields the API server defaults are `Option`s holding exactly what the
//! document said; [`Defaults::apply_defaults`] fills them in, and the
//! `*_or_default` accessors read the defaulted value without mutating, so a
//! router can work on objects that were never defaulted.
//!
//! # Example
//!
//! ```
//! use gateway_types::http_route::{HttpPathMatch, PathMatchType};
//! use gateway_types::{Defaults, HttpRoute};
//!
//! let route: HttpRoute = serde_json::from_str(
//!     r#"{"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
//!         "metadata": {"name": "web", "namespace": "default"},
//!         "spec": {"rules": [{"matches": [{"path": {"value": "/api"}}]}]}}"#,
//! )?;
//! let rule = &route.spec.rules_or_default()[0];
//! let path = rule.matches_or_default()[0].path_or_default();
//! assert_eq!(*path.type_or_default(), PathMatchType::PathPrefix);
//! assert_eq!(path.value_or_default(), "/api");
//!
//! // Defaulting writes the same values into the object.
//! let route = route.with_defaults();
//! let rules = route.spec.rules.as_deref().unwrap_or_default();
//! let m = &rules[0].matches.as_deref().unwrap_or_default()[0];
//! assert_eq!(m.path, Some(HttpPathMatch::prefix("/api")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::object::{Defaults, api_object};
use crate::shared::{
    BackendObjectReference, BackendRef, Duration, GROUP, Hostname, LocalObjectReference,
    ParentReference, PortNumber, RouteStatus,
};
#[cfg(feature = "experimental")]
use crate::shared::{GatewayDefaultScope, SessionPersistence};

/// The observed state of a [`HttpRoute`]: the common route status, one entry
/// per parent.
pub type HttpRouteStatus = RouteStatus;

/// An HTTP status code a failed backend request may be retried on
/// (`400..=599`; implementations must support 500, 502, 503 and 504).
#[cfg(feature = "experimental")]
#[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
pub type HttpRouteRetryStatusCode = i32;

api_object! {
    /// Routes HTTP requests arriving on a Gateway listener to backends, by
    /// host, path, method, headers and query parameters, optionally
    /// modifying, redirecting or mirroring them on the way.
    HttpRoute {
        group: GROUP,
        kind: "HTTPRoute",
        version: "v1",
        versions: ["v1", "v1beta1"],
        plural: "httproutes",
        namespaced: true,
        spec: HttpRouteSpec,
        status: HttpRouteStatus,
    }
}

impl Defaults for HttpRoute {
    /// Inserts every CRD default into absent fields of the spec and of the
    /// status parent references. Explicit empty lists stay empty.
    fn apply_defaults(&mut self) {
        self.spec.apply_defaults();
        if let Some(status) = &mut self.status {
            status.apply_defaults();
        }
    }
}

// ---------------------------------------------------------------------------
// Spec and rules
// ---------------------------------------------------------------------------

/// The desired state of a [`HttpRoute`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpRouteSpec {
    /// The Gateways (or other parents) this route wants to attach to; at most
    /// 32. A parent must also allow the route before it takes effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_refs: Option<Vec<ParentReference>>,
    /// Whether the route also attaches to default Gateways (GEP-3793); no
    /// default-Gateway attachment when absent.
    #[cfg(feature = "experimental")]
    #[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_default_gateways: Option<GatewayDefaultScope>,
    /// Host names matched against the request's `Host` header (port
    /// ignored); at most 16. A leading `*.` label matches any non-empty run
    /// of labels. IP addresses are not host names here. When absent, the
    /// route takes the hostnames of the listeners it attaches to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostnames: Option<Vec<Hostname>>,
    /// The routing rules, 1 to 16. When absent the API server inserts one
    /// rule matching every path (`PathPrefix /`) with no backends. The total
    /// number of matches over all rules is at most 128.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<HttpRouteRule>>,
}

static DEFAULT_RULE: LazyLock<HttpRouteRule> = LazyLock::new(HttpRouteRule::defaulted);

impl HttpRouteSpec {
    /// The rules after defaulting: the written rules, or, when `rules` is
    /// absent, the single default rule (one `PathPrefix /` match, no filters,
    /// no backends). An explicit `rules: []` stays empty.
    #[must_use]
    pub fn rules_or_default(&self) -> &[HttpRouteRule] {
        match &self.rules {
            Some(rules) => rules,
            None => std::slice::from_ref(&*DEFAULT_RULE),
        }
    }

    /// Fills in the API server's defaults, top-down: parentRef group and
    /// kind, the default rule when `rules` is absent, and everything inside
    /// each rule.
    pub fn apply_defaults(&mut self) {
        for parent in self.parent_refs.iter_mut().flatten() {
            parent.apply_defaults();
        }
        let rules = self
            .rules
            .get_or_insert_with(|| vec![HttpRouteRule::defaulted()]);
        for rule in rules {
            rule.apply_defaults();
        }
    }
}

/// One routing rule: conditions (`matches`), processing (`filters`) and
/// destinations (`backendRefs`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpRouteRule {
    /// An optional name for the rule (a DNS-style section name, at most 253
    /// characters), unique within the route, that policies and status can
    /// refer to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The match conditions; the rule applies if any one of them holds. At
    /// most 64. When absent the API server inserts one `PathPrefix /` match,
    /// which accepts every request; an explicit `[]` is kept and means the
    /// same thing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<HttpRouteMatch>>,
    /// Filters applied, in order, to requests matching this rule; at most 16.
    /// CORS, the header modifiers, RequestRedirect and URLRewrite may each
    /// appear once, and RequestRedirect excludes URLRewrite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<HttpRouteFilter>>,
    /// Where matching requests go, split by weight; at most 16. Requests
    /// that would go to an invalid backend get a 500. A rule with a
    /// RequestRedirect filter has no backends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_refs: Option<Vec<HttpBackendRef>>,
    /// Request and backend-request timeouts (Extended support).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeouts: Option<HttpRouteTimeouts>,
    /// When and how often to retry a failed backend request (Extended support).
    #[cfg(feature = "experimental")]
    #[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<HttpRouteRetry>,
    /// Session affinity for this rule (Extended support; deprecated upstream
    /// in favour of the Backend resource).
    #[cfg(feature = "experimental")]
    #[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_persistence: Option<SessionPersistence>,
}

static DEFAULT_MATCH: LazyLock<HttpRouteMatch> = LazyLock::new(HttpRouteMatch::defaulted);

impl HttpRouteRule {
    /// The rule the API server inserts when `spec.rules` is absent: one
    /// `PathPrefix /` match and nothing else.
    #[must_use]
    pub fn defaulted() -> Self {
        Self {
            matches: Some(vec![HttpRouteMatch::defaulted()]),
            ..Self::default()
        }
    }

    /// The matches after defaulting: the written matches, or, when `matches`
    /// is absent, the single default `PathPrefix /` match. An explicit
    /// `matches: []` stays empty, as the API server leaves it (see
    /// [`effective_matches`](Self::effective_matches) for routing).
    #[must_use]
    pub fn matches_or_default(&self) -> &[HttpRouteMatch] {
        match &self.matches {
            Some(matches) => matches,
            None => std::slice::from_ref(&*DEFAULT_MATCH),
        }
    }

    /// The matches a router should compile: like
    /// [`matches_or_default`](Self::matches_or_default), but an explicit empty
    /// list also yields the single `PathPrefix /` match, since a rule without
    /// matches accepts every request and ranks like that match.
    #[must_use]
    pub fn effective_matches(&self) -> &[HttpRouteMatch] {
        match self.matches.as_deref() {
            Some(matches) if !matches.is_empty() => matches,
            _ => std::slice::from_ref(&*DEFAULT_MATCH),
        }
    }

    /// Fills in the API server's defaults: the default match when `matches`
    /// is absent, then the defaults inside matches, filters, backends and
    /// session persistence.
    pub fn apply_defaults(&mut self) {
        let matches = self
            .matches
            .get_or_insert_with(|| vec![HttpRouteMatch::defaulted()]);
        for m in matches {
            m.apply_defaults();
        }
        for filter in self.filters.iter_mut().flatten() {
            filter.apply_defaults();
        }
        for backend in self.backend_refs.iter_mut().flatten() {
            backend.apply_defaults();
        }
        #[cfg(feature = "experimental")]
        if let Some(session) = &mut self.session_persistence {
            session.apply_defaults();
        }
    }
}

/// Timeouts for requests matching a rule, as Gateway API durations
/// (`1h`, `10s`, `500ms`, up to four components). A zero duration (`0s`)
/// disables the timeout.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpRouteTimeouts {
    /// The longest the gateway may take to answer the client, covering the
    /// whole exchange including retries; implementation-specific when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Duration>,
    /// The longest a single request from the gateway to a backend may take;
    /// must not exceed `request` when that is set and non-zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_request: Option<Duration>,
}

/// Retry policy for backend requests of a rule (GEP-1731).
#[cfg(feature = "experimental")]
#[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpRouteRetry {
    /// The response status codes (each `400..=599`, a set) that make a
    /// backend request eligible for a retry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codes: Option<Vec<HttpRouteRetryStatusCode>>,
    /// How many retries at most, beyond the first attempt (at least 1 in
    /// the CRD); implementation-specific when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<i32>,
    /// The minimum wait between attempts, as a Gateway API duration;
    /// implementation-specific when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff: Option<Duration>,
}

// ---------------------------------------------------------------------------
// Matches
// ---------------------------------------------------------------------------

/// One set of conditions a request must all satisfy (path, headers, query
/// parameters, method).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpRouteMatch {
    /// The path condition; `PathPrefix /` (every path) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<HttpPathMatch>,
    /// Header conditions, all of which must hold; at most 16, names unique.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Vec<HttpHeaderMatch>>,
    /// Query parameter conditions, all of which must hold; at most 16,
    /// names unique (Extended support).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_params: Option<Vec<HttpQueryParamMatch>>,
    /// The request method must equal this one (Extended support).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<HttpMethod>,
}

static DEFAULT_PATH: LazyLock<HttpPathMatch> = LazyLock::new(|| HttpPathMatch::prefix("/"));

impl HttpRouteMatch {
    /// The match the API server inserts for a rule without `matches`:
    /// `path: {type: PathPrefix, value: /}`.
    #[must_use]
    pub fn defaulted() -> Self {
        Self {
            path: Some(HttpPathMatch::prefix("/")),
            ..Self::default()
        }
    }

    /// A match on the path alone.
    #[must_use]
    pub fn path(path: HttpPathMatch) -> Self {
        Self {
            path: Some(path),
            ..Self::default()
        }
    }

    /// The path condition after defaulting (`PathPrefix /` when absent).
    /// Read its type and value with [`HttpPathMatch::type_or_default`] and
    /// [`HttpPathMatch::value_or_default`].
    #[must_use]
    pub fn path_or_default(&self) -> &HttpPathMatch {
        self.path.as_ref().unwrap_or(&DEFAULT_PATH)
    }

    /// Fills in the API server's defaults: the path (and its type and value)
    /// and the header and query parameter match types.
    pub fn apply_defaults(&mut self) {
        self.path
            .get_or_insert_with(HttpPathMatch::default)
            .apply_defaults();
        for header in self.headers.iter_mut().flatten() {
            header.apply_defaults();
        }
        for query in self.query_params.iter_mut().flatten() {
            query.apply_defaults();
        }
    }
}

string_enum! {
    /// How a path condition compares its value with the request path.
    pub enum PathMatchType {
        /// The path equals the value, byte for byte and case-sensitively
        /// (Core support).
        Exact = "Exact",
        /// The path starts with the value, compared element by element
        /// between `/` separators, a trailing `/` in the value ignored:
        /// `/abc` matches `/abc`, `/abc/` and `/abc/def` but not `/abcd`
        /// (Core support; the default).
        PathPrefix = "PathPrefix",
        /// The path matches the value as a regular expression, in an
        /// implementation-specific dialect (implementation-specific support).
        RegularExpression = "RegularExpression",
    }
}

/// How to match the request path.
///
/// For `Exact` and `PathPrefix` the value must start with `/` and must not
/// contain `//`, `/./`, `/../`, `%2f`, `%2F` or `#`, nor end in `/.` or `/..`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpPathMatch {
    /// How to compare; `PathPrefix` when absent.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<PathMatchType>,
    /// The path or pattern, at most 1024 characters; `/` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

static PATH_PREFIX: PathMatchType = PathMatchType::PathPrefix;

impl HttpPathMatch {
    /// An `Exact` match on `value`.
    #[must_use]
    pub fn exact(value: impl Into<String>) -> Self {
        Self::with_type(PathMatchType::Exact, value)
    }

    /// A `PathPrefix` match on `value`.
    #[must_use]
    pub fn prefix(value: impl Into<String>) -> Self {
        Self::with_type(PathMatchType::PathPrefix, value)
    }

    /// A `RegularExpression` match on `pattern`.
    #[must_use]
    pub fn regex(pattern: impl Into<String>) -> Self {
        Self::with_type(PathMatchType::RegularExpression, pattern)
    }

    fn with_type(type_: PathMatchType, value: impl Into<String>) -> Self {
        Self {
            type_: Some(type_),
            value: Some(value.into()),
        }
    }

    /// The match type after defaulting (`PathPrefix` when absent).
    #[must_use]
    pub fn type_or_default(&self) -> &PathMatchType {
        self.type_.as_ref().unwrap_or(&PATH_PREFIX)
    }

    /// The value after defaulting (`/` when absent).
    #[must_use]
    pub fn value_or_default(&self) -> &str {
        self.value.as_deref().unwrap_or("/")
    }

    /// Fills in the API server's defaults (`type: PathPrefix`, `value: /`).
    pub fn apply_defaults(&mut self) {
        self.type_.get_or_insert(PathMatchType::PathPrefix);
        self.value.get_or_insert_with(|| "/".to_owned());
    }
}

string_enum! {
    /// How a header condition compares its value with the request header.
    pub enum HeaderMatchType {
        /// The header value equals the given value, case-sensitively (Core
        /// support; the default).
        Exact = "Exact",
        /// The header value matches the given regular expression, in an
        /// implementation-specific dialect (implementation-specific support).
        RegularExpression = "RegularExpression",
    }
}

/// A condition on one request header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpHeaderMatch {
    /// How to compare; `Exact` when absent.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<HeaderMatchType>,
    /// The header name (an RFC 7230 token, 1 to 256 characters), compared
    /// case-insensitively. When a match names the same header twice, only
    /// the first entry counts.
    pub name: String,
    /// The value or pattern, 1 to 4096 characters (experimental channel:
    /// printable ASCII words separated by single spaces or tabs).
    pub value: String,
}

static HEADER_EXACT: HeaderMatchType = HeaderMatchType::Exact;

impl HttpHeaderMatch {
    /// An `Exact` match of header `name` against `value`.
    #[must_use]
    pub fn exact(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            type_: Some(HeaderMatchType::Exact),
            name: name.into(),
            value: value.into(),
        }
    }

    /// A `RegularExpression` match of header `name` against `pattern`.
    #[must_use]
    pub fn regex(name: impl Into<String>, pattern: impl Into<String>) -> Self {
        Self {
            type_: Some(HeaderMatchType::RegularExpression),
            name: name.into(),
            value: pattern.into(),
        }
    }

    /// The match type after defaulting (`Exact` when absent).
    #[must_use]
    pub fn type_or_default(&self) -> &HeaderMatchType {
        self.type_.as_ref().unwrap_or(&HEADER_EXACT)
    }

    /// Fills in the API server's default (`type: Exact`).
    pub fn apply_defaults(&mut self) {
        self.type_.get_or_insert(HeaderMatchType::Exact);
    }
}

string_enum! {
    /// How a query parameter condition compares its value.
    pub enum QueryParamMatchType {
        /// The parameter value equals the given value (Extended support; the
        /// default).
        Exact = "Exact",
        /// The parameter value matches the given regular expression, in an
        /// implementation-specific dialect (implementation-specific support).
        RegularExpression = "RegularExpression",
    }
}

/// A condition on one query parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpQueryParamMatch {
    /// How to compare; `Exact` when absent.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<QueryParamMatchType>,
    /// The parameter name (1 to 256 characters), compared exactly. When a
    /// match names the same parameter twice, only the first entry counts.
    pub name: String,
    /// The value or pattern, 1 to 1024 characters.
    pub value: String,
}

static QUERY_EXACT: QueryParamMatchType = QueryParamMatchType::Exact;

impl HttpQueryParamMatch {
    /// An `Exact` match of parameter `name` against `value`.
    #[must_use]
    pub fn exact(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            type_: Some(QueryParamMatchType::Exact),
            name: name.into(),
            value: value.into(),
        }
    }

    /// A `RegularExpression` match of parameter `name` against `pattern`.
    #[must_use]
    pub fn regex(name: impl Into<String>, pattern: impl Into<String>) -> Self {
        Self {
            type_: Some(QueryParamMatchType::RegularExpression),
            name: name.into(),
            value: pattern.into(),
        }
    }

    /// The match type after defaulting (`Exact` when absent).
    #[must_use]
    pub fn type_or_default(&self) -> &QueryParamMatchType {
        self.type_.as_ref().unwrap_or(&QUERY_EXACT)
    }

    /// Fills in the API server's default (`type: Exact`).
    pub fn apply_defaults(&mut self) {
        self.type_.get_or_insert(QueryParamMatchType::Exact);
    }
}

string_enum! {
    /// An HTTP request method a match can require (upper case, as in RFC 7231
    /// and RFC 5789).
    pub enum HttpMethod {
        /// `GET`.
        Get = "GET",
        /// `HEAD`.
        Head = "HEAD",
        /// `POST`.
        Post = "POST",
        /// `PUT`.
        Put = "PUT",
        /// `DELETE`.
        Delete = "DELETE",
        /// `CONNECT`.
        Connect = "CONNECT",
        /// `OPTIONS`.
        Options = "OPTIONS",
        /// `TRACE`.
        Trace = "TRACE",
        /// `PATCH`.
        Patch = "PATCH",
    }
}

string_enum! {
    /// An entry of a CORS `allowMethods` list: a method, or `*` for all of
    /// them (`*` must then be the only entry).
    pub enum HttpMethodWithWildcard {
        /// `GET`.
        Get = "GET",
        /// `HEAD`.
        Head = "HEAD",
        /// `POST`.
        Post = "POST",
        /// `PUT`.
        Put = "PUT",
        /// `DELETE`.
        Delete = "DELETE",
        /// `CONNECT`.
        Connect = "CONNECT",
        /// `OPTIONS`.
        Options = "OPTIONS",
        /// `TRACE`.
        Trace = "TRACE",
        /// `PATCH`.
        Patch = "PATCH",
        /// Every method.
        Wildcard = "*",
    }
}

// ---------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------

string_enum! {
    /// The kind of an HTTPRoute filter; names which member of
    /// [`HttpRouteFilter`] carries its configuration.
    pub enum HttpRouteFilterType {
        /// Modify request headers (`requestHeaderModifier`). Core in rules,
        /// Extended on backends.
        RequestHeaderModifier = "RequestHeaderModifier",
        /// Modify response headers (`responseHeaderModifier`). Extended.
        ResponseHeaderModifier = "ResponseHeaderModifier",
        /// Mirror requests to another backend, ignoring its responses
        /// (`requestMirror`). Extended; may repeat.
        RequestMirror = "RequestMirror",
        /// Answer with a redirect instead of forwarding (`requestRedirect`).
        /// Core in rules, Extended on backends; excludes URLRewrite.
        RequestRedirect = "RequestRedirect",
        /// Rewrite host or path while forwarding (`urlRewrite`). Extended;
        /// excludes RequestRedirect.
        UrlRewrite = "URLRewrite",
        /// An implementation-specific filter object (`extensionRef`); may
        /// repeat, and must never be skipped when it cannot be resolved.
        ExtensionRef = "ExtensionRef",
        /// Answer CORS preflights and add CORS response headers (`cors`).
        /// Extended.
        Cors = "CORS",
        /// Ask an external authorization service before forwarding
        /// (`externalAuth`). Experimental channel only; Extended.
        ExternalAuth = "ExternalAuth",
    }
}

/// One processing step for requests matching a rule, or bound for one
/// backend.
///
/// On the wire this is a discriminated union: `type_` names the kind and
/// exactly the member of that name must be set, every other member absent.
/// This type keeps whatever was written, so validation can report a
/// violated union rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpRouteFilter {
    /// The kind of filter.
    #[serde(rename = "type")]
    pub type_: HttpRouteFilterType,
    /// Configuration of a `RequestHeaderModifier` filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_header_modifier: Option<HttpHeaderFilter>,
    /// Configuration of a `ResponseHeaderModifier` filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_header_modifier: Option<HttpHeaderFilter>,
    /// Configuration of a `RequestMirror` filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_mirror: Option<HttpRequestMirrorFilter>,
    /// Configuration of a `RequestRedirect` filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_redirect: Option<HttpRequestRedirectFilter>,
    /// Configuration of a `URLRewrite` filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_rewrite: Option<HttpUrlRewriteFilter>,
    /// Configuration of a `CORS` filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors: Option<HttpCorsFilter>,
    /// Configuration of an `ExternalAuth` filter.
    #[cfg(feature = "experimental")]
    #[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_auth: Option<HttpExternalAuthFilter>,
    /// The object configuring an `ExtensionRef` filter, in the route's
    /// namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_ref: Option<LocalObjectReference>,
}

impl HttpRouteFilter {
    /// A filter of the given type with no member set (a union violation
    /// until the matching member is filled in).
    #[must_use]
    pub fn of_type(type_: HttpRouteFilterType) -> Self {
        Self {
            type_,
            request_header_modifier: None,
            response_header_modifier: None,
            request_mirror: None,
            request_redirect: None,
            url_rewrite: None,
            cors: None,
            #[cfg(feature = "experimental")]
            external_auth: None,
            extension_ref: None,
        }
    }

    /// A `RequestHeaderModifier` filter.
    #[must_use]
    pub fn request_header_modifier(config: HttpHeaderFilter) -> Self {
        Self {
            request_header_modifier: Some(config),
            ..Self::of_type(HttpRouteFilterType::RequestHeaderModifier)
        }
    }

    /// A `ResponseHeaderModifier` filter.
    #[must_use]
    pub fn response_header_modifier(config: HttpHeaderFilter) -> Self {
        Self {
            response_header_modifier: Some(config),
            ..Self::of_type(HttpRouteFilterType::ResponseHeaderModifier)
        }
    }

    /// A `RequestMirror` filter.
    #[must_use]
    pub fn request_mirror(config: HttpRequestMirrorFilter) -> Self {
        Self {
            request_mirror: Some(config),
            ..Self::of_type(HttpRouteFilterType::RequestMirror)
        }
    }

    /// A `RequestRedirect` filter.
    #[must_use]
    pub fn request_redirect(config: HttpRequestRedirectFilter) -> Self {
        Self {
            request_redirect: Some(config),
            ..Self::of_type(HttpRouteFilterType::RequestRedirect)
        }
    }

    /// A `URLRewrite` filter.
    #[must_use]
    pub fn url_rewrite(config: HttpUrlRewriteFilter) -> Self {
        Self {
            url_rewrite: Some(config),
            ..Self::of_type(HttpRouteFilterType::UrlRewrite)
        }
    }

    /// A `CORS` filter.
    #[must_use]
    pub fn cors(config: HttpCorsFilter) -> Self {
        Self {
            cors: Some(config),
            ..Self::of_type(HttpRouteFilterType::Cors)
        }
    }

    /// An `ExternalAuth` filter.
    #[cfg(feature = "experimental")]
    #[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
    #[must_use]
    pub fn external_auth(config: HttpExternalAuthFilter) -> Self {
        Self {
            external_auth: Some(config),
            ..Self::of_type(HttpRouteFilterType::ExternalAuth)
        }
    }

    /// An `ExtensionRef` filter pointing at `object`.
    #[must_use]
    pub fn extension_ref(object: LocalObjectReference) -> Self {
        Self {
            extension_ref: Some(object),
            ..Self::of_type(HttpRouteFilterType::ExtensionRef)
        }
    }

    /// Fills in the API server's defaults inside whichever members are set:
    /// redirect `statusCode`, CORS `maxAge`, mirror backend group/kind and
    /// fraction denominator, external-auth backend group/kind.
    pub fn apply_defaults(&mut self) {
        if let Some(mirror) = &mut self.request_mirror {
            mirror.apply_defaults();
        }
        if let Some(redirect) = &mut self.request_redirect {
            redirect.apply_defaults();
        }
        if let Some(cors) = &mut self.cors {
            cors.apply_defaults();
        }
        #[cfg(feature = "experimental")]
        if let Some(auth) = &mut self.external_auth {
            auth.apply_defaults();
        }
    }
}

/// One header name and value, as used by the header modifier filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpHeader {
    /// The header name (an RFC 7230 token, 1 to 256 characters), compared
    /// case-insensitively.
    pub name: String,
    /// The value, 1 to 4096 characters (experimental channel: printable
    /// ASCII words separated by single spaces or tabs).
    pub value: String,
}

impl HttpHeader {
    /// A header `name: value`.
    #[must_use]
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// Changes to the headers of a request or response. Each header name may
/// appear in only one action of one filter; several values for one header
/// are written comma-separated in one entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpHeaderFilter {
    /// Headers to overwrite (or add when missing); at most 16, names unique.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<Vec<HttpHeader>>,
    /// Headers to append to any existing values; at most 16, names unique.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add: Option<Vec<HttpHeader>>,
    /// Header names to delete (case-insensitive); at most 16, a set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove: Option<Vec<String>>,
}

string_enum! {
    /// How a redirect or rewrite changes the path.
    pub enum HttpPathModifierType {
        /// Replace the whole path with `replaceFullPath`.
        ReplaceFullPath = "ReplaceFullPath",
        /// Replace the matched `PathPrefix`, element by element, with
        /// `replacePrefixMatch`. Only valid on a rule with exactly one match,
        /// of type `PathPrefix`.
        ReplacePrefixMatch = "ReplacePrefixMatch",
    }
}

/// A path change for a redirect or a rewrite. The member named by `type_`
/// must be set and the other absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpPathModifier {
    /// The kind of change.
    #[serde(rename = "type")]
    pub type_: HttpPathModifierType,
    /// The new path, at most 1024 characters (for `ReplaceFullPath`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_full_path: Option<String>,
    /// The replacement for the matched prefix, at most 1024 characters (for
    /// `ReplacePrefixMatch`): `/foo/bar` matched by `/foo` with `/xyz` becomes
    /// `/xyz/bar`; an empty replacement strips the prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_prefix_match: Option<String>,
}

impl HttpPathModifier {
    /// A `ReplaceFullPath` modifier.
    #[must_use]
    pub fn replace_full_path(path: impl Into<String>) -> Self {
        Self {
            type_: HttpPathModifierType::ReplaceFullPath,
            replace_full_path: Some(path.into()),
            replace_prefix_match: None,
        }
    }

    /// A `ReplacePrefixMatch` modifier.
    #[must_use]
    pub fn replace_prefix_match(prefix: impl Into<String>) -> Self {
        Self {
            type_: HttpPathModifierType::ReplacePrefixMatch,
            replace_full_path: None,
            replace_prefix_match: Some(prefix.into()),
        }
    }
}

string_enum! {
    /// The scheme of a redirect's `Location`.
    pub enum HttpRedirectScheme {
        /// `http` (well-known port 80).
        Http = "http",
        /// `https` (well-known port 443).
        Https = "https",
    }
}

/// Answers the request with a redirect instead of forwarding it. Absent
/// parts of the `Location` come from the request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpRequestRedirectFilter {
    /// The scheme of the `Location`; the request's when absent (Extended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<HttpRedirectScheme>,
    /// The host of the `Location` (no wildcard, at most 253 characters); the
    /// request's `Host` when absent (Core).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// How to change the path; unchanged when absent (Extended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<HttpPathModifier>,
    /// The port of the `Location` (`1..=65535`). When absent: the
    /// well-known port of `scheme` if that is set, else the listener's port.
    /// A port that is the default for the resulting scheme is left out of
    /// the `Location` (Extended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortNumber>,
    /// The response status: 301 or 302 (Core), 303, 307 or 308 (Extended);
    /// 302 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<i32>,
}

impl HttpRequestRedirectFilter {
    /// The status code after defaulting (302 when absent).
    #[must_use]
    pub fn status_code_or_default(&self) -> i32 {
        self.status_code.unwrap_or(302)
    }

    /// Fills in the API server's default (`statusCode: 302`).
    pub fn apply_defaults(&mut self) {
        self.status_code.get_or_insert(302);
    }
}

/// Rewrites the request while forwarding it (Extended support).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpUrlRewriteFilter {
    /// Replaces the `Host` header (no wildcard, at most 253 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// How to change the path; unchanged when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<HttpPathModifier>,
}

/// Sends a copy of requests to another backend and ignores its responses.
/// With neither `percent` nor `fraction`, every request is mirrored; the two
/// are mutually exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpRequestMirrorFilter {
    /// The backend receiving the copies (one endpoint of it). A missing or
    /// not permitted referent makes the route's `ResolvedRefs` false.
    pub backend_ref: BackendObjectReference,
    /// Share of requests to mirror, `0..=100` percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<i32>,
    /// Share of requests to mirror, as a fraction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraction: Option<Fraction>,
}

impl HttpRequestMirrorFilter {
    /// Mirrors every request to `backend_ref`.
    #[must_use]
    pub fn new(backend_ref: BackendObjectReference) -> Self {
        Self {
            backend_ref,
            percent: None,
            fraction: None,
        }
    }

    /// Fills in the API server's defaults: backend group and kind, and the
    /// fraction's denominator.
    pub fn apply_defaults(&mut self) {
        self.backend_ref.apply_defaults();
        if let Some(fraction) = &mut self.fraction {
            fraction.apply_defaults();
        }
    }
}

/// A ratio `numerator / denominator`, with `numerator <= denominator`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Fraction {
    /// The numerator, at least 0.
    pub numerator: i32,
    /// The denominator, at least 1; 100 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<i32>,
}

impl Fraction {
    /// `numerator / denominator`.
    #[must_use]
    pub fn new(numerator: i32, denominator: i32) -> Self {
        Self {
            numerator,
            denominator: Some(denominator),
        }
    }

    /// The denominator after defaulting (100 when absent).
    #[must_use]
    pub fn denominator_or_default(&self) -> i32 {
        self.denominator.unwrap_or(100)
    }

    /// Fills in the API server's default (`denominator: 100`).
    pub fn apply_defaults(&mut self) {
        self.denominator.get_or_insert(100);
    }
}

/// Cross-Origin Resource Sharing: the gateway answers preflight requests
/// itself and adds the CORS headers to responses (Extended support).
///
/// In each list, `*` (where allowed) must be the only entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpCorsFilter {
    /// Origins allowed to read responses: `*`, or `http(s)://host[:port]`
    /// where the host may start with a `*.` label or be `*`; at most 64, a
    /// set. A missing port means 80 for http and 443 for https.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_origins: Option<Vec<String>>,
    /// Whether to send `Access-Control-Allow-Credentials: true`; the header
    /// is omitted when absent or false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_credentials: Option<bool>,
    /// Methods listed in `Access-Control-Allow-Methods`; at most 9, a set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_methods: Option<Vec<HttpMethodWithWildcard>>,
    /// Request headers listed in `Access-Control-Allow-Headers` (names or
    /// `*`); at most 64, a set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_headers: Option<Vec<String>>,
    /// Response headers listed in `Access-Control-Expose-Headers`; at most
    /// 64, a set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expose_headers: Option<Vec<String>>,
    /// Seconds a client may cache a preflight answer
    /// (`Access-Control-Max-Age`), at least 1; 5 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<i32>,
}

impl HttpCorsFilter {
    /// The max age after defaulting (5 seconds when absent).
    #[must_use]
    pub fn max_age_or_default(&self) -> i32 {
        self.max_age.unwrap_or(5)
    }

    /// Fills in the API server's default (`maxAge: 5`).
    pub fn apply_defaults(&mut self) {
        self.max_age.get_or_insert(5);
    }
}

#[cfg(feature = "experimental")]
string_enum! {
    /// The protocol spoken with an external authorization service.
    #[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
    pub enum HttpRouteExternalAuthProtocol {
        /// Plain HTTP: a 200 answer allows the request, anything else denies it.
        Http = "HTTP",
        /// Envoy's `ext_authz` gRPC protocol.
        Grpc = "GRPC",
    }
}

/// Asks an external service to authenticate (and possibly authorize) each
/// request before forwarding it (GEP-1494). Fails closed: if the service
/// cannot be used, the request is not forwarded.
///
/// The config member matching `protocol` (`http` or `grpc`) must be set, and
/// the other one absent.
#[cfg(feature = "experimental")]
#[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpExternalAuthFilter {
    /// The protocol spoken with the service.
    pub protocol: HttpRouteExternalAuthProtocol,
    /// The authorization service, which must speak `protocol` on the given port.
    pub backend_ref: BackendObjectReference,
    /// Settings for a `GRPC` service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc: Option<GrpcAuthConfig>,
    /// Settings for an `HTTP` service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpAuthConfig>,
    /// Whether, and how much of, the request body is sent to the service;
    /// no body when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward_body: Option<ForwardBodyConfig>,
}

#[cfg(feature = "experimental")]
impl HttpExternalAuthFilter {
    /// An HTTP authorization service at `backend_ref`, with default settings.
    #[must_use]
    pub fn http(backend_ref: BackendObjectReference) -> Self {
        Self {
            protocol: HttpRouteExternalAuthProtocol::Http,
            backend_ref,
            grpc: None,
            http: Some(HttpAuthConfig::default()),
            forward_body: None,
        }
    }

    /// A gRPC (`ext_authz`) authorization service at `backend_ref`, with
    /// default settings.
    #[must_use]
    pub fn grpc(backend_ref: BackendObjectReference) -> Self {
        Self {
            protocol: HttpRouteExternalAuthProtocol::Grpc,
            backend_ref,
            grpc: Some(GrpcAuthConfig::default()),
            http: None,
            forward_body: None,
        }
    }

    /// Fills in the API server's defaults (backend group and kind).
    pub fn apply_defaults(&mut self) {
        self.backend_ref.apply_defaults();
    }
}

/// Settings for an authorization service speaking Envoy's `ext_authz` gRPC
/// protocol.
#[cfg(feature = "experimental")]
#[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GrpcAuthConfig {
    /// Request headers sent to the service; every header when absent or
    /// empty. At most 64, a set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_headers: Option<Vec<String>>,
}

/// Settings for an authorization service speaking plain HTTP.
#[cfg(feature = "experimental")]
#[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpAuthConfig {
    /// A prefix added to the request path sent to the service (at most 1024
    /// characters, path characters only); none when absent or empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Request headers sent in addition to `Host`, `Method`, `Path`,
    /// `Content-Length` and `Authorization`, which are always sent. At most
    /// 64, a set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_headers: Option<Vec<String>>,
    /// Headers of the service's answer copied into the forwarded request;
    /// all but `Host`/`Authority` when absent or empty. At most 64, a set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_response_headers: Option<Vec<String>>,
}

/// Whether the request body goes to the authorization service.
#[cfg(feature = "experimental")]
#[cfg_attr(docsrs, doc(cfg(feature = "experimental")))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ForwardBodyConfig {
    /// The most body bytes buffered and sent; 0 or absent sends no body.
    /// Upstream declares an unsigned 16-bit value (`0..=65535`); any integer
    /// loads here so validation can report it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<i64>,
}

// ---------------------------------------------------------------------------
// Backends
// ---------------------------------------------------------------------------

/// A weighted backend of a rule, with filters that apply only to requests
/// sent to it. A namespace other than the route's needs a ReferenceGrant.
///
/// The fields are those of [`BackendRef`] plus `filters`, flattened as on the
/// wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HttpBackendRef {
    /// Group of the referent; `""` (the core group) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Kind of the referent; `Service` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name of the referent.
    pub name: String,
    /// Namespace of the referent; the route's own when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Destination port (`1..=65535`); required when the referent is a Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortNumber>,
    /// Share of the rule's requests relative to the other backends'
    /// weights (`0..=1000000`; 0 sends nothing); 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i32>,
    /// Filters run only for requests forwarded to this backend, after the
    /// rule's filters; at most 16, same rules as rule-level filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<HttpRouteFilter>>,
}

impl HttpBackendRef {
    /// A reference to Service `name` on `port`, in the route's namespace.
    #[must_use]
    pub fn service(name: impl Into<String>, port: PortNumber) -> Self {
        Self {
            name: name.into(),
            port: Some(port),
            ..Self::default()
        }
    }

    /// The group after defaulting (`""` when absent).
    #[must_use]
    pub fn group_or_default(&self) -> &str {
        self.group.as_deref().unwrap_or("")
    }

    /// The kind after defaulting (`Service` when absent).
    #[must_use]
    pub fn kind_or_default(&self) -> &str {
        self.kind.as_deref().unwrap_or("Service")
    }

    /// The weight after defaulting (1 when absent).
    #[must_use]
    pub fn weight_or_default(&self) -> i32 {
        self.weight.unwrap_or(1)
    }

    /// The reference without its filters.
    #[must_use]
    pub fn backend_ref(&self) -> BackendRef {
        let mut out = BackendRef::default();
        out.group.clone_from(&self.group);
        out.kind.clone_from(&self.kind);
        out.name.clone_from(&self.name);
        out.namespace.clone_from(&self.namespace);
        out.port = self.port;
        out.weight = self.weight;
        out
    }

    /// The object this reference points at.
    #[must_use]
    pub fn object_ref(&self) -> BackendObjectReference {
        let mut out = BackendObjectReference::default();
        out.group.clone_from(&self.group);
        out.kind.clone_from(&self.kind);
        out.name.clone_from(&self.name);
        out.namespace.clone_from(&self.namespace);
        out.port = self.port;
        out
    }

    /// Fills in the API server's defaults (group, kind, weight) and those
    /// inside the filters.
    pub fn apply_defaults(&mut self) {
        self.group.get_or_insert_with(String::new);
        self.kind.get_or_insert_with(|| "Service".to_owned());
        self.weight.get_or_insert(1);
        for filter in self.filters.iter_mut().flatten() {
            filter.apply_defaults();
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
