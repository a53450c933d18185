//! What to do with a request: the winning rule's filters applied.
//!
//! [`Router::decide`](crate::Router::decide) (or [`Match::decide`]) turns a
//! request into a [`Decision`]: the action (forward, redirect, answer), the
//! request as the backend will receive it, the response header edits, and
//! the mirrors. The filters run in list order, rule-level first, then the
//! chosen backend's (spec 9.1):
//!
//! - **CORS** (wherever it stands in the rule's list): a preflight (`OPTIONS`
//!   with `Origin` and `Access-Control-Request-Method`) is answered by the
//!   gateway, 204 with the CORS headers when the origin is allowed, 403
//!   without them otherwise, and not forwarded. Other requests from an
//!   allowed origin get `Access-Control-Allow-Origin` (the request's origin),
//!   `Access-Control-Allow-Credentials` and `Access-Control-Expose-Headers`
//!   on the response.
//! - **RequestHeaderModifier** edits the forwarded headers; **URLRewrite**
//!   the forwarded host and path; **ResponseHeaderModifier** adds response
//!   edits; **RequestMirror** adds a mirror target (when it resolved).
//! - **RequestRedirect** answers with a redirect instead of forwarding.
//! - **ExtensionRef** and **ExternalAuth**, which the router cannot run,
//!   answer 500 (spec 7.3: such a filter must not be skipped).
//!
//! Then the backend is picked by weight from the caller's random number. A
//! share that falls on an unresolved backend, or a rule with no backend of
//! weight above zero, answers 500 (503 for a GRPCRoute, which gRPC clients
//! read as `UNAVAILABLE`, spec 8.3).

use http::header::{ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, HOST, ORIGIN};
use http::request::Parts;
use http::uri::{Authority, PathAndQuery};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};

use gateway_types::routing::ResolvedBackend;

use crate::filter::{FilterList, Op, add_header};
use crate::host::normalize_host;
use crate::input::Input;
use crate::matched::{BackendChoice, Match};
use crate::path::normalize_path;

/// What the gateway does with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Forward to the chosen backend (after request filters).
    Forward {
        /// The chosen backend (picked by weight from the caller's random number).
        backend: Box<ResolvedBackend>,
    },
    /// Answer with a redirect.
    Redirect {
        /// 301, 302, 303, 307 or 308.
        status: u16,
        /// The `Location` header.
        location: String,
    },
    /// Answer with a status and no backend: 404 no route matched, 500 the
    /// rule has no valid backend (or the chosen share is invalid; 503 for
    /// gRPC), 421 misdirected request, 400 unusable host or path, 204/403 a
    /// CORS preflight answered by the gateway.
    Respond {
        /// The status code.
        status: u16,
    },
}

/// The request as the backend receives it, after request filters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpstreamRequest {
    /// The method.
    pub method: Method,
    /// The host (authority) sent upstream: as received, or the URLRewrite
    /// hostname.
    pub host: String,
    /// The normalised path, after URL rewrites.
    pub path: String,
    /// The query, unchanged, without `?`.
    pub query: Option<String>,
    /// The headers after header modifiers.
    pub headers: HeaderMap,
    /// The TLS server name towards the backend, when a BackendTLSPolicy
    /// applies.
    pub tls_sni: Option<String>,
}

impl UpstreamRequest {
    /// The path and query as sent on the request line.
    #[must_use]
    pub fn path_and_query(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }

    /// Writes the request into `parts`: method, URI path and query (and the
    /// authority, when the URI has one), headers, and `Host`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gateway_match::__doc_support::router;
    /// use gateway_match::{Action, Input};
    ///
    /// let router = router(r#"{"rules": [{
    ///     "filters": [{"type": "URLRewrite", "urlRewrite": {"hostname": "internal",
    ///         "path": {"type": "ReplaceFullPath", "replaceFullPath": "/v2"}}}],
    ///     "backendRefs": [{"name": "app", "port": 80}]}]}"#)?;
    /// let (mut parts, ()) = http::Request::get("/v1?x=1").header("host", "example.com").body(())?.into_parts();
    /// let decision = router.decide(&Input::from_parts(&parts), 0);
    /// let upstream = decision.upstream.ok_or("not forwarded")?;
    /// upstream.apply_to(&mut parts);
    /// assert_eq!(parts.uri, "/v2?x=1");
    /// assert_eq!(parts.headers["host"], "internal");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_to(&self, parts: &mut Parts) {
        parts.method = self.method.clone();
        let mut uri = std::mem::take(&mut parts.uri).into_parts();
        if let Ok(pq) = PathAndQuery::try_from(self.path_and_query()) {
            uri.path_and_query = Some(pq);
        }
        if uri.authority.is_some()
            && let Ok(a) = Authority::try_from(self.host.as_str())
        {
            uri.authority = Some(a);
        }
        parts.uri = Uri::from_parts(uri).unwrap_or_default();
        parts.headers = self.headers.clone();
        if let Ok(host) = HeaderValue::from_str(&self.host) {
            parts.headers.insert(HOST, host);
        }
    }
}

/// One edit of a response header.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderEdit {
    /// Replace every value of the header.
    Set(HeaderName, HeaderValue),
    /// Append to the header (joined with `,` to an existing value).
    Add(HeaderName, HeaderValue),
    /// Remove the header.
    Remove(HeaderName),
}

/// Edits to apply to the response headers (the backend's, or the gateway's
/// own answer), in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseEdits {
    /// The edits, in the order of the filters that made them.
    pub edits: Vec<HeaderEdit>,
}

impl ResponseEdits {
    /// Applies the edits to a response header map, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use gateway_match::decision::{HeaderEdit, ResponseEdits};
    /// use http::{HeaderMap, HeaderName, HeaderValue};
    ///
    /// let mut edits = ResponseEdits::default();
    /// edits.edits.push(HeaderEdit::Add(HeaderName::from_static("x-a"), HeaderValue::from_static("2")));
    /// edits.edits.push(HeaderEdit::Remove(HeaderName::from_static("server")));
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-a", HeaderValue::from_static("1"));
    /// headers.insert("server", HeaderValue::from_static("backend"));
    /// edits.apply(&mut headers);
    /// assert_eq!(headers["x-a"], "1,2");
    /// assert!(!headers.contains_key("server"));
    /// ```
    pub fn apply(&self, headers: &mut HeaderMap) {
        for edit in &self.edits {
            match edit {
                HeaderEdit::Set(n, v) => {
                    headers.insert(n.clone(), v.clone());
                }
                HeaderEdit::Add(n, v) => add_header(headers, n, v),
                HeaderEdit::Remove(n) => {
                    headers.remove(n);
                }
            }
        }
    }

    /// Whether there is nothing to do.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }
}

/// A request mirror target.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Mirror {
    /// The backend that receives copies.
    pub backend: ResolvedBackend,
    /// Share of requests mirrored, in percent (100 when unspecified).
    pub percent: f64,
}

/// The full outcome for one request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Decision {
    /// What to do.
    pub action: Action,
    /// The winning route `(kind, namespace, name)` and rule index, if any
    /// rule matched.
    pub rule: Option<(String, String, String, usize)>,
    /// Every backend of the winning rule with its weight (the whole split),
    /// including invalid ones (their share answers 500).
    pub backends: Vec<ResolvedBackend>,
    /// The request as forwarded, when the action is `Forward`.
    pub upstream: Option<UpstreamRequest>,
    /// Response header edits (ResponseHeaderModifier, CORS).
    pub response: ResponseEdits,
    /// Mirror targets that receive a copy (every configured target that
    /// resolved, with its share; sampling is the caller's).
    pub mirrors: Vec<Mirror>,
}

impl Decision {
    /// A gateway answer with `status` and nothing else.
    #[must_use]
    pub fn respond(status: u16) -> Self {
        Self {
            action: Action::Respond { status },
            rule: None,
            backends: Vec::new(),
            upstream: None,
            response: ResponseEdits::default(),
            mirrors: Vec::new(),
        }
    }
}

/// The state of the request while filters run.
struct Run<'a> {
    upstream: UpstreamRequest,
    response: ResponseEdits,
    mirrors: Vec<Mirror>,
    /// A redirect or answer that replaces forwarding.
    answer: Option<Action>,
    origin: Option<&'a str>,
    input: &'a Input<'a>,
    host: String,
}

impl Run<'_> {
    fn cors_headers(&mut self, headers: Vec<(HeaderName, String)>) {
        for (name, value) in headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                self.response.edits.push(HeaderEdit::Set(name, v));
            }
        }
    }

    fn apply<'r>(
        &mut self,
        list: &FilterList,
        mirror_target: impl Fn(usize) -> Option<&'r ResolvedBackend>,
    ) {
        for op in &*list.ops {
            match op {
                Op::RequestHeaders(edits) => edits.apply(&mut self.upstream.headers),
                Op::ResponseHeaders(edits) => {
                    for (n, v) in &edits.set {
                        self.response
                            .edits
                            .push(HeaderEdit::Set(n.clone(), v.clone()));
                    }
                    for (n, v) in &edits.add {
                        self.response
                            .edits
                            .push(HeaderEdit::Add(n.clone(), v.clone()));
                    }
                    for n in &edits.remove {
                        self.response.edits.push(HeaderEdit::Remove(n.clone()));
                    }
                }
                Op::Redirect(r) => {
                    if self.answer.is_none() {
                        self.answer = Some(Action::Redirect {
                            status: r.status,
                            location: r.location(
                                self.input.scheme,
                                &self.host,
                                self.input.port,
                                &self.upstream.path,
                                self.input.query,
                            ),
                        });
                    }
                }
                Op::Rewrite(rw) => {
                    if let Some(h) = &rw.hostname {
                        self.upstream.host = h.to_string();
                    }
                    if let Some(p) = &rw.path {
                        self.upstream.path = p.apply(&self.upstream.path);
                    }
                }
                Op::Mirror { index, percent } => {
                    if let Some(backend) = mirror_target(*index) {
                        self.mirrors.push(Mirror {
                            backend: backend.clone(),
                            percent: *percent,
                        });
                    }
                }
                Op::Cors(cors) => {
                    if let Some(origin) = self.origin.filter(|o| cors.allows(o)) {
                        let headers = cors.response_headers(origin, false, None, None);
                        self.cors_headers(headers);
                    }
                }
                Op::Unsupported => {
                    if self.answer.is_none() {
                        self.answer = Some(Action::Respond { status: 500 });
                    }
                }
            }
        }
    }
}

impl Match<'_> {
    /// Applies the rule's filters to `input` and picks the backend: see the
    /// [module docs](crate::decision).
    ///
    /// `input` should be the request this match came from.
    #[must_use]
    pub fn decide(&self, input: &Input<'_>, random: u32) -> Decision {
        let header = |name: HeaderName| input.headers.get(name).and_then(|v| v.to_str().ok());
        let mut decision = Decision::respond(500);
        decision.rule = Some((
            self.kind().to_owned(),
            self.route.namespace.clone(),
            self.route.name.clone(),
            self.rule_index,
        ));
        decision.backends = self.backends().to_vec();
        let path = normalize_path(input.path, self.inner().config.path_options_value())
            .map_or_else(|_| input.path.to_owned(), |p| p.into_owned());
        let host =
            normalize_host(input.host).map_or_else(|_| input.host.to_owned(), |h| h.into_owned());
        let filters = self.compiled_filters();
        let origin = header(ORIGIN);

        // A CORS preflight is the gateway's to answer.
        if let (Some(cors), Some(origin), true) = (
            filters.cors(),
            origin,
            *input.method == Method::OPTIONS
                && input.headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD),
        ) {
            if cors.allows(origin) {
                let headers = cors.response_headers(
                    origin,
                    true,
                    header(ACCESS_CONTROL_REQUEST_METHOD),
                    header(ACCESS_CONTROL_REQUEST_HEADERS),
                );
                for (name, value) in headers {
                    if let Ok(v) = HeaderValue::from_str(&value) {
                        decision.response.edits.push(HeaderEdit::Set(name, v));
                    }
                }
                decision.action = Action::Respond { status: 204 };
            } else {
                decision.action = Action::Respond { status: 403 };
            }
            return decision;
        }

        let mut run = Run {
            upstream: UpstreamRequest {
                method: input.method.clone(),
                host: input.host.to_owned(),
                path,
                query: input.query.map(str::to_owned),
                headers: input.headers.clone(),
                tls_sni: None,
            },
            response: ResponseEdits::default(),
            mirrors: Vec::new(),
            answer: None,
            origin,
            input,
            host,
        };
        let routing = self.routing();
        run.apply(filters, |index| {
            routing
                .mirrors
                .iter()
                .find(|(i, b)| *i == index && b.invalid.is_none())
                .map(|(_, b)| b)
        });
        let unavailable = if self.is_grpc() { 503 } else { 500 };
        if run.answer.is_none() {
            match self.choose_backend(random) {
                BackendChoice::Forward { index, backend } => {
                    if let Some(list) = self.compiled_backend_filters(index) {
                        run.apply(list, |fi| self.backend_mirror_target(index, fi));
                    }
                    run.upstream.tls_sni = backend.tls.as_ref().map(|t| t.hostname.clone());
                    if run.answer.is_none() {
                        run.answer = Some(Action::Forward {
                            backend: Box::new(backend.clone()),
                        });
                    }
                }
                BackendChoice::Invalid { .. } | BackendChoice::NoBackend => {
                    run.answer = Some(Action::Respond {
                        status: unavailable,
                    });
                }
            }
        }
        decision.action = run.answer.unwrap_or(Action::Respond {
            status: unavailable,
        });
        if matches!(decision.action, Action::Forward { .. }) {
            decision.upstream = Some(run.upstream);
        }
        decision.response = run.response;
        decision.mirrors = run.mirrors;
        decision
    }
}
