//! Filters, compiled once per rule and backend, and the rules for applying
//! them (spec section 9).
//!
//! Compilation parses header names and values, checks enum values and
//! filter combinations, and resolves `ReplacePrefixMatch` against the rule's
//! single `PathPrefix` match, so that applying a filter to a request cannot
//! fail.

use gateway_types::grpc_route::{GrpcRouteFilter, GrpcRouteFilterType};
use gateway_types::http_route::{
    HttpCorsFilter, HttpHeaderFilter, HttpMethodWithWildcard, HttpPathModifier,
    HttpPathModifierType, HttpRedirectScheme, HttpRequestMirrorFilter, HttpRequestRedirectFilter,
    HttpRouteFilter, HttpRouteFilterType, HttpUrlRewriteFilter,
};
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::error::BuildErrorKind;
use crate::input::Scheme;

/// A compile error inside a filter: the field path (relative to the rule)
/// and the reason.
pub(crate) type FieldError = (String, BuildErrorKind);

fn invalid(field: String, message: impl Into<String>) -> FieldError {
    (field, BuildErrorKind::InvalidValue(message.into()))
}

/// Header edits of one header modifier filter.
#[derive(Debug, Default)]
pub(crate) struct HeaderEdits {
    pub(crate) set: Box<[(HeaderName, HeaderValue)]>,
    pub(crate) add: Box<[(HeaderName, HeaderValue)]>,
    pub(crate) remove: Box<[HeaderName]>,
}

impl HeaderEdits {
    /// Applies the edits: `set` replaces every value, `add` appends to the
    /// existing value with `,` (a new line for `set-cookie`, whose values
    /// cannot be joined), `remove` deletes the header.
    pub(crate) fn apply(&self, headers: &mut HeaderMap) {
        for (name, value) in &self.set {
            headers.insert(name.clone(), value.clone());
        }
        for (name, value) in &self.add {
            add_header(headers, name, value);
        }
        for name in &self.remove {
            headers.remove(name);
        }
    }
}

/// Appends `value` to `name`: joined to the existing values with `,`.
pub(crate) fn add_header(headers: &mut HeaderMap, name: &HeaderName, value: &HeaderValue) {
    if name == http::header::SET_COOKIE || !headers.contains_key(name) {
        headers.append(name.clone(), value.clone());
        return;
    }
    let mut joined = Vec::new();
    for existing in headers.get_all(name) {
        joined.extend_from_slice(existing.as_bytes());
        joined.push(b',');
    }
    joined.extend_from_slice(value.as_bytes());
    match HeaderValue::from_bytes(&joined) {
        Ok(v) => {
            headers.insert(name.clone(), v);
        }
        // Joining valid values with ',' gives a valid value; keep both
        // lines if it ever does not.
        Err(_) => {
            headers.append(name.clone(), value.clone());
        }
    }
}

/// A compiled path modifier.
#[derive(Debug, Clone)]
pub(crate) enum PathRewrite {
    /// Replace the whole path.
    Full(Box<str>),
    /// Replace the matched prefix `matched` (trimmed of one trailing `/`,
    /// empty for `/`) with `replacement` (trimmed of its trailing `/`).
    Prefix {
        matched: Box<str>,
        replacement: Box<str>,
    },
}

impl PathRewrite {
    /// The new path for a (normalised) request path.
    ///
    /// `ReplacePrefixMatch` replaces the matched prefix element by element
    /// (spec 9.4): the rest of the path after the prefix (empty or starting
    /// with `/`) is appended to the replacement without its trailing `/`,
    /// and an empty result becomes `/`.
    pub(crate) fn apply(&self, path: &str) -> String {
        match self {
            Self::Full(p) => p.to_string(),
            Self::Prefix {
                matched,
                replacement,
            } => {
                let rest = path.strip_prefix(&**matched).unwrap_or(path);
                let mut out = String::with_capacity(replacement.len() + rest.len());
                out.push_str(replacement);
                out.push_str(rest);
                if out.is_empty() {
                    out.push('/');
                }
                out
            }
        }
    }
}

/// A compiled RequestRedirect.
#[derive(Debug, Clone)]
pub(crate) struct Redirect {
    pub(crate) scheme: Option<Scheme>,
    pub(crate) hostname: Option<Box<str>>,
    pub(crate) port: Option<u16>,
    pub(crate) path: Option<PathRewrite>,
    pub(crate) status: u16,
}

impl Redirect {
    /// The `Location` for a request (spec 9.3): the scheme of the filter or
    /// the request; the filter's hostname or the request host; the filter's
    /// port, else the well-known port of the filter's scheme, else the
    /// listener port, left out when it is the default port of the resulting
    /// scheme; the path rewritten; the query kept.
    pub(crate) fn location(
        &self,
        request_scheme: Scheme,
        host: &str,
        listener_port: u16,
        path: &str,
        query: Option<&str>,
    ) -> String {
        let scheme = self.scheme.unwrap_or(request_scheme);
        let port = match (self.port, self.scheme) {
            (Some(port), _) => port,
            (None, Some(s)) => s.default_port(),
            (None, None) => listener_port,
        };
        let host = self.hostname.as_deref().unwrap_or(host);
        let path = match &self.path {
            Some(rewrite) => rewrite.apply(path),
            None => path.to_owned(),
        };
        let mut out = format!("{}://{host}", scheme.as_str());
        if port != scheme.default_port() {
            out.push(':');
            out.push_str(&port.to_string());
        }
        out.push_str(&path);
        if let Some(q) = query {
            out.push('?');
            out.push_str(q);
        }
        out
    }
}

/// A compiled URLRewrite.
#[derive(Debug, Clone)]
pub(crate) struct Rewrite {
    pub(crate) hostname: Option<Box<str>>,
    pub(crate) path: Option<PathRewrite>,
}

/// How one CORS origin pattern matches.
#[derive(Debug, Clone)]
enum OriginHost {
    Exact(Box<str>),
    /// `*` followed by this suffix (`*.example.com`: `.example.com`): any
    /// host with at least one character in front.
    Suffix(Box<str>),
}

#[derive(Debug, Clone)]
struct Origin {
    scheme: Box<str>,
    host: OriginHost,
    port: u16,
}

/// A parsed `Origin` (or allowed origin without wildcard): scheme, host,
/// port (defaulted).
fn parse_origin(text: &str) -> Option<(String, String, u16)> {
    let (scheme, authority) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => 0,
    };
    let (host, port) = if authority.starts_with('[') {
        let close = authority.find(']')?;
        let (h, rest) = authority.split_at(close + 1);
        match rest.strip_prefix(':') {
            Some(p) => (h, p.parse().ok()?),
            None if rest.is_empty() => (h, default),
            None => return None,
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().ok()?),
            None => (authority, default),
        }
    };
    if host.is_empty() || host.contains(['/', '?', '#', '@']) {
        return None;
    }
    Some((scheme, host.to_ascii_lowercase(), port))
}

/// A compiled CORS filter.
#[derive(Debug, Clone)]
pub(crate) struct Cors {
    any_origin: bool,
    origins: Box<[Origin]>,
    credentials: bool,
    any_method: bool,
    methods: Box<str>,
    any_header: bool,
    headers: Box<str>,
    any_expose: bool,
    expose: Box<str>,
    max_age: i64,
}

/// The CORS response headers for one request, in order.
pub(crate) type CorsHeaders = Vec<(HeaderName, String)>;

impl Cors {
    fn compile(cors: &HttpCorsFilter, field: &str) -> Result<Self, FieldError> {
        let mut origins = Vec::new();
        let mut any_origin = false;
        for (i, origin) in cors.allow_origins.iter().flatten().enumerate() {
            if origin == "*" {
                any_origin = true;
                continue;
            }
            let bad = || {
                invalid(
                    format!("{field}.allowOrigins[{i}]"),
                    format!(
                        "`{origin}` is not an origin; write `scheme://host[:port]`, `scheme://*.domain` or `*`"
                    ),
                )
            };
            let (scheme, host, port) = parse_origin(origin).ok_or_else(bad)?;
            let host = match host.strip_prefix('*') {
                Some(suffix) => OriginHost::Suffix(suffix.into()),
                None => OriginHost::Exact(host.into()),
            };
            origins.push(Origin {
                scheme: scheme.into(),
                host,
                port,
            });
        }
        let mut methods = Vec::new();
        let mut any_method = false;
        for (i, method) in cors.allow_methods.iter().flatten().enumerate() {
            match method {
                HttpMethodWithWildcard::Wildcard => any_method = true,
                other if !other.is_known() => {
                    return Err(invalid(
                        format!("{field}.allowMethods[{i}]"),
                        format!(
                            "unknown method `{}`; use an RFC 9110 method or `*`",
                            other.as_str()
                        ),
                    ));
                }
                known => methods.push(known.as_str().to_owned()),
            }
        }
        let list = |values: &Option<Vec<String>>| -> (bool, String) {
            let values = values.as_deref().unwrap_or_default();
            let any = values.iter().any(|v| v == "*");
            (
                any,
                values
                    .iter()
                    .filter(|v| *v != "*")
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        };
        let (any_header, headers) = list(&cors.allow_headers);
        let (any_expose, expose) = list(&cors.expose_headers);
        Ok(Self {
            any_origin,
            origins: origins.into(),
            credentials: cors.allow_credentials.unwrap_or(false),
            any_method,
            methods: methods.join(", ").into(),
            any_header,
            headers: headers.into(),
            any_expose,
            expose: expose.into(),
            max_age: i64::from(cors.max_age_or_default()),
        })
    }

    /// Whether `origin` (the request's `Origin` header) is allowed.
    pub(crate) fn allows(&self, origin: &str) -> bool {
        if self.any_origin {
            return true;
        }
        let Some((scheme, host, port)) = parse_origin(origin) else {
            return false;
        };
        self.origins.iter().any(|o| {
            *o.scheme == *scheme
                && o.port == port
                && match &o.host {
                    OriginHost::Exact(h) => **h == *host,
                    OriginHost::Suffix(s) => host.len() > s.len() && host.ends_with(&**s),
                }
        })
    }

    /// The response headers for a preflight (`preflight`) or an actual
    /// request from an allowed `origin` (spec 9.6).
    pub(crate) fn response_headers(
        &self,
        origin: &str,
        preflight: bool,
        request_method: Option<&str>,
        request_headers: Option<&str>,
    ) -> CorsHeaders {
        use http::header::{
            ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS,
            ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
            ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
        };
        let mut out = vec![(ACCESS_CONTROL_ALLOW_ORIGIN, origin.to_owned())];
        if self.credentials {
            out.push((ACCESS_CONTROL_ALLOW_CREDENTIALS, "true".to_owned()));
        }
        if preflight {
            let methods = if self.any_method {
                if self.credentials {
                    request_method.map(str::to_owned)
                } else {
                    Some("*".to_owned())
                }
            } else {
                (!self.methods.is_empty()).then(|| self.methods.to_string())
            };
            if let Some(m) = methods {
                out.push((ACCESS_CONTROL_ALLOW_METHODS, m));
            }
            let headers = if self.any_header {
                if self.credentials {
                    request_headers.map(str::to_owned)
                } else {
                    Some("*".to_owned())
                }
            } else {
                (!self.headers.is_empty()).then(|| self.headers.to_string())
            };
            if let Some(h) = headers {
                out.push((ACCESS_CONTROL_ALLOW_HEADERS, h));
            }
            out.push((ACCESS_CONTROL_MAX_AGE, self.max_age.to_string()));
        } else {
            let expose = if self.any_expose && !self.credentials {
                Some("*".to_owned())
            } else {
                (!self.expose.is_empty()).then(|| self.expose.to_string())
            };
            if let Some(e) = expose {
                out.push((ACCESS_CONTROL_EXPOSE_HEADERS, e));
            }
        }
        out
    }
}

/// One compiled filter, in list order.
#[derive(Debug)]
pub(crate) enum Op {
    RequestHeaders(HeaderEdits),
    ResponseHeaders(HeaderEdits),
    Redirect(Box<Redirect>),
    Rewrite(Box<Rewrite>),
    /// A RequestMirror: the filter's index in its list and the share of
    /// requests mirrored, in percent.
    Mirror {
        index: usize,
        percent: f64,
    },
    Cors(Box<Cors>),
    /// A filter the router cannot apply (ExtensionRef, ExternalAuth): a
    /// request it applies to gets a 500, as spec 7.3 requires; the filter is
    /// never skipped.
    Unsupported,
}

/// The compiled filters of one list (a rule's or a backendRef's).
#[derive(Debug, Default)]
pub(crate) struct FilterList {
    pub(crate) ops: Box<[Op]>,
}

impl FilterList {
    pub(crate) fn redirect(&self) -> Option<&Redirect> {
        self.ops.iter().find_map(|op| match op {
            Op::Redirect(r) => Some(&**r),
            _ => None,
        })
    }

    pub(crate) fn has_rewrite(&self) -> bool {
        self.ops.iter().any(|op| matches!(op, Op::Rewrite(_)))
    }

    pub(crate) fn cors(&self) -> Option<&Cors> {
        self.ops.iter().find_map(|op| match op {
            Op::Cors(c) => Some(&**c),
            _ => None,
        })
    }
}

fn header_name(name: &str, field: String) -> Result<HeaderName, FieldError> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| invalid(field, format!("`{name}` is not a valid header name")))
}

fn header_value(value: &str, field: String) -> Result<HeaderValue, FieldError> {
    HeaderValue::from_str(value).map_err(|_| {
        invalid(
            field,
            "header value holds a control character; remove it".to_owned(),
        )
    })
}

fn header_edits(filter: &HttpHeaderFilter, field: &str) -> Result<HeaderEdits, FieldError> {
    let mut seen: Vec<HeaderName> = Vec::new();
    let mut once = |name: &HeaderName, f: &str| -> Result<(), FieldError> {
        if seen.contains(name) {
            return Err(invalid(
                f.to_owned(),
                format!("header `{name}` is named twice in one filter; keep one action per header"),
            ));
        }
        seen.push(name.clone());
        Ok(())
    };
    let mut pairs = |list: &Option<Vec<gateway_types::http_route::HttpHeader>>,
                     key: &str|
     -> Result<Box<[(HeaderName, HeaderValue)]>, FieldError> {
        let mut out = Vec::new();
        for (i, h) in list.iter().flatten().enumerate() {
            let f = format!("{field}.{key}[{i}]");
            let name = header_name(&h.name, format!("{f}.name"))?;
            once(&name, &f)?;
            out.push((name, header_value(&h.value, format!("{f}.value"))?));
        }
        Ok(out.into())
    };
    let set = pairs(&filter.set, "set")?;
    let add = pairs(&filter.add, "add")?;
    let mut remove = Vec::new();
    for (i, name) in filter.remove.iter().flatten().enumerate() {
        let f = format!("{field}.remove[{i}]");
        let name = header_name(name, f.clone())?;
        once(&name, &f)?;
        remove.push(name);
    }
    Ok(HeaderEdits {
        set,
        add,
        remove: remove.into(),
    })
}

/// The single `PathPrefix` value a `ReplacePrefixMatch` applies to (already
/// normalised), or `None` when the rule does not have exactly one.
pub(crate) type PrefixOfRule<'a> = Option<&'a str>;

fn path_rewrite(
    modifier: &HttpPathModifier,
    field: &str,
    prefix: PrefixOfRule<'_>,
) -> Result<PathRewrite, FieldError> {
    match &modifier.type_ {
        HttpPathModifierType::ReplaceFullPath => {
            let path = modifier.replace_full_path.as_deref().ok_or_else(|| {
                invalid(
                    format!("{field}.replaceFullPath"),
                    "type ReplaceFullPath needs replaceFullPath",
                )
            })?;
            Ok(PathRewrite::Full(path.into()))
        }
        HttpPathModifierType::ReplacePrefixMatch => {
            let replacement = modifier.replace_prefix_match.as_deref().ok_or_else(|| {
                invalid(
                    format!("{field}.replacePrefixMatch"),
                    "type ReplacePrefixMatch needs replacePrefixMatch",
                )
            })?;
            let matched = prefix.ok_or_else(|| {
                invalid(
                    format!("{field}.type"),
                    "ReplacePrefixMatch needs a rule with exactly one match, of type PathPrefix",
                )
            })?;
            let matched = match matched.strip_suffix('/') {
                Some(trimmed) => trimmed,
                None => matched,
            };
            Ok(PathRewrite::Prefix {
                matched: matched.into(),
                replacement: replacement.trim_end_matches('/').into(),
            })
        }
        other => Err(invalid(
            format!("{field}.type"),
            format!("unknown path modifier `{other}`; use ReplaceFullPath or ReplacePrefixMatch"),
        )),
    }
}

fn redirect(
    filter: &HttpRequestRedirectFilter,
    field: &str,
    prefix: PrefixOfRule<'_>,
) -> Result<Redirect, FieldError> {
    let scheme = match &filter.scheme {
        None => None,
        Some(HttpRedirectScheme::Http) => Some(Scheme::Http),
        Some(HttpRedirectScheme::Https) => Some(Scheme::Https),
        Some(other) => {
            return Err(invalid(
                format!("{field}.scheme"),
                format!("unknown scheme `{other}`; use http or https"),
            ));
        }
    };
    let status = filter.status_code_or_default();
    let status = match status {
        301 | 302 | 303 | 307 | 308 => status as u16,
        other => {
            return Err(invalid(
                format!("{field}.statusCode"),
                format!("{other} is not a redirect status; use 301, 302, 303, 307 or 308"),
            ));
        }
    };
    let port = match filter.port {
        None => None,
        Some(p) => Some(u16::try_from(p).ok().filter(|p| *p > 0).ok_or_else(|| {
            invalid(
                format!("{field}.port"),
                format!("port {p} is not in 1..65535"),
            )
        })?),
    };
    if let Some(h) = &filter.hostname {
        header_value(h, format!("{field}.hostname"))?;
    }
    let path = match &filter.path {
        None => None,
        Some(m) => Some(path_rewrite(m, &format!("{field}.path"), prefix)?),
    };
    Ok(Redirect {
        scheme,
        hostname: filter.hostname.as_deref().map(Into::into),
        port,
        path,
        status,
    })
}

fn rewrite(
    filter: &HttpUrlRewriteFilter,
    field: &str,
    prefix: PrefixOfRule<'_>,
) -> Result<Rewrite, FieldError> {
    if let Some(h) = &filter.hostname {
        header_value(h, format!("{field}.hostname"))?;
    }
    let path = match &filter.path {
        None => None,
        Some(m) => Some(path_rewrite(m, &format!("{field}.path"), prefix)?),
    };
    Ok(Rewrite {
        hostname: filter.hostname.as_deref().map(Into::into),
        path,
    })
}

fn mirror_percent(mirror: &HttpRequestMirrorFilter, field: &str) -> Result<f64, FieldError> {
    match (mirror.percent, &mirror.fraction) {
        (Some(p), _) if (0..=100).contains(&p) => Ok(f64::from(p)),
        (Some(p), _) => Err(invalid(
            format!("{field}.percent"),
            format!("{p} is not in 0..100"),
        )),
        (None, Some(f)) => {
            let den = f.denominator_or_default();
            if den <= 0 || f.numerator < 0 || f.numerator > den {
                return Err(invalid(
                    format!("{field}.fraction"),
                    "fraction needs 0 <= numerator <= denominator and denominator >= 1",
                ));
            }
            Ok(f64::from(f.numerator) * 100.0 / f64::from(den))
        }
        (None, None) => Ok(100.0),
    }
}

fn missing(field: &str, key: &str, kind: &str) -> FieldError {
    invalid(
        format!("{field}.{key}"),
        format!("filter type {kind} needs `{key}`"),
    )
}

/// Compiles an HTTPRoute filter list; `field` is its path (for example
/// `spec.rules[0].filters`).
pub(crate) fn compile_http(
    filters: &[HttpRouteFilter],
    field: &str,
    prefix: PrefixOfRule<'_>,
) -> Result<FilterList, FieldError> {
    let mut ops = Vec::with_capacity(filters.len());
    for (i, f) in filters.iter().enumerate() {
        let field = format!("{field}[{i}]");
        let op = match &f.type_ {
            HttpRouteFilterType::RequestHeaderModifier => {
                let c = f.request_header_modifier.as_ref().ok_or_else(|| {
                    missing(&field, "requestHeaderModifier", "RequestHeaderModifier")
                })?;
                Op::RequestHeaders(header_edits(c, &format!("{field}.requestHeaderModifier"))?)
            }
            HttpRouteFilterType::ResponseHeaderModifier => {
                let c = f.response_header_modifier.as_ref().ok_or_else(|| {
                    missing(&field, "responseHeaderModifier", "ResponseHeaderModifier")
                })?;
                Op::ResponseHeaders(header_edits(c, &format!("{field}.responseHeaderModifier"))?)
            }
            HttpRouteFilterType::RequestRedirect => {
                let c = f
                    .request_redirect
                    .as_ref()
                    .ok_or_else(|| missing(&field, "requestRedirect", "RequestRedirect"))?;
                Op::Redirect(Box::new(redirect(
                    c,
                    &format!("{field}.requestRedirect"),
                    prefix,
                )?))
            }
            HttpRouteFilterType::UrlRewrite => {
                let c = f
                    .url_rewrite
                    .as_ref()
                    .ok_or_else(|| missing(&field, "urlRewrite", "URLRewrite"))?;
                Op::Rewrite(Box::new(rewrite(
                    c,
                    &format!("{field}.urlRewrite"),
                    prefix,
                )?))
            }
            HttpRouteFilterType::RequestMirror => {
                let c = f
                    .request_mirror
                    .as_ref()
                    .ok_or_else(|| missing(&field, "requestMirror", "RequestMirror"))?;
                Op::Mirror {
                    index: i,
                    percent: mirror_percent(c, &format!("{field}.requestMirror"))?,
                }
            }
            HttpRouteFilterType::Cors => {
                let c = f
                    .cors
                    .as_ref()
                    .ok_or_else(|| missing(&field, "cors", "CORS"))?;
                Op::Cors(Box::new(Cors::compile(c, &format!("{field}.cors"))?))
            }
            HttpRouteFilterType::ExtensionRef => Op::Unsupported,
            HttpRouteFilterType::ExternalAuth => Op::Unsupported,
            other => {
                return Err(invalid(
                    format!("{field}.type"),
                    format!("unknown filter type `{other}`"),
                ));
            }
        };
        ops.push(op);
    }
    let list = FilterList { ops: ops.into() };
    let redirects = list
        .ops
        .iter()
        .filter(|op| matches!(op, Op::Redirect(_)))
        .count();
    let rewrites = list
        .ops
        .iter()
        .filter(|op| matches!(op, Op::Rewrite(_)))
        .count();
    if redirects + rewrites > 1 {
        return Err(invalid(
            field.to_owned(),
            "RequestRedirect and URLRewrite may appear once, and not together, in a filter list",
        ));
    }
    Ok(list)
}

/// Compiles a GRPCRoute filter list.
pub(crate) fn compile_grpc(
    filters: &[GrpcRouteFilter],
    field: &str,
) -> Result<FilterList, FieldError> {
    let mut ops = Vec::with_capacity(filters.len());
    for (i, f) in filters.iter().enumerate() {
        let field = format!("{field}[{i}]");
        let op = match &f.type_ {
            GrpcRouteFilterType::RequestHeaderModifier => {
                let c = f.request_header_modifier.as_ref().ok_or_else(|| {
                    missing(&field, "requestHeaderModifier", "RequestHeaderModifier")
                })?;
                Op::RequestHeaders(header_edits(c, &format!("{field}.requestHeaderModifier"))?)
            }
            GrpcRouteFilterType::ResponseHeaderModifier => {
                let c = f.response_header_modifier.as_ref().ok_or_else(|| {
                    missing(&field, "responseHeaderModifier", "ResponseHeaderModifier")
                })?;
                Op::ResponseHeaders(header_edits(c, &format!("{field}.responseHeaderModifier"))?)
            }
            GrpcRouteFilterType::RequestMirror => {
                let c = f
                    .request_mirror
                    .as_ref()
                    .ok_or_else(|| missing(&field, "requestMirror", "RequestMirror"))?;
                Op::Mirror {
                    index: i,
                    percent: mirror_percent(c, &format!("{field}.requestMirror"))?,
                }
            }
            GrpcRouteFilterType::ExtensionRef => Op::Unsupported,
            other => {
                return Err(invalid(
                    format!("{field}.type"),
                    format!("unknown filter type `{other}`"),
                ));
            }
        };
        ops.push(op);
    }
    Ok(FilterList { ops: ops.into() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(matched: &str, replacement: &str) -> PathRewrite {
        path_rewrite(
            &HttpPathModifier::replace_prefix_match(replacement),
            "f",
            Some(matched),
        )
        .unwrap()
    }

    #[test]
    fn replace_prefix_match_follows_the_spec_table() {
        let table = [
            ("/foo/bar", "/foo", "/xyz", "/xyz/bar"),
            ("/foo/bar", "/foo", "/xyz/", "/xyz/bar"),
            ("/foo/bar", "/foo/", "/xyz", "/xyz/bar"),
            ("/foo/bar", "/foo/", "/xyz/", "/xyz/bar"),
            ("/foo", "/foo", "/xyz", "/xyz"),
            ("/foo/", "/foo", "/xyz", "/xyz/"),
            ("/foo/bar", "/foo", "", "/bar"),
            ("/foo/", "/foo", "", "/"),
            ("/foo", "/foo", "", "/"),
            ("/foo/", "/foo", "/", "/"),
            ("/foo", "/foo", "/", "/"),
            ("/strip-prefix/three", "/strip-prefix", "/", "/three"),
            ("/strip-prefix", "/strip-prefix", "/", "/"),
            ("/a", "/", "/xyz", "/xyz/a"),
        ];
        for (path, matched, replacement, want) in table {
            assert_eq!(
                prefix(matched, replacement).apply(path),
                want,
                "{path} {matched} {replacement}"
            );
        }
    }

    #[test]
    fn redirect_port_follows_the_default_port_rules() {
        let r = |scheme, port| Redirect {
            scheme,
            hostname: None,
            port,
            path: None,
            status: 302,
        };
        let loc = |red: Redirect| red.location(Scheme::Http, "h", 8080, "/p", Some("q=1"));
        assert_eq!(loc(r(None, None)), "http://h:8080/p?q=1");
        assert_eq!(loc(r(Some(Scheme::Https), None)), "https://h/p?q=1");
        assert_eq!(
            loc(r(Some(Scheme::Https), Some(8443))),
            "https://h:8443/p?q=1"
        );
        assert_eq!(loc(r(Some(Scheme::Http), Some(80))), "http://h/p?q=1");
        assert_eq!(loc(r(None, Some(443))), "http://h:443/p?q=1");
        let on80 = r(None, None).location(Scheme::Http, "h", 80, "/", None);
        assert_eq!(on80, "http://h/");
    }

    #[test]
    fn origins_match_scheme_host_and_defaulted_port() {
        let cors = Cors::compile(
            &serde_json::from_str(
                r#"{"allowOrigins": ["https://www.foo.com", "https://*.bar.com", "http://a.com:8080"]}"#,
            )
            .unwrap(),
            "cors",
        )
        .unwrap();
        assert!(cors.allows("https://www.foo.com"));
        assert!(cors.allows("https://www.foo.com:443"));
        assert!(!cors.allows("http://www.foo.com"));
        assert!(cors.allows("https://xpto.www.bar.com"));
        assert!(!cors.allows("https://bar.com"));
        assert!(cors.allows("http://a.com:8080"));
        assert!(!cors.allows("http://a.com"));
        assert!(!cors.allows("null"));
    }

    #[test]
    fn header_filters_refuse_a_name_twice() {
        let f: HttpHeaderFilter =
            serde_json::from_str(r#"{"set": [{"name": "X-A", "value": "1"}], "remove": ["x-a"]}"#)
                .unwrap();
        assert!(header_edits(&f, "f").is_err());
    }

    #[test]
    fn add_joins_existing_values_with_commas() {
        let mut headers = HeaderMap::new();
        headers.insert("x-a", HeaderValue::from_static("1"));
        add_header(
            &mut headers,
            &HeaderName::from_static("x-a"),
            &HeaderValue::from_static("2"),
        );
        assert_eq!(headers["x-a"], "1,2");
        add_header(
            &mut headers,
            &HeaderName::from_static("x-b"),
            &HeaderValue::from_static("3"),
        );
        assert_eq!(headers["x-b"], "3");
    }
}
