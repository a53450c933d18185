//! HTTPRoute: schema and CEL rules.

use std::sync::LazyLock;

use gateway_types::HttpRoute;
use gateway_types::http_route::{
    HttpCorsFilter, HttpPathMatch, HttpPathModifier, HttpPathModifierType, HttpRouteFilter,
    HttpRouteFilterType, HttpRouteRule, PathMatchType,
};

use super::common::{
    backend_object_ref, backend_ref_with, check_backend_port, check_mirror, check_parent_refs,
    check_rule_names, duration, header_filter, header_match_value, local_object_ref, parent_refs,
    port, precise_hostname, request_mirror, route_hostnames, section_name, session_persistence,
    use_default_gateways,
};
use super::ctx::Ctx;
use super::patterns::{CORS_ORIGIN, HEADER_NAME, PATH, duration_millis};
use super::schema::{Node, Obj, boolean, exp, int, list, obj, opt, push_index, req, s};
use super::{BothChannels, check_spec};
use crate::Channel;

rules! {
    /// R21.
    MAX_TOTAL_MATCHES = ("route.rules.max-total-matches", "R21",
        "a route has at most 128 matches over all its rules");
    /// R23.
    REDIRECT_WITH_BACKENDS = ("httproute.rule.redirect-with-backends", "R23",
        "a rule with backendRefs has no rule-level RequestRedirect");
    /// R24.
    REDIRECT_PREFIX_SINGLE_MATCH = ("httproute.rule.redirect-prefix-needs-single-prefix-match", "R24",
        "a rule-level ReplacePrefixMatch redirect needs exactly one PathPrefix match");
    /// R25.
    REWRITE_PREFIX_SINGLE_MATCH = ("httproute.rule.rewrite-prefix-needs-single-prefix-match", "R25",
        "a rule-level ReplacePrefixMatch rewrite needs exactly one PathPrefix match");
    /// R26.
    BACKEND_REDIRECT_PREFIX_SINGLE_MATCH = ("httproute.rule.backend-redirect-prefix-needs-single-prefix-match", "R26",
        "a backendRef-level ReplacePrefixMatch redirect needs exactly one PathPrefix match");
    /// R27.
    BACKEND_REWRITE_PREFIX_SINGLE_MATCH = ("httproute.rule.backend-rewrite-prefix-needs-single-prefix-match", "R27",
        "a backendRef-level ReplacePrefixMatch rewrite needs exactly one PathPrefix match");
    /// R29.
    REDIRECT_AND_REWRITE = ("filters.redirect-and-rewrite", "R29",
        "a filter list has not both RequestRedirect and URLRewrite");
    /// R30.
    SINGLE_CORS = ("filters.single-cors", "R30",
        "a filter list has at most one CORS filter");
    /// R31.
    SINGLE_REQUEST_HEADER_MODIFIER = ("filters.single-request-header-modifier", "R31",
        "a filter list has at most one RequestHeaderModifier");
    /// R32.
    SINGLE_RESPONSE_HEADER_MODIFIER = ("filters.single-response-header-modifier", "R32",
        "a filter list has at most one ResponseHeaderModifier");
    /// R33.
    SINGLE_REQUEST_REDIRECT = ("filters.single-request-redirect", "R33",
        "a filter list has at most one RequestRedirect");
    /// R34.
    SINGLE_URL_REWRITE = ("filters.single-url-rewrite", "R34",
        "a filter list has at most one URLRewrite");
    /// R35-R50, `requestHeaderModifier` given for its type.
    FILTER_REQUEST_HEADER_MODIFIER_REQUIRED = ("filter.request-header-modifier.required", "R35-R50",
        "a RequestHeaderModifier filter has `requestHeaderModifier`");
    /// R35-R50.
    FILTER_REQUEST_HEADER_MODIFIER_UNEXPECTED = ("filter.request-header-modifier.unexpected", "R35-R50",
        "only a RequestHeaderModifier filter has `requestHeaderModifier`");
    /// R35-R50.
    FILTER_RESPONSE_HEADER_MODIFIER_REQUIRED = ("filter.response-header-modifier.required", "R35-R50",
        "a ResponseHeaderModifier filter has `responseHeaderModifier`");
    /// R35-R50.
    FILTER_RESPONSE_HEADER_MODIFIER_UNEXPECTED = ("filter.response-header-modifier.unexpected", "R35-R50",
        "only a ResponseHeaderModifier filter has `responseHeaderModifier`");
    /// R35-R50.
    FILTER_REQUEST_MIRROR_REQUIRED = ("filter.request-mirror.required", "R35-R50",
        "a RequestMirror filter has `requestMirror`");
    /// R35-R50.
    FILTER_REQUEST_MIRROR_UNEXPECTED = ("filter.request-mirror.unexpected", "R35-R50",
        "only a RequestMirror filter has `requestMirror`");
    /// R35-R50.
    FILTER_REQUEST_REDIRECT_REQUIRED = ("filter.request-redirect.required", "R35-R50",
        "a RequestRedirect filter has `requestRedirect`");
    /// R35-R50.
    FILTER_REQUEST_REDIRECT_UNEXPECTED = ("filter.request-redirect.unexpected", "R35-R50",
        "only a RequestRedirect filter has `requestRedirect`");
    /// R35-R50.
    FILTER_URL_REWRITE_REQUIRED = ("filter.url-rewrite.required", "R35-R50",
        "a URLRewrite filter has `urlRewrite`");
    /// R35-R50.
    FILTER_URL_REWRITE_UNEXPECTED = ("filter.url-rewrite.unexpected", "R35-R50",
        "only a URLRewrite filter has `urlRewrite`");
    /// R35-R50.
    FILTER_EXTENSION_REF_REQUIRED = ("filter.extension-ref.required", "R35-R50",
        "an ExtensionRef filter has `extensionRef`");
    /// R35-R50.
    FILTER_EXTENSION_REF_UNEXPECTED = ("filter.extension-ref.unexpected", "R35-R50",
        "only an ExtensionRef filter has `extensionRef`");
    /// R35-R50.
    FILTER_CORS_REQUIRED = ("filter.cors.required", "R35-R50",
        "a CORS filter has `cors`");
    /// R35-R50.
    FILTER_CORS_UNEXPECTED = ("filter.cors.unexpected", "R35-R50",
        "only a CORS filter has `cors`");
    /// R35-R50 (experimental).
    FILTER_EXTERNAL_AUTH_REQUIRED = ("filter.external-auth.required", "R35-R50",
        "an ExternalAuth filter has `externalAuth` (experimental)");
    /// R35-R50 (experimental).
    FILTER_EXTERNAL_AUTH_UNEXPECTED = ("filter.external-auth.unexpected", "R35-R50",
        "only an ExternalAuth filter has `externalAuth` (experimental)");
    /// R51.
    CORS_HEADERS_WILDCARD_ALONE = ("cors.allow-headers.wildcard-alone", "R51",
        "`*` in `allowHeaders` is the only entry");
    /// R52.
    CORS_METHODS_WILDCARD_ALONE = ("cors.allow-methods.wildcard-alone", "R52",
        "`*` in `allowMethods` is the only entry");
    /// R53.
    CORS_ORIGINS_WILDCARD_ALONE = ("cors.allow-origins.wildcard-alone", "R53",
        "`*` in `allowOrigins` is the only entry");
    /// R54 (experimental).
    EXTERNAL_AUTH_GRPC_REQUIRED = ("external-auth.grpc.required", "R54",
        "protocol GRPC comes with `grpc` (experimental)");
    /// R55 (experimental).
    EXTERNAL_AUTH_GRPC_UNEXPECTED = ("external-auth.grpc.unexpected", "R55",
        "`grpc` only with protocol GRPC (experimental)");
    /// R56 (experimental).
    EXTERNAL_AUTH_HTTP_REQUIRED = ("external-auth.http.required", "R56",
        "protocol HTTP comes with `http` (experimental)");
    /// R57 (experimental).
    EXTERNAL_AUTH_HTTP_UNEXPECTED = ("external-auth.http.unexpected", "R57",
        "`http` only with protocol HTTP (experimental)");
    /// R60.
    PATH_MODIFIER_FULL_REQUIRED = ("path-modifier.replace-full-path.required", "R60",
        "type ReplaceFullPath comes with `replaceFullPath`");
    /// R61.
    PATH_MODIFIER_FULL_UNEXPECTED = ("path-modifier.replace-full-path.unexpected", "R61",
        "`replaceFullPath` only with type ReplaceFullPath");
    /// R62.
    PATH_MODIFIER_PREFIX_REQUIRED = ("path-modifier.replace-prefix-match.required", "R62",
        "type ReplacePrefixMatch comes with `replacePrefixMatch`");
    /// R63.
    PATH_MODIFIER_PREFIX_UNEXPECTED = ("path-modifier.replace-prefix-match.unexpected", "R63",
        "`replacePrefixMatch` only with type ReplacePrefixMatch");
    /// R64.
    PATH_STARTS_WITH_SLASH = ("httproute.path.starts-with-slash", "R64",
        "an Exact or PathPrefix path starts with `/`");
    /// R65.
    PATH_NO_DOUBLE_SLASH = ("httproute.path.no-double-slash", "R65",
        "an Exact or PathPrefix path has no `//`");
    /// R66.
    PATH_NO_DOT_SEGMENT = ("httproute.path.no-dot-segment", "R66",
        "an Exact or PathPrefix path has no `/./`");
    /// R67.
    PATH_NO_DOT_DOT_SEGMENT = ("httproute.path.no-dot-dot-segment", "R67",
        "an Exact or PathPrefix path has no `/../`");
    /// R68.
    PATH_NO_ENCODED_SLASH_LOWER = ("httproute.path.no-encoded-slash-lower", "R68",
        "an Exact or PathPrefix path has no `%2f`");
    /// R69.
    PATH_NO_ENCODED_SLASH_UPPER = ("httproute.path.no-encoded-slash-upper", "R69",
        "an Exact or PathPrefix path has no `%2F`");
    /// R70.
    PATH_NO_FRAGMENT = ("httproute.path.no-fragment", "R70",
        "an Exact or PathPrefix path has no `#`");
    /// R71.
    PATH_NO_TRAILING_DOT_DOT = ("httproute.path.no-trailing-dot-dot", "R71",
        "an Exact or PathPrefix path does not end with `/..`");
    /// R72.
    PATH_NO_TRAILING_DOT = ("httproute.path.no-trailing-dot", "R72",
        "an Exact or PathPrefix path does not end with `/.`");
    /// R73.
    PATH_TYPE_KNOWN = ("httproute.path.type-known", "R73",
        "a path match type is Exact, PathPrefix or RegularExpression");
    /// R74.
    PATH_CHARACTERS = ("httproute.path.characters", "R74",
        "an Exact or PathPrefix path has only RFC 3986 path characters (P12)");
    /// R77.
    TIMEOUTS_BACKEND_WITHIN_REQUEST = ("httproute.timeouts.backend-request-within-request", "R77",
        "`backendRequest` is at most `request` (unless `request` is zero)");
}

const FILTER_TYPES_STANDARD: &[&str] = &[
    "RequestHeaderModifier",
    "ResponseHeaderModifier",
    "RequestMirror",
    "RequestRedirect",
    "URLRewrite",
    "ExtensionRef",
    "CORS",
];

const FILTER_TYPES_EXPERIMENTAL: &[&str] = &[
    "RequestHeaderModifier",
    "ResponseHeaderModifier",
    "RequestMirror",
    "RequestRedirect",
    "URLRewrite",
    "ExtensionRef",
    "CORS",
    "ExternalAuth",
];

/// The nine methods.
pub(crate) const METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

const METHODS_WITH_WILDCARD: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "*",
];

fn path_modifier() -> Obj {
    obj([
        req(
            "type",
            s().one_of(&["ReplaceFullPath", "ReplacePrefixMatch"]),
        ),
        opt("replaceFullPath", s().max(1024)),
        opt("replacePrefixMatch", s().max(1024)),
    ])
}

fn header_names() -> super::schema::List {
    list(s().len(1, 256).pat(&HEADER_NAME)).max(64).set()
}

/// An HTTPRoute filter (rule or backendRef level).
fn filter(ch: Channel) -> Obj {
    let types = match ch {
        Channel::Experimental => FILTER_TYPES_EXPERIMENTAL,
        Channel::Standard => FILTER_TYPES_STANDARD,
    };
    obj([
        req("type", s().one_of(types)),
        opt("requestHeaderModifier", header_filter(ch)),
        opt("responseHeaderModifier", header_filter(ch)),
        opt("requestMirror", request_mirror()),
        opt(
            "requestRedirect",
            obj([
                opt("scheme", s().one_of(&["http", "https"])),
                opt("hostname", precise_hostname()),
                opt("path", path_modifier()),
                opt("port", port()),
                opt("statusCode", int().one_of(&[301, 302, 303, 307, 308])),
            ]),
        ),
        opt(
            "urlRewrite",
            obj([
                opt("hostname", precise_hostname()),
                opt("path", path_modifier()),
            ]),
        ),
        opt(
            "cors",
            obj([
                opt(
                    "allowOrigins",
                    list(s().len(1, 253).pat(&CORS_ORIGIN)).max(64).set(),
                ),
                opt("allowCredentials", boolean()),
                opt(
                    "allowMethods",
                    list(s().one_of(METHODS_WITH_WILDCARD)).max(9).set(),
                ),
                opt("allowHeaders", header_names()),
                opt("exposeHeaders", header_names()),
                opt("maxAge", int().min(1)),
            ]),
        ),
        exp(
            ch,
            "externalAuth",
            obj([
                req("protocol", s().one_of(&["HTTP", "GRPC"])),
                req("backendRef", backend_object_ref()),
                opt(
                    "grpc",
                    obj([opt("allowedHeaders", list(s()).max(64).set())]),
                ),
                opt(
                    "http",
                    obj([
                        opt("path", s().max(1024).pat(&PATH)),
                        opt("allowedHeaders", list(s()).max(64).set()),
                        opt("allowedResponseHeaders", list(s()).max(64).set()),
                    ]),
                ),
                opt("forwardBody", obj([opt("maxSize", int())])),
            ]),
        ),
        opt("extensionRef", local_object_ref()),
    ])
}

/// An HTTPRouteMatch.
fn route_match(ch: Channel) -> Obj {
    let match_type = || s().one_of(&["Exact", "RegularExpression"]);
    obj([
        opt(
            "path",
            obj([
                opt(
                    "type",
                    s().one_of(&["Exact", "PathPrefix", "RegularExpression"]),
                ),
                opt("value", s().max(1024)),
            ]),
        ),
        opt(
            "headers",
            list(obj([
                opt("type", match_type()),
                req("name", s().len(1, 256).pat(&HEADER_NAME)),
                req("value", header_match_value(ch)),
            ]))
            .max(16)
            .keyed(&["name"]),
        ),
        opt(
            "queryParams",
            list(obj([
                opt("type", match_type()),
                req("name", s().len(1, 256).pat(&HEADER_NAME)),
                req("value", s().len(1, 1024)),
            ]))
            .max(16)
            .keyed(&["name"]),
        ),
        opt("method", s().one_of(METHODS)),
    ])
}

/// The `spec` schema of a channel.
fn spec(ch: Channel) -> Node {
    let rule = obj([
        opt("name", section_name()),
        opt("matches", list(route_match(ch)).max(64)),
        opt("filters", list(filter(ch)).max(16)),
        opt(
            "backendRefs",
            list(backend_ref_with(opt("filters", list(filter(ch)).max(16)))).max(16),
        ),
        opt(
            "timeouts",
            obj([
                opt("request", duration()),
                opt("backendRequest", duration()),
            ]),
        ),
        exp(
            ch,
            "retry",
            obj([
                opt("codes", list(int().range(400, 599)).set()),
                opt("attempts", int().min(1)),
                opt("backoff", duration()),
            ]),
        ),
        session_persistence(ch),
    ]);
    obj([
        opt("parentRefs", parent_refs()),
        use_default_gateways(ch),
        opt("hostnames", route_hostnames()),
        opt("rules", list(rule).items(1, 16)),
    ])
    .into()
}

pub(super) static SCHEMA: LazyLock<BothChannels> = LazyLock::new(|| BothChannels::build(spec));

/// Admission of a defaulted HTTPRoute.
pub(crate) fn admit(route: &HttpRoute, ctx: &mut Ctx<'_>) {
    check_spec(&route.spec, SCHEMA.get(ctx.channel), ctx);
    cel(route, ctx);
}

/// The CEL rules of a defaulted HTTPRoute.
fn cel(route: &HttpRoute, ctx: &mut Ctx<'_>) {
    let spec = &route.spec;
    check_parent_refs(spec.parent_refs.as_deref().unwrap_or(&[]), ctx);
    let rules = spec.rules.as_deref().unwrap_or(&[]);
    let total: usize = rules
        .iter()
        .take(16)
        .map(|r| r.matches.as_ref().map_or(0, Vec::len))
        .sum();
    if total > 128 {
        ctx.error(
            "spec.rules",
            MAX_TOTAL_MATCHES,
            format!("the rules have {total} matches in all, more than 128; split the route"),
        );
    }
    if ctx.experimental() {
        check_rule_names(rules.iter().map(|r| r.name.as_deref()), ctx);
    }
    let mut at = String::from("spec.rules");
    for (i, rule) in rules.iter().enumerate() {
        at.truncate("spec.rules".len());
        push_index(&mut at, i);
        check_rule(rule, &at, ctx);
    }
}

fn is_prefix_rewrite(m: Option<&HttpPathModifier>) -> bool {
    m.is_some_and(|p| {
        p.type_ == HttpPathModifierType::ReplacePrefixMatch && p.replace_prefix_match.is_some()
    })
}

fn prefix_redirect(f: &HttpRouteFilter) -> bool {
    is_prefix_rewrite(f.request_redirect.as_ref().and_then(|r| r.path.as_ref()))
}

fn prefix_rewrite(f: &HttpRouteFilter) -> bool {
    is_prefix_rewrite(f.url_rewrite.as_ref().and_then(|r| r.path.as_ref()))
}

fn check_rule(rule: &HttpRouteRule, path: &str, ctx: &mut Ctx<'_>) {
    let filters = rule.filters.as_deref().unwrap_or(&[]);
    let backends = rule.backend_refs.as_deref().unwrap_or(&[]);
    let matches = rule.matches.as_deref().unwrap_or(&[]);
    // R23
    if !backends.is_empty() && filters.iter().any(|f| f.request_redirect.is_some()) {
        ctx.error(
            path,
            REDIRECT_WITH_BACKENDS,
            "a rule that redirects sends no request to a backend; remove the RequestRedirect \
             filter or the backendRefs",
        );
    }
    // R24-R27
    let single_prefix_match = matches.len() == 1
        && matches[0]
            .path
            .as_ref()
            .is_some_and(|p| p.type_.as_ref() == Some(&PathMatchType::PathPrefix));
    let one = |n: usize| n == 1;
    let cases = [
        (
            one(filters.iter().filter(|f| prefix_redirect(f)).count()),
            REDIRECT_PREFIX_SINGLE_MATCH,
            "a ReplacePrefixMatch redirect",
        ),
        (
            one(filters.iter().filter(|f| prefix_rewrite(f)).count()),
            REWRITE_PREFIX_SINGLE_MATCH,
            "a ReplacePrefixMatch rewrite",
        ),
        (
            one(backends
                .iter()
                .filter(|b| {
                    one(b
                        .filters
                        .iter()
                        .flatten()
                        .filter(|f| prefix_redirect(f))
                        .count())
                })
                .count()),
            BACKEND_REDIRECT_PREFIX_SINGLE_MATCH,
            "a backendRef's ReplacePrefixMatch redirect",
        ),
        (
            one(backends
                .iter()
                .filter(|b| {
                    one(b
                        .filters
                        .iter()
                        .flatten()
                        .filter(|f| prefix_rewrite(f))
                        .count())
                })
                .count()),
            BACKEND_REWRITE_PREFIX_SINGLE_MATCH,
            "a backendRef's ReplacePrefixMatch rewrite",
        ),
    ];
    for (applies, rule_id, what) in cases {
        if applies && !single_prefix_match {
            ctx.error(
                path,
                rule_id,
                format!(
                    "{what} needs the rule to have exactly one match, of type PathPrefix; split \
                     the rule or use ReplaceFullPath"
                ),
            );
        }
    }
    // One buffer for the paths below (built without `format!`: this runs
    // for every rule of every route).
    let mut at = String::with_capacity(path.len() + 32);
    for (j, m) in matches.iter().enumerate() {
        if let Some(p) = &m.path {
            at.clear();
            at.push_str(path);
            at.push_str(".matches");
            push_index(&mut at, j);
            at.push_str(".path");
            check_path_match(p, &at, ctx);
        }
    }
    // An empty filter list has nothing to report.
    if !filters.is_empty() {
        check_filters(filters, &format!("{path}.filters"), ctx);
    }
    for (j, b) in backends.iter().enumerate() {
        at.clear();
        at.push_str(path);
        at.push_str(".backendRefs");
        push_index(&mut at, j);
        check_backend_port(b.group.as_deref(), b.kind.as_deref(), b.port, &at, ctx);
        if let Some(fs) = &b.filters {
            check_filters(fs, &format!("{at}.filters"), ctx);
        }
    }
    if let Some(t) = &rule.timeouts
        && let (Some(request), Some(backend)) = (&t.request, &t.backend_request)
        && let (Some(r), Some(b)) = (duration_millis(request), duration_millis(backend))
        && r != 0
        && b > r
    {
        ctx.error(
            &format!("{path}.timeouts"),
            TIMEOUTS_BACKEND_WITHIN_REQUEST,
            format!(
                "backendRequest `{backend}` is longer than request `{request}`; make it at most \
                 the request timeout"
            ),
        );
    }
    #[cfg(feature = "experimental")]
    if ctx.experimental()
        && let Some(sp) = &rule.session_persistence
    {
        super::common::check_session_persistence(sp, &format!("{path}.sessionPersistence"), ctx);
    }
}

/// R64-R74 on a defaulted path match.
fn check_path_match(p: &HttpPathMatch, path: &str, ctx: &mut Ctx<'_>) {
    let type_ = p.type_.as_ref().map_or("", |t| t.as_str());
    if !matches!(type_, "Exact" | "PathPrefix" | "RegularExpression") {
        ctx.error(
            &format!("{path}.type"),
            PATH_TYPE_KNOWN,
            format!("path type `{type_}` is unknown; use Exact, PathPrefix or RegularExpression"),
        );
    }
    if !matches!(type_, "Exact" | "PathPrefix") {
        return;
    }
    let value = p.value.as_deref().unwrap_or("");
    let marks = PathMarks::of(value);
    let mut fail = |broken: bool, rule: &'static str, what: &str| {
        if broken {
            ctx.error(
                &format!("{path}.value"),
                rule,
                format!("path `{value}` {what}"),
            );
        }
    };
    fail(
        !value.starts_with('/'),
        PATH_STARTS_WITH_SLASH,
        "must start with `/`; add a leading slash",
    );
    fail(
        marks.double_slash,
        PATH_NO_DOUBLE_SLASH,
        "contains `//`; collapse it to one slash",
    );
    fail(
        marks.dot_segment,
        PATH_NO_DOT_SEGMENT,
        "contains `/./`; remove the `.` segment",
    );
    fail(
        marks.dot_dot_segment,
        PATH_NO_DOT_DOT_SEGMENT,
        "contains `/../`; write the path without `..` segments",
    );
    fail(
        marks.encoded_lower,
        PATH_NO_ENCODED_SLASH_LOWER,
        "contains an encoded slash `%2f`; use `/`",
    );
    fail(
        marks.encoded_upper,
        PATH_NO_ENCODED_SLASH_UPPER,
        "contains an encoded slash `%2F`; use `/`",
    );
    fail(
        marks.fragment,
        PATH_NO_FRAGMENT,
        "contains `#`; a path has no fragment, remove it",
    );
    fail(
        value.ends_with("/.."),
        PATH_NO_TRAILING_DOT_DOT,
        "ends with `/..`; write the path without `..` segments",
    );
    fail(
        value.ends_with("/."),
        PATH_NO_TRAILING_DOT,
        "ends with `/.`; remove the `.` segment",
    );
    fail(
        !PATH.is_match(value),
        PATH_CHARACTERS,
        "has characters a path cannot hold; use RFC 3986 characters and `%XX` escapes, or a \
         RegularExpression match",
    );
}

/// The substrings the path rules look for, found in one pass over the value.
#[derive(Debug, Default)]
struct PathMarks {
    /// `//`.
    double_slash: bool,
    /// `/./`.
    dot_segment: bool,
    /// `/../`.
    dot_dot_segment: bool,
    /// `%2f`.
    encoded_lower: bool,
    /// `%2F`.
    encoded_upper: bool,
    /// `#`.
    fragment: bool,
}

impl PathMarks {
    fn of(value: &str) -> Self {
        let mut m = Self::default();
        let bytes = value.as_bytes();
        for (i, &c) in bytes.iter().enumerate() {
            let rest = bytes.get(i + 1..).unwrap_or_default();
            match c {
                b'/' => {
                    m.double_slash |= rest.starts_with(b"/");
                    m.dot_segment |= rest.starts_with(b"./");
                    m.dot_dot_segment |= rest.starts_with(b"../");
                }
                b'%' => {
                    m.encoded_lower |= rest.starts_with(b"2f");
                    m.encoded_upper |= rest.starts_with(b"2F");
                }
                b'#' => m.fragment = true,
                _ => {}
            }
        }
        m
    }
}

/// A filter kind of the union rules: its type, whether its member is set,
/// the member's wire name, and the two rule ids.
pub(crate) type Member = (&'static str, bool, &'static str, &'static str, &'static str);

/// R29-R63 on an HTTPRoute filter list at `path`.
fn check_filters(filters: &[HttpRouteFilter], path: &str, ctx: &mut Ctx<'_>) {
    let count = |t: HttpRouteFilterType| filters.iter().filter(|f| f.type_ == t).count();
    if count(HttpRouteFilterType::RequestRedirect) > 0 && count(HttpRouteFilterType::UrlRewrite) > 0
    {
        ctx.error(
            path,
            REDIRECT_AND_REWRITE,
            "a redirect and a rewrite cannot be combined; keep only one of them",
        );
    }
    for (t, rule, name) in [
        (HttpRouteFilterType::Cors, SINGLE_CORS, "CORS"),
        (
            HttpRouteFilterType::RequestHeaderModifier,
            SINGLE_REQUEST_HEADER_MODIFIER,
            "RequestHeaderModifier",
        ),
        (
            HttpRouteFilterType::ResponseHeaderModifier,
            SINGLE_RESPONSE_HEADER_MODIFIER,
            "ResponseHeaderModifier",
        ),
        (
            HttpRouteFilterType::RequestRedirect,
            SINGLE_REQUEST_REDIRECT,
            "RequestRedirect",
        ),
        (
            HttpRouteFilterType::UrlRewrite,
            SINGLE_URL_REWRITE,
            "URLRewrite",
        ),
    ] {
        let n = count(t);
        if n > 1 {
            ctx.error(
                path,
                rule,
                format!("{n} {name} filters; merge them into one"),
            );
        }
    }
    for (k, f) in filters.iter().enumerate() {
        check_filter(f, &format!("{path}[{k}]"), ctx);
    }
}

fn check_filter(f: &HttpRouteFilter, path: &str, ctx: &mut Ctx<'_>) {
    let type_ = f.type_.as_str();
    #[allow(unused_mut)] // experimental adds a member
    let mut members: Vec<Member> = vec![
        (
            "RequestHeaderModifier",
            f.request_header_modifier.is_some(),
            "requestHeaderModifier",
            FILTER_REQUEST_HEADER_MODIFIER_REQUIRED,
            FILTER_REQUEST_HEADER_MODIFIER_UNEXPECTED,
        ),
        (
            "ResponseHeaderModifier",
            f.response_header_modifier.is_some(),
            "responseHeaderModifier",
            FILTER_RESPONSE_HEADER_MODIFIER_REQUIRED,
            FILTER_RESPONSE_HEADER_MODIFIER_UNEXPECTED,
        ),
        (
            "RequestMirror",
            f.request_mirror.is_some(),
            "requestMirror",
            FILTER_REQUEST_MIRROR_REQUIRED,
            FILTER_REQUEST_MIRROR_UNEXPECTED,
        ),
        (
            "RequestRedirect",
            f.request_redirect.is_some(),
            "requestRedirect",
            FILTER_REQUEST_REDIRECT_REQUIRED,
            FILTER_REQUEST_REDIRECT_UNEXPECTED,
        ),
        (
            "URLRewrite",
            f.url_rewrite.is_some(),
            "urlRewrite",
            FILTER_URL_REWRITE_REQUIRED,
            FILTER_URL_REWRITE_UNEXPECTED,
        ),
        (
            "ExtensionRef",
            f.extension_ref.is_some(),
            "extensionRef",
            FILTER_EXTENSION_REF_REQUIRED,
            FILTER_EXTENSION_REF_UNEXPECTED,
        ),
        (
            "CORS",
            f.cors.is_some(),
            "cors",
            FILTER_CORS_REQUIRED,
            FILTER_CORS_UNEXPECTED,
        ),
    ];
    #[cfg(feature = "experimental")]
    if ctx.experimental() {
        members.push((
            "ExternalAuth",
            f.external_auth.is_some(),
            "externalAuth",
            FILTER_EXTERNAL_AUTH_REQUIRED,
            FILTER_EXTERNAL_AUTH_UNEXPECTED,
        ));
    }
    check_union(type_, &members, path, ctx);
    if let Some(m) = &f.request_mirror {
        check_mirror(m, &format!("{path}.requestMirror"), ctx);
    }
    if let Some(p) = f.request_redirect.as_ref().and_then(|r| r.path.as_ref()) {
        check_path_modifier(p, &format!("{path}.requestRedirect.path"), ctx);
    }
    if let Some(p) = f.url_rewrite.as_ref().and_then(|r| r.path.as_ref()) {
        check_path_modifier(p, &format!("{path}.urlRewrite.path"), ctx);
    }
    if let Some(c) = &f.cors {
        check_cors(c, &format!("{path}.cors"), ctx);
    }
    #[cfg(feature = "experimental")]
    if ctx.experimental()
        && let Some(auth) = &f.external_auth
    {
        check_external_auth(auth, &format!("{path}.externalAuth"), ctx);
    }
}

/// The union rules of a filter: the member named by the type is set, the
/// others are not.
pub(crate) fn check_union(type_: &str, members: &[Member], path: &str, ctx: &mut Ctx<'_>) {
    for &(t, present, member, required, unexpected) in members {
        if type_ == t && !present {
            ctx.error(
                path,
                required,
                format!("a {t} filter needs its `{member}` block; add it"),
            );
        }
        if present && type_ != t {
            ctx.error(
                &format!("{path}.{member}"),
                unexpected,
                format!(
                    "`{member}` belongs to a {t} filter, but the type is `{type_}`; remove it or \
                     set the type to {t}"
                ),
            );
        }
    }
}

/// R60-R63.
fn check_path_modifier(p: &HttpPathModifier, path: &str, ctx: &mut Ctx<'_>) {
    let full = p.type_ == HttpPathModifierType::ReplaceFullPath;
    let prefix = p.type_ == HttpPathModifierType::ReplacePrefixMatch;
    if full && p.replace_full_path.is_none() {
        ctx.error(
            path,
            PATH_MODIFIER_FULL_REQUIRED,
            "type ReplaceFullPath needs `replaceFullPath`; add it",
        );
    }
    if p.replace_full_path.is_some() && !full {
        ctx.error(
            &format!("{path}.replaceFullPath"),
            PATH_MODIFIER_FULL_UNEXPECTED,
            "`replaceFullPath` needs type ReplaceFullPath; remove it or change the type",
        );
    }
    if prefix && p.replace_prefix_match.is_none() {
        ctx.error(
            path,
            PATH_MODIFIER_PREFIX_REQUIRED,
            "type ReplacePrefixMatch needs `replacePrefixMatch`; add it",
        );
    }
    if p.replace_prefix_match.is_some() && !prefix {
        ctx.error(
            &format!("{path}.replacePrefixMatch"),
            PATH_MODIFIER_PREFIX_UNEXPECTED,
            "`replacePrefixMatch` needs type ReplacePrefixMatch; remove it or change the type",
        );
    }
}

/// R51-R53.
fn check_cors(c: &HttpCorsFilter, path: &str, ctx: &mut Ctx<'_>) {
    let methods: Option<Vec<&str>> = c
        .allow_methods
        .as_ref()
        .map(|m| m.iter().map(|x| x.as_str()).collect());
    fn strings(v: Option<&Vec<String>>) -> Option<Vec<&str>> {
        v.map(|v| v.iter().map(String::as_str).collect())
    }
    for (list, field, rule) in [
        (
            strings(c.allow_headers.as_ref()),
            "allowHeaders",
            CORS_HEADERS_WILDCARD_ALONE,
        ),
        (methods, "allowMethods", CORS_METHODS_WILDCARD_ALONE),
        (
            strings(c.allow_origins.as_ref()),
            "allowOrigins",
            CORS_ORIGINS_WILDCARD_ALONE,
        ),
    ] {
        if let Some(list) = list
            && list.len() > 1
            && list.contains(&"*")
        {
            ctx.error(
                &format!("{path}.{field}"),
                rule,
                format!("`*` already allows everything; make it the only entry of `{field}`"),
            );
        }
    }
}

/// R54-R57 and R28 on an `externalAuth` block.
#[cfg(feature = "experimental")]
fn check_external_auth(
    a: &gateway_types::http_route::HttpExternalAuthFilter,
    path: &str,
    ctx: &mut Ctx<'_>,
) {
    let protocol = a.protocol.as_str();
    let b = &a.backend_ref;
    check_backend_port(
        b.group.as_deref(),
        b.kind.as_deref(),
        b.port,
        &format!("{path}.backendRef"),
        ctx,
    );
    for (p, present, member, required, unexpected) in [
        (
            "GRPC",
            a.grpc.is_some(),
            "grpc",
            EXTERNAL_AUTH_GRPC_REQUIRED,
            EXTERNAL_AUTH_GRPC_UNEXPECTED,
        ),
        (
            "HTTP",
            a.http.is_some(),
            "http",
            EXTERNAL_AUTH_HTTP_REQUIRED,
            EXTERNAL_AUTH_HTTP_UNEXPECTED,
        ),
    ] {
        if protocol == p && !present {
            ctx.error(
                path,
                required,
                format!("protocol {p} needs a `{member}` block; add it (it may be empty)"),
            );
        }
        if present && protocol != p {
            ctx.error(
                &format!("{path}.{member}"),
                unexpected,
                format!(
                    "`{member}` configures protocol {p}, but the protocol is `{protocol}`; remove \
                     it or change the protocol"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PathMarks;

    #[test]
    fn path_rules_find_the_same_substrings_as_a_search() {
        for value in [
            "",
            "/",
            "//",
            "/a//b",
            "/./",
            "/a/./b",
            "/.",
            "/../",
            "/a/../",
            "/..",
            "%2f",
            "/x%2Fy",
            "%2",
            "%",
            "#",
            "/a#b",
            "/.../",
            "/.//",
            "/a/b/c",
            "/%2f%2F#//./../",
        ] {
            let m = PathMarks::of(value);
            assert_eq!(m.double_slash, value.contains("//"), "{value}");
            assert_eq!(m.dot_segment, value.contains("/./"), "{value}");
            assert_eq!(m.dot_dot_segment, value.contains("/../"), "{value}");
            assert_eq!(m.encoded_lower, value.contains("%2f"), "{value}");
            assert_eq!(m.encoded_upper, value.contains("%2F"), "{value}");
            assert_eq!(m.fragment, value.contains('#'), "{value}");
        }
    }
}
