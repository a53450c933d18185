//! A request, prepared once for matching.

use http::{HeaderMap, Method};

/// The scheme of the connection a request arrived on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// Cleartext HTTP.
    Http,
    /// HTTP over TLS.
    Https,
}

/// A request as the router sees it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Input<'a> {
    /// The scheme.
    pub scheme: Scheme,
    /// The port the request arrived on.
    pub port: u16,
    /// The Host / :authority, as received (port and case are handled by the router).
    pub host: &'a str,
    /// The TLS server name, for HTTPS.
    pub sni: Option<&'a str>,
    /// The method.
    pub method: &'a Method,
    /// The path, as received (without the query).
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: Option<&'a str>,
    /// The headers.
    pub headers: &'a HeaderMap,
}

impl<'a> Input<'a> {
    /// A plain HTTP request on port 80.
    #[must_use]
    pub fn new(method: &'a Method, host: &'a str, path: &'a str, headers: &'a HeaderMap) -> Self {
        Self {
            scheme: Scheme::Http,
            port: 80,
            host,
            sni: None,
            method,
            path,
            query: None,
            headers,
        }
    }
}
