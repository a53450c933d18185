//! Requests: what is sent to a Gateway, and where it must go.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::error::ParseValueError;
use super::value::{FromStrVisitor, NamespacedName, OrderedMap, ServiceRef};

/// One request of a test file: the Gateway it is sent to, the request, and
/// where it must go.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestCase {
    /// The Gateway the request is sent to, `namespace/name`.
    pub gateway: NamespacedName,
    /// What is sent.
    pub request: Request,
    /// Where it must go, and what must hold of it on the way.
    pub expect: RequestExpect,
}

/// Header values by header name, in file order. A name is compared without
/// regard to case by whoever evaluates them.
pub type Headers = OrderedMap<String, HeaderValue>;

/// The value of a header in a test file: one value, or a list of them (a
/// request sends the header once per value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue {
    /// One value (numbers are taken as their text: `3600` is `"3600"`).
    One(String),
    /// A list of values.
    List(Vec<String>),
}

impl HeaderValue {
    /// The values, one for the single form.
    pub fn values(&self) -> &[String] {
        match self {
            Self::One(value) => std::slice::from_ref(value),
            Self::List(values) => values,
        }
    }
}

/// The text of a scalar that may be written as a string or a number.
struct ScalarText(String);

struct ScalarTextVisitor;

impl Visitor<'_> for ScalarTextVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(format!("{v:?}"))
    }
}

impl<'de> Deserialize<'de> for ScalarText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarTextVisitor).map(Self)
    }
}

impl<'de> Deserialize<'de> for HeaderValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct HeaderValueVisitor;

        impl<'de> Visitor<'de> for HeaderValueVisitor {
            type Value = HeaderValue;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number, or a list of them")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<HeaderValue, E> {
                ScalarTextVisitor.visit_str(v).map(HeaderValue::One)
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<HeaderValue, E> {
                ScalarTextVisitor.visit_u64(v).map(HeaderValue::One)
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<HeaderValue, E> {
                ScalarTextVisitor.visit_i64(v).map(HeaderValue::One)
            }

            fn visit_i128<E: de::Error>(self, v: i128) -> Result<HeaderValue, E> {
                ScalarTextVisitor.visit_i128(v).map(HeaderValue::One)
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<HeaderValue, E> {
                ScalarTextVisitor.visit_f64(v).map(HeaderValue::One)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<HeaderValue, A::Error> {
                let mut values = Vec::new();
                while let Some(ScalarText(value)) = seq.next_element()? {
                    values.push(value);
                }
                Ok(HeaderValue::List(values))
            }
        }

        deserializer.deserialize_any(HeaderValueVisitor)
    }
}

/// Headers whose values must be lists: `headersOneOf`.
fn header_choices<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<OrderedMap<String, Vec<String>>, D::Error> {
    let map = OrderedMap::<String, Vec<ScalarText>>::deserialize(deserializer)?;
    Ok(map
        .into_iter()
        .map(|(name, values)| (name, values.into_iter().map(|v| v.0).collect()))
        .collect())
}

/// The scheme of a request URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `http://`: an HTTP listener; port 80 by default.
    Http,
    /// `https://`: an HTTPS listener; port 443 by default.
    Https,
}

impl Scheme {
    /// `http` or `https`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Https => "https",
        }
    }

    /// The port a URL of this scheme uses when it names none: 80 or 443.
    pub fn default_port(self) -> u16 {
        match self {
            Self::Http => 80,
            Self::Https => 443,
        }
    }
}

/// A request URL, `http://host[:port]/path?query`, split into its parts.
///
/// # Examples
///
/// ```
/// use gwcheck::testfile::{RequestUrl, Scheme};
///
/// let url: RequestUrl = "https://example.com/v2/path?x=1".parse()?;
/// assert_eq!(url.scheme(), Scheme::Https);
/// assert_eq!(url.host(), "example.com");
/// assert_eq!(url.port(), 443);
/// assert_eq!(url.path(), "/v2/path");
/// assert_eq!(url.query(), Some("x=1"));
///
/// let url: RequestUrl = "http://192.0.2.1:8080".parse()?;
/// assert_eq!((url.port(), url.explicit_port(), url.path()), (8080, Some(8080), "/"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestUrl {
    text: String,
    scheme: Scheme,
    authority: String,
    host: String,
    explicit_port: Option<u16>,
    path: String,
    query: Option<String>,
}

impl RequestUrl {
    /// The URL as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The scheme; it picks the listener protocol.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// `host[:port]` as written (user information left out): what a client
    /// sends as the Host header.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// The host, without the port (an IPv6 address keeps its brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port: the one written, or the scheme's default (80 / 443).
    pub fn port(&self) -> u16 {
        self.explicit_port
            .unwrap_or_else(|| self.scheme.default_port())
    }

    /// The port, when the URL writes one.
    pub fn explicit_port(&self) -> Option<u16> {
        self.explicit_port
    }

    /// The path, `/` when the URL has none.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query, without the `?`, when there is one.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The path and query as sent on the request line: `/v2/path?x=1`.
    pub fn path_and_query(&self) -> String {
        match &self.query {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.clone(),
        }
    }
}

/// Splits `host[:port]` into the host and the port, if a numeric one is
/// written (`[::1]:8080` gives `[::1]`). An empty port (`host:`) counts as
/// none.
///
/// # Errors
///
/// When the text after the last colon is not a port number.
///
/// # Examples
///
/// ```
/// use gwcheck::testfile::split_host_port;
///
/// assert_eq!(split_host_port("very.specific.com:1234")?, ("very.specific.com", Some(1234)));
/// assert_eq!(split_host_port("example.com")?, ("example.com", None));
/// assert_eq!(split_host_port("[::1]")?, ("[::1]", None));
/// assert!(split_host_port("example.com:http").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn split_host_port(authority: &str) -> Result<(&str, Option<u16>), ParseValueError> {
    let bad = ParseValueError::new("must be host or host:port");
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']').ok_or_else(|| bad.clone())?;
        let (host, rest) = authority.split_at(end + 1);
        match rest {
            "" => (host, None),
            _ => (
                host,
                Some(rest.strip_prefix(':').ok_or_else(|| bad.clone())?),
            ),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        None | Some("") => None,
        Some(port) if port.bytes().all(|c| c.is_ascii_digit()) => {
            Some(port.parse::<u16>().map_err(|_| bad.clone())?)
        }
        Some(_) => return Err(bad),
    };
    Ok((host, port))
}

impl FromStr for RequestUrl {
    type Err = ParseValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = ParseValueError::new("must be an http:// or https:// URL");
        let (scheme, rest) = if let Some(rest) = s.strip_prefix("http://") {
            (Scheme::Http, rest)
        } else if let Some(rest) = s.strip_prefix("https://") {
            (Scheme::Https, rest)
        } else {
            return Err(bad);
        };
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(authority_end);
        // User information (`user@`) is not part of the Host header.
        let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
        let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query.to_owned())),
            None => (rest, None),
        };
        let (host, explicit_port) = split_host_port(authority).map_err(|_| {
            ParseValueError::new("must be an http:// or https:// URL (the port is not a number)")
        })?;
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(bad);
        }
        Ok(Self {
            text: s.to_owned(),
            scheme,
            authority: authority.to_owned(),
            host: host.to_owned(),
            explicit_port,
            path: if path.is_empty() { "/" } else { path }.to_owned(),
            query,
        })
    }
}

impl fmt::Display for RequestUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A gRPC call: `grpc: {host, service, method}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GrpcCall {
    /// The `:authority` sent, when given.
    #[serde(default)]
    pub host: Option<String>,
    /// The fully qualified service, e.g. `gateway_api_conformance.echo_basic.grpcecho.GrpcEcho`.
    pub service: String,
    /// The method, e.g. `Echo`.
    pub method: String,
}

impl GrpcCall {
    /// The request path gRPC uses: `/service/method`.
    pub fn path(&self) -> String {
        format!("/{}/{}", self.service, self.method)
    }
}

/// The transport of a plain TCP or UDP exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamProtocol {
    /// `TCP`.
    Tcp,
    /// `UDP`.
    Udp,
}

impl StreamProtocol {
    /// `TCP` or `UDP`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "TCP",
            Self::Udp => "UDP",
        }
    }
}

impl FromStr for StreamProtocol {
    type Err = ParseValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "TCP" => Ok(Self::Tcp),
            "UDP" => Ok(Self::Udp),
            _ => Err(ParseValueError::new("must be one of: TCP, UDP")),
        }
    }
}

impl<'de> Deserialize<'de> for StreamProtocol {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FromStrVisitor::<Self>::new("one of: TCP, UDP"))
    }
}

impl<'de> Deserialize<'de> for RequestUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FromStrVisitor::<Self>::new("an http:// or https:// URL"))
    }
}

/// What the backend answers with: `backendResponse: {headers: ...}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendResponse {
    /// Response headers the backend sets.
    #[serde(default)]
    pub headers: Headers,
}

/// What a request is, by form: the form decides how the runner picks the
/// listener.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestTarget {
    /// An HTTP(S) request to `url` (the scheme picks the listener protocol).
    Http(RequestUrl),
    /// A gRPC call, over HTTP, or HTTPS when the request gives `sni`.
    Grpc(GrpcCall),
    /// A TLS connection with this server name to a TLS listener on `port`;
    /// nothing is parsed past the handshake.
    Tls {
        /// The TLS server name.
        sni: String,
        /// The listener port.
        port: u16,
    },
    /// A plain TCP or UDP exchange with the listener on `port`.
    Stream {
        /// The listener port.
        port: u16,
        /// TCP or UDP.
        protocol: StreamProtocol,
    },
}

/// The request a test sends: `request:`.
///
/// Built only by parsing, which guarantees one of its forms:
/// an HTTP request (`url`), a gRPC call (`grpc`), TLS passthrough
/// (`sni` + `port`) or TCP / UDP (`port` + `protocol`); see [`Request::target`].
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    target: RequestTarget,
    method: Option<String>,
    headers: Headers,
    host: Option<String>,
    sni: Option<String>,
    port: Option<u16>,
    protocol: Option<StreamProtocol>,
    backend_response: BackendResponse,
}

/// The default request method.
pub const DEFAULT_METHOD: &str = "GET";

impl Request {
    /// The form of the request and what it carries.
    pub fn target(&self) -> &RequestTarget {
        &self.target
    }

    /// The method sent: the one written, or `GET`.
    pub fn method(&self) -> &str {
        self.method.as_deref().unwrap_or(DEFAULT_METHOD)
    }

    /// The method, when the file writes one.
    pub fn explicit_method(&self) -> Option<&str> {
        self.method.as_deref()
    }

    /// The headers sent (empty when none are given).
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The `host` override, when given: the Host / `:authority` sent when it
    /// differs from the URL's.
    pub fn host_override(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// The Host / `:authority` sent: the `host` override, else the URL's
    /// authority, else the gRPC `host`. `None` for TLS and TCP / UDP, and for
    /// a gRPC call that names no host.
    pub fn authority(&self) -> Option<&str> {
        if let Some(host) = &self.host {
            return Some(host);
        }
        match &self.target {
            RequestTarget::Http(url) => Some(url.authority()),
            RequestTarget::Grpc(call) => call.host.as_deref(),
            RequestTarget::Tls { .. } | RequestTarget::Stream { .. } => None,
        }
    }

    /// The host name the Gateway matches listener and route hostnames
    /// against: [`Request::authority`] without its port.
    pub fn host_name(&self) -> Option<&str> {
        let authority = self.authority()?;
        Some(split_host_port(authority).map_or(authority, |(host, _)| host))
    }

    /// The `sni` written, if any: the TLS server name, when it differs from the
    /// host (https, gRPC over TLS) or for TLS passthrough.
    pub fn sni(&self) -> Option<&str> {
        self.sni.as_deref()
    }

    /// The TLS server name sent, when the request uses TLS: `sni` when given,
    /// else the host name of an `https://` URL.
    pub fn server_name(&self) -> Option<&str> {
        match &self.target {
            RequestTarget::Tls { sni, .. } => Some(sni),
            RequestTarget::Http(url) if url.scheme() == Scheme::Https => {
                self.sni().or_else(|| self.host_name())
            }
            RequestTarget::Grpc(_) => self.sni(),
            RequestTarget::Http(_) | RequestTarget::Stream { .. } => None,
        }
    }

    /// Whether the request goes over TLS (https, gRPC with `sni`, TLS).
    pub fn uses_tls(&self) -> bool {
        match &self.target {
            RequestTarget::Http(url) => url.scheme() == Scheme::Https,
            RequestTarget::Grpc(_) => self.sni.is_some(),
            RequestTarget::Tls { .. } => true,
            RequestTarget::Stream { .. } => false,
        }
    }

    /// The listener port the request goes to: the URL's (default 80 / 443),
    /// for gRPC the `port` given or 80 (443 with `sni`), else `port`.
    pub fn port(&self) -> u16 {
        match &self.target {
            RequestTarget::Http(url) => url.port(),
            RequestTarget::Grpc(_) => {
                self.port
                    .unwrap_or(if self.sni.is_some() { 443 } else { 80 })
            }
            RequestTarget::Tls { port, .. } | RequestTarget::Stream { port, .. } => *port,
        }
    }

    /// The `port` key, when the file writes one.
    pub fn explicit_port(&self) -> Option<u16> {
        self.port
    }

    /// The `protocol` key, when the file writes one.
    pub fn protocol(&self) -> Option<StreamProtocol> {
        self.protocol
    }

    /// Headers the backend answers with (empty when none are given).
    pub fn backend_response_headers(&self) -> &Headers {
        &self.backend_response.headers
    }
}

/// A listener port: 1 to 65535.
struct Port(u16);

impl<'de> Deserialize<'de> for Port {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let port = u16::deserialize(deserializer)?;
        if port == 0 {
            return Err(de::Error::custom("must be a port number (1-65535)"));
        }
        Ok(Self(port))
    }
}

/// `request:` as written, before its form is checked.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawRequest {
    method: Option<String>,
    url: Option<RequestUrl>,
    headers: Option<Headers>,
    host: Option<String>,
    sni: Option<String>,
    backend_response: Option<BackendResponse>,
    grpc: Option<GrpcCall>,
    port: Option<Port>,
    protocol: Option<StreamProtocol>,
}

impl TryFrom<RawRequest> for Request {
    type Error = &'static str;

    fn try_from(raw: RawRequest) -> Result<Self, Self::Error> {
        let port = raw.port.map(|p| p.0);
        let target = match (raw.url, raw.grpc, port) {
            (Some(_), Some(_), _) => return Err("url and grpc exclude each other"),
            (None, None, None) => {
                return Err("needs url, grpc, or port (TLS passthrough / TCP / UDP)");
            }
            _ if raw.protocol.is_some() && raw.sni.is_some() => {
                return Err("protocol (TCP/UDP) takes no sni");
            }
            (Some(url), None, _) => {
                if raw.sni.is_some() && url.scheme() != Scheme::Https {
                    return Err("sni: with a url, only for https://");
                }
                RequestTarget::Http(url)
            }
            (None, Some(call), _) => RequestTarget::Grpc(call),
            (None, None, Some(port)) => match (&raw.sni, raw.protocol) {
                (Some(sni), _) => RequestTarget::Tls {
                    sni: sni.clone(),
                    port,
                },
                (None, Some(protocol)) => RequestTarget::Stream { port, protocol },
                (None, None) => return Err("port without sni needs protocol: TCP or UDP"),
            },
        };
        Ok(Self {
            target,
            method: raw.method,
            headers: raw.headers.unwrap_or_default(),
            host: raw.host,
            sni: raw.sni,
            port,
            protocol: raw.protocol,
            backend_response: raw.backend_response.unwrap_or_default(),
        })
    }
}

impl<'de> Deserialize<'de> for Request {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawRequest::deserialize(deserializer)?;
        Self::try_from(raw).map_err(de::Error::custom)
    }
}

/// HTTP status codes a response may have: `status: 404` or `status: [200, 204]`
/// (any of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCodes(Vec<u16>);

impl StatusCodes {
    /// The codes accepted, in file order.
    pub fn codes(&self) -> &[u16] {
        &self.0
    }

    /// Whether `code` is one of them.
    pub fn accepts(&self, code: u16) -> bool {
        self.0.contains(&code)
    }
}

impl fmt::Display for StatusCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [one] => write!(f, "{one}"),
            codes => {
                let codes: Vec<String> = codes.iter().map(u16::to_string).collect();
                write!(f, "one of [{}]", codes.join(", "))
            }
        }
    }
}

/// One HTTP status code, 100 to 599.
struct StatusCode(u16);

struct StatusCodeVisitor;

impl Visitor<'_> for StatusCodeVisitor {
    type Value = u16;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an HTTP status code")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u16, E> {
        match u16::try_from(v) {
            Ok(code) if (100..=599).contains(&code) => Ok(code),
            _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u16, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
        }
    }
}

impl<'de> Deserialize<'de> for StatusCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StatusCodeVisitor).map(Self)
    }
}

impl<'de> Deserialize<'de> for StatusCodes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StatusCodesVisitor;

        impl<'de> Visitor<'de> for StatusCodesVisitor {
            type Value = StatusCodes;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an HTTP status code or a list of them")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<StatusCodes, E> {
                StatusCodeVisitor.visit_u64(v).map(|c| StatusCodes(vec![c]))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<StatusCodes, E> {
                StatusCodeVisitor.visit_i64(v).map(|c| StatusCodes(vec![c]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StatusCodes, A::Error> {
                let mut codes = Vec::new();
                while let Some(StatusCode(code)) = seq.next_element()? {
                    codes.push(code);
                }
                Ok(StatusCodes(codes))
            }
        }

        deserializer.deserialize_any(StatusCodesVisitor)
    }
}

fn optional_status_code<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u16>, D::Error> {
    StatusCode::deserialize(deserializer).map(|code| Some(code.0))
}

/// An expected redirect: `redirect: {location, status}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RedirectExpect {
    /// The `Location` header expected.
    pub location: String,
    /// The redirect status code expected, when given.
    #[serde(default, deserialize_with = "optional_status_code")]
    pub status: Option<u16>,
}

/// A backend of a weighted split and its relative weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightedBackend {
    /// The Service.
    pub service: ServiceRef,
    /// Its weight, relative to the others (0: it gets nothing).
    pub weight: u32,
}

/// A Service that receives a copy of the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mirror {
    /// The Service.
    pub service: ServiceRef,
    /// The percent of requests mirrored (map form); `None` in the list form:
    /// every request.
    pub percent: Option<u32>,
}

/// `mirroredTo:` in either form: a list of Services, or Service to percent.
struct Mirrors(Vec<Mirror>);

impl<'de> Deserialize<'de> for Mirrors {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MirrorsVisitor;

        impl<'de> Visitor<'de> for MirrorsVisitor {
            type Value = Mirrors;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of Services, or a mapping of Service to percent")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Mirrors, A::Error> {
                let mut mirrors = Vec::new();
                while let Some(service) = seq.next_element()? {
                    mirrors.push(Mirror {
                        service,
                        percent: None,
                    });
                }
                Ok(Mirrors(mirrors))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Mirrors, A::Error> {
                let mut mirrors = Vec::new();
                while let Some((service, percent)) = map.next_entry()? {
                    mirrors.push(Mirror {
                        service,
                        percent: Some(percent),
                    });
                }
                Ok(Mirrors(mirrors))
            }
        }

        deserializer.deserialize_any(MirrorsVisitor)
    }
}

/// `rejected:`, which only takes `true`.
struct Rejected;

impl<'de> Deserialize<'de> for Rejected {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if bool::deserialize(deserializer)? {
            Ok(Self)
        } else {
            Err(de::Error::custom(
                "must be true (leave the key out otherwise)",
            ))
        }
    }
}

/// Where a request must go: exactly one outcome per request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// `backend:` this Service receives the request.
    Backend(ServiceRef),
    /// `backends:` a weighted split over these Services.
    Backends(Vec<WeightedBackend>),
    /// `status:` the Gateway answers itself, with one of these codes (no
    /// backend: 404 no route matched, 500 the rule has no valid backend, ...).
    Status(StatusCodes),
    /// `redirect:` the Gateway answers with a redirect.
    Redirect(RedirectExpect),
    /// `rejected: true`: the connection (or TLS handshake) is refused.
    Rejected,
}

/// The request as the backend receives it, after filters: `upstream:`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpstreamExpect {
    /// The path (and query) after any URL rewrite.
    #[serde(default)]
    pub path: Option<String>,
    /// The Host after any rewrite.
    #[serde(default)]
    pub host: Option<String>,
    /// Headers that must be present with these values.
    #[serde(default)]
    pub headers: Headers,
    /// Headers that must be absent.
    #[serde(default)]
    pub absent_headers: Vec<String>,
    /// TLS towards the backend (BackendTLSPolicy).
    #[serde(default)]
    pub tls: Option<UpstreamTls>,
}

/// TLS from the Gateway to the backend: `upstream.tls`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpstreamTls {
    /// The server name the backend sees.
    #[serde(default)]
    pub sni: Option<String>,
}

/// Response headers: `response:`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResponseExpect {
    /// Headers that must be present with these values.
    #[serde(default)]
    pub headers: Headers,
    /// Headers that must be present with one of these values.
    #[serde(default, deserialize_with = "header_choices")]
    pub headers_one_of: OrderedMap<String, Vec<String>>,
    /// Headers that must be absent.
    #[serde(default)]
    pub absent_headers: Vec<String>,
}

/// Where a request must go, and what must hold of it: a request's `expect:`.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestExpect {
    /// The outcome (exactly one of `backend`, `backends`, `status`,
    /// `redirect`, `rejected`).
    pub outcome: Outcome,
    /// The request as the backend receives it.
    pub upstream: Option<UpstreamExpect>,
    /// Response headers.
    pub response: Option<ResponseExpect>,
    /// Services that receive a copy (`mirroredTo`), in file order.
    pub mirrored_to: Option<Vec<Mirror>>,
}

/// The outcome keys, in the format's order.
const OUTCOME_KEYS: [&str; 5] = ["backend", "backends", "status", "redirect", "rejected"];

/// A request's `expect:` as written, before the outcome is checked.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawRequestExpect {
    backend: Option<ServiceRef>,
    backends: Option<OrderedMap<ServiceRef, u32>>,
    status: Option<StatusCodes>,
    redirect: Option<RedirectExpect>,
    rejected: Option<Rejected>,
    upstream: Option<UpstreamExpect>,
    response: Option<ResponseExpect>,
    mirrored_to: Option<Mirrors>,
}

impl TryFrom<RawRequestExpect> for RequestExpect {
    type Error = String;

    fn try_from(raw: RawRequestExpect) -> Result<Self, Self::Error> {
        let present = [
            raw.backend.is_some(),
            raw.backends.is_some(),
            raw.status.is_some(),
            raw.redirect.is_some(),
            raw.rejected.is_some(),
        ];
        let found: Vec<&str> = OUTCOME_KEYS
            .iter()
            .zip(present)
            .filter_map(|(key, present)| present.then_some(*key))
            .collect();
        let outcome = match (
            raw.backend,
            raw.backends,
            raw.status,
            raw.redirect,
            raw.rejected,
        ) {
            (Some(service), None, None, None, None) => Outcome::Backend(service),
            (None, Some(split), None, None, None) => Outcome::Backends(
                split
                    .into_iter()
                    .map(|(service, weight)| WeightedBackend { service, weight })
                    .collect(),
            ),
            (None, None, Some(codes), None, None) => Outcome::Status(codes),
            (None, None, None, Some(redirect), None) => Outcome::Redirect(redirect),
            (None, None, None, None, Some(Rejected)) => Outcome::Rejected,
            _ => {
                let found = if found.is_empty() {
                    "none".to_owned()
                } else {
                    found.join(", ")
                };
                return Err(format!(
                    "needs exactly one of {}, found {found}",
                    OUTCOME_KEYS.join(" | ")
                ));
            }
        };
        Ok(Self {
            outcome,
            upstream: raw.upstream,
            response: raw.response,
            mirrored_to: raw.mirrored_to.map(|m| m.0),
        })
    }
}

impl<'de> Deserialize<'de> for RequestExpect {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawRequestExpect::deserialize(deserializer)?;
        Self::try_from(raw).map_err(de::Error::custom)
    }
}
