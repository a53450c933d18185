//! A request, prepared once for matching.

use http::header::{CONTENT_TYPE, HOST};
use http::request::Parts;
use http::{HeaderMap, Method, Request};

/// The scheme of the connection a request arrived on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// Cleartext HTTP (an `HTTP` listener).
    Http,
    /// HTTP over TLS (an `HTTPS` listener).
    Https,
}

impl Scheme {
    /// `http` or `https`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Https => "https",
        }
    }

    /// The well-known port: 80 or 443.
    #[must_use]
    pub fn default_port(self) -> u16 {
        match self {
            Self::Http => 80,
            Self::Https => 443,
        }
    }
}

/// A request as the router sees it: borrowed parts of the request, plus
/// what only the connection knows (scheme, port, TLS server name).
///
/// The host and path are kept as received; the router normalises them once
/// per lookup (see the crate docs, `# Untrusted input`).
///
/// # Examples
///
/// ```
/// use gateway_match::{Input, Scheme};
/// use http::{HeaderMap, Method};
///
/// let headers = HeaderMap::new();
/// let input = Input::new(&Method::GET, "example.com", "/search?q=x", &headers)
///     .with_scheme(Scheme::Https)
///     .with_port(8443);
/// assert_eq!(input.path, "/search");
/// assert_eq!(input.query, Some("q=x"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Input<'a> {
    /// The scheme of the connection.
    pub scheme: Scheme,
    /// The port the connection arrived on (the listener port).
    pub port: u16,
    /// The Host / `:authority`, as received (port and case are handled by
    /// the router).
    pub host: &'a str,
    /// The TLS server name (SNI) of an HTTPS connection.
    pub sni: Option<&'a str>,
    /// The method.
    pub method: &'a Method,
    /// The path, as received, without the query.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: Option<&'a str>,
    /// The headers.
    pub headers: &'a HeaderMap,
}

impl<'a> Input<'a> {
    /// A plain HTTP request on port 80. A `?` in `path` starts the query.
    #[must_use]
    pub fn new(method: &'a Method, host: &'a str, path: &'a str, headers: &'a HeaderMap) -> Self {
        let (path, query) = match find_byte(path.as_bytes(), b'?') {
            Some(i) => (&path[..i], path.get(i + 1..)),
            None => (path, None),
        };
        Self {
            scheme: Scheme::Http,
            port: 80,
            host,
            sni: None,
            method,
            path,
            query,
            headers,
        }
    }

    /// The request of `parts`: the host of the URI authority (absolute-form
    /// or HTTP/2 `:authority`), else the `Host` header; the URI's scheme
    /// (`http` when it has none), and the port of the authority or the
    /// scheme's default. Set the connection's real port with
    /// [`with_port`](Self::with_port) and its server name with
    /// [`with_sni`](Self::with_sni).
    ///
    /// # Examples
    ///
    /// ```
    /// use gateway_match::{Input, Scheme};
    ///
    /// let (parts, ()) = http::Request::get("https://Example.com:8443/a?b=1")
    ///     .body(())?
    ///     .into_parts();
    /// let input = Input::from_parts(&parts);
    /// assert_eq!((input.scheme, input.port), (Scheme::Https, 8443));
    /// assert_eq!((input.host, input.path, input.query), ("Example.com:8443", "/a", Some("b=1")));
    ///
    /// let (parts, ()) = http::Request::get("/x").header("host", "a.com:81").body(())?.into_parts();
    /// let input = Input::from_parts(&parts);
    /// assert_eq!((input.host, input.port), ("a.com:81", 81));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn from_parts(parts: &'a Parts) -> Self {
        Self::from_pieces(&parts.method, &parts.uri, &parts.headers)
    }

    /// The request of `request`, as [`from_parts`](Self::from_parts).
    #[must_use]
    pub fn from_request<B>(request: &'a Request<B>) -> Self {
        Self::from_pieces(request.method(), request.uri(), request.headers())
    }

    fn from_pieces(method: &'a Method, uri: &'a http::Uri, headers: &'a HeaderMap) -> Self {
        let scheme = match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("https") => Scheme::Https,
            _ => Scheme::Http,
        };
        let host = match uri.authority() {
            Some(authority) => {
                let a = authority.as_str();
                a.rsplit_once('@').map_or(a, |(_, host)| host)
            }
            None => headers
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or(""),
        };
        let port = explicit_port(host).unwrap_or_else(|| scheme.default_port());
        Self {
            scheme,
            port,
            host,
            sni: None,
            method,
            path: uri.path(),
            query: uri.query(),
            headers,
        }
    }

    /// Sets the scheme; the port is left alone.
    #[must_use]
    pub fn with_scheme(mut self, scheme: Scheme) -> Self {
        self.scheme = scheme;
        self
    }

    /// Sets the port the connection arrived on.
    #[must_use]
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Sets the TLS server name (which selects the HTTPS listener).
    #[must_use]
    pub fn with_sni(mut self, sni: Option<&'a str>) -> Self {
        self.sni = sni;
        self
    }

    /// Sets the raw query string.
    #[must_use]
    pub fn with_query(mut self, query: Option<&'a str>) -> Self {
        self.query = query;
        self
    }

    /// Whether the request is a gRPC call: a `POST` whose `content-type` is
    /// `application/grpc`, optionally followed by `+format` or parameters.
    /// gRPC calls are matched against GRPCRoutes first, then HTTPRoutes
    /// (spec section 8.4).
    #[must_use]
    pub fn is_grpc(&self) -> bool {
        *self.method == Method::POST
            && self
                .headers
                .get(CONTENT_TYPE)
                .is_some_and(|v| is_grpc_content_type(v.as_bytes()))
    }
}

fn is_grpc_content_type(value: &[u8]) -> bool {
    const GRPC: &[u8] = b"application/grpc";
    value.len() >= GRPC.len()
        && value[..GRPC.len()].eq_ignore_ascii_case(GRPC)
        && matches!(value.get(GRPC.len()), None | Some(b'+' | b';'))
}

/// The index of the first `needle` in `bytes`, 8 bytes at a time.
#[inline]
fn find_byte(bytes: &[u8], needle: u8) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let pattern = ONES * u64::from(needle);
    // The lowest byte of `w` that is zero, if any: a borrow only runs up
    // from a zero byte, so the lowest flagged byte is exact.
    let zero = |w: u64| {
        let flags = w.wrapping_sub(ONES) & !w & HIGH;
        (flags != 0).then(|| (flags.trailing_zeros() / 8) as usize)
    };
    let words = bytes.chunks_exact(8);
    let rest = words.remainder();
    let offset = bytes.len() - rest.len();
    for (n, word) in words.enumerate() {
        if let Some(i) = zero(word.try_into().map_or(0, u64::from_le_bytes) ^ pattern) {
            return Some(8 * n + i);
        }
    }
    if rest.is_empty() {
        return None;
    }
    // The last 8 bytes, when there are 8: those before `offset` hold no
    // needle, so the lowest one found is the first.
    if let Some(last) = bytes
        .len()
        .checked_sub(8)
        .and_then(|from| bytes.get(from..))
        .and_then(<[u8]>::first_chunk::<8>)
    {
        return zero(u64::from_le_bytes(*last) ^ pattern).map(|i| bytes.len() - 8 + i);
    }
    rest.iter().position(|&b| b == needle).map(|i| offset + i)
}

/// The port written in a `host[:port]` authority, if any.
fn explicit_port(authority: &str) -> Option<u16> {
    let after = match authority.rfind(']') {
        Some(close) => &authority[close + 1..],
        None => authority,
    };
    after.rsplit_once(':')?.1.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_content_types() {
        assert!(is_grpc_content_type(b"application/grpc"));
        assert!(is_grpc_content_type(b"application/grpc+proto"));
        assert!(is_grpc_content_type(b"Application/GRPC;charset=utf-8"));
        assert!(!is_grpc_content_type(b"application/grpc-web"));
        assert!(!is_grpc_content_type(b"application/json"));
    }

    #[test]
    fn the_query_starts_at_the_first_question_mark() {
        let text = "/abcdefghijklmnopq?r?s";
        for end in 0..=text.len() {
            let t = &text.as_bytes()[..end];
            assert_eq!(
                find_byte(t, b'?'),
                t.iter().position(|&b| b == b'?'),
                "{end}"
            );
        }
        assert_eq!(find_byte(b"\x80\xff?", b'?'), Some(2));
        assert_eq!(
            find_byte(b"\x01\x00\x00\x00\x00\x00\x00\x3f", b'?'),
            Some(7)
        );
    }

    #[test]
    fn ports_come_from_the_authority() {
        assert_eq!(explicit_port("a.com:81"), Some(81));
        assert_eq!(explicit_port("a.com"), None);
        assert_eq!(explicit_port("[::1]:8080"), Some(8080));
        assert_eq!(explicit_port("[::1]"), None);
    }
}
